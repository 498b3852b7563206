"""Finding lessons: built-in, --lessons-dir, entry-point packs, broken modules, lookup."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from tutor.lesson import Lesson
from tutor.lessons import ENTRY_POINT_GROUP, Catalog, LessonEntry, load_catalog

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
LESSONS_DIR = Path(__file__).parent.parent / "lessons"

SMALL = textwrap.dedent("""
    from tutor.lesson import Lesson, Task, Text, close
    lesson = Lesson(id={id!r}, title="Small {id}", section="2.3", steps=[
        Text("read", markdown="hello"),
        Task("do", goal="make z = 3", checks=[close("z", 3)], solution="z = 3", wrong=["z = 2"]),
    ])
""")


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


def test_builtin_lessons_are_every_module_in_the_package_sorted_by_name():
    catalog = load_catalog([], packs=False)
    expected = sorted(p.stem for p in LESSONS_DIR.glob("*.py") if not p.name.startswith("_"))
    assert [e.name for e in catalog] == expected
    assert all(e.origin == "built-in" for e in catalog)
    for entry in catalog:
        if entry.ok:
            assert isinstance(entry.lesson, Lesson) and entry.path.endswith(entry.name + ".py")


def test_a_directory_of_lessons_loads_after_the_builtin_ones(tmp_path):
    write(tmp_path, "b_second.py", SMALL.format(id="second"))
    write(tmp_path, "a_first.py", SMALL.format(id="first"))
    write(tmp_path, "_helper.py", "raise RuntimeError('helpers are not lessons')")
    catalog = load_catalog([str(tmp_path)], packs=False)
    mine = [e for e in catalog if e.origin == str(tmp_path)]
    assert [e.id for e in mine] == ["first", "second"]
    assert catalog.lessons[-2:] == [mine[0].lesson, mine[1].lesson]
    assert catalog.number("first") == len(catalog.lessons) - 1


def test_a_broken_lesson_is_listed_with_its_error_and_the_others_load(tmp_path):
    write(tmp_path, "a_good.py", SMALL.format(id="good"))
    write(tmp_path, "b_syntax.py", "lesson = (\n")
    write(tmp_path, "c_raises.py", "import math\nvalue = 1 / 0\n")
    write(tmp_path, "d_nolesson.py", "x = 1\n")
    write(tmp_path, "e_invalid.py", "from tutor.lesson import Lesson\nlesson = Lesson(id='Bad Id', title='t', section='2')\n")
    write(tmp_path, "f_dup.py", SMALL.format(id="good"))
    catalog = load_catalog([str(tmp_path)], builtin=False, packs=False)
    assert [e.id for e in catalog.lessons] == ["good"]
    errors = {e.name: e.error for e in catalog.broken}
    assert errors["b_syntax"].startswith("SyntaxError:") and "line" in errors["b_syntax"]
    assert errors["c_raises"] == "ZeroDivisionError: division by zero (c_raises.py, line 2)"
    assert errors["d_nolesson"] == "the module defines no `lesson`"
    assert errors["e_invalid"].startswith("ValueError: lesson 'Bad Id'") and "no steps" in errors["e_invalid"]
    assert "already used by a_good" in errors["f_dup"]
    assert all("\n" not in error for error in errors.values())


def test_a_missing_directory_is_reported_not_fatal(tmp_path):
    catalog = load_catalog([str(tmp_path / "nope")], builtin=False, packs=False)
    assert len(catalog) == 1 and catalog.broken[0].error == "no such lessons directory"


def test_the_environment_variable_adds_directories(tmp_path, monkeypatch):
    write(tmp_path, "x.py", SMALL.format(id="from-env"))
    monkeypatch.setenv("AUTOGRAD_TUTOR_LESSONS_DIR", str(tmp_path))
    assert "from-env" in [lesson.id for lesson in load_catalog(builtin=False, packs=False).lessons]


def test_lesson_packs_come_from_entry_points(tmp_path, monkeypatch):
    """A real installed distribution (a .dist-info on sys.path) with entry points in our group."""
    site = tmp_path / "site"
    write(site / "mypack", "__init__.py", "")
    write(site / "mypack", "one.py", SMALL.format(id="pack-one"))
    write(site / "mypack" / "more", "__init__.py", "")
    write(site / "mypack" / "more", "lesson_a.py", SMALL.format(id="pack-a"))
    write(site / "mypack" / "more", "lesson_b.py", "raise ImportError('pack lesson b is broken')")
    write(site / "mypack", "factory.py", "from mypack.one import lesson\ndef lessons():\n    return [lesson]\n")
    dist = site / "mypack-1.0.dist-info"
    write(dist, "METADATA", "Metadata-Version: 2.1\nName: mypack\nVersion: 1.0\n")
    write(dist, "entry_points.txt", f"[{ENTRY_POINT_GROUP}]\n"
          "a_single = mypack.one:lesson\nb_package = mypack.more\nc_missing = mypack.nothere\n")
    monkeypatch.syspath_prepend(str(site))
    try:
        catalog = load_catalog([], builtin=False)
        by_name = {e.name: e for e in catalog}
        assert by_name["a_single"].lesson.id == "pack-one" and by_name["a_single"].origin == "pack a_single"
        assert by_name["lesson_a"].lesson.id == "pack-a"
        assert "pack lesson b is broken" in by_name["lesson_b"].error
        assert by_name["c_missing"].error.startswith("ModuleNotFoundError")
    finally:
        for name in [m for m in sys.modules if m == "mypack" or m.startswith("mypack.")]:
            del sys.modules[name]


def lesson(id_: str) -> Lesson:
    from tutor.lesson import Text

    return Lesson(id=id_, title=id_, section="2.3", steps=[Text("t", markdown="x")])


def test_find_by_id_number_module_and_prefix():
    entries = [LessonEntry("lesson01_norms", "built-in", lesson=lesson("norms")),
               LessonEntry("lesson02_derivs", "built-in", lesson=lesson("derivatives")),
               LessonEntry("lesson03_bad", "built-in", error="SyntaxError: oops"),
               LessonEntry("lesson04_dx", "built-in", lesson=lesson("detach"))]
    catalog = Catalog(entries)
    assert catalog.find("norms").id == "norms"
    assert catalog.find("2").id == "derivatives" and catalog.find("03").id == "detach"
    assert catalog.find("lesson02_derivs").id == "derivatives"
    assert catalog.find("no").id == "norms"
    with pytest.raises(LookupError, match="could be any of derivatives, detach"):
        catalog.find("de")
    with pytest.raises(LookupError, match="could not be loaded: SyntaxError: oops"):
        catalog.find("lesson03_bad")
    with pytest.raises(LookupError, match="numbered 1 to 3"):
        catalog.find("9")
    with pytest.raises(LookupError, match="no lesson called 'zzz'"):
        catalog.find("zzz")
    assert catalog.number("detach") == 3 and catalog.number("zzz") is None
