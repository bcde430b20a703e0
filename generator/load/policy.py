"""Read ``matters/policy.yml`` into a :class:`~generator.model.policy.Policy`."""

from __future__ import annotations

import difflib

from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.load.matters import display_path
from generator.load.reader import load_yaml, present
from generator.load.messages import explain
from generator.model.policy import POLICY_FILE, RULE_CONFIGS, Policy, RuleConfig
from generator.problems import Problem


MAX_PATTERN_LENGTH = 500


@lru_cache(maxsize=1024)
def _guess(rule_id: str) -> str:
    close = difflib.get_close_matches(rule_id, list(RULE_CONFIGS), n=1, cutoff=0.6)
    return f"，是不是 {close[0]}？" if close else "；"


def compile_pattern(pattern: str) -> Any:
    """A policy pattern compiled with RE2: matching takes time linear in the text, whatever
    the pattern, so no pattern can stall ``guides check`` or the build (Python's engine
    backtracks: ``(a+)+$`` takes minutes on forty letters). RE2 has no backreferences and no
    lookaround; such a pattern is a problem of the policy file (:func:`pattern_problem`)."""
    import re2

    options = re2.Options()
    options.log_errors = False  # the problem is reported in our words, not on stderr
    options.max_mem = 8 << 20  # a pattern that needs more (x{1000}{1000}) is refused
    return re2.compile(pattern, options)


def pattern_problem(pattern: str) -> str | None:
    """Why ``pattern`` cannot be used (None: it can)."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"正则表达式过长：最多 {MAX_PATTERN_LENGTH} 个字符，实际 {len(pattern)} 个"
    try:
        compile_pattern(pattern)
    except Exception as exc:  # re2.error, with the reason as bytes
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        return f"不是可用的正则表达式：{reason}（RE2 语法：不支持反向引用 \\1 和环视 (?=…)）"
    return None


def load_policy(root: Path) -> tuple[Policy, list[Problem]]:
    """Read ``root/policy.yml``; no file means no policy rules (validation still applies)."""
    path = root / POLICY_FILE
    if not present(path):
        return Policy(rules={}), []
    source = load_yaml(path, display_path(path, root))
    if source.problems:
        return Policy(rules={}), list(source.problems)
    data = source.data
    if not isinstance(data, dict):
        return Policy(rules={}), [source.problem((), "文件顶层应只有一个字段 rules:，其下写各条规则及其设置")]
    problems: list[Problem] = [source.problem((key,), "没有这个字段；policy.yml 顶层只有 rules") for key in data if key != "rules"]
    rules_data = data.get("rules") or {}
    if not isinstance(rules_data, dict):
        return Policy(rules={}), problems + [source.problem(("rules",), "rules 下应为若干“规则标识: 设置”，每条一行，例如 max-steps: {max_steps: 8}")]
    rules: dict[str, RuleConfig] = {}
    for rule_id, settings in rules_data.items():
        rule = RULE_CONFIGS.get(rule_id)
        if rule is None:
            problems.append(source.problem(("rules", rule_id), f"没有「{rule_id}」这条规则{_guess(str(rule_id))}已知规则：{'、'.join(RULE_CONFIGS)}"))
            continue
        try:
            config = rule[1].model_validate(settings if settings is not None else {})
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                problems.append(source.problem(("rules", rule_id) + tuple(error["loc"]), explain(error, rule[1], source)))
            continue
        bad_patterns = []
        for i, pattern in enumerate(getattr(config, "patterns", ())):
            problem = pattern_problem(pattern)
            if problem:
                bad_patterns.append(source.problem(("rules", rule_id, "patterns", i), problem))
        problems += bad_patterns
        if not bad_patterns:
            rules[rule_id] = config
    return Policy(rules=rules), problems
