"""A verified fix is shown as 'type this next' only when it works typed next, in the state the input left;
otherwise it says which input it stands in for. verify.try_fix with a key after the latest input runs the
code as the next input on a copy and judges only what that code does."""

from __future__ import annotations

import pytest

import tutor.hints as hints_pkg
from tutor import verify
from tutor.render import fix_label
from tutor.session import Session


@pytest.fixture(autouse=True)
def strict(monkeypatch):
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def submit_all(session, lines):
    return [session.submit(line) for line in lines]


def test_code_typed_next_is_judged_in_the_state_the_input_left():
    session = Session(timeout=5)
    submit_all(session, ["x = torch.tensor([1.0, 2.0], requires_grad=True)", "y = (x * x).sum()",
                         "y.backward()"])
    latest = session.history[-1].index
    # typed next, a second pass over the freed graph fails; a rebuilt graph works
    again = verify.try_fix(session, {latest + 1: "x.grad = None\ny.backward()"})
    assert not again.ok and "raises" in again.why
    rebuilt = verify.try_fix(session, {latest + 1: "x.grad = None\ny = (x * x).sum()\ny.backward()"})
    assert rebuilt.ok, rebuilt.why
    # the copy changed nothing here
    assert session.namespace["x"].grad.tolist() == [2.0, 4.0]
    # and without fork, the replay gives the same answers
    assert not verify.try_fix(session, {latest + 1: "x.grad = None\ny.backward()"}, fork=False).ok
    assert verify.try_fix(session, {latest + 1: "x.grad = None\ny = (x * x).sum()\ny.backward()"}, fork=False).ok


def test_a_silent_fix_for_the_input_that_just_ran_is_simply_typed_next():
    """torch.tensor([...]) of graph results: the stack() fix works typed next (the label says nothing
    about an earlier input) and, typed next in the learner's own session, the backward pass then works."""
    session = Session(timeout=5)
    outcomes = submit_all(session, ["x = torch.tensor([1.0, 2.0], requires_grad=True)",
                                    "y = torch.tensor([x[0] ** 2, x[1] ** 3])"])
    hint = next(h for h in outcomes[-1].hints if h.id == "item-breaks-graph")
    assert hint.verified and hint.fix == "y = torch.stack([x[0] ** 2, x[1] ** 3])"
    assert hint.fix_in_place_of == "" and fix_label(hint) == "fix, tried on a copy of your session:"
    typed = session.submit(hint.fix)
    assert typed.ok and not typed.hints
    done = session.submit("y.sum().backward()")
    assert done.ok and session.namespace["x"].grad.tolist() == [2.0, 12.0]


def test_the_words_shown_when_no_fix_is_proven_never_use_a_placeholder_name():
    """What to change, said in words (tutor.hints.fixes.WORDS), uses no variable the learner did not name:
    an example like `x.grad = None` in the fallback would name an x the learner may not have."""
    import re

    from tutor.hints.fixes import WORDS

    placeholder = re.compile(r"(?<![\w.])([a-z])(\.grad|\s*[+\-*/]?=\s)")  # x.grad, y = ..., y += ...
    bad = {hint_id: text for hint_id, text in WORDS.items() if placeholder.search(text)}
    assert bad == {}, bad


def test_a_fix_inside_a_loop_is_shown_with_its_loop_and_typed_next_updates_every_tensor():
    """`for p in params: p -= 0.1 * p.grad` raises at the first p. The line alone typed at the prompt would
    update one tensor only (p is params[0] there); the fix is shown with its loop, and typed next it
    updates both, by -0.1 * grad each (the oracle: the values before, minus 0.1 times their gradients)."""
    session = Session(timeout=5)
    submit_all(session, ["params = [torch.tensor([1.0, -2.0], requires_grad=True), torch.tensor([3.0], requires_grad=True)]",
                         "loss = sum((p ** 2).sum() for p in params)", "loss.backward()"])
    failed = session.submit("for p in params:\n    p -= 0.1 * p.grad")
    hint = next(h for h in failed.hints if h.id == "inplace-on-leaf")
    assert hint.fix == "for p in params:\n    with torch.no_grad(): p -= 0.1 * p.grad", hint.fix
    assert session.submit(hint.fix).ok
    assert [p.tolist() for p in session.namespace["params"]] == [pytest.approx([0.8, -1.6]), pytest.approx([2.4])]


@pytest.mark.parametrize("fork", [True, False])
def test_a_copy_that_runs_the_latest_input_again_starts_from_what_it_held_before(fork):
    """The latest input, edited, runs again on a copy: the lists it grew in place (results.append) hold the
    items they held before it, and grads it filled are taken back, in the fork and in the replay alike."""
    session = Session(timeout=5)
    submit_all(session, ["x = torch.tensor([1.0, 2.0], requires_grad=True)", "out = [0.0]"])
    session.submit("for k in range(2):\n    (x * x).sum().backward()\n    out.append(x.grad[0].item())")
    latest = session.history[-1].index
    assert session.namespace["out"] == [0.0, 2.0, 4.0]  # the learner's loop added up
    seen = verify.try_fix(
        session, {latest: "for k in range(2):\n    x.grad = None\n    (x * x).sum().backward()\n"
                          "    out.append(x.grad[0].item())"},
        check=lambda copy, outcome: repr(copy.namespace["out"]), fork=fork)
    assert seen.why == "[0.0, 2.0, 2.0]"  # not [0.0, 2.0, 4.0, 2.0, 2.0], not [0.0, 2.0, 4.0 + ...]
    assert session.namespace["out"] == [0.0, 2.0, 4.0] and session.namespace["x"].grad.tolist() == [4.0, 8.0]
