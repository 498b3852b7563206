"""What one input produced, as plain data: the Outcome and its parts.

The Session builds these; the renderers (rich, plain text, JSON) only read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ErrorInfo:
    """An exception raised by the learner's input, trimmed to the learner's own frames."""

    type: str
    message: str
    traceback: str = ""
    line: str | None = None  # the learner's source line where it happened
    lineno: int | None = None
    offset: int | None = None  # column, for syntax errors
    frames: list[tuple[str, int, str]] = field(default_factory=list)  # (function, lineno, line)
    exc: BaseException | None = field(default=None, repr=False, compare=False)

    def as_json(self) -> dict:
        return {"type": self.type, "message": self.message}


@dataclass
class WarningInfo:
    """A Python or PyTorch warning raised while the input ran."""

    category: str
    message: str
    lineno: int | None = None


@dataclass
class GradChange:
    """A named tensor whose .grad changed during one input."""

    name: str
    new: Any  # a tensor (detached copy) or None when the grad was cleared
    old: Any = None  # the previous grad (detached copy) or None when there was none
    old_known: bool = True  # False when the old grad was too large to keep a copy of


@dataclass
class TensorState:
    """One tensor on the line an autograd error came from: what autograd knew about it then."""

    name: str
    shape: str  # "(4,)"
    dtype: str  # "float32"
    requires_grad: bool
    grad_fn: str | None  # "MulBackward0"; None for a leaf
    grad: str | None  # a leaf's .grad: "None" or its shape "(4,)"; None for a non-leaf
    version: int  # the in-place version counter
    failing: bool = False  # the operand the error is about


@dataclass
class Hint:
    """A diagnosis: what went wrong, why, and the fix, in the learner's own names."""

    id: str
    title: str
    explanation: str
    fix: str = ""
    section: str = ""
    example: str = ""  # a minimal runnable example, shown in full by %explain
    # What `fix` is worth (tutor.verify): `fix` holds only code that was run on a copy of the learner's
    # session and cleared the mistake; otherwise `fix` is "" and `fix_words` says what to change.
    fix_words: str = ""
    verified: bool = False
    replaces: dict[int, str] = field(default_factory=dict)  # {input index: corrected input}: the edit verified
    tried: list[tuple[str, str]] = field(default_factory=list)  # (candidate code, why it failed), for %explain
    # where the verified edit goes when it is not simply 'type this now': the inputs it stands in for,
    # quoted, with what to run again (an earlier input, or this one when it already ran); '' otherwise
    fix_in_place_of: str = ""
    candidates: list = field(default_factory=list, repr=False, compare=False)  # tutor.hints.fixes.Candidate


@dataclass
class Outcome:
    """Everything one input to the Session produced."""

    input: str
    kind: str = "code"  # code | command | help | empty
    index: int = 0
    value: Any = None
    has_value: bool = False
    display: str | None = None  # the value as plain text
    view: Any = None  # the value as shown (display.value_view: a TensorView or text), computed once
    stdout: str = ""
    stderr: str = ""
    error: ErrorInfo | None = None
    warnings: list[WarningInfo] = field(default_factory=list)
    gradients: list[GradChange] = field(default_factory=list)
    command_output: Any = None  # what a % command returned (a rich renderable or text)
    hints: list[Hint] = field(default_factory=list)
    tensors: list[TensorState] = field(default_factory=list)  # under an autograd error: the failing line's tensors
    feedback: list[Any] = field(default_factory=list)  # lesson feedback (renderables)
    elapsed: float = 0.0  # seconds
    stdout_shown: bool = False  # True when stdout was already echoed live (the shell)
    exit_requested: bool = False
    # set when the input's worker process was ended (tutor.supervise): {index, type, message, replayed}
    hard_stop: dict | None = None

    @property
    def ok(self) -> bool:
        return self.error is None
