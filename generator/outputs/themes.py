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
    :mod:`generator.outputs.diagrams` (one intake, members in department lanes, parallel members on
    one rank, the critical path thick); ``themes/<id>/notice.pdf`` the combined 一次性告知单,
    typeset by :mod:`generator.outputs.slips.pdf`; ``api/v1/themes/<id>.json``; ``themes/`` the index
    (``一件事`` in the navigation); the ``themes`` key of ``api/v1/catalogue.json``
    (:func:`theme_summaries`). The SVG and the PDF are cached by content hash.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.cache import ArtifactCache
from generator.domain import chinese, standard
from generator.domain.graph import FlowGraph, FlowNode
from generator.domain.themes import SAVING_LABELS, SAVING_SHORT, SAVING_UNITS, CombinedMaterial, ThemePlan
from generator.load.corpus import Corpus
from generator.model.matter import Matter
from generator.model.schema import schema_text, theme_schema
from generator.outputs import diagrams
from generator.outputs import regions
from generator.outputs.api.history import History, modified
from generator.outputs.pages.templates import environment, front_matter
from generator.outputs.slips import html as slip_html
from generator.outputs.slips import pdf as slip_pdf

if TYPE_CHECKING:
    from generator.publish.context import BuildContext


DEFINITIONS = {
    "materials": "逐个办理：各成员事项在本主题情形下适用的申请材料份数之和；一件事：合并后申请人需提交的材料数（同一材料只交一次，一表式申请表替代各事项的申请表，前一事项的办理结果在窗口内部流转、不再提交）。",
    "time": "逐个办理：各成员事项承诺时限之和；一件事：按前置关系并联办理，用时为最长一串前后相继事项的承诺时限之和。",
    "steps": "逐个办理：各成员事项办理环节数之和；一件事：一个综合受理环节，加上各事项除自身受理和送达以外的环节，再加一个统一出件环节。",
    "visits": "逐个办理：各成员事项到现场次数之和；一件事：本主题承诺的到现场次数。",
}


def theme_document(plan: ThemePlan, corpus: Corpus, history: History | None = None, dated: bool = True) -> dict[str, Any]:
    """The published JSON of one theme (``api/v1/themes/<id>.json``), with a fingerprint (of
    everything but ``fingerprint``, ``modified`` and ``base``) and the date it last changed."""

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
                "department": matter.department,
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
        "url": contract.theme_url(theme.id),
        "notice_pdf": f"{contract.theme_url(theme.id)}notice.pdf",
        "flow_svg": f"{contract.theme_url(theme.id)}flow.svg",
    }
    document["fingerprint"] = standard.fingerprint(document)
    if dated:
        document["modified"] = theme_modified(plan, corpus, history)
        document["base"] = "../../../"
    return document


def theme_modified(plan: ThemePlan, corpus: Corpus, history: History | None) -> str:
    return modified(history, corpus, f"theme:{plan.theme.id}")


def theme_json(plan: ThemePlan, corpus: Corpus, history: History | None = None) -> str:
    return json.dumps(theme_document(plan, corpus, history), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def theme_summaries(corpus: Corpus, history: History | None = None) -> list[dict[str, Any]]:
    """One line per theme for the catalogue (``api/v1/catalogue.json``): members and savings,
    the theme file's fingerprint and the date it last changed."""
    summaries = []
    for plan in corpus.themes.values():
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
                "url": contract.theme_url(theme.id),
                "json": contract.theme_json(theme.id),
                "notice_pdf": f"{contract.theme_url(theme.id)}notice.pdf",
                "fingerprint": theme_document(plan, corpus, dated=False)["fingerprint"],
                "modified": theme_modified(plan, corpus, history),
            }
        )
    return summaries


# --- the joint flow diagram, drawn by generator.outputs.diagrams like every matter's own


def joint_graph(plan: ThemePlan) -> FlowGraph:
    """One intake, the members in their departments' lanes (in parallel unless one waits for
    another's result), one exit. A member's box takes its promised days and the 0-day intake
    and exit add nothing, so the diagram's critical path (:func:`generator.domain.graph.critical_path`)
    is intake, the theme's (``plan.critical_path``, by the same :func:`~generator.domain.graph.longest_path`
    on the members), exit."""

    theme = plan.theme
    nodes = [FlowNode("intake", "一窗受理", (theme.intake.window,), 0)]
    for member in theme.members:
        matter = plan.matters[member.code]
        details = [member.role]
        if member.depends_on:
            details.append("凭" + "、".join(dict.fromkeys(plan.matters[d].result.name for d in member.depends_on)) + "办理")
        nodes.append(FlowNode(f"m{member.code}", matter.name, tuple(details), matter.time_limit.promised_days, lane=matter.department))
    nodes.append(FlowNode("exit", "统一出件", (theme.intake.exit_window,), 0))
    waiting = {m.code for m in theme.members if m.depends_on}
    needed = {dep for m in theme.members for dep in m.depends_on}
    edges = [("intake", f"m{m.code}") for m in theme.members if m.code not in waiting]
    edges += [(f"m{dep}", f"m{m.code}") for m in theme.members for dep in m.depends_on]
    edges += [(f"m{m.code}", "exit") for m in theme.members if m.code not in needed]
    return FlowGraph(
        title=f"{theme.name}一件事联办流程图",
        nodes=tuple(nodes),
        edges=tuple(edges),
        note=f"本件事承诺{chinese.working_days(theme.promised_days)}办结",
    )


