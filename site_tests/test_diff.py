"""`guides diff`: a semantic report of standard changes between two git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.cli import main
from generator.review.fmt import format_text

BASE = Path(__file__).parent / "fixtures" / "diff" / "base"
CODE = "310115001000"
FILE = f"matters/{CODE}.yml"

NEW_MATERIAL = """  - id: greening-plan
    name: 绿化补偿方案
    form: 原件
    copies: 1
    source: 申请人自备
review_points:
"""
NEW_FEE = """fees:
  - id: compensation
    name: 绿化补偿费
    amount: 120
    unit: 每株
    basis: 福建省物价局闽价费〔2020〕15号
"""


def note(version: str, basis: str | None) -> str:
    text = f'changes:\n  - version: "{version}"\n    date: 2026-06-01\n    kind: major\n    note: 修订。\n'
    return text + (f"    basis: {basis}\n" if basis else "")


class Repo:
    def __init__(self, path: Path):
        self.path = path
        (path / "matters").mkdir(parents=True)
        shutil.copy(BASE / f"{CODE}.yml", path / FILE)
        self.git("init", "-q", "-b", "main")
        self.commit("base")

    def git(self, *args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", *args],
            cwd=self.path, check=True, capture_output=True, text=True,
        ).stdout

    def text(self, name: str = FILE) -> str:
        return (self.path / name).read_text(encoding="utf-8")

    def write(self, text: str, name: str = FILE) -> None:
        (self.path / name).write_text(text, encoding="utf-8")

    def edit(self, old: str, new: str, name: str = FILE) -> None:
        text = self.text(name)
        assert old in text, old
        self.write(text.replace(old, new, 1), name)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Repo:
    r = Repo(tmp_path / "repo")
    monkeypatch.chdir(r.path)
    return r


def diff(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def diff_json(capsys, *args: str) -> tuple[int, dict]:
    code, out, _ = diff(capsys, *args, "--format", "json")
    return code, json.loads(out)


def changes_of(report: dict) -> list[tuple[str, str, str]]:
    return [(c["path"], c["effect"], c["text"]) for m in report["matters"] for c in m["changes"]]


def test_added_required_material_is_tightening_and_needs_a_basis(repo, capsys):
    repo.edit("review_points:\n", NEW_MATERIAL)
    repo.commit("add material")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert code == 0
    assert changes_of(report) == [("materials[greening-plan]", "收紧", "新增材料「绿化补偿方案」（必要，原件 1 份）")]
    assert report["summary"]["tightened"] == [CODE]
    code, out, err = diff(capsys, "HEAD~1", "HEAD", "--check")
    assert code == 1
    assert f"HEAD:{FILE}:41:5: materials[3]: [diff-basis] 收紧变更（新增材料「绿化补偿方案」（必要，原件 1 份））没有写明法律依据" in err
    assert "需要处理的问题 1 个" in out


def test_a_new_change_note_with_basis_satisfies_check(repo, capsys):
    repo.edit("review_points:\n", NEW_MATERIAL)
    repo.edit('version: "1.0"\neffective_date: 2026-01-01\nchanges:\n', 'version: "1.1"\neffective_date: 2026-06-01\n' + note("1.1", "《城市绿化条例》第二十条"))
    repo.commit("add material with basis")
    code, out, err = diff(capsys, "HEAD~1", "HEAD", "--check")
    assert code == 0, err
    assert "变更依据：《城市绿化条例》第二十条" in out
    assert "- **收紧** 新增材料「绿化补偿方案」" in out


def test_a_change_note_without_basis_is_not_enough(repo, capsys):
    repo.edit("fees: []\n", NEW_FEE)
    repo.edit('version: "1.0"\neffective_date: 2026-01-01\nchanges:\n', 'version: "1.1"\neffective_date: 2026-06-01\n' + note("1.1", None))
    repo.commit("fee, note without basis")
    assert diff(capsys, "HEAD~1", "HEAD", "--check")[0] == 1


def test_shortened_promised_time_is_loosening(repo, capsys):
    repo.edit("promised_days: 5", "promised_days: 3")
    repo.commit("faster")
    code, report = diff_json(capsys, "HEAD~1", "HEAD", "--check")
    assert code == 0
    assert changes_of(report) == [("time_limit.promised_days", "放宽", "承诺时限 5→3 个工作日")]
    assert report["summary"]["loosened"] == [CODE] and report["summary"]["tightened"] == []
    assert report["problems"] == []


def test_reordered_list_is_no_change(repo, capsys):
    text = repo.text()
    start, end = text.index("  - id: application-form"), text.index("review_points:")
    items = text[start:end].split("  - id: ")[1:]
    repo.write(text[:start] + "".join("  - id: " + item for item in reversed(items)) + text[end:])
    repo.edit("levels: [县级]", "levels: [县级]")  # the file really changed: check below
    repo.commit("reorder")
    assert repo.git("diff", "--stat", "HEAD~1", "HEAD")
    code, out, err = diff(capsys, "HEAD~1", "HEAD", "--check")
    assert code == 0
    assert "no standard changes" in err and "标准无实质变更" in out


def test_renamed_material_is_one_change(repo, capsys):
    repo.edit("name: 树木现状位置图", "name: 拟移植树木现状位置图")
    repo.commit("rename")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert changes_of(report) == [("materials[site-plan].name", "其他", "材料「树木现状位置图」更名为「拟移植树木现状位置图」")]


def test_added_fee_without_basis_is_a_problem(repo, capsys):
    repo.edit("fees: []\n", NEW_FEE)
    repo.commit("fee")
    code, out, err = diff(capsys, "HEAD~1", "HEAD", "--check")
    assert code == 1
    assert "- **收紧** 新增收费「绿化补偿费」120 元/每株（依据：福建省物价局闽价费〔2020〕15号）" in out
    assert f"HEAD:{FILE}:73:5: fees[0]: [diff-basis] 收紧变更（新增收费「绿化补偿费」" in err
    assert err.rstrip().endswith("共 1 个问题")
    # without --check the same report, exit 0
    assert diff(capsys, "HEAD~1", "HEAD")[0] == 0


def test_formatting_only_change_is_no_change(repo, capsys):
    text = repo.text()
    messy = text.replace('complaint_phone: "12345"', "complaint_phone: '12345'").replace("levels: [县级]", "levels:\n- 县级")
    messy = messy.replace("name: 城市树木移植审批\n", "").replace("matter_type: 行政许可\n", "matter_type: 行政许可\nname:   城市树木移植审批   # 事项名称\n")
    repo.write(messy)
    repo.commit("messy")
    repo.write(format_text(messy))
    repo.commit("fmt")
    for rev in ("HEAD~2", "HEAD~1"):
        code, out, err = diff(capsys, rev, "HEAD", "--check")
        assert code == 0 and "no standard changes" in err


def test_element_by_element_report_in_chinese(repo, capsys):
    repo.edit("    copies: 2\n", "    copies: 3\n")
    repo.edit("    text: 因城市建设确需移植树木。", "    text: 因城市基础设施建设确需移植树木。")
    repo.edit("    when: [agent.proxy]\n", "")
    repo.edit("  - id: decision\n", "  - id: inspection\n    name: 现场核查\n    actor: 核查人员\n    days: 2\n    next: [decision]\n  - id: decision\n")
    repo.edit("    days: 3\n    next: [decision]", "    days: 3\n    next: [inspection]")
    repo.edit("visits: 1", "visits: 2")
    repo.edit("online_depth: 三级", "online_depth: 四级")
    repo.edit("article: 第二十条", "article: 第二十一条")
    repo.edit("delivery: [窗口领取]", "delivery: [窗口领取, 邮寄送达]")
    repo.commit("many")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    got = changes_of(report)
    assert got == [
        ("legal_basis[greening-regulation-24].article", "其他", "设定依据《城市绿化条例》第二十一条的条款：第二十条→第二十一条"),
        ("conditions[construction-need].text", "其他", "受理条件变更（construction-need）"),
        ("materials[site-plan].copies", "收紧", "材料「树木现状位置图」份数 2→3"),
        ("materials[power-of-attorney].when", "收紧", "材料「授权委托书」适用情形：是否委托他人办理：委托代理人办理→所有情形"),
        ("steps[review].next", "其他", "办理环节「审查」的后续环节新增「inspection」"),
        ("steps[review].next", "其他", "办理环节「审查」的后续环节删除「decision」"),
        ("steps[inspection]", "其他", "新增办理环节「现场核查」（核查人员，2 个工作日）"),
        ("result.delivery", "放宽", "新增送达方式「邮寄送达」"),
        ("visits", "收紧", "到办事现场次数 1→2 次"),
        ("online_depth", "放宽", "网办深度 三级→四级"),
    ]
    condition = report["matters"][0]["changes"][1]
    assert (condition["old"], condition["new"]) == ("因城市建设确需移植树木。", "因城市基础设施建设确需移植树木。")
    code, out, _ = diff(capsys, "HEAD~1", "HEAD")
    assert "  - 原：因城市建设确需移植树木。\n  - 新：因城市基础设施建设确需移植树木。" in out
    summary = out.split("### ")[0]
    assert "**1 个事项有变更**：收紧 1 个，放宽 1 个" in summary and f"收紧：{CODE} 城市树木移植审批" in summary


def test_added_removed_and_renamed_matters(repo, capsys):
    other = repo.text().replace(CODE, "310115001001").replace("name: 城市树木移植审批", "name: 城市树木砍伐审批")
    repo.write(other, "matters/310115001001.yml")
    repo.commit("add")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert [(m["code"], m["status"]) for m in report["matters"]] == [("310115001001", "added")]
    assert report["summary"]["added"] == ["310115001001"]

    (repo.path / "matters/310115001001.yml").unlink()
    repo.edit("name: 城市树木移植审批", "name: 城市树木迁移审批")
    repo.commit("remove one, rename the other")
    code, out, _ = diff(capsys, "HEAD~1", "HEAD")
    assert "删除 1，更名 1" in out and "原名：城市树木移植审批" in out
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert [(m["code"], m["status"]) for m in report["matters"]] == [(CODE, "renamed"), ("310115001001", "removed")]

    recoded = repo.text().replace(CODE, "310115001002")
    (repo.path / FILE).unlink()
    repo.write(recoded, "matters/310115001002.yml")
    repo.commit("new code")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert [(m["code"], m["status"], m["old_code"]) for m in report["matters"]] == [("310115001002", "recoded", CODE)]
    assert changes_of(report) == [("code", "其他", f"事项编码 {CODE}→310115001002")]


def test_head_defaults_to_the_work_tree_and_directories_work(repo, capsys, tmp_path):
    repo.edit("promised_days: 5", "promised_days: 8")
    code, report = diff_json(capsys, "HEAD")
    assert report["head"] == "工作区"
    assert changes_of(report) == [("time_limit.promised_days", "收紧", "承诺时限 5→8 个工作日")]
    code, report = diff_json(capsys, str(BASE), str(repo.path / "matters"))
    assert changes_of(report) == [("time_limit.promised_days", "收紧", "承诺时限 5→8 个工作日")]


def test_invalid_revision_is_reported_not_a_traceback(repo, capsys):
    repo.edit("    copies: 2\n", "    copies: 两份\n")
    repo.commit("broken")
    code, out, err = diff(capsys, "HEAD~1", "HEAD")
    assert code == 1 and out == ""
    assert "guides diff: HEAD 中的事项文件无效" in err
    assert f"HEAD:{FILE}:34:5: materials[1].copies: 份数应为正整数，实际为「两份」；请只写阿拉伯数字，如 2" in err
    code, out, err = diff(capsys, "no-such-revision")
    assert code == 2 and "no-such-revision" in err


def test_sticky_comment_workflow_runs_the_three_commands(project_root):
    import yaml

    workflow = yaml.safe_load((project_root / ".github" / "workflows" / "standards.yml").read_text(encoding="utf-8"))
    script = json.dumps(workflow, ensure_ascii=False)
    for command in ("guides check", "guides fmt --check", "guides diff", "--check"):
        assert command in script
    assert "guides-diff-report" in script and "actions/github-script" in script


def test_nested_lists_are_matched_by_id_too(repo, capsys):
    repo.edit("        label: 委托代理人办理\n", "        label: 委托他人代理\n      - id: lawyer\n        label: 委托律师办理\n")
    repo.commit("options")
    code, report = diff_json(capsys, "HEAD~1", "HEAD")
    assert changes_of(report) == [
        ("situations[agent].options[lawyer]", "其他", "办理情形「是否委托他人办理？」的选项新增「委托律师办理」"),
        ("situations[agent].options[proxy].label", "其他", "办理情形「是否委托他人办理？」的选项「委托他人代理」的选项名称：委托代理人办理→委托他人代理"),
    ]


def test_matters_at_the_top_of_the_repository(tmp_path, capsys):
    flat = tmp_path / "flat"
    flat.mkdir()
    shutil.copy(BASE / f"{CODE}.yml", flat)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=flat, check=True)
    subprocess.run([*git, "add", "-A"], cwd=flat, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=flat, check=True)
    path = flat / f"{CODE}.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("promised_days: 5", "promised_days: 4"), encoding="utf-8")
    code = main(["--matters", str(flat), "diff", "HEAD", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and changes_of(report) == [("time_limit.promised_days", "放宽", "承诺时限 5→4 个工作日")]
