"""Load and validate everything under ``matters/`` into one immutable corpus.

load → validate → model: this is the only place input files are read. Every later stage
(pages, diagrams, slips, catalogue, diff) reads the :class:`Corpus` it returns.
"""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator import standard
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


def load_corpus(root: Path | str, only: list[Path] | None = None) -> Corpus:
    """Read every matter under ``root``; raise :class:`InvalidInput` with all problems at once."""
    root = Path(root)
    if not root.is_dir():
        raise InvalidInput([Problem(str(root), 1, 1, "", "matters directory not found")])
    paths, problems = matter_paths(root)
    if only:
        wanted = {p.resolve() for p in only}
        paths = [p for p in paths if p.resolve() in wanted]
    corpus = Corpus(root=root)
    first_file: dict[str, str] = {}
    for path in paths:
        matter, source, found = load_matter_file(path, root)
        problems += found
        if matter is None:
            continue
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
    return corpus


# Loaders of the other files in matters/ (regions, themes, ...) register here; each reads
# its own files, stores its model in corpus.extras and returns its problems.
_EXTENSIONS: list = []
CHECK_MODULES: tuple[str, ...] = ("generator.policy",)


def extension(func):
    _EXTENSIONS.append(func)
    return func
