"""``guides build --shard K/N``: one machine's part of a cold build, for a CI matrix.

A cold build is mostly the slips (four WeasyPrint PDFs per matter, 0.1–0.2 CPU-s each), the
flow diagrams (one ``dot`` run per matter) and the pages (Markdown, then MkDocs' HTML). Shard
K of N checks the whole catalogue, then makes the slips, diagram, page Markdown, page HTML, JSON
and CPSV-AP file of every N-th matter in code order (the K-th, the K+N-th, …) into the
content-addressed cache (``.cache/guides``); shard 1 also the 一件事 themes' diagrams and
notices, the workbooks and every page that is not a matter's, the last shard the search
bundle (Pagefind, made from the data of every matter). It publishes nothing. The keys are
those of a full build (the same inputs, site URL, templates and site), so after the shards'
caches are merged into one folder a plain ``guides build`` finds every artifact and page there
and only publishes
(``.github/workflows/site.yml``; ``site_tests/test_shards.py`` checks that four shards and the
assembly give the same site as one build, and that the assembly renders nothing).

The page HTML comes from a MkDocs build of the whole site into a folder thrown away after
(:func:`render_pages`): every page is there, so the site digest of the page cache is the
assembly's, but only the shard's own pages are rendered; the others are empty.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator import contract

from generator.load.corpus import load_corpus
from generator.outputs import diagrams, linked_data, themes
from generator.outputs.api import catalogue, records, spreadsheets
from generator.outputs.pages import matter as matter_page
from generator.outputs.slips import build as slips
from generator.publish import search_index
from generator.publish.build import check_tools
from generator.publish.context import BuildContext
from generator.publish.pagecache import unknown_page_plugins
from generator.problems import UsageError


def shard_codes(codes: list[str], part: int, total: int) -> list[str]:
    """The matters of shard ``part`` of ``total``: every ``total``-th in code order, so each
    shard gets as many as the others, give or take one."""
    return [code for index, code in enumerate(sorted(codes)) if index % total == part - 1]


def build_shard(config_file: Path, part: int, total: int, jobs: int) -> dict:
    """Render shard ``part``/``total``'s artifacts into the cache; returns the build statistics."""
    check_tools()
    config = load_config(str(config_file))
    plugin = config.plugins.get("guides")
    if plugin is None:
        raise UsageError(f"{config_file}: the guides plugin is not configured; nothing to shard")
    base_dir = Path(config.config_file_path).parent
    plugin.config.jobs = jobs
    started = time.perf_counter()
    corpus = load_corpus(base_dir / plugin.config.matters_dir, cache_dir=base_dir / plugin.config.cache_dir)
    mine = shard_codes(list(corpus.matters), part, total)
    ctx = BuildContext(replace(corpus, matters={code: corpus.matters[code] for code in mine}), plugin.config, config, base_dir)
    ctx.stage("load", started)
    # for the work that needs the whole catalogue (pages link other matters, the files of a
    # matter name its implementations) and for what only one shard makes
    whole = BuildContext(corpus, plugin.config, config, base_dir)
    try:
        # slips first: they render in worker processes while dot draws the diagrams
        for name, produce in (("slips", slips.produce), ("diagrams", diagrams.produce)):
            started = time.perf_counter()
            produce(ctx)
            ctx.stage(name, started)
        # the rest of the assembly's work that divides by matter or by shard (at 907 matters
        # the assembly spent 5.0 s on page Markdown and 22.7 s on Pagefind, which also took
        # the core MkDocs renders the pages on)
        whole.flow_svgs, whole.diagrams_done, whole.cores_busy = ctx.flow_svgs, ctx.diagrams_done, ctx.cores_busy
        started = time.perf_counter()
        _, made = matter_page.make_missing(whole, mine, plugin.config.search_sections)
        if made:
            ctx.count_rendered("page-md", len(made))
        ctx.stage("pages", started)
        if part == total:
            # into the cache; the folder it is unpacked into is thrown away
            with tempfile.TemporaryDirectory(prefix="guides-shard-") as folder:
                started = time.perf_counter()
                search_index.write_search_index(Path(folder), corpus, plugin.config.search_sections, ctx.cache_dir)
                ctx.stage("search", started)
        # the JSON and CPSV-AP file of each of its matters, and in shard 1 the workbooks and
        # the 一件事 themes: made from the whole catalogue, as the assembly would, so that it
        # finds them in the cache and renders nothing
        started = time.perf_counter()
        catalogue.matter_files(whole, mine)
        linked_data.matter_graphs(whole, mine)
        ctx.stage("matter_files", started)
        if part == 1:
            started = time.perf_counter()
            whole.history = records.for_build(whole)
            spreadsheets.produce(whole)  # the workbooks are written in a worker process
            if corpus.themes:
                themes.produce(whole)
            ctx.stage("themes", started)
        if plugin.config.page_cache and not unknown_page_plugins(config):
            started = time.perf_counter()
            render_pages(config, plugin, corpus, ShardPages(frozenset(mine), part == 1, dict(ctx.flow_svgs)), ctx)
            ctx.stage("page_html", started)
        ctx.wait_background()
        whole.wait_background()
        for kind, count in whole.stats["rendered"].items():
            ctx.count_rendered(kind, count)
    except BaseException:
        ctx.cancel_background()
        whole.cancel_background()
        raise
    ctx.stats["shard"] = f"{part}/{total}"
    ctx.stats["shard_matters"] = len(mine)
    stats_file = os.environ.get("GUIDES_STATS")
    if stats_file:
        Path(stats_file).write_text(json.dumps(ctx.stats, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return ctx.stats


@dataclass(frozen=True)
class ShardPages:
    """The pages a shard renders into the page cache: its matters' pages, and in shard 1 every
    page that is not a matter's. The site around them is the assembly's: every page is there
    (the others by name, empty), so the page cache's site digest, and with it each page's
    key, is the one the assembly looks up."""

    codes: frozenset[str]
    first: bool
    flow_svgs: dict[str, Path]

    def rendered(self, files, corpus) -> frozenset[str]:
        """The source paths of the pages this shard renders."""
        mine = {contract.matter_src(code) for code in self.codes}
        if not self.first:
            return frozenset(mine)
        matters = {contract.matter_src(code) for code in corpus.matters}
        return frozenset(mine | {f.src_uri for f in files if f.is_documentation_page() and f.src_uri not in matters})


def render_pages(config, plugin, corpus, shard: ShardPages, ctx: BuildContext) -> None:
    """A MkDocs build of the whole site into a folder thrown away after: the shard's pages land
    in the page cache (:mod:`generator.publish.pagecache`), the rest costs one empty page each."""
    plugin.shard = shard
    plugin.preload(corpus)
    plugin.config.record_ledger = False
    with tempfile.TemporaryDirectory(prefix="guides-shard-site-") as folder:
        config.site_dir = folder
        try:
            mkdocs_build(config)
        finally:
            plugin.shard = None
    for kind, count in plugin.ctx.stats["rendered"].items():
        if kind == "page":
            ctx.count_rendered(kind, count)
