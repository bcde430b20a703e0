"""Linked data: schema.org JSON-LD in the pages, CPSV-AP 3.2.0 exports that pass the official shapes."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from pyshacl import validate

from conftest import FIXTURES, SHARED, build_project, make_project

SHAPES = SHARED / "reference" / "cpsv-ap-3.2.0" / "cpsv-ap-SHACL.ttl"
CV = rdflib.Namespace("http://data.europa.eu/m8g/")
CPSV = rdflib.Namespace("http://purl.org/vocab/cpsv#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
HOSTILE_NAME = "树木移植</script><script>alert(1)</script> & <!-- 审批"


@pytest.fixture(scope="module")
def ld_site(tmp_path_factory) -> Path:
    return build_project(make_project(tmp_path_factory.mktemp("ld"), FIXTURES / "catalogue" / "matters"))


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    return build_project(make_project(tmp_path_factory.mktemp("ld-hostile"), FIXTURES / "catalogue" / "hostile"))


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(SHAPES)


class Scripts(HTMLParser):
    """Every <script> element as a browser's tokenizer splits them: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self._open = dict(attrs)
            self.scripts.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            attrs, text = self.scripts[-1]
            self.scripts[-1] = (attrs, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def scripts(page: Path) -> list[tuple[dict, str]]:
    parser = Scripts()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.scripts


def page_json_ld(site: Path, code: str) -> dict:
    found = [text for attrs, text in scripts(site / "matters" / code / "index.html") if attrs.get("type") == "application/ld+json"]
    assert len(found) == 1
    return json.loads(found[0])


def exports(site: Path) -> list[Path]:
    found = sorted((site / "api" / "v1" / "cpsv-ap").glob("*.jsonld"))
    assert found
    return found


# ---------------------------------------------------------------------------------- CPSV-AP

@pytest.mark.parametrize("which", ["fixtures", "hostile", "demo"])
def test_every_cpsv_ap_export_conforms_to_the_official_shapes(which, ld_site, hostile_site, built_site, shapes):
    site = {"fixtures": ld_site, "hostile": hostile_site, "demo": built_site}[which]
    for path in exports(site):
        data = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="json-ld")
        conforms, _, report = validate(data, shacl_graph=shapes)
        assert conforms, f"{path.name}\n{report}"


def test_cpsv_ap_describes_the_whole_standard(ld_site):
    g = rdflib.Graph().parse(data=(ld_site / "api/v1/cpsv-ap/000111010000.jsonld").read_text(encoding="utf-8"), format="json-ld")
    [service] = list(g.subjects(rdflib.RDF.type, CPSV.PublicService))
    assert g.value(service, DCT.identifier) == rdflib.Literal("000111010000")
    title = g.value(service, DCT.title)
    assert (str(title), title.language) == ("不动产转移登记（二手房买卖）", "zh")
    assert g.value(service, DCT.description).language == "zh"
    # one competent authority per implementation (catalogue/matters/regions.yml): the city's
    # 不动产登记中心 and the district's, each with its credit code and the region it serves
    authorities = {str(g.value(a, SKOS.prefLabel)): a for a in g.objects(service, CV.hasCompetentAuthority)}
    assert sorted(authorities) == ["莆田市不动产登记中心", "莆田市城厢区不动产登记中心"]
    expected = {"莆田市不动产登记中心": ("12350300MB1F24614Y", "350300000000", "莆田市"), "莆田市城厢区不动产登记中心": ("12350302MB2C68173W", "350302000000", "城厢区")}
    for name, authority in authorities.items():
        assert (authority, rdflib.RDF.type, CV.PublicOrganisation) in g
        credit_code, code, region = expected[name]
        assert str(g.value(authority, DCT.identifier)) == credit_code
        place = g.value(authority, DCT.spatial)
        assert (place, rdflib.RDF.type, DCT.Location) in g
        assert (str(g.value(place, DCT.identifier)), str(g.value(place, SKOS.prefLabel))) == (code, region)
    assert len(list(g.objects(service, CV.holdsRequirement))) == 2
    evidence = {str(g.value(e, DCT.title)) for e in g.objects(service, CPSV.hasInput)}
    assert {"不动产登记申请书", "房屋买卖合同", "契税完税凭证"} <= evidence and len(evidence) == 5
    assert str(g.value(g.value(service, CPSV.produces), DCT.title)) == "不动产权证书"
    costs = sorted(g.value(c, CV.hasValue).toPython() for c in g.objects(service, CV.hasCost))
    assert costs == [10.0, 80.0]
    for cost in g.objects(service, CV.hasCost):
        currency = g.value(cost, CV.currency)
        assert str(currency).endswith("/currency/CNY") and (currency, rdflib.RDF.type, SKOS.Concept) in g
    rules = {str(g.value(r, DCT.title)) for r in g.objects(service, CPSV.follows)}
    assert "《不动产登记暂行条例》（国务院令第656号）第十四条" in rules
    assert len(list(g.objects(service, CV.hasLegalResource))) == 2
    channels = list(g.objects(service, CV.hasChannel))
    assert len(channels) == 4  # a window and the online hall for each implementation
    owners = sorted(str(g.value(g.value(c, CV.ownedBy), SKOS.prefLabel)) for c in channels)
    assert owners == ["莆田市不动产登记中心"] * 2 + ["莆田市城厢区不动产登记中心"] * 2
    contacts = sorted(str(g.value(c, DCT.description)) for c in g.objects(service, CV.contactPoint))
    assert contacts == ["莆田市不动产登记中心咨询电话 0594-2283599；监督投诉电话 12345", "莆田市城厢区不动产登记中心咨询电话 0594-2697000；监督投诉电话 12345"]
    for channel in channels:
        time = g.value(channel, CV.processingTime)
        assert (str(time), time.datatype) == ("P3D", XSD.duration)


