"""Working-day arithmetic (工作日) for slip deadlines.

《中华人民共和国行政许可法》第八十二条: time limits are counted in working days, without
statutory holidays. A working day is Monday to Friday, unless the year's holiday notice of
the 国务院办公厅 makes it a holiday; a Saturday or Sunday is a working day when the notice
says so (调休上班). The notices are kept in ``matters/holidays.yml``::

    years:
      2026:
        source: 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
        holidays:
          - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}
        workdays: [2026-09-20, 2026-10-10]

A period of N working days from a date starts the next day: the day of receipt is not
counted, and the deadline is the Nth working day after it (N = 0: the same day, 即办).
For a year the file does not list, only weekends are skipped; :meth:`Calendar.uncovered`
says which years a computation touched without a notice, so the caller can warn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Calendar:
    holidays: dict[dt.date, str] = field(default_factory=dict)
    workdays: frozenset[dt.date] = frozenset()
    years: frozenset[int] = frozenset()

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
        if days < 0:
            raise ValueError("days must not be negative")
        day = start
        remaining = days
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def uncovered(self, start: dt.date, end: dt.date) -> list[int]:
        """Years between the two dates for which no holiday notice is recorded."""
        return [year for year in range(start.year, end.year + 1) if year not in self.years]
