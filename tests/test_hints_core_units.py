"""Small pieces of tutor/hints that every rule leans on, each against an independent oracle (Python's own
parser, the builtins, hand-written expectations). Mutation testing found these unpinned: a wrong answer
here shows up as a wrong quote or a wrong fix in some hint, rarely in the one a test looks at.
"""

from __future__ import annotations

import ast

import pytest

from tutor.hints import Scene, diagnose, fixes, reach
from tutor.hints.context import Context, paren
from tutor.outcome import Outcome
from tutor.session import Session

EXPRESSIONS = ["x", "x.grad", "x_1", "w.grad.data", "f(x)", "x[0]", "x + 1", "-x", "x ** 2", "(x + 1)",
               "(a) + (b)", "(a + b) * (c + d)", "f(a)(b)", "(x)[0] + 1", "'(' + s + ')'", "(x, y)", "[x][0]",
               "a if c else b", "lambda t: t", "x @ w.T", "(x ** 2).sum() + (y).sum()"]


@pytest.mark.parametrize("text", EXPRESSIONS)
@pytest.mark.parametrize("with_node", [False, True])
def test_paren_makes_a_method_apply_to_the_whole_expression(text, with_node):
    """Oracle: Python's parser. In `paren(text) + '.sum()'`, .sum() must be called on the whole of text."""
    node = ast.parse(text, mode="eval").body if with_node else None
    call = ast.parse(paren(text, node) + ".sum()", mode="eval").body
    assert isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "sum"
    assert ast.dump(call.func.value) == ast.dump(ast.parse(text, mode="eval").body), paren(text, node)


def test_paren_leaves_names_and_single_groups_alone():
    assert [paren(t) for t in ("x", "x.grad", "x_1", "(x + 1)")] == ["x", "x.grad", "x_1", "(x + 1)"]
    assert paren("x + 1") == "(x + 1)" and paren("(a) + (b)") == "((a) + (b))"


def test_replace_stmt_keeps_the_learners_comment_unless_the_new_code_has_its_own():
    src = "a = 1\ny = x * 2  # scale\nz = 3\n"
    node = ast.parse(src).body[1]
    assert fixes.replace_stmt(src, node, "y = x * 3") == "a = 1\ny = x * 3  # scale\nz = 3\n"
    assert fixes.replace_stmt(src, node, "y = x * 3  # mine") == "a = 1\ny = x * 3  # mine\nz = 3\n"
    inner = "for i in range(2):\n    y = x * 2  # scale\n"
    stmt = ast.parse(inner).body[0].body[0]
    assert fixes.replace_stmt(inner, stmt, "y = x * 3\nprint(y)") == \
        "for i in range(2):\n    y = x * 3\n    print(y)  # scale\n"


def context(namespace: dict, text: str = "pass") -> Context:
    return Context(Scene(namespace), Outcome(text, index=1))


def test_value_uses_builtin_len_only_when_the_learner_did_not_rebind_it():
    import torch

    x = torch.ones(3)
    node = ast.parse("len(x)", mode="eval").body
    assert context({"x": x}).try_value(node) == 3
    assert context({"x": x, "len": lambda t: 99}).try_value(node) is None  # their len is their code: not run


def test_prove_skips_candidates_without_an_edit_and_repeats():
    from tutor.outcome import Hint

    tried = []

    def try_fix(replaces, check=None, hint_id=None):
        tried.append(dict(replaces))
        from tutor.verify import Result
        return Result(ok=False, why="no")

    hint = Hint("double-backward", "t", "e")
    same = fixes.Candidate("y = 1", {2: "y = 1"})
    fixes.prove(hint, [fixes.Candidate("x = 1", {}), same, fixes.Candidate("y = 1", {2: "y = 1"}), None],
                try_fix, "words")
    assert tried == [{2: "y = 1"}]  # the empty edit never ran, the repeat once
    assert hint.tried == [("y = 1", "no")] and hint.fix_words == "words" and not hint.verified


def test_a_syntax_error_gets_no_autograd_diagnosis():
    """Half-typed code says nothing about autograd: no rule may run on it (a rule that did would guess)."""
    session = Session(timeout=5)
    out = session.submit("x = torch.ones(2, requires_grad=True")
    assert out.error is not None and out.error.type == "SyntaxError" and out.hints == []


