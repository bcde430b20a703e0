"""Content-hash cache for derived artifacts (SVG, PDF, ...).

An artifact's key hashes everything it is made from: its inputs, the templates and fonts
that shape it, and the generator version. So the cache is never stale, an unchanged matter
is never rendered twice, and deleting the folder only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
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
def package_versions(names: tuple[str, ...]) -> str:
    """"name=version,…" of installed distributions ("name=-" when one is not installed), for
    keys that an upgrade of a package must change."""
    from importlib import metadata  # noqa: PLC0415

    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    return ",".join(found)


@lru_cache(maxsize=None)
def file_digest(path: str) -> str:
    """Hash of a file the artifacts depend on (a template, a stylesheet, a font), once per process."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


class ArtifactCache:
    """Artifacts by key, each with the SHA-256 of its content in a sidecar file
    (``<key><suffix>.sha256``). An entry is served only when its bytes match the digest
    (:meth:`get`, :meth:`read`): a file truncated or changed on disk is deleted and made
    again, never published. Entries are written to a temporary name and renamed, never
    changed in place, and the site gets copies (:func:`generator.publish.plugin.link_artifacts`),
    so nothing done to the cache can reach a published site."""

    DIGEST = ".sha256"

    def __init__(self, root: Path):
        self.root = Path(root)
        self._prefix = f"{self.root}/"
        load_stamps(self.root)

    def path(self, kind: str, key: str, suffix: str) -> Path:
        # one Path made from one string: three joins took 1.2 s (profiled) of a one-edit
        # rebuild at 907 matters, which asks for 14,764 entry paths
        return Path(f"{self._prefix}{kind}/{key[:2]}/{key}{suffix}")

    def get(self, kind: str, key: str, suffix: str) -> Path | None:
        """The entry's path if it is there and intact; a damaged entry is removed (None)."""
        path = self.path(kind, key, suffix)
        return path if verified(path) else None

    def put(self, kind: str, key: str, suffix: str, data: bytes) -> Path:
        """Write atomically, so a crash or a parallel worker never leaves half a file."""
        path = self.path(kind, key, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        # the digest first: an entry without its digest (a crash in between) is not served
        _write_atomically(_digest_path(path), f"{hashlib.sha256(data).hexdigest()} {len(data)}\n".encode("ascii"))
        _write_atomically(path, data)
        with contextlib.suppress(OSError):
            info = os.stat(path)
            _VERIFIED[str(path)] = (info.st_ino, info.st_size, info.st_mtime_ns)
        return path


def _digest_path(path: Path) -> Path:
    return path.with_name(path.name + ArtifactCache.DIGEST)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _expected(path: Path) -> tuple[str, int] | None:
    try:
        digest_text = _digest_path(path).read_text(encoding="ascii").split()
        return digest_text[0], int(digest_text[1])
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None


def expected_digest(path: Path) -> str | None:
    """The SHA-256 the entry at ``path`` should have (from its sidecar), without reading it."""
    expected = _expected(path)
    return expected[0] if expected is not None else None


# entries verified, by path: (inode, size, modification time) when they were. An entry is
# only ever replaced (a new inode), so an unchanged stamp is the verified file; one changed
# in place or truncated gets a new time or size and is read and checked again.
_VERIFIED: dict[str, tuple[int, int, int]] = {}
# the stamps are kept between builds in the cache folder (:func:`save_stamps`): reading and
# hashing every entry once per build took 0.9 s of a no-change rebuild at 907 matters (7,342
# entries, 320 MB), to find them as they were
STAMPS_FILE = "verified.json"
_LOADED: set[str] = set()


def load_stamps(root: Path) -> None:
    """The stamps :func:`save_stamps` kept for the entries under ``root`` (once per process)."""
    asked = str(root) if os.path.isabs(root) else f"{os.getcwd()}\0{root}"
    if asked in _LOADED:
        # (before resolving: the build makes an ArtifactCache per matter, and resolving its
        # folder each time took 0.66 s, profiled, of a one-edit rebuild at 907 matters)
        return
    _LOADED.add(asked)
    root = Path(root).resolve()
    if str(root) in _LOADED:
        return
    _LOADED.add(str(root))
    try:
        import json  # noqa: PLC0415

        stamps = json.loads((root / STAMPS_FILE).read_text(encoding="ascii"))
        for rel, stamp in stamps.items():
            if isinstance(stamp, list) and len(stamp) == 3 and all(isinstance(n, int) for n in stamp):
                _VERIFIED.setdefault(str(root / rel), tuple(stamp))
    except (OSError, ValueError, AttributeError, UnicodeDecodeError):
        return  # no stamps: every entry is read and checked once


def save_stamps(root: Path) -> None:
    """Keep the stamps of the entries under ``root`` for the next build."""
    import json  # noqa: PLC0415

    root = Path(root).resolve()
    prefix = str(root) + os.sep
    stamps = {path[len(prefix):]: list(stamp) for path, stamp in sorted(_VERIFIED.items()) if path.startswith(prefix)}
    with contextlib.suppress(OSError):
        _write_atomically(root / STAMPS_FILE, json.dumps(stamps, separators=(",", ":")).encode("ascii"))


def read_verified(path: Path) -> bytes | None:
    """The bytes of a cache entry if they match its digest; else the entry is removed (None)."""
    expected = _expected(path)
    try:
        data = path.read_bytes() if expected is not None and path.is_file() else None
    except OSError:
        data = None
    if data is None or (hashlib.sha256(data).hexdigest(), len(data)) != expected:
        discard(path)
        return None
    return data


def read_checked(path: Path) -> bytes | None:
    """:func:`read_verified`, without hashing again an entry this process has verified and
    whose file has not changed since (same inode, size and modification time)."""
    try:
        info = os.stat(path)
    except OSError:
        discard(path)
        return None
    if _VERIFIED.get(str(path)) == (info.st_ino, info.st_size, info.st_mtime_ns):
        try:
            return path.read_bytes()
        except OSError:
            pass
    return read_verified(path)


def verified(path: Path) -> bool:
    """Whether the cache entry at ``path`` is intact (checked once per process while its
    file stays the same); a damaged one is removed."""
    try:
        info = os.stat(path)
    except OSError:
        discard(path)
        return False
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
    if _VERIFIED.get(str(path)) == stamp:
        return True
    if read_verified(path) is None:
        return False
    _VERIFIED[str(path)] = stamp
    return True


def discard(path: Path) -> None:
    """Remove a damaged entry and its digest, so it is made again."""
    _VERIFIED.pop(str(path), None)
    for stale in (path, _digest_path(path)):
        with contextlib.suppress(OSError):
            stale.unlink()


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
        scanned = _scan_module(name)
        if scanned is None:
            continue
        seen[name], imports = scanned
        pending.extend(imports)
    return digest(*(f"{name}:{seen[name]}" for name in sorted(seen)))


@lru_cache(maxsize=None)
def _scan_module(name: str) -> tuple[str, tuple[str, ...]] | None:
    """(source hash, generator modules imported) of one module, read once per process: the
    six artifact kinds share most of their imports (193 reads for 99 files before)."""
    path = _module_file(name)
    if path is None:
        return None
    source = path.read_bytes()
    return hashlib.sha256(source).hexdigest(), tuple(_generator_imports(name, source.decode("utf-8", "replace"), path.name == "__init__.py"))


def _module_file(name: str) -> Path | None:
    """The source file of a ``generator`` module, found without importing it."""
    parts = name.split(".")[1:]
    base = Path(__file__).parent.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


# ``import generator.x[, …]`` and ``from generator.x | .x | . import a, (b, c)``, anywhere in a
# line (imports inside functions count). A text scan, not ``ast.parse``: parsing the 99 modules
# took 2.0 s of every build, scanning them 0.03 s. Text that only looks like an import (in a
# docstring) adds a dependency that is not needed, which is safe: a key can only grow.
_IMPORT = re.compile(r"^[ \t]*import[ \t]+(generator[\w.]*(?:[ \t]*,[ \t]*[\w.]+)*)", re.M)
_FROM = re.compile(r"^[ \t]*from[ \t]+(\.+[\w.]*|generator[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]*)", re.M)


def _generator_imports(name: str, source: str, is_package: bool) -> list[str]:
    package = name if is_package else name.rpartition(".")[0]
    found = []
    for match in _IMPORT.finditer(source):
        found += [alias.split()[0] for alias in match.group(1).split(",") if alias.strip()]
    for match in _FROM.finditer(source):
        base = match.group(1)
        level = len(base) - len(base.lstrip("."))
        if level:
            rest = base[level:]
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - level + 1] + ([rest] if rest else []))
        found.append(base)
        # ``from generator.outputs import pages`` names a module, not a function
        names = match.group(2).strip().strip("()").replace("\n", " ")
        found += [f"{base}.{alias.split()[0]}" for alias in names.split(",") if alias.strip()]
    return [n for n in found if n == "generator" or n.startswith("generator.")]


