"""The MkDocs plugin: matters become pages (and artifacts) at build time.

Like Material's blog plugin, it adds generated files in ``on_files``; so ``mkdocs build``,
``mkdocs serve`` and ``guides build`` all publish the same site from ``matters/``.
It only orchestrates: the outputs in :data:`OUTPUTS` run in order, then the matter and
browse pages are rendered from :mod:`generator.outputs.pages`.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time

from pathlib import Path

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files

from generator import contract
from generator.cache import save_stamps
from generator.load.corpus import Corpus, load_corpus
from generator.outputs import diagrams, downloads, linked_data, regions, themes
from generator.outputs.api import catalogue, changes, discovery, openapi, schemas, slices, spreadsheets
from generator.outputs.api import records
from generator.outputs.pages import browse
from generator.outputs.pages import matter as matter_page
from generator.outputs.slips import build as slips
from generator.problems import InvalidInput
from generator.publish import search_index, stable
from generator.publish.context import BuildContext
from generator.publish.pagecache import PageCache
from generator.publish.preview import Preview, Superseded, rendering_alone

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
    search_sections = opt.ListOfItems(opt.Type(str), default=list(matter_page.SEARCHABLE_SECTIONS))
    # 基本编码 of the matters the home page lists as 常办事项 (default: those with the most halls)
    popular = opt.ListOfItems(opt.Type(str), default=[])
    # the open data's terms, named in api/v1/index.json and api/v1/openapi.json
    publisher = opt.Optional(opt.Type(dict))
    contact = opt.Optional(opt.Type(dict))
    licence = opt.Optional(opt.Type(dict))
    terms = opt.Optional(opt.Type(str))
    # write matters/ledger.json after a build (off while serving: previews date nothing)
    record_ledger = opt.Type(bool, default=True)
    # reuse the rendered HTML of pages whose inputs did not change (generator.publish.pagecache)
    page_cache = opt.Type(bool, default=True)


# The outputs, in the order they run. Slips first: they render in worker processes in the
# background while the diagrams, the JSON and the pages are made on the remaining core.
# Each is f(ctx) -> list of (site path, content str | bytes | cached Path).
OUTPUTS = (
    ("slips", slips.produce),
    # second: its workbooks are written in a worker process too (see cached_xlsx)
    ("spreadsheets", spreadsheets.produce),
    ("diagrams", diagrams.produce),
    ("catalogue", catalogue.produce),
    ("changes", changes.produce),
    ("schemas", schemas.produce),
    ("openapi", openapi.produce),
    ("discovery", discovery.produce),
    ("linked_data", linked_data.produce),
    ("regions", regions.produce),
    ("themes", themes.produce),
    ("downloads", downloads.produce),
    ("slices", slices.produce),
)
# the outputs that make pages too: every shard's build runs them, for the site's shape
PAGE_OUTPUTS = ("regions", "themes")


class GuidesPlugin(BasePlugin[GuidesConfig]):
    def __init__(self) -> None:
        super().__init__()
        self.ctx: BuildContext | None = None
        self._preloaded: Corpus | None = None
        self._preload_s = 0.0
        self._cached_artifacts: list[tuple[str, Path]] = []
        self._command: str | None = None
        # the folder of the site being replaced (``guides build`` sets it): unchanged
        # artifacts are linked from there (:class:`generator.publish.stable.Published`)
        self.live_site: Path | None = None
        self.pages: PageCache | None = None
        # the problems of the input while ``guides serve`` shows the last good site
        self.problems: list = []
        # ``guides build --shard K/N`` sets it: this build only renders the shard's pages
        # into the page cache (:class:`generator.publish.shard.ShardPages`)
        self.shard = None

    def preload(self, corpus: Corpus, load_s: float = 0.0) -> None:
        """Use a corpus already loaded and checked by ``guides build`` instead of reading it again."""
        self._preloaded = corpus
        self._preload_s = load_s

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # (defining this also keeps one plugin across the rebuilds of a live preview)
        self._command = command
        self.preview = Preview() if command == "serve" else None

    def on_shutdown(self) -> None:
        if getattr(self, "preview", None) is not None:
            self.preview.close(self.ctx)

    def on_config(self, config):
        base_dir = Path(config.config_file_path or ".").resolve().parent
        matters_dir = base_dir / self.config.matters_dir
        started = time.perf_counter()
        corpus, self._preloaded = self._preloaded, None
        if corpus is None:
            try:
                corpus = load_corpus(matters_dir, cache_dir=base_dir / self.config.cache_dir)
            except InvalidInput as error:
                self.problems = list(error.problems)
                if self._command != "serve" or self.ctx is not None:
                    # a live preview keeps the pages of its last good build (MkDocs has not
                    # touched them yet); see on_serve
                    raise InvalidCorpus(error) from None
                # the first build of a live preview: the site without matters, so that the
                # editor sees the problems at once instead of no server at all
                corpus = Corpus(root=matters_dir)
            else:
                self.problems = []
        if self._command == "serve":
            # MkDocs points site_url at the dev server; the preview keeps the configured one, so
            # its pages, QR codes and linked data are those of `guides build`, from its cache
            config.site_url = configured_site_url(config.config_file_path) or config.site_url
            if getattr(self, "preview", None) is not None:
                self.preview.next_site_dir(config)
        self.ctx = BuildContext(corpus, self.config, config, base_dir)
        self.ctx.lazy = self._command == "serve"
        # a live preview's first build leaves out the matter pages the cache lacks
        self.ctx.defer_pages = getattr(self, "preview", None) is not None and self.preview.last is None
        self.ctx.stage("load", started - self._preload_s)
        self._preload_s = 0.0
        self.pages = PageCache(self.ctx.cache_dir, enabled=self.config.page_cache)
        # the live site's files as the last build recorded them (None in a shard or a
        # preview, which publish nothing): cached pages and artifacts are linked from there
        self._published = stable.Published(self.live_site, self.ctx.cache_dir) if self.live_site is not None and self.shard is None else None
        self.pages.published = self._published
        return config

    def on_serve(self, server, config, builder):
        server.watch(str(self.ctx.base_dir / self.config.matters_dir))
        watch_code(server, Path(__file__).parents[1])
        show_problems(server, self)
        serve_on_demand(server, self)
        if getattr(self, "preview", None) is not None:
            follow_saves(server, self)
        return server

    def _superseded(self) -> None:
        if getattr(self, "preview", None) is not None:
            self.preview.check_superseded()

    def on_files(self, files: Files, config) -> Files:
        self._superseded()
        ctx = self.ctx
        corpus = ctx.corpus
        self._cached_artifacts = []
        started = time.perf_counter()
        ctx.history = records.for_build(ctx)
        ctx.stage("history", started)
        shard = self.shard
        if shard is not None:
            # a shard's site is thrown away: no artifact is made or copied for it, and its own
            # matters' diagrams are drawn already
            ctx.lazy = True
            ctx.flow_svgs = dict(shard.flow_svgs)
        for name, produce in OUTPUTS:
            if shard is not None and (name == "diagrams" or (not shard.first and name not in PAGE_OUTPUTS)):
                continue
            self._superseded()
            started = time.perf_counter()
            for src_uri, content in produce(ctx):
                if callable(content) and ctx.lazy:
                    ctx.on_demand[src_uri] = content  # (made when first requested)
                elif isinstance(content, Path) and ctx.lazy:
                    # a live preview copies a cached artifact when it is first requested:
                    # copying the 3,628 slips of 907 matters held up its start by 1.5 s
                    ctx.on_demand.setdefault(src_uri, lambda path=content: path)
                elif isinstance(content, Path):
                    self._cached_artifacts.append((src_uri, content))
                else:
                    files.append(File.generated(config, src_uri, content=content))
            ctx.stage(name, started)
        started = time.perf_counter()
        for src_uri, page in matter_page.produce(ctx, self.config.search_sections, only=shard.codes if shard is not None else None):
            files.append(File.generated(config, src_uri, content=page))
        for src_uri, content in browse.index_pages(corpus, self.config.popular).items():
            files.append(File.generated(config, src_uri, content=content))
        files.append(File.generated(config, contract.ROBOTS, content=stable.robots_txt(ctx.site_url)))
        ctx.stage("pages", started)
        if shard is not None:
            self.pages.render_only = shard.rendered(files, corpus)
            self._mkdocs_started = time.perf_counter()
            return files
        if ctx.deferred:
            # a live preview that left pages out: the whole site, search included, follows at
            # once (generator.publish.preview); Pagefind took 94 s of CPU of its first build at
            # 1,814 matters with an empty cache, beside MkDocs
            log.info("guides: %d matter pages are made when first opened; the whole site, with its search, follows", len(ctx.deferred))
            self._mkdocs_started = time.perf_counter()
            return files
        # the search bundle is made from the data, not from the rendered pages: Pagefind runs
        # (a program of its own) while MkDocs renders them (1.5 s at 907 matters)
        site_dir, sections = Path(config.site_dir), self.config.search_sections
        ctx.in_background("search", lambda cancelled: search_index.write_search_index(site_dir, corpus, sections, ctx.cache_dir, cancelled))
        self._mkdocs_started = time.perf_counter()
        return files

    # -- incremental rendering: every page event hands the page to the page cache

    def on_nav(self, nav, config, files):
        self._superseded()
        self.pages.begin(config, files, nav)
        if self.ctx.defer_pages:
            self.pages.deferred = {contract.matter_src(code) for code in self.ctx.deferred}
            self.pages.deferrable = frozenset(contract.matter_src(code) for code in self.ctx.corpus.matters)
        self._site = {"config": config, "files": files, "nav": nav}
        return nav

    def on_env(self, env, config, files):
        self._superseded()
        self._site["env"] = env
        # the theme's templates compiled once, not in every build (Jinja keys each by its
        # source): compiling them took 1.3 s (profiled) of a one-edit rebuild at 907 matters
        env.bytecode_cache = bytecode_cache(self.ctx.cache_dir)
        return self.pages.env(env)

    def _page_cache(self, check: bool = False) -> PageCache:
        """Where the page events go: the served build's page cache while a page of it is
        rendered on its own (a save's quick page, a page first requested, maybe in a
        request's thread while the next build runs), else this build's. ``check``: give up
        this build if a newer save arrived."""
        alone = rendering_alone()
        if alone is not None:
            return alone
        if check:
            self._superseded()
        return self.pages

    def on_pre_page(self, page, config, files):
        # between pages too: a save made while a whole-site build renders its pages waits
        # for one page, not for all of them (edit_visible_s in site_tests/bench.py)
        self._page_cache(check=True).pre_page(page)
        return page

    def on_page_content(self, html, page, config, files):
        return self._page_cache().page_content(html, page)

    @event_priority(100)  # before the search plugin indexes the page
    def on_page_context(self, context, page, config, nav):
        self._page_cache(check=True).page_context(page)
        return context

    @event_priority(-100)  # the HTML every other plugin has finished with
    def on_post_page(self, output, page, config):
        return self._page_cache().post_page(output, page)

    def on_post_build(self, config) -> None:
        self._superseded()
        ctx = self.ctx
        ctx.stage("mkdocs_render", self._mkdocs_started)
        self.pages.end()
        if self.pages.rendered:
            ctx.count_rendered("page", len(self.pages.rendered))
        ctx.stats["pages_rendered"] = sorted(self.pages.rendered)
        ctx.stats["pages_reused"] = self.pages.reused
        ctx.stats["pages_linked"] = self.pages.linked
        if self.pages.deferred:
            ctx.stats["pages_deferred"] = len(self.pages.deferred)
            codes = {contract.matter_src(code): code for code in ctx.corpus.matters}
            for src in self.pages.deferred:
                ctx.on_demand[contract.matter_url(codes[src]) + "index.html"] = functools.partial(self.preview.render_deferred, codes[src])
        if self.shard is not None:
            return  # a shard publishes nothing: its pages are in the cache
        started = time.perf_counter()
        # (a save made meanwhile drops this build at once, not after the search bundle)
        ctx.wait_background(check=self._superseded)
        link_artifacts(Path(config.site_dir), self._cached_artifacts, self._published)
        history = ctx.history
        stable.rewrite_sitemap(Path(config.site_dir), ctx.site_url, page_dates(ctx.corpus, history, ctx.slices), catalogue.generated_at(ctx.corpus, history)[:10])
        if self._command != "serve":  # the dates of published files; a preview publishes nothing
            stable.keep_mtimes(Path(config.site_dir), ctx.cache_dir)
        if self.config.record_ledger and self._command != "serve" and ctx.history is not None:  # a live preview never writes the ledger
            if ctx.history.save():
                log.info("guides: the publication ledger %s recorded changes; commit it with the data", ctx.history.path.name)
        save_stamps(ctx.cache_dir)
        ctx.stage("post_build", started)
        if getattr(self, "preview", None) is not None:
            self.preview.pending = dict(self._site, ctx=ctx, pages=self.pages)
            self.preview.built = config.site_dir
        stats_file = os.environ.get("GUIDES_STATS")
        if stats_file:
            Path(stats_file).write_text(json.dumps(ctx.stats, ensure_ascii=False, sort_keys=True), encoding="utf-8")

    def on_build_error(self, error) -> None:
        if self.ctx is not None:
            self.ctx.cancel_background()
        if getattr(self, "pages", None) is not None:
            self.pages.end()


def bytecode_cache(cache_dir: Path):
    """Compiled Jinja templates in the build cache (``jinja/``), checked by Jinja against
    each template's source."""
    import jinja2  # noqa: PLC0415

    folder = Path(cache_dir) / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def link_artifacts(site_dir: Path, artifacts: list[tuple[str, Path]], published: "stable.Published | None" = None) -> None:
    """Put cached artifacts (SVG, PDF) into the site as copies of verified entries: the
    bytes are checked against the digest stored with each entry, so a cache file truncated
    or changed on disk is never published (it is removed, the build fails in one line and
    the next build makes it again), and nothing done to the cache later can reach the site
    (a hard link would share the file). Copies are written whole under a temporary name.

    An artifact the live site already has, unchanged (``published``), is linked from there
    instead: its bytes are those the cache entry's digest names, and no cache file is read."""
    from generator.cache import read_verified

    folders: set[Path] = set()
    for src_uri, cached in artifacts:
        target = site_dir / src_uri
        if target.parent not in folders:  # (once per folder: 3,628 slips share 907)
            target.parent.mkdir(parents=True, exist_ok=True)
            folders.add(target.parent)
        stable.place_cached(cached, src_uri, target, published, read_verified)


def configured_site_url(config_file: str | None) -> str | None:
    """``site_url`` as ``mkdocs.yml`` sets it (MkDocs' live preview replaces it)."""
    if not config_file:
        return None
    from mkdocs.utils.yaml import yaml_load

    with open(config_file, "rb") as handle:
        data = yaml_load(handle) or {}
    return data.get("site_url") or None


def watch_code(server, folder: Path) -> None:
    """Rebuild when the generator's own files change (templates, styles, code), but not for
    the bytecode Python writes beside them: each module first imported during a preview
    wrote a .pyc there, which MkDocs' watcher took for a save and rebuilt the whole site."""
    from watchdog.events import FileSystemEventHandler  # noqa: PLC0415

    def bytecode(path: bytes | str) -> bool:
        path = os.fsdecode(path)
        return "__pycache__" in Path(path).parts or path.endswith((".pyc", ".pyo"))

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.is_directory or event.event_type in ("opened", "closed", "closed_no_write"):
                return
            if all(bytecode(path) for path in (event.src_path, event.dest_path) if path):
                return
            with server._rebuild_cond:
                server._want_rebuild = True
                server._rebuild_cond.notify_all()

    handler = Handler()
    server.observer.schedule(handler, str(folder), recursive=True)


def serve_on_demand(server, plugin: GuidesPlugin) -> None:
    """A live preview makes an artifact of :attr:`BuildContext.on_demand` (a slip) when it is
    first requested: into the cache (a later build reuses it), then into the served site; a
    page the served build left out is rendered into it (:meth:`Preview.render_deferred`).
    The served build's, not the one under way, whose folder is not served yet."""
    import threading

    serve_request = server._serve_request
    lock = threading.Lock()  # one WeasyPrint at a time in this process

    def with_artifacts(environ, start_response):
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "ignore")
        preview = getattr(plugin, "preview", None)
        served = preview.last if preview is not None else None
        ctx = served["ctx"] if served is not None else plugin.ctx
        if ctx is not None and path.startswith(server.mount_path):
            rel = path[len(server.mount_path):]
            if rel == "" or rel.endswith("/"):
                rel += "index.html"
            make = ctx.on_demand.get(rel)
            if make is not None:
                with lock:
                    if not (Path(server.root) / rel).exists():
                        made = make()
                        if made is not None:  # (a page is rendered into the folder itself)
                            link_artifacts(Path(server.root), [(rel, made)])
        return serve_request(environ, start_response)

    server._serve_request = with_artifacts


