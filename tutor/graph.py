"""The computation graph behind a tensor, as plain data (D2L 2.5).

`build(tensor, names)` walks `tensor.grad_fn` and its `next_functions` ITERATIVELY (an explicit
queue, never recursion) into a `Graph`: one `GraphNode` per autograd node, shared nodes once (a DAG,
not an exploded tree). Building is linear in the size of the graph; the per-node details that cost
more (constants, saved tensors) are read for the first `DETAIL_LIMIT` nodes only.

`tree_rows(graph)` decides what the tree view shows: a depth limit, a row budget, references to
nodes already shown, and long chains of a repeated pattern folded into one row. `to_dot` and
`to_mermaid` give Graphviz / Mermaid text. Rendering to rich lives in tutor/render_autograd.py.
"""

from __future__ import annotations

import gc
import math
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field

# PyTorch 2.13 frees a graph recursively in C++ once Python has looked at its nodes (each node then
# owns its Python wrapper): past ~45,000 walked nodes in a chain, dropping the learner's tensor
# overflows the C stack and kills the process. The CLI raises the stack limit at start-up (tutor/stack.py);
# where the stack can then grow enough, we walk 120,000 nodes, else at most 25,000.
from tutor import stack as _stack  # noqa: E402

WALK_LIMIT = 120_000 if _stack.deep_graphs() else 25_000
DETAIL_LIMIT = 5_000  # nodes (in walk order) whose constants and saved tensors are read
DEPTH_LIMIT = 12  # tree levels shown by default
ROW_LIMIT = 60  # tree rows shown at most
EXPORT_LIMIT = 500  # nodes written by --dot / --mermaid (the rest is counted in a comment)
FOLD_MIN = 4  # a repeated pattern is folded when it covers at least this many nodes

_BACKWARD = re.compile(r"Backward\d*$")

# PyTorch node name (without BackwardN) → the forward operation in a learner's words
OP_WORDS = {
    "Add": "add", "Sub": "sub", "Rsub": "sub (reversed)", "Mul": "mul", "Div": "div",
    "Pow": "pow", "Exp": "exp", "Log": "log", "Sin": "sin", "Cos": "cos", "Tan": "tan",
    "Tanh": "tanh", "Sigmoid": "sigmoid", "Relu": "relu", "Reciprocal": "reciprocal",
    "Neg": "neg", "Sqrt": "sqrt", "Abs": "abs", "Sum": "sum", "Mean": "mean", "Dot": "dot",
    "Mm": "matrix product", "Mv": "matrix-vector product", "Bmm": "batched matrix product",
    "Addmm": "addmm (linear layer)", "LinalgVectorNorm": "vector norm", "Norm": "norm",
    "View": "view", "Reshape": "reshape", "UnsafeView": "view", "Expand": "expand (broadcast)",
    "T": "transpose", "Transpose": "transpose", "Permute": "permute", "Unsqueeze": "unsqueeze",
    "Squeeze": "squeeze", "Select": "index", "Slice": "slice", "Index": "index",
    "Clone": "clone", "ToCopy": "dtype/device copy", "Cat": "cat", "Stack": "stack",
    "Where": "where", "Maximum": "maximum", "Minimum": "minimum", "Max": "max", "Min": "min",
    "Clamp": "clamp", "Exp2": "exp2", "Log2": "log2", "Log10": "log10", "Log1p": "log1p",
    "Square": "square", "Prod": "prod", "Softmax": "softmax", "LogSoftmax": "log_softmax",
    "Cumsum": "cumsum", "Atan": "atan", "Asin": "asin", "Acos": "acos", "Sinh": "sinh",
    "Cosh": "cosh", "Erf": "erf", "Rsqrt": "rsqrt", "Sign": "sign", "Floor": "floor",
    "Round": "round", "Ceil": "ceil",
}


