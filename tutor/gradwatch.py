"""Notice which named tensors' .grad changed during one input.

`snapshot(namespace)` before the input, `changes(snapshot, namespace)` after. Tensors are found
under their names in the namespace, and as `name.param` inside torch.nn modules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tutor import torchload
from tutor.outcome import GradChange

KEEP_OLD_MAX = 100_000  # elements; larger old grads are not copied


@dataclass
class _Seen:
    tensor: Any
    grad: Any  # the grad tensor object itself (kept so its id cannot be reused)
    version: int
    copy: Any  # a detached clone of the grad, or None when too large


def _grad_of(t):
    """The .grad of a tensor, read without the non-leaf warning."""
    if t.is_leaf or t.retains_grad:
        return t.grad
    return None


def named_tensors(namespace: dict):
    """(name, tensor) for the learner's tensors and the parameters of their modules."""
    torch = torchload.loaded()
    if torch is None:
        return
    for name, value in list(namespace.items()):
        if name.startswith("_"):
            continue
        if isinstance(value, torch.Tensor):
            yield name, value
        elif isinstance(value, (list, tuple)) and 0 < len(value) <= 100:
            for i, item in enumerate(value):  # a list of parameters: params[0], params[1], ...
                if isinstance(item, torch.Tensor) and item.requires_grad and item.is_leaf:
                    yield f"{name}[{i}]", item
        elif isinstance(value, torch.nn.Module):
            try:
                params = list(value.named_parameters())
            except Exception:  # noqa: BLE001
                continue
            for pname, p in params[:1000]:
                yield f"{name}.{pname}", p


def _seen(t) -> _Seen | None:
    grad = _grad_of(t)
    if grad is None:
        return _Seen(t, None, -1, None)
    copy = grad.detach().clone() if grad.numel() <= KEEP_OLD_MAX else None
    return _Seen(t, grad, grad._version, copy)


def snapshot(namespace: dict) -> dict[str, _Seen]:
    return {name: _seen(t) for name, t in named_tensors(namespace)}


def changes(before: dict[str, _Seen], namespace: dict) -> list[GradChange]:
    """The named tensors whose .grad differs from the snapshot."""
    found = []
    for name, t in named_tensors(namespace):
        grad = _grad_of(t)
        old = before.get(name)
        if old is not None and old.tensor is not t:
            old = None  # the name now holds another tensor
        if old is None:
            if grad is not None:
                found.append(GradChange(name, grad.detach().clone(), None))
            continue
        if grad is old.grad and (grad is None or grad._version == old.version):
            continue
        new = grad.detach().clone() if grad is not None else None
        found.append(GradChange(name, new, old.copy, old_known=old.grad is None or old.copy is not None))
    return found
