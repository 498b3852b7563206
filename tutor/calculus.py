"""Is this derivative right? Autograd, a float64 central difference and sympy, side by side (D2L 2.4).

`check(func, point, expect=...)` compares autograd's derivative (in the point's dtype, usually
float32, and again in float64) with a central finite difference in float64 and, when sympy can
express the function, its symbolic derivative; a hand-derived formula (`expect`) is compared with
a tolerance, never with `==`. `jacobian` and `hessian` build the matrices one backward pass per row,
which is exactly what `backward(gradient=v)` with one-hot v computes (D2L 2.5.2; 2.5 exercise 1).
"""

from __future__ import annotations

import contextlib
import io
import math
import sys
import types
from dataclasses import dataclass, field
from typing import Any, Callable

from tutor.commands import CommandError
from tutor.display import a_type

MAX_SYMBOLS = 12  # vector points larger than this are not tried symbolically
MAX_JACOBIAN = 400  # rows or columns
FD_STEP = 1e-6  # central difference step, scaled by max(1, |x|), in float64
TOL = {  # (rtol, atol) for comparing a value with the float64 reference
    "float64": (1e-6, 1e-9),
    "float32": (1e-4, 1e-6),
    "float16": (1e-2, 1e-3),
    "bfloat16": (2e-2, 1e-2),
    "fd": (1e-5, 1e-7),  # a float64 central difference has truncation error ~h²
}


# -- shared helpers ------------------------------------------------------------------------------


def prepare_point(point, what: str = "the point"):
    """A floating-point tensor from a number, list or tensor; one clear sentence otherwise."""
    torch = sys.modules["torch"]
    if isinstance(point, bool):
        raise CommandError(f"{what} is a bool; give a number such as 2.0")
    if isinstance(point, (int, float)):
        return torch.tensor(float(point))
    if isinstance(point, (list, tuple)):
        try:
            point = torch.tensor(point)
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"{what} could not be made into a tensor: {exc}") from None
        if not point.is_floating_point():
            point = point.to(torch.get_default_dtype())
        return point
    np = sys.modules.get("numpy")
    if np is not None and isinstance(point, np.ndarray):
        point = torch.from_numpy(point)
    if not isinstance(point, torch.Tensor):
        raise CommandError(f"{what} must be a number or a tensor, not a {type(point).__name__}")
    if not point.is_floating_point():
        raise CommandError(
            f"{what} is a {str(point.dtype).replace('torch.', '')} tensor, but derivatives need "
            "floating-point numbers: write 2.0 instead of 2, or add dtype=torch.float32")
    if point.numel() == 0:
        raise CommandError(f"{what} is an empty tensor")
    return point.detach().clone()


def call(func: Callable, args: list, call_text: str):
    """Call the learner's function; any exception becomes one sentence."""
    try:
        return func(*args)
    except CommandError:
        raise
    except Exception as exc:  # noqa: BLE001 - the learner's code
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        tip = ""
        if isinstance(exc, TypeError) and "must be real number" in message:
            tip = " (math.* works on Python numbers only: use torch.sin, torch.exp, … on tensors)"
        raise CommandError(f"calling {call_text} raised {type(exc).__name__}: {message}{tip}") from None


def scalar_output(out, call_text: str, hint: str = "use %jacobian for a vector output"):
    torch = sys.modules["torch"]
    if not isinstance(out, torch.Tensor):
        why = (" (math.* and .item() turn tensors into Python numbers, which autograd cannot follow)"
               if isinstance(out, (int, float)) else "")
        raise CommandError(f"{call_text} returned a {type(out).__name__}, not a tensor{why}: build it "
                           "with torch operations (torch.sin, **, …)")
    if out.numel() != 1:
        shape = "(" + ", ".join(map(str, out.shape)) + ("," if out.dim() == 1 else "") + ")"
        raise CommandError(f"{call_text} returned shape {shape}, but a derivative check needs one number; {hint}")
    return out


