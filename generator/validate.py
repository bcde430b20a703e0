"""Validation of one matter: schema errors from pydantic, then the cross-references.

Each problem names file, line, column and field path, in words a window clerk editing
YAML can act on. Nothing here raises for bad input; it only collects problems.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from generator.loader import SourceFile
from generator.model.matter import Matter
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
        current = _inner_model(field.annotation)
        if current is None:
            return []
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


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
        return f"expected a whole number, got {_shown(got)}"
    if kind in ("float_parsing", "float_type"):
        return f"expected a number, got {_shown(got)}"
    if kind == "greater_than":
        limit = ctx.get("gt")
        return f"expected a positive whole number, got {_shown(got)}" if limit == 0 else f"expected a number greater than {limit}, got {_shown(got)}"
    if kind == "greater_than_equal":
        return f"expected a number of at least {ctx.get('ge')}, got {_shown(got)}"
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
            problems.append(source.problem(loc, explain(error, model)))
        return None, problems


def _duplicates(items: list, loc: tuple, source: SourceFile, what: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, item in enumerate(items):
        if item.id in seen:
            problems.append(source.problem(loc + (i, "id"), f"duplicate {what} id '{item.id}' (first used by {loc[-1]}[{seen[item.id]}])"))
        else:
            seen[item.id] = i
    return problems


def find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """A cycle in a directed graph as a list of node ids (first repeated at the end), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in graph:
                continue
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def matter_problems(matter: Matter, source: SourceFile, expected_code: str | None) -> list[Problem]:
    """Cross-field checks that need the whole matter."""
    problems: list[Problem] = []
    if expected_code is not None and matter.code != expected_code:
        problems.append(source.problem(("code",), f"code '{matter.code}' does not match the file name '{expected_code}.yml'"))

    for name in ("legal_basis", "situations", "conditions", "materials", "review_points", "steps", "fees"):
        problems += _duplicates(getattr(matter, name), (name,), source, name.rstrip("s").replace("_", " "))
    for i, situation in enumerate(matter.situations):
        problems += _duplicates(situation.options, ("situations", i, "options"), source, "option")

    options = set(matter.option_labels())
    valid_options = ", ".join(sorted(options)) or "none (the matter has no situations)"
    for kind in ("conditions", "materials"):
        for i, item in enumerate(getattr(matter, kind)):
            for j, ref in enumerate(item.when):
                if ref not in options:
                    problems.append(source.problem((kind, i, "when", j), f"names situation option '{ref}', which does not exist; valid: {valid_options}"))

    material_ids = {m.id for m in matter.materials}
    condition_ids = {c.id for c in matter.conditions}
    clash = material_ids & condition_ids
    for i, material in enumerate(matter.materials):
        if material.id in clash:
            problems.append(source.problem(("materials", i, "id"), f"id '{material.id}' is used by a condition too; review points could not tell them apart"))
    for i, point in enumerate(matter.review_points):
        if point.about not in material_ids | condition_ids:
            problems.append(source.problem(("review_points", i, "about"), f"names '{point.about}', which is neither a material nor a condition of this matter"))

    step_ids = {s.id for s in matter.steps}
    for i, step in enumerate(matter.steps):
        for j, nxt in enumerate(step.next):
            if nxt not in step_ids:
                problems.append(source.problem(("steps", i, "next", j), f"names step '{nxt}', which does not exist; valid: {', '.join(s.id for s in matter.steps)}"))
            elif nxt == step.id:
                problems.append(source.problem(("steps", i, "next", j), f"step '{step.id}' cannot follow itself"))
    cycle = find_cycle({s.id: [n for n in s.next if n != s.id] for s in matter.steps})
    if cycle:
        index = next(i for i, s in enumerate(matter.steps) if s.id == cycle[0])
        problems.append(source.problem(("steps", index, "next"), f"steps form a cycle: {' → '.join(cycle)}; a procedure must move forward"))
    entries = step_ids - {n for s in matter.steps for n in s.next}
    if not cycle and len(entries) != 1:
        problems.append(source.problem(("steps",), f"expected exactly one first step (one intake), found {len(entries)}: {', '.join(sorted(entries)) or 'none'}"))

    limit = matter.time_limit
    if limit.statutory_days is not None and limit.promised_days > limit.statutory_days:
        problems.append(source.problem(("time_limit", "promised_days"), f"promised limit {limit.promised_days} working days is longer than the statutory {limit.statutory_days}"))

    if matter.changes and matter.changes[0].version != matter.version:
        problems.append(source.problem(("changes", 0, "version"), f"the newest change note (first in the list) must be for the current version {matter.version}, got {matter.changes[0].version}"))
    dates = [c.date for c in matter.changes]
    if dates != sorted(dates, reverse=True):
        problems.append(source.problem(("changes",), "change notes must be listed newest first"))
    return problems
