"""The progress store: saving, resuming, a crash mid-write, two writers, a corrupt file."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from tutor.progress import FILENAME, ProgressStore, StepRecord


def test_default_path_is_in_the_tutor_home(tutor_home):
    store = ProgressStore()
    assert store.path == str(tutor_home / FILENAME)
    store.save_step("norms", "l2", StepRecord("passed", attempts=2))
    assert (tutor_home / FILENAME).exists()
    store.close()


def test_saved_steps_come_back_in_a_new_store(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    store.save_step("norms", "intro", StepRecord("passed"))
    store.save_step("norms", "l2", StepRecord("started", attempts=3, hints_used=2, solution_shown=True))
    store.close()

    again = ProgressStore(path)
    record = again.lesson("norms")
    assert record.current == "l2"  # resuming returns to the step where the learner left
    assert record.steps["intro"].status == "passed"
    assert record.steps["l2"] == StepRecord("started", 3, 2, True, None)
    assert record.done_count() == 1
    assert again.lesson("never-started").steps == {}
    assert set(again.all()) == {"norms"}


def test_current_step_completion_and_resets(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    store.save_step("a", "s1", StepRecord("passed"))
    store.save_step("a", "s2", StepRecord("skipped"), current="s3")
    assert store.lesson("a").current == "s3"
    store.set_current("a", "s1")
    assert store.lesson("a").current == "s1"
    store.mark_completed("a")
    assert store.lesson("a").completed and store.lesson("a").current == "s1"
    store.reset_step("a", "s1")
    assert set(store.lesson("a").steps) == {"s2"}
    store.reset_lesson("a")
    record = store.lesson("a")
    assert record.steps == {} and record.current is None and not record.completed


def test_an_exception_inside_a_write_leaves_the_old_state(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    store.save_step("a", "s1", StepRecord("passed"))

    def half_write(conn):
        conn.execute("DELETE FROM steps")
        raise RuntimeError("crash in the middle of the transaction")

    with pytest.raises(RuntimeError):
        store._write(half_write)
    assert store.lesson("a").steps["s1"].status == "passed"
    store.save_step("a", "s2", StepRecord("passed"))  # the store still works afterwards
    assert set(store.lesson("a").steps) == {"s1", "s2"}


CRASHER = textwrap.dedent("""
    import os, signal, sys
    from tutor.progress import ProgressStore, StepRecord
    store = ProgressStore(sys.argv[1])
    with store.transaction() as conn:
        conn.execute("DELETE FROM steps")
        conn.execute("INSERT INTO steps (lesson, step, status, updated) VALUES ('a', 'half', 'passed', 0)")
        print("inside", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)   # killed mid-write, before COMMIT
""")


def test_a_process_killed_mid_write_loses_nothing_committed(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    store.save_step("a", "s1", StepRecord("passed", attempts=1))
    store.close()
    proc = subprocess.run([sys.executable, "-c", CRASHER, str(path)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL and "inside" in proc.stdout
    again = ProgressStore(path)
    assert again.notices == []
    assert set(again.lesson("a").steps) == {"s1"}
    again.save_step("a", "s2", StepRecord("passed"))
    assert set(again.lesson("a").steps) == {"s1", "s2"}


WRITER = textwrap.dedent("""
    import sys
    from tutor.progress import ProgressStore, StepRecord
    store = ProgressStore(sys.argv[1])
    for i in range(int(sys.argv[3])):
        store.save_step(sys.argv[2], f"s{i}", StepRecord("passed", attempts=i))
    print(len(store.notices))
""")


def test_two_writers_at_once(tmp_path):
    path = tmp_path / "p.sqlite3"
    ProgressStore(path).close()
    n = 60
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), name, str(n)], stdout=subprocess.PIPE,
                              text=True) for name in ("one", "two")]
    # and a third writer in this process at the same time, with a long-lived connection
    here = ProgressStore(path)
    for i in range(n):
        here.save_step("three", f"s{i}", StepRecord("started", attempts=i))
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert [o.strip() for o in outs] == ["0", "0"]  # no write was dropped with a notice
    assert here.notices == []
    final = ProgressStore(path)
    for name in ("one", "two", "three"):
        steps = final.lesson(name).steps
        assert len(steps) == n
        assert steps[f"s{n - 1}"].attempts == n - 1


def test_a_corrupt_file_is_moved_aside_and_a_fresh_store_starts(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not a database, just some junk " * 200)
    store = ProgressStore(path)
    assert len(store.notices) == 1
    notice = store.notices[0]
    assert "moved to" in notice and "\n" not in notice
    aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert str(aside[0]) in notice
    store.save_step("a", "s1", StepRecord("passed"))
    assert ProgressStore(path).lesson("a").steps["s1"].status == "passed"


def test_a_database_damaged_inside_is_replaced(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    for i in range(200):
        store.save_step("a", f"s{i}", StepRecord("passed", answer="x" * 200))
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    for offset in range(4096 + 100, len(data), 997):  # scribble over every page but the header
        data[offset:offset + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    again = ProgressStore(path)
    again.lesson("a")
    again.save_step("b", "s1", StepRecord("passed"))
    assert again.notices and "damaged" in again.notices[0]
    assert again.lesson("b").steps["s1"].status == "passed"


def test_a_home_that_cannot_hold_the_file_keeps_progress_in_memory(tmp_path):
    blocker = tmp_path / "home-is-a-file"
    blocker.write_text("not a directory")
    store = ProgressStore(blocker / FILENAME)
    assert store.in_memory and len(store.notices) == 1 and "cannot be saved" in store.notices[0]
    store.save_step("a", "s1", StepRecord("passed"))
    assert store.lesson("a").steps["s1"].status == "passed"


def test_in_memory_store():
    store = ProgressStore(":memory:")
    store.save_step("a", "s1", StepRecord("missed"))
    assert store.lesson("a").steps["s1"].done
    assert store.in_memory and store.notices == []


def test_many_saves_keep_one_row_and_one_file(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    for i in range(200):
        store.save_step("a", "s1", StepRecord("started", attempts=i))
    assert store.lesson("a").steps["s1"].attempts == 199
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sqlite3", "p.sqlite3-shm", "p.sqlite3-wal"]
