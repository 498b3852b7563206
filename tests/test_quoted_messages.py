"""Every PyTorch message the tutor quotes is the message torch really raises.

Lessons and hints quote error messages ('grad can be implicitly created only for scalar outputs'),
lesson checks look for fragments of them (`raised("RuntimeError", "second time")`) and hint rules
match them (`ctx.error_is("RuntimeError", "modified by an inplace operation")`). A quote that drifts
from the real message teaches the learner something false, and a fragment that no longer occurs
silently turns a check or a rule off.

The real messages come from running the snippets in `tests/pytorch_messages.py` on the installed
torch. The quotes are extracted from the source of `lessons/*.py` and `tutor/hints/**/*.py` (every
string literal that is not a docstring): text between quote marks ('...', "...", “...”), markdown
italics (*...*), and `SomeError: message` lines. A quoted fragment of three words or more is either
found in a real message (case and all; "..." may stand for a cut) or listed in NOT_MESSAGES below.
"""

from __future__ import annotations

import ast
import math
import re
from functools import lru_cache
from pathlib import Path

import pytest

from tests.pytorch_messages import SNIPPETS

ROOT = Path(__file__).parent.parent
SOURCES = sorted((ROOT / "lessons").glob("*.py")) + sorted((ROOT / "tutor" / "hints").rglob("*.py"))

# Quoted text of three words or more that is not a PyTorch message (a label, a phrase, a paraphrase
# of the book, a line of code). Say what it is.
NOT_MESSAGES: dict[str, str] = {
    "= 0·f + C·f": "maths in a model answer",
    "Tangent line (x=1)": "a legend label",
    "the book is wrong": "what learners report",
    "Double a until its norm reaches 1000, then keep it or scale it by 100 by the sign of its sum.":
        "the docstring of the lesson's f",
    "gradient as a column": "a convention's name",
    "what happens if you run backward twice in a row?": "D2L 2.5 exercise 2, paraphrased",
    "import torch; (torch.tensor(3.0, requires_grad=True) ** 3).backward(create_graph=True)": "code",
    "factor × dot of the source": "a rule of lesson 12",
    "factor × bar of the target": "a rule of lesson 12",
    "at each point": "a phrase",
    "the derivative at each point": "the exercise's words",
    "sin'(x) by autograd": "a legend label",
    "b never reached norm 1000: is a zero?": "the tutor's own message, suggested in a hint",
}

# Phrases hint rules match (ctx.error_is) that torch 2.13 does not raise but other versions or
# other inputs do: keep them short and say which.
OTHER_PHRASES: dict[str, str] = {
    "expected scalar type": "older torch's dtype mismatch in mm/addmm",
    "must be real number, not tensor": "math.* on a tensor without __float__ (older torch)",
}

_QUOTE = re.compile(
    r"""(?<![\w])'([^'\n]+?)'(?![\w])"""  # 'single', not an apostrophe
    r"""|"([^"]{1,300}?)\""""  # "double", may span lines of a docstring-like block
    r"""|“([^”]+?)”"""  # curly
    r"""|(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?![\w*])"""  # *markdown italics*
    r"""|\b(?:[A-Z][A-Za-z]*(?:Error|Exception|Warning)): ([^\n]+)"""  # RuntimeError: message
)
_PREFIX = re.compile(r"^([A-Z][A-Za-z]*(?:Error|Exception|Warning)): ")


def _normal(text: str) -> str:
    return " ".join(text.split())


@lru_cache(maxsize=None)
def real_messages() -> tuple[tuple[str, str], ...]:
    """(exception type, message) for every snippet, run on the installed torch."""
    import warnings

    import numpy as np
    import torch

    found = []
    for kind, code in SNIPPETS:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(code, "<snippet>", "exec"), {"torch": torch, "np": np, "math": math})
        except Exception as exc:  # noqa: BLE001 - the point is to catch it
            found.append((type(exc).__name__, _normal(str(exc))))
            continue
        found.append(("no error", code))
    return tuple(found)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _regexes(tree: ast.AST) -> set[int]:
    """String literals passed to re.* (patterns, not text)."""
    return {id(arg) for node in ast.walk(tree) if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", None) == "re"
            for arg in node.args}


