"""一件事 themes (一事联办): several matters handled as one thing, computed from the members.

A theme file (``matters/themes/<id>.yml``, model :class:`generator.model.theme.Theme`) names
its members and their situation options, who waits for whose result, the one window and
what the theme promises. Everything shown to the applicant is computed here from the member
matters, never typed, so a theme can never disagree with the standards it is built from.

Which of a member's materials and conditions apply
    An item with no ``when`` always applies. For a situation where the theme lists options
    (``options: [applicant.company]``), an item applies only if one of its ``when`` options is
    listed; a situation the theme does not mention stays open (the applicant still chooses),
    so its items are kept with their 适用 note. Items that apply only under options the theme
    did not select are left out.

Combined materials (一次告知)
    Members in file order; each applicable material joins the first group it matches,
    otherwise starts a new one. Two materials are the same document when they have the same
    id, or the same name (whitespace ignored). A material with a ``blank_form`` is that
    department's own form, so it is matched by name only: two departments' forms that share
    the id ``application-form`` are still two forms. With a 一表式 form (``form.replaces``),
    every applicable material whose id is listed is folded into that one form. A group lists
    every member that uses it; it is conditional (shown with 适用) only if every use is.

Combined conditions
    Applicable conditions of all members, one per distinct text (whitespace ignored), each
    with the members that set it.

Critical path
    Each member takes its promised days (``time_limit.promised_days``) and starts when every
    member it ``depends_on`` has finished; the others start at intake, in parallel. The
    critical path is the longest chain; its length is the combined time. The theme's own
    ``promised_days`` may not be longer (``guides check`` reports it).

Savings, theme versus the members done one by one (before → after, saved, percent)
    * 材料 materials: sum over members of their applicable materials → number of combined
      materials the applicant still hands in. A combined material that is the result of a
      member every user waits for (the 营业执照 issued by the registration member, matched by
      its result name) is passed on inside the theme: it stays in the list, marked, and is not
      counted.
    * 时限 time: sum of the members' promised days → the critical path in days.
    * 环节 steps: sum of the members' step counts → the theme's steps: one intake, plus every
      member's steps other than its own first step (受理) and last steps (送达/出件, steps with
      no ``next``), plus one exit.
    * 跑动 visits: sum of the members' ``visits`` → the theme's ``visits``.
    saved = before − after; percent = saved / before, rounded half up to a whole percent
    (none when before is 0).

Outputs (registered as an output module of the plugin)
    ``themes/<id>/`` the page (savings with their definitions, members linked to their one
    standard page, combined materials with the members that use each, combined conditions,
    the joint diagram inline); ``themes/<id>/flow.svg`` the joint diagram, drawn by
    :mod:`generator.diagrams` (one intake, members in department lanes, parallel members on
    one rank, the critical path thick); ``themes/<id>/notice.pdf`` the combined 一次性告知单,
    typeset by :mod:`generator.slips`; ``api/v1/themes/<id>.json``; ``themes/`` the index
    (``一件事`` in the navigation); the ``themes`` key of ``api/v1/catalogue.json``
    (:func:`theme_summaries`). The SVG and the PDF are cached by content hash.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from generator import chinese
from generator.cache import ArtifactCache
from generator.corpus import Corpus, display_path, extension
from generator.loader import SourceFile, load_yaml
from generator.model.matter import Matter
from generator.model.theme import Member, Theme
from generator.problems import Problem
from generator.validate import find_cycle, schema_problems

THEMES_DIR = "themes"
THEME_FILE = re.compile(r"^[a-z][a-z0-9-]*\.yml$")
EDITOR_SCHEMA = Path("schema/theme.schema.json")


# ---------------------------------------------------------------------------------------------
# computed model


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


def _prerequisites(theme: Theme) -> dict[str, set[str]]:
    """Every member's prerequisites, direct and indirect."""
    deps = {m.code: set(m.depends_on) for m in theme.members}
    closure: dict[str, set[str]] = {}

    def close(code: str) -> set[str]:
        if code not in closure:
            closure[code] = set()
            for dep in deps.get(code, ()):
                closure[code] |= {dep} | close(dep)
        return closure[code]

    for code in deps:
        close(code)
    return closure


