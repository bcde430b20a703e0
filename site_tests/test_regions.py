"""Regions, levels, service halls and 通办: the standard exists once; regions only say where."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest
import yaml

from conftest import FIXTURES, ROOT, build_project, make_project
from generator import contract
from generator.domain import codes
from generator.load.regions import load_directory
from generator.outputs import regions
from generator.domain import standard
from generator.cli import main
from generator.load.corpus import load_corpus
from generator.model.schema import REGIONS_SCHEMA, regions_schema, schema_text

SAMPLE = FIXTURES / "regions" / "sample"
HUKOU, FOOD, ELDERLY = "000109002000", "000117012000", "000110020000"
HALLS_BLOCK = re.compile(r'<div class="guide-halls" data-guide-halls data-guide-place-rows>.*?(?=<h2)', re.S)
CONTACTS_BLOCK = re.compile(r'<div class="guide-contacts" data-guide-place-rows>.*?(?=<h2|<div class="guide-provenance")', re.S)
# the other local parts of a matter page: the slip facts per place and the JSON-LD (providers,
# areas, channels); everything else on the page is the standard
LOCAL_SCRIPTS = re.compile(r'<script type="application/(?:json" id="guide-(?:places|halls)|ld\+json)">.*?</script>', re.S)
# the first card's 去哪办 and the online entry of its place
CARD_LOCAL = re.compile(r'<div class="guide-card-where">.*?</dd></div>|href="[^"]*" data-guide-card-online', re.S)


def _standard_part(html: str) -> str:
    return CARD_LOCAL.sub("", LOCAL_SCRIPTS.sub("", CONTACTS_BLOCK.sub("", HALLS_BLOCK.sub("", html))))


def _alter_regions(project: Path) -> None:
    """Another region directory: other hours, a hall gone, a new town with its own hall."""
    path = project / "matters" / "regions.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    putian, ningde = data["regions"][0]["children"]
    putian["halls"] = []
    zherong = ningde["children"][0]
    zherong["halls"][0]["hours"] = "法定工作日 上午8:30-12:00 下午15:00-18:00；周六上午延时服务"
    zherong["children"].append(
        {
            "code": "350926101000",
            "name": "富溪镇",
            "level": "乡级",
            "halls": [
                {
                    "id": "fuxi-center",
                    "name": "富溪镇便民服务中心",
                    "level": "乡级",
                    "address": "柘荣县富溪镇富溪街58号",
                    "hours": "法定工作日 上午8:00-12:00 下午14:30-17:30",
                    "phones": ["0593-8381101"],
                    "windows": [{"name": "综合受理窗口", "type": "综合窗口"}],
                }
            ],
        }
    )
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory):
    """The fixture built twice: with its region directory and with a different one."""
    first = make_project(tmp_path_factory.mktemp("regions-a"), SAMPLE)
    second = make_project(tmp_path_factory.mktemp("regions-b"), SAMPLE)
    _alter_regions(second)
    return build_project(first), build_project(second)


def _page(site: Path, code: str) -> str:
    return (site / "matters" / code / "index.html").read_text(encoding="utf-8")


def _implementations(site: Path) -> list[dict]:
    return json.loads((site / contract.IMPLEMENTATIONS).read_text(encoding="utf-8"))["implementations"]


# ------------------------------------------------------------------ the proof


def test_standard_part_of_each_matter_is_byte_identical_whatever_the_regions(two_sites):
    first, second = two_sites
    for code in (HUKOU, FOOD, ELDERLY):
        a, b = _page(first, code), _page(second, code)
        for block in (HALLS_BLOCK, CONTACTS_BLOCK):
            assert len(block.findall(a)) == 1 and len(block.findall(b)) == 1
        assert len(LOCAL_SCRIPTS.findall(a)) == 3 and len(LOCAL_SCRIPTS.findall(b)) == 3
        assert a != b, "the where-section should differ: the directories differ"
        assert _standard_part(a) == _standard_part(b), code
    # the other published forms of the standard (present once their outputs are merged)
    compared = 0
    for pattern in ("api/v1/matters/*.json", "matters/*/slips/*.pdf", "matters/*/flow.svg"):
        for path in sorted(first.glob(pattern)):
            assert path.read_bytes() == (second / path.relative_to(first)).read_bytes(), path
            compared += 1
    assert (first / "api/v1/matters").exists() is False or compared > 0


def test_every_region_page_links_to_the_one_standard_page_and_copies_nothing(two_sites):
    first, _ = two_sites
    corpus = load_corpus(SAMPLE)
    standard_texts = {
        text
        for matter in corpus.matters.values()
        for text in [m.name for m in matter.materials] + [c.text for c in matter.conditions] + [matter.summary]
        if len(text) > 4
    }
    linked: dict[str, set[str]] = {}
    pages = sorted((first / "regions").glob("*/index.html"))
    assert len(pages) == 9
    for page in pages:
        html = page.read_text(encoding="utf-8")
        for code in re.findall(r'href="\.\./\.\./matters/([0-9A-Z]{12})/"', html):
            linked.setdefault(code, set()).add(page.parent.name)
        assert not re.findall(r'href="[^"]*matters/[0-9A-Z]{12}/(?!")', html), "a region page links into a copy"
        copied = [text for text in standard_texts if text in html]
        assert copied == [], (page, copied)
    assert set(linked) == {HUKOU, FOOD, ELDERLY}
    for code in linked:
        assert len(list(first.glob(f"**/{code}/index.html"))) == 1  # one page per matter, nowhere else
    assert {"350302000000", "350304000000", "350926000000", "350926100000", "350302001000"} <= linked[HUKOU]


def test_all_implementations_of_a_matter_carry_its_one_fingerprint(two_sites):
    corpus = load_corpus(SAMPLE)
    for site in two_sites:
        entries = _implementations(site)
        for code, matter in corpus.matters.items():
            mine = [e for e in entries if e["matter_code"] == code]
            assert len(mine) >= 2, code
            expected = standard.fingerprint(standard.matter_document(matter))
            assert {e["fingerprint"] for e in mine} == {expected}
            assert expected in _page(site, code)
            assert {e["url"] for e in mine} == {f"matters/{code}/"}


# ------------------------------------------------------------------ derivation


def test_a_city_wide_matter_is_handled_in_every_hall_of_the_city_at_its_levels():
    corpus = load_corpus(SAMPLE)
    entries = [e for e in regions.implementations(corpus) if e["matter_code"] == HUKOU]
    halls = {h["id"]: h for e in entries for h in e["halls"]}
    # every 县级 and 乡级 hall of both cities; the 市级 and 村级 halls do not exercise it
    assert set(halls) == {"chengxiang-center", "licheng-center", "longqiao-center", "zherong-center", "shuangcheng-center"}
    for hall_id in ("chengxiang-center", "licheng-center", "longqiao-center"):
        assert halls[hall_id]["scope"] == {"code": "350300000000", "name": "莆田市"}
    for hall_id in ("zherong-center", "shuangcheng-center"):
        assert halls[hall_id]["scope"] == {"code": "350900000000", "name": "宁德市"}
    # one entry per implementing agency; a street or town hall receives for its district's
    agencies = {h["id"]: e["agency"] for e in entries for h in e["halls"]}
    assert agencies == {
        "chengxiang-center": "莆田市公安局城厢分局",
        "longqiao-center": "莆田市公安局城厢分局",
        "licheng-center": "莆田市公安局荔城分局",
        "zherong-center": "柘荣县公安局",
        "shuangcheng-center": "柘荣县公安局",
    }
    assert len(entries) == 3
    # the department's own window where a hall has one, else the comprehensive window
    assert halls["chengxiang-center"]["window"] == "公安户政窗口"
    assert halls["licheng-center"]["window"] == "综合受理窗口"


def test_scope_decides_where_people_of_a_region_can_go(two_sites):
    first, _ = two_sites
    longqiao = (first / "regions" / "350302001000" / "index.html").read_text(encoding="utf-8")
    elsewhere = longqiao.split('id="elsewhere"')[1]
    # 户口迁移 is handled in 龙桥街道 itself; 食品经营许可 (不通办) at the district and the city
    local = longqiao.split('id="matters"')[1].split('id="elsewhere"')[0]
    assert f"../../matters/{HUKOU}/" in local and f"../../matters/{FOOD}/" not in local
    # the regions above, one line each, with what they add; never the neighbouring district
    assert re.search(r'href="\.\./350300000000/#matters">莆田市</a>（莆田市行政服务中心） <span class="guide-count">另有 1 项', elsewhere)
    assert re.search(r'href="\.\./350302000000/#matters">城厢区</a>（城厢区行政服务中心） <span class="guide-count">另有 1 项', elsewhere)
    assert "荔城区" not in elsewhere
    # the matter page's filter data: a 全市通办 hall serves the whole city, a local one its region
    hukou = _page(first, HUKOU)
    assert re.search(r'data-hall="licheng-center" data-region="350304000000" data-scope="3503"', hukou)
    food = _page(first, FOOD)
    assert re.search(r'data-hall="licheng-center" data-region="350304000000" data-scope="350304"', food)
    # without JavaScript every hall is listed and the filter stays hidden
    assert re.search(r"<p class=\"guide-halls-filter\" data-guide-hall-filter hidden>", hukou)
    assert HALLS_BLOCK.search(hukou).group(0).count("<tr data-hall=") == 5
    # and every implementing agency's contacts, filtered by the same place data
    contacts = CONTACTS_BLOCK.search(hukou).group(0)
    assert contacts.count("<tr data-hall=") == 3
    assert re.search(r'<tr data-hall="11350304MB687385713000109002000" data-region="350304000000" data-scope="3503">', contacts)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs a headless browser")
def test_region_filter_runs_in_the_browser_from_files(two_sites):
    """The filter needs no server: open the built page from disk, pick a village, read what stays."""
    first, _ = two_sites
    page = first / "matters" / ELDERLY / "index.html"
    probe = page.with_name("probe.html")
    script = (
        "<script>setTimeout(function(){var s=document.querySelector('[data-guide-hall-filter] select');"
        "s.value='350926100002';s.dispatchEvent(new Event('change'));"
        "document.title='SHOWN:'+Array.from(document.querySelectorAll('tr[data-hall]')).filter(function(r){return !r.hidden})"
        ".map(function(r){return r.dataset.hall}).join(',')+';BAR:'+document.querySelector('[data-guide-hall-filter]').hidden;},300)</script></body>"
    )
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", script), encoding="utf-8")
    try:
        dom = subprocess.run(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=3000", "--dump-dom", probe.as_uri()],
            capture_output=True, text=True, timeout=120,
        ).stdout
    finally:
        probe.unlink()
    title = re.search(r"<title>([^<]*)</title>", dom).group(1)
    # a resident of 城西社区: its own 代办点 and the 双城镇 centre above it, and the contacts of
    # the agency that implements the matter for them (柘荣县民政局), nothing in 莆田
    assert title == "SHOWN:shuangcheng-center,chengxi-point,11350926MB0042438X3000110020000;BAR:false"


def test_region_pages_browse_the_tree(two_sites):
    first, _ = two_sites
    index = (first / "regions" / "index.html").read_text(encoding="utf-8")
    assert index.index(">福建省<") < index.index(">宁德市<") < index.index(">柘荣县<") < index.index(">双城镇<") < index.index(">城西社区<")
    county = (first / "regions" / "350926000000" / "index.html").read_text(encoding="utf-8")
    assert "在柘荣县可以办理的事项" in county
    crumbs = re.search(r'<nav class="guide-breadcrumbs".*?</nav>', county, re.S).group(0)
    assert [name for name in re.findall(r">([^<>›\s]+)<", crumbs)] == ["按地区", "福建省", "宁德市", "柘荣县"]
    assert 'href="../350926100000/"' in county  # down to the township
    assert "柘荣县行政服务中心" in county and "0593-8352345" in county
    # matters grouped by the agencies that implement them here: the county's own, none of 莆田's
    assert re.findall(r'<h3 class="guide-department">([^<]*)</h3>', county) == ["柘荣县公安局", "柘荣县市场监督管理局"]
    nav = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["nav"]
    assert {"按地区": "regions/index.md"} in nav
    assert sum("regions/" in json.dumps(item, ensure_ascii=False) for item in nav) == 1


# ------------------------------------------------------------------ implementation code


def test_implementation_code_is_documented_and_deterministic(two_sites):
    # 实施编码 = the agency's 统一社会信用代码 + its level digit + the matter's 基本编码
    assert codes.implementation_code("11350926MB441733X9", "县级", HUKOU) == "11350926MB441733X93000109002000"
    assert codes.implementation_code("11350926MB0042438X", "县级", ELDERLY) == "11350926MB0042438X3000110020000"
    assert "<实施机关统一社会信用代码 18位><行使层级码 1位><基本编码 12位>" in codes.__doc__
    first = json.loads((two_sites[0] / contract.IMPLEMENTATIONS).read_text(encoding="utf-8"))
    assert first["recipe"] == codes.IMPLEMENTATION_RECIPE
    for entry in first["implementations"]:
        digit = codes.LEVEL_DIGITS[entry["level"]]
        assert entry["implementation_code"] == f"{entry['agency_credit_code']}{digit}{entry['matter_code']}"
        assert len(entry["implementation_code"]) == 31
    again = json.dumps(regions.implementations_document(load_corpus(SAMPLE)), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert (two_sites[0] / contract.IMPLEMENTATIONS).read_text(encoding="utf-8") == again
    listed = [e["implementation_code"] for e in first["implementations"]]
    assert listed == sorted(listed) and len(listed) == len(set(listed))


# ------------------------------------------------------------------ validation


def _check(matters: Path, capsys) -> tuple[int, str]:
    code = main(["--matters", str(matters), "check", "--cache-dir", ""])
    return code, capsys.readouterr().err


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_region_file_cannot_change_the_standard(capsys):
    folder = FIXTURES / "regions" / "standard-attempt"
    status, err = _check(folder, capsys)
    assert status == 1
    path = folder / "regions.yml"
    expected = {
        "time_limit": ("time_limit:", "regions[0].time_limit"),
        "materials": ("materials:", "regions[0].children[0].halls[0].materials"),
        "fees": ("fees:", "regions[0].children[0].fees"),
        "overrides": ("overrides:", "regions[0].children[0].overrides"),
    }
    for key, (needle, field) in expected.items():
        line = _line_of(path, needle)
        pattern = rf"regions\.yml:{line}:\d+: {re.escape(field)}: .*「{key}」.*各地只能写由谁实施（agencies）、办理点（halls）、联系方式、办公时间和复议诉讼机关，请删去这一项"
        assert re.search(pattern, err), (key, err)
    assert "这个字段" not in err  # not mistaken for a typo
    assert "共 4 个问题" in err


def test_bad_division_codes_are_reported_with_their_positions(capsys):
    folder = FIXTURES / "regions" / "bad-codes"
    status, err = _check(folder, capsys)
    assert status == 1
    path = folder / "regions.yml"
    wanted = [
        (_line_of(path, '"350926000000"'), "行政区划代码「350926000000」不在上级地区莆田市（350300000000）之下：应以 3503 开头，且层级低于上级"),
        (_line_of(path, "城厢区") + 1, "地区层级「乡级」与行政区划代码 350302000000 不符：该代码是县级代码；请改正其中一处"),
        (_line_of(path, '"350300000100"'), "行政区划代码「350300000100」不合规则：依次为省2位、市2位、县2位、乡3位、村3位，某一段全为 0 后，后面各段也都应为 0"),
        (_line_of(path, '"3503020"'), "区划代码应为12位数字（省2位、市2位、县2位、乡镇3位、村3位，不足的位补0），例如 350926100000；实际为「3503020」"),
        (_line_of(path, "荔城区行政服务中心") + 1, "办理点层级「市级」与所在地区荔城区（县级）不符：办理点服务所在地区的层级，请改为 县级"),
        (_line_of(path, "windows:"), "每个办理点至少要有一个综合窗口（type: 综合窗口），受理任何事项"),
    ]
    for line, message in wanted:
        assert re.search(rf"bad-codes/regions\.yml:{line}:\d+: [^\n]*{re.escape(message)}", err), (line, message, err)
    assert re.search(r"行政区划代码「350300000000」重复，已在第6行使用；每个地区只写一次", err)
    assert "共 7 个问题" in err


def test_coverage_gaps_are_warnings_not_errors(capsys):
    status, err = _check(FIXTURES / "regions" / "coverage", capsys)
    assert status == 0
    warnings = [line for line in err.splitlines() if line.startswith("提醒：")]
    assert len(warnings) == 2, err
    assert re.search(r"coverage/000110020000\.yml:\d+:\d+: levels\[1\]: \[coverage\] [^ ]*regions\.yml 中没有村级办理点：本事项在村级无处可办；请在地区目录中增加村级办理点，或从 levels 中删去村级$", warnings[0])
    assert re.search(r"coverage/regions\.yml:8:9: regions\[0\]\.halls\[0\]\.level: \[coverage\] 办理点莆田市行政服务中心服务市级，但没有事项在市级行使；请给相应事项的 levels 加上市级，或改正办理点的层级$", warnings[1])
    status, err = _check(SAMPLE, capsys)
    assert status == 0 and "提醒" not in err
    # checking one file says nothing about halls: the other matters were not read
    status = main(["--matters", str(SAMPLE), "check", "--cache-dir", "", str(SAMPLE / f"{ELDERLY}.yml")])
    err = capsys.readouterr().err
    assert status == 0 and "提醒" not in err and "检查通过：1 个事项" in err


def test_hall_text_is_escaped_everywhere(tmp_path):
    matters = shutil.copytree(SAMPLE, tmp_path / "matters")
    text = (matters / "regions.yml").read_text(encoding="utf-8")
    text = text.replace("name: 柘荣县行政服务中心", "name: '柘荣县<script>alert(1)</script>中心'").replace("address: 柘荣县屿前路3号", "address: '屿前路3号 & \"仙屿\"'")
    (matters / "regions.yml").write_text(text, encoding="utf-8")
    corpus = load_corpus(matters)
    page = regions.region_pages(corpus)["regions/350926000000.md"]
    halls = str(regions.halls_html(corpus, corpus.matters[HUKOU]))
    for out in (page, halls):
        assert "<script>alert" not in out
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
        assert "&amp; &#34;仙屿&#34;" in out


# ------------------------------------------------------------------ schema and sample data


def test_committed_regions_schema_is_generated_from_the_model():
    committed = (ROOT / REGIONS_SCHEMA).read_text(encoding="utf-8")
    assert committed == schema_text(regions_schema()), "run: .venv/bin/python -m generator.model.schema"
    schema = regions_schema()
    for name, definition in schema["$defs"].items():
        for field, spec in definition.get("properties", {}).items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in spec.get("title", "")), f"{name}.{field}"


def test_sample_region_directory_is_valid_and_real():
    path = ROOT / "matters" / "regions.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/regions.schema.json\n")
    validator = jsonschema.Draft202012Validator(json.loads((ROOT / REGIONS_SCHEMA).read_text(encoding="utf-8")))
    assert [e.message for e in validator.iter_errors(yaml.safe_load(text))] == []
    directory, problems = load_directory(ROOT / "matters")
    assert problems == []
    names = {code: place.region.name for code, place in directory.places.items()}
    assert names["350000000000"] == "福建省" and names["350300000000"] == "莆田市" and names["350926000000"] == "柘荣县"
    assert names["350926100000"] == "双城镇" and names["350926101000"] == "富溪镇"
    levels = {hall.level for _, hall in directory.halls()}
    assert levels == {"省级", "市级", "县级", "乡级", "村级"}
    for _, hall in directory.halls():
        assert any(w.type == "综合窗口" for w in hall.windows)


def test_each_region_says_who_implements_a_matter_not_how(sample_corpus):
    # 城镇污水排入排水管网许可 is written once, for the function 住房和城乡建设局; each region's own
    # agency of that function implements the same standard: in 城厢区 the 行政审批局 that holds
    # it, and a town without agencies is served by its county's
    directory = sample_corpus.directory
    matter = sample_corpus.matters["000121004000"]
    assert matter.department == "住房和城乡建设局"
    by_place = {h.place.code: h.implementation.agency.name for h in directory.handlings(matter)}
    assert by_place == {
        "350300000000": "莆田市住房和城乡建设局",
        "350302000000": "莆田市城厢区行政审批局",
        "350304000000": "莆田市荔城区住房和城乡建设局",
        "350926000000": "柘荣县住房和城乡建设局",
    }
    town = directory.places["350926100000"]
    home, agency = directory.agency_for(town, matter.department)
    assert (home.code, agency.name) == ("350926000000", "柘荣县住房和城乡建设局")
    entries = [e for e in regions.implementations(sample_corpus) if e["matter_code"] == matter.code]
    assert {e["region_code"]: e["agency"] for e in entries}["350926000000"] == "柘荣县住房和城乡建设局"
    assert len({e["fingerprint"] for e in entries}) == 1
    page = regions.region_pages(sample_corpus)[contract.region_src("350926000000")]
    assert '<h3 class="guide-department">柘荣县住房和城乡建设局</h3>' in page
    assert "莆田市住房和城乡建设局" not in page.split("## 本地群众也可以到这些地方办理")[0]


def test_an_agency_cannot_carry_a_standard(tmp_path, capsys):
    matters = tmp_path / "matters"
    shutil.copytree(SAMPLE, matters)
    path = matters / "regions.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["regions"][0]["agencies"] = [{"name": "福建省市场监督管理局", "function": "市场监督管理局", "time_limit": {"promised_days": 3}}]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["--matters", str(matters), "check"]) == 1
    err = capsys.readouterr().err
    assert "regions[0].agencies[0].time_limit" in err
