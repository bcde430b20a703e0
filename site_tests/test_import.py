"""`guides import`: 事项清单 spreadsheets (XLSX, CSV, other layouts through a mapping file) into
canonical matter files and regions.yml — all problems at once, positioned in Chinese, nothing
written when there is any."""

from __future__ import annotations

import re

import csv
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.adopt import workbook
from generator.adopt.exporter import write_workbook
from generator.adopt.template import SHEETS
from generator.cli import main
from generator.domain.laws import cited_matter
from generator.model.matter import Material, Matter
from generator.review.sides import read_directory, validate_side

ROOT = Path(__file__).resolve().parents[1]
ADOPT = Path(__file__).parent / "fixtures" / "adopt"
STANDARD = ADOPT / "standard"
FOOD, PROPERTY = "000117012000", "000111010000"
SAMPLES = sorted((ROOT / "matters").glob("[0-9A-Z]*.yml"))


def matters_of(directory: Path) -> dict[str, Matter]:
    """The matters of a directory as their files write them (citations of the register unresolved)."""
    side = validate_side(read_directory(directory, str(directory)))
    assert not side.problems, side.problems
    return {code: cited_matter(matter, side.laws) for code, matter in side.matters.items()}


def problems(capsys) -> list[str]:
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"共 \d+ 个问题", err[-1]), err[-1]
    return err[:-1]


def column(sheet, header: str) -> int:
    return [c.value for c in sheet[1]].index(header) + 1


def row_of(sheet, code: str, ident: str | None = None, header: str = "材料标识") -> int:
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, 1).value == code and (ident is None or sheet.cell(row, column(sheet, header)).value == ident):
            return row
    raise AssertionError((code, ident))


@pytest.fixture
def filled(tmp_path: Path, monkeypatch) -> Path:
    """The template filled with the two matters of the fixture's standard, in a work directory."""
    monkeypatch.chdir(tmp_path)
    write_workbook(tmp_path / "filled.xlsx", list(matters_of(STANDARD).values()))
    return tmp_path / "filled.xlsx"


def test_the_template_has_a_sheet_per_part_with_the_models_titles(tmp_path):
    assert main(["import", "--template", str(tmp_path / "t.xlsx")]) == 0
    book = load_workbook(tmp_path / "t.xlsx")
    assert book.sheetnames == [
        "填表说明", "事项", "设定依据", "办理情形", "受理条件", "申请材料", "申请材料·按情形的份数", "中介服务", "容缺受理",
        "审批要点", "办理流程", "特别程序", "收费标准", "变更记录", "规则豁免", "实施清单",
    ]
    materials = [c.value for c in book["申请材料"][1]]
    assert materials == [
        "基本编码", "事项名称", "材料标识", "材料名称", "材料形式", "份数", "来源渠道", "来源说明", "是否必要", "适用情形", "同时适用情形",
        "材料规格", "受理标准", "填报须知", "材料依据", "空白表格", "示例样表", "共享数据替代·可替代的电子证照或共享数据", "共享数据替代·说明",
    ]
    assert materials[5] == Material.model_fields["copies"].title  # one source: the model
    # a material's copies by situation: one row per rule, linked to its material by 材料标识
    assert [c.value for c in book["申请材料·按情形的份数"][1]] == ["基本编码", "事项名称", "材料标识", "适用情形", "份数"]
    # a legal basis cites the register (法规库标识 + 条款) or is written out (法律法规名称 …)
    assert [c.value for c in book["设定依据"][1]] == ["基本编码", "事项名称", "标识", "法规库标识", "引用版本", "法律法规名称", "文号", "条款", "条文摘录"]
    assert [c.value for c in book["办理流程"][1]][:5] == ["基本编码", "事项名称", "环节标识", "环节名称", "办理人员"]
    assert [c.value for c in book["实施清单"][1]] == ["基本编码", "事项名称", "区划代码", "地区名称", "实施机关", "统一社会信用代码", "统一社会信用代码已核实", "咨询电话", "网上办理地址", "行政复议机关", "行政诉讼管辖法院", "机关代字", "实施编码"]
    # every field of the model is a column of some sheet: one source, nothing hand-listed
    headers = {(sheet.title, c.value) for sheet in book.worksheets[1:] for c in sheet[1]}
    for title in ("告知承诺制·承诺内容", "权力属性·权力来源", "办理方式·办件类型", "办理结果·证照有效期", "数量限制", "业务办理项编码", "事项状态"):
        assert ("事项", title) in headers, title
    assert ("办理情形", "可多选") in headers and ("受理条件", "同时适用情形") in headers and ("收费标准", "金额上限（元）") in headers
    assert book["申请材料"]["F1"].comment.text.startswith("需提交的份数")
    assert book["事项"].max_row == 1  # no rows: an empty template
    assert main(["import", "--template", str(tmp_path / "t.xlsx")]) == 2  # never overwritten without --force


