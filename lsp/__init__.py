"""The smart-debug language server (`smart-debug lsp`, pygls 2.x): suggested breakpoints and the
workspace's hypotheses as code lenses, over the analysis engine and the workspace store. It reads
`dap_proxy`'s analysis and store; the proxy never imports it. Start at `lsp/server.py`."""
