"""Content-Length framing and the message channel (no DAP command semantics here)."""
