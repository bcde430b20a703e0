"""A 一件事 theme's plan, computed from its members: combined materials and conditions, who
waits for whom, the critical path, and the savings against doing the members one by one.
Pure functions of the model; reading and checking theme files is :mod:`generator.load.themes`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from generator.domain import graph
from generator.model.matter import Matter
from generator.model.theme import Member, Theme


@dataclass(frozen=True)
class Use:
    """One member's use of a combined material or condition."""

    code: str
    item_id: str
    name: str
    when: tuple[str, ...]  # labels of the options it applies under; empty = always


class UsedByMembers:
    """A combined material or condition: which members need it, and under which options."""

    uses: list[Use]

    @property
    def members(self) -> list[str]:
        return list(dict.fromkeys(use.code for use in self.uses))

    @property
    def conditional(self) -> list[str]:
        """Option labels it applies under, or [] when some member always needs it."""
        if any(not use.when for use in self.uses):
            return []
        return list(dict.fromkeys(label for use in self.uses for label in use.when))


@dataclass
class CombinedMaterial(UsedByMembers):
    id: str
    name: str
    form: str
    copies: int
    source: str
    required: bool
    uses: list[Use] = field(default_factory=list)
    shared_certificate: str | None = None
    is_combined_form: bool = False
    provided_by: str | None = None  # member whose result it is: passed on inside the theme

    @property
    def other_names(self) -> list[tuple[str, list[str]]]:
        """How members that call it differently write it: (name, codes)."""
        names: dict[str, list[str]] = {}
        for use in self.uses:
            if use.name != self.name:
                names.setdefault(use.name, [])
                if use.code not in names[use.name]:
                    names[use.name].append(use.code)
        return list(names.items())


@dataclass
class CombinedCondition(UsedByMembers):
    text: str
    uses: list[Use] = field(default_factory=list)


@dataclass(frozen=True)
class Saving:
    before: int
    after: int

    @property
    def saved(self) -> int:
        return self.before - self.after

    @property
    def percent(self) -> int | None:
        if self.before == 0:
            return None
        value = Fraction(self.saved * 100, self.before)
        return int(value + Fraction(1, 2)) if value >= 0 else -int(-value + Fraction(1, 2))

    def as_dict(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "saved": self.saved, "percent": self.percent}


SAVING_LABELS = {"materials": "申请材料", "time": "办理时限", "steps": "办理环节", "visits": "跑动次数"}
SAVING_SHORT = {"materials": "减材料", "time": "减时限", "steps": "减环节", "visits": "减跑动"}
SAVING_UNITS = {"materials": "份", "time": "个工作日", "steps": "个", "visits": "次"}


@dataclass
class ThemePlan:
    """A theme with everything computed from its members."""

    theme: Theme
    matters: dict[str, Matter]  # members by code, in theme order
    materials: list[CombinedMaterial]
    conditions: list[CombinedCondition]
    applicable_counts: dict[str, int]
    finish: dict[str, int]  # earliest finish (working days after intake) of each member
    critical_path: list[str]
    critical_days: int
    theme_steps: int
    savings: dict[str, Saving]
    source: str  # the theme file as the user would type it

    def start(self, code: str) -> int:
        return self.finish[code] - self.matters[code].time_limit.promised_days


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def selected_options(member: Member) -> dict[str, set[str]]:
    chosen: dict[str, set[str]] = {}
    for ref in member.options:
        chosen.setdefault(ref.split(".", 1)[0], set()).add(ref)
    return chosen


def applies(when: list[str], chosen: dict[str, set[str]]) -> bool:
    if not when:
        return True
    return any(ref.split(".", 1)[0] not in chosen or ref in chosen[ref.split(".", 1)[0]] for ref in when)


def _when_labels(matter: Matter, when: list[str], chosen: dict[str, set[str]]) -> tuple[str, ...]:
    """Labels of the options an item still depends on. An option the theme selected is no
    longer a condition, so an item needed under a selected option counts as always needed."""
    if not when:
        return ()
    if any(ref in chosen.get(ref.split(".", 1)[0], ()) for ref in when):
        return ()
    labels = matter.option_labels()
    return tuple(labels[ref] for ref in when if ref.split(".", 1)[0] not in chosen)


def member_steps_in_theme(matter: Matter) -> int:
    """Steps of a member that stay in the theme: all but its own first step and last steps,
    which the one intake window and the one exit window take over."""
    targets = {n for step in matter.steps for n in step.next}
    first = {step.id for step in matter.steps if step.id not in targets}
    last = {step.id for step in matter.steps if not step.next}
    return len([step for step in matter.steps if step.id not in first | last])


