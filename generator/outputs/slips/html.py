"""The HTML of the printable slips: one matter's slip of each kind, and the combined notice.

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

:func:`combined_notice_html` fills ``templates/slips/combined_notice.html.j2``, a one-time
notice for several matters at once (the 一件事 themes)::

    from generator.outputs.slips import html as slip_html, pdf as slip_pdf
    html = slip_html.combined_notice_html(
        title="开办餐饮店“一件事”一次性告知单", issuer="莆田市行政服务中心",
        page_url="https://…/themes/open-restaurant/", members=[matter, …],
        conditions=[("食品经营许可（新办）", "已取得营业执照…"), …],
        materials=[{"name": …, "form": "原件", "copies": 1, "note": "…", "used_by": ["…"]}, …],
        trace="主题 open-restaurant · 指纹 …", created="2026-03-01")
    pdf_bytes = slip_pdf.render_pdf(html, cache_dir)   # or a cached path: slip_pdf.cached_pdf(...)

The PDFs are made by :mod:`generator.outputs.slips.pdf`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from generator import contract
from generator.domain import chinese
from generator.model.matter import Matter

if TYPE_CHECKING:
    from generator.domain.directory import Directory, Implementation

TEMPLATES = Path(__file__).parents[1] / "templates" / "slips"

KINDS = contract.SLIP_KINDS
# The authority sets a reasonable period to supply missing materials; this is the default
# printed on a filled correction slip (``--within`` changes it).
DEFAULT_CORRECTION_DAYS = contract.DEFAULT_CORRECTION_DAYS
# 《行政许可法》第三十二条: missing materials must be notified at once or within five days
NOTIFY_DAYS = 5
DEFAULT_SITE_URL = contract.DEFAULT_SITE_URL


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The slip templates, with the same filters as the pages (one factory for both)."""
    from generator.outputs.pages.templates import make_environment

    return make_environment(TEMPLATES)


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
    year: str = ""  # of the 文号: the year of receipt


@dataclass(frozen=True)
class SlipPlace:
    """The local facts a slip prints for one implementation (``guides slip --at``). A blank
    slip has none: it never prints another place's office, window, phones or remedy bodies."""

    agency: str
    implementation_code: str
    window: str  # where to hand in: hall and window
    exit_window: str  # where to collect the result
    hours: str
    phones: str
    complaint_phone: str
    online_url: str
    reconsideration_body: str
    court: str
    progress: str = ""  # 办理进度查询: the region's address and phone (regions.yml progress_url, progress_phone)
    abbreviation: str = ""  # the agency's 机关代字 of its 文号, e.g. 城厢审批


def slip_place(directory: "Directory", matter: Matter, implementation: "Implementation") -> SlipPlace:
    """The implementation's facts, from its halls in its own region first."""
    from generator.outputs.regions import consult_phones

    handlings = [h for h in directory.handlings(matter) if h.implementation.code == implementation.code]
    home = [h for h in handlings if h.place.code == implementation.place.code] or handlings
    first = home[0] if home else None
    exit_window = next((w.name for w in first.hall.windows if w.type == "出件窗口"), first.window.name) if first else ""
    return SlipPlace(
        agency=implementation.agency.name,
        implementation_code=implementation.code,
        window=f"{first.hall.name}{first.window.name}" if first else "",
        exit_window=f"{first.hall.name}{exit_window}" if first else "",
        hours=first.hall.hours if first else "",
        phones="、".join(consult_phones(implementation, handlings)) if handlings else (implementation.agency.phone or ""),
        complaint_phone=implementation.complaint_phone or "",
        online_url=implementation.online_url or "",
        reconsideration_body=implementation.reconsideration_body,
        court=implementation.court,
        progress="、".join(x for x in (implementation.services.progress_url, f"电话 {implementation.services.progress_phone}" if implementation.services.progress_phone else None) if x),
        abbreviation=implementation.agency.abbreviation or "",
    )


def places_json(corpus: Any, matter: Matter) -> str:
    """Every implementation's slip facts as JSON, for the notice staff fill in the browser
    (assets/guides.js): the same facts :func:`slip_place` gives the PDF. "" without any."""
    import json
    from dataclasses import asdict

    directory = corpus.directory
    if not directory.places:
        return ""
    places = [asdict(slip_place(directory, matter, i)) for i in directory.implementations(matter)]
    if not places:
        return ""
    # "<" escaped so no text can close the script element
    return json.dumps(places, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def slip_context(
    matter: Matter,
    fingerprint: str,
    kind: str,
    site_url: str,
    fill: Fill | None = None,
    missing: frozenset[str] = frozenset(),
    place: SlipPlace | None = None,
    stub: bool = False,
    browser: bool = False,
) -> dict[str, Any]:
    remedy = matter.remedy
    return {
        "place": place,
        "stub": stub,
        "browser": browser,
        "visits": chinese.visits_text(matter.visits, matter.online_depth, matter.levels),
        "m": matter,
        "kind": kind,
        "title": KINDS[kind],
        "fingerprint": fingerprint,
        "labels": matter.option_labels(),
        "licensing": matter.matter_type == "行政许可",
        "committed": set(matter.commitment.materials) if matter.commitment else set(),
        "deferred": {d.material: d for d in matter.deferrals},
        "materials_by_id": {mat.id: mat for mat in matter.materials},
        "qr_svg": qr_svg(qr_payload(site_url, matter.code)),
        "fill": fill,
        "missing": missing,
        # the PDF's dates come from the matter (or the filled date), never from the clock
        "created": matter.effective_date.isoformat(),
        "remedy": {
            "reconsideration_body": place.reconsideration_body if place else "",
            "reconsideration_days": cn_number(remedy.reconsideration_days) + "日",
            "litigation_court": place.court if place else "",
            "litigation_months": cn_number(remedy.litigation_months) + "个月",
        },
    }


def render_html(
    matter: Matter,
    fingerprint: str,
    kind: str,
    site_url: str,
    fill: Fill | None = None,
    missing: frozenset[str] = frozenset(),
    created: str | None = None,
    place: SlipPlace | None = None,
    stub: bool = False,
) -> str:
    context = slip_context(matter, fingerprint, kind, site_url, fill, missing, place, stub=stub)
    if created:
        context["created"] = created
    return environment().get_template(f"{kind}.html.j2").render(context)


def page_notice_html(corpus: Any, matter: Matter, site_url: str) -> str:
    """The blank 补正材料通知书 of a matter page (templates/correction_notice.html.j2): the
    PDF slip's own templates, marked for the page's script to fill (assets/guides.js), so the
    browser's print and ``guides slip`` say the same words. No blank lines: the page is Markdown."""
    context = slip_context(matter, corpus.fingerprint(matter.code), "correction", site_url, browser=True)
    html = environment().get_template("page_notice.html.j2").render(context)
    return "\n".join(line for line in html.splitlines() if line.strip())


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
    materials once). Escaped like every slip; render with
    :func:`generator.outputs.slips.pdf.render_pdf`.
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
