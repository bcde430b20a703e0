"""The open data API: a static, versioned JSON catalogue inside the built site (``api/v1/``).

Provincial platforms, kiosks, mini-programs and the 12345 hotline fetch the same standard the
public reads, from plain files any web server can serve:

- ``api/v1/catalogue.json``: every matter summarised, with links and fingerprints;
- ``api/v1/matters/<code>.json``: one matter's full standard (:mod:`generator.domain.standard`);
- ``api/v1/schema/matter.schema.json``: the JSON Schema (draft 2020-12) those validate against;
- the change history is :mod:`generator.outputs.api.changes`.

Same input, same bytes: nothing here reads the clock or the machine. The input is the data
and the publication ledger (:mod:`generator.outputs.api.history`), which dates the changes
the data cannot date. The one time stamp, ``generated_at``, is ``SOURCE_DATE_EPOCH`` when
the environment sets it (reproducible-builds convention) and otherwise the newest date in
the data or the ledger, so a rebuild of unchanged input publishes byte-identical files.
Links are relative to the site root, which the top-level ``base`` key gives relative to the
file itself (RFC 3986), so the site can be served from any address. v1 only ever grows: new
keys may appear, existing keys keep their meaning (see the 开放数据接口 page, ``docs/api.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.domain import standard
from generator.cache import code_digest, digest
from generator.load.corpus import Corpus
from generator.model.matter import Matter
from generator.model.schema import matter_schema, schema_text

from generator.outputs import regions, themes
from generator.outputs.api import records
from generator.outputs.api.history import History, sha
from generator.outputs.api import history as dates
from generator.outputs import jsontext

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

# Dates in the standards are calendar dates in China; as instants they begin at Beijing midnight.
BEIJING = dt.timezone(dt.timedelta(hours=8))

def links(code: str) -> dict[str, Any]:
    return {
        "page": contract.matter_url(code),
        "json": contract.matter_json(code),
        "cpsv_ap": contract.cpsv_jsonld(code),
        "diagram": contract.flow_svg(code),
        "slips": {kind: contract.slip_pdf(code, kind) for kind in contract.SLIP_KINDS},
    }


last_changed = dates.last_changed  # the latest effective date or change note, minor ones included
generated_at = dates.generated_at


def published_matter(corpus: Corpus, matter: Matter) -> dict[str, Any]:
    document = standard.matter_document(matter)
    document["fingerprint"] = corpus.fingerprint(matter.code)
    return document


def catalogue_fingerprint(pairs: dict[str, str]) -> str:
    """SHA-256 of the canonical JSON object {code: fingerprint}: changes when any standard does."""
    return hashlib.sha256(standard.canonical_json(pairs).encode("utf-8")).hexdigest()


def _instant(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


def whole_fingerprint(matters: dict[str, str], implementations: dict[str, str], themes_: dict[str, str]) -> str:
    """The catalogue's fingerprint: it changes when anything the catalogue lists changes."""
    return sha({"matters": matters, "implementations": implementations, "themes": themes_})


def entry(corpus: Corpus, matter: Matter, history: History | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {
        "code": matter.code,
        "name": matter.name,
        "matter_type": matter.matter_type,
        "business_item": matter.business_item,
        "department": matter.department,
        "levels": list(matter.levels),
        "tongban": matter.tongban,
        "version": matter.version,
        "effective_date": matter.effective_date.isoformat(),
        "last_changed": last_changed(matter).isoformat(),
        "modified": dates.matter_modified(history, corpus, matter),
        "fingerprint": corpus.fingerprint(matter.code),
        "links": links(matter.code),
    }
    return item


def catalogue(corpus: Corpus, history: History | None = None) -> dict[str, Any]:
    history = history if history is not None else records.baseline(corpus)
    matters = corpus.sorted_matters()
    implementations = regions.implementations(corpus, history)
    theme_items = themes.theme_summaries(corpus, history)
    pairs = {m.code: corpus.fingerprint(m.code) for m in matters}
    doc: dict[str, Any] = {
        "api_version": "v1",
        "generated_at": generated_at(corpus, history),
        "fingerprint": whole_fingerprint(
            pairs, {i["implementation_code"]: i["record_fingerprint"] for i in implementations}, {t["id"]: t["fingerprint"] for t in theme_items}
        ),
        "matters_fingerprint": catalogue_fingerprint(pairs),
        "matter_count": len(matters),
        "base": contract.base_from(contract.CATALOGUE),
        "links": {
            "schema": contract.MATTER_SCHEMA,
            "changes": contract.CHANGES,
            "changes_atom": contract.CHANGES_ATOM,
            "cpsv_ap_concepts": contract.CPSV_CONCEPTS,
            "docs": contract.API_DOCS,
            "index": contract.INDEX,
            "openapi": contract.OPENAPI,
            "catalogue_schema": contract.schema_path("catalogue"),
            "implementations": contract.IMPLEMENTATIONS,
        },
        "matters": [entry(corpus, m, history) for m in matters],
        "implementations": implementations,
        "themes": theme_items,
    }
    return doc


def published_schema() -> dict[str, Any]:
    """The model's schema plus the one key the API adds to every matter document."""
    schema = matter_schema()
    schema["properties"]["fingerprint"] = {
        "title": "标准指纹",
        "description": "除本字段外整个文档的规范 JSON（键排序、UTF-8、不转义非 ASCII 字符、分隔符为逗号和冒号）的 SHA-256，小写十六进制。",
        "type": "string",
        "pattern": "^[0-9a-f]{64}$",
    }
    schema["required"] = sorted({*schema.get("required", []), "fingerprint"})
    return schema


# ---------------------------------------------------------------------------------- output

def dump(data: Any) -> str:
    return jsontext.dumps(data, indent=2) + "\n"


def matter_files(ctx: "BuildContext", codes: Collection[str] | None = None) -> list[tuple[str, Path]]:
    """One JSON file per matter (or per matter of ``codes``: a shard's), from the artifact
    cache: the fingerprint already hashes the whole document, so with the code that lays it
    out it is a complete key, and a rebuild of a catalogue of thousands of unchanged matters
    serialises nothing."""
    code = code_digest(__name__)
    files = []
    for matter in ctx.corpus.sorted_matters():
        if codes is not None and matter.code not in codes:
            continue
        files += ctx.cached(
            contract.matter_json(matter.code), "api", ".json",
            key=lambda matter=matter: digest("matter-json", code, ctx.corpus.fingerprint(matter.code)),
            make=lambda matter=matter: dump(published_matter(ctx.corpus, matter)).encode("utf-8"),
            counted="matter-json",
        )
    return files


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    files: list[tuple[str, Any]] = list(matter_files(ctx))
    files.append((contract.MATTER_SCHEMA, schema_text(published_schema())))
    files.append((contract.CATALOGUE, dump(catalogue(corpus, ctx.history))))
    return files

