"""Every legal basis against the register of laws (法规库).

Errors: a ``law:`` the register does not have, an article it does not list, a law marked
已废止, a ``version`` that is not the current one, an excerpt that is not word for word in
the register, a citation written out in full (old form) that names a superseded document
number of a registered law, or that misquotes it.
Warnings: a citation written out in full (old form) — cite the register instead; a law
marked 已修订 — the register's texts await checking against the new revision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.domain.laws import Laws, article_refs, excerpt_matches
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.load.corpus import Corpus


def _cn(date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def citation_problems(corpus: "Corpus", laws: Laws) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings) of every matter's legal basis."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for code in sorted(corpus.matters):
        matter, source = corpus.matters[code], corpus.sources[code]
        for i, basis in enumerate(matter.legal_basis):
            loc = ("legal_basis", i)
            if basis.law is None:
                law = laws.by_title(basis.title or "") if laws else None
                if law is None:
                    if laws:
                        warnings.append(source.problem(loc + ("title",), f"[law-register] 《{basis.title}》不在法规库 {laws.display} 中：请把它加入法规库，改用 law: 引用"))
                    continue
                warnings.append(source.problem(loc + ("title",), f"[law-register] 《{law.title}》已在法规库中：请改写为 law: {law.id}，名称、文号和条文由法规库提供"))
                if basis.doc_number and law.current.doc_number and basis.doc_number != law.current.doc_number:
                    old = law.version_named(basis.doc_number)
                    if old is not None:
                        errors.append(source.problem(loc + ("doc_number",), f"{basis.doc_number} 是《{law.title}》{_cn(old.date)}的旧版本，已被 {law.current.doc_number}（{_cn(law.current.date)}）取代；请引用现行版本"))
            else:
                law = laws.by_id.get(basis.law)
                if law is None:
                    valid = "、".join(sorted(laws.by_id)) or f"无（没有 {laws.display}）"
                    errors.append(source.problem(loc + ("law",), f"法规库中没有 '{basis.law}'；已有：{valid}"))
                    continue
                for key in ("title", "doc_number"):
                    if getattr(basis, key) is not None:
                        errors.append(source.problem(loc + (key,), f"引用法规库（law: {law.id}）时不写 {key}：名称和文号由法规库提供，只此一处"))
                if basis.version is not None:
                    named = law.version_named(basis.version)
                    if named is None:
                        versions = "、".join(v.doc_number or v.date.isoformat() for v in law.versions)
                        errors.append(source.problem(loc + ("version",), f"《{law.title}》没有版本 '{basis.version}'；法规库中的版本：{versions}"))
                    elif named is not law.current:
                        errors.append(
                            source.problem(
                                loc + ("version",),
                                f"引用了《{law.title}》已被取代的版本 {basis.version}（{_cn(named.date)}）；现行版本是 {law.current.doc_number or ''}（{_cn(law.current.date)}{law.current.action}）",
                            )
                        )
            if law.status == "已废止":
                errors.append(source.problem(loc, f"《{law.title}》已于{_cn(law.repealed_on)}废止，不能作为设定依据"))
            elif law.status == "已修订" and basis.law is not None:
                warnings.append(source.problem(loc + ("law",), f"[law-revised] 《{law.title}》已于{_cn(law.revised_on)}修订，法规库条文尚待按新文本核对；请复核本事项"))
            refs = article_refs(basis.article)
            missing = [ref for ref in refs if law.article(ref) is None]
            if missing and basis.law is not None:
                listed = "、".join(a.ref for a in law.articles)
                errors.append(source.problem(loc + ("article",), f"法规库中《{law.title}》没有列出 {'、'.join(missing)}；已列出：{listed}（新增引用请先把条文加入法规库）"))
            elif basis.excerpt and not missing and any(law.article(r).text for r in refs) and not excerpt_matches(basis.excerpt, law, basis.article):
                errors.append(source.problem(loc + ("excerpt",), f"条文摘录与法规库中《{law.title}》{basis.article}的条文不一致；请删去 excerpt（由法规库提供）或逐字摘录"))
    return errors, warnings
