"""Reading the sheets of a spreadsheet into matters, remembering the cell of every value.

:class:`Located` holds one matter's input data (plain dicts and lists, as a YAML file would
give them) and, for every item, the row it came from; :meth:`Located.where` turns a field path
of the model (``("materials", 3, "copies")``) into the cell it was read from
(``申请材料!F12``), so the model's own messages point at the spreadsheet.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from generator.adopt.mapping import Mapping, SheetMapping
from generator.adopt.template import CODE, MATTER_SHEET, NAME, Column, Sheet, parse_cell
from generator.adopt.workbook import Book, CellProblem
from generator.load.messages import inner_model
from generator.model.matter import Matter
from generator.problems import Problem

# identifiers made from an item's name when a sheet has no column for them
ID_PREFIX = {
    "legal_basis": "basis", "situations": "situation", "options": "option", "conditions": "condition",
    "materials": "material", "review_points": "point", "steps": "step", "fees": "fee", "changes": "change",
}
NAME_FIELDS = ("name", "title", "text", "question", "label", "rule")


@dataclass
class SheetContext:
    layout: Sheet
    display: str  # file.xlsx:sheet
    index: dict[str, int]  # template header -> column number in the file
    key_column: int  # where a problem about a whole row points
    absent: set[str] = field(default_factory=set)  # required columns the file lacks (reported once)
    generated: bool = False  # the sheet has no column for its items' identifiers

    def has(self, column: Column) -> bool:
        return column.header in self.index


@dataclass
class Row:
    ctx: SheetContext
    number: int
    values: dict[str, Any]  # template header -> cell value (not yet parsed)

    def cell(self, header: str) -> tuple[str, int, int, str]:
        return self.ctx.display, self.number, self.ctx.index.get(header, self.ctx.key_column), header

    def problem(self, header: str, message: str) -> CellProblem:
        return CellProblem(*self.cell(header), message)


def _column_for(layout: Sheet, rest: tuple, sub: bool) -> Column | None:
    best = None
    for column in layout.columns:
        if column.key or column.derived or column.parent or column.sub != sub:
            continue
        path = column.path[1:] if sub else column.path
        if tuple(rest[: len(path)]) == path and (best is None or len(path) > len(best.path)):
            best = column
    return best


def _title(loc: tuple) -> str:
    """The Chinese title of the field a path ends in (for fields that have no column)."""
    model, title = Matter, ""
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        title = info.title or part
        model = inner_model(info.annotation)
    return title


class Located:
    """One matter read from the sheets: its data and the row of every item."""

    def __init__(self, code: str, row: Row):
        self.code = code
        self.name = None
        self.data: dict[str, Any] = {}
        self.rows: dict[tuple, Row] = {(): row}

    def where(self, loc: tuple) -> tuple[tuple[str, int, int, str], bool]:
        """(the cell a field path was read from, whether its column is missing from the file)."""
        loc = tuple(loc)
        for cut in range(len(loc), -1, -1):
            if loc[:cut] in self.rows:
                row, rest = self.rows[loc[:cut]], loc[cut:]
                break
        sub = len(loc[:cut]) == 4  # ("situations", i, "options", j)
        column = _column_for(row.ctx.layout, rest, sub)
        if column is None:
            return (row.ctx.display, row.number, row.ctx.key_column, _title(loc) or CODE), False
        return row.cell(column.header), column.header in row.ctx.absent

    def problem(self, loc: tuple, message: str) -> CellProblem:
        return CellProblem(*self.where(loc)[0], message)


def open_sheet(book: Book, layout: Sheet, mapping: SheetMapping | None, problems: list[Problem]):
    """The context of one template sheet in the file and its data rows; None if the file has no
    such sheet, False if it is too large to read (a problem says so)."""
    name = (mapping.sheet if mapping and mapping.sheet else None) or layout.name
    if name not in book.names:
        return None
    sheet = book.sheet(name)
    if sheet.rejected:
        return False
    header_row = mapping.header_row if mapping else 1
    headers: tuple = ()
    for number, values in sheet.rows:
        if number == header_row:
            headers = values
            break
    texts = [str(v).strip() if v is not None else "" for v in headers]
    sheet.headers[:] = texts
    index: dict[str, int] = {}
    renamed = dict(mapping.columns or {}) if mapping is not None else {}
    for template, wanted in renamed.items():
        if wanted in texts:
            index[template] = texts.index(wanted) + 1
        else:
            problems.append(CellProblem(sheet.display, header_row, 1, template, f"第 {header_row} 行没有映射文件所说的列「{wanted}」"))
    taken = set(renamed.values())
    for i, text in enumerate(texts, 1):
        if not text or text in taken:
            continue
        column = layout.column(text)
        if column is None or column.header in renamed:
            if mapping is None:
                problems.append(CellProblem(sheet.display, header_row, i, text, f"模板中没有这一列；「{layout.name}」表的列：{'、'.join(c.header for c in layout.columns)}（其他布局请用 --mapping 映射文件）"))
        elif text in index:
            problems.append(CellProblem(sheet.display, header_row, i, text, f"列名重复（第一次在 {index[text]} 列）"))
        else:
            index[text] = i
    ctx = SheetContext(layout, sheet.display, index, index.get(CODE, 1))
    fixed = dict(mapping.fixed) if mapping else {}
    for column in layout.columns:
        if not column.required or column.header in index or column.header in fixed:
            continue
        if mapping is not None and not column.parent and (column.path == ("id",) or (column.sub and column.path[1:] == ("id",))):
            ctx.generated = True  # a real export has no identifiers: they are made from the names
        elif column.key and NAME in index:
            continue  # linked to its matter by name
        else:
            ctx.absent.add(column.header)
            problems.append(CellProblem(sheet.display, header_row, 1, column.header, f"缺少必填的列「{column.header}」"))
    values_map = {k: {str(a): b for a, b in v.items()} for k, v in mapping.values.items()} if mapping else {}

    def rows():
        for number, values in sheet.rows:
            if number <= header_row or not any(v not in (None, "") for v in values):
                continue
            row = {}
            for header, at in index.items():
                value = values[at - 1] if at <= len(values) else None
                if value is not None and header in values_map:
                    value = values_map[header].get(str(value).strip(), value)
                row[header] = value
            for header, value in fixed.items():
                row[header] = value
            yield Row(ctx, number, row)

    return ctx, rows()


def item_data(row: Row, columns: list[Column], problems: list[Problem], sub: bool = False) -> dict:
    """The values of one row for the fields of its item (or of its option, with ``sub``)."""
    data: dict[str, Any] = {}
    for column in columns:
        if column.key or column.derived or column.parent or column.sub != sub:
            continue
        raw = row.values.get(column.header)
        if raw is None or raw == "":
            continue
        value = parse_cell(column, raw)
        if value == "" or value == []:
            continue
        path = column.path[1:] if sub else column.path
        target = data
        for part in path[:-1]:
            target = target.setdefault(part, {})
        target[path[-1]] = value
    return data


def make_id(field_name: str, item: dict, taken: set[str]) -> str:
    """A stable identifier from an item's name: the same name, the same identifier, in every file."""
    name = next((str(item[k]) for k in NAME_FIELDS if item.get(k)), "")
    base = f"{ID_PREFIX.get(field_name, 'item')}-{hashlib.sha1(name.encode('utf-8')).hexdigest()[:8]}"
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def row_code(row: Row, matters: dict[str, Located], names: dict[str, list[str]], previous: str | None, problems: list[Problem]) -> str | None:
    """Which matter a row of a list sheet belongs to: its 基本编码, else its 事项名称, else (a
    merged cell) the row above's."""
    code_column = row.ctx.layout.column(CODE)
    code = parse_cell(code_column, row.values[CODE]) if row.values.get(CODE) not in (None, "") else ""
    name = parse_cell(row.ctx.layout.column(NAME), row.values[NAME]) if row.values.get(NAME) not in (None, "") else ""
    if not code and name:
        found = names.get(name, [])
        if len(found) != 1:
            problems.append(row.problem(NAME, f"「{MATTER_SHEET}」表中{'没有' if not found else '有多个'}名为「{name}」的事项；请填写基本编码"))
            return None
        code = found[0]
    if not code:
        if previous is None:
            problems.append(row.problem(CODE, "必填，不能为空"))
        return previous
    if code not in matters:
        problems.append(row.problem(CODE, f"「{MATTER_SHEET}」表中没有基本编码为 {code} 的事项"))
        return None
    if name and matters[code].name and name != matters[code].name:
        problems.append(row.problem(NAME, f"与「{MATTER_SHEET}」表中该事项的名称「{matters[code].name}」不一致"))
    return code


def mapping_for(mapping: Mapping | None, name: str) -> SheetMapping | None:
    return mapping.sheets.get(name) if mapping else None
