"""Evidence: snapshots, timeline, the SQLite workspace store, reports."""
