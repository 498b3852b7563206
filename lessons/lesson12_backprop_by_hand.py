"""Lesson 12: backpropagation by hand (D2L 2.5, exercises 5-8)."""

from tutor.lesson import *


def _code(source):
    """A hint that is code: a fenced block, so its lines stay lines."""
    return "```python\n" + source + "\n```"


def _both(first, second):
    """A mistake check that needs two things at once (e.g. an answer is there AND autograd was not used)."""
    return custom(f"{first.describe} and {second.describe}", lambda ctx: first(ctx).passed and second(ctx).passed)

# f'(x) = (2/x) sin x + log(x^2) cos x - 1/x^2, at x = 2
FPRIME = "math.sin(2) + math.log(4) * math.cos(2) - 0.25"
D_DOT = "math.sin(2) + math.log(4) * math.cos(2)"

_BUILD = """\
a = x ** 2
b = torch.log(a)
c = torch.sin(x)
d = b * c
e = 1 / x
y = d + e"""

_EDGES = """\
da_dx = 2 * x
db_da = 1 / a
dc_dx = torch.cos(x)
dd_db = c
dd_dc = b
de_dx = -1 / x ** 2"""

_FORWARD = """\
x_dot = 1.0
a_dot = da_dx * x_dot
b_dot = db_da * a_dot
c_dot = dc_dx * x_dot
d_dot = dd_db * b_dot + dd_dc * c_dot
e_dot = de_dx * x_dot
y_dot = d_dot + e_dot"""

_BACKWARD = """\
y_bar = 1.0
d_bar = y_bar
e_bar = y_bar
b_bar = d_bar * dd_db
c_bar = d_bar * dd_dc
a_bar = b_bar * db_da
x_bar = a_bar * da_dx + c_bar * dc_dx + e_bar * de_dx"""

_DUAL = """\
import torch.autograd.forward_ad as fwAD
with fwAD.dual_level():
    xd = fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))
    tangent = fwAD.unpack_dual(f(xd)).tangent"""



def _dual_without_level(ctx):
    typed = "\n".join(ctx.inputs)
    return "make_dual" in typed and "dual_level" not in typed


