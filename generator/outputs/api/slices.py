"""Slices of the catalogue for one place or one agency:

- ``api/v1/regions/<division-code>.json``: what the region page lists: the matters handled at
  the region's own halls (with the hall, window and 实施编码), its halls, the regions above
  whose halls its people may also use, and the matters only handled elsewhere;
- ``api/v1/departments/<credit-code>.json``: one implementing agency's matters and its
  implementation entries (the department page's list).

Each has its own ``fingerprint`` and ``modified`` (the newest ``modified`` of the
implementations it lists)."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.load.corpus import Corpus
from generator.outputs import regions
from generator.outputs.api import catalogue
from generator.outputs.api import history as dates
from generator.outputs.api.history import History, record_fingerprint
from generator.outputs import jsontext

if TYPE_CHECKING:
    from generator.publish.context import BuildContext


REGION_SERVICES = ("appointment_url", "payment_url", "progress_url", "progress_phone", "consult_url", "complaint_url")


def _region_services(directory: Any, place: Any) -> dict[str, Any]:
    """The region's online channels, its own or inherited; no key when there are none."""
    found = {key: value for key in REGION_SERVICES if (value := directory.inherited(place, key))}
    return {"services": found} if found else {}


def _newest(days: list[str], corpus: Corpus) -> str:
    return max(days) if days else dates.data_date(corpus).isoformat()


def region_slices(corpus: Corpus, history: History | None = None, listings: dict[str, dict[str, Any]] | None = None) -> dict[str, dict[str, Any]]:
    directory = corpus.directory
    listings = listings if listings is not None else regions.region_listings(corpus)
    modified = {e["implementation_code"]: e["modified"] for e in regions.implementations(corpus, history)}
    stamp = catalogue.generated_at(corpus, history)
    out = {}
    for code, place in directory.places.items():
        listing = listings[code]
        matters = []
        for matter, handlings in listing["local"]:
            implementation = handlings[0].implementation
            matters.append({
                "code": matter.code,
                "name": matter.name,
                "tongban": matter.tongban,
                "agency": implementation.agency.name,
                "agency_credit_code": implementation.agency.credit_code,
                "implementation_code": implementation.code,
                "halls": [{"hall": h.hall.id, "window": h.window.name} for h in handlings],
                "fingerprint": corpus.fingerprint(matter.code),
                "url": contract.matter_url(matter.code),
            })
        document: dict[str, Any] = {
            "api_version": "v1",
            "generated_at": stamp,
            "base": contract.base_from(contract.region_json(code)),
            "region": {"code": code, "name": place.region.name, "level": place.region.level, "parent": place.parent} | _region_services(directory, place),
            "children": [c.code for c in directory.children(code)],
            "halls": [
                {"id": h.id, "name": h.name, "level": h.level, "address": h.address, "hours": h.hours, "phones": list(h.phones), "windows": [w.name for w in h.windows]}
                | h.model_dump(include={"appointment", "self_service_terminals", "mail_address"}, exclude_none=True, exclude_defaults=True)
                for h in place.region.halls
            ],
            "matters": matters,
            "implementation_codes": sorted({m["implementation_code"] for m in matters}),
            "above": [
                {"region_code": u["place"].code, "region_name": u["place"].region.name, "halls": [h.id for h in u["halls"]], "matter_count": u["count"]}
                for u in listing["upper"]
            ],
            "elsewhere": [
                {"code": e["m"].code, "name": e["m"].name, "halls": [h.hall.id for h in e["handlings"]], "url": contract.matter_url(e["m"].code)}
                for e in listing["elsewhere"]
            ],
            "links": {"page": contract.region_url(code), "implementations": contract.IMPLEMENTATIONS},
        }
        document["fingerprint"] = record_fingerprint(document)
        document["modified"] = _newest([modified[c] for c in document["implementation_codes"] if c in modified], corpus)
        out[code] = document
    return out


def department_slices(corpus: Corpus, history: History | None = None) -> dict[str, dict[str, Any]]:
    stamp = catalogue.generated_at(corpus, history)
    by_agency: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in regions.implementations(corpus, history):
        by_agency[entry["agency_credit_code"]].append(entry)
    out = {}
    for credit_code, entries in sorted(by_agency.items()):
        document: dict[str, Any] = {
            "api_version": "v1",
            "generated_at": stamp,
            "base": contract.base_from(contract.department_json(credit_code)),
            "agency": entries[0]["agency"],
            "agency_credit_code": credit_code,
            "page": contract.department_url(credit_code),
            "matters": sorted({e["matter_code"] for e in entries}),
            "implementations": entries,
        }
        document["fingerprint"] = record_fingerprint(document)
        document["modified"] = _newest([e["modified"] for e in entries], corpus)
        out[credit_code] = document
    return out


def dump(data: Any) -> str:
    return jsontext.dumps(data, indent=1) + "\n"


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    history = ctx.history
    # kept for the sitemap's dates (generator.publish.plugin.page_dates), not made twice
    ctx.slices = (region_slices(ctx.corpus, history), department_slices(ctx.corpus, history))
    files: list[tuple[str, Any]] = [(contract.region_json(code), dump(doc)) for code, doc in ctx.slices[0].items()]
    files += [(contract.department_json(code), dump(doc)) for code, doc in ctx.slices[1].items()]
    return files
