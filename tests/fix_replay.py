"""Shared by the tests of verified fixes (tests/test_fixes.py, tests/test_fixes_every_id.py): apply a
hint's `replaces` to the learner's own inputs and run them again from the start, in a fresh Session."""

from __future__ import annotations

from tutor.session import Session


def new_session(timeout: float | None = 5.0) -> Session:
    session = Session(timeout=timeout)
    session.ensure_torch()
    return session


def assert_the_shown_fix_is_the_edit(hint) -> None:
    """What is shown under fix: is the edit that was tried, in the learner's own lines."""
    compile(hint.fix, "<fix>", "exec")
    edited = "\n".join(hint.replaces.values())
    for line in hint.fix.splitlines():
        assert line.strip() in ("", "...") or line.strip() in edited, (line, edited)


def assert_the_fix_clears_the_mistake(inputs: list[str], hint, hint_id: str, timeout: float | None = 5.0) -> Session:
    """Apply `hint.replaces` ({input index: corrected input}, 1-based) to `inputs` and run them all in a
    fresh session: every input from the first edited one on must run without an error and without the
    hint `hint_id`. Returns that session (its namespace holds the values after the fix)."""
    assert hint.verified and hint.fix and hint.replaces, (hint.fix_words, hint.tried)
    assert set(hint.replaces) <= set(range(1, len(inputs) + 1)), (sorted(hint.replaces), len(inputs))
    again = new_session(timeout)
    redone = [again.submit(hint.replaces.get(i, text)) for i, text in enumerate(inputs, start=1)]
    for o in redone[min(hint.replaces) - 1:]:
        assert o.ok, (o.input, o.error)
        assert hint_id not in [h.id for h in o.hints], o.input
    return again
