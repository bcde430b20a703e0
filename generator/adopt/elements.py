"""What ``guides audit`` finds, and how elements are named: the versions of one matter, the
elements where they differ, paths as ``guides diff`` writes them (``materials[id].form``),
their titles and how their values read in a report. Shared by the audit, the proposal and
the report."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from generator.load.messages import inner_model
from generator.model.matter import Matter
from generator.review.changes import LOOSER, OTHER, TIGHTER, field_title, item_name, show
from generator.review.compare import item_key

STANDARD = "标准"
# the record of a standard, not what it asks of applicants: never a divergence
IGNORED = ("version", "effective_date", "changes", "waivers")
# what names an item when its id differs from the standard's
NAME_OF = {"legal_basis": "title", "conditions": "text", "materials": "name", "review_points": "question", "steps": "name", "fees": "name", "situations": "question"}
_SEGMENT = re.compile(r"\.?([a-z_]+)(?:\[([^\]]*)\])?")


@dataclass
class Version:
    label: str  # the region's name (or its directory's)
    directory: str
    matter: Matter  # identifiers aligned with the standard's


@dataclass
class Element:
    """One element of a matter where at least one region differs from the standard."""

    path: str  # as guides diff names it: materials[business-license].form
    title: str  # in Chinese: 申请材料「营业执照」·材料形式
    standard: Any  # the standard's value (None: it has no such element)
    values: dict[str, Any] = field(default_factory=dict)  # region -> its value, where it differs
    effects: dict[str, str] = field(default_factory=dict)  # region -> 收紧/放宽/其他 against the standard
    proposed: Any = None
    marks: dict[str, str] = field(default_factory=dict)  # region -> 收紧/放宽/其他: adopting the proposal there
    note: str = ""  # why the proposal chose what it did, when it is not the rule (e.g. 兜底条款)


@dataclass
class MatterAudit:
    code: str
    name: str
    standard: Matter | None
    versions: list[Version]
    elements: list[Element] = field(default_factory=list)
    proposal: Matter | None = None
    proposal_text: str = ""
    check_problems: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> Matter:
        return self.standard if self.standard is not None else self.versions[0].matter

    def counts(self, label: str) -> dict[str, int]:
        effects = [e.effects[label] for e in self.elements if label in e.effects]
        return {"elements": len(effects), TIGHTER: effects.count(TIGHTER), LOOSER: effects.count(LOOSER), OTHER: effects.count(OTHER)}

    def most_demanding(self) -> str | None:
        """The region that asks the most of applicants: most elements stricter than the
        standard, then the heavier burden (required materials, copies, days, fees)."""
        scored = [(self.counts(v.label)[TIGHTER], burden(v.matter), v.label) for v in self.versions]
        scored = [s for s in scored if s[0] > 0]
        return max(scored)[2] if scored else None


def burden(matter: Matter) -> tuple[int, int, int, float]:
    """(required materials, their copies, promised working days, fees in yuan)."""
    required = [m for m in matter.materials if m.required]
    return len(required), sum(m.copies for m in required), matter.time_limit.promised_days, sum(f.amount for f in matter.fees)


# --- paths: what guides diff calls an element, and where it is -------------------------------

def segments(path: str) -> list[tuple[str, str | None]]:
    return [(m.group(1), m.group(2)) for m in _SEGMENT.finditer(path)]


def value_at(matter: Matter | None, path: str) -> Any:
    obj: Any = matter
    for name, key in segments(path):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
        if key is not None:
            obj = next((item for item in obj or [] if item_key(item) == key), None)
    return obj


def label_of(item: Any) -> str:
    """How an item is named in a report: a condition by (the start of) its text."""
    text = getattr(item, "text", None)
    if isinstance(text, str) and not hasattr(item, "name"):
        return text if len(text) <= 16 else text[:15] + "…"
    return item_name(item)


def title_of(path: str, matters: list[Matter]) -> str:
    parts, model = [], Matter
    for depth, (name, key) in enumerate(segments(path)):
        parts.append(field_title(model, name) if model is not None else name)
        info = model.model_fields.get(name) if model is not None else None
        model = inner_model(info.annotation) if info is not None else None
        if key is not None:
            prefix = path[: path.index(f"[{key}]") + len(key) + 2]
            item = next((value_at(m, prefix) for m in matters if value_at(m, prefix) is not None), None)
            parts[-1] += f"「{label_of(item) if item is not None else key}」"
    return "·".join(parts)



def shown(value: Any) -> str:
    """A value of an element as a report cell reads it."""
    if value is None or value == []:
        return "（无）"
    if isinstance(value, BaseModel):
        kind = type(value).__name__
        if kind == "Material":
            return f"{value.form} {value.copies} 份，{'必要' if value.required else '非必要'}" + (f"，可用{value.shared_data.certificate}" if value.shared_data else "")
        if kind == "FeeItem":
            return f"{value.amount:g} 元/{value.unit}"
        if kind == "Condition":
            return value.text
        return item_name(value)
    return show(value)