def source_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every string literal in a module except docstrings and regular expressions;
    f-strings with {} holes."""
    tree = ast.parse(path.read_text())
    skip = _docstrings(tree) | _regexes(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
            found.append((node.lineno, "".join(v.value if isinstance(v, ast.Constant) else "{}"
                                               for v in node.values)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            found.append((node.lineno, node.value))
    return found


def quotes_in(text: str) -> list[str]:
    """Quoted fragments of three words or more, whitespace normalised."""
    found = []
    for match in _QUOTE.finditer(text):
        quote = _normal(next(g for g in match.groups() if g))
        if len(quote.split()) >= 3:
            found.append(quote)
    return found


def is_real(quote: str, messages=None) -> bool:
    """The quote occurs in a real message; a leading 'SomeError: ' must name its type; '...' is a cut."""
    messages = real_messages() if messages is None else messages
    kind = None
    prefix = _PREFIX.match(quote)
    if prefix:
        kind, quote = prefix.group(1), quote[prefix.end():]
    pieces = [p.strip(" .") for p in re.split(r"\.\.\.|…", quote) if p.strip(" .")]
    for etype, message in messages:
        if kind is not None and etype != kind:
            continue
        at = 0
        for piece in pieces:
            at = message.find(piece, at)
            if at < 0:
                break
            at += len(piece)
        else:
            return True
    return False


def all_quotes() -> list[tuple[str, int, str]]:
    found = []
    for path in SOURCES:
        for line, text in source_strings(path):
            for quote in quotes_in(text):
                found.append((str(path.relative_to(ROOT)), line, quote))
    return found


def _calls(path: Path, name: str):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if called == name:
                yield node


def _const(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


# -- the tests ------------------------------------------------------------------------------------


def test_every_snippet_raises_what_it_says():
    wrong = [f"{code!r}: expected {kind}, got {got}"
             for (kind, code), (got, _message) in zip(SNIPPETS, real_messages()) if got != kind]
    assert not wrong, "\n".join(wrong)


def test_every_quoted_message_is_real():
    quotes = all_quotes()
    assert len(quotes) >= 10, "the extractor finds the quotes lessons and hints make"
    bad = [f"{path}:{line}: {quote!r}" for path, line, quote in quotes
           if quote not in NOT_MESSAGES and not is_real(quote)]
    assert not bad, ("quoted text that no PyTorch message contains (fix the quote, add the snippet that "
                     "raises it to tests/pytorch_messages.py, or list it in NOT_MESSAGES):\n" + "\n".join(bad))


def test_not_messages_are_still_quoted():
    """A stale NOT_MESSAGES entry would hide nothing today but could excuse a wrong quote tomorrow."""
    quoted = {quote for _path, _line, quote in all_quotes()}
    stale = sorted(set(NOT_MESSAGES) - quoted)
    assert not stale, f"no longer quoted anywhere, remove: {stale}"


def test_lesson_checks_look_for_real_fragments():
    """raised(TYPE, "fragment") in a lesson can only pass when torch says that fragment."""
    bad, seen = [], 0
    for path in sorted((ROOT / "lessons").glob("*.py")):
        for call in _calls(path, "raised"):
            args = [_const(a) for a in call.args] + [None, None]
            kind = args[0]
            contains = args[1] or next((_const(k.value) for k in call.keywords if k.arg == "contains"), None)
            if not kind or not contains:
                continue
            seen += 1
            if not any(etype == kind and contains in message for etype, message in real_messages()):
                bad.append(f"{path.name}:{call.lineno}: raised({kind!r}, {contains!r})")
    assert seen >= 10
    assert not bad, "no real message contains:\n" + "\n".join(bad)


def test_hint_rules_match_real_messages():
    """Every phrase a rule matches with ctx.error_is occurs (any case) in a message of that type."""
    bad, seen = [], 0
    for path in sorted((ROOT / "tutor" / "hints").rglob("*.py")):
        for call in _calls(path, "error_is"):
            if not call.args:
                continue
            first = call.args[0]
            kinds = [_const(first)] if _const(first) else [_const(e) for e in getattr(first, "elts", [])]
            for arg in call.args[1:]:
                phrase = _const(arg)
                if phrase is None or phrase.lower() in OTHER_PHRASES:
                    continue
                seen += 1
                if not any(etype in kinds and phrase.lower() in message.lower()
                           for etype, message in real_messages()):
                    bad.append(f"{path.name}:{call.lineno}: error_is({kinds}, {phrase!r})")
    assert seen >= 20
    assert not bad, "no real message contains (add the snippet, or fix the phrase):\n" + "\n".join(bad)


@pytest.mark.parametrize("text, real", [
    ("raises 'grad can be implicitly created only for scalar outputs'", True),
    ("raises *Can't call numpy() on Tensor that requires grad. Use\ntensor.detach().numpy() instead.*", True),
    ('says "Trying to backward through the graph a ... second time"', True),
    ("raises 'RuntimeError: only Tensors of floating point dtype can require gradients'", True),
    # the shape of the mistakes this test exists for
    ("raises 'Only Tensors of floating point dtype can require gradients'", False),
    ("raises 'TypeError: only Tensors of floating point dtype can require gradients'", False),
    ("raises 'grad can only be implicitly created for scalar outputs'", False),
])
def test_the_extractor_and_matcher_catch_a_wrong_quote(text, real):
    (quote,) = quotes_in(text)
    assert is_real(quote) is real
