"""Slip HTML to PDF with WeasyPrint: the renderer, the PDF cache and the worker pool.

Speed: the fonts are subset once per build (:mod:`generator.outputs.slips.fonts`); a
:class:`Renderer` builds its ``FontConfiguration`` and parsed stylesheet once and reuses
them for every PDF; each PDF is cached by a hash of everything it is made from
(:func:`style_digest` and the HTML or the matter), so unchanged input renders nothing; the
slips of a build are spread over worker processes (:func:`render_many`), one renderer each.

Size and speed inside WeasyPrint: :mod:`generator.outputs.slips.weasyprint_patches` (the CJK
faces embedded as bare CID-keyed CFF at 256 units per em, see
:mod:`generator.outputs.slips.fontscale`).

For other outputs (the 一件事 themes): :func:`render_pdf` turns any slip-styled HTML into
PDF bytes, :func:`cached_pdf` into a cached file.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from generator.cache import ArtifactCache, code_digest, digest, file_digest
from generator.model.matter import Matter
from generator.outputs.slips import fonts as slipfonts
from generator.outputs.slips import weasyprint_patches
from generator.outputs.slips.html import TEMPLATES, render_html
from generator.workers import worker_started

CSS_FILE = TEMPLATES / "slip.css"


def style_digest(fonts: list[slipfonts.FontFile]) -> str:
    """Everything besides the HTML that shapes a PDF: stylesheet, templates, fonts, versions.

    ``code_digest`` covers this module and every generator module it imports: the HTML
    templating, the font subsetting and the WeasyPrint patches, so a change to any of them
    renders the slips again."""
    templates = [file_digest(str(p)) for p in sorted(TEMPLATES.glob("*")) if p.is_file()]
    return digest(
        "slip-style",
        code_digest(__name__),
        weasyprint_patches.weasyprint_version(),
        file_digest(str(CSS_FILE)),
        *templates,
        *(f.sha256 for f in fonts),
    )


class Renderer:
    """WeasyPrint with one FontConfiguration and one parsed stylesheet, reused for every PDF
    (parsing the CSS and loading fonts again for each slip would double the time)."""

    def __init__(self, fonts: list[slipfonts.FontFile]):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        weasyprint_patches.apply()
        self.fonts = list(fonts)
        self.font_config = FontConfiguration()
        css_text = slipfonts.font_face_css(fonts) + CSS_FILE.read_text(encoding="utf-8")
        self.css = CSS(string=css_text, font_config=self.font_config)
        weasyprint_patches.remove_font_folder_at_exit(self.font_config)

    def render(self, html: str) -> bytes:
        # no base URL: a slip loads nothing from outside (the QR code is inline)
        return weasyprint_patches.html_document(html).write_pdf(
            stylesheets=[self.css],
            font_config=self.font_config,
            pdf_identifier=False,  # no random file id: the same slip is the same bytes
            uncompressed_pdf=False,
        )


_RENDERERS: dict[str, Renderer] = {}


def renderer(cache_dir: Path) -> Renderer:
    key = str(Path(cache_dir).resolve())
    if key not in _RENDERERS:
        _RENDERERS[key] = Renderer(slipfonts.build_fonts(Path(cache_dir)))
    return _RENDERERS[key]


def render_pdf(html: str, cache_dir: Path | str = ".cache/guides") -> bytes:
    """Any slip-styled HTML to PDF bytes (fonts subset into ``cache_dir`` on first use)."""
    return renderer(Path(cache_dir)).render(html)


def cached_pdf(html: str, cache_dir: Path, count=None) -> Path:
    """The PDF of ``html`` from the artifact cache, rendered (and counted) only when missing."""
    fonts = slipfonts.build_fonts(Path(cache_dir))
    key = digest("slip-html", style_digest(fonts), html)
    cache = ArtifactCache(cache_dir)
    found = cache.get("pdf", key, ".pdf")
    if found is not None:
        return found
    if count is not None:
        count("pdf")
    return cache.put("pdf", key, ".pdf", renderer(Path(cache_dir)).render(html))


# ---------------------------------------------------------------------------- worker pool

# One renderer per worker process, made by the pool's initializer.
SLIPS_PER_WORKER = 8
_WORKER: Renderer | None = None


def _init_worker(fonts: list[slipfonts.FontFile], parent: int | None = None) -> None:
    """Set up one worker process: it ignores Ctrl-C (the build stops the pool itself, so
    an interrupt gives one line, not a traceback per worker) and ends as soon as the build
    is gone, even after ``kill -9`` of it (no worker is left behind)."""
    global _WORKER
    if parent is not None:
        worker_started(parent)
    if _WORKER is None or _WORKER.fonts != fonts:  # (the build's own process renders again in the next build of a preview)
        _WORKER = Renderer(fonts)


@dataclass(frozen=True)
class SlipJob:
    """One PDF to render into the cache: either ready HTML, or a matter's blank slip, whose
    HTML the worker renders itself (templating and the QR code then run in parallel too)."""

    key: str
    html: str = ""
    matter: Matter | None = None
    fingerprint: str = ""
    kind: str = ""
    site_url: str = ""


def _render_job(job: tuple[SlipJob, str]) -> tuple[float, float]:
    slip, cache_root = job
    started, cpu = time.perf_counter(), time.process_time()
    html = slip.html or render_html(slip.matter, slip.fingerprint, slip.kind, slip.site_url)
    data = _WORKER.render(html)
    ArtifactCache(Path(cache_root)).put("pdf", slip.key, ".pdf", data)
    return time.perf_counter() - started, time.process_time() - cpu


def _render_batch(batch: list[tuple[SlipJob, str]]) -> list[tuple[float, float]]:
    return [_render_job(task) for task in batch]


def render_many(jobs: list[SlipJob], cache_dir: Path, fonts: list[slipfonts.FontFile], workers: int, cancelled: threading.Event | None = None) -> list[tuple[float, float]]:
    """Render the jobs into the cache; returns (wall, CPU) seconds of each PDF rendered.

    Stops early, with the PDFs rendered so far, when ``cancelled`` is set (a failed build)."""
    if not jobs:
        return []
    from generator.progress import Progress

    tasks = [(job, str(cache_dir)) for job in jobs]
    workers = max(1, workers)
    # a worker costs 0.53 CPU-s to set up (fonts, stylesheet) and renders its first slips
    # slower: a one-edit rebuild's 4 slips took 3.4 s of CPU in two workers, beside the
    # pages on the same two cores. One worker per SLIPS_PER_WORKER slips, and a worker
    # process even for one slip (the build's own process is busy with the pages).
    pool_size = min(workers, -(-len(tasks) // SLIPS_PER_WORKER))
    seconds: list[tuple[float, float]] = []
    with Progress("slips", len(tasks)) as progress:
        if workers == 1:
            _init_worker(fonts)
            for task in tasks:
                if cancelled is not None and cancelled.is_set():
                    break
                seconds.append(_render_job(task))
                progress.advance()
            return seconds
        # Small chunks keep both workers busy to the end; each still amortises its fonts and CSS.
        chunk = max(1, min(16, len(tasks) // (pool_size * 4)))
        batches = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
        with ProcessPoolExecutor(max_workers=pool_size, initializer=_init_worker, initargs=(fonts, os.getpid())) as pool:
            futures = [pool.submit(_render_batch, batch) for batch in batches]
            for future in as_completed(futures):
                if cancelled is not None and cancelled.is_set():
                    pool.shutdown(wait=True, cancel_futures=True)
                    break
                done = future.result()
                seconds.extend(done)
                progress.advance(len(done))
    return seconds
