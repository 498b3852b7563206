"""Every tolerance pinned from both sides: a value just outside is refused, one just inside is accepted.

Oracles are hand math (the derivative of x**3 - 1/x is 3x² + 1/x², 12.25 at x = 2) and torch itself;
the offsets are chosen a few times the tolerance away on each side, so a tolerance made 10x looser or
tighter, or a shape check removed, fails here.
"""

from __future__ import annotations

import pytest
import torch

from tutor import calculus as C
from tutor.lesson import CheckContext, close, grad
from tutor.session import Session

# -- lesson checks: close() and grad() ---------------------------------------------------------------


@pytest.fixture
def ctx():
    s = Session()
    inputs = ["x = torch.tensor([1.0, 2.0, 3.0])",
              "s = torch.tensor(2.0)",
              "row = torch.ones(1, 3)",
              "w = torch.tensor(1.5, requires_grad=True)",
              "(w * 4).backward()",
              "v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)",
              "(v * v).sum().backward()"]
    outcome = None
    for text in inputs:
        outcome = s.submit(text)
        assert outcome.ok, (text, outcome.error)
    return CheckContext(s.namespace, outcome, inputs)


def test_close_refuses_a_scalar_where_a_vector_is_expected(ctx):
    # torch.allclose broadcasts: tensor(2.) is "close" to [2, 2, 2]; the check must not be
    assert bool(torch.allclose(torch.tensor(2.0), torch.tensor([2.0, 2.0, 2.0])))
    result = close("s", [2.0, 2.0, 2.0])(ctx)
    assert result.passed is False
    assert result.message == "s is shape () (expected (3,)), but it should be [2.0, 2.0, 2.0]"
    assert close("s", 2.0)(ctx).passed is True
    # and the other way round, and a (1, 3) row against a (3,) vector
    assert close("x", 2.0)(ctx).passed is False
    assert close("row", [1.0, 1.0, 1.0])(ctx).passed is False
    assert close("row", [[1.0, 1.0, 1.0]])(ctx).passed is True


def test_grad_refuses_a_gradient_of_the_wrong_shape(ctx):
    assert grad("w", 4.0)(ctx).passed is True  # d(4w)/dw = 4
    result = grad("w", [4.0, 4.0, 4.0])(ctx)
    assert result.passed is False
    assert result.message == "w.grad is shape () (expected (3,)), but it should be [4.0, 4.0, 4.0]"
    assert grad("v", [2.0, 4.0, 6.0])(ctx).passed is True  # d(sum v²)/dv = 2v
    assert grad("v", 4.0)(ctx).passed is False
    assert grad("v", [[2.0, 4.0, 6.0]])(ctx).passed is False


@pytest.mark.parametrize("check", [close, grad])
def test_default_tolerances_of_close_and_grad(ctx, check):
    # defaults: atol = 1e-5, rtol = 1e-4, i.e. |a - e| <= 1e-5 + 1e-4 * |e|
    name, base = ("x", [1.0, 2.0, 3.0]) if check is close else ("v", [2.0, 4.0, 6.0])
    last = base[-1]

    def at(offset):
        return check(name, base[:-1] + [last + offset])(ctx).passed

    limit = 1e-5 + 1e-4 * last
    assert at(0.0) is True
    assert at(0.5 * limit) is True and at(-0.5 * limit) is True
    assert at(3 * limit) is False and at(-3 * limit) is False
    assert at(1e-3) is False  # the near miss
    # a tolerance the lesson asks for is the one used
    assert check(name, base[:-1] + [last + 0.05], atol=0.1)(ctx).passed is True
    assert check(name, base[:-1] + [last + 0.05], atol=0.01, rtol=0.0)(ctx).passed is False


# -- %check: the formula, the float32 row, the finite difference, the digits typed --------------------


@pytest.fixture(scope="module")
def calc():
    s = Session()
    s.ensure_torch()
    assert s.submit("f = lambda x: x**3 - 1/x").ok
    assert s.submit("sq = lambda x: x**2").ok
    return s


