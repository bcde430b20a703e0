"""Approval flow diagrams (审批流程图): Graphviz SVG from a matter's ``steps``.

Nothing is drawn by hand. Each matter's steps become a graph; the graph becomes DOT; ``dot``
lays it out with the real metrics of Noto Sans CJK SC; the SVG is post-processed so it can
be inlined in the page and is cached by a hash of everything it is made from.

What a reader sees
    * one box per step: its name (bold), who does it, and its time (``N个工作日`` or ``即办``);
    * parallel steps (并联审批) side by side on one rank, then joining: every node is pinned to
      its earliest rank (the longest chain of steps before it), so branches that start
      together are drawn together;
    * departments as lanes (clusters) when more than one takes part; a step without a
      ``department`` belongs to the matter's department;
    * the critical path (the longest path in working days) in thick lines and thick boxes,
      so it survives black-and-white printing, with its total in the graph label.

Layout direction: top to bottom, the way 办事流程图 are usually drawn and the way a phone
reads. Only when the widest rank of parallel steps would be wider than a phone and a
left-to-right layout would be narrower is the graph turned; when neither fits, the figure
scrolls inside its own box (``docs/assets/diagrams.css``).

Reusable API (the 一件事 themes draw a joint diagram with it: one intake, several
departments in parallel, one exit)::

    from generator.outputs import diagrams
    graph = diagrams.FlowGraph(
        title="开办餐饮店一件事联办流程图",
        nodes=(diagrams.FlowNode("intake", "综合受理", ("政务服务中心综合窗口",), 1, lane="政务服务中心"),
               diagrams.FlowNode("food", "食品经营许可", ("审查人员",), 5, lane="市场监督管理局"),
               ...),
        edges=(("intake", "food"), ...),
    )
    ids, total = diagrams.critical_path(graph)      # longest path in working days (ValueError on a cycle)
    dot_source = diagrams.flow_dot(graph)           # DOT text, every label escaped; rankdir= to force
    cache = ArtifactCache(ctx.cache_dir)            # generator.cache
    svg_text = diagrams.render_svg(dot_source, cache, id_prefix="theme-kaidian",
                                   title=diagrams.accessible_name(graph),
                                   on_render=lambda n: ctx.count_rendered("svg", n))
    path = diagrams.svg_path(dot_source, cache, id_prefix=..., title=...)  # the cached file, for the site
    paths = diagrams.render_svgs([diagrams.Diagram(dot_source, prefix, title), ...], cache, jobs=ctx.jobs)

``FlowNode(id, name, details, days, lane)``: ``details`` are the lines under the bold name
(who does it), ``days`` is shown as ``N个工作日``/``即办``, ``lane`` is the cluster (department)
or None. ``FlowGraph.note`` is appended to the legend. ``accessible_name(graph)`` is the
Chinese description for ``aria-label``/``<title>``. ``id_prefix`` must be unique on the page.

``render_svg``/``svg_path``/``render_svgs`` run ``dot`` only for diagrams not in the cache
(several at once in threads), raise :class:`DiagramError` (one line) when ``dot`` is missing
or fails, and give the post-processed SVG: no XML prolog, doctype or Graphviz comments,
``role="img"``, a Chinese ``aria-label`` and ``<title>``, every id prefixed, width 100% of
its box down to 75% of its natural size. :func:`matter_graph` builds the graph of one matter.
"""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from generator import contract
from generator.cache import ArtifactCache, Memo, code_digest, digest
from generator.domain.graph import FlowGraph, FlowNode, critical_path, matter_graph, ranks, topological_order  # noqa: F401  (the reusable API)
from generator.model.matter import Matter

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

FONT = "Noto Sans CJK SC"
# Fonts a reader's device may have instead, with the same one-em CJK advance, so the boxes
# that dot sized with Noto still fit the text.
FONT_FALLBACK = "'Noto Sans CJK SC','Source Han Sans SC','Source Han Sans CN','PingFang SC','Microsoft YaHei','Hiragino Sans GB',sans-serif"
FONT_SIZE = 12
# Below this share of its natural size the 12pt (16px) text gets smaller than 12px, too small
# for Chinese; the figure scrolls inside its box instead.
MIN_SCALE = 0.75
# A phone's content column is about 340 CSS px; at MIN_SCALE that holds a diagram of about
# 450px = 340pt. Wider than this (estimated), a diagram turns or scrolls.
PHONE_WIDTH_PT = 320
# Label lines wrap at this many half-width columns (a CJK character counts two).
WRAP_COLUMNS = 24
CRITICAL_PEN = 2.5
FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)


