"""The build's slips step: every matter's four blank slips, from the cache or rendered.

``produce(ctx)`` is called by the MkDocs plugin (:mod:`generator.publish.plugin`) and
returns (site path, file) pairs; the HTML comes from :mod:`generator.outputs.slips.html`,
the PDFs from :mod:`generator.outputs.slips.pdf`.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from generator import contract
from generator.cache import ArtifactCache, digest
from generator.outputs.slips import fonts as slipfonts
from generator.outputs.slips.html import KINDS
from generator.outputs.slips.pdf import SlipJob, render_many, style_digest

if TYPE_CHECKING:
    from generator.publish.context import BuildContext


def produce(ctx: BuildContext) -> list[tuple[str, Path]]:
    """Blank slips for every matter: cached PDFs, the missing ones rendered in parallel.

    First among the outputs: the slips render in worker processes in the background, so the
    diagrams, the JSON and the pages are made meanwhile on the remaining core."""
    corpus = ctx.corpus
    if ctx.lazy:
        # a live preview finds or renders a slip when it is first requested; not even the
        # fonts are cut before (1.5 s of a preview's start with an empty cache, 907 matters)
        for matter in corpus.sorted_matters():
            for kind in KINDS:
                ctx.on_demand[contract.slip_pdf(matter.code, kind)] = lambda matter=matter, kind=kind: _requested(ctx, matter, kind)
        return []
    fonts = slipfonts.build_fonts(ctx.cache_dir)
    site_url = ctx.qr_site_url
    style = style_digest(fonts)
    cache = ArtifactCache(ctx.cache_dir)
    out: list[tuple[str, Path]] = []
    todo: list[SlipJob] = []
    pending: list[tuple[str, str]] = []
    for matter in corpus.sorted_matters():
        fingerprint = corpus.fingerprint(matter.code)
        key_of = _keys(corpus, matter, style, site_url)
        for kind in KINDS:
            key = key_of(kind)
            if cache.get("pdf", key, ".pdf") is None:  # missing, or damaged and removed
                todo.append(SlipJob(key, matter=matter, fingerprint=fingerprint, kind=kind, site_url=site_url))
            pending.append((contract.slip_pdf(matter.code, kind), key))

    def render(cancelled: threading.Event) -> None:
        seconds = render_many(todo, ctx.cache_dir, fonts, ctx.jobs, cancelled)
        ctx.count_rendered("pdf", len(seconds))
        ctx.stats.setdefault("slip_render_s", []).extend(round(wall, 4) for wall, _ in seconds)
        ctx.stats.setdefault("slip_cpu_s", []).extend(round(cpu, 4) for _, cpu in seconds)

    if todo:
        ctx.cores_busy = True
        # the PDFs land at their cache paths while MkDocs renders the pages; the plugin
        # waits for them before it links them into the site
        ctx.in_background("slips", render)
    for src, key in pending:
        out.append((src, cache.path("pdf", key, ".pdf")))
    return out


def _keys(corpus, matter, style: str, site_url: str):
    """The cache key of each kind of slip of ``matter``: its inputs, not its rendered HTML, so
    an unchanged matter costs no template work."""
    fingerprint, data = corpus.fingerprint(matter.code), corpus.model_json(matter.code)
    return lambda kind: digest("slip", style, kind, site_url, fingerprint, data)


def _requested(ctx: BuildContext, matter, kind: str) -> Path:
    """A slip a live preview was asked for: from the cache, or rendered into it in this
    process (about 0.15 s, a second with WeasyPrint's start)."""
    fonts = slipfonts.build_fonts(ctx.cache_dir)
    key = _keys(ctx.corpus, matter, style_digest(fonts), ctx.qr_site_url)(kind)
    cache = ArtifactCache(ctx.cache_dir)
    if cache.get("pdf", key, ".pdf") is None:
        job = SlipJob(key, matter=matter, fingerprint=ctx.corpus.fingerprint(matter.code), kind=kind, site_url=ctx.qr_site_url)
        render_many([job], ctx.cache_dir, fonts, 1)
        ctx.count_rendered("pdf")
    return cache.path("pdf", key, ".pdf")