def follow_saves(server, plugin: GuidesPlugin) -> None:
    """After a save of matter files, their pages first (:meth:`Preview.quick`), then the whole
    site into a new folder that is served once it is complete (:mod:`generator.publish.preview`)."""
    preview = plugin.preview
    preview.server = server
    matters_dir = plugin.ctx.base_dir / plugin.config.matters_dir
    preview.changed(matters_dir)
    preview.swap(server, preview.built)
    if preview.incomplete:  # the whole site at once, behind the pages first requested
        with server._rebuild_cond:
            server._want_rebuild = True
            server._rebuild_cond.notify_all()
    build = server.builder

    def builder(config=None):
        paths, quick = preview.changed(matters_dir)
        shown = []
        if quick and not plugin.problems:
            try:
                shown = preview.quick(paths)
            except Exception as error:  # noqa: BLE001  (the full build below says what is wrong)
                log.debug("guides: no quick page: %s", error)
            if shown:
                log.info("guides: %s shown; the whole site follows", ", ".join(shown))
                with server._epoch_cond:
                    server._visible_epoch = server._wanted_epoch
                    server._epoch_cond.notify_all()
                if not quiet_for(server, QUIET_S):
                    return  # another save: its page first; the whole site after a quiet moment
        completing = preview.incomplete and not shown
        if completing:
            # the served build left pages out: they are made as they are requested, so
            # requests are not held until this build ends
            with server._epoch_cond:
                server._visible_epoch = server._wanted_epoch
                server._epoch_cond.notify_all()
        preview.built = None
        try:
            build(config)
        except Superseded:
            # MkDocs calls no plugin event for it (not an Exception): end the build here,
            # without waiting for its background work (a Pagefind run writes into a folder
            # that is never served, or finds it gone)
            if plugin.ctx is not None:
                plugin.ctx.cancel_background(wait=False)
                preview.abandoned = [ctx for ctx in preview.abandoned if ctx.working] + [plugin.ctx]
            if plugin.pages is not None:
                plugin.pages.end()
            log.info("guides: a newer save arrived; the whole site follows it")
            return
        if preview.built is not None:
            preview.swap(server, preview.built)
            if shown or completing:  # the browsers reloaded for the quick page; once more for the rest
                server._wanted_epoch += 1

    server.builder = builder


