"""The public lesson API: the only module a lesson imports.

A lesson module defines one `lesson = Lesson(...)` built from steps:

- `Text(id, markdown, examples=[...])`: reading, with runnable examples;
- `Task(id, goal, checks=[...], hints=[...], solution="...", wrong=[...], mistakes=[...])`: the
  learner types code until every check passes;
- `Quiz(id, question, choices=[Choice(text, correct=..., why=...)])`: multiple choice;
- `Predict(id, code, question, kind="value"|"shape"|"error"|"text", expect=...)`: guess first,
  then see the real result;
- `Explain(id, question, model_answer)`: a proof or open question, answered in words.

Checks look at the learner's namespace and inputs; each returns a `Result` with a message for the
learner. They are plain objects, so tests and `play --solutions` run the very same checks.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from tutor.display import a_type

__all__ = [
    "Lesson", "Fact", "Text", "Task", "Quiz", "Choice", "Predict", "Explain", "Mistake", "Result",
    "CheckContext", "Check", "close", "tensor", "grad", "no_error", "raised", "calls", "avoids",
    "true", "defined", "custom", "all_of", "backward_calls",
]


# -- what a check sees and says ----------------------------------------------------------------


@dataclass
class Result:
    passed: bool
    message: str = ""


class CheckError(Exception):
    """A check could not evaluate something (e.g. a name the learner has not defined yet)."""


@dataclass
class CheckContext:
    """What a check may look at: the namespace, the last outcome, and this step's inputs."""

    namespace: dict
    outcome: Any = None  # the tutor's Outcome for the last input, or None
    inputs: list[str] = field(default_factory=list)  # code inputs typed during this step

    def eval(self, expr: str) -> Any:
        try:
            return eval(compile(expr, "<check>", "eval"), self.namespace)
        except NameError as exc:
            raise CheckError(f"{exc.name or expr} is not defined yet") from None
        except Exception as exc:  # noqa: BLE001 - reported as a failed check
            raise CheckError(f"{expr} raised {type(exc).__name__}: {exc}") from None

    def trees(self) -> list[ast.AST]:
        found = []
        for text in self.inputs:
            try:
                found.append(ast.parse(text))
            except SyntaxError:
                continue
        return found


class Check:
    """A named test of the learner's work; `__call__(ctx) -> Result` never raises."""

    def __init__(self, describe: str, test: Callable[[CheckContext], Result]):
        self.describe = describe
        self._test = test

    def __call__(self, ctx: CheckContext) -> Result:
        try:
            return self._test(ctx)
        except CheckError as exc:
            return Result(False, str(exc))
        except Exception as exc:  # noqa: BLE001 - a check must never crash the tutor
            return Result(False, f"could not check {self.describe}: {type(exc).__name__}: {exc}")

    def __repr__(self) -> str:
        return f"Check({self.describe})"


def _as_tensor(value, like=None):
    import torch

    if isinstance(value, torch.Tensor):
        return value.detach()
    dtype = like.dtype if (like is not None and like.is_floating_point()) else torch.float64
    return torch.as_tensor(value, dtype=dtype)


def _values_close(actual, expected, atol: float, rtol: float) -> tuple[bool, str]:
    import torch

    if isinstance(expected, (bool, str)) or isinstance(actual, (bool, str)):
        return actual == expected, f"{actual!r}"
    try:
        a = _as_tensor(actual)
        e = _as_tensor(expected, like=a)
    except (TypeError, ValueError, RuntimeError):
        return actual == expected, f"{actual!r}"
    if a.shape != e.shape:
        return False, f"shape {tuple(a.shape)} (expected {tuple(e.shape)})"
    a64, e64 = a.to(torch.float64), e.to(torch.float64)
    ok = bool(torch.allclose(a64, e64, atol=atol, rtol=rtol, equal_nan=True))
    shown = a.tolist() if a.numel() <= 8 else f"a tensor of shape {tuple(a.shape)}"
    return ok, f"{shown}"


def _expected(ctx: CheckContext, expected):
    return ctx.eval(expected) if isinstance(expected, str) else expected


# -- the checks lessons use ----------------------------------------------------------------------