def test_the_17_sample_matters_from_the_filled_template_are_byte_identical(tmp_path):
    assert len(SAMPLES) >= 17  # the sample catalogue
    write_workbook(tmp_path / "samples.xlsx", list(matters_of(ROOT / "matters").values()))
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "samples.xlsx")]) == 0
    for path in SAMPLES:
        assert (tmp_path / "out" / path.name).read_bytes() == path.read_bytes(), path.name
    assert main(["fmt", "--check", str(tmp_path / "out")]) == 0


def test_wrong_cells_give_exact_positioned_problems_and_nothing_is_written(filled, capsys):
    book = load_workbook(filled)
    matters, materials, steps = book["事项"], book["申请材料"], book["办理流程"]
    matters.cell(row_of(matters, FOOD), column(matters, "办理时限·承诺办结时限（工作日）"), "五个工作日")
    matters.cell(row_of(matters, PROPERTY), column(matters, "生效日期"), "2026/13/01")
    materials.cell(row_of(materials, FOOD, "business-license"), column(materials, "份数"), "两份")
    materials.cell(row_of(materials, FOOD, "layout-plan"), column(materials, "材料形式"), "纸质")
    materials.cell(row_of(materials, PROPERTY, "sale-contract"), column(materials, "材料名称"), "存量房买卖_x0007_合同")
    materials.cell(row_of(materials, PROPERTY, "tax-receipt"), column(materials, "受理标准"), '=CONCATENATE("完税","凭证")')
    materials.cell(row_of(materials, PROPERTY, "marriage-status"), 1, "999999999999")
    steps.cell(row_of(steps, FOOD, "review", "环节标识"), column(steps, "后续环节"), "approve")
    book.save("bad.xlsx")
    assert main(["--matters", "out", "import", "bad.xlsx"]) == 1
    assert problems(capsys) == [
        "bad.xlsx:事项!AZ2: 生效日期: 应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026/13/01」",
        "bad.xlsx:事项!A3: 办理流程: 应有且只有一个起始环节（受理），实际有 2 个：inspection、intake",
        "bad.xlsx:事项!AA3: 办理时限·承诺办结时限（工作日）: 应为整数，实际为「五个工作日」；请只写阿拉伯数字，如 5",
        "bad.xlsx:办理流程!I8: 后续环节: 环节「approve」不存在；可选：intake、review、inspection、decision、delivery",
        "bad.xlsx:审批要点!D7: 针对: 「marriage-status」既不是本事项材料的标识，也不是受理条件的标识",
        "bad.xlsx:申请材料!D5: 材料名称: 含有控制字符 U+0007（第 6 个字符）；请删除后再导入",
        'bad.xlsx:申请材料!M6: 受理标准: 单元格是公式「=CONCATENATE("完税","凭证")」：导入不计算公式，也不取它的结果；请改为文字或数值（复制后“选择性粘贴为数值”）',
        "bad.xlsx:申请材料!A7: 基本编码: 「事项」表中没有基本编码为 999999999999 的事项",
        "bad.xlsx:申请材料!F13: 份数: 应为正整数，实际为「两份」；请只写阿拉伯数字，如 2",
        "bad.xlsx:申请材料!E14: 材料形式: 应为以下之一：原件、复印件、电子件、电子证照、原件和复印件；实际为「纸质」",
    ]
    assert not Path("out").exists()  # a partial import writes nothing


def test_a_missing_or_unknown_column_is_said_once_at_the_header(filled, capsys):
    book = load_workbook(filled)
    book["办理流程"]["C1"] = "环节编号"
    book.save("bad.xlsx")
    assert main(["--matters", "out", "import", "bad.xlsx"]) == 1
    assert problems(capsys) == [
        "bad.xlsx:办理流程!A1: 环节标识: 缺少必填的列「环节标识」",
        "bad.xlsx:办理流程!C1: 环节编号: 模板中没有这一列；「办理流程」表的列：基本编码、事项名称、环节标识、环节名称、办理人员、办理部门、时限（工作日）、另需自然日、后续环节、环节说明（其他布局请用 --mapping 映射文件）",
    ]


