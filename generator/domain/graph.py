"""The flow graph of a matter or a theme, and the one implementation of its algorithms:
cycle detection, topological order, ranks (what can run side by side), prerequisites and the
critical path.

The algorithms work on any directed graph given as node ids (in file order, which breaks
every tie) and edges ``(tail, head)``: a matter's steps, a theme's members (an edge from a
prerequisite to the member waiting for it, days = promised days), or a :class:`FlowGraph`.
Edges that name an unknown id are left out (validation reports them).

Pure functions: validation, the checks, the pages, the diagrams and the themes all call
these, so a page and its diagram can never disagree about order or about the critical path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from generator.model.matter import Matter


Edge = tuple[str, str]


@dataclass(frozen=True)
class FlowNode:
    id: str
    name: str
    details: tuple[str, ...] = ()
    days: int = 0
    lane: str | None = None
    calendar_days: int | None = None  # calendar time not counted in the limit (公示, 检验)


@dataclass(frozen=True)
class FlowGraph:
    title: str
    nodes: tuple[FlowNode, ...]
    edges: tuple[tuple[str, str], ...]
    note: str = field(default="")

    @property
    def ids(self) -> list[str]:
        return [n.id for n in self.nodes]

    def successors(self) -> dict[str, list[str]]:
        return successors(self.ids, self.edges)


def matter_graph(matter: Matter) -> FlowGraph:
    """The flow of one matter: steps in file order, lanes only when departments differ."""
    home = matter.department
    lanes = {step.department or home for step in matter.steps}
    nodes = tuple(
        FlowNode(
            id=step.id,
            name=step.name,
            details=(step.actor,),
            days=step.days,
            calendar_days=step.calendar_days,
            lane=(step.department or home) if len(lanes) > 1 else None,
        )
        for step in matter.steps
    )
    edges = tuple((step.id, nxt) for step in matter.steps for nxt in step.next)
    kind = "审批" if matter.matter_type == "行政许可" else "办理"
    name = matter.name.removesuffix(kind)
    return FlowGraph(title=f"{name}{kind}流程图", nodes=nodes, edges=edges)


def successors(ids: Iterable[str], edges: Iterable[Edge]) -> dict[str, list[str]]:
    """Each node's successors in edge order; edges with an unknown end are left out."""
    out: dict[str, list[str]] = {nid: [] for nid in ids}
    for tail, head in edges:
        if tail in out and head in out:
            out[tail].append(head)
    return out


def find_cycle(ids: Sequence[str], edges: Iterable[Edge]) -> list[str] | None:
    """A cycle as a list of node ids, the first repeated at the end (``a → b → a``), or None.

    Depth first from each node in the given order, successors in edge order, so the same
    file always reports the same cycle."""
    succ = successors(ids, edges)
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in succ[node]:
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in succ:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def topological_order(ids: Sequence[str], edges: Iterable[Edge]) -> list[str]:
    """Node ids in an order where every edge points forward, keeping the given order among
    equals (so the result never depends on hashing). Raises ValueError on a cycle."""
    position = {nid: i for i, nid in enumerate(ids)}
    succ = successors(ids, edges)
    incoming = {nid: 0 for nid in position}
    for heads in succ.values():
        for head in heads:
            incoming[head] += 1
    ready = sorted((nid for nid, k in incoming.items() if k == 0), key=position.__getitem__)
    order: list[str] = []
    while ready:
        nid = ready.pop(0)
        order.append(nid)
        for head in succ[nid]:
            incoming[head] -= 1
            if incoming[head] == 0:
                ready.append(head)
                ready.sort(key=position.__getitem__)
    if len(order) != len(position):
        raise ValueError("the flow has a cycle")
    return order


def prerequisites(ids: Sequence[str], edges: Iterable[Edge]) -> dict[str, set[str]]:
    """Every node's predecessors, direct and indirect. Raises ValueError on a cycle."""
    edges = list(edges)
    succ = successors(ids, edges)
    before: dict[str, set[str]] = {nid: set() for nid in ids}
    for nid in topological_order(ids, edges):
        for head in succ[nid]:
            before[head] |= before[nid] | {nid}
    return before


@dataclass(frozen=True)
class LongestPath:
    """The critical path: node ids from an entry to an exit, its total days, and the earliest
    finish of every node (its days after the longest chain before it)."""

    path: list[str]
    days: int
    finish: dict[str, int]


def longest_path(ids: Sequence[str], edges: Iterable[Edge], days: Mapping[str, int]) -> LongestPath:
    """The longest path in days, running from an entry to an exit (a node with no successor),
    even through nodes of 0 days. Ties go to the node listed first: the first exit among the
    longest, and before each node the first of its predecessors that finish last.
    Raises ValueError on a cycle."""
    edges = list(edges)
    order = topological_order(ids, edges)
    position = {nid: i for i, nid in enumerate(ids)}
    succ = successors(ids, edges)
    preds: dict[str, list[str]] = {nid: [] for nid in ids}
    for tail, heads in succ.items():
        for head in heads:
            preds[head].append(tail)
    finish: dict[str, int] = {}
    via: dict[str, str | None] = {}
    for nid in order:
        chosen = None
        for p in sorted(preds[nid], key=position.__getitem__):
            if chosen is None or finish[p] > finish[chosen]:
                chosen = p
        via[nid] = chosen
        finish[nid] = days[nid] + (finish[chosen] if chosen is not None else 0)
    finish = {nid: finish[nid] for nid in ids}
    if not order:
        return LongestPath([], 0, finish)
    end = max((nid for nid in order if not succ[nid]), key=lambda nid: (finish[nid], -position[nid]))
    path = [end]
    while via[path[-1]] is not None:
        path.append(via[path[-1]])
    return LongestPath(path[::-1], finish[end], finish)


# --- the same algorithms on a FlowGraph (the diagrams' API)


def ranks(graph: FlowGraph) -> dict[str, int]:
    """Earliest rank of each node: the number of steps on the longest chain before it.
    Steps that can start together share a rank and are drawn side by side."""
    order = topological_order(graph.ids, graph.edges)
    rank = {nid: 0 for nid in order}
    succ = graph.successors()
    for nid in order:
        for head in succ[nid]:
            rank[head] = max(rank[head], rank[nid] + 1)
    return rank


def critical_path(graph: FlowGraph) -> tuple[list[str], int]:
    """The longest path in working days: (node ids from intake to exit, total days), by
    :func:`longest_path` (the 0-day 制证送达 at the end is part of the path)."""
    found = longest_path(graph.ids, graph.edges, {n.id: n.days for n in graph.nodes})
    return found.path, found.days
