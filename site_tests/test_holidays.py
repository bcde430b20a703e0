"""``matters/holidays.yml``: the model, its problems, and a cross-check against ``chinese-calendar``.

The file stays the source of truth: it copies each 国务院办公厅 notice by hand. The
independently maintained ``chinese-calendar`` package copies the same notices; where both
cover a year they must agree date for date, so a typo in either shows up here.

What is compared, for each year both cover:

* the days off of the notice (放假): every day of each ``holidays`` range, weekends inside a
  range included, exactly as the notice states them — in ``chinese-calendar`` the days
  :func:`chinese_calendar.get_holiday_detail` gives as a rest day with a holiday's name
  (an ordinary weekend has no name);
* the 调休上班日: the Saturdays and Sundays worked instead — in ``chinese-calendar`` the days
  it gives as a working day with a holiday's name.

Together these decide every working day; the last test says so day by day.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from generator.load.holidays import load_calendar
from generator.model.holidays import HolidayFile

ROOT = Path(__file__).resolve().parents[1]
MATTERS = ROOT / "matters"


def _notices() -> HolidayFile:
    return HolidayFile.model_validate(yaml.safe_load((MATTERS / "holidays.yml").read_text(encoding="utf-8")))


def _file_days(year: int) -> tuple[dict[dt.date, str], set[dt.date]]:
    """Days off (with the holiday's name) and make-up workdays that the file gives for ``year``."""
    calendar, problems = load_calendar(MATTERS)
    assert problems == []
    off = {day: name for day, name in calendar.holidays.items() if day.year == year}
    return off, {day for day in calendar.workdays if day.year == year}


def _year_days(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=n) for n in range((dt.date(year + 1, 1, 1) - first).days)]


def _covered_years() -> list[int]:
    """Years of holidays.yml that chinese-calendar also has data for (it raises for others)."""
    cc = pytest.importorskip("chinese_calendar")
    covered = []
    for key in _notices().years:
        try:
            cc.is_workday(dt.date(int(key), 1, 1))
        except NotImplementedError:
            continue
        covered.append(int(key))
    return covered


def _cc_days(year: int) -> tuple[dict[dt.date, str], set[dt.date]]:
    """Days off (with the holiday's Chinese name) and make-up workdays by chinese-calendar."""
    import chinese_calendar as cc

    off, worked = {}, set()
    for day in _year_days(year):
        rest, name = cc.get_holiday_detail(day)  # name: None for an ordinary day or weekend
        if name is not None and rest:
            off[day] = cc.Holiday(name).chinese
        elif name is not None:
            worked.add(day)
    return off, worked


def _difference(what: str, ours: set[dt.date], theirs: set[dt.date]) -> str:
    only_ours = ", ".join(map(str, sorted(ours - theirs))) or "none"
    only_theirs = ", ".join(map(str, sorted(theirs - ours))) or "none"
    return f"{what}: only in holidays.yml: {only_ours}; only in chinese-calendar: {only_theirs}"


def test_chinese_calendar_covers_a_year_of_the_file():
    # without an overlap the cross-check below would pass without comparing anything
    assert _covered_years(), "chinese-calendar knows none of the years in matters/holidays.yml"


def test_days_off_and_make_up_workdays_agree_with_chinese_calendar():
    disagreements = []
    for year in _covered_years():
        off, worked = _file_days(year)
        cc_off, cc_worked = _cc_days(year)
        if set(off) != set(cc_off):
            disagreements.append(_difference(f"{year} days off (放假)", set(off), set(cc_off)))
        if worked != cc_worked:
            disagreements.append(_difference(f"{year} make-up workdays (调休上班)", worked, cc_worked))
    assert not disagreements, "holidays.yml and chinese-calendar disagree:\n" + "\n".join(disagreements)


def test_holiday_names_agree_with_chinese_calendar():
    """Each day off is named for the same festival (the file may join two: 国庆节、中秋节)."""
    wrong = []
    for year in _covered_years():
        off, _ = _file_days(year)
        cc_off, _ = _cc_days(year)
        wrong += [f"{day}: {off[day]} (chinese-calendar: {cc_off[day]})" for day in sorted(off.keys() & cc_off.keys()) if cc_off[day] not in off[day]]
    assert not wrong, "holiday names disagree:\n" + "\n".join(wrong)


def test_every_day_of_a_covered_year_is_a_working_day_in_both_or_in_neither():
    import chinese_calendar as cc

    calendar, _ = load_calendar(MATTERS)
    differ = [day for year in _covered_years() for day in _year_days(year) if calendar.is_working_day(day) != cc.is_workday(day)]
    assert not differ, "working day in one, not in the other: " + ", ".join(map(str, differ))


def test_difference_names_the_dates():
    text = _difference("2026 days off (放假)", {dt.date(2026, 10, 8)}, {dt.date(2026, 10, 7)})
    assert text == "2026 days off (放假): only in holidays.yml: 2026-10-08; only in chinese-calendar: 2026-10-07"


# ------------------------------------------------------------------ the model and its problems


def problems_of(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "holidays.yml").write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    calendar, problems = load_calendar(tmp_path)
    if problems:
        assert calendar.holidays == {} and calendar.years == frozenset()
    return [str(p).replace(f"{tmp_path.name}/holidays.yml", "holidays.yml") for p in sorted(problems)]


