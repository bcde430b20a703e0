"""The change history: ``api/v1/changes.json``, ``api/v1/changes.atom`` and
``api/v1/changes/since/<date>.json``, newest first.

Every change, with its kind: the matters' own change notes (``major`` and ``minor``), and
what the publication ledger (:mod:`generator.outputs.api.history`) recorded: changes of the
local facts (``implementation``: an agency, a hall, a phone, hours, remedy bodies), of the
一件事 themes (``theme``), withdrawals (``withdrawal``) and matter edits made without a
change note (``minor``). A nightly sync keeps the newest ``date`` it has seen and next time
fetches ``changes/since/<that date>.json`` (that date always has a file: it has changes).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from generator import contract
from generator.load.corpus import Corpus
from generator.outputs.api import history as dates
from generator.outputs.api.history import History
from generator.outputs import jsontext

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

# The date in every tag: URI of the feed: the year v1 was defined. Fixed, so ids never change.
TAG_DATE = "2026"
BEIJING = dt.timezone(dt.timedelta(hours=8))
ATOM_NS = "http://www.w3.org/2005/Atom"
KIND_LABELS = {"major": "实质性变更", "minor": "编辑性修改", "implementation": "实施信息变更", "theme": "一件事主题变更", "withdrawal": "下架"}


def _instant(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


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


def _links(subject: str, ident: str, code: str | None, present: bool) -> dict[str, Any]:
    if not present:
        return {"page": None, "json": None}
    if subject == "theme":
        return {"page": contract.theme_url(ident), "json": contract.theme_json(ident)}
    return {"page": contract.matter_url(code), "json": contract.matter_json(code) if subject == "matter" else contract.IMPLEMENTATIONS}


def change_entries(corpus: Corpus, feed: Feed, history: History | None = None) -> list[dict[str, Any]]:
    rows = []
    for matter in corpus.matters.values():
        for change in matter.changes:
            rows.append({
                "id": feed.tag(f"matters/{matter.code}/changes/{change.version}"),
                "kind": change.kind,
                "subject": "matter",
                "subject_id": matter.code,
                "code": matter.code,
                "name": matter.name,
                "department": matter.department,
                "version": change.version,
                "date": change.date.isoformat(),
                "note": change.note,
                "basis": change.basis,
                "fields": [],
                "fingerprint": corpus.fingerprint(matter.code) if change.version == matter.version else None,
                "links": {"page": contract.matter_url(matter.code), "json": contract.matter_json(matter.code)},
            })
    present = set(history.items) if history is not None else set()
    for event in history.events if history is not None else ():
        key = f"{event['subject']}:{event['subject_id']}"
        alive = event["kind"] != "withdrawal" and key in present and (event["code"] is None or event["code"] in corpus.matters)
        rows.append({
            "id": feed.tag(f"ledger/{event['subject']}/{event['subject_id']}/{event['date']}/{(event['fingerprint'] or 'withdrawn')[:12]}"),
            "kind": event["kind"],
            "subject": event["subject"],
            "subject_id": event["subject_id"],
            "code": event["code"],
            "name": event["name"],
            "department": event["department"],
            "version": event["version"],
            "date": event["date"],
            "note": event["note"],
            "basis": None,
            "fields": list(event["fields"]),
            "fingerprint": event["fingerprint"],
            "links": _links(event["subject"], event["subject_id"], event["code"], alive),
        })
    # newest first; on one day, by code, then the later version first
    rows.sort(key=lambda r: r["id"])
    rows.sort(key=lambda r: tuple(-x for x in _version_key(r["version"] or "0")))
    rows.sort(key=lambda r: (r["code"] or "", r["subject"], r["subject_id"]))
    rows.sort(key=lambda r: r["date"], reverse=True)
    return rows


def changes_document(corpus: Corpus, feed: Feed, history: History | None = None, rows: list[dict[str, Any]] | None = None, since: str | None = None) -> dict[str, Any]:
    rows = rows if rows is not None else change_entries(corpus, feed, history)
    doc = {
        "api_version": "v1",
        "updated": rows[0]["date"] if rows else None,
        "change_count": len(rows),
        "base": contract.base_from(contract.changes_since("x") if since else contract.CHANGES),
        "changes": rows,
    }
    if since:
        doc["since"] = since
    return doc


def since_documents(corpus: Corpus, feed: Feed, history: History | None) -> dict[str, dict[str, Any]]:
    """For every date with changes, the changes on and after it."""
    rows = change_entries(corpus, feed, history)
    days = sorted({r["date"] for r in rows})
    return {day: changes_document(corpus, feed, rows=[r for r in rows if r["date"] >= day], since=day) for day in days}


def atom_feed(corpus: Corpus, feed: Feed, site_name: str, history: History | None = None) -> str:
    rows = change_entries(corpus, feed, history)
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
    sub(root, "subtitle", "全部变更，新的在前：事项标准的实质性变更（major）和编辑性修改（minor）、各地实施信息的变化（implementation）、一件事主题的变化（theme）和下架（withdrawal）。")
    # a feed with no entries still needs an updated value; the data's own newest date serves
    updated = _instant(dt.date.fromisoformat(rows[0]["date"])) if rows else _instant(dates.data_date(corpus))
    sub(root, "updated", updated)
    sub(root, "link", rel="self", type="application/atom+xml", href=feed.href(contract.CHANGES_ATOM))
    sub(root, "link", rel="alternate", type="application/json", href=feed.href(contract.CHANGES))
    sub(root, "generator", "政务服务办事指南生成器")
    for row in rows:
        item = sub(root, "entry")
        sub(item, "id", row["id"])
        version = f"版本 {row['version']}，" if row["version"] and row["subject"] == "matter" else ""
        sub(item, "title", f"{row['name']}（{version}{KIND_LABELS[row['kind']]}）" if row["kind"] != "major" else f"{row['name']}（版本 {row['version']}）")
        stamp = _instant(dt.date.fromisoformat(row["date"]))
        sub(item, "updated", stamp)
        sub(item, "published", stamp)
        author = sub(item, "author")
        sub(author, "name", row["department"] or site_name)
        if row["links"]["page"]:
            sub(item, "link", rel="alternate", type="text/html", href=feed.href(row["links"]["page"]))
        if row["links"]["json"]:
            sub(item, "link", rel="related", type="application/json", href=feed.href(row["links"]["json"]))
        sub(item, "category", term=row["kind"], label=KIND_LABELS[row["kind"]], scheme=feed.tag("change-kinds"))
        sub(item, "category", term=row["code"] or row["subject_id"], label=row["name"])
        summary = row["note"] + (f"（依据：{row['basis']}）" if row["basis"] else "")
        sub(item, "summary", summary)
    ET.indent(root, space=" ")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"




def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    history = ctx.history
    feed = Feed(ctx.mkdocs_config.get("site_url"))
    files: list[tuple[str, Any]] = [
        (contract.CHANGES, dump(changes_document(corpus, feed, history))),
        (contract.CHANGES_ATOM, atom_feed(corpus, feed, ctx.mkdocs_config.get("site_name") or "政务服务办事指南", history)),
    ]
    for day, document in since_documents(corpus, feed, history).items():
        files.append((contract.changes_since(day), dump(document)))
    return files


def dump(data: Any) -> str:

    return jsontext.dumps(data, indent=2) + "\n"
