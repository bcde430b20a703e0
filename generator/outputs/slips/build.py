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
    fonts = slipfonts.build_fonts(ctx.cache_dir)
    site_url = ctx.qr_site_url
    style = style_digest(fonts)
    cache = ArtifactCache(ctx.cache_dir)
    out: list[tuple[str, Path]] = []
    todo: list[SlipJob] = []
    pending: list[tuple[str, str]] = []
    for matter in corpus.sorted_matters():
        fingerprint = corpus.fingerprint(matter.code)
        # the inputs, not the rendered HTML: an unchanged matter then costs no template work
        data = corpus.model_json(matter.code)
        for kind in KINDS:
            key = digest("slip", style, kind, site_url, fingerprint, data)
            if cache.get("pdf", key, ".pdf") is None:  # missing, or damaged and removed
                todo.append(SlipJob(key, matter=matter, fingerprint=fingerprint, kind=kind, site_url=site_url))
            pending.append((contract.slip_pdf(matter.code, kind), key))

    def render(cancelled: threading.Event) -> None:
        seconds = render_many(todo, ctx.cache_dir, fonts, ctx.jobs, cancelled)
        ctx.count_rendered("pdf", len(seconds))
        ctx.stats.setdefault("slip_render_s", []).extend(round(wall, 4) for wall, _ in seconds)
        ctx.stats.setdefault("slip_cpu_s", []).extend(round(cpu, 4) for _, cpu in seconds)

    if todo and ctx.lazy:
        # a live preview renders a slip when it is first requested (about 0.15 s), not
        # 1,200 of them before the first page (generator.publish.serve_lazy)
        missing = {job.key: job for job in todo}
        for src, key in pending:
            if key in missing:
                ctx.on_demand[src] = lambda job=missing[key]: _render_one(ctx, fonts, job)
        pending = [(src, key) for src, key in pending if key not in missing]
    elif todo:
        # the PDFs land at their cache paths while MkDocs renders the pages; the plugin
        # waits for them before it links them into the site
        ctx.in_background("slips", render)
    for src, key in pending:
        out.append((src, cache.path("pdf", key, ".pdf")))
    return out


def _render_one(ctx: BuildContext, fonts, job: SlipJob) -> Path:
    """One slip into the cache, in this process (a live preview's request for it)."""
    render_many([job], ctx.cache_dir, fonts, 1)
    ctx.count_rendered("pdf")
    return ArtifactCache(ctx.cache_dir).path("pdf", job.key, ".pdf")
