"""The site search bundle: Pagefind, under ``pagefind/``, written after the pages.

Why Pagefind: the index is split into chunks by term, and a browser loads only the chunks of
the words it searches for, plus one small fragment per result shown. Material's lunr index was
one file that every visitor downloaded (95 KB for 17 matters, 2.66 MB at 1,814); a visitor who
never searches now downloads nothing (``site_tests/bench_transfer.py`` measures what a search
costs). The extended binary (PyPI ``pagefind[extended]``) segments Chinese when indexing; the
browser segments the query. What is indexed is :mod:`generator.outputs.search`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from generator import contract
from generator.outputs.search import LANGUAGE, records

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


class Cancelled(Exception):
    """The build this bundle was for was given up (a preview's save superseded it, or the
    preview ended): Pagefind was stopped and nothing was written."""


def _write(target: Path, entries: list[tuple[str, str]], cancelled: threading.Event | None = None) -> None:
    """Run the Pagefind program over the records, written as one folder of files.

    The program, not its Python service: the service answered "written" and was then stopped
    while the files were still being written, so an incremental build at 100 matters once read
    an empty ``pagefind-entry.json`` (a JSONDecodeError). The program exits when its files are
    complete. A record at matters/<code>/index.html gets the URL /matters/<code>/; the browser
    script resolves it against the site's base. ``cancelled`` stops the program (checked
    every 0.2 s)."""
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    from mkdocs.exceptions import PluginError  # noqa: PLC0415

    if cancelled is not None and cancelled.is_set():
        raise Cancelled()
    with tempfile.TemporaryDirectory(prefix="guides-search-") as folder:
        for url, record in entries:
            path = Path(folder, url, "index.html")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record, encoding="utf-8")
        command = [sys.executable, "-m", "pagefind", "--site", folder, "--output-path", str(target), "--force-language", LANGUAGE]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
            while True:
                try:
                    stdout, stderr = process.communicate(timeout=0.2)  # (retried without losing output)
                    break
                except subprocess.TimeoutExpired:
                    if cancelled is not None and cancelled.is_set():
                        process.kill()
                        process.communicate()
                        raise Cancelled() from None
    if process.returncode != 0 or not (target / "pagefind-entry.json").is_file():
        raise PluginError(f"站内搜索索引没有生成（Pagefind 退出码 {process.returncode}）：{(stderr or stdout).strip()[-2000:]}；请运行 make setup 安装 pagefind[extended]")


# Pagefind's own search interfaces (about 420 KB): the site has its own, in assets/search.js
UNUSED = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-component-ui.js", "pagefind-component-ui.css",
          "pagefind-modular-ui.js", "pagefind-modular-ui.css", "pagefind-highlight.js")


def write_search_index(site_dir: Path, corpus: "Corpus", sections: list[str], cache_dir: Path | None = None,
                       cancelled: threading.Event | None = None) -> None:
    """Write the Pagefind bundle for ``corpus`` into ``site_dir/pagefind/`` (replacing any old one).

    With ``cache_dir``, a bundle made from the same records is taken from the artifact cache
    (one archive, checked against its digest) instead of running Pagefind: the program took
    2.0 s of a no-change rebuild at 907 matters, for the same bytes.

    The bundle is made beside and written into ``site_dir`` last, never creating
    ``site_dir`` itself: a live preview gives up a build for a newer save, or ends, without
    waiting for Pagefind (``cancelled`` stops it), and removes that build's folder, which
    this would otherwise make again and leave behind."""
    target = site_dir / contract.SEARCH_BUNDLE
    if target.exists():
        shutil.rmtree(target)
    entries = records(corpus, sections)
    if not entries:
        return  # no matter and no theme (a preview of invalid input): nothing to find, no bundle
    cache = key = archive = None
    if cache_dir is not None:
        from generator.cache import ArtifactCache, code_digest, digest, read_verified  # noqa: PLC0415

        cache = ArtifactCache(cache_dir)
        key = digest("pagefind", code_digest(__name__), _pagefind_version(), LANGUAGE, json.dumps(entries, ensure_ascii=False))
        path = cache.path("pagefind", key, ".tar")
        archive = read_verified(path) if path.exists() else None
    if archive is None:
        with tempfile.TemporaryDirectory(prefix="guides-pagefind-") as work:
            bundle = Path(work) / "bundle"
            _write(bundle, entries, cancelled)
            for name in UNUSED:
                (bundle / name).unlink(missing_ok=True)
            stabilise_filters(bundle)
            archive = _pack(bundle)
        if cache is not None:
            cache.put("pagefind", key, ".tar", archive)
    _unpack(archive, target)


def _pagefind_version() -> str:
    from importlib import metadata  # noqa: PLC0415

    for name in ("pagefind", "pagefind-bin-extended", "pagefind_bin_extended"):
        try:
            return f"{name}={metadata.version(name)}"
        except metadata.PackageNotFoundError:
            continue
    return "pagefind=-"


def _pack(folder: Path) -> bytes:
    """The bundle's files as one archive, in name order, with no times or owners."""
    import io  # noqa: PLC0415
    import tarfile  # noqa: PLC0415

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            data = path.read_bytes()
            info = tarfile.TarInfo(path.relative_to(folder).as_posix())
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _unpack(data: bytes, target: Path) -> None:
    """The archive's files into ``target``, a new folder in an existing one: nothing is
    written when that folder is gone (a preview removed it), and it is not made again."""
    import io  # noqa: PLC0415
    import tarfile  # noqa: PLC0415

    try:
        target.mkdir(exist_ok=True)
    except FileNotFoundError:
        return
    root = target.resolve()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r") as archive:
        for member in archive.getmembers():
            path = (root / member.name).resolve()
            if not member.isfile() or root not in path.parents:
                continue  # only plain files inside the bundle (the archive is the generator's own)
            try:
                for folder in reversed(path.relative_to(root).parents[:-1]):
                    (root / folder).mkdir(exist_ok=True)
                path.write_bytes(archive.extractfile(member).read())
            except FileNotFoundError:
                if not root.is_dir():
                    return  # removed meanwhile
                raise