class Memo:
    """Small values derived from one input (a matter's flow-diagram key, the digests of its
    published fields), kept between builds in one JSON file of the cache folder, so that an
    unchanged matter costs a lookup instead of the work. The key must hash everything the
    value is made from (the input and the code that makes it). Only the entries used in a
    build are kept when it saves: the file never grows beyond one catalogue."""

    def __init__(self, cache_dir: Path, name: str):
        import json  # noqa: PLC0415

        self.path = Path(cache_dir) / f"memo-{name}.json"
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            data = {}
        self._old: dict = data if isinstance(data, dict) else {}
        self._used: dict = {}

    def get(self, key: str, make):
        """The value for ``key``, made by ``make()`` when it is not kept."""
        if key in self._used:
            return self._used[key]
        value = self._old[key] if key in self._old else make()
        self._used[key] = value
        return value

    def peek(self, key: str):
        """The value for ``key`` when it is kept, else None (nothing is made)."""
        if key in self._used:
            return self._used[key]
        if key in self._old:
            self._used[key] = self._old[key]
            return self._used[key]
        return None

    def save(self) -> None:
        import json  # noqa: PLC0415

        if self._used.keys() == self._old.keys():
            return
        with contextlib.suppress(OSError):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(self.path, json.dumps(self._used, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8"))
        self._old = dict(self._used)