def needs_graph(out, call_text: str, var: str):
    if not out.requires_grad:
        raise CommandError(
            f"{call_text} does not depend on {var} through autograd: it is a constant, or the "
            "computation left autograd (.item(), .numpy(), .detach(), math.*, or a new torch.tensor(...))")


def param_name(func, default: str = "x") -> str:
    code = getattr(func, "__code__", None)
    if code is not None and code.co_argcount >= 1:
        return code.co_varnames[0]
    return default


def func_label(func, given: str | None = None) -> str:
    return given or getattr(func, "__name__", "f").replace("<lambda>", "f")


def short(v, digits: int = 6) -> str:
    """A tensor or number in few characters."""
    torch = sys.modules["torch"]
    if isinstance(v, torch.Tensor):
        if v.numel() == 1:
            return short(float(v.reshape(()).item()), digits)
        if v.numel() <= 6:
            return "[" + ", ".join(short(float(t), digits) for t in v.flatten().tolist()) + "]"
        return f"tensor of shape {tuple(v.shape)}"
    if isinstance(v, float):
        if v == 0:
            return "0"
        if math.isfinite(v) and abs(v) >= 1e-4 and abs(v) < 1e6:
            return f"{v:.{digits}g}"
        return f"{v:.3e}"
    return str(v)


# -- %check ----------------------------------------------------------------------------------------


@dataclass
class CheckRow:
    method: str  # "autograd (float32)"
    value: Any  # tensor
    abs_diff: float | None  # against the reference
    rel_diff: float | None
    ok: bool | None  # within tolerance (None for the reference itself)
    note: str = ""


@dataclass
class CheckResult:
    call: str  # "f(x) at x = 2"
    rows: list[CheckRow]
    symbolic: str | None  # "d/dx f = ..." or None
    symbolic_reason: str | None  # why there is no symbolic row
    passed: bool
    verdict: str
    notes: list[str] = field(default_factory=list)
    reference: str = "float64 autograd"
    kink: bool = False  # the methods differ because the function has a kink here (one-sided slopes differ)