def op_key(torch_name: str) -> str:
    """'PowBackward0' → 'pow'; 'AccumulateGrad' → 'leaf'; unknown names → lower case stem."""
    key = _OP_CACHE.get(torch_name)
    if key is None:
        if torch_name == "AccumulateGrad":
            key = "leaf"
        else:
            stem = _BACKWARD.sub("", torch_name)
            key = OP_WORDS.get(stem, stem.lower() or torch_name)
        _OP_CACHE[torch_name] = key
    return key


_OP_CACHE: dict[str, str] = {}


@dataclass(slots=True)
class Saved:
    """One tensor or value a node saved for backward (`grad_fn._saved_NAME`)."""

    name: str
    text: str
    freed: bool = False


@dataclass(slots=True)
class Edge:
    """An input of a node: another node, or a constant/detached input that needs no gradient."""

    target: int | None  # node id, or None for an input without gradient
    note: str = ""  # for None: "constant 3", "u (requires_grad=False)", ...
    cut: bool = False  # the graph goes on here, but the walk stopped (WALK_LIMIT)


@dataclass(slots=True)
class GraphNode:
    id: int
    torch_name: str  # PowBackward0, AccumulateGrad, ...
    op: str  # learner's word: pow, log, leaf, ...
    label: str  # "pow, exponent 2"
    edges: list[Edge]
    names: list[str] = field(default_factory=list)  # the learner's names (leaves)
    shape: tuple | None = None
    dtype: str | None = None
    saved: list[Saved] | None = None  # None when not read
    number: int = 0  # the [n] shown to the learner: depth-first order, as the tree is drawn

    @property
    def is_leaf(self) -> bool:
        return self.op == "leaf"

    @property
    def inputs(self) -> list[int]:
        return [e.target for e in self.edges if e.target is not None]