def test_text_that_starts_like_a_formula_is_text(filled):
    book = load_workbook(filled)
    materials = book["申请材料"]
    cell = materials.cell(row_of(materials, FOOD, "safety-rules"), column(materials, "材料规格"), "=以目录形式列明，@各项制度 +签字")
    cell.data_type = "s"  # a text cell, as Excel stores '=… typed with a leading apostrophe
    book.save("text.xlsx")
    assert main(["--matters", "out", "import", "text.xlsx"]) == 0
    written = yaml.safe_load(Path("out", f"{FOOD}.yml").read_text(encoding="utf-8"))
    assert next(m for m in written["materials"] if m["id"] == "safety-rules")["spec"] == "=以目录形式列明，@各项制度 +签字"


def test_an_existing_file_with_other_content_is_not_overwritten_without_force(filled, capsys):
    Path("out").mkdir()
    shutil.copy(STANDARD / f"{FOOD}.yml", Path("out") / f"{FOOD}.yml")
    kept = (STANDARD / f"{PROPERTY}.yml").read_text(encoding="utf-8").replace("promised_days: 3", "promised_days: 4")
    Path("out", f"{PROPERTY}.yml").write_text(kept, encoding="utf-8")
    assert main(["--matters", "out", "import", "filled.xlsx"]) == 1
    assert problems(capsys) == ["filled.xlsx:事项!A2: 基本编码: out/000111010000.yml 已存在且内容不同，未覆盖；确认以表格为准时加 --force"]
    assert Path("out", f"{PROPERTY}.yml").read_text(encoding="utf-8") == kept
    assert main(["--matters", "out", "import", "filled.xlsx", "--force"]) == 0
    assert Path("out", f"{PROPERTY}.yml").read_bytes() == (STANDARD / f"{PROPERTY}.yml").read_bytes()
    assert "1 written, 1 unchanged" in capsys.readouterr().err


