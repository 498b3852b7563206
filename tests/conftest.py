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


@pytest.fixture(autouse=True)
def torch_print_options():
    """Learner code (and %explain examples) may call torch.set_printoptions: undo it after each test."""
    from torch._tensor_str import PRINT_OPTS

    saved = dict(vars(PRINT_OPTS))
    yield
    vars(PRINT_OPTS).update(saved)


@pytest.fixture(autouse=True)
def shown_fixes_compile(monkeypatch):
    """Anywhere in the suite, a hint whose code under fix: does not compile fails the test (the tutor
    itself drops such a fix; tutor.hints.BAD_FIXES records it)."""
    import tutor.hints

    bad: list = []
    monkeypatch.setattr(tutor.hints, "BAD_FIXES", bad)
    yield
    assert not bad, f"hints showed code under fix: that does not compile: {bad}"