def close(expr: str, expected, *, atol: float = 1e-5, rtol: float = 1e-4, message: str = "") -> Check:
    """`expr` (evaluated in the learner's namespace) is close to `expected`.

    `expected` is a number, a nested list, or a string expression evaluated in the same namespace.
    """

    def test(ctx):
        actual = ctx.eval(expr)
        ok, shown = _values_close(actual, _expected(ctx, expected), atol, rtol)
        if ok:
            return Result(True, f"{expr} is right")
        want = expected if isinstance(expected, str) else repr(expected)
        return Result(False, message or f"{expr} is {shown}, but it should be {want}")

    return Check(f"{expr} ≈ {expected}", test)


def tensor(name: str, *, shape: Sequence[int] | None = None, dtype: str | None = None,
           requires_grad: bool | None = None, leaf: bool | None = None, message: str = "") -> Check:
    """`name` is a tensor with the given shape, dtype (e.g. "float32"), requires_grad and leaf status."""

    def test(ctx):
        import torch

        value = ctx.eval(name)
        if not isinstance(value, torch.Tensor):
            return Result(False, message or f"{name} should be a tensor, but it is {a_type(value)}")
        if shape is not None and tuple(value.shape) != tuple(shape):
            return Result(False, message or f"{name} has shape {tuple(value.shape)}, expected {tuple(shape)}")
        if dtype is not None and str(value.dtype).replace("torch.", "") != dtype:
            return Result(False, message or f"{name} has dtype {str(value.dtype).replace('torch.', '')}, expected {dtype}")
        if requires_grad is not None and value.requires_grad != requires_grad:
            want = "require" if requires_grad else "not require"
            return Result(False, message or f"{name} should {want} gradients")
        if leaf is not None and value.is_leaf != leaf:
            return Result(False, message or f"{name} should {'be' if leaf else 'not be'} a leaf tensor")
        return Result(True, f"{name} is the tensor asked for")

    return Check(f"tensor {name}", test)


def grad(name: str, expected=None, *, atol: float = 1e-5, rtol: float = 1e-4, message: str = "") -> Check:
    """`name.grad` is present (and close to `expected` when given)."""

    def test(ctx):
        value = ctx.eval(name)
        g = getattr(value, "grad", None) if (getattr(value, "is_leaf", True) or value.retains_grad) else None
        if g is None:
            return Result(False, message or f"{name}.grad is None: call backward() on a scalar built from {name}")
        if expected is None:
            return Result(True, f"{name}.grad is there")
        ok, shown = _values_close(g, _expected(ctx, expected), atol, rtol)
        if ok:
            return Result(True, f"{name}.grad is right")
        return Result(False, message or f"{name}.grad is {shown}, but it should be {expected}")

    return Check(f"{name}.grad", test)


def no_error(message: str = "") -> Check:
    """The last input ran without an exception."""

    def test(ctx):
        error = getattr(ctx.outcome, "error", None)
        if error is None:
            return Result(True, "no error")
        return Result(False, message or f"the last input raised {error.type}: {error.message}")

    return Check("no error", test)


def raised(error_type: str, contains: str = "", message: str = "") -> Check:
    """The last input raised `error_type` (with `contains` in its message)."""

    def test(ctx):
        error = getattr(ctx.outcome, "error", None)
        if error is not None and error.type == error_type and contains in error.message:
            return Result(True, f"that raised {error_type}, as expected")
        return Result(False, message or f"this step wants to see a {error_type}"
                      + (f" mentioning {contains!r}" if contains else ""))

    return Check(f"raised {error_type}", test)


def _called_names(trees) -> set[str]:
    names = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute):
                    names.add(func.attr)
                elif isinstance(func, ast.Name):
                    names.add(func.id)
    return names


def calls(*names: str, message: str = "") -> Check:
    """The learner's inputs in this step call at least one of `names` (e.g. "backward", "grad")."""

    def test(ctx):
        if _called_names(ctx.trees()) & set(names):
            return Result(True, f"used {' or '.join(names)}")
        return Result(False, message or f"use {' or '.join(n + '()' for n in names)} in your answer")

    return Check(f"calls {names}", test)


def avoids(*names: str, message: str = "") -> Check:
    """The learner's inputs in this step call none of `names` (e.g. the closed form "cos")."""

    def test(ctx):
        used = _called_names(ctx.trees()) & set(names)
        if not used:
            return Result(True, f"did not use {' or '.join(names)}")
        return Result(False, message or f"this step asks you not to call {', '.join(sorted(used))}()")

    return Check(f"avoids {names}", test)


