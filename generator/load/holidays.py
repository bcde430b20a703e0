"""Read ``matters/holidays.yml`` (the 国务院办公厅 holiday notices) into a
:class:`~generator.domain.workdays.Calendar`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.domain.workdays import Calendar
from generator.load.matters import display_path
from generator.load.reader import load_yaml
from generator.problems import Problem

HOLIDAYS_FILE = "holidays.yml"


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
