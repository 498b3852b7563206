"""The main thread's stack: raised at start-up so that PyTorch can free deep autograd graphs.

PyTorch frees a graph recursively in C++ once Python has walked its nodes; a chain of ~45,000 nodes
overflows the usual 8 MB stack and kills the process. The main thread's stack grows on demand up to
the soft RLIMIT_STACK, so raising the soft limit to the hard limit at start-up (`raise_limit`) lets
%graph and %trace walk 120,000 nodes where the stack allows it (`deep_graphs`), and 25,000 elsewhere.
"""

from __future__ import annotations

DEEP_STACK_BYTES = 256 * 2**20  # enough for freeing a walked chain of 120,000 nodes (~25 MB) many times over


def _limits():
    import resource

    return resource, resource.getrlimit(resource.RLIMIT_STACK)


def raise_limit() -> None:
    """Raise the soft stack limit to the hard limit (call once, at start-up)."""
    try:
        resource, (soft, hard) = _limits()
        if soft != resource.RLIM_INFINITY and (hard == resource.RLIM_INFINITY or soft < hard):
            resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass


def deep_graphs() -> bool:
    """Whether the stack may grow enough to free a walked graph of 120,000 nodes."""
    try:
        resource, (soft, _) = _limits()
    except (ImportError, ValueError, OSError):
        return False
    return soft == resource.RLIM_INFINITY or soft >= DEEP_STACK_BYTES
