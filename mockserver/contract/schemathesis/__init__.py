"""The adapter: the modules that reach below Schemathesis's public API (its engine, transport, case and run state)."""
