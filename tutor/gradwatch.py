"""Notice which named tensors' .grad changed during one input.

`snapshot(namespace)` before the input, `changes(snapshot, namespace)` after. Tensors are found
under their names in the namespace, and as `name.param` inside torch.nn modules.

Every value in the namespace is the learner's: types are read from the real type (no `__class__`
property runs), tensor attributes with subclass `__torch_function__` overrides switched off, and each
read through `tutor.guard`, so a hostile object is skipped instead of breaking every later input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor import guard, torchload
from tutor.outcome import GradChange

KEEP_OLD_MAX = 100_000  # elements; larger old grads are not copied
PHASE_SECONDS = 2.0  # a snapshot or a comparison of the whole namespace stops after this
MODULE_PARAMS_MAX = 1000


@dataclass
class _Seen:
    tensor: Any
    grad: Any  # the grad tensor object itself (kept so its id cannot be reused)
    version: int
    copy: Any  # a detached clone of the grad, or None when too large


def plain(torch):
    """A context in which tensor subclasses' `__torch_function__` overrides do not run."""
    return torch._C.DisableTorchFunctionSubclass()  # in every torch the project supports (>= 2.1)


def _grad_of(t):
    """The .grad of a tensor, read without the non-leaf warning (and without subclass overrides)."""
    if t.is_leaf or t.retains_grad:
        grad = t.grad
        torch = torchload.loaded()
        return grad if grad is not None and guard.is_instance(grad, torch.Tensor) else None
    return None


def _copy(grad):
    return grad.detach().clone()


def named_tensors(namespace: dict):
    """(name, tensor) for the learner's tensors and the parameters of their modules."""
    torch = torchload.loaded()
    if torch is None:
        return
    for name, value in list(namespace.items()):
        if type(name) is not str or name.startswith("_"):
            continue
        if guard.is_instance(value, torch.Tensor):
            yield name, value
        elif type(value) in (list, tuple) and len(value) <= 100:
            for i, item in enumerate(value):  # a list of parameters: params[0], params[1], ...
                if guard.is_instance(item, torch.Tensor) and guard.attempt(
                        lambda: bool(item.requires_grad and item.is_leaf)):
                    yield f"{name}[{i}]", item
        elif guard.is_instance(value, torch.nn.Module):
            params = guard.read(_parameters, value, default=[], seconds=PHASE_SECONDS)
            for pname, p in params:
                yield name + python_path(pname), p


def python_path(pname: str) -> str:
    """A parameter's dotted name as Python reads it after the module's name: '0.weight' -> '[0].weight'
    (net.0.weight is a syntax error; net[0].weight is the tensor), 'lin.bias' -> '.lin.bias'."""
    return "".join(f"[{part}]" if part.isdigit() else f".{part}" for part in pname.split("."))


def _parameters(module) -> list:
    torch = torchload.loaded()
    found = []
    for pname, p in module.named_parameters():
        if type(pname) is str and guard.is_instance(p, torch.Tensor):
            found.append((pname, p))
        if len(found) >= MODULE_PARAMS_MAX:
            break
    return found


def _seen(t) -> _Seen | None:
    """What to compare with after the input, and what verify restores in a copy (tutor.verify: a tensor
    without a grad is recorded too, so that a grad the input gave it can be taken away again)."""
    grad = _grad_of(t)
    if grad is None:
        return _Seen(t, None, -1, None)
    copy = _copy(grad) if grad.numel() <= KEEP_OLD_MAX else None
    return _Seen(t, grad, grad._version, copy)


def snapshot(namespace: dict) -> dict[str, _Seen]:
    """Each named tensor's grad as it is now (unreadable values are left out)."""
    seen: dict[str, _Seen] = {}

    def walk():
        torch = torchload.loaded()
        with plain(torch):
            for name, t in named_tensors(namespace):
                record = guard.attempt(_seen, t)
                if record is not None:
                    seen[name] = record

    if torchload.loaded() is not None:
        guard.read(walk, seconds=PHASE_SECONDS)
    return seen


def changes(before: dict[str, _Seen], namespace: dict) -> list[GradChange]:
    """The named tensors whose .grad differs from the snapshot."""
    found: list[GradChange] = []

    def one(name, t):
        grad = _grad_of(t)
        old = before.get(name)
        if old is not None and old.tensor is not t:
            old = None  # the name now holds another tensor
        if old is None:
            if grad is not None:
                found.append(GradChange(name, _copy(grad)))
            return
        if grad is old.grad and (grad is None or grad._version == old.version):
            return
        new = _copy(grad) if grad is not None else None
        found.append(GradChange(name, new, old.copy, old_known=old.grad is None or old.copy is not None))

    def walk():
        torch = torchload.loaded()
        with plain(torch):
            for name, t in named_tensors(namespace):
                guard.attempt(one, name, t)

    if torchload.loaded() is not None:
        guard.read(walk, seconds=PHASE_SECONDS)
    return found
