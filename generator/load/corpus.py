"""The one typed corpus: everything under ``matters/``, read and checked.

:func:`load_corpus` reads top to bottom: the matters, the register of laws and the
citations (each reference written out from the register), then the policy and its lints, the
flows, the holiday calendar, the region directory, the themes. Each step returns its model
and its problems; nothing is registered anywhere. Every later stage (pages, diagrams,
slips, catalogue) reads the frozen :class:`Corpus` it returns; what exists only while a
site is built (site URL, rendered SVGs, the slip pool) is in
:class:`generator.publish.context.BuildContext`, never here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from generator.check.flows import flow_problems
from generator.check.laws import citation_problems
from generator.check.policy import lint_matters
from generator.check.regions import agency_problems, coverage_warnings, example_credit_codes, implementation_problems, service_problems
from generator.domain import standard
from generator.domain.laws import Laws, resolved_matter
from generator.domain.workdays import Calendar
from generator.load.holidays import load_calendar
from generator.load.laws import load_laws
from generator.load.matters import read_matters
from generator.load.policy import Policy, load_policy
from generator.load.reader import SourceFile
from generator.load.regions import load_directory
from generator.load.themes import load_themes
from generator.domain.directory import Directory
from generator.model.matter import Matter
from generator.problems import InvalidInput, Problem
from generator.workers import raise_lost_interrupt

if TYPE_CHECKING:
    from generator.domain.themes import ThemePlan


@dataclass(frozen=True)
class Corpus:
    """Every input, validated: matters by code with their source files (for positions),
    the register of laws, the policy, the calendar, the region directory, the theme plans and
    the warnings. Legal bases that cite the register are written out (title, document number,
    excerpt), as published."""

    root: Path
    matters: Mapping[str, Matter] = field(default_factory=dict)
    sources: Mapping[str, SourceFile] = field(default_factory=dict)
    laws: Laws = field(default_factory=Laws)
    policy: Policy = field(default_factory=Policy)
    calendar: Calendar = field(default_factory=Calendar)
    directory: Directory = field(default_factory=Directory)
    themes: Mapping[str, "ThemePlan"] = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    _fingerprints: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _model_json: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def sorted_matters(self) -> list[Matter]:
        return [self.matters[code] for code in sorted(self.matters)]

    def fingerprint(self, code: str) -> str:
        """The contract's fingerprint of one matter's published standard (computed once)."""
        if code not in self._fingerprints:
            self._fingerprints[code] = standard.fingerprint(standard.matter_document(self.matters[code]))
        return self._fingerprints[code]

    def model_json(self, code: str) -> str:
        """One matter as loaded (legal bases written out), in JSON, computed once: the caches
        key what they make from a matter by it (slips, its page, its flow diagram)."""
        if code not in self._model_json:
            self._model_json[code] = self.matters[code].model_dump_json()
        return self._model_json[code]


def load_corpus(root: Path | str, only: list[Path] | None = None, cache_dir: Path | None = None) -> Corpus:
    """Read and check everything under ``root``; raise :class:`InvalidInput` with every
    problem at once. With ``cache_dir``, matter files unchanged since a previous successful
    load are not parsed again."""
    root = Path(root)
    matters, sources, problems, parse_cache = read_matters(root, only, cache_dir)
    laws, found = load_laws(root)
    problems += found
    warnings: list[Problem] = []
    if not found:
        found, cited = citation_problems(Corpus(root=root, matters=matters, sources=sources), laws)
        problems += found
        warnings += cited
    matters = {code: resolved_matter(matter, laws) for code, matter in matters.items()}
    corpus = Corpus(root=root, matters=matters, sources=sources, laws=laws)

    policy, found = load_policy(root)
    problems += found + lint_matters(corpus, policy)
    problems += flow_problems(corpus)
    calendar, found = load_calendar(root)
    problems += found
    directory, found = load_directory(root)
    if not found:
        found = agency_problems(directory) + implementation_problems(corpus, directory) + service_problems(corpus, directory)
    problems += found
    warnings += coverage_warnings(corpus, directory) + example_credit_codes(directory) if not found else []
    themes, found = load_themes(corpus, directory)
    problems += found

    if problems:
        raise InvalidInput(problems)
    raise_lost_interrupt()  # (the parse pool's teardown runs finalisers)
    parse_cache.save()
    return replace(
        corpus,
        policy=policy,
        laws=laws,
        calendar=calendar,
        directory=directory,
        themes=themes,
        warnings=tuple(warnings),
    )
