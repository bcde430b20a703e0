"""``guides build`` with nothing changed since the last build: the live site is kept as it is.

A build is a function of its inputs: the files under the matters folder (the matters, the
region directory, the laws, themes, calendar, downloads and the publication ledger), the
site configuration, the pages and theme overrides beside it, the generator's own files,
the versions of the programs it runs and of the packages that shape its output, and the
day (the ledger dates what changes on the day it is built). :func:`inputs_key` hashes all
of them; it reads about 10 MB at 907 matters, in 0.1 s.

When the key is that of the build that published the live site and every file of the live
site is the one that build recorded (same path, size, time and inode in the dates ledger of
:mod:`generator.publish.stable`, nothing added or removed), a new build would publish the
same bytes: none is made. A no-change rebuild at 907 matters took 10.9 s with every page and
artifact from the cache (loading and checking the catalogue, the indexes, MkDocs' loop over
987 pages); this takes under 1 s. Anything else, and a ``--clean`` build, builds as before.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from pathlib import Path
from typing import Any

from generator.cache import _write_atomically, digest, package_versions

RECORD_FILE = "last-build.json"
# packages whose version can change a published byte
PACKAGES = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "pyyaml", "pydantic",
            "weasyprint", "pydyf", "fonttools", "pagefind", "pagefind-bin-extended", "openpyxl", "jieba", "qrcode", "segno", "uharfbuzz")
# environment variables that change what a build writes
ENVIRONMENT = ("SOURCE_DATE_EPOCH",)
GENERATOR = Path(__file__).resolve().parents[1]


def _tree(root: Path, skip: set[Path] = frozenset()) -> list[str]:
    """Every file under ``root`` by relative path and content (a symlink by its target's)."""
    parts: list[str] = []
    if not root.is_dir():
        return ["missing:" + str(root)]
    skipped = {str(path) for path in skip}  # strings: hashing Path objects cost 0.3 s at 907 matters
    top = str(root)
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__" and os.path.join(dirpath, d) not in skipped)
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if path in skipped or name.endswith(".pyc"):
                continue
            rel = os.path.relpath(path, top).replace(os.sep, "/")
            try:
                with open(path, "rb") as handle:
                    parts.append(f"{rel}:{digest(handle.read())}")
            except OSError as error:
                parts.append(f"{rel}:unreadable:{error.errno}")
    return parts


def _stat(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return f"{path}:missing"
    return f"{path}:{info.st_size}:{info.st_mtime_ns}"


def ledger_digest(matters_dir: Path) -> str:
    from generator.outputs.api.history import LEDGER_FILE  # noqa: PLC0415

    try:
        return digest((matters_dir / LEDGER_FILE).read_bytes())
    except OSError:
        return "none"


def _versions() -> str:
    found = [package_versions(PACKAGES)]
    dot = shutil.which("dot")
    if dot:
        info = os.stat(os.path.realpath(dot))
        found.append(f"dot={os.path.realpath(dot)}:{info.st_size}:{info.st_mtime_ns}")
    return ",".join(found)


def inputs_key(config: Any, plugin_config: Any, base_dir: Path, site_dir: Path) -> str:
    """The digest of everything a build of ``config`` reads (see the module's text)."""
    from generator.outputs.api.history import LEDGER_FILE, today  # noqa: PLC0415
    from generator.outputs.diagrams import FONT_FILES  # noqa: PLC0415

    cache_dir = (base_dir / plugin_config.cache_dir).resolve()
    config_file = Path(config.config_file_path)
    theme_dirs = [Path(d) for d in config.theme.dirs if "site-packages" not in Path(d).parts and "dist-packages" not in Path(d).parts]
    matters_dir = (base_dir / plugin_config.matters_dir).resolve()
    # the ledger is compared by itself (:func:`up_to_date`): the build writes it
    skip = {cache_dir, site_dir.resolve(), matters_dir / LEDGER_FILE}
    parts = [
        "guides-build-inputs",
        platform.python_version(),
        sys.executable,
        _versions(),
        str(site_dir.resolve()),
        today().isoformat(),
        json.dumps({name: os.environ.get(name) for name in ENVIRONMENT}, sort_keys=True),
        f"config:{digest(config_file.read_bytes())}",  # (not file_digest: it keeps a process's first answer)
        "fonts", *(_stat(path) for path in FONT_FILES),
        "matters", *_tree(matters_dir, skip),
        "docs", *_tree(Path(config.docs_dir).resolve(), skip),
        "generator", *_tree(GENERATOR, skip),
    ]
    for folder in theme_dirs:
        parts += ["theme:" + folder.name, *_tree(folder.resolve(), skip)]
    return digest(*parts)


def _live_files(site_dir: Path) -> dict[str, list[int]] | None:
    files: dict[str, list[int]] = {}
    for dirpath, _, filenames in os.walk(site_dir):
        for name in filenames:
            path = os.path.join(dirpath, name)
            try:
                info = os.lstat(path)
            except OSError:
                return None
            files[os.path.relpath(path, site_dir).replace(os.sep, "/")] = [info.st_size, info.st_mtime_ns, info.st_ino]
    return files


def up_to_date(site_dir: Path, cache_dir: Path, matters_dir: Path, key: str) -> int | None:
    """The number of files of the live site when it is what a build of ``key`` publishes
    (see the module's text); None when a build is needed. The ledger must be the one that
    build left (another one, from a pull, can date things differently)."""
    from generator.publish.stable import _read_ledger  # noqa: PLC0415

    try:
        recorded = json.loads((cache_dir / RECORD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(recorded, dict) or recorded.get("key") != key or not site_dir.is_dir():
        return None
    if recorded.get("ledger") != ledger_digest(matters_dir):
        return None
    ledger = _read_ledger(cache_dir)
    live = _live_files(site_dir)
    if not ledger or live is None or set(live) != set(ledger):
        return None
    for rel, stamp in live.items():
        entry = ledger[rel]
        if not isinstance(entry, list) or len(entry) != 5 or entry[2:] != stamp:
            return None
    return len(live)


def record(cache_dir: Path, matters_dir: Path, key: str) -> None:
    """Remember the key of the build whose site was just published, and the ledger it left."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    _write_atomically(cache_dir / RECORD_FILE, json.dumps({"key": key, "ledger": ledger_digest(matters_dir)}).encode("ascii"))


def forget(cache_dir: Path) -> None:
    """Before a build: a build that fails publishes nothing, and the next one must build."""
    try:
        (cache_dir / RECORD_FILE).unlink()
    except OSError:
        pass