def test_a_csv_export_is_a_folder_of_sheets_in_gb18030(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "csv"
    shutil.copytree(ADOPT / "350304000000", folder)
    assert main(["--matters", "out", "import", "csv/事项.csv"]) == 0
    assert matters_of(tmp_path / "out")[FOOD].conditions[3].text == "配备专职或者兼职的食品安全管理人员，建立保证食品安全的规章制度。"
    capsys.readouterr()
    rows = list(csv.reader((folder / "申请材料.csv").open(encoding="gb18030", newline="")))
    rows[3][3] = "申请人\x07身份证明"
    with (folder / "申请材料.csv").open("w", encoding="gb18030", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert main(["--matters", "out2", "import", "csv/事项.csv"]) == 1
    assert problems(capsys) == ["csv/申请材料.csv:申请材料!D4: 材料名称: 含有控制字符 U+0007（第 4 个字符）；请删除后再导入"]


def test_a_provincial_export_is_read_through_its_mapping_file(tmp_path):
    out = tmp_path / "350926000000"
    assert main(["--matters", str(out), "import", str(ADOPT / "350926000000.xlsx"), "--mapping", str(ADOPT / "350926000000.mapping.yml")]) == 0
    local, standard = matters_of(out), matters_of(STANDARD)
    assert [m.id for m in local[FOOD].materials] == [m.id for m in standard[FOOD].materials] + ["other-materials"]
    assert local[FOOD].materials[-1].name == "其他相关材料" and local[FOOD].time_limit.promised_days == 10
    assert local[PROPERTY].fees[0].amount == 100
    assert local[PROPERTY].materials == standard[PROPERTY].materials  # 纸质原件 → 原件 through values:
    regions = yaml.safe_load((out / "regions.yml").read_text(encoding="utf-8"))
    assert regions == {
        "regions": [
            {
                "code": "350926000000",
                "name": "柘荣县",
                "level": "县级",
                "agencies": [
                    {"name": "柘荣县市场监督管理局", "functions": ["市场监督管理局"], "credit_code": "11350926MB3926984A", "credit_code_confirmed": False},
                    {"name": "柘荣县自然资源局", "functions": ["自然资源局"], "credit_code": "11350926MB26238186", "credit_code_confirmed": False},
                ],
            }
        ]
    }
    # checked beside the standard's register of laws and downloads, which the matters cite and name
    shutil.copy(STANDARD / "laws.yml", out / "laws.yml")
    shutil.copytree(STANDARD / "files", out / "files")
    assert main(["--matters", str(out), "check", "--cache-dir", ""]) == 0


def test_mapping_file_problems_are_positioned_in_it(tmp_path, capsys):
    mapping = tmp_path / "m.yml"
    mapping.write_text("sheets:\n  事项表:\n    sheet: x\n  申请材料:\n    columns: {材料名: 名称}\n    header_row: 0\n", encoding="utf-8")
    assert main(["--matters", str(tmp_path / "out"), "import", str(ADOPT / "350302000000.xlsx"), "--mapping", str(mapping)]) == 1
    assert [line.replace(str(tmp_path) + "/", "") for line in problems(capsys)] == ["m.yml:6:5: sheets.申请材料.header_row: 不能小于 1，实际为「0」"]
    mapping.write_text("sheets:\n  事项表:\n    sheet: x\n  申请材料:\n    columns: {材料名: 名称}\n", encoding="utf-8")
    assert main(["--matters", str(tmp_path / "out"), "import", str(ADOPT / "350302000000.xlsx"), "--mapping", str(mapping)]) == 1
    lines = [line.replace(str(tmp_path) + "/", "") for line in problems(capsys)]
    assert lines[0] == "m.yml:2:3: sheets.事项表: 模板中没有「事项表」表；模板的表：" + "、".join(s.name for s in SHEETS)
    assert lines[1].startswith("m.yml:5:15: sheets.申请材料.columns.材料名: 「申请材料」表中没有「材料名」列；可用的列：")


def test_implementations_join_the_regions_directory_and_conflicts_need_force(tmp_path, capsys):
    matters = tmp_path / "matters"
    shutil.copytree(ROOT / "matters", matters)
    before = (matters / "regions.yml").read_text(encoding="utf-8")
    assert main(["--matters", str(matters), "import", str(ADOPT / "350302000000.xlsx"), "--sheet", "实施清单"]) == 0
    assert (matters / "regions.yml").read_text(encoding="utf-8") == before  # the agencies are there already
    capsys.readouterr()
    book = load_workbook(ADOPT / "350302000000.xlsx")
    sheet = book["实施清单"]
    sheet.cell(2, column(sheet, "咨询电话"), "0594-2678999")
    book.save(tmp_path / "phone.xlsx")
    assert main(["--matters", str(matters), "import", str(tmp_path / "phone.xlsx"), "--sheet", "实施清单"]) == 1
    assert problems(capsys) == [f"{tmp_path}/phone.xlsx:实施清单!H2: 咨询电话: 地区目录中城厢区（350302000000）的「莆田市城厢区市场监督管理局」此项为「（未填）」，表中为「0594-2678999」；以表格为准时加 --force"]
    assert main(["--matters", str(matters), "import", str(tmp_path / "phone.xlsx"), "--sheet", "实施清单", "--force"]) == 0
    after = (matters / "regions.yml").read_text(encoding="utf-8")
    confirmed = "                credit_code: 11350302MB8427551Q\n                credit_code_confirmed: false\n"
    assert after.replace(confirmed + "                phone: 0594-2678999\n", confirmed) == before
    assert main(["--matters", str(matters), "check", "--cache-dir", ""]) in (0, 1)


def test_a_huge_sheet_is_a_positioned_problem(filled, monkeypatch, capsys):
    monkeypatch.setattr(workbook, "MAX_ROWS", 10)
    assert main(["--matters", "out", "import", "filled.xlsx"]) == 1
    assert "filled.xlsx:申请材料!A11: 工作表超过 10 行，未读取其余各行；请拆分为多个文件导入" in problems(capsys)
    monkeypatch.setattr(workbook, "MAX_COLUMNS", 1)  # more cells than rows × columns allow: not even loaded
    assert main(["--matters", "out", "import", "filled.xlsx"]) == 1
    assert problems(capsys) == ["filled.xlsx:事项: 工作表有 3 行 52 列，超过上限；请拆分为多个文件导入"]
    assert not Path("out").exists()


def test_not_a_spreadsheet_is_one_problem(tmp_path, capsys):
    (tmp_path / "x.xlsx").write_text("not a zip", encoding="utf-8")
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "x.xlsx")]) == 1
    assert problems(capsys) == [f"{tmp_path}/x.xlsx: 不是有效的 XLSX 文件（无法按 zip 格式打开）"]
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "missing.xlsx")]) == 2
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "x.xlsx"), "--sheet", "材料"]) == 2


