"""Hostile input: every file and option ends in a positioned problem or a one-line usage
error — never a traceback, never a hang, never accepted when it is wrong.

One section per class of the hostile-input review: tracebacks that are now problems, hangs
and memory blow-ups that are now bounded, input that was accepted but wrong. Each case runs
``guides`` in this process (an exception escaping ``main`` is a traceback) and, where the
command line itself is the input, as a subprocess.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from generator.cli import main

ROOT = Path(__file__).resolve().parents[1]
VALID = Path(__file__).parent / "fixtures" / "foundation" / "valid"
CODE = "310115001000"
SAMPLE = "000117012000"  # a matter of the demo catalogue


def matters_with(tmp_path: Path, *, demo: bool = False) -> Path:
    """A matters directory: the one valid fixture, or a copy of the whole demo catalogue."""
    target = tmp_path / "matters"
    if demo:
        shutil.copytree(ROOT / "matters", target)
    else:
        target.mkdir()
        shutil.copy(VALID / f"{CODE}.yml", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The line of ``path`` that ``text`` starts on."""
    content = path.read_text(encoding="utf-8")
    assert text in content, text
    return content[: content.index(text)].count("\n") + 1


def check(capsys, matters: Path, *more: str) -> tuple[int, list[str]]:
    code = main(["--matters", str(matters), "check", "--cache-dir", "", *more])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err.splitlines()


# ============================================================ tracebacks → positioned problems


def test_a_symbolic_link_loop_is_a_problem(capsys, tmp_path):
    matters = matters_with(tmp_path)
    (matters / "310115001001.yml").symlink_to("310115001001.yml")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("310115001001.yml:1:1: 符号链接形成循环" in line for line in lines), lines


def test_a_dangling_link_is_a_problem(capsys, tmp_path):
    matters = matters_with(tmp_path)
    (matters / "310115001002.yml").symlink_to("nowhere.yml")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("310115001002.yml:1:1: 符号链接指向不存在的文件 nowhere.yml" in line for line in lines), lines


def test_a_directory_named_like_a_matter_file_is_a_problem(capsys, tmp_path):
    matters = matters_with(tmp_path)
    (matters / "310115001003.yml").mkdir()
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("310115001003.yml:1:1: 这是一个目录" in line for line in lines), lines


def test_a_named_pipe_is_not_read(capsys, tmp_path):
    """A pipe named like a matter file would block the reader for ever."""
    matters = matters_with(tmp_path)
    os.mkfifo(matters / "310115001004.yml")
    started = time.monotonic()
    code, lines = check(capsys, matters)
    assert code == 1 and time.monotonic() - started < 10
    assert any("310115001004.yml:1:1: 不是普通文件" in line for line in lines), lines


@pytest.mark.parametrize("name", ["regions.yml", "holidays.yml", "policy.yml"])
def test_a_broken_link_for_a_catalogue_file_is_not_taken_as_missing(capsys, tmp_path, name):
    matters = matters_with(tmp_path, demo=True)
    (matters / name).unlink()
    (matters / name).symlink_to(name)  # a loop
    code, lines = check(capsys, matters)
    assert code == 1
    assert any(f"{name}:1:1: 符号链接形成循环" in line for line in lines), lines


def test_a_theme_directory_named_like_a_theme_file_is_a_problem(capsys, tmp_path):
    matters = matters_with(tmp_path, demo=True)
    (matters / "themes" / "new-shop.yml").mkdir()
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("new-shop.yml:1:1: 这是一个目录" in line for line in lines), lines


@pytest.mark.parametrize(
    "yaml_text, line",
    [
        ("summary: &a [*a]\n", "summary: &a [*a]"),
        ("summary: &a {x: [1, *a]}\n", "summary: &a {x: [1, *a]}"),
        ("contact: &c\n  <<: *c\n", "contact: &c"),
    ],
    ids=["list", "mapping", "merge"],
)
def test_an_alias_that_contains_itself_is_a_problem(capsys, tmp_path, yaml_text, line):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "extra:\n  " + yaml_text.replace("\n", "\n  "), encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("别名引用了包含它自己的内容" in line for line in lines), lines


