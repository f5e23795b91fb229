"""The live Smart Debug Session: a room of the proxy that, while the program runs, reads the
failure context, injects probes tied to hypotheses, captures evidence at every stop, tests the
hypotheses against what it observes and tells the editor and the store (DESIGN.md "Rooms")."""
