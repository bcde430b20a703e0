"""The region directory against the matters: who implements what, and where.

Errors: an agency's credit code with a wrong check digit, two agencies of one region with the
same function (a fact from two places), a region that handles a matter at its level without
an agency of the matter's function, an implementation with no 行政复议机关 or court to name.
Warnings (gaps that do not make the input wrong): a level with no hall, a hall with nothing to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.domain.codes import credit_code_problem
from generator.domain.directory import SERVED_FROM_ABOVE, Directory
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
                    corpus.sources[code].problem(("levels", i), f"[coverage] {directory.display} 中没有{level}办理点：本事项在{level}无处可办；请在地区目录中增加{level}办理点，或从 levels 中删去{level}")
                )
    paths, _ = matter_paths(corpus.root)
    if len(paths) == len(corpus.matters):  # a check of some files only cannot judge the halls
        exercised = {level for matter in corpus.matters.values() for level in matter.levels}
        source = directory.source
        for place in directory.places.values():
            for j, hall in enumerate(place.region.halls):
                if hall.level not in exercised:
                    warnings.append(
                        source.problem(place.loc + ("halls", j, "level"), f"[coverage] 办理点{hall.name}服务{hall.level}，但没有事项在{hall.level}行使；请给相应事项的 levels 加上{hall.level}，或改正办理点的层级")
                    )
    return warnings


def example_credit_codes(directory: Directory) -> list[Problem]:
    """One warning listing every credit code marked ``credit_code_confirmed: false``."""
    source = directory.source
    if source is None:
        return []
    examples = [
        (place, i, agency)
        for place in directory.places.values()
        for i, agency in enumerate(place.region.agencies)
        if not agency.credit_code_confirmed
    ]
    if not examples:
        return []
    place, i, _ = examples[0]
    listed = "；".join(f"{agency.name} {agency.credit_code}" for _, _, agency in examples)
    return [
        source.problem(
            place.loc + ("agencies", i, "credit_code_confirmed"),
            f"[example-credit-code] {len(examples)} 个机关的统一社会信用代码是示例，未经核实，发布前须核对：{listed}",
        )
    ]


def agency_problems(directory: Directory) -> list[Problem]:
    """Credit codes that fail their check digit or are used twice, and a function claimed by
    two agencies of the same region."""
    source = directory.source
    if source is None:
        return []
    problems: list[Problem] = []
    credit_codes: dict[str, tuple] = {}
    for place in directory.places.values():
        functions: dict[str, tuple] = {}
        for i, agency in enumerate(place.region.agencies):
            loc = place.loc + ("agencies", i)
            wrong = credit_code_problem(agency.credit_code)
            if wrong:
                problems.append(source.problem(loc + ("credit_code",), wrong))
            if agency.credit_code in credit_codes:
                line, _ = source.where(credit_codes[agency.credit_code])
                problems.append(source.problem(loc + ("credit_code",), f"统一社会信用代码 {agency.credit_code} 已在第{line}行用于另一个机关；一个代码只属于一个机关"))
            else:
                credit_codes[agency.credit_code] = loc + ("credit_code",)
            for j, function in enumerate(agency.functions):
                if function in functions:
                    line, _ = source.where(functions[function])
                    problems.append(
                        source.problem(
                            loc + ("functions", j),
                            f"{place.region.name}已有机关在第{line}行承担「{function}」职能；同一地区一个职能只能由一个机关实施，请删去一处",
                        )
                    )
                else:
                    functions[function] = loc + ("functions", j)
    return problems


def implementation_problems(corpus: "Corpus", directory: Directory) -> list[Problem]:
    """Every hall that handles a matter must have an agency to implement it, and every
    implementation remedy bodies to name: no silent default to another place's office."""
    source = directory.source
    if source is None:
        return []
    problems: list[Problem] = []
    missing_remedy: set[tuple[str, str]] = set()
    for code in sorted(corpus.matters):
        matter = corpus.matters[code]
        matter_source = corpus.sources[code]
        reported: set[str] = set()
        for place, hall in directory.halls():
            if hall.level not in matter.levels or place.code in reported:
                continue
            implementation = directory.implementation(matter, place)
            if implementation is None:
                reported.add(place.code)
                # the position is read only for a problem: a cached matter is never parsed again
                line, col = matter_source.where(("department",))
                above = "（乡镇、村可由上级县（区）的机关实施，但上级也没有）" if place.region.level in SERVED_FROM_ABOVE else ""
                problems.append(
                    source.problem(
                        place.loc + ("agencies",),
                        f"{place.region.name}有{hall.level}办理点（{hall.name}），{matter_source.display}:{line}:{col} 的「{matter.name}」在{hall.level}办理、由「{matter.department}」实施，"
                        f"但{place.region.name}没有承担这一职能的机关{above}；请在这里的 agencies 中写明实施机关及其统一社会信用代码，或从该事项的 levels 中去掉{hall.level}",
                    )
                )
                continue
            home = implementation.place
            for field, label, value in (("government", "行政复议机关（本级人民政府）", implementation.reconsideration_body), ("court", "行政诉讼管辖法院", implementation.court)):
                if not value and (home.code, field) not in missing_remedy:
                    missing_remedy.add((home.code, field))
                    problems.append(
                        source.problem(
                            home.loc + (field,),
                            f"{implementation.agency.name}实施的事项（如 {matter_source.display} 的「{matter.name}」）没有可告知的{label}：请给{home.region.name}或其上级地区写 {field}",
                        )
                    )
    return problems


