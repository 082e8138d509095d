"""The contract tester: fuzz a target against spec/ with Schemathesis plus semantic checks (see runner.run)."""

__all__: list[str] = []  # import from the modules; the package stays light because the pytest plugin loads it
