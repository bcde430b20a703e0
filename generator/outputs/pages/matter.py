"""The guide page of one matter."""

from __future__ import annotations

import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.cache import ArtifactCache, code_digest, digest, read_verified
from generator.domain.graph import matter_graph, topological_order
from generator.domain.laws import revised_laws
from generator.model.matter import ONLINE_DEPTH_LABELS, Matter
from generator.outputs import downloads, linked_data, regions, themes
from generator.outputs.pages import frontend
from generator.outputs.pages.templates import TEMPLATES, environment, front_matter
from generator.outputs.slips import html as slip_html

if TYPE_CHECKING:
    from generator.load.corpus import Corpus
    from generator.publish.context import BuildContext


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
    downloads: dict[str, dict[str, Any]] | None = None
    halls: list[dict[str, Any]] | None = None
    notice_html: str = ""


# Sections of a matter page that go into the search index: what people search for (name,
# department, keywords, conditions, material names). The rest is marked data-search-exclude,
# which keeps the index small enough for a phone and spares the build segmenting it.
SEARCHABLE_SECTIONS = ("matter-title", "conditions", "materials")


# what the standard says exists (支持预约…); where and how much (quota, terminals, addresses) is local
SERVICE_TEXTS = (
    ("mail_materials", "申请材料可以邮寄递交"),
    ("appointment", "可以预约办理（各办理点每日预约名额见“办理地点和时间”）"),
    ("self_service", "可以在自助终端办理（终端位置见“办理地点和时间”）"),
    ("online_payment", "可以网上支付"),
    ("progress_query", "可以查询办理进度"),
    ("online_consultation", "可以网上咨询（各地地址见“咨询投诉和救济途径”）"),
    ("online_complaint", "可以网上投诉（各地地址见“咨询投诉和救济途径”）"),
)


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
        downloads=downloads.download_links(corpus, matter),
        halls=first_screen_halls(corpus, matter),
        notice_html=slip_html.page_notice_html(corpus, matter, site_url or slip_html.DEFAULT_SITE_URL),
    )


def first_screen_halls(corpus: "Corpus", matter: Matter) -> list[dict[str, Any]]:
    """Every hall that handles the matter, with what the first screen of the page says about
    it (去哪办 and the place's own online entry). The first is shown without a script; the
    script shows the one of the region the visitor chose (remembered on the device)."""
    directory = corpus.directory
    if not directory.places:
        return []
    return [
        {
            "id": h.hall.id,
            "code": h.place.code,
            "prefix": h.place.prefix,
            "scope": h.scope_prefix,
            "region": h.place.region.name,
            "hall": h.hall.name,
            "window": h.window.name,
            "address": h.hall.address,
            "hours": h.hall.hours,
            "phones": h.phones,
            "online": h.implementation.online_url or "",
            "implementation": h.implementation.code,
        }
        for h in directory.handlings(matter)
    ]


