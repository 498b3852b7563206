"""%trace and %forward: the backward pass step by step, forward mode with dual numbers (issue 3)."""

from __future__ import annotations

import io
import json

import pytest
import torch
from torch.testing import assert_close

from tutor import backprop as B
from tutor import render_autograd  # noqa: F401 - registers the renderers
from tutor.commands import CommandError
from tutor.render import outcome_text
from tutor.runner import run_inputs


def d2l():
    x = torch.tensor(2.0, requires_grad=True)
    y = torch.log(x**2) * torch.sin(x) + 1 / x
    return x, y


@pytest.fixture
def d2l_session(session):
    session.ensure_torch()
    for line in ("x = torch.tensor(2.0, requires_grad=True)", "y = torch.log(x**2)*torch.sin(x) + 1/x",
                 "def f(x): return torch.log(x**2)*torch.sin(x) + 1/x"):
        assert session.submit(line).ok
    return session


def engine_order(y):
    """The order PyTorch's engine really runs the nodes in (pre-hooks fire as each node starts)."""
    order, handles, seen, stack = [], [], set(), [y.grad_fn]
    while stack:
        fn = stack.pop()
        if fn in seen:
            continue
        seen.add(fn)
        handles.append(fn.register_prehook(lambda grads, fn=fn: order.append(fn)))
        stack.extend(n for n, _ in fn.next_functions if n is not None)
    y.backward(retain_graph=True)
    for h in handles:
        h.remove()
    return order


def test_d2l_trace_ends_at_0_0824_and_equals_backward():
    x, y = d2l()
    trace = B.backward_trace(y, names={id(x): ["x"]}, title="y")
    assert [leaf.name for leaf in trace.leaves] == ["x"]
    assert trace.leaves[0].text == "0.0824"
    assert x.grad is None  # untouched
    y.backward()  # the graph still works
    assert_close(trace.leaves[0].grad, x.grad)
    assert trace.steps[-1].is_leaf and trace.steps[-1].arriving.endswith("= 0.0824")


def test_order_is_the_engines_order_and_each_node_runs_once():
    x, y = d2l()
    trace = B.backward_trace(y, names={id(x): ["x"]})
    from tutor import graph as G

    fns, _, _ = G.walk(y.grad_fn)
    ours = [fns[i] for i in trace.node_ids if fns[i].name() != "torch::autograd::AccumulateGrad"]
    theirs = [fn for fn in engine_order(y) if type(fn).__name__ != "AccumulateGrad"]
    assert ours == theirs
    assert len(trace.order) == len(set(trace.order)) == 8


def test_local_rules_in_symbols_and_numbers():
    x, y = d2l()
    trace = B.backward_trace(y, names={id(x): ["x"]})
    by_node = {s.node.split("] ")[-1]: s for s in trace.steps}
    sin = by_node["sin"]
    assert sin.formula == "out = sin(a)" and sin.arriving == "1.386"
    assert sin.edges[0].rule == "∂/∂a = cos(a) = cos(2) = -0.4161"
    assert sin.edges[0].grad == "-0.5769" and sin.edges[0].to == "x"
    pow_ = by_node["pow, exponent 2"]
    assert pow_.edges[0].rule.startswith("∂/∂a = p·a^(p-1) = 2·2^1")
    mul = by_node["mul"]
    assert [e.rule for e in mul.edges] == ["∂/∂a = b = 0.9093", "∂/∂b = a = 1.386"]
    const = by_node["mul by constant 1"]
    assert const.edges[1].value is None and const.edges[1].to == "constant 1"


def test_state_is_not_disturbed_retain_grad_hooks_and_existing_grad():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = torch.tensor(0.5, requires_grad=True)
    z = x + b  # broadcast: b's gradient must be summed
    z.retain_grad()
    calls = []
    x.register_hook(lambda g: calls.append(g))
    x.grad = torch.full((3,), 7.0)
    y = (z * z).sum()
    trace = B.backward_trace(y, names={id(x): ["x"], id(b): ["b"]})
    assert z.grad is None and calls == [] and x.grad.tolist() == [7.0, 7.0, 7.0] and b.grad is None
    grads = {leaf.name: leaf.grad for leaf in trace.leaves}
    x.grad = None
    y.backward()
    assert_close(grads["x"], x.grad)
    assert_close(grads["b"], b.grad)
    assert grads["b"].shape == ()


def test_matrix_graph_many_leaves_equals_backward():
    torch.manual_seed(0)
    W = torch.randn(3, 4, requires_grad=True)
    v = torch.randn(4, requires_grad=True)
    h = torch.tanh(W @ v)
    loss = (h.exp() * torch.sigmoid(h)).mean() + torch.dot(v, v) / 2
    trace = B.backward_trace(loss, names={id(W): ["W"], id(v): ["v"]})
    loss.backward()
    got = {leaf.name: leaf.grad for leaf in trace.leaves}
    assert_close(got["W"], W.grad)
    assert_close(got["v"], v.grad)


