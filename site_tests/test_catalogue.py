"""The open data API (api/v1/): schema validity, links, fingerprints, change feed, determinism,
and the integrators' page whose examples must work against the built site."""

from __future__ import annotations

import functools
import hashlib
import http.server
import json
import re
import shutil
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from conftest import FIXTURES, ROOT, SHARED, build_project, make_project

CATALOGUE_FIXTURES = FIXTURES / "catalogue"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def api_site(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("api"), CATALOGUE_FIXTURES / "matters")
    return build_project(project)


def load(site: Path, path: str):
    return json.loads((site / path).read_text(encoding="utf-8"))


def recompute(doc: dict) -> str:
    """The recipe of ../shared/CONTRACT.md, written out independently of generator.domain.standard."""
    body = {k: v for k, v in doc.items() if k != "fingerprint"}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).hexdigest()


def link_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in link_strings(v)]
    return [s for v in value for s in link_strings(v)]


def site_file(site: Path, link: str) -> Path:
    target = site / link
    return target / "index.html" if link.endswith("/") else target


def all_links(site: Path) -> list[str]:
    catalogue = load(site, "api/v1/catalogue.json")
    found = link_strings(catalogue["links"])
    for item in catalogue["matters"]:
        found += link_strings(item["links"])
    return found


# ---------------------------------------------------------------------------------- schema

@pytest.mark.parametrize("which", ["fixtures", "demo"])
def test_every_matter_json_validates_against_the_published_schema(which, api_site, built_site):
    site = api_site if which == "fixtures" else built_site
    schema = load(site, "api/v1/schema/matter.schema.json")
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema)
    documents = sorted((site / "api" / "v1" / "matters").glob("*.json"))
    assert len(documents) == load(site, "api/v1/catalogue.json")["matter_count"] > 0
    for path in documents:
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
        assert errors == [], path.name


def test_schema_rejects_what_the_model_rejects(api_site):
    validator = Draft202012Validator(load(api_site, "api/v1/schema/matter.schema.json"))
    doc = load(api_site, "api/v1/matters/000111010000.json")
    assert validator.is_valid(doc)
    assert not validator.is_valid({**doc, "materials": [{**doc["materials"][0], "copies": "两份"}]})
    assert not validator.is_valid({**doc, "unknown_field": 1})
    assert not validator.is_valid({k: v for k, v in doc.items() if k != "fingerprint"})


def test_matter_json_holds_every_element_of_the_matter_file(api_site):
    import yaml

    source = yaml.safe_load((CATALOGUE_FIXTURES / "matters" / "000111010000.yml").read_text(encoding="utf-8"))
    doc = load(api_site, "api/v1/matters/000111010000.json")
    for key, value in source.items():
        assert key in doc
    assert doc["fees"][0]["amount"] == 80 and doc["fees"][0]["unit"] == "每件"
    assert [m["id"] for m in doc["materials"]] == [m["id"] for m in source["materials"]]
    assert doc["changes"][0]["basis"] == "《不动产登记暂行条例实施细则》第十七条"
    assert doc["effective_date"] == "2026-06-01"


# ---------------------------------------------------------------------------------- catalogue

def test_catalogue_summarises_every_matter(api_site):
    catalogue = load(api_site, "api/v1/catalogue.json")
    assert catalogue["api_version"] == "v1"
    assert [m["code"] for m in catalogue["matters"]] == ["000111010000", "310115001000"]
    item = catalogue["matters"][0]
    assert item["name"] == "不动产转移登记（二手房买卖）"
    assert item["matter_type"] == "行政确认"
    assert item["department"] == "不动产登记中心"
    assert item["levels"] == ["市级", "县级"]
    assert (item["version"], item["effective_date"], item["last_changed"]) == ("2.0", "2026-06-01", "2026-06-01")
    # a minor change after the effective date still counts as a change of the published text
    assert catalogue["matters"][1]["last_changed"] == "2026-04-15"
    assert set(item["links"]["slips"]) == {"notice", "correction", "acceptance", "rejection"}


def test_catalogue_links_to_api_files_and_pages_resolve(api_site):
    """The links this module publishes itself."""
    ours = [link for link in all_links(api_site) if link.startswith("api/") or link.endswith("/")]
    missing = [link for link in ours if not site_file(api_site, link).is_file()]
    assert ours and missing == []


def test_every_catalogue_link_resolves_in_the_built_site(api_site):
    """All links, diagrams and slips included (those files come from the diagrams and slips modules)."""
    links = all_links(api_site)
    assert all(not link.startswith(("/", "http:", "https:", "file:")) for link in links)
    missing = [link for link in links if not site_file(api_site, link).is_file()]
    assert missing == []


