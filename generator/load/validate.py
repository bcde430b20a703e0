"""Validation of one matter: schema errors from pydantic, then the cross-references.

Each problem names file, line, column and field path, in words a window clerk editing
YAML can act on. Nothing here raises for bad input; it only collects problems.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from generator.domain.graph import find_cycle
from generator.load.reader import SourceFile
from generator.problems import Problem


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names allowed at ``loc`` in ``model``, for 'unknown key' hints."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = inner_model(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _field_metadata(model: type[BaseModel], loc: tuple) -> list:
    """Constraint metadata (Gt, Ge, ...) of the field at ``loc``, to say what was expected."""
    current: Any = model
    field = None
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part) if current is not None else None
        if field is None:
            return []
        current = inner_model(field.annotation)
    return list(field.metadata) if field is not None else []


def inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = inner_model(arg)
        if found is not None:
            return found
    return None


def _is_date(value: Any) -> bool:
    import datetime as dt

    if isinstance(value, dt.date):
        return True
    try:
        return isinstance(value, str) and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def explain(error: dict, model: type[BaseModel]) -> str:
    """Turn one pydantic error into a sentence that says what was expected and what was found."""
    kind = error["type"]
    ctx = error.get("ctx") or {}
    got = error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, error["loc"])
        hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
        return f"unknown field (a typo?){hint}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        positive = any(getattr(m, "gt", None) == 0 for m in _field_metadata(model, error["loc"]))
        return f"expected a {'positive ' if positive else ''}whole number, got {_shown(got)}"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {_shown(got)}"
    if kind == "greater_than":
        limit = ctx.get("gt")
        return f"expected a positive whole number, got {_shown(got)}" if limit == 0 else f"expected a number greater than {limit}, got {_shown(got)}"
    if kind == "greater_than_equal":
        if _is_date(ctx.get("ge")):
            return f"日期应不早于 {ctx.get('ge')}，实际为 {_shown(got)}"
        return f"expected a number of at least {ctx.get('ge')}, got {_shown(got)}"
    if kind == "less_than_equal":
        if _is_date(ctx.get("le")):
            return f"日期应不晚于 {ctx.get('le')}，实际为 {_shown(got)}"
        limit = ctx.get("le")
        limit = int(limit) if isinstance(limit, float) and limit.is_integer() else limit
        return f"数值过大：应不大于 {limit}，实际为 {_shown(got)}"
    if kind == "finite_number":
        return f"应为有限的数，实际为 {_shown(got)}"
    if kind == "too_long":
        return f"项目过多：最多 {ctx.get('max_length')} 项，实际 {ctx.get('actual_length')} 项"
    if kind == "literal_error":
        return f"expected one of {ctx.get('expected')}, got {_shown(got)}"
    if kind in ("string_type", "string_too_short"):
        return f"expected non-empty text, got {_shown(got)}"
    if kind == "string_pattern_mismatch":
        return f"does not match the required format {ctx.get('pattern')}, got {_shown(got)}"
    if kind in ("list_type",):
        return f"expected a list (lines starting with '- '), got {_shown(got)}"
    if kind == "too_short":
        return f"expected at least {ctx.get('min_length')} item(s), got {ctx.get('actual_length', 0)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of fields, got {_shown(got)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_shown(got)}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return f"expected a date written YYYY-MM-DD, got {_shown(got)}"
    return f"{error['msg']}, got {_shown(got)}"


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
            problems.append(source.problem(loc, explain(error, model)))
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


def _duplicates(items: list[tuple[int, dict]], loc: tuple, source: SourceFile, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item_id in _ids(items):
        if item_id in seen:
            problems.append(source.problem(loc + (i, "id"), f"duplicate {what} id '{item_id}' (first used by {loc[-1]}[{seen[item_id]}])"))
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
        problems.append(source.problem(("code",), f"code '{code}' does not match the file name '{expected_code}.yml'"))

    for name in ("legal_basis", "situations", "conditions", "materials", "review_points", "steps", "fees"):
        problems += _duplicates(_items(data, name), (name,), source, name.rstrip("s").replace("_", " "))
    options: set[str] = set()
    for i, situation in _items(data, "situations"):
        option_items = _items(situation, "options")
        problems += _duplicates(option_items, ("situations", i, "options"), source, "option")
        if isinstance(situation.get("id"), str):
            options.update(f"{situation['id']}.{oid}" for _, oid in _ids(option_items))
    valid_options = ", ".join(sorted(options)) or "none (the matter has no situations)"
    for kind in ("conditions", "materials"):
        for i, item in _items(data, kind):
            for j, ref in _list_of_str(item.get("when")):
                if ref not in options:
                    problems.append(source.problem((kind, i, "when", j), f"names situation option '{ref}', which does not exist; valid: {valid_options}"))

    material_ids = {mid for _, mid in _ids(_items(data, "materials"))}
    condition_ids = {cid for _, cid in _ids(_items(data, "conditions"))}
    for i, material_id in _ids(_items(data, "materials")):
        if material_id in condition_ids:
            problems.append(source.problem(("materials", i, "id"), f"id '{material_id}' is used by a condition too; review points could not tell them apart"))
    for i, point in _items(data, "review_points"):
        about = point.get("about")
        if isinstance(about, str) and about not in material_ids | condition_ids:
            problems.append(source.problem(("review_points", i, "about"), f"names '{about}', which is neither a material nor a condition of this matter"))

    steps = _items(data, "steps")
    step_ids = [sid for _, sid in _ids(steps)]
    graph: dict[str, list[str]] = {}
    for i, step in steps:
        sid = step.get("id")
        nexts = [n for _, n in _list_of_str(step.get("next"))]
        for j, nxt in _list_of_str(step.get("next")):
            if nxt not in step_ids:
                problems.append(source.problem(("steps", i, "next", j), f"names step '{nxt}', which does not exist; valid: {', '.join(step_ids)}"))
            elif nxt == sid:
                problems.append(source.problem(("steps", i, "next", j), f"step '{sid}' cannot follow itself"))
        if isinstance(sid, str):
            graph[sid] = [n for n in nexts if n != sid]
    cycle = find_cycle(list(graph), [(sid, nxt) for sid, nexts in graph.items() for nxt in nexts])
    if cycle:
        index = next(i for i, step in steps if step.get("id") == cycle[0])
        problems.append(source.problem(("steps", index, "next"), f"steps form a cycle: {' → '.join(cycle)}; a procedure must move forward"))
    entries = set(graph) - {n for targets in graph.values() for n in targets}
    if graph and not cycle and len(entries) != 1:
        problems.append(source.problem(("steps",), f"expected exactly one first step (one intake), found {len(entries)}: {', '.join(sorted(entries)) or 'none'}"))

    limit = data.get("time_limit") if isinstance(data.get("time_limit"), dict) else {}
    statutory, promised = limit.get("statutory_days"), limit.get("promised_days")
    if isinstance(statutory, int) and isinstance(promised, int) and promised > statutory:
        problems.append(source.problem(("time_limit", "promised_days"), f"promised limit {promised} working days is longer than the statutory {statutory}"))

    changes = _items(data, "changes")
    version = data.get("version")
    if changes and isinstance(version, str) and changes[0][1].get("version") not in (None, version):
        problems.append(source.problem(("changes", 0, "version"), f"the newest change note (first in the list) must be for the current version {version}, got {changes[0][1].get('version')}"))
    dates = [str(item.get("date")) for _, item in changes]
    if dates != sorted(dates, reverse=True):
        problems.append(source.problem(("changes",), "change notes must be listed newest first"))
    return problems