def service_problems(corpus: "Corpus", directory: Directory) -> list[Problem]:
    """The local service elements of each hall: a daily quota names a window of the hall or a
    matter that exists, once each; a self-service terminal names matters that exist."""
    source = directory.source
    if source is None:
        return []
    problems: list[Problem] = []
    paths, _ = matter_paths(corpus.root)
    whole = len(paths) == len(corpus.matters)  # a check of some files only cannot judge the codes
    known = "、".join(sorted(corpus.matters)) if len(corpus.matters) <= 12 else f"共 {len(corpus.matters)} 个事项，见 matters/"
    for place in directory.places.values():
        for j, hall in enumerate(place.region.halls):
            hall_loc = place.loc + ("halls", j)
            windows = [w.name for w in hall.windows]
            seen: dict[tuple, int] = {}
            for k, quota in enumerate(hall.appointment.quotas if hall.appointment else ()):
                loc = hall_loc + ("appointment", "quotas", k)
                if quota.window is not None and quota.window not in windows:
                    problems.append(source.problem(loc + ("window",), f"预约名额写的窗口「{quota.window}」不是{hall.name}的窗口；可用的有：{'、'.join(windows)}"))
                if quota.matter is not None and whole and quota.matter not in corpus.matters:
                    problems.append(source.problem(loc + ("matter",), f"预约名额写的事项 {quota.matter} 不存在（matters/ 中没有 {quota.matter}.yml）；已有的事项：{known}"))
                target = (quota.window, quota.matter)
                if target in seen:
                    what = f"事项 {quota.matter}" if quota.matter else f"窗口「{quota.window}」" if quota.window else "整个办理点"
                    problems.append(source.problem(loc, f"{what}的每日预约名额已在第 {seen[target] + 1} 条写过；每个窗口、事项或整个办理点只写一条"))
                seen.setdefault(target, k)
            for k, terminal in enumerate(hall.self_service_terminals):
                for m, code in enumerate(terminal.matters):
                    if whole and code not in corpus.matters:
                        problems.append(
                            source.problem(hall_loc + ("self_service_terminals", k, "matters", m), f"自助终端写的事项 {code} 不存在（matters/ 中没有 {code}.yml）；已有的事项：{known}")
                        )
    return problems
