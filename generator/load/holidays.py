"""Read ``matters/holidays.yml`` (the 国务院办公厅 holiday notices) into a
:class:`~generator.domain.workdays.Calendar`.

The shape is checked by the model (:class:`generator.model.holidays.HolidayFile`, the same
one the editor schema comes from); then the rules the model cannot express. Both read the
same parsed file, so every problem of the file is reported in one run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pydantic import ValidationError

from generator.domain.workdays import Calendar
from generator.load.matters import display_path
from generator.load.reader import SourceFile, load_yaml, present
from generator.load.messages import explain
from generator.model.holidays import HolidayFile, as_date, as_year
from generator.problems import Problem, field_path

HOLIDAYS_FILE = "holidays.yml"


def load_calendar(root: Path) -> tuple[Calendar, list[Problem]]:
    """Read ``root/holidays.yml``; without the file only weekends are skipped."""
    path = root / HOLIDAYS_FILE
    if not present(path):
        return Calendar(), []
    source = load_yaml(path, display_path(path, root))
    if source.problems:
        return Calendar(), list(source.problems)
    notices, problems = schema_problems(source)
    problems += rule_problems(source)
    if problems or notices is None:
        return Calendar(), problems
    return calendar(notices), []


def calendar(notices: HolidayFile) -> Calendar:
    """The working-day calendar of valid notices: every day of each holiday range, named."""
    holidays: dict[dt.date, str] = {}
    workdays: set[dt.date] = set()
    for notice in notices.years.values():
        for holiday in notice.holidays:
            for day in _days(holiday.from_, holiday.last):
                holidays[day] = holiday.name
        workdays.update(notice.workdays)
    return Calendar(holidays=holidays, workdays=frozenset(workdays), years=frozenset(int(key) for key in notices.years))


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def schema_problems(source: SourceFile) -> tuple[HolidayFile | None, list[Problem]]:
    """Validate against the model, each error a positioned problem in the words of
    :func:`generator.load.validate.explain` — as :func:`~generator.load.validate.schema_problems`
    does, but with the field names as the file spells them: a year key's problem is at the
    key (pydantic adds ``[key]``), and the field written ``from`` is ``from_`` only in Python."""
    try:
        return HolidayFile.model_validate(source.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if loc and loc[-1] == "[key]":
                loc = loc[:-1]
            # explain() finds the allowed keys by walking the model's fields; a year is no field
            walk = loc[:1] + loc[2:] if loc[:1] == ("years",) else loc
            message = explain({**error, "loc": walk}, HolidayFile, source)
            if error["type"] == "extra_forbidden":
                message = message.replace("from_", "from")
            problems.append(source.problem(loc, message))
        return None, problems


def rule_problems(source: SourceFile) -> list[Problem]:
    """The checks beyond the schema: each date in its year's entry, ranges forward, workdays
    on weekends, no day off twice, no day both off and worked. They read the raw data and
    skip what the schema already reports, so a file with schema errors gets these too."""
    data = source.data
    years = data.get("years") if isinstance(data, dict) else None
    if not isinstance(years, dict):
        return []
    problems: list[Problem] = []
    off: dict[dt.date, tuple] = {}  # day → the holiday range that covers it
    worked: dict[dt.date, tuple] = {}  # day → its place in a workdays list

    for key, entry in years.items():
        year = as_year(key)
        if year is None or not isinstance(entry, dict):
            continue
        loc = ("years", key)
        for i, item in _listed(entry.get("holidays")):
            if not isinstance(item, dict):
                continue
            iloc = loc + ("holidays", i)
            first = as_date(item.get("from"))
            last = as_date(item["to"]) if item.get("to") is not None else first
            outside = [(name, day) for name, day in (("from", first), ("to", last if "to" in item else None)) if day is not None and day.year != year]
            for name, day in outside:
                problems.append(source.problem(iloc + (name,), f"日期 {day} 不在 {year} 年；请写在 {day.year} 年之下，或改正日期"))
            if first is None or last is None or outside:
                continue
            if last < first:
                problems.append(source.problem(iloc + ("to",), f"结束日期 {last} 早于开始日期 {first}；请改正其中一处"))
                continue
            overlap = next((day for day in _days(first, last) if day in off), None)
            if overlap is not None:
                problems.append(source.problem(iloc, f"{overlap} 已是 {field_path(off[overlap])} 的放假日；各段假期不能重叠，请改正日期"))
            for day in _days(first, last):
                off.setdefault(day, iloc)
        for i, value in _listed(entry.get("workdays")):
            day = as_date(value)
            wloc = loc + ("workdays", i)
            if day is None:
                continue
            if day.year != year:
                problems.append(source.problem(wloc, f"日期 {day} 不在 {year} 年；请写在 {day.year} 年之下，或改正日期"))
            elif day.weekday() < 5:
                problems.append(source.problem(wloc, f"{day} 是工作日（周一至周五）；workdays 只写调休上班的周六、周日"))
            elif day in worked:
                problems.append(source.problem(wloc, f"{day} 写了两次（{field_path(worked[day])} 已有）；请删去一处"))
            else:
                worked[day] = wloc
    for day in sorted(worked.keys() & off.keys()):
        problems.append(source.problem(worked[day], f"{day} 既写为放假日又写为调休上班日；请删去一处"))
    return problems


def _listed(value) -> list[tuple[int, object]]:
    return list(enumerate(value)) if isinstance(value, list) else []
