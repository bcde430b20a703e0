"""Chinese ways of writing dates, durations and counts on pages and slips."""

from __future__ import annotations

import datetime as dt


def cn_date(value: dt.date | str) -> str:
    """2026-11-20 -> 2026年11月20日."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return f"{value.year}年{value.month}月{value.day}日"


def working_days(days: int | None) -> str:
    if days is None:
        return "无法定时限"
    if days == 0:
        return "即办（当场办结）"
    return f"{days}个工作日"


# Where people go at each level: the kind of hall, not a particular one (that is local)
HALL_KINDS = {
    "省级": "省政务服务中心",
    "市级": "市政务服务中心",
    "县级": "县（区）政务服务中心",
    "乡级": "乡镇（街道）便民服务中心",
    "村级": "村（社区）便民代办点",
}


def visits_text(visits: int, online_depth: str | None = None, levels: tuple[str, ...] | list[str] = ()) -> str:
    """How often an applicant goes in person, in the words the public knows, and only what
    the data supports: 全程网办 only at 网办深度 四级; a visit says where (the kind of hall)."""
    if visits == 0:
        return "零跑动（全程网办）" if online_depth == "四级" else "零跑动（无需到现场）"
    where = "或".join(HALL_KINDS[level] for level in levels if level in HALL_KINDS)
    to = f"，到{where}" if where else ""
    return f"最多跑一次{to}" if visits == 1 else f"需到现场{visits}次{to}"


def step_time(days: int, calendar_days: int | None = None) -> str:
    """A step's time: working days, plus calendar time that is not counted (公示, 检验).
    A step that takes calendar time is never 即办."""
    if calendar_days:
        extra = f"另需{calendar_days}日（按自然日计，不计入办理时限）"
        return extra if days == 0 else f"{days}个工作日，{extra}"
    return working_days(days)


def yuan(amount: float) -> str:
    return f"{amount:,.2f}元" if amount != int(amount) else f"{int(amount):,}元"


def fee_amount(amount: float, amount_max: float | None, unit: str) -> str:
    """A fee as the guide prints it: 100元/每件, or a range 50元至200元/每平方米."""
    if amount_max is None or amount_max == amount:
        return f"{yuan(amount)}/{unit}"
    return f"{yuan(amount).removesuffix('元')}至{yuan(amount_max)}/{unit}"


def procedure_days(days: int, calendar: bool, counted: bool) -> str:
    """A special procedure's time: 7个自然日（不计入办理时限）."""
    return f"{days}个{'自然日' if calendar else '工作日'}（{'计入' if counted else '不计入'}办理时限）"
