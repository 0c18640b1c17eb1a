"""Benchmarks: a large generated dataset and timings of summaries, Home and digests."""
