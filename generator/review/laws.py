"""Revision impact: what a change to the register of laws (``laws.yml``) does, law by law,
and every matter that cites each changed law (on either side)."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.domain.laws import citing
from generator.model.laws import Law
from generator.review.changes import short
from generator.review.sides import Side


@dataclass
class LawDiff:
    id: str
    title: str
    status: str  # added / removed / changed
    changes: list[str] = field(default_factory=list)
    matters: list[tuple[str, str]] = field(default_factory=list)  # (code, name) of every citing matter

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "changes": self.changes,
            "matters": [{"code": c, "name": n} for c, n in self.matters],
        }


def _cn(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日" if date else "（无）"


def _version(v) -> str:
    return f"{v.doc_number or '（无文号）'}（{_cn(v.date)}{v.action}）"


def law_changes(old: Law, new: Law) -> list[str]:
    changes = []
    if old.title != new.title:
        changes.append(f"名称《{old.title}》改为《{new.title}》")
    if old.status != new.status or old.revised_on != new.revised_on or old.repealed_on != new.repealed_on:
        when = {"已修订": f"（{_cn(new.revised_on)}修订）", "已废止": f"（{_cn(new.repealed_on)}废止）"}.get(new.status, "")
        changes.append(f"状态 {old.status}→{new.status}{when}")
    if old.current != new.current:
        changes.append(f"现行版本 {_version(old.current)}→{_version(new.current)}")
    old_versions = {(v.doc_number, v.date) for v in old.versions}
    for v in new.versions[1:]:
        if (v.doc_number, v.date) not in old_versions:
            changes.append(f"新增历史版本 {_version(v)}")
    old_articles = {a.ref: a for a in old.articles}
    new_articles = {a.ref: a for a in new.articles}
    for ref, article in new_articles.items():
        if ref not in old_articles:
            changes.append(f"新增条款 {ref}")
        elif old_articles[ref].text != article.text:
            changes.append(f"{ref}条文变更：「{short(old_articles[ref].text or '（无）', 30)}」→「{short(article.text or '（无）', 30)}」")
    for ref in old_articles:
        if ref not in new_articles:
            changes.append(f"删除条款 {ref}")
    for key, label in (("issuer", "制定机关"), ("kind", "效力层级"), ("source", "条文来源")):
        if getattr(old, key) != getattr(new, key):
            changes.append(f"{label}：{getattr(old, key)}→{getattr(new, key)}")
    return changes


def compare_laws(base: Side, head: Side) -> list[LawDiff]:
    """Every changed law of the register, with every matter (either side) that cites it."""
    diffs = []
    old_laws, new_laws = base.laws.by_id, head.laws.by_id
    for law_id in sorted(set(old_laws) | set(new_laws)):
        old, new = old_laws.get(law_id), new_laws.get(law_id)
        if old is not None and new is not None:
            if old == new:
                continue
            diff = LawDiff(law_id, new.title, "changed", law_changes(old, new))
        elif new is not None:
            diff = LawDiff(law_id, new.title, "added", ["新增法规"])
        else:
            diff = LawDiff(law_id, old.title, "removed", ["删除法规"])
        names = {code: base.matters[code].name for code in citing(base.matters, law_id)}
        names.update({code: head.matters[code].name for code in citing(head.matters, law_id)})
        diff.matters = sorted(names.items())
        diffs.append(diff)
    return diffs
