"""The build's part of the browser side: the holiday calendar in each matter page."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace

from generator.domain.workdays import Calendar
from generator.outputs.pages import frontend
from generator.outputs.pages import matter as pages


def _calendar():
    return Calendar(
        holidays={dt.date(2026, 10, d): "国庆节" for d in range(1, 8)},
        workdays=frozenset({dt.date(2026, 10, 10), dt.date(2026, 9, 20)}),
    )


def test_calendar_json_lists_holidays_and_make_up_workdays():
    data = json.loads(frontend.calendar_json(_calendar()))
    assert data["holidays"] == [f"2026-10-0{d}" for d in range(1, 8)]
    assert data["workdays"] == ["2026-09-20", "2026-10-10"]
    assert frontend.calendar_json(Calendar()) == ""


def test_matter_page_carries_the_calendar_for_the_notice(sample_corpus):
    matter = sample_corpus.matters["000117012000"]
    page = pages.render_matter_page(matter, replace(sample_corpus, calendar=_calendar()))
    block = re.search(r'<script type="application/json" id="guide-calendar">(.*?)</script>', page)
    assert block, "no calendar block in the page"
    assert "2026-10-10" in json.loads(block.group(1))["workdays"]
    # inside the hidden notice's one HTML block, so Markdown passes it through untouched
    notice = page[page.index('<aside class="guide-notice"'):]
    assert notice.index('id="guide-calendar"') < notice.index("</aside>")
    assert "\n\n" not in notice[: notice.index("</aside>")]
