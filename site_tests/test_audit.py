"""`guides audit`: three counties' versions of two matters against the standard — every planted
divergence found, no other; the proposed standards pass `guides check`."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from generator.adopt.audit import align, audit
from generator.cli import main
from generator.model.matter import Matter
from generator.review.sides import read_directory, validate_side

ADOPT = Path(__file__).parent / "fixtures" / "adopt"
STANDARD = ADOPT / "standard"
FOOD, PROPERTY = "000117012000", "000111010000"
DATE = "2026-12-10"


def _fixture_module():
    spec = importlib.util.spec_from_file_location("make_adopt_fixture", ADOPT / "make_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PLANTED = _fixture_module().PLANTED


@pytest.fixture(scope="module")
def imports(tmp_path_factory) -> Path:
    """The three counties' spreadsheets imported as `guides import` does, one directory each."""
    root = tmp_path_factory.mktemp("imports")
    assert main(["--matters", str(root / "350302000000"), "import", str(ADOPT / "350302000000.xlsx")]) == 0
    assert main(["--matters", str(root / "350926000000"), "import", str(ADOPT / "350926000000.xlsx"), "--mapping", str(ADOPT / "350926000000.mapping.yml")]) == 0
    assert main(["--matters", str(root / "350304000000"), "import", str(ADOPT / "350304000000" / "事项.csv")]) == 0
    return root


def run_audit(imports: Path, out: Path, choose: str) -> None:
    dirs = [str(imports / code) for code in ("350302000000", "350304000000", "350926000000")]
    assert main(["--matters", str(STANDARD), "audit", *dirs, "--choose", choose, "--out", str(out), "--date", DATE]) == 0


def proposals(out: Path) -> dict[str, Matter]:
    side = validate_side(read_directory(out / "proposed", "proposed"))
    assert not side.problems
    return side.matters


def test_the_audit_names_every_planted_divergence_and_no_other(imports):
    import datetime as dt

    audits = audit([imports / c for c in ("350302000000", "350304000000", "350926000000")], STANDARD, "strictest", dt.date(2026, 12, 10))
    found = sorted((a.code, region, e.path, effect) for a in audits for e in a.elements for region, effect in e.effects.items())
    assert found == sorted(PLANTED)
    by_code = {a.code: a for a in audits}
    assert [v.label for v in by_code[FOOD].versions] == ["城厢区", "荔城区", "柘荣县"]  # names from each import's regions.yml
    assert by_code[FOOD].most_demanding() == "柘荣县"
    assert by_code[PROPERTY].most_demanding() == "城厢区"
    assert by_code[FOOD].counts("柘荣县") == {"elements": 2, "收紧": 2, "放宽": 0, "其他": 0}


def _check_in_standard(out: Path, tmp: Path) -> int:
    """`guides check` on the proposals, with the standard's policy (no-catch-all, review coverage)."""
    target = tmp / "check"
    shutil.copytree(out / "proposed", target)
    shutil.copy(STANDARD / "policy.yml", target / "policy.yml")
    return main(["--matters", str(target), "check", "--cache-dir", ""])


def test_the_strictest_proposal_takes_the_strictest_value_of_each_element_and_passes_check(imports, tmp_path, capsys):
    run_audit(imports, tmp_path / "out", "strictest")
    proposed = proposals(tmp_path / "out")
    food, property_ = proposed[FOOD], proposed[PROPERTY]
    assert "other-materials" not in [m.id for m in food.materials]  # a 兜底 material is never proposed
    assert next(m for m in food.materials if m.id == "business-license").form == "原件和复印件"
    assert food.time_limit.promised_days == 10
    assert next(c for c in food.conditions if c.id == "staff").text == "有专职或者兼职的食品安全管理人员和保证食品安全的规章制度。"  # wording: the standard's
    assert "survey-report" in [m.id for m in property_.materials] and "rp-survey" in [p.id for p in property_.review_points]
    assert property_.fees[0].amount == 100 and property_.time_limit.promised_days == 5
    assert (food.version, food.changes[0].version, str(food.changes[0].date), food.changes[0].kind) == ("2.4", "2.4", DATE, "major")
    assert _check_in_standard(tmp_path / "out", tmp_path) == 0
    assert main(["fmt", "--check", str(tmp_path / "out" / "proposed")]) == 0
    text = (tmp_path / "out" / "proposed" / f"{FOOD}.yml").read_text(encoding="utf-8")
    assert "    form: 原件和复印件  # 申请材料「营业执照」·材料形式 — 城厢区：原件和复印件；标准：复印件；建议：原件和复印件；对荔城区、柘荣县收紧\n" in text
    assert "materials: # 申请材料「其他相关材料」 — 柘荣县：原件 1 份，必要；标准：（无）；建议：（无）（兜底条款，不列入标准（审核规则 no-catch-all））；对柘荣县放宽\n" in text
    assert "  promised_days: 10  # 办理时限·承诺办结时限（工作日） — 柘荣县：10；标准：5；建议：10；对城厢区、荔城区收紧\n" in text


