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
        if "/schema/" in relative or relative.endswith("openapi.json"):
            continue
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
