"""Incremental page rendering: a page whose inputs did not change is not rendered again.

MkDocs renders every page on every build: Markdown to HTML, then the theme's templates
around it (:func:`mkdocs.commands.build._build_page`), then the search plugin segments its
text. At a city's 1,800 matters that is most of a rebuild, for pages that came out the same.

A page's final HTML is a function of
  * its source (front matter and Markdown, which the generator wrote from the data it shows),
  * the site: the configuration (site URL, theme options, Markdown extensions, extra), the
    theme's templates, the navigation (every nav page's title and URL), the set of pages and
    of the files in ``docs/`` (Markdown links resolve against them), and the versions of
    MkDocs, Python-Markdown, Jinja and the theme. The data files the generator adds (JSON,
    CSV; a new ``changes/since/<date>.json`` after each day's change) are not in the key: the
    pages link to them in HTML, which MkDocs does not resolve.
:meth:`PageCache.begin` hashes the site once per build (:attr:`PageCache.site_digest`); a
page's key adds its path and source. So a changed title in the nav, a page added or removed,
an edited template or a changed ``mkdocs.yml`` renders every page again, and nothing else does.

An entry is two files in the content-addressed cache (:class:`generator.cache.ArtifactCache`,
each checked against its digest): ``page`` the final HTML, ``page-meta`` what the rest of the
build reads from a rendered page (title, table of contents, anchor ids, and the search
entries the search plugin made from it). For a hit, :class:`CachedPage` stands in for the
Markdown conversion, the page is given an empty template, and ``on_post_page`` returns the
stored HTML; the search plugin gets the stored entries. The output is byte for byte the
page MkDocs would render (``site_tests/test_incremental.py`` compares with a clean build).

Only pages whose rendering logged no warning are stored, so ``strict`` mode sees the same
warnings in every build. When a plugin other than the search plugin and this one takes
part in rendering pages, whose effect the key cannot know, nothing is cached.
"""

from __future__ import annotations

import json
import logging
import platform
import threading
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.structure.nav import Link, Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import YAML_RE, get_data

from generator.cache import ArtifactCache, code_digest, digest, package_versions, read_checked, read_verified

log = logging.getLogger("mkdocs.plugins.guides")

# the template a cached page is "rendered" with: nothing (on_post_page gives the stored HTML)
STUB_TEMPLATE = "guides-cached-page.html"
# plugins whose part in a page the key covers: the search plugin (its entries are stored
# with the page, its options are in the site digest) and the guides plugin (its pages'
# Markdown is the source)
KNOWN_PLUGINS = frozenset({"search", "material/search", "guides"})
PAGE_EVENTS = ("pre_page", "page_read_source", "page_markdown", "page_content", "page_context", "post_page")
# configuration keys that do not change a page: where things are on this machine, the server
CONFIG_IGNORED = frozenset({"site_dir", "docs_dir", "config_file_path", "dev_addr", "watch", "plugins", "hooks", "theme", "strict", "remote_branch", "remote_name", "validation"})
VERSIONED = ("mkdocs", "markdown", "jinja2", "mkdocs-material", "pymdown-extensions", "jieba", "pyyaml")