def test_callees_follow_helpers_to_the_depth_limit_and_no_further():
    """reach.callees: a chain of helpers f0 -> f1 -> ... is followed MAX_DEPTH functions deep ("f calls g
    calls h"), never further (and never to MAX_CALLEES)."""
    n = reach.MAX_DEPTH + 3
    lines = [f"def f{i}(t):\n    return f{i + 1}(t)" for i in range(n)] + [f"def f{n}(t):\n    return t"]
    session = Session(timeout=5)
    for text in lines:
        session.submit(text)
    out = session.submit("f0(1)")
    ctx = Context(Scene(session.namespace, list(session.history)), out)
    names = [c.name for c in reach.callees(ctx, ast.parse("f0(1)"))]
    assert reach.MAX_DEPTH == 3 and names == ["f0", "f1", "f2"], names


def test_an_edit_inside_a_top_level_loop_is_shown_with_its_loop():
    """Typed alone, the changed line would run once, outside the loop: splice, insert_before and
    insert_after show the whole loop as edited; at the top level, the statement alone."""
    src = "for k in range(3):\n    l = f(x)\n    l.backward()\n    step()\nz = l + 1\n"
    tree = ast.parse(src)
    loop, top = tree.body
    back = loop.body[1]
    site = fixes.Site(4, src, tree, back)
    c = site.splice(back.value.func.value, "l.sum()")
    assert c.shown == "for k in range(3):\n    l = f(x)\n    l.sum().backward()\n    step()"
    assert c.replaces == {4: src.replace("l.backward()", "l.sum().backward()")}
    assert site.insert_before(back, "x.grad = None").shown == \
        "for k in range(3):\n    l = f(x)\n    x.grad = None\n    l.backward()\n    step()"
    assert site.insert_after(back, "print(x.grad)").shown == \
        "for k in range(3):\n    l = f(x)\n    l.backward()\n    print(x.grad)\n    step()"
    outside = fixes.Site(4, src, tree, top)
    assert outside.splice(top.value.left, "l.detach()").shown == "z = l.detach() + 1"


def test_one_pass_accepts_exactly_the_gradient_of_one_pass():
    """grad-accumulation's check (rules/accumulation.one_pass): after a fix, each .grad must hold what this
    input's pass added (new - old, worked out from the values before and after), nothing else."""
    import torch

    from tutor.hints.rules.accumulation import one_pass
    from tutor.outcome import GradChange

    check = one_pass([GradChange("x", torch.tensor([5.0, 7.0]), torch.tensor([2.0, 3.0]))])

    class Copy:
        def __init__(self, **namespace):
            self.namespace = namespace

    def with_grad(values):
        t = torch.zeros(2, requires_grad=True)
        t.grad = torch.tensor(values) if values is not None else None
        return t

    assert check(Copy(x=with_grad([3.0, 4.0])), None) is None  # exactly the one pass: 5 - 2, 7 - 3
    assert check(Copy(x=with_grad([3.0, 4.0 + 1e-7])), None) is None  # float rounding is fine
    assert check(Copy(), None) == "x is gone after the fix"
    assert check(Copy(x=with_grad(None)), None) == "x.grad is None after the fix: no backward pass filled it"
    assert check(Copy(x=with_grad([5.0, 7.0])), None) == "x.grad is [5, 7], not the one pass's [3, 4]"
    wrong_shape = torch.zeros(3, requires_grad=True)
    wrong_shape.grad = torch.ones(3)
    assert check(Copy(x=wrong_shape), None).startswith("x.grad is [1, 1, 1], not")


def test_resets_grad_reads_every_way_of_resetting():
    """One reader of resets for every rule (reach.resets_grad); each line below resets a gradient except
    the last two, which zero a tensor itself."""
    code = ("x.grad.zero_()\nw.grad.data.zero_()\nm.lin.weight.grad = None\nb.grad[:] = 0\nc.grad.fill_(0)\n"
            "torch.nn.init.zeros_(d.grad)\nz.zero_()\nq.data.zero_()")
    assert reach.resets_grad(ast.parse(code)) == {"x", "w", "m.lin.weight", "b", "c", "d"}
    assert reach.resets_grad(ast.parse("opt.zero_grad()")) == {"*"}
    assert reach.resets_grad(ast.parse("y = x.grad * 2")) == set()


def test_a_gradient_reset_by_slice_assignment_is_not_called_an_accumulation():
    session = Session(timeout=5)
    for text in ("b = torch.ones(2, requires_grad=True)", "(b * 2).sum().backward()"):
        session.submit(text)
    out = session.submit("b.grad[:] = 0\n(b * 3).sum().backward()")
    assert out.ok and out.hints == [] and out.gradients[0].new.tolist() == [3.0, 3.0]


