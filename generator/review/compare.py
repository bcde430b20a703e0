"""Comparing two versions of one matter, element by element.

Values are compared after validation, with list order removed where it carries no meaning, so
a change of formatting, quoting, key order or list order is no change at all. List items are
matched by their stable id (as dyff does): a reordered list is no change, an edited material
is one change.

:class:`Differ` is the engine: it walks the fields of :class:`~generator.model.matter.Matter`
and describes every difference with the model's field titles, as 其他. Which differences
tighten or loosen the standard for the public is not decided here: the rules for particular
fields and lists are passed in (see :mod:`generator.review.classify`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from generator.model.matter import ChangeNote, Matter, Waiver
from generator.review.changes import (
    OTHER,
    Change,
    field_title,
    item_name,
    jsonable,
    show,
)


def item_key(item: Any) -> str:
    if isinstance(item, ChangeNote):
        return item.version
    if isinstance(item, Waiver):
        return item.rule
    if hasattr(item, "id"):
        return item.id
    return json.dumps(jsonable(item), ensure_ascii=False, sort_keys=True)


def normalised(value: Any) -> Any:
    """A value with list order removed where order carries no meaning (matched by id / as sets)."""
    if isinstance(value, BaseModel):
        return {name: normalised(getattr(value, name)) for name in type(value).model_fields}
    if isinstance(value, list):
        if value and isinstance(value[0], BaseModel):
            return sorted((item_key(v), json.dumps(normalised(v), ensure_ascii=False, sort_keys=True)) for v in value)
        return sorted({json.dumps(jsonable(v), ensure_ascii=False) for v in value})
    return jsonable(value)


def same(a: Any, b: Any) -> bool:
    return normalised(a) == normalised(b)


@dataclass(frozen=True)
class ListSpec:
    """How additions, removals and edits of the items of one list are described and classified."""

    added: Callable[[Differ, Any], tuple[str, str]]
    removed: Callable[[Differ, Any], tuple[str, str]]
    changed: Callable[[Differ, Any, Any, str, tuple], None]


FieldRule = Callable[["Differ", Any, Any], None]


class Differ:
    def __init__(self, old: Matter, new: Matter, fields: dict[str, FieldRule], lists: dict[str, ListSpec]):
        self.old, self.new = old, new
        self.fields, self.lists = fields, lists
        self.labels = {**old.option_labels(), **new.option_labels()}
        self.changes: list[Change] = []
    def add(self, path: str, effect: str, text: str, old: Any = None, new: Any = None, loc: tuple = (), show_texts: bool = False) -> None:
        self.changes.append(Change(path, effect, text, old, new, loc, show_texts))

    def situations_text(self, refs: list[str]) -> str:
        return "所有情形" if not refs else "、".join(self.labels.get(r, r) for r in refs)

    # generic: a field of a model, compared by value, described with the model's titles
    def generic(self, model: type[BaseModel], name: str, a: Any, b: Any, path: str, loc: tuple, prefix: str = "") -> None:
        title = prefix + field_title(model, name)
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
                self.add(path, OTHER, f"{title}新增「{show(added)}」", None, added, loc)
            if removed:
                self.add(path, OTHER, f"{title}删除「{show(removed)}」", removed, None, loc)
            return
        if isinstance(a, list) and isinstance(b, list):  # a nested list of items, matched by id
            old_by, new_by = {item_key(v): v for v in a}, {item_key(v): v for v in b}
            for key, item in new_by.items():
                if key not in old_by:
                    self.add(f"{path}[{key}]", OTHER, f"{title}新增「{item_name(item)}」", None, item, loc)
            for key, item in old_by.items():
                if key not in new_by:
                    self.add(f"{path}[{key}]", OTHER, f"{title}删除「{item_name(item)}」", item, None, loc)
            for key, item in new_by.items():
                if key in old_by and not same(old_by[key], item):
                    for sub in type(item).model_fields:
                        x, y = getattr(old_by[key], sub), getattr(item, sub)
                        if not same(x, y):
                            self.generic(type(item), sub, x, y, f"{path}[{key}].{sub}", loc, prefix=f"{title}「{item_name(item)}」的")
            return
        long = isinstance(a, str) and isinstance(b, str) and len(a) + len(b) > 40
        text = f"{title}变更" if long else f"{title}：{show(a)}→{show(b)}"
        self.add(path, OTHER, text, a, b, loc, show_texts=long)

    def run(self) -> list[Change]:
        for name in Matter.model_fields:
            a, b = getattr(self.old, name), getattr(self.new, name)
            if same(a, b):
                continue
            handler = self.fields.get(name)
            if handler is not None:
                handler(self, a, b)
            elif name in self.lists:
                self.items(name, a, b)
            else:
                self.generic(Matter, name, a, b, name, (name,))
        return self.changes

    # --- lists of items matched by id
    def items(self, name: str, old_items: list, new_items: list) -> None:
        spec = self.lists[name]
        old_by = {item_key(item): item for item in old_items}
        new_index = {item_key(item): i for i, item in enumerate(new_items)}
        for i, item in enumerate(new_items):
            key = item_key(item)
            path, loc = f"{name}[{key}]", (name, i)
            if key not in old_by:
                effect, text = spec.added(self, item)
                self.add(path, effect, text, None, item, loc)
            elif not same(old_by[key], item):
                spec.changed(self, old_by[key], item, path, loc)
        for item in old_items:
            key = item_key(item)
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
