"""The elements of a national guide (实施清单 part 2): each one valid and invalid, on the page,
in the matter JSON, on the slips and in CPSV-AP. Problem texts are asserted exactly."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.load.matters import load_matter_file
from generator.model.matter import Matter

ROOT = Path(__file__).parents[1]
MATTERS = ROOT / "matters"
PLANNING = "000121005000"  # 中介服务, 特别程序, 告知承诺, 容缺, copies_when
FREIGHT = "000114011000"  # 告知承诺 of materials and conditions, multiple, when_all, 快递申请
DRUG = "000118004000"  # 容缺, 现场检查 counted, validity, files
SITE_URL = "https://guides.example.gov.cn/"


def sample(code: str) -> dict:
    return yaml.safe_load((MATTERS / f"{code}.yml").read_text(encoding="utf-8"))


def problems_of(tmp_path: Path, data: dict) -> list[str]:
    """Write ``data`` as a matter beside a copy of its files; the problems as 'field: message'."""
    root = tmp_path / "m"
    root.mkdir(exist_ok=True)
    if (MATTERS / "files" / data["code"]).is_dir():
        shutil.copytree(MATTERS / "files" / data["code"], root / "files" / data["code"], dirs_exist_ok=True)
    path = root / f"{data['code']}.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    matter, _, problems = load_matter_file(path, root)
    from generator.load.downloads import download_problems
    from generator.load.reader import load_yaml

    if matter is not None:
        problems = problems + download_problems(root, matter, load_yaml(path, str(path)))
    return [f"{p.field}: {p.message}" for p in problems]


# ------------------------------------------------------------------ valid: the new samples


@pytest.mark.parametrize("code", [PLANNING, FREIGHT, DRUG])
def test_new_samples_are_valid(tmp_path, code):
    assert problems_of(tmp_path, sample(code)) == []


def test_old_matter_without_new_elements_stays_valid_with_defaults():
    data = yaml.safe_load((MATTERS / "000117012000.yml").read_text(encoding="utf-8"))
    matter = Matter.model_validate(data)
    assert matter.status == "在用" and matter.status_date is None
    assert matter.handling.handling_type is None and matter.handling.channels == []
    assert matter.commitment is None and matter.deferrals == [] and matter.intermediary_services == []
    assert matter.special_procedures == [] and matter.quantity_limit is None
    assert matter.authority.power_source is None


# ------------------------------------------------------------------ invalid: one per element


def test_commitment_naming_unknown_material_and_condition(tmp_path):
    data = sample(FREIGHT)
    data["commitment"]["materials"] = ["safety-rule-text"]
    data["commitment"]["conditions"] = ["safety"]
    found = problems_of(tmp_path, data)
    valid = "application、business-license、driver-documents、oversize-equipment-list、purchase-commitment、safety-rules-text、vehicle-documents"
    assert f"commitment.materials[0]: 告知承诺写的材料 'safety-rule-text' 不是本事项的申请材料；可用的有：{valid}" in found
    assert "commitment.conditions[0]: 告知承诺写的条件 'safety' 不是本事项的受理条件；可用的有：drivers、oversize-equipment、safety-rules、vehicles-ok" in found


def test_commitment_replacing_nothing(tmp_path):
    data = sample(FREIGHT)
    data["commitment"]["materials"] = []
    data["commitment"]["conditions"] = []
    assert problems_of(tmp_path, data) == ["commitment: 告知承诺制至少要替代一项材料（materials）或一项条件（conditions）"]


def test_commitment_without_text_is_a_schema_problem(tmp_path):
    data = sample(FREIGHT)
    del data["commitment"]["text"]
    assert problems_of(tmp_path, data) == ["commitment.text: 缺少必填项「承诺内容」；请写上 text:"]


def test_deferral_unknown_committed_and_repeated(tmp_path):
    data = sample(PLANNING)
    data["deferrals"] = [
        {"material": "land", "within_days": 5},
        {"material": "technical-review", "within_days": 5},
        {"material": "land-title", "within_days": 5},
        {"material": "land-title", "within_days": 10},
    ]
    found = problems_of(tmp_path, data)
    assert found == [
        "deferrals[0].material: 容缺受理写的材料 'land' 不是本事项的申请材料；可用的有：application、design-scheme、land-title、technical-review",
        "deferrals[1].material: 材料 'technical-review' 已经以告知承诺替代、不必提交，不能再容缺后补",
        "deferrals[3].material: 材料 'land-title' 已经写过容缺受理",
    ]


def test_deferral_needs_positive_days(tmp_path):
    data = sample(PLANNING)
    data["deferrals"][0]["within_days"] = 0
    assert problems_of(tmp_path, data) == ["deferrals[0].within_days: 补交期限（工作日）应为正整数（至少为 1），实际为「0」"]


def test_when_all_unknown_option_and_two_options_of_a_single_choice(tmp_path):
    data = sample(FREIGHT)
    data["materials"][6]["when_all"] = ["scope.oversize", "vehicles.owned", "vehicles.to-buy", "scope.huge"]
    found = problems_of(tmp_path, data)
    assert found == [
        "materials[6].when_all[2]: 'vehicles.owned' 和 'vehicles.to-buy' 是同一单选情形的两个选项，不可能同时成立；要么改用 when（任一成立），要么把情形 vehicles 设为 multiple: true",
        "materials[6].when_all[3]: 情形选项 'scope.huge' 不存在；可用的有：scope.general、scope.oversize、scope.special、vehicles.owned、vehicles.to-buy",
    ]


def test_when_all_two_options_of_a_multiple_choice_is_fine(tmp_path):
    data = sample(FREIGHT)
    data["conditions"][3]["when_all"] = ["scope.oversize", "scope.special"]
    assert problems_of(tmp_path, data) == []


def test_copies_when_unknown_option_and_zero(tmp_path):
    data = sample(PLANNING)
    data["materials"][2]["copies_when"] = [{"when": ["project.tiny"], "copies": 1}, {"when": ["project.general"], "copies": 0}]
    assert problems_of(tmp_path, data) == [
        "materials[2].copies_when[1].copies: 份数应为正整数（至少为 1），实际为「0」",
        "materials[2].copies_when[0].when[0]: 情形选项 'project.tiny' 不存在；可用的有：project.general、project.simple",
    ]


def test_material_basis_naming_unknown_legal_basis(tmp_path):
    data = sample(PLANNING)
    data["materials"][0]["basis"] = ["planning-41"]
    assert problems_of(tmp_path, data) == ["materials[0].basis[0]: 设定依据 'planning-41' 不存在；可用的有：licensing-36、licensing-45、licensing-47、planning-40"]


def test_intermediary_service_unknown_material_and_duplicate(tmp_path):
    data = sample(PLANNING)
    data["intermediary_services"].append(dict(data["intermediary_services"][0], material="design"))
    assert problems_of(tmp_path, data) == [
        "intermediary_services[1].material: 中介服务写的材料 'design' 不是本事项的申请材料；可用的有：application、design-scheme、land-title、technical-review",
        "intermediary_services[1].id: 标识「design」重复（第 1 项已使用）；同一列表里的标识不能相同",
    ]


def test_intermediary_service_without_provider(tmp_path):
    data = sample(PLANNING)
    del data["intermediary_services"][0]["provider"]
    assert problems_of(tmp_path, data) == ["intermediary_services[0].provider: 缺少必填项「服务机构」；请写上 provider:"]


def test_special_procedure_unknown_step_and_calendar_days(tmp_path):
    data = sample(PLANNING)
    data["special_procedures"][0]["step"] = "publish"
    found = problems_of(tmp_path, data)
    assert found == ["special_procedures[0].step: 环节 'publish' 不存在；可用的有：decision、intake、publicity、review"]
    data = sample(PLANNING)
    del data["steps"][2]["calendar_days"]
    assert problems_of(tmp_path, data) == [
        "special_procedures[0].step: 特别程序“批前公示”的 7 个自然日不计入办理时限，但环节 'publicity' 没有写 calendar_days；请在该环节写 calendar_days: 7"
    ]
    data = sample(PLANNING)
    data["special_procedures"][0]["days"] = 10
    assert problems_of(tmp_path, data) == ["special_procedures[0].days: 特别程序需 10 个自然日，比所在环节 'publicity' 的 calendar_days（7）还长；两处应一致"]


def test_special_procedure_unknown_kind(tmp_path):
    data = sample(PLANNING)
    data["special_procedures"][0]["kind"] = "公告"
    assert problems_of(tmp_path, data) == [
        "special_procedures[0].kind: 特别程序种类应为以下之一：公示、专家评审、检验检测、现场勘查、听证、其他；实际为「公告」"
    ]


def test_handling_type_against_promised_days(tmp_path):
    data = sample(PLANNING)
    data["handling"]["handling_type"] = "即办件"
    assert problems_of(tmp_path, data) == ["handling.handling_type: 即办件当场办结，但承诺办结时限是 10 个工作日；请改为承诺件，或把 promised_days 改为 0"]
    data = sample(PLANNING)
    data["handling"]["channels"] = ["窗口办理", "上门办理"]
    assert problems_of(tmp_path, data) == [
        "handling.channels[1]: 办理形式应为以下之一：窗口办理、网上办理、快递申请；实际为「上门办理」",
        "handling.online_flow: 写了网上办理流程，但办理形式（channels）没有 网上办理",
    ]
    data = sample(PLANNING)
    data["handling"]["channels"] = ["窗口办理"]
    assert problems_of(tmp_path, data) == ["handling.online_flow: 写了网上办理流程，但办理形式（channels）没有 网上办理"]


def test_fee_range_and_reduction(tmp_path):
    data = sample(PLANNING)
    data["fees"] = [{"id": "survey", "name": "测绘费", "amount": 200, "amount_max": 100, "unit": "每平方米", "basis": "某价格文件", "reduction_basis": "某减免文件"}]
    assert problems_of(tmp_path, data) == [
        "fees[0].amount_max: 收费上限 100 元小于下限 amount 200 元",
        "fees[0].reduction_basis: 写了减免依据，但没有写减免情形（reduction）",
    ]
    data["fees"][0].update(amount_max=300, reduction="小微企业减半收取")
    assert problems_of(tmp_path, data) == []


def test_status_needs_a_date(tmp_path):
    data = sample(PLANNING)
    data["status"] = "取消"
    assert problems_of(tmp_path, data) == ["status: 事项状态为取消，请写明取消日期 status_date（YYYY-MM-DD）"]
    data["status"] = "在用"
    data["status_date"] = "2026-12-01"
    assert problems_of(tmp_path, data) == ["status_date: 事项在用，不需要状态日期；暂停或取消时才写 status_date"]
    data["status"] = "废止"
    assert problems_of(tmp_path, data)[0] == "status: 事项状态应为以下之一：在用、暂停、取消；实际为「废止」"


def test_business_item_code(tmp_path):
    data = sample(PLANNING)
    data["business_item_code"] = "00011701200001"
    del data["business_item"]
    assert problems_of(tmp_path, data) == [
        "business_item_code: 业务办理项编码应以本事项的基本编码 000121005000 开头，得到 '00011701200001'",
        "business_item_code: 写了业务办理项编码，也要写业务办理项 business_item（新设、变更、延续、注销）",
    ]


def test_entrusted_authority_needs_the_entrusting_department(tmp_path):
    data = sample(PLANNING)
    data["authority"]["power_source"] = "同级委托"
    assert problems_of(tmp_path, data) == ["authority: 委托实施的事项要写委托部门 entrusting_department"]
    data["authority"]["entrusting_department"] = "自然资源局"
    assert problems_of(tmp_path, data) == []


def test_filing_type_and_new_service_objects(tmp_path):
    data = sample(PLANNING)
    data["matter_type"] = "行政备案"
    data["service_objects"] = ["个体工商户", "社会组织", "事业单位", "机关", "其他组织"]
    assert problems_of(tmp_path, data) == []
    data["service_objects"] = ["企业"]
    assert problems_of(tmp_path, data)[0].startswith("service_objects[0]: 服务对象应为以下之一：自然人、法人、个体工商户、社会组织、事业单位、机关、其他组织；实际为「企业」")
    from generator import contract

    assert contract.type_url("行政备案") == "types/filing/"


def test_validity_quantity_and_situation_multiple_are_typed(tmp_path):
    data = sample(DRUG)
    data["situations"][1]["multiple"] = "是"
    data["quantity_limit"] = ""
    assert problems_of(tmp_path, data) == [
        "situations[1].multiple: 可多选应为 true（是）或 false（否），实际为「是」",
        "quantity_limit: 数量限制不能为空",
    ]


# ------------------------------------------------------------------ page, JSON, CPSV-AP


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site


def page(site: Path, code: str) -> str:
    return (site / "matters" / code / "index.html").read_text(encoding="utf-8")


def text_of(html: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def test_page_shows_the_elements_where_the_public_needs_them(site):
    html = page(site, PLANNING)
    text = text_of(html)
    assert "办件类型承诺件" in text and "办理形式窗口办理、网上办理" in text
    assert text.index("申请材料") < text.index("中介服务")  # what to bring first, then who may help
    assert "建设工程设计方案编制出具材料：建设工程设计方案" in text
    assert "《建设工程勘察设计管理条例》第八条具有相应资质的建设工程设计单位必须市场调节价" in text
    assert "实行告知承诺：签署告知承诺书后可不提交" in text
    assert "本单位承诺所报建设工程设计方案符合规划条件" in text
    assert "可容缺受理：受理之日起20个工作日内补交（已签订出让合同" in text
    assert "社会投资简易低风险项目：1份" in text
    assert "批前公示（公示）在“批前公示”环节7个自然日（不计入办理时限）《中华人民共和国行政许可法》第三十六条" in text
    assert "特别程序（不计入时限）批前公示7个自然日、重大项目设计方案专家评审10个工作日、听证（利害关系人申请时）20个工作日" in text
    assert "权力来源法定本级行使" in text and "实施主体性质法定机关" in text
    assert "新设00012100500001" in text
    assert "可以预约办理" in text
    drug = text_of(page(site, DRUG))
    assert "有效期5年" in drug and "年检年审有效期届满需要继续经营的" in drug
    assert "填报须知：用黑色签字笔" in drug and "依据：《中华人民共和国药品管理法》第五十一条第一款" in drug
    freight = page(site, FREIGHT)
    assert 'type="checkbox" name="scope" value="scope.oversize"' in freight
    assert 'data-when-all="scope.oversize vehicles.owned"' in freight
    assert "同时满足：申请的经营范围（可多选）：大型物件运输；车辆情况：已有车辆" in text_of(freight)
    assert "（可书面承诺符合，见告知承诺）" in text_of(freight)


def test_status_notice_is_prominent_and_text_is_escaped(tmp_path):
    from generator.load.corpus import load_corpus
    from generator.outputs.pages.matter import render_matter_page

    root = tmp_path / "m"
    shutil.copytree(MATTERS, root)
    data = sample(PLANNING)
    data.update(status="暂停", status_date="2026-12-15", status_note="<b>规划调整</b>期间暂停受理。")
    data["commitment"]["text"] = "<script>alert(1)</script>承诺"
    (root / f"{PLANNING}.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    corpus = load_corpus(root)
    out = render_matter_page(corpus.matters[PLANNING], corpus)
    assert out.index("guide-status") < out.index('id="matter-title"')
    assert "本事项已暂停（2026年12月15日起）" in out
    assert "&lt;b&gt;规划调整&lt;/b&gt;期间暂停受理。" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;承诺" in out and "<script>alert" not in out


def test_matter_json_has_the_new_fields(site):
    doc = json.loads((site / "api" / "v1" / "matters" / f"{PLANNING}.json").read_text(encoding="utf-8"))
    assert doc["intermediary_services"][0]["provider"] == "具有相应资质的建设工程设计单位"
    assert doc["special_procedures"][0] == {
        "id": "publicity", "kind": "公示", "name": "批前公示", "days": 7, "calendar": True, "counted": False,
        "basis": "《中华人民共和国行政许可法》第三十六条", "step": "publicity",
    }
    assert doc["commitment"]["materials"] == ["technical-review"]
    assert doc["deferrals"] == [{"material": "land-title", "within_days": 20, "note": doc["deferrals"][0]["note"]}]
    assert doc["handling"]["handling_type"] == "承诺件" and doc["status"] == "在用"
    assert doc["materials"][2]["copies_when"] == [{"when": ["project.simple"], "copies": 1}]
    old = json.loads((site / "api" / "v1" / "matters" / "000117012000.json").read_text(encoding="utf-8"))
    assert old["commitment"] is None and old["deferrals"] == [] and old["status"] == "在用"


def test_cpsv_ap_maps_the_elements(site):
    graph = json.loads((site / "api" / "v1" / "cpsv-ap" / f"{FREIGHT}.jsonld").read_text(encoding="utf-8"))["@graph"]
    by_id = {n["@id"].rsplit("#", 1)[-1]: n for n in graph}
    service = by_id["service"]["dct:description"]["@value"]
    assert "办件类型：承诺件" in service and "办理形式：窗口办理、网上办理、快递申请" in service
    assert "实行告知承诺制，承诺内容：本单位（本人）承诺" in service
    intermediary = by_id["requirement-intermediary-vehicle-grading"]
    assert intermediary["@type"] == "cv:Requirement" and intermediary["dct:title"]["@value"] == "中介服务：道路运输车辆技术等级评定检测"
    assert "实行告知承诺：签署告知承诺书后可不提交" in by_id["evidence-safety-rules-text"]["dct:description"]["@value"]
    assert "大型物件运输：2份" in by_id["evidence-vehicle-documents"]["dct:description"]["@value"]
    assert any(n.get("dct:type", {}).get("@id", "").endswith("#channel-mail") for n in graph)
    drug = json.loads((site / "api" / "v1" / "cpsv-ap" / f"{DRUG}.jsonld").read_text(encoding="utf-8"))["@graph"]
    output = next(n for n in drug if n["@type"] == "cv:Output")
    assert "有效期：5年" in output["dct:description"]["@value"]


# ------------------------------------------------------------------ slips


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def slip_text(site: Path, code: str, kind: str) -> str:
    out = subprocess.run(["pdftotext", str(site / "matters" / code / "slips" / f"{kind}.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


@needs_poppler
def test_notice_carries_the_commitment_and_acceptance_the_deferrals_and_special_procedures(site):
    notice = slip_text(site, FREIGHT, "notice")
    assert "告知承诺" in notice and "申请人签署告知承诺书的，可以不提交：安全生产管理制度文本" in notice
    assert "本单位（本人）承诺已建立健全安全生产责任制度" in notice
    # copies that depend on the situation: under the base count, each situation's
    assert "车辆行驶证、车辆技术等级评定结论" in notice and "大型物件运输：2份" in notice  # the cell wraps: read the rule alone
    acceptance = slip_text(site, PLANNING, "acceptance")
    assert "容缺受理" in acceptance
    assert "使用土地的有关证明文件（不动产权证书或国有建设用地使用权出让合同）：20个工作日内补交" in acceptance
    assert "本事项需经下列特别程序，所需时间不计算在办结时限内：批前公示7个自然日" in acceptance
    assert "听证（利害关系人申请时）20个工作日" in acceptance
    # an old matter's slips have none of it
    assert "容缺受理" not in slip_text(site, "000117012000", "acceptance")
