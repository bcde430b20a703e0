"""`guides audit`: how the local versions of the same matter differ, and one standard for all.

Each directory named is one region's version of its matters (as ``guides import`` writes them,
e.g. ``imports/350926000000/``); the published standard is the matters directory. Versions are
matched with the standard as ``guides diff`` matches two sides: matters by code, then by name
(:func:`generator.review.match.pair_matters`); items by their id, then — local identifiers
being less stable than a standard's — by their name (:func:`align`). Each version is then
compared with the standard element by element by the differ of ``guides diff``
(:func:`generator.review.classify.compare_matters`), which also says whether the local
version asks more (收紧) or less (放宽) of applicants.

The result, per matter: every element where some region differs (:class:`Element`), a proposed
unified standard (:mod:`generator.adopt.propose`) with, per element, whether adopting it
tightens or loosens each region's practice, and the report (:mod:`generator.adopt.audit_report`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from generator.adopt.audit_report import render_markdown, write_outputs
from generator.adopt.elements import IGNORED, NAME_OF, Element, MatterAudit, Version, title_of, value_at
from generator.adopt.propose import propose, proposal_text
from generator.domain.laws import resolved_matter
from generator.load.laws import LAWS_FILE
from generator.load.regions import REGIONS_FILE, load_directory
from generator.model.matter import Matter
from generator.problems import InvalidInput, UsageError
from generator.review.changes import OTHER
from generator.review.classify import compare_matters
from generator.review.match import pair_matters
from generator.review.sides import read_directory, validate_side


# --- reading and aligning ---------------------------------------------------------------------

def align(base: Matter, local: Matter) -> Matter:
    """``local`` with the ids of its items renamed to the standard's where the id differs but
    the name is the same (and references to them: 针对, 后续环节, 适用情形)."""
    data = local.model_dump()
    renames: dict[str, dict[str, str]] = {}
    for name, attr in NAME_OF.items():
        ours = {item.id for item in getattr(local, name)}
        theirs = {item.id for item in getattr(base, name)}
        free = {getattr(item, attr): item.id for item in getattr(base, name) if item.id not in ours}
        renames[name] = {item.id: free[getattr(item, attr)] for item in getattr(local, name) if item.id not in theirs and getattr(item, attr) in free}
    if not any(renames.values()):
        return local
    for name, renamed in renames.items():
        for item in data[name]:
            item["id"] = renamed.get(item["id"], item["id"])
    about = {**renames["materials"], **renames["conditions"]}
    for point in data["review_points"]:
        point["about"] = about.get(point["about"], point["about"])
    for step in data["steps"]:
        step["next"] = [renames["steps"].get(n, n) for n in step["next"]]
    for name in ("materials", "conditions"):
        for item in data[name]:
            item["when"] = [".".join([renames["situations"].get(ref.split(".")[0], ref.split(".")[0]), ref.split(".", 1)[1]]) for ref in item["when"]]
    return Matter.model_validate(data)


def region_label(directory: Path, published) -> str:
    """A region's name: from the directory's own regions.yml, else the published one, else the folder name."""
    code = directory.name
    own, found = load_directory(directory) if (directory / REGIONS_FILE).is_file() else (None, [])
    for places in (own.places if own and not found else {}, published.places if published else {}):
        if code in places:
            return places[code].region.name
    if own and not found and len(own.places) >= 1:
        deepest = max(own.places.values(), key=lambda p: p.depth)
        if sum(1 for p in own.places.values() if p.depth == deepest.depth) == 1:
            return deepest.region.name
    return code


def compare_versions(standard: Matter | None, versions: list[Version]) -> list[Element]:
    """Every element where a version differs from the standard (or, without one, from the first version)."""
    baseline = standard if standard is not None else versions[0].matter
    elements: dict[str, Element] = {}
    all_matters = ([standard] if standard else []) + [v.matter for v in versions]
    for version in versions:
        for change in compare_matters(baseline, version.matter):
            if change.path.split(".")[0].split("[")[0] in IGNORED:
                continue
            element = elements.get(change.path)
            if element is None:
                element = elements[change.path] = Element(change.path, title_of(change.path, all_matters), value_at(baseline, change.path))
            element.values[version.label] = value_at(version.matter, change.path)
            seen = element.effects.get(version.label)
            element.effects[version.label] = change.effect if seen in (None, change.effect) else OTHER
    return list(elements.values())


def mark(elements: list[Element], proposal: Matter, versions: list[Version]) -> None:
    """For each element: what adopting the proposal does in each region (收紧: asks more there)."""
    by_path = {e.path: e for e in elements}
    for element in elements:
        element.proposed = value_at(proposal, element.path)
    for version in versions:
        for change in compare_matters(version.matter, proposal):
            element = by_path.get(change.path)
            if element is None:
                continue
            seen = element.marks.get(version.label)
            element.marks[version.label] = change.effect if seen in (None, change.effect) else OTHER


def audit(dirs: list[Path], matters_dir: Path, choose: str, date: dt.date) -> list[MatterAudit]:
    from generator.load.policy import load_policy

    published, _ = load_directory(matters_dir) if matters_dir.is_dir() else (None, [])
    sides, problems = [], []
    for directory in dirs:
        side = validate_side(read_directory(directory, str(directory)))
        problems += side.problems
        sides.append((region_label(directory, published), str(directory), side))
    standard_side = validate_side(read_directory(matters_dir, str(matters_dir))) if matters_dir.is_dir() else None
    if standard_side is not None:
        problems += standard_side.problems
    if problems:
        raise InvalidInput(problems)
    standard = dict(standard_side.matters) if standard_side else {}
    if standard_side is not None and standard_side.laws:
        # an import has no register of its own: its citations of the register read from the standard's
        for _, _, side in sides:
            if not side.laws:
                side.matters = {code: resolved_matter(m, standard_side.laws) for code, m in side.matters.items()}
    laws = standard_side.laws if standard_side is not None else None
    groups: dict[str, MatterAudit] = {}
    for label, shown, side in sides:
        pairs, added, _ = pair_matters(standard, side.matters)
        for code, matter in side.matters.items():
            key = pairs.get(code) or next((g.code for g in groups.values() if g.standard is None and g.name == matter.name), code)
            group = groups.get(key)
            if group is None:
                group = groups[key] = MatterAudit(key, standard[key].name if key in standard else matter.name, standard.get(key), [])
            group.versions.append(Version(label, shown, align(group.baseline, matter) if group.versions or group.standard else matter))
    policy, _ = load_policy(matters_dir)
    catch_all = policy.rules.get("no-catch-all")
    for group in groups.values():
        group.elements = compare_versions(group.standard, group.versions)
        group.proposal, notes = propose(group, choose, catch_all if catch_all is not None and catch_all.enabled else None, date)
        mark(group.elements, group.proposal, group.versions)
        for element in group.elements:
            element.note = _note(element.path, notes)
        group.proposal_text = proposal_text(group, choose, laws)
    return [groups[code] for code in sorted(groups)]


def _note(path: str, notes: dict[str, str]) -> str:
    """The proposal's note for an element, or for the item it is part of."""
    if path.startswith("steps"):
        return "办理流程沿用标准，各地的环节请人工审定"
    while path:
        if path in notes:
            return notes[path]
        path = path.rsplit(".", 1)[0] if "." in path.split("]")[-1] else ""
    return ""


