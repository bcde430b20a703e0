"""`guides diff`: what a change does to the public, element by element, in Chinese.

Two sides are compared — git revisions, directories, or the work tree — after validation,
so a change of formatting, quoting or key order is no change at all. The work is in stages:

* :mod:`generator.review.sides` — reading and validating the two sides;
* :mod:`generator.review.match` — pairing the matters of the two sides;
* :mod:`generator.review.compare` — comparing two versions of a matter element by element;
* :mod:`generator.review.classify` — 收紧 / 放宽 / 其他: which way each change points for the public;
* :mod:`generator.review.basis` — a tightening change needs a new change note citing its legal basis;
* :mod:`generator.review.changes` — what a change is, and how its values read;
* :mod:`generator.review.report` — the report, as Markdown or JSON.

Without a cited legal basis, a tightening change is a problem, and ``guides diff --check``
exits 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.problems import InvalidInput
from generator.review.changes import Report
from generator.review.laws import compare_laws
from generator.review.match import compare_sides
from generator.review.report import NO_CHANGES, render_json, render_markdown
from generator.review.sides import read_sides, validate_side


def diff_revisions(base: str, head: str | None, matters_dir: Path) -> Report:
    raws = read_sides(base, head, matters_dir)
    # byte-identical files cannot differ: only changed, added and removed files are validated
    unchanged = {name for name, (_, text) in raws[0].files.items() if raws[1].files.get(name, (None, None))[1] == text}
    if raws[0].laws_text != raws[1].laws_text:  # a change to the register reaches every matter that cites it
        unchanged = {name for name in unchanged if "law:" not in raws[0].files[name][1]}
    sides = [validate_side(raw, unchanged) for raw in raws]
    invalid = [s for s in sides if s.problems]
    if invalid:
        for side in invalid:
            print(f"guides diff: {side.label} 中的事项文件无效，无法比对", file=sys.stderr)
        raise InvalidInput([p for s in invalid for p in s.problems])
    report = compare_sides(*sides)
    report.laws = compare_laws(*sides)
    return report


def cmd_diff(args: argparse.Namespace) -> int:
    report = diff_revisions(args.base, args.head, Path(args.matters))
    text = render_json(report) if args.format == "json" else render_markdown(report)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    if not report.changed:
        print(NO_CHANGES, file=sys.stderr)
    problems = report.problems
    if problems and args.check:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"共 {len(problems)} 个问题", file=sys.stderr)
        return 1
    return 0
