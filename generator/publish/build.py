"""``guides build``: check, render into a temporary directory, then swap it in.

A build that fails for any reason leaves the previously published ``site/`` untouched.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.load.corpus import load_corpus
from generator.publish import uptodate

log = logging.getLogger("mkdocs.plugins.guides")


def check_tools() -> None:
    """Fail at once, in one line, when a program the build shells out to is missing."""
    if shutil.which("dot") is None:
        raise SystemExit("guides build: 没有安装 Graphviz 的 dot 程序，无法画流程图；请安装：apt-get install graphviz（或运行 make setup）")


def build_site(config_file: Path, jobs: int, clean: bool = False, site_dir: Path | None = None, quiet: bool = False) -> Path:
    check_tools()
    if quiet:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(config_file))
    final = Path(site_dir or config.site_dir).resolve()
    plugin = config.plugins.get("guides")
    key = None
    if plugin is not None:
        base_dir = Path(config.config_file_path).parent
        cache_dir = (base_dir / plugin.config.cache_dir).resolve()
        matters_dir = (base_dir / plugin.config.matters_dir).resolve()
        if not clean:
            started = time.perf_counter()
            key = uptodate.inputs_key(config, plugin.config, base_dir, final)
            count = uptodate.up_to_date(final, cache_dir, matters_dir, key)
            if count is not None:
                log.info("guides: 网站已是最新：自上次构建以来输入没有变化，已核对网站的 %d 个文件，未重新构建", count)
                _write_stats({"rendered": {}, "stage_s": {"up_to_date": round(time.perf_counter() - started, 3)}, "up_to_date": True})
                return final
            uptodate.forget(cache_dir)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(final)
        # the process id in the name: a later build knows when its builder is gone
        staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.building-{os.getpid()}-", dir=final.parent))
    except OSError as exc:
        raise _unpublished(exc) from None
    config.site_dir = str(staging)
    try:
        if plugin is not None:
            plugin.config.jobs = jobs
            plugin.live_site = final if final.is_dir() else None
            if clean:
                shutil.rmtree(base_dir / plugin.config.cache_dir, ignore_errors=True)
            # check first, so invalid input fails before anything is rendered
            started = time.perf_counter()
            corpus = load_corpus(base_dir / plugin.config.matters_dir, cache_dir=base_dir / plugin.config.cache_dir)
            plugin.preload(corpus, load_s=time.perf_counter() - started)
        mkdocs_build(config)
        _swap(staging, final)
        if key is not None:
            uptodate.record(cache_dir, matters_dir, key)
    except BaseException as exc:
        # MkDocs stops its plugins only on an Exception; an interrupt must stop the slip
        # workers too before the staging folder goes
        if plugin is not None and getattr(plugin, "ctx", None) is not None:
            plugin.ctx.cancel_background()
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise _unpublished(exc) from None
        raise
    return final


def _write_stats(stats: dict) -> None:
    """The build's figures, where the benchmark asks for them (``GUIDES_STATS``)."""
    path = os.environ.get("GUIDES_STATS")
    if path:
        Path(path).write_text(json.dumps(stats, ensure_ascii=False, sort_keys=True), encoding="utf-8")


def _unpublished(exc: OSError) -> OSError:
    """The error of a build that could not write (a read-only or full disk), saying that the
    published site is as it was."""
    return type(exc)(exc.errno, f"{exc.strerror or exc}；已发布的网站保持不变 (the published site is unchanged)", exc.filename)


def remove_stale(final: Path) -> None:
    """Remove what an interrupted build left beside ``final`` (a staging folder, an old site
    being deleted) when the process that made it is gone."""
    for pattern in (f".{final.name}.building-*", f".{final.name}.old-*"):
        for path in final.parent.glob(pattern):
            pid = path.name.rsplit(".", 1)[-1].split("-")[1] if "-" in path.name.rsplit(".", 1)[-1] else ""
            if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
                continue  # another build, still running
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap(staging: Path, final: Path) -> None:
    """Replace ``final`` with ``staging`` by two renames, so readers never see a half site;
    if the second rename fails, the old site is put back."""
    os.chmod(staging, 0o755)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    try:
        staging.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
