"""%graph: the computation graph as data, its tree view, dot/mermaid, scale (issue 3)."""

from __future__ import annotations

import io
import json
import re
import sys

import pytest
import torch

from tutor import graph as G
from tutor import render_autograd  # noqa: F401 - registers the renderers
from tutor.commands import CommandError
from tutor.render import outcome_text, plain_text, to_renderable
from tutor.runner import run_inputs


def d2l():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.log(x**2) * torch.sin(x) + 1 / x
    return x, y


@pytest.fixture
def d2l_session(session):
    session.ensure_torch()
    for line in ("x = torch.tensor(2.0, requires_grad=True)", "y = torch.log(x**2)*torch.sin(x) + 1/x"):
        assert session.submit(line).ok
    return session


def test_d2l_graph_nodes_and_leaf():
    x, y = d2l()
    g = G.build(y, {id(x): ["x"]}, title="y")
    ops = {n.op for n in g.operations}
    # 1/x is recorded as reciprocal then a multiplication by the constant 1
    assert ops == {"log", "pow", "sin", "mul", "reciprocal", "add"}
    assert [n.torch_name for n in g.operations].count("MulBackward0") == 2
    assert [n.names for n in g.leaves] == [["x"]]
    leaf = g.leaves[0]
    assert leaf.shape == () and leaf.dtype == "float32"
    labels = {n.label for n in g.operations}
    assert "pow, exponent 2" in labels and "mul by constant 1" in labels
    assert g.constant_inputs == 1
    assert g.longest_path == 4  # x → pow → log → mul → add


def test_dag_node_reached_twice_is_shown_once():
    x, y = d2l()
    g = G.build(y, {id(x): ["x"]})
    rows, hidden = G.tree_rows(g)
    leaf_rows = [r for r in rows if r.node == g.leaves[0].id]
    assert [r.kind for r in leaf_rows] == ["node", "ref", "ref"]  # x: pow, sin, reciprocal
    assert hidden == 0
    assert len(g.nodes) == 8  # 7 operations + one leaf, no duplicates


def test_tree_text_exact_at_width_60(d2l_session):
    out = d2l_session.submit("%graph y")
    assert out.ok, out.error
    assert outcome_text(out, 60) == """\
Graph of y: 7 operations, 1 leaf (x), 1 constant input;
depth 4
[1] add  AddBackward0
├── [2] mul  MulBackward0
│   ├── [3] log  LogBackward0
│   │   └── [4] pow, exponent 2  PowBackward0
│   │       └── x  leaf () float32  AccumulateGrad
│   └── [5] sin  SinBackward0
│       └── ↑ x (shown above)
└── [6] mul by constant 1  MulBackward0
    ├── [7] reciprocal 1/a  ReciprocalBackward0
    │   └── ↑ x (shown above)
    └── ◦ constant 1
Output at the top, leaves at the bottom: backward() runs
top-down. %trace y walks it step by step."""


def test_small_vector_graph_exact_text():
    w = torch.ones(3, requires_grad=True)
    loss = (w * 3).sum()
    g = G.build(loss, {id(w): ["w"]}, title="loss")
    assert plain_text([to_renderable(g)], width=60) == """\
Graph of loss: 2 operations, 1 leaf (w), 1 constant input;
depth 2
[1] sum  SumBackward0
└── [2] mul by constant 3  MulBackward0  → (3,)
    ├── w  leaf (3,) float32  AccumulateGrad
    └── ◦ constant 3
Output at the top, leaves at the bottom: backward() runs
top-down. %trace loss walks it step by step."""


def test_saved_tensors_and_freed(d2l_session):
    text = outcome_text(d2l_session.submit("%graph y --saved"), 80)
    assert "saved exponent: 2" in text and "saved self: 2 () float32" in text
    assert "freed" not in text
    assert d2l_session.submit("y.backward()").ok
    out = d2l_session.submit("%graph y --saved")
    assert out.ok
    text = outcome_text(out, 80)
    assert "saved self: freed by an earlier backward()" in text
    assert "saved exponent: 2" in text  # numbers are not freed
    assert out.command_output.freed


def test_dot_and_mermaid(d2l_session):
    dot = d2l_session.submit("%graph y --dot").command_output
    assert isinstance(dot, G.GraphText) and dot.kind == "dot"
    assert dot.text.startswith("digraph y {") and dot.text.rstrip().endswith("}")
    assert '[label="pow, exponent 2\\nPowBackward0"' in dot.text
    assert len(re.findall(r"^  n\d+ -> n\d+;$", dot.text, re.M)) == 9  # edges between nodes
    assert "c1 -> n" in dot.text and "n0 -> y_out;" in dot.text
    mer = d2l_session.submit("%graph y --mermaid").command_output
    assert mer.text.startswith("flowchart BT")
    assert 'n7[["x () float32"]]' in mer.text
    assert "-.->" in mer.text  # the constant
    assert not d2l_session.submit("%graph y --dot --mermaid").ok


def chain(n: int, op=torch.sin):
    x = torch.tensor(0.5, requires_grad=True)
    y = x
    for _ in range(n):
        y = op(y)
    return x, y


