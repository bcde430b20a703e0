"""The flow graph of a matter or a theme, and the one implementation of its algorithms:
topological order, ranks (what can run side by side) and the critical path.

Pure functions: the diagrams, the pages, the checks and the themes all call these, so a page
and its diagram can never disagree about order or about the critical path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.model.matter import Matter


@dataclass(frozen=True)
class FlowNode:
    id: str
    name: str
    details: tuple[str, ...] = ()
    days: int = 0
    lane: str | None = None


@dataclass(frozen=True)
class FlowGraph:
    title: str
    nodes: tuple[FlowNode, ...]
    edges: tuple[tuple[str, str], ...]
    note: str = field(default="")

    def successors(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {n.id: [] for n in self.nodes}
        for tail, head in self.edges:
            out[tail].append(head)
        return out


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
            lane=(step.department or home) if len(lanes) > 1 else None,
        )
        for step in matter.steps
    )
    edges = tuple((step.id, nxt) for step in matter.steps for nxt in step.next)
    kind = "审批" if matter.matter_type == "行政许可" else "办理"
    name = matter.name.removesuffix(kind)
    return FlowGraph(title=f"{name}{kind}流程图", nodes=nodes, edges=edges)


def topological_order(graph: FlowGraph) -> list[str]:
    """Node ids in an order where every edge points forward, keeping the given order among
    equals (so the result never depends on hashing). Raises ValueError on a cycle."""
    position = {n.id: i for i, n in enumerate(graph.nodes)}
    succ = graph.successors()
    incoming = {nid: 0 for nid in position}
    for tail, head in graph.edges:
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


def ranks(graph: FlowGraph) -> dict[str, int]:
    """Earliest rank of each node: the number of steps on the longest chain before it.
    Steps that can start together share a rank and are drawn side by side."""
    rank = {nid: 0 for nid in topological_order(graph)}
    succ = graph.successors()
    for nid in topological_order(graph):
        for head in succ[nid]:
            rank[head] = max(rank[head], rank[nid] + 1)
    return rank


def critical_path(graph: FlowGraph) -> tuple[list[str], int]:
    """The longest path in working days: (node ids from intake to exit, total days).

    Ties go to the step listed first, so the same flow always highlights the same path.
    """
    order = topological_order(graph)
    position = {n.id: i for i, n in enumerate(graph.nodes)}
    days = {n.id: n.days for n in graph.nodes}
    best: dict[str, int] = {}
    via: dict[str, str | None] = {}
    preds: dict[str, list[str]] = {nid: [] for nid in order}
    for tail, head in graph.edges:
        preds[head].append(tail)
    for nid in order:
        chosen = None
        for p in sorted(preds[nid], key=position.__getitem__):
            if chosen is None or best[p] > best[chosen]:
                chosen = p
        via[nid] = chosen
        best[nid] = days[nid] + (best[chosen] if chosen is not None else 0)
    if not order:
        return [], 0
    succ = graph.successors()
    # the path runs to an exit, even through steps of 0 days (制证送达 is part of the path)
    end = max((nid for nid in order if not succ[nid]), key=lambda nid: (best[nid], -position[nid]))
    path = [end]
    while via[path[-1]] is not None:
        path.append(via[path[-1]])
    return path[::-1], best[end]
