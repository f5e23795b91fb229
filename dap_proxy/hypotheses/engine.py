"""The offline hypothesis engine (the default; DESIGN.md "the offline engine must be good alone"):
FailureContext + code -> 3-5 ranked, falsifiable hypotheses with coherent probabilities.

Rules (rules_errors.py keyed on the exception, rules_state.py on code and text) propose weighted
candidates quoting the real names, lines and values; this module merges duplicates, keeps the best
3-5, turns weights into percentages that leave an explicit "other" share, cross-links the
alternatives, and attaches the analysis engine's candidate probes that fall in each hypothesis's
code locations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from dap_proxy.analysis.models import Probe
from dap_proxy.analysis.probes import candidate_probes
from dap_proxy.analysis.workspace import is_test_path
from dap_proxy.hypotheses import rules_errors, rules_js, rules_state, rules_tests
from dap_proxy.hypotheses.candidates import Candidate, RuleInput, short
from dap_proxy.hypotheses.models import (
    MIN_OTHER,
    BugPattern,
    FailureContext,
    Hypothesis,
)
from dap_proxy.hypotheses.probability import normalise

MAX_HYPOTHESES = 5
MIN_HYPOTHESES = 3
MAX_PROBES_PER_HYPOTHESIS = 4
GENERIC_WEIGHT = 0.6  # analysis probes are about the code, not about one hypothesis

Rule = Callable[[RuleInput], list[Candidate]]

# Exception type -> the rule that reads it. Names are matched on the last dotted part.
EXCEPTION_RULES: dict[str, Rule] = {
    "KeyError": rules_errors.key_error,
    "IndexError": rules_errors.index_error,
    "AttributeError": rules_errors.attribute_error,
    "TypeError": rules_errors.type_error,
    "ZeroDivisionError": rules_errors.zero_division,
    "RecursionError": rules_errors.recursion_error,
    "UnicodeDecodeError": rules_state.encoding,
    "UnicodeEncodeError": rules_state.encoding,
    "ValueError": rules_state.schema_value,
}
# Rules that look at the code and the text whatever the exception.
CONTEXT_RULES: tuple[Rule, ...] = (
    rules_state.hang,
    rules_state.race,
    rules_state.stale_cache,
    rules_state.memoised_reads,
    rules_state.shared_mutable,
    rules_state.integration,
    rules_state.configuration,
    rules_state.boundary_on_path,
    rules_tests.assertion_in_test,
    rules_tests.wrong_result,
    rules_tests.missing_update,
    rules_tests.wrong_transition,
    rules_errors.raised_by_guard,
)


def _other_share(candidates: list[Candidate], context: FailureContext) -> float:
    """How much to leave to "something else": less when a strong, code-backed signal exists."""
    top = max((c.weight for c in candidates), default=0.0)
    if not context.frames and not context.failure.exceptions:
        return 30.0
    if top >= 0.7:
        return 10.0
    if top >= 0.5:
        return 15.0
    return 25.0


def _merge(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per (pattern, first location): keep the strongest, sorted by weight."""
    best: dict[tuple[BugPattern, str], Candidate] = {}
    for cand in candidates:
        loc = cand.locations[0] if cand.locations else None
        key = (cand.pattern, f"{loc.file}:{loc.line}" if loc else cand.statement[:40])
        if key not in best or cand.weight > best[key].weight:
            best[key] = cand
    return sorted(best.values(), key=lambda c: -c.weight)


def _analysis_probes(context: FailureContext) -> list[Probe]:
    """The analysis engine's candidate probes for this failure."""
    try:
        found = candidate_probes(context.failure, workspace=context.workspace)
    except Exception:  # analysis trouble must not stop hypotheses: the rules' probes remain
        return []
    # Hypothesis locations are workspace-relative; make the probes comparable.
    return [p.model_copy(update={"file": context.relative(p.file)}) for p in found]


def _probes_for(cand: Candidate, extra: list[Probe]) -> list[Probe]:
    """The rule's own probes (made to test this hypothesis) first, then the analysis engine's
    probes inside the hypothesis's locations, weighted down as they are not specific to it."""
    own = sorted(cand.probes, key=lambda p: -p.score)
    seen = {(p.file, p.line, p.kind) for p in own}
    generic: list[Probe] = []
    for loc in cand.locations:
        for p in extra:
            key = (p.file, p.line, p.kind)
            if p.file == loc.file and abs(p.line - loc.line) <= 3 and key not in seen:
                generic.append(p.model_copy(update={"score": round(p.score * GENERIC_WEIGHT, 3)}))
                seen.add(key)
    generic.sort(key=lambda p: -p.score)
    return (own + generic)[:MAX_PROBES_PER_HYPOTHESIS]


