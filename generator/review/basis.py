"""A tightening change needs a legal basis: the rule behind ``guides diff --check``.

A matter whose standard gets harder for the public (any 收紧 change) must gain a change note
that cites its legal basis: a :class:`~generator.model.matter.ChangeNote` in ``changes``
with ``basis``, absent from the base. Without one, every tightening change is a problem,
positioned in the head file.
"""

from __future__ import annotations

import json

from generator.load.reader import SourceFile
from generator.model.matter import ChangeNote, Matter
from generator.review.changes import TIGHTER, MatterDiff
from generator.review.compare import item_key, normalised


def new_change_notes(old: Matter | None, new: Matter) -> list[ChangeNote]:
    before = {(item_key(c), json.dumps(normalised(c), ensure_ascii=False, sort_keys=True)) for c in (old.changes if old else [])}
    return [c for c in new.changes if (item_key(c), json.dumps(normalised(c), ensure_ascii=False, sort_keys=True)) not in before]


def review_basis(diff: MatterDiff, old: Matter, new: Matter, source: SourceFile | None) -> None:
    """Tightening changes need a new change note that cites its legal basis."""
    diff.basis = [c.basis for c in new_change_notes(old, new) if c.basis]
    if diff.basis or source is None:
        return
    for change in diff.changes:
        if change.effect == TIGHTER:
            diff.problems.append(
                source.problem(
                    change.loc,
                    f"[diff-basis] 收紧变更（{change.text}）没有写明法律依据：请在 changes 最前面新增一条变更记录，并填写 basis",
                )
            )
