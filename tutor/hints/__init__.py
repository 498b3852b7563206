"""Diagnosis: turn an Outcome into hints from the catalog (ids from autograd-mistakes.md).

`diagnose(session, outcome) -> list[Hint]` is the one entry point the Session calls after every code
input. `IDS` lists every hint id; `CATALOG[id]` has its title, section, explanation and example.
`diagnose_inputs(inputs)` runs code through a fresh Session and returns every hint, which is how
lessons check that their reference solutions are clean.
"""

from __future__ import annotations

import warnings

from tutor.hints.catalog import CATALOG, IDS, Entry, entry

MAX_HINTS = 2
STATE_KEY = "hints.last"  # session.state: the last non-empty list of hints (for %explain)
STRICT = False  # tests set this to True so a broken rule fails loudly instead of staying silent

__all__ = ["CATALOG", "IDS", "Entry", "entry", "diagnose", "diagnose_inputs", "last_hints"]


def diagnose(session, outcome) -> list:
    """The hints that explain what went wrong in this input (none for correct code)."""
    if outcome.kind != "code":
        return []
    if outcome.error is not None and outcome.error.type in ("SyntaxError", "IndentationError", "TabError",
                                                           "TutorError"):
        return []
    from tutor.hints.context import Context
    from tutor.hints.rules import run_rules

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = run_rules(Context(session, outcome), strict=STRICT)
        except Exception:  # noqa: BLE001 - diagnosis must never break the tutor
            if STRICT:
                raise
            return []
    found.sort(key=lambda pair: pair[0])
    hints, seen = [], set()
    for _, hint in found:
        if hint.id not in seen:
            seen.add(hint.id)
            hints.append(hint)
    hints = hints[:MAX_HINTS]
    if hints:
        session.state[STATE_KEY] = {"index": outcome.index, "input": outcome.input, "hints": hints}
    return hints


def last_hints(session) -> list:
    """The hints of the latest input that had any."""
    record = session.state.get(STATE_KEY)
    return list(record["hints"]) if record else []


def diagnose_inputs(inputs, session=None, timeout: float | None = 5.0) -> list[tuple[str, list]]:
    """Run inputs (a script's text or a list of inputs) through a Session: [(input, hints)] for each.

    Lessons use it to check that reference solutions get no hint: `all(not h for _, h in result)`.
    """
    from tutor.runner import split_inputs
    from tutor.session import Session

    if isinstance(inputs, str):
        inputs = split_inputs(inputs)
    session = session or Session(timeout=timeout)
    session.ensure_torch()
    result = []
    for text in inputs:
        outcome = session.submit(text)
        result.append((text, list(outcome.hints)))
    return result
