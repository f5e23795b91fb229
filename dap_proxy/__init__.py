"""smart-debug: a DAP proxy over debugpy that reads the code, injects safe probes and tests hypotheses."""

__version__ = "0.1.0"