def check_proposals(audits: list[MatterAudit], matters_dir: Path) -> None:
    """Each proposal read as `guides check` reads the standard: with the policy, holidays,
    regions, register of laws and the matter's downloads of the matters directory (the other
    matters are not needed)."""
    from generator.load.corpus import load_corpus

    for group in audits:
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            for name in ("policy.yml", "holidays.yml", REGIONS_FILE, LAWS_FILE):
                if (matters_dir / name).is_file():
                    shutil.copy(matters_dir / name, root / name)
            downloads = matters_dir / "files" / group.proposal.code
            if downloads.is_dir():
                shutil.copytree(downloads, root / "files" / group.proposal.code)
            (root / f"{group.proposal.code}.yml").write_text(group.proposal_text, encoding="utf-8")
            try:
                load_corpus(root)
            except InvalidInput as exc:
                group.check_problems = [str(p).replace(str(root), "proposed") for p in exc.problems]


def cmd_audit(args: argparse.Namespace) -> int:
    dirs = [Path(d) for d in args.dirs]
    for directory in dirs:
        if not directory.is_dir():
            raise UsageError(f"{directory} 不是目录；应为一个地区的事项目录")
    matters_dir = Path(args.matters)
    audits = audit(dirs, matters_dir, args.choose, args.date or dt.date.today())
    if not audits:
        raise UsageError("这些目录中没有事项文件（基本编码.yml）")
    out = Path(args.out)
    check_proposals(audits, matters_dir)
    write_outputs(audits, out, args.choose, matters_dir)
    sys.stdout.write(render_markdown(audits, args.choose, str(matters_dir)))
    for group in audits:
        for problem in group.check_problems:
            print(f"提醒：{group.code} 的统一标准草案未通过 guides check：{problem}", file=sys.stderr)
    print(f"audited {len(audits)} matters in {len(dirs)} regions; proposals and reports in {out}", file=sys.stderr)
    return 0
