"""Where each matter is handled, published: the halls on a matter page, ``regions/<code>/``
pages and ``api/v1/implementations.json``. The directory itself is
:mod:`generator.domain.directory`; reading it, :mod:`generator.load.regions`."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator import contract
from generator.domain.codes import IMPLEMENTATION_RECIPE
from generator.domain.directory import Directory, Handling, Implementation, Place
from generator.load.corpus import Corpus
from generator.model.matter import Matter
from generator.outputs.api.history import History, generated_at, modified, record_fingerprint, sha
from generator.outputs.pages.templates import environment, front_matter
from generator.outputs import jsontext

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

# ---------------------------------------------------------------- derived data


def _hall_entry(handling: Handling) -> dict[str, Any]:
    hall = handling.hall
    return {
        "id": hall.id,
        "name": hall.name,
        "region_code": handling.place.code,
        "region_name": handling.place.region.name,
        "level": hall.level,
        "address": hall.address,
        "hours": hall.hours,
        "phones": handling.phones,
        "window": handling.window.name,
        "scope": {"code": handling.scope_code, "name": handling.scope_name},
    } | ({"services": services} if (services := handling.services.record()) else {})


def consult_phones(implementation: Implementation, handlings: list[Handling]) -> list[str]:
    """The agency's own number, else those of its halls in its own region (else of any hall)."""
    if implementation.agency.phone:
        return [implementation.agency.phone]
    home = [h for h in handlings if h.place.code == implementation.place.code] or handlings
    return list(dict.fromkeys(p for h in home for p in h.hall.phones))


def implementation_entry(corpus: Corpus, matter: Matter, implementation: Implementation, handlings: list[Handling]) -> dict[str, Any]:
    """One (matter, agency) pair: who implements it, where, whom to call, whom to appeal to.
    The fingerprint is the matter's: the same standard in every place."""
    agency = implementation.agency
    entry = {
        "implementation_code": implementation.code,
        "matter_code": matter.code,
        "matter_name": matter.name,
        "department": matter.department,
        "agency": agency.name,
        "agency_credit_code": agency.credit_code,
        "region_code": implementation.place.code,
        "region_name": implementation.place.region.name,
        "level": implementation.level,
        "tongban": matter.tongban,
        "consult_phones": consult_phones(implementation, handlings),
        "complaint_phone": implementation.complaint_phone,
        "online_url": implementation.online_url,
        **({"services": services} if (services := implementation.services.record()) else {}),
        "remedy": {
            "reconsideration_body": implementation.reconsideration_body,
            "reconsideration_days": matter.remedy.reconsideration_days,
            "litigation_court": implementation.court,
            "litigation_months": matter.remedy.litigation_months,
        },
        "halls": [_hall_entry(h) for h in handlings],
        "url": contract.matter_url(matter.code),
        "fingerprint": corpus.fingerprint(matter.code),
    }
    entry["record_fingerprint"] = record_fingerprint(entry)
    return entry


def by_implementation(directory: Directory, matter: Matter) -> list[tuple[Implementation, list[Handling]]]:
    """The matter's implementations, each with the halls that receive it for that agency."""
    groups: dict[str, list[Handling]] = defaultdict(list)
    for handling in directory.handlings(matter):
        groups[handling.implementation.code].append(handling)
    return [(handlings[0].implementation, handlings) for handlings in groups.values()]


def implementations(corpus: Corpus, history: History | None = None, dated: bool = True) -> list[dict[str, Any]]:
    """One entry per (matter, implementing agency), sorted by implementation code, each with
    its own ``record_fingerprint`` and (``dated``) the date it last changed (from the ledger)."""
    entries = [dict(entry) for entry in _undated_entries(corpus)]
    if dated:
        for entry in entries:
            entry["modified"] = modified(history, corpus, f"implementation:{entry['implementation_code']}")
    return entries


# The entries of the last corpus seen: seven outputs read them in one build, and making them
# (each with its record fingerprint) took 1.3 s of every rebuild at 100 matters, 11 times over.
# The corpus is frozen, so its identity is the key; a new load (a preview's rebuild) replaces it.
_LAST: list = [None, ()]


def _undated_entries(corpus: Corpus) -> tuple[dict[str, Any], ...]:
    if _LAST[0] is not corpus:
        entries = [
            implementation_entry(corpus, matter, implementation, handlings)
            for matter in corpus.sorted_matters()
            for implementation, handlings in by_implementation(corpus.directory, matter)
        ]
        entries.sort(key=lambda e: e["implementation_code"])
        _LAST[:] = [corpus, tuple(entries)]
    return _LAST[1]


def implementations_fingerprint(entries: list[dict[str, Any]]) -> str:
    return sha({e["implementation_code"]: e["record_fingerprint"] for e in entries})


def implementations_document(corpus: Corpus, history: History | None = None) -> dict[str, Any]:
    entries = implementations(corpus, history)
    return {
        "api_version": "v1",
        "generated_at": generated_at(corpus, history),
        "fingerprint": implementations_fingerprint(entries),
        "base": "../../",
        "recipe": IMPLEMENTATION_RECIPE,
        "implementations": entries,
    }


# ---------------------------------------------------------------- pages


def _env():
    return environment()