class _WarningCounter(logging.Handler):
    """Counts the warnings MkDocs and its plugins log while the build renders its pages, to
    know which pages rendered cleanly: those of the build's thread only (a live preview's
    server logs a request for a missing file as a warning meanwhile, in a thread of its own)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0
        self.thread: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.count += 1


class CachedPage(Page):
    """A page whose rendered HTML is in the cache: :meth:`render` restores what a render
    leaves on the page (title, table of contents, anchors) instead of converting Markdown.
    :meth:`PageCache.pre_page` gives a hit this class."""

    _guides_meta: dict[str, Any]

    def read_source(self, config: Any) -> None:
        """The page's Markdown and front matter, without parsing the front matter's YAML again
        when the entry has it (MkDocs did that for every page: 0.7 s, profiled, of a one-edit
        rebuild at 907 matters). None of the plugins a cached build allows (see
        :func:`unknown_page_plugins`) gives a page's source, so the file's is the source."""
        front = self._guides_meta.get("front")
        source = self.file.content_string
        found = YAML_RE.match(source) if front else None
        if found is None:
            super().read_source(config)
            return
        self.markdown, self.meta = source[found.end():].lstrip("\n"), front

    def render(self, config: Any, files: Any) -> None:
        meta = self._guides_meta
        self.content = ""
        self.toc = get_toc(meta["toc"])
        self._title_from_render = meta["title"]
        self.present_anchor_ids = set(meta["anchors"])
        self.links_to_anchors = {}
        # the theme's templates are not run: on_post_page gives the stored HTML
        self.meta = dict(self.meta, template=STUB_TEMPLATE)


class PageCache:
    """The page cache of one build. The plugin calls :meth:`begin` in ``on_nav``, then the
    page hooks below from its own page events."""

    def __init__(self, cache_dir: Path, *, enabled: bool = True):
        self.cache = ArtifactCache(cache_dir)
        self.enabled = enabled
        self.site_digest = ""
        self.rendered: list[str] = []
        self.reused = 0
        self._keys: dict[str, str] = {}
        self._hits: set[str] = set()
        self._misses: dict[str, dict[str, Any]] = {}
        self._warnings = _WarningCounter()
        self._search_index: Any = None
        # a shard's build (generator.publish.shard): only these pages are rendered (and
        # stored); the others are there for the site's shape and come out empty
        self.render_only: frozenset[str] | None = None
        self._skipped: set[str] = set()
        # a live preview's first build (generator.publish.preview): these pages are left out,
        # and so is any page of ``deferrable`` the cache lacks; each is rendered when first
        # requested (:meth:`undefer`)
        self.deferred: set[str] = set()
        self.deferrable: frozenset[str] = frozenset()
        # the live site's files as the last build recorded them: a cached page is linked
        # from there (:meth:`_place`); the plugin sets it
        self.published: Any = None
        self.linked = 0
        self._quiet = _SkippedPages(self)

    # ----------------------------------------------------------------- the build

    def begin(self, config: Any, files: Any, nav: Navigation) -> None:
        """Hash the site (everything but the page's own source that shapes its HTML)."""
        reason = unknown_page_plugins(config)
        if reason:
            if self.enabled:
                log.info("guides: every page is rendered (%s)", reason)
            self.enabled = False
        if not self.enabled:
            return
        self.site_digest = site_digest(config, files, nav)
        self._search_index = _wrap_search(config, self)
        self._warnings.thread = threading.get_ident()
        logging.getLogger("mkdocs").addHandler(self._warnings)
        logging.getLogger("mkdocs.commands.build").addFilter(self._quiet)

    def end(self) -> None:
        self.deferrable = frozenset()  # (a page rendered after the build is rendered)
        logging.getLogger("mkdocs").removeHandler(self._warnings)
        logging.getLogger("mkdocs.commands.build").removeFilter(self._quiet)

    def env(self, env: jinja2.Environment) -> jinja2.Environment:
        if self.enabled:
            env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({STUB_TEMPLATE: ""}), env.loader])
        return env

    # ----------------------------------------------------------------- page events

    def pre_page(self, page: Page) -> None:
        """Before MkDocs reads and renders the page: a hit becomes a :class:`CachedPage`."""
        if not self.enabled:
            return
        src = page.file.src_uri
        self._hits.discard(src)  # (the live preview renders an edited page again after a build)
        if (self.render_only is not None and src not in self.render_only) or src in self.deferred:
            self._leave_out(page)
            return
        key = digest("page", self.site_digest, src, page.file.content_bytes)
        self._keys[src] = key
        meta = self._load_meta(key)
        if meta is not None and self.cache.get("page", key, ".html") is not None:
            page.__class__ = CachedPage
            page._guides_meta = meta
            self._hits.add(src)
        elif src in self.deferrable:
            self.deferred.add(src)
            self._leave_out(page)
        else:
            self._misses[src] = {"warnings": self._warnings.count, "search": []}

    def _leave_out(self, page: Page) -> None:
        """A page there for the site's shape only: no output, no search entries."""
        page.__class__ = CachedPage
        page._guides_meta = {"title": "", "toc": [], "anchors": [], "search": []}
        self._skipped.add(page.file.src_uri)

    def undefer(self, src: str) -> None:
        """The page is rendered now, after the build that left it out."""
        self.deferred.discard(src)
        self._skipped.discard(src)

    def page_content(self, html: str, page: Page) -> str:
        """After the Markdown of a miss is rendered: what the stored entry needs from it."""
        record = self._misses.get(page.file.src_uri)
        if record is not None:
            record["front"] = _front_matter(page.file.content_string)
            record["title"] = page._title_from_render
            record["toc"] = [_toc_token(item) for item in page.toc]
            # present_anchor_ids is filled by render(); the content hooks may add ids of their own
            record["anchors"] = sorted(page.present_anchor_ids or ())
            record["clean"] = self._warnings.count == record["warnings"]
        return html

    def page_context(self, page: Page) -> None:
        record = self._misses.get(page.file.src_uri)
        if record is not None:
            record["warnings"] = self._warnings.count

    def post_page(self, output: str, page: Page) -> str:
        src = page.file.src_uri
        if src in self._skipped:
            return ""  # MkDocs writes no file for an empty page
        key = self._keys.get(src)
        if src in self._hits:
            self._place(self.cache.path("page", key, ".html"), page.file.dest_uri, Path(page.file.abs_dest_path))
            self.reused += 1
            return ""  # (placed: MkDocs writes nothing for an empty page)
        record = self._misses.pop(src, None)
        if record is None:
            return output
        self.rendered.append(src)
        if record.get("clean") and self._warnings.count == record["warnings"] and "title" in record:
            meta = {key_: record[key_] for key_ in ("title", "toc", "anchors", "search", "front")}
            # the meta first: an entry without its HTML is a miss, never half a page
            self.cache.put("page-meta", key, ".json", json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
            # MkDocs writes the output with errors="xmlcharrefreplace"; store what it writes
            self.cache.put("page", key, ".html", output.encode("utf-8", errors="xmlcharrefreplace"))
        return output

    def _place(self, cached: Path, rel: str, target: Path) -> None:
        """Put a cached page into the site as the bytes MkDocs would write: a link to the live
        site's file when that is the one the dates ledger recorded with the entry's digest
        (:class:`generator.publish.stable.Published`), else a copy of the verified entry.

        Why: handing the stored HTML back to MkDocs meant decoding it, encoding it again
        and writing a new file, whose digest the dates ledger then computed again; at 907
        matters that was about 1.4 s (profiled) of every rebuild for 987 unchanged pages."""
        from generator.publish.stable import place_cached  # noqa: PLC0415

        target.parent.mkdir(parents=True, exist_ok=True)
        if place_cached(cached, rel, target, self.published, read_checked):
            self.linked += 1

    # ----------------------------------------------------------------- search

    def search_entries(self, page: Page, add) -> None:
        """The search plugin's entries for a page: stored with a hit, recorded for a miss."""
        entries = self._search_index.entries
        src = page.file.src_uri
        if src in self._skipped:
            return
        if src in self._hits:
            entries.extend(page._guides_meta["search"] or [])
            return
        before = len(entries)
        add(page)
        record = self._misses.get(src)
        if record is not None:
            record["search"] = [dict(entry) for entry in entries[before:]]

    # ----------------------------------------------------------------- helpers

    def _load_meta(self, key: str) -> dict[str, Any] | None:
        path = self.cache.path("page-meta", key, ".json")
        if not path.exists():
            return None
        data = read_verified(path)
        if data is None:
            return None
        try:
            return json.loads(data)
        except ValueError:
            return None


class _SkippedPages(logging.Filter):
    """Drops MkDocs' "Page skipped" line for the pages the cache placed or left out itself
    (their output is empty on purpose)."""

    def __init__(self, cache: "PageCache"):
        super().__init__()
        self.cache = cache

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.startswith("Page skipped: '"):
            return True
        src = message[len("Page skipped: '"):].split("'", 1)[0]
        return src not in self.cache._hits and src not in self.cache._skipped


def _front_matter(source: str) -> dict[str, Any] | None:
    """The page's YAML front matter as MkDocs reads it, when it is a mapping that JSON keeps as
    it is (a date, say, would come back as text: then None, and the page's YAML is parsed)."""
    found = YAML_RE.match(source)
    if found is None:
        return None
    _, front = get_data(source)
    if not front or not isinstance(front, dict):
        return None
    try:
        same = json.loads(json.dumps(front, ensure_ascii=False)) == front
    except (TypeError, ValueError):
        return None
    return front if same else None


def _toc_token(item: Any) -> dict[str, Any]:
    return {"level": item.level, "id": item.id, "name": item.title, "children": [_toc_token(child) for child in item.children]}


def _wrap_search(config: Any, cache: PageCache) -> Any:
    """Route the search plugin's indexing of each page through the cache; None without one."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        index = getattr(plugin, "search_index", None)
        if index is not None:
            break
    else:
        return None
    if not hasattr(index, "entries") or not hasattr(index, "add_entry_from_context"):
        return None
    add = index.add_entry_from_context
    if getattr(add, "_guides_cached", False):
        add = add._guides_original

    def add_entry_from_context(page):
        cache.search_entries(page, add)

    add_entry_from_context._guides_cached = True
    add_entry_from_context._guides_original = add
    index.add_entry_from_context = add_entry_from_context
    return index


def unknown_page_plugins(config: Any) -> str:
    """Why pages cannot be cached in this configuration ("" when they can)."""
    plugins = config.plugins
    names = set()
    for event in PAGE_EVENTS + ("env", "pre_template", "template_context", "post_template"):
        for method in plugins.events.get(event, ()):
            names.add(plugins._event_origins.get(method, "<unknown>"))
    unknown = sorted(names - KNOWN_PLUGINS)
    if unknown:
        return f"the plugins {', '.join(unknown)} take part in rendering pages"
    search = plugins.get("material/search") or plugins.get("search")
    if search is not None and not type(search).__module__.startswith("material."):
        return "the search plugin is not Material's"
    return ""


def site_digest(config: Any, files: Any, nav: Navigation) -> str:
    """Everything besides a page's own source that its HTML depends on."""
    settings = {key: value for key, value in config.items() if key not in CONFIG_IGNORED}
    # the folders of the theme count by their files (below), not by where they are
    theme = {key: value for key, value in config.theme.items() if key != "custom_dir"}
    search = config.plugins.get("material/search") or config.plugins.get("search")
    parts = [
        code_digest(__name__),
        platform.python_version(),
        _versions(),
        json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str),
        json.dumps(theme, sort_keys=True, ensure_ascii=False, default=str),
        json.dumps(dict(search.config.items()) if search is not None else None, sort_keys=True, ensure_ascii=False, default=str),
        _theme_files_digest(tuple(config.theme.dirs)),
        "\n".join(sorted(f.src_uri for f in files if f.is_documentation_page() or f.generated_by is None)),
        _nav_digest(nav.items),
    ]
    return digest(*parts)


