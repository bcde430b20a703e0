"""What the site search knows: one small HTML record per matter and per 一件事 theme.

Each record is given to Pagefind (:mod:`generator.publish.search_index` writes the bundle), so
the ranking says what matters to someone looking for a service, whatever the page layout does.
The name is weighted highest, then the aliases (开饭店 is what people type for 食品经营许可),
then the summary; the department, conditions and material names count least. The department,
承诺时限 and 网办 travel as metadata for the result list, and department, region, matter type
and 个人/法人 as filters. Help pages, browse lists and the open-data (API) pages are not records
at all, so no citizen query can land on them.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.domain.chinese import working_days

if TYPE_CHECKING:
    from generator.load.corpus import Corpus
    from generator.model.matter import Matter

# Weights (Pagefind's scale is 0–10, quadratic: 10 counts about 100× plain text). The name and
# aliases dominate, so 食品经营许可 finds 食品经营许可 before 国内水路运输经营许可, whose
# body repeats 经营 and 许可; the body is weighted below plain text so long pages that mention
# a word in passing (户外 in 户口's conditions) rank after pages named for it.
WEIGHT_NAME = 10
# The first alias is the matter's own everyday name (开饭店 for 食品经营许可); the later ones are
# what else it is called or needed for. 开饭店 is an alias of five sample matters (the licence,
# fire safety, drainage, signs, the theme): without this the licence ranked 4th for 开饭店,
# behind 消防 (which repeats 饭店 in 饭店消防), with it 2nd, after the 我要开饭店 theme.
WEIGHT_FIRST_ALIAS = 9
WEIGHT_ALIASES = 7
WEIGHT_SUMMARY = 1.5
# The name and the first alias once more, one character a word. The index is cut into words by
# jieba (Pagefind's extended build), the query by the browser's own segmenter (ICU), and they
# do not always cut alike: at 1,814 matters 兽药经营许可 and 水运工程监理许可 found nothing,
# because the browser's words were not the index's. A search that finds nothing is run again
# as single characters (assets/search.js), which these blocks always match.
WEIGHT_CHARACTERS = 2
WEIGHT_BODY = 0.5

LANGUAGE = "zh"

# 网办 as a citizen reads it (the depth's own words, without the 一级…四级 jargon)
ONLINE_WORDS = {"一级": "网上咨询", "二级": "网上预审", "三级": "网上受理", "四级": "全程网办"}

# who a matter serves, in the two entries of the home page
PERSONAL_OBJECTS = {"自然人", "个体工商户"}


def audiences(service_objects: list[str]) -> list[str]:
    """个人办事 / 法人办事 for a list of service objects (both for a matter that serves both)."""
    found = []
    if PERSONAL_OBJECTS & set(service_objects):
        found.append("个人办事")
    if set(service_objects) - {"自然人"}:
        found.append("法人办事")
    return found


def _attr(value: str) -> str:
    # Pagefind reads "key:value" and splits several pairs at commas: keep a value's own commas
    return html.escape(" ".join(str(value).split()).replace(",", "，"), quote=True)


def _text(value: str) -> str:
    return html.escape(" ".join(str(value).split()), quote=False)


def _block(value: str) -> str:
    """A block of the record, ended as a sentence (the result list's excerpt joins blocks)."""
    value = " ".join(str(value).split()).rstrip("。；，、")
    return _text(value + "。") if value else ""


# the regions a visitor filters by (and picks on the home page): cities and counties
FILTER_LEVELS = ("市级", "县级")


def filter_places(corpus: "Corpus") -> list[Any]:
    directory = corpus.directory
    return [place for place in directory.places.values() if place.region.level in FILTER_LEVELS] if directory.places else []


def matter_regions(corpus: "Corpus", matter: "Matter") -> list[str]:
    """The cities and counties whose people can have the matter handled: a hall there or
    below, or a hall elsewhere whose scope (通办) covers them."""
    directory = corpus.directory
    handlings = directory.handlings(matter) if directory.places else []
    found = []
    for place in filter_places(corpus):
        inside = any(h.place.code == place.code or place.code in h.place.ancestors for h in handlings)
        if inside or directory.serving(matter, place.code):
            found.append(place.region.name)
    return sorted(set(found))


def theme_regions(corpus: "Corpus", hall_id: str | None) -> list[str]:
    """A theme is received at one hall: the cities and counties on that hall's branch."""
    directory = corpus.directory
    at = next((place for place, hall in directory.halls() if hall.id == hall_id), None) if directory.places and hall_id else None
    if at is None:
        return []
    return sorted({p.region.name for p in filter_places(corpus) if p.code == at.code or p.code in at.ancestors or at.code in p.ancestors})


def characters(text: str) -> str:
    """The Chinese characters and other word characters of ``text``, one a word."""
    return " ".join(ch for ch in text if ch.isalnum())


def first_sentence(text: str, limit: int = 60) -> str:
    """The summary's first sentence, for the result list (shortened to ``limit`` characters)."""
    sentence = " ".join(text.split()).split("。")[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1] + "…"


def _record(title: str, aliases: list[str], summary: str, body: list[str], meta: dict[str, str], filters: dict[str, list[str]]) -> str:
    meta = {**meta, "summary": first_sentence(summary)}
    tags = "".join(f'<span data-pagefind-meta="{key}:{_attr(value)}"></span>' for key, value in meta.items() if value)
    tags += "".join(f'<span data-pagefind-filter="{key}:{_attr(value)}"></span>' for key, values in filters.items() for value in values)
    parts = [
        f'<h1 data-pagefind-weight="{WEIGHT_NAME}" data-pagefind-meta="title">{_text(title)}</h1>',
        f'<p data-pagefind-weight="{WEIGHT_FIRST_ALIAS}">{_block(aliases[0])}</p>' if aliases else "",
        f'<p data-pagefind-weight="{WEIGHT_ALIASES}">{_block("、".join(aliases[1:]))}</p>' if aliases[1:] else "",
        f'<p data-pagefind-weight="{WEIGHT_SUMMARY}">{_block(summary)}</p>',
        f'<p data-pagefind-weight="{WEIGHT_CHARACTERS}">{_text(characters(title + (aliases[0] if aliases else "")))}</p>',
        *(f'<p data-pagefind-weight="{WEIGHT_BODY}">{_block(text)}</p>' for text in body if text),
    ]
    return f'<!DOCTYPE html><html lang="{LANGUAGE}"><head><title>{_text(title)}</title></head><body><main data-pagefind-body>{tags}{"".join(parts)}</main></body></html>'


def matter_record(corpus: "Corpus", matter: "Matter", sections: list[str]) -> str:
    body = [matter.department]
    if "conditions" in sections:
        body.append("；".join(c.text for c in matter.conditions))
    if "materials" in sections:
        body.append("、".join(m.name for m in matter.materials))
    if "procedure" in sections:
        body.append("、".join(s.name for s in matter.steps))
    meta = {
        "department": matter.department,
        "days": working_days(matter.time_limit.promised_days),
        "online": ONLINE_WORDS.get(matter.online_depth, ""),
        "kind": matter.matter_type,
    }
    filters = {
        "department": [matter.department],
        "type": [matter.matter_type],
        "region": matter_regions(corpus, matter),
        "audience": audiences(list(matter.service_objects)),
    }
    return _record(matter.name, list(matter.keywords), matter.summary, body, meta, filters)


def theme_record(corpus: "Corpus", plan: Any) -> str:
    theme = plan.theme
    members = list(plan.matters.values())
    regions = theme_regions(corpus, theme.intake.hall)
    meta = {
        "department": "“一件事”一次办 · " + "、".join(dict.fromkeys(m.department for m in members)),
        "days": working_days(theme.promised_days),
        "kind": "一件事",
    }
    filters = {
        "department": sorted({m.department for m in members}),
        "type": ["一件事"],
        "region": regions,
        "audience": audiences(list(theme.audience)),
    }
    body = ["、".join(m.name for m in members), theme.audience_note or ""]
    return _record(theme.name, list(theme.keywords), theme.summary, body, meta, filters)


def records(corpus: "Corpus", sections: list[str]) -> list[tuple[str, str]]:
    """(URL path from the site root, record HTML) for every matter and theme, in a fixed order."""
    found = [(contract.matter_url(m.code), matter_record(corpus, m, sections)) for m in corpus.sorted_matters()]
    for theme_id in sorted(corpus.themes):
        plan = corpus.themes[theme_id]
        found.append((contract.theme_url(plan.theme.id), theme_record(corpus, plan)))
    return found