def _backward_flags(trees, name: str) -> list[bool]:
    """For the last tensor bound to `name` in these inputs: each `name.backward(...)` call made on it,
    in order, as whether it passed retain_graph=True (binding `name` again starts the list again)."""
    flags: list[bool] = []
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
                    flags = []
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr == "backward" and isinstance(node.func.value, ast.Name) \
                    and node.func.value.id == name:
                retain = any(k.arg == "retain_graph" and isinstance(k.value, ast.Constant) and k.value.value is True
                             for k in node.keywords)
                flags.append(retain)
    return flags


def backward_calls(name: str, times: int = 2, *, retain_first: bool | None = None, message: str = "") -> Check:
    """A sequence: `name.backward()` called `times` times on the same `name` (rebuilding `name` starts
    again), the first with retain_graph=True (retain_first=True) or none with it (False).

    Values alone cannot tell "twice on one y" from "once on each of two y's": this reads the inputs."""

    def test(ctx):
        flags = _backward_flags(ctx.trees(), name)
        if len(flags) < times:
            return Result(False, message or f"call {name}.backward() {times} times on the same {name}"
                          f" ({len(flags)} so far since {name} was last built)")
        if retain_first is True and not flags[0]:
            return Result(False, message or f"the first {name}.backward() needs retain_graph=True")
        if retain_first is False and any(flags):
            return Result(False, message or "no retain_graph here")
        return Result(True, f"{name}.backward() {times} times on the same {name}")

    return Check(f"backward_calls {name} x{times}", test)


def true(expr: str, message: str) -> Check:
    """`expr` evaluates to something true in the learner's namespace."""

    def test(ctx):
        value = ctx.eval(expr)
        try:
            ok = bool(value)
        except Exception:  # noqa: BLE001 - e.g. a tensor with several values
            ok = False
        return Result(ok, "yes" if ok else message)

    return Check(expr, test)


def defined(*names: str, message: str = "") -> Check:
    """Each of `names` is defined in the learner's namespace."""

    def test(ctx):
        missing = [n for n in names if n not in ctx.namespace]
        if missing:
            return Result(False, message or f"define {', '.join(missing)} first")
        return Result(True, "defined")

    return Check(f"defined {names}", test)


def all_of(*checks: Check, message: str = "") -> Check:
    """Passes when every check passes (e.g. the `when` of a Mistake that needs two conditions)."""

    def test(ctx):
        for check in checks:
            result = check(ctx)
            if not result.passed:
                return Result(False, message or result.message)
        return Result(True, "; ".join(c.describe for c in checks))

    return Check(" and ".join(c.describe for c in checks), test)


def custom(describe: str, func: Callable[[CheckContext], bool | Result], message: str = "") -> Check:
    """Any test of the context; `func` returns a bool or a Result."""

    def test(ctx):
        out = func(ctx)
        if isinstance(out, Result):
            return out
        return Result(bool(out), describe if out else (message or f"not yet: {describe}"))

    return Check(describe, test)


# -- steps -----------------------------------------------------------------------------------------


_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass
class Fact:
    """A claim the lesson makes about PyTorch, checked by running it (lesson_verify, tests).

    `Fact("torch.norm(torch.tensor([3., -4.]))", 5.0)` evaluates the expression and compares;
    `Fact("torch.arange(4).requires_grad_()", raises="RuntimeError")` runs code that must raise.
    Facts are checked in the state a learner has once the step is done.
    """

    code: str
    expected: Any = None  # a value, or a string expression evaluated in the same namespace
    raises: str = ""  # an exception type name the code must raise


@dataclass
class Step:
    id: str
    facts: list[Fact] = field(default_factory=list, kw_only=True)

    kind = "step"

    def validate(self) -> list[str]:
        return [] if _ID.match(self.id) else [f"step id {self.id!r} is not lower-case-with-dashes"]


@dataclass
class Text(Step):
    """Markdown to read, with examples the learner can run."""

    markdown: str = ""
    examples: list[str] = field(default_factory=list)

    kind = "text"


@dataclass
class Mistake:
    """A targeted message shown when a failed attempt matches a known wrong answer."""

    when: Check  # passes when the learner made this mistake
    say: str


