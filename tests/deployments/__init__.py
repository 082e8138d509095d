"""Independent, production-like deployments of the two list APIs (and broken variants) for testing the tester."""
