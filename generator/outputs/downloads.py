"""Published downloads: each matter's blank forms, samples and result sample, copied byte for
byte from ``matters/files/<code>/`` to ``matters/<code>/files/`` (:func:`contract.download_path`),
and the links the matter page shows (file type and size)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.domain.downloads import DOWNLOADS_DIR, downloads, size_label
from generator.model.matter import Matter

if TYPE_CHECKING:
    from generator.load.corpus import Corpus
    from generator.publish.context import BuildContext


def source_path(root: Path, code: str, name: str) -> Path:
    return Path(root) / DOWNLOADS_DIR / code / name


def download_links(corpus: "Corpus", matter: Matter) -> dict[str, dict[str, Any]]:
    """File name -> what the page prints about it: link (relative to the matter page), type, size."""
    links = {}
    for item in downloads(matter):
        path = source_path(corpus.root, matter.code, item.name)
        size = path.stat().st_size if path.is_file() else 0
        links[item.name] = {
            "href": contract.download_from_matter_page(item.name),
            "type": item.file_type or item.extension.upper(),
            "size": size_label(size),
            "bytes": size,
            "kind": item.kind,
        }
    return links


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    """The bytes themselves (a copy, never a link: the published site must not change when
    someone edits matters/files/ afterwards)."""
    out = []
    corpus = ctx.corpus
    for matter in corpus.sorted_matters():
        for name in dict.fromkeys(item.name for item in downloads(matter)):
            out.append((contract.download_path(matter.code, name), source_path(corpus.root, matter.code, name).read_bytes()))
    return out
