"""`guides serve` after `guides build`: the preview starts from the build cache (no page, no
slip rendered again, whatever address it serves at), makes a slip when it is requested,
follows a save, and shows an invalid save's problems while serving the last good pages."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from bench import make_bench_project
from conftest import ROOT, build_project

LIVERELOAD = re.compile(rb"<script>\s*var livereload = .*?</script>", re.S)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(check, timeout: float = 240.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError("timed out")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A synthetic catalogue built once, then previewed with ``guides serve``."""
    project = make_bench_project(tmp_path_factory.mktemp("serve") / "project", 3)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("GUIDES_PROGRESS", "0")
        build_project(project)
    port = free_port()
    stats = project / "serve-stats.json"
    env = dict(os.environ, GUIDES_PROGRESS="0", GUIDES_STATS=str(stats), PYTHONPATH=str(ROOT))
    log = (project / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: get(base) is not None)
        yield project, base, stats
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def test_preview_starts_from_the_build_cache(served):
    project, base, stats = served
    first = json.loads(stats.read_text(encoding="utf-8"))
    # the configured site URL, not the server's: every page and slip is the build's
    assert first["rendered"] == {}
    assert first["pages_reused"] > 10
    code = sorted(p.stem for p in (project / "matters").glob("[0-9]*.yml"))[0]
    page = get(f"{base}matters/{code}/")
    assert LIVERELOAD.sub(b"", page) == (project / "site" / "matters" / code / "index.html").read_bytes()
    # files nobody looks at are copied (or made) when first requested, the build's bytes
    for rel in (f"matters/{code}/slips/notice.pdf", f"api/v1/matters/{code}.json", f"api/v1/cpsv-ap/{code}.jsonld", f"matters/{code}/flow.svg", "api/v1/materials.xlsx"):
        assert get(f"{base}{rel}") == (project / "site" / rel).read_bytes(), rel