def test_union_keeps_the_standards_values_and_loosest_only_what_all_ask(imports, tmp_path):
    run_audit(imports, tmp_path / "union", "union")
    union = proposals(tmp_path / "union")
    assert "survey-report" in [m.id for m in union[PROPERTY].materials]
    assert union[PROPERTY].fees[0].amount == 80 and union[FOOD].time_limit.promised_days == 5
    assert next(m for m in union[FOOD].materials if m.id == "business-license").form == "复印件"
    assert _check_in_standard(tmp_path / "union", tmp_path / "u") == 0
    run_audit(imports, tmp_path / "loose", "loosest")
    loose = proposals(tmp_path / "loose")
    assert "survey-report" not in [m.id for m in loose[PROPERTY].materials]
    assert "rp-survey" not in [p.id for p in loose[PROPERTY].review_points]  # review points follow their materials
    assert loose[PROPERTY].time_limit.promised_days == 3 and loose[PROPERTY].fees[0].amount == 80
    assert _check_in_standard(tmp_path / "loose", tmp_path / "l") == 0


def test_the_report_in_markdown_and_xlsx(imports, tmp_path, capsys):
    run_audit(imports, tmp_path / "out", "strictest")
    markdown = capsys.readouterr().out
    assert markdown == (tmp_path / "out" / "audit.md").read_text(encoding="utf-8")
    assert "| 000117012000 食品经营许可（新办） | 柘荣县 | 2 | 2 | 0 | 0 | 9 项 9 份，10 个工作日，不收费 | 是 |" in markdown
    assert "要求申请人最多的地区：城厢区（比标准收紧 1 项）。" in markdown
    assert "| 申请材料「营业执照」·材料形式 | 复印件 | 原件和复印件（收紧） | ＝ | ＝ | 原件和复印件 | — | 收紧 | 收紧 |" in markdown
    book = load_workbook(tmp_path / "out" / "audit.xlsx")
    assert book.sheetnames == ["汇总", "差异明细"]
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0] == ["基本编码", "事项名称", "地区", "不同要素", "收紧", "放宽", "其他", "必要材料、承诺时限、收费", "要求最多"]
    assert len(summary) == 1 + 2 * 4  # the standard and three regions, for two matters
    details = [[c.value for c in row] for row in book["差异明细"].iter_rows(min_row=2)]
    assert sorted(row[3] for row in details) == sorted(path for _, _, path, _ in PLANTED if path != "time_limit.promised_days") + ["time_limit.promised_days"] * 2


def test_items_with_other_ids_are_matched_by_name():
    standard = validate_side(read_directory(STANDARD, "standard")).matters[FOOD]
    data = standard.model_dump()
    data["materials"][1]["id"] = "yyzz"  # the same 营业执照 under a county's own id
    data["review_points"][1]["about"] = "yyzz"
    local = Matter.model_validate(data)
    assert align(standard, local) == standard


def test_audit_usage(tmp_path):
    assert main(["--matters", str(STANDARD), "audit", str(tmp_path / "missing")]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["--matters", str(STANDARD), "audit", str(tmp_path / "empty"), "--out", str(tmp_path / "out")]) == 2
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / f"{FOOD}.yml").write_text(yaml.safe_dump({"code": FOOD}), encoding="utf-8")
    assert main(["--matters", str(STANDARD), "audit", str(bad), "--out", str(tmp_path / "out")]) == 1