def check(func: Callable, point, *, expect=None, name: str | None = None,
          namespace: dict | None = None) -> CheckResult:
    """Autograd vs finite differences vs sympy (vs a hand formula) at `point`."""
    torch = sys.modules["torch"]
    if not callable(func):
        raise CommandError(f"{name or 'FUNC'} is {a_type(func)}, not a function; "
                           "define one with def f(x): ... or f = lambda x: ...")
    fname = func_label(func, name)
    var = param_name(func)
    x0 = prepare_point(point)
    at = short(x0)
    call_text = f"{fname}({var})"

    def grad_at(x_value):
        x = x_value.clone().requires_grad_(True)
        out = scalar_output(call(func, [x], call_text), call_text, "use %jacobian for a vector output")
        needs_graph(out, call_text, var)
        (g,) = torch.autograd.grad(out, x, allow_unused=True)
        return torch.zeros_like(x) if g is None else g.detach(), out.detach()

    g_own, value = grad_at(x0)
    own_dtype = str(x0.dtype).replace("torch.", "")
    rows: list[CheckRow] = []
    notes: list[str] = []
    # float64 autograd: the reference
    g64 = None
    if x0.dtype != torch.float64:
        try:
            g64, _ = grad_at(x0.double())
            g64 = g64.double()
        except CommandError as exc:
            notes.append(f"autograd in float64 failed ({exc}); the finite difference is the reference")
    else:
        g64 = g_own
    fd = _central_difference(func, x0, call_text)
    sym_text, sym_value, sym_reason = symbolic(func, x0, var, namespace)
    reference = g64 if g64 is not None else fd
    ref_name = "float64 autograd" if g64 is not None else "float64 finite difference"
    if reference is None:
        raise CommandError(f"{call_text} could not be evaluated in float64 either way")

    def row(method, v, dtype_key, note="", tol=None):
        v = v.double().reshape(reference.shape)
        abs_d = float((v - reference).abs().max())
        scale = float(reference.abs().max())
        rel_d = abs_d / scale if scale > 0 else (0.0 if abs_d == 0 else math.inf)
        rtol, atol = tol or TOL.get(dtype_key, TOL["float32"])
        ok = bool(torch.allclose(v, reference, rtol=rtol, atol=atol))
        return CheckRow(method, v, abs_d, rel_d, ok, note)

    if x0.dtype != torch.float64:
        rows.append(row(f"autograd ({own_dtype})", g_own, own_dtype))
    if g64 is not None:
        rows.append(CheckRow("autograd (float64)", g64, None, None, None, "reference"))
    if fd is not None:
        fd_row = row("central difference (float64)", fd, "fd")
        rows.append(fd_row)
    if sym_value is not None:
        rows.append(row("sympy (symbolic)", sym_value, "float64"))
    expect_row = None
    if expect is not None:
        e = _expected(expect, x0, var, namespace)
        if e.numel() != reference.numel():
            raise CommandError(f"the expected derivative has {e.numel()} values but the gradient has "
                               f"{reference.numel()}")
        digits = _literal_digits(expect)
        if digits is not None:
            rtol = 0.5 * 10.0 ** (1 - digits)
            expect_row = row("your number (--expect)", e, "typed", f"to the {digits} digits typed",
                             (rtol, rtol * float(reference.abs().max())))
        else:
            expect_row = row("your formula (--expect)", e, "float64")
        rows.append(expect_row)
    checked = [r for r in rows if r.ok is not None]
    passed = all(r.ok for r in checked)
    if expect_row is not None and not expect_row.ok:
        verdict = (f"✗ your formula differs from autograd by {short(expect_row.abs_diff, 3)} "
                   f"(relative {short(expect_row.rel_diff, 2)}): recheck the hand derivation")
    elif not passed and (kink := _kink(func, x0)) is not None:
        i, left, right = kink
        where = f"{var} = {at}" if g_own.numel() == 1 else f"{var} = {at} (component {i})"
        used = short(float(g64.reshape(-1)[i]) if g64 is not None else float(g_own.reshape(-1)[i]))
        verdict = (f"{fname} has a kink at {where}: the one-sided slopes are {short(left)} (from the left) and "
                   f"{short(right)} (from the right), so there is no derivative there; PyTorch uses {used} by "
                   f"convention")
        notes.append(f"The central difference averages the two slopes ({short((left + right) / 2)}); "
                     "neither method is wrong. Check a point on either side to see each slope.")
    elif not passed:
        bad = ", ".join(r.method for r in checked if not r.ok)
        verdict = f"✗ disagreement: {bad} differs from the {ref_name}"
        notes.append("At a kink (abs, relu, max at a tie) or a discontinuity the methods may "
                     "legitimately differ; otherwise look for a non-differentiable step or a bug.")
    else:
        verdict = "✓ all methods agree within tolerance"
        if expect_row is not None:
            verdict = "✓ your formula is right: it matches autograd within tolerance"
        kink = _kink(func, x0)
        if kink is not None:  # abs at 0: the methods agree on a value the function does not have
            i, left, right = kink
            where = f"{var} = {at}" if g_own.numel() == 1 else f"{var} = {at} (component {i})"
            notes.append(f"{fname} has a kink at {where}: the one-sided slopes are {short(left)} and "
                         f"{short(right)}, so strictly there is no derivative; {short(float(g_own.reshape(-1)[i]))} "
                         "is PyTorch's convention there.")
    # where float32 rounding explains a difference
    own = rows[0] if x0.dtype != torch.float64 else None
    if own is not None and own.abs_diff:
        eps = torch.finfo(x0.dtype).eps
        notes.append(f"autograd in {own_dtype} differs from float64 by {short(own.abs_diff, 2)} "
                     f"(relative {short(own.rel_diff, 2)}): {own_dtype} keeps about "
                     f"{round(-math.log10(eps))} significant digits (eps = {eps:.3g}), so this is "
                     "rounding, not a mistake.")
    if expect_row is not None and expect_row.ok:
        exact = bool(torch.equal(_expected(expect, x0, var, namespace).to(g_own.dtype).reshape(g_own.shape), g_own))
        if not exact:
            notes.append("Comparing with == would give False here (the last digits differ): "
                         "compare floats with a tolerance, e.g. torch.isclose(a, b) or torch.allclose.")
    call_desc = f"{fname}({var}) at {var} = {at}"
    if g_own.numel() > 1:
        call_desc += f": the gradient ∇{fname} ({g_own.numel()} components)"
    else:
        call_desc += f": d{fname}/d{var}"
    return CheckResult(call_desc, rows, sym_text, sym_reason, passed, verdict, notes, ref_name,
                       kink=verdict.startswith(f"{fname} has a kink"))