@dataclass
class Task(Step):
    """Code to write: passes when every check passes after an input."""

    goal: str = ""
    checks: list[Check] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)  # unfold one by one
    solution: str = ""  # a reference solution; `play --solutions` runs it through the checks
    wrong: list[str] = field(default_factory=list)  # inputs that must be rejected (tested)
    mistakes: list[Mistake] = field(default_factory=list)
    setup: str = ""  # code run (silently) when the step starts, after the lesson's setup

    kind = "task"

    def check(self, ctx: CheckContext) -> tuple[bool, list[str]]:
        """(passed, messages): every check's message on success, else targeted feedback first."""
        results = [c(ctx) for c in self.checks]
        if all(r.passed for r in results):
            return True, [r.message for r in results]
        targeted = [m.say for m in self.mistakes if m.when(ctx).passed]
        failed = [r.message for r in results if not r.passed]
        return False, targeted[:1] + failed[:1] if targeted else failed[:1]

    def validate(self) -> list[str]:
        problems = super().validate()
        if not self.checks:
            problems.append(f"task {self.id} has no checks")
        if not self.solution:
            problems.append(f"task {self.id} has no reference solution")
        if not self.wrong:
            problems.append(f"task {self.id} declares no wrong answer")
        return problems


@dataclass
class Choice:
    text: str
    correct: bool = False
    why: str = ""  # why this choice is right or wrong


@dataclass
class Quiz(Step):
    """Multiple choice; answers are letters a, b, c, ..."""

    question: str = ""
    choices: list[Choice] = field(default_factory=list)

    kind = "quiz"

    @property
    def labels(self) -> list[str]:
        return [chr(ord("a") + i) for i in range(len(self.choices))]

    def answer(self, text: str) -> tuple[bool, str] | None:
        """(correct, explanation) for an answer like 'b' or 'B)', or None if it is not a choice."""
        label = text.strip().lower().rstrip(").").strip()
        if label not in self.labels:
            return None
        choice = self.choices[self.labels.index(label)]
        return choice.correct, choice.why

    def validate(self) -> list[str]:
        problems = super().validate()
        if sum(c.correct for c in self.choices) != 1:
            problems.append(f"quiz {self.id} needs exactly one correct choice")
        if any(not c.why for c in self.choices):
            problems.append(f"quiz {self.id}: every choice needs a `why`")
        return problems


@dataclass
class Predict(Step):
    """The learner predicts what `code` will give, then sees it run.

    kind "value": a Python expression compared with the result (tolerance for numbers/tensors);
    kind "shape": a shape like (2, 3) compared with the result's shape;
    kind "error": the learner answers "error" (or the exception type) when the code raises;
    kind "text": the answer is compared, ignoring case and spaces, with `expect`.
    """

    code: str = ""
    question: str = ""
    kind_of_answer: str = "value"
    expect: str = ""  # the author's answer, in the same form the learner types
    explanation: str = ""

    kind = "predict"

    def judge(self, answer: str, outcome, namespace: dict) -> tuple[bool, str]:
        """Compare the learner's prediction with what running `code` actually gave (`outcome`).

        Answers are read as a person writes them (tutor.answers): yes/no, true/false, "all True",
        numbers with or without brackets, shapes as (2, 3), 2x3 or torch.Size([2, 3]), "error"."""
        from tutor import answers

        answer = answer.strip()
        error = getattr(outcome, "error", None)
        said_error = answers.says_error(answer)
        if error is not None:
            named = error.type.lower() in answer.lower()
            return bool(said_error or named), f"it raised {error.type}: {answers.first_sentence(error.message)}"
        value = getattr(outcome, "value", None)
        if self.kind_of_answer == "error":
            return said_error is not True and bool(answer), "it ran without an error"
        if said_error:
            gave = "" if self.kind_of_answer != "value" else f" and gave {answers.shown(value)}"
            return False, f"it ran without an error{gave}"
        if self.kind_of_answer == "shape":
            actual = tuple(value) if isinstance(value, tuple) else tuple(getattr(value, "shape", ()))
            return answers.read_shape(answer) == tuple(actual), f"the shape is {tuple(actual)}"
        if self.kind_of_answer == "text":
            norm = lambda s: re.sub(r"\s+", "", answers.normal(str(s)))  # noqa: E731
            mine, theirs = answers.read_value(answer), answers.read_value(self.expect)
            if mine is not None and theirs is not None and isinstance(theirs.value, bool):
                return mine.value is theirs.value, f"the answer is {self.expect}"
            return norm(answer) == norm(self.expect), f"the answer is {self.expect}"
        guess = answers.read_value(answer, namespace)
        if guess is None:
            try:  # an expression in the learner's names, e.g. 2 * x
                guess = answers.Guess(eval(compile(answer, "<prediction>", "eval"), dict(namespace)))
            except Exception:  # noqa: BLE001 - an unreadable guess is simply wrong
                return False, f"it gave {answers.shown(value)}"
        return answers.matches(guess, value), f"it gave {answers.shown(value)}"

    def validate(self) -> list[str]:
        problems = super().validate()
        if self.kind_of_answer not in ("value", "shape", "error", "text"):
            problems.append(f"predict {self.id}: kind_of_answer must be value, shape, error or text")
        if not self.code or not self.expect:
            problems.append(f"predict {self.id} needs code and expect")
        return problems


