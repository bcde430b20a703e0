"""Spreadsheets in and out: every cell read is untrusted text.

Reading (XLSX with python-calamine, which is fast; CSV in UTF-8, UTF-8 with BOM or GB 18030, as
Chinese Excel saves it) never evaluates anything: a text cell that starts with ``=``, ``+``,
``-`` or ``@`` is that text, and a formula cell of an XLSX file is a problem (neither its formula
nor the result Excel cached is taken for the value). A cell with a control
character, a cell longer than Excel allows, a sheet longer than :data:`MAX_ROWS`, a file
larger than :data:`MAX_BYTES` (or an XLSX that would unpack to more than
:data:`MAX_UNPACKED`) is a positioned problem, never a traceback.

Writing (template, export, audit report; openpyxl, write-only) makes every text cell a text
cell — a value that starts with ``=`` is never written as a formula.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.outputs.api.xlsx import column_letter
from generator.problems import Problem

MAX_BYTES = 200 * 1024 * 1024
MAX_UNPACKED = 256 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200
MAX_CELL = 32_767  # Excel's own limit for one cell
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
_CONTROL_NAMES = {"\t": "制表符", "\x00": "空字符"}


@dataclass(frozen=True)
class CellProblem(Problem):
    """A problem in a spreadsheet: ``path`` is ``file.xlsx:sheet`` (or the file alone), ``line``
    the row and ``column`` the column number; shown as ``file.xlsx:sheet!C12: field: message``.
    Sorted with the other problems of a run (a YAML file's, say) by file, row and column."""

    def _key(self, other: Problem) -> tuple[tuple, tuple]:
        return (self.path, self.line, self.column, self.field, self.message), (other.path, other.line, other.column, other.field, other.message)

    def __lt__(self, other: Problem) -> bool:
        mine, theirs = self._key(other)
        return mine < theirs

    def __gt__(self, other: Problem) -> bool:
        mine, theirs = self._key(other)
        return mine > theirs

    def __str__(self) -> str:
        where = f"{self.path}!{column_letter(self.column)}{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


@dataclass
class SheetRows:
    """One sheet: its name, where problems in it are reported, and its rows (read once, lazily)."""

    name: str
    display: str  # file.xlsx:sheet
    rows: Iterator[tuple[int, tuple]]  # (row number, cell values)
    headers: list[str]  # the header row's texts, once read: problems in a cell name its column
    rejected: bool = False  # too large to read at all (a problem says so)


class Book:
    """The sheets of one spreadsheet file (an XLSX workbook, or CSV files, one per sheet)."""

    def __init__(self, display: str, sheets: dict[str, Any], closer=None):
        self.display = display
        self._sheets = sheets  # name -> a function giving its SheetRows
        self._closer = closer

    @property
    def names(self) -> list[str]:
        return list(self._sheets)

    def sheet(self, name: str) -> SheetRows:
        return self._sheets[name]()

    def close(self) -> None:
        if self._closer is not None:
            self._closer()


def clean_cell(value: Any, where: tuple[str, int, int, str], problems: list[Problem]) -> Any:
    """A cell's value made safe to carry: text with line breaks normalised, checked for control
    characters and length (a problem, and the value without them, so that nothing else is
    said about the cell); numbers, booleans and dates as they are; anything else as its text."""
    if value is None or value == "" or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value if value != "" else None
    if isinstance(value, (dt.time, dt.timedelta)):
        return str(value)
    if not isinstance(value, str):  # array formulas and other objects: their text, never evaluated
        value = str(getattr(value, "text", None) or value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    display, row, column, header = where
    if len(value) > MAX_CELL:
        problems.append(CellProblem(display, row, column, header, f"单元格有 {len(value)} 个字符，超过 {MAX_CELL} 个的上限"))
        value = value[:MAX_CELL]
    bad = _CONTROL.search(value)
    if bad:
        char = bad.group(0)
        name = _CONTROL_NAMES.get(char, "控制字符")
        problems.append(CellProblem(display, row, column, header, f"含有{name} U+{ord(char):04X}（第 {bad.start() + 1} 个字符）；请删除后再导入"))
        value = _CONTROL.sub("", value)
    return value


def _limited(display: str, rows: Iterator[tuple], problems: list[Problem], headers: list[str], formulas: dict | None = None) -> Iterator[tuple[int, tuple]]:
    """Rows numbered from 1, cleaned, trailing empty cells dropped; stops (with a problem) at the limits."""
    for number, values in enumerate(rows, 1):
        if number > MAX_ROWS:
            problems.append(CellProblem(display, number, 1, "", f"工作表超过 {MAX_ROWS} 行，未读取其余各行；请拆分为多个文件导入"))
            return
        values = tuple(values)
        while values and (values[-1] is None or values[-1] == ""):
            values = values[:-1]
        if len(values) > MAX_COLUMNS:
            problems.append(CellProblem(display, number, MAX_COLUMNS + 1, "", f"超过 {MAX_COLUMNS} 列，多出的列未读取"))
            values = values[:MAX_COLUMNS]
        for (row, column), formula in (formulas or {}).get(number, {}).items():
            header = headers[column - 1] if column <= len(headers) else ""
            problems.append(CellProblem(display, row, column, header, f"单元格是公式「={formula}」：导入不计算公式，也不取它的结果；请改为文字或数值（复制后“选择性粘贴为数值”）"))
            if column <= len(values):
                values = values[: column - 1] + (None,) + values[column:]
        yield number, tuple(clean_cell(v, (display, number, i, headers[i - 1] if i <= len(headers) else ""), problems) for i, v in enumerate(values, 1))


def open_book(path: Path, display: str, problems: list[Problem], csv_sheet: str | None = None, csv_siblings: list[str] = ()) -> Book | None:
    """Open an XLSX or CSV file; None (with a problem) if it cannot be read at all.

    A CSV file is one sheet: ``csv_sheet``, or else its file name without ``.csv``. The CSV
    files beside it named after ``csv_siblings`` (e.g. ``申请材料.csv``) are the other sheets."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(CellProblem(display, 0, 0, "", f"无法读取文件：{exc.strerror}"))
        return None
    if size > MAX_BYTES:
        problems.append(CellProblem(display, 0, 0, "", f"文件有 {size // (1024 * 1024)} MB，超过 {MAX_BYTES // (1024 * 1024)} MB 的上限；请拆分后导入"))
        return None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _open_csv(path, display, problems, csv_sheet, csv_siblings)
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(path, display, problems)
    problems.append(CellProblem(display, 0, 0, "", "只能导入 .xlsx 或 .csv 文件（.xls 请先在 Excel 或 WPS 中另存为 .xlsx）"))
    return None


def _open_xlsx(path: Path, display: str, problems: list[Problem]) -> Book | None:
    from python_calamine import CalamineWorkbook

    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            if unpacked > MAX_UNPACKED:
                problems.append(CellProblem(display, 0, 0, "", f"解压后超过 {MAX_UNPACKED // (1024 * 1024)} MB，拒绝读取；请拆分后导入"))
                return None
            formulas = _formula_cells(archive)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        problems.append(CellProblem(display, 0, 0, "", "不是有效的 XLSX 文件（无法按 zip 格式打开）"))
        return None
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own kinds for a damaged file
        problems.append(CellProblem(display, 0, 0, "", f"不是有效的 XLSX 文件（{type(exc).__name__}）"))
        return None

    def reader(name: str):
        def rows() -> SheetRows:
            where, headers = f"{display}:{name}", []
            try:
                sheet = workbook.get_sheet_by_name(name)
                if sheet.height * max(sheet.width, 1) > MAX_ROWS * MAX_COLUMNS:
                    problems.append(CellProblem(where, 0, 0, "", f"工作表有 {sheet.height} 行 {sheet.width} 列，超过上限；请拆分为多个文件导入"))
                    return SheetRows(name, where, iter(()), headers, rejected=True)
                cells = sheet.to_python(skip_empty_area=False)
            except Exception as exc:  # a damaged sheet: said, never a traceback
                problems.append(CellProblem(where, 0, 0, "", f"工作表无法读取（{type(exc).__name__}）"))
                return SheetRows(name, where, iter(()), headers, rejected=True)
            return SheetRows(name, where, _limited(where, iter(cells), problems, headers, formulas.get(name)), headers)

        return rows

    return Book(display, {name: reader(name) for name in workbook.sheet_names})


_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"')
_RELATION = re.compile(rb'<(?:\w+:)?Relationship\b[^>]*>')
_FORMULA = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*>\s*<(?:\w+:)?f\b[^>]*?(?:/>|>([^<]*)</(?:\w+:)?f>)')


def _formula_cells(archive: zipfile.ZipFile) -> dict[str, dict[int, dict[tuple[int, int], str]]]:
    """Where an XLSX workbook has formulas: sheet -> row -> {(row, column): formula text}.

    A formula is never evaluated, and its cached result is not taken for the value either."""
    import html

    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return {}
    targets = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for tag in _RELATION.findall(archive.read("xl/_rels/workbook.xml.rels")):
            ident, target = re.search(rb'\bId="([^"]*)"', tag), re.search(rb'\bTarget="([^"]*)"', tag)
            if ident and target:
                part = target.group(1).decode().lstrip("/")
                targets[ident.group(1)] = part if part.startswith("xl/") else "xl/" + part
    found: dict[str, dict[int, dict[tuple[int, int], str]]] = {}
    for name, ident in _SHEET.findall(archive.read("xl/workbook.xml")):
        part = targets.get(ident)
        if part not in names:
            continue
        data = archive.read(part)
        if b"<f" not in data and b":f" not in data:
            continue
        cells: dict[int, dict[tuple[int, int], str]] = {}
        for letters, row, formula in _FORMULA.findall(data):
            column = 0
            for letter in letters.decode():
                column = column * 26 + ord(letter) - 64
            number = int(row)
            cells.setdefault(number, {})[(number, column)] = html.unescape((formula or b"").decode("utf-8", "replace"))
        found[html.unescape(name.decode("utf-8"))] = cells
    return found


def _decode(data: bytes) -> str | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _open_csv(path: Path, display: str, problems: list[Problem], csv_sheet: str | None, siblings: list[str]) -> Book | None:
    files = {csv_sheet or path.stem: (path, display)}
    if siblings:
        for name in siblings:
            other = path.with_name(f"{name}.csv")
            if name not in files and other.is_file():
                files[name] = (other, str(Path(display).with_name(other.name)))

    def reader(name: str, file: Path, shown: str):
        def rows() -> SheetRows:
            where, headers = f"{shown}:{name}", []
            data = file.read_bytes()
            text = _decode(data) if len(data) <= MAX_BYTES else None
            if text is None:
                problems.append(CellProblem(shown, 0, 0, "", "文件编码无法识别：请存为 UTF-8（或 GB 18030）编码的 CSV" if len(data) <= MAX_BYTES else "文件过大"))
                return SheetRows(name, where, iter(()), headers)
            return SheetRows(name, where, _limited(where, _csv_rows(text, where, problems), problems, headers), headers)

        return rows

    return Book(display, {name: reader(name, file, shown) for name, (file, shown) in files.items()})


def _csv_rows(text: str, where: str, problems: list[Problem]) -> Iterator[list[str]]:
    rows = csv.reader(io.StringIO(text, newline=""))
    number = 0
    while True:
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(CellProblem(where, number + 1, 1, "", f"CSV 格式错误：{exc}"))
            return
        number += 1
        yield [cell if cell != "" else None for cell in row]


# --- writing -----------------------------------------------------------------------------------

@dataclass
class OutSheet:
    """A sheet to write: a header row (with a note per header), then rows of values."""

    name: str
    headers: list[str]
    notes: list[str]
    rows: Iterator[list[Any]] | list[list[Any]]
    widths: list[int] | None = None
    choices: list[tuple[str, ...]] | None = None  # per column: a drop-down list in the template
    text_columns: frozenset[int] = frozenset()  # 0-based columns kept as text (codes with leading zeros)


def write_book(path: Path, sheets: list[OutSheet]) -> None:
    """Write an XLSX file: bold frozen headers with their notes as comments, text as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook(write_only=True)
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    for out in sheets:
        sheet = workbook.create_sheet(out.name)
        sheet.freeze_panes = "A2"
        for i, header in enumerate(out.headers):
            width = out.widths[i] if out.widths else min(60, max(10, 2 * len(header) + 2))
            sheet.column_dimensions[column_letter(i + 1)].width = width
        for i, options in enumerate(out.choices or []):
            if options:
                rule = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True)
                rule.add(f"{column_letter(i + 1)}2:{column_letter(i + 1)}{MAX_ROWS}")
                sheet.data_validations.append(rule)
        header_cells = []
        for header, note in zip(out.headers, out.notes):
            cell = WriteOnlyCell(sheet, value=header)
            cell.font = bold
            if note:
                cell.comment = Comment(note, "guides", width=320, height=140)
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in out.rows:
            cells = []
            for i, value in enumerate(row):
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    if "\n" in value:
                        cell.alignment = wrap
                    if i in out.text_columns:
                        cell.number_format = "@"
                elif isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            sheet.append(cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