def test_fingerprints_recomputed_independently_match(api_site):
    catalogue = load(api_site, "api/v1/catalogue.json")
    pairs = {}
    for item in catalogue["matters"]:
        doc = load(api_site, item["links"]["json"])
        assert recompute(doc) == doc["fingerprint"] == item["fingerprint"]
        page = (api_site / item["links"]["page"] / "index.html").read_text(encoding="utf-8")
        assert re.findall(r'data-fingerprint="([0-9a-f]{64})"', page) == [item["fingerprint"]]
        pairs[item["code"]] = item["fingerprint"]
    canonical = lambda obj: hashlib.sha256(json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()  # noqa: E731
    assert catalogue["matters_fingerprint"] == canonical(pairs)
    # the catalogue's own fingerprint covers everything it lists: matters, implementations, themes
    implementations = {}
    for item in catalogue["implementations"]:
        body = {k: v for k, v in item.items() if k not in ("fingerprint", "record_fingerprint", "modified")}
        assert canonical(body) == item["record_fingerprint"]
        implementations[item["implementation_code"]] = item["record_fingerprint"]
    themes = {t["id"]: t["fingerprint"] for t in catalogue["themes"]}
    assert catalogue["fingerprint"] == canonical({"matters": pairs, "implementations": implementations, "themes": themes})


def test_generated_at_is_taken_from_the_data(api_site):
    # the newest date in the fixtures is the effective date 2026-06-01 of 000111010000
    assert load(api_site, "api/v1/catalogue.json")["generated_at"] == "2026-06-01T00:00:00+08:00"


def test_generated_at_follows_source_date_epoch(monkeypatch, sample_corpus):
    from generator.outputs.api import catalogue

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780000000")
    doc = catalogue.catalogue(sample_corpus)
    assert doc["generated_at"] == "2026-05-28T20:26:40Z"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert catalogue.catalogue(sample_corpus)["generated_at"] != doc["generated_at"]


def test_catalogue_keys_are_the_documented_ones_in_order(sample_corpus):
    from generator.outputs.api import catalogue

    doc = catalogue.catalogue(sample_corpus)
    assert list(doc) == ["api_version", "generated_at", "fingerprint", "matters_fingerprint", "matter_count", "base", "links", "matters", "implementations", "themes"]
    assert [t["id"] for t in doc["themes"]] == sorted(sample_corpus.themes)


# ---------------------------------------------------------------------------------- changes

def test_change_notes_are_published_newest_first_with_their_kind(api_site):
    changes = load(api_site, "api/v1/changes.json")
    rows = [(c["code"], c["version"], c["date"], c["kind"]) for c in changes["changes"]]
    assert rows == [
        ("000111010000", "2.0", "2026-06-01", "major"),
        ("310115001000", "1.1", "2026-04-15", "minor"),
        ("000111010000", "1.1", "2026-02-10", "minor"),
        ("310115001000", "1.0", "2026-01-01", "major"),
        ("000111010000", "1.0", "2025-09-01", "major"),
    ]
    newest = changes["changes"][0]
    assert newest["note"].startswith("契税完税信息由税务部门共享")
    assert newest["basis"] == "《不动产登记暂行条例实施细则》第十七条"
    assert newest["name"] == "不动产转移登记（二手房买卖）"
    assert newest["links"] == {"page": "matters/000111010000/", "json": "api/v1/matters/000111010000.json"}
    assert changes["updated"] == "2026-06-01"
    # a build without a ledger is the baseline: no implementation or theme events yet
    assert {c["subject"] for c in changes["changes"]} == {"matter"}


def test_atom_feed_parses_and_carries_the_change_notes(api_site):
    text = (api_site / "api" / "v1" / "changes.atom").read_text(encoding="utf-8")
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id").startswith("tag:guides.example.gov.cn,")
    assert feed.findtext(f"{ATOM}updated") == "2026-06-01T00:00:00+08:00"
    entries = feed.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) == 5
    assert ids == [c["id"] for c in load(api_site, "api/v1/changes.json")["changes"]]
    first = entries[0]
    assert "不动产转移登记（二手房买卖）" in first.findtext(f"{ATOM}title")
    assert "契税完税信息由税务部门共享" in first.findtext(f"{ATOM}summary")
    assert "《不动产登记暂行条例实施细则》第十七条" in first.findtext(f"{ATOM}summary")
    assert first.findtext(f"{ATOM}author/{ATOM}name") == "不动产登记中心"
    page = [l.get("href") for l in first.findall(f"{ATOM}link") if l.get("rel") == "alternate"]
    assert page == ["https://guides.example.gov.cn/matters/000111010000/"]


