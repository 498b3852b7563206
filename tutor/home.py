"""Where the tutor keeps its files (history, progress): AUTOGRAD_TUTOR_HOME or the user's data dir."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def data_dir(create: bool = True) -> Path:
    """The tutor's data directory: $AUTOGRAD_TUTOR_HOME, else the platform's user data dir."""
    override = os.environ.get("AUTOGRAD_TUTOR_HOME")
    if override:
        path = Path(override).expanduser()
    elif sys.platform == "win32":
        path = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "autograd-tutor"
    elif sys.platform == "darwin":
        path = Path.home() / "Library" / "Application Support" / "autograd-tutor"
    else:
        base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        path = Path(base) / "autograd-tutor"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path
