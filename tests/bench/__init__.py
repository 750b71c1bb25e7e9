"""Haven's benchmarks: `make bench` (python -m tests.bench) measures and writes BENCHMARKS.md."""
