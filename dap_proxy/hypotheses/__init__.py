"""Hypotheses: models, the offline engine, the optional Anthropic engine, redaction, strategy.

Entry points for other rooms (import the submodules; this package imports nothing heavy):
- `context.build_context(text, workspace) -> FailureContext`: pasted text / traceback -> context.
- `engine.generate_offline(context, limit=5) -> list[Hypothesis]`: 3-5 ranked hypotheses.
- `strategy.select_strategy(context) -> StrategyChoice`: the brief's decision matrix, top two.
- `probability.update(hypotheses, evidence, likelihood_ratio) -> list[Hypothesis]`: Bayesian-style
  update with the coherence rule (sum <= 100 - MIN_OTHER, explicit "other" remainder).
- `triage.run_triage(text, workspace, ai=..., use_store=...) -> TriageResult` and
  `triage.to_json(result)`: what `smart-debug triage` prints.
"""
