"""Finding and loading lessons: the built-in ones, an instructor's directory, and lesson packs.

Where lessons come from, in this order:
1. the built-in `lessons` package shipped in the wheel: every module `lessons/<name>.py` whose name does
   not start with `_`, sorted by module name (lesson01_norms, lesson02_derivatives, ...);
2. `--lessons-dir DIR` (or the AUTOGRAD_TUTOR_LESSONS_DIR environment variable, several dirs separated
   by os.pathsep): every `DIR/*.py` not starting with `_`, sorted by file name;
3. lesson packs: installed distributions that declare entry points in the group `autograd_tutor.lessons`;
   an entry point may name a Lesson, a module defining `lesson`, a package of such modules, a list of
   lessons, or a function returning any of these.

A module must define `lesson = Lesson(...)`. A module that fails to import, defines no lesson, or
reuses an id already taken is listed as broken with a one-line error; the others load normally.
The tutor never imports a lesson by name: it only asks this catalog.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import sys
from dataclasses import dataclass
from pathlib import Path

from tutor.display import a_type
from tutor.lesson import Lesson

ENTRY_POINT_GROUP = "autograd_tutor.lessons"
DIR_ENV = "AUTOGRAD_TUTOR_LESSONS_DIR"


@dataclass
class LessonEntry:
    """One lesson found by the loader: the lesson, or the error that kept it from loading."""

    name: str  # the module name (or file stem); what the error list shows for broken ones
    origin: str  # "built-in", a directory path, or "pack NAME"
    lesson: Lesson | None = None
    error: str | None = None
    path: str | None = None

    @property
    def id(self) -> str:
        return self.lesson.id if self.lesson is not None else self.name

    @property
    def ok(self) -> bool:
        return self.lesson is not None


class Catalog:
    """The lessons found, in order, with lookup by id, number or unique prefix."""

    def __init__(self, entries: list[LessonEntry]):
        self.entries = entries

    def __iter__(self):
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def lessons(self) -> list[Lesson]:
        return [e.lesson for e in self.entries if e.lesson is not None]

    @property
    def broken(self) -> list[LessonEntry]:
        return [e for e in self.entries if e.lesson is None]

    def number(self, lesson_id: str) -> int | None:
        """The 1-based position of a lesson among the loaded ones."""
        for i, lesson in enumerate(self.lessons, 1):
            if lesson.id == lesson_id:
                return i
        return None

    def find(self, key: str) -> Lesson:
        """The lesson for an id, a number (`3`, `03`), a module name, or a unique id prefix.

        Raises LookupError with one clear sentence when nothing (or more than one lesson) matches.
        """
        key = key.strip()
        if not key:
            raise LookupError("name a lesson: %lessons lists them")
        lessons = self.lessons
        for lesson in lessons:
            if lesson.id == key:
                return lesson
        if key.isdigit():
            n = int(key)
            if 1 <= n <= len(lessons):
                return lessons[n - 1]
            raise LookupError(f"there is no lesson {n}: the lessons are numbered 1 to {len(lessons)}")
        for entry in self.entries:
            if entry.name == key:
                if entry.lesson is None:
                    raise LookupError(f"lesson {key} could not be loaded: {entry.error}")
                return entry.lesson
        for entry in self.broken:
            if entry.name.endswith(key) or key in entry.name:
                raise LookupError(f"lesson {entry.name} could not be loaded: {entry.error}")
        matches = [lesson for lesson in lessons if lesson.id.startswith(key.lower())]
        if len(matches) == 1:
            return matches[0]
        if matches:
            names = ", ".join(m.id for m in matches)
            raise LookupError(f"{key!r} could be any of {names}: type more of the name")
        raise LookupError(f"no lesson called {key!r}: %lessons lists them")


# -- loading -----------------------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    first = text[0] if text else ""
    where = ""
    tutor_dir = str(Path(__file__).resolve().parent)
    tb = exc.__traceback__
    while tb is not None:  # the last frame in the lesson's own code (not importlib's, not the tutor's)
        name = tb.tb_frame.f_code.co_filename
        if not name.startswith(("<frozen", tutor_dir)) and "importlib" not in name:
            where = f" ({Path(name).name}, line {tb.tb_lineno})"
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and exc.lineno:
        where = f" ({Path(exc.filename or '?').name}, line {exc.lineno})"
        first = exc.msg
    return f"{type(exc).__name__}: {first}{where}" if first else f"{type(exc).__name__}{where}"


def _lesson_of(module, name: str, origin: str, path: str | None) -> LessonEntry:
    lesson = getattr(module, "lesson", None)
    if isinstance(lesson, Lesson):
        return LessonEntry(name, origin, lesson=lesson, path=path)
    what = "defines no `lesson`" if lesson is None else f"its `lesson` is {a_type(lesson)}, not a Lesson"
    return LessonEntry(name, origin, error=f"the module {what}", path=path)


def _import(module_name: str, name: str, origin: str) -> LessonEntry:
    try:
        module = importlib.import_module(module_name)
    except BaseException as exc:  # noqa: BLE001 - a broken lesson is listed, never fatal
        if isinstance(exc, KeyboardInterrupt):
            raise
        return LessonEntry(name, origin, error=_one_line(exc))
    return _lesson_of(module, name, origin, getattr(module, "__file__", None))


def builtin_entries() -> list[LessonEntry]:
    try:
        import lessons as package
    except ImportError as exc:
        return [LessonEntry("lessons", "built-in", error=f"the built-in lessons are missing: {exc}")]
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_"))
    return [_import(f"lessons.{name}", name, "built-in") for name in names]


def dir_entries(directory: str | os.PathLike) -> list[LessonEntry]:
    root = Path(directory).expanduser()
    if not root.is_dir():
        return [LessonEntry(str(root), str(root), error="no such lessons directory")]
    entries = []
    for path in sorted(root.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module_name = f"autograd_tutor_lessons_dir_{abs(hash(str(root.resolve()))) % 10**8}_{path.stem}"
        try:
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module  # dataclasses and pickling look modules up here
            spec.loader.exec_module(module)
        except BaseException as exc:  # noqa: BLE001 - listed as broken
            sys.modules.pop(module_name, None)
            if isinstance(exc, KeyboardInterrupt):
                raise
            entries.append(LessonEntry(path.stem, str(root), error=_one_line(exc), path=str(path)))
            continue
        entries.append(_lesson_of(module, path.stem, str(root), str(path)))
    return entries


def _from_object(obj, name: str, origin: str) -> list[LessonEntry]:
    if isinstance(obj, Lesson):
        return [LessonEntry(name, origin, lesson=obj)]
    if hasattr(obj, "__path__"):  # a package: every submodule is a lesson module
        return [
            _import(f"{obj.__name__}.{info.name}", info.name, origin)
            for info in sorted(pkgutil.iter_modules(obj.__path__), key=lambda i: i.name)
            if not info.name.startswith("_")
        ]
    if hasattr(obj, "__file__") or type(obj).__name__ == "module":
        return [_lesson_of(obj, name, origin, getattr(obj, "__file__", None))]
    if callable(obj):
        return _from_object(obj(), name, origin)
    if isinstance(obj, (list, tuple)):
        found = []
        for i, item in enumerate(obj):
            found.extend(_from_object(item, f"{name}[{i}]", origin))
        return found
    return [LessonEntry(name, origin, error=f"the entry point gave a {type(obj).__name__}, not lessons")]


def pack_entries() -> list[LessonEntry]:
    try:
        from importlib.metadata import entry_points

        points = entry_points(group=ENTRY_POINT_GROUP)
    except Exception:  # noqa: BLE001 - broken metadata must not stop the tutor
        return []
    entries = []
    for point in sorted(points, key=lambda p: p.name):
        origin = f"pack {point.name}"
        try:
            entries.extend(_from_object(point.load(), point.name, origin))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            entries.append(LessonEntry(point.name, origin, error=_one_line(exc)))
    return entries


def env_dirs() -> list[str]:
    value = os.environ.get(DIR_ENV, "")
    return [d for d in value.split(os.pathsep) if d.strip()]


def load_catalog(dirs: list[str] | None = None, *, builtin: bool = True, packs: bool = True) -> Catalog:
    """Every lesson found: built-in, then `dirs` (default: $AUTOGRAD_TUTOR_LESSONS_DIR), then packs."""
    entries: list[LessonEntry] = []
    if builtin:
        entries += builtin_entries()
    for directory in env_dirs() if dirs is None else dirs:
        entries += dir_entries(directory)
    if packs:
        entries += pack_entries()
    seen: dict[str, LessonEntry] = {}
    for entry in entries:
        if entry.lesson is None:
            continue
        first = seen.get(entry.lesson.id)
        if first is not None:
            entry.error = f"lesson id {entry.lesson.id!r} is already used by {first.name} ({first.origin})"
            entry.lesson = None
        else:
            seen[entry.lesson.id] = entry
    return Catalog(entries)


_default: Catalog | None = None
_default_dirs: list[str] | None = None


def configure(dirs: list[str] | None) -> None:
    """Set the extra lesson directories (the CLI's --lessons-dir) for the default catalog."""
    global _default, _default_dirs
    _default_dirs = list(dirs) if dirs else None
    _default = None


def default_catalog(refresh: bool = False) -> Catalog:
    """The catalog the shell uses (loaded once)."""
    global _default
    if _default is None or refresh:
        dirs = (_default_dirs or []) + env_dirs()
        _default = load_catalog(dirs)
    return _default
