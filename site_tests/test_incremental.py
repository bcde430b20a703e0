"""Incremental builds (generator.publish.pagecache): a rebuild renders only the pages whose
inputs changed, and publishes the same bytes as a build that renders every page."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from bench import make_bench_project
from conftest import build_project, forget_last_build

MATTERS = 4


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def mtimes(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Path, monkeypatch) -> dict:
    stats = project / "stats.json"
    monkeypatch.setenv("GUIDES_STATS", str(stats))
    monkeypatch.setenv("GUIDES_PROGRESS", "0")
    build_project(project)
    return json.loads(stats.read_text(encoding="utf-8"))


def drop_pages(cache: Path) -> None:
    """The artifact cache without its rendered pages (and without the dates of the last
    build): the next build renders every page, as a clean build does."""
    for kind in ("page", "page-meta"):
        shutil.rmtree(cache / kind, ignore_errors=True)
    (cache / "mtimes.json").unlink(missing_ok=True)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A synthetic catalogue built once (cold): the project and a copy of its site."""
    work = tmp_path_factory.mktemp("incremental")
    project = make_bench_project(work / "project", MATTERS)
    with pytest.MonkeyPatch.context() as monkeypatch:
        cold = build(project, monkeypatch)
    return project, cold


def test_cold_build_renders_every_page_and_a_rebuild_none(built, tmp_path, monkeypatch):
    project, cold = built
    pages = sorted(p.relative_to(project / "site").as_posix() for p in (project / "site").rglob("index.html"))
    # every page once: the matter pages, the browse, region and theme pages, the docs
    assert cold["rendered"]["page"] == len(cold["pages_rendered"]) == len(pages)
    assert "matters/350000000000.md" in cold["pages_rendered"]

    before, times = site_files(project / "site"), mtimes(project / "site")
    noop = build(project, monkeypatch)
    # nothing changed: the live site is kept, nothing is loaded or rendered
    assert noop == {"rendered": {}, "stage_s": {"up_to_date": noop["stage_s"]["up_to_date"]}, "up_to_date": True}
    assert site_files(project / "site") == before
    assert mtimes(project / "site") == times

    # a build all the same (as after a change to a file no page shows): every page from the cache
    forget_last_build(project)
    from mkdocs.structure.pages import Page

    parsed, read_source = [], Page.read_source
    monkeypatch.setattr(Page, "read_source", lambda page, config: parsed.append(page.file.src_uri) or read_source(page, config))
    again = build(project, monkeypatch)
    assert again["rendered"] == {}
    assert again["pages_rendered"] == []
    assert again["pages_reused"] == cold["rendered"]["page"]
    # each one linked from the live site it was the same as, not written again
    assert again["pages_linked"] == again["pages_reused"]
    # a cached page's front matter comes with its entry: MkDocs parses no page's YAML (every
    # page of the site has front matter; without the entry's, Page.read_source is called)
    assert parsed == []
    assert site_files(project / "site") == before
    assert mtimes(project / "site") == times


def test_one_edit_renders_that_page_and_matches_a_clean_build(built, tmp_path, monkeypatch):
    project, _ = built
    build(project, monkeypatch)  # whatever the test before left
    before, times = site_files(project / "site"), mtimes(project / "site")
    edited = sorted((project / "matters").glob("[0-9]*.yml"))[1]
    text = edited.read_text(encoding="utf-8")
    assert "申请人身份证件" in text
    edited.write_text(text.replace("申请人身份证件", "申请人居民身份证", 1), encoding="utf-8")

    stats = build(project, monkeypatch)
    # the matter's page and nothing else: the material's name is on no other page
    assert stats["pages_rendered"] == [f"matters/{edited.stem}.md"]
    after = site_files(project / "site")
    page = f"matters/{edited.stem}/index.html"
    assert "申请人居民身份证" in after[page].decode("utf-8")
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert page in changed
    # files whose bytes did not change keep their time (stable.keep_mtimes); the page is newer
    new_times = mtimes(project / "site")
    assert all(new_times[path] == times[path] for path in after if path not in changed)
    assert new_times[page] > times[page]

    # the same input, every page rendered (the artifact cache without its pages)
    clean = tmp_path / "clean"
    shutil.copytree(project, clean, ignore=shutil.ignore_patterns("site", ".site.*"))
    drop_pages(clean / ".cache" / "guides")
    clean_stats = build(clean, monkeypatch)
    assert clean_stats["rendered"]["page"] == len(clean_stats["pages_rendered"]) > 10
    assert site_files(clean / "site") == after


