"""Printable slips for window staff (WeasyPrint PDFs), from the same matter file as the page.

Four kinds per matter (``matters/<code>/slips/<kind>.pdf``), blank for staff to fill by hand:

- ``notice`` 一次性告知单: conditions, every material (situations marked), time limits,
  fees, result, where and when, phones;
- ``correction`` 补正材料通知书: a tick box and a line per material, the deadline, the
  five-day rule of 《行政许可法》第三十二条;
- ``acceptance`` 受理通知书: materials received, statutory and promised limits with the
  completion date, progress enquiry and collection;
- ``rejection`` 不予受理通知书: reason lines, where to apply instead, 行政复议 and 行政诉讼
  with their time limits (from the matter's ``remedy``; blank lines where it has none).

Every slip has a QR code of the matter's page URL (:func:`qr_payload`), and a footer with
the code, the standard version and the fingerprint, so a printed slip can be traced to the
standard it was made from; page x of y for a slip longer than a page (the table header
repeats on each page).

``guides slip CODE --kind KIND [--missing ID,…] [--applicant NAME] [--date YYYY-MM-DD]
[--within N] [-o FILE]`` prints one filled slip: missing materials ticked ☑ (the others ☐),
the correction deadline and the promised completion date computed in working days
(:mod:`generator.domain.workdays`). Exit 2 for wrong usage (unknown kind, bad date, ``--missing``
with another kind); exit 1 for an unknown matter code or material id (invalid input, with
the valid ids listed).

Speed: the fonts are subset once per build (:mod:`generator.outputs.slips.fonts`); each PDF is cached
by a hash of everything it is made from, so an unchanged matter renders nothing; the slips
to render are spread over ``ctx.jobs`` worker processes, each building its
``FontConfiguration`` and parsed CSS once (:func:`_init_worker`).

Size: the CJK faces are embedded as bare CID-keyed CFF rather than OpenType files
(:class:`_BareCFF`), at 256 units per em (:mod:`generator.outputs.slips.fontscale`).

For other outputs (the 一件事 themes): :class:`Renderer` (or :func:`render_pdf`) turns any
HTML into a PDF with the slip fonts and stylesheet, and :func:`combined_notice_html` fills
``templates/slips/combined_notice.html.j2``, a one-time notice for several matters at once::

    from generator.outputs.slips import slips
    html = slips.combined_notice_html(
        title="开办餐饮店“一件事”一次性告知单", issuer="莆田市行政服务中心",
        page_url="https://…/themes/open-restaurant/", members=[matter, …],
        conditions=[("食品经营许可（新办）", "已取得营业执照…"), …],
        materials=[{"name": …, "form": "原件", "copies": 1, "note": "…", "used_by": ["…"]}, …],
        trace="主题 open-restaurant · 指纹 …", created="2026-03-01")
    pdf_bytes = slips.render_pdf(html, cache_dir)   # or a cached path: slips.cached_pdf(...)
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from generator.domain import chinese
from generator import contract
from generator.outputs.slips import fonts as slipfonts
from generator.cache import ArtifactCache, code_digest, digest, file_digest
from generator.model.matter import Matter

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

TEMPLATES = Path(__file__).parents[1] / "templates" / "slips"
CSS_FILE = TEMPLATES / "slip.css"

KINDS = contract.SLIP_KINDS
# The authority sets a reasonable period to supply missing materials; this is the default
# printed on a filled correction slip (``--within`` changes it).
DEFAULT_CORRECTION_DAYS = contract.DEFAULT_CORRECTION_DAYS
# 《行政许可法》第三十二条: missing materials must be notified at once or within five days
NOTIFY_DAYS = 5
DEFAULT_SITE_URL = contract.DEFAULT_SITE_URL


# ---------------------------------------------------------------------------- content


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["working_days"] = chinese.working_days
    env.filters["yuan"] = chinese.yuan
    env.filters["visits"] = chinese.visits_text
    return env


def qr_payload(site_url: str, code: str) -> str:
    """What the QR code of a matter's slips encodes: the absolute URL of its guide page."""
    return site_url.rstrip("/") + "/" + contract.matter_url(code)


@lru_cache(maxsize=4096)
def qr_svg(payload: str) -> str:
    """The QR code as an inline PNG image, the same bytes every time. A bitmap, because
    WeasyPrint draws an SVG path of a QR code's modules several times slower than it embeds
    a small PNG, and a 1-bit image prints as sharply at any scale."""
    import html as html_lib

    import segno

    uri = segno.make(payload, error="m", micro=False).png_data_uri(scale=4, border=2)
    return f'<img src="{uri}" alt="{html_lib.escape(payload)}" style="width:100%;image-rendering:pixelated">'



