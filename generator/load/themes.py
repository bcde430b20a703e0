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
            problems.append(Problem(display_path(path, root), 1, 1, "", "一件事主题的文件名应为主题标识加 .yml，只用小写字母、数字和连字符，例如 open-restaurant.yml；请改文件名"))
    return paths, problems


def _matter_label(code: str, matters: dict[str, Matter]) -> str:
    matter = matters.get(code)
    return f"{code}（{matter.name}）" if matter else code


def theme_problems(theme: Theme, source: SourceFile, corpus: "Corpus", stem: str) -> tuple[list[Problem], bool]:
    """Cross-references of one theme; the bool says whether its plan can be computed."""
    problems: list[Problem] = []
    complete = True
    if theme.id != stem:
        problems.append(source.problem(("id",), f"主题标识「{theme.id}」与文件名 {stem}.yml 不一致；文件名应为主题标识，请改正其中一处"))
    matters = corpus.matters
    codes = [m.code for m in theme.members]
    first: dict[str, int] = {}
    for i, member in enumerate(theme.members):
        if member.code in first:
            problems.append(source.problem(("members", i, "code"), f"成员 {_matter_label(member.code, matters)} 重复，members[{first[member.code]}] 已经写过；每个事项只写一次，请删去这一项"))
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
            hint = f"；是不是 {_matter_label(close[0], matters)}？" if close else ""
            problems.append(source.problem(("members", i, "code"), f"没有基本编码为 {member.code} 的事项（matters 目录中没有 {member.code}.yml）{hint or '；请核对编码'}"))
            continue
        valid = matter.option_labels()
        seen: set[str] = set()
        for j, ref in enumerate(member.options):
            if ref in seen:
                problems.append(source.problem(("members", i, "options", j), f"情形选项「{ref}」写了两次；请删去一处"))
            seen.add(ref)
            if ref not in valid:
                listing = "、".join(valid) if valid else "无（该事项没有办理情形）"
                problems.append(source.problem(("members", i, "options", j), f"{_matter_label(member.code, matters)} 没有情形选项「{ref}」；可用的有：{listing}"))
                complete = False
    graph: dict[str, list[str]] = {}
    for i, member in enumerate(theme.members):
        seen_deps: set[str] = set()
        for j, dep in enumerate(member.depends_on):
            loc = ("members", i, "depends_on", j)
            if dep == member.code:
                problems.append(source.problem(loc, f"成员 {_matter_label(dep, matters)} 不能依赖自己；请删去这一项"))
                complete = False
            elif dep not in codes:
                problems.append(source.problem(loc, f"依赖的 {_matter_label(dep, matters)} 不是本主题的成员；成员有：{'、'.join(dict.fromkeys(codes))}。请把它加入 members，或删去这一项"))
                complete = False
            elif dep in seen_deps:
                problems.append(source.problem(loc, f"依赖 {_matter_label(dep, matters)} 写了两次；请删去一处"))
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
                f"依赖成环：{' → '.join(_matter_label(c, matters) for c in cycle)}；每个成员都要能在前置事项办完后开始，请删去环中的一条依赖",
            )
        )
    if theme.form:
        known = {mat.id for code in codes if code in matters for mat in matters[code].materials}
        for j, material_id in enumerate(theme.form.replaces):
            if complete and material_id not in known:
                problems.append(source.problem(("form", "replaces", j), f"没有哪个成员事项有标识为「{material_id}」的材料；合并表单只能替代成员事项的材料，请核对标识或删去这一项"))
    if not complete:
        return problems, False
    plan = compute_plan(theme, matters)
    if theme.promised_days > plan.critical_days:
        chain = " → ".join(f"{_matter_label(c, matters)}{matters[c].time_limit.promised_days}个工作日" for c in plan.critical_path)
        problems.append(
            source.problem(
                ("promised_days",),
                f"主题承诺 {theme.promised_days} 个工作日，比关键路径还长：关键路径只需 {plan.critical_days} 个工作日（{chain}）；请把 promised_days 改为不超过 {plan.critical_days}",
            )
        )
    visits = plan.savings["visits"].before
    if theme.visits > visits:
        problems.append(source.problem(("visits",), f"主题的到现场次数 {theme.visits} 次，比各成员事项分别办理合计的 {visits} 次还多；请把 visits 改为不超过 {visits}"))
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
            problems.append(source.problem((), "文件顶层应为若干“字段: 值”（id: …、name: … 每个一行，不缩进）"))
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