def test_a_new_title_in_the_nav_renders_every_page(built, monkeypatch):
    """A page's HTML shows the navigation: a changed nav title must reach every page."""
    project, _ = built
    build(project, monkeypatch)
    config = project / "mkdocs.yml"
    original = config.read_text(encoding="utf-8")
    assert "  - 按部门: departments/index.md\n" in original
    try:
        config.write_text(original.replace("  - 按部门: departments/index.md\n", "  - 按实施部门: departments/index.md\n"), encoding="utf-8")
        stats = build(project, monkeypatch)
        assert stats["pages_reused"] == 0
        home = (project / "site" / "index.html").read_text(encoding="utf-8")
        assert "按实施部门" in home
    finally:
        config.write_text(original, encoding="utf-8")


def test_a_damaged_cached_page_is_rendered_again(built, monkeypatch):
    """A cache entry whose bytes do not match its digest is never published."""
    project, _ = built
    build(project, monkeypatch)
    forget_last_build(project)
    expected = site_files(project / "site")
    entries = sorted((project / ".cache" / "guides" / "page").rglob("*.html"))
    assert entries
    for entry in entries:
        os.chmod(entry, 0o644)
        entry.write_bytes(entry.read_bytes().replace(b"<body", b"<body data-x=1", 1))
    stats = build(project, monkeypatch)
    assert stats["pages_reused"] == 0
    assert len(stats["pages_rendered"]) > 10
    assert site_files(project / "site") == expected


# ------------------------------------------------------------------ nothing changed: no build


def test_any_changed_input_builds_and_a_changed_live_site_is_restored(built, monkeypatch):
    """The live site is kept only when every input and every published file is as the last
    build left them (generator.publish.uptodate)."""
    project, _ = built
    build(project, monkeypatch)
    assert build(project, monkeypatch).get("up_to_date") is True
    site = project / "site"
    before = site_files(site)

    # a file beside the matters that no matter page shows: built (pages from the cache)
    holidays = project / "matters" / "holidays.yml"
    original = holidays.read_bytes()
    holidays.write_bytes(original + b"\n# \xe6\xb3\xa8\n")
    try:
        stats = build(project, monkeypatch)
        assert "up_to_date" not in stats and stats["pages_reused"] > 10
    finally:
        holidays.write_bytes(original)
    build(project, monkeypatch)

    # a page of the live site changed by hand, a file removed, a file added: built, restored
    page = site / "matters" / "350000000000" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"<body", b"<body data-x=1", 1))
    (site / "robots.txt").unlink()
    (site / "stray.html").write_text("x", encoding="utf-8")
    stats = build(project, monkeypatch)
    assert "up_to_date" not in stats
    assert site_files(site) == before

    # the publication ledger replaced (a pull): built
    ledger = project / "matters" / "ledger.json"
    text = ledger.read_text(encoding="utf-8")
    ledger.write_text(text + "\n", encoding="utf-8")
    try:
        assert "up_to_date" not in build(project, monkeypatch)
    finally:
        ledger.write_text(text, encoding="utf-8")
    # a template of the theme changed: built
    overrides = sorted((project / "overrides").rglob("*.html"))[0]
    original = overrides.read_bytes()
    overrides.write_bytes(original + b"\n")
    try:
        assert build(project, monkeypatch)["pages_reused"] == 0
    finally:
        overrides.write_bytes(original)


def test_pages_made_in_worker_processes_are_those_made_in_one(built, tmp_path, monkeypatch):
    """Many pages to make (a preview or a build with an empty cache): their Markdown is made
    in worker processes too, and the site is the same."""
    from generator.outputs.pages import matter

    project, _ = built
    build(project, monkeypatch)
    expected = site_files(project / "site")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".site.*"))
    shutil.rmtree(copy / ".cache" / "guides" / "page-md")
    drop_pages(copy / ".cache" / "guides")
    calls = []
    original = matter._make_in_workers

    def recorded(ctx, codes, keys, searchable):
        calls.append(sorted(codes))
        return original(ctx, codes, keys, searchable)

    monkeypatch.setattr(matter, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(matter, "_make_in_workers", recorded)
    stats = build(copy, monkeypatch)
    assert calls == [sorted(p.stem for p in (copy / "matters").glob("[0-9]*.yml"))]
    assert stats["rendered"]["page-md"] == MATTERS
    assert site_files(copy / "site") == expected


def test_no_page_workers_while_the_slips_keep_the_cores_busy(built, tmp_path, monkeypatch):
    """A cold build renders its slips in worker processes on every core: the page Markdown is
    made in the build's own process (more processes there only added memory)."""
    from generator.outputs.pages import matter

    project, _ = built
    copy = tmp_path / "copy"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("site", ".site.*"))
    for kind in ("page-md", "pdf"):
        shutil.rmtree(copy / ".cache" / "guides" / kind)
    drop_pages(copy / ".cache" / "guides")
    calls = []
    monkeypatch.setattr(matter, "PARALLEL_PAGES", 2)
    monkeypatch.setattr(matter, "_make_in_workers", lambda *args: calls.append(args))
    stats = build(copy, monkeypatch)
    assert calls == []
    assert stats["rendered"]["page-md"] == MATTERS and stats["rendered"]["pdf"] == 4 * MATTERS
