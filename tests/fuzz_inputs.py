"""Inputs for fuzzing `Session.submit` (tests/test_fuzz.py and tests/fuzz/run.py).

Five kinds, mixed: valid tensor code, autograd calls, malformed Python, every % command with garbage
arguments, and objects whose dunders raise or loop. Runaway inputs are bounded by the session's limit.
"""

from __future__ import annotations

from hypothesis import strategies as st

TENSOR = [
    "x = torch.arange(4.0, requires_grad=True)", "y = (x * x).sum()", "y.backward()", "x.grad",
    "x.grad.zero_()", "z = x.detach()", "w = torch.ones(2, 3) @ torch.ones(3, 2)", "x.sum().backward()",
    "u = x * 2; u.backward(torch.ones_like(u))", "torch.autograd.grad(y, x)", "x.requires_grad_(False)",
    "y = x ** 3; y.sum().backward(retain_graph=True)", "with torch.no_grad():\n    v = x * 2",
    "a = torch.tensor(2.0, requires_grad=True); b = torch.sin(a) * a", "b.backward(); a.grad",
    "torch.autograd.functional.jacobian(lambda t: t ** 2, torch.ones(3))", "m = torch.nn.Linear(3, 1)",
    "m(torch.ones(3)).sum().backward()", "x[0]", "x.T", "torch.norm(x)", "x / 0", "torch.log(-x)",
]
MALFORMED = ["x = (", "def f(:", "for", "1 +", "'\\d'", "x = 1 is 1", "\0", "\t\tx", "class", "lambda:",
             "x = [" * 50, "+".join(["1"] * 3000), "import nonexistent_xyz", "raise", "return 1", "yield",
             "async def f(): await", "f'{", "print('a\\ud800b')", "exit(", "@", "¿", "x.", "%"]
COMMANDS = ["help", "who", "reset", "graph", "trace", "forward", "check", "jacobian", "hessian", "plot",
            "explain", "hints", "lessons", "lesson", "next", "back", "hint", "solution", "skip", "where",
            "answer", "history", "nonexistent"]
HOSTILE = [
    "class R:\n    def __repr__(self):\n        raise ValueError('repr')\nr = R()", "r",
    "class L:\n    def __repr__(self):\n        while True: pass\nl = L()", "l",
    "class C:\n    @property\n    def __class__(self):\n        raise RuntimeError('class')\nc = C()", "c",
    "class G:\n    def __getattribute__(self, n):\n        raise RuntimeError(n)\ng = G()", "g",
    "class E(Exception):\n    def __str__(self):\n        raise ValueError('str')", "raise E()",
    "class E2(Exception):\n    def __str__(self):\n        return 3", "raise E2()",
    "class RC:\n    def __rich__(self):\n        raise ValueError('rich')", "RC()",
    "class OnlyAdd(torch.Tensor):\n    @classmethod\n    def __torch_function__(cls, f, t, a=(), k=None):\n"
    "        return NotImplemented\nt = torch.ones(3).as_subclass(OnlyAdd)", "t",
    "class B:\n    def __bool__(self):\n        raise ValueError('bool')\nbb = B()",
    "class Eq:\n    def __eq__(self, o):\n        raise ValueError('eq')\n    __hash__ = None\nq = Eq()",
    "while True: pass", "def r(n): return r(n + 1)\nr(0)", "import sys; sys.exit(3)",
]

garbage = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)
command = st.builds(lambda name, arg: f"%{name} {arg}", st.sampled_from(COMMANDS),
                    st.one_of(garbage, st.sampled_from(["x", "y", "x 0 1", "f 1.0", "--depth -1", "r", "c", "t",
                                                        "lambda v: v ** 2 0 1", "torch.sin 0 3", "1", "list"])))
inputs = st.one_of(
    st.sampled_from(TENSOR), st.sampled_from(MALFORMED), command, st.sampled_from(HOSTILE),
    st.builds(lambda a, b: a + "\n" + b, st.sampled_from(TENSOR), st.sampled_from(HOSTILE)),
    garbage,
)
