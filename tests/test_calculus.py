"""%check, %jacobian, %hessian: derivatives compared three ways; matrices one pass per row (issue 3)."""

from __future__ import annotations

import io
import json
import math

import pytest
import torch
from torch.testing import assert_close

from tutor import calculus as C
from tutor import render_autograd  # noqa: F401 - registers the renderers
from tutor.commands import CommandError
from tutor.render import plain_text
from tutor.render import outcome_text
from tutor.runner import run_inputs

RIGHT = "2*torch.sin(x)/x + torch.log(x**2)*torch.cos(x) - 1/x**2"
WRONG = "2*torch.cos(x)/x"


def f(x):
    return torch.log(x**2) * torch.sin(x) + 1 / x


@pytest.fixture
def calc_session(session):
    session.ensure_torch()
    for line in ("def f(x): return torch.log(x**2)*torch.sin(x) + 1/x",
                 "g = lambda v: (v**2).sum() + torch.exp(v).sum()",
                 "A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])",
                 "lin = lambda v: A @ v"):
        assert session.submit(line).ok
    return session


def by_method(result):
    return {row.method: row for row in result.rows}


def test_check_d2l_three_ways_agree():
    result = C.check(f, 2.0, name="f")
    rows = by_method(result)
    x = torch.tensor(2.0, requires_grad=True)
    f(x).backward()
    assert_close(rows["autograd (float32)"].value.float(), x.grad)
    assert rows["central difference (float64)"].ok and rows["sympy (symbolic)"].ok
    assert rows["autograd (float64)"].ok is None  # the reference
    assert abs(float(rows["sympy (symbolic)"].value) - 0.0823954) < 1e-6
    assert result.symbolic == "d/dx = log(x**2)*cos(x) + 2*sin(x)/x - 1/x**2"
    assert result.passed and result.verdict.startswith("✓")
    assert any("rounding, not a mistake" in n for n in result.notes)


def test_expect_right_passes_and_wrong_fails():
    right = C.check(f, 2.0, expect=RIGHT)
    assert right.passed and "your formula is right" in right.verdict
    assert any("== would give False" in n for n in right.notes)
    wrong = C.check(f, 2.0, expect=WRONG)
    assert not wrong.passed and "your formula differs" in wrong.verdict
    assert by_method(wrong)["your formula (--expect)"].ok is False
    # a number typed by hand is compared to the digits typed
    assert C.check(f, 2.0, expect="0.0824").passed
    assert not C.check(f, 2.0, expect="0.0834").passed
    # a function works as the expectation too
    assert C.check(f, 2.0, expect=lambda x: 2 * torch.sin(x) / x + torch.log(x**2) * torch.cos(x) - 1 / x**2).passed


def test_vector_gradient_and_rounding_note():
    def g(v):
        return (v**2).sum() + torch.exp(v).sum()

    point = torch.tensor([1.0, 2.0, 3.0])
    result = C.check(g, point)
    rows = by_method(result)
    assert_close(rows["autograd (float64)"].value, (2 * point + torch.exp(point)).double())
    assert result.symbolic.startswith("∇ = [2*v1 + exp(v1)")
    assert result.passed and "gradient" in result.call


def test_disagreement_is_reported_at_a_kink():
    result = C.check(lambda x: torch.abs(x), 0.0)
    # autograd says 0 at the kink; the central difference also says 0: they agree here
    assert result.passed
    step = C.check(lambda x: torch.floor(x) + x, 1.0)  # jump at 1: finite difference explodes
    assert not step.passed and "disagreement" in step.verdict


def test_sympy_falls_back_gracefully():
    def h(x):
        return x.exp() * 2  # a tensor method sympy's symbols do not have

    result = C.check(h, 0.5, name="h")
    assert result.passed and result.symbolic is None
    assert "sympy could not express h" in result.symbolic_reason
    assert "sympy (symbolic)" not in by_method(result)


def test_sympy_follows_helpers_and_closures():
    k = 3.0

    def inner(t):
        return torch.sin(t) * k

    def outer(t):
        return inner(t) ** 2 + math.pi

    result = C.check(outer, 1.0)
    assert result.symbolic is not None and result.passed


@pytest.mark.parametrize("func, point, fragment", [
    (f, torch.tensor(2), "int64 tensor"),
    (f, "2", "not a str"),
    (f, True, "is a bool"),
    (lambda v: v * 2, torch.ones(3), "returned shape (3,)"),
    (lambda v: float(v.detach()), 1.0, "returned a float, not a tensor"),
    (lambda v: torch.tensor(1.0), 1.0, "does not depend on v through autograd"),
    (lambda v: v.undefined_thing(), 1.0, "raised AttributeError"),
    (3, 1.0, "not a function"),
])
def test_bad_input(func, point, fragment):
    with pytest.raises(CommandError) as info:
        C.check(func, point)
    assert fragment in str(info.value)


def test_jacobian_rows_are_vector_jacobian_products():
    A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    result = C.jacobian(lambda v: A @ v, torch.tensor([1.0, -1.0]), name="lin")
    assert_close(result.matrix, A)  # numerator layout: rows are outputs
    assert result.passes == 3 and result.agree
    # row i is what backward(gradient=e_i) puts in .grad
    x = torch.tensor([1.0, -1.0], requires_grad=True)
    (A @ x).backward(gradient=torch.tensor([0.0, 1.0, 0.0]))
    assert_close(result.matrix[1], x.grad)
    sq = C.jacobian(lambda v: v**2, torch.tensor([1.0, 2.0, 3.0]))
    assert_close(sq.matrix, torch.diag(torch.tensor([2.0, 4.0, 6.0])))