def test_parse_line_gives_a_block_header_a_body_and_keeps_a_trailing_name():
    from tutor.hints.context import parse_line

    loop = parse_line("for row in X").body[0]  # a header typed without its colon
    assert isinstance(loop, ast.For) and ast.unparse(loop.iter) == "X"
    assert isinstance(parse_line("if x.sum() > 0:").body[0], ast.If)
    assert ast.unparse(parse_line("y = x * 2").body[0]) == "y = x * 2"
    assert parse_line("") is None and parse_line("y = (") is None


def test_backward_calls_know_autograd_grad_by_keyword_and_not_a_learners_own_grad():
    import torch

    ctx = context({"torch": torch, "grad": torch.autograd.grad})
    found = ctx.backward_calls(ast.parse("torch.autograd.grad(outputs=y, inputs=x)\ngrad(z, x)\nw.backward()"))
    assert [(ast.unparse(t), k) for _, t, k in found] == [("y", "grad"), ("z", "grad"), ("w", "backward")]
    own = context({"torch": torch, "grad": lambda f, x: 0})  # the learner's own grad(): not autograd
    assert [ast.unparse(t) for _, t, _ in own.backward_calls(ast.parse("grad(z, x)\nw.backward()"))] == ["w"]


def test_creates_graph_reads_the_keyword_as_written():
    def call(text):
        return ast.parse(text, mode="eval").body

    assert reach.creates_graph(call("torch.autograd.grad(y, x, create_graph=True)"))
    assert reach.creates_graph(call("torch.autograd.grad(y, x, create_graph=flag)"))  # maybe: not ruled out
    assert not reach.creates_graph(call("torch.autograd.grad(y, x, create_graph=False)"))
    assert not reach.creates_graph(call("torch.autograd.grad(y, x)"))


def test_splice_all_shows_the_statement_with_every_edit():
    src = "a = 1\ny = f(x) + g(x)\n"
    tree = ast.parse(src)
    stmt = tree.body[1]
    site = fixes.Site(2, src, tree, stmt)
    calls = [n for n in ast.walk(stmt) if isinstance(n, ast.Call)]
    c = site.splice_all([(calls[0].args[0], "x.detach()"), (calls[1].args[0], "x.detach()")])
    assert c.shown == "y = f(x.detach()) + g(x.detach())"
    assert c.replaces == {2: "a = 1\ny = f(x.detach()) + g(x.detach())\n"}


def test_the_error_context_marks_the_tensor_whose_version_the_message_names():
    """Two tensors of the same shape on the failing line; torch's message names the saved one's version:
    that one is marked (▶), the other not."""
    session = Session(timeout=5)
    for text in ("x = torch.ones(3, requires_grad=True)", "a = x * 1", "b = torch.exp(x)", "b.add_(1)"):
        session.submit(text)
    out = session.submit("(a + b).sum().backward()")
    assert out.error is not None and "is at version 1" in out.error.message
    marks = {s.name: s.failing for s in out.tensors}
    assert marks.get("b") is True and not marks.get("a"), marks


def test_value_evaluates_tensor_methods_and_whole_expressions():
    import torch

    ctx = context({"x": torch.tensor([1.0, 2.0, 3.0])})
    assert ctx.try_value(ast.parse("x.sum()", mode="eval").body).item() == 6.0  # a tensor's builtin method
    assert ctx.try_value(ast.parse("x.max()", mode="eval")).item() == 3.0  # an ast.Expression, whole


def test_backward_calls_include_torch_autograd_backward():
    import torch

    ctx = context({"torch": torch})
    found = ctx.backward_calls(ast.parse("torch.autograd.backward(y)\ntorch.autograd.backward(tensors=z)"))
    assert [(ast.unparse(t), k) for _, t, k in found] == [("y", "backward"), ("z", "backward")]


def test_a_site_on_a_line_of_two_statements_is_the_one_at_the_column():
    src = "a = 1; y.backward()\n"
    ctx = context({}, src)
    assert ast.unparse(ctx.site(1, 1, 0).stmt) == "a = 1"
    assert ast.unparse(ctx.site(1, 1, 7).stmt) == "y.backward()"  # its first column exactly
    assert ast.unparse(ctx.site(1, 1, 12).stmt) == "y.backward()"


