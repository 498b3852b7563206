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
    code_index: Callable[[str], int | None] | None = None  # a code filename -> the input that holds it (None:
    # not the learner's); default: the Session's own `<input-N>` names. A notebook adds its cells' names.


def input_of_file(filename: str) -> int | None:
    """The input number of a `<input-N>` code filename (the Session's own), else None."""
    if isinstance(filename, str) and filename.startswith("<input-") and filename.endswith(">"):
        try:
            return int(filename[len("<input-"):-1])
        except ValueError:
            return None
    return None


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
        hint.fix_in_place_of = _in_place_of(hint, outcome, scene) if hint.fix else ""
    from tutor.hints.fixes import MOOT

    hints = [h for h in hints if not any(why == MOOT for _, why in h.tried)]
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


def _in_place_of(hint, outcome, scene: Scene) -> str:
    """The inputs a verified edit stands in for, quoted, unless it is 'type this instead of the input that
    just raised' (which leaves the state as it was before it). An edit of an earlier input, or of this
    input when it ran (and so already changed the state), was proven in their place, not typed after them."""
    replaced = sorted(hint.replaces)
    if replaced == [outcome.index] and outcome.error is not None:
        return ""
    if replaced == [outcome.index] and _works_typed_now(hint, outcome, scene):
        return ""
    texts = {o.index: o.input for o in scene.history}
    texts[outcome.index] = outcome.input
    quoted = []
    for index in replaced:
        lines = [line for line in texts.get(index, "").splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0].strip()
        first = first if len(first) <= 60 else first[:57] + "..."
        label = scene.input_label(index) + " " if scene.input_label else ""
        quoted.append(f"{label}`{first}`" + (" ..." if len(lines) > 1 else ""))
    if not quoted:
        return ""
    again = ("then run the inputs after it again" if replaced[0] < outcome.index
             else "which already ran: start again from before it")
    return f"{', '.join(quoted)}, {again}"


def _works_typed_now(hint, outcome, scene: Scene) -> bool:
    """Whether the fix, typed right after this input (which ran), also clears the mistake: tried as the
    next input on a copy of the session as this input left it (judged on what the fix itself does)."""
    if any(line.strip() == "..." for line in hint.fix.splitlines()):
        return False  # an excerpt of the edited input (a loop header, the new line, ...), not code to type
    if hint.replaces == {outcome.index: outcome.input.rstrip() + "\n" + hint.fix}:
        return True  # proven as this input followed by the fix: typed next it leaves the same state
    if scene.try_fix is None:
        return False
    try:
        return bool(scene.try_fix({outcome.index + 1: hint.fix}, hint_id=hint.id).ok)
    except Exception:  # noqa: BLE001 - then the hint says what the fix stands in for
        return False


def last_hints(session) -> list:
    """The hints of the latest input that had any (anything with the session's `state` dict)."""
    record = session.state.get(STATE_KEY)
    return list(record["hints"]) if record else []
