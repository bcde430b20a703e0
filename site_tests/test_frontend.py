"""The build's part of the browser side: the holiday calendar in each matter page."""

from __future__ import annotations

import datetime as dt
import json
import re
from types import SimpleNamespace

from generator import frontend, pages


def _calendar():
    return SimpleNamespace(
        holidays={dt.date(2026, 10, d): "国庆节" for d in range(1, 8)},
        workdays=frozenset({dt.date(2026, 10, 10), dt.date(2026, 9, 20)}),
    )


def test_calendar_json_lists_holidays_and_make_up_workdays():
    corpus = SimpleNamespace(extras={"calendar": _calendar()})
    data = json.loads(frontend.calendar_json(corpus))
    assert data["holidays"] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert data["workdays"] == ["2026-09-20", "2026-10-10"]
    assert frontend.calendar_json(SimpleNamespace(extras={})) == ""


def test_matter_page_carries_the_calendar_for_the_notice(sample_corpus):
    matter = sample_corpus.matters["000117012000"]
    saved = sample_corpus.extras.get("calendar")
    sample_corpus.extras["calendar"] = _calendar()
    try:
        page = pages.render_matter_page(matter, sample_corpus)
    finally:
        if saved is None:
            sample_corpus.extras.pop("calendar")
        else:
            sample_corpus.extras["calendar"] = saved
    block = re.search(r'<script type="application/json" id="guide-calendar">(.*?)</script>', page)
    assert block, "no calendar block in the page"
    assert "2026-10-10" in json.loads(block.group(1))["workdays"]
    # inside the hidden notice's one HTML block, so Markdown passes it through untouched
    tail = page[page.index('class="guide-notice-footer"'):]
    assert tail.index('id="guide-calendar"') < tail.index("</div>")
