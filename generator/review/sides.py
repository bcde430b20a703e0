"""The two sides of `guides diff`: git revisions, directories or the work tree, read and validated.

A git revision is read with ``git ls-tree``/``git cat-file``, never checked out. A side is
read first (:class:`RawSide`: file name -> text) so that files byte-identical on both sides
can be left out of validation; then validated into matters (:class:`Side`).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.load.matters import (
    MATTER_FILE,
    RESERVED_FILES,
    display_path,
    load_matter_file,
    matter_paths,
)
from generator.domain.laws import Laws, resolved_matter
from generator.load.laws import LAWS_FILE, load_laws
from generator.load.reader import DEFAULT_LIMITS, SourceFile, decode, present, read_text
from generator.model.matter import Matter
from generator.problems import Problem, UsageError


@dataclass
class Side:
    """The validated matters of one side, by code, with their source files for positioned problems."""

    label: str
    matters: dict[str, Matter] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    laws: Laws = field(default_factory=Laws)


def _git(args: list[str], cwd: Path, data: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, input=data, capture_output=True, check=False)


@dataclass
class RawSide:
    """The matter files of one side, read but not yet validated: file name -> (path, text)."""

    label: str
    root: Path
    files: dict[str, tuple[Path, str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    revision: str | None = None  # for a git revision: the matters directory in the repository, e.g. "matters/"
    found: bool = True  # False: the revision has no matters directory (it may have been added or removed since)
    laws_text: str | None = None  # the register of laws (laws.yml), if the side has one


def read_directory(root: Path, label: str) -> RawSide:
    raw = RawSide(label=label, root=root)
    paths, raw.problems = matter_paths(root)
    for path in paths:
        text, problems = read_text(path, display_path(path, root))
        if text is None:
            raw.problems += problems
        else:
            raw.files[path.name] = (path, text)
    if present(root / LAWS_FILE):
        text, problems = read_text(root / LAWS_FILE, display_path(root / LAWS_FILE, root))
        if text is None:
            raw.problems += problems
        else:
            raw.laws_text = text
    return raw


def read_revision(rev: str, matters_dir: Path) -> RawSide:
    """The matter files at one git revision, read without checking it out."""
    if rev.startswith("-"):
        raise UsageError(f"'{rev}' 既不是目录，也不是 git 版本")
    cwd = matters_dir.resolve() if matters_dir.is_dir() else Path.cwd()
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    if top.returncode != 0:
        raise UsageError(f"'{rev}' 不是目录，而当前不在 git 仓库中")
    toplevel = Path(top.stdout.decode().strip())
    commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], toplevel)
    if commit.returncode != 0:
        raise UsageError(f"'{rev}' 既不是目录，也不是 git 版本")
    prefix = Path(os.path.relpath(matters_dir.resolve(), toplevel.resolve())).as_posix()
    if prefix.startswith(".."):
        if not matters_dir.is_dir():
            raise UsageError(f"找不到事项目录 {matters_dir}；请用 --matters 指定存放事项文件的目录")
        raise UsageError(f"事项目录 {matters_dir} 不在 git 仓库 {toplevel} 之中；比较 git 版本时，事项目录须在仓库里")
    within = "" if prefix == "." else prefix + "/"
    listing = _git(["ls-tree", "-z", "-l", commit.stdout.decode().strip(), "--", *([within] if within else [])], toplevel)
    if listing.returncode != 0:  # pragma: no cover - rev-parse checked the revision
        raise UsageError(listing.stderr.decode(errors="replace").strip())
    entries = []
    too_large = []
    for entry in listing.stdout.decode("utf-8", "replace").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        _, kind, oid, size = meta.split()
        name = path.rsplit("/", 1)[-1]
        if kind == "blob" and ((MATTER_FILE.match(name) and name not in RESERVED_FILES) or path == within + LAWS_FILE):
            if int(size) > DEFAULT_LIMITS.max_bytes:  # never read into memory
                too_large.append(Problem(f"{rev}:{path}", 1, 1, "", f"文件过大：最多 {DEFAULT_LIMITS.max_bytes} 字节，实际 {size} 字节"))
            else:
                entries.append((path, oid))
    blobs = _git(["cat-file", "--batch"], toplevel, data="".join(f"{oid}\n" for _, oid in entries).encode())
    out, pos = blobs.stdout, 0
    raw = RawSide(label=rev, root=toplevel / prefix, revision=within, found=bool(listing.stdout), problems=too_large)
    for path, _ in entries:
        header_end = out.index(b"\n", pos)
        size = int(out[pos:header_end].split()[2])
        data = out[header_end + 1 : header_end + 1 + size]
        pos = header_end + 1 + size + 1
        text, problems = decode(data, f"{rev}:{path}")
        if text is None:
            raw.problems += problems
        elif path == within + LAWS_FILE:
            raw.laws_text = text
        else:
            raw.files[path.rsplit("/", 1)[-1]] = (toplevel / path, text)
    return raw


def read_side(spec: str | None, matters_dir: Path) -> RawSide:
    """One side named on the command line: a directory, a git revision, or (None) the work tree."""
    if spec is None:
        if not matters_dir.is_dir():
            raise UsageError(f"找不到事项目录 {matters_dir}；请用 --matters 指定存放事项文件的目录")
        return read_directory(matters_dir, "工作区")
    path = Path(spec)
    if path.is_dir():
        inner = path / "matters"
        if inner.is_dir() and not any(path.glob("*.yml")):
            path = inner
        return read_directory(path, spec)
    return read_revision(spec, matters_dir)


def read_sides(base: str, head: str | None, matters_dir: Path) -> tuple[RawSide, RawSide]:
    """Both sides; wrong usage if the matters directory is nowhere: not in the work tree, nor in either revision."""
    raws = read_side(base, matters_dir), read_side(head, matters_dir)
    if not any(raw.found for raw in raws) and not matters_dir.is_dir():
        named = base if head in (None, base) else f"{base} or {head}"
        raise UsageError(f"找不到事项目录 {matters_dir}：工作区和 {named} 中都没有")
    return raws


def validate_side(raw: RawSide, skip: set[str] = frozenset()) -> Side:
    """Validate the files of one side, except those in ``skip`` (identical on both sides)."""
    side = Side(label=raw.label, problems=list(raw.problems))
    if raw.laws_text is not None:
        display = f"{raw.label}:{raw.revision}{LAWS_FILE}" if raw.revision is not None else None
        side.laws, problems = load_laws(raw.root, text=raw.laws_text, display=display)
        side.problems += problems
    for name in sorted(raw.files):
        path, text = raw.files[name]
        if name in skip:
            continue
        matter, source, problems = load_matter_file(path, raw.root, text=text)
        if raw.revision is not None:
            source.display = f"{raw.label}:{raw.revision}{name}"
            problems = [replace(p, path=source.display) for p in problems]
        side.problems += problems
        if matter is not None:
            side.matters[matter.code] = resolved_matter(matter, side.laws)
            side.sources[matter.code] = source
    return side
