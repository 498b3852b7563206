"""The progress store: which lesson steps a learner has done, saved after every step.

One sqlite3 file, `progress.sqlite3` in `tutor.home.data_dir()` (AUTOGRAD_TUTOR_HOME overrides).

- Every write is one transaction (`BEGIN IMMEDIATE ... COMMIT`) in WAL mode, so a process killed in the
  middle of a write leaves the last committed state behind, never half a write.
- Two shells may be open at once: WAL lets readers go on while one writer writes, and a busy timeout
  makes the second writer wait its turn instead of failing.
- A file that is not a database (or fails sqlite's integrity check) is moved aside as
  `progress.sqlite3.corrupt-YYYYMMDD-HHMMSS`, with a one-line notice, and a fresh store starts.
- When nothing can be saved at all (a read-only home, a full disk), the store keeps working in memory
  and says so once; the tutor never stops because of its progress file.

Statuses of a step: "started" (seen, not finished), "passed", "missed" (a wrong prediction: the step
is over), "skipped". `done` means passed, missed or skipped.
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

FILENAME = "progress.sqlite3"
BUSY_TIMEOUT_MS = 2_000  # a write waits this long for another shell's; then it is kept and retried
RETRY_BUSY_MS = 100  # while writes are kept (the file stays locked), each later write waits this long
SCHEMA_VERSION = 1
DONE = ("passed", "missed", "skipped")
# Two shells may write the same step: the further status wins, so a step never goes back from
# passed to skipped or started (only %reset, which deletes the row, starts it again).
RANK = {"started": 0, "skipped": 1, "missed": 2, "passed": 3}
_RANK_SQL = "CASE {col} WHEN 'passed' THEN 3 WHEN 'missed' THEN 2 WHEN 'skipped' THEN 1 ELSE 0 END"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lessons (
    lesson TEXT PRIMARY KEY,
    current TEXT,
    started REAL NOT NULL,
    updated REAL NOT NULL,
    completed REAL
);
CREATE TABLE IF NOT EXISTS steps (
    lesson TEXT NOT NULL,
    step TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    hints_used INTEGER NOT NULL DEFAULT 0,
    solution_shown INTEGER NOT NULL DEFAULT 0,
    answer TEXT,
    updated REAL NOT NULL,
    PRIMARY KEY (lesson, step)
);
"""


_COLUMNS = {"meta": {"key", "value"}, "lessons": {"lesson", "current", "started", "updated", "completed"},
            "steps": {"lesson", "step", "status", "attempts", "hints_used", "solution_shown", "answer", "updated"}}


@dataclass
class StepRecord:
    status: str = "started"
    attempts: int = 0
    hints_used: int = 0
    solution_shown: bool = False
    answer: str | None = None

    @property
    def done(self) -> bool:
        return self.status in DONE


@dataclass
class LessonRecord:
    lesson: str
    current: str | None = None  # the step the learner was on
    completed: bool = False
    steps: dict[str, StepRecord] = field(default_factory=dict)

    def done_count(self, step_ids=None) -> int:
        ids = self.steps if step_ids is None else step_ids
        return sum(1 for s in ids if s in self.steps and self.steps[s].done)


