"""The guide page of one matter."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.domain.graph import matter_graph, topological_order
from generator.domain.laws import revised_laws
from generator.model.matter import ONLINE_DEPTH_LABELS, Matter
from generator.outputs import linked_data, regions, themes
from generator.outputs.pages import frontend
from generator.outputs.pages.templates import environment, front_matter
from generator.outputs.slips import html as slip_html

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


@dataclass
class PageParts:
    """The sections of a matter page that other outputs make (diagram, slips, halls, linked
    data, the calendar, themes); :func:`matter_parts` fills them."""

    flow_svg: str = ""
    slip_links: list[tuple[str, str]] | None = None
    halls_html: str = ""
    contacts_html: str = ""
    places_json: str = ""
    json_ld: str = ""
    json_url: str = ""
    calendar_json: str = ""
    theme_links: list[tuple[str, str]] | None = None


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


def matter_parts(corpus: "Corpus", matter: Matter, *, site_url: str | None = None, flow_svg: Path | None = None) -> PageParts:
    """Everything on a matter page that comes from the other outputs, each by its own function."""
    return PageParts(
        flow_svg=flow_svg.read_text(encoding="utf-8") if flow_svg is not None else "",
        slip_links=[(label, contract.slip_from_matter_page(kind)) for kind, label in contract.SLIP_KINDS.items()],
        halls_html=regions.halls_html(corpus, matter),
        contacts_html=regions.contacts_html(corpus, matter),
        places_json=slip_html.places_json(corpus, matter),
        json_ld=linked_data.page_json_ld(corpus, matter, site_url),
        json_url=contract.from_matter_page(contract.matter_json(matter.code)),
        calendar_json=frontend.calendar_json(corpus.calendar),
        theme_links=themes.theme_links(corpus, matter),
    )


def matter_context(matter: Matter, corpus: "Corpus", parts: PageParts, searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS) -> dict[str, Any]:
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
    return {
        "m": matter,
        "labels": labels,
        "review_groups": review_groups,
        "online_depth": ONLINE_DEPTH_LABELS[matter.online_depth],
        "fingerprint": corpus.fingerprint(matter.code),
        "type_slug": contract.TYPE_SLUGS[matter.matter_type],
        "parts": parts,
        "step_order": ordered_steps(matter),
        "nosearch": _SearchExclusion(searchable),
        "revised": revised_laws(matter, corpus.laws),
    }


def ordered_steps(matter: Matter) -> list:
    """Steps in reading order: the topological order of the flow the diagram draws, which
    keeps the file's order among equals."""
    graph = matter_graph(matter)
    by_id = {s.id: s for s in matter.steps}
    return [by_id[sid] for sid in topological_order(graph.ids, graph.edges)]


def render_matter_page(matter: Matter, corpus: "Corpus", parts: PageParts | None = None, searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS) -> str:
    parts = parts if parts is not None else matter_parts(corpus, matter)
    body = environment().get_template("matter.md.j2").render(matter_context(matter, corpus, parts, searchable))
    return front_matter(matter.name, matter.summary) + body


