"""No import cycles among the shell's, rendering's and plotting's modules (imports inside functions count)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# modules that once imported each other in a circle (issue 13), and the stand-ins
# (tutor.display and tutor.render import each other inside functions since display's guarded value
# views; that pair is left to its owner)
WATCHED = {"tutor.cli", "tutor.cli_lessons", "tutor.cli_common", "tutor.commands.core", "tutor.render_core",
           "tutor.introspect", "tutor.plot", "tutor.render_plot", "tutor.standins",
           "tutor.standin_pyplot", "tutor.standin_d2l", "tutor.standin_notes", "tutor.shell", "tutor.complete",
           "tutor.render_shell", "tutor.render_fit", "tutor.ipynb"}


def import_graph() -> dict[str, set[str]]:
    modules = {}
    for path in (ROOT / "tutor").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    graph: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join(parts + ([base] if base else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycle_through(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """A path start -> ... -> start, if there is one."""
    stack, seen = [(start, [start])], set()
    while stack:
        node, path = stack.pop()
        for nxt in graph[node]:
            if nxt == start:
                return path + [start]
            if nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, path + [nxt]))
    return None


def test_the_watched_modules_are_in_no_import_cycle():
    graph = import_graph()
    cycles = {m: cycle_through(graph, m) for m in sorted(WATCHED) if m in graph}
    assert {m: c for m, c in cycles.items() if c} == {}


def test_the_cycle_finder_finds_a_planted_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycle_through(graph, "a") == ["a", "b", "c", "a"]
    assert cycle_through(graph, "d") is None
