"""The reliability table of issue 14, measured: one command, every row against its goal.

    nice -n 10 python tests/reliability/run.py            # the full table, ~10 minutes on 2 cores
    nice -n 10 python tests/reliability/run.py --quick    # a few cases of each row, ~2 minutes
    python tests/reliability/run.py --only runaway ctrl_c --json out.json

Rows (the cases are in tests/reliability/cases.py, shared with tests/test_reliability.py):

  fuzz        tests/fuzz/run.py: N inputs to Session.submit drawn by hypothesis (tests/fuzz_inputs.py);
              internal errors (a TutorError outcome) and hangs (longer than twice the 1 s limit + 2 s)
              per 10,000 inputs                                                          goal 0
  runaway     `autograd-tutor run FILE --timeout 2 --json` on 20 runaway shapes, one file each
              (setup, print("before"), the shape, print("after")): by the clock, from the arrival of
              the "before" record to the shape's record <= timeout + 2 s, the "after" record's stdout
              is "after", no TutorError                                                  goal 20/20
  ctrl_c      the real shell in a pseudo-terminal (pexpect): one Ctrl-C 0.7 s into each of 11
              runaway inputs; by the clock, the next prompt within 1 s, the output before it saying
              Interrupted / Ctrl-C, then `print("next", 6 * 7)` shows "next 42". Where Python cannot
              act at once (one long C call; a deep recursion unwinding) the honest message within 2 s
              counts instead; the input must still stop and the next run, or, for the C call that
              would take hours, Ctrl-\ must end the tutor as the message says        goal 11/11
  kill9       the shell reading a pipe plays a random lesson with its reference answers; kill -9 once
              a random number of step cards has been shown (plus 0-150 ms); every step the output
              reported done (a later card, "Enter or %next", a pass) must be saved in the store
              on disk                                                          goal 0 steps lost
  damaged     16 damaged or unusable progress stores: the shell starts, `%lesson norms`, passes
              step 3, prints "alive 42" and exits 0; where the store can be written, step 3 is in it
              afterwards (the locked store: after the lock is released); where it cannot, the
              learner is told                                                            goal 16/16
  two_shells  two shells (processes) on one lesson and one store, inputs interleaved: 5 scenarios
              where one shell passes steps and the other skips, misses, asks for the solution, walks
              past them or quits; a step passed by either must be passed in the store   goal 0/5 lost

Heavy: run it niced. Prints the table, the method of each row under it, and the failures; --json
writes everything. Exit status 0 when every goal is met.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent.parent)]

import cases  # noqa: E402

TIMEOUT = 2.0  # run --timeout for the runaway row
QUICK_RUNAWAY = ["python-loop", "c-sum-range", "timer-cancelled", "repr-loops", "expression-100k"]
QUICK_CTRL_C = ["python-loop", "repr-loops", "c-sum-range"]
QUICK_DAMAGE = ["truncated", "read-only-file", cases.LOCKED, "fifo"]


def row(name, label, passed, total, goal_text, met, method, failures, **extra):
    return {"row": name, "label": label, "passed": passed, "total": total, "goal": goal_text, "met": met,
            "method": method, "failures": failures, **extra}


# -- fuzz -----------------------------------------------------------------------------------------


def measure_fuzz(args) -> dict:
    count = args.fuzz_count or (300 if args.quick else 10_000)
    cmd = [sys.executable, str(HERE.parent / "fuzz" / "run.py"), "--count", str(count), "--seed", "1"]
    started = time.monotonic()
    result = subprocess.run(cmd, capture_output=True, text=True, env=cases.tutor_env(args.tmp / "fuzz-home"),
                            timeout=4 * 3600)
    try:
        report = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return row("fuzz", "fuzz: internal errors / hangs", 0, count, "0", False, "tests/fuzz/run.py",
                   [f"the fuzz run failed: {result.stderr[-800:]}"])
    bad = report["internal_errors"] + report["hangs"]
    return row("fuzz", "fuzz of `Session.submit`: internal errors / hangs",
               f"{report['internal_errors']} / {report['hangs']}", f"{report['inputs']:,} inputs",
               "0 / 0", bad == 0,
               f"`python tests/fuzz/run.py --count {count} --seed 1` (hypothesis; {report['seconds']} s)",
               report["first_internal"] + report["first_hangs"], seconds=round(time.monotonic() - started, 1),
               per_10000=report["per_10000"])


# -- run --timeout 2 ------------------------------------------------------------------------------


def measure_runaway(args) -> dict:
    shapes = [s for s in cases.RUNAWAY if not args.quick or s.name in QUICK_RUNAWAY]
    ok, failures, runs = 0, [], []
    for shape in shapes:
        work = args.tmp / "runaway" / shape.name
        work.mkdir(parents=True)
        r = cases.runaway_records(shape, work, timeout=TIMEOUT)
        good = (r["seconds"] is not None and r["seconds"] <= TIMEOUT + 2 and r["after_ran"] and not r["internal"])
        ok += good
        runs.append({"shape": shape.name, **r, "met": good})
        progress(f"runaway {shape.name}: {fmt_s(r['seconds'])} {r['error']} next ran={r['after_ran']}"
                 f"{'' if good else '  <-- FAILS'}")
        if not good:
            failures.append(f"{shape.name}: stopped after {fmt_s(r['seconds'])}, error {r['error']}, next input "
                            f"ran: {r['after_ran']}, internal errors: {r['internal']}, exit {r['status']}"
                            + (f", stderr: {r['stderr'][-200:]!r}" if r["stderr"].strip() else ""))
    return row("runaway", f"`run --timeout {TIMEOUT:g}` stops a runaway input within timeout + 2 s and the next "
               "input runs", ok, len(shapes), f"{len(shapes)} / {len(shapes)}", ok == len(shapes),
               "one file per shape, `run --timeout 2 --json`, clock from the record before to the shape's "
               "record; the record after must show its output", failures, runs=runs)


def fmt_s(seconds) -> str:
    return "never" if seconds is None else f"{seconds:.2f} s"


# -- Ctrl-C in a real terminal --------------------------------------------------------------------

PROMPT = ">>>"
_PLAIN = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\r")
HONEST = "Ctrl-C has not stopped this input"


class Terminal:
    def __init__(self, home: Path):
        import pexpect

        self.pexpect = pexpect
        env = cases.tutor_env(home, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm")
        env.pop("NO_COLOR", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "tutor"], env=env, encoding="utf-8",
                                   dimensions=(40, 100), timeout=90)
        self.child.expect_exact(PROMPT)
        self.n = 0
        self.line("import torch")

    def line(self, text: str, expect: str | None = None, timeout: float = 90) -> None:
        """Type one line, wait for its mark, and for the next prompt."""
        self.n += 1
        mark = f"ready {self.n * 1000 + 7}"
        self.child.sendline(f"{text}; print('ready', {self.n} * 1000 + 7)" if expect is None else text)
        self.child.expect_exact(expect or mark, timeout=timeout)
        self.settle()

    def settle(self) -> None:
        self.child.expect_exact(PROMPT)
        time.sleep(0.3)

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


def measure_ctrl_c(args) -> dict:
    scenarios = [s for s in cases.CTRL_C if not args.quick or s.name in QUICK_CTRL_C]
    ok, failures, runs = 0, [], []
    term = None
    for sc in scenarios:
        result = {"scenario": sc.name, "stoppable": sc.stoppable}
        try:
            if term is None:
                term = Terminal(args.tmp / "ctrl-c-home")
            if sc.setup:
                term.line(f"exec({sc.setup!r})")
            term.child.sendline(sc.code)
            term.child.expect_exact("\x1b[?2004l", timeout=30)  # bracketed paste off: the input runs
            time.sleep(0.7)
            pressed = time.monotonic()
            term.child.sendintr()
            first = term.child.expect_exact([PROMPT, HONEST], timeout=60)
            if first == 1:  # the honest message came first; a stoppable input must still stop
                result["honest_seconds"] = time.monotonic() - pressed
                if sc.stoppable:
                    term.child.expect_exact(PROMPT, timeout=120)
            if first == 0 or sc.stoppable:
                result["seconds"] = time.monotonic() - pressed
                said = _PLAIN.sub("", term.child.before)
                result["said"] = said.strip()[-120:]
                result["told"] = any(w in said for w in ("Interrupted", "Ctrl-C", "KeyboardInterrupt"))
                time.sleep(0.3)
                term.line('print("next", 6 * 7)', expect="next 42", timeout=60)
                result["next_ran"] = True
            else:  # the message promises that Ctrl-\ ends the tutor: check it
                term.child.sendcontrol("\\")
                term.child.expect(term.pexpect.EOF, timeout=10)
                result["ended_by_ctrl_backslash"] = True
                term.close()
                term = None
            stopped = result.get("seconds") is not None and result["seconds"] <= 1.0
            honest = result.get("honest_seconds") is not None and result["honest_seconds"] <= 2.0
            result["how"] = "stopped" if stopped else "honest message" if honest else "neither"
            told = not sc.stoppable or result.get("told", False)
            good = (stopped or honest) and told and result.get("next_ran", result.get("ended_by_ctrl_backslash"))
        except Exception as exc:  # noqa: BLE001 - a failed scenario is a figure, not a crash
            seen = getattr(getattr(term, "child", None), "before", "") or ""
            result["error"] = f"{type(exc).__name__}; last output: {seen[-300:]!r}"
            good = False
            if term is not None:
                term.close()
            term = None
        result["met"] = good
        ok += good
        runs.append(result)
        progress(f"ctrl_c {sc.name}: {result.get('how')}, stopped {fmt_s(result.get('seconds'))}, message "
                 f"{fmt_s(result.get('honest_seconds'))}, said {result.get('said', '')[-60:]!r}"
                 f"{'' if good else '  <-- FAILS ' + result.get('error', '')}")
        if not good:
            failures.append(f"{sc.name}: {fmt_s(result.get('seconds'))} {result.get('error', '')}")
    if term is not None:
        term.close()
    hows = [r.get("how") for r in runs if r["met"]]
    return row("ctrl_c", "Ctrl-C in the shell stops the input within 1 s (one press), the next input runs; "
               "where it cannot, an honest message", ok, len(scenarios), f"{len(scenarios)} / {len(scenarios)}",
               ok == len(scenarios),
               "pexpect, a real pseudo-terminal; one Ctrl-C 0.7 s after the input starts; clock to the next "
               "prompt (the output before it must say Interrupted / Ctrl-C) or to the honest message (within "
               "2 s), then `print(\"next\", 6 * 7)` must show next 42 (where the input cannot stop, Ctrl-\\ must "
               "end the tutor, as the message says)", failures, runs=runs,
               note=f"{hows.count('stopped')} stopped within 1 s, {hows.count('honest message')} honest message")


# -- kill -9 during lesson play -------------------------------------------------------------------

_CARD = re.compile(r"step (\d+) of (\d+) · ")
_NEXT = re.compile(r"Enter or %next: step (\d+) of")


def reported_done(output: str, steps: list[str]) -> set[str]:
    """The steps the output told the learner were done."""
    upto = 0  # steps[:upto] are done
    for m in _CARD.finditer(output):
        upto = max(upto, int(m.group(1)) - 1)
    for m in _NEXT.finditer(output):
        upto = max(upto, int(m.group(1)) - 1)
    last_card = max((m.end() for m in _CARD.finditer(output)), default=0)
    tail = output[last_card:]
    if "✓ Passed" in tail or "✓ Your answer is saved" in tail or "Enter or %next finishes" in tail:
        upto = max(upto, max((int(m.group(1)) for m in _CARD.finditer(output)), default=0))
    if "Lesson complete" in output:
        upto = len(steps)
    return set(steps[:upto])


def measure_kill9(args) -> dict:
    from tutor.lessons import default_catalog

    kills = args.kills or (3 if args.quick else 40)
    rng = random.Random(14)
    lessons = [lesson.id for lesson in default_catalog().lessons]
    lost_total, reported_total, failures, runs = 0, 0, [], []
    for k in range(kills):
        lesson = rng.choice(lessons)
        script = cases.lesson_script(lesson)
        steps = [step for step, _ in script]
        home = args.tmp / "kill9" / str(k)
        home.mkdir(parents=True)
        target = rng.randint(1, len(steps))
        delay = rng.uniform(0, 0.15)
        proc = subprocess.Popen([sys.executable, "-m", "tutor"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=cases.tutor_env(home), start_new_session=True)
        text = f"%lesson {lesson}\n" + "".join(i + "\n\n" for _, inputs in script for i in inputs)
        proc.stdin.write(text.encode("utf-8"))
        proc.stdin.flush()
        out, deadline = b"", time.monotonic() + 180
        while time.monotonic() < deadline:
            chunk = os.read(proc.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            out += chunk
            if len(_CARD.findall(out.decode("utf-8", "replace"))) >= target:
                time.sleep(delay)
                break
        os.killpg(proc.pid, signal.SIGKILL)  # kill -9, whatever it is doing
        proc.wait()
        out += proc.stdout.read()  # what it printed before it died was reported
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        done = reported_done(out.decode("utf-8", "replace"), steps)
        saved = cases.saved_steps(home, lesson)
        lost = sorted(s for s in done if saved.get(s) not in ("passed", "missed", "skipped"))
        lost_total += len(lost)
        reported_total += len(done)
        runs.append({"lesson": lesson, "killed_after_cards": target, "reported_done": len(done),
                     "saved_done": sum(1 for v in saved.values() if v != "started"), "lost": lost})
        if lost:
            failures.append(f"{lesson}, killed after {target} cards: reported done but not saved: {lost}")
        shutil.rmtree(home, ignore_errors=True)
    progress(f"kill9: {kills} kills, {reported_total} steps reported done, {lost_total} lost")
    return row("kill9", "kill -9 during lesson play: steps reported done and then lost", lost_total,
               f"{reported_total:,} steps reported done in {kills} kills", "0", lost_total == 0,
               "the shell reading a pipe plays a random lesson with its reference answers; SIGKILL after "
               "a random number of step cards (+0-150 ms); the store on disk is read afterwards", failures,
               runs=runs)


# -- damaged or unusable progress stores ----------------------------------------------------------


def measure_damaged(args) -> dict:
    kinds = [k for k in cases.DAMAGE if not args.quick or k in QUICK_DAMAGE]
    ok, failures, runs = 0, [], []
    for kind in kinds:
        damage, unprivileged, saved_after = cases.DAMAGE[kind]
        base = args.tmp / "damaged" / kind
        home = base / "home"
        home.mkdir(parents=True)
        locker = None
        result = {"kind": kind}
        shell = None
        try:
            damage(home)
            if kind == cases.LOCKED:
                locker = cases.lock(home / cases.STORE)
            started = time.monotonic()
            shell = cases.PipeShell(home, prefix=cases.without_root_powers() if unprivileged else ())
            first = shell.do("%lesson norms")
            result["start_seconds"] = round(time.monotonic() - started, 2)
            shell.do("%next")
            shell.do("%next")
            passed = shell.do("l1 = u.abs().sum()")
            if locker is not None:
                locker.kill()
                locker.wait()
                locker = None
            moved = shell.do("%next")
            alive = shell.do('print("alive", 6 * 7)')
            shell.send("%quit")
            status = shell.close()
            shown = first + passed + moved
            told = any(w in shown for w in ("cannot be saved", "damaged", "could not be saved", "kept in memory"))
            saved = cases.saved_steps(home, "norms").get("l1") == "passed" if saved_after else None
            result.update(passed="✓ Passed: l1" in passed, alive="alive 42" in alive, status=status, told=told,
                          saved=saved, seconds=round(time.monotonic() - started, 1))
            good = (result["passed"] and result["alive"] and status == 0 and result["seconds"] < 60
                    and (saved if saved_after else told))
        except Exception as exc:  # noqa: BLE001
            result["error"] = f"{type(exc).__name__}: {str(exc)[-300:]}"
            good = False
        finally:
            if shell is not None and shell.proc.poll() is None:
                shell.kill()
            if locker is not None:
                locker.kill()
                locker.wait()
        result["met"] = good
        ok += good
        runs.append(result)
        progress(f"damaged {kind}: {result}{'' if good else '  <-- FAILS'}")
        if not good:
            failures.append(f"{kind}: {result}")
    return row("damaged", "damaged or unusable progress store: started and kept working", ok, len(kinds),
               f"{len(kinds)} / {len(kinds)}", ok == len(kinds),
               "the shell reading a pipe: `%lesson norms`, step 3 passed, another input, exit 0; the store "
               "holds step 3 afterwards where it can be written, the learner is told where it cannot; "
               "read-only cases run without root's power to ignore file modes (setpriv)", failures, runs=runs)


# -- two shells on one lesson ---------------------------------------------------------------------

TO_L1 = ["%lesson norms", "%next", "%next"]  # step 3 (l1, a task); step 4 (linf) is a predict
PASS_L1, PASS_LINF = "l1 = u.abs().sum()", "%answer 4.0"

# (name, [(shell, input), ...], the steps that must be passed at the end)
TWO_SHELLS = [
    ("the other shell skips a step this one passed",
     [("a", PASS_L1), ("b", "%skip")], ["l1"]),
    ("the other shell answers a passed prediction wrongly",
     [("a", PASS_L1), ("a", "%next"), ("b", PASS_L1), ("b", "%next"), ("a", PASS_LINF), ("b", "%answer 3.0")],
     ["l1", "linf"]),
    ("the other shell asks for the solution of a passed step",
     [("a", PASS_L1), ("b", "%solution"), ("b", "%hint")], ["l1"]),
    ("the other shell walks past passed steps with %skip and %next",
     [("a", PASS_L1), ("a", "%next"), ("a", PASS_LINF), ("a", "%next"), ("a", "%next"),
      ("b", "%skip"), ("b", "%skip"), ("b", "%next"), ("b", "%next")], ["l1", "linf", "manhattan"]),
    ("both pass different steps, then both quit",
     [("a", PASS_L1), ("b", "%skip"), ("b", PASS_LINF), ("a", "%quit"), ("b", "%quit")], ["l1", "linf"]),
]


def measure_two_shells(args) -> dict:
    scenarios = TWO_SHELLS[:2] if args.quick else TWO_SHELLS
    lost_in, failures, runs = 0, [], []
    for n, (name, moves, must) in enumerate(scenarios):
        home = args.tmp / "two-shells" / str(n)
        home.mkdir(parents=True)
        shells = {"a": cases.PipeShell(home), "b": cases.PipeShell(home)}
        result = {"scenario": name}
        try:
            for s in shells.values():
                for text in TO_L1:
                    s.do(text)
            for who, text in moves:
                if text == "%quit":
                    shells[who].send(text)
                    shells[who].close()
                else:
                    shells[who].do(text)
            for s in shells.values():
                if s.proc.poll() is None:
                    s.send("%quit")
                    s.close()
            saved = cases.saved_steps(home, "norms")
            result["saved"] = {s: saved.get(s) for s in must}
            lost = [s for s in must if saved.get(s) != "passed"]
        except Exception as exc:  # noqa: BLE001
            result["error"] = f"{type(exc).__name__}: {str(exc)[-300:]}"
            lost = ["(the scenario did not finish)"]
        finally:
            for s in shells.values():
                if s.proc.poll() is None:
                    s.kill()
        result["lost"] = lost
        lost_in += bool(lost)
        runs.append(result)
        progress(f"two_shells {name}: {result}{'' if not lost else '  <-- FAILS'}")
        if lost:
            failures.append(f"{name}: {result}")
    return row("two_shells", "two shells on one lesson: passed steps overwritten by the other", lost_in,
               f"{len(scenarios)} scenarios", "0", lost_in == 0,
               "two shell processes on one store, inputs interleaved; the store on disk is read at the end",
               failures, runs=runs)


# -- the table ------------------------------------------------------------------------------------

ROWS = {"fuzz": measure_fuzz, "runaway": measure_runaway, "ctrl_c": measure_ctrl_c, "kill9": measure_kill9,
        "damaged": measure_damaged, "two_shells": measure_two_shells}


def progress(text: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


def table(rows: list[dict]) -> str:
    lines = ["| test | result | goal | met |", "|---|---|---|---|"]
    for r in rows:
        if r["row"] in ("kill9", "two_shells", "fuzz"):
            result = f"{r['passed']} ({r['total']})" if r["row"] != "fuzz" else f"{r['passed']} in {r['total']}"
        else:
            result = f"{r['passed']} / {r['total']}" + (f" ({r['note']})" if r.get("note") else "")
        lines.append(f"| {r['label']} | {result} | {r['goal']} | {'yes' if r['met'] else 'NO'} |")
    lines.append("")
    for r in rows:
        lines.append(f"- {r['row']}: {r['method']}")
        for failure in r["failures"][:20]:
            lines.append(f"    FAILS {failure if isinstance(failure, str) else json.dumps(failure)[:400]}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few cases of each row (about 2 minutes)")
    parser.add_argument("--only", nargs="+", choices=list(ROWS), help="measure only these rows")
    parser.add_argument("--json", type=Path, help="write the rows, every case and the failures here")
    parser.add_argument("--fuzz-count", type=int, help="fuzz inputs (default 10,000; 300 with --quick)")
    parser.add_argument("--kills", type=int, help="kill -9 runs (default 40; 3 with --quick)")
    args = parser.parse_args()
    # Started in the background by a non-interactive shell, this process ignores SIGINT, and so would
    # every child: the shell under test could not hear Ctrl-C. Children get the default disposition.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)  # (the same for Ctrl-\\)
    started = time.monotonic()
    rows = []
    with tempfile.TemporaryDirectory(prefix="reliability-") as tmp:
        args.tmp = Path(tmp)
        for name in args.only or list(ROWS):
            progress(f"measuring {name}")
            rows.append(ROWS[name](args))
    print(table(rows))
    seconds = time.monotonic() - started
    print(f"\n{sum(r['met'] for r in rows)} of {len(rows)} goals met in {seconds:.0f} s "
          f"({'--quick, ' if args.quick else ''}{datetime.date.today().isoformat()}, Python "
          f"{platform.python_version()}, {os.cpu_count()} cores)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rows": rows, "seconds": round(seconds, 1), "quick": args.quick},
                                        indent=1, default=str))
    return 0 if all(r["met"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