@pytest.mark.parametrize("nesting", [" " + "[" * 900 + "]" * 900, "\n" + "\n".join("  " * i + "- " for i in range(300)) + "x"], ids=["flow", "block"])
def test_very_deep_nesting_is_a_problem(capsys, tmp_path, nesting):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "extra:" + nesting + "\n", encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("嵌套过深：最多 32 层" in line for line in lines), lines


@pytest.mark.parametrize("date, reason", [("2026-02-30", "这个月没有这一天"), ("2026-13-01", "月份应为 1–12")])
def test_an_impossible_date_in_a_matter_is_a_problem(capsys, tmp_path, date, reason):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "effective_date: 2026-01-01", f"effective_date: {date}")
    line = line_of(matters / f"{CODE}.yml", "effective_date:")
    code, lines = check(capsys, matters)
    assert code == 1
    assert lines[0].endswith(f"{CODE}.yml:{line}:17: effective_date: 日期不存在：{date}（{reason}）；应为真实的日期 YYYY-MM-DD"), lines
    assert lines[-1] == "共 1 个问题"


def test_an_impossible_date_in_holidays_is_a_problem(capsys, tmp_path):
    matters = matters_with(tmp_path, demo=True)
    edit(matters / "holidays.yml", "to: 2025-02-04}", "to: 2025-02-30}")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any(re.search(r"holidays\.yml:\d+:\d+: years\.2025\.holidays\[1\]\.to: 日期不存在：2025-02-30", line) for line in lines), lines


@pytest.mark.parametrize("side", ["base", "head"])
def test_an_impossible_date_on_either_side_of_diff_is_a_problem(capsys, tmp_path, side):
    base, head = tmp_path / "base", tmp_path / "head"
    for folder in (base, head):
        folder.mkdir()
        shutil.copy(VALID / f"{CODE}.yml", folder)
    edit(head / f"{CODE}.yml", "name: 城市树木移植审批", "name: 城市树木移植审批（新）")
    edit((base if side == "base" else head) / f"{CODE}.yml", "effective_date: 2026-01-01", "effective_date: 2026-02-30")
    line = line_of(base / f"{CODE}.yml", "effective_date:")
    code = main(["--matters", str(head), "diff", str(base), str(head)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert f"{side}/{CODE}.yml:{line}:17: effective_date: 日期不存在：2026-02-30" in err


@pytest.mark.parametrize("amount", [".inf", "-.inf", ".nan", "1e400", "1.0e12"])
def test_an_infinite_or_huge_fee_fails_the_check(capsys, tmp_path, amount):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "fees: []", f"fees:\n  - {{id: fee, name: 工本费, amount: {amount}, unit: 每件, basis: 价格文件}}")
    code, lines = check(capsys, matters)
    assert code == 1, lines
    assert any(": fees[0].amount: " in line for line in lines), lines


def test_a_promised_limit_of_a_trillion_days_fails_the_check(capsys, tmp_path):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "statutory_days: 20\n  promised_days: 5", "statutory_days: 1000000000000\n  promised_days: 1000000000000")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("time_limit.promised_days: 承诺办结时限（工作日）不能大于 3650，实际为「1000000000000」" in line for line in lines), lines


@pytest.mark.parametrize(
    "field, value",
    [("copies: 2", "copies: 100000"), ("days: 3", "days: 99999999"), ("visits: 1", "visits: 1000"), ("effective_date: 2026-01-01", "effective_date: 9999-12-30")],
)
def test_numbers_and_dates_outside_the_domain_fail_the_check(capsys, tmp_path, field, value):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", field, value)
    code, lines = check(capsys, matters)
    assert code == 1, lines


