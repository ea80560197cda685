"""Benchmarks of dedupe: speed (pytest-benchmark and the peer comparison) and quality."""
