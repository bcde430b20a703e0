"""The published workbooks' XLSX writer (generator/outputs/api/xlsx.py), read back with
openpyxl and an XML parser, not with the code that wrote them."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from generator.outputs.api.xlsx import column_letter, display_width, workbook_bytes

STAMP = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.timezone.utc)
HEADERS = ["基本编码", "事项名称", "份数", "说明"]
ROWS = [
    ["11350100MB0000001", "食品经营许可（新办）", 1, "营业执照复印件"],
    ["11350100MB0000002", '=HYPERLINK("http://example.com","点此")', 2, None],
    ["11350100MB0000003", "+1 -1 @SUM(A1)", 0, ""],
    ["11350100MB0000004", "<b>&amp;</b> ]]> \"'", 3, "  前后有空格  "],
    ["11350100MB0000005", "第一行\n第二行", 2.5, True],
]


def _open(data: bytes):
    return load_workbook(io.BytesIO(data)).worksheets[0]


def test_cells_read_back_as_written_text_never_a_formula():
    sheet = _open(workbook_bytes("申请材料", HEADERS, ROWS, STAMP))
    assert sheet.title == "申请材料"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    assert values[1:] == [[None if v == "" else v for v in row] for row in ROWS]
    formula_like = sheet["B3"]
    assert formula_like.data_type == "s" and formula_like.value.startswith("=HYPERLINK")
    assert sheet["C2"].data_type == "n" and sheet["D6"].data_type == "b"
    assert sheet["D3"].value is None and sheet["D4"].value is None


def test_header_bold_and_frozen_with_a_filter_and_fitted_widths():
    sheet = _open(workbook_bytes("申请材料", HEADERS, ROWS, STAMP))
    assert [c.font.b for c in sheet[1]] == [True] * 4
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D6"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    # the code column fits its 17 characters, the name column its widest Chinese value
    # (=HYPERLINK(...) is 37 characters, two of them Chinese: 39 columns, 40 with the
    # margin), 份数 the least width, 说明 its longest value (14 columns for 前后有空格 and
    # the four spaces, 15 with the margin)
    assert widths == {"A": 18, "B": 40, "C": 8, "D": 15}


def test_every_member_is_well_formed_xml_with_fixed_times():
    data = workbook_bytes("实施清单", HEADERS, ROWS, STAMP)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        assert book.testzip() is None
        names = book.namelist()
        assert names[0] == "[Content_Types].xml"
        for info in book.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            ElementTree.fromstring(book.read(info.filename))
        core = book.read("docProps/core.xml").decode("utf-8")
    assert core.count("2026-11-03T08:30:00Z") == 2
    assert "政务服务办事指南" in core


def test_same_input_same_bytes_and_a_changed_cell_changes_them():
    first = workbook_bytes("事项目录", HEADERS, ROWS, STAMP)
    assert workbook_bytes("事项目录", HEADERS, [list(r) for r in ROWS], STAMP) == first
    changed = [list(r) for r in ROWS]
    changed[0][1] = "食品经营许可（变更）"
    assert workbook_bytes("事项目录", HEADERS, changed, STAMP) != first


def test_text_xml_cannot_hold_is_written_as_the_standards_escape():
    data = workbook_bytes("表", ["甲"], [["a\x01b"], ["_x0041_"], ["\ufffe"]], STAMP)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # a control character as _x0001_, and a literal "_x0041_" with its underscore escaped,
    # so a spreadsheet program shows it as typed instead of as "A" (ECMA-376 22.9.2.19)
    assert "<t>a_x0001_b</t>" in sheet and "<t>_x005F_x0041_</t>" in sheet and "<t>_xFFFE_</t>" in sheet
    ElementTree.fromstring(sheet.encode("utf-8"))


def test_a_sheet_name_with_a_quote_is_quoted_in_the_filter_range():
    data = workbook_bytes("张三's 表", ["甲"], [["乙"]], STAMP)
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        workbook = book.read("xl/workbook.xml").decode("utf-8")
    assert "'张三''s 表'!$A$1:$A$2</definedName>" in workbook
    assert _open(data).title == "张三's 表"


def test_an_empty_table_is_a_header_row():
    sheet = _open(workbook_bytes("空表", HEADERS, [], STAMP))
    assert [list(r) for r in sheet.iter_rows(values_only=True)] == [HEADERS]
    assert sheet.auto_filter.ref == "A1:D1"


@pytest.mark.parametrize("index,letters", [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"), (703, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize("value,width", [("食品", 4), ("ab", 2), ("（新办）", 8), ("食\nabcde", 5), (12345, 5), (None, 0), ("", 0), ("Ａ１", 4)])
def test_display_width_counts_chinese_as_two(value, width):
    assert display_width(value) == width