def _versions() -> str:
    return package_versions(VERSIONED)


def _theme_files_digest(dirs: tuple[str, ...]) -> str:
    """The theme's templates: the files of the project's own theme folders by content; an
    installed theme by its package version (in :func:`_versions`), not its thousands of files."""
    parts = []
    for folder in dirs:
        path = Path(folder)
        if "site-packages" in path.parts or "dist-packages" in path.parts:
            parts.append(f"package:{path.name}")
            continue
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            parts.append(f"{file.relative_to(path).as_posix()}:{digest(file.read_bytes())}")
    return digest(*parts)


def _nav_digest(items: list[Any]) -> str:
    """Titles and URLs of the navigation; a nav page without a title of its own takes it from
    its source, so its source counts."""
    parts: list[str] = []

    def walk(entries: list[Any], depth: int) -> None:
        for item in entries:
            if isinstance(item, Page):
                explicit = item.__dict__.get("title")
                title = explicit if explicit is not None else "source:" + digest(item.file.content_bytes)
                parts.append(f"{depth}:page:{item.file.src_uri}:{item.url}:{title}")
            elif isinstance(item, Section):
                parts.append(f"{depth}:section:{item.title}")
                walk(item.children or [], depth + 1)
            elif isinstance(item, Link):
                parts.append(f"{depth}:link:{item.title}:{item.url}")
            else:
                parts.append(f"{depth}:{type(item).__name__}:{item!r}")

    walk(items, 0)
    return digest(*parts)