@dataclass
class Graph:
    """The computation graph behind one tensor, root first (node 0 is the output's grad_fn)."""

    title: str  # how the learner named the tensor: "y"
    nodes: list[GraphNode]
    output_shape: tuple = ()
    output_dtype: str = "float32"
    longest_path: int = 0  # operations on the longest path from a leaf to the output
    show_saved: bool = False
    depth_limit: int = DEPTH_LIMIT
    build_seconds: float = 0.0
    freed: bool = False  # saved tensors were freed by an earlier backward()
    truncated: bool = False  # the walk stopped at WALK_LIMIT nodes

    @property
    def operations(self) -> list[GraphNode]:
        return [n for n in self.nodes if not n.is_leaf]

    @property
    def leaves(self) -> list[GraphNode]:
        return [n for n in self.nodes if n.is_leaf]

    @property
    def constant_inputs(self) -> int:
        return sum(1 for n in self.nodes for e in n.edges if e.target is None and not e.cut)

    def op_counts(self) -> Counter:
        return Counter(n.op for n in self.nodes if not n.is_leaf)

    def leaf_label(self, node: GraphNode) -> str:
        if node.names:
            return " = ".join(node.names)
        index = [n.id for n in self.leaves].index(node.id) + 1
        return f"leaf{index}"

    def summary(self) -> str:
        ops = len(self.nodes) - len(self.leaves)
        if self.truncated:
            return (f"more than {ops:,} operations (the walk stops at {WALK_LIMIT:,} nodes), "
                    f"{_count(len(self.leaves), 'leaf', 'leaves')} reached")
        leaves = ", ".join(self.leaf_label(n) for n in self.leaves[:6])
        more = f", … {len(self.leaves) - 6} more" if len(self.leaves) > 6 else ""
        consts = self.constant_inputs
        text = f"{_count(ops, 'operation')}, {_count(len(self.leaves), 'leaf', 'leaves')} ({leaves}{more})"
        if consts:
            text += f", {_count(consts, 'constant input')}"
        return text

    def __repr__(self) -> str:
        return f"<Graph of {self.title}: {self.summary()}>"

    # -- export --------------------------------------------------------------------------------

    def _export_nodes(self, limit: int | None) -> tuple[list[GraphNode], int]:
        limit = EXPORT_LIMIT if limit is None else limit
        shown = self.nodes[:limit] if limit > 0 else self.nodes
        return shown, len(self.nodes) - len(shown)

    def node_text(self, node: GraphNode) -> str:
        if node.is_leaf:
            return f"{self.leaf_label(node)} {_shape(node.shape)} {node.dtype}"
        return f"{node.label}\n{node.torch_name}"

    def to_dot(self, limit: int | None = None) -> str:
        """Graphviz text (`dot -Tsvg`): edges point the way the forward pass ran, leaves to output."""
        nodes, hidden = self._export_nodes(limit)
        keep = {n.id for n in nodes}
        lines = [f"digraph {_dot_id(self.title)} {{", "  rankdir=BT;", '  node [fontname="Helvetica"];']
        if hidden:
            lines.append(f"  // {hidden} more nodes not written (limit {len(nodes)})")
        out = _dot_id(self.title) + "_out"
        lines.append(f'  {out} [label="{_esc(self.title)} {_shape(self.output_shape)}", shape=plaintext];')
        consts = 0
        for n in nodes:
            style = 'shape=box, style=filled, fillcolor="lightblue"' if n.is_leaf else "shape=ellipse"
            lines.append(f'  n{n.id} [label="{_esc(self.node_text(n))}", {style}];')
        lines.append(f"  n0 -> {out};")
        for n in nodes:
            for e in n.edges:
                if e.target is None:
                    consts += 1
                    lines.append(f'  c{consts} [label="{_esc(e.note)}", shape=note, fontcolor=gray40];')
                    lines.append(f"  c{consts} -> n{n.id} [style=dashed];")
                elif e.target in keep:
                    lines.append(f"  n{e.target} -> n{n.id};")
        lines.append("}")
        return "\n".join(lines)

    def to_mermaid(self, limit: int | None = None) -> str:
        """Mermaid flowchart text (paste into Markdown ```mermaid blocks)."""
        nodes, hidden = self._export_nodes(limit)
        keep = {n.id for n in nodes}
        lines = ["flowchart BT"]
        if hidden:
            lines.append(f"  %% {hidden} more nodes not written (limit {len(nodes)})")
        for n in nodes:
            text = _mm(self.node_text(n).replace("\n", "<br/>"))
            lines.append(f'  n{n.id}[["{text}"]]' if n.is_leaf else f'  n{n.id}("{text}")')
        lines.append(f'  out{{{{"{_mm(self.title)} {_shape(self.output_shape)}"}}}}')
        lines.append("  n0 --> out")
        consts = 0
        for n in nodes:
            for e in n.edges:
                if e.target is None:
                    consts += 1
                    lines.append(f'  c{consts}["{_mm(e.note)}"] -.-> n{n.id}')
                elif e.target in keep:
                    lines.append(f"  n{e.target} --> n{n.id}")
        return "\n".join(lines)


@dataclass
class GraphText:
    """Graphviz or Mermaid text for the learner's notes."""

    kind: str  # "dot" | "mermaid"
    text: str
    title: str
    hidden: int = 0


# -- building ----------------------------------------------------------------------------------


def names_by_id(named) -> dict[int, list[str]]:
    """{id(tensor): [names]} from (name, tensor) pairs (e.g. Session.learner_tensors())."""
    found: dict[int, list[str]] = {}
    for name, t in named:
        found.setdefault(id(t), []).append(name)
    return found


def names_from_namespace(namespace: dict) -> tuple[dict[int, list[str]], list]:
    """Names of the learner's tensors, and the tensors themselves (kept alive while used)."""
    from tutor import gradwatch

    pairs = list(gradwatch.named_tensors(namespace))
    return names_by_id(pairs), pairs


