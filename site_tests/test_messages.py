"""Messages staff can act on: every schema error in Chinese, built from the field's title, with
what was expected, what was found and how to fix it; never a regular expression or pydantic's
English. Also: fmt --check shows the change as a unified diff; review coverage skips materials
replaced by shared data."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError

from generator.cli import main
from generator.load.messages import PATTERN_WORDS, explain
from generator.load.reader import load_yaml
from generator.load.validate import schema_problems
from generator.model.matter import ChangeNote, FeeItem, LegalBasis, Material, Matter
from generator.model.region import Agency, AppointmentQuota, MailAddress

ROOT = Path(__file__).resolve().parents[1]
FOUNDATION = Path(__file__).parent / "fixtures" / "foundation"
POLICY = Path(__file__).parent / "fixtures" / "policy"
VALID = (FOUNDATION / "valid" / "310115001000.yml").read_text(encoding="utf-8")


def matter_problems_of(text: str) -> list[str]:
    source = load_yaml(Path("m.yml"), "m.yml", text=text)
    if source.problems:
        return [str(p) for p in source.problems]
    _, problems = schema_problems(source, Matter)
    return [str(p) for p in problems]


def test_an_unquoted_code_read_as_an_octal_number_says_to_quote_it():
    text = VALID.replace('code: "310115001000"', "code: 000117012000")
    assert matter_problems_of(text) == [
        'm.yml:2:1: code: 基本编码应为文字，但 YAML 把它读成了数字 20714496（以 0 开头的一串数字被当作八进制数）；请加引号，写作 code: "000117012000"'
    ]


def test_an_unquoted_decimal_code_says_to_quote_it_too():
    text = VALID.replace('code: "310115001000"', "code: 310115001000")
    assert matter_problems_of(text) == ['m.yml:2:1: code: 基本编码应为文字，但 YAML 把它读成了数字 310115001000；请加引号，写作 code: "310115001000"']


def test_a_name_read_as_true_says_to_quote_it():
    text = VALID.replace("name: 城市树木移植审批", "name: yes")
    assert matter_problems_of(text) == ['m.yml:3:1: name: 事项名称应为文字，但 YAML 把它读成了是非值 true；请加引号，写作 name: "yes"']


def test_a_tab_names_line_and_column():
    text = VALID.replace("  - id: greening-regulation-24", "\t- id: greening-regulation-24")
    assert matter_problems_of(text) == ["m.yml:10:1: 第10行第1列有制表符（Tab），请改用空格缩进"]
    text = VALID.replace("    title: 城市绿化条例", "    title:\t城市绿化条例\n\tdoc: x")
    assert matter_problems_of(text)[0] == "m.yml:12:1: 第12行第1列有制表符（Tab），请改用空格缩进"


def test_other_yaml_syntax_errors_are_explained_in_chinese():
    assert matter_problems_of("code: a: b\n") == ["m.yml:1:8: YAML 语法错误：这里不能有“: ”；值里含冒号加空格时，请给整个值加引号"]
    assert matter_problems_of('code: "310115001000\nname: x\n') == ["m.yml:3:1: YAML 语法错误：引号没有配对：文件结束前缺少结束引号"]
    assert matter_problems_of("code: x\n name: y\n") == ["m.yml:2:6: YAML 语法错误：这里不能有“: ”；值里含冒号加空格时，请给整个值加引号"]


def test_an_id_with_capitals_says_which_characters_with_an_example():
    text = VALID.replace("  - id: application-form", "  - id: Application_Form")
    assert matter_problems_of(text) == [
        "m.yml:26:5: materials[0].id: 材料标识只能用小写字母、数字和连字符，以字母开头，例如 business-license；实际为「Application_Form」"
    ]


def test_a_typo_suggests_the_field_with_its_title():
    line = VALID.count("\n") + 1
    assert matter_problems_of(VALID + "visit_count: 1\n")[0].startswith(
        f"m.yml:{line}:1: visit_count: 没有「visit_count」这个字段，是不是 visits（到办事现场次数）？这里可用的字段：code、name、matter_type、"
    )


CODE_17 = "11350300MB4K7720R"


@pytest.mark.parametrize(
    "value, message",
    [
        (CODE_17, "统一社会信用代码应为18位（登记管理部门1位、机构类别1位、行政区划6位、组织机构代码9位、校验码1位），这里是17位：11350300MB4K7720R；少了1位，请对照营业执照或登记证书重新抄写"),
        (CODE_17 + "DD", "统一社会信用代码应为18位（登记管理部门1位、机构类别1位、行政区划6位、组织机构代码9位、校验码1位），这里是19位：11350300MB4K7720RDD；多了1位，请对照营业执照或登记证书重新抄写"),
        ("11350300MB6J09353O", "统一社会信用代码只用数字和除 I、O、S、V、Z 以外的大写字母，这里有「O」"),
    ],
)
def test_credit_code_length_and_letters_are_explained(value, message):
    with pytest.raises(ValidationError) as caught:
        Agency.model_validate({"name": "莆田市市场监督管理局", "functions": ["市场监督管理局"], "credit_code": value})
    assert [explain(e, Agency) for e in caught.value.errors()] == [message]


def errors_of(model, data) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return [explain(e, model) for e in caught.value.errors(include_url=False)]


M = {"id": "id-card", "name": "身份证", "form": "原件", "source": "申请人自备"}


@pytest.mark.parametrize(
    "model, data, message",
    [
        (Material, {**M, "colour": "红"}, "没有「colour」这个字段；这里可用的字段：id、name、form、copies、copies_when、source、source_note、required、when、when_all、spec、acceptance_standard、instructions、basis、blank_form、sample、shared_data"),  # extra_forbidden
        (Material, {k: v for k, v in M.items() if k != "name"}, "缺少必填项「材料名称」；请写上 name:"),  # missing
        (Material, {**M, "name": ["a"]}, "材料名称应为一段文字，实际是列表「['a']」"),  # string_type
        (Material, {**M, "name": "  "}, "材料名称不能为空"),  # string_too_short
        (Material, {**M, "copies": "两份"}, "份数应为正整数，实际为「两份」；请只写阿拉伯数字，如 2"),  # int_parsing
        (Material, {**M, "copies": 2.5}, "份数应为正整数，实际为「2.5」；请只写阿拉伯数字，如 2"),  # int_from_float
        (Material, {**M, "copies": 0}, "份数应为正整数（至少为 1），实际为「0」"),  # greater_than
        (Material, {**M, "copies": 1000}, "份数不能大于 99，实际为「1000」"),  # less_than_equal
        (Material, {**M, "form": "纸质"}, "材料形式应为以下之一：原件、复印件、电子件、电子证照、原件和复印件；实际为「纸质」"),  # literal_error
        (Material, {**M, "when": "agent.self"}, "适用情形应为列表（每项一行，以“- ”开头），实际为「agent.self」"),  # list_type
        (Material, {**M, "required": "是"}, "是否必要应为 true（是）或 false（否），实际为「是」"),  # bool_parsing
        (Material, {**M, "shared_data": "电子营业执照"}, "共享数据替代应为若干“字段: 值”（每个一行，缩进对齐），实际为「电子营业执照」"),  # model_type
        (Material, {**M, "when": ["agent"]}, "适用情形应写作 情形标识.选项标识，例如 applicant.company；实际为「agent」"),  # string_pattern_mismatch
        (Material, {**M, "blank_form": "forms/申请表"}, "空白表格应为文件名，带扩展名、不带目录，例如 申请表.pdf；实际为「forms/申请表」"),
        (FeeItem, {"id": "fee", "name": "工本费", "amount": "五元", "basis": "x", "unit": "件"}, "金额（元）应为数字，实际为「五元」；请只写阿拉伯数字，如 50 或 12.5"),  # float_parsing
        (FeeItem, {"id": "fee", "name": "工本费", "amount": float("inf"), "basis": "x", "unit": "件"}, "金额（元）应为有限的数，实际为「inf」"),  # finite_number
        (ChangeNote, {"version": "1.0", "date": "2026年1月1日", "kind": "major", "note": "x"}, "日期应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026年1月1日」"),  # date_from_datetime_parsing
        (ChangeNote, {"version": "1.0", "date": dt.datetime(2026, 1, 1, 9), "kind": "major", "note": "x"}, "日期应为日期，不带时刻，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026-01-01 09:00:00」"),  # date_from_datetime_inexact
        (ChangeNote, {"version": "v1", "date": "2026-01-01", "kind": "major", "note": "x"}, "版本号应写作 主版本.次版本，例如 2.3 或 2.3.1；实际为「v1」"),
        (LegalBasis, {"id": "law", "article": "第一条"}, "写 law（法规库标识）引用法规库，或写 title（法律法规名称）"),  # value_error
        (Agency, {"name": "x", "functions": [], "credit_code": "11350926MB3926984A"}, "承担的职能至少要写 1 项，实际 0 项"),  # too_short
        (Agency, {"name": "x", "functions": ["市场监督管理局" * 10], "credit_code": "11350926MB3926984A"}, "承担的职能最多 40 个字符，实际 70 个"),  # string_too_long
        (Agency, {"name": "x", "functions": ["公安局"], "credit_code": "11350926MB3926984A", "online_url": "http://a.cn"}, "网上办理地址应为 https:// 开头、不含空格的网址，例如 https://zwfw.fujian.gov.cn/；实际为「http://a.cn」"),
        (AppointmentQuota, {"daily": 0}, "每日预约名额应为正整数（至少为 1），实际为「0」"),
        (MailAddress, {"address": "x", "recipient": "y", "phone": "0593-8352101", "postcode": "35530"}, "邮政编码应为6位数字，例如 355300；实际为「35530」"),
        (MailAddress, {"address": "x", "recipient": "y", "phone": "电话"}, "收件电话应为电话号码，只用数字、连字符、括号、空格和“转”，3至32个字符，例如 0594-2686123；实际为「电话」"),
    ],
)
def test_every_error_type_the_models_produce_has_a_chinese_message(model, data, message):
    assert errors_of(model, data) == [message]


@pytest.mark.parametrize(
    "error, message",
    [
        ({"type": "greater_than_equal", "loc": ("effective_date",), "ctx": {"ge": dt.date(2000, 1, 1)}, "input": "1999-12-31"}, "生效日期应不早于 2000-01-01，实际为「1999-12-31」"),
        ({"type": "less_than_equal", "loc": ("effective_date",), "ctx": {"le": dt.date(2099, 12, 31)}, "input": "2100-01-01"}, "生效日期应不晚于 2099-12-31，实际为「2100-01-01」"),
        ({"type": "greater_than_equal", "loc": ("visits",), "ctx": {"ge": 0}, "input": -1}, "到办事现场次数不能小于 0，实际为「-1」"),
        ({"type": "too_long", "loc": ("materials",), "ctx": {"max_length": 300, "actual_length": 301}, "input": []}, "申请材料最多 300 项，实际 301 项；请删去多余的项"),
        ({"type": "enum", "loc": ("matter_type",), "ctx": {"expected": "'行政许可' or '行政备案'"}, "input": "许可"}, "事项类型应为以下之一：行政许可、行政备案；实际为「许可」"),
        ({"type": "date_type", "loc": ("effective_date",), "ctx": {}, "input": 5}, "生效日期应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「5」"),
        ({"type": "bool_type", "loc": ("waivers",), "ctx": {}, "input": 5}, "规则豁免应为 true（是）或 false（否），实际为「5」"),
        ({"type": "some_future_type", "msg": "Input should be something", "loc": ("name",), "ctx": {}, "input": "x"}, "事项名称的值不符合要求，实际为「x」"),
        ({"type": "string_pattern_mismatch", "loc": ("name",), "ctx": {"pattern": "^[xyz]+$"}, "input": "a"}, "事项名称的格式不对；实际为「a」"),
    ],
)
def test_error_types_without_a_ready_example_are_chinese_too(error, message):
    assert explain(error, Matter) == message


def test_every_pattern_of_the_input_models_is_said_in_words():
    patterns = set()
    for path in (ROOT / "generator" / "model").glob("*.py"):
        patterns |= set(re.findall(r'pattern=r"([^"]*)"', path.read_text(encoding="utf-8")))
    assert patterns and patterns <= set(PATTERN_WORDS), patterns - set(PATTERN_WORDS)
    assert not any(re.search(r"[\^$\\\[\]]", words) for words in PATTERN_WORDS.values())


def test_a_spreadsheet_cell_is_not_titled_twice():
    error = {"type": "int_parsing", "loc": ("materials", 0, "copies"), "ctx": {}, "input": "两份"}
    assert explain(error, Matter, titled=False) == "应为正整数，实际为「两份」；请只写阿拉伯数字，如 2"
    assert explain({"type": "missing", "loc": ("name",), "input": {}}, Matter, titled=False) == "必填，不能为空"


def test_no_english_or_regex_in_any_message_of_a_broken_matter(capsys):
    assert main(["--matters", str(FOUNDATION / "broken"), "check"]) == 1
    lines = capsys.readouterr().err.splitlines()[:-1]  # the count line is the CLI's
    for line in lines:
        message = line.split(": ", 2)[-1]
        assert not re.search(r"\b(expected|got|field|does not|must|missing)\b", message), line
        assert "^" not in message and "$" not in message, line


# ---------------------------------------------------------------- fmt --check shows the diff


def test_fmt_check_prints_a_unified_diff_per_file(tmp_path, capsys):
    one = tmp_path / "310115001000.yml"
    header = VALID.replace("../../../../schema/", "../schema/")  # where fmt puts the schema of a matters/ file
    one.write_text(header.replace("levels: [县级]", "levels:\n  - 县级"), encoding="utf-8")
    before = one.read_text(encoding="utf-8")
    assert main(["--matters", str(tmp_path), "fmt", "--check"]) == 1
    out, err = capsys.readouterr()
    assert one.read_text(encoding="utf-8") == before  # --check changes nothing
    shown = f"{tmp_path.name}/310115001000.yml"  # as every problem names it: relative to the project
    assert out.splitlines()[:2] == [f"--- a/{shown}", f"+++ b/{shown}"]
    removed = [line for line in out.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in out.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-levels:", "-  - 县级"]
    assert added == ["+levels: [县级]"]
    assert out.splitlines()[2] == "@@ -3,8 +3,7 @@"
    assert f"{shown}: 不是规范格式，请运行 guides fmt（改动见上面的差异）" in err
    assert main(["--matters", str(tmp_path), "fmt"]) == 0
    capsys.readouterr()
    assert main(["--matters", str(tmp_path), "fmt", "--check"]) == 0
    assert capsys.readouterr().out == ""


# ---------------------------------------------------------------- review coverage and shared data


def test_review_coverage_skips_materials_replaced_by_shared_data(tmp_path, capsys):
    shutil.copytree(POLICY / "review-coverage", tmp_path / "m")
    path = tmp_path / "m" / "310115001000.yml"
    text = path.read_text(encoding="utf-8")
    shared = text.replace("    when: [agent.proxy]\n", "    when: [agent.proxy]\n    shared_data:\n      certificate: 电子授权委托书（闽政通）\n", 1)
    path.write_text(shared, encoding="utf-8")
    assert main(["--matters", str(tmp_path / "m"), "check"]) == 0
    capsys.readouterr()
    e_license = text.replace("  - id: power-of-attorney\n    name: 授权委托书\n    form: 原件", "  - id: power-of-attorney\n    name: 授权委托书\n    form: 电子证照", 1)
    path.write_text(e_license, encoding="utf-8")
    assert main(["--matters", str(tmp_path / "m"), "check"]) == 0
    capsys.readouterr()
    path.write_text(text, encoding="utf-8")  # a paper material still needs its 审批要点
    assert main(["--matters", str(tmp_path / "m"), "check"]) == 1
    assert "materials[2].id: [review-coverage] 材料「授权委托书」没有审批要点" in capsys.readouterr().err


def test_an_unquoted_code_in_a_list_says_to_quote_the_item():
    from generator.model.region import Window

    source = load_yaml(Path("regions.yml"), "regions.yml", text="name: 专窗\ntype: 专业窗口\nmatters: [000112001000, 000109002000]\n")
    with pytest.raises(ValidationError) as caught:
        Window.model_validate(source.data)
    assert [explain(e, Window, source) for e in caught.value.errors()] == [
        '受理事项应为文字，但 YAML 把它读成了数字 19399168（以 0 开头的一串数字被当作八进制数）；请加引号，写作 "000112001000"',
    ]  # 000109002000 has a 9: YAML reads it as text, so only the first is wrong