def matter_context(matter: Matter, corpus: "Corpus", parts: PageParts, searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS) -> dict[str, Any]:
    labels = matter.option_labels()
    subjects = {m.id: ("材料", m.name) for m in matter.materials}
    subjects.update({c.id: ("条件", c.text) for c in matter.conditions})
    points_by_subject: dict[str, list] = defaultdict(list)
    for point in matter.review_points:
        points_by_subject[point.about].append(point)
    review_groups = [
        {"kind": subjects[key][0], "title": subjects[key][1], "points": points, "about": key}
        for key, points in points_by_subject.items()
        if key in subjects
    ]
    committed = set(matter.commitment.materials) if matter.commitment else set()
    # What the first screen counts: the materials an applicant brings. Those that shared data
    # or an electronic licence replaces are not brought (the page still lists them, marked).
    brought = [mat for mat in matter.materials if not mat.shared_data]
    when_by_subject = {mat.id: (mat.when, mat.when_all) for mat in matter.materials}
    when_by_subject.update({c.id: (c.when, c.when_all) for c in matter.conditions})
    for group in review_groups:
        group["when"], group["when_all"] = when_by_subject.get(group.pop("about"), ((), ()))
    committed_conditions = set(matter.commitment.conditions) if matter.commitment else set()
    return {
        "m": matter,
        "labels": labels,
        "committed": committed,
        "committed_conditions": committed_conditions,
        "deferred": {d.material: d for d in matter.deferrals},
        "basis_by_id": {b.id: b for b in matter.legal_basis},
        "steps_by_id": {s.id: s for s in matter.steps},
        "materials_by_id": {mat.id: mat for mat in matter.materials},
        "files": parts.downloads or {},
        "services": [text for key, text in SERVICE_TEXTS if getattr(matter.handling, key)],
        "review_groups": review_groups,
        "online_depth": ONLINE_DEPTH_LABELS[matter.online_depth],
        "fingerprint": corpus.fingerprint(matter.code),
        "brought": brought,
        "correction_days": slip_html.DEFAULT_CORRECTION_DAYS,
        "notify_days": slip_html.NOTIFY_DAYS,
        "halls": parts.halls or [],
        "online_possible": matter.online_depth in ("三级", "四级"),
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




# ------------------------------------------------------------------ every page, from the cache
#
# Why a cache for the Markdown: making it (the halls, the linked data, the notice, the
# template) took 6.7 s of an 18.9 s no-change rebuild at 907 matters, 7.4 ms a page, for
# pages whose inputs had not changed. A page's Markdown is a function of
#   * its matter as loaded (the model, with the legal bases written out from the register),
#   * the other input files beside the matters (the region directory, the calendar, the
#     register of laws, the themes, the downloadable files): :func:`inputs_digest`,
#   * its flow diagram (a content-addressed cache entry, so its name is its content),
#   * the site address, the searchable sections, the templates, and the generator code the
#     page module imports (:func:`generator.cache.code_digest`).
# The ledger (``ledger.json``) is not an input: a page shows no date from it.

NOT_PAGE_INPUTS = frozenset({"ledger.json"})


def inputs_digest(root: Path) -> str:
    """The files under the matters folder other than the matter files and the ledger, by path
    and content."""
    from generator.load.matters import MATTER_FILE  # noqa: PLC0415

    parts = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        if path.parent == root and (MATTER_FILE.match(path.name) or path.name in NOT_PAGE_INPUTS):
            continue
        parts += [path.relative_to(root).as_posix(), digest(path.read_bytes())]
    return digest(*parts)


def templates_digest() -> str:
    # read each time (not file_digest, which keeps a process's first answer): a live preview
    # reloads an edited template, and its pages must follow
    return digest(*(f"{p.relative_to(TEMPLATES).as_posix()}:{digest(p.read_bytes())}" for p in sorted(TEMPLATES.rglob("*")) if p.is_file()))


# Pages to make at once before they are made in worker processes too: a live preview started
# with an empty cache made the Markdown of 907 pages in 9 s on one core while the other idled.
# Not while the slips' workers keep the cores busy (a cold build): two more processes there
# gained no time and were the build's peak memory (2,012 MB summed PSS at 1,814 matters)
PARALLEL_PAGES = 64
_JOB: dict[str, Any] = {}


def _make_pages(codes: list[str]) -> int:
    """In a worker process (forked: the corpus is the parent's): make and cache these pages."""
    corpus, ctx, searchable, keys = _JOB["corpus"], _JOB["ctx"], _JOB["searchable"], _JOB["keys"]
    cache = ArtifactCache(ctx.cache_dir)
    for code in codes:
        cache.put("page-md", keys[code], ".md", _make(ctx, corpus.matters[code], searchable))
    return len(codes)


def _make_in_workers(ctx: "BuildContext", codes: list[str], keys: dict[str, str], searchable: tuple[str, ...] | list[str]) -> None:
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    from generator.workers import interrupts_deferred, worker_started  # noqa: PLC0415

    _JOB.update(corpus=ctx.corpus, ctx=ctx, searchable=searchable, keys=keys)
    chunks = [codes[i::ctx.jobs] for i in range(ctx.jobs)]
    try:
        with ProcessPoolExecutor(max_workers=ctx.jobs, mp_context=multiprocessing.get_context("fork"), initializer=worker_started, initargs=(os.getpid(),)) as pool:
            with interrupts_deferred():  # (the first submit forks the workers)
                made = pool.map(_make_pages, chunks)
            for _ in made:
                pass
    finally:
        _JOB.clear()


def page_keys(ctx: "BuildContext", codes, searchable: tuple[str, ...] | list[str]) -> dict[str, str]:
    """The cache key of each matter page's Markdown: the matter as loaded, its diagram, the
    site address, the searchable sections, the templates, the code and the files beside the
    matters (not the matter files: each page's own is its model)."""
    corpus = ctx.corpus
    shared = digest("page-md", code_digest(__name__), templates_digest(), ctx.site_url, json.dumps(list(searchable)), inputs_digest(corpus.root))
    keys = {}
    for code in codes:
        svg = ctx.flow_svgs.get(code)
        keys[code] = digest(shared, code, corpus.model_json(code), svg.name if svg is not None else "")
    return keys


def make_missing(ctx: "BuildContext", codes, searchable: tuple[str, ...] | list[str]) -> tuple[dict[str, str], list[str]]:
    """Make the Markdown of those of these matters' pages that the cache lacks (in worker
    processes when there are many and the cores are free); their keys, and which were made."""
    ctx.wait_for_diagrams()
    cache = ArtifactCache(ctx.cache_dir)
    keys = page_keys(ctx, [code for code in codes if code not in ctx.deferred], searchable)
    missing = [code for code, key in keys.items() if not cache.path("page-md", key, ".md").exists()]
    if ctx.defer_pages and missing:
        # a live preview's first build: made with the page, when that is first requested
        ctx.deferred.update(missing)
        keys = {code: key for code, key in keys.items() if code not in ctx.deferred}
        missing = []
    if len(missing) >= PARALLEL_PAGES and ctx.jobs > 1 and not ctx.cores_busy:
        _make_in_workers(ctx, missing, keys, searchable)
    else:
        for code in missing:
            cache.put("page-md", keys[code], ".md", _make(ctx, ctx.corpus.matters[code], searchable))
    return keys, missing


def produce(ctx: "BuildContext", searchable: tuple[str, ...] | list[str] = SEARCHABLE_SECTIONS, only: frozenset[str] | None = None) -> list[tuple[str, str]]:
    """(site source path, Markdown) of every matter page; unchanged pages from the cache.

    With ``only`` (a shard's matters, :mod:`generator.publish.shard`), the other matters'
    pages are there by name, empty; so are those a live preview's first build leaves out
    (:attr:`BuildContext.deferred`)."""
    corpus = ctx.corpus
    cache = ArtifactCache(ctx.cache_dir)
    keys, missing = make_missing(ctx, [code for code in corpus.matters if only is None or code in only], searchable)
    pages = []
    for code, matter in corpus.matters.items():
        if code not in keys:
            pages.append((contract.matter_src(code), ""))
            continue
        path = cache.path("page-md", keys[code], ".md")
        data = read_verified(path) if path.exists() else None
        if data is None:  # not made yet, or damaged (and removed)
            data = _make(ctx, matter, searchable)
            cache.put("page-md", keys[code], ".md", data)
            if code not in missing:
                ctx.count_rendered("page-md")
        pages.append((contract.matter_src(code), data.decode("utf-8")))
    if missing:
        ctx.count_rendered("page-md", len(missing))
    return pages


def _make(ctx: "BuildContext", matter, searchable) -> bytes:
    parts = matter_parts(ctx.corpus, matter, site_url=ctx.site_url, flow_svg=ctx.flow_svgs.get(matter.code))
    return render_matter_page(matter, ctx.corpus, parts, searchable).encode("utf-8")
