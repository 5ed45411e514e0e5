"""Benchmark scripts: run as ``python -m bench.<name>``; each prints its figures (see its docstring)."""
