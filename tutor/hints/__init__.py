"""Diagnosis: turn an Outcome into hints from the catalog (ids from autograd-mistakes.md).

`diagnose(session, outcome) -> list[Hint]` is the one entry point the Session calls.
"""

from __future__ import annotations


def diagnose(session, outcome) -> list:
    """The hints that explain what went wrong in this input (none for correct code)."""
    return []
