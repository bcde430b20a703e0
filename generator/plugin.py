"""The MkDocs plugin: matters become pages (and artifacts) at build time.

Like Material's blog plugin, it adds generated files in ``on_files``; so ``mkdocs build``,
``mkdocs serve`` and ``guides build`` all publish the same site from ``matters/``.
Each output module contributes through :data:`ARTIFACT_PRODUCERS`; pages come from
:mod:`generator.pages`.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from generator import pages
from generator.corpus import Corpus, load_corpus
from generator.problems import InvalidInput

log = logging.getLogger("mkdocs.plugins.guides")


class InvalidCorpus(PluginError):
    def __init__(self, error: InvalidInput):
        self.problems = error.problems
        super().__init__("invalid matters:\n" + str(error))


class GuidesConfig(Config):
    matters_dir = opt.Type(str, default="matters")
    cache_dir = opt.Type(str, default=".cache/guides")
    jobs = opt.Type(int, default=0)
    site_url_for_qr = opt.Optional(opt.Type(str))
    search_sections = opt.ListOfItems(opt.Type(str), default=list(pages.SEARCHABLE_SECTIONS))


class BuildContext:
    """What every artifact producer gets: the corpus, the cache, the plugin config."""

    def __init__(self, corpus: Corpus, config: GuidesConfig, mkdocs_config: Any, base_dir: Path):
        self.corpus = corpus
        self.config = config
        self.mkdocs_config = mkdocs_config
        self.base_dir = base_dir
        self.cache_dir = (base_dir / config.cache_dir).resolve()
        self.jobs = config.jobs or int(os.environ.get("GUIDES_JOBS", 0)) or os.cpu_count() or 1
        self.stats: dict[str, Any] = {"rendered": {}, "stage_s": {}}
        self.cancelled = threading.Event()
        self._background: list[Future] = []
        self._background_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="guides-background")

    def count_rendered(self, kind: str, n: int = 1) -> None:
        self.stats["rendered"][kind] = self.stats["rendered"].get(kind, 0) + n

    def stage(self, name: str, started: float) -> None:
        """Add the time since ``started`` to a stage, for the benchmark's per-stage figures."""
        stages = self.stats["stage_s"]
        stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - started, 3)

    def in_background(self, name: str, work: Callable[[threading.Event], None]) -> None:
        """Run ``work`` while MkDocs renders the pages; the site is published only after it ends.

        Rendering pages keeps one core busy in this process; artifacts that are rendered in
        worker processes (slips) can use the other cores at the same time. ``work`` gets an
        event that is set when the build fails, so it can stop early.
        """
        started = time.perf_counter()

        def run() -> None:
            try:
                work(self.cancelled)
            finally:
                self.stage(f"{name}_background", started)

        future = self._background_pool.submit(run)
        self._background.append(future)

    def wait_background(self) -> None:
        """Wait for the background work; its first error fails the build."""
        started = time.perf_counter()
        futures, self._background = self._background, []
        for future in futures:
            future.result()
        self.stage("background_wait", started)

    def cancel_background(self) -> None:
        self.cancelled.set()
        for future in self._background:
            try:
                future.result()
            except BaseException:  # the build has already failed for a reason of its own
                pass
        self._background = []


# Producers add files to the site: f(ctx) -> list of (src_uri, content bytes|str or Path).
ARTIFACT_PRODUCERS: list[Callable[[BuildContext], list[tuple[str, Any]]]] = []
# Output modules that register producers, page contributors or post-build steps.
OUTPUT_MODULES: tuple[str, ...] = (
    "generator.slips",
    "generator.diagrams",
    "generator.catalogue",
    "generator.linked_data",
    "generator.regions",
    "generator.themes",
    "generator.frontend",
)
POST_BUILD: list[Callable[[BuildContext, Any], None]] = []


