"""The precision corpus: real learner snippets, each with the verdict the tutor should reach.

Every `tests/corpus/*.py` snippet starts with a header of comments:

    # source: https://...            where the code comes from (a forum thread, an issue, a notebook)
    # expect: grad-accumulation      hint ids the tutor must give (comma-separated), or `none`
    # where: function                top | function | loop | earlier-input | decorator (where the mistake sits)

`run_corpus()` feeds every snippet through `run --json` (one fresh Session per snippet, all in this
process) and collects the hint ids of its JSON records. A snippet's *false alarms* are ids it got that
its header does not expect; its *misses* are expected ids it did not get. Recall is found / expected,
counted per expected id.

    python tests/corpus/report.py            # the per-id table (recall, false alarms)
    python tests/corpus/report.py --verbose  # plus every snippet that missed or raised a false alarm
    python tests/corpus/report.py --markdown # the table as Markdown (the README's copy)
"""

from __future__ import annotations

import io
import json
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WHERE = ("top", "function", "loop", "earlier-input", "decorator")
_HEADER = re.compile(r"^#\s*(source|expect|where):\s*(.*?)\s*$")


@dataclass
class Snippet:
    path: Path
    source: str
    expect: tuple[str, ...]
    where: str
    text: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def correct(self) -> bool:
        return not self.expect


@dataclass
class Result:
    snippet: Snippet
    got: list[str] = field(default_factory=list)  # hint ids in order of the inputs
    per_input: list[tuple[str, list[str]]] = field(default_factory=list)
    hints: list[tuple[int, list[dict]]] = field(default_factory=list)  # (input index, its JSON hints), hinted inputs

    @property
    def found(self) -> set[str]:
        return set(self.snippet.expect) & set(self.got)

    @property
    def missed(self) -> set[str]:
        return set(self.snippet.expect) - set(self.got)

    @property
    def false_alarms(self) -> set[str]:
        return set(self.got) - set(self.snippet.expect)


def parse(path: Path) -> Snippet:
    """Read a snippet and its header; raises ValueError when the header is incomplete."""
    text = path.read_text(encoding="utf-8")
    fields: dict[str, str] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if m:
            fields[m.group(1)] = m.group(2)
    missing = {"source", "expect", "where"} - set(fields)
    if missing:
        raise ValueError(f"{path.name}: header lacks {', '.join(sorted(missing))}")
    expect = () if fields["expect"].lower() == "none" else tuple(
        e.strip() for e in fields["expect"].split(",") if e.strip())
    if fields["where"] not in WHERE:
        raise ValueError(f"{path.name}: where must be one of {WHERE}")
    return Snippet(path, fields["source"], expect, fields["where"], text)


def snippets() -> list[Snippet]:
    return [parse(p) for p in sorted(HERE.glob("[0-9]*.py"))]


def run_snippet(snippet: Snippet, timeout: float = 5.0) -> Result:
    """One snippet through a fresh Session, exactly as `autograd-tutor run --json FILE` would."""
    from tutor.runner import run_inputs, split_inputs
    from tutor.session import Session

    session = Session(timeout=timeout)
    session.ensure_torch()
    out = io.StringIO()
    run_inputs(session, split_inputs(snippet.text), out=out, as_json=True)
    result = Result(snippet)
    for line in out.getvalue().splitlines():
        record = json.loads(line)
        result.per_input.append((record["input"], record["hint_ids"]))
        if record["hints"]:
            result.hints.append((record["index"], record["hints"]))
        result.got.extend(h for h in record["hint_ids"] if h not in result.got)
    return result


def run_corpus(only: list[Snippet] | None = None) -> list[Result]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [run_snippet(s) for s in (only if only is not None else snippets())]


@dataclass
class Table:
    rows: list[tuple[str, int, int, int]]  # id, expected, found, false alarms
    expected: int
    found: int
    false_alarms: int
    snippets: int
    correct_snippets: int
    inside: int  # mistakes inside a function, loop, decorator or an earlier input

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def table(results: list[Result]) -> Table:
    expected, found, alarms = Counter(), Counter(), Counter()
    for r in results:
        for e in r.snippet.expect:
            expected[e] += 1
        for e in r.found:
            found[e] += 1
        for e in r.false_alarms:
            alarms[e] += 1
    ids = sorted(set(expected) | set(alarms))
    rows = [(i, expected[i], found[i], alarms[i]) for i in ids]
    mistakes = [r for r in results if not r.snippet.correct]
    return Table(rows, sum(expected.values()), sum(found.values()), sum(alarms.values()), len(results),
                 len(results) - len(mistakes), sum(1 for r in mistakes if r.snippet.where != "top"))


def render(t: Table, markdown: bool = False) -> str:
    lines = []
    if markdown:
        lines.append("| hint id | expected | found | recall | false alarms |")
        lines.append("|---|---:|---:|---:|---:|")
        for i, e, f, a in t.rows:
            rec = f"{100 * f / e:.0f}%" if e else "-"
            lines.append(f"| `{i}` | {e} | {f} | {rec} | {a} |")
        lines.append(f"| **all** | {t.expected} | {t.found} | {100 * t.recall:.1f}% | {t.false_alarms} |")
    else:
        lines.append(f"{'hint id':32} {'expected':>8} {'found':>6} {'recall':>7} {'false alarms':>13}")
        for i, e, f, a in t.rows:
            rec = f"{100 * f / e:.0f}%" if e else "-"
            lines.append(f"{i:32} {e:8} {f:6} {rec:>7} {a:13}")
        lines.append(f"{'all':32} {t.expected:8} {t.found:6} {100 * t.recall:6.1f}% {t.false_alarms:13}")
    lines.append("")
    lines.append(f"{t.snippets} snippets: {t.snippets - t.correct_snippets} with a mistake "
                 f"({t.inside} inside a function, loop, decorator or earlier input), "
                 f"{t.correct_snippets} correct code that looks suspicious.")
    return "\n".join(lines)


def details(results: list[Result]) -> str:
    lines = []
    for r in results:
        if r.missed or r.false_alarms:
            parts = []
            if r.missed:
                parts.append("missed " + ", ".join(sorted(r.missed)))
            if r.false_alarms:
                parts.append("FALSE ALARM " + ", ".join(sorted(r.false_alarms)))
            lines.append(f"{r.snippet.name} [{r.snippet.where}]: {'; '.join(parts)} (got {r.got or 'nothing'})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list misses and false alarms")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("names", nargs="*", help="run only snippets whose file name contains one of these")
    args = parser.parse_args(argv)
    chosen = snippets()
    if args.names:
        chosen = [s for s in chosen if any(n in s.name for n in args.names)]
    results = run_corpus(chosen)
    print(render(table(results), markdown=args.markdown))
    if args.verbose:
        text = details(results)
        if text:
            print()
            print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
