"""The one graph module (generator.domain.graph): cycle detection, topological order,
prerequisites and the critical path, by exact values; and every sample theme's page shows
the critical path its diagram draws thick."""

from __future__ import annotations

import re

import pytest

from generator.domain import graph
from generator.domain.themes import compute_plan
from generator.outputs import diagrams
from generator.outputs.themes import joint_graph, page_context, render_theme_page

# ------------------------------------------------------------------ topological order


def test_order_keeps_file_order_among_equals():
    # b and c can both follow a: c is listed first, so it comes first
    assert graph.topological_order(["a", "c", "b", "d"], [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]) == ["a", "c", "b", "d"]
    # a becomes ready after b, but is listed before c, which was ready all along
    assert graph.topological_order(["a", "b", "c", "d"], [("b", "a"), ("c", "d")]) == ["b", "a", "c", "d"]
    assert graph.topological_order([], []) == []


def test_order_of_a_matter_is_its_page_order(sample_corpus):
    from generator.outputs.pages.matter import ordered_steps

    for matter in sample_corpus.matters.values():
        flow = graph.matter_graph(matter)
        assert [step.id for step in ordered_steps(matter)] == graph.topological_order(flow.ids, flow.edges)


def test_order_refuses_a_cycle():
    with pytest.raises(ValueError, match="^the flow has a cycle$"):
        graph.topological_order(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "b")])


# ------------------------------------------------------------------ cycles


def test_cycle_is_returned_first_node_repeated():
    edges = [("a", "b"), ("b", "c"), ("c", "b"), ("c", "d")]
    assert graph.find_cycle(["a", "b", "c", "d"], edges) == ["b", "c", "b"]
    # searched from each node in the given order, successors in edge order
    assert graph.find_cycle(["x", "y", "z"], [("x", "z"), ("x", "y"), ("y", "x"), ("z", "x")]) == ["x", "z", "x"]
    assert graph.find_cycle(["a"], [("a", "a")]) == ["a", "a"]


def test_no_cycle():
    assert graph.find_cycle(["a", "b", "c"], [("a", "b"), ("a", "c"), ("b", "c")]) is None
    # an edge to an unknown id is not part of the graph (validation reports it on its own)
    assert graph.find_cycle(["a", "b"], [("a", "b"), ("b", "ghost"), ("ghost", "a")]) is None
    assert graph.find_cycle([], []) is None


def test_prerequisites_direct_and_indirect():
    assert graph.prerequisites(["a", "b", "c", "d"], [("a", "b"), ("b", "c"), ("a", "d")]) == {
        "a": set(),
        "b": {"a"},
        "c": {"a", "b"},
        "d": {"a"},
    }


# ------------------------------------------------------------------ critical path


def test_critical_path_ties_go_to_the_node_listed_first():
    ids = ["in", "b", "c", "out"]
    edges = [("in", "b"), ("in", "c"), ("b", "out"), ("c", "out")]
    days = {"in": 1, "b": 2, "c": 2, "out": 0}
    assert graph.longest_path(ids, edges, days) == graph.LongestPath(["in", "b", "out"], 3, {"in": 1, "b": 3, "c": 3, "out": 3})
    assert graph.longest_path(["in", "c", "b", "out"], edges, days).path == ["in", "c", "out"]
    # two exits that finish together: the first listed
    assert graph.longest_path(["a", "x", "y"], [("a", "x"), ("a", "y")], {"a": 1, "x": 2, "y": 2}).path == ["a", "x"]
    assert graph.longest_path(["a", "y", "x"], [("a", "x"), ("a", "y")], {"a": 1, "x": 2, "y": 2}).path == ["a", "y"]


def test_critical_path_runs_to_an_exit_through_0_days():
    found = graph.longest_path(["a", "b"], [("a", "b")], {"a": 5, "b": 0})
    assert (found.path, found.days, found.finish) == (["a", "b"], 5, {"a": 5, "b": 5})
    # the longer branch wins over the first listed
    found = graph.longest_path(["s", "short", "long", "e"], [("s", "short"), ("s", "long"), ("short", "e"), ("long", "e")], {"s": 0, "short": 1, "long": 4, "e": 0})
    assert (found.path, found.days) == (["s", "long", "e"], 4)
    assert graph.longest_path([], [], {}) == graph.LongestPath([], 0, {})


