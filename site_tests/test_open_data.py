"""The open data an integrator relies on (api/v1/): every published JSON file validates against
its published schema, and the OpenAPI file against the OpenAPI 3.1 metaschema, with
independent validators (jsonschema, openapi-spec-validator); links resolve by RFC 3986 from
the file that holds them; the discovery document names everything."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from jsonschema import Draft202012Validator

from conftest import FIXTURES, build_project, make_project

SITE_URL = "https://example.invalid/site/"


@pytest.fixture(scope="module")
def api_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("opendata"), FIXTURES / "catalogue" / "matters")
    return build_project(project)


def schema_name(relative: str) -> str | None:
    """Which schema a published JSON file must validate against, from its path alone."""
    rules = [
        (r"api/v1/catalogue\.json", "catalogue"),
        (r"api/v1/matters/[0-9A-Z]{12}\.json", "matter"),
        (r"api/v1/implementations\.json", "implementations"),
        (r"api/v1/changes\.json", "changes"),
        (r"api/v1/changes/since/\d{4}-\d\d-\d\d\.json", "changes"),
        (r"api/v1/themes/[a-z0-9-]+\.json", "theme"),
        (r"api/v1/regions/\d{12}\.json", "region"),
        (r"api/v1/departments/[0-9A-Z]{18}\.json", "department"),
        (r"api/v1/index\.json", "index"),
    ]
    return next((name for pattern, name in rules if re.fullmatch(pattern, relative)), None)


def published_json(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in (site / "api" / "v1").rglob("*.json"))


@pytest.mark.parametrize("which", ["fixtures", "demo"])
def test_every_published_json_file_validates_against_its_published_schema(which, api_site, built_site):
    site = api_site if which == "fixtures" else built_site
    checked: dict[str, int] = {}
    for relative in published_json(site):
        if relative.startswith("api/v1/schema/") or relative == "api/v1/openapi.json":
            continue
        name = schema_name(relative)
        assert name is not None, f"{relative} has no schema"
        schema = json.loads((site / "api/v1/schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        document = json.loads((site / relative).read_text(encoding="utf-8"))
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in Draft202012Validator(schema).iter_errors(document)]
        assert errors == [], relative
        checked[name] = checked.get(name, 0) + 1
    expected = {"catalogue", "matter", "implementations", "changes", "index"} | ({"theme", "region", "department"} if which == "demo" else set())
    assert expected <= set(checked), checked


def test_published_theme_json_validates_against_the_schema_the_docs_name(built_site):
    """The bug: theme.schema.json described the theme's YAML input, not the published JSON."""
    schema = json.loads((built_site / "api/v1/schema/theme.schema.json").read_text(encoding="utf-8"))
    themes = sorted((built_site / "api/v1/themes").glob("*.json"))
    assert themes
    for path in themes:
        Draft202012Validator(schema).validate(json.loads(path.read_text(encoding="utf-8")))
    source = json.loads((built_site / "api/v1/schema/theme-source.schema.json").read_text(encoding="utf-8"))
    assert "savings" not in source["properties"] and "savings" in schema["properties"]


def test_schemas_reject_an_unknown_key_so_they_describe_every_key(built_site):
    for relative, name in (("api/v1/catalogue.json", "catalogue"), ("api/v1/implementations.json", "implementations"), ("api/v1/changes.json", "changes")):
        schema = json.loads((built_site / f"api/v1/schema/{name}.schema.json").read_text(encoding="utf-8"))
        document = json.loads((built_site / relative).read_text(encoding="utf-8"))
        assert not Draft202012Validator(schema).is_valid({**document, "surprise": 1})


def test_openapi_file_validates_against_the_openapi_3_1_metaschema(api_site):
    from openapi_spec_validator import validate
    from openapi_spec_validator.validation import OpenAPIV31SpecValidator

    path = api_site / "api/v1/openapi.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    assert spec["openapi"].startswith("3.1")
    # base_uri: the $refs to schema/<name>.schema.json resolve against the file itself
    validate(spec, base_uri=path.as_uri(), cls=OpenAPIV31SpecValidator)
    refs = {c["schema"]["$ref"] for p in spec["paths"].values() for c in p["get"]["responses"]["200"]["content"].values() if "$ref" in c["schema"]}
    for ref in refs:
        assert (path.parent / ref).is_file(), ref
    # every file the discovery document lists is a path of the OpenAPI description, and back
    index = json.loads((api_site / "api/v1/index.json").read_text(encoding="utf-8"))
    listed = {"/" + re.sub(r"<([a-z-]+)>", lambda m: "{" + m.group(1).replace("-", "_") + "}", f["path"]) for f in index["files"]}
    assert listed == set(spec["paths"])


def test_every_concrete_published_file_is_described_by_the_openapi_paths(built_site):
    spec = json.loads((built_site / "api/v1/openapi.json").read_text(encoding="utf-8"))
    patterns = [re.compile("^" + re.sub(r"\\\{[a-z_]+\\\}", "[^/]+", re.escape(p.lstrip("/"))) + "$") for p in spec["paths"]]
    files = [str(p.relative_to(built_site)) for p in (built_site / "api/v1").rglob("*") if p.is_file()]
    undescribed = [f for f in files if not any(p.match(f) for p in patterns)]
    assert undescribed == []


