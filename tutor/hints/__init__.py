"""Diagnosis: turn an Outcome into hints from the catalog (ids from autograd-mistakes.md).

`diagnose(outcome, scene) -> list[Hint]` is the one entry point; the Session calls it after every
code input and hands in a `Scene`: what diagnosis may look at (the namespace, the history of
outcomes, a per-session state dict) and what it may do (`try_fix`, a way to run a candidate fix
on a copy of the session, None when fixes cannot be tried). Diagnosis never imports the Session:
the dependency runs one way. `IDS` lists every hint id; `CATALOG[id]` has its title, section,
explanation and example. The rules live in `tutor.hints.rules`, one module per family.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

from tutor.hints.catalog import CATALOG, IDS, Entry, entry

MAX_HINTS = 2
STATE_KEY = "hints.last"  # scene.state: the last non-empty list of hints (for %explain)
STRICT = False  # tests set this to True so a broken rule fails loudly instead of staying silent
BAD_FIXES: list | None = None  # tests/conftest.py sets a list: (id, code) of any fix that did not compile
VERIFY_BUDGET = 1.2  # seconds per input for trying candidate fixes (the rest get words)

__all__ = ["CATALOG", "IDS", "Entry", "Scene", "entry", "diagnose", "last_hints"]


@dataclass
class Scene:
    """What the Session hands to diagnosis for one input."""

    namespace: dict
    history: list = field(default_factory=list)  # earlier Outcomes, oldest first (the current one excluded)
    state: dict[str, Any] = field(default_factory=dict)  # per-session state (caches, the last hints)
    try_fix: Callable | None = None  # runs a candidate fix on a copy of the session (see tutor.verify)
    input_label: Callable[[int], str] | None = None  # how the front names input n ("In [3]"); None: unnumbered


def diagnose(outcome, scene: Scene) -> list:
    """The hints that explain what went wrong in this input (none for correct code)."""
    if outcome.kind != "code":
        return []
    if outcome.error is not None and outcome.error.type in ("SyntaxError", "IndentationError", "TabError",
                                                           "TutorError"):
        return []
    from tutor.hints.context import Context
    from tutor.hints.rules import run_rules

    ctx = Context(scene, outcome)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            if outcome.error is not None:
                from tutor.hints.errctx import error_tensors

                outcome.tensors = error_tensors(ctx)  # the failing line's tensors (rendered under the error)
            found = run_rules(ctx, strict=STRICT)
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
    deadline = time.monotonic() + VERIFY_BUDGET
    for hint in hints:
        _prove(ctx, hint, scene.try_fix, deadline)
    if hints:
        scene.state[STATE_KEY] = {"index": outcome.index, "input": outcome.input, "hints": hints}
    return hints


def _prove(ctx, hint, try_fix, deadline: float) -> None:
    """Show code under fix: only when it was tried on a copy of the session (tutor.hints.fixes)."""
    from tutor.hints import fixes

    words = hint.fix_words or fixes.WORDS.get(hint.id, f"%explain {hint.id} shows the usual way to fix it.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            site = ctx.error_site or ctx.current_site
            candidates = list(hint.candidates) + fixes.generic(hint, site)
            fixes.prove(hint, candidates, try_fix, words, deadline)
    except Exception:  # noqa: BLE001 - proving must never break the tutor
        if STRICT:
            raise
        hint.fix, hint.verified, hint.replaces, hint.fix_words = "", False, {}, words
    hint.candidates = []
    if hint.fix:
        try:
            compile(hint.fix, "<fix>", "exec")
        except (SyntaxError, ValueError):
            if BAD_FIXES is not None:
                BAD_FIXES.append((hint.id, hint.fix))
            hint.fix, hint.verified, hint.replaces = "", False, {}


def last_hints(session) -> list:
    """The hints of the latest input that had any (anything with the session's `state` dict)."""
    record = session.state.get(STATE_KEY)
    return list(record["hints"]) if record else []
