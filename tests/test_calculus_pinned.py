"""tutor/calculus.py piece by piece: each helper's result and each message a learner can get.

Oracles: hand math (d/dx x³ = 3x², the Hessian of x1²·x2 is [[2x2, 2x1], [2x1, 0]]), torch.autograd
itself (torch.autograd.functional.jacobian/hessian), sympy's own printing, and the exact messages.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from torch.testing import assert_close

from tutor import calculus as C
from tutor.commands import CommandError


def message(func, *args, **kwargs) -> str:
    with pytest.raises(CommandError) as info:
        func(*args, **kwargs)
    return str(info.value)


# -- prepare_point ---------------------------------------------------------------------------------


def test_prepare_point_values():
    p = C.prepare_point(2)
    assert p.dtype == torch.float32 and p.shape == () and float(p) == 2.0
    p = C.prepare_point([1, 2])
    assert p.dtype == torch.float32 and p.tolist() == [1.0, 2.0]
    p = C.prepare_point((1.5, 2.5))
    assert p.dtype == torch.float32 and p.tolist() == [1.5, 2.5]
    p = C.prepare_point(np.array([1.0, 2.0]))
    assert p.dtype == torch.float64 and p.tolist() == [1.0, 2.0]
    src = torch.tensor([3.0], requires_grad=True)
    p = C.prepare_point(src)
    assert p.requires_grad is False and p.tolist() == [3.0]
    p.add_(1)
    assert src.tolist() == [3.0]  # a copy


def test_prepare_point_messages():
    assert message(C.prepare_point, True) == "the point is a bool; give a number such as 2.0"
    assert message(C.prepare_point, [[1, 2], [3]]).startswith("the point could not be made into a tensor: ")
    assert message(C.prepare_point, "2") == "the point must be a number or a tensor, not a str"
    assert message(C.prepare_point, torch.tensor(2), "x0") == (
        "x0 is a int64 tensor, but derivatives need floating-point numbers: write 2.0 instead of 2, "
        "or add dtype=torch.float32")
    assert message(C.prepare_point, torch.tensor([])) == "the point is an empty tensor"


# -- calling the learner's function -----------------------------------------------------------------


def test_call_turns_exceptions_into_one_sentence():
    assert C.call(lambda a, b: a + b, [1, 2], "f(x)") == 3

    def bad(x):
        raise ValueError("first line\nsecond line")

    assert message(C.call, bad, [1], "f(x)") == "calling f(x) raised ValueError: first line"
    assert message(C.call, lambda x: math.sin(x), ["a"], "g(x)") == (
        "calling g(x) raised TypeError: must be real number, not str (math.* works on Python numbers "
        "only: use torch.sin, torch.exp, … on tensors)")

    def empty(x):
        raise KeyError()

    assert message(C.call, empty, [1], "f(x)") == "calling f(x) raised KeyError: "

    def own(x):
        raise CommandError("kept as it is")

    assert message(C.call, own, [1], "f(x)") == "kept as it is"


def test_scalar_output_and_needs_graph_messages():
    t = torch.ones(1)
    assert C.scalar_output(t, "f(x)") is t
    assert message(C.scalar_output, 2.0, "f(x)") == (
        "f(x) returned a float, not a tensor (math.* and .item() turn tensors into Python numbers, which "
        "autograd cannot follow): build it with torch operations (torch.sin, **, …)")
    assert message(C.scalar_output, "s", "f(x)") == (
        "f(x) returned a str, not a tensor: build it with torch operations (torch.sin, **, …)")
    assert message(C.scalar_output, torch.ones(3), "f(x)") == (
        "f(x) returned shape (3,), but a derivative check needs one number; use %jacobian for a vector output")
    assert message(C.scalar_output, torch.ones(2, 3), "f(x)", "my hint") == (
        "f(x) returned shape (2, 3), but a derivative check needs one number; my hint")
    C.needs_graph(torch.ones(1, requires_grad=True) * 2, "f(x)", "x")
    assert message(C.needs_graph, torch.ones(1), "f(x)", "v") == (
        "f(x) does not depend on v through autograd: it is a constant, or the computation left autograd "
        "(.item(), .numpy(), .detach(), math.*, or a new torch.tensor(...))")


def test_names_and_labels():
    def speed(t, k=1):
        return t

    assert C.param_name(speed) == "t" and C.param_name(lambda: 1) == "x" and C.param_name(torch.sin) == "x"
    assert C.param_name(lambda: 1, "v") == "v"
    assert C.func_label(speed) == "speed" and C.func_label(lambda x: x) == "f"
    assert C.func_label(speed, "given") == "given" and C.func_label(object()) == "f"


@pytest.mark.parametrize("value, text", [
    (0.0, "0"), (2.0, "2"), (1 / 3, "0.333333"), (123456.7, "123457"), (1e-4, "0.0001"),
    (9.99e-5, "9.990e-05"), (1e6, "1.000e+06"), (-2.5, "-2.5"), (float("inf"), "inf"), (float("nan"), "nan"),
    (7, "7"), ("s", "s"),
])
def test_short_numbers(value, text):
    assert C.short(value) == text


def test_short_tensors():
    assert C.short(torch.tensor(2.5)) == "2.5"
    assert C.short(torch.tensor([[1.0]])) == "1"
    assert C.short(torch.tensor([1.0, 0.5, 0.0])) == "[1, 0.5, 0]"
    assert C.short(torch.arange(6.0)) == "[0, 1, 2, 3, 4, 5]"
    assert C.short(torch.arange(7.0)) == "tensor of shape (7,)"
    assert C.short(torch.tensor(1 / 3), 3) == "0.333"


# -- finite differences and the expected formula -------------------------------------------------------


def test_central_difference_matches_hand_math():
    fd = C._central_difference(lambda x: x ** 3, torch.tensor(2.0), "f(x)")
    assert fd.dtype == torch.float64 and fd.shape == ()
    assert abs(float(fd) - 12.0) < 1e-6  # 3x² at 2
    # the step scales with |x|: at 1e4 a fixed 1e-6 step would lose most digits
    fd = C._central_difference(lambda x: x ** 2, torch.tensor(1e4), "f(x)")
    assert abs(float(fd) - 2e4) < 1e-3
    fd = C._central_difference(lambda v: (v[0] ** 2) * v[1], torch.tensor([3.0, 2.0]), "f(v)")
    assert_close(fd, torch.tensor([12.0, 9.0], dtype=torch.float64), atol=1e-5, rtol=1e-7)
    assert C._central_difference(lambda x: 1 / 0, torch.tensor(1.0), "f(x)") is None


def test_expected_values_and_errors():
    x0 = torch.tensor(2.0)
    assert float(C._expected("3*x**2", x0, "x", None)) == 12.0
    assert float(C._expected("'3*x**2'", x0, "x", None)) == 12.0  # quoted
    assert float(C._expected("k * t", x0, "t", {"k": 5})) == 10.0
    assert float(C._expected("math.pi * x", x0, "x", {})) == pytest.approx(2 * math.pi)
    assert float(C._expected(lambda x: 2 * x, x0, "x", None)) == 4.0
    assert C._expected([1, 2], x0, "x", None).dtype == torch.float64
    assert C._expected(lambda x: x, x0, "x", None).dtype == torch.float64
    assert message(C._expected, "3*x**", x0, "x", None) == "could not read the formula '3*x**': invalid syntax"
    assert message(C._expected, "y + 1", x0, "x", None) == (
        "the formula 'y + 1' uses 'y', which is not defined: write the variable as x, and functions as sin(x) "
        "or torch.sin(x)")
    assert float(C._expected("2*sin(x)*cos(x)", x0, "x", None)) == pytest.approx(math.sin(4.0))
    assert message(C._expected, object(), x0, "x", None) == "the expected derivative is an object, not a number or tensor"


# -- check ---------------------------------------------------------------------------------------------


def test_check_describes_the_call_and_rows():
    result = C.check(lambda x: x ** 3, 2.0, name="cube")
    assert result.call == "cube(x) at x = 2: dcube/dx"
    assert [r.method for r in result.rows] == ["autograd (float32)", "autograd (float64)",
                                               "central difference (float64)", "sympy (symbolic)"]
    rows = {r.method: r for r in result.rows}
    assert float(rows["autograd (float64)"].value) == 12.0 and rows["autograd (float64)"].note == "reference"
    assert rows["autograd (float64)"].abs_diff is None and rows["autograd (float64)"].rel_diff is None
    assert rows["autograd (float32)"].abs_diff == 0.0 and rows["autograd (float32)"].rel_diff == 0.0
    assert result.symbolic == "d/dx = 3*x**2" and result.symbolic_reason is None
    assert result.reference == "float64 autograd" and result.notes == []
    assert result.verdict == "✓ all methods agree within tolerance" and result.passed is True


def test_check_in_float64_has_no_own_row_and_a_vector_names_the_gradient():
    result = C.check(lambda v: (v ** 2).sum(), torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64), name="g")
    assert [r.method for r in result.rows][0] == "autograd (float64)"
    assert result.call == "g(v) at v = [1, 2, 3]: the gradient ∇g (3 components)"
    assert result.symbolic == "∇ = [2*v1, 2*v2, 2*v3]"
    assert_close(result.rows[0].value, torch.tensor([2.0, 4.0, 6.0], dtype=torch.float64))


def test_check_rounding_note_and_equality_note():
    result = C.check(lambda x: torch.log(x**2) * torch.sin(x) + 1 / x, 2.0,
                     expect="2*torch.sin(x)/x + torch.log(x**2)*torch.cos(x) - 1/x**2")
    own = result.rows[0]
    assert own.method == "autograd (float32)" and 0 < own.abs_diff < 1e-5
    assert result.notes[0].startswith("autograd in float32 differs from float64 by ")
    assert "float32 keeps about 7 significant digits (eps = 1.19e-07), so this is rounding, not a mistake." in (
        result.notes[0])
    assert result.notes[1] == ("Comparing with == would give False here (the last digits differ): compare floats "
                               "with a tolerance, e.g. torch.isclose(a, b) or torch.allclose.")
    exact = C.check(lambda x: 2 * x, 3.0, expect="2.0")  # exactly 2 in float32 too: no == note
    assert exact.passed and not any("==" in n for n in exact.notes)


def test_check_messages_for_bad_input():
    assert message(C.check, 5, 1.0, name="k") == ("k is an int, not a function; define one with def f(x): ... "
                                                  "or f = lambda x: ...")
    assert message(C.check, 5, 1.0) == "FUNC is an int, not a function; define one with def f(x): ... or f = lambda x: ..."
    assert message(C.check, lambda v: v.sum(), [1.0, 2.0], expect="[1.0, 1.0, 1.0]") == (
        "the expected derivative has 3 values but the gradient has 2")
    assert message(C.check, lambda x: x * 2, [1.0, 2.0]) == (
        "f(x) returned shape (2,), but a derivative check needs one number; use %jacobian for a vector output")


def test_check_falls_back_to_the_finite_difference_when_float64_fails():
    def only32(x):
        if x.dtype == torch.float64 and x.requires_grad:  # autograd in float64 fails; values do not
            raise TypeError("float32 only")
        return x * 3

    result = C.check(only32, 2.0, name="h")
    assert result.reference == "float64 finite difference"
    assert result.notes[0] == ("autograd in float64 failed (calling h(x) raised TypeError: float32 only); "
                               "the finite difference is the reference")
    assert "autograd (float64)" not in [r.method for r in result.rows]


def test_check_disagreement_verdict_and_kink_note():
    result = C.check(lambda x: torch.floor(x) + x, 1.0)
    assert result.passed is False
    assert result.verdict == "✗ disagreement: central difference (float64) differs from the float64 autograd"
    assert result.notes[-1] == ("At a kink (abs, relu, max at a tie) or a discontinuity the methods may "
                                "legitimately differ; otherwise look for a non-differentiable step or a bug.")


def test_literal_digits():
    assert [C._literal_digits(t) for t in ("0.0824", "12.25", "-3", "+1.50", "1e-3", "2.5e+2", "000.10")] == [
        3, 4, 1, 3, 1, 2, 2]
    assert [C._literal_digits(t) for t in ("x", "", "1.2.3", "--", 3.0, "1e")] == [None] * 6
    assert C._literal_digits("0") == 1 and C._literal_digits("0.0") == 1


# -- sympy ---------------------------------------------------------------------------------------------


def test_symbolic_texts_and_values():
    text, value, reason = C.symbolic(lambda x: torch.sin(x) * x, torch.tensor(0.5), "x")
    assert text == "d/dx = x*cos(x) + sin(x)" and reason is None
    assert float(value) == pytest.approx(0.5 * math.cos(0.5) + math.sin(0.5), abs=1e-15)
    text, value, _ = C.symbolic(lambda v: (v ** 2).sum(), torch.arange(1.0, 6.0), "v")
    assert text == "∇ = [2*v1, 2*v2, 2*v3, 2*v4, …]" and value.tolist() == [2.0, 4.0, 6.0, 8.0, 10.0]
    text, _, _ = C.symbolic(lambda v: torch.dot(v, v), torch.ones(2, 2).reshape(4), "v")
    assert text == "∇ = [2*v1, 2*v2, 2*v3, 2*v4]"
    long = lambda x: torch.exp(torch.sin(x ** 7 + x ** 5 + 3 * x ** 3)) * torch.cos(torch.exp(x ** 2 + x))  # noqa: E731
    text, _, _ = C.symbolic(long, torch.tensor(0.1), "x")
    assert len(text) == 158 and text.endswith("…")


def test_symbolic_reasons():
    assert C.symbolic(torch.sin, torch.tensor(1.0), "x")[2] == "sympy needs a plain Python function (def or lambda)"
    assert C.symbolic(lambda v: v.sum(), torch.ones(13), "v")[2] == "more than 12 variables: not tried symbolically"
    assert C.symbolic(lambda v: v * 2, torch.ones(2), "v")[2] == "the function returned several values"
    assert C.symbolic(lambda x: torch.sqrt(x), torch.tensor(-1.0), "x")[2] == (
        "the symbolic derivative is complex at this point")
    reason = C.symbolic(lambda x: x.numpy(), torch.tensor(1.0), "x")[2]
    assert reason.startswith("sympy could not express f (AttributeError: ")
    assert C.symbolic(lambda x: x > 0, torch.tensor(1.0), "x")[2] == "the function did not give one expression"
    assert C.symbolic(lambda x: torch.clamp(x, 0, 1), torch.tensor(1.0), "x")[2] == (
        "sympy could not express f (AttributeError: 'types.SimpleNamespace' object has no attribute 'clamp')")


def test_symbolic_follows_imported_functions_and_closures():
    from torch import sin

    ns: dict = {"torch": torch, "sin": sin}
    exec("def inner(x):\n    return sin(x) ** 2\n"
         "def outer(x):\n    return inner(x) + torch.exp(x)\n", ns)
    text, value, reason = C.symbolic(ns["outer"], torch.tensor(0.3), "x")
    assert reason is None and text == "d/dx = exp(x) + 2*sin(x)*cos(x)"

    def make():
        k = 3.0

        def helper(x):
            return torch.tanh(x) * k

        return lambda x: helper(x) + x

    text, _, _ = C.symbolic(make(), torch.tensor(0.0), "x")
    assert text == "d/dx = 4.0 - 3.0*tanh(x)**2"


def test_shim_functions_map_to_sympy():
    import sympy as sp

    shim = C._sympy_shim()
    x = sp.Symbol("x")
    assert shim.sigmoid(x) == 1 / (1 + sp.exp(-x)) and shim.relu(x) == sp.Max(x, 0)
    assert shim.log2(x) == sp.log(x, 2) and shim.log10(x) == sp.log(x, 10) and shim.log1p(x) == sp.log(1 + x)
    assert shim.expm1(x) == sp.exp(x) - 1 and shim.exp2(x) == 2 ** x and shim.square(x) == x ** 2
    assert shim.reciprocal(x) == 1 / x and shim.neg(x) == -x and shim.abs(x) == sp.Abs(x)
    assert shim.pow(x, 3) == x ** 3 and shim.power(x, 2) == x ** 2 and shim.pi is sp.pi
    assert list(shim.sin(np.array([x, 2 * x], dtype=object))) == [sp.sin(x), sp.sin(2 * x)]
    assert shim.sum(np.array([x, x], dtype=object)) == 2 * x and shim.sum(x) == x
    with pytest.raises(TypeError):
        shim.sum(x, 0)
    assert list(shim.tensor([1, 2])) == [1, 2] and shim.tensor(3) == sp.Integer(3)
    assert shim.dot(np.array([x, 1], dtype=object), np.array([x, 2], dtype=object)) == x ** 2 + 2


# -- jacobian and hessian ------------------------------------------------------------------------------


def test_jacobian_against_torch_and_by_hand():
    A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    result = C.jacobian(lambda v: A @ v, [1.0, 2.0], name="lin")
    assert_close(result.matrix, A)
    assert (result.kind, result.passes, result.agree, result.symmetric) == ("jacobian", 3, True, None)
    assert (result.out_shape, result.in_shape, result.fname, result.var) == ((3,), (2,), "lin", "v")
    assert result.call == "lin(v) at v = [1, 2]"
    # an output that ignores one input has a zero column; one that uses no input at all, a zero row
    result = C.jacobian(lambda v: torch.stack([v[0] * 2, v[0] * 0 + 1]), [1.0, 5.0])
    assert_close(result.matrix, torch.tensor([[2.0, 0.0], [0.0, 0.0]]))


def test_jacobian_messages():
    assert message(C.jacobian, 3, [1.0]) == "FUNC is an int, not a function"
    assert message(C.jacobian, 3, [1.0], name="q") == "q is an int, not a function"
    assert message(C.jacobian, lambda v: v, torch.zeros(401)) == (
        "the point has 401 elements: a Jacobian that size is not useful to print (at most 400)")
    C.jacobian(lambda v: v.sum(), torch.zeros(400))  # 400 is allowed
    assert message(C.jacobian, lambda v: v.repeat(201), torch.zeros(2)) == (
        "f(v) has 402 outputs: a Jacobian that size is not useful to print")
    assert message(C.jacobian, lambda v: 1.0, [1.0]) == "f(v) returned a float, not a tensor"


def test_hessian_against_hand_math():
    result = C.hessian(lambda v: v[0] ** 2 * v[1], [3.0, 2.0], name="h")
    assert_close(result.matrix, torch.tensor([[4.0, 6.0], [6.0, 0.0]]))  # [[2x2, 2x1], [2x1, 0]]
    assert (result.kind, result.passes, result.agree, result.symmetric) == ("hessian", 3, True, True)
    assert result.out_shape == () and result.in_shape == (2,) and result.call == "h(v) at v = [3, 2]"
    linear = C.hessian(lambda v: (2 * v).sum(), [1.0, 2.0])
    assert_close(linear.matrix, torch.zeros(2, 2)) and linear.agree
    assert message(C.hessian, lambda v: v * 2, [1.0, 2.0]) == (
        "f(v) returned shape (2,), but a derivative check needs one number; a Hessian needs a function "
        "with one output")
    assert message(C.hessian, lambda v: v.detach().sum(), [1.0]) .startswith("f(v) does not depend on v")
    assert message(C.hessian, lambda v: v, torch.zeros(401)) == (
        "the point has 401 elements: a Hessian that size is not useful to print (at most 400)")


# -- more edges, pinned by hand ---------------------------------------------------------------------


def test_short_passes_its_digits_to_each_element():
    assert C.short(torch.tensor([1 / 3, 2 / 3]), 3) == "[0.333, 0.667]"


def test_check_names_a_def_by_its_own_name_and_a_constant_is_refused():
    def cube(x):
        return x ** 3

    assert C.check(cube, 2.0).call == "cube(x) at x = 2: dcube/dx"
    assert message(C.check, lambda x: torch.tensor(1.0), 1.0) == (
        "f(x) does not depend on x through autograd: it is a constant, or the computation left autograd "
        "(.item(), .numpy(), .detach(), math.*, or a new torch.tensor(...))")
    assert C.check(lambda v: (v ** 2).sum(), [1.0, 2.0]).call == "f(v) at v = [1, 2]: the gradient ∇f (2 components)"


def test_a_function_of_something_else_has_a_zero_derivative():
    w = torch.ones(2, requires_grad=True)
    result = C.check(lambda x: (w * 2).sum(), 1.0)  # x is not used: autograd gives no gradient at all
    assert result.passed is True and [float(r.value) for r in result.rows[:3]] == [0.0, 0.0, 0.0]
    J = C.jacobian(lambda v: w * 2, [1.0, 2.0, 3.0])
    assert_close(J.matrix, torch.zeros(2, 3))
    H = C.hessian(lambda v: (w * 2).sum(), [1.0, 2.0])
    assert_close(H.matrix, torch.zeros(2, 2))
    H64 = C.hessian(lambda v: (w * 2).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert H64.matrix.dtype == torch.float64
    lin = C.hessian(lambda v: (v * 2).sum(), torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert lin.matrix.dtype == torch.float64 and lin.agree


def test_check_when_float64_fails_both_ways():
    def never64(x):
        if x.dtype == torch.float64:
            raise TypeError("no float64")
        return x * 3

    assert message(C.check, never64, 2.0, name="h") == "h(x) could not be evaluated in float64 either way"


def test_rows_notes_and_relative_differences():
    result = C.check(lambda x: x * 0.5, 1.0, expect="0.5 + 1e-3")
    rows = {r.method: r for r in result.rows}
    assert rows["central difference (float64)"].note == "" and rows["your formula (--expect)"].note == ""
    assert rows["your formula (--expect)"].rel_diff == pytest.approx(2e-3, rel=1e-4)  # 1e-3 / 0.5
    at_zero = C.check(lambda x: x ** 2, 0.0, expect="2*x + 3e-9")
    assert {r.method: r for r in at_zero.rows}["your formula (--expect)"].rel_diff == math.inf
    exact = C.check(lambda x: x ** 2, 0.0, expect="2*x")
    assert {r.method: r for r in exact.rows}["your formula (--expect)"].rel_diff == 0.0
    typed = C.check(lambda x: x ** 3, 2.0, expect="12.0")
    row = {r.method: r for r in typed.rows}["your number (--expect)"]
    assert row.note == "to the 3 digits typed" and row.ok is True


def test_the_verdict_rounds_its_differences():
    off = C.check(lambda x: x ** 3 - 1 / x, 2.0, expect="3*x**2 + 1/x**2 + 1.23456e-3")
    assert off.verdict == ("✗ your formula differs from autograd by 0.00123 (relative 0.0001): "
                           "recheck the hand derivation")


def test_two_disagreeing_rows_are_both_named():
    def f(x):
        bump = 3e-4 * x if x.dtype == torch.float32 else x * 0
        return torch.floor(x) + x + (bump - bump.detach())

    result = C.check(f, 1.0)
    assert result.verdict == ("✗ disagreement: autograd (float32), central difference (float64) differs from "
                              "the float64 autograd")


def test_float16_points_use_float16_tolerances_and_notes():
    result = C.check(lambda x: torch.sin(x) * 3, torch.tensor(0.7, dtype=torch.float16))
    own = result.rows[0]
    assert own.method == "autograd (float16)" and own.ok is True and 1e-4 <= own.abs_diff < 1e-2
    assert result.notes[0].startswith(f"autograd in float16 differs from float64 by {C.short(own.abs_diff, 2)} "
                                      f"(relative {C.short(own.rel_diff, 2)}): float16 keeps about 3 significant")
    assert len(C.short(own.abs_diff, 2).replace("0.", "").lstrip("0")) <= 2


def test_formulas_see_the_learners_names():
    ns = {"c": 3.0}
    result = C.check(lambda x: x ** 3, 2.0, expect="c*x**2", namespace=ns)
    assert result.passed and any("== would give False" in n for n in result.notes) is False
    assert C.check(lambda x: x ** 3, 2.0, expect="'c*x**2'", namespace=ns).passed
    assert message(C._expected, lambda x: 1 / 0, torch.tensor(1.0), "x", None) == (
        "calling the expected derivative (x) raised ZeroDivisionError: division by zero")


def test_matrix_names_errors_and_limits():
    def lin(v):
        return v * 2

    assert C.jacobian(lin, [1.0]).fname == "lin" and C.hessian(lambda v: (v ** 2).sum(), [1.0]).fname == "f"
    assert message(C.jacobian, lambda v: 1 / 0, [1.0]) == "calling f(v) raised ZeroDivisionError: division by zero"
    assert message(C.jacobian, lambda v: torch.ones(2), [1.0]) == (
        "f(v) does not depend on v through autograd: it is a constant, or the computation left autograd "
        "(.item(), .numpy(), .detach(), math.*, or a new torch.tensor(...))")
    assert C.jacobian(lambda v: v.repeat(200), [1.0, 2.0]).matrix.shape == (400, 2)  # 400 outputs: allowed
    J = C.jacobian(lambda v: v * 2, torch.tensor([1.0, 2.0], dtype=torch.float64))
    assert J.matrix.dtype == torch.float64 and J.agree
    assert_close(J.matrix, 2 * torch.eye(2, dtype=torch.float64))


def test_symbolic_limits_and_forms():
    assert C.symbolic(lambda v: (v ** 2).sum(), torch.ones(12), "v")[2] is None  # 12 is allowed
    text, value, _ = C.symbolic(lambda m: (m ** 2).sum(), torch.ones(2, 2), "m")
    assert text == "∇ = [2*m1, 2*m2, 2*m3, 2*m4]" and value.shape == (2, 2)
    text, value, _ = C.symbolic(lambda v: torch.sqrt(v).sum(), torch.tensor([4.0]), "v")
    assert text == "d/dv = 1/(2*sqrt(v1))" and value.tolist() == [0.25]  # one element of a vector: d/dv
    text, _, _ = C.symbolic(lambda v: torch.abs(v).sum(), torch.tensor([-2.0, 3.0]), "v")
    assert text == "∇ = [sign(v1), sign(v2)]"  # real symbols: Abs' derivative is sign

    def noisy(x):
        print("inside")
        return x * 2

    import contextlib
    import io as _io

    buf = _io.StringIO()
    with contextlib.redirect_stdout(buf):
        assert C.symbolic(noisy, torch.tensor(1.0), "x")[0] == "d/dx = 2"
    assert buf.getvalue() == ""  # what the function prints while sympy traces it is not shown
    text, _, _ = C.symbolic(lambda v: v.sum() * 1 + v[1] * 0, torch.tensor([1.0, 2.0]), "v")
    assert text == "∇ = [1, 1]"
    one, value, _ = C.symbolic(lambda v: v * 3, torch.tensor([2.0]), "v")
    assert one == "d/dv = 3" and value.tolist() == [3.0]
    long_reason = C.symbolic(lambda x: (_ for _ in ()).throw(ValueError("w" * 100)), torch.tensor(1.0), "x")[2]
    assert long_reason == "sympy could not express f (ValueError: " + "w" * 80 + ")"
    bare = C.symbolic(lambda x: (_ for _ in ()).throw(ValueError()), torch.tensor(1.0), "x")[2]
    assert bare == "sympy could not express f (ValueError: ValueError)"


def test_symbolic_text_is_cut_at_160_characters():
    def grow(k):
        return lambda x: sum(torch.sin(x * (i + 1)) for i in range(k))

    for k in range(1, 40):
        text = C.symbolic(grow(k), torch.tensor(0.3), "x")[0]
        assert len(text) <= 158
        if len(text) == 158:
            assert text.endswith("…")


def test_rebind_follows_closures_helpers_and_from_imports():
    from math import exp as m_exp

    ns: dict = {"torch": torch, "math": math, "np": np, "numpy": np, "m_exp": m_exp}
    exec("def helper(x):\n    return torch.sin(x)\n"
         "def twice(x):\n    return helper(x) + helper(x)\n"
         "def uses_math(x):\n    return math.sin(x) + np.cos(x) + m_exp(x) + numpy.tan(x)\n", ns)
    assert C.symbolic(ns["twice"], torch.tensor(0.0), "x")[0] == "d/dx = 2*cos(x)"
    assert C.symbolic(ns["uses_math"], torch.tensor(0.0), "x")[0] == "d/dx = exp(x) - sin(x) + cos(x) + tan(x)**2 + 1"

    def with_default(x, k=3):
        return x * k

    assert C.symbolic(with_default, torch.tensor(1.0), "x")[0] == "d/dx = 3"

    def outer():
        later = None  # an empty cell when the closure is made

        def f(x):
            return inner(x) if later else inner(x)

        def inner(x):
            return torch.exp(x)

        later = 1
        return f

    assert C.symbolic(outer(), torch.tensor(0.0), "x")[0] == "d/dx = exp(x)"
    copy = C._rebind(with_default, C._sympy_shim())
    assert copy.__name__ == "with_default" and copy.__defaults__ == (3,)
    memo: dict = {}
    assert C._rebind(with_default, C._sympy_shim(), memo) is memo[id(with_default)]
    assert C._rebind(with_default, C._sympy_shim(), memo) is memo[id(with_default)]
