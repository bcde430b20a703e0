"""What `guides diff` reports: a change, its effect for the public, and how values read.

A :class:`Change` is one sentence in Chinese about one element of a standard, classified as

* 收紧 (:data:`TIGHTER`) — harder for the public;
* 放宽 (:data:`LOOSER`) — easier;
* 其他 (:data:`OTHER`) — wording and everything a machine cannot judge.

The changes of one matter make a :class:`MatterDiff`, those of all matters a :class:`Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.problems import Problem

TIGHTER, LOOSER, OTHER = "收紧", "放宽", "其他"
EFFECT_IDS = {TIGHTER: "tightening", LOOSER: "loosening", OTHER: "other"}


@dataclass
class Change:
    path: str  # id-based, e.g. materials[application-form].copies
    effect: str  # 收紧 / 放宽 / 其他
    text: str  # one sentence in Chinese
    old: Any = None
    new: Any = None
    loc: tuple = ()  # index-based location in the head file (for positioned problems)
    show_texts: bool = False  # show old and new text in full below the sentence

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "effect": self.effect,
            "class": EFFECT_IDS[self.effect],
            "text": self.text,
            "old": jsonable(self.old),
            "new": jsonable(self.new),
        }


@dataclass
class MatterDiff:
    code: str
    name: str
    status: str  # added / removed / changed / renamed (same code, new name) / recoded (new code)
    old_code: str | None = None
    old_name: str | None = None
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)  # legal bases cited by new change notes

    def count(self, effect: str) -> int:
        return sum(1 for c in self.changes if c.effect == effect)

    @property
    def tightened(self) -> bool:
        return self.count(TIGHTER) > 0


@dataclass
class Report:
    base: str
    head: str
    matters: list[MatterDiff]
    laws: list = field(default_factory=list)  # LawDiff of generator.review.laws: changes to the register

    @property
    def problems(self) -> list[Problem]:
        return sorted(p for m in self.matters for p in m.problems)

    @property
    def changed(self) -> list[MatterDiff]:
        return [m for m in self.matters if m.changes or m.status in ("added", "removed")]


def jsonable(value: Any) -> Any:
    """A value as JSON data (models dumped, sets sorted, anything else as text)."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(jsonable(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- how values read in a change sentence ---------------------------------------------------

def field_title(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title if info is not None and info.title else name)


def show(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(show(v) for v in value)
    if isinstance(value, BaseModel):
        return "；".join(f"{field_title(type(value), k)}：{show(getattr(value, k))}" for k in type(value).model_fields if getattr(value, k) not in (None, [], ""))
    return str(value)


def item_name(item: Any) -> str:
    for attr in ("name", "label", "question", "title", "id"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value
    return show(item)


def short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
