"""`guides fmt`: canonical matter files, idempotent, never changing the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.review.fmt import SCHEMA_LINE, FormatError, format_text

ROOT = Path(__file__).resolve().parents[1]
FMT = Path(__file__).parent / "fixtures" / "diff" / "fmt"
FOUNDATION_VALID = Path(__file__).parent / "fixtures" / "foundation" / "valid"
SAMPLES = sorted((ROOT / "matters").glob("[0-9A-Z]*.yml"))


def typed(value):
    """Data with types explicit: 1, 1.0 and True must not compare equal."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", SAMPLES + [FMT / "messy.yml", FOUNDATION_VALID / "310115001000.yml"], ids=lambda p: p.name)
def test_formatting_keeps_data_and_is_idempotent(path):
    text = path.read_text(encoding="utf-8")
    once = format_text(text)
    assert typed(yaml.safe_load(once)) == typed(yaml.safe_load(text))
    assert format_text(once) == once
    assert once.splitlines()[0] == SCHEMA_LINE
    assert once.count("yaml-language-server") == 1


def test_canonical_form_orders_keys_by_model_and_quotes_consistently():
    assert format_text((FMT / "messy.yml").read_text(encoding="utf-8")) == (FMT / "messy.canonical.yml").read_text(encoding="utf-8")


def test_comments_survive_and_header_is_not_duplicated():
    text = SCHEMA_LINE + "\n# 说明：示例\nname: 甲   # 名称\ncode: \"000000000001\"\n"
    out = format_text(text)
    assert out == SCHEMA_LINE + "\n# 说明：示例\ncode: \"000000000001\"\nname: 甲   # 名称\n"


def test_strings_that_yaml_1_1_reads_as_other_types_stay_quoted():
    out = format_text("keywords: ['no', 'off', '0x1F', '1_000', '2026-01-01', '~', 'null', '']\n")
    assert 'keywords: ["no", "off", "0x1F", "1_000", "2026-01-01", "~", "null", ""]' in out
    assert yaml.safe_load(out)["keywords"] == ["no", "off", "0x1F", "1_000", "2026-01-01", "~", "null", ""]


def test_syntax_error_is_a_positioned_problem():
    with pytest.raises(FormatError) as exc:
        format_text("code: [1, 2\nname: x\n", "bad.yml")
    assert str(exc.value.problem).startswith("bad.yml:2:")


def run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_check_names_files_then_fmt_fixes_them(tmp_path, capsys):
    matters = tmp_path / "matters"
    matters.mkdir()
    shutil.copy(FMT / "messy.yml", matters / "000117012000.yml")
    shutil.copy(FMT / "messy.canonical.yml", matters / "000117012001.yml")
    before = (matters / "000117012000.yml").read_text(encoding="utf-8")

    code, err = run(capsys, "--matters", str(matters), "fmt", "--check")
    assert code == 1
    assert "000117012000.yml: 不是规范格式" in err
    assert "000117012001.yml" not in err
    assert (matters / "000117012000.yml").read_text(encoding="utf-8") == before

    code, err = run(capsys, "--matters", str(matters), "fmt")
    assert code == 0
    assert (matters / "000117012000.yml").read_text(encoding="utf-8") == (FMT / "messy.canonical.yml").read_text(encoding="utf-8")

    code, err = run(capsys, "--matters", str(matters), "fmt", "--check")
    assert code == 0


def test_fmt_of_named_paths_only_and_bad_files(tmp_path, capsys):
    one = tmp_path / "000117012000.yml"
    shutil.copy(FMT / "messy.yml", one)
    bad = tmp_path / "000117012009.yml"
    bad.write_text("code: [1, 2\n", encoding="utf-8")
    code, err = run(capsys, "fmt", "--check", str(one), str(bad))
    assert code == 1
    assert "000117012000.yml: 不是规范格式" in err
    assert "000117012009.yml:2:1: YAML 语法错误" in err
    code, err = run(capsys, "fmt", str(tmp_path / "missing.yml"))
    assert code == 2
    # a directory stands for every matter file in it
    bad.unlink()
    code, err = run(capsys, "fmt", "--check", str(tmp_path))
    assert code == 1 and "000117012000.yml: 不是规范格式" in err and "1 个文件中有 1 个需要重新格式化" in err
    code, err = run(capsys, "fmt", str(tmp_path))
    assert code == 0
    code, err = run(capsys, "fmt", "--check", str(tmp_path))
    assert code == 0 and "格式检查通过：1 个文件均为规范格式" in err


def test_blank_line_between_list_items_stays_between_them_after_reordering():
    text = 'code: "000000000001"\nmaterials:\n  - name: 甲   # 名\n    id: m1\n\n  - id: m2\n    name: 乙\n'
    out = format_text(text)
    assert "  - id: m1\n    name: 甲   # 名\n\n  - id: m2\n    name: 乙\n" in out
    assert format_text(out) == out
