"""`guides diff`: what a change does to the public, element by element, in Chinese.

Two sides are compared — git revisions (read with ``git ls-tree``/``git cat-file``, never
checked out), directories, or the work tree — after validation, so a change of formatting,
quoting or key order is no change at all. List items are matched by their stable id (as
dyff does): a reordered list is no change, an edited material is one change.

Every change is classified for the reviewer:

* 收紧 — harder for the public: a new required material or condition, more copies, a longer
  promised time, a new or higher fee, more visits, less online service;
* 放宽 — easier: the reverse;
* 其他 — wording and everything a machine cannot judge (shown with old and new text).

A tightening change needs a new change note that cites its legal basis (a ChangeNote in
``changes`` with ``basis``, absent from the base); without one it is a problem, and
``guides diff --check`` exits 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel

from generator.load.matters import MATTER_FILE, RESERVED_FILES, display_path, load_matter_file, matter_paths
from generator.load.reader import SourceFile
from generator.model.matter import (
    ChangeNote,
    Condition,
    FeeItem,
    LegalBasis,
    Material,
    Matter,
    ReviewPoint,
    Situation,
    Step,
    Waiver,
)
from generator.problems import InvalidInput, Problem

TIGHTER, LOOSER, OTHER = "收紧", "放宽", "其他"
EFFECT_IDS = {TIGHTER: "tightening", LOOSER: "loosening", OTHER: "other"}
NO_CHANGES = "no standard changes"
MARKER = "<!-- guides-diff-report -->"

FORM_BURDEN = {"电子证照": 0, "电子件": 1, "复印件": 2, "原件": 3, "原件和复印件": 4}
DEPTH = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
TONGBAN = {"不通办": 0, "全市通办": 1, "全省通办": 2, "跨省通办": 3}


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
            "old": _jsonable(self.old),
            "new": _jsonable(self.new),
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
class Side:
    label: str
    matters: dict[str, Matter] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Report:
    base: str
    head: str
    matters: list[MatterDiff]

    @property
    def problems(self) -> list[Problem]:
        return sorted(p for m in self.matters for p in m.problems)

    @property
    def changed(self) -> list[MatterDiff]:
        return [m for m in self.matters if m.changes or m.status in ("added", "removed")]


def _jsonable(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_jsonable(v) for v in value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- comparing two matters -------------------------------------------------------------

def _key(item: Any) -> str:
    if isinstance(item, ChangeNote):
        return item.version
    if isinstance(item, Waiver):
        return item.rule
    if hasattr(item, "id"):
        return item.id
    return json.dumps(_jsonable(item), ensure_ascii=False, sort_keys=True)


def _norm(value: Any) -> Any:
    """A value with list order removed where order carries no meaning (matched by id / as sets)."""
    if isinstance(value, BaseModel):
        return {name: _norm(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list):
        if value and isinstance(value[0], BaseModel):
            return sorted((_key(v), json.dumps(_norm(v), ensure_ascii=False, sort_keys=True)) for v in value)
        return sorted({json.dumps(_jsonable(v), ensure_ascii=False) for v in value})
    return _jsonable(value)


def same(a: Any, b: Any) -> bool:
    return _norm(a) == _norm(b)


def _title(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title if info is not None and info.title else name)


def _show(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return "、".join(_show(v) for v in value)
    if isinstance(value, BaseModel):
        return "；".join(f"{_title(type(value), k)}：{_show(getattr(value, k))}" for k in type(value).model_fields if getattr(value, k) not in (None, [], ""))
    return str(value)


def _item_name(item: Any) -> str:
    for attr in ("name", "label", "question", "title", "id"):
        value = getattr(item, attr, None)
        if isinstance(value, str):
            return value
    return _show(item)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _by_rank(old: Any, new: Any, ranks: dict[str, int] | None = None, higher_is: str = TIGHTER) -> str:
    a, b = (ranks[old], ranks[new]) if ranks is not None else (old, new)
    if a == b:
        return OTHER
    lower_is = LOOSER if higher_is == TIGHTER else TIGHTER
    return higher_is if b > a else lower_is


def _when_effect(old: list[str], new: list[str]) -> str:
    """More situations a requirement applies to is tighter (empty = always applies)."""
    a, b = set(old), set(new)
    if not b and a:
        return TIGHTER
    if not a and b:
        return LOOSER
    if b > a:
        return TIGHTER
    if b < a:
        return LOOSER
    return OTHER


class _Differ:
    def __init__(self, old: Matter, new: Matter):
        self.old, self.new = old, new
        self.labels = {**old.option_labels(), **new.option_labels()}
        self.changes: list[Change] = []

    def add(self, path: str, effect: str, text: str, old: Any = None, new: Any = None, loc: tuple = (), show_texts: bool = False) -> None:
        self.changes.append(Change(path, effect, text, old, new, loc, show_texts))

    def situations_text(self, refs: list[str]) -> str:
        return "所有情形" if not refs else "、".join(self.labels.get(r, r) for r in refs)

    # generic: a field of a model, compared by value, described with the model's titles
    def generic(self, model: type[BaseModel], name: str, a: Any, b: Any, path: str, loc: tuple, prefix: str = "") -> None:
        title = prefix + _title(model, name)
        if isinstance(a, BaseModel) and isinstance(b, BaseModel) and type(a) is type(b):
            for sub in type(a).model_fields:
                x, y = getattr(a, sub), getattr(b, sub)
                if not same(x, y):
                    self.generic(type(a), sub, x, y, f"{path}.{sub}", loc + (sub,), prefix=f"{title}·")
            return
        if isinstance(a, list) and isinstance(b, list) and not any(isinstance(v, BaseModel) for v in a + b):
            added = [v for v in b if v not in a]
            removed = [v for v in a if v not in b]
            if added:
                self.add(path, OTHER, f"{title}新增「{_show(added)}」", None, added, loc)
            if removed:
                self.add(path, OTHER, f"{title}删除「{_show(removed)}」", removed, None, loc)
            return
        if isinstance(a, list) and isinstance(b, list):  # a nested list of items, matched by id
            old_by, new_by = {_key(v): v for v in a}, {_key(v): v for v in b}
            for key, item in new_by.items():
                if key not in old_by:
                    self.add(f"{path}[{key}]", OTHER, f"{title}新增「{_item_name(item)}」", None, item, loc)
            for key, item in old_by.items():
                if key not in new_by:
                    self.add(f"{path}[{key}]", OTHER, f"{title}删除「{_item_name(item)}」", item, None, loc)
            for key, item in new_by.items():
                if key in old_by and not same(old_by[key], item):
                    for sub in type(item).model_fields:
                        x, y = getattr(old_by[key], sub), getattr(item, sub)
                        if not same(x, y):
                            self.generic(type(item), sub, x, y, f"{path}[{key}].{sub}", loc, prefix=f"{title}「{_item_name(item)}」的")
            return
        long = isinstance(a, str) and isinstance(b, str) and len(a) + len(b) > 40
        text = f"{title}变更" if long else f"{title}：{_show(a)}→{_show(b)}"
        self.add(path, OTHER, text, a, b, loc, show_texts=long)

    def run(self) -> list[Change]:
        for name in Matter.model_fields:
            a, b = getattr(self.old, name), getattr(self.new, name)
            if same(a, b):
                continue
            handler = getattr(self, f"field_{name}", None)
            if handler is not None:
                handler(a, b)
            elif name in LISTS:
                self.items(name, a, b)
            else:
                self.generic(Matter, name, a, b, name, (name,))
        return self.changes

    # --- top-level fields with a direction for the public
    def field_name(self, a: str, b: str) -> None:
        self.add("name", OTHER, f"事项名称「{a}」改为「{b}」", a, b, ("name",))

    def field_visits(self, a: int, b: int) -> None:
        self.add("visits", _by_rank(a, b), f"到办事现场次数 {a}→{b} 次", a, b, ("visits",))

    def field_online_depth(self, a: str, b: str) -> None:
        self.add("online_depth", _by_rank(a, b, DEPTH, higher_is=LOOSER), f"网办深度 {a}→{b}", a, b, ("online_depth",))

    def field_tongban(self, a: str, b: str) -> None:
        self.add("tongban", _by_rank(a, b, TONGBAN, higher_is=LOOSER), f"通办范围 {a}→{b}", a, b, ("tongban",))

    def field_time_limit(self, a, b) -> None:
        loc = ("time_limit",)
        if a.promised_days != b.promised_days:
            self.add("time_limit.promised_days", _by_rank(a.promised_days, b.promised_days), f"承诺时限 {a.promised_days}→{b.promised_days} 个工作日", a.promised_days, b.promised_days, loc + ("promised_days",))
        if a.statutory_days != b.statutory_days:
            self.add("time_limit.statutory_days", OTHER, f"法定时限 {_show(a.statutory_days)}→{_show(b.statutory_days)} 个工作日", a.statutory_days, b.statutory_days, loc + ("statutory_days",))
        for item in b.not_counted:
            if item not in a.not_counted:
                self.add("time_limit.not_counted", TIGHTER, f"新增不计入时限的时间「{item}」", None, item, loc + ("not_counted",))
        for item in a.not_counted:
            if item not in b.not_counted:
                self.add("time_limit.not_counted", LOOSER, f"不再扣除「{item}」所需时间", item, None, loc + ("not_counted",))
        if a.statutory_basis != b.statutory_basis:
            self.generic(type(a), "statutory_basis", a.statutory_basis, b.statutory_basis, "time_limit.statutory_basis", loc + ("statutory_basis",))

    def field_result(self, a, b) -> None:
        for method in b.delivery:
            if method not in a.delivery:
                self.add("result.delivery", LOOSER, f"新增送达方式「{method}」", None, method, ("result", "delivery"))
        for method in a.delivery:
            if method not in b.delivery:
                self.add("result.delivery", TIGHTER, f"取消送达方式「{method}」", method, None, ("result", "delivery"))
        for sub in ("name", "kind", "sample"):
            x, y = getattr(a, sub), getattr(b, sub)
            if x != y:
                self.generic(type(a), sub, x, y, f"result.{sub}", ("result", sub), prefix="办理结果")

    # --- lists of items matched by id
    def items(self, name: str, old_items: list, new_items: list) -> None:
        spec = LISTS[name]
        old_by = {_key(item): item for item in old_items}
        new_index = {_key(item): i for i, item in enumerate(new_items)}
        for i, item in enumerate(new_items):
            key = _key(item)
            path, loc = f"{name}[{key}]", (name, i)
            if key not in old_by:
                effect, text = spec.added(self, item)
                self.add(path, effect, text, None, item, loc)
            elif not same(old_by[key], item):
                spec.changed(self, old_by[key], item, path, loc)
        for item in old_items:
            key = _key(item)
            if key not in new_index:
                effect, text = spec.removed(self, item)
                self.add(f"{name}[{key}]", effect, text, item, None, (name,))

    def item_fields(self, model: type[BaseModel], a: BaseModel, b: BaseModel, path: str, loc: tuple, label: str, special: dict[str, Callable] | None = None) -> None:
        for sub in model.model_fields:
            x, y = getattr(a, sub), getattr(b, sub)
            if same(x, y):
                continue
            if special and sub in special:
                special[sub](x, y, f"{path}.{sub}", loc + (sub,))
            else:
                self.generic(model, sub, x, y, f"{path}.{sub}", loc + (sub,), prefix=label if label.endswith("的") else label + "的")

    def material_changed(self, a: Material, b: Material, path: str, loc: tuple) -> None:
        label = f"材料「{b.name}」"

        def name(x, y, p, l):
            self.add(p, OTHER, f"材料「{x}」更名为「{y}」", x, y, l)

        def copies(x, y, p, l):
            self.add(p, _by_rank(x, y), f"{label}份数 {x}→{y}", x, y, l)

        def required(x, y, p, l):
            self.add(p, TIGHTER if y else LOOSER, f"{label}改为{'必要' if y else '非必要'}材料", x, y, l)

        def form(x, y, p, l):
            self.add(p, _by_rank(x, y, FORM_BURDEN), f"{label}形式 {x}→{y}", x, y, l)

        def shared(x, y, p, l):
            if x is None:
                self.add(p, LOOSER, f"{label}可用「{y.certificate}」替代，免于提交", x, y, l)
            elif y is None:
                self.add(p, TIGHTER, f"{label}不再可用「{x.certificate}」替代，须提交", x, y, l)
            else:
                self.generic(Material, "shared_data", x, y, p, l, prefix=label)

        def when(x, y, p, l):
            self.add(p, _when_effect(x, y), f"{label}适用情形：{self.situations_text(x)}→{self.situations_text(y)}", x, y, l)

        self.item_fields(Material, a, b, path, loc, label, {"name": name, "copies": copies, "required": required, "form": form, "shared_data": shared, "when": when})

    def condition_changed(self, a: Condition, b: Condition, path: str, loc: tuple) -> None:
        def text(x, y, p, l):
            self.add(p, OTHER, f"受理条件变更（{b.id}）", x, y, l, show_texts=True)

        def when(x, y, p, l):
            self.add(p, _when_effect(x, y), f"受理条件「{_short(b.text, 20)}」适用情形：{self.situations_text(x)}→{self.situations_text(y)}", x, y, l)

        self.item_fields(Condition, a, b, path, loc, "受理条件", {"text": text, "when": when})

    def fee_changed(self, a: FeeItem, b: FeeItem, path: str, loc: tuple) -> None:
        label = f"收费「{b.name}」"

        def amount(x, y, p, l):
            self.add(p, _by_rank(x, y), f"{label}金额 {x:g}→{y:g} 元/{b.unit}", x, y, l)

        def name(x, y, p, l):
            self.add(p, OTHER, f"收费项目「{x}」更名为「{y}」", x, y, l)

        self.item_fields(FeeItem, a, b, path, loc, label, {"amount": amount, "name": name})

    def step_changed(self, a: Step, b: Step, path: str, loc: tuple) -> None:
        label = f"办理环节「{b.name}」"

        def days(x, y, p, l):
            self.add(p, OTHER, f"{label}时限 {x}→{y} 个工作日", x, y, l)

        def name(x, y, p, l):
            self.add(p, OTHER, f"办理环节「{x}」更名为「{y}」", x, y, l)

        self.item_fields(Step, a, b, path, loc, label, {"days": days, "name": name})


def _material_added(d: _Differ, m: Material):
    burden = m.required and m.shared_data is None
    details = [("必要" if m.required else "非必要"), f"{m.form} {m.copies} 份"]
    if m.when:
        details.append(f"适用于：{d.situations_text(m.when)}")
    if m.shared_data is not None:
        details.append(f"可用「{m.shared_data.certificate}」替代")
    return (TIGHTER if burden else OTHER), f"新增材料「{m.name}」（{'，'.join(details)}）"


def _material_removed(d: _Differ, m: Material):
    burden = m.required and m.shared_data is None
    return (LOOSER if burden else OTHER), f"删除材料「{m.name}」"


def _fee_text(f: FeeItem) -> str:
    return f"「{f.name}」{f.amount:g} 元/{f.unit}（依据：{f.basis}）"


def _basis_text(b: LegalBasis) -> str:
    return f"《{b.title}》{b.article}"


@dataclass(frozen=True)
class ListSpec:
    added: Callable[[_Differ, Any], tuple[str, str]]
    removed: Callable[[_Differ, Any], tuple[str, str]]
    changed: Callable[[_Differ, Any, Any, str, tuple], None]


def _fields(model: type[BaseModel], label: Callable[[Any], str]) -> Callable:
    def changed(d: _Differ, a, b, path, loc):
        d.item_fields(model, a, b, path, loc, label(b))

    return changed


LISTS: dict[str, ListSpec] = {
    "legal_basis": ListSpec(
        lambda d, b: (OTHER, f"新增设定依据{_basis_text(b)}"),
        lambda d, b: (OTHER, f"删除设定依据{_basis_text(b)}"),
        _fields(LegalBasis, lambda b: f"设定依据{_basis_text(b)}的"),
    ),
    "situations": ListSpec(
        lambda d, s: (OTHER, f"新增办理情形「{s.question}」（{'、'.join(o.label for o in s.options)}）"),
        lambda d, s: (OTHER, f"删除办理情形「{s.question}」"),
        _fields(Situation, lambda s: f"办理情形「{s.question}」的"),
    ),
    "conditions": ListSpec(
        lambda d, c: (TIGHTER, f"新增受理条件「{c.text}」" + (f"（适用于：{d.situations_text(c.when)}）" if c.when else "")),
        lambda d, c: (LOOSER, f"删除受理条件「{c.text}」"),
        _Differ.condition_changed,
    ),
    "materials": ListSpec(_material_added, _material_removed, _Differ.material_changed),
    "review_points": ListSpec(
        lambda d, r: (OTHER, f"新增审批要点「{r.question}」"),
        lambda d, r: (OTHER, f"删除审批要点「{r.question}」"),
        _fields(ReviewPoint, lambda r: f"审批要点「{_short(r.question, 20)}」的"),
    ),
    "steps": ListSpec(
        lambda d, s: (OTHER, f"新增办理环节「{s.name}」（{s.actor}，{s.days} 个工作日）"),
        lambda d, s: (OTHER, f"删除办理环节「{s.name}」"),
        _Differ.step_changed,
    ),
    "fees": ListSpec(
        lambda d, f: ((TIGHTER if f.amount > 0 else OTHER), f"新增收费{_fee_text(f)}"),
        lambda d, f: ((LOOSER if f.amount > 0 else OTHER), f"取消收费「{f.name}」"),
        _Differ.fee_changed,
    ),
    "changes": ListSpec(
        lambda d, c: (OTHER, f"新增变更记录 {c.version}（{c.date}，{'实质性' if c.kind == 'major' else '编辑性'}）：{c.note}" + (f"；依据：{c.basis}" if c.basis else "")),
        lambda d, c: (OTHER, f"删除变更记录 {c.version}"),
        _fields(ChangeNote, lambda c: f"变更记录 {c.version} 的"),
    ),
    "waivers": ListSpec(
        lambda d, w: (OTHER, f"新增规则豁免「{w.rule}」：{w.reason}"),
        lambda d, w: (OTHER, f"取消规则豁免「{w.rule}」"),
        _fields(Waiver, lambda w: f"规则豁免「{w.rule}」的"),
    ),
}


def compare_matters(old: Matter, new: Matter) -> list[Change]:
    return _Differ(old, new).run()


def new_change_notes(old: Matter | None, new: Matter) -> list[ChangeNote]:
    before = {(_key(c), json.dumps(_norm(c), ensure_ascii=False, sort_keys=True)) for c in (old.changes if old else [])}
    return [c for c in new.changes if (_key(c), json.dumps(_norm(c), ensure_ascii=False, sort_keys=True)) not in before]


def _review(diff: MatterDiff, old: Matter, new: Matter, source: SourceFile | None) -> None:
    """Tightening changes need a new change note that cites its legal basis."""
    diff.basis = [c.basis for c in new_change_notes(old, new) if c.basis]
    if diff.basis or source is None:
        return
    for change in diff.changes:
        if change.effect == TIGHTER:
            diff.problems.append(
                source.problem(
                    change.loc,
                    f"[diff-basis] 收紧变更（{change.text}）没有写明法律依据：请在 changes 最前面新增一条变更记录，并填写 basis",
                )
            )


def compare(base: Side, head: Side) -> Report:
    diffs: list[MatterDiff] = []
    added = sorted(set(head.matters) - set(base.matters))
    removed = sorted(set(base.matters) - set(head.matters))
    # a matter whose code changed but whose name did not: a re-coded matter, compared as one
    recoded: dict[str, str] = {}
    for new_code in added:
        candidates = [c for c in removed if c not in recoded.values() and base.matters[c].name == head.matters[new_code].name]
        if len(candidates) == 1:
            recoded[new_code] = candidates[0]
    for code in sorted(set(base.matters) & set(head.matters)):
        old, new = base.matters[code], head.matters[code]
        changes = compare_matters(old, new)
        if not changes:
            continue
        status = "renamed" if old.name != new.name else "changed"
        diff = MatterDiff(code, new.name, status, old_name=old.name if status == "renamed" else None, changes=changes)
        _review(diff, old, new, head.sources.get(code))
        diffs.append(diff)
    for new_code, old_code in recoded.items():
        old, new = base.matters[old_code], head.matters[new_code]
        changes = [Change("code", OTHER, f"事项编码 {old_code}→{new_code}", old_code, new_code, ("code",))]
        changes += [c for c in compare_matters(old, new) if c.path != "code"]
        diff = MatterDiff(new_code, new.name, "recoded", old_code=old_code, changes=changes)
        _review(diff, old, new, head.sources.get(new_code))
        diffs.append(diff)
    for code in added:
        if code not in recoded:
            diffs.append(MatterDiff(code, head.matters[code].name, "added"))
    for code in removed:
        if code not in recoded.values():
            diffs.append(MatterDiff(code, base.matters[code].name, "removed"))
    diffs.sort(key=lambda d: (d.code, d.status))
    return Report(base.label, head.label, diffs)


# --- reading the two sides ------------------------------------------------------------------

def _git(args: list[str], cwd: Path, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)


@dataclass
class RawSide:
    """The matter files of one side, read but not yet validated: file name -> (path, text)."""

    label: str
    root: Path
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    revision: str | None = None  # for a git revision: the matters directory in the repository, e.g. "matters/"


def read_directory(root: Path, label: str) -> RawSide:
    raw = RawSide(label=label, root=root)
    paths, raw.problems = matter_paths(root)
    for path in paths:
        try:
            raw.files[path.name] = (path, path.read_bytes().decode("utf-8"))
        except UnicodeDecodeError as exc:
            raw.problems.append(Problem(display_path(path, root), 1, 1, "", f"file is not UTF-8 text ({exc.reason})"))
    return raw


def read_revision(rev: str, matters_dir: Path) -> RawSide:
    """The matter files at one git revision, read without checking it out."""
    from generator.problems import UsageError

    cwd = matters_dir.resolve() if matters_dir.is_dir() else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError(f"'{rev}' 不是目录，而当前不在 git 仓库中 (not a directory, and not inside a git repository)")
    toplevel = Path(top.stdout.decode().strip())
    commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], toplevel)
    if commit.returncode != 0:
        raise UsageError(f"'{rev}' 既不是目录，也不是 git 版本 (neither a directory nor a git revision)")
    prefix = Path(os.path.relpath(matters_dir.resolve(), toplevel.resolve())).as_posix()
    if prefix.startswith(".."):
        raise UsageError(f"the matters directory {matters_dir} is outside the git repository {toplevel}")
    within = "" if prefix == "." else prefix + "/"
    listing = _git(["ls-tree", "-z", commit.stdout.decode().strip(), "--", *([within] if within else [])], toplevel)
    if listing.returncode != 0:  # pragma: no cover - rev-parse checked the revision
        raise UsageError(listing.stderr.decode(errors="replace").strip())
    entries = []
    for entry in listing.stdout.decode("utf-8").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _, kind, oid = meta.split()
        name = path.rsplit("/", 1)[-1]
        if kind == "blob" and MATTER_FILE.match(name) and name not in RESERVED_FILES:
            entries.append((path, oid))
    blobs = _git(["cat-file", "--batch"], toplevel, data="".join(f"{oid}\n" for _, oid in entries).encode())
    out, pos = blobs.stdout, 0
    raw = RawSide(label=rev, root=toplevel / prefix, revision=within)
    for path, _ in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        data = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        try:
            raw.files[path.rsplit("/", 1)[-1]] = (toplevel / path, data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raw.problems.append(Problem(f"{rev}:{path}", 1, 1, "", f"file is not UTF-8 text ({exc.reason})"))
    return raw


def read_side(spec: str | None, matters_dir: Path) -> RawSide:
    if spec is None:
        if not matters_dir.is_dir():
            from generator.problems import UsageError

            raise UsageError(f"matters directory not found: {matters_dir}")
        return read_directory(matters_dir, "工作区")
    path = Path(spec)
    if path.is_dir():
        inner = path / "matters"
        if inner.is_dir() and not any(path.glob("*.yml")):
            path = inner
        return read_directory(path, spec)
    return read_revision(spec, matters_dir)


def validate_side(raw: RawSide, skip: set[str] = frozenset()) -> Side:
    """Validate the files of one side, except those in ``skip`` (identical on both sides)."""
    side = Side(label=raw.label, problems=list(raw.problems))
    for name in sorted(raw.files):
        if name in skip:
            continue
        path, text = raw.files[name]
        matter, source, problems = load_matter_file(path, raw.root, text=text)
        if raw.revision is not None:
            source.display = f"{raw.label}:{raw.revision}{name}"
            problems = [replace(p, path=source.display) for p in problems]
        side.problems += problems
        if matter is not None:
            side.matters[matter.code] = matter
            side.sources[matter.code] = source
    return side


# --- output ----------------------------------------------------------------------------

STATUS = {"added": "新增事项", "removed": "删除事项", "renamed": "事项更名", "recoded": "事项编码变更", "changed": "变更"}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _title_of(m: MatterDiff) -> str:
    return f"{m.code} {m.name}"


def render_markdown(report: Report) -> str:
    lines = [MARKER, "## 事项标准变更报告", "", f"比对：`{report.base}` → `{report.head}`", ""]
    changed = report.changed
    if not changed:
        lines += ["**标准无实质变更**（no standard changes）：只有格式、顺序或注释的改动。", ""]
        return "\n".join(lines)
    tightened = [m for m in changed if m.tightened]
    loosened = [m for m in changed if m.count(LOOSER)]
    by_status = {s: [m for m in changed if m.status == s] for s in STATUS}
    lines.append(
        f"**{len(changed)} 个事项有变更**：收紧 {len(tightened)} 个，放宽 {len(loosened)} 个；"
        f"新增 {len(by_status['added'])}，删除 {len(by_status['removed'])}，更名 {len(by_status['renamed']) + len(by_status['recoded'])}。"
    )
    lines.append("")
    if tightened:
        lines.append("收紧：" + "；".join(_title_of(m) for m in tightened))
        lines.append("")
    problems = report.problems
    if problems:
        lines.append(f"**需要处理的问题 {len(problems)} 个**（`guides diff --check` 不通过）：")
        lines += [f"- `{p}`" for p in problems]
        lines.append("")
    lines += ["| 事项 | 状态 | 收紧 | 放宽 | 其他 |", "|---|---|---:|---:|---:|"]
    for m in changed:
        lines.append(f"| {_md_escape(_title_of(m))} | {STATUS[m.status]} | {m.count(TIGHTER)} | {m.count(LOOSER)} | {m.count(OTHER)} |")
    lines.append("")
    for m in changed:
        lines.append(f"### {_md_escape(_title_of(m))}")
        lines.append("")
        if m.status == "added":
            lines += ["新增事项。", ""]
            continue
        if m.status == "removed":
            lines += ["删除事项。", ""]
            continue
        if m.status == "renamed":
            lines.append(f"原名：{m.old_name}")
        if m.status == "recoded":
            lines.append(f"原编码：{m.old_code}")
        if m.basis:
            lines.append("变更依据：" + "；".join(m.basis))
        if m.status in ("renamed", "recoded") or m.basis:
            lines.append("")
        for effect in (TIGHTER, LOOSER, OTHER):
            for change in (c for c in m.changes if c.effect == effect):
                lines.append(f"- **{effect}** {change.text}")
                if change.show_texts:
                    lines.append(f"  - 原：{_show(change.old)}")
                    lines.append(f"  - 新：{_show(change.new)}")
        lines.append("")
    return "\n".join(lines)


def render_json(report: Report) -> str:
    changed = report.changed
    document = {
        "base": report.base,
        "head": report.head,
        "message": None if changed else NO_CHANGES,
        "summary": {
            "matters_changed": len(changed),
            "tightened": [m.code for m in changed if m.tightened],
            "loosened": [m.code for m in changed if m.count(LOOSER)],
            "added": [m.code for m in changed if m.status == "added"],
            "removed": [m.code for m in changed if m.status == "removed"],
            "renamed": [m.code for m in changed if m.status in ("renamed", "recoded")],
        },
        "matters": [
            {
                "code": m.code,
                "name": m.name,
                "status": m.status,
                "old_code": m.old_code,
                "old_name": m.old_name,
                "counts": {EFFECT_IDS[e]: m.count(e) for e in (TIGHTER, LOOSER, OTHER)},
                "basis": m.basis,
                "changes": [c.as_json() for c in m.changes],
            }
            for m in changed
        ],
        "problems": [str(p) for p in report.problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def diff_revisions(base: str, head: str | None, matters_dir: Path) -> Report:
    raws = [read_side(base, matters_dir), read_side(head, matters_dir)]
    # byte-identical files cannot differ: only changed, added and removed files are validated
    unchanged = {name for name, (_, text) in raws[0].files.items() if raws[1].files.get(name, (None, None))[1] == text}
    sides = [validate_side(raw, unchanged) for raw in raws]
    invalid = [s for s in sides if s.problems]
    if invalid:
        for side in invalid:
            print(f"guides diff: {side.label} 中的事项文件无效，无法比对 (invalid matter files in {side.label})", file=sys.stderr)
        raise InvalidInput([p for s in invalid for p in s.problems])
    return compare(*sides)


def cmd_diff(args: argparse.Namespace) -> int:
    report = diff_revisions(args.base, args.head, Path(args.matters))
    text = render_json(report) if args.format == "json" else render_markdown(report)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if not report.changed:
        print(NO_CHANGES, file=sys.stderr)
    problems = report.problems
    if problems and args.check:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} found", file=sys.stderr)
        return 1
    return 0