def _mark_provided(theme: Theme, members: dict[str, Matter], groups: list[CombinedMaterial]) -> None:
    """A material that is the result of a member every user waits for (the 营业执照 issued
    by the registration member) is passed on inside the theme: the applicant brings nothing."""
    before = _prerequisites(theme)
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
    """Earliest finish of every member and the longest chain of dependencies (ties: file order)."""
    order = [m.code for m in theme.members]
    deps = {m.code: list(m.depends_on) for m in theme.members}
    finish: dict[str, int] = {}

    def earliest(code: str) -> int:
        if code not in finish:
            start = max((earliest(d) for d in deps[code]), default=0)
            finish[code] = start + matters[code].time_limit.promised_days
        return finish[code]

    for code in order:
        earliest(code)
    if not order:
        return finish, []
    end = max(order, key=lambda c: (finish[c], -order.index(c)))
    path = [end]
    while deps[path[-1]]:
        path.append(max(deps[path[-1]], key=lambda c: (finish[c], -order.index(c))))
    return finish, path[::-1]


# ---------------------------------------------------------------------------------------------
# loading and validation


def theme_paths(root: Path) -> tuple[list[Path], list[Problem]]:
    folder = root / THEMES_DIR
    if not folder.is_dir():
        return [], []
    paths, problems = [], []
    for path in sorted(folder.iterdir()):
        if path.is_dir() or path.name.startswith("."):
            continue
        if THEME_FILE.match(path.name):
            paths.append(path)
        else:
            problems.append(Problem(display_path(path, root), 1, 1, "", "theme file name must be the theme id and .yml, e.g. open-restaurant.yml"))
    return paths, problems


def _matter_label(code: str, matters: dict[str, Matter]) -> str:
    matter = matters.get(code)
    return f"{code}（{matter.name}）" if matter else code


def theme_problems(theme: Theme, source: SourceFile, corpus: Corpus, stem: str) -> tuple[list[Problem], bool]:
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
            if (corpus.root / f"{member.code}.yml").is_file():
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
    cycle = find_cycle({code: graph.get(code, []) for code in codes})
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


@extension
def themes_problems(corpus: Corpus) -> list[Problem]:
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
        problems += found
        if complete and not found:
            plans[theme.id] = compute_plan(theme, corpus.matters, source.display)
    corpus.extras["themes"] = dict(sorted(plans.items()))
    return problems


def theme_plans(corpus: Corpus) -> list[ThemePlan]:
    return list(corpus.extras.get("themes", {}).values())


# ---------------------------------------------------------------------------------------------
# schema


def theme_schema() -> dict[str, Any]:
    from generator.schema import _Draft202012

    schema = Theme.model_json_schema(schema_generator=_Draft202012, mode="validation")
    schema["title"] = "一件事主题（一事联办）"
    schema["description"] = "一件事主题：成员事项、前置关系、一窗受理和承诺。合并材料、联办流程图和减材料减时限等成效由成员事项计算得出。由 generator/model/theme.py 生成，请勿手改。"
    return schema


def write_theme_schema(root: Path = Path(".")) -> Path:
    from generator.schema import schema_text

    target = root / EDITOR_SCHEMA
    target.parent.mkdir(parents=True, exist_ok=True)
    text = schema_text(theme_schema())
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return target


# ---------------------------------------------------------------------------------------------
# published forms: JSON, joint diagram, page, notice PDF

