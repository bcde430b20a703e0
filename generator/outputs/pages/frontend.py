"""What the browser side of a matter page needs from the build (assets/guides.js).

The filled 补正材料通知书 computes its deadline in the browser, in working days. The holiday
calendar (``matters/holidays.yml``, read by :mod:`generator.load.holidays` into
``corpus.calendar``) goes into each matter page as a small JSON block, so the browser
counts the same days as the printed slips, with no request and no server.
"""

from __future__ import annotations

import json

from generator.domain.workdays import Calendar


def calendar_json(calendar: Calendar) -> str:
    """The calendar as JSON for a <script type="application/json"> block; "" without one."""
    if not (calendar.holidays or calendar.workdays):
        return ""
    data = {
        "holidays": sorted(day.isoformat() for day in calendar.holidays),
        "workdays": sorted(day.isoformat() for day in calendar.workdays),
    }
    # "<" never appears in ISO dates; escaped anyway so no text can close the script element
    return json.dumps(data, separators=(",", ":")).replace("<", "\\u003c")
