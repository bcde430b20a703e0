"""Bytes a visitor transfers, computed from a built site (no browser): the issue's budgets are a
first visit to a matter page ≤ 150 KB and a search for a matter name ≤ 300 KB, gzip-compressed.

A first visit loads the page's HTML and every stylesheet, script and icon it links (read from the
HTML, as a browser would), nothing of the search. A search loads what assets/search.js and
Pagefind's pagefind.js fetch (checked in Chromium: the same list appears in the network log):
pagefind.js, pagefind-worker.js, the entry JSON, the language's meta file, the wasm, the filter
files (the search page builds its filters), the index chunks holding the query's words, and one
fragment per result shown (at most 8 in the header's list; the 8 largest fragments are counted).
The index chunks cover ranges of words, named in the meta file; a word is looked up in every
chunk whose range could hold it or a word it begins. The words are an upper bound of what the
browser looks up (see _segment), so the figure is an upper bound too.

    python site_tests/bench_transfer.py SITE_DIR [MATTER_CODE]
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

RESULTS_SHOWN = 8  # the header's dropdown; the search page shows more only when asked (30)
_ASSET = re.compile(r'<(?:link[^>]+rel="(?:stylesheet|icon)"[^>]+href|script[^>]+src)="([^"]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def first_visit_bytes(site: Path, page: str) -> dict[str, int]:
    """Compressed bytes of one page (``matters/<code>/``) and the CSS and JS it links."""
    html_path = site / page / "index.html"
    html = html_path.read_text(encoding="utf-8")
    files = {page: gz(html.encode("utf-8"))}
    for ref in _ASSET.findall(html):
        path = urlsplit(urljoin("/" + page, ref)).path.lstrip("/")
        target = site / path
        if target.is_file() and path not in files:
            files[path] = gz(target.read_bytes())
    return files


def _cbor_texts(data: bytes) -> list[str]:
    """Every text string in a CBOR document, in order (enough to read the chunk ranges)."""
    texts, i = [], 0
    while i < len(data):
        major, info = data[i] >> 5, data[i] & 31
        i += 1
        if info >= 24 and info <= 27:
            size = 1 << (info - 24)
            argument = int.from_bytes(data[i : i + size], "big")
            i += size
        else:
            argument = info
        if major == 3:
            texts.append(data[i : i + argument].decode("utf-8", "replace"))
            i += argument
        elif major == 2:
            i += argument
    return texts


def search_bytes(site: Path, query_words: list[str], results: int) -> dict[str, int]:
    """Compressed bytes a search for ``query_words`` fetches; ``results`` fragments shown."""
    bundle = site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    language, info = next(iter(entry["languages"].items()))
    meta_path = bundle / f"pagefind.{info['hash']}.pf_meta"
    files = {
        name: (bundle / name).stat().st_size
        for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json", meta_path.name, f"wasm.{info['wasm'] or 'unknown'}.pagefind")
    }
    # .pf_* files are gzip already; the JS and JSON go compressed as any text
    for name in ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json"):
        files[name] = gz((bundle / name).read_bytes())
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        files[f"filter/{path.name}"] = path.stat().st_size
    # the meta file lists index chunks as [from, to, hash]: pick those whose range holds a word
    texts = _cbor_texts(gzip.decompress(meta_path.read_bytes())[len(b"pagefind_dcd") :])
    chunks = [texts[i : i + 3] for i in range(len(texts) - 2) if texts[i + 2].startswith(f"{language}_") and (bundle / "index" / f"{texts[i + 2]}.pf_index").is_file()]
    for word in query_words:
        for low, high, name in chunks:
            # a word is also searched as a prefix (饭 finds 饭店): every chunk whose range meets
            # [word, word + anything] is loaded
            if low <= word + "\U0010ffff" and word <= high:
                files[f"index/{name}.pf_index"] = (bundle / "index" / f"{name}.pf_index").stat().st_size
    fragments = sorted((bundle / "fragment").glob("*.pf_fragment"), key=lambda p: -p.stat().st_size)[:results]
    for path in fragments:  # the largest ones: an upper bound for any query's first results
        files[f"fragment/{path.name}"] = path.stat().st_size
    return files


def transfer_figures(site: Path, code: str | None = None) -> dict[str, float]:
    """The two budgets' figures, in KB (1,000 bytes), for one matter (the first one by default)."""
    if code is None:
        code = sorted(p.parent.name for p in site.glob("matters/*/index.html"))[0]
    page = f"matters/{code}/"
    visit = first_visit_bytes(site, page)
    title = re.search(r"<h1[^>]*>(.*?)</h1>", (site / page / "index.html").read_text(encoding="utf-8"), re.S).group(1)
    words = _segment(re.sub(r"<[^>]+>|（.*?）", "", title))
    search = search_bytes(site, words, RESULTS_SHOWN)
    return {
        "first_visit_kb": round(sum(visit.values()) / 1e3, 1),
        "first_visit_files": len(visit),
        "search_kb": round(sum(search.values()) / 1e3, 1),
        "search_files": len(search),
        "search_words": len(words),
    }


def _segment(text: str) -> list[str]:
    """Every word the browser may look up for ``text``: the browser cuts Chinese with its own
    segmenter (ICU), which jieba only approximates, so this takes jieba's words in both its
    modes and every single character (the retry of assets/search.js when nothing is found).
    An upper bound: checked in Chromium at 1,814 matters, the chunks picked here include every
    chunk the browser fetched."""
    import jieba  # a dependency already (scripts/make_slip_charset.py)

    jieba.setLogLevel(60)
    words = set(jieba.cut(text)) | set(jieba.cut_for_search(text)) | set(text)
    return sorted(w for w in words if w.strip())


if __name__ == "__main__":
    print(json.dumps(transfer_figures(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else None), ensure_ascii=False))
