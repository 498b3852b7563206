"""The README is the front door: its commands must stay true."""

from __future__ import annotations

import re
from pathlib import Path

from tutor import commands

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quick_start_has_exactly_two_commands():
    install, test = quick_start_commands()
    assert install.endswith("&& autograd-tutor")
    assert "[test]" in test and "pytest" in test


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert quick_start_commands()[1] in ci_lines


def test_every_command_is_documented():
    missing = [c.name for c in commands.all_commands() if f"%{c.name}" not in README]
    assert missing == []


def test_constraints_pin_torch_to_the_tested_cpu_version():
    pins = (ROOT / "constraints.txt").read_text()
    assert re.search(r"^torch==2\.13\.0$", pins, re.M)
    assert re.search(r"^plotext==5\.", pins, re.M)


def test_the_performance_table_is_filled_in():
    assert "PERFORMANCE-TABLE" not in README