def test_atom_feed_escapes_hostile_notes(tmp_path):
    project = make_project(tmp_path / "p", CATALOGUE_FIXTURES / "hostile")
    site = build_project(project)
    feed = ET.fromstring((site / "api" / "v1" / "changes.atom").read_bytes())
    entry = feed.find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}summary") == "首次发布 </summary><entry>]]> &amp; 完"
    assert entry.findtext(f"{ATOM}title").startswith("树木移植</script><script>alert(1)</script> & <!-- 审批")
    assert len(feed.findall(f"{ATOM}entry")) == 1


# ---------------------------------------------------------------------------------- determinism

def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_matters_give_the_same_api_bytes(api_site, tmp_path):
    project = make_project(tmp_path / "again", CATALOGUE_FIXTURES / "matters")
    again = build_project(project, jobs=1)
    first, second = tree_bytes(api_site / "api"), tree_bytes(again / "api")
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []


def test_no_machine_details_in_published_files(api_site):
    import getpass
    import socket

    secrets = {str(api_site.parent), str(ROOT), "/tmp/", "/home/", "/root/", "file:", getpass.getuser() + "/"}
    if len(socket.gethostname()) >= 4:  # a short host name could occur in any text by chance
        secrets.add(socket.gethostname())
    for name, data in tree_bytes(api_site / "api").items():
        if name.endswith(".xlsx"):
            import io
            import zipfile

            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = b"".join(book.read(member) for member in book.namelist())
        text = data.decode("utf-8")
        for secret in secrets:
            assert secret not in text, (name, secret)


# ---------------------------------------------------------------------------------- the integrators' page

def code_blocks(language: str) -> list[str]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def test_page_states_the_contract_fingerprint_recipe(api_site):
    contract = (SHARED / "CONTRACT.md").read_text(encoding="utf-8")
    recipe = 'json.dumps(obj, sort_keys=True, ensure_ascii=False,\nseparators=(",", ":"))'
    assert " ".join(recipe.split()) in " ".join(contract.split())
    namespace: dict = {}
    exec(code_blocks("python")[0], namespace)
    exec(code_blocks("python")[1], namespace)
    catalogue = load(api_site, "api/v1/catalogue.json")
    assert namespace["catalogue_fingerprint"](catalogue) == catalogue["fingerprint"]
    for item in catalogue["matters"]:
        assert namespace["fingerprint"](load(api_site, item["links"]["json"])) == item["fingerprint"]
    page = (api_site / "api" / "index.html").read_text(encoding="utf-8")
    assert "开放数据接口" in page and "SOURCE_DATE_EPOCH" in page and "v1" in page


def serve(site: Path):
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def served(api_site):
    yield from serve(api_site)


@pytest.fixture(scope="module")
def served_demo(built_site):
    yield from serve(built_site)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_python_example_works_against_the_built_site(served, capsys):
    example = code_blocks("python")[-1]
    assert 'BASE = "https://guides.example.gov.cn/"' in example
    exec(example.replace("https://guides.example.gov.cn/", served), {})
    out = capsys.readouterr().out
    assert "000111010000 不动产转移登记（二手房买卖） 2.0 3 个工作日" in out
    assert "2026-06-01 major 不动产转移登记（二手房买卖） 2.0" in out
    assert "changes since 2026-06-01" in out


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_example_works_against_the_built_site(served_demo, built_site, tmp_path):
    script = code_blocks("sh")[0].replace("https://guides.example.gov.cn", served_demo.rstrip("/"))
    result = subprocess.run(["sh", "-e", "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "catalogue.json").read_bytes() == (built_site / "api" / "v1" / "catalogue.json").read_bytes()
    assert json.loads((tmp_path / "000117012000.json").read_text(encoding="utf-8"))["code"] == "000117012000"
    ET.fromstring(result.stdout.encode("utf-8"))


def test_rebuild_serialises_only_changed_matters(tmp_path, monkeypatch):
    project = make_project(tmp_path / "p", CATALOGUE_FIXTURES / "matters")
    stats = tmp_path / "stats.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats))
    build_project(project)
    cold = json.loads(stats.read_text())["rendered"]
    assert (cold.get("matter-json"), cold.get("cpsv-ap")) == (2, 2)
    build_project(project)
    noop = json.loads(stats.read_text())["rendered"]
    assert noop.get("matter-json", 0) == noop.get("cpsv-ap", 0) == 0
    source = project / "matters" / "310115001000.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("因城市建设确需移植树木。", "因城市建设确需移植树木，且无法避让。"), encoding="utf-8")
    site = build_project(project)
    edited = json.loads(stats.read_text())["rendered"]
    assert (edited.get("matter-json"), edited.get("cpsv-ap")) == (1, 1)
    doc = load(site, "api/v1/matters/310115001000.json")
    assert doc["conditions"][0]["text"] == "因城市建设确需移植树木，且无法避让。"
    assert recompute(doc) == doc["fingerprint"]
    assert load(site, "api/v1/catalogue.json")["matters"][1]["fingerprint"] == doc["fingerprint"]
