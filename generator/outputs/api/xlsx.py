"""The published workbooks' XLSX files, written directly as Office Open XML (ECMA-376):
one sheet, a bold frozen header row with a filter on it, column widths fitted to the Chinese
text, and every text cell written as text.

Why not openpyxl here: every edit of a matter changes the three published workbooks
(catalogue, implementations, materials), and openpyxl builds a cell object per value. At
1,814 matters its write-only mode took 11.9 s of a one-edit rebuild for the three; this
writer makes the same sheets in about a twentieth of that (measured in the closing note of
issue 19). openpyxl also turned any text starting with ``=`` into a live formula, so a matter
named ``=HYPERLINK(...)`` became a link in the staff's workbook; here text is always an
inline string. (The adoption workbooks, with notes and drop-down lists, are still written
by openpyxl: :func:`generator.adopt.workbook.write_book`; they are written once per command,
not on every edit.)

Same input, same bytes: the document dates are the caller's stamp and every zip member
carries one fixed time."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import re
import zipfile
from typing import Any
from xml.sax.saxutils import escape, quoteattr

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
CREATOR = "政务服务办事指南"
MIN_WIDTH, MAX_WIDTH = 8, 50

# Characters XML 1.0 cannot hold, and a literal "_xHHHH_" (which a spreadsheet program would
# read as such an escape): both written as ECMA-376's ST_Xstring escapes (Part 1, 22.9.2.19).
_NEEDS_ESCAPE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_x[0-9A-Fa-f]{4}_")

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

_CONTENT_TYPES = _HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

_ROOT_RELS = _HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{_PKG_REL}/metadata/core-properties" Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)

_BOOK_RELS = _HEAD + (
    f'<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)

# Two cell formats: 0 plain, 1 bold (the header row). 等线 is the Chinese Office default
# body font; charset 134 is GB2312, so a program without it picks a Chinese face.
_STYLES = _HEAD + (
    f'<styleSheet xmlns="{_NS}">'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="等线"/><family val="2"/><charset val="134"/></font>'
    "</fonts>"
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA (a spreadsheet's column names)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _escape_char(match: re.Match[str]) -> str:
    found = match.group()
    if len(found) == 1:
        return f"_x{ord(found):04X}_"
    return "_x005F_" + found[1:]  # the underscore itself escaped: the text stays literal


def _inline(value: str) -> str:
    """A text cell's ``<is>`` element."""
    if _NEEDS_ESCAPE.search(value):
        value = _NEEDS_ESCAPE.sub(_escape_char, value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{value}</t></is>'
    return f"<is><t>{value}</t></is>"


def _cells(letters: list[str], number: int, row: list[Any], texts: dict[str, str], style: str = "") -> str:
    """One row's ``<c>`` elements: text as inline strings (never a formula), numbers and
    booleans as values, ``None`` and empty text as no cell. ``texts`` keeps each distinct
    text's element for the next rows (a workbook repeats most of its values)."""
    out = []
    for letter, value in zip(letters, row):
        kind = type(value)
        if kind is str:
            if value:
                element = texts.get(value)
                if element is None:
                    element = texts[value] = _inline(value)
                out.append(f'<c r="{letter}{number}"{style} t="inlineStr">{element}</c>')
        elif kind is int or kind is float:
            out.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
        elif kind is bool:
            out.append(f'<c r="{letter}{number}"{style} t="b"><v>{int(value)}</v></c>')
        elif value is not None:
            out.append(f'<c r="{letter}{number}"{style} t="inlineStr">{_inline(str(value))}</c>')
    return "".join(out)


# Characters that take two columns: the CJK ideographs, kana, hangul and the fullwidth
# forms (most of Unicode's East Asian Wide and Fullwidth classes; emoji and rare symbols are
# counted as one). A column width is a display hint, and a regular expression counts these
# about 20 times faster than asking ``unicodedata`` for every character.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def display_width(value: Any) -> int:
    """Columns a value takes in a spreadsheet: a Chinese character is two, a Latin one (the
    longest line of a text that has several)."""
    text = "" if value is None else str(value)
    return max(len(line) + len(_WIDE.findall(line)) for line in text.split("\n"))


def _widths(headers: list[str], rows: list[list[Any]]) -> list[int]:
    """Each column as wide as its widest value, between MIN_WIDTH and MAX_WIDTH."""
    columns = max([len(headers), *(len(r) for r in rows)])
    widths = []
    for i, column in enumerate(itertools.zip_longest(*rows) if rows else [()] * columns):
        best = display_width(headers[i]) + 2 if i < len(headers) else 0  # room for the filter button
        distinct = set(column)
        distinct.discard(None)
        texts = [v if type(v) is str else str(v) for v in distinct]
        # longest first: a value of n characters is at most 2n columns wide, so the search
        # stops at the first one that cannot be wider than the widest so far
        texts.sort(key=len, reverse=True)
        for text in texts:
            if best >= MAX_WIDTH or 2 * len(text) <= best:
                break
            best = max(best, display_width(text))
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, best + 1)))
    return widths


