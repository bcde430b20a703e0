"""The open data API: a static, versioned JSON catalogue inside the built site (``api/v1/``).

Provincial platforms, kiosks, mini-programs and the 12345 hotline fetch the same standard the
public reads, from plain files any web server can serve:

- ``api/v1/catalogue.json``: every matter summarised, with links and fingerprints;
- ``api/v1/matters/<code>.json``: one matter's full standard (:mod:`generator.domain.standard`);
- ``api/v1/schema/matter.schema.json``: the JSON Schema (draft 2020-12) those validate against;
- ``api/v1/changes.json`` and ``api/v1/changes.atom``: major change notes, newest first.

Same matters, same bytes: nothing here reads the clock or the machine. The one time stamp,
``generated_at``, is ``SOURCE_DATE_EPOCH`` when the environment sets it (reproducible-builds
convention) and otherwise the newest date in the data (an effective date or a change note),
so a rebuild of unchanged matters publishes byte-identical files. Links are relative to the
site root, so the site can be served from any address. v1 only ever grows: new keys may
appear, existing keys keep their meaning (see the 开放数据接口 page, ``docs/api.md``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator import contract
from generator.domain import standard
from generator.cache import ArtifactCache, code_digest, digest
from generator.load.corpus import Corpus
from generator.model.matter import Matter
from generator.model.schema import matter_schema, schema_text

from generator.outputs import regions, themes

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

# The date in every tag: URI of the feed: the year v1 was defined. Fixed, so ids never change.
TAG_DATE = "2026"
# Dates in the standards are calendar dates in China; as instants they begin at Beijing midnight.
BEIJING = dt.timezone(dt.timedelta(hours=8))
ATOM_NS = "http://www.w3.org/2005/Atom"

def links(code: str) -> dict[str, Any]:
    return {
        "page": contract.matter_url(code),
        "json": contract.matter_json(code),
        "cpsv_ap": contract.cpsv_jsonld(code),
        "diagram": contract.flow_svg(code),
        "slips": {kind: contract.slip_pdf(code, kind) for kind in contract.SLIP_KINDS},
    }


def last_changed(matter: Matter) -> dt.date:
    """The latest date the standard took a new form: its effective date or a change note, minor ones included."""
    return max([matter.effective_date, *(c.date for c in matter.changes)])


def published_matter(corpus: Corpus, matter: Matter) -> dict[str, Any]:
    document = standard.matter_document(matter)
    document["fingerprint"] = corpus.fingerprint(matter.code)
    return document


def catalogue_fingerprint(pairs: dict[str, str]) -> str:
    """SHA-256 of the canonical JSON object {code: fingerprint}: changes when any standard does."""
    return hashlib.sha256(standard.canonical_json(pairs).encode("utf-8")).hexdigest()


def _instant(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


def generated_at(corpus: Corpus) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    dates = [last_changed(m) for m in corpus.matters.values()]
    return _instant(max(dates)) if dates else _instant(dt.date(int(TAG_DATE), 1, 1))


def entry(corpus: Corpus, matter: Matter) -> dict[str, Any]:
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
        "fingerprint": corpus.fingerprint(matter.code),
        "links": links(matter.code),
    }
    return item


def catalogue(corpus: Corpus) -> dict[str, Any]:
    matters = corpus.sorted_matters()
    doc: dict[str, Any] = {
        "api_version": "v1",
        "generated_at": generated_at(corpus),
        "fingerprint": catalogue_fingerprint({m.code: corpus.fingerprint(m.code) for m in matters}),
        "matter_count": len(matters),
        "links": {
            "schema": contract.MATTER_SCHEMA,
            "changes": contract.CHANGES,
            "changes_atom": contract.CHANGES_ATOM,
            "cpsv_ap_concepts": contract.CPSV_CONCEPTS,
            "docs": contract.API_DOCS,
        },
        "matters": [entry(corpus, m) for m in matters],
        "implementations": regions.implementations(corpus),
        "themes": themes.theme_summaries(corpus),
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


# ---------------------------------------------------------------------------------- changes

def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


class Feed:
    """Where the feed's links point and how its ids are minted, from the site's public address."""

    def __init__(self, site_url: str | None):
        self.base = (site_url.rstrip("/") + "/") if site_url else ""
        self.authority = urlsplit(self.base).hostname if self.base else None

    def tag(self, specific: str) -> str:
        # without a public address the ids still must be unique and stable: .invalid is reserved for that
        return f"tag:{self.authority or 'guides.invalid'},{TAG_DATE}:{specific}"

    def href(self, path: str) -> str:
        """Absolute on a site with an address; else relative to the feed, which lives in api/v1/."""
        return f"{self.base}{path}" if self.base else f"../../{path}"


def change_entries(corpus: Corpus, feed: Feed) -> list[dict[str, Any]]:
    rows = []
    for matter in corpus.matters.values():
        for change in matter.changes:
            if change.kind != "major":
                continue
            rows.append({
                "id": feed.tag(f"matters/{matter.code}/changes/{change.version}"),
                "code": matter.code,
                "name": matter.name,
                "department": matter.department,
                "version": change.version,
                "date": change.date.isoformat(),
                "note": change.note,
                "basis": change.basis,
                "links": {"page": contract.matter_url(matter.code), "json": contract.matter_json(matter.code)},
            })
    # newest first; on one day, by code, then the later version first
    rows.sort(key=lambda r: tuple(-x for x in _version_key(r["version"])))
    rows.sort(key=lambda r: r["code"])
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def changes_document(corpus: Corpus, feed: Feed) -> dict[str, Any]:
    rows = change_entries(corpus, feed)
    return {
        "api_version": "v1",
        "updated": rows[0]["date"] if rows else None,
        "change_count": len(rows),
        "changes": rows,
    }


def atom_feed(corpus: Corpus, feed: Feed, site_name: str) -> str:
    rows = change_entries(corpus, feed)
    ET.register_namespace("", ATOM_NS)
    q = lambda tag: f"{{{ATOM_NS}}}{tag}"  # noqa: E731
    root = ET.Element(q("feed"), {"{http://www.w3.org/XML/1998/namespace}lang": "zh"})

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, q(tag), attrs)
        if text is not None:
            element.text = text
        return element

    sub(root, "id", feed.tag(contract.CHANGES_ATOM))
    sub(root, "title", f"{site_name}：事项标准变更")
    sub(root, "subtitle", "各事项标准的实质性变更（major），新的在前；编辑性修改只更新版本号，不在此列。")
    # a feed with no entries still needs an updated value; the data's own newest date serves
    updated = _instant(dt.date.fromisoformat(rows[0]["date"])) if rows else generated_at(corpus)
    sub(root, "updated", updated)
    sub(root, "link", rel="self", type="application/atom+xml", href=feed.href(contract.CHANGES_ATOM))
    sub(root, "link", rel="alternate", type="application/json", href=feed.href(contract.CHANGES))
    sub(root, "generator", "政务服务办事指南生成器")
    for row in rows:
        item = sub(root, "entry")
        sub(item, "id", row["id"])
        sub(item, "title", f"{row['name']}（版本 {row['version']}）")
        stamp = _instant(dt.date.fromisoformat(row["date"]))
        sub(item, "updated", stamp)
        sub(item, "published", stamp)
        author = sub(item, "author")
        sub(author, "name", row["department"])
        sub(item, "link", rel="alternate", type="text/html", href=feed.href(row["links"]["page"]))
        sub(item, "link", rel="related", type="application/json", href=feed.href(row["links"]["json"]))
        sub(item, "category", term=row["code"], label=row["name"])
        summary = row["note"] + (f"（依据：{row['basis']}）" if row["basis"] else "")
        sub(item, "summary", summary)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


# ---------------------------------------------------------------------------------- output

def dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def matter_files(ctx: "BuildContext") -> list[tuple[str, Path]]:
    """One JSON file per matter, from the artifact cache: the fingerprint already hashes the whole
    document, so with the code that lays it out it is a complete key, and a rebuild of a
    catalogue of thousands of unchanged matters serialises nothing."""
    cache = ArtifactCache(ctx.cache_dir)
    code = code_digest(__name__)
    files = []
    for matter in ctx.corpus.sorted_matters():
        key = digest("matter-json", code, ctx.corpus.fingerprint(matter.code))
        path = cache.get("api", key, ".json")
        if path is None:
            path = cache.put("api", key, ".json", dump(published_matter(ctx.corpus, matter)).encode("utf-8"))
            ctx.count_rendered("matter-json")
        files.append((contract.matter_json(matter.code), path))
    return files


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    feed = Feed(ctx.mkdocs_config.get("site_url"))
    files: list[tuple[str, Any]] = list(matter_files(ctx))
    files.append((contract.MATTER_SCHEMA, schema_text(published_schema())))
    files.append((contract.CATALOGUE, dump(catalogue(corpus))))
    files.append((contract.CHANGES, dump(changes_document(corpus, feed))))
    files.append((contract.CHANGES_ATOM, atom_feed(corpus, feed, ctx.mkdocs_config.get("site_name") or "政务服务办事指南")))
    return files

