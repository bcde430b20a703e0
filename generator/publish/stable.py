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


def keep_mtimes(site_dir: Path, cache_dir: Path, now: float | None = None) -> dict[str, int]:
    """Give every unchanged file its recorded time; record the new ones. Returns counts."""
    ledger = cache_dir / MTIMES_FILE
    try:
        old = json.loads(ledger.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        old = {}
    now = time.time() if now is None else now
    new: dict[str, list] = {}
    kept = changed = 0
    seen_inodes: dict[tuple[int, int], float] = {}
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        rel = path.relative_to(site_dir).as_posix()
        digest = _digest(path)
        entry = old.get(rel)
        if entry and entry[0] == digest:
            mtime = entry[1]
            kept += 1
        else:
            mtime = now
            changed += 1
        stat = path.stat()
        inode = (stat.st_dev, stat.st_ino)
        # a hard link to a cached artifact shared by two paths keeps the newer of their times
        mtime = max(mtime, seen_inodes.get(inode, mtime)) if stat.st_nlink > 1 else mtime
        seen_inodes[inode] = mtime
        os.utime(path, (mtime, mtime))
        new[rel] = [digest, mtime]
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = ledger.with_suffix(".tmp")
    tmp.write_text(json.dumps(new, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, ledger)
    return {"kept": kept, "changed": changed}


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