def test_autograd_errors_of_every_kind_get_the_tensor_context():
    """The error context (one line per tensor on the failing line) is for autograd errors: a TypeError from
    torch.autograd.grad is one, an unrelated TypeError is not."""
    session = Session(timeout=5)
    session.submit("x = torch.ones(2, requires_grad=True)")
    grad_call = session.submit("torch.autograd.grad(x.sum())")
    assert grad_call.error.type == "TypeError" and [t.name for t in grad_call.tensors] == ["x"]
    unrelated = session.submit("z = len(5)")
    assert unrelated.error.type == "TypeError" and unrelated.tensors == []


def test_replace_all_edits_several_statements_and_shows_them_in_order():
    src = "w.grad.zero_()\nb.grad.zero_()\nloss.backward()\n"
    tree = ast.parse(src)
    site = fixes.Site(3, src, tree, tree.body[0])
    c = site.replace_all([(tree.body[1], "b.grad = None"), (tree.body[0], "w.grad = None")])
    assert c.shown == "w.grad = None\nb.grad = None"
    assert c.replaces == {3: "w.grad = None\nb.grad = None\nloss.backward()\n"}
    loop_src = "for k in range(2):\n    w.grad.zero_()\n    b.grad.zero_()\n    loss.backward()\n"
    loop_tree = ast.parse(loop_src)
    body = loop_tree.body[0].body
    c = fixes.Site(3, loop_src, loop_tree, body[0]).replace_all([(body[0], "w.grad = None"), (body[1], "b.grad = None")])
    assert c.shown == "for k in range(2):\n    w.grad = None\n    b.grad = None\n    loss.backward()"


@pytest.mark.parametrize("header, context_name", [
    ("with torch.no_grad():", "no_grad"),
    ("with torch.autograd.grad_mode.no_grad():", "no_grad"),  # the last part of a dotted name counts
    ("with torch.set_grad_enabled(False):", "no_grad"),
    ("with torch.set_grad_enabled(True):", None),  # recording stays on
    ("with torch.inference_mode():", "inference_mode"),
    ("with torch.enable_grad():", "enable_grad"),
    ("with open('f') as h:", None),
    ("with no_grad_scope():", None),  # a learner's own name that only contains a context's name
])
def test_flatten_gives_each_statement_the_grad_mode_of_its_with_block(header, context_name):
    from tutor.hints.context import flatten

    tree = ast.parse(f"{header}\n    y = x * 2\nz = y + 1\n")
    contexts = {ast.unparse(node): ctx for node, ctx in flatten(tree.body)}
    assert contexts["y = x * 2"] == ((context_name,) if context_name else ())
    assert contexts["z = y + 1"] == ()


@pytest.mark.parametrize("text", ["f(a,\n  b,\n  c,\n  d)", "x = [1,\n     2]", "y = (1 +\n\n     2)", "z = 3"])
def test_source_segment_agrees_with_the_standard_library(text):
    from tutor.hints.context import source_segment

    source = f"pre = 0\n{text}\npost = 1\n"
    for node in ast.walk(ast.parse(source)):
        if hasattr(node, "end_lineno"):
            assert source_segment(source, node) == ast.get_source_segment(source, node)


def test_assignment_finds_annotated_augmented_and_loop_bindings():
    ctx = context({}, "a: int = 3\nb = 1\nb += a\nfor c in range(2):\n    pass\n")
    assert ast.unparse(ctx.assignment("a").value) == "3"
    found = ctx.assignment("b")
    assert found.augmented and ast.unparse(found.value) == "a"
    assert ctx.assignment("c").value is None and ctx.assignment("nothing") is None


def test_past_outcomes_stop_at_the_last_successful_reset():
    from tutor.outcome import ErrorInfo

    failed_reset = Outcome("%reset", kind="command", index=4, error=ErrorInfo("TutorError", "no"))
    history = [Outcome("a = 1", index=1), Outcome("%reset", kind="command", index=2), Outcome("b = 2", index=3),
               failed_reset, Outcome("%who", kind="command", index=5), Outcome("c = 3", index=6)]
    ctx = Context(Scene({}, history=history), Outcome("d = 4", index=7))
    assert [o.input for o in ctx.past_outcomes()] == ["b = 2", "c = 3"]


