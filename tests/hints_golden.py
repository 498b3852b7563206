"""Every hint the tutor gives on the test scripts, word for word: the reviewed golden copy.

The semantic hint tests check ids, names and that shown fixes work; a hint whose sentence lost a clause,
named another tensor or quoted another line passed them (mutation testing found many such survivors).
This file keeps the whole text of every hint given on

* the last input of each triggering script of tests/hints_cases.py (test_fixes_every_id.py compares), and
* every input of every snippet of the precision corpus, tests/corpus/ (test_corpus.py compares), and
* every input of the scripts other hint tests type (tests/test_fixes.py's SITUATIONS and LOOPS,
  test_hints_pinned.py's PINNED, test_hints_reach.py's CASES and CORRECT, test_hints.py's
  CORRECT_BUT_NEAR, and every triggering script respaced, `f( x )`), each in a fresh session seeded with
  torch.manual_seed(0) (test_hints_golden.py), and
* every input of the branch scripts, tests/branch_scripts/FAMILY.py (`SCRIPTS`, one list per rule
  family): learner code written to reach the branches of the rules the other scripts never reach
  (a helper's frame, an alias, a loop, a second tensor...), each also respaced, in
  tests/golden/branches_FAMILY.json (test_hints_branches.py),

as JSON in tests/golden/. A changed hint fails those tests with the difference. When the change is
intended, regenerate and review the diff before committing:

    python tests/hints_golden.py --update      # rewrite tests/golden/*.json, print what changed
    python tests/hints_golden.py --update branches_control   # only these golden files (names as in golden/)
    git diff tests/golden/                     # read every changed sentence against its input

Memory addresses (0x7f...) are masked. The fix shown can depend on wall-clock limits (each candidate
is tried under a limit), so a mismatch is checked again once in a fresh session before it fails.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden"
CASES_FILE = GOLDEN / "hints_cases.json"
CORPUS_FILE = GOLDEN / "hints_corpus.json"
SCRIPTS_FILE = GOLDEN / "hints_scripts.json"
BRANCHES = HERE / "branch_scripts"  # FAMILY.py: SCRIPTS, a list of learner scripts (inputs split as `run` does)
SCRIPT_TIMEOUT = 1.0  # seconds per input: some scripts are runaway loops the session stops
FIELDS = ("id", "title", "text", "fix", "fix_words", "verified", "replaces", "in_place_of")
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")


def _mask(value):
    if isinstance(value, str):
        return _ADDRESS.sub("0x…", value)
    if isinstance(value, dict):
        return {str(k): _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def record(hint) -> dict:
    """A hint as its JSON record (tutor.runner's fields), masked. Takes a Hint or its JSON dict."""
    if not isinstance(hint, dict):
        from tutor.runner import hint_record

        hint = hint_record(hint)
    return {k: _mask(hint.get(k)) for k in FIELDS}


def case_key(case) -> str:
    hint_id, script, _opts = case
    return f"{hint_id}\n{script}"


def corpus_entry(result) -> list:
    """[[input index, [hint record, ...]], ...] for the snippet's hinted inputs."""
    return [[index, [record(h) for h in hints]] for index, hints in result.hints]


def respaced(script: str) -> str:
    """`script` with a space inside every pair of brackets, `f( x )` and `x[ 0 ]` (tokens, so strings stay as
    they are): the same program as the learner might type it. Hints quote the learner's text, so a rule that
    quoted Python's own rendering of the code (ast.unparse) instead shows up here."""
    import io
    import tokenize

    lines = script.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    tokens = list(tokenize.generate_tokens(io.StringIO(script).readline))
    at = []
    for i, tok in enumerate(tokens):
        if tok.type != tokenize.OP:
            continue
        if tok.string in "([" and i + 1 < len(tokens) and tokens[i + 1].string not in ")]" \
                and tokens[i + 1].start[0] == tok.end[0] and tokens[i + 1].type != tokenize.NL:
            at.append(starts[tok.end[0] - 1] + tok.end[1])
        elif tok.string in ")]" and i > 0 and tokens[i - 1].string not in "([" and tokens[i - 1].end[0] == tok.start[0]:
            at.append(starts[tok.start[0] - 1] + tok.start[1])
    for pos in sorted(set(at), reverse=True):
        script = script[:pos] + " " + script[pos:]
    return script


def test_scripts() -> list[tuple[str, str]]:
    """(key, script) for the scripts the other hint tests type, in a stable order, without repeats."""
    sys.path.insert(0, str(HERE))
    import hints_cases
    import test_fixes
    import test_hints
    import test_hints_pinned
    import test_hints_reach

    found = {}
    for source, scripts in (
            ("fixes", [s[1] for s in test_fixes.SITUATIONS] + [s[0] for s in test_fixes.LOOPS]),
            ("pinned", [row[0] for row in test_hints_pinned.PINNED]),
            ("reach", [c[1] for c in test_hints_reach.CASES] + list(test_hints_reach.CORRECT)),
            ("near", list(test_hints.CORRECT_BUT_NEAR)),
            ("spaced", [respaced(c[1]) for c in hints_cases.CASES])):
        for script in scripts:
            found.setdefault(script, f"{source}\n{script}")
    return [(key, script) for script, key in found.items()]


def script_entry(script: str) -> list:
    """[[input index, [hint record, ...]], ...] for the hinted inputs of `script` in a fresh seeded session."""
    import torch

    from tutor.runner import split_inputs
    from tutor.session import Session

    torch.manual_seed(0)
    session = Session(timeout=SCRIPT_TIMEOUT)
    session.ensure_torch()
    found = []
    for text in split_inputs(script):
        outcome = session.submit(text)
        if outcome.hints:
            found.append([outcome.index, [record(h) for h in outcome.hints]])
    return found


def load(path: Path) -> dict:
    if not path.exists():
        raise AssertionError(f"{path} is missing: run `python tests/hints_golden.py --update` and review it")
    return json.loads(path.read_text(encoding="utf-8"))


def differences(want, got, where: str = "") -> list[str]:
    """Readable lines naming each field that differs."""
    if isinstance(want, dict) and isinstance(got, dict):
        out = []
        for k in sorted(set(want) | set(got), key=str):
            out += differences(want.get(k), got.get(k), f"{where}[{k!r}]")
        return out
    if isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        out = []
        for i, (a, b) in enumerate(zip(want, got)):
            out += differences(a, b, f"{where}[{i}]")
        return out
    return [] if want == got else [f"{where}:\n  golden: {want!r}\n  now:    {got!r}"]


def _write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def compute_cases() -> dict:
    sys.path.insert(0, str(HERE))
    import tutor.hints as hints_pkg
    from hints_cases import CASES
    from test_fixes_every_id import hint_of

    hints_pkg.STRICT = True
    return {case_key(c): (record(h) if (h := hint_of(n)) is not None else None) for n, c in enumerate(CASES)}


def compute_corpus() -> dict:
    sys.path.insert(0, str(HERE / "corpus"))
    import report

    return {r.snippet.name: corpus_entry(r) for r in report.run_corpus()}


def compute_scripts() -> dict:
    import tutor.hints as hints_pkg

    hints_pkg.STRICT = True
    return {key: script_entry(script) for key, script in test_scripts()}


def branch_families() -> list[str]:
    """The rule families that have branch scripts (tests/branch_scripts/FAMILY.py)."""
    return sorted(p.stem for p in BRANCHES.glob("*.py") if not p.stem.startswith("_"))


def branch_scripts(family: str) -> list[str]:
    """The scripts of tests/branch_scripts/FAMILY.py, in order, without repeats."""
    import runpy

    scripts = runpy.run_path(str(BRANCHES / f"{family}.py"))["SCRIPTS"]
    return list(dict.fromkeys(scripts))


def branch_inputs(family: str) -> list[str]:
    """The family's scripts, each followed by its respaced twin (`f( x )`): a hint must quote the learner's own
    text, and the twin shows a rule that quoted Python's rendering (ast.unparse) instead. A script whose
    twin would split into other inputs (a `%` command line) has none."""
    from tutor.runner import split_inputs

    found = []
    for script in branch_scripts(family):
        found.append(script)
        try:
            twin = respaced(script)
        except Exception:  # noqa: BLE001 - not tokenizable as Python: no twin
            continue
        if twin != script and len(split_inputs(twin)) == len(split_inputs(script)) and "%" not in script:
            found.append(twin)
    return list(dict.fromkeys(found))


def branch_file(family: str) -> Path:
    return GOLDEN / f"branches_{family}.json"


def compute_branches(family: str) -> dict:
    import tutor.hints as hints_pkg

    hints_pkg.STRICT = True
    return {script: script_entry(script) for script in branch_inputs(family)}


def golden_files() -> dict[str, tuple[Path, object]]:
    """name (the file's stem) -> (golden file, what computes it)."""
    found = {CASES_FILE.stem: (CASES_FILE, compute_cases), CORPUS_FILE.stem: (CORPUS_FILE, compute_corpus),
             SCRIPTS_FILE.stem: (SCRIPTS_FILE, compute_scripts)}
    for family in branch_families():
        found[branch_file(family).stem] = (branch_file(family), lambda family=family: compute_branches(family))
    return found


def main(argv: list[str]) -> int:
    files = golden_files()
    if argv[:1] != ["--update"] or any(name not in files for name in argv[1:]):
        print(__doc__)
        print("golden files:", ", ".join(files))
        return 2
    sys.path.insert(0, str(HERE.parent))
    for name in argv[1:] or list(files):
        path, compute = files[name]
        old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        new = compute()
        changed = differences(old, new)
        _write(path, new)
        print(f"{path.relative_to(HERE.parent)}: {len(new)} entries, {len(changed)} differences")
        for line in changed[:200]:
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
