"""The citizen's way in: the home page (search, 个人办事/法人办事, 一件事, 常办事项, the region
switcher), the search page, the site map, and the secondary browse pages: matters by
department, by type and by level."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Callable

from mkdocs.exceptions import PluginError

from generator import contract
from generator.domain.chinese import working_days
from generator.model.matter import LEVELS, Matter
from generator.outputs.pages.templates import environment, front_matter
from generator.outputs.search import ONLINE_WORDS, audiences, filter_places

# matters on the home page when mkdocs.yml names no popular ones (`popular:` of the guides plugin)
POPULAR_COUNT = 8


def _group(matters: list[Matter], key: Callable[[Matter], Any]) -> dict[Any, list[Matter]]:
    groups: dict[Any, list[Matter]] = defaultdict(list)
    for matter in matters:
        for value in key(matter) if isinstance(key(matter), list) else [key(matter)]:
            groups[value].append(matter)
    return groups


def popular_matters(corpus: Any, codes: list[str]) -> list[Matter]:
    """The configured popular matters, in the configured order; without a list, the matters
    handled at the most halls (what most people can do nearby), then by code. A configured
    code that is not a matter is an error of the build, not a silent gap on the home page."""
    if codes:
        unknown = [code for code in codes if code not in corpus.matters]
        if unknown:
            raise PluginError(f"mkdocs.yml: plugins.guides.popular: 没有这些事项：{'、'.join(unknown)}")
        return [corpus.matters[code] for code in codes]
    directory = corpus.directory
    halls = {m.code: len(directory.handlings(m)) if directory.places else 0 for m in corpus.sorted_matters()}
    return sorted(corpus.sorted_matters(), key=lambda m: (-halls[m.code], m.code))[:POPULAR_COUNT]


def _card(matter: Matter) -> dict[str, str]:
    return {
        "name": matter.name,
        "url": contract.matter_url(matter.code),
        "department": matter.department,
        "days": working_days(matter.time_limit.promised_days),
        "online": ONLINE_WORDS.get(matter.online_depth, ""),
    }


def switcher_regions(corpus: Any) -> list[dict[str, str]]:
    """The regions of the home page's switcher: cities and counties (a township's matters are
    on its county's page too), in directory order, indented under their city."""
    return [
        {"code": place.code, "name": place.region.name, "level": place.region.level, "url": contract.region_url(place.code)}
        for place in filter_places(corpus)
    ]


def home_pages(corpus: Any, popular: list[str] | None = None) -> dict[str, str]:
    """src_uri -> Markdown for the home page, the 个人办事/法人办事 lists, the search page and the site map."""
    env = environment()
    matters = corpus.sorted_matters()
    by_audience: dict[str, list[Matter]] = {label: [] for label in contract.AUDIENCE_SLUGS}
    for matter in matters:
        for label in audiences(list(matter.service_objects)):
            by_audience[label].append(matter)
    entries = [
        {"title": label, "url": contract.audience_url(label), "count": len(items), "hint": contract.AUDIENCE_HINTS[label]}
        for label, items in by_audience.items()
    ]
    themes = [
        {"name": plan.theme.name, "url": contract.theme_url(plan.theme.id), "summary": plan.theme.audience_note or plan.theme.summary,
         "days": working_days(plan.theme.promised_days), "count": len(plan.matters)}
        for _, plan in sorted(corpus.themes.items())
    ]
    pages = {
        "index.md": front_matter("政务服务办事指南", "查办事要带什么材料、去哪里办、多久办完、收不收费", hide=["navigation", "toc"])
        + env.get_template("index_home.md.j2").render(
            entries=entries, themes=themes, popular=[_card(m) for m in popular_matters(corpus, popular or [])], regions=switcher_regions(corpus)
        ),
        contract.SEARCH_SRC: front_matter("搜索", "搜索政务服务事项和“一件事”", hide=["navigation", "toc"]) + env.get_template("index_search.md.j2").render(),
        contract.SITEMAP_SRC: front_matter("网站地图", "本站各栏目") + env.get_template("index_sitemap.md.j2").render(entries=entries, themes=themes),
    }
    for label, items in by_audience.items():
        pages[contract.audience_src(label)] = front_matter(label, contract.AUDIENCE_HINTS[label]) + env.get_template("index_audience.md.j2").render(
            heading=label, hint=contract.AUDIENCE_HINTS[label], groups=sorted(_group(items, lambda m: m.department).items()), card=_card, root="../"
        )
    return pages


def index_pages(corpus: Any, popular: list[str] | None = None) -> dict[str, str]:
    """src_uri -> Markdown for the home page and the department, type and level indexes."""
    env = environment()
    matters = corpus.sorted_matters()
    pages: dict[str, str] = home_pages(corpus, popular)
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
