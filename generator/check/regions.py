"""Gaps in the region directory that do not make the input wrong: warnings of ``guides check``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.domain.directory import Directory
from generator.load.matters import matter_paths
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


def coverage_warnings(corpus: "Corpus", directory: Directory) -> list[Problem]:
    """Gaps, not errors: a level with no hall, a hall with nothing to do."""
    if not directory.places:
        return []
    warnings = []
    levels_with_halls = {hall.level for _, hall in directory.halls()}
    for code in sorted(corpus.matters):
        matter = corpus.matters[code]
        for i, level in enumerate(matter.levels):
            if level not in levels_with_halls:
                warnings.append(
                    corpus.sources[code].problem(("levels", i), f"[coverage] no service hall at {level} in {directory.display}: nowhere handles this matter at {level}")
                )
    paths, _ = matter_paths(corpus.root)
    if len(paths) == len(corpus.matters):  # a check of some files only cannot judge the halls
        exercised = {level for matter in corpus.matters.values() for level in matter.levels}
        source = directory.source
        for place in directory.places.values():
            for j, hall in enumerate(place.region.halls):
                if hall.level not in exercised:
                    warnings.append(
                        source.problem(place.loc + ("halls", j, "level"), f"[coverage] hall {hall.name} serves {hall.level}, but no matter is exercised at {hall.level}")
                    )
    return warnings