# ------------------------------------------------------------------ determinism
#
# Pagefind 1.5.2 writes the words, pages and fragments in a stable order, but the values of
# each filter (and the list of filters in the language's meta file) in hash-map order, which
# changes from run to run: two builds of the same data gave different filter and meta files.
# The files are gzip'd CBOR after a "pagefind_dcd" signature; here the values and the filters
# are sorted, the files compressed with no timestamp and named by their content, as Pagefind
# names them, and the entry file pointed at the new meta. Only array items are reordered.

SIGNATURE = b"pagefind_dcd"


def _head(data: bytes, i: int) -> tuple[int, int, int]:
    """(major type, argument, offset after the head) of the CBOR item at ``i``."""
    major, info = data[i] >> 5, data[i] & 31
    if info < 24:
        return major, info, i + 1
    size = 1 << (info - 24)  # 24..27: 1, 2, 4, 8 bytes follow
    return major, int.from_bytes(data[i + 1 : i + 1 + size], "big"), i + 1 + size


def _skip(data: bytes, i: int) -> int:
    major, argument, i = _head(data, i)
    if major in (2, 3):
        return i + argument
    if major in (4, 5):
        for _ in range(argument * (2 if major == 5 else 1)):
            i = _skip(data, i)
    return i


def _items(data: bytes, i: int) -> tuple[int, list[tuple[int, int]]]:
    """The (start, end) spans of the items of the array at ``i``, and the end of its head."""
    _, count, i = _head(data, i)
    spans = []
    for _ in range(count):
        end = _skip(data, i)
        spans.append((i, end))
        i = end
    return spans[0][0] if spans else i, spans


def _first_text(data: bytes, start: int) -> bytes:
    """The first text inside the item at ``start`` (a [name, …] pair's name)."""
    major, argument, i = _head(data, start)
    while major == 4:
        major, argument, i = _head(data, i)
    return data[i : i + argument]


def _sorted_array(data: bytes, at: int) -> bytes:
    """``data`` with the items of the array at ``at`` sorted by their first text."""
    body, spans = _items(data, at)
    if not spans:
        return data
    ordered = sorted(spans, key=lambda span: _first_text(data, span[0]))
    return data[:body] + b"".join(data[a:b] for a, b in ordered) + data[spans[-1][1] :]


def _write_named(folder: Path, prefix: str, suffix: str, payload: bytes, digits: int) -> str:
    name = prefix + hashlib.sha256(payload).hexdigest()[:digits]
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(SIGNATURE + payload, compresslevel=9, mtime=0))
    return name


def stabilise_filters(bundle: Path) -> None:
    entry_path = bundle / "pagefind-entry.json"
    entry = json.loads(entry_path.read_text(encoding="utf-8"))
    for language, info in sorted(entry["languages"].items()):
        renamed: dict[bytes, bytes] = {}
        for path in sorted((bundle / "filter").glob(f"{language}_*.pf_filter")):
            data = gzip.decompress(path.read_bytes())[len(SIGNATURE) :]
            name_end = _skip(data, _head(data, 0)[2])  # [name, [[value, pages], …]]
            data = _sorted_array(data, name_end)
            path.unlink()
            renamed[path.stem.encode()] = _write_named(path.parent, f"{language}_", ".pf_filter", data, 7).encode()
        meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = gzip.decompress(meta_path.read_bytes())[len(SIGNATURE) :]
        for old, new in renamed.items():  # same length: "zh_" and 7 hex digits
            meta = meta.replace(old, new)
        _, spans = _items(meta, 0)
        for start, _ in reversed(spans):  # the filter list: [[name, file], …] naming filter files
            if meta[start] >> 5 == 4 and renamed and any(new in meta[start : _skip(meta, start)] for new in renamed.values()):
                meta = _sorted_array(meta, start)
                break
        meta_path.unlink()
        info["hash"] = _write_named(bundle, f"pagefind.{language}_", ".pf_meta", meta, 10).removeprefix("pagefind.")
    entry_path.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
