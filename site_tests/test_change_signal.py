"""A complete change signal: a hall's phone, a theme, a region's agency and a matter, each
changed in turn, change the catalogue fingerprint and the item's ``modified``, and add a feed
entry of the right kind; a theme removed is a withdrawal; a rebuild with no change changes
no byte and no modification time. The ledger (matters/ledger.json) is what remembers."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import build_project, make_project

ATOM = "{http://www.w3.org/2005/Atom}"


def load(site: Path, path: str):
    return json.loads((site / path).read_text(encoding="utf-8"))


def epoch(day: str) -> str:
    """Noon UTC of a day: the same date in Beijing."""
    return str(int(dt.datetime.fromisoformat(day + "T12:00:00+00:00").timestamp()))


def edit(path: Path, old: str, new: str, count: int = -1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(site)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(site.rglob("*")) if p.is_file()}


def feed_kinds(site: Path, day: str) -> list[tuple[str, str]]:
    return sorted((c["kind"], c["subject_id"]) for c in load(site, "api/v1/changes.json")["changes"] if c["date"] == day)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = make_project(tmp_path_factory.mktemp("signal"))
    (project / "matters" / "ledger.json").unlink(missing_ok=True)
    return project


@pytest.fixture(scope="module")
def first(project) -> Path:
    site = build_project(project)
    assert (project / "matters" / "ledger.json").is_file()
    return site


def test_no_change_rebuild_changes_no_byte_and_no_modification_time(project, first):
    before = snapshot(first)
    again = build_project(project)
    after = snapshot(again)
    assert before.keys() == after.keys()
    assert [p for p in before if before[p][0] != after[p][0]] == []
    assert [p for p in before if before[p][1] != after[p][1]] == []
    assert (again / "robots.txt").read_text(encoding="utf-8").startswith("User-agent: *")


def test_each_kind_of_change_is_signalled(project, first, monkeypatch):
    catalogue = load(first, "api/v1/catalogue.json")
    prints = [catalogue["fingerprint"]]
    implementations_print = load(first, "api/v1/implementations.json")["fingerprint"]
    matters = project / "matters"

    # 1. a hall's phone: the implementations received at that hall change
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-10"))
    edit(matters / "regions.yml", "0594-2281001", "0594-2281009")
    site = build_project(project)
    catalogue = load(site, "api/v1/catalogue.json")
    prints.append(catalogue["fingerprint"])
    touched = [i for i in catalogue["implementations"] if any("0594-2281009" in h["phones"] for h in i["halls"])]
    assert touched and all(i["modified"] == "2027-01-10" for i in touched)
    untouched = [i for i in catalogue["implementations"] if i not in touched]
    assert untouched and all(i["modified"] < "2027-01-10" for i in untouched)
    rows = [c for c in load(site, "api/v1/changes.json")["changes"] if c["date"] == "2027-01-10"]
    assert {(c["kind"], c["subject_id"]) for c in rows} == {("implementation", i["implementation_code"]) for i in touched}
    assert all("halls" in c["fields"] for c in rows)
    assert load(site, "api/v1/implementations.json")["fingerprint"] != implementations_print
    since = load(site, "api/v1/changes/since/2027-01-10.json")
    assert since["since"] == "2027-01-10" and {c["id"] for c in since["changes"]} == {c["id"] for c in rows}

    # 2. a theme
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-11"))
    edit(matters / "themes" / "car-repair.yml", "开一家汽车维修店", "开办一家汽车维修店", 1)
    site = build_project(project)
    catalogue = load(site, "api/v1/catalogue.json")
    prints.append(catalogue["fingerprint"])
    theme = next(t for t in catalogue["themes"] if t["id"] == "car-repair")
    assert theme["modified"] == "2027-01-11" == load(site, "api/v1/themes/car-repair.json")["modified"]
    assert all(t["modified"] < "2027-01-11" for t in catalogue["themes"] if t["id"] != "car-repair")
    assert feed_kinds(site, "2027-01-11") == [("theme", "car-repair")]

    # 3. a region's agency
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-12"))
    edit(matters / "regions.yml", "- name: 莆田市交通运输局", "- name: 莆田市交通运输局（莆田市港航管理局）")
    site = build_project(project)
    catalogue = load(site, "api/v1/catalogue.json")
    prints.append(catalogue["fingerprint"])
    renamed = [i for i in catalogue["implementations"] if i["agency"] == "莆田市交通运输局（莆田市港航管理局）"]
    assert renamed and all(i["modified"] == "2027-01-12" for i in renamed)
    kinds = feed_kinds(site, "2027-01-12")
    assert kinds and {k for k, _ in kinds} == {"implementation"}
    assert {s for _, s in kinds} >= {i["implementation_code"] for i in renamed}

    # 4. a matter: a new version with its change note
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-13"))
    source = matters / "000117012000.yml"
    major, minor = re.search(r'^version: "(\d+)\.(\d+)"$', source.read_text(encoding="utf-8"), re.M).groups()
    bumped = f"{major}.{int(minor) + 1}"
    edit(source, f'version: "{major}.{minor}"\n', f'version: "{bumped}"\n', 1)
    edit(source, "changes:\n", f'changes:\n  - version: "{bumped}"\n    date: 2027-01-13\n    kind: minor\n    note: 更正错别字。\n', 1)
    site = build_project(project)
    catalogue = load(site, "api/v1/catalogue.json")
    prints.append(catalogue["fingerprint"])
    item = next(m for m in catalogue["matters"] if m["code"] == "000117012000")
    assert item["modified"] == item["last_changed"] == "2027-01-13"
    assert ("minor", "000117012000") in feed_kinds(site, "2027-01-13")

    # 5. a theme withdrawn
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-14"))
    (matters / "themes" / "convenience-store.yml").unlink()
    site = build_project(project)
    prints.append(load(site, "api/v1/catalogue.json")["fingerprint"])
    rows = [c for c in load(site, "api/v1/changes.json")["changes"] if c["date"] == "2027-01-14"]
    assert [(c["kind"], c["subject"], c["subject_id"], c["links"]["page"]) for c in rows] == [("withdrawal", "theme", "convenience-store", None)]

    assert len(set(prints)) == len(prints) == 6
    # every entry is in the Atom feed too, with its kind as a category
    feed = ET.fromstring((site / "api/v1/changes.atom").read_bytes())
    ids = [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]
    assert ids == [c["id"] for c in load(site, "api/v1/changes.json")["changes"]]
    kinds = {c.get("term") for e in feed.findall(f"{ATOM}entry") for c in e.findall(f"{ATOM}category")}
    assert {"major", "minor", "implementation", "theme", "withdrawal"} <= kinds

    # the dates are remembered: a rebuild on a later day publishes the same bytes
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch("2027-01-14"))
    before = snapshot(site)
    after = snapshot(build_project(project))
    assert [p for p in before if before[p] != after.get(p)] == []
