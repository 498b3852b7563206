"""`python -m tutor` runs the same CLI as `autograd-tutor`."""

import os
import sys


def _drop_cwd_from_path() -> None:
    """`python -m` puts the current folder first on sys.path: a `lessons/` or `rich.py` there would be
    imported instead of ours (the console script does not do this). Keep it only when the current
    folder is this project's own tree (a checkout, where `lessons/` is ours)."""
    project = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cwd = os.getcwd()
    if os.path.realpath(cwd) == os.path.realpath(project):
        return
    sys.path[:] = [p for p in sys.path if os.path.realpath(p or os.curdir) != os.path.realpath(cwd)]
    if project not in sys.path:
        sys.path.append(project)  # an uninstalled checkout run from elsewhere still finds lessons/


_drop_cwd_from_path()

from tutor.cli import main  # noqa: E402

raise SystemExit(main())
