"""Content-hash cache for derived artifacts (SVG, PDF, ...).

An artifact's key hashes everything it is made from: its inputs, the templates and fonts
that shape it, and the generator version. So the cache is never stale, an unchanged matter
is never rendered twice, and deleting the folder only costs time.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from functools import lru_cache
from pathlib import Path

from generator import __version__


def digest(*parts: bytes | str) -> str:
    h = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=None)
def file_digest(path: str) -> str:
    """Hash of a file the artifacts depend on (a template, a stylesheet, a font), once per process."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class ArtifactCache:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        return self.root / kind / key[:2] / f"{key}{suffix}"

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        path = self.path(kind, key, suffix)
        return path if path.exists() else None

    def put(self, kind: str, key: str, suffix: str, data: bytes) -> Path:
        """Write atomically, so a crash or a parallel worker never leaves half a file."""
        path = self.path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        return path
