"""Guide pages: the content of a matter page, escaping, index pages, navigation that scales."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, build_project, make_project
from generator.load.corpus import load_corpus
from generator.outputs import search


class TextAndTags(HTMLParser):
    """Collects visible text and every start tag, as a browser's DOM would have them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> TextAndTags:
    parser = TextAndTags()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("pages"), FIXTURES / "foundation" / "valid")
    # who implements it and where: the local facts, from a region directory beside the standard
    shutil.copy(FIXTURES / "foundation" / "directory" / "regions.yml", project / "matters" / "regions.yml")
    return build_project(project)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("hostile"), FIXTURES / "foundation" / "hostile")
    return build_project(project)


def test_matter_page_shows_the_standard(fixture_site):
    page = parse(fixture_site / "matters" / "310115001000" / "index.html")
    text = "".join(page.text)
    for expected in ("城市树木移植审批", "城市树木移植申请表", "树木现状位置图", "原件 2份", "授权委托书",
                     "适用：是否委托他人办理：委托代理人办理", "承诺时限", "5个工作日", "法定时限", "20个工作日",
                     "不收费", "最多跑一次，到县（区）政务服务中心", "《城市绿化条例》（国务院令第676号）第二十条",
                     "问：位置图是否标注拟移植树木的株数和胸径？", "答：必须逐株标注树种、胸径和位置。",
                     "2026年1月1日起施行", "首次发布。"):
        assert expected in text, expected
    # the local facts come from the region directory: the implementing agency, its own phone
    # (not the hall's), the city's complaint phone and the district's remedy bodies
    for expected in ("莆田市城厢区住房和城乡建设局", "城厢区行政服务中心", "综合受理窗口", "咨询电话：0594-2697000", "监督投诉电话：12345",
                     "向莆田市城厢区人民政府申请行政复议", "向莆田市城厢区人民法院提起行政诉讼"):
        assert expected in text, expected
    assert "0594-2678001" not in text, "the agency's own number replaces the hall's"
    steps = re.findall(r"<li><strong>(.*?)</strong>", (fixture_site / "matters" / "310115001000" / "index.html").read_text(encoding="utf-8"))
    assert steps[:3] == ["受理", "审查", "决定"]


def test_situation_selector_and_material_conditions_are_marked(fixture_site):
    page = parse(fixture_site / "matters" / "310115001000" / "index.html")
    radios = [attrs for tag, attrs in page.tags if tag == "input" and attrs.get("type") == "radio"]
    assert [r["value"] for r in radios] == ["", "agent.self", "agent.proxy"]
    rows = {attrs["data-material"]: attrs["data-when"] for tag, attrs in page.tags if tag == "tr" and "data-material" in attrs and "data-when" in attrs}
    assert rows == {"application-form": "", "site-plan": "", "power-of-attorney": "agent.proxy"}


def test_fingerprint_on_page_matches_corpus(fixture_site):
    from generator.load.corpus import load_corpus

    corpus = load_corpus(FIXTURES / "foundation" / "valid")
    html = (fixture_site / "matters" / "310115001000" / "index.html").read_text(encoding="utf-8")
    assert corpus.fingerprint("310115001000") in html


def test_yaml_text_is_escaped_everywhere(hostile_site):
    html = (hostile_site / "matters" / "310115001000" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>审批</b>" not in html
    page = parse(hostile_site / "matters" / "310115001000" / "index.html")
    text = "".join(page.text)
    assert "<script>alert('材料')</script>申请表 & 附件" in text
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "</title>" not in title.replace("&lt;/title&gt;", "")
    # the search keeps the text as text: the records given to Pagefind escape it, and what comes
    # back (titles, excerpts) is plain text that assets/search.js sets as text nodes
    record = dict(search.records(load_corpus(FIXTURES / "foundation" / "hostile"), ["conditions", "materials"]))["matters/310115001000/"]
    assert "<script>" not in record and "&lt;script&gt;alert('材料')&lt;/script&gt;申请表 &amp; 附件" in record
    fragment = search_fragments(hostile_site)["/matters/310115001000/"]
    assert fragment["meta"]["title"] == load_corpus(FIXTURES / "foundation" / "hostile").matters["310115001000"].name


def test_index_pages_list_matters_without_a_sidebar_entry_per_matter(fixture_site):
    departments = (fixture_site / "departments" / "index.html").read_text(encoding="utf-8")
    # by the agency that implements the matter, under its credit code
    assert "莆田市城厢区住房和城乡建设局" in departments
    department_page = fixture_site / "departments" / "11350302MB7A310525" / "index.html"
    assert 'href="../../matters/310115001000/"' in department_page.read_text(encoding="utf-8")
    assert (fixture_site / "types" / "licensing" / "index.html").exists()
    assert (fixture_site / "levels" / "county" / "index.html").exists()
    home = (fixture_site / "index.html").read_text(encoding="utf-8")
    # the navigation on every page lists indexes only; matters are reached through them, the
    # home page's 常办事项 or search
    assert home.count("matters/310115001000") == 1 and 'class="gh-card"><a href="matters/310115001000/"' in home
    assert "matters/310115001000" not in departments


def search_fragments(site: Path) -> dict[str, dict]:
    """The Pagefind fragments of a built site (gzip'd JSON after a signature), by URL."""
    import gzip

    found = {}
    for path in sorted((site / "pagefind" / "fragment").glob("*.pf_fragment")):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
        found[data["url"]] = data
    return found


def test_search_index_keeps_only_findable_sections(fixture_site):
    fragments = search_fragments(fixture_site)
    # matters and themes only: no help, browse or open-data (API) page can be a search result
    assert sorted(fragments) == ["/matters/310115001000/"]
    fragment = fragments["/matters/310115001000/"]
    text = fragment["content"].replace("\u200b", "")
    # the name once more one character a word: found however the browser cuts the query
    assert text == "城市树木移植审批. 因建设需要移植城市树木的，向城市绿化行政主管部门申请审批。 城 市 树 木 移 植 审 批. 住房和城乡建设局。 因城市建设确需移植树木。 城市树木移植申请表、树木现状位置图、授权委托书。"
    assert fragment["meta"] == {
        "days": "5个工作日", "department": "住房和城乡建设局", "kind": "行政许可", "online": "网上受理", "title": "城市树木移植审批",
        "summary": "因建设需要移植城市树木的，向城市绿化行政主管部门申请审批",
    }
    assert fragment["filters"] == {"audience": ["个人办事", "法人办事"], "department": ["住房和城乡建设局"], "region": ["城厢区", "莆田市"], "type": ["行政许可"]}
    # the hidden 补正材料通知书 and the fingerprint are not searchable
    assert "补正" not in text and "标准指纹" not in text
