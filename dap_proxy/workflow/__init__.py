"""The terminal workflow (the brief's whole loop without an editor): `smart-debug run` (localize's
experiments for a test command, then a debug session through the proxy whose live session
observes the top hypotheses), the report, a regression test from the evidence, `smart-debug
verify` after the fix, and `smart-debug history`. Sessions are driven by `dap_proxy.headless`,
exactly as an editor drives them; the live session's own logic stays in the proxy's room."""
