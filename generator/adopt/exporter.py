"""`guides export --xlsx` and `guides import --template`: the standards in the import template.

The export writes every matter of the catalogue in the layout of :mod:`generator.adopt.template`
(and the 实施清单 of the region directory: one row per implementation, with its 实施编码), so
that importing the file gives the same matter files again. The template is the same workbook
without rows. Both start with a sheet 填表说明 that lists every column with its description.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.adopt.template import IMPLEMENTATION_SHEET, MATTER_SHEET, SHEET_BY_NAME, SHEETS, Column, Sheet, cell_value
from generator.adopt.workbook import OutSheet, write_book
from generator.model.matter import Matter
from generator.problems import UsageError

GUIDE_SHEET = "填表说明"


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _row(columns: tuple[Column, ...], key: Matter | None, item: Any, sub: Any = None) -> list[Any]:
    row = []
    for column in columns:
        if column.key:
            value = _get(key, column.path)
        elif column.sub:
            value = _get(sub, column.path[1:])
        else:
            value = _get(item, column.path)
        row.append(cell_value(column, value))
    return row


def sheet_rows(layout: Sheet, matters: list[Matter]) -> Iterator[list[Any]]:
    """The rows of one sheet of the template for these matters (not 实施清单)."""
    for matter in matters:
        if layout.name == MATTER_SHEET:
            yield _row(layout.columns, None, matter)
            continue
        for item in getattr(matter, layout.field):
            if layout.sub_field is None:
                yield _row(layout.columns, matter, item)
            else:
                for option in getattr(item, layout.sub_field):
                    yield _row(layout.columns, matter, item, option)


def implementation_rows(layout: Sheet, matters: list[Matter], directory) -> Iterator[list[Any]]:
    for matter in matters:
        for implementation in directory.implementations(matter):
            row = []
            for column in layout.columns:
                if column.key:
                    value = _get(matter, column.path)
                elif column.path == ("division",):
                    value = implementation.place.code
                elif column.path == ("region_name",):
                    value = implementation.place.region.name
                elif column.path == ("implementation_code",):
                    value = implementation.code
                else:
                    value = _get(implementation.agency, column.path)
                row.append(cell_value(column, value))
            yield row


def _guide() -> OutSheet:
    rows = []
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", sheet.description])
        for column in sheet.columns:
            rows.append(["", column.header, "必填" if column.required else "", column.description])
    rows.append(["", "", "", ""])
    rows.append(["写法", "", "", "列表写在一个单元格：固定词语和标识用顿号分隔（市级、县级），自由文字每行一项；是/否；日期 YYYY-MM-DD；以 = + - @ 开头的内容按文字读取，不计算。"])
    return OutSheet(GUIDE_SHEET, ["表", "列", "必填", "说明"], ["", "", "", ""], rows, widths=[14, 36, 8, 100])


def _out(layout: Sheet, rows) -> OutSheet:
    return OutSheet(
        layout.name,
        [c.header for c in layout.columns],
        [("必填。" if c.required else "") + c.description for c in layout.columns],
        rows,
        choices=[c.choices if c.choices and c.kind == "text" else () for c in layout.columns],
        text_columns=frozenset(i for i, c in enumerate(layout.columns) if c.kind != "int" and c.kind != "float" and c.kind != "date"),
    )


def workbook_sheets(matters: list[Matter], implementations=()) -> list[OutSheet]:
    """The sheets of the template filled with these matters and 实施清单 rows."""
    matters = sorted(matters, key=lambda m: m.code)
    sheets = [_guide()]
    for layout in SHEETS:
        rows = implementations if layout.name == IMPLEMENTATION_SHEET else sheet_rows(layout, matters)
        sheets.append(_out(layout, rows))
    return sheets


def write_workbook(path: Path, matters: list[Matter], directory=None) -> None:
    """The template filled with these matters (and the implementations of ``directory``)."""
    matters = sorted(matters, key=lambda m: m.code)
    rows = implementation_rows(SHEET_BY_NAME[IMPLEMENTATION_SHEET], matters, directory) if directory is not None else []
    write_book(path, workbook_sheets(matters, rows))


def write_template(path: Path) -> None:
    write_workbook(path, [])


def cmd_export(args: argparse.Namespace) -> int:
    from generator.load.corpus import load_corpus

    target = Path(args.xlsx)
    if target.suffix.lower() != ".xlsx":
        raise UsageError(f"--xlsx 需要 .xlsx 文件名，实际为 {target}")
    corpus = load_corpus(Path(args.matters))
    write_workbook(target, list(corpus.matters.values()), corpus.directory)
    count = sum(len(corpus.directory.implementations(m)) for m in corpus.matters.values())
    print(f"exported {len(corpus.matters)} matters and {count} implementations to {target}", file=sys.stderr)
    return 0
