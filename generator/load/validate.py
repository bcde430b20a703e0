"""Validation of one matter: schema errors from pydantic, then the cross-references.

Each problem names file, line, column and field path, in words a window clerk editing
YAML can act on. Nothing here raises for bad input; it only collects problems.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from generator.domain.graph import find_cycle
from generator.load.messages import explain
from generator.load.reader import SourceFile
from generator.problems import Problem


def schema_problems(source: SourceFile, model: type[BaseModel]) -> tuple[BaseModel | None, list[Problem]]:
    """Validate ``source.data`` against ``model``; every error becomes a positioned problem."""
    try:
        return model.model_validate(source.data), []
    except ValidationError as exc:
        problems = []
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if source.was_refused(loc):
                continue  # the reader has said what is wrong there
            problems.append(source.problem(loc, explain(error, model, source)))
        return None, problems


def _items(data: Any, key: str) -> list[tuple[int, dict]]:
    """(index, item) for the mapping items of a list field, skipping malformed ones (schema errors cover those)."""
    value = data.get(key) if isinstance(data, dict) else None
    if not isinstance(value, list):
        return []
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)]


def _ids(items: list[tuple[int, dict]]) -> list[tuple[int, str]]:
    return [(i, item["id"]) for i, item in items if isinstance(item.get("id"), str)]


def _list_of_str(value: Any) -> list[tuple[int, str]]:
    return [(j, v) for j, v in enumerate(value) if isinstance(v, str)] if isinstance(value, list) else []


def _duplicates(items: list[tuple[int, dict]], loc: tuple, source: SourceFile) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item_id in _ids(items):
        if item_id in seen:
            message = f"标识「{item_id}」重复（第 {seen[item_id] + 1} 项已使用）；同一列表里的标识不能相同"
            problems.append(source.problem(loc + (i, "id"), message))
        else:
            seen[item_id] = i
    return problems


def matter_problems(source: SourceFile, expected_code: str | None) -> list[Problem]:
    """Cross-field checks that need the whole matter.

    They read the raw data rather than the model, so a file with schema errors still gets
    its dangling references and cycles reported in the same run: all problems at once.
    """

    data = source.data if isinstance(source.data, dict) else {}
    problems: list[Problem] = []
    code = data.get("code")
    if expected_code is not None and isinstance(code, str) and code != expected_code:
        problems.append(source.problem(("code",), f"基本编码 {code} 与文件名 {expected_code}.yml 不一致；文件名应为事项的基本编码，请改正其中一处"))

    for name in ("legal_basis", "situations", "conditions", "materials", "review_points", "steps", "fees"):
        problems += _duplicates(_items(data, name), (name,), source)
    options: set[str] = set()
    for i, situation in _items(data, "situations"):
        option_items = _items(situation, "options")
        problems += _duplicates(option_items, ("situations", i, "options"), source)
        if isinstance(situation.get("id"), str):
            options.update(f"{situation['id']}.{oid}" for _, oid in _ids(option_items))
    valid_options = "、".join(sorted(options)) or "无（本事项没有办理情形）"
    for kind in ("conditions", "materials"):
        for i, item in _items(data, kind):
            for j, ref in _list_of_str(item.get("when")):
                if ref not in options:
                    problems.append(source.problem((kind, i, "when", j), f"情形选项「{ref}」不存在；可选：{valid_options}"))
    problems += element_problems(source, data, options)

    material_ids = {mid for _, mid in _ids(_items(data, "materials"))}
    condition_ids = {cid for _, cid in _ids(_items(data, "conditions"))}
    for i, material_id in _ids(_items(data, "materials")):
        if material_id in condition_ids:
            problems.append(source.problem(("materials", i, "id"), f"标识「{material_id}」也用于受理条件；审批要点将无法区分"))
    for i, point in _items(data, "review_points"):
        about = point.get("about")
        if isinstance(about, str) and about not in material_ids | condition_ids:
            problems.append(source.problem(("review_points", i, "about"), f"「{about}」既不是本事项材料的标识，也不是受理条件的标识"))

    steps = _items(data, "steps")
    step_ids = [sid for _, sid in _ids(steps)]
    graph: dict[str, list[str]] = {}
    for i, step in steps:
        sid = step.get("id")
        nexts = [n for _, n in _list_of_str(step.get("next"))]
        for j, nxt in _list_of_str(step.get("next")):
            if nxt not in step_ids:
                problems.append(source.problem(("steps", i, "next", j), f"环节「{nxt}」不存在；可选：{'、'.join(step_ids)}"))
            elif nxt == sid:
                problems.append(source.problem(("steps", i, "next", j), f"环节「{sid}」不能以自己为后续环节"))
        if isinstance(sid, str):
            graph[sid] = [n for n in nexts if n != sid]
    cycle = find_cycle(list(graph), [(sid, nxt) for sid, nexts in graph.items() for nxt in nexts])
    if cycle:
        index = next(i for i, step in steps if step.get("id") == cycle[0])
        problems.append(source.problem(("steps", index, "next"), f"环节成环：{' → '.join(cycle)}；办理流程必须向前推进"))
    entries = set(graph) - {n for targets in graph.values() for n in targets}
    if graph and not cycle and len(entries) != 1:
        problems.append(source.problem(("steps",), f"应有且只有一个起始环节（受理），实际有 {len(entries)} 个：{'、'.join(sorted(entries)) or '无'}"))

    limit = data.get("time_limit") if isinstance(data.get("time_limit"), dict) else {}
    statutory, promised = limit.get("statutory_days"), limit.get("promised_days")
    if isinstance(statutory, int) and isinstance(promised, int) and promised > statutory:
        problems.append(source.problem(("time_limit", "promised_days"), f"承诺时限 {promised} 个工作日超过法定时限 {statutory} 个工作日"))

    # 零跑动 needs at least 网上受理: at 一级 (咨询) or 二级 (预审) the papers are handed in at a window
    visits, depth = data.get("visits"), data.get("online_depth")
    if visits == 0 and depth in ("一级", "二级"):
        problems.append(
            source.problem(
                ("visits",),
                f"到现场次数为 0，但网办深度是{depth}（网上{'咨询' if depth == '一级' else '预审'}）：申请人仍须到窗口递交材料；请写实际到现场的次数，或把网办深度提高到三级以上",
            )
        )

    changes = _items(data, "changes")
    version = data.get("version")
    if changes and isinstance(version, str) and changes[0][1].get("version") not in (None, version):
        problems.append(source.problem(("changes", 0, "version"), f"最新的变更记录（第一条）应为当前版本 {version}，实际为 {changes[0][1].get('version')}"))
    dates = [str(item.get("date")) for _, item in changes]
    if dates != sorted(dates, reverse=True):
        problems.append(source.problem(("changes",), "变更记录应按日期从新到旧排列"))
    return problems


# ---------------------------------------------------------------- the elements of 实施清单 part 2
# New messages are in Chinese: the people who read them edit the standard.


def _option_hint(options: set[str]) -> str:
    return "、".join(sorted(options)) if options else "无（本事项没有办理情形）"


def element_problems(source: SourceFile, data: dict, options: set[str]) -> list[Problem]:
    """Cross-references of the elements added for the national guide: 同时适用情形, 按情形的份数,
    材料依据, 告知承诺, 容缺, 中介服务, 特别程序, 办件类型, 收费幅度, 事项状态, 业务办理项编码."""
    problems: list[Problem] = []
    multiple = {s["id"] for _, s in _items(data, "situations") if isinstance(s.get("id"), str) and s.get("multiple") is True}
    material_ids = {mid for _, mid in _ids(_items(data, "materials"))}
    condition_ids = {cid for _, cid in _ids(_items(data, "conditions"))}
    basis_ids = {bid for _, bid in _ids(_items(data, "legal_basis"))}
    step_ids = {sid for _, sid in _ids(_items(data, "steps"))}

    def unknown_option(loc: tuple, ref: str) -> Problem:
        return source.problem(loc, f"情形选项 '{ref}' 不存在；可用的有：{_option_hint(options)}")

    for kind in ("conditions", "materials"):
        for i, item in _items(data, kind):
            chosen: dict[str, str] = {}
            for j, ref in _list_of_str(item.get("when_all")):
                if ref not in options:
                    problems.append(unknown_option((kind, i, "when_all", j), ref))
                    continue
                situation = ref.split(".")[0]
                if situation in chosen and situation not in multiple:
                    problems.append(
                        source.problem(
                            (kind, i, "when_all", j),
                            f"'{chosen[situation]}' 和 '{ref}' 是同一单选情形的两个选项，不可能同时成立；要么改用 when（任一成立），要么把情形 {situation} 设为 multiple: true",
                        )
                    )
                chosen.setdefault(situation, ref)
    for i, material in _items(data, "materials"):
        for k, rule in _items(material, "copies_when"):
            for j, ref in _list_of_str(rule.get("when")):
                if ref not in options:
                    problems.append(unknown_option(("materials", i, "copies_when", k, "when", j), ref))
        for j, ref in _list_of_str(material.get("basis")):
            if ref not in basis_ids:
                problems.append(source.problem(("materials", i, "basis", j), f"设定依据 '{ref}' 不存在；可用的有：{'、'.join(sorted(basis_ids)) or '无'}"))

    def unknown_material(loc: tuple, ref: str, what: str) -> Problem:
        return source.problem(loc, f"{what}写的材料 '{ref}' 不是本事项的申请材料；可用的有：{'、'.join(sorted(material_ids)) or '无'}")

    commitment = data.get("commitment")
    if isinstance(commitment, dict):
        for j, ref in _list_of_str(commitment.get("materials")):
            if ref not in material_ids:
                problems.append(unknown_material(("commitment", "materials", j), ref, "告知承诺"))
        for j, ref in _list_of_str(commitment.get("conditions")):
            if ref not in condition_ids:
                problems.append(source.problem(("commitment", "conditions", j), f"告知承诺写的条件 '{ref}' 不是本事项的受理条件；可用的有：{'、'.join(sorted(condition_ids)) or '无'}"))
        if not commitment.get("materials") and not commitment.get("conditions"):
            problems.append(source.problem(("commitment",), "告知承诺制至少要替代一项材料（materials）或一项条件（conditions）"))
    committed = {ref for _, ref in _list_of_str(commitment.get("materials"))} if isinstance(commitment, dict) else set()
    deferred: set[str] = set()
    for i, deferral in _items(data, "deferrals"):
        ref = deferral.get("material")
        if not isinstance(ref, str):
            continue
        if ref not in material_ids:
            problems.append(unknown_material(("deferrals", i, "material"), ref, "容缺受理"))
        elif ref in committed:
            problems.append(source.problem(("deferrals", i, "material"), f"材料 '{ref}' 已经以告知承诺替代、不必提交，不能再容缺后补"))
        elif ref in deferred:
            problems.append(source.problem(("deferrals", i, "material"), f"材料 '{ref}' 已经写过容缺受理"))
        deferred.add(ref)
    for i, service in _items(data, "intermediary_services"):
        ref = service.get("material")
        if isinstance(ref, str) and ref not in material_ids:
            problems.append(unknown_material(("intermediary_services", i, "material"), ref, "中介服务"))
    problems += _duplicates(_items(data, "intermediary_services"), ("intermediary_services",), source)
    problems += _duplicates(_items(data, "special_procedures"), ("special_procedures",), source)

    steps = {s["id"]: s for _, s in _items(data, "steps") if isinstance(s.get("id"), str)}
    for i, procedure in _items(data, "special_procedures"):
        ref = procedure.get("step")
        if not isinstance(ref, str):
            continue
        if ref not in step_ids:
            problems.append(source.problem(("special_procedures", i, "step"), f"环节 '{ref}' 不存在；可用的有：{'、'.join(sorted(step_ids))}"))
            continue
        days, calendar_days = procedure.get("days"), steps[ref].get("calendar_days")
        if procedure.get("counted") is not True and procedure.get("calendar", True) is True and isinstance(days, int):
            if calendar_days is None:
                problems.append(
                    source.problem(
                        ("special_procedures", i, "step"),
                        f"特别程序“{procedure.get('name')}”的 {days} 个自然日不计入办理时限，但环节 '{ref}' 没有写 calendar_days；请在该环节写 calendar_days: {days}",
                    )
                )
            elif isinstance(calendar_days, int) and calendar_days < days:
                problems.append(
                    source.problem(
                        ("special_procedures", i, "days"),
                        f"特别程序需 {days} 个自然日，比所在环节 '{ref}' 的 calendar_days（{calendar_days}）还长；两处应一致",
                    )
                )

    handling = data.get("handling") if isinstance(data.get("handling"), dict) else {}
    limit = data.get("time_limit") if isinstance(data.get("time_limit"), dict) else {}
    promised = limit.get("promised_days")
    if handling.get("handling_type") == "即办件" and isinstance(promised, int) and promised > 0:
        problems.append(source.problem(("handling", "handling_type"), f"即办件当场办结，但承诺办结时限是 {promised} 个工作日；请改为承诺件，或把 promised_days 改为 0"))
    if handling.get("handling_type") == "承诺件" and promised == 0:
        problems.append(source.problem(("handling", "handling_type"), "承诺件的承诺办结时限是 0 个工作日；当场办结的请写 即办件"))
    channels = [c for _, c in _list_of_str(handling.get("channels"))]
    if handling.get("online_flow") and channels and "网上办理" not in channels:
        problems.append(source.problem(("handling", "online_flow"), "写了网上办理流程，但办理形式（channels）没有 网上办理"))

    for i, fee in _items(data, "fees"):
        low, high = fee.get("amount"), fee.get("amount_max")
        if isinstance(low, (int, float)) and isinstance(high, (int, float)) and high < low:
            problems.append(source.problem(("fees", i, "amount_max"), f"收费上限 {high:g} 元小于下限 amount {low:g} 元"))
        if fee.get("reduction_basis") and not fee.get("reduction"):
            problems.append(source.problem(("fees", i, "reduction_basis"), "写了减免依据，但没有写减免情形（reduction）"))

    status = data.get("status")
    if status in ("暂停", "取消") and data.get("status_date") is None:
        problems.append(source.problem(("status",), f"事项状态为{status}，请写明{status}日期 status_date（YYYY-MM-DD）"))
    if status in (None, "在用") and data.get("status_date") is not None:
        problems.append(source.problem(("status_date",), "事项在用，不需要状态日期；暂停或取消时才写 status_date"))
    item_code, code = data.get("business_item_code"), data.get("code")
    if isinstance(item_code, str):
        if isinstance(code, str) and not item_code.startswith(code):
            problems.append(source.problem(("business_item_code",), f"业务办理项编码应以本事项的基本编码 {code} 开头，得到 '{item_code}'"))
        if not data.get("business_item"):
            problems.append(source.problem(("business_item_code",), "写了业务办理项编码，也要写业务办理项 business_item（新设、变更、延续、注销）"))
    authority = data.get("authority") if isinstance(data.get("authority"), dict) else {}
    if (authority.get("power_source") == "同级委托" or authority.get("implementer_nature") == "受委托组织") and not authority.get("entrusting_department"):
        problems.append(source.problem(("authority",), "委托实施的事项要写委托部门 entrusting_department"))
    return problems
