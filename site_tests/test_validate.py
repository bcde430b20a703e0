"""`guides check`: every problem at once, each with file, line, column and field path."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.load.corpus import load_corpus
from generator.problems import InvalidInput

FOUNDATION = Path(__file__).parent / "fixtures" / "foundation"


def run_check(capsys, matters: Path, *paths: str) -> tuple[int, list[str]]:
    code = main(["--matters", str(matters), "check", *paths])
    err = capsys.readouterr().err
    return code, [line for line in err.splitlines() if line]


def test_valid_fixture_passes(capsys):
    code, lines = run_check(capsys, FOUNDATION / "valid")
    assert code == 0
    assert lines == ["ok: 1 matters checked"]


def test_broken_fixtures_report_every_problem_with_position(capsys):
    code, lines = run_check(capsys, FOUNDATION / "broken")
    assert code == 1
    where = str(FOUNDATION / "broken" / "310115001000.yml")
    try:
        where = str((FOUNDATION / "broken" / "310115001000.yml").relative_to(Path.cwd()))
    except ValueError:
        pass
    expected = [
        f"{where}:2:1: code: code '310115001001' does not match the file name '310115001000.yml'",
        f"{where}:34:5: materials[1].copies: expected a positive whole number, got '两份'",
        f"{where}:40:12: materials[2].when[0]: names situation option 'agent.poxy', which does not exist; valid: agent.proxy, agent.self",
        f"{where}:43:5: review_points[0].about: names 'site-plann', which is neither a material nor a condition of this matter",
        f"{where}:56:22: steps[1].next[1]: names step 'archive', which does not exist; valid: intake, review, decision",
        f"{where}:63:3: time_limit.promised_days: promised limit 25 working days is longer than the statutory 20",
    ]
    for line in expected:
        assert line in lines
    typo = [line for line in lines if "visit_count" in line]
    assert len(typo) == 1 and typo[0].startswith(f"{where}:70:1: visit_count: unknown field (a typo?); expected one of: code, name,")
    cycle = [line for line in lines if "cycle" in line]
    assert len(cycle) == 1 and cycle[0].endswith("310115001002.yml:56:5: steps[1].next: steps form a cycle: review → decision → review; a procedure must move forward")
    assert lines[-1] == "8 problems found"


def test_yaml_syntax_error_is_positioned_not_a_traceback(capsys):
    code, lines = run_check(capsys, FOUNDATION / "syntax")
    assert code == 1
    assert len(lines) == 2
    assert lines[0].endswith("310115001000.yml:7:8: YAML syntax error: while parsing a flow sequence did not find expected ',' or ']'")


def test_duplicate_keys_and_codes(tmp_path, capsys):
    valid = (FOUNDATION / "valid" / "310115001000.yml").read_text(encoding="utf-8")
    (tmp_path / "310115001000.yml").write_text(valid.replace("visits: 1\n", "visits: 1\nvisits: 2\n"), encoding="utf-8")
    (tmp_path / "310115009999.yml").write_text(valid.replace("code: \"310115001000\"", "code: \"310115009999\""), encoding="utf-8")
    (tmp_path / "310115008888.yml").write_text(valid, encoding="utf-8")
    (tmp_path / "notes.yml").write_text("a: 1\n", encoding="utf-8")
    code, lines = run_check(capsys, tmp_path)
    assert code == 1
    text = "\n".join(lines)
    assert "310115001000.yml:70:1: visits: duplicate key; each key may appear once" in text
    assert "310115008888.yml:2:1: code: code '310115001000' does not match the file name '310115008888.yml'" in text
    assert "notes.yml:1:1: file name must be the matter's 12-character code" in text


def test_wrong_types_name_expected_and_found(tmp_path):
    valid = (FOUNDATION / "valid" / "310115001000.yml").read_text(encoding="utf-8")
    broken = valid.replace("matter_type: 行政许可", "matter_type: 许可").replace("effective_date: 2026-01-01", "effective_date: 2026年1月1日")
    broken = broken.replace("levels: [县级]", "levels: 县级")
    (tmp_path / "310115001000.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(tmp_path)
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["matter_type"].startswith("expected one of '行政许可', '行政备案', '行政确认'")
    assert messages["matter_type"].endswith("got '许可'")
    assert messages["effective_date"] == "expected a date written YYYY-MM-DD, got '2026年1月1日'"
    assert messages["levels"] == "expected a list (lines starting with '- '), got '县级'"


def test_sample_matters_pass():
    corpus = load_corpus(Path(__file__).resolve().parents[1] / "matters")
    assert len(corpus.matters) >= 1


def test_check_command_exit_code_in_a_subprocess():
    """The installed console script, as CI and editors call it: no traceback, exit 1."""
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "--matters", str(FOUNDATION / "broken"), "check"],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "8 problems found" in result.stderr


def test_unknown_path_is_a_usage_error(capsys):
    assert main(["--matters", str(FOUNDATION / "valid"), "check", "no/such/file.yml"]) == 2


def test_named_files_and_directories_outside_matters_are_checked_not_skipped(capsys):
    # a directory is a matters directory of its own; a file outside --matters is checked
    # with the directory it lies in: never "ok: 0 matters checked" for what was named
    broken = FOUNDATION / "broken"
    code, lines = run_check(capsys, FOUNDATION / "valid", str(broken))
    assert code == 1 and lines[-1] == "8 problems found"
    code, lines = run_check(capsys, FOUNDATION / "valid", str(broken / "310115001002.yml"))
    assert code == 1 and lines[-1] == "1 problem found" and "steps form a cycle" in lines[0]
    code, lines = run_check(capsys, FOUNDATION / "valid", str(FOUNDATION / "valid"), str(broken))
    assert code == 1 and lines[-1] == "8 problems found"
    code, lines = run_check(capsys, broken, str(FOUNDATION / "valid"))
    assert code == 0 and lines == ["ok: 1 matters checked"]


def test_parse_cache_skips_unchanged_files_and_never_hides_a_new_problem(tmp_path):
    import shutil

    from generator.load.matters import ParseCache

    matters = tmp_path / "matters"
    shutil.copytree(FOUNDATION / "valid", matters)
    cache = tmp_path / "cache"
    first = load_corpus(matters, cache_dir=cache)
    assert (cache / ParseCache.FILE).exists()
    second = load_corpus(matters, cache_dir=cache)
    assert second.matters["310115001000"] == first.matters["310115001000"]
    # a cached file is parsed again only when a problem needs its position
    assert second.sources["310115001000"]._positions is None
    path = matters / "310115001000.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("copies: 2", "copies: 0"), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters, cache_dir=cache)
    assert [p.field for p in caught.value.problems] == ["materials[1].copies"]


def test_parse_cache_still_checks_the_code_against_a_new_file_name(tmp_path):
    import shutil

    matters = tmp_path / "matters"
    shutil.copytree(FOUNDATION / "valid", matters)
    load_corpus(matters, cache_dir=tmp_path / "cache")
    shutil.copy(matters / "310115001000.yml", matters / "310115001999.yml")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters, cache_dir=tmp_path / "cache")
    assert [p.message for p in caught.value.problems] == ["code '310115001000' does not match the file name '310115001999.yml'"]
