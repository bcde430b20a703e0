"""Policy lints (审核规则): rules a standard must follow beyond its schema.

Configured in one place, ``matters/policy.yml``::

    rules:
      no-catch-all:            # 不得使用兜底条款
        phrases: [其他材料, …]
        patterns: ['其他.{0,6}(材料|条件)']
      promised-time:           # 承诺时限不超过法定时限的一定比例
        max_ratio: 0.5
      max-steps:               # 办理环节数上限
        max_steps: 8
      review-coverage: {}      # 每项材料都有审批要点（共享数据、电子证照替代的除外）

A rule listed there is on (``enabled: false`` switches it off for everyone); a rule not
listed is off. One matter can switch a rule off with a reason::

    waivers:
      - rule: max-steps
        reason: 涉及多部门并联审批，经市审改办同意保留 7 个环节。

A waiver that names a rule which does not exist is itself a problem. Problems are
positioned like every other: ``file:line:col: field.path: [rule-id] message``.

That a promised time never exceeds the statutory one, and that every review point names
an existing material or condition, are enforced by validation itself
(:mod:`generator.load.validate`) for every matter, without a policy; the lints here add what a
region chooses on top (a maximum ratio, coverage of every material).
"""

from __future__ import annotations

import re
from functools import lru_cache
from fractions import Fraction
from typing import TYPE_CHECKING

from generator.load.policy import compile_pattern
from generator.load.reader import SourceFile
from generator.model.matter import Material, Matter
from generator.model.policy import CatchAllConfig, MaxStepsConfig, Policy, PromisedTimeConfig, ReviewCoverageConfig
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@lru_cache(maxsize=8)
def _compact_phrases(phrases: tuple[str, ...]) -> tuple[str, ...]:
    """The phrases without spaces, once per policy: compacting them again for every condition
    and material took 0.9 s of every load at 907 matters."""
    return tuple(compact for compact in map(_compact, phrases) if compact)


@lru_cache(maxsize=8)
def _compiled(patterns: tuple[str, ...]) -> tuple:
    return tuple(compile_pattern(p) for p in patterns)


def check_catch_all(matter: Matter, config: CatchAllConfig) -> list[tuple[tuple, str]]:
    patterns = _compiled(tuple(config.patterns))
    phrases = _compact_phrases(tuple(config.phrases))
    found = []
    targets = [(("conditions", i, "text"), c.text) for i, c in enumerate(matter.conditions)]
    targets += [(("materials", i, "name"), m.name) for i, m in enumerate(matter.materials)]
    for loc, text in targets:
        compact = _compact(text)
        hits = [p for p in phrases if p in compact]
        hits += [m.group(0) for m in (p.search(compact) for p in patterns) if m and m.group(0)]
        if hits:
            hit = max(hits, key=len)  # the most specific wording found
            what = "受理条件" if loc[0] == "conditions" else "申请材料"
            found.append((loc, f"{what}含兜底条款「{hit}」；办事指南不得使用兜底性表述，请逐项列明"))
    return found


def check_promised_time(matter: Matter, config: PromisedTimeConfig) -> list[tuple[tuple, str]]:
    limit = matter.time_limit
    if config.max_ratio is None or not limit.statutory_days:
        return []
    ratio = Fraction(str(config.max_ratio))
    if limit.promised_days <= limit.statutory_days * ratio:
        return []
    allowed = int(limit.statutory_days * ratio)
    percent = f"{float(ratio) * 100:g}%"
    return [
        (
            ("time_limit", "promised_days"),
            f"承诺时限 {limit.promised_days} 个工作日超过法定时限 {limit.statutory_days} 个工作日的 {percent}（最多 {allowed} 个工作日）",
        )
    ]


def check_max_steps(matter: Matter, config: MaxStepsConfig) -> list[tuple[tuple, str]]:
    count = len(matter.steps)
    if count <= config.max_steps:
        return []
    return [(("steps",), f"办理流程有 {count} 个环节，超过上限 {config.max_steps} 个；请合并环节")]


def replaced_by_shared_data(material: Material) -> bool:
    """The applicant hands nothing in: the window takes it from shared data or the
    电子证照 library (``shared_data``, or the form 电子证照), so there is nothing to review."""
    return material.shared_data is not None or material.form == "电子证照"


def check_review_coverage(matter: Matter, config: ReviewCoverageConfig) -> list[tuple[tuple, str]]:
    reviewed = {point.about for point in matter.review_points}
    return [
        (("materials", i, "id"), f"材料「{material.name}」没有审批要点；请在 review_points 中增加 about: {material.id} 的一问一答")
        for i, material in enumerate(matter.materials)
        if material.id not in reviewed and not replaced_by_shared_data(material)
    ]


CHECKS = {
    "no-catch-all": check_catch_all,
    "promised-time": check_promised_time,
    "max-steps": check_max_steps,
    "review-coverage": check_review_coverage,
}


def lint_matter(matter: Matter, source: SourceFile, policy: Policy) -> list[Problem]:
    problems = []
    waived = set()
    for i, waiver in enumerate(matter.waivers):
        if waiver.rule in CHECKS:
            waived.add(waiver.rule)
        else:
            problems.append(source.problem(("waivers", i, "rule"), f"[waivers] 豁免了不存在的规则「{waiver.rule}」；已知规则：{'、'.join(CHECKS)}"))
    for rule_id, config in policy.active():
        if rule_id in waived:
            continue
        for loc, message in CHECKS[rule_id](matter, config):
            problems.append(source.problem(loc, f"[{rule_id}] {message}"))
    return problems


def lint_matters(corpus: "Corpus", policy: Policy) -> list[Problem]:
    problems = []
    for code in sorted(corpus.matters):
        problems += lint_matter(corpus.matters[code], corpus.sources[code], policy)
    return problems