class ProgressStore:
    """Saved lesson progress. `ProgressStore()` opens the learner's file; `ProgressStore(":memory:")`
    keeps everything in memory (`play` and tests)."""

    def __init__(self, path: str | os.PathLike | None = None, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS):
        self.notices: list[str] = []  # one-line messages for the learner (corrupt file, not saving)
        self.busy_timeout_ms = busy_timeout_ms
        if path is None:
            try:
                from tutor.home import data_dir

                path = data_dir() / FILENAME
            except OSError as exc:
                self.notices.append(f"progress will not be saved: cannot create the data directory ({exc})")
                path = ":memory:"
        self.path = str(path)
        self.in_memory = self.path == ":memory:"
        self._conn: sqlite3.Connection | None = None
        self._pending: list = []  # writes that found the file locked, retried with the next write
        self._open()

    # -- opening, corruption, fallback -------------------------------------------------------

    def _connect(self, path: str) -> sqlite3.Connection:
        conn = sqlite3.connect(path, timeout=self.busy_timeout_ms / 1000, isolation_level=None,
                               check_same_thread=False)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            if path != ":memory:":
                mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode and str(mode[0]).lower() != "wal":
                    conn.execute("PRAGMA journal_mode = DELETE")  # a rollback journal is safe too
                conn.execute("PRAGMA synchronous = NORMAL")
                check = conn.execute("PRAGMA quick_check").fetchone()
                if not check or check[0] != "ok":
                    raise sqlite3.DatabaseError(f"integrity check failed: {check[0] if check else '?'}")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for table, needed in _COLUMNS.items():  # tables of the right names but not of this store
                if table in tables:
                    have = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
                    if not needed <= have:
                        raise sqlite3.DatabaseError(f"not a progress file of this tutor (table {table} "
                                                    f"lacks {', '.join(sorted(needed - have))})")
            if not {"meta", "lessons", "steps"} <= tables:  # a new file: no write lock needed otherwise
                conn.execute("BEGIN IMMEDIATE")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                conn.execute("COMMIT")
        except BaseException:
            conn.close()
            raise
        return conn

    def _open(self) -> None:
        if self.in_memory:
            self._conn = self._connect(":memory:")
            return
        existing = {suffix: os.path.exists(self.path + suffix) for suffix in ("-wal", "-shm")}
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._conn = self._connect(self.path)
        except sqlite3.OperationalError as exc:
            if _is_corruption(exc):
                self._replace_corrupt(exc)
            else:
                self._remove_strays(existing)
                self._fall_back(exc)
        except (sqlite3.DatabaseError, MemoryError) as exc:  # sqlite reports some damaged pages as NOMEM
            self._replace_corrupt(exc)
        except OSError as exc:
            self._fall_back(exc)

    def _replace_corrupt(self, exc: Exception) -> None:
        exc = exc if str(exc) else type(exc).__name__
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = f"{self.path}.corrupt-{stamp}"
        n = 1
        while os.path.exists(aside):
            n += 1
            aside = f"{self.path}.corrupt-{stamp}-{n}"
        try:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm", "-journal"):
                if os.path.exists(self.path + suffix):
                    os.replace(self.path + suffix, aside + suffix)
            self._conn = self._connect(self.path)
            self.notices.append(
                f"Your progress file was damaged ({exc}); it was moved to {aside} and a fresh one started."
            )
        except (OSError, sqlite3.Error) as again:
            self._fall_back(again)

    def _remove_strays(self, existed: dict) -> None:
        """Remove the -wal/-shm files a failed open left behind (never ones that were there before)."""
        for suffix, was_there in existed.items():
            stray = self.path + suffix
            if not was_there and os.path.exists(stray):
                try:
                    os.remove(stray)
                except OSError:
                    pass

    def _fall_back(self, exc: Exception) -> None:
        self.notices.append(f"Progress cannot be saved to {self.path} ({exc}); it is kept in memory for now.")
        source, self.path, self.in_memory = self.path, ":memory:", True
        self._conn = self._connect(":memory:")
        self._copy_readable(source)

    def _copy_readable(self, source: str) -> None:
        """A file that can be read but not written (read-only): its progress is still shown."""
        if source == ":memory:" or not os.path.isfile(source):
            return
        try:
            uri = "file:" + urllib.parse.quote(os.path.abspath(source)) + "?mode=ro&immutable=1"
            src = sqlite3.connect(uri, uri=True)
            try:
                src.backup(self._conn)
            finally:
                src.close()
            self.notices[-1] = (f"Progress cannot be saved to {source}; what it holds is shown, and new "
                                "progress is kept in memory for now.")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- transactions -----------------------------------------------------------------------

    @contextmanager
    def transaction(self):
        """One atomic write: everything inside is saved together or not at all."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _write(self, func) -> None:
        """Run `func(conn)` in a transaction; a damaged file is replaced and the write tried once more.
        A write that finds the file locked by another process is kept and retried with the next one."""
        pending, self._pending = self._pending, []
        funcs = pending + [func]

        def all_writes(conn):
            for f in funcs:
                f(conn)

        # After a write found the file locked for a whole busy timeout, the next ones try briefly: the
        # learner waits at most one busy timeout for a lock another process keeps, not one per step.
        brief = bool(pending) and not self.in_memory
        try:
            if brief:
                self._busy(RETRY_BUSY_MS)
            with self.transaction() as conn:
                all_writes(conn)
        except (sqlite3.DatabaseError, MemoryError) as exc:
            if self.in_memory:
                raise
            if _is_corruption(exc) or not isinstance(exc, sqlite3.OperationalError):
                self._replace_corrupt(exc)
            else:  # e.g. still locked after the busy timeout, or the disk is full
                notice = f"Progress could not be saved just now ({exc})."
                if not pending or not self.notices or self.notices[-1] != notice:
                    self.notices.append(notice)  # once while the trouble lasts, not at every step
                self._pending = funcs[-100:]
                return
            with self.transaction() as conn:
                all_writes(conn)
        finally:
            if brief and self._conn is not None:
                self._busy(self.busy_timeout_ms)

    def _busy(self, ms: int) -> None:
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(ms)}")
        except sqlite3.Error:
            pass

    def _read(self, sql: str, params=()) -> list[tuple]:
        try:
            return self._conn.execute(sql, params).fetchall()
        except (sqlite3.DatabaseError, MemoryError) as exc:
            if self.in_memory:
                raise
            self._replace_corrupt(exc)
            return self._conn.execute(sql, params).fetchall()

    # -- the API the coach uses ---------------------------------------------------------------

    def lesson(self, lesson_id: str) -> LessonRecord:
        """The saved progress of one lesson (empty if never started)."""
        record = LessonRecord(lesson_id)
        rows = self._read("SELECT current, completed FROM lessons WHERE lesson = ?", (lesson_id,))
        if rows:
            record.current, record.completed = rows[0][0], rows[0][1] is not None
        for step, status, attempts, hints, shown, answer in self._read(
            "SELECT step, status, attempts, hints_used, solution_shown, answer FROM steps WHERE lesson = ?",
            (lesson_id,),
        ):
            if isinstance(step, str):  # a file edited or damaged by hand may hold anything: read it sanely
                record.steps[step] = StepRecord(status if status in RANK else "started", _count(attempts),
                                                _count(hints), shown not in (0, None, "", b""),
                                                answer if isinstance(answer, str) else None)
        if not isinstance(record.current, str):
            record.current = None
        return record

    def all(self) -> dict[str, LessonRecord]:
        """Every lesson with saved progress."""
        return {lesson: self.lesson(lesson) for (lesson,) in self._read("SELECT lesson FROM lessons")}

    def save_step(self, lesson_id: str, step_id: str, record: StepRecord, *, current: str | None = None) -> None:
        """Save one step's record (and which step is current) in one transaction."""
        now = time.time()

        def write(conn):
            further = f"{_RANK_SQL.format(col='excluded.status')} >= {_RANK_SQL.format(col='steps.status')}"
            conn.execute(
                "INSERT INTO steps (lesson, step, status, attempts, hints_used, solution_shown, answer, updated)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (lesson, step) DO UPDATE SET"
                f" status = CASE WHEN {further} THEN excluded.status ELSE steps.status END,"
                " attempts = MAX(steps.attempts, excluded.attempts),"
                " hints_used = MAX(steps.hints_used, excluded.hints_used),"
                " solution_shown = MAX(steps.solution_shown, excluded.solution_shown),"
                f" answer = CASE WHEN {further} THEN excluded.answer ELSE steps.answer END,"
                " updated = excluded.updated",
                (lesson_id, step_id, record.status, record.attempts, record.hints_used,
                 int(record.solution_shown), record.answer, now),
            )
            _touch_lesson(conn, lesson_id, current if current is not None else step_id, now)

        self._write(write)

    def set_current(self, lesson_id: str, step_id: str) -> None:
        now = time.time()
        self._write(lambda conn: _touch_lesson(conn, lesson_id, step_id, now))

    def mark_completed(self, lesson_id: str, completed: bool = True) -> None:
        now = time.time()

        def write(conn):
            _touch_lesson(conn, lesson_id, None, now)
            conn.execute("UPDATE lessons SET completed = ? WHERE lesson = ?",
                         (now if completed else None, lesson_id))

        self._write(write)

    def reset_lesson(self, lesson_id: str) -> None:
        def write(conn):
            conn.execute("DELETE FROM steps WHERE lesson = ?", (lesson_id,))
            conn.execute("DELETE FROM lessons WHERE lesson = ?", (lesson_id,))

        self._write(write)

    def reset_step(self, lesson_id: str, step_id: str) -> None:
        self._write(lambda conn: conn.execute(
            "DELETE FROM steps WHERE lesson = ? AND step = ?", (lesson_id, step_id)))



