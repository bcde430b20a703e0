"""``guides build``: check, render into a temporary directory, then swap it in.

A build that fails for any reason leaves the previously published ``site/`` untouched.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config

from generator.load.corpus import load_corpus
from generator.problems import InvalidInput


def check_tools() -> None:
    """Fail at once, in one line, when a program the build shells out to is missing."""
    if shutil.which("dot") is None:
        raise SystemExit("guides build: the Graphviz 'dot' program is not installed; install it with: apt-get install graphviz (or run: make setup)")


def build_site(config_file: Path, jobs: int, clean: bool = False, site_dir: Path | None = None, quiet: bool = False) -> Path:
    check_tools()
    if quiet:
        logging.getLogger("mkdocs").setLevel(logging.WARNING)
    config = load_config(str(config_file))
    final = Path(site_dir or config.site_dir).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.building-", dir=final.parent))
    config.site_dir = str(staging)
    plugin = config.plugins.get("guides")
    if plugin is not None:
        base_dir = Path(config.config_file_path).parent
        plugin.config.jobs = jobs
        if clean:
            shutil.rmtree(base_dir / plugin.config.cache_dir, ignore_errors=True)
        try:
            # check first, so invalid input fails before anything is rendered
            started = time.perf_counter()
            corpus = load_corpus(base_dir / plugin.config.matters_dir, cache_dir=base_dir / plugin.config.cache_dir)
            plugin.preload(corpus, load_s=time.perf_counter() - started)
        except InvalidInput:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    try:
        mkdocs_build(config)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap(staging, final)
    return final


def _swap(staging: Path, final: Path) -> None:
    """Replace ``final`` with ``staging`` by two renames, so readers never see a half site."""
    os.chmod(staging, 0o755)
    old = None
    if final.exists():
        old = final.with_name(f".{final.name}.old-{os.getpid()}")
        final.rename(old)
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
