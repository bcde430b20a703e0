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
from pathlib import Path

from generator.corpus import Corpus, display_path, extension
from generator.loader import load_yaml
from generator.problems import Problem

HOLIDAYS_FILE = "holidays.yml"


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


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def load_calendar(root: Path) -> tuple[Calendar, list[Problem]]:
    """Read ``root/holidays.yml``; without the file only weekends are skipped."""
    path = root / HOLIDAYS_FILE
    if not path.is_file():
        return Calendar(), []
    source = load_yaml(path, display_path(path, root))
    if source.problems:
        return Calendar(), list(source.problems)
    data = source.data
    if not isinstance(data, dict) or not isinstance(data.get("years"), dict):
        return Calendar(), [source.problem((), "expected a mapping with one key, years: (year → holidays and workdays)")]
    problems = [source.problem((key,), "unknown field; expected: years") for key in data if key != "years"]
    holidays: dict[dt.date, str] = {}
    workdays: set[dt.date] = set()
    years: set[int] = set()
    for key, entry in data["years"].items():
        loc = ("years", key)
        # the loader gives mapping keys as text
        year = int(key) if str(key).isdigit() else 0
        if not 2000 <= year <= 2100:
            problems.append(source.problem(loc, f"expected a year such as 2026, got {key!r}"))
            continue
        if not isinstance(entry, dict):
            problems.append(source.problem(loc, "expected a mapping with source, holidays and workdays"))
            continue
        for key in entry:
            if key not in ("source", "holidays", "workdays"):
                problems.append(source.problem(loc + (key,), "unknown field; expected: source, holidays, workdays"))
        if not isinstance(entry.get("source"), str) or not entry["source"].strip():
            problems.append(source.problem(loc + ("source",), "name the 国务院办公厅 notice the dates come from"))
        years.add(year)
        for i, item in enumerate(entry.get("holidays") or []):
            iloc = loc + ("holidays", i)
            if not isinstance(item, dict):
                problems.append(source.problem(iloc, "expected {name: …, from: YYYY-MM-DD, to: YYYY-MM-DD}"))
                continue
            for key in item:
                if key not in ("name", "from", "to"):
                    problems.append(source.problem(iloc + (key,), "unknown field; expected: name, from, to"))
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                problems.append(source.problem(iloc + ("name",), "expected the holiday's name, e.g. 国庆节"))
                name = ""
            first, last = _as_date(item.get("from")), _as_date(item.get("to", item.get("from")))
            bad = False
            for key, value in (("from", first), ("to", last)):
                if value is None:
                    problems.append(source.problem(iloc + (key,), f"expected a date YYYY-MM-DD, got {item.get(key)!r}"))
                    bad = True
                elif value.year != year:
                    problems.append(source.problem(iloc + (key,), f"date {value} is not in {year}"))
                    bad = True
            if bad:
                continue
            if last < first:
                problems.append(source.problem(iloc + ("to",), f"ends ({last}) before it starts ({first})"))
                continue
            day = first
            while day <= last:
                holidays[day] = name
                day += dt.timedelta(days=1)
        for i, value in enumerate(entry.get("workdays") or []):
            day = _as_date(value)
            wloc = loc + ("workdays", i)
            if day is None:
                problems.append(source.problem(wloc, f"expected a date YYYY-MM-DD, got {value!r}"))
            elif day.year != year:
                problems.append(source.problem(wloc, f"date {day} is not in {year}"))
            elif day.weekday() < 5:
                problems.append(source.problem(wloc, f"{day} is a weekday; list only the Saturdays and Sundays worked (调休上班)"))
            else:
                workdays.add(day)
    for day in sorted(workdays & holidays.keys()):
        problems.append(source.problem(("years", str(day.year), "workdays"), f"{day} is listed both as a holiday and as a working day"))
    return Calendar(holidays=holidays, workdays=frozenset(workdays), years=frozenset(years)), problems


@extension
def calendar_problems(corpus: Corpus) -> list[Problem]:
    calendar, problems = load_calendar(corpus.root)
    corpus.extras["calendar"] = calendar
    return problems


def calendar_of(corpus: Corpus) -> Calendar:
    return corpus.extras.get("calendar") or Calendar()