def walk(root_fn, limit: int | None = WALK_LIMIT) -> tuple[list, dict[int, int], list[tuple]]:
    """The autograd nodes reachable from `root_fn`, breadth first, each once.

    Returns the nodes, {id(fn): index} and each node's `next_functions` (read once: each read
    builds new tuples). The list is its own queue: no recursion, linear in the graph's size.
    """
    fns = [root_fn]
    index = {id(root_fn): 0}
    nexts = []
    for fn in fns:  # fns grows while we go: a breadth-first queue
        nf = fn.next_functions
        nexts.append(nf)
        if limit is not None and len(fns) >= limit:
            continue  # no new nodes: edges to unseen ones are marked cut by build()
        for nxt, _ in nf:
            if nxt is not None and id(nxt) not in index:
                index[id(nxt)] = len(fns)
                fns.append(nxt)
    return fns, index, nexts


def saved_names(fn) -> list[str]:
    """The names of the values a node saved for backward (cached per node type)."""
    cls = type(fn)
    names = _SAVED_CACHE.get(cls)
    if names is None:
        names = [a[len("_saved_"):] for a in dir(fn) if a.startswith("_saved_")]
        _SAVED_CACHE[cls] = names
    return names


_SAVED_CACHE: dict[type, list[str]] = {}
FREED = object()  # a saved tensor that backward() already freed


def read_saved(fn, name: str):
    """`fn._saved_NAME`, or FREED when it has been freed (accessing it raises RuntimeError)."""
    try:
        return getattr(fn, "_saved_" + name)
    except RuntimeError:
        return FREED
    except Exception:  # noqa: BLE001 - an attribute this torch cannot give
        return None


def is_freed(fn) -> bool:
    """Whether this node's saved tensors were freed by a backward() without retain_graph."""
    for name in saved_names(fn):
        if name.endswith(("sym_sizes", "sym_strides", "sym_numel", "sym_argsize_0")):
            continue
        if read_saved(fn, name) is FREED:
            return True
    return False


def build(tensor, names: dict[int, list[str]] | None = None, *, title: str = "y",
          show_saved: bool = False, depth_limit: int = DEPTH_LIMIT,
          constants: dict[tuple, str] | None = None, walk_limit: int | None = WALK_LIMIT) -> Graph:
    """The Graph behind `tensor` (which must have a grad_fn or be a leaf that requires grad).

    `walk_limit=None` walks everything: only safe if the graph is freed on a big C stack (see
    WALK_LIMIT and `benchmark`)."""
    started = time.perf_counter()
    names = names or {}
    root = tensor.grad_fn
    if root is None:
        node = GraphNode(0, "AccumulateGrad", "leaf", "leaf", [], names.get(id(tensor), []),
                         tuple(tensor.shape), _dtype(tensor.dtype))
        return Graph(title, [node], tuple(tensor.shape), _dtype(tensor.dtype), 0, show_saved, depth_limit)
    gc_was_on = gc.isenabled()
    gc.disable()  # hundreds of thousands of small objects: no use scanning them half-way
    try:
        return _build(tensor, root, names, title, show_saved, depth_limit, constants, started, walk_limit)
    finally:
        if gc_was_on:
            gc.enable()


def _build(tensor, root, names, title, show_saved, depth_limit, constants, started, walk_limit) -> Graph:
    torch = sys.modules["torch"]
    fns, index, nexts = walk(root, walk_limit)
    truncated = False
    nodes: list[GraphNode] = []
    freed = False
    for i, fn in enumerate(fns):
        torch_name = type(fn).__name__
        op = op_key(torch_name)
        detailed = i < DETAIL_LIMIT
        edges = []
        for slot, (nxt, _) in enumerate(nexts[i]):
            if nxt is not None:
                j = index.get(id(nxt))
                if j is None:
                    truncated = True
                    edges.append(Edge(None, "the graph goes on (not walked)", cut=True))
                else:
                    edges.append(Edge(j))
            else:
                note = _constant_note(fn, op, slot, constants) if detailed else "constant (no grad)"
                edges.append(Edge(None, note))
        node = GraphNode(i, torch_name, op, op, edges)
        if op == "leaf":
            var = getattr(fn, "variable", None)
            if var is not None:
                node.names = list(names.get(id(var), []))
                node.shape, node.dtype = tuple(var.shape), _dtype(var.dtype)
        elif detailed:
            node.label = describe(fn, op, edges)
            node.shape, node.dtype = _output_meta(fn)
            if show_saved or i == 0:
                saved = [_saved_entry(fn, name, torch) for name in saved_names(fn)]
                saved = [s for s in saved if s is not None]
                freed = freed or any(s.freed for s in saved)
                node.saved = saved if show_saved else None
        nodes.append(node)
    _number(nodes)
    graph = Graph(title, nodes, tuple(tensor.shape), _dtype(tensor.dtype), _longest_path(nodes),
                  show_saved, depth_limit, freed=freed, truncated=truncated)
    graph.build_seconds = time.perf_counter() - started
    return graph