def _sheet(headers: list[str], rows: list[list[Any]]) -> str:
    columns = max([len(headers), *(len(r) for r in rows)]) if headers or rows else 1
    letters = [column_letter(i + 1) for i in range(columns)]
    last = f"{letters[-1]}{len(rows) + 1}"
    parts = [
        _HEAD,
        f'<worksheet xmlns="{_NS}" xmlns:r="{_REL}">',
        f'<dimension ref="A1:{last}"/>',
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>",
        '<sheetFormatPr defaultRowHeight="15"/>',
        "<cols>",
        *(f'<col min="{i + 1}" max="{i + 1}" width="{w}" customWidth="1"/>' for i, w in enumerate(_widths(headers, rows))),
        "</cols>",
        "<sheetData>",
        '<row r="1">' + _cells(letters, 1, headers, {}, ' s="1"') + "</row>",
    ]
    texts: dict[str, str] = {}
    parts.extend(f'<row r="{number}">{_cells(letters, number, row, texts)}</row>' for number, row in enumerate(rows, 2))
    parts += ["</sheetData>", f'<autoFilter ref="A1:{last}"/>', "</worksheet>"]
    return "".join(parts)


def _workbook(title: str, filter_range: str) -> str:
    sheet_ref = "'" + title.replace("'", "''") + "'"
    return _HEAD + (
        f'<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        '<bookViews><workbookView activeTab="0"/></bookViews>'
        f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{escape(sheet_ref)}!{filter_range}</definedName></definedNames>"
        "</workbook>"
    )


def _core(stamp: dt.datetime) -> str:
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return _HEAD + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{escape(CREATOR)}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{iso}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{iso}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def _app() -> str:
    return _HEAD + (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>{escape(CREATOR)}</Application></Properties>"
    )


def workbook_bytes(title: str, headers: list[str], rows: list[list[Any]], stamp: dt.datetime) -> bytes:
    """One sheet named ``title``: the bold header row, then ``rows`` (text, numbers, booleans;
    ``None`` and empty text leave the cell empty)."""
    columns = max([len(headers), *(len(r) for r in rows)]) if headers or rows else 1
    filter_range = f"$A$1:${column_letter(columns)}${len(rows) + 1}"
    members = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/app.xml", _app()),
        ("docProps/core.xml", _core(stamp)),
        ("xl/workbook.xml", _workbook(title, filter_range)),
        ("xl/_rels/workbook.xml.rels", _BOOK_RELS),
        ("xl/styles.xml", _STYLES),
        ("xl/worksheets/sheet1.xml", _sheet(headers, rows)),
    ]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in members:
            book.writestr(zipfile.ZipInfo(name, date_time=ZIP_TIME), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
