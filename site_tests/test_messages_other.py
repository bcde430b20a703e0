"""Messages about the other input files (themes, regions.yml, laws.yml, policy.yml, a file
that is not UTF-8, fmt) and the command line, in Chinese, exactly: what was expected, what
was found, how to fix it. The messages already asserted elsewhere (test_themes, test_regions,
test_holidays, test_cli, test_slips) are not repeated here."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.load.corpus import load_corpus
from generator.load.laws import load_laws
from generator.load.matters import read_matters
from generator.load.policy import load_policy
from generator.load.reader import load_yaml
from generator.load.regions import load_directory
from generator.problems import InvalidInput
from generator.review.fmt import FormatError, format_text

FIXTURES = Path(__file__).parent / "fixtures"
THEMES = FIXTURES / "themes" / "valid"
REGIONS = (FIXTURES / "regions" / "coverage" / "regions.yml").read_text(encoding="utf-8")
FIRE = "350300003000（公众聚集场所投入使用、营业前消防安全检查）"
REGISTRATION = "350300001000（企业设立登记（有限责任公司））"


def theme_problems(tmp_path: Path, old: str, new: str) -> list[str]:
    """The problems of the fixture theme with ``old`` replaced by ``new``, from its file name on."""
    shutil.copytree(THEMES, tmp_path / "m")
    theme = tmp_path / "m" / "themes" / "open-shop.yml"
    text = theme.read_text(encoding="utf-8")
    assert old in text
    theme.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(tmp_path / "m")
    return ["open-shop.yml" + str(p).split("open-shop.yml", 1)[1] for p in caught.value.problems]


# ------------------------------------------------------------------ themes

def test_theme_id_not_the_file_name(tmp_path):
    assert theme_problems(tmp_path, "id: open-shop\n", "id: open-shops\n") == [
        "open-shop.yml:2:1: id: 主题标识「open-shops」与文件名 open-shop.yml 不一致；文件名应为主题标识，请改正其中一处"
    ]


def test_theme_option_listed_twice(tmp_path):
    assert theme_problems(tmp_path, "options: [applicant.company]", "options: [applicant.company, applicant.company]") == [
        "open-shop.yml:15:34: members[1].options[1]: 情形选项「applicant.company」写了两次；请删去一处"
    ]


FIRE_DEPENDS = 'role: 通过营业前消防安全检查\n    depends_on: ["350300001000"]'


def test_theme_dependency_listed_twice(tmp_path):
    assert theme_problems(tmp_path, FIRE_DEPENDS, FIRE_DEPENDS.replace('["350300001000"]', '["350300001000", "350300001000"]')) == [
        f"open-shop.yml:19:34: members[2].depends_on[1]: 依赖 {REGISTRATION} 写了两次；请删去一处"
    ]


def test_theme_member_depending_on_itself(tmp_path):
    assert theme_problems(tmp_path, FIRE_DEPENDS, FIRE_DEPENDS.replace("350300001000", "350300003000")) == [
        f"open-shop.yml:19:18: members[2].depends_on[0]: 成员 {FIRE} 不能依赖自己；请删去这一项"
    ]


def test_theme_form_replacing_a_material_no_member_has(tmp_path):
    assert theme_problems(tmp_path, "replaces: [application-form]", "replaces: [application-form, floor-plan]") == [
        "open-shop.yml:27:32: form.replaces[1]: 没有哪个成员事项有标识为「floor-plan」的材料；合并表单只能替代成员事项的材料，请核对标识或删去这一项"
    ]


def test_theme_file_that_is_a_list(tmp_path):
    shutil.copytree(THEMES, tmp_path / "m")
    (tmp_path / "m" / "themes" / "open-shop.yml").write_text("- open-shop\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(tmp_path / "m")
    assert [str(p).split("themes/", 1)[1] for p in caught.value.problems] == [
        "open-shop.yml:1:1: 文件顶层应为若干“字段: 值”（id: …、name: … 每个一行，不缩进）"
    ]


# ------------------------------------------------------------------ regions.yml

def region_problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "regions.yml").write_text(text, encoding="utf-8")
    _, problems = load_directory(tmp_path)
    return [str(p).split("regions.yml", 1)[1] for p in problems]


def test_region_hall_id_used_twice(tmp_path):
    text = REGIONS.replace("id: longqiao-center", "id: putian-center")
    assert region_problems(tmp_path, text) == [":29:17: regions[0].children[0].children[0].halls[0].id: 办理点标识「putian-center」重复，已在第6行使用；每个办理点的标识不同"]


def test_region_setting_a_standard_element_or_overriding_a_matter(tmp_path):
    text = REGIONS.replace("        level: 县级\n", "        level: 县级\n        fees: []\n        \"350300001000\": {}\n", 1)
    limited = "各地只能写由谁实施（agencies）、办理点（halls）、联系方式、办公时间和复议诉讼机关，请删去这一项"
    assert region_problems(tmp_path, text) == [
        f":18:9: regions[0].children[0].fees: 地区目录不能设定事项标准的要素「fees」：它只在事项文件中写一次，各地区、各层级都相同；{limited}",
        f":19:9: regions[0].children[0].350300001000: 不能按事项改写标准（「350300001000」）：同一事项无论在哪里办理，标准都相同；{limited}",
    ]


def test_region_file_that_is_a_list(tmp_path):
    assert region_problems(tmp_path, "- 莆田市\n") == [":1:1: 文件顶层应只有一个字段 regions:，其下写行政区划树"]


# ------------------------------------------------------------------ laws.yml, policy.yml

def test_laws_file_that_is_a_list(tmp_path):
    (tmp_path / "laws.yml").write_text("- 中华人民共和国行政许可法\n", encoding="utf-8")
    _, problems = load_laws(tmp_path)
    assert [str(p).split("laws.yml", 1)[1] for p in problems] == [":1:1: 文件顶层应只有一个字段 laws:，其下逐部列出法规"]


def test_policy_file_that_is_a_list_or_rules_that_are_not_fields(tmp_path):
    policy = tmp_path / "policy.yml"
    policy.write_text("- max-steps\n", encoding="utf-8")
    assert [str(p).split("policy.yml", 1)[1] for p in load_policy(tmp_path)[1]] == [":1:1: 文件顶层应只有一个字段 rules:，其下写各条规则及其设置"]
    policy.write_text("rules: [max-steps]\n", encoding="utf-8")
    assert [str(p).split("policy.yml", 1)[1] for p in load_policy(tmp_path)[1]] == [
        ":1:1: rules: rules 下应为若干“规则标识: 设置”，每条一行，例如 max-steps: {max_steps: 8}"
    ]


# ------------------------------------------------------------------ reading files

def test_a_file_that_is_not_utf8_names_the_byte_and_the_fix(tmp_path):
    path = tmp_path / "310115001000.yml"
    path.write_bytes("code: \"310115001000\"\nname: 城市树木移植".encode("utf-8") + "审批\n".encode("gbk"))
    assert [str(p) for p in load_yaml(path, "310115001000.yml").problems] == [
        "310115001000.yml:2:13: 文件不是 UTF-8 编码的文字：此处的字节 0xC9 无法按 UTF-8 读取；请在编辑器中把文件另存为 UTF-8 编码"
    ]


def test_a_missing_matters_directory(tmp_path):
    with pytest.raises(InvalidInput) as caught:
        read_matters(tmp_path / "nowhere")
    assert [str(p) for p in caught.value.problems] == [f"{tmp_path / 'nowhere'}:1:1: 找不到事项目录；请用 --matters 指定存放事项文件的目录"]


def test_fmt_of_a_file_that_is_a_list():
    with pytest.raises(FormatError) as caught:
        format_text("- 城市树木移植审批\n", "m.yml")
    assert str(caught.value.problem) == "m.yml:1:1: 文件顶层应为若干“字段: 值”（code: …、name: … 每个一行，不缩进）"


# ------------------------------------------------------------------ command line

@pytest.mark.parametrize(
    "argv, last_line",
    [
        (["build", "--jobs", "两个"], "guides build: error: argument --jobs: 应为整数，实际为「两个」"),
        (["serve", "--dev-addr", "localhost"], "guides serve: error: argument --dev-addr: 应写作 主机:端口，例如 127.0.0.1:8000，实际为「localhost」"),
    ],
)
def test_command_line_values_in_chinese(argv, last_line, capsys):
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == last_line


def test_a_file_named_on_the_command_line_that_is_not_a_matter_file(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("x\n", encoding="utf-8")
    assert main(["check", str(notes)]) == 2
    assert capsys.readouterr().err == f"guides check: {notes} 不是事项文件；应为 基本编码.yml（如 000117012000.yml）或一个事项目录\n"


def test_import_into_a_regions_file_with_a_yaml_error(tmp_path, capsys):
    matters = tmp_path / "matters"
    shutil.copytree(Path(__file__).resolve().parents[1] / "matters", matters)
    regions = matters / "regions.yml"
    lines = regions.read_text(encoding="utf-8").count("\n")
    regions.write_text(regions.read_text(encoding="utf-8") + "extra: [1\nmore: 2\n", encoding="utf-8")
    assert main(["--matters", str(matters), "import", str(FIXTURES / "adopt" / "350302000000.xlsx"), "--sheet", "实施清单"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0].split("regions.yml", 1)[1] == f":{lines + 2}:5: YAML 格式错误，无法读取；请检查缩进、冒号和引号，改正后重新导入"


def test_a_slip_past_the_recorded_holidays_warns_in_chinese(sample_corpus):
    import datetime as dt

    from generator.outputs.slips.command import filled_slip

    _, warnings = filled_slip(sample_corpus, "000117012000", "acceptance", [], "张三", dt.date(2027, 12, 28), 5, "https://example.org/")
    assert warnings == ["holidays.yml 中没有 2027、2028 年的放假通知，只跳过了周末，算出的日期可能落在节假日；请核对，或在 holidays.yml 中补上相应年份的放假安排"]
