"""Guide pages: one Markdown page per matter, plus index pages by department, type and level.

Pages are Markdown whose section headings are Markdown (so MkDocs builds the table of
contents and the search sections) and whose bodies are HTML rendered by Jinja with
autoescaping, so any text from YAML lands as text, never as markup.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import jinja2

from generator import chinese
from generator.model.matter import LEVELS, ONLINE_DEPTH_LABELS, Matter

TEMPLATES = Path(__file__).parent / "templates"

TYPE_SLUGS = {
    "行政许可": "licensing",
    "行政确认": "confirmation",
    "行政给付": "benefit",
    "行政奖励": "award",
    "行政裁决": "adjudication",
    "其他行政权力": "other-power",
    "公共服务": "public-service",
}
LEVEL_SLUGS = dict(zip(LEVELS, ("province", "city", "county", "township", "village")))


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        # Markdown heading ids are written {#id}; Jinja comments need a delimiter that cannot clash
        comment_start_string="{#-",
        comment_end_string="-#}",
    )
    env.filters["cn_date"] = chinese.cn_date
    env.filters["working_days"] = chinese.working_days
    env.filters["yuan"] = chinese.yuan
    env.filters["visits"] = chinese.visits_text
    env.filters["oneline"] = lambda text: " ".join(str(text).split())
    return env


def front_matter(title: str, description: str = "", **extra: Any) -> str:
    """YAML front matter; title and description are pre-escaped because themes print them raw."""
    meta = {"title": html.escape(title, quote=True)}
    if description:
        meta["description"] = html.escape(" ".join(description.split()), quote=True)
    meta.update(extra)
    # JSON is valid YAML and quotes every string safely
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in meta.items()]
    return "---\n" + "\n".join(lines) + "\n---\n\n"


def matter_url(code: str) -> str:
    return f"matters/{code}/"


def matter_src(code: str) -> str:
    return f"matters/{code}.md"


@dataclass
class PageParts:
    """Extra sections contributed by the other outputs (diagram, slips, halls, linked data)."""

    flow_svg: str = ""
    slip_links: list[tuple[str, str]] | None = None
    halls_html: str = ""
    json_ld: str = ""
    json_url: str = ""
    calendar_json: str = ""
    theme_links: list[tuple[str, str]] | None = None


# Outputs that add to a matter page register a function (corpus, matter) -> dict of PageParts fields.
PAGE_CONTRIBUTORS: list[Callable[[Any, Matter], dict[str, Any]]] = []


# Sections of a matter page that go into the search index: what people search for (name,
# department, keywords, conditions, material names). The rest is marked data-search-exclude,
# which keeps the index small enough for a phone and spares the build segmenting it.
SEARCHABLE_SECTIONS = ("matter-title", "conditions", "materials")


class _SearchExclusion(dict):
    def __init__(self, searchable: tuple[str, ...] | list[str]):
        super().__init__()
        self.searchable = set(searchable)

    def __missing__(self, section_id: str) -> str:
        return "" if section_id in self.searchable else " data-search-exclude"


def matter_context(matter: Matter, corpus: Any, searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS) -> dict[str, Any]:
    labels = matter.option_labels()
    subjects = {m.id: ("材料", m.name) for m in matter.materials}
    subjects.update({c.id: ("条件", c.text) for c in matter.conditions})
    points_by_subject: dict[str, list] = defaultdict(list)
    for point in matter.review_points:
        points_by_subject[point.about].append(point)
    review_groups = [
        {"kind": subjects[key][0], "title": subjects[key][1], "points": points}
        for key, points in points_by_subject.items()
        if key in subjects
    ]
    parts = PageParts()
    for contribute in PAGE_CONTRIBUTORS:
        for key, value in contribute(corpus, matter).items():
            setattr(parts, key, value)
    return {
        "m": matter,
        "labels": labels,
        "review_groups": review_groups,
        "online_depth": ONLINE_DEPTH_LABELS[matter.online_depth],
        "fingerprint": corpus.fingerprint(matter.code),
        "type_slug": TYPE_SLUGS[matter.matter_type],
        "parts": parts,
        "step_order": ordered_steps(matter),
        "nosearch": _SearchExclusion(searchable),
    }


def ordered_steps(matter: Matter) -> list:
    """Steps in reading order: a topological order that keeps the file's order among equals."""
    position = {s.id: i for i, s in enumerate(matter.steps)}
    incoming = {s.id: 0 for s in matter.steps}
    for step in matter.steps:
        for nxt in step.next:
            incoming[nxt] += 1
    ready = sorted((sid for sid, n in incoming.items() if n == 0), key=position.get)
    by_id = {s.id: s for s in matter.steps}
    order = []
    while ready:
        sid = ready.pop(0)
        order.append(by_id[sid])
        for nxt in by_id[sid].next:
            incoming[nxt] -= 1
            if incoming[nxt] == 0:
                ready.append(nxt)
                ready.sort(key=position.get)
    return order


def render_matter_page(matter: Matter, corpus: Any, searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS) -> str:
    body = environment().get_template("matter.md.j2").render(matter_context(matter, corpus, searchable))
    return front_matter(matter.name, matter.summary) + body


def _group(matters: list[Matter], key: Callable[[Matter], Any]) -> dict[Any, list[Matter]]:
    groups: dict[Any, list[Matter]] = defaultdict(list)
    for matter in matters:
        for value in key(matter) if isinstance(key(matter), list) else [key(matter)]:
            groups[value].append(matter)
    return groups


def index_pages(corpus: Any) -> dict[str, str]:
    """src_uri -> Markdown for the department, type and level indexes."""
    env = environment()
    matters = corpus.sorted_matters()
    pages: dict[str, str] = {}
    departments = _group(matters, lambda m: (m.department.credit_code, m.department.name))
    pages["departments/index.md"] = front_matter("按部门浏览", "按实施部门浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按部门浏览",
        groups=[
            {"title": name, "url": f"{code}/", "count": len(items)}
            for (code, name), items in sorted(departments.items(), key=lambda kv: (-len(kv[1]), kv[0][1]))
        ],
    )
    for (code, name), items in departments.items():
        pages[f"departments/{code}.md"] = front_matter(name, f"{name}实施的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=name, subtitle=f"统一社会信用代码：{code}", matters=items, root="../../"
        )
    types = _group(matters, lambda m: m.matter_type)
    pages["types/index.md"] = front_matter("按事项类型浏览", "按事项类型浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按事项类型浏览",
        groups=[{"title": t, "url": f"{TYPE_SLUGS[t]}/", "count": len(types[t])} for t in TYPE_SLUGS if t in types],
    )
    for kind, items in types.items():
        pages[f"types/{TYPE_SLUGS[kind]}.md"] = front_matter(kind, f"事项类型为{kind}的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=kind, subtitle="", matters=items, root="../../"
        )
    levels = _group(matters, lambda m: list(m.levels))
    pages["levels/index.md"] = front_matter("按行使层级浏览", "按行使层级浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按行使层级浏览",
        groups=[{"title": lv, "url": f"{LEVEL_SLUGS[lv]}/", "count": len(levels[lv])} for lv in LEVELS if lv in levels],
    )
    for level, items in levels.items():
        pages[f"levels/{LEVEL_SLUGS[level]}.md"] = front_matter(level, f"{level}行使的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=f"{level}行使的事项", subtitle="", matters=items, root="../../"
        )
    return pages
