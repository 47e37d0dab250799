"""Benchmarks: a synthetic corpus with ground truth (`generate`) and the benchmark runner (`run`)."""
