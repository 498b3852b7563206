"""Usage errors are one line on stderr with exit status 2 (as the README says); a missing extension
module is reported, not silently dropped."""

from __future__ import annotations

import sys

import pytest

import tutor
from tutor import cli


def usage_error(capsys, argv) -> str:
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    return captured.err


@pytest.mark.parametrize("argv, line", [
    (["--bogus"], "autograd-tutor: unrecognized arguments: --bogus (see autograd-tutor --help)"),
    (["run"], "autograd-tutor run: the following arguments are required: FILE (see autograd-tutor run --help)"),
    (["run", "-", "--timeout", "0"],
     "autograd-tutor run: argument --timeout: the timeout must be more than 0 seconds "
     "(see autograd-tutor run --help)"),
    (["--timeout", "soon"],
     "autograd-tutor: argument --timeout: expected a number of seconds, got 'soon' (see autograd-tutor --help)"),
    (["play", "--answers"], "autograd-tutor play: argument --answers: expected one argument "
                            "(see autograd-tutor play --help)"),
])
def test_usage_errors_are_one_line(capsys, argv, line):
    assert usage_error(capsys, argv) == line + "\n"


def test_an_unknown_subcommand_is_one_line(capsys):
    err = usage_error(capsys, ["nonsense-subcommand"])
    assert err.count("\n") == 1 and err.startswith("autograd-tutor: argument COMMAND: invalid choice: "
                                                   "'nonsense-subcommand'")


def test_help_still_shows_the_whole_usage(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["run", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: autograd-tutor run ") and "--timeout S" in out and "--json" in out


def test_a_broken_lessons_module_is_reported_not_dropped(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tutor.cli_lessons", None)  # makes the import raise ImportError
    monkeypatch.delattr(tutor, "cli_lessons", raising=False)
    monkeypatch.setattr(cli, "EXTENSIONS", [])
    err = usage_error(capsys, ["lessons"])
    lines = err.splitlines()
    assert lines[0].startswith("autograd-tutor: the play and lessons commands are unavailable: "
                               "ModuleNotFoundError: ")
    assert "tutor.cli_lessons" in lines[0]
    assert lines[1].startswith("autograd-tutor: argument COMMAND: invalid choice: 'lessons'")