def test_a_candidate_whose_shown_code_does_not_compile_is_listed_as_not_tried():
    from tutor.outcome import Hint

    ran = []

    def try_fix(replaces, check=None, hint_id=None):
        ran.append(replaces)

    hint = Hint("double-backward", "t", "e")
    fixes.prove(hint, [fixes.Candidate("y = (", {1: "y = 1"})], try_fix, "words")
    assert ran == [] and hint.tried == [("y = (", "the code to show does not compile")]
    assert (hint.fix, hint.verified, hint.fix_words) == ("", False, "words")


def test_a_fix_for_inputs_no_longer_in_the_history_quotes_nothing():
    from tutor.hints import _in_place_of
    from tutor.outcome import Hint

    hint = Hint("double-backward", "t", "e", fix="y = 1")
    hint.replaces = {3: "y = 1"}  # input 3 is not in this (reset) history
    assert _in_place_of(hint, Outcome("z = 2", index=5), Scene({}, history=[Outcome("w = 0", index=4)])) == ""
    hint.replaces = {4: "w = 1"}
    assert _in_place_of(hint, Outcome("z = 2", index=5), Scene({}, history=[Outcome("w = 0", index=4)])) == \
        "`w = 0`, then run the inputs after it again"


def _evaluator_namespace():
    import torch

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    return {"torch": torch, "x": x, "y": x * 2, "p": torch.tensor([4.0, 5.0]), "n": 3, "lst": [1, 2, 3],
            "tup": (1, 2), "m": torch.ones(2, 2)}


# Expressions diagnosis may evaluate to read the learner's values: the answer must be Python's own
SAFE = ["x.shape", "x.dtype", "x.requires_grad", "x.is_leaf", "x.ndim", "x.T", "m.mT", "x.grad", "x.data",
        "x.shape[0]", "x.dtype.is_floating_point", "x[0]", "x[1:]", "x[::2]", "m[0, 1]", "m[:, 0]", "lst[1]",
        "lst[0:2]", "tup[-1]", "n + 1", "n - 1", "n * 2", "n / 2", "n // 2", "n % 5", "2 ** 3", "2 ** 64",
        "p @ p", "-n", "+n", "-" * 30 + "n", "n < 4", "n <= 3", "n > 3", "n >= 4", "n == 3", "n != 3", "len(lst)",
        "len(x)", "torch.ones(2)", "torch.float32", "x.sum()", "x.sum().shape", "(x * 2).mean()", "p.abs()",
        "torch.tensor(2.0) * 3", "torch.zeros(n)", "x.detach()", "(1, n)", "[n, 2]", "p.reshape(2, 1)"]

# ...and what it must refuse (None): anything with a side effect, randomness, a huge result or a private name
REFUSED = ["x._version", "x.add_", "p.add_(1)", "torch.float32.__class__", "2 ** 65", "~n", "not n", "n is 3",
           "n < 4 < 5", "print(n)", "torch.zeros(*lst)", "torch.zeros(10_000_001)", "undefined", "lst + lst",
           "-" * 31 + "n", "torch.rand(2)", "torch.randn(2)", "torch.normal(0.0, 1.0, (2,))",
           "torch.bernoulli(p / 8)", "torch.multinomial(p, 1)", "torch.poisson(p)", "torch.dropout(p, 0.5, True)",
           "torch.seed()", "torch.save(p, 'never_written.pt')", "torch.load('never_written.pt')",
           "torch.set_printoptions(precision=1)", "x.sum().backward()", "x.backward", "x.retain_grad()",
           "x.register_hook", "p.numpy()", "p.sum().item()", "p.tolist()", "p.cuda", "p.pin_memory",
           "torch.empty(2)", "torch.autograd.grad(x.sum(), x)", "n.real", "tup.count(1)",
           "open('never_written.pt', 'w')", "x.grad_fn.next_functions", "lst[0](1)"]


@pytest.mark.parametrize("text", SAFE)
def test_the_safe_evaluator_gives_pythons_own_value(text):
    import torch

    ns = _evaluator_namespace()
    got = context(ns).try_value(ast.parse(text, mode="eval").body, default="refused")
    want = eval(text, dict(_evaluator_namespace()))  # noqa: S307 - the oracle: Python itself
    if isinstance(want, torch.Tensor):
        assert isinstance(got, torch.Tensor) and got.shape == want.shape and torch.equal(got, want.detach())
    else:
        assert got == want and type(got) is type(want)


