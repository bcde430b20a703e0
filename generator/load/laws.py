"""Read ``matters/laws.yml``, the register of laws (法规库); see :mod:`generator.model.laws`.

No file means an empty register: matters may still cite laws written out in full (the form
used before the register), and a ``law:`` reference is then an unknown law.
"""

from __future__ import annotations

from pathlib import Path

from generator.domain.laws import Laws
from generator.load.matters import display_path
from generator.load.reader import SourceFile, load_yaml, present
from generator.load.messages import explain
from generator.model.laws import LawRegister
from generator.problems import Problem

LAWS_FILE = "laws.yml"


def _structure_problems(source: SourceFile) -> list[Problem]:
    """Duplicate law ids, articles and versions, read from the raw data (reported with schema errors)."""
    problems: list[Problem] = []
    items = source.data.get("laws") if isinstance(source.data, dict) else None
    if not isinstance(items, list):
        return problems
    ids: dict[str, int] = {}
    for i, law in enumerate(items):
        if not isinstance(law, dict):
            continue
        law_id = law.get("id")
        if isinstance(law_id, str):
            if law_id in ids:
                line, _ = source.where(("laws", ids[law_id], "id"))
                problems.append(source.problem(("laws", i, "id"), f"法规标识 '{law_id}' 已在第{line}行使用；一部法规只写一次"))
            else:
                ids[law_id] = i
        refs: dict[str, int] = {}
        articles = law.get("articles")
        for j, article in enumerate(articles if isinstance(articles, list) else []):
            ref = article.get("ref") if isinstance(article, dict) else None
            if isinstance(ref, str):
                if ref in refs:
                    problems.append(source.problem(("laws", i, "articles", j, "ref"), f"{ref} 已在 articles[{refs[ref]}] 写过"))
                else:
                    refs[ref] = j
        versions = law.get("versions")
        dates = [str(v.get("date")) for v in (versions if isinstance(versions, list) else []) if isinstance(v, dict)]
        if dates != sorted(dates, reverse=True):
            problems.append(source.problem(("laws", i, "versions"), "版本须按日期新的在前排列：第一个是现行版本"))
    return problems


def load_laws(root: Path, text: str | None = None, display: str | None = None) -> tuple[Laws, list[Problem]]:
    """Read ``root/laws.yml`` (or ``text``, the file's content at a git revision)."""
    path = root / LAWS_FILE
    display = display or display_path(path, root)
    if text is None and not present(path):
        return Laws(display=display), []
    source = load_yaml(path, display, text=text)
    if source.problems:
        return Laws(display=display), list(source.problems)
    if not isinstance(source.data, dict):
        return Laws(display=display), [source.problem((), "文件顶层应只有一个字段 laws:，其下逐部列出法规")]
    problems = _structure_problems(source)
    try:
        register = LawRegister.model_validate(source.data)
    except Exception as exc:  # pydantic.ValidationError
        errors = getattr(exc, "errors", None)
        if errors is None:
            raise
        problems += [source.problem(tuple(e["loc"]), explain(e, LawRegister, source)) for e in exc.errors(include_url=False)]
        return Laws(display=display), problems
    if problems:
        return Laws(display=display), problems
    return (
        Laws(
            by_id={law.id: law for law in register.laws},
            display=display,
            source=source,
            locs={law.id: ("laws", i) for i, law in enumerate(register.laws)},
        ),
        [],
    )
