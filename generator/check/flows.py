"""A matter's flow must fit its promise: the critical path is not longer than the promised
time limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.domain.graph import critical_path, matter_graph
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


def flow_problems(corpus: "Corpus") -> list[Problem]:
    """The critical path must fit in the promised time limit (cycles are rejected earlier,
    by validation, so every matter here has a forward flow)."""
    problems = []
    for code in sorted(corpus.matters):
        matter = corpus.matters[code]
        graph = matter_graph(matter)
        path, total = critical_path(graph)
        promised = matter.time_limit.promised_days
        if total > promised:
            names = {n.id: n.name for n in graph.nodes}
            problems.append(
                corpus.sources[code].problem(
                    ("time_limit", "promised_days"),
                    f"关键路径 {' → '.join(names[n] for n in path)} 需 {total} 个工作日，超过承诺时限 {promised} 个工作日；"
                    "请缩短各环节的时限（days），或延长承诺时限",
                )
            )
    return problems
