"""The rule register (every spec sentence, one entry each) and the mock tests that prove the mock keeps each rule."""
