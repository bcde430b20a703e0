"""The browse pages: matters by department, by type and by level."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from generator import contract
from generator.model.matter import LEVELS, Matter
from generator.outputs.pages.templates import environment, front_matter


def _group(matters: list[Matter], key: Callable[[Matter], Any]) -> dict[Any, list[Matter]]:
    groups: dict[Any, list[Matter]] = defaultdict(list)
    for matter in matters:
        for value in key(matter) if isinstance(key(matter), list) else [key(matter)]:
            groups[value].append(matter)
    return groups


def index_pages(corpus: Any) -> dict[str, str]:
    """src_uri -> Markdown for the department, type and level indexes."""
    env = environment()
    matters = corpus.sorted_matters()
    pages: dict[str, str] = {}
    # by the agencies that implement them (from the region directory): a citizen looks for
    # 柘荣县市场监督管理局, not for a function
    departments: dict[tuple[str, str], list[Matter]] = defaultdict(list)
    for matter in matters:
        for implementation in corpus.directory.implementations(matter) if corpus.directory.places else ():
            departments[(implementation.agency.credit_code, implementation.agency.name)].append(matter)
    pages["departments/index.md"] = front_matter("按部门浏览", "按实施部门浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按部门浏览",
        groups=[
            {"title": name, "url": f"{code}/", "count": len(items)}
            for (code, name), items in sorted(departments.items(), key=lambda kv: (-len(kv[1]), kv[0][1]))
        ],
    )
    for (code, name), items in departments.items():
        pages[contract.department_src(code)] = front_matter(name, f"{name}实施的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=name, subtitle=f"统一社会信用代码：{code}", matters=items, root="../../"
        )
    types = _group(matters, lambda m: m.matter_type)
    pages["types/index.md"] = front_matter("按事项类型浏览", "按事项类型浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按事项类型浏览",
        groups=[{"title": t, "url": f"{contract.TYPE_SLUGS[t]}/", "count": len(types[t])} for t in contract.TYPE_SLUGS if t in types],
    )
    for kind, items in types.items():
        pages[contract.type_src(kind)] = front_matter(kind, f"事项类型为{kind}的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=kind, subtitle="", matters=items, root="../../"
        )
    levels = _group(matters, lambda m: list(m.levels))
    pages["levels/index.md"] = front_matter("按行使层级浏览", "按行使层级浏览政务服务事项") + env.get_template("index_groups.md.j2").render(
        heading="按行使层级浏览",
        groups=[{"title": lv, "url": f"{contract.LEVEL_SLUGS[lv]}/", "count": len(levels[lv])} for lv in LEVELS if lv in levels],
    )
    for level, items in levels.items():
        pages[contract.level_src(level)] = front_matter(level, f"{level}行使的政务服务事项") + env.get_template("index_matters.md.j2").render(
            heading=f"{level}行使的事项", subtitle="", matters=items, root="../../"
        )
    return pages
