"""Mutation testing of the core modules with mutmut: how many small planted bugs do the tests catch?

    python tests/mutation/run.py [MODULE ...] [--list] [--survivors] [--max-children N]
    python tests/mutation/run.py --rerun MODULE ...   # only last run's survivors, with today's tests
    python tests/mutation/run.py --report [MODULE ...]   # the table again, from the last runs
    python tests/mutation/run.py hints --sample 300 [--seed S]   # an estimate from 300 random mutants

Not part of `python -m pytest` (it takes minutes per module). Needs the `mutation` extra
(`pip install -c constraints.txt mutmut`). For each MODULE (default: all of them, one after another):

1. copies the project into `.mutation/MODULE/` (so mutmut's `mutants/` never touches the tree);
2. runs `mutmut run` there with only that module's files mutated and only the test files that cover
   it selected (MODULES below), so each mutant runs seconds of tests, not the whole suite; mutmut
   itself then runs, per mutant, only the tests that called the mutated function;
3. prints the kill rate: (killed + timed out) / (mutants - equivalent ones - skipped). A mutant that
   no test reaches counts as a survivor. Equivalent mutants (reviewed: no behaviour can tell them
   apart) are listed in tests/mutation/equivalent.txt (name, the diff in one line, why; tab-separated) and
   left out of the rate while that name still shows that line (names shift when code changes).

`--sample N` (for hints: ~10,000 mutants, days on two shared cores) generates every mutant, draws N per
module at random (`--seed`, default 0) and runs only those: the kill rate printed is an estimate, with
its 95% Wilson interval and "sampled N of M" beside it. `hints` is two modules run one after the other,
hints-core (tutor/hints/*.py) and hints-rules (tutor/hints/rules/*.py); each runs alone too. mutmut 3
never mutates a decorated function, so in the copy each `@rule(N) def f` is rewritten as `def f` then
`f = rule(N)(f)` (the same registration): the rule bodies are measured.

`--survivors` also prints the diff of every surviving mutant. `--rerun` copies the current tests (and the
other modules) into the last run's folder and runs only the mutants that survived it (the mutated
module must be unchanged since: mutant names follow the code); `--report` recomputes the rates
with the current equivalent.txt. Results are kept in
`.mutation/MODULE/mutants/` (`cd .mutation/MODULE && mutmut show NAME` shows one mutant) and the
summary in `.mutation/summary.json`. Run it niced on a shared machine: `nice -n 15 python ...`.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / ".mutation"
EQUIVALENT = Path(__file__).with_name("equivalent.txt")

# The tests that cover the hints. Every rule, and the Context they share, runs on every input, so every
# test reaches nearly every hints function and a surviving mutant runs all of them: the selection is
# kept to the tests that read what diagnosis says (ids, words, culprits, fixes), about 80 s niced. Left
# out: test_trigger_through_runner_json (the same cases again through the JSON front),
# test_every_rendered_hint_is_compact (47 s, a layout check), test_hints_render.py and
# test_messy_learner.py (front-end text). test_quoted_messages.py reads the rule files' source: under
# mutmut they hold every mutant, so it covers hints-core only.
HINT_TESTS = ["tests/test_hints_pinned.py", "tests/test_hints.py", "tests/test_hints_names.py",
              "tests/test_hints_reach.py", "tests/test_fixes.py", "tests/test_error_context.py",
              # every hint on the triggering scripts, the corpus snippets and the other tests' scripts, word
              # for word (tests/hints_golden.py), and every shown fix re-applied: ~25 s
              "tests/test_fixes_every_id.py", "tests/test_corpus.py", "tests/test_hints_golden.py",
              "tests/test_hints_core_units.py", "tests/test_hints_branches.py",
              "--deselect", "tests/test_hints.py::test_trigger_through_runner_json",
              # an elapsed-time bound on verify's own limit: not about hints, and loose only on an idle machine
              "--deselect", "tests/test_fixes.py::test_a_candidate_that_runs_forever_is_stopped_within_the_limit"]

# module: (files to mutate, test files that cover them)
MODULES: dict[str, tuple[list[str], list[str]]] = {
    "lesson": (["tutor/lesson.py"], ["tests/test_lesson_api.py", "tests/test_tolerances.py",
                                     "tests/test_lesson_checks_pinned.py"]),
    "calculus": (["tutor/calculus.py"], ["tests/test_calculus.py", "tests/test_tolerances.py",
                                         "tests/test_calculus_pinned.py", "tests/test_calculus_units.py"]),
    "evaluate": (["tutor/evaluate.py"], ["tests/test_session.py", "tests/test_limits_and_records.py",
                                         "tests/test_evaluate_pinned.py"]),
    "runner": (["tutor/runner.py"], ["tests/test_runner.py", "tests/test_limits_and_records.py",
                                     "tests/test_runner_pinned.py"]),
    "progress": (["tutor/progress.py"], ["tests/test_progress.py", "tests/test_progress_busy.py",
                                         "tests/test_progress_pinned.py"]),
    "gradwatch": (["tutor/gradwatch.py"], ["tests/test_session.py", "tests/test_limits_and_records.py",
                                           "tests/test_gradwatch_pinned.py"]),
    # hints (~5,600 mutants) in two parts that run alone; `hints` names both. Far too slow in full on
    # two shared cores: measure it with --sample (an estimate with its 95% interval).
    # (mutmut matches only_mutate with fnmatch, where * spans folders: the core files are named one by one)
    "hints-core": ([f"tutor/hints/{name}.py" for name in ("__init__", "catalog", "context", "errctx", "fixes",
                                                          "reach")],
                   ["tests/test_quoted_messages.py", *HINT_TESTS]),
    "hints-rules": (["tutor/hints/rules/*.py"], HINT_TESTS),
}
GROUPS = {"hints": ["hints-core", "hints-rules"]}
COPY = ["tutor", "lessons", "tests", "autograd_tutor", "pyproject.toml", "README.md", "constraints.txt"]
KILLED = ("killed", "timeout")


def equivalent() -> dict[str, tuple[str, str]]:
    """Mutants reviewed as equivalent: name -> (the mutated line, why). Lines: name TAB line TAB why."""
    found = {}
    if EQUIVALENT.exists():
        for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            name, mutated, why = (line.split("\t") + ["", ""])[:3]
            found[name.strip()] = (mutated.strip(), why.strip())
    return found


def mutated_line(work: Path, name: str) -> str:
    """A mutant's diff in one line (`- old + new`, stripped): what an equivalent entry records."""
    diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, env=env_for(work),
                          capture_output=True, text=True).stdout
    return " ".join(f"{l[0]} {l[1:].strip()}" for l in diff.splitlines()
                    if l[:1] in "+-" and not l.startswith(("+++", "---")))