# After a save's page is shown, the whole site is built once the editor has paused this long:
# at 1,814 matters a save made while it was being built waited 3 to 6 s for its own page
QUIET_S = 1.5


def quiet_for(server, seconds: float) -> bool:
    """Whether no file changed for ``seconds`` (False at once when one does)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server._want_rebuild:
            return False
        time.sleep(0.05)
    return True


def show_problems(server, plugin: GuidesPlugin) -> None:
    """While the input is invalid, a live preview answers at once: the last good pages, each
    with the list of problems (file:line:col) on top, instead of requests that wait for a
    build that cannot succeed. MkDocs leaves the pages of the last good build in place
    (the plugin fails before it cleans the site folder)."""
    build = server.builder

    def builder(config=None):
        try:
            build(config)
        except Superseded:
            raise
        except (Exception, SystemExit):
            if not plugin.problems:
                raise
            for problem in plugin.problems:
                log.error("%s", problem)
            log.error("事项文件有 %d 个问题；改正之前，预览的每一页顶部都会列出这些问题", len(plugin.problems))

    server.builder = builder
    inject = server._inject_js_into_html

    def with_problems(content: bytes, epoch: int) -> bytes:
        return problems_panel(inject(content, epoch), plugin.problems)

    server._inject_js_into_html = with_problems
    error_page = server.error_handler

    def error_with_problems(code: int) -> bytes | None:
        content = error_page(code)
        if not plugin.problems:
            return content
        return problems_panel(content or b"<html><body></body></html>", plugin.problems)

    server.error_handler = error_with_problems


def problems_panel(content: bytes, problems: list) -> bytes:
    """``content`` (an HTML page) with the problems listed at the top of its body."""
    if not problems:
        return content
    from html import escape

    items = "".join(f"<li><code>{escape(str(problem))}</code></li>" for problem in problems)
    panel = (
        '<div id="guides-problems" role="alert" style="position:relative;z-index:10000;margin:0;padding:1em 1.5em;'
        'background:#fff1f0;color:#a8071a;border-bottom:3px solid #cf1322;font-size:.8rem;line-height:1.5">'
        f"<strong>事项文件有 {len(problems)} 个问题，本页为上次成功构建的内容；修改保存后自动刷新：</strong>"
        f'<ul style="margin:.5em 0 0 1em;padding:0">{items}</ul></div>'
    ).encode("utf-8", "backslashreplace")  # a file name that is not UTF-8 stays readable
    match = re.search(rb"<body\b[^>]*>", content)
    at = match.end() if match else 0
    return content[:at] + panel + content[at:]


def page_dates(corpus: Corpus, history, made: tuple[dict, dict] | None = None) -> dict[str, str]:
    """Each generated page's own last change, from the data and the ledger: a matter page shows
    its standard and its halls; a region, department or theme page its slice or theme."""
    from generator.outputs import regions as region_outputs  # noqa: PLC0415
    from generator.outputs.api.history import matter_modified  # noqa: PLC0415

    dates: dict[str, str] = {}
    own: dict[str, list[str]] = {}
    for entry in region_outputs.implementations(corpus, history):
        own.setdefault(entry["matter_code"], []).append(entry["modified"])
    for matter in corpus.sorted_matters():
        dates[contract.matter_url(matter.code)] = max([matter_modified(history, corpus, matter), *own.get(matter.code, [])])
    region_docs, department_docs = made if made is not None else (slices.region_slices(corpus, history), slices.department_slices(corpus, history))
    for code, document in region_docs.items():
        dates[contract.region_url(code)] = document["modified"]
    for code, document in department_docs.items():
        dates[contract.department_url(code)] = document["modified"]
    for plan in corpus.themes.values():
        dates[contract.theme_url(plan.theme.id)] = themes.theme_modified(plan, corpus, history)
    return dates