DEFINITIONS = {
    "materials": "逐个办理：各成员事项在本主题情形下适用的申请材料份数之和；一件事：合并后申请人需提交的材料数（同一材料只交一次，一表式申请表替代各事项的申请表，前一事项的办理结果在窗口内部流转、不再提交）。",
    "time": "逐个办理：各成员事项承诺时限之和；一件事：按前置关系并联办理的关键路径时长，即最长一串前后相继事项的承诺时限之和。",
    "steps": "逐个办理：各成员事项办理环节数之和；一件事：一个综合受理环节，加上各事项除自身受理和送达以外的环节，再加一个统一出件环节。",
    "visits": "逐个办理：各成员事项到现场次数之和；一件事：本主题承诺的到现场次数。",
}


def theme_url(theme_id: str) -> str:
    return f"themes/{theme_id}/"


def theme_json_path(theme_id: str) -> str:
    return f"api/v1/themes/{theme_id}.json"


def theme_document(plan: ThemePlan, corpus: Corpus) -> dict[str, Any]:
    """The published JSON of one theme (``api/v1/themes/<id>.json``), with a fingerprint."""
    from generator import standard

    theme = plan.theme
    critical = set(plan.critical_path)
    members = []
    for member in theme.members:
        matter = plan.matters[member.code]
        labels = matter.option_labels()
        members.append(
            {
                "code": matter.code,
                "name": matter.name,
                "department": {"name": matter.department.name, "credit_code": matter.department.credit_code},
                "role": member.role,
                "options": [{"ref": ref, "label": labels[ref]} for ref in member.options],
                "depends_on": list(member.depends_on),
                "promised_days": matter.time_limit.promised_days,
                "start_day": plan.start(matter.code),
                "finish_day": plan.finish[matter.code],
                "on_critical_path": matter.code in critical,
                "applicable_materials": plan.applicable_counts[matter.code],
                "steps": len(matter.steps),
                "visits": matter.visits,
                "result": matter.result.name,
                "version": matter.version,
                "fingerprint": corpus.fingerprint(matter.code),
                "url": f"matters/{matter.code}/",
                "json": f"api/v1/matters/{matter.code}.json",
            }
        )
    document = {
        "id": theme.id,
        "name": theme.name,
        "summary": theme.summary,
        "audience": list(theme.audience),
        "audience_note": theme.audience_note,
        "keywords": list(theme.keywords),
        "intake": theme.intake.model_dump(mode="json"),
        "form": theme.form.model_dump(mode="json") if theme.form else None,
        "promised_days": theme.promised_days,
        "visits": theme.visits,
        "consult_phone": theme.consult_phone,
        "members": members,
        "materials": [
            {
                "id": group.id,
                "name": group.name,
                "form": group.form,
                "copies": group.copies,
                "source": group.source,
                "required": group.required,
                "combined_form": group.is_combined_form,
                "provided_by": group.provided_by,
                "shared_certificate": group.shared_certificate,
                "when": group.conditional,
                "members": group.members,
                "member_items": [{"code": use.code, "id": use.item_id, "name": use.name} for use in group.uses],
            }
            for group in plan.materials
        ],
        "conditions": [{"text": c.text, "when": c.conditional, "members": c.members} for c in plan.conditions],
        "critical_path": {"days": plan.critical_days, "members": list(plan.critical_path)},
        "theme_steps": plan.theme_steps,
        "savings": {key: saving.as_dict() for key, saving in plan.savings.items()},
        "definitions": dict(DEFINITIONS),
        "url": theme_url(theme.id),
        "notice_pdf": f"{theme_url(theme.id)}notice.pdf",
        "flow_svg": f"{theme_url(theme.id)}flow.svg",
    }
    document["fingerprint"] = standard.fingerprint(document)
    return document