def checked_equivalent(work: Path, found: dict[str, str]) -> tuple[dict, list[str]]:
    """The entries that still name the mutant they were written for (names shift when code changes)."""
    entries, stale = {}, []
    for name, (line, why) in equivalent().items():
        if name not in found or found[name] in KILLED or found[name] == "not checked":
            continue
        if mutated_line(work, name) == line:
            entries[name] = why
        else:
            stale.append(name)
    return entries, stale


# Decorators whose functions are rewritten in the copy as `def f(...): ...` then `f = rule(50)(f)` (the
# same object registered at the same point): mutmut 3 never mutates a decorated function, and every
# hint rule is one (`@rule(20) def int_requires_grad(ctx)`), so without this no rule body is measured.
UNDECORATE = {"rule"}


def undecorated(source: str) -> str:
    """`source` with each module-level function decorated only by an UNDECORATE call moved to an
    assignment after its body. Line numbers after it shift; behaviour does not."""
    import ast

    lines = source.splitlines(keepends=True)
    edits = []  # (first decorator line, last decorator line, end of body, name, decorator text), 1-based
    for node in ast.parse(source).body:
        if not isinstance(node, ast.FunctionDef) or len(node.decorator_list) != 1:
            continue
        deco = node.decorator_list[0]
        func = deco.func if isinstance(deco, ast.Call) else deco
        if isinstance(func, ast.Name) and func.id in UNDECORATE:
            edits.append((deco.lineno, deco.end_lineno, node.end_lineno, node.name, ast.get_source_segment(source, deco)))
    for first, last, end, name, deco in reversed(edits):
        lines.insert(end, f"{name} = {deco}({name})\n")
        del lines[first - 1:last]
    return "".join(lines)


