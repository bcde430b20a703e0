"""The import template: which sheets, which columns, and how a cell reads — generated from the
pydantic models, so a field added to the model is a column of the template at once.

* sheet ``事项``: one row per matter, one column per field of :class:`Matter` that is not a
  list of items; a nested model's fields are columns titled ``办理时限·承诺办结时限（工作日）``;
* one sheet per list of items of a matter, named by the field's title (``申请材料``,
  ``办理流程``, ``设定依据``, ``受理条件``, ``审批要点``, …): one row per item, linked to its
  matter by ``基本编码`` (``事项名称`` may follow, for people and as a check); the items of a
  matter are read in row order. An item's required list of parts is its rows: ``办理情形`` has one
  row per option, the situation's columns repeated on each of its rows;
* one sheet per optional list of parts of an item, named ``申请材料·按情形的份数`` (the item's
  sheet, then the field's title): one row per part, linked to its item by 基本编码 and the item's
  identifier column (``材料标识``), in row order;
* sheet ``实施清单``: one row per (matter, implementing agency) — the region by 区划代码
  and 地区名称, the agency's fields of :class:`~generator.model.region.Agency`, and the
  实施编码 it gives (written by the export, checked by the import).

A cell holds one value. Lists of fixed words or identifiers (层级, 适用情形, 后续环节 …) are
written ``市级、县级`` (any of 、，,；; or a line break separates); lists of free text
(检索关键词, 不计算在时限内的时间) one item per line. Yes/no is 是/否, dates YYYY-MM-DD.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from generator.load.messages import inner_model
from generator.model.matter import Matter
from generator.model.region import Agency, Region

MATTER_SHEET = "事项"
IMPLEMENTATION_SHEET = "实施清单"
CODE = Matter.model_fields["code"].title  # 基本编码
NAME = Matter.model_fields["name"].title  # 事项名称
DIVISION = Region.model_fields["code"].title  # 区划代码
REGION_NAME = Region.model_fields["name"].title  # 地区名称
IMPLEMENTATION_CODE = "实施编码"
WORD_SEPARATORS = re.compile(r"[、，,；;\s]+")
TRUE_WORDS = {"是", "必要", "true", "yes", "y", "1", "√", "✓"}
FALSE_WORDS = {"否", "非必要", "false", "no", "n", "0", "×", "✗"}


@dataclass(frozen=True)
class Column:
    header: str  # the cell text of the header row
    path: tuple[str, ...]  # where the value goes in the row's item (in its option, when ``sub``)
    kind: str  # text, int, float, bool, date, words (fixed words, ids) or lines (free text)
    required: bool
    description: str
    choices: tuple[str, ...] = ()
    sub: bool = False  # a field of the option (办理情形), not of the situation
    key: bool = False  # 基本编码 / 事项名称 of a list sheet: which matter the row belongs to
    derived: bool = False  # written by the export, checked (not read) by the import
    parent: bool = False  # 材料标识 of a part sheet (申请材料·按情形的份数): which item the row belongs to


@dataclass(frozen=True)
class Sheet:
    name: str
    field: str | None  # the Matter field its rows are items of; None for 事项 and 实施清单
    columns: tuple[Column, ...]
    description: str
    sub_field: str | None = None  # 办理情形: the rows are the options of the situations
    parts: bool = False  # 申请材料·按情形的份数: the rows are parts (sub_field) of the items of ``field``

    def column(self, header: str) -> Column | None:
        return next((c for c in self.columns if c.header == header), None)


def _strip_optional(annotation: Any) -> tuple[Any, Any]:
    """(the annotation without None, its type without Annotated metadata)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            annotation = args[0]
    bare = annotation
    while typing.get_origin(bare) is typing.Annotated:
        bare = typing.get_args(bare)[0]
    return annotation, bare


def _has_pattern(annotation: Any) -> bool:
    return any(getattr(meta, "pattern", None) for meta in getattr(annotation, "__metadata__", ()))


def _scalar_kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    annotation, bare = _strip_optional(annotation)
    if typing.get_origin(bare) is Literal:
        return "text", tuple(typing.get_args(bare))
    if bare is bool:
        return "bool", ()
    if bare is int:
        return "int", ()
    if bare is float:
        return "float", ()
    if bare is dt.date:
        return "date", ()
    return "text", ()


def _is_list(annotation: Any) -> bool:
    return typing.get_origin(_strip_optional(annotation)[1]) is list


def _list_kind(annotation: Any) -> tuple[str, tuple[str, ...]]:
    item = typing.get_args(_strip_optional(annotation)[1])[0]
    item, bare = _strip_optional(item)
    if typing.get_origin(bare) is Literal:
        return "words", tuple(typing.get_args(bare))
    return ("words" if _has_pattern(item) else "lines"), ()


