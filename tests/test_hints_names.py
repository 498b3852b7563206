"""Hints speak about the learner's own code: renamed variables show up, renamed, in the hint.

A metamorphic check. Every triggering script of tests/hints_cases.py is rewritten with each name
the learner assigns (variables, functions, parameters, loop variables) renamed to `my_<name>`; the
same hint must fire, and its explanation or fix must mention one of the renamed names. A generic
text, or one that merely shares a word with the script (`grad`, `where`, `x` in a fixed example),
cannot pass: `my_x` appears nowhere but in the learner's input.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hints_cases import CASES  # noqa: E402
from tutor.runner import split_inputs  # noqa: E402
from tutor.session import Session  # noqa: E402


def assigned_names(script: str) -> set[str]:
    """Names the learner binds: assignment and loop targets, defs, parameters, imports-as excluded."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return names


def rename(script: str, names: set[str]) -> str:
    """`script` with every use of `names` renamed to my_<name> (attributes and keywords untouched)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(script).readline))
    out = []
    for i, tok in enumerate(tokens):
        prev = next((t for t in reversed(tokens[:i]) if t.type not in (tokenize.NL, tokenize.COMMENT)), None)
        nxt = tokens[i + 1] if i + 1 < len(tokens) else None
        is_attribute = prev is not None and prev.string == "."
        is_keyword_arg = (nxt is not None and nxt.string == "=" and prev is not None
                          and prev.string in ("(", ","))
        if tok.type == tokenize.NAME and tok.string in names and not is_attribute and not is_keyword_arg:
            tok = tok._replace(string=f"my_{tok.string}")
        elif tok.type == tokenize.STRING and tok.string.lower().startswith(("f'", 'f"')):
            pattern = r"(?<=\{)(" + "|".join(map(re.escape, sorted(names))) + r")\b"
            tok = tok._replace(string=re.sub(pattern, r"my_\1", tok.string))
        out.append(tok)
    return tokenize.untokenize(out)


def renamed_cases():
    for i, (hint_id, script, opts) in enumerate(CASES):
        names = assigned_names(script)
        if names:
            yield pytest.param(hint_id, rename(script, names), names, opts, id=f"{hint_id}-{i}")


def test_rename_is_exact():
    script = "x = torch.ones(2, requires_grad=True)\nfor step in range(2):\n    y = x.grad * step\nf = lambda v: v.sum()"
    names = assigned_names(script)
    assert names == {"x", "step", "y", "f", "v"}
    assert rename(script, names) == ("my_x = torch.ones(2, requires_grad=True)\nfor my_step in range(2):\n"
                                     "    my_y = my_x.grad * my_step\nmy_f = lambda my_v: my_v.sum()")
    assert rename("f'{x:.3f} {step}'", {"x"}) == "f'{my_x:.3f} {step}'"


def own_value(last_input: str) -> str | None:
    """The learner's own expression when the last input assigns one (`x = torch.tensor([1, 2])`)."""
    tree = ast.parse(last_input)
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Assign):
        return ast.get_source_segment(last_input, tree.body[0].value)
    return None


@pytest.mark.parametrize("hint_id,script,names,opts", list(renamed_cases()))
def test_the_hint_names_the_learners_renamed_variables(hint_id, script, names, opts):
    session = Session(timeout=opts.get("timeout", 5.0))
    session.ensure_torch()
    outcomes = [session.submit(text) for text in split_inputs(script)]
    hints = outcomes[-1].hints
    assert [h.id for h in hints][:1] == [hint_id], (script, outcomes[-1].error)
    text = hints[0].explanation + "\n" + hints[0].fix + "\n" + hints[0].fix_words
    mentioned = {name for name in names if re.search(rf"\bmy_{re.escape(name)}\b", text)}
    # or, when the mistake is in the very expression being assigned, the hint quotes that expression
    quoted = own_value(outcomes[-1].input)
    assert mentioned or (quoted and quoted in text), (script, text)
