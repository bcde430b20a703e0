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


@lru_cache(maxsize=None)
def code_digest(module: str) -> str:
    """Hash of a module's source and of every ``generator`` module it imports, directly or
    through others, at the top or inside a function.

    Cache keys take this instead of a hand-kept list of files: a helper that an artifact's
    code calls is part of the key because the code imports it, so a change to it can never
    serve a stale artifact."""
    seen: dict[str, str] = {}
    pending = [module]
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        path = _module_file(name)
        if path is None:
            continue
        source = path.read_bytes()
        seen[name] = hashlib.sha256(source).hexdigest()
        pending.extend(_generator_imports(name, source, path.name == "__init__.py"))
    return digest(*(f"{name}:{seen[name]}" for name in sorted(seen)))


def _module_file(name: str) -> Path | None:
    """The source file of a ``generator`` module, found without importing it."""
    parts = name.split(".")[1:]
    base = Path(__file__).parent.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


def _generator_imports(name: str, source: bytes, is_package: bool) -> list[str]:
    import ast

    package = name if is_package else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            found.append(base)
            # ``from generator.outputs import pages`` names a module, not a function
            found += [f"{base}.{alias.name}" for alias in node.names]
    return [n for n in found if n == "generator" or n.startswith("generator.")]