def _columns(model: type[BaseModel], prefix: tuple[str, ...] = (), title_prefix: str = "", optional: bool = False, sub: bool = False) -> list[Column]:
    """The columns of a model's fields that are not lists of items (those are sheets or rows)."""
    columns = []
    for name, info in model.model_fields.items():
        title = title_prefix + (info.title or name)
        required = info.is_required() and not optional
        description = info.description or ""
        nested = inner_model(info.annotation)
        if nested is not None and _is_list(info.annotation):
            continue
        if nested is not None:
            columns += _columns(nested, prefix + (name,), f"{title}·", optional=optional or not info.is_required(), sub=sub)
            continue
        if _is_list(info.annotation):
            kind, choices = _list_kind(info.annotation)
        else:
            kind, choices = _scalar_kind(info.annotation)
        if choices:
            description = (description + " " if description else "") + "可选：" + "、".join(choices) + "。"
        columns.append(Column(title, prefix + (name,), kind, required, description, choices, sub=sub))
    return columns


def _required_list(info: Any) -> bool:
    return any(getattr(m, "min_length", 0) for m in info.metadata)


def _key_columns() -> list[Column]:
    return [
        Column(CODE, ("code",), "text", True, "本行所属事项的基本编码（与「事项」表一致）。", key=True),
        Column(NAME, ("name",), "text", False, "本行所属事项的名称，可不填；填写时须与「事项」表一致。", key=True),
    ]


def _build() -> tuple[Sheet, ...]:
    sheets = [Sheet(MATTER_SHEET, None, tuple(_columns(Matter)), "每个事项一行。")]
    for name, info in Matter.model_fields.items():
        item = inner_model(info.annotation)
        if item is None or not _is_list(info.annotation):
            continue
        own = _columns(item)
        columns = _key_columns() + own
        sub_field = None
        parts = []
        for sub_name, sub_info in item.model_fields.items():
            sub_model = inner_model(sub_info.annotation)
            if sub_model is None or not _is_list(sub_info.annotation):
                continue
            if sub_field is None and _required_list(sub_info):  # the rows of the sheet: one per option
                sub_field = sub_name
                columns += _columns(sub_model, (sub_name,), sub=True)
            else:
                parts.append((sub_name, sub_info, sub_model))
        how = "每个选项一行，同一情形的各行重复情形标识和问题" if sub_field else "每项一行，按行的先后排列"
        about = f"{info.description}" if info.description else ""
        title = info.title or name
        sheets.append(Sheet(title, name, tuple(columns), f"{how}，以基本编码对应事项。{about}", sub_field))
        for sub_name, sub_info, sub_model in parts:
            ident = next(c for c in own if c.path == ("id",))  # an item with parts has an identifier
            parent = Column(ident.header, ("id",), "text", True, f"本行所属的{title}：「{title}」表中该事项的{ident.header}。", parent=True)
            sub_title = sub_info.title or sub_name
            about = f"{sub_info.description}" if sub_info.description else ""
            sheets.append(
                Sheet(
                    f"{title}·{sub_title}",
                    name,
                    tuple(_key_columns() + [parent] + _columns(sub_model, (sub_name,), sub=True)),
                    f"每条一行，以基本编码和{ident.header}对应「{title}」表中的一项，按行的先后排列；没有的不填。{about}",
                    sub_name,
                    parts=True,
                )
            )
    agency = [c for c in _columns(Agency) if c.path != ("functions",)]
    region = [Column(DIVISION, ("division",), "text", True, Region.model_fields["code"].description or ""), Column(REGION_NAME, ("region_name",), "text", False, "地区目录中还没有该地区时必填。")]
    derived = Column(IMPLEMENTATION_CODE, ("implementation_code",), "text", False, "由导出写出，供核对；导入时只核对、不读取。", derived=True)
    sheets.append(
        Sheet(
            IMPLEMENTATION_SHEET,
            None,
            tuple(_key_columns() + region + agency + [derived]),
            "每个（事项，实施机关）一行：写入地区目录 regions.yml 中该地区的实施机关，不写入事项标准。",
        )
    )
    return tuple(sheets)


SHEETS: tuple[Sheet, ...] = _build()
SHEET_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


# --- one cell: from a value of the model, and back ----------------------------------------------

def cell_value(column: Column, value: Any) -> Any:
    """The value written into a cell (None: empty)."""
    if value is None or value == []:
        return None
    if column.kind == "bool":
        return "是" if value else "否"
    if column.kind == "words":
        return "、".join(value)
    if column.kind == "lines":
        return "\n".join(value)
    if column.kind == "float" and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．－", "0123456789.-")


def parse_cell(column: Column, value: Any) -> Any:
    """What a cell holds, as input for the model (lax: the model says what is wrong). Values the
    model cannot read are passed on as they are, so its message can show them."""
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
    if column.kind == "bool":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return True if text in TRUE_WORDS else False if text in FALSE_WORDS else str(value)
    if column.kind in ("int", "float"):
        if isinstance(value, str):
            return value.translate(_FULL_WIDTH_DIGITS).strip()
        return value
    if column.kind == "date":
        if isinstance(value, str):
            return value.strip()
        return value
    if column.kind in ("words", "lines"):
        text = _as_text(value)
        parts = WORD_SEPARATORS.split(text) if column.kind == "words" else text.split("\n")
        return [part.strip() for part in parts if part.strip()]
    return _as_text(value)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
