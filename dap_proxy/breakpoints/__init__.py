"""Merging injected probes into setBreakpoints and stripping them from responses."""
