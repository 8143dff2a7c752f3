"""Recorded exchanges: record and replay, scrubbing, deterministic ids, drift and validation."""
