"""The requests the tester chooses itself: the edge requests sent on purpose, and the steering of generated ones."""