def graph_dot(graph: FlowGraph) -> str:
    return diagrams.flow_dot(graph)


def flow_svg_path(plan: ThemePlan, cache: ArtifactCache, count=None) -> Path:
    """The joint diagram as SVG, from the content-hash cache; rendered only when new."""

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
    parts.append(f"用时最长的一串{'→'.join(names[c] for c in plan.critical_path)}，共{plan.critical_days}个工作日")
    return "；".join(parts) + "。"


# --- pages


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
        "departments": list(dict.fromkeys(matter.department for matter in plan.matters.values())),
        "contacts": member_contacts(plan, corpus),
        "savings": _saving_rows(plan),
        "flow_svg": svg,
        "critical_names": [names[c] for c in plan.critical_path],
        "json_url": f"../../{contract.theme_json(theme.id)}",
        "fingerprints": [(code, plan.matters[code].version, corpus.fingerprint(code)) for code in plan.matters],
    }


def member_contacts(plan: ThemePlan, corpus: Corpus) -> list[dict[str, Any]]:
    """Who implements each member where the theme is received, and their phones: from the
    region directory, for the intake hall's region (nothing when the theme names no hall)."""
    directory = corpus.directory
    hall_id = plan.theme.intake.hall
    place = next((p for p, h in directory.halls() if h.id == hall_id), None) if hall_id else None
    if place is None:
        return []
    rows = []
    for code, matter in plan.matters.items():
        implementation = directory.implementation_at(matter, place.code)
        if implementation is None:
            continue
        handlings = [h for h in directory.handlings(matter) if h.implementation.code == implementation.code]
        rows.append({"m": matter, "agency": implementation.agency.name, "phones": regions.consult_phones(implementation, handlings) if handlings else []})
    return rows


def render_theme_page(plan: ThemePlan, corpus: Corpus, svg: str) -> str:
    body = environment().get_template("theme.md.j2").render(page_context(plan, corpus, svg))
    return front_matter(plan.theme.name, plan.theme.summary) + body


def render_index_page(corpus: Corpus) -> str:
    plans = corpus.themes.values()
    body = environment().get_template("themes_index.md.j2").render(plans=plans, labels=SAVING_SHORT, definitions=DEFINITIONS)
    return front_matter("一件事", "一件事一次办：把开饭店、开便利店、开汽修店等要跑多个部门的事项合成一件事，一次告知、一表申请、一窗受理。") + body


# --- the combined 一次性告知单, typeset by generator.outputs.slips.pdf like every matter's slips


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
    return slip_html.combined_notice_html(
        title=f"“{theme.name}”一件事一次性告知单",
        issuer=theme.intake.organiser or theme.intake.window,
        page_url=(site_url or slip_html.DEFAULT_SITE_URL).rstrip("/") + "/" + contract.theme_url(theme.id),
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

    on_render = (lambda _kind: count("theme-notice")) if count else None
    return slip_pdf.cached_pdf(notice_html(plan, corpus, site_url), Path(cache_dir), count=on_render)


# --- build


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    cache = ArtifactCache(ctx.cache_dir)
    site_url = ctx.qr_site_url
    out: list[tuple[str, Any]] = []
    for plan in corpus.themes.values():
        theme_id = plan.theme.id
        svg_path = flow_svg_path(plan, cache, ctx.count_rendered)
        svg = svg_path.read_text(encoding="utf-8")
        out.append((contract.theme_src(theme_id), render_theme_page(plan, corpus, svg)))
        out.append((contract.theme_flow_svg(theme_id), svg_path))
        out.append((contract.theme_notice_pdf(theme_id), notice_pdf_path(plan, corpus, ctx.cache_dir, site_url, ctx.count_rendered)))
        out.append((contract.theme_json(theme_id), theme_json(plan, corpus, ctx.history)))
    out.append(("themes/index.md", render_index_page(corpus)))
    # the schema of the theme *source* file (matters/themes/<id>.yml); the published JSON's is
    # api/v1/schema/theme.schema.json (generator.outputs.api.schemas)
    out.append((contract.THEME_SOURCE_SCHEMA, schema_text(theme_schema())))
    return out


def theme_links(corpus: Corpus, matter: Matter) -> list[tuple[str, str]]:
    """A member's page points to the themes it belongs to: someone who found 食品经营许可
    should learn that opening a restaurant can be done as one thing."""
    return [(plan.theme.name, contract.from_matter_page(contract.theme_url(plan.theme.id))) for plan in corpus.themes.values() if matter.code in plan.matters]
