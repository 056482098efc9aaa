"""Resilience suites: API fuzzing, LLM faults, email abuse, load."""