@dataclass
class Explain(Step):
    """A proof or open question: the learner writes an answer, then sees a model answer."""

    question: str = ""
    model_answer: str = ""
    min_words: int = 5
    # words an answer on this question mentions at least one of (matched at a word start, any case:
    # "grad" also matches "gradient"); empty means any answer of min_words words is taken
    topics: list[str] = field(default_factory=list)

    kind = "explain"

    def judge(self, text: str) -> tuple[bool, str]:
        """(accepted, why not): an answer is taken when it has min_words words and is on topic."""
        if len(text.split()) < self.min_words:
            return False, (f"write at least {self.min_words} words: your own reasoning, in a sentence or two "
                           "(it is not marked right or wrong)")
        if self.topics and not self.on_topic(text):
            shown = ", ".join(self.topics[:4])
            return False, (f"that does not seem to answer this question: it mentions none of {shown}. "
                           "Answer in your own words, or %skip")
        return True, ""

    def on_topic(self, text: str) -> bool:
        return any(re.search(r"(?<!\w)" + re.escape(t), text, re.IGNORECASE) for t in self.topics)

    def validate(self) -> list[str]:
        problems = super().validate()
        if not self.model_answer:
            problems.append(f"explain {self.id} needs a model answer")
        elif self.topics and not self.on_topic(self.model_answer):
            problems.append(f"explain {self.id}: the model answer mentions none of its topics")
        return problems


# -- the lesson ----------------------------------------------------------------------------------


@dataclass
class Lesson:
    """One lesson: metadata, an optional setup run in its fresh namespace, and its steps."""

    id: str
    title: str
    section: str  # the D2L section, e.g. "2.5.1"
    steps: list[Step] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    minutes: int = 15
    summary: str = ""
    setup: str = ""  # code run in the lesson's fresh namespace when it starts

    def __post_init__(self) -> None:
        problems = self.validate()
        if problems:
            raise ValueError(f"lesson {self.id!r}: " + "; ".join(problems))

    def validate(self) -> list[str]:
        problems = [] if _ID.match(self.id) else [f"lesson id {self.id!r} is not lower-case-with-dashes"]
        if not self.steps:
            problems.append("it has no steps")
        ids = [s.id for s in self.steps]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            problems.append(f"duplicate step ids: {', '.join(duplicates)}")
        for step in self.steps:
            problems.extend(step.validate())
        return problems

    def replay_code(self, upto: int):
        """(code, is_setup) in the order that rebuilds the state before step `upto`: the lesson's
        setup, then each earlier task's setup and reference solution and each predict step's code."""
        if self.setup:
            yield self.setup, True
        for step in self.steps[:upto]:
            if isinstance(step, Task):
                if step.setup:
                    yield step.setup, True
                yield step.solution, False  # a solution may raise on purpose (a `raised` check)
            elif isinstance(step, Predict):
                yield step.code, False  # a predict step may raise on purpose

    def step(self, step_id: str) -> Step:
        for s in self.steps:
            if s.id == step_id:
                return s
        raise KeyError(step_id)

    def index(self, step_id: str) -> int:
        return [s.id for s in self.steps].index(step_id)


def finite(x: float) -> bool:
    """Small helper for custom checks."""
    return isinstance(x, (int, float)) and math.isfinite(x)
