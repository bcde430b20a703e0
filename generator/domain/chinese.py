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


def visits_text(visits: int) -> str:
    return "零跑动（全程网办）" if visits == 0 else f"最多跑{visits}次"


def yuan(amount: float) -> str:
    return f"{amount:,.2f}元" if amount != int(amount) else f"{int(amount):,}元"
