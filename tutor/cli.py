"""Command line: the shell (default), `run`, and the other subcommands.

Kept light: nothing here imports torch, rich or prompt_toolkit at module level, so the shell's
prompt appears while torch is still importing in the background.
"""

from __future__ import annotations

import argparse
import os
import sys

from tutor import __version__
from tutor.cli_common import EXTENSIONS, UsageError, read_source  # noqa: F401 - part of this module's API


class ArgumentParser(argparse.ArgumentParser):
    """argparse with usage errors on one line (`--help` still shows the whole usage)."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the timeout must be more than 0 seconds")
    return value


def cmd_shell(args) -> int:
    if _stdin_is_a_pipe():  # `echo '1+1' | autograd-tutor`: read lines, as python does
        from tutor.pipe import run_pipe

        return run_pipe(sys.stdin, sys.stdout, timeout=args.timeout, hints=not args.no_hints)
    from tutor.shell import run_shell  # torch starts importing once the first prompt is drawn

    return run_shell(timeout=args.timeout, hints=not args.no_hints, lesson=getattr(args, "lesson", None))


def _stdin_is_a_pipe() -> bool:
    """stdin is a real file or pipe, not a terminal (a replaced sys.stdin without a descriptor is not)."""
    try:
        return not os.isatty(sys.stdin.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def cmd_run(args) -> int:
    from tutor.runner import run_inputs, split_inputs
    from tutor.session import Session

    session = Session(timeout=args.timeout, hints=not args.no_hints)
    if args.file.endswith(".ipynb"):
        from tutor.ipynb import NotebookError, notebook_inputs

        try:
            inputs = notebook_inputs(args.file, show_markdown=args.show_markdown)
        except NotebookError as exc:
            raise UsageError(str(exc)) from None
        session.state["matplotlib_inline"] = True  # as in Jupyter: figures show after each cell
    else:
        inputs = split_inputs(read_source(args.file))
    from tutor.supervise import run_file

    return run_file(session, inputs, as_json=args.json, echo=not args.no_echo, width=args.width,
                    json_out=args.json_out)


def _add_common_options(parser: argparse.ArgumentParser, default) -> None:
    parser.add_argument("--timeout", type=_positive_float, default=default(None), metavar="S",
                        help="stop any input that runs longer than S seconds")
    parser.add_argument("--no-hints", action="store_true", default=default(False),
                        help="do not diagnose mistakes")
    parser.add_argument("--lessons-dir", action="append", metavar="DIR", default=default(None),
                        help="also offer the lessons in DIR (or set AUTOGRAD_TUTOR_LESSONS_DIR)")


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="autograd-tutor",
        description="A terminal tutor for calculus and automatic differentiation with PyTorch.",
    )
    parser.add_argument("--version", action="version", version=f"autograd-tutor {__version__}")
    # The shell is the default command, so its options also work without naming a subcommand.
    # Subcommands get their own copies with SUPPRESS defaults, so that `--timeout 2 run f`
    # keeps the 2 (a shared default would reset it).
    _add_common_options(parser, default=lambda value: value)
    common = ArgumentParser(add_help=False)
    _add_common_options(common, default=lambda value: argparse.SUPPRESS)
    parser.add_argument("--lesson", metavar="ID", help="start the shell in lesson ID (an id or number; "
                        "`autograd-tutor lessons` lists them), or resume it")
    parser.set_defaults(func=cmd_shell)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    shell = sub.add_parser("shell", parents=[common], help="the interactive shell (the default)")
    shell.add_argument("--lesson", metavar="ID", default=argparse.SUPPRESS, help="start in lesson ID")
    shell.set_defaults(func=cmd_shell)

    run = sub.add_parser("run", parents=[common], help="run a file of inputs, printing what the shell would")
    run.add_argument("file", metavar="FILE", help="a file of inputs, a Jupyter notebook (.ipynb), or - for stdin")
    run.add_argument("--show-markdown", action="store_true", help="with a notebook: show its markdown cells too")
    run.add_argument("--json", action="store_true", help="one JSON object per input, one per line")
    run.add_argument("--json-out", metavar="FILE", default=None,
                     help="write the JSON records to FILE (learner output never reaches it)")
    run.add_argument("--no-echo", action="store_true", help="do not print the inputs themselves")
    run.add_argument("--width", type=int, default=None, help="text width (default: terminal or 80)")
    run.set_defaults(func=cmd_run)

    for extend in EXTENSIONS:
        extend(sub, common)
    return parser




def _load_extensions() -> None:
    try:
        from tutor import cli_lessons  # noqa: F401 - registers play/lessons
    except ImportError as exc:  # the shell and `run` still work; say why play/lessons are missing
        print(f"autograd-tutor: the play and lessons commands are unavailable: {type(exc).__name__}: {exc}",
              file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from tutor import stack

    stack.raise_limit()
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "lessons_dir", None):
            from tutor import lessons

            lessons.configure(args.lessons_dir)
        return int(args.func(args) or 0)
    except UsageError as exc:
        print(f"autograd-tutor: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograd-tutor: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
