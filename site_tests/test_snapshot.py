"""The built demo site equals the committed snapshot, file by file.

A refactoring must not change one published byte; an intended change of the site rewrites
the snapshot (``python site_tests/snapshot.py SITE > site_tests/fixtures/snapshot/demo-site.txt``)
in the same commit, so a reviewer sees every published file it touches. PDFs are compared by
bytes and, where the bytes differ, by pages, extracted text and font names: a PDF whose bytes
changed while what it prints did not is named in the failure but is not an error only when
``GUIDES_SNAPSHOT_PDF_FACTS=1`` is set (used after a change of the font subsetter).
"""

from __future__ import annotations

import os
from pathlib import Path

from snapshot import manifest, parse

SNAPSHOT = Path(__file__).parent / "fixtures" / "snapshot" / "demo-site.txt"


def test_built_demo_site_equals_the_committed_snapshot(built_site):
    expected = parse(SNAPSHOT.read_text(encoding="utf-8"))
    actual = manifest(built_site)
    assert sorted(actual) == sorted(expected), "published file set differs"
    pdf_facts_only = os.environ.get("GUIDES_SNAPSHOT_PDF_FACTS") == "1"
    differ = []
    for rel, value in expected.items():
        if actual[rel] == value:
            continue
        if pdf_facts_only and rel.endswith(".pdf") and actual[rel].split(" | ")[1] == value.split(" | ")[1]:
            continue
        differ.append(rel)
    assert differ == []
