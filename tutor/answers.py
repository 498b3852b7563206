"""Natural answers to predict and quiz steps: what a person types, read as a value, a shape or an error.

- yes/no, true/false (any case), "all True", "[True, True]" → booleans (all elements for a tensor);
- "error", "it raises", "RuntimeError" → an error is predicted; "no error", "it runs" deny one;
- numbers with or without brackets or a trailing '.': "4", "4.", "[0, 4, 8]", "0, 4, 8", "0 4 8";
- shapes: "(2, 3)", "2x3", "[2, 3]", "torch.Size([2, 3])", "()" or "scalar".

`read_value` / `read_shape` return a `Guess` (or None when the text is not an answer of that kind);
`says_error` tells whether an answer predicts an error (True), denies one (False), or neither (None).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

_YES = {"yes", "y", "true", "t", "yep", "yeah", "correct", "right", "all true", "all of them", "all yes"}
_NO = {"no", "n", "false", "f", "nope", "all false", "none of them"}
_ERROR = re.compile(r"\b(error|errors|raises?|raised|raising|exception|fails?|failed|throws?|crash(es)?)\b")
_DENY = re.compile(r"\b(no|without|not|never|doesn'?t|does not|won'?t|will not)\b[\w\s]{0,12}?"
                   r"\b(error|raise|fail|exception|throw|crash)")
_RUNS = re.compile(r"^(it\s+)?(runs|works|fine|ok|okay|succeeds|no error|nothing)\b")
_EXC_NAME = re.compile(r"\b[A-Z]\w*(Error|Exception)\b")


@dataclass
class Guess:
    """A value the learner predicted; `all_of` means "every element is this" (all True)."""

    value: Any
    all_of: bool = False


def normal(text: str) -> str:
    """Lower case, single spaces, no surrounding quotes or final full stop."""
    text = re.sub(r"\s+", " ", text.strip()).strip("'\"` ")
    while text.endswith(".") and not re.search(r"\d\.$", text):
        text = text[:-1].rstrip()
    return text.lower()


def says_error(text: str) -> bool | None:
    """True when the answer predicts an error, False when it says there is none, None otherwise."""
    plain = normal(text)
    if _DENY.search(plain) or _RUNS.match(plain):
        return False
    if _ERROR.search(plain) or _EXC_NAME.search(text):
        return True
    return None


def _literal(text: str, namespace: dict | None):
    """Evaluate a Python expression of literals (and torch.tensor / tensor(...)); raises on anything else."""
    tree = ast.parse(text, mode="eval")
    allowed = (ast.Expression, ast.Constant, ast.List, ast.Tuple, ast.UnaryOp, ast.USub, ast.UAdd, ast.Load,
               ast.Call, ast.Name, ast.Attribute, ast.keyword, ast.BinOp, ast.Div, ast.Mult, ast.Add, ast.Sub,
               ast.Pow)
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ValueError(f"not a plain value: {type(node).__name__}")
    torch = (namespace or {}).get("torch")
    if torch is None:
        import torch  # noqa: F811 - only reached when a prediction names torch itself
    scope = {"__builtins__": {}, "torch": torch, "tensor": torch.tensor, "True": True, "False": False,
             "None": None, "inf": float("inf"), "nan": float("nan"), "math": __import__("math")}
    return eval(compile(tree, "<prediction>", "eval"), scope)


def read_value(text: str, namespace: dict | None = None) -> Guess | None:
    """The value a prediction names, or None when it is not a value."""
    plain = normal(text)
    if not plain:
        return None
    if plain in _YES or plain in ("all true", "all trues", "all are true", "true everywhere"):
        return Guess(True, all_of=True)
    if plain in _NO or plain in ("all false", "all are false"):
        return Guess(False, all_of=True)
    if plain in ("none", "nothing", "it is none", "it's none"):
        return Guess(None)
    source = text.strip().strip("`")
    source = re.sub(r"\btrue\b", "True", source, flags=re.IGNORECASE)
    source = re.sub(r"\bfalse\b", "False", source, flags=re.IGNORECASE)
    source = re.sub(r"\bnone\b", "None", source, flags=re.IGNORECASE)
    candidates = [source]
    trimmed = source.rstrip()
    while trimmed.endswith("."):
        trimmed = trimmed[:-1].rstrip()
        candidates.append(trimmed)
    if re.fullmatch(r"[-+\d.eE\s]+", trimmed) and " " in trimmed.strip():
        candidates.append("[" + ", ".join(trimmed.split()) + "]")  # "0 4 8 12"
    for candidate in candidates:
        try:
            value = _literal(candidate, namespace)
        except Exception:  # noqa: BLE001 - not this form; try the next
            continue
        if isinstance(value, tuple) and "(" not in candidate:
            value = list(value)  # "0, 4, 8" means a list of numbers
        return Guess(value)
    return None


_SHAPE_TEXT = re.compile(r"^(torch\.size\s*)?[\[\(]*\s*(\d+\s*([x×,*]|by)?\s*)*[\]\)]*\s*$")


def read_shape(text: str) -> tuple[int, ...] | None:
    """The shape a prediction names ((2, 3), 2x3, [2, 3], torch.Size([2, 3]), () or scalar), or None."""
    plain = normal(text)
    if plain in ("scalar", "a scalar", "0-d", "0d", "empty", "no dimensions", "torch.size([])", "[]", "()"):
        return ()
    plain = plain.replace("shape", "").strip(" :=")
    if not _SHAPE_TEXT.match(plain):
        return None
    return tuple(int(n) for n in re.findall(r"\d+", plain))


def matches(guess: Guess, actual) -> bool:
    """Whether the learner's guess is the actual value (tolerance for numbers and tensors)."""
    from tutor.lesson import _values_close

    if guess.value is None or actual is None:
        return guess.value is None and actual is None
    if isinstance(guess.value, bool) and guess.all_of:
        return _all_equal(actual, guess.value)
    if _is_bool_tensor(actual) and isinstance(guess.value, bool):
        return _all_equal(actual, guess.value)
    if isinstance(guess.value, (list, tuple)) and isinstance(actual, tuple) and len(actual) == len(guess.value):
        return all(matches(Guess(g), a) for g, a in zip(guess.value, actual))
    value = guess.value
    if isinstance(value, list) and len(value) == 1 and getattr(actual, "shape", None) == ():
        value = value[0]  # [1024] for a scalar tensor
    try:
        ok, _shown = _values_close(actual, value, 1e-4, 1e-4)
    except Exception:  # noqa: BLE001 - values that cannot be compared are not equal
        return False
    return bool(ok)


def _is_bool_tensor(value) -> bool:
    dtype = getattr(value, "dtype", None)
    return dtype is not None and "bool" in str(dtype)


def _all_equal(actual, flag: bool) -> bool:
    if isinstance(actual, bool):
        return actual is flag
    if _is_bool_tensor(actual):
        try:
            return bool((actual == flag).all())
        except Exception:  # noqa: BLE001
            return False
    if isinstance(actual, (list, tuple)) and actual:
        return all(_all_equal(a, flag) for a in actual)
    return False


def shown(value) -> str:
    """A short text for a value in a verdict: a tensor's values when small, else its shape."""
    import torch

    if isinstance(value, torch.Tensor):
        try:
            if value.numel() <= 8:
                return repr(value.detach().tolist())
        except Exception:  # noqa: BLE001
            pass
        return f"a tensor of shape {tuple(value.shape)}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def sentence(text: str) -> str:
    """`text` ending in exactly one full stop (PyTorch's messages often end in one already)."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", ":")) else text + "."


def first_sentence(message: str, limit: int = 90) -> str:
    """The start of an error message (the whole message is on screen already), without a final stop."""
    text = re.split(r"(?<=[a-z)])\. |\s\(", message.strip(), maxsplit=1)[0].rstrip(". ")
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
