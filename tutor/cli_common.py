"""What the command line and its subcommand modules share: the usage error, reading a file, the
extension table. Subcommand modules (`tutor.cli_lessons`) import this, never `tutor.cli`, so the
command line can load them without an import cycle.
"""

from __future__ import annotations

import sys

EXTENSIONS: list = []  # functions (subparsers, common_parent) that add more subcommands


class UsageError(Exception):
    """Bad usage or an unreadable file: one line on stderr, exit status 2."""


def read_source(path: str) -> str:
    """The text of FILE, or of stdin for `-`."""
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot read {path}: {reason}") from None
