collect_ignore_glob = ["*.py"]  # measured by `python tests/reliability/run.py`, not collected by pytest