def _kink(func, x0) -> tuple[int, float, float] | None:
    """(component, left slope, right slope) where f is continuous but its one-sided slopes differ.

    A slope is trusted when it stays put as the step shrinks tenfold; at a jump the slope on the jump's
    side grows instead, and that is a discontinuity, not a kink."""
    torch = sys.modules["torch"]
    x64 = x0.double()
    flat = x64.reshape(-1)

    def f_at(vec):
        with torch.no_grad():
            return float(torch.as_tensor(func(vec.reshape(x64.shape))).double().reshape(()))

    try:
        f0 = f_at(flat)
        for i in range(min(flat.numel(), 50)):
            slopes = []
            for sign in (-1.0, 1.0):
                pair = []
                for h in (1e-5, 1e-6):
                    step = h * max(1.0, abs(float(flat[i])))
                    moved = flat.clone()
                    moved[i] += sign * step
                    pair.append((f_at(moved) - f0) / (sign * step))
                if abs(pair[0] - pair[1]) > 1e-3 * max(1.0, abs(pair[1])):
                    break  # not a settled slope: a jump or a pole on this side
                slopes.append(pair[1])
            if len(slopes) == 2 and abs(slopes[0] - slopes[1]) > 1e-3 * max(1.0, abs(slopes[0]), abs(slopes[1])):
                return i, slopes[0], slopes[1]
    except Exception:  # noqa: BLE001 - a function that fails in float64: no verdict on kinks
        return None
    return None


def _literal_digits(expect) -> int | None:
    """Significant digits of a number the learner typed (--expect 0.0824 → 3), else None."""
    if not isinstance(expect, str):
        return None
    text = expect.strip().lstrip("+-").lower()
    if not text or any(c not in "0123456789.e+-" for c in text):
        return None
    try:
        float(text)
    except ValueError:
        return None
    mantissa = text.split("e")[0].replace(".", "").lstrip("0")
    return max(1, len(mantissa))


def _central_difference(func, x0, call_text):
    """(f(x + h·eᵢ) - f(x - h·eᵢ)) / 2h for each component, in float64."""
    torch = sys.modules["torch"]
    x64 = x0.double()
    flat = x64.reshape(-1)
    out = torch.empty_like(flat)
    try:
        with torch.no_grad():
            for i in range(flat.numel()):
                h = FD_STEP * max(1.0, abs(float(flat[i])))
                up, down = flat.clone(), flat.clone()
                up[i] += h
                down[i] -= h
                fu = func(up.reshape(x64.shape))
                fd = func(down.reshape(x64.shape))
                out[i] = (torch.as_tensor(fu).double().reshape(()) - torch.as_tensor(fd).double().reshape(())) / (2 * h)
    except Exception:  # noqa: BLE001 - e.g. a float32 constant inside f: no float64 difference
        return None
    return out.reshape(x64.shape)


# Names a formula may use without a prefix (the sympy row writes formulas this way): `sin(x)` works as
# well as `torch.sin(x)`. The learner's own names come first.
FORMULA_NAMES = ("sin", "cos", "tan", "exp", "log", "log2", "log10", "sqrt", "abs", "tanh", "sinh", "cosh",
                 "asin", "acos", "atan", "sigmoid", "relu", "sign", "floor", "ceil")


