"""`guides check`: every problem at once, each with file, line, column and field path."""

from __future__ import annotations

import os
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
    assert lines == ["检查通过：1 个事项"]


def test_broken_fixtures_report_every_problem_with_position(capsys):
    code, lines = run_check(capsys, FOUNDATION / "broken")
    assert code == 1
    where = str(FOUNDATION / "broken" / "310115001000.yml")
    try:
        where = str((FOUNDATION / "broken" / "310115001000.yml").relative_to(Path.cwd()))
    except ValueError:
        pass
    expected = [
        f"{where}:2:1: code: 基本编码 310115001001 与文件名 310115001000.yml 不一致；文件名应为事项的基本编码，请改正其中一处",
        f"{where}:34:5: materials[1].copies: 份数应为正整数，实际为「两份」；请只写阿拉伯数字，如 2",
        f"{where}:40:12: materials[2].when[0]: 情形选项「agent.poxy」不存在；可选：agent.proxy、agent.self",
        f"{where}:43:5: review_points[0].about: 「site-plann」既不是本事项材料的标识，也不是受理条件的标识",
        f"{where}:56:22: steps[1].next[1]: 环节「archive」不存在；可选：intake、review、decision",
        f"{where}:63:3: time_limit.promised_days: 承诺时限 25 个工作日超过法定时限 20 个工作日",
    ]
    for line in expected:
        assert line in lines
    typo = [line for line in lines if "visit_count" in line]
    assert len(typo) == 1 and typo[0].startswith(f"{where}:70:1: visit_count: 没有「visit_count」这个字段，是不是 visits（到办事现场次数）？这里可用的字段：code、name、")
    cycle = [line for line in lines if "成环" in line]
    assert len(cycle) == 1 and cycle[0].endswith("310115001002.yml:56:5: steps[1].next: 环节成环：review → decision → review；办理流程必须向前推进")
    assert lines[-1] == "共 8 个问题"


def test_yaml_syntax_error_is_positioned_not_a_traceback(capsys):
    code, lines = run_check(capsys, FOUNDATION / "syntax")
    assert code == 1
    assert len(lines) == 2
    assert lines[0].endswith("310115001000.yml:7:8: YAML 语法错误：方括号列表没有正确结束：各项用逗号分隔，最后写“]”")


def test_duplicate_keys_and_codes(tmp_path, capsys):
    valid = (FOUNDATION / "valid" / "310115001000.yml").read_text(encoding="utf-8")
    (tmp_path / "310115001000.yml").write_text(valid.replace("visits: 1\n", "visits: 1\nvisits: 2\n"), encoding="utf-8")
    (tmp_path / "310115009999.yml").write_text(valid.replace("code: \"310115001000\"", "code: \"310115009999\""), encoding="utf-8")
    (tmp_path / "310115008888.yml").write_text(valid, encoding="utf-8")
    (tmp_path / "notes.yml").write_text("a: 1\n", encoding="utf-8")
    code, lines = run_check(capsys, tmp_path)
    assert code == 1
    text = "\n".join(lines)
    assert "310115001000.yml:70:1: visits: 字段重复：同一层里每个字段只能写一次" in text
    assert "310115008888.yml:2:1: code: 基本编码 310115001000 与文件名 310115008888.yml 不一致；文件名应为事项的基本编码，请改正其中一处" in text
    assert "notes.yml:1:1: 事项文件名应为12位基本编码加 .yml，例如 310115001000.yml" in text


