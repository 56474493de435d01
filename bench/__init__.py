"""Benchmarks: each module measures one thing and prints figures beside their goals; `bench.run` runs them all."""
