"""Deliberately broken variants of the reference mock, to measure what the suite detects."""
