"""Measurements of mock-ecs, run by hand (``python -m benchmarks.<name>``); never timed tests."""
