"""一件事 themes: combined materials, savings, joint diagram, validation, notice PDF, JSON.

The fixture (site_tests/fixtures/themes/valid) is a small 我要开饭店: 企业设立登记 first, then
食品经营许可 ∥ 消防安全检查 ∥ 户外广告 in parallel, with a 一表式 form.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import build_project, make_project
from generator.cli import main
from generator.load.corpus import load_corpus
from generator.load.matters import display_path
from generator.model.schema import THEME_SCHEMA as EDITOR_SCHEMA, theme_schema
from generator.outputs.themes import graph_dot, joint_graph, theme_json, theme_summaries

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "themes"
VALID = FIXTURES / "valid"
REGISTRATION, FOOD, FIRE, SIGN = "350300001000", "350300002000", "350300003000", "350300004000"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(VALID)


@pytest.fixture(scope="module")
def plan(corpus):
    return corpus.themes["open-shop"]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("themes"), VALID)
    return build_project(project)


def by_name(plan, name):
    found = [g for g in plan.materials if g.name == name]
    assert len(found) == 1, [g.name for g in plan.materials]
    return found[0]


def test_material_used_by_three_members_is_listed_once_with_the_three(plan):
    license_ = by_name(plan, "营业执照")
    assert license_.members == [FOOD, FIRE, SIGN]
    # it is the registration member's result, so the applicant does not bring it
    assert license_.provided_by == REGISTRATION
    names = [g.name for g in plan.materials]
    assert len(names) == len(set(names))


def test_materials_merge_by_id_and_by_name_but_forms_by_the_combined_form_only(plan):
    assert by_name(plan, "申请人身份证明").members == [REGISTRATION, FOOD]
    assert by_name(plan, "申请人身份证明").copies == 2  # the larger need wins
    # same name, different ids (premises-proof and site-lease)
    premises = by_name(plan, "经营场所使用证明（房屋产权证明或租赁合同）")
    assert premises.members == [REGISTRATION, FIRE]
    assert {use.item_id for use in premises.uses} == {"premises-proof", "site-lease"}
    form = by_name(plan, "我要开饭店一件事联办申请表")
    assert form.is_combined_form and form.members == [REGISTRATION, FOOD, FIRE, SIGN]
    assert [use.name for use in form.uses] == ["公司登记（备案）申请书", "食品经营许可申请书", "公众聚集场所投入使用、营业前消防安全检查申请表", "户外广告设施设置申请表"]


def test_situation_options_select_materials(plan):
    names = [g.name for g in plan.materials]
    assert "法定代表人身份证件" in names  # applicant.company was selected
    assert "经营者身份证件" not in names  # applicant.individual was not
    # agent is left open: the proxy's authorisation stays, marked with its situation
    assert by_name(plan, "授权委托书").conditional == ["是否委托他人代为办理：委托代理人办理"]
    assert by_name(plan, "法定代表人身份证件").conditional == []


def test_without_the_combined_form_each_form_is_its_own_material(tmp_path):
    shutil.copytree(VALID, tmp_path / "m")
    theme = tmp_path / "m" / "themes" / "open-shop.yml"
    theme.write_text(theme.read_text(encoding="utf-8").split("form:\n")[0], encoding="utf-8")
    plan = load_corpus(tmp_path / "m").themes["open-shop"]
    forms = [g for g in plan.materials if g.id == "application-form"]
    assert len(forms) == 4  # a shared id does not make two departments' forms one
    assert plan.savings["materials"].as_dict() == {"before": 14, "after": 9, "saved": 5, "percent": 36}


def test_combined_conditions_are_deduplicated(plan):
    texts = [c.text for c in plan.conditions]
    assert len(texts) == len(set(texts)) == 5
    licensed = next(c for c in plan.conditions if c.text == "已取得营业执照。")
    assert licensed.members == [FOOD, FIRE]


def test_savings_are_computed_from_the_members(plan):
    savings = {key: saving.as_dict() for key, saving in plan.savings.items()}
    assert savings == {
        # 4 + 4 + 3 + 3 applicable; 7 combined, of which 营业执照 is passed on inside
        "materials": {"before": 14, "after": 6, "saved": 8, "percent": 57},
        # 3 + 5 + 10 + 7 one by one; 3 then 10 on the critical path
        "time": {"before": 25, "after": 13, "saved": 12, "percent": 48},
        # 3 + 5 + 4 + 3 steps; intake + (1 + 3 + 2 + 1) + exit
        "steps": {"before": 15, "after": 9, "saved": 6, "percent": 40},
        "visits": {"before": 4, "after": 1, "saved": 3, "percent": 75},
    }
    assert plan.critical_path == [REGISTRATION, FIRE]
    assert plan.critical_days == 13
    assert plan.finish == {REGISTRATION: 3, FOOD: 8, FIRE: 13, SIGN: 10}


def test_joint_diagram_has_one_intake_parallel_branches_and_one_exit(plan):
    from generator.outputs import diagrams

    graph = joint_graph(plan)
    assert set(graph.edges) == {
        ("intake", f"m{REGISTRATION}"),
        (f"m{REGISTRATION}", f"m{FOOD}"),
        (f"m{REGISTRATION}", f"m{FIRE}"),
        (f"m{REGISTRATION}", f"m{SIGN}"),
        (f"m{FOOD}", "exit"),
        (f"m{FIRE}", "exit"),
        (f"m{SIGN}", "exit"),
    }
    # the three members that wait for the licence share one rank: drawn side by side
    ranks = diagrams.ranks(graph)
    assert ranks[f"m{FOOD}"] == ranks[f"m{FIRE}"] == ranks[f"m{SIGN}"] == ranks[f"m{REGISTRATION}"] + 1
    # the diagram's critical path is the theme's
    assert diagrams.critical_path(graph) == (["intake", f"m{REGISTRATION}", f"m{FIRE}", "exit"], plan.critical_days)
    dot = graph_dot(graph)
    # members of one department are drawn together: three departments, three lanes
    assert dot.count("subgraph cluster_") == 3
    names = {node.id: f"n{i}" for i, node in enumerate(graph.nodes)}
    for code in (FOOD, FIRE, SIGN):
        assert f"{names['m' + REGISTRATION]} -> {names['m' + code]} " in dot
        assert f"{names['m' + code]} -> {names['exit']} " in dot
    assert f"{names['intake']} -> {names['m' + REGISTRATION]} " in dot


def test_built_svg_has_the_branches_and_an_accessible_name(site):
    svg = (site / "themes" / "open-shop" / "flow.svg").read_text(encoding="utf-8")
    assert 'role="img"' in svg.split(">", 1)[0]
    assert "我要开饭店一件事联办流程图：一窗受理 → 企业设立登记（有限责任公司） → " in svg
    assert "食品经营许可（新办）、公众聚集场所投入使用、营业前消防安全检查、户外广告设施设置审批（并联） → 统一出件" in svg
    for code in (REGISTRATION, FOOD, FIRE, SIGN):
        assert f'id="theme-open-shop-step-m{code}"' in svg
    assert svg.count('class="edge') == 7
    page = (site / "themes" / "open-shop" / "index.html").read_text(encoding="utf-8")
    assert '<title id="theme-open-shop-title">' in page


def test_page_shows_savings_members_and_combined_materials(site):
    page = (site / "themes" / "open-shop" / "index.html").read_text(encoding="utf-8")
    assert '<tr id="saving-materials"><th scope="row">申请材料</th><td>14 份</td><td><strong>6 份</strong></td><td>8 份</td><td><strong>57%</strong></td></tr>' in page
    assert '<tr id="saving-time"><th scope="row">办理时限</th><td>25 个工作日</td><td><strong>13 个工作日</strong></td><td>12 个工作日</td><td><strong>48%</strong></td></tr>' in page
    for code in (REGISTRATION, FOOD, FIRE, SIGN):
        assert f'href="../../matters/{code}/"' in page
    assert page.count('class="guide-material-name">营业执照<') == 1
    index = (site / "themes" / "index.html").read_text(encoding="utf-8")
    assert 'href="open-shop/"' in index and "57%" in index
    assert "一件事" in (site / "index.html").read_text(encoding="utf-8")  # in the navigation


def test_notice_pdf_contains_every_combined_material(site, plan):
    pdf = site / "themes" / "open-shop" / "notice.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "一次性告知单" in flat
    for group in plan.materials:
        assert "".join(group.name.split()) in flat, group.name
    for matter in plan.matters.values():
        assert matter.name in flat


def test_theme_json_is_published_and_deterministic(site, corpus, plan):
    published = (site / "api" / "v1" / "themes" / "open-shop.json").read_text(encoding="utf-8")
    assert published == theme_json(plan, corpus) == theme_json(load_corpus(VALID).themes["open-shop"], corpus)
    document = json.loads(published)
    assert [m["code"] for m in document["members"]] == [REGISTRATION, FOOD, FIRE, SIGN]
    assert document["savings"]["materials"] == {"before": 14, "after": 6, "saved": 8, "percent": 57}
    license_ = next(m for m in document["materials"] if m["name"] == "营业执照")
    assert license_["members"] == [FOOD, FIRE, SIGN]
    assert document["critical_path"] == {"days": 13, "members": [REGISTRATION, FIRE]}
    assert (site / "api" / "v1" / "schema" / "theme-source.schema.json").read_text(encoding="utf-8") == (ROOT / EDITOR_SCHEMA).read_text(encoding="utf-8")
    import hashlib

    body = {k: v for k, v in document.items() if k not in ("fingerprint", "modified", "base")}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert document["fingerprint"] == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_rebuild_without_change_renders_nothing(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", VALID)
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats))
    build_project(project)
    first = json.loads(stats.read_text(encoding="utf-8"))["rendered"]
    assert first.get("theme-flow") == 1 and first.get("theme-notice") == 1
    pdf = (project / "site" / "themes" / "open-shop" / "notice.pdf").read_bytes()
    build_project(project)
    assert not any(k.startswith("theme") for k in json.loads(stats.read_text(encoding="utf-8"))["rendered"])
    assert (project / "site" / "themes" / "open-shop" / "notice.pdf").read_bytes() == pdf


def test_summaries_for_the_catalogue(corpus):
    (summary,) = theme_summaries(corpus)
    assert summary["id"] == "open-shop" and summary["members"] == [REGISTRATION, FOOD, FIRE, SIGN]
    assert summary["savings"]["visits"] == {"before": 4, "after": 1, "saved": 3, "percent": 75}
    assert summary["json"] == "api/v1/themes/open-shop.json"


# --- validation


def check_theme(tmp_path, capsys, name: str) -> tuple[int, list[str], str]:
    matters = tmp_path / "m"
    shutil.copytree(VALID, matters)
    (matters / "themes" / "open-shop.yml").unlink()
    shutil.copy(FIXTURES / "broken" / f"{name}.yml", matters / "themes" / f"{name}.yml")
    code = main(["--matters", str(matters), "check", "--cache-dir", ""])
    lines = [line for line in capsys.readouterr().err.splitlines() if line]
    return code, lines, display_path(matters / "themes" / f"{name}.yml", matters)


def test_missing_member_wrong_option_unknown_dependency_and_duplicate(tmp_path, capsys):
    code, lines, where = check_theme(tmp_path, capsys, "missing-member")
    assert code == 1
    assert lines == [
        f"{where}:11:5: members[1].code: 没有基本编码为 350300009000 的事项（matters 目录中没有 350300009000.yml）；是不是 350300004000（户外广告设施设置审批）？",
        f"{where}:16:15: members[2].options[0]: 350300002000（食品经营许可（新办）） 没有情形选项「applicant.companies」；可用的有：applicant.company、applicant.individual",
        f"{where}:17:34: members[2].depends_on[1]: 依赖的 350300005000 不是本主题的成员；成员有：350300001000、350300009000、350300002000。请把它加入 members，或删去这一项",
        f"{where}:18:5: members[3].code: 成员 350300001000（企业设立登记（有限责任公司）） 重复，members[0] 已经写过；每个事项只写一次，请删去这一项",
        "共 4 个问题",
    ]


def test_dependency_cycle_is_shown(tmp_path, capsys):
    code, lines, where = check_theme(tmp_path, capsys, "cycle")
    assert code == 1
    assert lines == [
        f"{where}:14:5: members[1].depends_on: 依赖成环：350300001000（企业设立登记（有限责任公司）） → 350300002000（食品经营许可（新办）） → "
        "350300003000（公众聚集场所投入使用、营业前消防安全检查） → 350300001000（企业设立登记（有限责任公司））；每个成员都要能在前置事项办完后开始，请删去环中的一条依赖",
        "共 1 个问题",
    ]


def test_promise_longer_than_the_critical_path_and_too_many_visits(tmp_path, capsys):
    code, lines, where = check_theme(tmp_path, capsys, "too-slow")
    assert code == 1
    assert lines == [
        f"{where}:14:1: promised_days: 主题承诺 14 个工作日，比关键路径还长：关键路径只需 13 个工作日"
        "（350300001000（企业设立登记（有限责任公司））3个工作日 → 350300003000（公众聚集场所投入使用、营业前消防安全检查）10个工作日）；请把 promised_days 改为不超过 13",
        f"{where}:15:1: visits: 主题的到现场次数 3 次，比各成员事项分别办理合计的 2 次还多；请把 visits 改为不超过 2",
        "共 2 个问题",
    ]


def test_promise_equal_to_the_critical_path_passes(tmp_path, capsys):
    shutil.copytree(VALID, tmp_path / "m")
    theme = tmp_path / "m" / "themes" / "open-shop.yml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("promised_days: 12", "promised_days: 13"), encoding="utf-8")
    assert main(["--matters", str(tmp_path / "m"), "check", "--cache-dir", ""]) == 0


def test_schema_errors_and_bad_file_names_are_positioned(tmp_path, capsys):
    shutil.copytree(VALID, tmp_path / "m")
    theme = tmp_path / "m" / "themes" / "open-shop.yml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("visits: 1", "visits: 一次\nbudget: 0"), encoding="utf-8")
    (tmp_path / "m" / "themes" / "Open Shop.yaml").write_text("id: x\n", encoding="utf-8")
    assert main(["--matters", str(tmp_path / "m"), "check", "--cache-dir", ""]) == 1
    err = capsys.readouterr().err
    assert "open-shop.yml:24:1: visits: 到办事现场次数应为整数，实际为「一次」；请只写阿拉伯数字，如 5" in err
    assert "open-shop.yml:25:1: budget: 没有「budget」这个字段；这里可用的字段：id、name" in err
    assert "Open Shop.yaml:1:1: 一件事主题的文件名应为主题标识加 .yml，只用小写字母、数字和连字符，例如 open-restaurant.yml；请改文件名\n" in err


def test_a_member_whose_file_was_not_loaded_is_not_reported_missing(tmp_path, capsys):
    # `guides check FILE` loads only that file; themes must not call the others missing
    assert main(["--matters", str(VALID), "check", "--cache-dir", "", str(VALID / f"{FOOD}.yml")]) == 0


def test_hostile_text_is_escaped_everywhere(tmp_path):
    shutil.copytree(VALID, tmp_path / "m")
    theme = tmp_path / "m" / "themes" / "open-shop.yml"
    theme.write_text(theme.read_text(encoding="utf-8").replace("name: 我要开饭店\n", 'name: 我要开饭店<script>alert(1)</script>"\\\n').replace("综合受理窗口\n", '综合受理窗口<script>"\\\n'), encoding="utf-8")
    corpus = load_corpus(tmp_path / "m")
    plan = corpus.themes["open-shop"]
    from generator.outputs.themes import notice_html, render_theme_page

    page = render_theme_page(plan, corpus, "")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "<script>alert" not in notice_html(plan, corpus)
    assert json.loads(theme_json(plan, corpus))["name"] == '我要开饭店<script>alert(1)</script>"\\'
    dot = graph_dot(joint_graph(plan))
    result = subprocess.run(["dot", "-Tsvg"], input=dot.encode(), capture_output=True, check=True)
    svg = result.stdout.decode("utf-8")
    assert "<script>" not in svg and '&lt;script&gt;&quot;\\' in svg


# --- schema and samples


def test_committed_theme_schema_is_generated_from_the_model():
    from generator.model.schema import schema_text

    assert (ROOT / EDITOR_SCHEMA).read_text(encoding="utf-8") == schema_text(theme_schema()), "run: python -m generator.model.schema"


def test_every_theme_file_names_the_schema_and_validates_against_it():
    schema = json.loads((ROOT / EDITOR_SCHEMA).read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted((ROOT / "matters" / "themes").glob("*.yml")) + sorted((VALID / "themes").glob("*.yml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        depth = len(path.parent.relative_to(ROOT).parts)
        assert text.startswith(f"# yaml-language-server: $schema={'../' * depth}schema/theme.schema.json\n"), path
        assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == [], path


def test_sample_themes_are_valid_and_computed_from_the_sample_matters(sample_corpus):
    plans = sample_corpus.themes
    assert sorted(plans) == ["car-repair", "convenience-store", "open-restaurant"]
    restaurant = plans["open-restaurant"]
    registration = "000117001000"
    assert restaurant.critical_path[0] == registration
    licence = next(g for g in restaurant.materials if g.provided_by == registration)
    assert licence.members == ["000117012000", "000130001000", "000121004000"]  # an ordinary 门头招牌 is no 户外广告设施设置审批
    for plan in plans.values():
        # a theme never asks for more than its members one by one
        assert all(s.after <= s.before for s in plan.savings.values()), plan.theme.id
        assert plan.theme.promised_days <= plan.critical_days


def test_every_theme_field_has_a_chinese_title():
    schema = theme_schema()
    missing = [
        f"{name}.{field}"
        for name, definition in [("Theme", schema)] + list(schema["$defs"].items())
        for field, spec in definition.get("properties", {}).items()
        if not any("\u4e00" <= ch <= "\u9fff" for ch in spec.get("title", ""))
    ]
    assert missing == []


def test_notice_pdf_is_the_same_bytes_from_two_empty_caches(tmp_path, corpus, plan):
    from generator.outputs.themes import notice_pdf_path

    first = notice_pdf_path(plan, corpus, tmp_path / "a").read_bytes()
    second = notice_pdf_path(plan, corpus, tmp_path / "b").read_bytes()
    assert first.startswith(b"%PDF") and first == second


def test_member_pages_link_back_to_their_theme(site, plan):
    for code in (REGISTRATION, FOOD, FIRE, SIGN):
        page = (site / "matters" / code / "index.html").read_text(encoding="utf-8")
        assert f'<a href="../../themes/open-shop/">{plan.theme.name}</a>' in page
    others = [p for p in (site / "matters").glob("*/index.html") if p.parent.name not in plan.matters]
    assert all("guide-themes" not in p.read_text(encoding="utf-8") for p in others)
