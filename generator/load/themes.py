"""Read and check the 一件事 theme files (``matters/themes/<id>.yml``) and plan each one."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from generator.domain.graph import find_cycle
from generator.domain.directory import Directory
from generator.domain.themes import ThemePlan, compute_plan
from generator.load.matters import display_path
from generator.load.reader import SourceFile, load_yaml, present
from generator.load.validate import schema_problems
from generator.model.matter import Matter
from generator.model.theme import Theme
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.load.corpus import Corpus

THEMES_DIR = "themes"
THEME_FILE = re.compile(r"^[a-z][a-z0-9-]*\.yml$")


def theme_paths(root: Path) -> tuple[list[Path], list[Problem]]:
    folder = root / THEMES_DIR
    if not folder.is_dir():
        return [], []
    paths, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(".") or (path.is_dir() and path.suffix not in (".yml", ".yaml")):
            continue
        if THEME_FILE.match(path.name):
            paths.append(path)
        else:
            problems.append(Problem(display_path(path, root), 1, 1, "", "theme file name must be the theme id and .yml, e.g. open-restaurant.yml"))
    return paths, problems


def _matter_label(code: str, matters: dict[str, Matter]) -> str:
    matter = matters.get(code)
    return f"{code}（{matter.name}）" if matter else code


def theme_problems(theme: Theme, source: SourceFile, corpus: "Corpus", stem: str) -> tuple[list[Problem], bool]:
    """Cross-references of one theme; the bool says whether its plan can be computed."""
    problems: list[Problem] = []
    complete = True
    if theme.id != stem:
        problems.append(source.problem(("id",), f"theme id '{theme.id}' does not match the file name '{stem}.yml'"))
    matters = corpus.matters
    codes = [m.code for m in theme.members]
    first: dict[str, int] = {}
    for i, member in enumerate(theme.members):
        if member.code in first:
            problems.append(source.problem(("members", i, "code"), f"duplicate member {_matter_label(member.code, matters)}, already members[{first[member.code]}]"))
            complete = False
            continue
        first[member.code] = i
        matter = matters.get(member.code)
        if matter is None:
            complete = False
            if present(corpus.root / f"{member.code}.yml"):
                # the matter exists but was not loaded (its own problems are reported, or
                # `guides check FILE` was asked about other files): nothing to say here
                continue
            close = difflib.get_close_matches(member.code, list(matters), n=1, cutoff=0.75)
            hint = f"; did you mean {_matter_label(close[0], matters)}?" if close else ""
            problems.append(source.problem(("members", i, "code"), f"no matter with code '{member.code}' (no file {member.code}.yml in the matters directory){hint}"))
            continue
        valid = matter.option_labels()
        seen: set[str] = set()
        for j, ref in enumerate(member.options):
            if ref in seen:
                problems.append(source.problem(("members", i, "options", j), f"option '{ref}' is listed twice"))
            seen.add(ref)
            if ref not in valid:
                listing = ", ".join(valid) if valid else "none (the matter has no situations)"
                problems.append(source.problem(("members", i, "options", j), f"{_matter_label(member.code, matters)} has no situation option '{ref}'; valid: {listing}"))
                complete = False
    graph: dict[str, list[str]] = {}
    for i, member in enumerate(theme.members):
        seen_deps: set[str] = set()
        for j, dep in enumerate(member.depends_on):
            loc = ("members", i, "depends_on", j)
            if dep == member.code:
                problems.append(source.problem(loc, f"member {_matter_label(dep, matters)} cannot depend on itself"))
                complete = False
            elif dep not in codes:
                problems.append(source.problem(loc, f"depends on {_matter_label(dep, matters)}, which is not a member of this theme; members: {', '.join(dict.fromkeys(codes))}"))
                complete = False
            elif dep in seen_deps:
                problems.append(source.problem(loc, f"dependency '{dep}' is listed twice"))
            seen_deps.add(dep)
        graph.setdefault(member.code, [])
        for dep in member.depends_on:
            if dep in codes and dep != member.code:
                # edges point from a prerequisite to the member waiting for it
                graph.setdefault(dep, []).append(member.code)
    cycle = find_cycle(list(dict.fromkeys(codes)), [(tail, head) for tail, heads in graph.items() for head in heads])
    if cycle:
        complete = False
        # report at the depends_on of the member that waits for the first one in the cycle
        waiting = cycle[1]
        index = codes.index(waiting)
        problems.append(
            source.problem(
                ("members", index, "depends_on"),
                f"dependencies form a cycle: {' → '.join(_matter_label(c, matters) for c in cycle)}; each member must be able to start once its prerequisites are done",
            )
        )
    if theme.form:
        known = {mat.id for code in codes if code in matters for mat in matters[code].materials}
        for j, material_id in enumerate(theme.form.replaces):
            if complete and material_id not in known:
                problems.append(source.problem(("form", "replaces", j), f"no member has a material '{material_id}'; the combined form can only replace members' materials"))
    if not complete:
        return problems, False
    plan = compute_plan(theme, matters)
    if theme.promised_days > plan.critical_days:
        chain = " → ".join(f"{_matter_label(c, matters)} {matters[c].time_limit.promised_days}" for c in plan.critical_path)
        problems.append(
            source.problem(
                ("promised_days",),
                f"theme promises {theme.promised_days} working days, longer than its critical path allows: {plan.critical_days} working days ({chain})",
            )
        )
    visits = plan.savings["visits"].before
    if theme.visits > visits:
        problems.append(source.problem(("visits",), f"theme needs {theme.visits} visits, more than the {visits} its members need one by one"))
    return problems, True


def load_themes(corpus: "Corpus", directory: Directory | None = None) -> tuple[dict[str, ThemePlan], list[Problem]]:
    """Read, check and plan every theme under ``matters/themes/``, by id. With the region
    directory, the intake hall a theme names must be one of its halls."""
    hall_ids = [hall.id for _, hall in directory.halls()] if directory is not None else None
    paths, problems = theme_paths(corpus.root)
    plans: dict[str, ThemePlan] = {}
    for path in paths:
        source = load_yaml(path, display_path(path, corpus.root))
        problems += source.problems
        if source.problems:
            continue
        if not isinstance(source.data, dict):
            problems.append(source.problem((), "expected a mapping of fields at the top of the file"))
            continue
        theme, found = schema_problems(source, Theme)
        problems += found
        if theme is None:
            continue
        found, complete = theme_problems(theme, source, corpus, path.stem)
        if theme.intake.hall and hall_ids is not None and theme.intake.hall not in hall_ids:
            found.append(
                source.problem(
                    ("intake", "hall"),
                    f"地区目录中没有 id 为「{theme.intake.hall}」的办理点；可用的有：{'、'.join(hall_ids) or '（地区目录中没有办理点）'}",
                )
            )
        problems += found
        if complete and not found:
            plans[theme.id] = compute_plan(theme, corpus.matters, source.display)
    return dict(sorted(plans.items())), problems
