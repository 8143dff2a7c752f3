"""Zuora's documented rules as functions over one exchange, shared by every kind of test."""
