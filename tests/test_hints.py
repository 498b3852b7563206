"""Diagnosis: every hint id fires on its triggers (Session and `run --json`), and correct code gets none."""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import tutor.hints as hints_pkg  # noqa: E402
from hints_cases import CASES  # noqa: E402
from tutor.hints import CATALOG, IDS  # noqa: E402
from tutor.runner import run_inputs, split_inputs  # noqa: E402
from tutor.session import Session, diagnose_inputs  # noqa: E402

# The catalog's source of truth lives beside the project: ../shared/ relative to the project root
# (the worktrees have it as a symlink; CI checks ../shared out beside the clone).
MISTAKES_MD = Path(__file__).resolve().parents[1].parent / "shared" / "autograd-mistakes.md"


def mistakes_text() -> str:
    """autograd-mistakes.md, or a loud failure: a sync test that compares nothing must not pass."""
    if not MISTAKES_MD.is_file():
        pytest.fail(f"{MISTAKES_MD} is missing: the catalog-sync tests need ../shared/ beside the project "
                    "root (check out the shared folder there)", pytrace=False)
    return MISTAKES_MD.read_text(encoding="utf-8")


@pytest.fixture(autouse=True)
def strict_rules(monkeypatch):
    """A rule that crashes fails the test instead of being skipped quietly."""
    monkeypatch.setattr(hints_pkg, "STRICT", True)


def new_session(timeout: float | None = 5.0) -> Session:
    session = Session(timeout=timeout)
    session.ensure_torch()
    return session


def case_id(case) -> str:
    return case[0]


