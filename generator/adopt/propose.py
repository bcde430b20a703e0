"""The unified standard that ``guides audit`` proposes, element by element, as the user chooses:

* ``union`` (取并集) — every material, condition and fee that any region asks for is listed;
  where regions give an element different values, the standard's value stays (for an element
  the standard lacks, the value most regions give);
* ``strictest`` (从严) — every material, condition and fee of any region, and for each value
  the one that asks the most of applicants (more copies, a heavier form, a longer time limit,
  a higher fee, more visits, less online service);
* ``loosest`` (从宽) — only what every version asks for, each value the lightest.

Whatever the choice, a catch-all item (兜底条款, the ``no-catch-all`` rule of ``policy.yml``) is
never proposed, the promised time stays within the statutory one and no shorter than the
flow's critical path, and the flow (办理流程) is the standard's: merging other flows is left
to people. Wording that differs (其他) keeps the standard's text. Legal bases and situations
are united, so every reference stays valid; review points follow their materials.

The proposal is written as a matter file in canonical form whose comments say, at each element
that differs, what each region does now and whether adopting the proposal there is 收紧 or 放宽.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from generator.adopt.elements import MatterAudit, segments, shown
from generator.check.policy import check_catch_all
from generator.domain.graph import critical_path, matter_graph
from generator.model.matter import Matter
from generator.review.changes import LOOSER, TIGHTER
from generator.review.classify import DEPTH, FORM_BURDEN, TONGBAN, compare_matters
from generator.review.compare import item_key
from generator.review.fmt import canonical_data, dump_matter

if TYPE_CHECKING:
    from generator.model.policy import CatchAllConfig

CHOICES = {"union": "取并集", "strictest": "从严", "loosest": "从宽"}


def _when_rank(refs: list[str]) -> float:
    return float("inf") if not refs else len(set(refs))  # no situations: applies always, the strictest


# how much a value asks of applicants, per field of an item or of the matter (higher: more)
ITEM_RANKS = {
    "materials": {
        "copies": lambda v: v,
        "form": lambda v: FORM_BURDEN[v],
        "required": lambda v: int(v),
        "when": _when_rank,
        "shared_data": lambda v: 0 if v else 1,
    },
    "conditions": {"when": _when_rank},
    "fees": {"amount": lambda v: v},
}
MATTER_RANKS = {
    ("time_limit", "promised_days"): lambda v: v,
    ("time_limit", "not_counted"): lambda v: len(v),
    ("visits",): lambda v: v,
    ("online_depth",): lambda v: -DEPTH[v],
    ("tongban",): lambda v: -TONGBAN[v],
    ("result", "delivery"): lambda v: -len(v),
}


def _pick(values: list[Any], rank, choose: str, standard: Any, has_standard: bool) -> Any:
    """One of the candidates' values: the strictest, the loosest, or (union) the standard's."""
    if choose == "strictest":
        return max(values, key=rank)
    if choose == "loosest":
        return min(values, key=rank)
    if has_standard:
        return standard
    counts = Counter(repr(v) for v in values)
    return max(values, key=lambda v: counts[repr(v)])  # the first of the most common


def _catch_all(candidates: list[Matter], config) -> set[tuple[str, str]]:
    flagged = set()
    if config is None:
        return flagged
    for matter in candidates:
        for loc, _ in check_catch_all(matter, config):
            flagged.add((loc[0], getattr(matter, loc[0])[loc[1]].id))
    return flagged


def _items(name: str, candidates: list[Matter], baseline: Matter) -> tuple[list[str], dict[str, list]]:
    """The keys of a list's items, the baseline's first, and each key's items in the candidates."""
    order = [item_key(i) for i in getattr(baseline, name)]
    found: dict[str, list] = {key: [] for key in order}
    for matter in candidates:
        for item in getattr(matter, name):
            key = item_key(item)
            if key not in found:
                order.append(key)
                found[key] = []
            found[key].append(item)
    return order, found


def _burdens(name: str, candidates, baseline, has_standard, choose, flagged, notes) -> list[dict]:
    order, found = _items(name, candidates, baseline)
    base_items = {item_key(i): i for i in getattr(baseline, name)}
    chosen = []
    for key in order:
        have = found[key]
        path = f"{name}[{key}]"
        if (name, key) in flagged:
            notes[path] = "兜底条款，不列入标准（审核规则 no-catch-all）"
            continue
        if choose == "loosest" and len(have) < len(candidates):
            notes[path] = "并非各地都要求，从宽不列入"
            continue
        item = (base_items.get(key) or have[0]).model_dump()
        for sub, rank in ITEM_RANKS.get(name, {}).items():
            values = [getattr(i, sub) for i in have]
            value = _pick(values, rank, choose, getattr(base_items[key], sub) if key in base_items else None, has_standard and key in base_items)
            item[sub] = value.model_dump() if hasattr(value, "model_dump") else value
        chosen.append(item)
    return chosen


def _union(name: str, candidates, baseline) -> list[dict]:
    order, found = _items(name, candidates, baseline)
    base_items = {item_key(i): i for i in getattr(baseline, name)}
    united = []
    for key in order:
        item = (base_items.get(key) or found[key][0]).model_dump()
        if name == "situations":  # the options of every version, so that every 适用情形 stays valid
            seen = {o["id"] for o in item["options"]}
            for other in found[key]:
                for option in other.options:
                    if option.id not in seen:
                        seen.add(option.id)
                        item["options"].append(option.model_dump())
        united.append(item)
    return united