def test_sample_file_is_valid_and_gives_the_calendar():
    calendar, problems = load_calendar(MATTERS)
    assert problems == []
    assert calendar.years == frozenset({2025, 2026})
    assert calendar.holidays[dt.date(2025, 10, 6)] == "国庆节、中秋节"
    assert [day for day, name in sorted(calendar.holidays.items()) if name == "春节" and day.year == 2026] == [dt.date(2026, 2, d) for d in range(15, 24)]
    assert sorted(day for day in calendar.workdays if day.year == 2026) == [
        dt.date(2026, 1, 4), dt.date(2026, 2, 14), dt.date(2026, 2, 28), dt.date(2026, 5, 9), dt.date(2026, 9, 20), dt.date(2026, 10, 10)
    ]


def test_a_one_day_holiday_needs_no_to(tmp_path):
    (tmp_path / "holidays.yml").write_text("years:\n  2025:\n    source: 通知\n    holidays:\n      - {name: 元旦, from: 2025-01-01}\n", encoding="utf-8")
    calendar, problems = load_calendar(tmp_path)
    assert problems == []
    assert calendar.holidays == {dt.date(2025, 1, 1): "元旦"} and calendar.workdays == frozenset() and calendar.years == {2025}


def test_bad_dates(tmp_path):
    assert problems_of(tmp_path, """
        years:
          2026:
            source: 通知
            holidays:
              - {name: 国庆节, from: 2026-10-01, to: "2026-10-32"}
              - {name: 中秋节, from: 2026-9-25, to: 2026-09-27}
              - {name: 元旦, from: 2026-01-01 09:00:00}
            workdays: [tomorrow, 20261010]
        """) == [
        "holidays.yml:5:39: years.2026.holidays[0].to: 放假末日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026-10-32」",
        "holidays.yml:6:21: years.2026.holidays[1].from: 放假首日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026-9-25」",
        "holidays.yml:7:20: years.2026.holidays[2].from: 放假首日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026-01-01 09:00:00」",
        "holidays.yml:8:16: years.2026.workdays[0]: 调休上班日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「tomorrow」",
        "holidays.yml:8:26: years.2026.workdays[1]: 调休上班日应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「20261010」",
    ]


def test_unknown_keys_and_a_bad_year(tmp_path):
    assert problems_of(tmp_path, """
        years:
          2026:
            source: 通知
            holidays:
              - {name: 国庆节, from: 2026-10-01, until: 2026-10-07}
            workday: [2026-10-10]
          26:
            source: 通知
            holidays:
              - {name: 国庆节, from: 2026-10-01}
        notes: 无
        """) == [
        "holidays.yml:5:39: years.2026.holidays[0].until: 没有「until」这个字段；这里可用的字段：name、from、to",
        "holidays.yml:6:5: years.2026.workday: 没有「workday」这个字段，是不是 workdays（调休上班日）？这里可用的字段：source、holidays、workdays",
        "holidays.yml:7:3: years.26: 应为年份，如 2026，实际为「26」",
        "holidays.yml:11:1: notes: 没有「notes」这个字段；这里可用的字段：years",
    ]


def test_missing_fields(tmp_path):
    assert problems_of(tmp_path, """
        years:
          2026:
            holidays: []
          2027:
        """) == [
        "holidays.yml:2:3: years.2026.source: 缺少必填项「通知出处」；请写上 source:",
        "holidays.yml:3:5: years.2026.holidays: 放假安排至少要写 1 项，实际 0 项",
        "holidays.yml:4:3: years.2027: 各年节假日安排应为若干“字段: 值”（每个一行，缩进对齐），实际为「空」",
    ]


def test_a_workday_on_a_weekday_and_the_other_rules(tmp_path):
    assert problems_of(tmp_path, """
        years:
          2026:
            source: 通知
            holidays:
              - {name: 国庆节, from: 2026-10-01, to: 2026-10-07}
              - {name: 中秋节, from: 2026-09-27, to: 2026-09-25}
              - {name: 春节, from: 2027-02-15, to: 2027-02-16}
              - {name: 重阳节, from: 2026-10-07, to: 2026-10-08}
            workdays: [2026-10-12, 2026-10-10, 2026-10-10, 2026-10-04, 2027-01-02]
        """) == [
        "holidays.yml:6:39: years.2026.holidays[1].to: 结束日期 2026-09-25 早于开始日期 2026-09-27；请改正其中一处",
        "holidays.yml:7:20: years.2026.holidays[2].from: 日期 2027-02-15 不在 2026 年；请写在 2027 年之下，或改正日期",
        "holidays.yml:7:38: years.2026.holidays[2].to: 日期 2027-02-16 不在 2026 年；请写在 2027 年之下，或改正日期",
        "holidays.yml:8:9: years.2026.holidays[3]: 2026-10-07 已是 years.2026.holidays[0] 的放假日；各段假期不能重叠，请改正日期",
        "holidays.yml:9:16: years.2026.workdays[0]: 2026-10-12 是工作日（周一至周五）；workdays 只写调休上班的周六、周日",
        "holidays.yml:9:40: years.2026.workdays[2]: 2026-10-10 写了两次（years.2026.workdays[1] 已有）；请删去一处",
        "holidays.yml:9:52: years.2026.workdays[3]: 2026-10-04 既写为放假日又写为调休上班日；请删去一处",
        "holidays.yml:9:64: years.2026.workdays[4]: 日期 2027-01-02 不在 2026 年；请写在 2027 年之下，或改正日期",
    ]