lesson = Lesson(
    id="backprop-by-hand",
    title="Backprop by hand: forward and backward sweeps",
    section="2.5",
    prerequisites=["autograd-basics"],
    minutes=25,
    summary="Draw the graph of f(x) = log(x²)·sin x + 1/x, put a chain-rule factor on each edge, and "
            "sweep it forward (dual numbers) and backward (backprop) at x = 2.",
    setup="x = torch.tensor(2.0, requires_grad=True)\n"
          "def f(x):\n    return torch.log(x ** 2) * torch.sin(x) + 1 / x",
    steps=[
        Text(
            "the-function",
            """\
## One function, differentiated four ways (D2L 2.5, exercises 5-8)

The last exercises of D2L 2.5 take one function,

    f(x) = log(x²) · sin(x) + 1/x

and ask you to do by hand what autograd does: draw its dependency graph (exercise 5), put the
chain rule on it (exercise 6), evaluate the derivative in both directions (exercise 7), and say when
each direction is the better one (exercise 8). We work at **x = 2**.

`x = torch.tensor(2.0, requires_grad=True)` and `f` are already defined. Note that `torch.log` is
the **natural** logarithm (base e); base 10 is `torch.log10`.
""",
            examples=["f(x)", "torch.log(torch.tensor(math.e))"],
            facts=[
                Fact("f(x)", "math.log(4) * math.sin(2) + 0.5"),
                Fact("torch.log(torch.tensor(math.e))", 1.0),
                Fact("torch.log10(torch.tensor(100.0))", 2.0),
            ],
        ),
        Task(
            "build-graph",
            goal="Exercise 5. Compute f(2) one operation at a time, naming every node: `a = x ** 2`, "
                 "`b` = log of a, `c` = sin of x, `d = b * c`, `e = 1 / x`, `y = d + e`. Use torch functions, "
                 "so that autograd records each node.",
            checks=[
                defined("a", "b", "c", "d", "e", "y"),
                tensor("b", requires_grad=True,
                       message="b should be a tensor in the graph: use torch.log, not math.log or numpy"),
                tensor("c", requires_grad=True,
                       message="c should be a tensor in the graph: use torch.sin, not math.sin or numpy"),
                close("a", 4.0),
                close("b", "math.log(4)", message="b should be the natural log of a: log(4) = 1.386"),
                close("c", "math.sin(2)"),
                close("d", "math.log(4) * math.sin(2)"),
                close("e", 0.5),
                close("y", "f(x)"),
            ],
            hints=[
                "Six lines, one per node, each using the names before it.",
                "b = torch.log(a) and c = torch.sin(x); d multiplies them, e is 1 / x, y adds d and e.",
                _code(_BUILD),
            ],
            solution=_BUILD,
            wrong=[
                "y = f(x)",
                _BUILD.replace("torch.log(a)", "torch.log10(a)"),
                _BUILD.replace("torch.log(a)", "math.log(a)"),
            ],
            mistakes=[
                Mistake(close("b", "math.log10(4)"),
                        "torch.log10 is base 10. The book's log (and torch.log) is the natural log."),
                Mistake(true("isinstance(b, float)", ""),
                        "math.log turned the tensor into a plain Python float, which cuts the graph: "
                        "autograd cannot see through it. Use torch.log."),
            ],
        ),
        Quiz(
            "graph-shape",
            question="In the dependency graph from x to y, which nodes take x **directly** as an input?",
            choices=[
                Choice("Only the square a = x².",
                       why="x also goes straight into sin and into 1/x, not only through a."),
                Choice("The square (a), sin (c) and the reciprocal (e): three edges leave x.", correct=True,
                       why="Right. Six nodes: pow (a), log (b), sin (c), mul (d), reciprocal (e), add (y); "
                           "x feeds a, c and e, and their paths meet again at d and y. Three paths from x to y "
                           "means three terms in f'(x)."),
                Choice("All six nodes.",
                       why="log only sees a, mul only sees b and c, add only sees d and e."),
                Choice("log (b), sin (c) and the reciprocal (e).",
                       why="log takes a = x², not x: the square comes first."),
            ],
            facts=[
                Fact("type(y.grad_fn).__name__", "'AddBackward0'"),
                Fact("type(b.grad_fn).__name__", "'LogBackward0'"),
                Fact("type(a.grad_fn).__name__", "'PowBackward0'"),
                Fact("type(c.grad_fn).__name__", "'SinBackward0'"),
                Fact("type(d.grad_fn).__name__", "'MulBackward0'"),
                Fact("type(e.grad_fn.next_functions[0][0]).__name__", "'ReciprocalBackward0'"),
                Fact("a.grad_fn.next_functions[0][0].variable is x", True),
                Fact("c.grad_fn.next_functions[0][0].variable is x", True),
                Fact("e.grad_fn.next_functions[0][0].next_functions[0][0].variable is x", True),
            ],
        ),
        Text(
            "edges",
            """\
## A chain-rule factor on every edge (exercise 6)

Each edge u → v of the graph carries the **local derivative** ∂v/∂u: how v changes with u, worked
out from that one operation alone (the other inputs of v held fixed). The graph has eight edges:

- x → a (a = x²), a → b (b = log a), x → c (c = sin x), x → e (e = 1/x),
- b → d and c → d (d = b·c), d → y and e → y (y = d + e).

The chain rule then says: **df/dx is the sum, over every path from x to y, of the product of the
factors along the path**. Here there are three paths: x → a → b → d → y, x → c → d → y and x → e → y.

`%graph y` (or `graph(y)`) draws the graph PyTorch recorded. It shows one node you did not write:
PyTorch computes `1 / x` as reciprocal(x) times 1, so e's node is a MulBackward0 on top of a
ReciprocalBackward0.
""",
            examples=["%graph y"],
            facts=[
                Fact("type(e.grad_fn).__name__", "'MulBackward0'"),
                Fact("type(e.grad_fn.next_functions[0][0]).__name__", "'ReciprocalBackward0'"),
            ],
        ),
        Task(
            "edge-factors",
            goal="Exercise 6. Work out the six local derivatives that are not just 1, and type them as "
                 "formulas in x and the node values: `da_dx`, `db_da`, `dc_dx`, `dd_db`, `dd_dc`, `de_dx` "
                 "(for example `da_dx = 2 * x`).",
            checks=[
                defined("da_dx", "db_da", "dc_dx", "dd_db", "dd_dc", "de_dx"),
                avoids("grad", "backward", message="write the formulas by hand here; autograd checks them later"),
                close("da_dx", 4.0),
                close("db_da", 0.25, message="db_da: the derivative of log u is 1/u, and here u is a = x²"),
                close("dc_dx", "math.cos(2)"),
                close("dd_db", "math.sin(2)", message="dd_db: in a product b·c, the factor on b's edge is c"),
                close("dd_dc", "math.log(4)", message="dd_dc: in a product b·c, the factor on c's edge is b"),
                close("de_dx", -0.25, message="de_dx: the derivative of 1/x is -1/x²"),
            ],
            hints=[
                "Each factor uses only the node's own rule: power rule, log rule, sin rule, product rule, 1/x.",
                "db_da = 1 / a (not 1 / x); dd_db = c and dd_dc = b; de_dx = -1 / x ** 2.",
                _code(_EDGES),
            ],
            solution=_EDGES,
            wrong=[
                _EDGES.replace("db_da = 1 / a", "db_da = 1 / x"),
                _EDGES.replace("de_dx = -1 / x ** 2", "de_dx = 1 / x ** 2"),
                _EDGES.replace("dd_db = c", "dd_db = b").replace("dd_dc = b", "dd_dc = c"),
            ],
            mistakes=[
                Mistake(close("db_da", 0.5),
                        "log's derivative is 1 over ITS input. b = log(a), so db/da = 1/a = 1/x², not 1/x."),
                Mistake(close("de_dx", 0.25), "Mind the sign: d(1/x)/dx = -1/x²."),
                Mistake(close("dd_db", "math.log(4)"),
                        "Product rule: ∂(b·c)/∂b is the OTHER factor, c (and ∂(b·c)/∂c is b)."),
            ],
        ),
        Text(
            "two-sweeps",
            """\
## Two ways to multiply along the paths (exercise 7)

Your factors, at x = 2:

| edge         | node      | local derivative | at x = 2 |
|--------------|-----------|------------------|----------|
| x → a        | a = x²    | 2x               | 4        |
| a → b        | b = log a | 1/a              | 0.25     |
| x → c        | c = sin x | cos x            | -0.416   |
| b → d        | d = b·c   | c                | 0.909    |
| c → d        | d = b·c   | b                | 1.386    |
| x → e        | e = 1/x   | -1/x²            | -0.25    |
| d → y, e → y | y = d + e | 1                | 1        |

Summing the three path products gives f'(x) = (2x)(1/a)(c) + (cos x)(b) - 1/x², that is
(2/x)·sin x + log(x²)·cos x - 1/x². There are two orders in which to evaluate it at x = 2:

**Forward (x → f).** Attach to every node its derivative with respect to x, written with a dot
(ȧ = da/dx). Start with ẋ = 1 and visit nodes in the order they were computed; each node sums,
over its incoming edges, *factor × dot of the source*:

    ȧ = 2x·ẋ    ḃ = (1/a)·ȧ    ċ = cos x·ẋ    ḋ = c·ḃ + b·ċ    ė = -ẋ/x²    ẏ = ḋ + ė

**Backward (f → x).** Attach to every node the derivative of the *output* with respect to it,
written with a bar (ā = ∂y/∂a). Start with ȳ = 1 and visit nodes in reverse; each node sums, over
its *outgoing* edges, *factor × bar of the target*:

    d̄ = ȳ   ē = ȳ   b̄ = c·d̄   c̄ = b·d̄   ā = b̄/a   x̄ = 2x·ā + cos x·c̄ - ē/x²

Both end with the same number, f'(2). In Python write `a_dot`, `b_bar` and so on.
""",
            facts=[
                Fact("torch.autograd.grad(a, x, retain_graph=True)[0]", 4.0),
                Fact("torch.autograd.grad(b, a, retain_graph=True)[0]", 0.25),
                Fact("torch.autograd.grad(c, x, retain_graph=True)[0]", "math.cos(2)"),
                Fact("torch.autograd.grad(d, b, retain_graph=True)[0]", "math.sin(2)"),
                Fact("torch.autograd.grad(d, c, retain_graph=True)[0]", "math.log(4)"),
                Fact("torch.autograd.grad(e, x, retain_graph=True)[0]", -0.25),
                Fact("torch.autograd.grad(y, d, retain_graph=True)[0]", 1.0),
                Fact("torch.autograd.grad(y, e, retain_graph=True)[0]", 1.0),
                Fact("torch.autograd.grad(f(x), x)[0]", "(2 / 2) * math.sin(2) + math.log(4) * math.cos(2) - 1 / 2 ** 2"),
            ],
        ),
        Task(
            "forward-sweep",
            goal="Forward sweep, by hand: starting from `x_dot = 1.0`, compute `a_dot`, `b_dot`, `c_dot`, "
                 "`d_dot`, `e_dot` and `y_dot` in that order, using your edge factors (no autograd).",
            checks=[
                defined("x_dot", "a_dot", "b_dot", "c_dot", "d_dot", "e_dot", "y_dot"),
                avoids("grad", "backward", "make_dual", message="do this sweep by hand with your edge factors"),
                close("a_dot", 4.0),
                close("b_dot", 1.0),
                close("c_dot", "math.cos(2)"),
                close("d_dot", D_DOT, message="d_dot should collect BOTH edges into d: dd_db * b_dot + dd_dc * c_dot"),
                close("e_dot", -0.25),
                close("y_dot", FPRIME, message="y_dot should be f'(2) ≈ 0.0824: y_dot = d_dot + e_dot"),
            ],
            hints=[
                "Each dot is (edge factor) × (dot of the node the edge comes from), summed over incoming edges.",
                "d has two incoming edges: d_dot = dd_db * b_dot + dd_dc * c_dot.",
                _code(_FORWARD),
            ],
            solution=_FORWARD,
            wrong=[
                _FORWARD.replace("d_dot = dd_db * b_dot + dd_dc * c_dot", "d_dot = dd_db * b_dot"),
                _FORWARD.replace("b_dot = db_da * a_dot", "b_dot = db_da * x_dot"),
                "y_dot = 0.0824",
            ],
            mistakes=[
                Mistake(close("d_dot", "math.sin(2)"),
                        "d = b·c depends on x through b AND through c: add the c path, dd_dc * c_dot."),
                Mistake(close("b_dot", 0.25),
                        "b's only input is a, so b_dot = db_da * a_dot (a_dot already carries the 2x)."),
            ],
        ),
        Task(
            "backward-sweep",
            goal="Backward sweep, by hand: starting from `y_bar = 1.0`, compute `d_bar`, `e_bar`, `b_bar`, "
                 "`c_bar`, `a_bar` and finally `x_bar`, using the same edge factors (no autograd).",
            checks=[
                defined("y_bar", "d_bar", "e_bar", "b_bar", "c_bar", "a_bar", "x_bar"),
                avoids("grad", "backward", message="do this sweep by hand with your edge factors"),
                close("b_bar", "math.sin(2)"),
                close("c_bar", "math.log(4)"),
                close("a_bar", "math.sin(2) / 4"),
                close("x_bar", FPRIME,
                      message="x_bar should sum x's three outgoing edges: a_bar * da_dx + c_bar * dc_dx + e_bar * de_dx"),
            ],
            hints=[
                "Each bar is the sum, over the node's outgoing edges, of (edge factor) × (bar of the node the edge "
                "goes to).",
                "x has three outgoing edges (to a, c and e): x_bar = a_bar * da_dx + c_bar * dc_dx + e_bar * de_dx.",
                _code(_BACKWARD),
            ],
            solution=_BACKWARD,
            wrong=[
                _BACKWARD.replace(" + c_bar * dc_dx + e_bar * de_dx", ""),
                _BACKWARD.replace("b_bar = d_bar * dd_db", "b_bar = d_bar * dd_dc")
                         .replace("c_bar = d_bar * dd_dc", "c_bar = d_bar * dd_db"),
            ],
            mistakes=[
                Mistake(close("x_bar", "math.sin(2)"),
                        "That is only the path through a and b. x also feeds c (sin) and e (1/x): add "
                        "c_bar * dc_dx and e_bar * de_dx."),
                Mistake(close("b_bar", "math.log(4)"),
                        "b's edge into d = b·c carries the factor c, so b_bar = d_bar * dd_db."),
            ],
        ),
        Quiz(
            "what-bar-means",
            question="Your backward sweep gave c_bar ≈ 1.386. What does that number mean?",
            choices=[
                Choice("∂y/∂c: if c alone moved by a small ε (b and e held fixed), y would move by about "
                       "1.386·ε.", correct=True,
                       why="Yes: a bar is the sensitivity of the final output to that node. Here y = b·c + e, so "
                           "∂y/∂c = b = log 4."),
                Choice("dc/dx, the derivative of sin at 2.",
                       why="That is the edge factor cos 2 ≈ -0.416 (and it is c_dot in the forward sweep)."),
                Choice("The value of c.",
                       why="c = sin 2 ≈ 0.909. Bars are derivatives, not values."),
                Choice("The final answer f'(2).",
                       why="f'(2) ≈ 0.0824 is x_bar, which still has to collect the three paths into x."),
            ],
            facts=[
                Fact("torch.autograd.grad(y, c, retain_graph=True)[0]", "math.log(4)"),
                Fact("c_bar", "math.log(4)"),
            ],
        ),
        Text(
            "compare-sweeps",
            """\
## Compare with the tutor's sweeps

Your two tables of numbers are what autograd computes. Check them node by node:

- `%trace y` walks the **backward** pass in the order autograd runs it: the gradient arriving at each
  node, the local derivative, and what leaves to each input. Compare with your bars.
- `%forward f 2` runs the **forward** pass with dual numbers: each node's value and tangent.
  Compare with your dots.

Both end at x: 0.0824.
""",
            examples=["%trace y", "%forward f 2"],
            facts=[
                Fact("forward(f, 2.0).derivative", FPRIME),
                Fact("forward(f, 2.0).reverse", FPRIME),
                Fact("forward(f, 2.0).agree", True),
            ],
        ),
        Task(
            "autograd-agrees",
            setup="x.grad = None",
            goal="Now let autograd do the backward sweep: call backward on `y` (the graph you built) and check "
                 "that `x.grad` matches your `x_bar` (use `torch.allclose`, not `==`).",
            checks=[
                calls("backward", "grad"),
                grad("x", "x_bar"),
                grad("x", FPRIME, message="x.grad should be f'(2) ≈ 0.0824"),
            ],
            hints=[
                "y is a scalar, so y.backward() fills x.grad.",
                _code("y.backward()\ntorch.allclose(x.grad, x_bar)"),
            ],
            solution="y.backward()\ntorch.allclose(x.grad, x_bar)",
            wrong=[
                "x.grad = x_bar.detach()",
                "y = torch.log10(x ** 2) * torch.sin(x) + 1 / x\ny.backward()",
            ],
            mistakes=[
                Mistake(_both(true("x.grad is not None", ""), avoids("backward", "grad")),
                        "Copying x_bar proves nothing: ask autograd, with y.backward()."),
                Mistake(grad("x", "math.sin(2) / math.log(10) + math.log10(4) * math.cos(2) - 0.25"),
                        "That is the gradient with torch.log10. The book's log is natural: torch.log."),
            ],
            facts=[
                Fact("x.grad", FPRIME),
                Fact("round(x.grad.item(), 4)", 0.0824),
                Fact("torch.allclose(x.grad, x_bar)", True),
            ],
        ),
        Text(
            "dual-numbers",
            """\
## The forward sweep in PyTorch: dual numbers

Forward mode carries a **tangent** alongside every value, exactly like your dots: a *dual number*
(value, tangent). Every operation updates both at once, u ↦ (g(u), g'(u)·u̇), so when f returns,
its tangent is f'(x)·ẋ. No graph has to be stored for later.

PyTorch does this in `torch.autograd.forward_ad`:

    import torch.autograd.forward_ad as fwAD
    with fwAD.dual_level():
        xd = fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))   # value 2, tangent ẋ = 1
        out = f(xd)
        fwAD.unpack_dual(out).tangent                              # f'(2)

Dual tensors only exist inside a `dual_level()` block. `%forward f 2` (or `forward(f, 2.0)`) does
exactly this and prints every node's value and tangent.
""",
            facts=[
                Fact(_DUAL + "\ntangent", FPRIME),
                Fact("fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))", raises="RuntimeError"),
                Fact("torch.func.jvp(f, (torch.tensor(2.0),), (torch.tensor(1.0),))[1]", FPRIME),
            ],
        ),
        Task(
            "forward-ad",
            goal="Compute f'(2) in forward mode with dual numbers: inside `fwAD.dual_level()`, make a dual "
                 "tensor with value 2 and tangent 1, apply `f`, and put the tangent of the result into `tangent`.",
            checks=[
                calls("make_dual"),
                calls("unpack_dual"),
                avoids("backward", message="no backward here: forward mode only"),
                close("tangent", FPRIME, message="tangent should be f'(2) ≈ 0.0824"),
            ],
            hints=[
                "Import the module first: import torch.autograd.forward_ad as fwAD.",
                "All three steps (make_dual, f, unpack_dual) must be inside `with fwAD.dual_level():`.",
                _code(_DUAL),
            ],
            solution=_DUAL,
            wrong=[
                "import torch.autograd.forward_ad as fwAD\n"
                "xd = fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0))\n"
                "tangent = fwAD.unpack_dual(f(xd)).tangent",
                "tangent = x.grad",
                _DUAL.replace("torch.tensor(1.0)", "torch.tensor(2.0)"),
            ],
            mistakes=[
                Mistake(custom("make_dual outside a dual level", _dual_without_level),
                        "make_dual needs an open dual level: put the lines inside `with fwAD.dual_level():`."),
                Mistake(close("tangent", "2 * (" + FPRIME + ")"),
                        "The tangent you seed is the direction ẋ: seed 1.0 to get f'(2) itself (you got 2·f'(2))."),
            ],
        ),
        Quiz(
            "reverse-wins",
            question="A training loss L(w) depends on a million weights w and returns one number. Which mode "
                     "gives the whole gradient ∂L/∂w in a single pass?",
            choices=[
                Choice("Forward mode.",
                       why="One forward pass gives the derivative along ONE input direction (ẇ); you would need "
                           "a million passes, one per weight."),
                Choice("Backward (reverse) mode.", correct=True,
                       why="Yes: one backward pass starting from the single output gives the bar of every "
                           "weight at once. That is why deep learning runs on backprop."),
                Choice("Either: they always cost the same.",
                       why="They cost the same for f: ℝ → ℝ like our f, not in general. Forward scales with the "
                           "number of inputs, backward with the number of outputs."),
            ],
        ),
        Quiz(
            "forward-wins",
            question="Which of these is a job for forward mode?",
            choices=[
                Choice("The gradient of a scalar loss with respect to all the weights of a network.",
                       why="Many inputs, one output: backward mode does it in one pass."),
                Choice("A function with ONE input and 1,000 outputs (say a curve sampled at 1,000 points, "
                       "depending on one parameter t): the derivative of every output with respect to t.",
                       correct=True,
                       why="Yes: one forward pass with ṫ = 1 gives all 1,000 derivatives; backward mode would "
                           "need 1,000 passes, one per output."),
                Choice("Any function whose graph is deep.",
                       why="Depth is not the deciding factor; the shapes of input and output are (though a deep "
                           "graph does make backward mode's stored intermediates costly)."),
            ],
            facts=[
                Fact("torch.func.jacfwd(lambda t: torch.sin(t * torch.arange(1000.0)))(torch.tensor(1.0)).shape",
                     "torch.Size([1000])"),
                Fact("torch.allclose(torch.func.jacfwd(lambda t: torch.sin(t * torch.arange(1000.0)))(torch.tensor(1.0)), "
                     "torch.arange(1000.0) * torch.cos(torch.arange(1000.0)))", True),
            ],
        ),
        Explain(
            "exercise-8",
            topics=["input", "output", "memory", "forward", "reverse", "backward", "jacobian", "parallel", "store"],
            question="D2L 2.5, exercise 8: when is it better to differentiate forward (x → f), and when "
                     "backward (f → x)? Think about the sizes of the input and the output, the memory needed "
                     "for intermediate values, and parallelism.",
            model_answer="""\
Sizes. For f: ℝⁿ → ℝᵐ, one forward pass gives the derivative of all m outputs along one input direction
(a Jacobian column, J·v); one backward pass gives the derivative of one output combination with respect
to all n inputs (a row, vᵀJ). The whole Jacobian costs n forward passes or m backward passes. So forward
wins when there are few inputs and many outputs (n ≪ m), backward when there are many inputs and few
outputs (m ≪ n): a loss of a million weights (m = 1) is backward's best case. For our f (n = m = 1)
both take one pass.

Memory. Forward mode carries each tangent along with its value and can forget both once the nodes that
use them are computed, so it needs only about twice the memory of evaluating f (one tangent per live
value). Backward mode must keep (or recompute)
every intermediate value the backward pass will need until that pass runs, so its memory grows with
the length of the computation: that is what the saved tensors of the graph are.

Parallelism. Forward mode runs along with the evaluation of f in the same order, and passes for
different input directions are independent, so they can run in parallel. Backward mode can only start
once the forward pass has finished, and then runs in the reverse order; separate backward passes (one
per output) are again independent.""",
        ),
    ],
)