def test_critical_path_of_a_flow_graph_is_the_longest_path():
    node = graph.FlowNode
    flow = graph.FlowGraph("流程图", (node("a", "受理", (), 1), node("b", "甲", (), 2), node("c", "乙", (), 2), node("d", "出件", (), 0)),
                           (("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")))
    assert graph.critical_path(flow) == (["a", "b", "d"], 3)
    assert graph.ranks(flow) == {"a": 0, "b": 1, "c": 1, "d": 2}
    with pytest.raises(ValueError):
        graph.critical_path(graph.FlowGraph("环", (node("a", "甲"), node("b", "乙")), (("a", "b"), ("b", "a"))))


# ------------------------------------------------------------------ a theme's page and its diagram


def diagram_critical_path(flow: graph.FlowGraph) -> tuple[list[str], str]:
    """The path drawn thick in the diagram's DOT (node ids, in order), and its legend."""
    dot = diagrams.flow_dot(flow)
    by_name = {f"n{i}": node.id for i, node in enumerate(flow.nodes)}
    thick_nodes = {by_name[n] for n in re.findall(r"^\s*(n\d+) \[[^\n]*class=\"critical\"", dot, re.M)}
    thick_edges = dict((by_name[a], by_name[b]) for a, b in re.findall(r"^\s*(n\d+) -> (n\d+) \[[^\n]*class=\"critical\"", dot, re.M))
    start = next(nid for nid in thick_nodes if nid not in thick_edges.values())
    path = [start]
    while path[-1] in thick_edges:
        path.append(thick_edges[path[-1]])
    assert set(path) == thick_nodes, "the thick edges join the thick boxes into one chain"
    # the legend wraps (<BR/>) where the label's line breaking chooses; read it as one line
    legend = re.search(r"粗线为用时最长的一串，合计([^；<]+)", dot.replace("<BR/>", "")).group(1)
    return path, legend


def assert_page_and_diagram_agree(plan, corpus):
    flow = joint_graph(plan)
    path, legend = diagram_critical_path(flow)
    assert path[0] == "intake" and path[-1] == "exit"
    members = [nid.removeprefix("m") for nid in path[1:-1]]
    assert members == plan.critical_path
    assert legend == diagrams.total_text(plan.critical_days)
    context = page_context(plan, corpus, "")
    names = [plan.matters[code].name for code in members]
    assert context["critical_names"] == names
    assert [m["m"].code for m in context["members"] if m["critical"]] == [m.code for m in plan.theme.members if m.code in members]
    page = render_theme_page(plan, corpus, "")
    assert f"用时最长的一串：{' → '.join(names)}，共" in page


def test_every_sample_theme_page_shows_the_critical_path_its_diagram_highlights(sample_corpus):
    assert sample_corpus.themes, "the sample has themes"
    for plan in sample_corpus.themes.values():
        assert_page_and_diagram_agree(plan, sample_corpus)


def test_a_0_day_member_at_the_end_is_on_the_page_as_in_the_diagram(sample_corpus):
    """Members that wait for another and take 0 days: the path still runs to the exit through
    the first of them, on the page as in the diagram (the rule the diagrams always had)."""
    plan = sample_corpus.themes["car-repair"]
    first = plan.theme.members[0].code
    matters = {}
    for code, matter in plan.matters.items():
        if code != first:
            matter = matter.model_copy(update={"time_limit": matter.time_limit.model_copy(update={"promised_days": 0})})
        matters[code] = matter
    changed = compute_plan(plan.theme, matters)
    waiting = next(m.code for m in plan.theme.members if m.depends_on)
    assert changed.critical_path == [first, waiting]
    assert changed.critical_days == matters[first].time_limit.promised_days
    assert_page_and_diagram_agree(changed, sample_corpus)
