"""实施清单: one fact, one source.

The matter file is the shared standard; who implements it where, with which phones, hours,
window and remedy bodies, is written once in ``matters/regions.yml``. Every published form —
the matter page's halls and contacts tables, ``api/v1/implementations.json`` and the slips
``guides slip --at`` fills — shows the same local facts, and ``guides check`` refuses a
region that would have to borrow another place's office.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT
from generator import contract
from generator.cli import main
from generator.domain import chinese
from generator.domain.codes import LEVEL_DIGITS, credit_code_problem
from generator.load.corpus import load_corpus
from generator.outputs import diagrams
from generator.outputs.pages.matter import render_matter_page

FOOD = "000117012000"
ZHERONG, CHENGXIANG = "350926000000", "350302000000"
OLD_DEFAULT_HOURS = "上午9:00-12:00 下午13:30-17:00"
SVG = "{http://www.w3.org/2000/svg}"

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


# the 机关代字 of the 文号 that matters/regions.yml gives (the others print blank)
ABBREVIATIONS = {"莆田市市场监督管理局": "莆市监", "莆田市城厢区行政审批局": "城厢审批", "莆田市城厢区市场监督管理局": "城厢市监"}

def squeeze(text: str) -> str:
    """Text without whitespace: a PDF wraps long lines anywhere."""
    return re.sub(r"\s+", "", text)


def pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, str(path), "-"], capture_output=True, text=True, check=True).stdout


def read_slip(path: Path) -> tuple[str, str]:
    """The issuer (the first line pdftotext reads) and the text in content order (-raw: a
    justified line's words stay in their order however wide the gaps)."""
    return pdf_text(path).splitlines()[0], pdf_text(path, "-raw")


def slip(capsys, tmp: Path, code: str, kind: str, at: str, cache: Path) -> tuple[str, str]:
    """``guides slip CODE --kind KIND --at AT`` on the sample matters: issuer and text."""
    out = tmp / f"{code}-{kind}-{at}.pdf"
    status = main(["--matters", str(ROOT / "matters"), "slip", code, "--kind", kind, "--at", at, "-o", str(out), "--cache-dir", str(cache)])
    err = capsys.readouterr().err
    assert status == 0, err
    return read_slip(out)


def check(capsys, matters: Path) -> tuple[int, list[str]]:
    status = main(["--matters", str(matters), "check", "--cache-dir", ""])
    return status, [line for line in capsys.readouterr().err.splitlines() if line]


def shown(path: Path) -> str:
    """A path as guides check names it when run from here."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def line_of(path: Path, needle: str, after: str | None = None) -> int:
    """The number of the first line containing ``needle`` (after the first containing ``after``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if after in line) if after else 0
    return next(i for i, line in enumerate(lines[start:], start + 1) if needle in line)


class PlaceRows(HTMLParser):
    """The rows of a matter page's halls and contacts tables: ``data-hall`` -> attributes and
    cells, each cell as its lines (split at <br>), each line's text as a browser shows it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, dict[str, dict]] = {"guide-halls-table": {}, "guide-contacts-table": {}}
        self._table: str | None = None
        self._row: dict | None = None
        self._in_cell = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = next((c for c in (attrs.get("class") or "").split() if c in self.tables), None)
        elif tag == "tr" and self._table and "data-hall" in attrs:
            self._row = {"attrs": attrs, "cells": []}
            self.tables[self._table][attrs["data-hall"]] = self._row
        elif tag == "td" and self._row is not None:
            self._row["cells"].append([""])
            self._in_cell = True
        elif tag == "br" and self._row is not None and self._row["cells"]:
            self._row["cells"][-1].append("")

    def handle_endtag(self, tag):
        if tag == "td":
            self._in_cell = False
        elif tag == "tr":
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._in_cell and self._row is not None:
            self._row["cells"][-1][-1] += data


def place_rows(page: str) -> tuple[dict[str, dict], dict[str, dict]]:
    parser = PlaceRows()
    parser.feed(page)
    return parser.tables["guide-halls-table"], parser.tables["guide-contacts-table"]


def home_hall(entry: dict) -> dict:
    """The hall a slip for this implementation names: the first in the agency's own region."""
    return next((h for h in entry["halls"] if h["region_code"] == entry["region_code"]), entry["halls"][0])


@pytest.fixture(scope="module")
def entries(built_site) -> list[dict]:
    return json.loads((built_site / contract.IMPLEMENTATIONS).read_text(encoding="utf-8"))["implementations"]


@pytest.fixture(scope="module")
def notices(entries, tmp_path_factory) -> dict[str, tuple[str, str]]:
    """The filled 一次性告知单 of every implementation, as ``guides slip --at`` prints it."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    tmp = tmp_path_factory.mktemp("notices")
    cache = tmp_path_factory.mktemp("notice-cache")
    texts = {}
    for entry in entries:
        out = tmp / f"{entry['implementation_code']}.pdf"
        argv = ["--matters", str(ROOT / "matters"), "slip", entry["matter_code"], "--kind", "notice", "--at", entry["implementation_code"], "-o", str(out), "--cache-dir", str(cache)]
        assert main(argv) == 0, entry["implementation_code"]
        texts[entry["implementation_code"]] = read_slip(out)
    return texts


# ------------------------------------------------------------------ one fact, one source


def test_implementations_json_has_one_entry_per_matter_and_agency(entries, sample_corpus):
    pairs = [(e["matter_code"], e["agency_credit_code"]) for e in entries]
    assert len(pairs) == len(set(pairs))
    assert {e["matter_code"] for e in entries} == set(sample_corpus.matters)
    for entry in entries:
        assert entry["implementation_code"] == entry["agency_credit_code"] + LEVEL_DIGITS[entry["level"]] + entry["matter_code"]
        assert entry["fingerprint"] == sample_corpus.fingerprint(entry["matter_code"])


def hall_service_lines(services: dict) -> list[str]:
    """The hall's 预约, 自助终端 and 邮寄 lines as the page words them from the JSON."""
    lines = []
    if a := services.get("appointment"):
        how = "、".join(x for x in ("网上预约" if "url" in a else None, f"电话 {a['phone']}" if "phone" in a else None) if x)
        lines.append("预约办理：" + how + (f"；每个工作日 {a['daily_quota']} 个名额" if "daily_quota" in a else "") + (f"；{a['note']}" if "note" in a else ""))
    if terminals := services.get("self_service_terminals"):
        lines.append("自助终端：" + "；".join(t["location"] + (f"（{t['hours']}）" if "hours" in t else "") for t in terminals))
    if m := services.get("mail_address"):
        lines.append(f"申请材料邮寄：{m['address']}，{m['recipient']}收，电话 {m['phone']}" + (f"，邮编 {m['postcode']}" if "postcode" in m else ""))
    return lines


def test_page_tables_show_exactly_the_facts_of_implementations_json(built_site, entries, sample_corpus):
    for code in sample_corpus.matters:
        mine = [e for e in entries if e["matter_code"] == code]
        halls, contacts = place_rows((built_site / "matters" / code / "index.html").read_text(encoding="utf-8"))
        # no row the JSON does not have, none missing
        assert set(halls) == {h["id"] for e in mine for h in e["halls"]}, code
        assert set(contacts) == {e["implementation_code"] for e in mine}, code
        for entry in mine:
            for hall in entry["halls"]:
                row = halls[hall["id"]]
                assert row["attrs"]["data-region"] == hall["region_code"]
                region, level, where, address, phones = row["cells"]
                assert (region, level) == ([hall["region_name"]], [hall["level"]])
                assert where == [hall["name"], hall["window"], f"实施机关：{entry['agency']} · 服务范围：{hall['scope']['name']}"], (code, hall["id"])
                assert address == [hall["address"], hall["hours"]] + hall_service_lines(hall.get("services", {})), (code, hall["id"])
                assert phones == hall["phones"]
            agency, reach, remedy = contacts[entry["implementation_code"]]["cells"]
            assert agency == [entry["agency"], entry["region_name"]]
            expected = ["咨询电话：" + "、".join(entry["consult_phones"])]
            if entry["complaint_phone"]:
                expected.append(f"监督投诉电话：{entry['complaint_phone']}")
            if entry["online_url"]:
                expected.append(f"网上办理：{entry['online_url']}")
            s = entry.get("services", {})
            expected += [f"网上咨询：{s['consult_url']}"] if "consult_url" in s else []
            expected += [f"网上投诉：{s['complaint_url']}"] if "complaint_url" in s else []
            progress = "、".join(x for x in (s.get("progress_url"), f"电话 {s['progress_phone']}" if "progress_phone" in s else None) if x)
            expected += [f"办理进度查询：{progress}"] if progress else []
            expected += [f"网上支付：{s['payment_url']}"] if "payment_url" in s else []
            assert reach == expected, (code, entry["agency"])
            r = entry["remedy"]
            assert remedy == [
                f"对决定不服的，可以自知道之日起{r['reconsideration_days']}日内向{r['reconsideration_body']}申请行政复议，"
                f"或者自知道之日起{r['litigation_months']}个月内向{r['litigation_court']}提起行政诉讼。"
            ]
            assert r["reconsideration_body"] and r["litigation_court"], "every implementation names its remedy bodies"


def test_the_notice_staff_fill_in_the_browser_has_the_same_facts(built_site, entries, sample_corpus):
    for code in sample_corpus.matters:
        page = (built_site / "matters" / code / "index.html").read_text(encoding="utf-8")
        places = json.loads(re.search(r'<script type="application/json" id="guide-places">(.*?)</script>', page, re.S).group(1))
        mine = [e for e in entries if e["matter_code"] == code]
        assert sorted(p["implementation_code"] for p in places) == sorted(e["implementation_code"] for e in mine), code
        for place in places:
            entry = next(e for e in mine if e["implementation_code"] == place["implementation_code"])
            hall = home_hall(entry)
            assert place == {
                "agency": entry["agency"],
                "implementation_code": entry["implementation_code"],
                "window": hall["name"] + hall["window"],
                "exit_window": place["exit_window"],
                "hours": hall["hours"],
                "phones": "、".join(entry["consult_phones"]),
                "complaint_phone": entry["complaint_phone"],
                "online_url": entry["online_url"],
                "reconsideration_body": entry["remedy"]["reconsideration_body"],
                "court": entry["remedy"]["litigation_court"],
                "progress": "、".join(x for x in (entry.get("services", {}).get("progress_url"), f"电话 {entry['services']['progress_phone']}" if "progress_phone" in entry.get("services", {}) else None) if x),
                "abbreviation": ABBREVIATIONS.get(entry["agency"], ""),
            }, (code, entry["agency"])
            assert place["exit_window"].startswith(hall["name"])


@needs_poppler
def test_each_filled_notice_carries_the_facts_of_its_implementation(entries, notices, sample_corpus):
    assert set(notices) == {e["implementation_code"] for e in entries}
    for entry in entries:
        issuer, text = notices[entry["implementation_code"]]
        flat = squeeze(text)
        matter = sample_corpus.matters[entry["matter_code"]]
        hall = home_hall(entry)
        assert issuer == entry["agency"], "the issuer is the implementing agency"
        assert f"由{entry['agency']}实施" in flat
        assert squeeze(f"受理地点：{hall['name']}{hall['window']}；办理时间：{hall['hours']}。") in flat, entry["implementation_code"]
        assert squeeze(f"咨询电话：{'、'.join(entry['consult_phones'])}；监督投诉电话：{entry['complaint_phone']}。") in flat
        assert f"实施编码{entry['implementation_code']}" in flat
        assert f"标准指纹{entry['fingerprint']}" in flat
        # the same honest wording as the page
        assert f"到办事现场次数：{squeeze(chinese.visits_text(matter.visits, matter.online_depth, matter.levels))}。" in flat


def test_no_published_file_shows_the_old_default_hours(built_site):
    checked = 0
    for path in built_site.rglob("*"):
        if path.suffix in (".html", ".json", ".jsonld", ".atom", ".js"):
            assert OLD_DEFAULT_HOURS not in path.read_text(encoding="utf-8"), path
            checked += 1
    assert checked > 100


@needs_poppler
def test_no_filled_notice_shows_the_old_default_hours(notices):
    for code, (_, text) in notices.items():
        assert squeeze(OLD_DEFAULT_HOURS) not in squeeze(text), code


# ------------------------------------------------------------------ no borrowed office


def test_every_matter_handled_in_zherong_is_implemented_by_a_zherong_agency(entries, sample_corpus):
    directory = sample_corpus.directory
    zherong = directory.places[ZHERONG]
    own = {agency.name for agency in zherong.region.agencies}
    county = zherong.prefix
    # the county's halls (and those of its towns and villages) at the levels each matter is exercised at
    levels_here = {hall.level for place, hall in directory.halls() if place.code.startswith(county)}
    expected = {code for code, matter in sample_corpus.matters.items() if levels_here & set(matter.levels)}
    handled = {e["matter_code"] for e in entries if any(h["region_code"].startswith(county) for h in e["halls"])}
    assert handled == expected and len(handled) >= 10
    for code in handled:
        here = [e for e in entries if e["matter_code"] == code and any(h["region_code"].startswith(county) for h in e["halls"])]
        assert len(here) == 1, code  # one implementation serves the whole county
        [entry] = here
        assert (entry["region_code"], entry["region_name"]) == (ZHERONG, "柘荣县"), code
        assert entry["agency"] in own, code
        assert entry["remedy"]["reconsideration_body"] == "柘荣县人民政府" and entry["remedy"]["litigation_court"] == "柘荣县人民法院"
        assert all(h["region_code"].startswith(county) for h in entry["halls"]), "no 柘荣县 agency receives elsewhere"


def test_without_its_agency_zherong_fails_the_check_naming_both_files(tmp_path, capsys):
    matters = shutil.copytree(ROOT / "matters", tmp_path / "matters")
    regions = matters / "regions.yml"
    text = regions.read_text(encoding="utf-8")
    agency = "              - name: 柘荣县市场监督管理局\n                functions: [市场监督管理局]\n                credit_code: 11350926MB3926984A\n                credit_code_confirmed: false\n"
    assert text.count(agency) == 1
    regions.write_text(text.replace(agency, ""), encoding="utf-8")
    status, lines = check(capsys, matters)
    assert status == 1
    agencies_line = line_of(regions, "agencies:", after="name: 柘荣县")
    department_line = line_of(matters / f"{FOOD}.yml", "department:")
    assert (
        f"matters/regions.yml:{agencies_line}:13: regions[0].children[1].children[0].agencies: "
        f"柘荣县有县级办理点（柘荣县行政服务中心），matters/{FOOD}.yml:{department_line}:1 的「食品经营许可（新办）」在县级办理、由「市场监督管理局」实施，"
        "但柘荣县没有承担这一职能的机关；请在这里的 agencies 中写明实施机关及其统一社会信用代码，或从该事项的 levels 中去掉县级"
    ) in lines
    # every 市场监督管理局 matter exercised in the county (5) and the two towns of the one at 乡级
    county = [line for line in lines if "regions[0].children[1].children[0].agencies: 柘荣县有县级办理点" in line]
    towns = [line for line in lines if "（乡镇、村可由上级县（区）的机关实施，但上级也没有）" in line]
    assert len(county) == 5 and len(towns) == 2
    assert [re.search(r"matters/(\w+)\.yml:\d+:1 的", line).group(1) for line in county] == ["000117001000", FOOD, "000117014000", "000117015000", "000118004000"]
    assert lines[-1] == "共 7 个问题"
    # never a silent fallback: the city's office is named nowhere in the problems
    assert not any("宁德市市场监督管理局" in line for line in lines)


@needs_poppler
def test_slips_for_two_places_differ_in_issuer_and_remedy_bodies_not_in_the_standard(capsys, tmp_path, sample_corpus):
    cache = tmp_path / "cache"
    (z_issuer, zherong), (c_issuer, chengxiang) = (slip(capsys, tmp_path, FOOD, "rejection", at, cache) for at in (ZHERONG, CHENGXIANG))
    assert (z_issuer, c_issuer) == ("柘荣县市场监督管理局", "莆田市城厢区市场监督管理局")
    z, c = squeeze(zherong), squeeze(chengxiang)
    assert "自收到本通知书之日起六十日内向柘荣县人民政府申请行政复议" in z and "六个月内向柘荣县人民法院提起行政诉讼" in z
    assert "自收到本通知书之日起六十日内向莆田市城厢区人民政府申请行政复议" in c and "六个月内向莆田市城厢区人民法院提起行政诉讼" in c
    assert "莆田" not in z and "柘荣" not in c
    # the trace line: another implementation of the same standard
    trace = re.compile(r"基本编码(\w{12})·实施编码(\w{31})·标准版本([\d.]+)·标准指纹([0-9a-f]{64})")
    (zm, zi, zv, zf), (cm, ci, cv, cf) = trace.search(z).groups(), trace.search(c).groups()
    assert (zi, ci) == ("11350926MB3926984A3000117012000", "11350302MB8427551Q3000117012000")
    assert (zm, zv, zf) == (cm, cv, cf) == (FOOD, sample_corpus.matters[FOOD].version, sample_corpus.fingerprint(FOOD))
    # everything but the local facts is the same slip
    local = ["柘荣县市场监督管理局", "莆田市城厢区市场监督管理局", "柘荣县人民政府", "莆田市城厢区人民政府", "柘荣县人民法院", "莆田市城厢区人民法院",
             zi, ci, "0593-8352345、0593-8352101", "0594-2678001", "城厢市监"]
    for text in local:
        z, c = z.replace(text, "<local>"), c.replace(text, "<local>")
    # the 文号: 城厢 has an agency abbreviation, 柘荣 none (printed blank)
    assert "<local>〔〕第号" in c and "书〔〕第号" in z
    assert z == c.replace("<local>〔〕第号", "〔〕第号")


def test_a_division_code_names_the_implementation_that_serves_it(sample_corpus):
    from generator.outputs.slips.command import slip_place_at

    # a village is served by its county's agency, at its county's hall
    village = slip_place_at(sample_corpus, FOOD, "350926100002")
    county = slip_place_at(sample_corpus, FOOD, ZHERONG)
    assert village == county
    assert (county.agency, county.window, county.reconsideration_body, county.court) == (
        "柘荣县市场监督管理局", "柘荣县行政服务中心综合受理窗口", "柘荣县人民政府", "柘荣县人民法院",
    )


# ------------------------------------------------------------------ wording follows the data


def _summary_cell(page: str, label: str) -> str:
    found = re.search(rf'<th scope="row">{label}</th><td><strong>(.*?)</strong></td>', page)
    assert found, label
    return html.unescape(found.group(1))


def test_visits_wording_follows_the_data_on_every_page(built_site, sample_corpus):
    seen = set()
    for code, matter in sample_corpus.matters.items():
        page = (built_site / "matters" / code / "index.html").read_text(encoding="utf-8")
        shown = _summary_cell(page, "到现场次数")
        assert shown == chinese.visits_text(matter.visits, matter.online_depth, matter.levels), code
        assert ("全程网办" in shown) == (matter.online_depth == "四级"), code
        assert "最多跑1次" not in shown
        seen.add((matter.visits, matter.online_depth == "四级"))
    assert {(0, True), (1, False)} <= seen, "the samples exercise both wordings"


def test_visits_wording_names_the_kind_of_hall_and_claims_online_only_at_level_four():
    assert chinese.visits_text(0, "四级", ["县级"]) == "零跑动（全程网办）"
    assert chinese.visits_text(0, "三级", ["县级"]) == "零跑动（无需到现场）"
    assert chinese.visits_text(1, "三级", ["市级", "县级"]) == "最多跑一次，到市政务服务中心或县（区）政务服务中心"
    assert chinese.visits_text(1, "四级", ["乡级", "村级"]) == "最多跑一次，到乡镇（街道）便民服务中心或村（社区）便民代办点"
    assert chinese.visits_text(2, "二级", ["县级"]) == "需到现场2次，到县（区）政务服务中心"


def _step_items(page: str) -> dict[str, str]:
    steps = re.search(r'<ol class="guide-steps">(.*?)</ol>', page, re.S).group(1)
    return {html.unescape(name): html.unescape(re.sub(r"<[^>]+>", "", item)) for name, item in re.findall(r"<li><strong>(.*?)</strong>(.*?)</li>", steps)}


def _boxes(svg: str) -> dict[str, list[str]]:
    root = ET.fromstring(svg)
    return {
        group.get("id").split("-step-", 1)[1]: ["".join(t.itertext()) for t in group.findall(f"{SVG}text")]
        for group in root.iter(f"{SVG}g")
        if "node" in (group.get("class") or "").split()
    }


def test_no_step_with_calendar_time_is_shown_as_instant(built_site, sample_corpus):
    with_calendar = 0
    for code, matter in sample_corpus.matters.items():
        page = (built_site / "matters" / code / "index.html").read_text(encoding="utf-8")
        items = _step_items(page)
        boxes = _boxes((built_site / "matters" / code / "flow.svg").read_text(encoding="utf-8"))
        for step in matter.steps:
            instant = step.days == 0 and not step.calendar_days
            assert chinese.step_time(step.days, step.calendar_days) in items[step.name], (code, step.id)
            assert ("即办" in items[step.name]) == instant, (code, step.id)
            assert diagrams.days_text(step.days, step.calendar_days) in boxes[step.id], (code, step.id)
            assert ("即办" in "".join(boxes[step.id])) == instant, (code, step.id)
            with_calendar += bool(step.calendar_days)
    assert with_calendar >= 1
    assert "另需7日（按自然日计，不计入办理时限）" in _step_items((built_site / "matters" / "000110020000" / "index.html").read_text(encoding="utf-8"))["审核"]


def test_a_same_day_step_with_a_publicity_period_is_not_instant(tmp_path):
    """公示 7 days after a 0-day step: calendar time, never 即办, on the page and in the diagram."""
    from generator.cache import ArtifactCache

    matters = tmp_path / "matters"
    matters.mkdir()
    shutil.copy(ROOT / "matters" / "laws.yml", matters / "laws.yml")
    text = (ROOT / "matters" / "000110020000.yml").read_text(encoding="utf-8")
    step = "    days: 4\n    calendar_days: 7\n"
    assert text.count(step) == 1
    (matters / "000110020000.yml").write_text(text.replace(step, "    days: 0\n    calendar_days: 7\n"), encoding="utf-8")
    shutil.copytree(ROOT / "matters" / "files" / "000110020000", matters / "files" / "000110020000")
    corpus = load_corpus(matters)
    matter = corpus.matters["000110020000"]
    items = _step_items(render_matter_page(matter, corpus))
    assert items["审核"] == "：乡镇（街道）社会事务办公室，另需7日（按自然日计，不计入办理时限）。核对户籍和年龄信息，在村（居）务公开栏公示审核结果。"
    item = diagrams.matter_diagram(matter)
    boxes = _boxes(diagrams.render_svg(item.dot_source, ArtifactCache(tmp_path / "cache"), id_prefix=item.id_prefix, title=item.title))
    assert boxes["township-review"][-1] == "另需7日（不计时限）"
    assert not any("即办" in line for line in boxes["township-review"])
    # the 0-day step without calendar time is still 即办
    assert boxes["payment"][-1] == "即办"


# ------------------------------------------------------------------ credit codes


def test_every_credit_code_of_the_sample_directory_passes_its_check_digits(sample_corpus):
    codes = [agency.credit_code for place in sample_corpus.directory.places.values() for agency in place.region.agencies]
    assert len(codes) >= 40 and len(set(codes)) == len(codes)
    assert {code: credit_code_problem(code) for code in codes} == {code: None for code in codes}


def test_credit_code_problems_are_chinese_and_positioned(capsys):
    folder = FIXTURES / "regions" / "malformed-credit-codes"
    path = folder / "regions.yml"
    status, lines = check(capsys, folder)
    assert status == 1
    where = shown(path)
    assert lines == [
        f"{where}:{line_of(path, '11350300MB4K7720R')}:9: regions[0].agencies[0].credit_code: 统一社会信用代码应为18位（登记管理部门1位、机构类别1位、行政区划6位、组织机构代码9位、校验码1位），这里是17位：11350300MB4K7720R；少了1位，请对照营业执照或登记证书重新抄写",
        f"{where}:{line_of(path, '11350300MB5H2281OG')}:9: regions[0].agencies[1].credit_code: 统一社会信用代码只用数字和除 I、O、S、V、Z 以外的大写字母，这里有「O」",
        f"{where}:{line_of(path, '11350300MBIVSZ8109')}:9: regions[0].agencies[2].credit_code: 统一社会信用代码只用数字和除 I、O、S、V、Z 以外的大写字母，这里有「IVSZ」",
        "共 3 个问题",
    ]


def test_wrong_check_digit_and_a_function_claimed_twice(capsys):
    folder = FIXTURES / "regions" / "bad-agencies"
    path = folder / "regions.yml"
    status, lines = check(capsys, folder)
    assert status == 1
    where = shown(path)
    first = line_of(path, "functions: [市场监督管理局]")
    assert lines == [
        f"{where}:{line_of(path, 'functions: [交通运输局, 市场监督管理局]')}:28: regions[0].agencies[1].functions[1]: "
        f"莆田市已有机关在第{first}行承担「市场监督管理局」职能；同一地区一个职能只能由一个机关实施，请删去一处",
        f"{where}:{line_of(path, '11350300MB6J09353E')}:9: regions[0].agencies[2].credit_code: "
        "统一社会信用代码 11350300MB6J09353E 的校验码（第18位）应为 D，这里是 E；校验码由前17位按 GB 32100 算出，请核对前17位是否抄错",
        "共 2 个问题",
    ]
    assert first == 11


# ------------------------------------------------------------------ old matter files


def test_an_old_matter_file_is_told_where_each_local_fact_moved(capsys):
    folder = FIXTURES / "foundation" / "old-style"
    path = folder / "310115001000.yml"
    status, lines = check(capsys, folder)
    assert status == 1
    where = shown(path)
    assert lines == [
        f"{where}:{line_of(path, 'department:')}:1: department: department 只写实施部门的职能名称、不带地名，如 department: 市场监督管理局；"
        "机关全称和统一社会信用代码写在地区目录 regions.yml 的 agencies",
        f"{where}:{line_of(path, 'contact:')}:1: contact: contact 已不属于事项标准：咨询电话、监督投诉电话、受理窗口、办理时间和网上办理地址是各地的事实，"
        "只写在地区目录 regions.yml（办理点的 phones、hours、windows，实施机关的 phone、online_url，地区的 complaint_phone、online_url）。请删去 contact",
        f"{where}:{line_of(path, 'reconsideration_body:')}:3: remedy.reconsideration_body: remedy.reconsideration_body 已不属于事项标准："
        "行政复议机关和行政诉讼管辖法院是各地的，只写在地区目录 regions.yml（地区的 government、court，实行垂直领导的机关另写 reconsideration_body）；"
        "这里只留期限 reconsideration_days、litigation_months",
        "共 3 个问题",
    ]
    assert not any("没有「" in line or "不能为空" in line for line in lines)


def test_the_migration_script_moves_the_local_facts_out_and_says_what_it_removed(tmp_path, capsys):
    import sys

    import yaml

    matters = tmp_path / "matters"
    matters.mkdir()
    old = matters / "310115001000.yml"
    shutil.copy(FIXTURES / "foundation" / "old-style" / "310115001000.yml", old)
    broken = matters / "310115001001.yml"
    broken.write_text('code: "310115001001"\nlevels: [县级\nname: x\n', encoding="utf-8")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "migrate_local_facts.py"), str(matters)], capture_output=True, text=True, cwd=tmp_path)
    # a broken file is named and skipped; the others are still migrated
    assert result.returncode == 1
    assert result.stderr == f"{broken}:3:5: YAML 语法错误，未迁移；请检查缩进、冒号和引号，改正后重新运行\n"
    assert result.stdout.splitlines() == [
        f"{old}: 实施机关 福建省住房和城乡建设厅（113500000035910882）→ department: 住房和城乡建设厅；机关全称和统一社会信用代码请写入 regions.yml 的 agencies",
        f"{old}: 已删去 contact：consult_phone=0594-2697000；complaint_phone=12345；请写入 regions.yml",
        f"{old}: 已删去 remedy.reconsideration_body：福建省人民政府；请写入 regions.yml",
    ]
    data = yaml.safe_load(old.read_text(encoding="utf-8"))
    assert data["department"] == "住房和城乡建设厅"
    assert "contact" not in data and "remedy" not in data  # only the default time limits were left
    broken.unlink()
    assert main(["--matters", str(matters), "fmt"]) == 0
    assert main(["--matters", str(matters), "fmt", "--check"]) == 0
    capsys.readouterr()
    status, lines = check(capsys, matters)
    assert (status, lines) == (0, ["检查通过：1 个事项"])
