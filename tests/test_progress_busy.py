"""The progress store waits its turn when another shell is writing (the busy timeout), deterministically.

Another connection takes the write lock (BEGIN IMMEDIATE) before the store writes, and lets it go
after a known delay: the store's write must wait for it and then succeed, and give up (with a notice,
never a crash) only once its own busy timeout has passed. Times are wall-clock, with generous bounds.
"""

from __future__ import annotations

import sqlite3
import threading
import time

from tutor.progress import ProgressStore, StepRecord


def hold_write_lock(path, seconds: float) -> threading.Thread:
    """Take the write lock now (in this thread); release it from another thread after `seconds`."""
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    def release():
        time.sleep(seconds)
        other.execute("COMMIT")
        other.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_a_write_waits_for_another_writer_and_then_succeeds(tmp_path):
    path = tmp_path / "progress.sqlite3"
    store = ProgressStore(path)  # the default busy timeout
    store.save_step("l1", "a", StepRecord("passed", attempts=1))
    thread = hold_write_lock(path, 0.6)
    started = time.perf_counter()
    store.save_step("l1", "b", StepRecord("passed", attempts=2))
    waited = time.perf_counter() - started
    thread.join()
    assert store.notices == []  # nothing was dropped
    assert waited >= 0.5, waited  # it really waited for the other writer
    steps = ProgressStore(path).lesson("l1").steps
    assert steps["b"] == StepRecord("passed", attempts=2)
    assert steps["a"] == StepRecord("passed", attempts=1)


def test_a_write_gives_up_after_its_busy_timeout_with_a_notice(tmp_path):
    path = tmp_path / "progress.sqlite3"
    store = ProgressStore(path, busy_timeout_ms=300)
    thread = hold_write_lock(path, 1.5)
    started = time.perf_counter()
    store.save_step("l1", "a", StepRecord("passed"))
    waited = time.perf_counter() - started
    assert 0.25 <= waited < 1.5, waited  # gave up before the other writer finished
    assert store.notices == ["Progress could not be saved just now (database is locked)."]
    thread.join()
    # once the other writer is gone, saving works again
    store.save_step("l1", "a", StepRecord("passed"))
    assert ProgressStore(path).lesson("l1").steps["a"].status == "passed"


def test_a_lock_kept_by_another_process_costs_one_busy_timeout_not_one_per_write(tmp_path):
    path = tmp_path / "progress.sqlite3"
    store = ProgressStore(path, busy_timeout_ms=1000)
    thread = hold_write_lock(path, 6)
    started = time.perf_counter()
    store.save_step("l1", "a", StepRecord("passed"))  # waits its busy timeout, then keeps the write
    first = time.perf_counter() - started
    for step in "bcd":
        store.save_step("l1", step, StepRecord("passed"))
    later = time.perf_counter() - started - first
    assert 0.9 <= first and later < 2.0, (first, later)  # not 3 more busy timeouts
    assert store.notices == ["Progress could not be saved just now (database is locked)."]  # said once
    thread.join()
    store.save_step("l1", "e", StepRecord("passed"))
    assert set(ProgressStore(path).lesson("l1").steps) == set("abcde")