def test_a_mapped_sheet_without_ids_gets_ids_from_the_names(filled):
    book = load_workbook(filled)
    materials, points, steps = book["申请材料"], book["审批要点"], book["办理流程"]
    names = {(materials.cell(r, 1).value, materials.cell(r, 3).value): materials.cell(r, 4).value for r in range(2, materials.max_row + 1)}
    for row in range(2, points.max_row + 1):  # 针对 by name, as a real export has it
        about = points.cell(row, column(points, "针对"))
        about.value = names.get((points.cell(row, 1).value, about.value), about.value)
    materials.delete_cols(3)  # no 材料标识
    steps.delete_cols(column(steps, "后续环节"))
    steps.delete_cols(3)  # no 环节标识, no 后续环节: the steps follow one another
    book.save("export.xlsx")
    Path("m.yml").write_text("sheets:\n  申请材料: {}\n  办理流程: {}\n", encoding="utf-8")
    assert main(["--matters", "out", "import", "export.xlsx", "--mapping", "m.yml"]) == 0
    food = matters_of(Path("out"))[FOOD]
    license_ = next(m for m in food.materials if m.name == "营业执照")
    assert license_.id == "material-" + __import__("hashlib").sha1("营业执照".encode()).hexdigest()[:8]
    assert next(p for p in food.review_points if p.id == "rp-license-scope").about == license_.id
    assert [s.next for s in food.steps] == [[food.steps[i + 1].id] for i in range(len(food.steps) - 1)] + [[]]
    assert main(["--matters", "again", "import", "export.xlsx", "--mapping", "m.yml"]) == 0
    assert Path("again", f"{FOOD}.yml").read_bytes() == Path("out", f"{FOOD}.yml").read_bytes()  # the same ids every time


def test_a_damaged_sheet_is_one_problem_not_a_traceback(tmp_path, capsys):
    import zipfile

    with zipfile.ZipFile(ADOPT / "350302000000.xlsx") as source, zipfile.ZipFile(tmp_path / "damaged.xlsx", "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data[: len(data) // 2] if info.filename == "xl/worksheets/sheet6.xml" else data)
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "damaged.xlsx")]) == 1
    assert problems(capsys) == [f"{tmp_path}/damaged.xlsx:申请材料: 工作表无法读取（XmlError）"]


def test_parts_of_an_item_and_citations_of_the_register_have_their_own_columns(tmp_path, capsys):
    """Copies by situation are rows of 申请材料·按情形的份数, linked to their material by 材料标识;
    a legal basis that cites the register is written as its file writes it (法规库标识 + 条款)."""
    side = validate_side(read_directory(ROOT / "matters", "matters"))
    road, planning = "000114011000", "000121005000"  # one material each with copies by situation
    write_workbook(tmp_path / "m.xlsx", [side.matters[road], side.matters[planning]], laws=side.laws)
    book = load_workbook(tmp_path / "m.xlsx")
    bases = book["设定依据"]
    assert bases.cell(2, column(bases, "法规库标识")).value == "road-transport-regulation"
    assert bases.cell(2, column(bases, "法律法规名称")).value is None and bases.cell(2, column(bases, "条文摘录")).value is None
    parts = book["申请材料·按情形的份数"]
    assert [parts.cell(r, 1).value for r in range(2, parts.max_row + 1)] == [road, planning]
    assert main(["--matters", str(tmp_path / "out"), "import", str(tmp_path / "m.xlsx")]) == 0
    for code in (road, planning):
        assert (tmp_path / "out" / f"{code}.yml").read_bytes() == (ROOT / "matters" / f"{code}.yml").read_bytes()
    parts.cell(2, column(parts, "材料标识"), "no-such-material")
    parts.cell(3, column(parts, "份数"), "两份")
    book.save(tmp_path / "bad.xlsx")
    capsys.readouterr()
    assert main(["--matters", str(tmp_path / "bad"), "import", str(tmp_path / "bad.xlsx")]) == 1
    assert problems(capsys) == [
        f"{tmp_path}/bad.xlsx:申请材料·按情形的份数!C2: 材料标识: 「申请材料」表中没有基本编码为 {road}、材料标识为 no-such-material 的行",
        f"{tmp_path}/bad.xlsx:申请材料·按情形的份数!E3: 份数: 应为正整数，实际为「两份」；请只写阿拉伯数字，如 2",
    ]
    assert not (tmp_path / "bad").exists()
