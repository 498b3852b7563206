"""tutor/calculus.py: the edges the other calculus tests leave open, each against an independent oracle.

Oracles: hand math (the central difference of x³ is exactly 3x² + h²; the one-sided quotient of
|x| + c·x² with step s is ±1 + c·s), IEEE arithmetic (math.sqrt is correctly rounded), sympy's own
printing, torch.autograd on functions whose derivatives are known, and the documented limits and
tolerances (TOL, the 1e-3 slope tolerance of the kink finder, rtol=1e-4 / atol=1e-6 for Hessians).
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import torch
from torch.testing import assert_close

from tutor import calculus as C
from tutor.commands import CommandError


def message(func, *args, **kwargs) -> str:
    try:
        func(*args, **kwargs)
    except CommandError as exc:
        return str(exc)
    raise AssertionError("no CommandError")


def f64(value) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


# -- the central difference ------------------------------------------------------------------------------


def test_central_difference_step_is_one_millionth_below_one():
    # ((x+h)³ - (x-h)³) / 2h = 3x² + h² exactly: at x = 1e-3 the h² term is visible above rounding
    fd = float(C._central_difference(lambda x: x ** 3, f64(1e-3), "f(x)"))
    assert abs((fd - 3e-6) - 1e-12) < 2e-14  # h = 1e-6 (1 ≥ |x|), not 2e-6 (which would add 4e-12)
    fd = float(C._central_difference(lambda x: x ** 3, f64(1.5), "f(x)"))
    assert abs(fd - 6.75) < 1e-8


# -- formulas ----------------------------------------------------------------------------------------------


def test_formula_names_pi_e_and_ln():
    x0 = torch.tensor(2.0)
    assert float(C._expected("pi * x", x0, "x", None)) == 2 * math.pi
    assert float(C._expected("e ** x", x0, "x", None)) == math.e ** 2
    assert float(C._expected("ln(x)", x0, "x", None)) == math.log(2.0)
    # the learner's own names win over the built-in ones
    assert float(C._expected("e * x", x0, "x", {"e": 5.0})) == 10.0
    assert float(C._expected("pi", x0, "x", {"pi": 3})) == 3.0


def test_a_formula_that_raises_names_the_formula_the_point_and_the_error():
    assert message(C._expected, "1/0 + x", torch.tensor(2.0), "x", None) == (
        "evaluating the formula '1/0 + x' with x = 2 raised ZeroDivisionError: division by zero")
    assert message(C._expected, "x.nope", torch.tensor([1.0, 3.0]), "v", None).startswith(
        "the formula 'x.nope' uses")  # x is not the variable here: v is
    assert message(C._expected, "v.nope", torch.tensor([1.0, 3.0]), "v", None) == (
        "evaluating the formula 'v.nope' with v = [1, 3] raised AttributeError: 'Tensor' object has no "
        "attribute 'nope'")


def test_a_formula_compile_warning_names_the_formula_as_expect():
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        value = C._expected("3*x**2 if x is not 1 else 0", torch.tensor(2.0), "x", None)
    assert float(value) == 12.0
    assert [w.filename for w in seen if issubclass(w.category, SyntaxWarning)] == ["<expect>"]


def test_typed_digits_need_a_plain_number():
    assert C._literal_digits("inf") is None and C._literal_digits("nan") is None
    assert C._literal_digits("1_000") is None
    assert C._literal_digits("X1") is None  # a name: the X is no sign to strip
    # so a learner's variable X1 is a formula, compared at float64 tolerance, not "to the digits typed"
    result = C.check(lambda x: x ** 3, 2.0, expect="X1", namespace={"X1": 12.0})
    methods = [r.method for r in result.rows]
    assert "your formula (--expect)" in methods and "your number (--expect)" not in methods


# -- the kink finder -----------------------------------------------------------------------------------


def test_kink_slopes_are_one_sided_quotients_with_step_1e_6():
    # |x| + 10x² at 0: (f(±s) - f(0)) / ±s = ±1 + 10s, so with s = 1e-6 the slopes are -1.00001 and 1.00001
    i, left, right = C._kink(lambda x: torch.abs(x) + 10 * x ** 2, f64(0.0))
    assert i == 0 and abs(left - (-1.00001)) < 1e-9 and abs(right - 1.00001) < 1e-9
    # away from zero the step scales with |x|: at 100, s = 1e-4, so the slopes are ±(1 + 0.5·1e-4)
    i, left, right = C._kink(lambda x: torch.abs(x - 100) + 0.5 * (x - 100) ** 2, f64(100.0))
    assert abs(left - (-1.00005)) < 1e-8 and abs(right - 1.00005) < 1e-8


def test_kink_with_steep_slopes_is_found():
    # 1000|x| + x²: the slopes move by 9e-6 between the two steps, tiny next to 1000
    i, left, right = C._kink(lambda x: 1000 * torch.abs(x) + x ** 2, f64(0.0))
    assert (i, round(left, 4), round(right, 4)) == (0, -1000.0, 1000.0)


def test_kink_small_but_real_is_found():
    i, left, right = C._kink(lambda x: 0.00075 * torch.abs(x), f64(0.0))
    assert (i, round(left, 8), round(right, 8)) == (0, -0.00075, 0.00075)


def test_smooth_functions_have_no_kink():
    assert C._kink(lambda x: x ** 2, f64(0.0)) is None  # slopes ∓1e-6: the same slope
    assert C._kink(lambda x: torch.exp(10 * x), f64(1.0)) is None  # steep: slopes 220264.66 ± 1.1
    assert C._kink(lambda x: torch.sin(x), f64(0.3)) is None


def test_kink_tolerance_is_relative_to_the_steeper_slope():
    # slopes 1.0010005 and 1 differ by 1.0005e-3: within 0.1% of the steeper one, so no kink
    def bent(left, right):
        return lambda x: torch.where(x < 0, left * x, right * x)

    assert C._kink(bent(1.0010005, 1.0), f64(0.0)) is None
    assert C._kink(bent(1.0, 1.0010005), f64(0.0)) is None
    i, left, right = C._kink(bent(1.0012, 1.0), f64(0.0))  # 1.2e-3 apart: a kink
    assert i == 0 and abs(left - 1.0012) < 1e-9 and abs(right - 1.0) < 1e-9


def test_kink_tolerance_is_strict_at_exactly_one_thousandth():
    # slopes 0 and 1e-3 differ by exactly the tolerance 1e-3·max(1, …): not a kink
    assert C._kink(lambda x: torch.where(x > 0, 1e-3 * x, 0 * x), f64(0.0)) is None

    # a slope that moves by exactly 1e-3 between the two steps still counts as settled
    def f(x):
        if float(x) > 0:
            return x
        if float(x) > -5e-6:
            return x * 0
        return x * 0 - 1e-8  # at -1e-5: slope (-1e-8 - 0) / -1e-5 = 1e-3; at -1e-6: slope 0

    assert C._kink(f, f64(0.0)) == (0, 0.0, 1.0)


def test_a_slope_that_keeps_moving_is_not_trusted():
    # 0.5|x| + 166.7x²: between the steps 1e-5 and 1e-6 each slope moves by 1.5e-3 (> 1e-3): no verdict
    assert C._kink(lambda x: 0.5 * torch.abs(x) + 166.7 * x ** 2, f64(0.0)) is None


def test_a_jump_in_one_component_does_not_hide_a_kink_in_the_next():
    i, left, right = C._kink(lambda v: torch.floor(v[0]) + torch.abs(v[1]), f64([1.0, 0.0]))
    assert (i, round(left, 6), round(right, 6)) == (1, -1.0, 1.0)


def test_kink_looks_at_the_first_fifty_components():
    def abs_at(k):
        return lambda v: torch.abs(v[k]) + v.sum()

    i, left, right = C._kink(abs_at(49), torch.zeros(50, dtype=torch.float64))
    assert (i, round(left, 6), round(right, 6)) == (49, 0.0, 2.0)
    assert C._kink(abs_at(50), torch.zeros(51, dtype=torch.float64)) is None  # the 51st is not examined


# -- the kink verdicts in check ----------------------------------------------------------------------


def test_failing_check_at_a_kink_explains_the_one_sided_slopes():
    result = C.check(torch.relu, 0.0, name="r")  # autograd says 0, the central difference 0.5
    assert result.passed is False and result.kink is True
    assert result.verdict == ("r has a kink at x = 0: the one-sided slopes are 0 (from the left) and 1 (from "
                              "the right), so there is no derivative there; PyTorch uses 0 by convention")
    assert result.notes[0] == ("The central difference averages the two slopes (0.5); neither method is wrong. "
                               "Check a point on either side to see each slope.")
    vector = C.check(lambda v: torch.relu(v).sum() + 3 * v[0], [1.0, 0.0])
    assert vector.verdict == ("f has a kink at v = [1, 0] (component 1): the one-sided slopes are 0 (from the "
                              "left) and 1 (from the right), so there is no derivative there; PyTorch uses 0 by "
                              "convention")
    assert vector.notes[0].startswith("The central difference averages the two slopes (0.5); ")


def test_pytorchs_kink_value_is_the_float64_one():
    # relu(x) + (x + 1.00001)²/2 - (x + 1)²/2 at 0: PyTorch's slope is 1e-5; float32 autograd gets
    # 1.00136e-05 (cancellation), float64 1.000e-05: the verdict quotes the float64 reference
    def f(x):
        return torch.relu(x) + (x + 1.00001) ** 2 / 2 - (x + 1) ** 2 / 2

    result = C.check(f, 0.0)
    assert result.kink is True
    assert float(result.rows[0].value) != float(result.rows[1].value)  # float32 and float64 differ
    assert result.verdict.endswith("PyTorch uses 1.000e-05 by convention")


def test_kink_verdict_without_float64_autograd_uses_the_own_dtype():
    def only32(v):
        if v.dtype == torch.float64 and v.requires_grad:
            raise TypeError("float32 only")
        return torch.relu(v).sum() + 2 * v[0]

    result = C.check(only32, [1.0, 0.0], name="f")
    assert result.reference == "float64 finite difference"
    assert result.verdict == ("f has a kink at v = [1, 0] (component 1): the one-sided slopes are 0 (from the "
                              "left) and 1 (from the right), so there is no derivative there; PyTorch uses 0 by "
                              "convention")


def test_passing_check_at_a_kink_adds_a_note():
    result = C.check(torch.abs, 0.0, name="a")  # autograd 0, central difference 0: they agree
    assert result.passed is True and result.kink is False
    assert result.notes == ["a has a kink at x = 0: the one-sided slopes are -1 and 1, so strictly there is no "
                            "derivative; 0 is PyTorch's convention there."]
    vector = C.check(lambda v: torch.abs(v).sum(), [2.0, 0.0])
    assert vector.notes == ["f has a kink at v = [2, 0] (component 1): the one-sided slopes are -1 and 1, so "
                            "strictly there is no derivative; 0 is PyTorch's convention there."]


# -- check's rows and notes ------------------------------------------------------------------------------


def test_sympy_row_is_held_to_float64_tolerance():
    # torch computes the constant in float32: 1.001 - 1 = 0.00100004673; sympy reads 1.001 - 1 = 0.001.
    # 4.7e-5 apart (relative): more than float64's 1e-6, so the sympy row is flagged
    result = C.check(lambda x: x * (torch.tensor(1.001) - 1), 2.0)
    rows = {r.method: r for r in result.rows}
    assert float(rows["autograd (float64)"].value) == float(torch.tensor(1.001) - 1)
    assert abs(float(rows["sympy (symbolic)"].value) - 0.001) < 1e-15
    assert rows["sympy (symbolic)"].ok is False and result.passed is False
    assert result.verdict == "✗ disagreement: sympy (symbolic) differs from the float64 autograd"


def test_an_unlisted_dtype_is_judged_with_float32_tolerances():
    result = C.check(lambda x: x.double() ** 2, torch.tensor(1.5, dtype=torch.float8_e4m3fn))
    own = result.rows[0]
    assert own.method == "autograd (float8_e4m3fn)" and own.ok is True and float(own.value) == 3.0
    assert result.passed is True


def test_a_formula_equal_in_the_gradients_dtype_gets_no_equality_note():
    # d(0.1·x)/dx in float32 is float32(0.1); the formula 0.1 rounded to float32 is the same number
    result = C.check(lambda x: 0.1 * x, 1.0, expect="0.1")
    assert result.passed and not any("==" in n for n in result.notes)
    result = C.check(lambda x: 0.1 * x, 1.0, expect="0.1 + 0 * x")
    assert result.passed and not any("==" in n for n in result.notes)


# -- sympy ---------------------------------------------------------------------------------------------


def test_symbolic_without_sympy_says_so():
    saved = sys.modules.get("sympy")
    sys.modules["sympy"] = None  # import sympy now raises ImportError
    try:
        assert C.symbolic(lambda x: x ** 2, torch.tensor(1.0), "x") == (None, None, "sympy is not installed")
    finally:
        sys.modules["sympy"] = saved


def test_symbolic_keeps_a_matrix_points_shape():
    text, value, reason = C.symbolic(lambda m: m[0, 1] * m[1, 0], torch.tensor([[1.0, 2.0], [3.0, 4.0]]), "m")
    assert reason is None and text == "∇ = [0, m3, m2, 0]"
    assert value.tolist() == [[0.0, 3.0], [2.0, 0.0]]  # d/dm01 = m10, d/dm10 = m01


def test_symbolic_accepts_a_one_by_one_result():
    text, value, reason = C.symbolic(lambda v: (v * 3).reshape(1, 1), torch.tensor([2.0]), "v")
    assert (text, value.tolist(), reason) == ("d/dv = 3", [3.0], None)


def test_symbolic_hides_writes_to_stdout():
    def chatty(x):
        sys.stdout.write("tracing\n")
        return x ** 2

    text, value, reason = C.symbolic(chatty, torch.tensor(3.0), "x")
    assert (text, float(value), reason) == ("d/dx = 2*x", 6.0, None)


def test_symbolic_values_are_correctly_rounded():
    # √19 needs more than 15 digits to round right; math.sqrt is correctly rounded (IEEE 754)
    _, value, _ = C.symbolic(lambda x: x * torch.sqrt(torch.tensor(19)), torch.tensor(1.0), "x")
    assert float(value) == math.sqrt(19)


def test_symbolic_ignores_only_a_tiny_imaginary_part():
    _, value, reason = C.symbolic(lambda x: x * (1 + 1e-12j), torch.tensor(1.0), "x")
    assert reason is None and float(value) == 1.0
    assert C.symbolic(lambda x: x * (1 + 2e-12j), torch.tensor(1.0), "x")[2] == (
        "the symbolic derivative is complex at this point")


def test_symbolic_text_of_160_characters_is_kept_whole():
    text = C.symbolic(lambda x: x * 10 ** 152, torch.tensor(1.0), "x")[0]
    assert text == "d/dx = 1" + "0" * 152 and len(text) == 160
    text = C.symbolic(lambda x: x * 10 ** 153, torch.tensor(1.0), "x")[0]
    assert text == "d/dx = 1" + "0" * 149 + "…" and len(text) == 158


def test_shim_covers_the_usual_functions():
    # each derivative by hand, at x = 0.5 (and 0.3 for the inverse trig functions)
    cases = [
        (lambda x: torch.sinh(x), 0.5, math.cosh(0.5)),
        (lambda x: torch.cosh(x), 0.5, math.sinh(0.5)),
        (lambda x: torch.arctan(x), 0.5, 1 / 1.25),
        (lambda x: torch.atan(x), 0.5, 1 / 1.25),
        (lambda x: torch.asin(x), 0.3, 1 / math.sqrt(1 - 0.09)),
        (lambda x: torch.acos(x), 0.3, -1 / math.sqrt(1 - 0.09)),
        (lambda x: math.fabs(x) * 3, -0.5, -3.0),
        (lambda x: math.e ** x, 0.5, math.exp(0.5)),
        (lambda x: x ** 2 + torch.exp(-torch.inf), 0.5, 1.0),
        (lambda x: x * torch.tensor(2.0, dtype=torch.float32), 0.5, 2.0),
        (lambda x: x * torch.tensor(2.0, dtype=torch.float64), 0.5, 2.0),
        (lambda x: x * torch.tensor(2.0, dtype=torch.float), 0.5, 2.0),
        (lambda x: x * torch.tensor(2.0, dtype=torch.double), 0.5, 2.0),
    ]
    for func, at, slope in cases:
        text, value, reason = C.symbolic(func, f64(at), "x")
        assert reason is None, reason
        assert abs(float(value) - slope) < 1e-12, text
    assert C.symbolic(lambda x: torch.sinh(x), torch.tensor(0.5), "x")[0] == "d/dx = cosh(x)"
    assert C.symbolic(lambda x: torch.acos(x), torch.tensor(0.3), "x")[0] == "d/dx = -1/sqrt(1 - x**2)"


def test_shim_vectors_inner_as_tensor_and_array():
    w = [3.0, -1.0]
    for func in (lambda v: torch.inner(v, torch.as_tensor(w)), lambda v: torch.inner(torch.tensor(w), v),
                 lambda v: (torch.as_tensor(w) * v).sum(), lambda v: (np.array(w) * v).sum()):
        text, value, reason = C.symbolic(func, torch.tensor([1.0, 2.0]), "v")
        assert reason is None and value.tolist() == w, (text, reason)
    text, value, _ = C.symbolic(lambda v: torch.inner(v, v), torch.tensor([1.0, 2.0]), "v")
    assert text == "∇ = [2*v1, 2*v2]" and value.tolist() == [2.0, 4.0]


def test_shim_functions_on_an_empty_slice():
    # v[2:] is empty: its sines sum to 0, and the rest still differentiates
    text, value, reason = C.symbolic(lambda v: torch.sin(v[2:]).sum() + torch.exp(v).sum(),
                                     torch.tensor([0.0, 1.0]), "v")
    assert reason is None and text == "∇ = [exp(v1), exp(v2)]"
    assert_close(value, torch.tensor([1.0, math.e], dtype=torch.float64))


def test_shim_passes_extra_arguments_along():
    import sympy as sp

    shim = C._sympy_shim()
    x = sp.Symbol("x")
    assert shim.log(x, 2) == sp.log(x, 2)  # math.log(x, 2)
    assert list(shim.log(np.array([x, 2 * x], dtype=object), 2)) == [sp.log(x, 2), sp.log(2 * x, 2)]


def test_sum_over_a_dimension_is_not_translated():
    assert C.symbolic(lambda v: torch.sum(v ** 2, 0), torch.tensor([1.0, 2.0]), "v")[2] == (
        "sympy could not express f (TypeError: sum over dims is not translated)")


# -- rebinding the learner's function -----------------------------------------------------------------------


def test_symbolic_follows_a_recursive_function():
    ns: dict = {"torch": torch}
    exec("def power(x, n=3):\n    return x if n == 1 else x * power(x, n - 1)\n", ns)
    text, value, reason = C.symbolic(ns["power"], torch.tensor(2.0), "x")
    assert (text, float(value), reason) == ("d/dx = 3*x**2", 12.0, None)


def test_symbolic_follows_a_closure_that_calls_back_a_global_function():
    ns: dict = {"torch": torch}
    exec("def make(step):\n"
         "    def h(x, n):\n"
         "        return torch.sin(x) if n == 0 else step(x, n)\n"
         "    return h\n"
         "def g(x, n=2):\n"
         "    return x * h(x, n - 1)\n"
         "h = make(g)\n", ns)
    text, value, reason = C.symbolic(ns["g"], torch.tensor(0.5), "x")  # g = x·x·sin(x)
    assert reason is None and text == "d/dx = x**2*cos(x) + 2*x*sin(x)"
    assert abs(float(value) - (0.25 * math.cos(0.5) + math.sin(0.5))) < 1e-14


def test_symbolic_with_a_closure_cell_still_empty():
    def make():
        def f(x):
            if x is None:
                return absent  # noqa: F821 - never assigned: its cell stays empty (and comes first)
            return helper(x)

        def helper(x):
            return torch.cos(x)

        return f
        absent = 0  # noqa: F841 - unreachable, but it makes `absent` a cell

    text, _, reason = C.symbolic(make(), torch.tensor(0.0), "x")
    assert (text, reason) == ("d/dx = -sin(x)", None)


def test_rebind_keeps_a_renamed_functions_name():
    def f(x):
        return x

    f.__name__ = "renamed"
    assert C._rebind(f, C._sympy_shim()).__name__ == "renamed"


def test_a_global_tensor_constant_is_left_alone():
    ns: dict = {"torch": torch, "w": torch.tensor(2.5)}
    exec("def f(x):\n    return x * w.item()\n", ns)
    text, value, reason = C.symbolic(ns["f"], torch.tensor(1.0), "x")
    assert reason is None and float(value) == 2.5


def test_an_imported_torch_function_without_a_translation_fails_where_it_is_called():
    ns: dict = {"torch": torch}
    exec("from torch import clamp\ndef f(x):\n    return clamp(x, 0, 1)\n", ns)
    reason = C.symbolic(ns["f"], torch.tensor(0.5), "x")[2]
    assert reason.startswith("sympy could not express f (TypeError: "), reason  # torch's own complaint


# -- jacobian and hessian -----------------------------------------------------------------------------------


def test_hessian_of_a_gradient_that_does_not_depend_on_the_point():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    result = C.hessian(lambda v: (w * v).sum(), [3.0, 4.0])  # ∇ = w: no path back to v
    assert_close(result.matrix, torch.zeros(2, 2)) and result.agree and result.symmetric
    assert result.var == "v" and result.fname == "f"


class _Skew(torch.autograd.Function):
    """a·b with a deliberately inconsistent backward: ∂/∂a = c0·b, ∂/∂b = c1·a, so H = [[0, c0], [c1, 0]]."""

    @staticmethod
    def forward(ctx, a, b, c0, c1):
        ctx.save_for_backward(a, b)
        ctx.c = (c0, c1)
        return a * b

    @staticmethod
    def backward(ctx, grad):
        a, b = ctx.saved_tensors
        return grad * b * ctx.c[0], grad * a * ctx.c[1], None, None


def _skew_hessian(c0, c1):
    return C.hessian(lambda v: _Skew.apply(v[0], v[1], c0, c1), [1.0, 2.0])


def test_hessian_symmetry_uses_rtol_1e_4_and_atol_1e_6():
    result = _skew_hessian(1.0, 1.00005)
    assert_close(result.matrix, torch.tensor([[0.0, 1.0], [1.00005, 0.0]]))
    assert result.symmetric is True  # 5e-5 apart: within rtol 1e-4
    assert _skew_hessian(1.0, 1.0003).symmetric is False
    assert _skew_hessian(1.0, 1.5).symmetric is False
    assert _skew_hessian(0.0, 5e-7).symmetric is True  # within atol 1e-6
    assert _skew_hessian(0.0, 5e-6).symmetric is False


def _drifting(scale, cross=0.0):
    """(v²).sum() on the first call; later calls (torch.autograd.functional's) scaled, plus cross·v0·v1."""
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 1:
            return (v ** 2).sum()
        return (v ** 2).sum() * scale + cross * v[0] * v[1]

    return f


def test_hessian_agreement_uses_rtol_1e_4_and_atol_1e_6():
    assert C.hessian(_drifting(1.0), [1.0, 2.0]).agree is True
    assert C.hessian(_drifting(1 + 5e-5), [1.0, 2.0]).agree is True  # 2 vs 2.0001
    assert C.hessian(_drifting(1.0005), [1.0, 2.0]).agree is False
    assert C.hessian(_drifting(1.25), [1.0, 2.0]).agree is False  # 2 vs 2.5
    assert C.hessian(_drifting(1.0, 5e-7), [1.0, 2.0]).agree is True  # 0 vs 5e-7 off the diagonal
    assert C.hessian(_drifting(1.0, 5e-6), [1.0, 2.0]).agree is False