def _filter_options(directory: Directory, handlings: list[Handling]) -> list[dict[str, Any]]:
    """Every region down to the townships, and the villages whose own halls handle the matter:
    the thousands of other villages would only repeat their township's answer on every page."""
    own = {h.place.code for h in handlings}
    return [
        {"code": p.code, "prefix": p.prefix, "label": "\u3000" * p.depth + p.region.name}
        for p in directory.places.values()
        if p.region.level != "村级" or p.code in own
    ]


def halls_html(corpus: Corpus, matter: Matter) -> Markup:
    """The matter page's halls, by region and level, with a region filter.

    The same for every region: the page is reached from everywhere and never varies; the
    filter (assets/regions.js) narrows it to the chosen place."""
    directory = corpus.directory
    if not directory.places:
        return Markup("")
    handlings = directory.handlings(matter)
    html = _env().get_template("regions/halls.html.j2").render(m=matter, handlings=handlings, options=_filter_options(directory, handlings))
    return Markup(html.strip("\n"))


def contacts_html(corpus: Corpus, matter: Matter) -> Markup:
    """Per implementing agency: whom to call, where to complain, where to apply online, and
    the 行政救济途径 (复议机关 and court, with the time limits of the standard)."""
    directory = corpus.directory
    if not directory.places:
        return Markup("")
    rows = []
    for implementation, handlings in by_implementation(directory, matter):
        scopes = sorted({h.scope_prefix for h in handlings}, key=lambda s: (len(s), s))  # ties by value: a set has no stable order
        rows.append({"i": implementation, "scope": scopes[0] if scopes else "", "phones": consult_phones(implementation, handlings)})
    html = _env().get_template("regions/contacts.html.j2").render(m=matter, rows=rows)
    return Markup(html.strip("\n"))



def region_listings(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """For every region: the matters handled by its own halls (``local``: (matter, handlings)),
    the regions above whose halls its people may use (``upper``) and the matters only handled
    elsewhere (``elsewhere``). The region page and the region slice
    (``api/v1/regions/<code>.json``) both list exactly this."""
    directory = corpus.directory
    matters = corpus.sorted_matters()
    local: dict[str, list[tuple[Matter, list[Handling]]]] = defaultdict(list)
    for matter in matters:
        by_place: dict[str, list[Handling]] = defaultdict(list)
        for handling in directory.handlings(matter):
            by_place[handling.place.code].append(handling)
        for code, handlings in by_place.items():
            local[code].append((matter, handlings))
    out = {}
    for code, place in directory.places.items():
        here = {m.code for m, _ in local.get(code, ())}
        # Where else people of this region can go. The regions above come as one line each
        # (their own pages list the matters): a village page must not repeat the county's
        # catalogue. Matters that no region above handles (通办 elsewhere) are listed one by one.
        above: dict[str, list[Handling]] = defaultdict(list)
        counts_above: dict[str, set[str]] = defaultdict(set)
        elsewhere = []
        for matter in matters:
            if matter.code in here:
                continue
            serving = directory.serving(matter, code)
            near = [h for h in serving if h.place.code in place.ancestors]
            for h in near:
                counts_above[h.place.code].add(matter.code)
                if h.hall not in [x.hall for x in above[h.place.code]]:
                    above[h.place.code].append(h)
            if serving and not near:
                inside = [h for h in serving if h.place.code.startswith(place.prefix)]
                elsewhere.append({"m": matter, "handlings": inside or serving})
        upper = [
            {"place": directory.places[c], "halls": [h.hall for h in above[c]], "count": len(counts_above[c])}
            for c in reversed(place.ancestors)  # the nearest first
            if c in above
        ]
        out[code] = {"local": local.get(code, []), "upper": upper, "elsewhere": elsewhere}
    return out


def region_pages(corpus: Corpus, listings: dict[str, dict[str, Any]] | None = None) -> dict[str, str]:
    directory = corpus.directory
    env = _env()
    listings = listings if listings is not None else region_listings(corpus)

    def count(place: Place) -> int:
        return len(listings[place.code]["local"])

    out = {
        "regions/index.md": front_matter("按地区浏览", "按省、市、县（区）、乡镇（街道）、村（社区）浏览各地可以办理的政务服务事项和办理点")
        + env.get_template("regions/index.md.j2").render(
            roots=directory.children(None),
            kids={code: directory.children(code) for code in directory.places},
            counts={p.code: count(p) for p in directory.places.values()},
        ),
    }
    for code, place in directory.places.items():
        listing = listings[code]
        groups: dict[str, list] = defaultdict(list)
        for matter, handlings in listing["local"]:
            implementation = handlings[0].implementation
            groups[implementation.agency.name].append({"m": matter, "handlings": handlings, "impl": implementation.code})
        title = f"在{place.region.name}可以办理的事项"
        out[contract.region_src(code)] = front_matter(title, f"{place.region.name}（区划代码 {code}）的政务服务办理点和可以办理的事项") + env.get_template(
            "regions/region.md.j2"
        ).render(
            title=title,
            place=place,
            crumbs=[directory.places[c] for c in place.ancestors],
            children=[{"place": c, "count": count(c)} for c in directory.children(code)],
            groups=[{"department": name, "items": groups[name]} for name in sorted(groups)],
            upper=listing["upper"],
            elsewhere=listing["elsewhere"],
        )
    return out


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    artifacts: list[tuple[str, Any]] = sorted(region_pages(corpus).items())
    document = implementations_document(corpus, ctx.history)
    artifacts.append((contract.IMPLEMENTATIONS, jsontext.dumps(document, indent=1, sort_keys=True) + "\n"))
    return artifacts
