"""The policy file ``matters/policy.yml``: which review rules (审核规则) are on, and their
settings. The rules themselves are in :mod:`generator.check.policy`."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

POLICY_FILE = "policy.yml"


class RuleConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    enabled: bool = Field(default=True, title="是否启用")


class CatchAllConfig(RuleConfig):
    phrases: list[str] = Field(default_factory=list, max_length=1000, title="兜底表述", description="出现即报告的固定说法。")
    patterns: list[str] = Field(default_factory=list, max_length=200, title="兜底表述（正则）", description="正则表达式（RE2 语法：匹配时间与文字长度成正比；不支持反向引用和环视）。")


class PromisedTimeConfig(RuleConfig):
    max_ratio: float | None = Field(default=None, gt=0, le=1, title="承诺时限占法定时限的最大比例", description="如浙江省 0.5；留空只要求不超过法定时限。")


class MaxStepsConfig(RuleConfig):
    max_steps: int = Field(gt=0, le=1000, title="最多环节数", description="如浙江省 5。")


class ReviewCoverageConfig(RuleConfig):
    pass


# rule id → (title, the model of its settings), in the order rules are reported
RULE_CONFIGS: dict[str, tuple[str, type[RuleConfig]]] = {
    "no-catch-all": ("不得使用兜底条款", CatchAllConfig),
    "promised-time": ("承诺时限比例", PromisedTimeConfig),
    "max-steps": ("办理环节数上限", MaxStepsConfig),
    "review-coverage": ("每项材料都有审批要点", ReviewCoverageConfig),
}


@dataclass(frozen=True)
class Policy:
    """The rules switched on or off, with their settings, keyed by rule id."""

    rules: dict[str, RuleConfig] = field(default_factory=dict)

    def active(self) -> list[tuple[str, RuleConfig]]:
        return [(rule_id, config) for rule_id, config in self.rules.items() if config.enabled]