def test_wrong_types_name_expected_and_found(tmp_path):
    valid = (FOUNDATION / "valid" / "310115001000.yml").read_text(encoding="utf-8")
    broken = valid.replace("matter_type: 行政许可", "matter_type: 许可").replace("effective_date: 2026-01-01", "effective_date: 2026年1月1日")
    broken = broken.replace("levels: [县级]", "levels: 县级")
    (tmp_path / "310115001000.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(tmp_path)
    messages = {p.field: p.message for p in caught.value.problems}
    assert messages["matter_type"] == "事项类型应为以下之一：行政许可、行政备案、行政确认、行政给付、行政奖励、行政裁决、其他行政权力、公共服务；实际为「许可」"
    assert messages["effective_date"] == "生效日期应为日期，写作 YYYY-MM-DD（如 2026-01-01），实际为「2026年1月1日」"
    assert messages["levels"] == "行使层级应为列表（每项一行，以“- ”开头），实际为「县级」"


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
    assert "共 8 个问题" in result.stderr


def test_unknown_path_is_a_usage_error(capsys):
    assert main(["--matters", str(FOUNDATION / "valid"), "check", "no/such/file.yml"]) == 2


def test_named_files_and_directories_outside_matters_are_checked_not_skipped(capsys):
    # a directory is a matters directory of its own; a file outside --matters is checked
    # with the directory it lies in: never "检查通过：0 个事项" for what was named
    broken = FOUNDATION / "broken"
    code, lines = run_check(capsys, FOUNDATION / "valid", str(broken))
    assert code == 1 and lines[-1] == "共 8 个问题"
    code, lines = run_check(capsys, FOUNDATION / "valid", str(broken / "310115001002.yml"))
    assert code == 1 and lines[-1] == "共 1 个问题" and "环节成环" in lines[0]
    code, lines = run_check(capsys, FOUNDATION / "valid", str(FOUNDATION / "valid"), str(broken))
    assert code == 1 and lines[-1] == "共 8 个问题"
    code, lines = run_check(capsys, broken, str(FOUNDATION / "valid"))
    assert code == 0 and lines == ["检查通过：1 个事项"]


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


def test_parse_cache_appends_an_edit_and_survives_a_torn_append(tmp_path):
    import pickle
    import shutil

    from generator.load.matters import ParseCache

    matters = tmp_path / "matters"
    shutil.copytree(Path(__file__).parents[1] / "matters", matters)  # the 20 sample matters
    cache = tmp_path / "cache"
    first = load_corpus(matters, cache_dir=cache)
    journal = cache / ParseCache.FILE
    whole = journal.read_bytes()
    path = matters / "000114011000.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("copies: 2", "copies: 3", 1), encoding="utf-8")
    edited = load_corpus(matters, cache_dir=cache)
    assert edited.matters["000114011000"] != first.matters["000114011000"]
    # the edit is appended as a chunk of one matter; the file before it is untouched
    grown = journal.read_bytes()
    assert grown.startswith(whole) and len(grown) > len(whole)
    (appended,) = pickle.loads(grown[len(whole):]).values()
    assert appended.code == "000114011000" and appended.materials == edited.matters["000114011000"].materials
    assert len(ParseCache(cache).entries) == 21 and ParseCache(cache)._whole
    # a chunk cut short: the chunks before it are used, and the next load writes it anew
    journal.write_bytes(grown[: len(whole) + 20])
    torn = ParseCache(cache)
    assert not torn._whole and len(torn.entries) == 20
    assert load_corpus(matters, cache_dir=cache).matters == edited.matters
    repaired = ParseCache(cache)
    assert repaired._whole and sorted(m.code for m in repaired.entries.values()) == sorted(edited.matters)
    # the next load reads every matter from the cache: nothing is written
    before = journal.read_bytes()
    load_corpus(matters, cache_dir=cache)
    assert journal.read_bytes() == before


def test_parse_cache_still_checks_the_code_against_a_new_file_name(tmp_path):
    import shutil

    matters = tmp_path / "matters"
    shutil.copytree(FOUNDATION / "valid", matters)
    load_corpus(matters, cache_dir=tmp_path / "cache")
    shutil.copy(matters / "310115001000.yml", matters / "310115001999.yml")
    with pytest.raises(InvalidInput) as caught:
        load_corpus(matters, cache_dir=tmp_path / "cache")
    assert [p.message for p in caught.value.problems] == ["基本编码 310115001000 与文件名 310115001999.yml 不一致；文件名应为事项的基本编码，请改正其中一处"]


def test_many_files_are_parsed_in_worker_processes_with_the_same_result(tmp_path, monkeypatch):
    """Over PARALLEL_FILES files with an empty parse cache, the YAML is parsed in worker
    processes: the matters, the problems (every one, positioned, in file order) and the
    sources are those of a parse in one process."""
    from synthetic import write_corpus

    from generator.load import matters as loader
    from generator.load.matters import PARALLEL_FILES, read_matters

    folder = tmp_path / "matters"
    write_corpus(folder, PARALLEL_FILES + 6)
    files = sorted(folder.glob("[0-9]*.yml"))
    files[3].write_text(files[3].read_text(encoding="utf-8").replace("\nname: ", "\nname: [", 1), encoding="utf-8")
    files[40].write_text(files[40].read_text(encoding="utf-8").replace("copies: 1", "copies: 0", 1), encoding="utf-8")
    spies = tmp_path / "spies"
    spies.mkdir()
    monkeypatch.setenv("PARSE_SPIES", str(spies))
    monkeypatch.setattr(loader, "_parse_chunk", _parse_chunk_spy)

    def workers() -> set[int]:
        found = {int(p.name) for p in spies.iterdir()}
        for path in spies.iterdir():
            path.unlink()
        return found

    def read(jobs: str):
        monkeypatch.setenv("GUIDES_JOBS", jobs)
        matters, sources, problems, _ = read_matters(folder)
        return matters, {code: (s.display, s.text) for code, s in sources.items()}, [str(p) for p in problems]

    alone = read("1")
    assert workers() == {os.getpid()}
    parallel = read("2")
    assert len(pids := workers()) == 2 and os.getpid() not in pids
    assert parallel == alone
    matters, _, problems = parallel
    assert len(matters) == PARALLEL_FILES + 4
    assert any(f"{files[3].name}:" in p for p in problems) and any(f"{files[40].name}:" in p and "copies" in p for p in problems)


def _parse_chunk_spy(root, files):
    """generator.load.matters._parse_chunk, noting which process ran it (a module-level
    function: the worker processes get it by name)."""
    from generator.load.matters import load_matter_file

    (Path(os.environ["PARSE_SPIES"]) / str(os.getpid())).touch()
    return [load_matter_file(path, root, text=text)[::2] for path, text in files]