def cn_number(n: int) -> str:
    """60 -> 六十, 6 -> 六: legal time limits are written in Chinese numerals."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


@dataclass(frozen=True)
class Fill:
    """What ``guides slip`` fills in for one applicant (dates already in Chinese)."""

    applicant: str = ""
    received: str = ""
    deadline: str = ""
    within: int = 0
    notify_by: str = ""
    promised_date: str = ""
    statutory_date: str = ""


def slip_context(matter: Matter, fingerprint: str, kind: str, site_url: str, fill: Fill | None = None, missing: frozenset[str] = frozenset()) -> dict[str, Any]:
    remedy = matter.remedy
    return {
        "m": matter,
        "kind": kind,
        "title": KINDS[kind],
        "fingerprint": fingerprint,
        "labels": matter.option_labels(),
        "licensing": matter.matter_type == "行政许可",
        "qr_svg": qr_svg(qr_payload(site_url, matter.code)),
        "fill": fill,
        "missing": missing,
        # the PDF's dates come from the matter (or the filled date), never from the clock
        "created": matter.effective_date.isoformat(),
        "remedy": {
            "reconsideration_body": remedy.reconsideration_body if remedy else "",
            "reconsideration_days": cn_number(remedy.reconsideration_days if remedy else 60) + "日",
            "litigation_court": remedy.litigation_court if remedy else "",
            "litigation_months": cn_number(remedy.litigation_months if remedy else 6) + "个月",
        },
    }


def render_html(matter: Matter, fingerprint: str, kind: str, site_url: str, fill: Fill | None = None, missing: frozenset[str] = frozenset(), created: str | None = None) -> str:
    context = slip_context(matter, fingerprint, kind, site_url, fill, missing)
    if created:
        context["created"] = created
    return environment().get_template(f"{kind}.html.j2").render(context)


def combined_notice_html(
    title: str,
    issuer: str,
    page_url: str,
    members: list[Matter],
    conditions: list[tuple[str, str]],
    materials: list[dict[str, Any]],
    trace: str,
    created: str,
    notes: list[str] | None = None,
) -> str:
    """One 一次性告知单 for several matters handled together (a 一件事 theme).

    ``conditions``: (matter name, condition text); ``materials``: dicts with name, form,
    copies, note (optional) and used_by (the member matters' names that need it, shared
    materials once). Escaped like every slip; render with :func:`render_pdf`.
    """
    return environment().get_template("combined_notice.html.j2").render(
        title=title,
        issuer=issuer,
        qr_svg=qr_svg(page_url),
        members=members,
        conditions=conditions,
        materials=materials,
        trace=trace,
        created=created,
        notes=notes or [],
    )


# ---------------------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _weasyprint_version() -> str:
    import importlib.metadata

    return importlib.metadata.version("weasyprint")


def style_digest(fonts: list[slipfonts.FontFile]) -> str:
    """Everything besides the HTML that shapes a PDF: stylesheet, templates, fonts, versions."""
    templates = [file_digest(str(p)) for p in sorted(TEMPLATES.glob("*")) if p.is_file()]
    return digest("slip-style", code_digest(__name__), _weasyprint_version(), file_digest(str(CSS_FILE)), *templates, *(f.sha256 for f in fonts))


class _OpenArrayFFI:
    """WeasyPrint's cffi handle, except that ``new("T[n]", items)`` becomes ``new("T[]", items)``.

    WeasyPrint subsets each PDF's fonts with arrays typed ``hb_codepoint_t[<count>]``; cffi
    parses every new type string with pycparser (about 7 ms) and the counts differ from slip
    to slip, so that parse ran two or three times per slip: about a tenth of its CPU. An open
    array filled from the same items is the same memory, so the PDF bytes do not change."""

    def __init__(self, ffi: Any):
        self._ffi = ffi

    def new(self, cdecl: str, init: Any = None) -> Any:
        if init is not None and cdecl.endswith("]") and "[" in cdecl and not isinstance(init, int):
            cdecl = cdecl[: cdecl.index("[")] + "[]"
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ffi, name)


def _cheap_subset_arrays() -> None:
    import weasyprint.pdf.fonts as pdf_fonts

    if hasattr(pdf_fonts, "ffi") and not isinstance(pdf_fonts.ffi, _OpenArrayFFI):
        pdf_fonts.ffi = _OpenArrayFFI(pdf_fonts.ffi)


def _cff_of(otf: bytes) -> bytes | None:
    """The CFF table of an OpenType font, if it is a CID-keyed CFF (its Top DICT starts with ROS)."""
    import struct

    if otf[:4] != b"OTTO":
        return None
    (count,) = struct.unpack_from(">H", otf, 4)
    for k in range(count):
        tag, _, offset, length = struct.unpack_from(">4sLLL", otf, 12 + 16 * k)
        if tag == b"CFF ":
            cff = otf[offset : offset + length]
            break
    else:
        return None

    def skip_index(pos: int) -> int:
        (n,) = struct.unpack_from(">H", cff, pos)
        if n == 0:
            return pos + 2
        size = cff[pos + 2]
        last = int.from_bytes(cff[pos + 3 + n * size : pos + 3 + (n + 1) * size], "big")
        return pos + 3 + (n + 1) * size + last - 1

    try:
        top_index = skip_index(cff[2])  # header, then the Name INDEX
        size = cff[top_index + 2]
        data = top_index + 3 + 2 * size  # the Top DICT INDEX of one dict: its data
        pos = data
        # ROS comes first in a CIDFont's Top DICT: three integer operands, then 12 30
        for _ in range(3):
            b0 = cff[pos]
            pos += 3 if b0 == 28 else 5 if b0 == 29 else 1 if 32 <= b0 <= 246 else 2 if 247 <= b0 <= 254 else 0
            if pos == data or b0 in (30, 255):
                return None
            data = pos
        if cff[pos : pos + 2] != b"\x0c\x1e":
            return None
    except (IndexError, struct.error):
        return None
    return cff


class _BareCFF:
    """pydyf for WeasyPrint's font module, except that an OpenType font with a CID-keyed CFF
    is embedded as the bare CFF (FontFile3 /CIDFontType0C, the classic form every PDF reader
    takes) instead of the whole OpenType file (/OpenType). The OpenType wrapper's cmap, hmtx,
    name and OS/2 tables serve no purpose in a PDF (the widths and the text mapping are PDF
    objects) and cost about 2 KB per face per slip."""

    def __init__(self, pydyf: Any):
        self._pydyf = pydyf

    def Stream(self, stream: Any = None, extra: Any = None, compress: bool = False) -> Any:  # noqa: N802
        if extra is not None and extra.get("Subtype") == "/OpenType" and stream and len(stream) == 1:
            cff = _cff_of(bytes(stream[0]))
            if cff is not None:
                stream, extra = [cff], self._pydyf.Dictionary({"Subtype": "/CIDFontType0C"})
        return self._pydyf.Stream(stream, extra, compress=compress)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pydyf, name)


def _bare_cff_fonts() -> None:
    import weasyprint.pdf.fonts as pdf_fonts

    if not isinstance(pdf_fonts.pydyf, _BareCFF):
        pdf_fonts.pydyf = _BareCFF(pdf_fonts.pydyf)


class Renderer:
    """WeasyPrint with one FontConfiguration and one parsed stylesheet, reused for every PDF
    (parsing the CSS and loading fonts again for each slip would double the time)."""

    def __init__(self, fonts: list[slipfonts.FontFile]):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        _cheap_subset_arrays()
        _bare_cff_fonts()
        self.font_config = FontConfiguration()
        css_text = slipfonts.font_face_css(fonts) + CSS_FILE.read_text(encoding="utf-8")
        self.css = CSS(string=css_text, font_config=self.font_config)

    def render(self, html: str) -> bytes:
        from weasyprint import HTML

        # no base URL: a slip loads nothing from outside (the QR code is inline)
        return HTML(string=html, base_url=None).write_pdf(
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


# One renderer per worker process, made by the pool's initializer.
_WORKER: Renderer | None = None


def _init_worker(fonts: list[slipfonts.FontFile]) -> None:
    global _WORKER
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


def render_many(jobs: list[SlipJob], cache_dir: Path, fonts: list[slipfonts.FontFile], workers: int, cancelled: threading.Event | None = None) -> list[tuple[float, float]]:
    """Render the jobs into the cache; returns (wall, CPU) seconds of each PDF rendered.

    Stops early, with the PDFs rendered so far, when ``cancelled`` is set (a failed build)."""
    if not jobs:
        return []
    from generator.publish.progress import Progress

    tasks = [(job, str(cache_dir)) for job in jobs]
    workers = max(1, min(workers, len(tasks)))
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
        chunk = max(1, min(16, len(tasks) // (workers * 4)))
        batches = [tasks[i : i + chunk] for i in range(0, len(tasks), chunk)]
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(fonts,)) as pool:
            futures = [pool.submit(_render_batch, batch) for batch in batches]
            for future in as_completed(futures):
                if cancelled is not None and cancelled.is_set():
                    pool.shutdown(wait=True, cancel_futures=True)
                    break
                done = future.result()
                seconds.extend(done)
                progress.advance(len(done))
    return seconds


def _render_batch(batch: list[tuple[SlipJob, str]]) -> list[tuple[float, float]]:
    return [_render_job(task) for task in batch]


# ---------------------------------------------------------------------------- build


def produce(ctx: "BuildContext") -> list[tuple[str, Path]]:
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
        data = matter.model_dump_json()
        for kind in KINDS:
            key = digest("slip", style, kind, site_url, fingerprint, data)
            path = cache.path("pdf", key, ".pdf")
            if not path.exists():
                todo.append(SlipJob(key, matter=matter, fingerprint=fingerprint, kind=kind, site_url=site_url))
            pending.append((contract.slip_pdf(matter.code, kind), key))

    def render(cancelled: threading.Event) -> None:
        seconds = render_many(todo, ctx.cache_dir, fonts, ctx.jobs, cancelled)
        ctx.count_rendered("pdf", len(seconds))
        ctx.stats.setdefault("slip_render_s", []).extend(round(wall, 4) for wall, _ in seconds)
        ctx.stats.setdefault("slip_cpu_s", []).extend(round(cpu, 4) for _, cpu in seconds)

    if todo:
        # the PDFs land at their cache paths while MkDocs renders the pages; the plugin
        # waits for them before it links them into the site
        ctx.in_background("slips", render)
    for src, key in pending:
        out.append((src, cache.path("pdf", key, ".pdf")))
    return out