def slip(capsys, *argv: str) -> tuple[int, str]:
    code = main(["--matters", str(ROOT / "matters"), "slip", SAMPLE, "--kind", "correction", *argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, err


def test_slip_to_a_full_disk_is_one_line_and_exit_1(capsys, tmp_path):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    code, err = slip(capsys, "--cache-dir", str(tmp_path / "cache"), "-o", "/dev/full")
    assert (code, err) == (1, "guides slip: 无法写入 /dev/full：No space left on device\n")


def test_slip_to_a_directory_is_wrong_usage(capsys, tmp_path):
    code, err = slip(capsys, "-o", str(tmp_path))
    assert (code, err) == (2, f"guides slip: -o {tmp_path}：这是一个目录；应为 PDF 文件的路径\n")


def test_slip_within_five_million_days_is_wrong_usage(capsys):
    code, err = slip(capsys, "--within", "5000000")
    assert (code, err) == (2, "guides slip: --within：最多 3650 个工作日，实际为 5000000\n")


@pytest.mark.parametrize("argv", [("--date", "9999-12-30"), ("--date", "0001-01-01"), ("--applicant", "张\udcff三"), ("--applicant", "张\x07三"), ("--applicant", "张" * 101)])
def test_slip_options_outside_their_domain_are_wrong_usage(capsys, argv):
    with pytest.raises(SystemExit) as exit:
        main(["--matters", str(ROOT / "matters"), "slip", SAMPLE, "--kind", "correction", *argv])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "Traceback" not in err
    assert err.splitlines()[-1].startswith(f"guides slip: error: argument {argv[0]}: ")


def test_slip_applicant_not_utf8_from_a_real_command_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--matters", str(ROOT / "matters"), "slip", SAMPLE, "--kind", "correction", b"--applicant", b"\xff\xfe\xe5\xbc"],
        cwd=tmp_path, capture_output=True, timeout=120,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2 and "Traceback" not in err
    assert err.splitlines()[-1] == "guides slip: error: argument --applicant: 文字不是有效的 UTF-8（含有无法解码的字节）"


# ============================================================ hangs and memory blow-ups


def billion_laughs(levels: int, width: int) -> str:
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [" + ", ".join([f"*lol{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("levels, width", [(9, 10), (3, 100), (2, 1000)], ids=["1e9", "1e6", "1e6-wide"])
def test_billion_laughs_is_refused_quickly_and_in_little_memory(capsys, tmp_path, levels, width):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + billion_laughs(levels, width), encoding="utf-8")
    tracemalloc.start()
    started = time.monotonic()
    try:
        code, lines = check(capsys, matters)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    assert any("别名（*引用）用得过多" in line or "别名展开后的值过多" in line for line in lines), lines
    assert time.monotonic() - started < 10
    assert peak < 200 * 2**20, f"{peak / 2**20:.0f} MiB"


def test_many_values_behind_few_aliases_are_counted_not_expanded(capsys, tmp_path):
    """Sixty alias uses that would add 120,000 values."""
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    text = "base: &base [" + ", ".join(["x"] * 2000) + "]\ntop: [" + ", ".join(["*base"] * 60) + "]\n"
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    started = time.monotonic()
    code, lines = check(capsys, matters)
    assert code == 1 and time.monotonic() - started < 10
    assert any("别名展开后的值过多：别名最多再添 10000 个值" in line for line in lines), lines


def test_a_catastrophic_pattern_does_not_stall_the_check(capsys, tmp_path):
    matters = matters_with(tmp_path)
    (matters / "policy.yml").write_text('rules:\n  no-catch-all:\n    patterns: ["(a+)+$", "(x|x)*y"]\n', encoding="utf-8")
    edit(matters / f"{CODE}.yml", "text: 因城市建设确需移植树木。", "text: " + "a" * 5000 + "!" + "x" * 5000)
    started = time.monotonic()
    code, lines = check(capsys, matters)
    assert time.monotonic() - started < 10
    assert code == 0, lines


@pytest.mark.parametrize(
    "pattern, reason",
    [(r"(a)\\1", "invalid escape sequence"), ("(?=材料)其他", "invalid perl operator"), ("(x{1000}){1000}", "invalid repetition size"), ("x" * 501, "正则表达式过长")],
    ids=["backreference", "lookahead", "huge", "long"],
)
def test_a_pattern_the_safe_engine_cannot_take_is_a_positioned_problem(capsys, tmp_path, pattern, reason):
    matters = matters_with(tmp_path)
    (matters / "policy.yml").write_text(f'rules:\n  no-catch-all:\n    patterns: ["{pattern}"]\n', encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert re.search(r"policy\.yml:3:16: rules\.no-catch-all\.patterns\[0\]: ", lines[0]), lines
    assert reason in lines[0]
    assert lines[-1] == "共 1 个问题"


def test_billion_laughs_in_the_region_directory_is_refused_quickly(capsys, tmp_path):
    """regions.yml may be large (a province), its aliases may not add more than a matter's."""
    matters = matters_with(tmp_path, demo=True)
    path = matters / "regions.yml"
    path.write_text(path.read_text(encoding="utf-8") + billion_laughs(9, 10), encoding="utf-8")
    tracemalloc.start()
    started = time.monotonic()
    try:
        code, lines = check(capsys, matters)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1 and time.monotonic() - started < 10 and peak < 200 * 2**20
    assert any("regions.yml:" in line and "别名展开后的值过多" in line for line in lines), lines


def test_many_plain_values_are_counted(capsys, tmp_path):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "extra: [" + ", ".join(["1"] * 100_001) + "]\n", encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("内容过多：最多 100000 个值（含别名展开的）" in line for line in lines), lines


def test_a_file_too_large_is_not_parsed(capsys, tmp_path):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "# " + "x" * (1 << 20) + "\n", encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert f"{CODE}.yml:1:1: 文件过大：最多 1048576 字节" in lines[0]


# ============================================================ accepted but wrong


def test_full_width_digits_in_a_credit_code_fail_the_check(capsys, tmp_path):
    matters = matters_with(tmp_path, demo=True)
    edit(matters / "regions.yml", "credit_code: 11350300003516723R", "credit_code: 11３50300003516723R")
    code, lines = check(capsys, matters)
    assert code == 1
    assert any(".credit_code: " in line and "regions.yml" in line for line in lines), lines


def test_full_width_digits_in_a_region_code_fail_the_check(capsys, tmp_path):
    matters = matters_with(tmp_path, demo=True)
    edit(matters / "regions.yml", 'code: "350300000000"', 'code: "３５０３００００００００"')
    code, lines = check(capsys, matters)
    assert code == 1
    assert any(": regions[0].children[0].code: 区划代码应为12位数字（省2位、市2位、县2位、乡镇3位、村3位，不足的位补0），例如 350926100000；实际为「３５０３００００００００」" in line for line in lines), lines


@pytest.mark.parametrize(
    "old, new, field",
    [
        ('version: "1.0"\neffective', 'version: "１.０"\neffective', "version"),
    ],
)
def test_full_width_digits_in_matter_codes_fail_the_check(capsys, tmp_path, old, new, field):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", old, new)
    code, lines = check(capsys, matters)
    assert code == 1
    assert any(f": {field}: 标准版本号应写作 主版本.次版本，例如 2.3 或 2.3.1；实际为「１.０」" in line for line in lines), lines


@pytest.mark.parametrize("char", ["\\x07", "\\x1b", "\\0", "\\x7f", "\\x85", "\\uFFFE", "\\r"])
def test_control_characters_in_a_name_fail_the_check(capsys, tmp_path, char):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "name: 城市树木移植审批", f'name: "城市{char}树木移植审批"')
    code, lines = check(capsys, matters)
    assert code == 1
    assert lines[0].endswith(f"{CODE}.yml:3:7: name: 文字含有控制字符 U+{ord(char.encode().decode('unicode_escape')):04X}（第 3 个字符）；只允许换行和制表符"), lines
    assert lines[-1] == "共 1 个问题"


def test_control_characters_in_a_step_name_fail_the_check(capsys, tmp_path):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "name: 审查", 'name: "审\\x08查"')
    code, lines = check(capsys, matters)
    assert code == 1
    assert re.search(rf"{CODE}\.yml:\d+:\d+: steps\[1\]\.name: 文字含有控制字符 U\+0008", lines[0]), lines


def test_newlines_and_tabs_stay_allowed_in_text(capsys, tmp_path):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "summary: ", 'summary: "第一行\\n第二行\\t制表"\nkeywords: [树木]\n# ')
    code, lines = check(capsys, matters)
    assert code == 0, lines


@pytest.mark.parametrize(
    "value",
    ["!!python/object/apply:os.system [echo hi]", "!!python/object/apply:os.system {args: [echo hi]}", "!!python/object/apply:os.system echo", "!!binary aGk=", "!!set {a, b}", "!custom [a]"],
    ids=["sequence", "mapping", "scalar", "binary", "set", "custom"],
)
def test_a_non_plain_yaml_tag_is_a_problem_on_any_node(capsys, tmp_path, value):
    matters = matters_with(tmp_path)
    edit(matters / f"{CODE}.yml", "summary: ", f"keywords: {value}\nsummary: ")
    line = line_of(matters / f"{CODE}.yml", "keywords:")
    code, lines = check(capsys, matters)
    assert code == 1
    assert re.search(rf"{CODE}\.yml:{line}:11: keywords: 不支持的 YAML 标签 ", lines[0]), lines
    assert lines[-1] == "共 1 个问题"


def test_keys_must_be_plain_text(capsys, tmp_path):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8") + "? [a, b]\n: c\n", encoding="utf-8")
    code, lines = check(capsys, matters)
    assert code == 1
    assert "键必须是简单的文字" in lines[0]


def test_fmt_refuses_hostile_files_without_touching_them(capsys, tmp_path):
    matters = matters_with(tmp_path)
    path = matters / f"{CODE}.yml"
    hostile = path.read_text(encoding="utf-8") + billion_laughs(9, 10)
    path.write_text(hostile, encoding="utf-8")
    (matters / "310115001001.yml").symlink_to("310115001001.yml")
    code = main(["--matters", str(matters), "fmt"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "别名展开后的值过多" in err and "符号链接形成循环" in err
    assert path.read_text(encoding="utf-8") == hostile


def test_when_dot_fails_the_message_names_the_matter_file(tmp_path, monkeypatch, caplog):
    """Should dot ever refuse a diagram, the build says which file's steps it could not draw."""
    from conftest import build_project, make_project
    from generator.outputs import diagrams

    def failing(source, dot):
        raise diagrams.DiagramError("dot failed: Error: syntax error in line 3")

    monkeypatch.setattr(diagrams, "run_dot", failing)
    project = make_project(tmp_path / "p", VALID)
    with pytest.raises(BaseException):
        build_project(project, jobs=1)
    assert re.search(rf"flow diagrams: matters/{CODE}\.yml:\d+:1: steps: flow-{CODE}: dot failed: Error: syntax error in line 3", caplog.text), caplog.text


@pytest.mark.parametrize(
    "argv, line",
    [
        (("build", "--jobs", "100000"), "guides build: error: argument --jobs: 最多 64 个工作进程，实际为 100000"),
        (("build", "--config", "missing.yml"), "guides build: 没有站点配置文件 missing.yml；请用 --config 指定 mkdocs.yml"),
        (("serve", "--dev-addr", "garbage"), "guides serve: error: argument --dev-addr: 应写作 主机:端口，例如 127.0.0.1:8000，实际为「garbage」"),
        (("diff", "--", "-x"), "guides diff: '-x' 既不是目录，也不是 git 版本"),
    ],
)
def test_options_outside_their_domain_are_one_line_and_exit_2(tmp_path, argv, line):
    shutil.copytree(ROOT / "matters", tmp_path / "matters")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    result = subprocess.run([sys.executable, "-m", "generator.cli", *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1] == line


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("      - date: 1958-01-09", "      - date: 1958-02-30", "日期不存在：1958-02-30"),
        ("    articles:\n      - ref: 第十条", "    articles: &a\n      - *a\n      - ref: 第十条", "别名引用了包含它自己的内容"),
        ("    versions:\n", "    versions: 5\n    old_versions:\n", "laws[0].versions"),
    ],
    ids=["date", "alias", "not-a-list"],
)
def test_the_law_register_is_read_by_the_same_reader(capsys, tmp_path, old, new, message):
    matters = matters_with(tmp_path, demo=True)
    edit(matters / "laws.yml", old, new)
    code, lines = check(capsys, matters)
    assert code == 1
    assert any("laws.yml:" in line and message in line for line in lines), lines


def test_a_thousand_materials_fail_the_check_quickly(capsys, tmp_path):
    """Lists are bounded too: slips and pages of a real guide stay fast within them."""
    matters = matters_with(tmp_path)
    many = "".join(f"  - {{id: m{i}, name: 材料{i}, form: 原件, source: 申请人自备}}\n" for i in range(1000))
    edit(matters / f"{CODE}.yml", "materials:\n", "materials:\n" + many)
    started = time.monotonic()
    code, lines = check(capsys, matters)
    assert code == 1 and time.monotonic() - started < 10
    assert any(": materials: 申请材料最多 300 项，实际 1003 项；请删去多余的项" in line for line in lines), lines