# Appended to the copy's tests/conftest.py for the hints modules. Diagnosis tries candidate fixes on a
# fork of the session with wall-clock limits meant for a learner at a keyboard (0.5 s a candidate, 1.2 s
# an input); niced on a loaded machine, a fork can miss them and a test of fixes fails for no mutant's
# sake, which would count as a kill. The limits are raised in the copy; a test that sets its own wins.
# And candidates are replayed in the process instead of a fork: mutmut learns which tests reach which
# function in the test process only, so code that ran only in a forked copy (a candidate's check, such
# as grad-accumulation's comparison of a loop's results) looked reached by no test, and a mutant there
# "survived" tests that kill it (seen: test_corpus kills calls._same's mutants, never run for them).
SLOW_MACHINE = """

# -- added by tests/mutation/run.py: wall-clock limits for a niced run on a loaded machine --
import tutor.hints as _hints  # noqa: E402
import tutor.verify as _verify  # noqa: E402

_verify.LIMIT = 10.0
_verify.try_fix.__kwdefaults__["limit"] = 10.0
_verify.USE_FORK = False
_hints.VERIFY_BUDGET = 30.0
"""


def slow_machine(base: Path, module: str) -> None:
    if module.startswith("hints"):
        with open(base / "tests" / "conftest.py", "a", encoding="utf-8") as handle:
            handle.write(SLOW_MACHINE)


def test_args(module: str) -> list[str]:
    """The module's pytest arguments: its test files that exist, and options (`--deselect NODE`) as given."""
    args, after_option = [], False
    for item in MODULES[module][1]:
        if after_option or item.startswith("-") or (ROOT / item).exists():
            args.append(item)
        after_option = item.startswith("-")
    return args


