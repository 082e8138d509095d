"""The contract tester's commands: ``mockserver fuzz`` and ``mockserver report merge``."""
