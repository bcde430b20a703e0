"""Stable caching: a published file keeps the modification time of its last change, and the
sitemap's ``lastmod`` is each page's own last change.

Modification times: the ledger ``<cache_dir>/mtimes.json`` maps every published path to the
SHA-256 of its bytes and the time those bytes were first published. After a build, a file
whose bytes are unchanged gets its old time back (``os.utime``), so ``Last-Modified`` and
``If-Modified-Since`` stay valid across rebuilds; a changed or new file keeps the build's
time. The ledger is a cache: losing it only makes every file look new once, it never changes
a byte of the site.

Sitemap: MkDocs writes the build date as every page's ``lastmod``; it is rewritten here from
the data (the page's matter, implementations, theme or region, see
:func:`generator.publish.plugin.page_dates`), so it is deterministic and means something.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import time
from pathlib import Path

MTIMES_FILE = "mtimes.json"


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_ledger(cache_dir: Path) -> dict[str, list]:
    try:
        data = json.loads((cache_dir / MTIMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _stamp(info: os.stat_result) -> list[int]:
    return [info.st_size, info.st_mtime_ns, info.st_ino]


def keep_mtimes(site_dir: Path, cache_dir: Path, now: float | None = None) -> dict[str, int]:
    """Give every unchanged file its recorded time; record the new ones. Returns counts.

    A file whose size, modification time and inode are those recorded for its path is the
    recorded file (a hard link :class:`Published` made from the live site): its digest is
    not computed again. Hashing all of a 907-matter site took 1.2 s of every rebuild."""
    old = _read_ledger(cache_dir)
    now_ns = time.time_ns() if now is None else int(now * 1e9)
    new: dict[str, list] = {}
    kept = changed = 0
    for rel, path in _site_files(str(site_dir)):
        info = os.stat(path)
        entry = old.get(rel)
        if entry and len(entry) == 5 and entry[2:] == [info.st_size, info.st_mtime_ns, info.st_ino]:
            digest = entry[0]
        else:
            digest = _digest(Path(path))
        if entry and entry[0] == digest:
            mtime_ns = _recorded_ns(entry[1])
            kept += 1
        else:
            mtime_ns = now_ns
            changed += 1
        if info.st_mtime_ns != mtime_ns:
            os.utime(path, ns=(mtime_ns, mtime_ns))
            info = os.stat(path)
        new[rel] = [digest, mtime_ns, *_stamp(info)]
    cache_dir.mkdir(parents=True, exist_ok=True)
    ledger = cache_dir / MTIMES_FILE
    tmp = ledger.with_suffix(".tmp")
    tmp.write_text(json.dumps(new, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, ledger)
    return {"kept": kept, "changed": changed}


def _site_files(root: str, prefix: str = "") -> list[tuple[str, str]]:
    """(path relative to the site with "/", full path) of every regular file under ``root``,
    symbolic links left out. ``os.scandir`` knows each entry's type from the directory
    itself: ``Path.rglob`` with ``is_file``, ``is_symlink`` and ``relative_to`` took 1.2 s
    (profiled) of a one-edit rebuild at 907 matters (10,800 files)."""
    found = []
    with os.scandir(root) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                found += _site_files(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                found.append((f"{prefix}{entry.name}", entry.path))
    return found


def _recorded_ns(value: float | int) -> int:
    """A recorded time in nanoseconds (ledgers before 0.x recorded seconds as a float)."""
    return value if isinstance(value, int) else int(value * 1e9)


class Published:
    """The files of the live site, as the ledger recorded them at the end of the build that
    published it. A build links a file from there instead of copying it from the cache when
    the live file is the one recorded (same size, time and inode: nothing changed it since)
    and its recorded digest is that of the cache entry it would copy. The live site is never
    written in place (builds write a new folder and swap it in), so the link shares bytes
    that are already public and stay so. Copying 3,628 slips from the cache took 1.6 s of a
    no-change rebuild at 907 matters; linking them takes about 0.1 s."""

    def __init__(self, site_dir: Path | None, cache_dir: Path):
        self.site_dir = site_dir
        self.entries = _read_ledger(cache_dir) if site_dir is not None else {}

    def reusable(self, rel: str, digest: str) -> Path | None:
        entry = self.entries.get(rel)
        if not entry or len(entry) != 5 or entry[0] != digest:
            return None
        path = self.site_dir / rel
        try:
            info = os.lstat(path)
        except OSError:
            return None
        return path if entry[2:] == _stamp(info) else None


def place_cached(cached: Path, rel: str, target: Path, published: "Published | None", read) -> bool:
    """Put the cache entry ``cached`` into the new site at ``target`` (``rel`` in the site):
    a hard link to the live site's file when ``published`` shows it is the one recorded with
    the entry's digest (True), else a copy of the entry's bytes as ``read`` gives them after
    checking them against that digest, written whole under a temporary name. A damaged entry
    (``read`` gives None: it was removed) fails the build in one line. ``target``'s folder
    must exist. The one way cached artifacts and cached pages reach the site."""
    from generator.cache import expected_digest  # noqa: PLC0415

    expected = expected_digest(cached) if published is not None else None
    live = published.reusable(rel, expected) if expected is not None else None
    if live is not None:
        try:
            os.link(live, target)
            return True
        except OSError:  # another file system, or links refused: copy
            pass
    data = read(cached)
    if data is None:
        from mkdocs.exceptions import PluginError  # noqa: PLC0415

        raise PluginError(f"缓存文件 {cached} 已损坏（内容与记录的摘要不符），已删除，未发布；请重新运行 guides build (a damaged cache entry was removed)")
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return False


_URL = re.compile(r"<url>\s*<loc>([^<]*)</loc>\s*<lastmod>[^<]*</lastmod>", re.S)


def rewrite_sitemap(site_dir: Path, site_url: str, dates: dict[str, str], default: str) -> None:
    """``lastmod`` of each page from ``dates`` (page URL relative to the site root → YYYY-MM-DD)."""
    path = site_dir / "sitemap.xml"
    if not path.exists():
        return
    prefix = site_url.rstrip("/") + "/" if site_url else ""

    def lastmod(match: re.Match) -> str:
        loc = match.group(1)
        page = loc[len(prefix):] if prefix and loc.startswith(prefix) else loc
        return f"<url>\n         <loc>{loc}</loc>\n         <lastmod>{dates.get(page, default)}</lastmod>"

    text = _URL.sub(lastmod, path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    gz = site_dir / "sitemap.xml.gz"
    with gz.open("wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as handle:
        handle.write(text.encode("utf-8"))


def robots_txt(site_url: str) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if site_url:
        lines.append(f"Sitemap: {site_url.rstrip('/')}/sitemap.xml")
    return "\n".join(lines) + "\n"