def test_a_slip_not_in_the_cache_is_made_when_requested(served):
    project, base, stats = served
    code = sorted(p.stem for p in (project / "matters").glob("[0-9]*.yml"))[1]
    cached = project / ".cache" / "guides" / "pdf"
    built = (project / "site" / "matters" / code / "slips" / "rejection.pdf").read_bytes()
    # the preview's cache without this slip: the next build leaves it out of the site
    removed = [p for p in cached.rglob("*.pdf") if p.read_bytes() == built]
    assert removed
    for path in removed:
        path.unlink()
    matter = project / "matters" / f"{code}.yml"
    built_at = stats.stat().st_mtime_ns
    matter.write_text(matter.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a save: rebuild
    wait_for(lambda: stats.stat().st_mtime_ns != built_at)
    time.sleep(0.5)
    after = json.loads(stats.read_text(encoding="utf-8"))
    assert "pdf" not in after["rendered"]  # not rendered by the build
    assert get(f"{base}matters/{code}/slips/rejection.pdf") == built


def test_a_save_is_shown_and_an_invalid_save_keeps_the_last_good_pages(served):
    project, base, stats = served
    code = sorted(p.stem for p in (project / "matters").glob("[0-9]*.yml"))[2]
    matter = project / "matters" / f"{code}.yml"
    text = matter.read_text(encoding="utf-8")
    assert "申请人身份证件" in text
    built_at = stats.stat().st_mtime_ns
    matter.write_text(text.replace("申请人身份证件", "申请人居民身份证", 1), encoding="utf-8")
    wait_for(lambda: "申请人居民身份证" in (get(f"{base}matters/{code}/") or b"").decode("utf-8"), interval=0.02)
    # the page first (generator.publish.preview), before the whole site is built again
    assert stats.stat().st_mtime_ns == built_at
    wait_for(lambda: stats.stat().st_mtime_ns != built_at)
    time.sleep(0.5)
    assert "申请人居民身份证" in get(f"{base}matters/{code}/").decode("utf-8")
    assert json.loads(stats.read_text(encoding="utf-8"))["pages_rendered"] == []  # the quick page, from the cache

    broken = text.replace("申请人身份证件", "申请人户口簿", 1).replace("\nname: ", "\nname: [", 1)
    matter.write_text(broken, encoding="utf-8")
    panel = wait_for(lambda: re.search(r'<div id="guides-problems".*?</div>', (get(f"{base}matters/{code}/") or b"").decode("utf-8"), re.S))
    # positioned (file:line:col) and the last good page below it
    assert re.search(rf"{code}\.yml:\d+:\d+: ", panel.group(0))
    page = get(f"{base}matters/{code}/").decode("utf-8")
    assert "申请人居民身份证" in page and "申请人户口簿" not in page
    log = (project / "serve.log").read_text(encoding="utf-8")
    assert re.search(rf"{code}\.yml:\d+:\d+: ", log)

    matter.write_text(text.replace("申请人身份证件", "申请人户口簿", 1), encoding="utf-8")
    page = wait_for(lambda: (lambda p: p if "申请人户口簿" in p else None)((get(f"{base}matters/{code}/") or b"").decode("utf-8")))
    assert 'id="guides-problems"' not in page


def test_a_preview_with_an_empty_cache_serves_first_and_makes_pages_when_opened(tmp_path):
    """With nothing in the cache, the preview's first build leaves the matter pages out and
    serves at once; a page is rendered when it is opened, the whole site (search included)
    follows, and every page is the one `guides build` publishes."""
    project = make_bench_project(tmp_path / "project", 12)
    codes = sorted(p.stem for p in (project / "matters").glob("[0-9]*.yml"))
    port = free_port()
    env = dict(os.environ, GUIDES_PROGRESS="0", PYTHONPATH=str(ROOT))
    log = project / "serve.log"
    base = f"http://127.0.0.1:{port}/"
    with log.open("w") as output:
        process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"], cwd=project, env=env, stdout=output, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: get(base) is not None)
            opened = get(f"{base}matters/{codes[3]}/")
            # served by the first build: the search bundle comes with the whole site, after it
            searchable_then = get(f"{base}pagefind/pagefind.js") is not None
            assert opened is not None and not searchable_then
            wait_for(lambda: get(f"{base}pagefind/pagefind.js") is not None)
            later = get(f"{base}matters/{codes[7]}/")
        finally:
            process.terminate()
            process.wait(timeout=60)
    said = log.read_text(encoding="utf-8")
    assert "guides: 12 matter pages are made when first opened; the whole site, with its search, follows" in said
    assert "Serving on http://127.0.0.1:" in said
    assert "The following pages exist" not in said  # (MkDocs' list of the pages not in the nav)
    assert "Traceback" not in said and "ERROR" not in said

    stats = project / "build-stats.json"
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv("GUIDES_PROGRESS", "0")
        monkeypatch.setenv("GUIDES_STATS", str(stats))
        build_project(project)
    # the page opened, and the one the whole site brought, byte for byte the published pages
    assert LIVERELOAD.sub(b"", opened) == (project / "site" / "matters" / codes[3] / "index.html").read_bytes()
    assert LIVERELOAD.sub(b"", later) == (project / "site" / "matters" / codes[7] / "index.html").read_bytes()
    # and the build after the preview renders no page again: the preview cached them all
    assert json.loads(stats.read_text(encoding="utf-8"))["pages_rendered"] == []


def test_a_terminated_preview_leaves_no_folders(tmp_path):
    """SIGTERM (a service manager, an editor closing) ends the preview as Ctrl-C does: the
    folders it built into are removed."""
    project = make_bench_project(tmp_path / "project", 1)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = free_port()
    env = dict(os.environ, GUIDES_PROGRESS="0", PYTHONPATH=str(ROOT), TMPDIR=str(temporary))
    process = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
                               cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: get(f"http://127.0.0.1:{port}/") is not None)
        assert [p.name for p in temporary.glob("guides-serve-*")]  # the served folder
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert sorted(p.name for p in temporary.glob("guides-serve-*")) == []