def test_hessian_create_graph_and_cost():
    def h(v):
        return (v**3).sum() + v[0] * v[1]

    point = torch.tensor([1.0, 2.0])
    result = C.hessian(h, point)
    assert_close(result.matrix, torch.autograd.functional.hessian(h, point))
    assert result.symmetric and result.agree and result.passes == 3
    linear = C.hessian(lambda v: (2 * v).sum(), point)  # gradient is constant: the Hessian is zero
    assert_close(linear.matrix, torch.zeros(2, 2))
    with pytest.raises(CommandError, match="one output"):
        C.hessian(lambda v: v * 2, point)


def test_commands_through_session(calc_session):
    out = calc_session.submit(f"%check f 2.0 --expect {RIGHT}")
    assert out.ok, out.error
    text = outcome_text(out, 100)
    assert "✓ your formula is right" in text and "sympy: d/dx = " in text
    wrong = calc_session.submit(f"%check f 2.0 --expect {WRONG}")
    assert wrong.ok and not wrong.command_output.passed
    assert "✗ your formula differs" in outcome_text(wrong, 100)
    jac = calc_session.submit("%jacobian lin torch.tensor([1.0, 2.0])")
    assert jac.ok and "lin(v).backward(gradient=eᵢ)" in outcome_text(jac, 120)
    assert_close(jac.command_output.matrix, calc_session.namespace["A"])
    hes = calc_session.submit("%hessian g torch.tensor([0.0, 1.0])")
    assert hes.ok and "create_graph=True" in outcome_text(hes, 100)
    assert calc_session.submit("check(f, 2.0, expect='" + RIGHT + "')").value.passed
    assert calc_session.submit("jacobian(lin, [1.0, 2.0])").ok
    assert calc_session.submit("hessian(g, [0.0, 1.0])").value.symmetric
    bad = calc_session.submit("check(f, torch.tensor(2))")
    assert bad.error.type == "ValueError" and "int64" in bad.error.message


def test_runner_json(calc_session):
    buf = io.StringIO()
    run_inputs(calc_session, ["%check f 2.0", "%check f", "%hessian nothing 1.0", "%jacobian f 2.0 --x"],
               out=buf, as_json=True)
    records = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert records[0]["ok"] and "✓ all methods agree" in records[0]["output"]
    assert [r["error"]["type"] for r in records[1:]] == ["CommandError"] * 3
    assert "usage: %check FUNC POINT" in records[1]["error"]["message"]
    assert "name 'nothing' is not defined" in records[2]["error"]["message"]
    assert "unknown option --x" in records[3]["error"]["message"]


def test_check_accepts_a_quoted_formula():
    from tutor.session import Session

    s = Session()
    s.submit("f = lambda x: x**3 - 1/x")
    right = s.submit('%check f 1.0 --expect "3*x**2 + 1/x**2"')
    wrong = s.submit("%check f 1.0 --expect '3*x**2 - 1/x**2'")
    assert right.ok and wrong.ok
    assert "your formula is right" in plain_text([right.command_output], 90)
    assert "your formula differs" in plain_text([wrong.command_output], 90)


def test_expect_formula_may_write_sin_or_torch_sin():
    g = lambda x: torch.sin(x) ** 2  # noqa: E731
    for formula in ("2*sin(x)*cos(x)", "2*torch.sin(x)*torch.cos(x)", "sin(2*x)", "2*math.sin(1.0)*cos(x)"):
        result = C.check(g, 1.0, expect=formula)
        assert result.passed, (formula, result.verdict)
    wrong = C.check(g, 1.0, expect="2*sin(x)")
    assert not wrong.passed and "your formula differs" in wrong.verdict
    # the learner's own name wins over the shortcut
    assert C.check(g, 1.0, expect="sin(x)", namespace={"sin": lambda t: 2 * torch.sin(t) * torch.cos(t)}).passed
    with pytest.raises(C.CommandError, match="uses 'sine'.*sin\\(x\\) or torch.sin\\(x\\)"):
        C.check(g, 1.0, expect="2*sine(x)")


@pytest.mark.parametrize("func,point,left,right,convention", [
    (torch.relu, 0.0, 0.0, 1.0, 0.0),
    (lambda x: torch.clamp(x, max=1.0), 1.0, 1.0, 0.0, None),
    (lambda x: torch.maximum(x, 2 * x), 0.0, 1.0, 2.0, None),
])
def test_a_kink_gets_the_honest_verdict(func, point, left, right, convention):
    result = C.check(func, point)
    if result.passed:  # the methods happen to agree: the kink is a note
        assert any("kink" in n for n in result.notes)
    else:
        assert result.kink and "disagreement" not in result.verdict
        assert f"slopes are {left:g} (from the left) and {right:g} (from the right)" in result.verdict
        if convention is not None:
            assert f"PyTorch uses {convention:g} by convention" in result.verdict


def test_kinks_are_told_apart_from_jumps_and_smooth_points():
    assert C._kink(torch.relu, torch.tensor(0.0)) == (0, 0.0, 1.0)
    assert C._kink(lambda x: torch.floor(x) + x, torch.tensor(1.0)) is None  # a jump, not a kink
    assert C._kink(torch.sin, torch.tensor(0.3)) is None
    assert C._kink(lambda x: x ** 3 - 1 / x, torch.tensor(1.0)) is None
    step = C.check(lambda x: torch.floor(x) + x, 1.0)
    assert not step.passed and not step.kink and "disagreement" in step.verdict
    abs_at_0 = C.check(torch.abs, 0.0)
    assert abs_at_0.passed and any("slopes are -1 and 1" in n for n in abs_at_0.notes)
