"""Benchmarks (figures, not pass/fail): see bench/README.md."""
