"""Import torch in a background thread so the prompt never waits for it.

`start()` begins the import; `wait()` returns the module, waiting only if it is not loaded yet
(in short slices, so Ctrl-C still interrupts the wait). Without `start()`, `wait()` imports directly.

The garbage collector is paused during the import and the objects torch creates are then frozen
(`gc.freeze()`): full collections over torch's ~165,000 objects made the import 15% slower and
cost ~90 ms each afterwards (tests/benchmarks/run.py measures it).
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading

_done = threading.Event()
_thread: threading.Thread | None = None
_error: BaseException | None = None


def _import():
    """Import numpy and torch with the garbage collector paused, then freeze what they made."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        importlib.import_module("numpy")
        return importlib.import_module("torch")
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _load() -> None:
    global _error
    try:
        _import()
    except BaseException as exc:  # noqa: BLE001 - reported by wait()
        _error = exc
    finally:
        _done.set()


def start() -> None:
    """Begin importing torch in the background (idempotent)."""
    global _thread
    if _thread is None and not _done.is_set():
        _thread = threading.Thread(target=_load, name="torch-import", daemon=True)
        _thread.start()


def ready() -> bool:
    """True once torch is imported (without waiting)."""
    return "torch" in sys.modules and (_thread is None or _done.is_set())


def wait():
    """Return the torch module, importing or waiting for the background import as needed."""
    if _thread is None:
        return sys.modules.get("torch") or _import()
    while not _done.wait(0.05):
        pass
    if _error is not None:
        raise ImportError(f"PyTorch could not be imported: {_error}") from _error
    return sys.modules["torch"]


def loaded():
    """The torch module if it is fully imported, else None (never a half-imported module)."""
    module = sys.modules.get("torch") if ready() else None
    if module is None or getattr(getattr(module, "__spec__", None), "_initializing", False):
        return None
    return module
