"""The holiday notices (节假日安排): ``matters/holidays.yml`` as a pydantic model.

Each year's entry copies the 国务院办公厅 notice: the days off (``holidays``, whole ranges as
the notice states them, weekends inside a range included) and the Saturdays and Sundays
worked instead (``workdays``, 调休上班). The editor schema ``schema/holidays.schema.json`` is
generated from here. What a model cannot say — a date in the wrong year, a range that ends
before it starts, a "workday" that is a weekday anyway, a day both off and worked — is
checked in :mod:`generator.load.holidays`, which also builds the
:class:`~generator.domain.workdays.Calendar`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from generator.model.matter import Strict, Text

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_YEAR = re.compile(r"^20[0-9]{2}$")


def as_date(value: Any) -> dt.date | None:
    """A calendar date written YYYY-MM-DD (unquoted or quoted), else None. Not a date and time."""
    if isinstance(value, dt.datetime):
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def as_year(value: Any) -> int | None:
    """A year key such as 2026 (the YAML loader gives mapping keys as text), else None."""
    text = str(value)
    return int(text) if _YEAR.match(text) else None


def _date(value: Any) -> dt.date:
    day = as_date(value)
    if day is None:
        raise PydanticCustomError("holiday_date", "应为日期 YYYY-MM-DD")
    return day


def _year(value: Any) -> str:
    if as_year(value) is None:
        raise PydanticCustomError("holiday_year", "应为年份，如 2026")
    return str(value)


Date = Annotated[dt.date, BeforeValidator(_date)]
Year = Annotated[
    str,
    BeforeValidator(_year),
    Field(description="通知所安排的年份，四位数字，如 2026。", json_schema_extra={"pattern": _YEAR.pattern}),
]


class Holiday(Strict):
    name: Text = Field(title="节日名称", description="通知中的节日名称，如 春节、国庆节；合并放假的写在一起，如 国庆节、中秋节。")
    from_: Date = Field(
        alias="from",
        title="放假首日",
        description="放假的第一天，写作 YYYY-MM-DD，须在本条所属的年份内。",
    )
    to: Date | None = Field(
        default=None,
        title="放假末日",
        description="放假的最后一天（含），写作 YYYY-MM-DD，不早于放假首日；与周末连休的，写到连休的最后一天。只放一天可不填。",
    )

    @property
    def last(self) -> dt.date:
        return self.to if self.to is not None else self.from_


class YearNotice(Strict):
    source: Text = Field(
        title="通知出处",
        description="所依据的国务院办公厅节假日安排通知的全称、文号和发布日期，如 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）。",
    )
    holidays: list[Holiday] = Field(
        min_length=1,
        title="放假安排",
        description="通知中的每一段放假：节日名称、放假首日和末日。放假期间的周六、周日也在其中。",
    )
    workdays: list[Date] = Field(
        default_factory=list,
        title="调休上班日",
        description="通知中调休上班的周六、周日，写作 YYYY-MM-DD；周一至周五本来就上班，不列。",
    )


class HolidayFile(Strict):
    years: dict[Year, YearNotice] = Field(
        title="各年节假日安排",
        description="以年份为键，每年一条，依国务院办公厅当年的节假日安排通知录入。未录入的年份计算工作日时只跳过周末。",
        # the key pattern becomes patternProperties; other keys are not years
        json_schema_extra={"additionalProperties": False},
    )