def _apply(rule: Rule, inp: RuleInput) -> list[Candidate]:
    """One rule's candidates; a rule that trips over unusual code yields nothing rather than
    taking the whole triage down (the other rules and the fallbacks still answer)."""
    try:
        return rule(inp)
    except Exception:  # noqa: BLE001 - arbitrary user code and text reach the rules
        return []


def candidates_for(context: FailureContext) -> list[Candidate]:
    inp = RuleInput.build(context)
    found: list[Candidate] = []
    rule = EXCEPTION_RULES.get(inp.exc_type)
    if context.failure.language == "javascript":
        rule = rules_js.javascript_error
    if rule is not None:
        found.extend(_apply(rule, inp))
    found.extend(_apply(rules_errors.message_only, inp))
    for context_rule in CONTEXT_RULES:
        found.extend(_apply(context_rule, inp))
    merged = _merge(found)
    # Generic alternatives only fill the list up to the minimum: they never crowd out specific ones.
    for extra in _apply(rules_state.fallback, inp):
        if len(merged) >= MIN_HYPOTHESES:
            break
        merged = _merge([*merged, extra])
    return _code_under_test_first(merged, context)


TEST_SIDE_SHARE = 0.8  # a test-side candidate keeps at most this share of the best one's weight


def _code_under_test_first(candidates: list[Candidate], context: FailureContext) -> list[Candidate]:
    """A failure that surfaces in a test file or a test helper, called from the code under test
    (`inc(x): return x + 1` handed None by the library), rarely starts there: when the traceback
    passes through code under test, candidates located there rank above those located in test
    files (the live session's observations at both frames settle it afterwards)."""
    frames = context.workspace_frames
    if not frames or not is_test_path(
        context.relative(frames[-1].workspace_path or frames[-1].file)
    ):
        return candidates
    if all(is_test_path(context.relative(f.workspace_path or f.file)) for f in frames):
        return candidates  # nothing but test code on the way: the test is all there is

    def test_side(cand: Candidate) -> bool:
        return bool(cand.locations) and is_test_path(cand.locations[0].file)

    under_test = [c for c in candidates if not test_side(c)]
    if not under_test:
        return candidates
    cap = max(c.weight for c in under_test) * TEST_SIDE_SHARE
    demoted = [replace(c, weight=min(c.weight, cap)) for c in candidates if test_side(c)]
    return sorted([*under_test, *demoted], key=lambda c: -c.weight)


def generate_offline(context: FailureContext, limit: int = MAX_HYPOTHESES) -> list[Hypothesis]:
    """3-5 ranked hypotheses for the failure; probabilities sum to 100 minus the "other" share."""
    limit = max(MIN_HYPOTHESES, min(limit, MAX_HYPOTHESES))
    chosen = candidates_for(context)[:limit]
    if not chosen:
        return []
    other = _other_share(chosen, context)
    total = sum(c.weight for c in chosen)
    extra = _analysis_probes(context)
    hypotheses = []
    for index, cand in enumerate(chosen, start=1):
        hypotheses.append(
            Hypothesis(
                id=f"H{index}",
                statement=cand.statement,
                category=cand.category,
                pattern=cand.pattern,
                probability=(100.0 - other) * cand.weight / total,
                supporting_evidence=cand.evidence,
                falsification_criteria=cand.falsification,
                testing_approach=cand.testing,
                expected_symptoms=cand.symptoms,
                locations=cand.locations,
                probes=_probes_for(cand, extra),
            )
        )
    hypotheses = normalise(hypotheses)
    other_pct = round(100.0 - sum(h.probability for h in hypotheses), 1)
    for h in hypotheses:
        h.alternatives = [
            f"{o.id} ({o.probability:.0f}%): {short(o.statement)}"
            for o in hypotheses
            if o.id != h.id
        ] + [f"something not listed ({max(other_pct, MIN_OTHER):.0f}%)"]
    return hypotheses
