"""The report of ``guides audit``, in Markdown and XLSX, and the files it writes.

Per matter and region: how many elements differ from the standard, how many of them ask more
(收紧) or less (放宽) of applicants, the burden (required materials and copies, promised days,
fees) and which region asks the most. Per element: the standard's value, each region's, the
proposed one, and what adopting it does in each region.

Written into the output directory (``--out``, default ``audit/``): ``audit.md``,
``audit.xlsx`` and ``proposed/<code>.yml`` (the proposed standards, checkable with
``guides check audit/proposed``).
"""

from __future__ import annotations

from pathlib import Path

from generator.adopt.elements import STANDARD, MatterAudit, burden, shown
from generator.adopt.propose import CHOICES
from generator.adopt.workbook import OutSheet, write_book
from generator.review.changes import LOOSER, OTHER, TIGHTER


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _labels(audits: list[MatterAudit]) -> list[str]:
    seen: dict[str, None] = {}
    for group in audits:
        for version in group.versions:
            seen.setdefault(version.label)
    return list(seen)


def _burden_text(matter) -> str:
    materials, copies, days, fees = burden(matter)
    return f"{materials} 项 {copies} 份，{days} 个工作日，" + (f"{fees:g} 元" if fees else "不收费")


def summary_rows(audits: list[MatterAudit]) -> list[list]:
    rows = []
    for group in audits:
        most = group.most_demanding()
        if group.standard is not None:
            rows.append([group.code, group.name, STANDARD, "", "", "", "", _burden_text(group.standard), ""])
        for version in group.versions:
            counts = group.counts(version.label)
            rows.append([group.code, group.name, version.label, counts["elements"], counts[TIGHTER], counts[LOOSER], counts[OTHER], _burden_text(version.matter), "是" if version.label == most else ""])
    return rows


SUMMARY_HEADERS = ["基本编码", "事项名称", "地区", "不同要素", "收紧", "放宽", "其他", "必要材料、承诺时限、收费", "要求最多"]


def render_markdown(audits: list[MatterAudit], choose: str, standard_dir: str) -> str:
    labels = _labels(audits)
    lines = [
        "# 事项标准审核报告",
        "",
        f"比对：已发布的标准（`{standard_dir}`）与 {'、'.join(labels)} 的版本；建议稿：{CHOICES[choose]}（`--choose {choose}`）。",
        "",
        "收紧：比标准要求申请人更多；放宽：更少；其他：表述等不同。",
        "",
        "| 事项 | 地区 | 不同要素 | 收紧 | 放宽 | 其他 | 必要材料、承诺时限、收费 | 要求最多 |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for row in summary_rows(audits):
        lines.append("| " + " | ".join(_cell(str(v)) for v in [f"{row[0]} {row[1]}"] + row[2:]) + " |")
    for group in audits:
        regions = [v.label for v in group.versions]
        lines += ["", f"## {group.code} {group.name}", ""]
        most = group.most_demanding()
        lines.append(f"要求申请人最多的地区：{most}（比标准收紧 {group.counts(most)[TIGHTER]} 项）。" if most else "没有地区比标准要求更多。")
        if group.standard is None:
            lines.append(f"没有已发布的标准：以{regions[0]}的版本为比对基准。")
        lines.append("")
        if not group.elements:
            lines += ["各地与标准一致。", ""]
            continue
        lines += ["| 要素 | " + " | ".join([STANDARD] + regions) + " | 建议 | " + " | ".join(f"对{r}" for r in regions) + " |"]
        lines += ["|---|" + "---|" * (2 * len(regions) + 2)]
        for element in group.elements:
            values = [shown(element.values[r]) + f"（{element.effects[r]}）" if r in element.values else "＝" for r in regions]
            marks = [element.marks.get(r, "—") for r in regions]
            proposed = shown(element.proposed) + (f"（{element.note}）" if element.note else "")
            cells = [element.title, shown(element.standard)] + values + [proposed] + marks
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        if group.check_problems:
            lines += ["", "建议稿未通过 `guides check`："] + [f"- `{p}`" for p in group.check_problems]
        lines.append("")
    lines.append("")
    return "\n".join(lines)


def detail_rows(audits: list[MatterAudit], labels: list[str]) -> list[list]:
    rows = []
    for group in audits:
        for element in group.elements:
            values = [shown(element.values[r]) if r in element.values else ("＝" if any(v.label == r for v in group.versions) else "") for r in labels]
            effects = [element.effects.get(r, "") for r in labels]
            marks = [element.marks.get(r, "") for r in labels]
            rows.append([group.code, group.name, element.title, element.path, shown(element.standard)] + values + effects + [shown(element.proposed), element.note] + marks)
    return rows


def write_outputs(audits: list[MatterAudit], out: Path, choose: str, matters_dir: Path) -> None:
    proposed = out / "proposed"
    proposed.mkdir(parents=True, exist_ok=True)
    for group in audits:
        (proposed / f"{group.proposal.code}.yml").write_text(group.proposal_text, encoding="utf-8")
    (out / "audit.md").write_text(render_markdown(audits, choose, str(matters_dir)), encoding="utf-8")
    labels = _labels(audits)
    headers = ["基本编码", "事项名称", "要素", "路径", STANDARD] + labels + [f"{r}比标准" for r in labels] + ["建议", "说明"] + [f"建议对{r}" for r in labels]
    write_book(
        out / "audit.xlsx",
        [
            OutSheet("汇总", SUMMARY_HEADERS, [""] * len(SUMMARY_HEADERS), summary_rows(audits), text_columns=frozenset({0})),
            OutSheet("差异明细", headers, [""] * len(headers), detail_rows(audits, labels), text_columns=frozenset({0})),
        ],
    )