def describe(fn, op: str, edges: list[Edge]) -> str:
    """A node in a learner's words: 'pow, exponent 2', 'mul by constant 3', 'sum over dim 0'."""
    def scalar(name):
        value = read_saved(fn, name)
        if value is None or value is FREED:
            return None
        if hasattr(value, "numel"):
            return _num(value.item()) if value.numel() == 1 else None
        if isinstance(value, (tuple, list)):
            return ", ".join(str(v) for v in value)
        return _num(value) if isinstance(value, (int, float)) else str(value)

    name = type(fn).__name__
    if op == "pow":
        if name == "PowBackward0":
            exp = scalar("exponent")
            return f"pow, exponent {exp}" if exp is not None else "pow"
        if name == "PowBackward2":
            base = scalar("self")
            return f"pow, {base} ** a" if base is not None else "pow (number ** tensor)"
        return "pow (tensor ** tensor)"
    if op in ("add", "sub", "sub (reversed)"):
        alpha = scalar("alpha")
        if alpha not in (None, "1"):
            return f"{op} (alpha {alpha})"
    if op in ("sum", "mean") and "dim" in saved_names(fn):
        dims = scalar("dim")
        if dims:
            return f"{op} over dim {dims}"
    if op in ("mul", "div") and any(e.target is None for e in edges):
        const = next(e.note for e in edges if e.target is None)
        if re.fullmatch(r"constant (-?[0-9.e+-]+|-?inf|nan)", const):
            return f"{op} by {const}"
    if op == "reciprocal":
        return "reciprocal 1/a"
    return op


def _constant_note(fn, op, slot, constants) -> str:
    """Describe an input that needs no gradient: 'constant 3', or the learner's name for it."""
    slot_name = {0: "self", 1: "other"}.get(slot)
    if op == "dot" and slot == 1:
        slot_name = "tensor"
    if slot_name is None or slot_name not in saved_names(fn):
        return "constant (no grad)"
    value = read_saved(fn, slot_name)
    if value is FREED:
        return "constant (no grad)"
    if value is None or not hasattr(value, "numel"):
        return "constant (no grad)"
    if constants:
        key = _tensor_key(value)
        if key in constants:
            return f"{constants[key]} (requires_grad=False)"
    if value.numel() == 1 and value.dim() == 0:
        return f"constant {_num(value.item())}"
    return f"constant or detached {_shape(value.shape)} tensor"


def constants_from(pairs) -> dict[tuple, str]:
    """{(data_ptr, shape, stride): name} for the learner's tensors that do not require grad."""
    found = {}
    for name, t in pairs:
        try:
            if not t.requires_grad and t.layout == sys.modules["torch"].strided and t.numel():
                found.setdefault(_tensor_key(t), name)
        except Exception:  # noqa: BLE001
            continue
    return found


def _tensor_key(t) -> tuple:
    return (t.data_ptr(), tuple(t.shape), tuple(t.stride()), str(t.dtype))


def _output_meta(fn):
    try:
        meta = fn._input_metadata[0]
        return tuple(meta.shape), _dtype(meta.dtype)
    except Exception:  # noqa: BLE001 - older torch or odd nodes
        return None, None