def test_bytecode_written_beside_the_generator_starts_no_build():
    """The preview watches the generator's files (a template edited shows at once); the
    .pyc Python writes when a module is first imported is not an edit: it once started a
    whole-site build in the middle of a preview."""
    import threading
    from types import SimpleNamespace

    from watchdog.events import DirModifiedEvent, FileClosedEvent, FileModifiedEvent, FileMovedEvent

    from generator.publish.plugin import watch_code

    scheduled = []
    server = SimpleNamespace(_rebuild_cond=threading.Condition(), _want_rebuild=False,
                             observer=SimpleNamespace(schedule=lambda handler, path, recursive: scheduled.append((handler, path, recursive))))
    watch_code(server, ROOT / "generator")
    [(handler, path, recursive)] = scheduled
    assert (path, recursive) == (str(ROOT / "generator"), True)
    for event in (FileModifiedEvent("/p/generator/publish/__pycache__/plugin.cpython-311.pyc"),
                  FileMovedEvent("/p/generator/__pycache__/cli.cpython-311.pyc.140", "/p/generator/__pycache__/cli.cpython-311.pyc"),
                  FileClosedEvent("/p/generator/cli.py"), DirModifiedEvent("/p/generator/publish")):
        handler.dispatch(event)
        assert server._want_rebuild is False, event
    handler.dispatch(FileModifiedEvent("/p/generator/outputs/pages/templates/matter.md.j2"))
    assert server._want_rebuild is True


def test_closing_a_preview_stops_background_work_and_removes_every_folder(tmp_path, monkeypatch):
    """Every build's folder is inside one folder that goes when the preview ends; the
    background work of the build under way and of those given up for a newer save is
    stopped and waited for first, so nothing writes into a removed folder afterwards."""
    import tempfile
    from types import SimpleNamespace

    from generator.publish.preview import Preview

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    preview = Preview()
    config = SimpleNamespace(site_dir=None)
    preview.next_site_dir(config)
    first = config.site_dir
    preview.next_site_dir(config)
    [root] = tmp_path.glob("guides-serve-*")
    assert sorted(p.name for p in root.iterdir()) == sorted([os.path.basename(first), os.path.basename(config.site_dir)])
    calls = []

    class Context:
        def __init__(self, name):
            self.name = name

        def cancel_background(self, wait=True):
            calls.append((self.name, wait))

    preview.abandoned = [Context("given up")]
    preview.close(Context("under way"))
    assert calls == [("given up", True), ("under way", True)]
    assert list(tmp_path.iterdir()) == [] and preview.abandoned == [] and preview.folders == []


def test_a_search_bundle_is_never_written_into_a_removed_folder(tmp_path):
    """Pagefind runs in the background of a build; a preview that gave that build up has
    removed its folder, which the bundle must not make again (it outlived the preview)."""
    import threading

    from conftest import FIXTURES
    from generator.load.corpus import load_corpus
    from generator.outputs.pages.matter import SEARCHABLE_SECTIONS
    from generator.publish import search_index

    corpus = load_corpus(FIXTURES / "foundation" / "valid")
    sections = list(SEARCHABLE_SECTIONS)
    gone = tmp_path / "build-gone"
    search_index.write_search_index(gone, corpus, sections, tmp_path / "cache")  # Pagefind runs
    assert not gone.exists()
    assert len(list((tmp_path / "cache").rglob("*.tar"))) == 1
    search_index.write_search_index(gone, corpus, sections, tmp_path / "cache")  # from the cache
    assert not gone.exists()
    site = tmp_path / "site"
    site.mkdir()
    search_index.write_search_index(site, corpus, sections, tmp_path / "cache")
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    cancelled = threading.Event()
    cancelled.set()
    with pytest.raises(search_index.Cancelled):
        search_index.write_search_index(tmp_path / "other", corpus, sections, tmp_path / "other-cache", cancelled)
    assert not (tmp_path / "other").exists() and not list((tmp_path / "other-cache").rglob("*.tar"))
