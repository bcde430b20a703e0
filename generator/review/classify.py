"""Which way a change points for the public: 收紧 (tighter), 放宽 (looser) or 其他.

* 收紧 — harder for the public: a new required material or condition, more copies, a longer
  promised time, a new or higher fee, more visits, less online service;
* 放宽 — easier: the reverse;
* 其他 — wording and everything a machine cannot judge (shown with old and new text).

The rules are tables: :data:`FIELDS` for top-level fields of a matter with a direction,
:data:`LISTS` for the lists whose items are matched by id. Every other difference is
described by :class:`~generator.review.compare.Differ` as 其他.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

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
from generator.review.changes import LOOSER, OTHER, TIGHTER, Change, short, show
from generator.review.compare import Differ, FieldRule, ListSpec

FORM_BURDEN = {"电子证照": 0, "电子件": 1, "复印件": 2, "原件": 3, "原件和复印件": 4}
DEPTH = {"一级": 1, "二级": 2, "三级": 3, "四级": 4}
TONGBAN = {"不通办": 0, "全市通办": 1, "全省通办": 2, "跨省通办": 3}


def by_rank(old: Any, new: Any, ranks: dict[str, int] | None = None, higher_is: str = TIGHTER) -> str:
    a, b = (ranks[old], ranks[new]) if ranks is not None else (old, new)
    if a == b:
        return OTHER
    lower_is = LOOSER if higher_is == TIGHTER else TIGHTER
    return higher_is if b > a else lower_is


def when_effect(old: list[str], new: list[str]) -> str:
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


# --- top-level fields with a direction for the public

def field_name(d: Differ, a: str, b: str) -> None:
    d.add("name", OTHER, f"事项名称「{a}」改为「{b}」", a, b, ("name",))


def field_visits(d: Differ, a: int, b: int) -> None:
    d.add("visits", by_rank(a, b), f"到办事现场次数 {a}→{b} 次", a, b, ("visits",))


def field_online_depth(d: Differ, a: str, b: str) -> None:
    d.add("online_depth", by_rank(a, b, DEPTH, higher_is=LOOSER), f"网办深度 {a}→{b}", a, b, ("online_depth",))


def field_tongban(d: Differ, a: str, b: str) -> None:
    d.add("tongban", by_rank(a, b, TONGBAN, higher_is=LOOSER), f"通办范围 {a}→{b}", a, b, ("tongban",))


def field_time_limit(d: Differ, a, b) -> None:
    loc = ("time_limit",)
    if a.promised_days != b.promised_days:
        d.add("time_limit.promised_days", by_rank(a.promised_days, b.promised_days), f"承诺时限 {a.promised_days}→{b.promised_days} 个工作日", a.promised_days, b.promised_days, loc + ("promised_days",))
    if a.statutory_days != b.statutory_days:
        d.add("time_limit.statutory_days", OTHER, f"法定时限 {show(a.statutory_days)}→{show(b.statutory_days)} 个工作日", a.statutory_days, b.statutory_days, loc + ("statutory_days",))
    for item in b.not_counted:
        if item not in a.not_counted:
            d.add("time_limit.not_counted", TIGHTER, f"新增不计入时限的时间「{item}」", None, item, loc + ("not_counted",))
    for item in a.not_counted:
        if item not in b.not_counted:
            d.add("time_limit.not_counted", LOOSER, f"不再扣除「{item}」所需时间", item, None, loc + ("not_counted",))
    if a.statutory_basis != b.statutory_basis:
        d.generic(type(a), "statutory_basis", a.statutory_basis, b.statutory_basis, "time_limit.statutory_basis", loc + ("statutory_basis",))


def field_result(d: Differ, a, b) -> None:
    for method in b.delivery:
        if method not in a.delivery:
            d.add("result.delivery", LOOSER, f"新增送达方式「{method}」", None, method, ("result", "delivery"))
    for method in a.delivery:
        if method not in b.delivery:
            d.add("result.delivery", TIGHTER, f"取消送达方式「{method}」", method, None, ("result", "delivery"))
    for sub in ("name", "kind", "sample"):
        x, y = getattr(a, sub), getattr(b, sub)
        if x != y:
            d.generic(type(a), sub, x, y, f"result.{sub}", ("result", sub), prefix="办理结果")


FIELDS: dict[str, FieldRule] = {
    "name": field_name,
    "visits": field_visits,
    "online_depth": field_online_depth,
    "tongban": field_tongban,
    "time_limit": field_time_limit,
    "result": field_result,
}


# --- lists of items matched by id

def material_changed(d: Differ, a: Material, b: Material, path: str, loc: tuple) -> None:
    label = f"材料「{b.name}」"

    def name(x, y, p, l):
        d.add(p, OTHER, f"材料「{x}」更名为「{y}」", x, y, l)

    def copies(x, y, p, l):
        d.add(p, by_rank(x, y), f"{label}份数 {x}→{y}", x, y, l)

    def required(x, y, p, l):
        d.add(p, TIGHTER if y else LOOSER, f"{label}改为{'必要' if y else '非必要'}材料", x, y, l)

    def form(x, y, p, l):
        d.add(p, by_rank(x, y, FORM_BURDEN), f"{label}形式 {x}→{y}", x, y, l)

    def shared(x, y, p, l):
        if x is None:
            d.add(p, LOOSER, f"{label}可用「{y.certificate}」替代，免于提交", x, y, l)
        elif y is None:
            d.add(p, TIGHTER, f"{label}不再可用「{x.certificate}」替代，须提交", x, y, l)
        else:
            d.generic(Material, "shared_data", x, y, p, l, prefix=label)

    def when(x, y, p, l):
        d.add(p, when_effect(x, y), f"{label}适用情形：{d.situations_text(x)}→{d.situations_text(y)}", x, y, l)

    d.item_fields(Material, a, b, path, loc, label, {"name": name, "copies": copies, "required": required, "form": form, "shared_data": shared, "when": when})


def condition_changed(d: Differ, a: Condition, b: Condition, path: str, loc: tuple) -> None:
    def text(x, y, p, l):
        d.add(p, OTHER, f"受理条件变更（{b.id}）", x, y, l, show_texts=True)

    def when(x, y, p, l):
        d.add(p, when_effect(x, y), f"受理条件「{short(b.text, 20)}」适用情形：{d.situations_text(x)}→{d.situations_text(y)}", x, y, l)

    d.item_fields(Condition, a, b, path, loc, "受理条件", {"text": text, "when": when})


def fee_changed(d: Differ, a: FeeItem, b: FeeItem, path: str, loc: tuple) -> None:
    label = f"收费「{b.name}」"

    def amount(x, y, p, l):
        d.add(p, by_rank(x, y), f"{label}金额 {x:g}→{y:g} 元/{b.unit}", x, y, l)

    def name(x, y, p, l):
        d.add(p, OTHER, f"收费项目「{x}」更名为「{y}」", x, y, l)

    d.item_fields(FeeItem, a, b, path, loc, label, {"amount": amount, "name": name})


def step_changed(d: Differ, a: Step, b: Step, path: str, loc: tuple) -> None:
    label = f"办理环节「{b.name}」"

    def days(x, y, p, l):
        d.add(p, OTHER, f"{label}时限 {x}→{y} 个工作日", x, y, l)

    def name(x, y, p, l):
        d.add(p, OTHER, f"办理环节「{x}」更名为「{y}」", x, y, l)

    d.item_fields(Step, a, b, path, loc, label, {"days": days, "name": name})


def _material_added(d: Differ, m: Material):
    burden = m.required and m.shared_data is None
    details = [("必要" if m.required else "非必要"), f"{m.form} {m.copies} 份"]
    if m.when:
        details.append(f"适用于：{d.situations_text(m.when)}")
    if m.shared_data is not None:
        details.append(f"可用「{m.shared_data.certificate}」替代")
    return (TIGHTER if burden else OTHER), f"新增材料「{m.name}」（{'，'.join(details)}）"


def _material_removed(d: Differ, m: Material):
    burden = m.required and m.shared_data is None
    return (LOOSER if burden else OTHER), f"删除材料「{m.name}」"


def _fee_text(f: FeeItem) -> str:
    return f"「{f.name}」{f.amount:g} 元/{f.unit}（依据：{f.basis}）"


def _basis_text(b: LegalBasis) -> str:
    return f"《{b.title}》{b.article}"


def _fields(model: type[BaseModel], label: Callable[[Any], str]) -> Callable:
    def changed(d: Differ, a, b, path, loc):
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
        condition_changed,
    ),
    "materials": ListSpec(_material_added, _material_removed, material_changed),
    "review_points": ListSpec(
        lambda d, r: (OTHER, f"新增审批要点「{r.question}」"),
        lambda d, r: (OTHER, f"删除审批要点「{r.question}」"),
        _fields(ReviewPoint, lambda r: f"审批要点「{short(r.question, 20)}」的"),
    ),
    "steps": ListSpec(
        lambda d, s: (OTHER, f"新增办理环节「{s.name}」（{s.actor}，{s.days} 个工作日）"),
        lambda d, s: (OTHER, f"删除办理环节「{s.name}」"),
        step_changed,
    ),
    "fees": ListSpec(
        lambda d, f: ((TIGHTER if f.amount > 0 else OTHER), f"新增收费{_fee_text(f)}"),
        lambda d, f: ((LOOSER if f.amount > 0 else OTHER), f"取消收费「{f.name}」"),
        fee_changed,
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
    return Differ(old, new, FIELDS, LISTS).run()