@pytest.mark.parametrize("text", REFUSED)
def test_the_safe_evaluator_refuses_side_effects_randomness_and_private_names(text, tmp_path, monkeypatch):
    import torch

    monkeypatch.chdir(tmp_path)
    ns = _evaluator_namespace()
    torch.manual_seed(0)
    expected_next = torch.rand(1).item()
    torch.manual_seed(0)
    assert context(ns).try_value(ast.parse(text, mode="eval").body, default="refused") == "refused"
    assert torch.rand(1).item() == expected_next  # no random number was drawn, the seed was not changed
    assert list(tmp_path.iterdir()) == []  # nothing was written
    assert ns["x"].grad is None and not ns["x"].retains_grad and ns["p"].tolist() == [4.0, 5.0]
    assert str(torch.tensor(0.123456)) == "tensor(0.1235)"  # print options unchanged


@pytest.mark.parametrize("loop, shown", [
    ("for i in range(3):  # train\n    y = x * 2\n",
     "for i in range(3):  # train\n    x.grad = None\n    ..."),
    ("for i in range(3):\n    y = x * 2\n", "for i in range(3):\n    x.grad = None\n    ..."),
    ("for i in range(3): y = x * 2\n", "x.grad = None"),  # a one-line loop: the new line alone
    ("while (\n    n < 3\n):\n    n += 1\n", "x.grad = None"),  # a header of several lines
])
def test_a_line_put_first_in_a_loop_is_shown_under_its_header(loop, shown):
    source = "n = 0\n" + loop
    tree = ast.parse(source)
    site = fixes.Site(4, source, tree, tree.body[1])
    found = fixes.in_loop_body(site, tree.body[1], "x.grad = None")
    assert found.shown == shown
    new_loop = ast.parse(found.replaces[4]).body[1]
    assert ast.unparse(new_loop.body[0]) == "x.grad = None" and len(new_loop.body) == len(tree.body[1].body) + 1


@pytest.mark.parametrize("call, arg, new", [
    ("y.backward()", "retain_graph=True", "y.backward(retain_graph=True)"),
    ("y.backward(g)", "retain_graph=True", "y.backward(g, retain_graph=True)"),
    ("y.backward(gradient=g)", "retain_graph=True", "y.backward(gradient=g, retain_graph=True)"),
    ("y.backward(retain_graph=False)", "retain_graph=True", None),  # the learner's own keyword: not doubled
    ("f(a)", "b", "f(a, b)"),
])
def test_add_argument_appends_once(call, arg, new):
    source = f"z = 1\n{call}\n"
    tree = ast.parse(source)
    node = tree.body[1].value
    found = fixes.Site(2, source, tree, tree.body[1]).add_argument(node, arg)
    assert (found and found.replaces[2]) == (f"z = 1\n{new}\n" if new else None)
    assert found is None or found.shown == new


def test_whole_def_shows_only_one_short_function():
    short = "def f(x):\n    return x * 2\n"
    assert fixes.whole_def(fixes.Candidate("return x * 2", {1: short})) == short.strip()
    assert fixes.whole_def(fixes.Candidate("return x * 2", {1: short, 2: "y = 1"})) is None  # two inputs
    twelve = "def f(x):\n" + "    x = x + 1\n" * 10 + "    return x"
    assert fixes.whole_def(fixes.Candidate("return x", {1: twelve})) == twelve  # up to 12 lines
    assert fixes.whole_def(fixes.Candidate("return x", {1: twelve.replace("def f(x):", "def f(x):\n    x = x + 1")})) is None
    assert fixes.whole_def(fixes.Candidate("return x", {1: short + "y = f(1)\n"})) is None  # not the def alone
    assert fixes.whole_def(fixes.Candidate("return x", {1: "def f(:\n"})) is None


def test_prove_tries_at_most_max_tries_candidates():
    from tutor.outcome import Hint
    from tutor.verify import Result

    ran = []

    def try_fix(replaces, check=None, hint_id=None):
        ran.append(replaces)
        return Result(ok=False, why="still fails")

    hint = Hint("double-backward", "t", "e")
    fixes.prove(hint, [fixes.Candidate(f"y = {i}", {1: f"y = {i}"}) for i in range(fixes.MAX_TRIES + 2)], try_fix, "w")
    assert len(ran) == fixes.MAX_TRIES == len(hint.tried) and hint.fix == "" and hint.fix_words == "w"


def test_a_replacement_must_keep_a_definition_it_replaces():
    stmt = ast.parse("def f(x):\n    return x * 2\n").body[0]
    assert not fixes.keeps_the_work(stmt, "x * 2")
    assert fixes.keeps_the_work(stmt, "def f(x):\n    return x.double() * 2")
    assert not fixes.keeps_the_work(stmt, "def f(x:")  # not Python


