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
        existed = path.exists()
        path.mkdir(parents=True, exist_ok=True, mode=0o700)  # history holds everything typed
        if not existed or not override:  # never change the mode of a folder the learner chose
            try:
                path.chmod(0o700)
            except OSError:
                pass
    return path


def private_file(path: Path) -> Path:
    """Create `path` if missing, readable and writable by its owner only (0600)."""
    fd = os.open(path, os.O_CREAT | os.O_APPEND | os.O_WRONLY, 0o600)
    os.close(fd)
    try:
        os.chmod(path, 0o600)
    except OSError:
        pass
    return path