class GuidesPlugin(BasePlugin[GuidesConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.ctx: BuildContext | None = None
        self._preloaded: Corpus | None = None
        self._preload_s = 0.0
        self._cached_artifacts: list[tuple[str, Path]] = []

    def preload(self, corpus: Corpus, load_s: float = 0.0) -> None:
        """Use a corpus already loaded and checked by ``guides build`` instead of reading it again."""
        self._preloaded = corpus
        self._preload_s = load_s

    def on_config(self, config):
        import importlib

        for module in OUTPUT_MODULES:
            importlib.import_module(module)
        base_dir = Path(config.config_file_path or ".").resolve().parent
        matters_dir = base_dir / self.config.matters_dir
        started = time.perf_counter()
        corpus, self._preloaded = self._preloaded, None
        if corpus is None:
            try:
                corpus = load_corpus(matters_dir, cache_dir=base_dir / self.config.cache_dir)
            except InvalidInput as error:
                raise InvalidCorpus(error) from None
        self.ctx = BuildContext(corpus, self.config, config, base_dir)
        self.ctx.stage("load", started - self._preload_s)
        self._preload_s = 0.0
        return config

    def on_serve(self, server, config, builder):
        server.watch(str(self.ctx.base_dir / self.config.matters_dir))
        server.watch(str(Path(__file__).parent))
        return server

    def on_files(self, files: Files, config) -> Files:
        ctx = self.ctx
        corpus = ctx.corpus
        self._cached_artifacts = []
        for produce in ARTIFACT_PRODUCERS:
            started = time.perf_counter()
            for src_uri, content in produce(ctx):
                if isinstance(content, Path):
                    self._cached_artifacts.append((src_uri, content))
                else:
                    files.append(File.generated(config, src_uri, content=content))
            ctx.stage(produce.__module__.rsplit(".", 1)[-1], started)
        started = time.perf_counter()
        for code, matter in corpus.matters.items():
            files.append(File.generated(config, pages.matter_src(code), content=pages.render_matter_page(matter, corpus, self.config.search_sections)))
        for src_uri, content in pages.index_pages(corpus).items():
            files.append(File.generated(config, src_uri, content=content))
        ctx.stage("pages", started)
        self._mkdocs_started = time.perf_counter()
        return files

    def on_post_build(self, config) -> None:
        ctx = self.ctx
        ctx.stage("mkdocs_render", self._mkdocs_started)
        started = time.perf_counter()
        ctx.wait_background()
        link_artifacts(Path(config.site_dir), self._cached_artifacts)
        for step in POST_BUILD:
            step(ctx, config)
        compact_search_index(Path(config.site_dir) / "search" / "search_index.json")
        ctx.stage("post_build", started)
        stats_file = os.environ.get("GUIDES_STATS")
        if stats_file:
            Path(stats_file).write_text(json.dumps(ctx.stats, ensure_ascii=False, sort_keys=True), encoding="utf-8")

    def on_build_error(self, error) -> None:
        if self.ctx is not None:
            self.ctx.cancel_background()


def link_artifacts(site_dir: Path, artifacts: list[tuple[str, Path]]) -> None:
    """Put cached artifacts (SVG, PDF) into the site as hard links: thousands of PDFs cost
    no copying on a rebuild. The cache writes a new file for new content and never edits
    one in place, so a link can never change under a published site."""
    for src_uri, cached in artifacts:
        target = site_dir / src_uri
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            target.unlink()
        try:
            os.link(cached, target)
        except OSError:  # another file system, or links not allowed
            shutil.copyfile(cached, target)


_LIST_TAGS = re.compile(r"</?(?:p|ol|ul|li)>")


def compact_search_index(path: Path) -> None:
    """Rewrite the search index for phones: UTF-8 instead of \\u escapes (half the bytes) and
    without the paragraph and list tags the results view does not need."""
    if path.exists():
        index = json.loads(path.read_text(encoding="utf-8"))
        for doc in index.get("docs", []):
            doc["text"] = " ".join(_LIST_TAGS.sub(" ", doc.get("text", "")).split())
        path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