def _formula_scope(namespace, torch) -> dict:
    scope = dict(namespace or {})
    scope.setdefault("torch", torch)
    scope.setdefault("math", math)
    for name in FORMULA_NAMES:
        scope.setdefault(name, getattr(torch, name))
    scope.setdefault("pi", math.pi)
    scope.setdefault("e", math.e)
    scope.setdefault("ln", torch.log)
    return scope


def _expected(expect, x0, var, namespace):
    """The hand-derived derivative as a float64 tensor (a string formula, a function or a value)."""
    torch = sys.modules["torch"]
    x64 = x0.double()
    if isinstance(expect, str):
        scope = _formula_scope(namespace, torch)
        scope[var] = x64
        try:
            value = eval(compile(expect, "<expect>", "eval"), scope)
        except SyntaxError as exc:
            raise CommandError(f"could not read the formula {expect!r}: {exc.msg}") from None
        except NameError as exc:
            raise CommandError(f"the formula {expect!r} uses {exc.name!r}, which is not defined: write the "
                               f"variable as {var}, and functions as sin(x) or torch.sin(x)") from None
        except Exception as exc:  # noqa: BLE001
            raise CommandError(f"evaluating the formula {expect!r} with {var} = {short(x0)} raised "
                               f"{type(exc).__name__}: {exc}") from None
        if isinstance(value, str):  # the formula was quoted: --expect "3*x**2 + 1/x**2"
            return _expected(value, x0, var, namespace)
    elif callable(expect):
        value = call(expect, [x64], f"the expected derivative ({var})")
    else:
        value = expect
    try:
        return torch.as_tensor(value).double().detach()
    except Exception:  # noqa: BLE001
        raise CommandError(f"the expected derivative is {a_type(value)}, not a number or tensor") from None


# -- sympy ---------------------------------------------------------------------------------------


def _sympy_shim():
    """An object standing in for torch / math / numpy whose functions build sympy expressions."""
    import numpy as np
    import sympy as sp

    def elementwise(f):
        def apply(a, *rest, **kw):
            if isinstance(a, np.ndarray):
                return np.vectorize(lambda v: f(v, *rest), otypes=[object])(a)
            return f(sp.sympify(a), *rest)
        return apply

    def tensor(data, *args, **kwargs):
        if isinstance(data, (list, tuple)):
            return np.array(data, dtype=object)
        return sp.sympify(data)

    def total(a, *args, **kwargs):
        if args or kwargs:
            raise TypeError("sum over dims is not translated")
        return a.sum() if isinstance(a, np.ndarray) else a

    shim = types.SimpleNamespace(
        sin=elementwise(sp.sin), cos=elementwise(sp.cos), tan=elementwise(sp.tan),
        exp=elementwise(sp.exp), log=elementwise(sp.log), sqrt=elementwise(sp.sqrt),
        tanh=elementwise(sp.tanh), sinh=elementwise(sp.sinh), cosh=elementwise(sp.cosh),
        arctan=elementwise(sp.atan), atan=elementwise(sp.atan), asin=elementwise(sp.asin),
        acos=elementwise(sp.acos), abs=elementwise(sp.Abs), fabs=elementwise(sp.Abs),
        log2=elementwise(lambda v: sp.log(v, 2)), log10=elementwise(lambda v: sp.log(v, 10)),
        log1p=elementwise(lambda v: sp.log(1 + v)), expm1=elementwise(lambda v: sp.exp(v) - 1),
        exp2=elementwise(lambda v: 2 ** v), square=elementwise(lambda v: v ** 2),
        reciprocal=elementwise(lambda v: 1 / v), neg=elementwise(lambda v: -v),
        sigmoid=elementwise(lambda v: 1 / (1 + sp.exp(-v))),
        relu=elementwise(lambda v: sp.Max(v, 0)),
        pow=lambda a, b: a ** b, power=lambda a, b: a ** b, sum=total,
        dot=lambda a, b: np.dot(a, b), inner=lambda a, b: np.dot(a, b),
        tensor=tensor, as_tensor=tensor, array=tensor,
        pi=sp.pi, e=sp.E, inf=sp.oo,
        float32=None, float64=None, float=None, double=None,
    )
    return shim


