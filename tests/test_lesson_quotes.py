"""Any PyTorch message a lesson quotes is the real one: each quote is found in what torch really says."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch

LESSONS = sorted((Path(__file__).resolve().parent.parent / "lessons").glob("lesson*.py"))

# code that makes torch say each message the lessons talk about
RAISERS = [
    "torch.arange(4).requires_grad_()",
    "t = torch.ones(2, requires_grad=True); t.grad = 1",
    "a = torch.ones(2, requires_grad=True); c = a.exp(); c.add_(1); c.sum().backward()",
    "torch.ones(2, requires_grad=True).numpy()",
    "a = torch.ones(2, requires_grad=True); y = (a * a).sum(); y.backward(); y.backward()",
    "(torch.ones(2, requires_grad=True) * 2).backward()",
    "torch.ones(2).sum().backward()",
    "a = torch.ones(2, requires_grad=True); a.add_(1)",
]
_QUOTE = re.compile(r"(?:RuntimeError|TypeError|ValueError): ([A-Z][^\n\"]{15,}?)(?:\.\s|\.?$|\.\")|'([a-zA-Z][^'\n]{24,})'")
_WORDS = ("Tensor", "tensor", "grad", "graph")


def real_messages() -> list[str]:
    found = []
    for code in RAISERS:
        try:
            exec(code, {"torch": torch})
        except Exception as exc:  # noqa: BLE001 - the message is what we want
            found.append(str(exc))
    return found


def quotes(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    found = []
    for match in _QUOTE.finditer(text):
        quote = (match.group(1) or match.group(2)).strip().rstrip(".")
        code_like = "=" in quote or quote.startswith(("tensor(", "torch."))
        if any(w in quote for w in _WORDS) and not code_like:
            found.append(quote)
    return found


def test_the_raisers_raise():
    assert len(real_messages()) == len(RAISERS)


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_quoted_pytorch_messages_are_the_real_ones(path):
    messages = [m.lower() for m in real_messages()]
    wrong = [q for q in quotes(path) if not any(q.lower() in m for m in messages)]
    assert wrong == [], f"{path.name} quotes messages torch does not say: {wrong}"


def test_the_scan_finds_quotes():
    """The scan is not empty: it finds the messages lessons 6, 8 and 13 quote."""
    found = [q for p in LESSONS for q in quotes(p)]
    assert any("floating point" in q for q in found) and any("inplace operation" in q for q in found)
    assert any("numpy()" in q for q in found)