def test_cpsv_ap_export_of_a_free_matter_states_no_charge(ld_site):
    g = rdflib.Graph().parse(data=(ld_site / "api/v1/cpsv-ap/310115001000.jsonld").read_text(encoding="utf-8"), format="json-ld")
    [service] = list(g.subjects(rdflib.RDF.type, CPSV.PublicService))
    [cost] = list(g.objects(service, CV.hasCost))
    assert g.value(cost, CV.hasValue).toPython() == 0.0
    assert str(g.value(cost, DCT.description)) == "不收费"


def test_cpsv_ap_keeps_hostile_text_as_data(hostile_site):
    g = rdflib.Graph().parse(data=(hostile_site / "api/v1/cpsv-ap/310115001000.jsonld").read_text(encoding="utf-8"), format="json-ld")
    [service] = list(g.subjects(rdflib.RDF.type, CPSV.PublicService))
    assert str(g.value(service, DCT.title)) == HOSTILE_NAME


# ---------------------------------------------------------------------------------- schema.org

def test_page_json_ld_parses_and_names_the_matter(ld_site):
    data = page_json_ld(ld_site, "000111010000")
    assert data["@context"] == "https://schema.org" and data["@type"] == "GovernmentService"
    assert data["name"] == "不动产转移登记（二手房买卖）" and data["identifier"] == "000111010000"
    assert data["url"] == "https://guides.example.gov.cn/matters/000111010000/"
    assert [(p["@type"], p["name"], p["identifier"]) for p in data["provider"]] == [
        ("GovernmentOrganization", "莆田市不动产登记中心", "12350300MB1F24614Y"),
        ("GovernmentOrganization", "莆田市城厢区不动产登记中心", "12350302MB2C68173W"),
    ]
    assert [(a["name"], a["identifier"]) for a in data["areaServed"]] == [("莆田市", "350300000000"), ("城厢区", "350302000000")]
    assert data["serviceType"] == "行政确认"
    assert [(o["price"], o["priceCurrency"]) for o in data["offers"]] == [("80.00", "CNY"), ("10.00", "CNY")]
    assert "isAccessibleForFree" not in data
    channels = data["availableChannel"]
    assert {c["processingTime"] for c in channels} == {"P3D"}
    assert [c.get("serviceUrl") for c in channels] == [None, None, "https://zwfw.fujian.gov.cn/"]
    assert [c["name"] for c in channels[:2]] == ["窗口办理：莆田市不动产登记中心", "窗口办理：莆田市城厢区不动产登记中心"]
    assert [[p["name"] for p in c["serviceLocation"]] for c in channels[:2]] == [["莆田市不动产登记中心办事大厅"], ["城厢区行政服务中心"]]
    # the agency's own phone where it has one, else its hall's
    assert [c["servicePhone"]["telephone"] for c in channels[:2]] == ["0594-2283599", "0594-2697000"]
    # the same data through an RDF parser, as a crawler would read it
    g = rdflib.Graph().parse(data=json.dumps({**data, "@context": {"@vocab": "https://schema.org/"}}), format="json-ld")
    assert rdflib.Literal("不动产转移登记（二手房买卖）") in set(g.objects(None, rdflib.URIRef("https://schema.org/name")))