def symbolic(func, x0, var: str, namespace: dict | None = None):
    """(derivative text, float64 value tensor, None) or (None, None, reason) when sympy cannot."""
    torch = sys.modules["torch"]
    try:
        import numpy as np
        import sympy as sp
    except ImportError:
        return None, None, "sympy is not installed"
    if not isinstance(func, types.FunctionType):
        return None, None, "sympy needs a plain Python function (def or lambda)"
    n = x0.numel()
    if n > MAX_SYMBOLS:
        return None, None, f"more than {MAX_SYMBOLS} variables: not tried symbolically"
    if x0.dim() == 0:
        symbols = [sp.Symbol(var, real=True)]
        arg = symbols[0]
    else:
        symbols = [sp.Symbol(f"{var}{i + 1}", real=True) for i in range(n)]
        arg = np.array(symbols, dtype=object).reshape(tuple(x0.shape))
    shim = _sympy_shim()
    try:
        translated = _rebind(func, shim)
        with contextlib.redirect_stdout(io.StringIO()):
            expr = translated(arg)
        if isinstance(expr, np.ndarray):
            if expr.size != 1:
                return None, None, "the function returned several values"
            expr = expr.reshape(-1)[0]
        expr = sp.sympify(expr)
        if not isinstance(expr, sp.Expr):
            return None, None, "the function did not give one expression"
        derivs = [sp.diff(expr, s) for s in symbols]
        point = dict(zip(symbols, [float(v) for v in x0.double().reshape(-1).tolist()]))
        values = [complex(sp.N(d.subs(point), 20)) for d in derivs]
    except Exception as exc:  # noqa: BLE001 - anything sympy cannot express
        what = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
        return None, None, f"sympy could not express {func_label(func)} ({type(exc).__name__}: {what})"
    if any(abs(v.imag) > 1e-12 for v in values):
        return None, None, "the symbolic derivative is complex at this point"
    value = torch.tensor([v.real for v in values], dtype=torch.float64).reshape(x0.shape)
    if len(derivs) == 1:
        text = f"d/d{var} = {sp.sstr(derivs[0])}"
    else:
        text = "∇ = [" + ", ".join(sp.sstr(d) for d in derivs[:4]) + (", …]" if len(derivs) > 4 else "]")
    if len(text) > 160:
        text = text[:157] + "…"
    return text, value, None


def _rebind(func, shim, memo: dict | None = None):
    """A copy of `func` whose torch/math/np (and helper functions) are the sympy shim."""
    memo = {} if memo is None else memo
    if id(func) in memo:
        return memo[id(func)]
    old = func.__globals__
    new_globals = dict(old)
    closure = func.__closure__
    if closure:
        cells = []
        for cell in closure:
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                cells.append(cell)
                continue
            if isinstance(value, types.FunctionType):
                cells.append(types.CellType(_rebind(value, shim, memo)))
            else:
                cells.append(cell)
        closure = tuple(cells)
    copy = types.FunctionType(func.__code__, new_globals, func.__name__, func.__defaults__, closure)
    memo[id(func)] = copy
    for key in ("torch", "math", "np", "numpy"):
        if key in new_globals:
            new_globals[key] = shim
    for name in func.__code__.co_names:
        value = old.get(name)
        if isinstance(value, types.FunctionType) and value.__globals__ is old:
            new_globals[name] = _rebind(value, shim, memo)
        elif getattr(value, "__module__", None) in ("torch", "math") and hasattr(shim, getattr(value, "__name__", "")):
            new_globals[name] = getattr(shim, value.__name__)  # from torch import sin
    return copy