def prepare(module: str) -> Path:
    files, tests = MODULES[module]
    work = WORK / module
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for name in COPY:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, work / name)
    shared = (ROOT.parent / "shared").resolve()  # the catalog-sync tests read ../shared/ beside the root
    if shared.is_dir():
        for link in (work / "shared", WORK / "shared"):  # beside mutants/ and beside the copy
            if not link.exists():
                link.symlink_to(shared)
    tests = test_args(module)
    also = [name for name in COPY if (ROOT / name).exists() and name not in ("tutor", "pyproject.toml")]
    config = (
        "\n\n[tool.mutmut]\n"
        'source_paths = ["tutor"]\n'
        f"only_mutate = {json.dumps(files)}\n"
        f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n"
        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]\n'
        # mutmut's wall limit per mutant is (the tests' call time + this) x 15: with the default 1 s, a
        # module fixture's setup (the corpus, 40 s on a loaded machine) "timed out" string mutants
        "timeout_constant = 20\n"
        f"also_copy = {json.dumps(also)}\n"
    )
    with open(work / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(config)
    slow_machine(work, module)
    for pattern in files:
        for path in work.glob(pattern):
            text = path.read_text(encoding="utf-8")
            if undecorated(text) != text:
                path.write_text(undecorated(text), encoding="utf-8")
    return work


def env_for(work: Path) -> dict:
    env = dict(os.environ)
    env.update(OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", AUTOGRAD_TUTOR_HOME=str(work / "home"),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    return env


def statuses(work: Path) -> dict[str, str]:
    """mutant name -> mutmut's status, from the .meta files mutmut writes next to each mutated file."""
    from mutmut.stats import status_by_exit_code

    found = {}
    for meta in (work / "mutants").rglob("*.meta"):
        data = json.loads(meta.read_text(encoding="utf-8"))
        for name, code in data.get("exit_code_by_key", {}).items():
            found[name] = status_by_exit_code[code]
    return found


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a proportion k/n (no finite-population shrink: a little wide)."""
    if not n:
        return (0.0, 1.0)
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (max(0.0, centre - half), min(1.0, centre + half))


def score(found: dict[str, str], equiv: dict[str, str], stale=()) -> dict:
    checked = {n: s for n, s in found.items() if s != "not checked"}
    counted = {n: s for n, s in checked.items() if n not in equiv and s != "skipped"}
    killed = sum(1 for s in counted.values() if s in KILLED)
    survivors = sorted(n for n, s in counted.items() if s not in KILLED)
    sampled = len(checked) < len(found)  # a --sample run: the others were never run
    return {
        "mutants": len(found), "equivalent": sorted(n for n in checked if n in equiv),
        "counted": len(counted), "killed": killed, "survived": survivors,
        "not_checked": sorted(n for n, s in found.items() if s == "not checked"),
        "rate": killed / len(counted) if counted else None,
        "sampled": len(checked) if sampled else None,
        "interval": wilson(killed, len(counted)) if sampled else None,
        # the counted mutants the whole module would have (the sample's share of equivalent ones)
        "population": len(found) * len(counted) / len(checked) if checked else 0,
        "by_status": {s: sum(1 for v in found.values() if v == s) for s in sorted(set(found.values()))},
        "stale_equivalent": list(stale),
    }


def seconds_per_mutant(work: Path) -> list[float]:
    """How long each mutant that ran took (mutmut's durations_by_key, in seconds)."""
    found = []
    for meta in (work / "mutants").rglob("*.meta"):
        found += json.loads(meta.read_text(encoding="utf-8")).get("durations_by_key", {}).values()
    return sorted(found)


def refresh_tests(module: str) -> tuple[Path, list[str]]:
    """Copy today's tests into the last run's folder; the survivors of that run, to run again."""
    work = WORK / module
    if not (work / "mutants").exists():
        raise RuntimeError(f"no earlier run of {module} in {work}: run it in full first")
    for tutor_file in MODULES[module][0]:
        for src in ROOT.glob(tutor_file):
            if undecorated(src.read_text(encoding="utf-8")) != (work / src.relative_to(ROOT)).read_text(encoding="utf-8"):
                raise RuntimeError(f"{src.relative_to(ROOT)} changed since the last run: run {module} in full")
    mutated = {src.resolve() for pattern in MODULES[module][0] for src in ROOT.glob(pattern)}

    def skip(folder, names):  # caches, and the mutated files themselves (mutmut's copies stay)
        return [n for n in names if n == "__pycache__" or n.endswith(".pyc") or (Path(folder) / n).resolve() in mutated]

    for base in (work, work / "mutants"):  # today's tests and today's other modules
        shutil.rmtree(base / "tests", ignore_errors=True)
        for name in COPY:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, base / name, ignore=skip, dirs_exist_ok=True)
            elif src.exists() and name != "pyproject.toml":
                shutil.copy2(src, base / name)
    for base in (work, work / "mutants"):
        slow_machine(base, module)
    tests = test_args(module)
    config = (work / "pyproject.toml").read_text(encoding="utf-8")
    head, _, tail = config.partition("pytest_add_cli_args_test_selection = ")
    config = head + f"pytest_add_cli_args_test_selection = {json.dumps(tests)}\n" + tail.partition("\n")[2]
    (work / "pyproject.toml").write_text(config, encoding="utf-8")
    (work / "mutants" / "pyproject.toml").write_text(config, encoding="utf-8")
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)  # which tests cover what: again
    found = statuses(work)  # (a sampled run left the others "not checked": they stay so)
    return work, sorted(n for n, st in found.items() if st not in KILLED and st != "not checked")


def mutmut(work: Path, args: list[str], log: Path) -> subprocess.CompletedProcess:
    """Run mutmut in `work`, its output going to `log` as it comes (a file, not a pipe: a mutmut whose
    reader went away would die of a broken pipe), and read back into the result's stdout."""
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.run([sys.executable, "-m", "mutmut", *args], cwd=work, env=env_for(work), stdout=out,
                              stderr=subprocess.STDOUT, text=True)
    proc.stdout = log.read_text(encoding="utf-8", errors="replace")
    return proc


def all_mutant_names(module: str, work: Path, max_children: int) -> list[str]:
    """Generate the mutants and collect which tests reach which function, without running any mutant.

    mutmut 3 writes every mutant's name into the `.meta` files when it generates them; a name filter
    that matches nothing stops `mutmut run` right after the stats, before the first mutant."""
    print(f"== {module}: generating mutants and collecting which tests reach them", flush=True)
    proc = mutmut(work, ["run", "--max-children", str(max_children), "no.such.mutant__mutmut_0"],
                  work / "mutmut-generate.log")
    if "nothing matches" not in proc.stdout:
        tail = "\n".join(proc.stdout.strip().splitlines()[-15:])
        raise RuntimeError(f"mutmut did not stop after generating ({proc.returncode}):\n{tail}")
    return sorted(statuses(work))


def run_module(module: str, max_children: int, show_survivors: bool, rerun: bool = False,
               sample: int | None = None, seed: int = 0) -> dict:
    names: list[str] = []
    if sample and not rerun:
        work = prepare(module)
        try:
            population = all_mutant_names(module, work, max_children)
        except RuntimeError as exc:
            return {"error": str(exc)}
        names = sorted(random.Random(seed).sample(population, min(sample, len(population))))
        print(f"   {module}: sampled {len(names)} of {len(population)} mutants (seed {seed})", flush=True)
    elif rerun:
        try:
            work, names = refresh_tests(module)
        except RuntimeError as exc:
            print(f"   {module}: {exc}", flush=True)
            return {"error": str(exc)}
        if not names:
            return score(found := statuses(work), *checked_equivalent(work, found))
    else:
        work = prepare(module)
    cmd = [sys.executable, "-m", "mutmut", "run", "--max-children", str(max_children), *names]
    print(f"== {module}: mutating {', '.join(MODULES[module][0])}; tests: {' '.join(test_args(module))}",
          flush=True)
    proc = mutmut(work, cmd[3:], work / "mutmut-run.log")
    result = score(found := statuses(work), *checked_equivalent(work, found))
    result["exit_status"] = proc.returncode
    if proc.returncode != 0 and not result["mutants"]:
        tail = "\n".join(proc.stdout.strip().splitlines()[-15:])
        result["error"] = f"mutmut exited {proc.returncode}:\n{tail}"
    if show_survivors:
        for name in result["survived"]:
            diff = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, env=env_for(work),
                                  capture_output=True, text=True).stdout
            print(diff.rstrip() + "\n", flush=True)
    return result


