"""``guides serve`` follows a save in about a second, at any size of catalogue.

A rebuild of the whole site, even with every page from the cache, reads and checks every
matter and writes every file (seconds at 1,800 matters). An editor who saved one matter
wants to see that matter's page. So when only existing matter files changed, the preview
first renders their pages alone, with the corpus and the MkDocs site of the last build, into
the served folder, and lets the browsers reload (:meth:`Preview.quick`); then the whole site
is built, as before, into a new folder that replaces the served one when it is complete
(:meth:`Preview.next_site_dir`, :meth:`Preview.swap`), so the indexes, the search and the
JSON follow and no request ever sees a half-built folder. The quick page goes through the
page cache, so the full build reuses it. A save that does not pass the file's own checks
takes no quick path: the full build reports it with every problem.

The preview starts the same way. Its first build leaves out the matter pages the cache
lacks (their diagrams, Markdown and HTML: 207 s of 1,814 matters with an empty cache, before
an editor saw anything) and serves the rest; a page left out is rendered when it is first
requested (:meth:`Preview.render_deferred`), and the whole site, search included, is built
behind it at once and replaces the served folder when complete.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.structure.pages import Page

from generator import contract
from generator.cache import ArtifactCache
from generator.domain.laws import resolved_matter
from generator.load.matters import MATTER_FILE, read_matters
from generator.outputs import diagrams
from generator.outputs.pages import matter as matter_page

log = logging.getLogger("mkdocs.plugins.guides")

# more changed files than this at once (a git checkout): the full build only
QUICK_MAX = 5


_ALONE = threading.local()


def rendering_alone() -> Any:
    """The page cache of the served build while this thread renders pages of it on their own
    (a save's quick page, a page first requested), else None. The plugin's page events go
    there: a request's thread may render a page while the next build runs in another."""
    return getattr(_ALONE, "pages", None)


@contextmanager
def _alone(pages: Any):
    _ALONE.pages = pages
    try:
        yield
    finally:
        _ALONE.pages = None


class Superseded(BaseException):
    """A newer save arrived while the whole site was being built: that build is dropped (its
    folder never served) and the next one starts with the new save's quick pages.

    Not an ``Exception``: it is raised between pages too, and MkDocs logs every Exception
    from a page as "Error building page"; this is no error. Whoever catches it ends the
    build's page cache (:func:`generator.publish.plugin.follow_saves`)."""


class Preview:
    """The live preview's state between builds."""

    def __init__(self) -> None:
        self.server: Any = None  # the live-reload server, once serving
        self.snapshot: dict[str, tuple[int, int]] = {}
        # config, files, nav, env, ctx, pages of the build being served, and of the last one
        # that succeeded (served once :meth:`swap` is called)
        self.last: dict[str, Any] | None = None
        self.pending: dict[str, Any] | None = None
        self.site_dir: str | None = None
        self.built: str | None = None  # the folder of the last build that succeeded
        # one temporary folder holds the folders of every build, and goes when the preview
        # ends, whatever a build was doing when it was stopped
        self.root: str | None = None
        self.folders: list[str] = []
        # builds given up for a newer save, whose background work (Pagefind) was not waited for
        self.abandoned: list[Any] = []
        # pages of the served build are rendered one at a time (they share its structures)
        self.render_lock = threading.Lock()

    @property
    def incomplete(self) -> bool:
        """Whether the served build left pages out (they are made when first requested)."""
        return self.last is not None and bool(self.last["pages"].deferred)

    # ----------------------------------------------------------------- folders

    def next_site_dir(self, config: Any) -> None:
        """Each build of the preview writes into a new folder (see :meth:`swap`)."""
        if self.root is None:
            self.root = tempfile.mkdtemp(prefix="guides-serve-")
        path = tempfile.mkdtemp(prefix="build-", dir=self.root)
        self.folders.append(path)
        config.site_dir = path

    def swap(self, server: Any, site_dir: str | None) -> None:
        """Serve the folder of the build that just ended; remove the older ones."""
        if site_dir is None:
            return
        server.root = os.path.abspath(site_dir)
        self.site_dir = site_dir
        if self.pending is not None and self.pending["config"].site_dir == site_dir:
            with self.render_lock:
                self.last, self.pending = self.pending, None
        for folder in self.folders[:]:
            if folder != site_dir:
                shutil.rmtree(folder, ignore_errors=True)
                self.folders.remove(folder)

    def close(self, current: Any = None) -> None:
        """The preview ends: stop the background work of the build under way (``current``,
        its context) and of the builds given up, then remove every folder."""
        for ctx in [*self.abandoned, current]:
            if ctx is not None:
                ctx.cancel_background()  # (Pagefind is stopped, not waited for)
        self.abandoned = []
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
        self.root, self.folders = None, []

    def check_superseded(self) -> None:
        """Called between the stages of a build: give up when a file changed meanwhile, so a
        save never waits for the whole-site build of the save before it."""
        if self.server is not None and self.server._want_rebuild:
            raise Superseded()

    # ----------------------------------------------------------------- changes

    def changed(self, matters_dir: Path) -> tuple[list[Path], bool]:
        """The matter files changed since the last call, and whether only existing matter
        files changed (the quick path's condition)."""
        now: dict[str, tuple[int, int]] = {}
        for path in matters_dir.rglob("*"):
            try:
                info = path.stat()
            except OSError:
                continue
            if path.is_file():
                now[str(path)] = (info.st_mtime_ns, info.st_size)
        before, self.snapshot = self.snapshot, now
        if not before:
            return [], False
        changed = [Path(p) for p in now if before.get(p) != now[p]]
        only_matters = set(now) == set(before) and all(MATTER_FILE.match(p.name) and p.parent == matters_dir for p in changed)
        return changed, only_matters and 0 < len(changed) <= QUICK_MAX

    # ----------------------------------------------------------------- the quick path

    def quick(self, paths: list[Path]) -> list[str]:
        """Render the pages of the edited matters into the served folder; returns their
        site paths ([] when the quick path does not apply)."""
        last = self.last
        if last is None:
            return []
        ctx = last["ctx"]
        corpus = ctx.corpus
        matters, sources, problems, _ = read_matters(corpus.root, paths, None)
        if problems or set(matters) - set(corpus.matters) or len(matters) != len(paths):
            return []
        updated = {code: resolved_matter(matter, corpus.laws) for code, matter in matters.items()}
        corpus = replace(
            corpus,
            matters={**corpus.matters, **updated},
            sources={**corpus.sources, **sources},
            _fingerprints={code: value for code, value in corpus._fingerprints.items() if code not in updated},
            _model_json={code: value for code, value in corpus._model_json.items() if code not in updated},
        )
        return self._render(last, corpus, updated)

    def render_deferred(self, code: str) -> None:
        """Render a page the served build left out, when it is first requested."""
        last = self.last
        if last is None or code not in last["ctx"].corpus.matters:
            return
        corpus = last["ctx"].corpus
        self._render(last, corpus, {code: corpus.matters[code]})

    def _render(self, last: dict[str, Any], corpus: Any, matters: dict[str, Any]) -> list[str]:
        """Render these matters' pages with the MkDocs site of the served build into its
        folder, through its page cache (so the next build reuses them); their site paths."""
        ctx, pages = last["ctx"], last["pages"]
        config, files, nav, env = last["config"], last["files"], last["nav"], last["env"]
        cache = ArtifactCache(ctx.cache_dir)
        done = []
        with self.render_lock:
            for code, matter in matters.items():
                file = files.get_file_from_path(contract.matter_src(code))
                if file is None or file.page is None:
                    return done
                parts = matter_page.matter_parts(corpus, matter, site_url=ctx.site_url, flow_svg=diagrams.draw_flow(matter, cache))
                file.content_string = matter_page.render_matter_page(matter, corpus, parts, ctx.config.search_sections)
                page = file.page
                page.__class__ = Page  # a page that came from the cache, or was left out, is rendered now
                pages.undefer(file.src_uri)
                with _alone(pages):
                    _populate_page(page, config, files)
                    _build_page(page, config, files.documentation_pages(), nav, env)
                done.append(file.dest_uri)
        return done