def compute_plan(theme: Theme, matters: dict[str, Matter], source: str = "") -> ThemePlan:
    members = {m.code: matters[m.code] for m in theme.members}
    replaced = set(theme.form.replaces) if theme.form else set()
    groups: list[CombinedMaterial] = []
    by_id: dict[str, CombinedMaterial] = {}
    by_name: dict[str, CombinedMaterial] = {}
    form_group: CombinedMaterial | None = None
    counts: dict[str, int] = {}
    conditions: dict[str, CombinedCondition] = {}
    for member in theme.members:
        matter = members[member.code]
        chosen = selected_options(member)
        applicable = [mat for mat in matter.materials if applies(mat.when, chosen)]
        counts[member.code] = len(applicable)
        for mat in applicable:
            use = Use(member.code, mat.id, mat.name, _when_labels(matter, mat.when, chosen))
            if mat.id in replaced:
                if form_group is None:
                    form_group = CombinedMaterial(
                        id="combined-form", name=theme.form.name, form="原件", copies=1, source="申请人自备", required=True, is_combined_form=True
                    )
                    groups.append(form_group)
                form_group.uses.append(use)
                continue
            name_key = _compact(mat.name)
            group = by_name.get(name_key) or (by_id.get(mat.id) if not mat.blank_form else None)
            if group is None:
                group = CombinedMaterial(
                    id=mat.id,
                    name=mat.name,
                    form=mat.form,
                    copies=mat.copies,
                    source=mat.source,
                    required=mat.required,
                    shared_certificate=mat.shared_data.certificate if mat.shared_data else None,
                )
                groups.append(group)
            else:
                group.copies = max(group.copies, mat.copies)
                group.required = group.required or mat.required
                # the applicant is spared the paper only if every member accepts the shared data
                if not mat.shared_data:
                    group.shared_certificate = None
            group.uses.append(use)
            by_name.setdefault(name_key, group)
            if not mat.blank_form:
                by_id.setdefault(mat.id, group)
        for cond in matter.conditions:
            if not applies(cond.when, chosen):
                continue
            key = _compact(cond.text)
            combined = conditions.setdefault(key, CombinedCondition(text=cond.text))
            combined.uses.append(Use(member.code, cond.id, cond.text, _when_labels(matter, cond.when, chosen)))

    _mark_provided(theme, members, groups)
    finish, critical = critical_path(theme, members)
    critical_days = finish[critical[-1]] if critical else 0
    theme_steps = 2 + sum(member_steps_in_theme(matter) for matter in members.values())
    savings = {
        "materials": Saving(sum(counts.values()), len([g for g in groups if not g.provided_by])),
        "time": Saving(sum(m.time_limit.promised_days for m in members.values()), critical_days),
        "steps": Saving(sum(len(m.steps) for m in members.values()), theme_steps),
        "visits": Saving(sum(m.visits for m in members.values()), theme.visits),
    }
    return ThemePlan(
        theme=theme,
        matters=members,
        materials=groups,
        conditions=list(conditions.values()),
        applicable_counts=counts,
        finish=finish,
        critical_path=critical,
        critical_days=critical_days,
        theme_steps=theme_steps,
        savings=savings,
        source=source,
    )


def member_edges(theme: Theme) -> list[tuple[str, str]]:
    """The theme as a graph of its members: an edge from each prerequisite to the member
    that waits for its result (``depends_on``), in file order."""
    return [(dep, member.code) for member in theme.members for dep in member.depends_on]


def _mark_provided(theme: Theme, members: dict[str, Matter], groups: list[CombinedMaterial]) -> None:
    """A material that is the result of a member every user waits for (the 营业执照 issued
    by the registration member) is passed on inside the theme: the applicant brings nothing."""
    before = graph.prerequisites([m.code for m in theme.members], member_edges(theme))
    results = {code: _compact(matter.result.name) for code, matter in members.items()}
    for group in groups:
        if group.is_combined_form:
            continue
        names = {_compact(use.name) for use in group.uses}
        for code in members:
            if results[code] in names and all(code in before[use.code] for use in group.uses):
                group.provided_by = code
                break


def critical_path(theme: Theme, matters: dict[str, Matter]) -> tuple[dict[str, int], list[str]]:
    """Earliest finish of every member and the longest chain of dependencies, by
    :func:`generator.domain.graph.longest_path` on the members (days = promised days): the
    rule of the theme's diagram, so the page and the diagram show the same path."""
    found = graph.longest_path(
        [m.code for m in theme.members], member_edges(theme), {m.code: matters[m.code].time_limit.promised_days for m in theme.members}
    )
    return found.finish, found.path


# ---------------------------------------------------------------------------------------------
# loading and validation
