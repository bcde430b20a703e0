"""Policy lints in `guides check`: each rule, waivers, and a broken policy file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.load.corpus import load_corpus
from generator.load.policy import load_policy
from generator.model.policy import RULE_CONFIGS as RULES

ROOT = Path(__file__).resolve().parents[1]
POLICY = Path(__file__).parent / "fixtures" / "policy"


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def check(capsys, matters: Path) -> tuple[int, list[str]]:
    code = main(["--matters", str(matters), "check"])
    return code, [line for line in capsys.readouterr().err.splitlines() if line]


def test_clean_matter_passes_the_strictest_policy(capsys):
    code, lines = check(capsys, POLICY / "clean")
    assert (code, lines) == (0, ["检查通过：1 个事项"])
    policy = load_corpus(POLICY / "clean").policy
    assert sorted(policy.rules) == sorted(RULES)


def test_catch_all_clauses_in_conditions_and_materials(capsys):
    code, lines = check(capsys, POLICY / "no-catch-all")
    where = shown(POLICY / "no-catch-all" / "310115001000.yml")
    assert code == 1
    assert lines == [
        f"{where}:26:5: conditions[1].text: [no-catch-all] 受理条件含兜底条款「法律、法规规定的其他条件」；办事指南不得使用兜底性表述，请逐项列明",
        f"{where}:34:5: materials[1].name: [no-catch-all] 申请材料含兜底条款「有关部门要求的其他材料」；办事指南不得使用兜底性表述，请逐项列明",
        f"{where}:39:5: materials[2].name: [no-catch-all] 申请材料含兜底条款「其他申请材料」；办事指南不得使用兜底性表述，请逐项列明",
        "共 3 个问题",
    ]


def test_promised_time_over_the_ratio_of_the_statutory_time(capsys):
    code, lines = check(capsys, POLICY / "promised-time")
    assert code == 1
    assert lines[0].endswith(
        "promised-time/310115001000.yml:71:3: time_limit.promised_days: [promised-time] 承诺时限 11 个工作日超过法定时限 20 个工作日的 50%（最多 10 个工作日）"
    )
    assert len(lines) == 2


def test_promised_time_exactly_at_the_ratio_passes(tmp_path, capsys):
    shutil.copytree(POLICY / "promised-time", tmp_path / "m")
    matter = tmp_path / "m" / "310115001000.yml"
    matter.write_text(matter.read_text(encoding="utf-8").replace("promised_days: 11", "promised_days: 10"), encoding="utf-8")
    assert check(capsys, tmp_path / "m")[0] == 0


def test_too_many_steps(capsys):
    code, lines = check(capsys, POLICY / "max-steps")
    assert code == 1
    assert lines[0].endswith("max-steps/310115001000.yml:54:1: steps: [max-steps] 办理流程有 3 个环节，超过上限 2 个；请合并环节")


def test_a_disabled_rule_does_not_run(tmp_path, capsys):
    shutil.copytree(POLICY / "max-steps", tmp_path / "m")
    policy = tmp_path / "m" / "policy.yml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("max_steps: 2", "max_steps: 2\n    enabled: false"), encoding="utf-8")
    assert check(capsys, tmp_path / "m") == (0, ["检查通过：1 个事项"])


def test_a_rule_missing_from_the_policy_does_not_run(tmp_path, capsys):
    shutil.copytree(POLICY / "review-coverage", tmp_path / "m")
    (tmp_path / "m" / "policy.yml").write_text("rules:\n  max-steps:\n    max_steps: 5\n", encoding="utf-8")
    assert check(capsys, tmp_path / "m")[0] == 0


def test_material_without_review_point(capsys):
    code, lines = check(capsys, POLICY / "review-coverage")
    assert code == 1
    assert lines[0].endswith(
        "review-coverage/310115001000.yml:36:5: materials[2].id: [review-coverage] 材料「授权委托书」没有审批要点；请在 review_points 中增加 about: power-of-attorney 的一问一答"
    )
    assert len(lines) == 2


def test_waiver_switches_a_rule_off_and_unknown_waiver_is_a_problem(capsys):
    code, lines = check(capsys, POLICY / "waivers")
    assert code == 1
    # max-steps (3 steps, limit 2) is waived; the misspelt waiver is reported
    assert len(lines) == 2
    assert lines[0].endswith(
        "waivers/310115001000.yml:89:5: waivers[1].rule: [waivers] 豁免了不存在的规则「max-step」；已知规则：no-catch-all、promised-time、max-steps、review-coverage"
    )


def test_broken_policy_file_reports_every_problem(capsys):
    code, lines = check(capsys, POLICY / "bad-policy")
    where = shown(POLICY / "bad-policy" / "policy.yml")
    assert code == 1
    assert lines == [
        f"{where}:4:16: rules.no-catch-all.patterns[0]: 不是可用的正则表达式：missing ): 其他(材料（RE2 语法：不支持反向引用 \\1 和环视 (?=…)）",
        f"{where}:6:5: rules.promised-time.max_ratio: 承诺时限占法定时限的最大比例不能大于 1，实际为「1.5」",
        f"{where}:8:5: rules.max-steps.max_steps: 最多环节数应为正整数，实际为「五」；请只写阿拉伯数字，如 2",
        f"{where}:9:3: rules.review-coverag: 没有「review-coverag」这条规则，是不是 review-coverage？已知规则：no-catch-all、promised-time、max-steps、review-coverage",
        "共 4 个问题",
    ]


def test_no_policy_file_means_no_policy_rules(tmp_path):
    assert load_policy(tmp_path)[0].rules == {}


@pytest.mark.parametrize("text", ["- 1\n", "rules: [1]\n", "rulez: {}\n"])
def test_malformed_policy_is_a_problem_not_a_traceback(tmp_path, text):
    (tmp_path / "policy.yml").write_text(text, encoding="utf-8")
    policy, problems = load_policy(tmp_path)
    assert policy.rules == {} and len(problems) == 1


def test_sample_policy_is_valid_and_samples_pass_it():
    policy, problems = load_policy(ROOT / "matters")
    assert problems == []
    assert policy.rules["max-steps"].max_steps >= 5
    load_corpus(ROOT / "matters")
