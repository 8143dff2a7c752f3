"""Schemathesis fuzzing through the suite's client, judged by the same rule functions."""
