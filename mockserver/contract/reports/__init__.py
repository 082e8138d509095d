"""The reports of a run: one writer per file (Schemathesis's own writers, fed the run's events, where it has one)."""