@pytest.mark.parametrize("hint_id,script,opts", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_trigger_through_session(hint_id, script, opts):
    session = new_session(opts.get("timeout", 5.0))
    inputs = split_inputs(script)
    outcomes = [session.submit(text) for text in inputs]
    last = outcomes[-1]
    assert [h.id for h in last.hints][:1] == [hint_id], (last.error, [h.id for h in last.hints])
    if not opts.get("earlier"):
        assert [[h.id for h in o.hints] for o in outcomes[:-1]] == [[]] * (len(outcomes) - 1)
    hint = last.hints[0]
    entry = CATALOG[hint_id]
    assert hint.title == entry.title and hint.section == entry.section and hint.example == entry.example
    assert hint.explanation and (hint.fix or hint.fix_words)
    assert bool(hint.fix) == hint.verified  # code is shown only when it was tried on a copy
    # that the text uses the learner's own names is checked in test_hints_names.py (with renamed names)
    # %explain shows it
    shown = session.submit("%explain")
    assert shown.ok and shown.command_output.hints[0].id == hint_id


@pytest.mark.parametrize("hint_id,script,opts", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_trigger_through_runner_json(hint_id, script, opts):
    out = io.StringIO()
    run_inputs(new_session(opts.get("timeout", 5.0)), split_inputs(script), out=out, as_json=True)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert records[-1]["hint_ids"][:1] == [hint_id]
    hint = records[-1]["hints"][0]
    assert hint["id"] == hint_id and hint["title"] == CATALOG[hint_id].title and hint["text"]
    assert (hint["fix"] is not None) == hint["verified"] == bool(hint["replaces"])
    assert hint["fix"] is not None or hint["fix_words"]
    assert all(int(k) == records[int(k) - 1]["index"] for k in hint["replaces"])
    assert f"hint {hint_id}" in records[-1]["output"]
    if not opts.get("earlier"):
        assert all(r["hint_ids"] == [] for r in records[:-1])


def catalog_ids_from_markdown() -> list[str]:
    text = mistakes_text()
    table = text.split("## Summary table", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\|\s*\d+\s*\|\s*`([a-z0-9-]+)`", table, re.M)


# ids the tutor adds to autograd-mistakes.md's 35 (each named in the README's list of ids)
EXTRA_IDS = ["attribute-called", "inplace-via-data", "update-rebinds-name", "helper-returns-none"]


def test_every_catalog_id_has_two_distinct_triggers():
    ids = catalog_ids_from_markdown()
    if MISTAKES_MD.exists():
        assert len(ids) == 35
        ids = ids + EXTRA_IDS
    assert list(IDS) == ids, "the shipped id list must match autograd-mistakes.md, then EXTRA_IDS"
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for extra in EXTRA_IDS:
        assert f"`{extra}`" in readme, f"{extra} is not in the README's list of ids"
    counts = Counter(c[0] for c in CASES)
    missing = [i for i in ids if counts[i] < 2]
    assert not missing, f"ids with fewer than two triggering tests: {missing}"
    scripts = Counter((c[0], c[1]) for c in CASES)
    assert max(scripts.values()) == 1, "triggers must differ"
    assert set(counts) <= set(ids), "a case uses an unknown id"


# -- no false alarms ----------------------------------------------------------------------------------

D2L_2_5 = {
    "2.5.1": """\
x = torch.arange(4.0)
x
x.requires_grad_(True)
x.grad
y = 2 * torch.dot(x, x)
y
y.backward()
x.grad
x.grad == 4 * x
x.grad.zero_()
y = x.sum()
y.backward()
x.grad
""",
    "2.5.2": """\
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))
x.grad
""",
    "2.5.3": """\
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
x.grad == u
x.grad.zero_()
y.sum().backward()
x.grad == 2 * x
""",
    "2.5.4": """\
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
torch.manual_seed(0)
a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
a.grad == d / a
""",
}


def test_d2l_2_5_examples_get_no_hint():
    session = new_session()
    for section, script in D2L_2_5.items():
        for text, found in diagnose_inputs(script, session=session):
            assert found == [], f"D2L {section}: {text!r} got {[h.id for h in found]}"
    # the results are the book's, so the session really ran them
    x = session.namespace["x"]
    assert x.grad.tolist() == (2 * x).tolist()
    assert bool(session.namespace["a"].grad == session.namespace["d"] / session.namespace["a"])


def test_d2l_2_5_examples_through_runner_json():
    out = io.StringIO()
    run_inputs(new_session(), split_inputs("".join(D2L_2_5.values())), out=out, as_json=True)
    records = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(records) > 25 and all(r["ok"] for r in records)
    assert [r["hints"] for r in records if r["hints"]] == []


def _fix_blocks() -> list[str]:
    text = mistakes_text()
    return re.findall(r"\*\*Fix:\*\*\s*```python\n(.*?)```", text, re.S)


# The fix of double-backward (block 0) deliberately ends with a second backward that accumulates.
DELIBERATE = {0: "grad-accumulation"}


def test_the_catalogs_fixes_get_no_hint():
    blocks = _fix_blocks()
    assert len(blocks) == 35
    for i, block in enumerate(blocks):
        got = {h.id for _, found in diagnose_inputs(block) for h in found}
        expected = {DELIBERATE[i]} if i in DELIBERATE else set()
        assert got == expected, (i, block, got)


@pytest.mark.parametrize("hint_id", IDS)
def test_explain_example_runs_cleanly(hint_id):
    """Every %explain example runs as pasted (or raises exactly what it claims) and gets no hint."""
    entry = CATALOG[hint_id]
    session = new_session()
    outcomes = [session.submit(text) for text in split_inputs(entry.example)]
    errors = [o.error.type for o in outcomes if o.error is not None]
    assert errors == ([entry.raises] if entry.raises else []), [o.error for o in outcomes if o.error]
    assert [h.id for o in outcomes for h in o.hints] == []
    # and it runs as one pasted block too
    pasted = new_session().submit(entry.example)
    assert (pasted.error.type if pasted.error else None) == entry.raises and pasted.hints == []


CORRECT_BUT_NEAR = [
    # things that look like mistakes but are right
    "x = torch.tensor([1.0, 2.0], requires_grad=True)\ny = (x ** 2).sum()\nwith torch.no_grad():\n    y.backward()",
    "x = torch.ones(3, requires_grad=True)\nfor step in range(3):\n    x.grad = None\n    (x * 2).sum().backward()",
    "w = torch.ones(2, requires_grad=True)\nfor step in range(2):\n    (w ** 2).sum().backward()\n"
    "    with torch.no_grad():\n        w -= 0.1 * w.grad\n    w.grad.zero_()",
    "x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2\ny.backward()\nprint(f'{x.grad:.3f}', y.item())",
    "x = torch.linspace(0, 1, 5, requires_grad=True)\nys = torch.sin(x).detach().numpy()\nmath.pi * 2",
    "x = torch.tensor([3.0], requires_grad=True)\n(x ** 2).backward()\nx.grad",
    "x = torch.tensor(1.0, requires_grad=True)\nloss = (x - 3) ** 2\nloss.backward()\nprint(loss.item())",
    "a = torch.tensor([1.0, 2.0])\nb = a.clone()\na == b",
    "x = torch.arange(4.0, requires_grad=True)\ny = x * x\ny.retain_grad()\ny.sum().backward()\ny.grad",
    "x = torch.tensor(2.0, requires_grad=True)\n(g,) = torch.autograd.grad(x ** 3, x, create_graph=True)\n"
    "(h,) = torch.autograd.grad(g, x)\nh",
    "x = torch.randn(3, requires_grad=True)\ny = torch.where(x > 0, x, torch.zeros_like(x))\ny.sum().backward()",
    "A = torch.ones(2, 3)\nB = A @ A.T\ntorch.dot(torch.ones(3), torch.arange(3.0))",
    "plot(torch.linspace(0, 3, 5, requires_grad=True), torch.arange(5.0))",
    "w = (torch.randn(3) * 0.01).requires_grad_()\n(w ** 2).sum().backward()\nw.grad",
    "x = torch.ones(2, requires_grad=True)\nx.grad",
    "x = 0.1 + 0.2\nx == 0.3",
]


@pytest.mark.parametrize("script", CORRECT_BUT_NEAR)
def test_correct_code_gets_no_hint(script):
    session = new_session()
    found = [(text, [h.id for h in hs]) for text, hs in diagnose_inputs(script, session=session) if hs]
    assert found == []
    assert all(o.ok for o in session.history), [o.error for o in session.history if o.error]


def test_a_random_a_where_equality_fails_gets_the_float_hint():
    """D2L 2.5.4's `a.grad == d / a` is False for some random a (about 6% of seeds); the hint says why."""
    session = new_session()
    session.submit(D2L_2_5["2.5.4"].split("torch.manual_seed")[0])
    session.submit("torch.manual_seed(15)\na = torch.randn(size=(), requires_grad=True)\nd = f(a)\nd.backward()")
    ns = session.namespace
    assert not bool(ns["a"].grad == ns["d"] / ns["a"]) and bool(torch_allclose(ns["a"].grad, ns["d"] / ns["a"]))
    outcome = session.submit("a.grad == d / a")
    assert [h.id for h in outcome.hints] == ["float-equality-check"]
    assert "a.grad == d / a" in outcome.hints[0].explanation


def torch_allclose(a, b):
    import torch

    return torch.allclose(a, b)