def test_gradient_argument_for_non_scalar():
    x = torch.arange(4.0, requires_grad=True)
    y = x * x
    with pytest.raises(CommandError, match=r"shape \(4,\): backward needs a scalar"):
        B.backward_trace(y, title="y")
    with pytest.raises(CommandError, match="must match"):
        B.backward_trace(y, torch.ones(3), title="y")
    v = torch.tensor([1.0, 0.0, 2.0, 1.0])
    trace = B.backward_trace(y, v, names={id(x): ["x"]})
    y.backward(gradient=v)
    assert_close(trace.leaves[0].grad, x.grad)
    assert trace.seed == "[1, 0, 2, 1]"


def test_bad_inputs_and_freed_graph():
    x, y = d2l()
    with pytest.raises(CommandError, match="not a tensor"):
        B.backward_trace(3.0, title="n")
    with pytest.raises(CommandError, match="leaf tensor"):
        B.backward_trace(x, title="x")
    with pytest.raises(CommandError, match="no graph"):
        B.backward_trace(torch.ones(2), title="c")
    y.backward()
    with pytest.raises(CommandError, match="freed by an earlier backward"):
        B.backward_trace(y, title="y")


def test_trace_through_session_runner_and_namespace(d2l_session):
    out = d2l_session.submit("%trace y")
    assert out.ok, out.error
    text = outcome_text(out, 100)
    assert "x.grad would be 0.0824" in text and "∂/∂a = cos(a) = cos(2) = -0.4161" in text
    assert d2l_session.namespace["x"].grad is None and not out.gradients
    assert d2l_session.submit("y.backward()").ok
    assert_close(d2l_session.namespace["x"].grad, out.command_output.leaves[0].grad)
    assert "freed" in d2l_session.submit("%trace y").error.message
    assert d2l_session.submit("y = torch.log(x**2)*torch.sin(x) + 1/x").ok
    t = d2l_session.submit("trace(y)")
    assert t.ok and isinstance(t.value, B.BackwardTrace) and t.value.title == "y"
    buf = io.StringIO()
    run_inputs(d2l_session, ["%trace y", "%trace 1"], out=buf, as_json=True)
    first, second = (json.loads(line) for line in buf.getvalue().splitlines())
    assert first["ok"] and "x.grad would be 0.0824" in first["output"] and first["gradients"] == {}
    assert second["error"]["type"] == "CommandError"


def test_trace_limits_steps_on_long_chains():
    x = torch.tensor(0.3, requires_grad=True)
    y = x
    for _ in range(300):
        y = torch.sin(y)
    trace = B.backward_trace(y, names={id(x): ["x"]})
    assert len(trace.steps) == B.STEP_LIMIT and trace.hidden_steps == 301 - B.STEP_LIMIT
    y.backward()
    assert_close(trace.leaves[0].grad, x.grad)


# -- forward mode ----------------------------------------------------------------------------------


def test_forward_mode_d2l():
    def f(x):
        return torch.log(x**2) * torch.sin(x) + 1 / x

    trace = B.forward_trace(f, [torch.tensor(2.0)], ["x"], call="f(x)")
    assert trace.output_tangent == "0.0824" and trace.agree
    x, y = d2l()
    y.backward()
    assert_close(trace.derivative, x.grad)
    assert [s.expr for s in trace.steps] == ["x ** 2", "log(v1)", "sin(x)", "v2·v3", "1 / x", "v4 + v5"]
    assert trace.steps[0].rule == "v1' = 2·x·x'" and trace.steps[0].tangent == "4"
    assert trace.steps[2].tangent == "-0.4161"
    assert "few inputs" in B.FORWARD_VS_REVERSE and "exercise 8" in B.FORWARD_VS_REVERSE


def test_forward_mode_vector_input_needs_n_passes():
    trace = B.forward_trace(lambda v: (v**2).sum() * 3, [torch.tensor([1.0, 2.0, 3.0])], ["v"])
    assert trace.passes == 3 and trace.inputs[0][2] == "[1, 0, 0]"
    assert_close(trace.derivative, torch.tensor([6.0, 12.0, 18.0]))
    assert_close(trace.reverse, trace.derivative)


def test_forward_commands(d2l_session):
    out = d2l_session.submit("%forward f 2.0")
    assert out.ok, out.error
    text = outcome_text(out, 100)
    assert "derivative = 0.0824" in text and "✓ reverse mode (backward) gives the same: 0.0824" in text
    assert "few inputs and many" in text
    replay = d2l_session.submit("%trace y --forward")
    assert replay.ok, replay.error
    assert replay.command_output.output_tangent == "0.0824"
    assert "y = torch.log(x**2)*torch.sin(x) + 1/x" in outcome_text(replay, 100)
    assert d2l_session.namespace["x"].grad is None
    ns = d2l_session.submit("forward(f, 2.0)")
    assert ns.ok and ns.value.output_tangent == "0.0824"
    assert "int64" in d2l_session.submit("%forward f torch.tensor(2)").error.message
    assert "usage" in d2l_session.submit("%forward f").error.message
    assert d2l_session.submit("s = x * 3\ns = s + 1").ok
    assert "cannot find the line" in d2l_session.submit("%trace s --forward").error.message
