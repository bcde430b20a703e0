"""The local service elements of the region directory: 预约办理 with its daily quota, 自助终端,
申请材料邮寄地址 per hall; 网上预约, 网上支付, 进度查询, 网上咨询 and 网上投诉 per region,
inherited down the tree. Shown where the matter's standard says the service exists, on the
matter page, in implementations.json and in CPSV-AP; wrong references are positioned problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from generator.cli import main
from generator.load.corpus import load_corpus
from generator.outputs import regions
from generator.outputs.linked_data import cpsv_ap
from generator.outputs.pages.matter import render_matter_page

DRUG, PLANNING, CARD, FOOD, PROPERTY, FREIGHT = "000118004000", "000121005000", "000112001000", "000117012000", "000111010000", "000114011000"
PROVINCE_SERVICES = {
    "consult_url": "https://zwfw.fujian.gov.cn/zxzx/",
    "complaint_url": "https://12345.fujian.gov.cn/",
    "progress_url": "https://zwfw.fujian.gov.cn/bjcx/",
    "progress_phone": "12345",
}
ZHERONG_MAIL = {
    "address": "福建省宁德市柘荣县屿前路3号 柘荣县行政服务中心一楼综合受理窗口",
    "recipient": "柘荣县行政服务中心综合受理窗口",
    "phone": "0593-8352101",
    "postcode": "355300",
}


def hall_services(corpus, code: str) -> dict[str, dict]:
    return {h.hall.id: h.services.record() for h in corpus.directory.handlings(corpus.matters[code])}


def copy_matters(tmp_path: Path) -> Path:
    target = tmp_path / "matters"
    shutil.copytree(ROOT / "matters", target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(capsys, matters: Path) -> tuple[int, list[str]]:
    code = main(["--matters", str(matters), "check", "--cache-dir", ""])
    lines = [line for line in capsys.readouterr().err.splitlines() if not line.startswith("提醒：")]
    return code, lines


# ---------------------------------------------------------------- valid: derived facts


def test_the_quota_of_a_matter_beats_the_halls(sample_corpus):
    services = hall_services(sample_corpus, PLANNING)
    assert services["putian-admin-center"] == {
        "appointment": {
            "url": "https://zwfw.fujian.gov.cn/yybl/",  # the province's appointment_url: the hall names none
            "phone": "0594-2281001",
            "daily_quota": 20,  # the quota that names 000121005000, not the hall's 200
            "note": "可预约未来5个工作日，也可在闽政通App预约；过号15分钟作废。",
        }
    }
    assert services["zherong-admin-center"]["appointment"]["daily_quota"] == 120  # the whole hall's
    assert services["chengxiang-admin-center"] == {}  # no appointment there


def test_mail_address_only_for_a_matter_that_accepts_mailed_materials(sample_corpus):
    assert hall_services(sample_corpus, DRUG)["zherong-admin-center"] == {
        "appointment": {"url": "https://zwfw.fujian.gov.cn/yybl/", "phone": "0593-8352101", "daily_quota": 10, "note": "可预约未来5个工作日，也可在闽政通App预约。"},
        "mail_address": ZHERONG_MAIL,
    }
    assert hall_services(sample_corpus, FREIGHT)["zherong-admin-center"] == {"mail_address": ZHERONG_MAIL}  # mail, no appointment
    assert hall_services(sample_corpus, FOOD)["zherong-admin-center"] == {}  # neither


def test_terminals_that_name_a_matter(sample_corpus):
    services = hall_services(sample_corpus, CARD)
    assert services["putian-admin-center"] == {"self_service_terminals": [{"location": "莆田市行政服务中心一楼大厅东侧24小时自助服务区", "hours": "24小时"}]}
    assert services["zherong-admin-center"] == {"self_service_terminals": [{"location": "柘荣县行政服务中心一楼自助服务区", "hours": "法定工作日 8:00-17:30"}]}
    assert "self_service_terminals" not in hall_services(sample_corpus, FOOD)["putian-admin-center"]


def test_online_channels_are_inherited_from_the_province(sample_corpus):
    for implementation in sample_corpus.directory.implementations(sample_corpus.matters[DRUG]):
        assert implementation.services.record() == PROVINCE_SERVICES  # payment: the standard says no online payment


def test_a_region_below_overrides_and_payment_follows_the_standard(tmp_path):
    matters = copy_matters(tmp_path)
    edit(matters / "regions.yml", "            government: 柘荣县人民政府\n", "            government: 柘荣县人民政府\n            consult_url: https://zr.ningde.gov.cn/zxzx/\n")
    edit(matters / f"{DRUG}.yml", "  appointment: true\n", "  appointment: true\n  online_payment: true\n")
    corpus = load_corpus(matters)
    by_region = {i.place.region.name: i.services.record() for i in corpus.directory.implementations(corpus.matters[DRUG])}
    assert by_region["柘荣县"] == PROVINCE_SERVICES | {"consult_url": "https://zr.ningde.gov.cn/zxzx/", "payment_url": "https://zwfw.fujian.gov.cn/zxzf/"}
    assert by_region["城厢区"] == PROVINCE_SERVICES | {"payment_url": "https://zwfw.fujian.gov.cn/zxzf/"}


def test_a_window_quota_and_a_terminal_for_every_self_service_matter(tmp_path):
    matters = copy_matters(tmp_path)
    edit(matters / f"{PROPERTY}.yml", "\nversion:", "\nhandling:\n  appointment: true\n  self_service: true\nversion:")
    edit(matters / "regions.yml", "                matters: ['000112001000']\n", "                matters: ['000112001000']\n              - location: 莆田市不动产登记中心一楼查询机\n")
    corpus = load_corpus(matters)
    putian = hall_services(corpus, PROPERTY)["putian-admin-center"]
    assert putian["appointment"]["daily_quota"] == 80  # the quota of 不动产登记专窗, the window that receives it
    assert putian["self_service_terminals"] == [{"location": "莆田市不动产登记中心一楼查询机"}]  # not the one for 社会保障卡 only


def test_implementations_json_and_the_page_show_them(sample_corpus):
    entries = {e["implementation_code"]: e for e in regions.implementations(sample_corpus, dated=False)}
    zherong = entries["11350926MB3926984A3000118004000"]
    assert zherong["services"] == PROVINCE_SERVICES
    assert zherong["halls"][0]["services"]["mail_address"] == ZHERONG_MAIL
    food = next(e for e in entries.values() if e["matter_code"] == FOOD and e["region_name"] == "柘荣县")
    assert "services" not in food["halls"][0]  # nothing to say: no key
    page = render_matter_page(sample_corpus.matters[DRUG], sample_corpus)
    assert (
        '<small class="guide-hall-service">预约办理：<a href="https://zwfw.fujian.gov.cn/yybl/" rel="nofollow">网上预约</a>、电话 <a href="tel:0593-8352101">0593-8352101</a>；'
        "每个工作日 10 个名额；可预约未来5个工作日，也可在闽政通App预约。</small>"
    ) in page
    assert '<small class="guide-hall-service">申请材料邮寄：福建省宁德市柘荣县屿前路3号 柘荣县行政服务中心一楼综合受理窗口，柘荣县行政服务中心综合受理窗口收，电话 0593-8352101，邮编 355300</small>' in page
    assert (
        '<br>网上咨询：<a href="https://zwfw.fujian.gov.cn/zxzx/" rel="nofollow">https://zwfw.fujian.gov.cn/zxzx/</a>'
        '<br>网上投诉：<a href="https://12345.fujian.gov.cn/" rel="nofollow">https://12345.fujian.gov.cn/</a>'
        '<br>办理进度查询：<a href="https://zwfw.fujian.gov.cn/bjcx/" rel="nofollow">https://zwfw.fujian.gov.cn/bjcx/</a>、电话 <a href="tel:12345">12345</a>'
    ) in page
    assert "网上支付" not in page


def test_cpsv_ap_has_appointment_and_self_service_channels(sample_corpus):
    graph = cpsv_ap(sample_corpus, sample_corpus.matters[DRUG])["@graph"]
    by_id = {n["@id"].rsplit("/", 1)[-1]: n for n in graph}
    appointment = by_id["#channel-appointment-11350926MB3926984A"]
    assert appointment["dct:description"]["@value"] == "预约办理（柘荣县市场监督管理局）：柘荣县行政服务中心：https://zwfw.fujian.gov.cn/yybl/，电话 0593-8352101，每个工作日 10 个名额"
    assert appointment["foaf:page"] == {"@id": "https://zwfw.fujian.gov.cn/yybl/"}
    freight = {n["@id"].rsplit("/", 1)[-1]: n for n in cpsv_ap(sample_corpus, sample_corpus.matters[FREIGHT])["@graph"]}
    assert freight["#channel-mail-11350926MB44517812"]["dct:description"]["@value"].endswith(
        "收件地址：福建省宁德市柘荣县屿前路3号 柘荣县行政服务中心一楼综合受理窗口（柘荣县行政服务中心综合受理窗口收，0593-8352101）"
    )
    assert by_id["#contact-11350926MB3926984A"]["dct:description"]["@value"].endswith(
        "；网上咨询 https://zwfw.fujian.gov.cn/zxzx/；网上投诉 https://12345.fujian.gov.cn/；办理进度查询 https://zwfw.fujian.gov.cn/bjcx/、电话 12345"
    )
    concepts = {n["@id"].rsplit("#", 1)[-1]: n["skos:prefLabel"]["@value"] for n in graph if n.get("@type") == "skos:Concept"}
    assert concepts["channel-appointment"] == "预约办理"
    card = {n["@id"].rsplit("/", 1)[-1]: n for n in cpsv_ap(sample_corpus, sample_corpus.matters[CARD])["@graph"]}
    assert card["#channel-self-service-113503000035685586"]["dct:description"]["@value"] == "自助终端办理（莆田市人力资源和社会保障局）：莆田市行政服务中心一楼大厅东侧24小时自助服务区（24小时）"


def test_an_old_directory_without_them_stays_valid_and_says_nothing(tmp_path, capsys):
    matters = copy_matters(tmp_path)
    text = (matters / "regions.yml").read_text(encoding="utf-8")
    plain = "\n".join(
        line for line in text.splitlines()
        if not any(key in line for key in ("appointment_url:", "payment_url:", "progress_url:", "progress_phone:", "consult_url:", "complaint_url:"))
    )
    start = plain.index("            appointment:\n              phone")
    plain = plain[:start] + plain[plain.index("        children:\n          - code: \"350302000000\"") :]
    start = plain.index("                appointment:\n")
    plain = plain[:start] + plain[plain.index("            children:\n              - code: \"350926100000\"") :]
    (matters / "regions.yml").write_text(plain + "\n", encoding="utf-8")
    assert check(capsys, matters) == (0, ["检查通过：20 个事项（另有 3 个一件事主题、14 个地区）"])
    corpus = load_corpus(matters)
    assert all("services" not in e and all("services" not in h for h in e["halls"]) for e in regions.implementations(corpus, dated=False))


# ---------------------------------------------------------------- invalid


@pytest.mark.parametrize(
    "old, new, expected",
    [
        (
            "                - window: 不动产登记专窗\n",
            "                - window: 不动产专窗\n",
            "regions[0].children[0].halls[0].appointment.quotas[1].window: 预约名额写的窗口「不动产专窗」不是莆田市行政服务中心的窗口；"
            "可用的有：综合受理窗口（一窗受理）、不动产登记专窗、交通运输窗口、社会保障卡服务窗口、帮办代办窗口、统一出件窗口",
        ),
        (
            "                - matter: '000121005000'\n",
            "                - matter: '000121005999'\n",
            "regions[0].children[0].halls[0].appointment.quotas[2].matter: 预约名额写的事项 000121005999 不存在（matters/ 中没有 000121005999.yml）；已有的事项：共 20 个事项，见 matters/",
        ),
        (
            "                - matter: '000121005000'\n",
            "                - window: 不动产登记专窗\n",
            "regions[0].children[0].halls[0].appointment.quotas[2]: 窗口「不动产登记专窗」的每日预约名额已在第 2 条写过；每个窗口、事项或整个办理点只写一条",
        ),
        (
            "                - daily: 200\n",
            "                - daily: 二百\n",
            "regions[0].children[0].halls[0].appointment.quotas[0].daily: 每日预约名额应为正整数，实际为「二百」；请只写阿拉伯数字，如 2",
        ),
        (
            '              postcode: "351100"\n',
            "              postcode: 35110\n",
            "regions[0].children[0].halls[0].mail_address.postcode: 邮政编码应为文字，但 YAML 把它读成了数字 35110；请加引号，写作 postcode: \"35110\"",
        ),
        (
            "                hours: 24小时\n",
            "                hours: 24小时\n                open: true\n",
            "regions[0].children[0].halls[0].self_service_terminals[0].open: 没有「open」这个字段；这里可用的字段：location、hours、matters",
        ),
        (
            "                matters: ['000112001000']\n",
            "                matters: ['000112001999']\n",
            "regions[0].children[0].halls[0].self_service_terminals[0].matters[0]: 自助终端写的事项 000112001999 不存在（matters/ 中没有 000112001999.yml）；已有的事项：共 20 个事项，见 matters/",
        ),
        (
            "    consult_url: https://zwfw.fujian.gov.cn/zxzx/\n",
            "    consult_url: zwfw.fujian.gov.cn/zxzx/\n",
            "regions[0].consult_url: 网上咨询地址应为 https:// 开头、不含空格的网址，例如 https://zwfw.fujian.gov.cn/；实际为「zwfw.fujian.gov.cn/zxzx/」",
        ),
    ],
)
def test_wrong_local_service_elements_are_positioned_problems(tmp_path, capsys, old, new, expected):
    matters = copy_matters(tmp_path)
    edit(matters / "regions.yml", old, new)
    code, lines = check(capsys, matters)
    assert code == 1
    # (a schema error leaves the directory empty, so the themes' halls are reported missing too)
    assert [line.split("regions.yml:", 1)[1].split(": ", 1)[1] for line in lines if "regions.yml:" in line] == [expected]


def test_the_acceptance_slip_for_a_place_says_where_to_follow_progress(tmp_path, capsys):
    import subprocess

    out = tmp_path / "acceptance.pdf"
    assert main(["--matters", str(ROOT / "matters"), "slip", DRUG, "--kind", "acceptance", "--at", "350926000000", "-o", str(out), "--cache-dir", ""]) == 0
    text = "".join(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout.split())  # lines are justified
    assert "凭本通知书编号查询办理进度：https://zwfw.fujian.gov.cn/bjcx/、电话12345，或咨询电话0593-8352345、0593-8352101，或登录https://zwfw.fujian.gov.cn/。" in text


def test_the_region_json_lists_the_hall_services_and_the_inherited_channels(sample_corpus):
    from generator.outputs.api.models import RegionSlice
    from generator.outputs.api.slices import region_slices

    documents = region_slices(sample_corpus)
    zherong = documents["350926000000"]
    assert zherong["region"]["services"] == PROVINCE_SERVICES | {"appointment_url": "https://zwfw.fujian.gov.cn/yybl/", "payment_url": "https://zwfw.fujian.gov.cn/zxzf/"}
    hall = zherong["halls"][0]
    assert hall["appointment"] == {"phone": "0593-8352101", "quotas": [{"daily": 120}, {"daily": 10, "matter": DRUG}], "note": "可预约未来5个工作日，也可在闽政通App预约。"}
    assert hall["self_service_terminals"] == [{"location": "柘荣县行政服务中心一楼自助服务区", "hours": "法定工作日 8:00-17:30", "matters": [CARD, "000109002000"]}]
    assert hall["mail_address"] == ZHERONG_MAIL
    assert "appointment" not in documents["350926100000"]["halls"][0]  # 双城镇 has none
    for document in documents.values():
        RegionSlice.model_validate(document)