def theme_json(plan: ThemePlan, corpus: Corpus) -> str:
    return json.dumps(theme_document(plan, corpus), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def theme_summaries(corpus: Corpus) -> list[dict[str, Any]]:
    """One line per theme for the catalogue (``api/v1/catalogue.json``): members and savings."""
    summaries = []
    for plan in theme_plans(corpus):
        theme = plan.theme
        summaries.append(
            {
                "id": theme.id,
                "name": theme.name,
                "summary": theme.summary,
                "members": [m.code for m in theme.members],
                "promised_days": theme.promised_days,
                "critical_path_days": plan.critical_days,
                "visits": theme.visits,
                "savings": {key: saving.as_dict() for key, saving in plan.savings.items()},
                "url": theme_url(theme.id),
                "json": theme_json_path(theme.id),
                "notice_pdf": f"{theme_url(theme.id)}notice.pdf",
            }
        )
    return summaries


def catalogue_section(corpus: Corpus) -> dict[str, Any]:
    """The ``themes`` key of ``api/v1/catalogue.json`` (hook ``catalogue.CATALOGUE_SECTIONS``)."""
    return {"themes": theme_summaries(corpus)}


# --- the joint flow diagram, drawn by generator.diagrams like every matter's own


def joint_graph(plan: ThemePlan):
    """One intake, the members in their departments' lanes (in parallel unless one waits for
    another's result), one exit. A member's box takes its promised days, so the diagram's
    critical path is the theme's."""
    from generator import diagrams

    theme = plan.theme
    nodes = [diagrams.FlowNode("intake", "一窗受理", (theme.intake.window,), 0)]
    for member in theme.members:
        matter = plan.matters[member.code]
        details = [member.role]
        if member.depends_on:
            details.append("凭" + "、".join(dict.fromkeys(plan.matters[d].result.name for d in member.depends_on)) + "办理")
        nodes.append(diagrams.FlowNode(f"m{member.code}", matter.name, tuple(details), matter.time_limit.promised_days, lane=matter.department.name))
    nodes.append(diagrams.FlowNode("exit", "统一出件", (theme.intake.exit_window,), 0))
    waiting = {m.code for m in theme.members if m.depends_on}
    needed = {dep for m in theme.members for dep in m.depends_on}
    edges = [("intake", f"m{m.code}") for m in theme.members if m.code not in waiting]
    edges += [(f"m{dep}", f"m{m.code}") for m in theme.members for dep in m.depends_on]
    edges += [(f"m{m.code}", "exit") for m in theme.members if m.code not in needed]
    return diagrams.FlowGraph(
        title=f"{theme.name}一件事联办流程图",
        nodes=tuple(nodes),
        edges=tuple(edges),
        note=f"本件事承诺{chinese.working_days(theme.promised_days)}办结",
    )


def graph_dot(graph) -> str:
    from generator import diagrams

    return diagrams.flow_dot(graph)


def flow_svg_path(plan: ThemePlan, cache: ArtifactCache, count=None) -> Path:
    """The joint diagram as SVG, from the content-hash cache; rendered only when new."""
    from generator import diagrams

    graph = joint_graph(plan)
    on_render = (lambda n: count("theme-flow", n)) if count else None
    return diagrams.svg_path(
        diagrams.flow_dot(graph), cache, id_prefix=f"theme-{plan.theme.id}", title=diagrams.accessible_name(graph), on_render=on_render
    )


def _flow_description(plan: ThemePlan) -> str:
    """The diagram in words: its accessible name, so a screen reader hears the whole flow."""
    theme = plan.theme
    names = {code: matter.name for code, matter in plan.matters.items()}
    first = [names[m.code] for m in theme.members if not m.depends_on]
    parts = [f"{theme.name}联办流程：在{theme.intake.window}一窗受理", f"受理后办理{'、'.join(first)}"]
    for member in theme.members:
        if member.depends_on:
            parts.append(f"取得{'、'.join(plan.matters[d].result.name for d in member.depends_on)}后办理{names[member.code]}")
    parts.append(f"各部门办结后在{theme.intake.exit_window}统一出件")
    parts.append(f"关键路径{'→'.join(names[c] for c in plan.critical_path)}，共{plan.critical_days}个工作日")
    return "；".join(parts) + "。"


# --- pages


def _environment():
    from generator.pages import environment

    return environment()


def _saving_rows(plan: ThemePlan) -> list[dict[str, Any]]:
    rows = []
    for key, saving in plan.savings.items():
        rows.append(
            {
                "key": key,
                "label": SAVING_LABELS[key],
                "unit": SAVING_UNITS[key],
                "before": saving.before,
                "after": saving.after,
                "saved": saving.saved,
                "percent": saving.percent,
                "definition": DEFINITIONS[key],
            }
        )
    return rows


def page_context(plan: ThemePlan, corpus: Corpus, svg: str) -> dict[str, Any]:
    theme = plan.theme
    names = {code: matter.name for code, matter in plan.matters.items()}
    members = []
    for index, member in enumerate(theme.members, 1):
        matter = plan.matters[member.code]
        labels = matter.option_labels()
        members.append(
            {
                "index": index,
                "m": matter,
                "role": member.role,
                "options": [labels[ref] for ref in member.options],
                "depends_on": [names[d] for d in member.depends_on],
                "waits_for": list(dict.fromkeys(plan.matters[d].result.name for d in member.depends_on)),
                "start": plan.start(member.code),
                "finish": plan.finish[member.code],
                "critical": member.code in plan.critical_path,
            }
        )
    return {
        "t": theme,
        "plan": plan,
        "names": names,
        "members": members,
        "departments": list(dict.fromkeys(matter.department.name for matter in plan.matters.values())),
        "savings": _saving_rows(plan),
        "flow_svg": svg,
        "critical_names": [names[c] for c in plan.critical_path],
        "json_url": f"../../{theme_json_path(theme.id)}",
        "fingerprints": [(code, plan.matters[code].version, corpus.fingerprint(code)) for code in plan.matters],
    }


def render_theme_page(plan: ThemePlan, corpus: Corpus, svg: str) -> str:
    from generator.pages import front_matter

    body = _environment().get_template("theme.md.j2").render(page_context(plan, corpus, svg))
    return front_matter(plan.theme.name, plan.theme.summary) + body


def render_index_page(corpus: Corpus) -> str:
    from generator.pages import front_matter

    plans = theme_plans(corpus)
    body = _environment().get_template("themes_index.md.j2").render(plans=plans, labels=SAVING_SHORT, definitions=DEFINITIONS)
    return front_matter("一件事", "一件事一次办：把开饭店、开小作坊、开汽修店等要跑多个部门的事项合成一件事，一次告知、一表申请、一窗受理。") + body


# --- the combined 一次性告知单, typeset by generator.slips like every matter's slips


def _material_note(group: CombinedMaterial, names: dict[str, str]) -> str:
    notes = []
    if group.provided_by:
        notes.append(f"由“{names[group.provided_by]}”办结后在窗口内部流转，申请人无需提交")
    if group.conditional:
        notes.append("适用：" + "；".join(group.conditional))
    if group.shared_certificate:
        notes.append(f"可用{group.shared_certificate}替代，免于提交")
    if group.is_combined_form:
        notes.append("替代" + "、".join(dict.fromkeys(use.name for use in group.uses)))
    elif group.other_names:
        notes.append("各事项写法：" + "；".join(f"{name}（{'、'.join(names[c] for c in codes)}）" for name, codes in group.other_names))
    return "。".join(notes)


def notice_html(plan: ThemePlan, corpus: Corpus, site_url: str | None = None) -> str:
    from generator import slips

    theme = plan.theme
    names = {code: matter.name for code, matter in plan.matters.items()}
    savings = "；".join(
        f"{SAVING_LABELS[key]}由逐个办理的{s.before}{SAVING_UNITS[key]}减为{s.after}{SAVING_UNITS[key]}" + (f"（减少{s.percent}%）" if s.percent is not None else "")
        for key, s in plan.savings.items()
        if s.before
    )
    notes = [
        f"办理流程：{_flow_description(plan)}",
        f"办理时限：本件事承诺{chinese.working_days(theme.promised_days)}办结，{chinese.visits_text(theme.visits)}。{savings}。",
    ]
    if theme.form:
        notes.append(f"一表申请：填写《{theme.form.name}》一张表，替代各事项的申请表。")
    notes.append(
        f"受理窗口：{theme.intake.window}；出件窗口：{theme.intake.exit_window}"
        + (f"；咨询电话：{theme.consult_phone}" if theme.consult_phone else "")
        + "。"
    )
    trace = f"一件事 {theme.id} · 依据 " + "；".join(f"{code} 版本{plan.matters[code].version} {corpus.fingerprint(code)[:12]}" for code in plan.matters)
    return slips.combined_notice_html(
        title=f"“{theme.name}”一件事一次性告知单",
        issuer=theme.intake.organiser or theme.intake.window,
        page_url=(site_url or slips.DEFAULT_SITE_URL).rstrip("/") + "/" + theme_url(theme.id),
        members=list(plan.matters.values()),
        conditions=[("、".join(names[c] for c in cond.members), cond.text + (f"（适用：{'；'.join(cond.conditional)}）" if cond.conditional else "")) for cond in plan.conditions],
        materials=[
            {
                "name": group.name,
                "form": group.form,
                "copies": group.copies,
                "note": _material_note(group, names),
                "used_by": [names[c] for c in group.members],
            }
            for group in plan.materials
        ],
        trace=trace,
        created=max(matter.effective_date for matter in plan.matters.values()).isoformat(),
        notes=notes,
    )


def notice_pdf_path(plan: ThemePlan, corpus: Corpus, cache_dir: Path, site_url: str | None = None, count=None) -> Path:
    """The combined 一次性告知单 as PDF, cached by a hash of its HTML (which holds every
    input) and of the slip style (fonts, stylesheet, templates)."""
    from generator import slips

    on_render = (lambda _kind: count("theme-notice")) if count else None
    return slips.cached_pdf(notice_html(plan, corpus, site_url), Path(cache_dir), count=on_render)


# --- build


def theme_artifacts(ctx) -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    from generator import slips

    cache = ArtifactCache(ctx.cache_dir)
    site_url = slips.site_url_of(ctx)
    out: list[tuple[str, Any]] = []
    for plan in theme_plans(corpus):
        theme_id = plan.theme.id
        svg_path = flow_svg_path(plan, cache, ctx.count_rendered)
        svg = svg_path.read_text(encoding="utf-8")
        out.append((f"themes/{theme_id}.md", render_theme_page(plan, corpus, svg)))
        out.append((f"{theme_url(theme_id)}flow.svg", svg_path))
        out.append((f"{theme_url(theme_id)}notice.pdf", notice_pdf_path(plan, corpus, ctx.cache_dir, site_url, ctx.count_rendered)))
        out.append((theme_json_path(theme_id), theme_json(plan, corpus)))
    out.append(("themes/index.md", render_index_page(corpus)))
    from generator.schema import schema_text

    # integrators validate theme files (and editors get completion) with the same schema
    out.append(("api/v1/schema/theme.schema.json", schema_text(theme_schema())))
    return out


def theme_links(corpus: Corpus, matter: Matter) -> dict[str, Any]:
    """A member's page points to the themes it belongs to: someone who found 食品经营许可
    should learn that opening a restaurant can be done as one thing."""
    links = [(plan.theme.name, "../../" + theme_url(plan.theme.id)) for plan in theme_plans(corpus) if matter.code in plan.matters]
    return {"theme_links": links} if links else {}


def _register() -> None:
    import importlib.util

    from generator import pages, plugin

    if theme_links not in pages.PAGE_CONTRIBUTORS:
        pages.PAGE_CONTRIBUTORS.append(theme_links)

    if theme_artifacts not in plugin.ARTIFACT_PRODUCERS:
        plugin.ARTIFACT_PRODUCERS.append(theme_artifacts)
    # the catalogue is another output; when it is part of the build, themes join it
    if importlib.util.find_spec("generator.catalogue") is not None:
        from generator import catalogue

        if catalogue_section not in catalogue.CATALOGUE_SECTIONS:
            catalogue.CATALOGUE_SECTIONS.append(catalogue_section)


_register()