def test_20000_node_chain_graphs_and_summarises():
    limit = sys.getrecursionlimit()
    x, y = chain(20_000)
    g = G.build(y, {id(x): ["x"]}, title="y")
    assert len(g.nodes) == 20_001 and g.longest_path == 20_000
    rows, hidden = G.tree_rows(g)
    assert [r.kind for r in rows] == ["node", "fold", "node"]
    assert rows[1].count == 19_999 and rows[1].text == "sin"
    text = plain_text([to_renderable(g)], 80)
    assert len(text.splitlines()) < 10
    assert "sin × 19,999" in text and "20,000 operations" in text
    assert sys.getrecursionlimit() == limit
    dot = g.to_dot()
    assert "20001 more nodes" not in dot and f"{20_001 - G.EXPORT_LIMIT} more nodes not written" in dot


def test_repeated_pattern_folds_and_depth_limit():
    x, y = chain(300, lambda t: torch.cos(torch.sin(t)) * 2)
    g = G.build(y, {id(x): ["x"]})
    rows, _ = G.tree_rows(g)
    fold = [r for r in rows if r.kind == "fold"]
    assert fold and fold[0].text == "cos → sin → mul" and fold[0].count >= 290
    # a wide graph with no chain is cut by the depth limit and the row budget
    xs = [torch.tensor(float(i), requires_grad=True) for i in range(200)]
    total = xs[0]
    for t in xs[1:]:
        total = total + t * t
    g = G.build(total, {})
    rows, hidden = G.tree_rows(g, depth_limit=3)
    assert len(rows) <= G.ROW_LIMIT and hidden > 0
    assert any(r.kind == "cut" for r in rows)


def test_detached_input_named_and_unnamed_leaf(session):
    session.ensure_torch()
    for line in ("x = torch.arange(4.0, requires_grad=True)", "y = x * x", "u = y.detach()",
                 "z = u * x"):
        assert session.submit(line).ok
    g = session.submit("%graph z").command_output
    notes = [e.note for n in g.nodes for e in n.edges if e.target is None]
    assert notes == ["u (requires_grad=False)"]
    anon = G.build(torch.ones(2, requires_grad=True) * 2, {})
    assert anon.leaf_label(anon.leaves[0]) == "leaf1"


def test_namespace_function_and_json_runner(d2l_session):
    out = d2l_session.submit("graph(y)")
    assert out.ok, out.error
    assert isinstance(out.value, G.Graph) and out.value.title == "y"
    assert [n.names for n in out.value.leaves] == [["x"]]
    assert "[4] pow, exponent 2" in outcome_text(out, 80)
    assert "dot" in d2l_session.submit("graph(y, dot=True)").value.kind
    bad = d2l_session.submit("graph(3)")
    assert bad.error.type == "ValueError" and "not a tensor" in bad.error.message
    buf = io.StringIO()
    run_inputs(d2l_session, ["%graph y", "%graph 3"], out=buf, as_json=True)
    first, second = (json.loads(line) for line in buf.getvalue().splitlines())
    assert first["ok"] and "pow, exponent 2" in first["output"]
    assert not second["ok"] and second["error"]["type"] == "CommandError"
    assert "not a tensor" in second["error"]["message"]


@pytest.mark.parametrize("line, fragment", [
    ("%graph", "usage: %graph EXPR"),
    ("%graph 3", "is an int, not a tensor"),
    ("%graph torch.ones(3)", "has no graph"),
    ("%graph y --depth two", "--depth needs a whole number"),
    ("%graph y --colour", "unknown option --colour"),
    ("%graph y --saved yes", "--saved takes no value"),
    ("%graph nope", "name 'nope' is not defined"),
])
def test_bad_input_is_one_sentence(d2l_session, line, fragment):
    out = d2l_session.submit(line)
    assert out.error is not None and out.error.type == "CommandError", out.error
    assert fragment in out.error.message and "Traceback" not in out.error.message


def test_parse_options():
    from tutor.commands.autograd import parse

    assert parse("f torch.tensor([1.0, 2.0]) --expect 2*x", valued=("expect",)) == (
        "f torch.tensor([1.0, 2.0])", {"expect": "2*x"})
    assert parse("y --saved --dot", flags=("saved", "dot")) == ("y", {"saved": True, "dot": True})
    assert parse("f(x, s='--dot') --dot", flags=("dot",)) == ("f(x, s='--dot')", {"dot": True})
    assert parse("1 --2", flags=("dot",)) == ("1 --2", {})  # minus minus two, not an option
    with pytest.raises(CommandError):
        parse("y --gradient", valued=("gradient",))


def test_benchmark_helper_runs():
    results = G.benchmark(sizes=(50, 200), torchviz=False)
    assert [r["nodes"] for r in results] == [51, 201]
    assert all(r["build_s"] >= 0 and r["rows"] == 3 for r in results)


def test_walk_stops_at_the_limit_and_says_so(monkeypatch):
    monkeypatch.setattr(G, "WALK_LIMIT", 1_000)
    x, y = chain(3_000)
    g = G.build(y, {id(x): ["x"]}, title="y", walk_limit=G.WALK_LIMIT)
    assert g.truncated and len(g.nodes) == 1_000 and not g.leaves
    assert g.constant_inputs == 0
    text = plain_text([to_renderable(g)], 80)
    assert "more than 1,000 operations (the walk stops at 1,000 nodes)" in text
    assert "… the graph goes on (not walked): more than 1,000 nodes" in text


def test_infinite_values_do_not_break_labels():
    x = torch.tensor(1000.0, requires_grad=True)
    y = torch.exp(x) * float("inf")
    g = G.build(y, {id(x): ["x"]}, show_saved=True)
    assert "mul by constant inf" in {n.label for n in g.operations}
    assert "inf" in plain_text([to_renderable(g)], 80)