@pytest.mark.parametrize("source, where, new, want", [
    ("a = 1; b = 2\n", 1, "c = 0", "a = 1; c = 0; b = 2\n"),  # before the second statement of a line
    ("a = 1\nb = 2\n", 1, "c = 0", "a = 1\nc = 0\nb = 2\n"),
    ("if a:\n    b = 2\n", "body", "c = 0\nd = 1", "if a:\n    c = 0\n    d = 1\n    b = 2\n"),
])
def test_insert_before_keeps_the_statement_and_its_indentation(source, where, new, want):
    tree = ast.parse(source)
    node = tree.body[0].body[0] if where == "body" else tree.body[where]
    assert fixes.insert_before(source, node, new) == want


@pytest.mark.parametrize("source, where, new, want", [
    ("a = 1; b = 2\n", 0, "c = 0", "a = 1; c = 0; b = 2\n"),  # after the first statement of a line
    ("a = 1\nb = 2", 1, "c = 0", "a = 1\nb = 2\nc = 0"),  # no newline at the end stays so
    ("a = 1\nb = 2\n", 0, "c = 0", "a = 1\nc = 0\nb = 2\n"),
])
def test_insert_after_keeps_the_statement_and_the_end_of_the_text(source, where, new, want):
    tree = ast.parse(source)
    assert fixes.insert_after(source, tree.body[where], new) == want


def test_an_edit_inside_a_class_is_shown_as_the_class_or_as_its_method_moved_left():
    short = "class M:\n    @staticmethod\n    def loss(p):\n        return p.numpy()\n"
    tree = ast.parse(short)
    method = tree.body[0].body[0]
    call = method.body[0].value
    site = fixes.Site(1, short, tree, method.body[0])
    found = site.splice(call.func.value, "p.detach()")
    assert found.shown == short.replace("p.numpy()", "p.detach().numpy()").strip()  # the class, typed again whole
    long = short + "".join(f"    def f{i}(self):\n        return {i}\n" for i in range(5))
    tree = ast.parse(long)
    method = tree.body[0].body[0]
    site = fixes.Site(1, long, tree, method.body[0])
    found = site.splice(method.body[0].value.func.value, "p.detach()", shown_node=method)
    assert found.shown == "def loss(p):\n    return p.detach().numpy()"  # too long: the method, flush left
    assert found.replaces[1] == long.replace("p.numpy()", "p.detach().numpy()")
    assert site.flush(method.body[0]) == "return p.numpy()"


def test_run_rules_skips_a_rule_that_cannot_tell_and_one_that_breaks_unless_strict(monkeypatch):
    from tutor.hints import rules
    from tutor.hints.context import Unknown
    from tutor.outcome import Hint

    def unknown(ctx):
        raise Unknown

    def broken(ctx):
        raise KeyError("bug in a rule")

    def two(ctx):
        return [Hint("double-backward", "t", "e"), Hint("grad-accumulation", "t", "e")]

    def silent(ctx):
        return None

    monkeypatch.setattr(rules, "RULES", [(5, unknown), (1, broken), (7, silent), (3, two)])
    ctx = context({})
    assert [(p, h.id) for p, h in rules.run_rules(ctx)] == [(3, "double-backward"), (3, "grad-accumulation")]
    with pytest.raises(KeyError):
        rules.run_rules(ctx, strict=True)
    monkeypatch.setattr(rules, "RULES", [(5, unknown), (3, two)])
    assert len(rules.run_rules(ctx, strict=True)) == 2  # Unknown is "this rule cannot tell", never a failure


def test_a_hint_drops_the_ones_it_supersedes_but_never_itself(monkeypatch):
    from tutor.hints import rules
    from tutor.outcome import Hint

    def two(ctx):
        return [Hint("double-backward", "t", "e"), Hint("grad-accumulation", "t", "e")]

    monkeypatch.setattr(rules, "RULES", [(3, two)])
    monkeypatch.setattr(rules, "SUPERSEDES", {"double-backward": ("grad-accumulation", "double-backward")})
    assert [h.id for _, h in rules.run_rules(context({}))] == ["double-backward"]
    monkeypatch.setattr(rules, "SUPERSEDES", {"non-scalar-backward": ("grad-accumulation",)})  # not given: no effect
    assert [h.id for _, h in rules.run_rules(context({}))] == ["double-backward", "grad-accumulation"]


