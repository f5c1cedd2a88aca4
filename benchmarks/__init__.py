"""Benchmarks, the synthetic scaler and the load generator."""