def test_discovery_document_names_version_schemas_openapi_publisher_contact_and_licence(built_site):
    index = json.loads((built_site / "api/v1/index.json").read_text(encoding="utf-8"))
    assert index["api_version"] == "v1"
    assert index["openapi"] == "api/v1/openapi.json"
    assert index["publisher"]["name"] and index["contact"]["email"]
    assert index["licence"]["url"].startswith("https://creativecommons.org/licenses/by/4.0")
    for name, link in index["schemas"].items():
        assert (built_site / link).is_file(), name
    catalogue = json.loads((built_site / "api/v1/catalogue.json").read_text(encoding="utf-8"))
    assert index["fingerprint"] == catalogue["fingerprint"]


def _links(value, key=""):
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _links(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _links(v, key)
    elif isinstance(value, str) and key in {"page", "json", "cpsv_ap", "diagram", "notice", "correction", "acceptance", "rejection", "url", "notice_pdf", "flow_svg", "schema", "changes", "changes_atom", "cpsv_ap_concepts", "docs", "index", "openapi", "catalogue_schema", "implementations", "catalogue", "path"} and "<" not in value and not value.startswith("http"):
        yield value


def test_links_resolve_by_rfc_3986_from_the_file_that_holds_them(built_site):
    """A client that knows only a file's URL resolves ``base`` against it, then each link against that."""
    checked = 0
    for relative in published_json(built_site):
        if "/schema/" in relative or relative.endswith("openapi.json") or relative.startswith("api/v1/matters/"):
            continue  # a matter's standard holds no links (and its fingerprint recipe is fixed)
        document = json.loads((built_site / relative).read_text(encoding="utf-8"))
        assert "base" in document, relative
        base = urljoin(urljoin(SITE_URL, relative), document["base"])
        assert base == SITE_URL, relative
        for link in _links(document):
            target = urlsplit(urljoin(base, link)).path.removeprefix(urlsplit(SITE_URL).path)
            on_disk = built_site / target / "index.html" if target.endswith("/") or target == "" else built_site / target
            assert on_disk.is_file(), (relative, link)
            checked += 1
    assert checked > 100


# ---------------------------------------------------------------------------------- slices and spreadsheets

def test_region_slices_list_exactly_what_the_region_pages_list(built_site):
    slices = sorted((built_site / "api/v1/regions").glob("*.json"))
    pages = sorted(p.parent.name for p in (built_site / "regions").glob("*/index.html"))
    assert [p.stem for p in slices] == pages
    for path in slices:
        document = json.loads(path.read_text(encoding="utf-8"))
        html = (built_site / document["links"]["page"] / "index.html").read_text(encoding="utf-8")
        local = html.split('id="matters"', 1)[1].split('id="elsewhere"', 1)[0]
        assert sorted(re.findall(r'data-implementation="([0-9A-Z]{31})"', local)) == document["implementation_codes"]
        assert sorted(re.findall(r'href="\.\./\.\./matters/([0-9A-Z]{12})/"', local)) == sorted(m["code"] for m in document["matters"])
        assert sorted(re.findall(r'<section class="guide-hall" id="hall-([^"]+)"', html)) == sorted(h["id"] for h in document["halls"])


def test_department_slices_hold_the_agencys_implementations(built_site):
    implementations = json.loads((built_site / "api/v1/implementations.json").read_text(encoding="utf-8"))["implementations"]
    for path in sorted((built_site / "api/v1/departments").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        assert document["implementations"] == [i for i in implementations if i["agency_credit_code"] == path.stem]
        assert (built_site / document["page"] / "index.html").is_file()


@pytest.mark.parametrize("name,first_header", [("catalogue", "基本编码"), ("implementations", "实施编码"), ("materials", "基本编码")])
def test_spreadsheets_open_with_chinese_headers(built_site, name, first_header):
    import csv

    from openpyxl import load_workbook

    raw = (built_site / f"api/v1/{name}.csv").read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    with (built_site / f"api/v1/{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][0] == first_header and all(re.search(r"[\u4e00-\u9fff]", h) for h in rows[0])
    book = load_workbook(built_site / f"api/v1/{name}.xlsx", read_only=True)
    sheet = book.worksheets[0]
    values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == rows[0]
    assert values[1:] == rows[1:]
    # and read by a second, independent reader (calamine, in Rust), which also applies the
    # format's own text escapes
    from python_calamine import CalamineWorkbook

    def text(value):
        return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)

    calamine = CalamineWorkbook.from_path(str(built_site / f"api/v1/{name}.xlsx"))
    assert calamine.sheet_names == [{"catalogue": "事项目录", "implementations": "实施清单", "materials": "申请材料"}[name]]
    assert [[text(v) for v in row] for row in calamine.get_sheet_by_index(0).to_python()] == rows
    catalogue = json.loads((built_site / "api/v1/catalogue.json").read_text(encoding="utf-8"))
    if name == "catalogue":
        assert [r[0] for r in rows[1:]] == [m["code"] for m in catalogue["matters"]]
    if name == "implementations":
        assert [r[0] for r in rows[1:]] == [i["implementation_code"] for i in catalogue["implementations"]]
    if name == "materials":
        expected = sum(len(json.loads((built_site / m["links"]["json"]).read_text(encoding="utf-8"))["materials"]) for m in catalogue["matters"])
        assert len(rows) - 1 == expected
