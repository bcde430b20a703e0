"""Legal bases resolved against the register of laws (法规库): pure functions, no I/O.

A matter's ``legal_basis`` item in the reference form (``law: food-safety-law``, ``article:
第三十五条``) gets its title, current document number and excerpt from the register; the
published matter (page, JSON, slips, linked data) shows the resolved citation, so
integrators see the same fields as before. Several articles are written with 顿号:
``第二百零九条、第二百一十四条``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from generator.model.laws import Law
from generator.model.matter import LegalBasis, Matter


@dataclass(frozen=True)
class Laws:
    """The register by law id, with the file it was read from (for positioned problems)."""

    by_id: Mapping[str, Law] = field(default_factory=dict)
    display: str = "matters/laws.yml"
    source: object | None = None  # the SourceFile, when a register was read
    locs: Mapping[str, tuple] = field(default_factory=dict)  # law id -> its location in the file

    def __bool__(self) -> bool:
        return bool(self.by_id)

    def by_title(self, title: str) -> Law | None:
        bare = title.strip().strip("《》")
        return next((law for law in self.by_id.values() if law.title == bare), None)


def article_refs(article: str) -> list[str]:
    """'第二百零九条、第二百一十四条' -> ['第二百零九条', '第二百一十四条']."""
    return [part.strip() for part in re.split(r"[、，,；;]", article) if part.strip()]


def register_text(law: Law, article: str) -> str | None:
    """The register's text of the cited articles, joined; None when none has text."""
    texts = [a.text for a in (law.article(ref) for ref in article_refs(article)) if a is not None and a.text]
    return "".join(texts) or None


def normalised(text: str) -> str:
    return re.sub(r"\s+", "", text)


def excerpt_matches(excerpt: str, law: Law, article: str) -> bool:
    """An excerpt quotes the register: it is, word for word, a part of one cited article's text."""
    wanted = normalised(excerpt)
    for ref in article_refs(article):
        found = law.article(ref)
        if found is not None and found.text and wanted in normalised(found.text):
            return True
    return False


def resolved_basis(basis: LegalBasis, laws: Laws) -> LegalBasis:
    if basis.law is None or basis.law not in laws.by_id:
        return basis
    law = laws.by_id[basis.law]
    return basis.model_copy(
        update={
            "title": law.title,
            "doc_number": law.current.doc_number,
            "excerpt": basis.excerpt or register_text(law, basis.article),
        }
    )


def resolved_matter(matter: Matter, laws: Laws) -> Matter:
    """The matter with every reference to the register written out."""
    if not any(b.law for b in matter.legal_basis):
        return matter
    return matter.model_copy(update={"legal_basis": [resolved_basis(b, laws) for b in matter.legal_basis]})


def revised_laws(matter: Matter, laws: Laws) -> dict[str, Law]:
    """basis id -> the law it cites, for the laws marked 已修订 (shown on the page with the date)."""
    found = {}
    for basis in matter.legal_basis:
        law = laws.by_id.get(basis.law) if basis.law else None
        if law is not None and law.status == "已修订":
            found[basis.id] = law
    return found


def citing(matters: Mapping[str, Matter], law_id: str) -> list[str]:
    """Codes of the matters whose legal basis cites ``law_id``."""
    return sorted(code for code, m in matters.items() if any(b.law == law_id for b in m.legal_basis))