def _saved_entry(fn, name: str, torch) -> Saved | None:
    if name.endswith(("_sym_sizes", "_sym_strides", "_sym_numel", "_sym_argsize_0")):
        return None
    value = read_saved(fn, name)
    if value is FREED:
        return Saved(name, "freed by an earlier backward()", freed=True)
    if isinstance(value, torch.Tensor):
        if value.numel() <= 4:
            values = ", ".join(_num(v) for v in value.detach().flatten().tolist())
            values = values if value.dim() == 0 else f"[{values}]"
        else:
            values = "…"
        return Saved(name, f"{values} {_shape(value.shape)} {_dtype(value.dtype)}")
    if value is None:
        return Saved(name, "None (not needed)")
    return Saved(name, _num(value) if isinstance(value, (int, float)) else str(value))


def _number(nodes: list[GraphNode]) -> None:
    """Number the operations in the order the tree view draws them (depth first, inputs in order)."""
    seen = bytearray(len(nodes))
    stack = [0]
    count = 0
    while stack:
        i = stack.pop()
        if seen[i]:
            continue
        seen[i] = 1
        node = nodes[i]
        if not node.is_leaf:
            count += 1
            node.number = count
        stack.extend(reversed(node.inputs))


def _longest_path(nodes: list[GraphNode]) -> int:
    """Operations on the longest path from a leaf to the output (Kahn's order, linear)."""
    indeg = [0] * len(nodes)
    for n in nodes:
        for t in n.inputs:
            indeg[t] += 1
    length = [0] * len(nodes)
    queue = deque(i for i, d in enumerate(indeg) if d == 0)
    best = 0
    while queue:
        i = queue.popleft()
        here = length[i] + (0 if nodes[i].is_leaf else 1)
        best = max(best, here)
        for t in nodes[i].inputs:
            length[t] = max(length[t], here)
            indeg[t] -= 1
            if indeg[t] == 0:
                queue.append(t)
    return best


# -- the tree view -----------------------------------------------------------------------------


@dataclass(slots=True)
class TreeRow:
    """One row of the tree view. kind: node | ref | constant | fold | cut"""

    level: int
    kind: str
    node: int | None = None
    text: str = ""
    count: int = 0


def tree_rows(graph: Graph, depth_limit: int | None = None, row_limit: int = ROW_LIMIT):
    """The rows of the tree view (depth first, output first) and the number of nodes left out."""
    depth_limit = graph.depth_limit if depth_limit is None else depth_limit
    nodes = graph.nodes
    shown = bytearray(len(nodes))  # 1 shown as a row, 2 folded
    rows: list[TreeRow] = []
    stack: list[tuple[int, Edge]] = [(0, Edge(0))]
    cut = False
    while stack:
        level, edge = stack.pop()
        if len(rows) >= row_limit:
            cut = True
            break
        if edge.target is None:
            rows.append(TreeRow(level, "more" if edge.cut else "constant", None, edge.note))
            continue
        i = edge.target
        if shown[i]:
            rows.append(TreeRow(level, "ref", i, "folded above" if shown[i] == 2 else "shown above"))
            continue
        if level > depth_limit:
            rows.append(TreeRow(level, "cut", i, "deeper nodes not shown"))
            continue
        shown[i] = 1
        rows.append(TreeRow(level, "node", i))
        node = nodes[i]
        children = node.edges
        run = _foldable_run(nodes, shown, node)
        if run:
            pattern, repeats, after, last = run
            rows.append(TreeRow(level + 1, "fold", None, " → ".join(pattern), repeats))
            children = [Edge(after)] if after is not None else [e for e in nodes[last].edges if e.cut]
            level += 1
        for e in reversed(children):
            stack.append((level + 1, e))
    hidden = len(nodes) - sum(1 for s in shown if s)
    return rows, hidden if (cut or hidden) else 0


