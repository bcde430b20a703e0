"""What exists only while a site is built: the build context every output gets.

The corpus is the input, frozen; what one output makes for another during the build (the
rendered flow diagrams that the pages inline), the public addresses from the MkDocs config,
the worker jobs and the background work (the slip pool) are kept here instead.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from generator.contract import DEFAULT_SITE_URL
from generator.load.corpus import Corpus
from generator.workers import interrupts_deferred, raise_lost_interrupt, worker_started


class BuildContext:
    """The corpus, the cache, the configuration, and the values made during the build."""

    def __init__(self, corpus: Corpus, config: Any, mkdocs_config: Any, base_dir: Path):
        self.corpus = corpus
        self.config = config
        self.mkdocs_config = mkdocs_config
        self.base_dir = base_dir
        self.cache_dir = (base_dir / config.cache_dir).resolve()
        self.jobs = config.jobs or int(os.environ.get("GUIDES_JOBS", 0)) or os.cpu_count() or 1
        # the public address of the site (linked data IRIs), "" when not configured
        self.site_url: str = (mkdocs_config.get("site_url") if mkdocs_config else None) or ""
        # the address the slips' QR codes point to
        self.qr_site_url: str = getattr(config, "site_url_for_qr", None) or self.site_url or DEFAULT_SITE_URL
        # matter code → the cached flow diagram, set by the diagrams output for the pages
        self.flow_svgs: dict[str, Path] = {}
        # the diagrams still being drawn (their files are at flow_svgs' paths when it is done)
        self.diagrams_done: Future | None = None
        # worker processes already keep every core busy (the slips of a cold build): work
        # that could be spread over processes of its own stays in this one
        self.cores_busy: bool = False
        # a live preview: artifacts nobody is looking at (slips, workbooks, diagram files, the
        # JSON from the cache) are made or copied when first requested, not in the build;
        # site path -> function that returns the cache entry (making it if need be)
        self.lazy: bool = False
        self.on_demand: dict[str, Callable[[], Path]] = {}
        # the first build of a live preview: a matter page whose diagram or Markdown the cache
        # lacks is left out and made when first requested, while the whole site is built behind
        # it (generator.publish.preview); the codes of the pages so left out
        self.defer_pages: bool = False
        self.deferred: set[str] = set()
        # the publication ledger reconciled with this corpus (generator.outputs.api.records.for_build)
        self.history: Any = None
        # the region and department slices (api/v1/regions, departments), made once
        self.slices: tuple[dict[str, Any], dict[str, Any]] | None = None
        self.stats: dict[str, Any] = {"rendered": {}, "stage_s": {}}
        self.cancelled = threading.Event()
        self._background: list[Future] = []
        self._background_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="guides-background")
        self._worker_pool: Any = None

    def cached(self, src: str, kind: str, suffix: str, key: Callable[[], str], make: Callable[[], bytes], counted: str) -> list[tuple[str, Path]]:
        """One artifact at site path ``src`` from the artifact cache (``key()`` names it),
        made by ``make()`` when it is not there; a live preview does both when the file is
        first requested (the JSON and CPSV-AP of 907 matters took 3.8 s of its start with an
        empty cache). Returns the (site path, cache file) pairs to publish now."""
        from generator.cache import ArtifactCache  # noqa: PLC0415

        cache = ArtifactCache(self.cache_dir)

        def entry() -> Path:
            name = key()
            path = cache.get(kind, name, suffix)
            if path is None:
                path = cache.put(kind, name, suffix, make())
                self.count_rendered(counted)
            return path

        if self.lazy:
            self.on_demand[src] = entry
            return []
        return [(src, entry())]

    def count_rendered(self, kind: str, n: int = 1) -> None:
        self.stats["rendered"][kind] = self.stats["rendered"].get(kind, 0) + n

    def stage(self, name: str, started: float) -> None:
        """Add the time since ``started`` to a stage, for the benchmark's per-stage figures."""
        stages = self.stats["stage_s"]
        stages[name] = round(stages.get(name, 0.0) + time.perf_counter() - started, 3)
        raise_lost_interrupt()

    def in_background(self, name: str, work: Callable[[threading.Event], None]) -> Future:
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
        return future

    def wait_for_diagrams(self) -> None:
        """Before the pages, which inline them: the flow diagrams being drawn in the background."""
        if self.diagrams_done is not None:
            started = time.perf_counter()
            self.diagrams_done.result()
            self.stage("diagrams_wait", started)

    def in_worker(self, name: str, work: Callable[..., Any], *args: Any) -> None:
        """Run ``work(*args)`` in a worker process while MkDocs renders the pages (pure-Python
        work such as writing a workbook would otherwise hold this process's one core); its
        first error fails the build like any background work. ``work`` and ``args`` are
        pickled: a module-level function and plain data."""
        if self._worker_pool is None:
            import multiprocessing  # noqa: PLC0415
            from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

            self._worker_pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"), initializer=worker_started, initargs=(os.getpid(),))
        started = time.perf_counter()
        with interrupts_deferred():  # (the first submit forks the worker)
            future = self._worker_pool.submit(work, *args)
        future.add_done_callback(lambda _: self.stage(f"{name}_background", started))
        self._background.append(future)

    def wait_background(self, check: Callable[[], None] | None = None) -> None:
        """Wait for the background work; its first error fails the build. ``check`` is called
        every 0.1 s meanwhile (a live preview gives up a build a newer save supersedes)."""
        started = time.perf_counter()
        futures = list(self._background)
        try:
            for future in futures:
                while check is not None:
                    try:
                        future.result(timeout=0.1)
                        break
                    except TimeoutError:
                        check()
                future.result()
        finally:
            self._background = [future for future in self._background if not future.done()]
            if not self._background:
                self._close_workers()
        self.stage("background_wait", started)

    @property
    def working(self) -> bool:
        """Whether background work of this build is still running."""
        return any(not future.done() for future in self._background)

    def _close_workers(self) -> None:
        if self._worker_pool is not None:
            self._worker_pool.shutdown(wait=True, cancel_futures=True)
            self._worker_pool = None

    def cancel_background(self, wait: bool = True) -> None:
        """Stop the background work of a failed build (``wait``: until it has ended; a
        preview's build given up for a newer save does not wait for Pagefind to finish, but
        its work is kept, so that the preview can wait for it when it ends: a Pagefind run
        still writing into a folder would make it outlive the preview)."""
        self.cancelled.set()
        if wait:
            for future in self._background:
                try:
                    future.result()
                except BaseException:  # the build has already failed for a reason of its own
                    pass
            self._background = []
            self._close_workers()
        elif self._worker_pool is not None:
            self._worker_pool.shutdown(wait=False, cancel_futures=True)
            self._worker_pool = None
