"""Shared fixtures: the sample corpus, a built copy of the demo site, small fixture matters."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"

# headless Debian Chromium, driven by Playwright (the browser tests)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


def make_project(target: Path, matters_from: Path | None = None) -> Path:
    """A copy of the project's site sources (mkdocs.yml, docs/, overrides/) with its own matters/."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)
    # without the publication ledger a local `guides build` may have written: tests start from the baseline
    shutil.copytree(matters_from or ROOT / "matters", target / "matters", dirs_exist_ok=True, ignore=shutil.ignore_patterns("ledger.json"))
    return target


def build_project(project: Path, jobs: int = 2) -> Path:
    from generator.publish.build import build_site

    return build_site(project / "mkdocs.yml", jobs=jobs, quiet=True)


def forget_last_build(project: Path, *, reuse_live_files: bool = True) -> None:
    """Make the next ``guides build`` of ``project`` build, as after a change to an input no
    page shows (without it, a build with nothing changed keeps the live site,
    generator.publish.uptodate). ``reuse_live_files=False``: it also links no file from the
    live site, as when the dates ledger is lost, so every artifact is read from the cache."""
    cache = project / ".cache" / "guides"
    (cache / "last-build.json").unlink(missing_ok=True)
    if not reuse_live_files:
        (cache / "mtimes.json").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The demo site, built once per test session from the real sample matters."""
    project = make_project(tmp_path_factory.mktemp("demo"))
    return build_project(project)


@pytest.fixture(scope="session")
def sample_corpus():
    from generator.load.corpus import load_corpus

    return load_corpus(ROOT / "matters")


# ------------------------------------------------------------- browser tests
# One Playwright for the whole session: a second sync_playwright() in the same session fails
# ("Sync API inside the asyncio loop"), so every browser test module uses these fixtures.


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@pytest.fixture(scope="session")
def demo(built_site):
    server, base = serve(built_site)
    yield built_site, base
    server.shutdown()


@pytest.fixture(scope="session")
def hostile(tmp_path_factory):
    site = build_project(make_project(tmp_path_factory.mktemp("browser-hostile"), FIXTURES / "foundation" / "hostile"))
    server, base = serve(site)
    yield site, base
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Guard:
    """Every request a context makes; anything not for the local server is aborted and kept."""

    def __init__(self, base: str):
        self.local = urlsplit(base).netloc
        self.outside: list[str] = []
        self.errors: list[str] = []

    def route(self, route):
        url = route.request.url
        if urlsplit(url).scheme in ("data", "blob", "about") or urlsplit(url).netloc == self.local:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def request(self, request):
        url = request.url
        if urlsplit(url).scheme not in ("data", "blob", "about") and urlsplit(url).netloc != self.local:
            if url not in self.outside:
                self.outside.append(url)


@pytest.fixture
def new_page(browser, demo):
    """A fresh browser context (empty localStorage) per call, guarded against outside requests."""
    contexts = []

    def make(viewport=DESKTOP, base=None, **options):
        base = base or demo[1]
        context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        guard = Guard(base)
        context.route("**/*", guard.route)
        context.on("request", guard.request)
        page = context.new_page()
        page.on("pageerror", lambda error: guard.errors.append(str(error)))
        page.on("dialog", lambda dialog: (guard.errors.append("dialog: " + dialog.message), dialog.dismiss()))
        page.guard = guard
        page.base = base
        contexts.append(context)
        return page

    yield make
    for context in contexts:
        context.close()
