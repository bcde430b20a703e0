"""A snapshot of a built site: every published file with its SHA-256.

PDFs are recorded by what a reader sees (page count, extracted text, embedded font names
without their subset prefix) as well as by their bytes, so a change of the font subsetter,
which changes bytes but not what prints, can be told apart from a change of content.

    python site_tests/snapshot.py SITE_DIR > site_tests/fixtures/snapshot/demo-site.txt

rewrites the committed snapshot after an intended change of the published site; the test
``test_snapshot.py`` compares a fresh build of the demo with it.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

_SUBSET_PREFIX = re.compile(r"^[A-Z]{6}\+")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pdf_facts(path: Path) -> str:
    """Pages, the SHA-256 of the extracted text, and the embedded font names."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, check=True).stdout
    fonts_out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    fonts = sorted({_SUBSET_PREFIX.sub("", line.split()[0]) for line in fonts_out.splitlines()[2:] if line.strip()})
    return f"pages={pages} text={_sha(text)[:16]} fonts={','.join(fonts)}"


def manifest(site: Path) -> dict[str, str]:
    """path → SHA-256 (and, for PDFs, ``bytes-sha | facts``)."""
    entries: dict[str, str] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        digest = _sha(path.read_bytes())
        entries[rel] = f"{digest} | {pdf_facts(path)}" if path.suffix == ".pdf" else digest
    return entries


def render(entries: dict[str, str]) -> str:
    return "".join(f"{rel}  {value}\n" for rel, value in entries.items())


def parse(text: str) -> dict[str, str]:
    entries = {}
    for line in text.splitlines():
        rel, _, value = line.partition("  ")
        entries[rel] = value
    return entries


if __name__ == "__main__":
    sys.stdout.write(render(manifest(Path(sys.argv[1]))))
