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
      review-coverage: {}      # 每项材料都有审批要点

A rule listed there is on (``enabled: false`` switches it off for everyone); a rule not
listed is off. One matter can switch a rule off with a reason::

    waivers:
      - rule: max-steps
        reason: 涉及多部门并联审批，经市审改办同意保留 7 个环节。

A waiver that names a rule which does not exist is itself a problem. Problems are
positioned like every other: ``file:line:col: field.path: [rule-id] message``.

That a promised time never exceeds the statutory one, and that every review point names
an existing material or condition, are enforced by validation itself
(:mod:`generator.validate`) for every matter, without a policy; the lints here add what a
region chooses on top (a maximum ratio, coverage of every material).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from generator.corpus import Corpus, display_path, extension
from generator.loader import SourceFile, load_yaml
from generator.model.matter import Matter
from generator.problems import Problem
from generator.validate import explain

POLICY_FILE = "policy.yml"


class RuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = Field(default=True, title="是否启用")


class CatchAllConfig(RuleConfig):
    phrases: list[str] = Field(default_factory=list, title="兜底表述", description="出现即报告的固定说法。")
    patterns: list[str] = Field(default_factory=list, title="兜底表述（正则）", description="Python 正则表达式。")


class PromisedTimeConfig(RuleConfig):
    max_ratio: float | None = Field(default=None, gt=0, le=1, title="承诺时限占法定时限的最大比例", description="如浙江省 0.5；留空只要求不超过法定时限。")


class MaxStepsConfig(RuleConfig):
    max_steps: int = Field(gt=0, title="最多环节数", description="如浙江省 5。")


class ReviewCoverageConfig(RuleConfig):
    pass


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    config: type[RuleConfig]
    check: Callable[[Matter, SourceFile, Any], list[tuple[tuple, str]]]


@dataclass(frozen=True)
class Policy:
    """The rules switched on, with their configuration, keyed by rule id."""

    rules: dict[str, RuleConfig]

    def active(self) -> list[tuple[Rule, RuleConfig]]:
        return [(RULES[rule_id], config) for rule_id, config in self.rules.items() if config.enabled]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_catch_all(matter: Matter, source: SourceFile, config: CatchAllConfig) -> list[tuple[tuple, str]]:
    patterns = [re.compile(p) for p in config.patterns]
    found = []
    targets = [(("conditions", i, "text"), c.text) for i, c in enumerate(matter.conditions)]
    targets += [(("materials", i, "name"), m.name) for i, m in enumerate(matter.materials)]
    for loc, text in targets:
        compact = _compact(text)
        hits = [_compact(p) for p in config.phrases if _compact(p) and _compact(p) in compact]
        hits += [m.group(0) for m in (p.search(compact) for p in patterns) if m and m.group(0)]
        if hits:
            hit = max(hits, key=len)  # the most specific wording found
            what = "受理条件" if loc[0] == "conditions" else "申请材料"
            found.append((loc, f"{what}含兜底条款「{hit}」；办事指南不得使用兜底性表述，请逐项列明"))
    return found


def check_promised_time(matter: Matter, source: SourceFile, config: PromisedTimeConfig) -> list[tuple[tuple, str]]:
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


def check_max_steps(matter: Matter, source: SourceFile, config: MaxStepsConfig) -> list[tuple[tuple, str]]:
    count = len(matter.steps)
    if count <= config.max_steps:
        return []
    return [(("steps",), f"办理流程有 {count} 个环节，超过上限 {config.max_steps} 个；请合并环节")]


def check_review_coverage(matter: Matter, source: SourceFile, config: ReviewCoverageConfig) -> list[tuple[tuple, str]]:
    reviewed = {point.about for point in matter.review_points}
    return [
        (("materials", i, "id"), f"材料「{material.name}」没有审批要点；请在 review_points 中增加 about: {material.id} 的一问一答")
        for i, material in enumerate(matter.materials)
        if material.id not in reviewed
    ]


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule("no-catch-all", "不得使用兜底条款", CatchAllConfig, check_catch_all),
        Rule("promised-time", "承诺时限比例", PromisedTimeConfig, check_promised_time),
        Rule("max-steps", "办理环节数上限", MaxStepsConfig, check_max_steps),
        Rule("review-coverage", "每项材料都有审批要点", ReviewCoverageConfig, check_review_coverage),
    )
}


def load_policy(root: Path) -> tuple[Policy, list[Problem]]:
    """Read ``root/policy.yml``; no file means no policy rules (validation still applies)."""
    path = root / POLICY_FILE
    if not path.is_file():
        return Policy(rules={}), []
    source = load_yaml(path, display_path(path, root))
    if source.problems:
        return Policy(rules={}), list(source.problems)
    data = source.data
    if not isinstance(data, dict):
        return Policy(rules={}), [source.problem((), "expected a mapping with one key, rules: (the rules and their settings)")]
    problems: list[Problem] = [source.problem((key,), "unknown field; expected: rules") for key in data if key != "rules"]
    rules_data = data.get("rules") or {}
    if not isinstance(rules_data, dict):
        return Policy(rules={}), problems + [source.problem(("rules",), "expected a mapping of rule id to its settings")]
    rules: dict[str, RuleConfig] = {}
    for rule_id, settings in rules_data.items():
        rule = RULES.get(rule_id)
        if rule is None:
            problems.append(source.problem(("rules", rule_id), f"unknown rule '{rule_id}'; known rules: {', '.join(RULES)}"))
            continue
        try:
            config = rule.config.model_validate(settings if settings is not None else {})
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                problems.append(source.problem(("rules", rule_id) + tuple(error["loc"]), explain(error, rule.config)))
            continue
        bad_patterns = []
        for i, pattern in enumerate(getattr(config, "patterns", ())):
            try:
                re.compile(pattern)
            except re.error as exc:
                bad_patterns.append(source.problem(("rules", rule_id, "patterns", i), f"not a valid regular expression: {exc}"))
        problems += bad_patterns
        if not bad_patterns:
            rules[rule_id] = config
    return Policy(rules=rules), problems


def lint_matter(matter: Matter, source: SourceFile, policy: Policy) -> list[Problem]:
    problems = []
    waived = set()
    for i, waiver in enumerate(matter.waivers):
        if waiver.rule in RULES:
            waived.add(waiver.rule)
        else:
            problems.append(source.problem(("waivers", i, "rule"), f"[waivers] 豁免了不存在的规则「{waiver.rule}」；已知规则：{', '.join(RULES)}"))
    for rule, config in policy.active():
        if rule.id in waived:
            continue
        for loc, message in rule.check(matter, source, config):
            problems.append(source.problem(loc, f"[{rule.id}] {message}"))
    return problems


@extension
def policy_problems(corpus: Corpus) -> list[Problem]:
    policy, problems = load_policy(corpus.root)
    corpus.extras["policy"] = policy
    for code in sorted(corpus.matters):
        problems += lint_matter(corpus.matters[code], corpus.sources[code], policy)
    return problems
