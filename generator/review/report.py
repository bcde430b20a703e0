"""The report of `guides diff`: Markdown for a pull-request comment, JSON for tools."""

from __future__ import annotations

import json

from generator.review.changes import (
    EFFECT_IDS,
    LOOSER,
    OTHER,
    TIGHTER,
    MatterDiff,
    Report,
    show,
)

NO_CHANGES = "no standard changes"
MARKER = "<!-- guides-diff-report -->"  # finds the sticky pull-request comment to update

STATUS = {"added": "新增事项", "removed": "删除事项", "renamed": "事项更名", "recoded": "事项编码变更", "changed": "变更"}


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _title_of(m: MatterDiff) -> str:
    return f"{m.code} {m.name}"


def render_markdown(report: Report) -> str:
    lines = [MARKER, "## 事项标准变更报告", "", f"比对：`{report.base}` → `{report.head}`", ""]
    changed = report.changed
    lines += _laws_markdown(report)
    if not changed:
        lines += ["**标准无实质变更**（no standard changes）：只有格式、顺序或注释的改动。", ""]
        return "\n".join(lines)
    tightened = [m for m in changed if m.tightened]
    loosened = [m for m in changed if m.count(LOOSER)]
    by_status = {s: [m for m in changed if m.status == s] for s in STATUS}
    lines.append(
        f"**{len(changed)} 个事项有变更**：收紧 {len(tightened)} 个，放宽 {len(loosened)} 个；"
        f"新增 {len(by_status['added'])}，删除 {len(by_status['removed'])}，更名 {len(by_status['renamed']) + len(by_status['recoded'])}。"
    )
    lines.append("")
    if tightened:
        lines.append("收紧：" + "；".join(_title_of(m) for m in tightened))
        lines.append("")
    problems = report.problems
    if problems:
        lines.append(f"**需要处理的问题 {len(problems)} 个**（`guides diff --check` 不通过）：")
        lines += [f"- `{p}`" for p in problems]
        lines.append("")
    lines += ["| 事项 | 状态 | 收紧 | 放宽 | 其他 |", "|---|---|---:|---:|---:|"]
    for m in changed:
        lines.append(f"| {_md_escape(_title_of(m))} | {STATUS[m.status]} | {m.count(TIGHTER)} | {m.count(LOOSER)} | {m.count(OTHER)} |")
    lines.append("")
    for m in changed:
        lines.append(f"### {_md_escape(_title_of(m))}")
        lines.append("")
        if m.status == "added":
            lines += ["新增事项。", ""]
            continue
        if m.status == "removed":
            lines += ["删除事项。", ""]
            continue
        if m.status == "renamed":
            lines.append(f"原名：{m.old_name}")
        if m.status == "recoded":
            lines.append(f"原编码：{m.old_code}")
        if m.basis:
            lines.append("变更依据：" + "；".join(m.basis))
        if m.status in ("renamed", "recoded") or m.basis:
            lines.append("")
        for effect in (TIGHTER, LOOSER, OTHER):
            for change in (c for c in m.changes if c.effect == effect):
                lines.append(f"- **{effect}** {change.text}")
                if change.show_texts:
                    lines.append(f"  - 原：{show(change.old)}")
                    lines.append(f"  - 新：{show(change.new)}")
        lines.append("")
    return "\n".join(lines)


def _laws_markdown(report: Report) -> list[str]:
    """The register's changes, each with every matter that cites the law (revision impact)."""
    if not report.laws:
        return []
    lines = [f"### 法规库变更（{len(report.laws)} 部）", ""]
    for law in report.laws:
        lines.append(f"- **《{_md_escape(law.title)}》**（{law.id}）：" + "；".join(_md_escape(c) for c in law.changes))
        if law.matters:
            lines.append(f"  - 影响 {len(law.matters)} 个事项：" + "；".join(f"{code} {name}" for code, name in law.matters))
        else:
            lines.append("  - 没有事项引用")
    lines.append("")
    return lines


def render_json(report: Report) -> str:
    changed = report.changed
    document = {
        "base": report.base,
        "head": report.head,
        "message": None if changed else NO_CHANGES,
        "summary": {
            "matters_changed": len(changed),
            "tightened": [m.code for m in changed if m.tightened],
            "loosened": [m.code for m in changed if m.count(LOOSER)],
            "added": [m.code for m in changed if m.status == "added"],
            "removed": [m.code for m in changed if m.status == "removed"],
            "renamed": [m.code for m in changed if m.status in ("renamed", "recoded")],
        },
        "matters": [
            {
                "code": m.code,
                "name": m.name,
                "status": m.status,
                "old_code": m.old_code,
                "old_name": m.old_name,
                "counts": {EFFECT_IDS[e]: m.count(e) for e in (TIGHTER, LOOSER, OTHER)},
                "basis": m.basis,
                "changes": [c.as_json() for c in m.changes],
            }
            for m in changed
        ],
        "laws": [law.as_json() for law in report.laws],
        "problems": [str(p) for p in report.problems],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