def _set(data: dict, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(obj: Any, path: tuple) -> Any:
    for part in path:
        obj = getattr(obj, part)
    return obj


def propose(group: "MatterAudit", choose: str, catch_all: "CatchAllConfig | None", date: dt.date) -> tuple[Matter, dict[str, str]]:
    """The proposed standard of one matter, and a note per element where the rule was not applied."""
    baseline = group.baseline
    has_standard = group.standard is not None
    candidates = ([group.standard] if has_standard else []) + [v.matter for v in group.versions]
    flagged = _catch_all(candidates, catch_all)
    notes: dict[str, str] = {}
    data = baseline.model_dump()
    for name in ("materials", "conditions", "fees"):
        data[name] = _burdens(name, candidates, baseline, has_standard, choose, flagged, notes)
    for name in ("legal_basis", "situations"):
        data[name] = _union(name, candidates, baseline)
    kept = {i["id"] for i in data["materials"]} | {i["id"] for i in data["conditions"]}
    data["review_points"] = [p for p in _union("review_points", candidates, baseline) if p["about"] in kept]
    for path, rank in MATTER_RANKS.items():
        values = [_get(m, path) for m in candidates]
        _set(data, path, _pick(values, rank, choose, _get(baseline, path), True))
    # the promise: within the statutory limit, and long enough for the standard's own flow
    limit = data["time_limit"]
    statutory = limit["statutory_days"]
    if statutory is not None and limit["promised_days"] > statutory:
        limit["promised_days"] = max([m.time_limit.promised_days for m in candidates if m.time_limit.promised_days <= statutory] or [statutory])
        notes["time_limit.promised_days"] = f"超过法定时限 {statutory} 个工作日的承诺不采纳"
    _, critical = critical_path(matter_graph(baseline))
    if limit["promised_days"] < critical:
        limit["promised_days"] = critical
        notes["time_limit.promised_days"] = f"不短于办理流程的关键路径 {critical} 个工作日"
    proposal = Matter.model_validate(data)
    if has_standard:
        changes = [c for c in compare_matters(group.standard, proposal) if c.path.split("[")[0].split(".")[0] not in ("version", "effective_date", "changes", "waivers")]
        if changes:
            proposal = _bumped(proposal, changes, [v.label for v in group.versions], choose, date)
    return proposal, notes


def _bumped(proposal: Matter, changes, labels: list[str], choose: str, date: dt.date) -> Matter:
    major, minor = proposal.version.split(".")[:2]
    version = f"{major}.{int(minor) + 1}"
    newest = max((c.date for c in proposal.changes), default=date)
    directional = any(c.effect in (TIGHTER, LOOSER) for c in changes)
    note = {
        "version": version,
        "date": max(date, newest),
        "kind": "major" if directional else "minor",
        "note": f"依据{'、'.join(labels)}的实施情况统一标准（{CHOICES[choose]}）：调整 {len(changes)} 处；收紧的要求须写明法律依据后发布。",
    }
    data = proposal.model_dump()
    data["version"] = version
    data["changes"] = [note] + data["changes"]
    return Matter.model_validate(data)


# --- the file, with a comment at each element that differs ------------------------------------

def locate(path: str, data: dict) -> tuple | None:
    """Where an element is in the proposal's data: a key of a mapping, for its comment."""
    obj: Any = data
    loc: list = []
    for name, key in segments(path):
        if not isinstance(obj, dict) or name not in obj:
            break
        loc.append(name)
        obj = obj[name]
        if key is not None:
            index = next((i for i, item in enumerate(obj) if isinstance(item, dict) and str(item.get("id", item.get("version", item.get("rule")))) == key), None)
            if index is None:
                return tuple(loc)  # an item the proposal leaves out: said on its list
            loc.append(index)
            obj = obj[index]
    if not loc:
        return None
    if isinstance(loc[-1], int):
        loc.append("id" if "id" in obj else next(iter(obj)))
    return tuple(loc)


def proposal_text(group: "MatterAudit", choose: str) -> str:
    data = canonical_data(group.proposal)
    comments: dict[tuple, list[str]] = {}
    labels = [v.label for v in group.versions]
    head = f"guides audit 建议稿（{CHOICES[choose]}），依据{'、'.join(labels)}" + ("与已发布的标准" if group.standard else "（无已发布的标准）")
    comments[("code",)] = [head]
    for element in group.elements:
        loc = locate(element.path, data)
        if loc is None:
            continue
        parts = [f"{label}：{shown(value)}" for label, value in element.values.items()]
        parts.append(f"标准：{shown(element.standard)}" if group.standard else "")
        parts.append(f"建议：{shown(element.proposed)}" + (f"（{element.note}）" if element.note else ""))
        for effect in (TIGHTER, LOOSER):
            regions = [label for label in labels if element.marks.get(label) == effect]
            if regions:
                parts.append(f"对{'、'.join(regions)}{effect}")
        comments.setdefault(loc, []).append(f"{element.title} — " + "；".join(p for p in parts if p))
    return dump_matter(data, {loc: " | ".join(texts) for loc, texts in comments.items()})
