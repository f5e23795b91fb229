"""tree-sitter code analysis: critical path facts, data flow, traceback parsing, candidate probes."""
