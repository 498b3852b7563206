collect_ignore_glob = ["*.py"]  # benchmarks run with `python tests/benchmarks/run.py`, not pytest
