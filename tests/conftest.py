"""Shared fixtures: an isolated tutor home for every test, and a ready Session."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def tutor_home(tmp_path, monkeypatch):
    """Every test gets its own AUTOGRAD_TUTOR_HOME (history, progress)."""
    home = tmp_path / "home"
    monkeypatch.setenv("AUTOGRAD_TUTOR_HOME", str(home))
    return home


@pytest.fixture
def session():
    from tutor.session import Session

    return Session(timeout=10)
