"""Hypotheses: models, the offline engine, the optional Anthropic engine, redaction, strategy."""
