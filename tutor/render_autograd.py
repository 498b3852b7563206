"""Rich renderings of the autograd data: Graph, GraphText, BackwardTrace, ForwardTrace,
CheckResult and MatrixResult. Imported by tutor/commands/autograd.py, which registers them."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from tutor import graph as G
from tutor.backprop import FORWARD_VS_REVERSE, BackwardTrace, ForwardTrace, tensor_text
from tutor.calculus import CheckResult, MatrixResult, short
from tutor.render import renders

DIM = "dim"


# -- %graph --------------------------------------------------------------------------------------


def _node_label(graph: G.Graph, node: G.GraphNode) -> Text:
    text = Text()
    if node.is_leaf:
        text.append(graph.leaf_label(node), style="bold cyan")
        text.append(f"  leaf {G._shape(node.shape)} {node.dtype or ''}".rstrip(), style="cyan")
        text.append("  AccumulateGrad", style=DIM)
        return text
    text.append(f"[{node.number}] ", style=DIM)
    text.append(node.label, style="bold")
    text.append(f"  {node.torch_name}", style="magenta")
    if node.shape not in (None, ()):
        text.append(f"  → {G._shape(node.shape)}", style=DIM)
    if node.saved is not None:
        if not node.saved:
            text.append("\n    saved: nothing", style=DIM)
        for item in node.saved:
            style = "yellow" if item.freed else DIM
            text.append(f"\n    saved {item.name}: {item.text}", style=style)
    return text


def _row_label(graph: G.Graph, row: G.TreeRow) -> Text:
    if row.kind == "node":
        return _node_label(graph, graph.nodes[row.node])
    if row.kind == "constant":
        return Text(f"◦ {row.text}", style=DIM)
    if row.kind == "more":
        return Text(f"… {row.text}: more than {G.WALK_LIMIT:,} nodes", style="yellow")
    if row.kind == "fold":
        pattern = " → ".join(row.text.split(" → "))
        what = "the same operation" if " → " not in pattern else "a repeated pattern"
        text = Text("⋮ ", style="yellow")
        text.append(f"{pattern} × {row.count:,}", style="bold yellow")
        text.append(f"  ({what}, folded)", style=DIM)
        return text
    node = graph.nodes[row.node]
    name = graph.leaf_label(node) if node.is_leaf else f"[{node.number}] {node.label}"
    if row.kind == "ref":
        return Text(f"↑ {name} ({row.text})", style=DIM)
    return Text(f"… {name} and below: deeper than --depth {graph.depth_limit}", style=DIM)


@renders(G.Graph)
def render_graph(graph: G.Graph) -> RenderableType:
    rows, hidden = G.tree_rows(graph)
    head = Text()
    head.append(f"Graph of {graph.title}", style="bold")
    head.append(f": {graph.summary()}")
    if graph.longest_path > 1:
        head.append(f"; depth {graph.longest_path:,}", style=DIM)
    if graph.freed:
        head.append("\nsaved tensors were freed by an earlier backward(): the structure is intact, "
                    "but backward through it again fails", style="yellow")
    tree = Tree(_row_label(graph, rows[0]), guide_style=DIM)
    stack = [(0, tree)]
    for row in rows[1:]:
        while stack and stack[-1][0] >= row.level:
            stack.pop()
        branch = stack[-1][1].add(_row_label(graph, row))
        stack.append((row.level, branch))
    parts: list[RenderableType] = [head, tree]
    counts = graph.op_counts()
    if len(graph.nodes) > G.ROW_LIMIT:
        top = ", ".join(f"{op} ×{n:,}" for op, n in counts.most_common(6))
        parts.append(Text(f"operations: {top}", style=DIM))
    if hidden:
        parts.append(Text(f"… {G._count(hidden, 'node')} not drawn (--depth N draws deeper; --dot writes up to "
                          f"{G.EXPORT_LIMIT} nodes)", style=DIM))
    if graph.operations:
        parts.append(Text(f"Output at the top, leaves at the bottom: backward() runs top-down. "
                          f"%trace {graph.title} walks it step by step.", style=DIM))
    return Group(*parts)


@renders(G.GraphText)
def render_graph_text(data: G.GraphText) -> RenderableType:
    what = "Graphviz (dot -Tsvg graph.dot > graph.svg)" if data.kind == "dot" else "Mermaid (a ```mermaid block)"
    note = Text(f"{what} for {data.title}", style=DIM)
    if data.hidden:
        note.append(f"; {data.hidden:,} nodes beyond the first {G.EXPORT_LIMIT} are left out", style="yellow")
    return Group(note, Text(data.text))


# -- %trace --------------------------------------------------------------------------------------


@renders(BackwardTrace)
def render_backward(trace: BackwardTrace) -> RenderableType:
    head = Text()
    head.append(f"Backward pass of {trace.title}", style="bold")
    seed = f"∂{trace.title}/∂{trace.title} = 1" if trace.seed == "1" else f"v = {trace.seed}"
    head.append(f", seed {seed}, in the order autograd runs the nodes.\n")
    head.append("At each node: grad out = grad in × local derivative (the chain rule); "
                "gradients meeting at a node add up.", style=DIM)
    width = min(40, max([len(e.rule) for s in trace.steps for e in s.edges] + [10]))
    body = Text()
    for step in trace.steps:
        body.append(f"\n{step.number:>2} ", style=DIM)
        body.append(step.node, style="bold cyan" if step.is_leaf else "bold")
        if step.formula:
            body.append(f"  {step.formula}", style=DIM)
        body.append("   grad in ", style=DIM)
        body.append(step.arriving, style="bold")
        if step.is_leaf:
            body.append("\n     backward() would add this into .grad; %trace does not", style=DIM)
        for e in step.edges:
            if e.value is None:
                body.append(f"\n     {e.to}: no gradient needed", style=DIM)
                continue
            body.append(f"\n     {e.rule:<{width}}", style="")
            body.append("  → ", style=DIM)
            body.append(e.grad, style="bold")
            body.append(f" to {e.to}", style=DIM)
    parts: list[RenderableType] = [head, body]
    if trace.hidden_steps:
        parts.append(Text(f"… {trace.hidden_steps:,} more steps not shown", style=DIM))
    result = Text()
    for leaf in trace.leaves:
        result.append(f"{leaf.name}.grad", style="bold cyan")
        result.append(f" would be {leaf.text}\n")
    result.append(f"That is what {trace.title}.backward() gives (when .grad starts as None). %trace ran "
                  "each step itself: your .grad values and the graph are unchanged.", style=DIM)
    parts.append(result)
    return Group(*parts)


@renders(ForwardTrace)
def render_forward(trace: ForwardTrace) -> RenderableType:
    head = Text()
    head.append("Forward mode", style="bold")
    head.append(f": {trace.call}, with dual numbers (value, tangent); ")
    head.append(f"{trace.inputs[0][0]}' = {trace.direction}", style="bold")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("step", style=DIM, no_wrap=True)
    table.add_column("operation")
    table.add_column("value", justify="right")
    table.add_column("tangent", justify="right", style="bold")
    table.add_column("tangent rule", style=DIM)
    for name, value, tangent in trace.inputs:
        table.add_row(name, "input", value, tangent, "seed" if tangent != "0" else "held fixed")
    for step in trace.steps:
        table.add_row(step.label, step.expr, step.value, step.tangent, step.rule)
    parts: list[RenderableType] = [head, table]
    if trace.hidden:
        parts.append(Text(f"… {trace.hidden:,} more operations not shown", style=DIM))
    result = Text()
    if trace.passes == 1:
        result.append(f"derivative = {trace.output_tangent}", style="bold")
        result.append(" (the output's tangent)")
    else:
        result.append(f"{trace.passes} passes, one per input element: derivative = {tensor_text(trace.derivative)}",
                      style="bold")
    mark = ("✓ reverse mode (backward) gives the same: " if trace.agree
            else "✗ reverse mode (backward) gives ")
    result.append(f"\n{mark}{tensor_text(trace.reverse)}", style="green" if trace.agree else "red")
    parts.append(result)
    parts.append(Text(FORWARD_VS_REVERSE, style=DIM))
    return Group(*parts)


# -- %check --------------------------------------------------------------------------------------


@renders(CheckResult)
def render_check(result: CheckResult) -> RenderableType:
    head = Text()
    head.append("Derivative check", style="bold")
    head.append(f": {result.call}")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("method")
    table.add_column("value", justify="right")
    table.add_column("|diff|", justify="right")
    table.add_column("rel diff", justify="right")
    table.add_column("", no_wrap=True)
    for row in result.rows:
        if row.ok is None:
            mark, abs_d, rel_d = Text("reference", style=DIM), "", ""
        else:
            mark = Text("✓", style="green") if row.ok else Text("✗", style="bold red")
            if row.note:
                mark.append(f" {row.note}", style=DIM)
            abs_d, rel_d = short(row.abs_diff, 3), short(row.rel_diff, 2)
        table.add_row(row.method, short(row.value, 6), abs_d, rel_d, mark)
    parts: list[RenderableType] = [head, table]
    if result.symbolic:
        parts.append(Text(f"sympy: {result.symbolic}", style=DIM))
    elif result.symbolic_reason:
        parts.append(Text(f"no symbolic row: {result.symbolic_reason}", style=DIM))
    style = "bold green" if result.passed else "bold yellow" if getattr(result, "kink", False) else "bold red"
    parts.append(Text(result.verdict, style=style))
    for note in result.notes:
        parts.append(Text(note, style=DIM))
    return Group(*parts)


# -- %jacobian / %hessian ------------------------------------------------------------------------


@renders(MatrixResult)
def render_matrix(result: MatrixResult) -> RenderableType:
    from tutor.display import tensor_values

    m, n = result.matrix.shape
    head = Text()
    if result.kind == "jacobian":
        head.append("Jacobian", style="bold")
        head.append(f" of {result.call}: {m} × {n} (row i: output i, column j: input j)")
    else:
        head.append("Hessian", style="bold")
        head.append(f" of {result.call}: {n} × {n}, H[i, j] = ∂²f/∂xᵢ∂xⱼ")
    body = Text(tensor_values(result.matrix))
    explain = Text(style=DIM)
    if result.kind == "jacobian":
        explain.append(
            f"Row i is what {result.fname}({result.var}).backward(gradient=eᵢ) puts in {result.var}.grad "
            "(eᵢ one-hot): eᵢᵀJ, a "
            "vector-Jacobian product. backward(gradient=v) computes vᵀJ for any v without ever "
            f"building J (D2L 2.5.2).\nCost: {result.passes} backward pass"
            f"{'es' if result.passes != 1 else ''}, one per output (forward mode: {n}, one per input). "
            "PyTorch puts outputs in rows; D2L writes gradients as columns, so ∇ₓ(Ax) = Aᵀ there.")
    else:
        explain.append(
            "Cost: 1 backward pass with create_graph=True (it records a graph of the gradient "
            f"itself, more memory), then {n} more, one per row: {result.passes} passes in all. "
            "Second derivatives cost more because the first backward must itself be differentiable "
            "and there are n² entries (D2L 2.5, exercise 1).")
        if result.symmetric is not None:
            explain.append(f"\nsymmetric: {'yes ✓' if result.symmetric else 'no ✗'}")
    check = Text(("✓ equals torch.autograd.functional." if result.agree else "✗ differs from torch.autograd.functional.")
                 + result.kind, style="green" if result.agree else "red")
    return Group(head, body, explain, check)