class MirroredStore(ProgressStore):
    """In memory, with every write also made in the file at `mirror_path` (`play` under a hard limit).

    Reads come from memory, so a worker that replays a lesson's inputs sees what the first worker saw;
    the file gathers what every worker saved, a worker that was killed included. While `replaying()` is
    true the file is left alone: a replayed input's writes are in it already, from the worker that ran
    it first, so each write reaches the file once. The file is opened on the first write, in the process
    that writes (an sqlite connection never crosses a fork).
    """

    def __init__(self, mirror_path: str | os.PathLike, replaying=lambda: False):
        super().__init__(":memory:")
        self.mirror_path, self.replaying = str(mirror_path), replaying
        self._mirror: ProgressStore | None = None

    @property
    def mirror(self) -> ProgressStore:
        if self._mirror is None:
            self._mirror = ProgressStore(self.mirror_path)
        return self._mirror

    def _write(self, func) -> None:
        super()._write(func)
        if not self.replaying():
            self.mirror._write(func)

def _touch_lesson(conn, lesson_id: str, current: str | None, now: float) -> None:
    conn.execute(
        "INSERT INTO lessons (lesson, current, started, updated) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (lesson) DO UPDATE SET updated = excluded.updated,"
        " current = COALESCE(excluded.current, lessons.current)",
        (lesson_id, current, now, now),
    )


def _count(value) -> int:
    return value if type(value) is int and value >= 0 else 0


def _is_corruption(exc: Exception) -> bool:
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return any(word in text for word in ("malformed", "not a database", "corrupt", "integrity check",
                                         "file is encrypted"))