def verdict(session, line):
    out = session.submit(line)
    assert out.ok, (line, out.error)
    return out.command_output


def test_the_right_formula_passes_and_one_off_by_1e_3_is_refused(calc):
    right = verdict(calc, '%check f 2.0 --expect "3*x**2 + 1/x**2"')
    assert right.passed is True
    assert right.verdict == "✓ your formula is right: it matches autograd within tolerance"
    off = verdict(calc, '%check f 2.0 --expect "3*x**2 + 1/x**2 + 1e-3"')
    assert off.passed is False
    assert off.verdict.startswith("✗ your formula differs from autograd by 0.001")
    rows = {r.method: r for r in off.rows}
    assert rows["your formula (--expect)"].ok is False
    assert rows["your formula (--expect)"].abs_diff == pytest.approx(1e-3, rel=1e-6)
    assert rows["your formula (--expect)"].rel_diff == pytest.approx(1e-3 / 12.25, rel=1e-6)


@pytest.mark.parametrize("factor, accepted", [
    (1 + 3e-6, False), (1 - 3e-6, False),  # float64 rtol is 1e-6: three times that is refused
    (1 + 2e-7, True), (1 - 2e-7, True),
])
def test_formula_relative_tolerance_is_float64s(calc, factor, accepted):
    result = verdict(calc, f'%check f 2.0 --expect "(3*x**2 + 1/x**2) * {factor!r}"')
    assert result.passed is accepted


@pytest.mark.parametrize("offset, accepted", [(3e-9, False), (-3e-9, False), (3e-10, True)])
def test_formula_absolute_tolerance_at_a_zero_derivative(calc, offset, accepted):
    # d(x²)/dx = 0 at 0: only the absolute tolerance (1e-9 in float64) is left
    result = verdict(calc, f'%check sq 0.0 --expect "2*x + {offset!r}"')
    assert result.passed is accepted


@pytest.mark.parametrize("typed, accepted", [
    # 3 digits typed: rtol = 0.5e-2, compared as |a - e| <= rtol*|ref| + rtol*|e|, about 0.12 here
    ("12.3", True), ("12.2", True), ("12.4", False), ("12.1", False),
    # 4 digits: about 0.012
    ("12.25", True), ("12.26", True), ("12.27", False), ("12.23", False),
])
def test_a_typed_number_is_judged_to_the_digits_typed(calc, typed, accepted):
    assert verdict(calc, f"%check f 2.0 --expect {typed}").passed is accepted


def _skewed(eps: float, only_float32: bool):
    """x ↦ x with an autograd gradient of 1 + eps (in float32 only, or in every dtype)."""

    def func(x):
        if only_float32 and x.dtype != torch.float32:
            return x * 1.0
        bump = eps * x
        return x + (bump - bump.detach())  # same value as x; the gradient gains eps

    return func


@pytest.mark.parametrize("eps, agree", [(3e-4, False), (3e-5, True)])
def test_float32_autograd_row_tolerance(eps, agree):
    # float32 against the float64 reference: rtol 1e-4, atol 1e-6 (the reference is 1 here)
    result = C.check(_skewed(eps, only_float32=True), 2.0, name="k")
    rows = {r.method: r for r in result.rows}
    assert rows["autograd (float32)"].ok is agree
    assert rows["autograd (float32)"].abs_diff == pytest.approx(eps, rel=1e-2)
    assert result.passed is agree
    if not agree:
        assert result.verdict == "✗ disagreement: autograd (float32) differs from the float64 autograd"


@pytest.mark.parametrize("eps, agree", [(3e-5, False), (3e-6, True)])
def test_finite_difference_row_tolerance(eps, agree):
    # the float64 central difference (which sees only values: gradient 1) against autograd (1 + eps):
    # rtol 1e-5, atol 1e-7
    result = C.check(_skewed(eps, only_float32=False), torch.tensor(2.0, dtype=torch.float64), name="k")
    rows = {r.method: r for r in result.rows}
    fd = rows["central difference (float64)"]
    assert float(fd.value) == pytest.approx(1.0, abs=1e-8)
    assert fd.ok is agree and result.passed is agree