def test_page_json_ld_of_a_free_matter(ld_site):
    data = page_json_ld(ld_site, "310115001000")
    assert data["name"] == "城市树木移植审批"
    assert data["isAccessibleForFree"] is True
    assert [(a["name"], a["identifier"]) for a in data["areaServed"]] == [("城厢区", "350302000000")]
    assert [p["name"] for p in data["provider"]] == ["莆田市城厢区住房和城乡建设局"]
    assert [c["processingTime"] for c in data["availableChannel"]] == ["P5D", "P5D"]


def test_page_links_its_json(ld_site):
    page = (ld_site / "matters" / "000111010000" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../api/v1/matters/000111010000.json"' in page
    assert (ld_site / "matters" / "000111010000" / "../../api/v1/matters/000111010000.json").resolve().is_file()


def test_hostile_name_cannot_break_out_of_the_json_ld_script(hostile_site):
    page = hostile_site / "matters" / "310115001000" / "index.html"
    html = page.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "</script><script>" not in html
    # the tokenizer sees exactly the page's own scripts, none from the data
    assert all("alert" not in text for attrs, text in scripts(page) if attrs.get("type") != "application/ld+json")
    data = page_json_ld(hostile_site, "310115001000")
    assert data["name"] == HOSTILE_NAME
    assert data["description"].startswith("</SCRIPT><img src=x onerror=alert(2)>")


def test_script_json_escapes_everything_that_could_end_the_element():
    from generator.outputs.linked_data import script_json

    value = {"name": "</script><!--<script>&"}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_shapes_reject_an_export_without_typed_code_list_values(ld_site, shapes):
    """The validation can fail: untyped locations and plain strings do not pass the shapes."""
    doc = json.loads((ld_site / "api/v1/cpsv-ap/000111010000.jsonld").read_text(encoding="utf-8"))
    for node in doc["@graph"]:
        if node.get("@type") == "dct:Location":
            del node["@type"]
        if node.get("@type") == "cpsv:PublicService":
            node["dct:title"] = node["dct:title"]["@value"]
    conforms, graph, report = validate(rdflib.Graph().parse(data=json.dumps(doc), format="json-ld"), shacl_graph=shapes)
    assert not conforms
    assert "Location" in report and "langString" in report


def test_every_concept_of_the_site_resolves_to_the_published_scheme(ld_site):
    scheme = rdflib.Graph().parse(data=(ld_site / "api/v1/cpsv-ap/concepts.jsonld").read_text(encoding="utf-8"), format="json-ld")
    defined = set(scheme.subjects(rdflib.RDF.type, SKOS.Concept))
    for path in exports(ld_site):
        g = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="json-ld")
        for concept in g.subjects(rdflib.RDF.type, SKOS.Concept):
            if "/api/v1/cpsv-ap/concepts.jsonld#" in str(concept):
                assert concept in defined
                assert g.value(concept, SKOS.prefLabel) == scheme.value(concept, SKOS.prefLabel)


def test_without_a_site_url_iris_are_relative_and_resolve_where_the_files_are_served(tmp_path):
    project = make_project(tmp_path / "p", FIXTURES / "catalogue" / "matters")
    config = project / "mkdocs.yml"
    config.write_text("".join(line for line in config.read_text(encoding="utf-8").splitlines(keepends=True) if not line.startswith("site_url:")), encoding="utf-8")
    site = build_project(project)
    mirror = "https://mirror.example.cn/guides/"
    export = site / "api/v1/cpsv-ap/000111010000.jsonld"
    g = rdflib.Graph().parse(data=export.read_text(encoding="utf-8"), format="json-ld", publicID=f"{mirror}api/v1/cpsv-ap/000111010000.jsonld")
    assert list(g.subjects(rdflib.RDF.type, CPSV.PublicService)) == [rdflib.URIRef(f"{mirror}matters/000111010000/#service")]
    data = page_json_ld(site, "000111010000")
    assert data["url"] == "../../matters/000111010000/"
    feed = (site / "api/v1/changes.atom").read_text(encoding="utf-8")
    assert 'href="../../matters/000111010000/"' in feed and "tag:guides.invalid,2026:" in feed
    assert "guides.example.gov.cn" not in export.read_text(encoding="utf-8")
