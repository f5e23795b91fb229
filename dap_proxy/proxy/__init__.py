"""The DAP proxy: one module per peer (editor side, adapter side), seq maps, handlers by name."""