def test_input_of_file_reads_only_the_sessions_own_names():
    from tutor.hints import input_of_file

    assert input_of_file("<input-12>") == 12
    assert [input_of_file(n) for n in ("<input-x>", "<input-12", "input-12>", "<stdin>", None, 12)] == [None] * 6


def test_diagnose_looks_only_at_code_that_ran_or_raised_a_runtime_error():
    import torch

    from tutor.outcome import ErrorInfo

    ns = {"torch": torch, "x": torch.ones(2, requires_grad=True)}
    assert diagnose(Outcome("%who", kind="command", index=1), Scene(ns)) == []
    assert diagnose(Outcome("x.backward(", index=1, error=ErrorInfo("SyntaxError", "'(' was never closed")),
                    Scene(ns)) == []


def test_a_rule_that_breaks_costs_only_its_hints_unless_strict(monkeypatch):
    import tutor.hints as hints_pkg
    from tutor.hints import rules

    def broken(ctx):
        raise KeyError("bug in a rule")

    monkeypatch.setattr(rules, "RULES", [(1, broken)])
    monkeypatch.setattr(hints_pkg, "STRICT", False)
    assert diagnose(Outcome("y = 1", index=1), Scene({})) == []
    monkeypatch.setattr(hints_pkg, "STRICT", True)
    with pytest.raises(KeyError):
        diagnose(Outcome("y = 1", index=1), Scene({}))


def test_a_fix_that_cannot_be_proven_leaves_words_and_one_that_does_not_compile_is_never_shown(monkeypatch):
    import tutor.hints as hints_pkg
    from tutor.outcome import Hint

    def broken_try_fix(replaces, check=None, hint_id=None):
        raise OSError("the copy could not start")

    hint = Hint("double-backward", "t", "e", fix="y.backward()")
    hint.candidates = [fixes.Candidate("y.backward()", {1: "y.backward()"})]
    monkeypatch.setattr(hints_pkg, "STRICT", False)
    hints_pkg._prove(context({}, "y.backward()"), hint, broken_try_fix, deadline=1e18)
    assert (hint.fix, hint.verified, hint.replaces, hint.candidates) == ("", False, {}, [])
    assert hint.fix_words == fixes.WORDS["double-backward"]

    def passes(replaces, check=None, hint_id=None):
        from tutor.verify import Result
        return Result(ok=True)

    bad = []
    monkeypatch.setattr(hints_pkg, "BAD_FIXES", bad)
    monkeypatch.setattr(fixes, "compiles", lambda code: True)  # a candidate whose shown code is not Python
    hint = Hint("double-backward", "t", "e")
    hint.candidates = [fixes.Candidate("y.backward(", {1: "y.backward()"})]
    hints_pkg._prove(context({}, "y.backward()"), hint, passes, deadline=1e18)
    assert (hint.fix, hint.verified, hint.replaces) == ("", False, {}) and bad == [("double-backward", "y.backward(")]


@pytest.mark.parametrize("fix, try_fix, typed_now", [
    ("for i in range(3):\n    x.grad = None\n    ...", "passes", False),  # an excerpt, not code to type
    ("x.grad = None", None, False),  # fixes cannot be tried here
    ("x.grad = None", "raises", False),
    ("x.grad = None", "passes", True),
    ("x.grad = None", "fails", False),
])
def test_a_fix_counts_as_typed_next_only_when_that_was_tried(fix, try_fix, typed_now):
    from tutor.hints import _works_typed_now
    from tutor.outcome import Hint
    from tutor.verify import Result

    calls = []

    def tried(replaces, check=None, hint_id=None):
        calls.append(replaces)
        if try_fix == "raises":
            raise OSError("no copy")
        return Result(ok=try_fix == "passes")

    hint = Hint("grad-accumulation", "t", "e", fix=fix)
    hint.replaces = {2: "y = 2\nx.grad = None"}  # not "this input, then the fix"
    outcome = Outcome("y = 1", index=2)
    scene = Scene({}, try_fix=tried if try_fix else None)
    assert _works_typed_now(hint, outcome, scene) is typed_now
    assert calls == ([] if "..." in fix or try_fix is None else [{3: fix}])
    hint.replaces = {2: "y = 1\n" + fix}  # proven as this input followed by the fix: no second try needed
    assert _works_typed_now(hint, outcome, Scene({})) is ("..." not in fix)