def estimate(results: list[dict]) -> tuple[float, float, float, bool]:
    """Kill rate over several modules, each weighted by its size: (rate, low, high, any sampled). A
    sampled module adds its binomial variance (normal interval); a fully run one adds none."""
    est_killed = est_counted = variance = 0.0
    sampled = False
    for r in results:
        if "error" in r or r["rate"] is None:
            continue
        population = r.get("population", r["counted"])
        est_killed += r["rate"] * population
        est_counted += population
        if r.get("sampled"):
            sampled = True
            variance += population ** 2 * r["rate"] * (1 - r["rate"]) / r["counted"]
    if not est_counted:
        return (0.0, 0.0, 0.0, sampled)
    rate = est_killed / est_counted
    half = 1.96 * math.sqrt(variance) / est_counted
    return (rate, max(0.0, rate - half), min(1.0, rate + half), sampled)


def table(results: dict) -> str:
    """The kill rate per module. A sampled module shows its estimate, the 95% interval and the sample."""
    lines = [f"{'module':11}  {'mutants':>7}  {'equiv.':>6}  {'killed':>6}  {'survived':>8}  {'kill rate':>9}  method"]
    killed = counted = 0
    for module, r in results.items():
        if "error" in r:
            lines.append(f"{module:11}  error: {r['error'].splitlines()[0]}")
            continue
        rate = f"{r['rate'] * 100:.1f}%" if r["rate"] is not None else "-"
        if r.get("sampled"):
            low, high = r["interval"]
            method = (f"sampled {r['sampled']:,} of {r['mutants']:,}; 95% interval "
                      f"{low * 100:.1f}-{high * 100:.1f}%")
        else:
            method = "all mutants"
        lines.append(f"{module:11}  {r['mutants']:>7,}  {len(r['equivalent']):>6}  {r['killed']:>6}  "
                     f"{len(r['survived']):>8}  {rate:>9}  {method}")
        killed += r["killed"]
        counted += r["counted"]
    for group, parts in GROUPS.items():
        if all(part in results and "error" not in results[part] for part in parts):
            rate, low, high, _ = estimate([results[part] for part in parts])
            lines.append(f"{group:11}  {sum(results[p]['mutants'] for p in parts):>7,}  {'':>6}  {'':>6}  {'':>8}  "
                         f"{rate * 100:>8.1f}%  {' + '.join(parts)}, weighted by size; 95% interval "
                         f"{low * 100:.1f}-{high * 100:.1f}%")
    if counted and len(results) > 1:
        rate, low, high, sampled = estimate(list(results.values()))
        if sampled:
            lines.append(f"{'overall':11}  {'':>7}  {'':>6}  {'':>6}  {'':>8}  {rate * 100:>8.1f}%  "
                         f"estimated (modules weighted by size); 95% interval {low * 100:.1f}-{high * 100:.1f}%")
        else:
            lines.append(f"{'overall':11}  {'':>7}  {'':>6}  {killed:>6}  {counted - killed:>8}  "
                         f"{killed / counted * 100:>8.1f}%")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("modules", nargs="*", metavar="MODULE", help=f"any of: {', '.join(MODULES)}")
    parser.add_argument("--list", action="store_true", help="print the module -> tests map and stop")
    parser.add_argument("--survivors", action="store_true", help="print the diff of every surviving mutant")
    parser.add_argument("--max-children", type=int, default=1, help="parallel mutants (default 1)")
    parser.add_argument("--rerun", action="store_true", help="run only the last run's survivors, with today's tests")
    parser.add_argument("--report", action="store_true", help="print the table from the last runs and stop")
    parser.add_argument("--sample", type=int, metavar="N",
                        help="run N mutants drawn at random per module: an estimate with its 95%% interval")
    parser.add_argument("--seed", type=int, default=0, help="the sample's random seed (default 0)")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in MODULES and m not in GROUPS]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; choose from {', '.join([*MODULES, *GROUPS])}")
    if args.sample is not None and args.sample < 1:
        parser.error("--sample needs a positive number of mutants")
    if args.list:
        for module, (files, tests) in MODULES.items():
            print(f"{module:11} {' '.join(files)}  <-  {' '.join(tests)}")
        for group, parts in GROUPS.items():
            print(f"{group:11} = {' + '.join(parts)}")
        return 0
    modules = [part for m in args.modules for part in GROUPS.get(m, [m])] or list(MODULES)
    if args.report:
        done = {}
        for m in modules:
            if (WORK / m / "mutants").exists():
                found = statuses(WORK / m)
                done[m] = score(found, *checked_equivalent(WORK / m, found))
                for name in done[m]["stale_equivalent"]:
                    print(f"   stale entry in equivalent.txt (the mutant changed): {name}")
        print(table(done))
        return 0
    summary_path = WORK / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {}
    results = {}
    for module in modules:
        results[module] = run_module(module, args.max_children, args.survivors, args.rerun,
                                     args.sample, args.seed)
        r = results[module]
        if "error" not in r:
            print(f"   {module}: {r['killed']}/{r['counted']} killed "
                  f"({r['rate'] * 100:.1f}%)" if r["rate"] is not None else f"   {module}: no mutants",
                  flush=True)
            times = seconds_per_mutant(WORK / module)
            if times:
                r["seconds_per_mutant"] = {"median": times[len(times) // 2], "max": times[-1], "n": len(times)}
                print(f"   {module}: {len(times)} mutants ran, {times[len(times) // 2]:.1f} s each (median), "
                      f"{times[-1]:.1f} s at most", flush=True)
            for name in r["survived"]:
                print(f"   survived: {name}", flush=True)
        summary[module] = {**r, "date": datetime.date.today().isoformat(),
                           "command": "python tests/mutation/run.py " + " ".join(argv or sys.argv[1:])}
    WORK.mkdir(exist_ok=True)
    summary_path.write_text(json.dumps(summary, indent=2) + "\n")
    print(table(results))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
