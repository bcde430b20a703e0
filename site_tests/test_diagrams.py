"""Approval flow diagrams: graph, critical path, escaping, the SVG in the page, the cache."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, build_project, make_project
from generator import cli
from generator.outputs import diagrams
from generator.cache import ArtifactCache
from generator.load.corpus import load_corpus

HERE = FIXTURES / "diagrams"
SVG = "{http://www.w3.org/2000/svg}"
CODE = "310115001000"


def matter(fixture: str):
    return load_corpus(HERE / fixture).matters[CODE]


def render(fixture: str, tmp_path: Path) -> tuple[str, ET.Element]:
    item = diagrams.matter_diagram(matter(fixture))
    text = diagrams.render_svg(item.dot_source, ArtifactCache(tmp_path / "cache"), id_prefix=item.id_prefix, title=item.title)
    return text, ET.fromstring(text)


def node_boxes(root: ET.Element) -> dict[str, dict]:
    """Step id -> the centre of its box and its text lines, read from the SVG."""
    boxes = {}
    for group in root.iter(f"{SVG}g"):
        gid = group.get("id", "")
        if "node" not in group.get("class", "").split():
            continue
        texts = group.findall(f"{SVG}text")
        shape = next(el for el in group if el.tag in (f"{SVG}path", f"{SVG}polygon"))
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points"))]
        xs, ys = numbers[0::2], numbers[1::2]
        boxes[gid.split("-step-", 1)[1]] = {
            "x": (min(xs) + max(xs)) / 2,
            "y": (min(ys) + max(ys)) / 2,
            "lines": ["".join(t.itertext()) for t in texts],
            "class": group.get("class"),
            "stroke": [el.get("stroke-width") for el in group if el.tag in (f"{SVG}path", f"{SVG}polygon")],
        }
    return boxes


def all_text(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


# ------------------------------------------------------------------ graph and critical path


def test_linear_procedure(tmp_path):
    m = matter("linear")
    graph = diagrams.matter_graph(m)
    assert diagrams.critical_path(graph) == (["intake", "review", "decision"], 5)
    assert all(node.lane is None for node in graph.nodes), "one department: no lanes"
    dot = diagrams.flow_dot(graph)
    assert "rankdir=TB" in dot and "cluster" not in dot
    _, root = render("linear", tmp_path)
    boxes = node_boxes(root)
    assert list(boxes) == ["intake", "review", "decision"]
    assert boxes["intake"]["y"] < boxes["review"]["y"] < boxes["decision"]["y"], "top to bottom, in order"
    assert boxes["review"]["lines"] == ["审查", "审查人员", "3个工作日"]
    assert "粗线为用时最长的一串，合计5个工作日" in all_text(root)


def test_parallel_steps_fork_side_by_side_and_join(tmp_path):
    graph = diagrams.matter_graph(matter("parallel"))
    path, total = diagrams.critical_path(graph)
    # the 0-day exit is still on the path: it runs from intake to the last step
    assert (path, total) == (["intake", "survey", "decision", "delivery"], 4)
    _, root = render("parallel", tmp_path)
    boxes = node_boxes(root)
    survey, opinion = boxes["survey"], boxes["traffic-opinion"]
    assert survey["y"] == pytest.approx(opinion["y"], abs=1), "parallel steps on one rank"
    assert abs(survey["x"] - opinion["x"]) > 60, "side by side, not stacked"
    assert boxes["intake"]["y"] < survey["y"] < boxes["decision"]["y"] < boxes["delivery"]["y"]
    assert boxes["traffic-opinion"]["lines"] == ["征求交通安全意见", "道路交通管理人员", "1个工作日"]
    assert boxes["delivery"]["lines"][-1] == "即办"
    # two departments: two lanes, each labelled with its department (the matter's by its function)
    lanes = [g for g in root.iter(f"{SVG}g") if "lane" in g.get("class", "").split()]
    assert sorted("".join(t.itertext()) for g in lanes for t in g.iter(f"{SVG}text")) == ["住房和城乡建设厅", "莆田市公安局交通警察支队"]
    # the critical path is drawn thick (black-and-white printable), the rest thin
    assert "critical" in survey["class"] and "critical" not in opinion["class"]
    assert "2.5" in survey["stroke"] and "2.5" not in opinion["stroke"]
    critical_edges = [g for g in root.iter(f"{SVG}g") if g.get("class") == "edge critical"]
    assert len(critical_edges) == 3
    for edge in critical_edges:
        assert all(el.get("stroke-width") == "2.5" for el in edge if el.tag == f"{SVG}path")


def test_critical_path_ties_go_to_the_step_listed_first():
    node = diagrams.FlowNode
    graph = diagrams.FlowGraph("测试流程图", (node("a", "受理", (), 1), node("b", "甲", (), 2), node("c", "乙", (), 2), node("d", "出件", (), 0)),
                               (("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")))
    assert diagrams.critical_path(graph) == (["a", "b", "d"], 3)
    with pytest.raises(ValueError):
        diagrams.critical_path(diagrams.FlowGraph("环", (node("a", "甲"), node("b", "乙")), (("a", "b"), ("b", "a"))))


def joint_graph() -> diagrams.FlowGraph:
    """The 一件事 shape: one intake, five departments in parallel, one exit."""
    node = diagrams.FlowNode
    center = "莆田市行政服务中心"
    members = [("food", "食品经营许可", "莆田市市场监督管理局", 5), ("health", "公共场所卫生许可", "莆田市卫生健康委员会", 4),
               ("fire", "消防安全检查", "莆田市消防救援支队", 6), ("sewage", "排污登记", "莆田市生态环境局", 2),
               ("sign", "户外招牌设置", "莆田市城市管理局", 3)]
    nodes = [node("intake", "综合受理", ("综合受理窗口",), 1, center)]
    nodes += [node(mid, name, ("审查人员",), days, dept) for mid, name, dept, days in members]
    nodes.append(node("exit", "统一出件", ("综合出件窗口",), 0, center))
    edges = [("intake", mid) for mid, *_ in members] + [(mid, "exit") for mid, *_ in members]
    return diagrams.FlowGraph("开办餐饮店一件事联办流程图", tuple(nodes), tuple(edges))


def test_joint_diagram_api_one_intake_many_departments_one_exit(tmp_path):
    graph = joint_graph()
    assert diagrams.critical_path(graph) == (["intake", "fire", "exit"], 7)
    assert diagrams.accessible_name(graph) == (
        "开办餐饮店一件事联办流程图：综合受理 → 食品经营许可、公共场所卫生许可、消防安全检查、排污登记、户外招牌设置（并联） → 统一出件，用时最长的一串合计7个工作日"
    )
    # five boxes side by side are too wide for a phone; left to right is narrower
    assert diagrams.layout_direction(graph) == "LR"
    assert diagrams.layout_direction(diagrams.matter_graph(matter("parallel"))) == "TB"
    svg = diagrams.render_svg(diagrams.flow_dot(graph), ArtifactCache(tmp_path), id_prefix="theme-kaidian", title=diagrams.accessible_name(graph))
    boxes = node_boxes(ET.fromstring(svg))
    xs = {boxes[k]["x"] for k in ("food", "health", "fire", "sewage", "sign")}
    assert len({round(x) for x in xs}) == 1, "the parallel members share one rank"
    assert boxes["intake"]["x"] < boxes["fire"]["x"] < boxes["exit"]["x"]


def test_ids_from_input_never_reach_dot_syntax():
    node = diagrams.FlowNode
    graph = diagrams.FlowGraph('x" -> y', (node('a"; b', "甲", (), 1), node("z z", "乙", (), 0)), (('a"; b', "z z"),))
    dot = diagrams.flow_dot(graph)
    assert 'id="step-n0"' in dot and 'id="step-n1"' in dot and "n0 -> n1" in dot
    assert 'a"; b' not in dot


# ------------------------------------------------------------------ guides check


def run_check(tmp_path, fixture: str, capsys) -> tuple[int, str]:
    code = cli.main(["--matters", str(HERE / fixture), "check", "--cache-dir", ""])
    return code, capsys.readouterr().err


def test_a_cycle_is_rejected_by_check(tmp_path, capsys):
    code, err = run_check(tmp_path, "cycle", capsys)
    assert code == 1
    assert re.search(r"cycle/310115001000\.yml:\d+:\d+: steps\[1\]\.next: 环节成环：review → decision → review", err)


def test_a_critical_path_longer_than_promised_is_rejected(tmp_path, capsys):
    code, err = run_check(tmp_path, "over-limit", capsys)
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[-1] == "共 1 个问题"
    text = (HERE / "over-limit" / "310115001000.yml").read_text(encoding="utf-8").splitlines()
    line_no = next(i for i, line in enumerate(text, 1) if line.strip().startswith("promised_days:"))
    assert lines[0].startswith(f"site_tests/fixtures/diagrams/over-limit/310115001000.yml:{line_no}:3: time_limit.promised_days: ")
    assert lines[0].endswith(": time_limit.promised_days: 关键路径 受理 → 审查 → 决定 需 25 个工作日，超过承诺时限 20 个工作日；请缩短各环节的时限（days），或延长承诺时限")


def test_the_sample_matters_fit_their_promised_time(sample_corpus):
    for m in sample_corpus.sorted_matters():
        _, total = diagrams.critical_path(diagrams.matter_graph(m))
        assert total <= m.time_limit.promised_days, m.code


# ------------------------------------------------------------------ escaping


def test_hostile_labels_render_as_text(tmp_path):
    svg, root = render("hostile", tmp_path)
    texts = all_text(root)
    for expected in ['受理 "加急" \\ {x}', "<script>alert(1)</script>", "& 审查", "窗口 <b>&amp;</b> \\N \\G",
                     '审查 }; n9 [label="注入', '"]; {', "审查人员 ' \\\" >", "征求意见 <<B>粗</B>>", "决定 &lt;已转义&gt;"]:
        assert expected in texts, expected
    lane_text = " ".join(texts)
    assert '某局 "}" -> n0 [label="x"] &' in lane_text and "<i>" in lane_text
    # nothing became markup or DOT: four steps, no injected node, no element from the labels
    assert len(node_boxes(root)) == 4
    assert {el.tag.removeprefix(SVG) for el in root.iter()} <= {"svg", "title", "g", "path", "polygon", "text", "ellipse", "polyline"}
    assert "\\N" in "".join(texts) and "flow" not in "".join(t for t in texts if t.startswith("窗口"))
    # the accessible name carries the hostile matter name as text
    assert root.get("aria-label").startswith('城市树木移植审批 "<svg onload=alert(1)>" & {x}审批流程图：受理 "加急"')
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert "<script" not in svg and "<svg onload" not in svg


# ------------------------------------------------------------------ the built site


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.svgs: list[dict] = []
        self.ids: list[str] = []
        self.steps: list[str] = []
        self._in_steps = 0
        self._svg_title: list[str] | None = None
        self._svg_texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "svg" and "guide-flow-svg" in (attrs.get("class") or ""):
            self.svgs.append({"attrs": attrs, "parent": self.stack[-1] if self.stack else None, "first": None})
        elif self.svgs and self.svgs[-1]["first"] is None and self.stack and self.stack[-1][0] == "svg":
            self.svgs[-1]["first"] = tag
        if tag == "ol" and "guide-steps" in (attrs.get("class") or ""):
            self._in_steps = 1
        if tag == "li" and self._in_steps:
            self.steps.append("")
        self.stack.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break
        if tag == "ol":
            self._in_steps = 0

    def handle_data(self, data):
        if self._in_steps and self.steps:
            self.steps[-1] += data
        if self.stack and self.stack[-1][0] == "text":
            self._svg_texts.append(data)


def parse_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def parallel_site(tmp_path_factory) -> tuple[Path, Path]:
    project = make_project(tmp_path_factory.mktemp("diagrams"), HERE / "parallel")
    return project, build_project(project)


def test_the_page_inlines_the_svg_with_its_accessible_name(parallel_site):
    _, site = parallel_site
    page_path = site / "matters" / CODE / "index.html"
    page = parse_page(page_path)
    assert len(page.svgs) == 1
    svg = page.svgs[0]
    assert svg["parent"][0] == "figure" and svg["parent"][1]["class"] == "guide-flow"
    assert svg["attrs"]["role"] == "img"
    name = "城市树木移植审批流程图：受理 → 现场踏勘、征求交通安全意见（并联） → 审批决定 → 制证送达，用时最长的一串合计4个工作日"
    assert svg["attrs"]["aria-label"] == name
    assert svg["first"] == "title"
    assert svg["attrs"]["width"] == "100%" and "max-width:" in svg["attrs"]["style"]
    # the ordered text list of steps stays beside the figure
    assert [s.split("：")[0] for s in page.steps] == ["受理", "现场踏勘", "征求交通安全意见", "审批决定", "制证送达"]
    # ids are prefixed and unique, so several diagrams can share a page
    flow_ids = [i for i in page.ids if i.startswith(f"flow-{CODE}-")]
    assert len(flow_ids) > 10 and len(set(page.ids)) == len(page.ids)
    html_text = page_path.read_text(encoding="utf-8")
    start = html_text.index('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink')
    inline = html_text[start: html_text.index("</svg>", start) + len("</svg>")]
    for forbidden in ("<?xml", "<!DOCTYPE", "<!--", "graphviz"):
        assert forbidden not in inline
    # the standalone file is the very same SVG, and a valid XML document
    standalone = (site / "matters" / CODE / "flow.svg").read_text(encoding="utf-8")
    assert standalone.strip() == inline
    assert ET.fromstring(standalone).get("role") == "img"
    assert "assets/diagrams.css" in html_text


def test_builds_are_deterministic(parallel_site):
    project, site = parallel_site
    files = [site / "matters" / CODE / "flow.svg", site / "matters" / CODE / "index.html"]
    before = [f.read_bytes() for f in files]
    from generator.publish.build import build_site

    # --clean drops the cache, so dot runs again and must give the same bytes
    build_site(project / "mkdocs.yml", jobs=2, clean=True, quiet=True)
    assert [f.read_bytes() for f in files] == before


def test_a_rebuild_with_no_change_runs_dot_zero_times(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", HERE / "parallel")
    shutil.copy(ROOT / "matters" / "000117012000.yml", project / "matters")
    shutil.copytree(ROOT / "matters" / "files" / "000117012000", project / "matters" / "files" / "000117012000")
    shutil.copy(ROOT / "matters" / "laws.yml", project / "matters")
    runs = []
    real = diagrams.run_dot
    monkeypatch.setattr(diagrams, "run_dot", lambda source, dot: runs.append(1) or real(source, dot))
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats))

    build_project(project)
    assert len(runs) == 2 and json.loads(stats.read_text())["rendered"]["svg"] == 2
    runs.clear()
    build_project(project)
    assert runs == [] and "svg" not in json.loads(stats.read_text())["rendered"]
    # one edited step: one diagram rendered again
    path = project / "matters" / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("    days: 2\n", "    days: 3\n", 1), encoding="utf-8")
    build_project(project)
    assert len(runs) == 1
    assert "合计5个工作日" in (project / "site" / "matters" / CODE / "flow.svg").read_text(encoding="utf-8")


def test_hostile_labels_stay_text_in_the_page(tmp_path):
    site = build_project(make_project(tmp_path / "p", HERE / "hostile"))
    page = parse_page(site / "matters" / CODE / "index.html")
    assert len(page.svgs) == 1
    texts = page._svg_texts
    assert "<script>alert(1)</script>" in texts and '受理 "加急" \\ {x}' in texts
    html_text = (site / "matters" / CODE / "index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html_text


# ------------------------------------------------------------------ dot missing


def test_build_stops_in_one_line_when_dot_is_missing(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", HERE / "linear")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))
    with pytest.raises(SystemExit) as stopped:
        cli.main(["build", "--config", str(project / "mkdocs.yml")])
    message = str(stopped.value.code)
    assert message == "guides build: 没有安装 Graphviz 的 dot 程序，无法画流程图；请安装：apt-get install graphviz（或运行 make setup）"
    assert not (project / "site").exists()
    # the plugin on its own (plain mkdocs build) also says it in one line
    with pytest.raises(diagrams.DiagramError, match="apt-get install graphviz"):
        diagrams.render_svgs([diagrams.matter_diagram(matter("linear"))], ArtifactCache(tmp_path / "cache"))


def test_build_without_dot_on_path_prints_one_line(tmp_path):
    project = make_project(tmp_path / "p", HERE / "linear")
    empty = tmp_path / "bin"
    empty.mkdir()
    env = {**os.environ, "PATH": str(empty), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "generator.cli", "build"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0 and "Traceback" not in done.stderr
    assert done.stderr == "guides build: 没有安装 Graphviz 的 dot 程序，无法画流程图；请安装：apt-get install graphviz（或运行 make setup）\n"


def test_a_short_branch_starts_beside_the_first_step_of_a_long_one(tmp_path):
    """Steps that can start together are drawn together, even when the branches differ in length."""
    node = diagrams.FlowNode
    graph = diagrams.FlowGraph("测试流程图", (
        node("intake", "受理", ("综合受理窗口",), 1),
        node("review", "材料审查", ("审查人员",), 2),
        node("inspect", "现场核查", ("核查人员",), 3),
        node("expert", "专家评审", ("评审专家",), 2),
        node("decision", "审批决定", ("分管负责人",), 1),
    ), (("intake", "review"), ("review", "inspect"), ("inspect", "decision"), ("intake", "expert"), ("expert", "decision")))
    svg = diagrams.render_svg(diagrams.flow_dot(graph), ArtifactCache(tmp_path), id_prefix="t", title="测试")
    boxes = node_boxes(ET.fromstring(svg))
    assert boxes["expert"]["y"] == pytest.approx(boxes["review"]["y"], abs=1)
    assert boxes["inspect"]["y"] < boxes["decision"]["y"]
