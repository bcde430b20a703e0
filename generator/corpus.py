"""Load and validate everything under ``matters/`` into one immutable corpus.

load → validate → model: this is the only place input files are read. Every later stage
(pages, diagrams, slips, catalogue, diff) reads the :class:`Corpus` it returns.
"""

from __future__ import annotations

import importlib
import os
import pickle
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from generator import standard
from generator.cache import digest, file_digest
from generator.loader import SourceFile, load_yaml
from generator.model.matter import Matter
from generator.problems import InvalidInput, Problem
from generator.validate import matter_problems, schema_problems

MATTER_FILE = re.compile(r"^[0-9A-Z]{12}\.yml$")
# files in matters/ that are not matters; each is read by its own module
RESERVED_FILES = {"regions.yml", "holidays.yml", "policy.yml"}
RESERVED_DIRS = {"themes", "files"}


@dataclass
class Corpus:
    root: Path
    matters: dict[str, Matter] = field(default_factory=dict)
    sources: dict[str, SourceFile] = field(default_factory=dict)
    extras: dict[str, Any] = field(default_factory=dict)
    _fingerprints: dict[str, str] = field(default_factory=dict, repr=False)

    def sorted_matters(self) -> list[Matter]:
        return [self.matters[code] for code in sorted(self.matters)]

    def fingerprint(self, code: str) -> str:
        if code not in self._fingerprints:
            self._fingerprints[code] = standard.fingerprint(standard.matter_document(self.matters[code]))
        return self._fingerprints[code]


def display_path(path: Path, root: Path) -> str:
    """A path as the user would type it: relative to the working directory where possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        try:
            return str(Path(root.name) / path.resolve().relative_to(root.resolve()))
        except ValueError:
            return str(path)


def load_matter_file(path: Path, root: Path, text: str | None = None) -> tuple[Matter | None, SourceFile, list[Problem]]:
    source = load_yaml(path, display_path(path, root), text=text)
    problems = list(source.problems)
    if source.data is None:
        return None, source, problems
    if not isinstance(source.data, dict):
        problems.append(source.problem((), "expected a mapping of fields at the top of the file"))
        return None, source, problems
    matter, schema_errors = schema_problems(source, Matter)
    problems += schema_errors
    problems += matter_problems(source, path.stem if MATTER_FILE.match(path.name) else None)
    return (matter if not problems else None), source, problems


def matter_paths(root: Path) -> tuple[list[Path], list[Problem]]:
    paths, problems = [], []
    for path in sorted(root.glob("*.y*ml")):
        if path.name in RESERVED_FILES:
            continue
        if MATTER_FILE.match(path.name):
            paths.append(path)
        else:
            problems.append(Problem(display_path(path, root), 1, 1, "", "file name must be the matter's 12-character code, e.g. 310115001000.yml"))
    return paths, problems


class ParseCache:
    """Validated matters from earlier runs, keyed by a hash of the file's bytes and of the code
    that validates it; a catalogue of 1,800 unchanged files then loads without YAML parsing.
    Only files that passed are kept, so every problem is always found afresh."""

    FILE = "parsed-matters.pickle"

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / self.FILE if cache_dir else None
        self.entries: dict[str, Matter] = {}
        self.used: dict[str, Matter] = {}
        if self.path and self.path.exists():
            try:
                with self.path.open("rb") as handle:
                    self.entries = pickle.load(handle)
            except Exception:  # a cache from another version, or a torn file: start afresh
                self.entries = {}

    @staticmethod
    @lru_cache(maxsize=1)
    def _code_digest() -> str:
        here = Path(__file__).parent
        return digest(*(file_digest(str(here / name)) for name in ("corpus.py", "loader.py", "validate.py", "model/matter.py")))

    def key(self, name: str, data: bytes) -> str:
        # the file name is an input too: the code inside must match it
        return digest(self._code_digest(), name, data)

    def get(self, key: str) -> Matter | None:
        matter = self.entries.get(key)
        if matter is not None:
            self.used[key] = matter
        return matter

    def put(self, key: str, matter: Matter) -> None:
        self.used[key] = matter

    def save(self) -> None:
        if self.path is None or self.used.keys() == self.entries.keys():
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        with tmp.open("wb") as handle:
            pickle.dump(self.used, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


def load_corpus(root: Path | str, only: list[Path] | None = None, cache_dir: Path | None = None) -> Corpus:
    """Read every matter under ``root``; raise :class:`InvalidInput` with all problems at once.

    With ``cache_dir``, files unchanged since a previous successful load are not parsed again.
    """
    root = Path(root)
    if not root.is_dir():
        raise InvalidInput([Problem(str(root), 1, 1, "", "matters directory not found")])
    paths, problems = matter_paths(root)
    if only:
        wanted = {p.resolve() for p in only}
        paths = [p for p in paths if p.resolve() in wanted]
    corpus = Corpus(root=root)
    cache = ParseCache(cache_dir)
    first_file: dict[str, str] = {}
    for path in paths:
        raw = path.read_bytes()
        key = cache.key(path.name, raw)
        matter = cache.get(key)
        if matter is not None:
            source = SourceFile(path, display_path(path, root), text=raw.decode("utf-8"))
        else:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                problems.append(Problem(display_path(path, root), 1, 1, "", f"file is not UTF-8 text ({exc.reason})"))
                continue
            matter, source, found = load_matter_file(path, root, text=text)
            problems += found
            if matter is None:
                continue
            cache.put(key, matter)
        if matter.code in first_file:
            problems.append(source.problem(("code",), f"duplicate code '{matter.code}', already used by {first_file[matter.code]}"))
            continue
        first_file[matter.code] = source.display
        corpus.matters[matter.code] = matter
        corpus.sources[matter.code] = source
    for module in CHECK_MODULES:
        importlib.import_module(module)
    for extend in _EXTENSIONS:
        problems += extend(corpus)
    if problems:
        raise InvalidInput(problems)
    cache.save()
    return corpus


# Loaders of the other files in matters/ (regions, themes, ...) register here; each reads
# its own files, stores its model in corpus.extras and returns its problems.
_EXTENSIONS: list = []
CHECK_MODULES: tuple[str, ...] = ("generator.policy", "generator.diagrams", "generator.workdays", "generator.regions", "generator.themes")


def extension(func):
    _EXTENSIONS.append(func)
    return func
