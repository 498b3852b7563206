"""The rules, one module per family; importing this package registers every rule.

One small rule per mistake: look at the Context, return a Hint in the learner's own names (or None).
Error rules match the exception type and the stable core of PyTorch's message, then use the failing
line, the namespace and the history to name the cause. Silent rules look at the input's AST, the
values it left behind and the gradient changes. A rule never runs learner code (see Context.value).

A family is a module in this package: it registers its rules with `@rule(priority)` from `common`.
FAMILIES fixes the order of the known ones (rules of equal priority are reported in registration
order); any other module here is a family too and is loaded after them, in name order.
"""

from __future__ import annotations

import importlib
import pkgutil

from tutor.hints.context import Context, Unknown
from tutor.hints.rules.common import RULES, SUPERSEDES, rule
from tutor.outcome import Hint

FAMILIES = ("backward", "dtype_shape", "leaf", "inplace", "accumulation", "conversion", "compare", "grad_api",
            "control")
_NOT_FAMILIES = {"common"}

__all__ = ["RULES", "SUPERSEDES", "rule", "run_rules", "FAMILIES"]


def _load_families() -> None:
    extra = sorted(m.name for m in pkgutil.iter_modules(__path__)
                   if m.name not in FAMILIES and m.name not in _NOT_FAMILIES and not m.name.startswith("_"))
    for name in (*FAMILIES, *extra):
        importlib.import_module(f"{__name__}.{name}")


_load_families()


def run_rules(ctx: Context, strict: bool = False) -> list[tuple[int, Hint]]:
    """Every rule's hints for this Context as (priority, hint), in registration order."""
    found: list[tuple[int, Hint]] = []
    for priority, func in RULES:
        try:
            result = func(ctx)
        except Unknown:
            continue
        except Exception:  # noqa: BLE001 - a broken rule must never break the tutor
            if strict:
                raise
            continue
        if result is None:
            continue
        for hint in result if isinstance(result, list) else [result]:
            found.append((priority, hint))
    ids = {hint.id for _, hint in found}
    dropped = {old for new in ids for old in SUPERSEDES.get(new, ()) if old != new}
    return [(p, h) for p, h in found if h.id not in dropped]
