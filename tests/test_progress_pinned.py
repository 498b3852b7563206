"""The progress store's records, pinned field by field, read back with plain sqlite3 as the oracle.

What the store writes is checked in the file itself (an independent reader), not only through the
store's own API, so a write that lands in the wrong column or row cannot hide behind a matching read.
"""

from __future__ import annotations

import os
import sqlite3
import time

import pytest

from tutor import progress
from tutor.progress import LessonRecord, ProgressStore, StepRecord


def rows(path, sql):
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_defaults_and_done():
    assert StepRecord() == StepRecord("started", 0, 0, False, None)
    assert [StepRecord(s).done for s in ("started", "passed", "missed", "skipped")] == [False, True, True, True]
    record = LessonRecord("l", steps={"a": StepRecord("passed"), "b": StepRecord("started"),
                                      "c": StepRecord("skipped")})
    assert record.done_count() == 2
    assert record.done_count(["a", "b", "zzz"]) == 1
    assert record.done_count([]) == 0
    assert (record.current, record.completed) == (None, False)
    assert progress.FILENAME == "progress.sqlite3" and progress.SCHEMA_VERSION == 1


def test_what_is_written_in_the_file(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    before = time.time()
    store.save_step("lesson-a", "s1", StepRecord("passed", attempts=2, hints_used=1, solution_shown=True,
                                                 answer="x.grad"))
    store.save_step("lesson-a", "s2", StepRecord("started"), current="s1")
    after = time.time()
    steps = rows(path, "SELECT lesson, step, status, attempts, hints_used, solution_shown, answer, updated "
                       "FROM steps ORDER BY step")
    assert [r[:7] for r in steps] == [("lesson-a", "s1", "passed", 2, 1, 1, "x.grad"),
                                      ("lesson-a", "s2", "started", 0, 0, 0, None)]
    assert all(before <= r[7] <= after for r in steps)
    (lesson,) = rows(path, "SELECT lesson, current, started, updated, completed FROM lessons")
    assert lesson[0] == "lesson-a" and lesson[1] == "s1"  # `current` given explicitly wins
    assert before <= lesson[2] <= lesson[3] <= after and lesson[4] is None
    assert rows(path, "SELECT key, value FROM meta") == [("schema", "1")]
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert store.lesson("lesson-a").steps["s1"] == StepRecord("passed", 2, 1, True, "x.grad")


def test_current_step_and_completion(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    store.save_step("l", "a", StepRecord("passed"))
    assert store.lesson("l").current == "a"  # saving a step makes it current
    store.set_current("l", "b")
    assert store.lesson("l").current == "b"
    store.mark_completed("l")
    (completed,) = rows(path, "SELECT completed FROM lessons")
    assert isinstance(completed[0], float)
    record = store.lesson("l")
    assert record.completed is True and record.current == "b"  # completing keeps the current step
    store.mark_completed("l", completed=False)
    assert rows(path, "SELECT completed FROM lessons") == [(None,)] and store.lesson("l").completed is False
    store.mark_completed("new-lesson")
    assert store.lesson("new-lesson").completed is True and store.lesson("new-lesson").current is None
    (started,) = rows(path, "SELECT started FROM lessons WHERE lesson = 'l'")
    time.sleep(0.01)
    store.set_current("l", "c")
    (again,) = rows(path, "SELECT started, updated FROM lessons WHERE lesson = 'l'")
    assert again[0] == started[0] and again[1] > started[0]  # started stays, updated moves


def test_resets_touch_only_what_they_name(tmp_path):
    store = ProgressStore(tmp_path / "p.sqlite3")
    for lesson in ("l1", "l2"):
        for step in ("a", "b"):
            store.save_step(lesson, step, StepRecord("passed"))
    store.reset_step("l1", "a")
    assert sorted(store.lesson("l1").steps) == ["b"] and sorted(store.lesson("l2").steps) == ["a", "b"]
    store.reset_lesson("l2")
    assert store.lesson("l2") == LessonRecord("l2")
    assert sorted(store.all()) == ["l1"]
    assert store.all()["l1"].steps == {"b": StepRecord("passed")}


def test_unknown_lesson_is_empty_and_memory_store_says_so():
    store = ProgressStore(":memory:")
    assert store.in_memory is True and store.path == ":memory:" and store.notices == []
    assert store.lesson("none") == LessonRecord("none")
    assert store.all() == {}
    store.save_step("l", "a", StepRecord("missed", attempts=1))
    assert store.all() == {"l": LessonRecord("l", current="a", steps={"a": StepRecord("missed", 1)})}
    store.close()
    store.close()  # twice is fine
    assert store.busy_timeout_ms == progress.BUSY_TIMEOUT_MS == 2_000  # issue 14: no 11 s stall


def test_the_default_file_is_in_the_tutor_home(tmp_path, monkeypatch):
    monkeypatch.setenv("AUTOGRAD_TUTOR_HOME", str(tmp_path / "home"))
    store = ProgressStore()
    assert store.path == str(tmp_path / "home" / "progress.sqlite3") and store.in_memory is False
    store.save_step("l", "a", StepRecord("passed"))
    assert rows(tmp_path / "home" / "progress.sqlite3", "SELECT step FROM steps") == [("a",)]


def test_a_home_that_cannot_be_made_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("AUTOGRAD_TUTOR_HOME", str(blocker / "home"))
    store = ProgressStore()
    assert store.in_memory is True and store.path == ":memory:"
    assert len(store.notices) == 1
    assert store.notices[0].startswith("progress will not be saved: cannot create the data directory (")
    store.save_step("l", "a", StepRecord("passed"))
    assert store.lesson("l").steps["a"].status == "passed"


def test_an_unwritable_folder_keeps_progress_in_memory(tmp_path):
    if os.geteuid() == 0:
        folder = tmp_path / "blocked"
        folder.write_text("a file where a folder should be")
        path = folder / "p.sqlite3"
    else:  # pragma: no cover - non-root machines
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        path = folder / "p.sqlite3"
    store = ProgressStore(path)
    assert store.in_memory is True and store.path == ":memory:"
    assert store.notices and store.notices[0].startswith(f"Progress cannot be saved to {path} (")
    assert store.notices[0].endswith("); it is kept in memory for now.")


def test_corrupt_file_notice_names_where_it_went(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    store = ProgressStore(path)
    assert store.in_memory is False and len(store.notices) == 1
    aside = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert len(aside) == 1 and aside[0].startswith("p.sqlite3.corrupt-")
    assert store.notices[0] == (f"Your progress file was damaged (file is not a database); it was moved to "
                                f"{tmp_path / aside[0]} and a fresh one started.")
    assert (tmp_path / aside[0]).read_bytes().startswith(b"this is not a database")
    store.save_step("l", "a", StepRecord("passed"))
    assert rows(path, "SELECT step FROM steps") == [("a",)]
    # a second damaged file in the same second gets its own name
    store.close()
    path.write_bytes(b"garbage again" * 100)
    ProgressStore(path)
    assert len([p for p in tmp_path.iterdir() if ".corrupt-" in p.name and not p.name.endswith(("-wal", "-shm"))]) == 2


@pytest.mark.parametrize("text, corrupt", [
    ("database disk image is malformed", True), ("file is not a database", True),
    ("database corrupt", True), ("integrity check failed: x", True), ("file is encrypted or is not a db", True),
    ("database is locked", False), ("disk I/O error", False), ("", False),
])
def test_what_counts_as_corruption(text, corrupt):
    assert progress._is_corruption(sqlite3.OperationalError(text)) is corrupt
    assert progress._is_corruption(MemoryError()) is True


def test_an_exception_in_a_transaction_rolls_back(tmp_path):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    store.save_step("l", "a", StepRecord("passed"))
    with pytest.raises(RuntimeError):
        with store.transaction() as conn:
            conn.execute("DELETE FROM steps")
            raise RuntimeError("stop")
    assert rows(path, "SELECT step FROM steps") == [("a",)]
    with store.transaction() as conn:
        conn.execute("DELETE FROM steps")
    assert rows(path, "SELECT step FROM steps") == []


def _filled(path, n=400):
    store = ProgressStore(path)
    for i in range(n):
        store.save_step("l", f"s{i}", StepRecord("passed", answer="x" * 200))
    conn = sqlite3.connect(str(path))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the main file
    conn.close()
    return store


def _scribble(path, offset, data):
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


@pytest.fixture
def fixed_stamp(monkeypatch):
    monkeypatch.setattr(progress.time, "strftime", lambda fmt: "20260102-030405" if fmt == "%Y%m%d-%H%M%S" else "?")


def test_a_file_that_fails_the_integrity_check_is_moved_aside(tmp_path, fixed_stamp):
    path = tmp_path / "p.sqlite3"
    _filled(path).close()
    _scribble(path, 4096 * 10 + 100, b"\x55" * 500)  # rows out of order inside a page: sqlite still opens it
    store = ProgressStore(path)
    assert store.notices[0].startswith("Your progress file was damaged (integrity check failed: "
                                       "*** in database main ***\n")
    assert store.notices[0].endswith(f"); it was moved to {path}.corrupt-20260102-030405 and a fresh one started.")
    assert store.all() == {}


def test_damage_found_while_reading_or_writing_is_replaced_and_the_write_retried(tmp_path, fixed_stamp):
    path = tmp_path / "p.sqlite3"
    store = _filled(path)
    _scribble(path, 4096 * 10 + 100, b"\x55" * 500)
    assert store.lesson("l").steps == {}  # the read found the damage: a fresh file, nothing in it
    assert store.notices == [f"Your progress file was damaged (database disk image is malformed); it was moved to "
                             f"{path}.corrupt-20260102-030405 and a fresh one started."]
    other = tmp_path / "q.sqlite3"
    store = _filled(other, 1)
    _scribble(other, 0, b"garbage" * 100)
    store.save_step("l", "b", StepRecord("passed", attempts=4))  # the write is done again in the fresh file
    assert store.notices == [f"Your progress file was damaged (file is not a database); it was moved to "
                             f"{other}.corrupt-20260102-030405 and a fresh one started."]
    assert rows(other, "SELECT step, attempts FROM steps") == [("b", 4)]


def test_aside_names_count_up_within_one_second(tmp_path, fixed_stamp):
    path = tmp_path / "p.sqlite3"
    for i in range(3):
        path.write_bytes(b"not a database %d" % i * 100)
        ProgressStore(path).close()
        aside = tmp_path / ("p.sqlite3.corrupt-20260102-030405" + ("" if i == 0 else f"-{i + 1}"))
        assert aside.read_bytes().startswith(b"not a database %d" % i)
    names = sorted(p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name)
    assert names == ["p.sqlite3.corrupt-20260102-030405", "p.sqlite3.corrupt-20260102-030405-2",
                     "p.sqlite3.corrupt-20260102-030405-3"]


def test_the_write_ahead_log_and_journal_go_aside_with_the_file(tmp_path, fixed_stamp):
    path = tmp_path / "p.sqlite3"
    store = _filled(path)
    other = sqlite3.connect(str(path))  # another shell keeps the file open: its -wal and -shm stay
    other.execute("SELECT count(*) FROM meta").fetchall()
    (tmp_path / "p.sqlite3-journal").write_bytes(b"stray journal")
    _scribble(path, 4096 * 10 + 100, b"\x55" * 500)
    assert store.lesson("l").steps == {}
    other.close()
    aside = "p.sqlite3.corrupt-20260102-030405"
    assert (tmp_path / f"{aside}-journal").read_bytes() == b"stray journal"
    assert (tmp_path / f"{aside}-shm").exists() and (tmp_path / f"{aside}-wal").exists()
    assert not (tmp_path / "p.sqlite3-journal").exists()
    assert rows(path, "SELECT count(*) FROM steps") == [(0,)]


def test_the_real_stamp_is_date_and_time(tmp_path):
    import re

    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"nope" * 100)
    ProgressStore(path)
    (aside,) = [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    assert re.fullmatch(r"p\.sqlite3\.corrupt-20\d{6}-\d{6}", aside)


def test_an_exception_without_text_is_named_by_its_type(tmp_path, fixed_stamp):
    path = tmp_path / "p.sqlite3"
    store = ProgressStore(path)
    store._replace_corrupt(MemoryError())  # sqlite reports some damaged pages as out of memory
    assert store.notices == [f"Your progress file was damaged (MemoryError); it was moved to "
                             f"{path}.corrupt-20260102-030405 and a fresh one started."]


def test_exact_fallback_notices_and_no_stray_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where a folder should be")
    path = blocker / "p.sqlite3"
    store = ProgressStore(path)
    assert store.notices == [f"Progress cannot be saved to {path} ([Errno 17] File exists: '{blocker}'); "
                             "it is kept in memory for now."]
    store.save_step("l", "a", StepRecord("passed"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]  # really in memory: no file anywhere


def test_missing_folders_are_made(tmp_path):
    path = tmp_path / "a" / "b" / "c" / "p.sqlite3"
    store = ProgressStore(path)
    assert store.in_memory is False and store.notices == []
    store.save_step("l", "a", StepRecord("passed"))
    assert rows(path, "SELECT step FROM steps") == [("a",)]


def test_the_store_can_be_used_from_another_thread(tmp_path):
    import threading

    store = ProgressStore(tmp_path / "p.sqlite3")
    errors = []

    def work():
        try:
            store.save_step("l", "t", StepRecord("passed"))
            store.lesson("l")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert errors == [] and store.lesson("l").steps["t"].status == "passed"
