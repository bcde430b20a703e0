"""Read ``matters/policy.yml`` into a :class:`~generator.model.policy.Policy`."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from generator.load.matters import display_path
from generator.load.reader import load_yaml, present
from generator.load.validate import explain
from generator.model.policy import POLICY_FILE, RULE_CONFIGS, Policy, RuleConfig
from generator.problems import Problem


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
        return Policy(rules={}), [source.problem((), "expected a mapping with one key, rules: (the rules and their settings)")]
    problems: list[Problem] = [source.problem((key,), "unknown field; expected: rules") for key in data if key != "rules"]
    rules_data = data.get("rules") or {}
    if not isinstance(rules_data, dict):
        return Policy(rules={}), problems + [source.problem(("rules",), "expected a mapping of rule id to its settings")]
    rules: dict[str, RuleConfig] = {}
    for rule_id, settings in rules_data.items():
        rule = RULE_CONFIGS.get(rule_id)
        if rule is None:
            problems.append(source.problem(("rules", rule_id), f"unknown rule '{rule_id}'; known rules: {', '.join(RULE_CONFIGS)}"))
            continue
        try:
            config = rule[1].model_validate(settings if settings is not None else {})
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                problems.append(source.problem(("rules", rule_id) + tuple(error["loc"]), explain(error, rule[1])))
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