# -- %jacobian and %hessian ----------------------------------------------------------------------


@dataclass
class MatrixResult:
    kind: str  # "jacobian" | "hessian"
    call: str  # "f(x) at x = [1, 2]"
    matrix: Any  # 2-D tensor
    out_shape: tuple
    in_shape: tuple
    passes: int
    agree: bool  # equals torch.autograd.functional's result
    symmetric: bool | None = None  # hessians
    fname: str = "f"
    var: str = "x"


def _matrix_setup(func, point, name, kind):
    torch = sys.modules["torch"]
    if not callable(func):
        raise CommandError(f"{name or 'FUNC'} is {a_type(func)}, not a function")
    fname = func_label(func, name)
    var = param_name(func)
    x0 = prepare_point(point)
    if x0.numel() > MAX_JACOBIAN:
        raise CommandError(f"the point has {x0.numel()} elements: a {kind} that size is not useful "
                           f"to print (at most {MAX_JACOBIAN})")
    x = x0.clone().requires_grad_(True)
    call_text = f"{fname}({var})"
    out = call(func, [x], call_text)
    if not isinstance(out, torch.Tensor):
        raise CommandError(f"{call_text} returned a {type(out).__name__}, not a tensor")
    return torch, fname, var, x0, x, out, call_text


def jacobian(func, point, *, name: str | None = None) -> MatrixResult:
    """The Jacobian, one backward pass per output: row i = backward(gradient=eᵢ)."""
    torch, fname, var, x0, x, out, call_text = _matrix_setup(func, point, name, "Jacobian")
    needs_graph(out, call_text, var)
    m, n = out.numel(), x0.numel()
    if m > MAX_JACOBIAN:
        raise CommandError(f"{call_text} has {m} outputs: a Jacobian that size is not useful to print")
    rows = []
    for i in range(m):
        v = torch.zeros(m, dtype=out.dtype)
        v[i] = 1
        (g,) = torch.autograd.grad(out, x, grad_outputs=v.reshape(out.shape), retain_graph=True,
                                   allow_unused=True)
        rows.append((torch.zeros_like(x) if g is None else g).reshape(-1))
    J = torch.stack(rows).detach()
    check = torch.autograd.functional.jacobian(func, x0.clone()).reshape(m, n)
    agree = bool(torch.allclose(J, check.to(J.dtype)))
    return MatrixResult("jacobian", f"{call_text} at {var} = {short(x0)}", J, tuple(out.shape),
                        tuple(x0.shape), m, agree, None, fname, var)


def hessian(func, point, *, name: str | None = None) -> MatrixResult:
    """The Hessian: one backward pass with create_graph=True, then one more per input."""
    torch, fname, var, x0, x, out, call_text = _matrix_setup(func, point, name, "Hessian")
    scalar_output(out, call_text, "a Hessian needs a function with one output")
    needs_graph(out, call_text, var)
    n = x0.numel()
    (g,) = torch.autograd.grad(out, x, create_graph=True, allow_unused=True)
    rows = []
    flat = g.reshape(-1) if g is not None else None
    for i in range(n):
        if flat is None or not flat.requires_grad:
            rows.append(torch.zeros(n, dtype=x.dtype))
            continue
        (h,) = torch.autograd.grad(flat[i], x, retain_graph=True, allow_unused=True)
        rows.append((torch.zeros_like(x) if h is None else h).reshape(-1))
    H = torch.stack(rows).detach()
    check = torch.autograd.functional.hessian(func, x0.clone()).reshape(n, n)
    agree = bool(torch.allclose(H, check.to(H.dtype), rtol=1e-4, atol=1e-6))
    symmetric = bool(torch.allclose(H, H.T, rtol=1e-4, atol=1e-6))
    return MatrixResult("hessian", f"{call_text} at {var} = {short(x0)}", H, (), tuple(x0.shape),
                        1 + n, agree, symmetric, fname, var)
