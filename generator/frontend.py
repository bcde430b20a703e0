"""What the browser side of a matter page needs from the build (assets/guides.js).

The filled 补正材料通知书 computes its deadline in the browser, in working days. The holiday
calendar (``matters/holidays.yml``, read by :mod:`generator.workdays` into
``corpus.extras["calendar"]``) goes into each matter page as a small JSON block, so the browser
counts the same days as the printed slips, with no request and no server.
"""

from __future__ import annotations

import json
from typing import Any

from generator import pages


def calendar_json(corpus: Any) -> str:
    """The calendar as JSON for a <script type="application/json"> block; "" without one."""
    calendar = corpus.extras.get("calendar")
    if calendar is None or not (calendar.holidays or calendar.workdays):
        return ""
    data = {
        "holidays": sorted(day.isoformat() for day in calendar.holidays),
        "workdays": sorted(day.isoformat() for day in calendar.workdays),
    }
    # "<" never appears in ISO dates; escaped anyway so no text can close the script element
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")


def _page_parts(corpus: Any, matter: Any) -> dict[str, str]:
    calendar = calendar_json(corpus)
    return {"calendar_json": calendar} if calendar else {}


pages.PAGE_CONTRIBUTORS.append(_page_parts)