class DiagramError(Exception):
    """``dot`` is missing or failed; one line for the user, never a traceback."""


def days_text(days: int, calendar_days: int | None = None) -> str:
    """A box's time; a step that takes calendar time (公示, 检验) is never 即办."""
    if calendar_days:
        extra = f"另需{calendar_days}日（不计时限）"
        return extra if days == 0 else f"{days}个工作日，{extra}"
    return "即办" if days == 0 else f"{days}个工作日"


def total_text(days: int) -> str:
    return "0个工作日（即办）" if days == 0 else f"{days}个工作日"


def accessible_name(graph: FlowGraph) -> str:
    """What a screen reader says for the figure: the stages in order, parallel ones named
    together, then the critical path total."""
    rank = ranks(graph)
    by_rank: dict[int, list[str]] = {}
    for node in graph.nodes:
        by_rank.setdefault(rank[node.id], []).append(node.name)
    stages = ["、".join(names) + ("（并联）" if len(names) > 1 else "") for _, names in sorted(by_rank.items())]
    _, total = critical_path(graph)
    return f"{graph.title}：{' → '.join(stages)}，用时最长的一串合计{total_text(total)}"


# ---------------------------------------------------------------------------- DOT


def _columns(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


# Chinese has no spaces, so a line may break between any two characters, but not inside a
# word: "有限责任公/司" reads as a typo. A line ends after punctuation or a joining word where
# one is near; otherwise never between the two characters of a common word of the guides.
BREAK_AFTER = set(" 、，,；;：:）)》”」和及与或的")
BREAK_BEFORE = set("（(《“「")
WORDS = {
    "公司", "登记", "许可", "申请", "审查", "审批", "审核", "材料", "证明", "受理", "决定", "部门",
    "窗口", "办理", "核查", "送达", "现场", "意见", "备案", "检查", "验收", "制证", "踏勘", "发证",
    "证照", "执照", "营业", "经营", "食品", "卫生", "消防", "安全", "环境", "评价", "公示", "听证",
    "专家", "评审", "检验", "检测", "技术", "复核", "出件", "结果", "文书", "通知", "告知", "补正",
    "责任", "有限", "企业", "单位", "个人", "身份", "户口", "婚姻", "结婚", "社会", "保险", "住房",
    "公积", "积金", "不动", "动产", "规划", "建设", "工程", "施工", "交通", "运输", "道路", "车辆",
    "城市", "管理", "树木", "移植", "户外", "广告", "招牌", "设置", "排污", "排水", "场所", "人员",
    "签发", "领取", "提交", "补齐", "联办", "并联", "统一", "综合", "收件", "分送", "转办", "征求",
    "一件", "件事", "服务", "中心", "政务", "行政", "网管", "管网",
}


def _break_at(whole: str, full: int) -> int:
    """Where a Chinese line that overflows at ``whole[full]`` ends: an index ``i`` (the line is
    ``whole[:i]``), looking back at most 5 characters for a better place than ``full``."""
    candidates = range(full, max(full - 5, 0), -1)
    for i in candidates:
        if whole[i - 1] in BREAK_AFTER or whole[i] in BREAK_BEFORE:
            return i
    for i in candidates:
        if whole[i - 1 : i + 1] not in WORDS:
            return i
    return full


def wrap(text: str, columns: int = WRAP_COLUMNS) -> list[str]:
    """Break a label into lines of at most ``columns`` half-width columns, between words
    for Latin text and, in Chinese, after punctuation where possible and never inside one
    of the common two-character words above."""
    text = " ".join(str(text).split())
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[\x21-\x7e]+ ?|.", text):
        if line and _columns(line + token.rstrip()) > columns:
            whole = line + token
            cut = _break_at(whole, len(line)) if len(token) == 1 and ord(token) > 0x2E7F else len(line)
            lines.append(whole[:cut].rstrip())
            line = whole[cut:].lstrip()
        else:
            line += token
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label: quotes, <, >, & become entities. Graphviz still
    expands escString sequences (\\N, \\G, \\l) in HTML-like text, entities included, so a
    backslash is doubled to stay a backslash. Braces mean nothing inside <...>."""
    return html.escape(text, quote=True).replace("\\", "\\\\")


def _label(lines_bold: list[str], lines: list[str]) -> str:
    parts = [f"<B>{_html(line)}</B>" for line in lines_bold] + [_html(line) for line in lines]
    return "<" + "<BR/>".join(parts) + ">"


def _box_label(lines_bold: list[str], lines: list[str], padding: int = 2) -> str:
    """A step's label as a borderless table, one row a line: <BR/> lines in Graphviz 2.43
    are set solid (line height = font size), which crowds Chinese text; cells add leading."""
    rows = [f"<TR><TD><B>{_html(line)}</B></TD></TR>" for line in lines_bold] + [f"<TR><TD>{_html(line)}</TD></TR>" for line in lines]
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{padding}">' + "".join(rows) + "</TABLE>>"


def _legend(text: str) -> str:
    # a small blank first line keeps the legend off the last box
    return "<" + '<FONT POINT-SIZE="5"> </FONT><BR/>' + "<BR/>".join(_html(l) for l in wrap(text, 40)) + ">"


def _safe_id(value: str, fallback: str) -> str:
    return value if re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,63}", value) else fallback


def _node_width(node: FlowNode) -> float:
    """Rough width in points of a node's box, only to choose the layout direction
    (dot measures the real one)."""
    lines = [l for text in (node.name, *node.details, days_text(node.days, node.calendar_days)) for l in wrap(text)]
    return max(_columns(l) for l in lines) * FONT_SIZE / 2 + 20


def layout_direction(graph: FlowGraph) -> str:
    rank = ranks(graph)
    widths: dict[int, list[float]] = {}
    for node in graph.nodes:
        widths.setdefault(rank[node.id], []).append(_node_width(node))
    lane_pad = 16 if any(n.lane for n in graph.nodes) else 0
    top_to_bottom = max(sum(w) + 18 * (len(w) - 1) + lane_pad * len(w) for w in widths.values())
    left_to_right = sum(max(w) for w in widths.values()) + 36 * (len(widths) - 1) + lane_pad * 2
    if top_to_bottom <= PHONE_WIDTH_PT or top_to_bottom <= left_to_right:
        return "TB"
    return "LR"


def flow_dot(graph: FlowGraph, *, rankdir: str | None = None) -> str:
    """DOT source for a flow graph. Node names in DOT are n0, n1, ... so no id from input
    ever reaches the DOT syntax; every label is an escaped HTML-like label."""
    path, total = critical_path(graph)
    on_path = set(path)
    path_edges = set(zip(path, path[1:]))
    rank = ranks(graph)
    dot_name = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    direction = rankdir or layout_direction(graph)
    legend = f"粗线为用时最长的一串，合计{total_text(total)}"
    if graph.note:
        legend += f"；{graph.note}"
    out = [
        "digraph flow {",
        f'  graph [rankdir={direction}, newrank=true, nodesep=0.25, ranksep=0.35, pad=0.12, bgcolor="white",'
        f' fontname="{FONT}", fontsize={FONT_SIZE}, labelloc=b, label={_legend(legend)}];',
        f'  node [shape=box, style="rounded,filled", fillcolor="white", color="black", penwidth=1,'
        f' fontname="{FONT}", fontsize={FONT_SIZE}, margin="0.08,0.05"];',
        '  edge [color="#444444", penwidth=1, arrowsize=0.7];',
    ]

    def node_line(node: FlowNode, indent: str) -> str:
        critical = node.id in on_path
        lines = [l for text in node.details for l in wrap(text)] + [days_text(node.days, node.calendar_days)]
        attrs = [
            f'id="step-{_safe_id(node.id, dot_name[node.id])}"',
            f"label={_box_label(wrap(node.name), lines)}",
        ]
        if critical:
            attrs += [f"penwidth={CRITICAL_PEN}", 'class="critical"']
        return f"{indent}{dot_name[node.id]} [{', '.join(attrs)}];"

    lanes: list[str] = []
    for nid in sorted((n.id for n in graph.nodes), key=lambda nid: (rank[nid], [n.id for n in graph.nodes].index(nid))):
        lane = next(n.lane for n in graph.nodes if n.id == nid)
        if lane and lane not in lanes:
            lanes.append(lane)
    for i, lane in enumerate(lanes, 1):
        out.append(f"  subgraph cluster_{i} {{")
        out.append(f'    id="lane-{i}"; class="lane"; label={_box_label(wrap(lane, 30), [], padding=4)}; labelloc=t; labeljust=c;')
        out.append('    style="rounded,dashed"; color="#666666"; penwidth=1;')
        out += [node_line(n, "    ") for n in graph.nodes if n.lane == lane]
        out.append("  }")
    out += [node_line(n, "  ") for n in graph.nodes if not n.lane]
    by_rank: dict[int, list[str]] = {}
    for node in graph.nodes:
        by_rank.setdefault(rank[node.id], []).append(dot_name[node.id])
    for r, names in sorted(by_rank.items()):
        out.append(f"  {{ rank=same; {'; '.join(names)}; }}")
    for i, (tail, head) in enumerate(graph.edges, 1):
        attrs = [f'id="edge-{i}"']
        if (tail, head) in path_edges:
            attrs += [f"penwidth={CRITICAL_PEN}", 'color="black"', "arrowsize=0.8", 'class="critical"']
        out.append(f"  {dot_name[tail]} -> {dot_name[head]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------- SVG


def dot_program() -> str:
    found = shutil.which("dot")
    if found is None:
        raise DiagramError("没有安装 Graphviz 的 dot 程序，无法画流程图；请安装：apt-get install graphviz（或运行 make setup）")
    return found


@lru_cache(maxsize=None)
def _toolchain_key(dot: str) -> str:
    """Identity of what shapes the SVG besides the DOT text: the dot program and the CJK
    font files (an upgrade of either changes the key). Stat only: running ``dot -V`` would
    be a dot run on every no-change rebuild."""
    parts = [code_digest(__name__)]
    for path in (os.path.realpath(dot), *FONT_FILES):
        try:
            st = os.stat(path)
            parts.append(f"{path}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{path}:missing")
    return digest(*parts)


def run_dot(dot_source: str, dot: str) -> bytes:
    """One ``dot -Tsvg`` run (a separate function so tests can count runs)."""
    done = subprocess.run([dot, "-Tsvg"], input=dot_source.encode("utf-8"), capture_output=True)
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise DiagramError(f"dot failed: {reason[0] if reason else f'exit status {done.returncode}'}")
    return done.stdout


_ID = re.compile(r'\bid="([^"]*)"')
_TITLE = re.compile(r"<title>.*?</title>\n?", re.S)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>", re.S)


def postprocess(svg: str, *, id_prefix: str, title: str) -> str:
    """Make dot's SVG fit to inline: no prolog, doctype or comments (they carry the Graphviz
    version), no per-shape tooltips (they would show internal names), ids prefixed so
    several diagrams can share a page, an accessible name, and a width that follows the
    page up to the natural size."""
    svg = re.sub(r"<\?xml.*?\?>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!DOCTYPE.*?>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)
    svg = _TITLE.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{id_prefix}-{html.unescape(m.group(1))}"', svg)
    svg = svg.replace(f'font-family="{FONT}"', f'font-family="{FONT_FALLBACK}"')
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise DiagramError("dot 没有输出 SVG；请检查 Graphviz 是否完整安装")
    view_box = re.search(r'viewBox="([^"]+)"', opening.group(0))
    width_pt = float(view_box.group(1).split()[2]) if view_box else 400.0
    width_px = round(width_pt * 4 / 3)
    name = html.escape(title, quote=True)
    root = (
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        f' viewBox="{view_box.group(1) if view_box else "0 0 400 300"}" width="100%"'
        f' style="max-width:{width_px}px;min-width:{min(width_px, round(width_px * MIN_SCALE))}px;height:auto"'
        f' class="guide-flow-svg" role="img" aria-label="{name}">'
        f'\n<title id="{id_prefix}-title">{name}</title>'
    )
    svg = svg[: opening.start()] + root + svg[opening.end():]
    lines = [line.rstrip() for line in svg.strip().splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Diagram:
    """One diagram to render: its DOT text and how its SVG is labelled."""

    dot_source: str
    id_prefix: str
    title: str

    def key(self, dot: str) -> str:
        return digest("flow-svg", _toolchain_key(dot), self.id_prefix, self.title, self.dot_source)


def render_svgs(items: list[Diagram], cache: ArtifactCache, *, jobs: int = 1, on_render: Callable[[int], None] | None = None,
                cancelled: threading.Event | None = None) -> list[Path]:
    """Cached SVG files for ``items``, in order. Runs ``dot`` only for diagrams not in the
    cache, ``jobs`` at a time (dot is a separate process, so threads suffice). Once
    ``cancelled`` is set (the build was given up) no more are drawn and the list is
    incomplete."""
    dot = dot_program()
    keys = [item.key(dot) for item in items]
    paths: list[Path | None] = [cache.get("svg", key, ".svg") for key in keys]
    missing = [i for i, p in enumerate(paths) if p is None]
    # the same diagram twice (two regions' copies) is rendered once
    unique: dict[str, int] = {}
    for i in missing:
        unique.setdefault(keys[i], i)

    def render(i: int) -> Path | None:
        if cancelled is not None and cancelled.is_set():
            return None
        item = items[i]
        try:
            svg = postprocess(run_dot(item.dot_source, dot).decode("utf-8", "replace"), id_prefix=item.id_prefix, title=item.title)
        except DiagramError as error:
            raise DiagramError(f"{item.id_prefix}: {error}", item.id_prefix) from None
        return cache.put("svg", keys[i], ".svg", svg.encode("utf-8"))

    if unique:
        from generator.progress import Progress

        rendered = {}
        with Progress("flow diagrams", len(unique)) as progress, ThreadPoolExecutor(max_workers=max(1, min(jobs, len(unique)))) as pool:
            for key, path in zip(unique, pool.map(render, unique.values())):
                rendered[key] = path
                progress.advance()
        if on_render:
            on_render(len(unique))
        for i in missing:
            paths[i] = rendered[keys[i]]
    return paths  # type: ignore[return-value]


def svg_path(dot_source: str, cache: ArtifactCache, *, id_prefix: str, title: str, on_render: Callable[[int], None] | None = None) -> Path:
    return render_svgs([Diagram(dot_source, id_prefix, title)], cache, on_render=on_render)[0]


def render_svg(dot_source: str, cache: ArtifactCache, *, id_prefix: str, title: str, on_render: Callable[[int], None] | None = None) -> str:
    """The post-processed SVG text for ``dot_source`` (from the cache when it is there)."""
    return svg_path(dot_source, cache, id_prefix=id_prefix, title=title, on_render=on_render).read_text(encoding="utf-8")


def matter_diagram(matter: Matter) -> Diagram:
    graph = matter_graph(matter)
    return Diagram(flow_dot(graph), f"flow-{matter.code}", accessible_name(graph))


def draw_flow(matter: Matter, cache: ArtifactCache) -> Path:
    """The cached flow diagram of one matter, drawn now if the cache lacks it."""
    return render_svgs([matter_diagram(matter)], cache)[0]


# ---------------------------------------------------------------------------- site


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    """``matters/<code>/flow.svg`` for every matter; the page inlines the same file, so the
    paths are kept in the build context for the pages."""
    from mkdocs.exceptions import PluginError

    corpus = ctx.corpus
    matters = corpus.sorted_matters()
    cache = ArtifactCache(ctx.cache_dir)
    # the diagram's key by the matter: laying out the DOT text of every matter to find its
    # key took 0.6 s of every rebuild at 907 matters
    dot = dot_program()
    memo = Memo(ctx.cache_dir, "flow-keys")
    paths: list[Path | None] = []
    for matter in matters:
        memo_key = digest("flow-key", _toolchain_key(dot), corpus.model_json(matter.code))
        if ctx.defer_pages:
            # a live preview's first build: a diagram whose key is not kept is drawn with its
            # page, when that is first requested (laying out the DOT text of 1,814 matters to
            # find their keys took 4.0 s of a preview's start with an empty cache)
            key = memo.peek(memo_key)
            paths.append(cache.get("svg", key, ".svg") if key is not None else None)
            continue
        key = memo.get(memo_key, lambda m=matter: matter_diagram(m).key(dot))
        paths.append(cache.get("svg", key, ".svg"))
    missing = [i for i, path in enumerate(paths) if path is None]
    if ctx.defer_pages:
        memo.save()
        ctx.deferred.update(matters[i].code for i in missing)
        ctx.flow_svgs = {m.code: p for m, p in zip(matters, paths) if p is not None}
        return [(contract.flow_svg(m.code), p if p is not None else partial(draw_flow, m, cache)) for m, p in zip(matters, paths)]
    items = [matter_diagram(matters[i]) for i in missing]
    for i, item in zip(missing, items):
        paths[i] = cache.path("svg", item.key(dot), ".svg")  # where render_svgs puts it
    memo.save()

    def render(cancelled) -> None:
        try:
            render_svgs(items, cache, jobs=ctx.jobs, on_render=lambda n: ctx.count_rendered("svg", n), cancelled=cancelled)
        except DiagramError as error:
            # name the matter file whose steps could not be drawn, like any other problem
            prefix = error.args[1] if len(error.args) > 1 else ""
            source = ctx.corpus.sources.get(prefix.removeprefix("flow-")) if prefix.startswith("flow-") else None
            where = f"{source.problem(('steps',), '')}".rstrip(": ") + ": " if source is not None else ""
            raise PluginError(f"flow diagrams: {where}{error.args[0]}") from None

    if items:
        # dot runs (programs of their own) while the JSON outputs are made; the pages, which
        # inline the diagrams, wait for them (ctx.wait_for_diagrams). With an empty cache
        # the 907 diagrams took 10 s of a preview's start, on both cores, with nothing else
        ctx.diagrams_done = ctx.in_background("diagrams", render)
    ctx.flow_svgs = {m.code: p for m, p in zip(matters, paths)}
    return [(contract.flow_svg(code), path) for code, path in ctx.flow_svgs.items()]