def _foldable_run(nodes, shown, node):
    """If a long chain of one repeated pattern starts below `node`: (pattern, repeats, next id)."""
    chain: list[int] = []
    i = _single_input(node)
    # look ahead a little to find the pattern, then follow it as far as it goes
    while i is not None and not shown[i] and len(chain) < 16 and not nodes[i].is_leaf:
        chain.append(i)
        i = _single_input(nodes[i])
    if len(chain) < FOLD_MIN:
        return None
    ops = [nodes[j].op for j in chain]
    for period in range(1, 5):
        if all(ops[k] == ops[k % period] for k in range(len(ops))) and len(ops) >= 2 * period:
            break
    else:
        return None
    pattern = ops[:period]
    count = len(chain)
    j = chain[-1]
    nxt = _single_input(nodes[j])
    while nxt is not None and not shown[nxt] and not nodes[nxt].is_leaf \
            and nodes[nxt].op == pattern[count % period]:
        chain.append(nxt)
        count += 1
        nxt = _single_input(nodes[nxt])
    count -= count % period  # whole repeats only
    chain = chain[:count]
    if count < FOLD_MIN:
        return None
    for j in chain:
        shown[j] = 2
    after = _single_input(nodes[chain[-1]])
    return pattern, count // period, after, chain[-1]


def _single_input(node: GraphNode) -> int | None:
    inputs = node.inputs
    return inputs[0] if len(inputs) == 1 else None


# -- small text helpers ------------------------------------------------------------------------


def _count(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _num(v) -> str:
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)
    if isinstance(v, float):
        if v == int(v) and abs(v) < 1e15:
            return str(int(v))
        return f"{v:.4g}"
    return str(v)


def _shape(shape) -> str:
    if shape is None:
        return ""
    dims = tuple(int(d) for d in shape)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def _dtype(dtype) -> str:
    return str(dtype).replace("torch.", "")


def _dot_id(text: str) -> str:
    return re.sub(r"\W", "_", text) or "graph"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _mm(text: str) -> str:
    return text.replace('"', "#quot;")


# -- benchmark ---------------------------------------------------------------------------------


def release_on_big_stack(holder: list) -> None:
    """Empty `holder` (holding the last references to a graph) in a thread with a 1 GB stack.

    A graph whose nodes Python has walked is freed recursively by PyTorch (see WALK_LIMIT); on a
    big enough stack that is harmless. Used by the benchmark, which walks 100,000-node chains.
    """
    import threading

    old = threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=holder.clear)
        thread.start()
    finally:
        threading.stack_size(old)
    thread.join()


def benchmark(sizes=(1_000, 10_000, 100_000), op: str = "sin", torchviz: bool = True) -> list[dict]:
    """Time building the Graph of chains of `sizes` operations (and torchviz's make_dot if present).

    The whole chain is walked (no WALK_LIMIT) and freed on a big stack afterwards. Returns one dict
    per size: nodes, build seconds, tree-row seconds, and torchviz seconds, the error torchviz
    raised, or None when torchviz is not installed.
    """
    import torch

    results = []
    for n in sizes:
        x = torch.tensor(0.5, requires_grad=True)
        y = x
        for _ in range(n):
            y = getattr(torch, op)(y)
        started = time.perf_counter()
        g = build(y, {id(x): ["x"]}, title="y", walk_limit=None)
        built = time.perf_counter() - started
        started = time.perf_counter()
        rows, _ = tree_rows(g)
        rowed = time.perf_counter() - started
        result = {"ops": n, "nodes": len(g.nodes), "build_s": round(built, 4),
                  "tree_s": round(rowed, 4), "rows": len(rows), "torchviz_s": None}
        if torchviz:
            try:
                from torchviz import make_dot
            except ImportError:
                result["torchviz_s"] = None
            else:
                limit = sys.getrecursionlimit()
                started = time.perf_counter()
                try:
                    make_dot(y, params={"x": x})
                    result["torchviz_s"] = round(time.perf_counter() - started, 4)
                except RecursionError:
                    result["torchviz_s"] = "RecursionError"
                finally:
                    sys.setrecursionlimit(limit)
        results.append(result)
        holder = [y, g]
        del y, g
        release_on_big_stack(holder)
    return results
