"""Which matter of the base is which of the head, and what changed in each.

Matters are paired by code. A matter whose code changed but whose name did not is a
re-coded matter, compared as one; the rest are added or removed. Every pair is compared
element by element (:func:`generator.review.classify.compare_matters`) and checked for the
legal basis a tightening needs (:mod:`generator.review.basis`).
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.model.matter import Matter
from generator.review.basis import review_basis
from generator.review.changes import OTHER, Change, MatterDiff, Report
from generator.review.classify import compare_matters
from generator.review.sides import Side


def pair_matters(base: Mapping[str, Matter], head: Mapping[str, Matter]) -> tuple[dict[str, str], list[str], list[str]]:
    """Which matter of ``head`` is which of ``base``: ``({head code: base code}, added, removed)``.

    Paired by code; then a matter whose code changed but whose name did not is a re-coded
    matter, paired with the one base matter of that name. ``guides audit`` pairs the local
    versions of a matter with the standard the same way."""
    pairs = {code: code for code in sorted(set(base) & set(head))}
    added = sorted(set(head) - set(base))
    removed = sorted(set(base) - set(head))
    for new_code in added:
        candidates = [c for c in removed if c not in pairs.values() and base[c].name == head[new_code].name]
        if len(candidates) == 1:
            pairs[new_code] = candidates[0]
    return pairs, [c for c in added if c not in pairs], [c for c in removed if c not in pairs.values()]


def compare_sides(base: Side, head: Side) -> Report:
    diffs: list[MatterDiff] = []
    pairs, added, removed = pair_matters(base.matters, head.matters)
    # a matter whose code changed but whose name did not: a re-coded matter, compared as one
    recoded = {new: old for new, old in pairs.items() if new != old}
    for code in sorted(set(base.matters) & set(head.matters)):
        old, new = base.matters[code], head.matters[code]
        changes = compare_matters(old, new)
        if not changes:
            continue
        status = "renamed" if old.name != new.name else "changed"
        diff = MatterDiff(code, new.name, status, old_name=old.name if status == "renamed" else None, changes=changes)
        review_basis(diff, old, new, head.sources.get(code))
        diffs.append(diff)
    for new_code, old_code in recoded.items():
        old, new = base.matters[old_code], head.matters[new_code]
        changes = [Change("code", OTHER, f"事项编码 {old_code}→{new_code}", old_code, new_code, ("code",))]
        changes += [c for c in compare_matters(old, new) if c.path != "code"]
        diff = MatterDiff(new_code, new.name, "recoded", old_code=old_code, changes=changes)
        review_basis(diff, old, new, head.sources.get(new_code))
        diffs.append(diff)
    for code in added:
        diffs.append(MatterDiff(code, head.matters[code].name, "added"))
    for code in removed:
        diffs.append(MatterDiff(code, base.matters[code].name, "removed"))
    diffs.sort(key=lambda d: (d.code, d.status))
    return Report(base.label, head.label, diffs)
