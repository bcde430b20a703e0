"""The publication ledger (``matters/ledger.json``): the memory that dates changes the data cannot date.

A matter dates its own changes: every change note has a date and a kind (major or minor).
The local facts (an agency, a hall's phone, its hours) and the 一件事 themes have no dates,
so a build compares what it is about to publish with the ledger, which holds for every
published item (matter, implementation, theme) its fingerprint, a short hash of each field
and the date it last changed, and appends an event for every difference: an implementation
or theme that is new or changed, any item that is gone (a withdrawal), and a matter whose
content changed without a new change note. The build writes the ledger back, and editors
commit it with the data, like a lock file.

Determinism: the output is a function of the data *and the ledger*. The first build that
sees a change dates it ``today`` (Beijing; ``SOURCE_DATE_EPOCH`` when set, and never before
the newest date already in the ledger) and records it; every later build, on any machine,
reads the same date from the ledger and publishes the same bytes. Without a ledger (a new
project, a test fixture) everything is a baseline dated by the data's own newest date, and
no event is recorded, so a fresh checkout still builds reproducibly. Losing an uncommitted
ledger loses the dates of the changes it recorded, never the current content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from generator.domain.standard import canonical_json
from generator.outputs import jsontext

LEDGER_FILE = "ledger.json"
BEIJING = dt.timezone(dt.timedelta(hours=8))
# keys an entry carries about itself, left out of its own fingerprint
SELF_KEYS = ("fingerprint", "record_fingerprint", "modified", "base", "generated_at")


def sha(obj: Any) -> str:
    return hashlib.sha256(canonical_json(obj).encode("utf-8")).hexdigest()


def record_fingerprint(entry: dict[str, Any], leave_out: tuple[str, ...] = SELF_KEYS) -> str:
    return sha({k: v for k, v in entry.items() if k not in leave_out})


@dataclass(frozen=True)
class Record:
    """One published item as the ledger sees it."""

    subject: str  # matter | implementation | theme
    id: str
    name: str
    code: str | None
    department: str | None
    fingerprint: str
    fields: dict[str, str]
    version: str | None = None

    @property
    def key(self) -> str:
        return f"{self.subject}:{self.id}"


def make_record(subject: str, id: str, name: str, body: dict[str, Any] | Callable[[], dict[str, Any]], code: str | None = None, department: str | None = None, version: str | None = None, fingerprint: str | None = None, memo: Any = None) -> Record:
    """The record of one item. With a ``fingerprint`` and a ``memo``
    (:class:`generator.cache.Memo`), the digests of its fields are looked up by the
    fingerprint (which hashes all of them) and ``body`` may be a function that makes the
    document only when they are not there: hashing every field of every matter took 0.5 s
    of every rebuild at 907 matters."""
    if memo is not None and fingerprint:
        from generator.cache import code_digest  # noqa: PLC0415

        fields = memo.get(f"{subject}:{code_digest(__name__)[:16]}:{fingerprint}", lambda: field_digests(body() if callable(body) else body))
        return Record(subject, id, name, code, department, fingerprint, dict(fields), version)
    content = {k: v for k, v in (body() if callable(body) else body).items() if k not in SELF_KEYS}
    return Record(subject, id, name, code, department, fingerprint or sha(content), field_digests(content), version)


def field_digests(body: dict[str, Any]) -> dict[str, str]:
    return {k: sha(v)[:12] for k, v in sorted(body.items()) if k not in SELF_KEYS}


def today() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), BEIJING).date()
    return dt.datetime.now(BEIJING).date()


@dataclass
class History:
    items: dict[str, dict[str, Any]]
    events: list[dict[str, Any]]
    changed: bool = False
    path: Path | None = None

    def modified(self, key: str) -> dt.date | None:
        item = self.items.get(key)
        return dt.date.fromisoformat(item["modified"]) if item and item.get("modified") else None

    def document(self) -> dict[str, Any]:
        return {"ledger_version": 1, "items": dict(sorted(self.items.items())), "events": self.events}

    def save(self) -> bool:
        if self.path is None or not self.changed:
            return False
        text = jsontext.dumps(self.document(), indent=1, sort_keys=True) + "\n"
        if self.path.exists() and self.path.read_text(encoding="utf-8") == text:
            return False
        self.path.write_text(text, encoding="utf-8")
        return True


def _item(record: Record, modified: dt.date | None) -> dict[str, Any]:
    item: dict[str, Any] = {"fingerprint": record.fingerprint, "fields": record.fields, "name": record.name}
    if modified is not None:
        item["modified"] = modified.isoformat()
    if record.version is not None:
        item["version"] = record.version
    return item


def _event(record_or_item: Record | dict, key: str, kind: str, day: dt.date, note: str, fields: list[str], fingerprint: str | None) -> dict[str, Any]:
    subject, _, ident = key.partition(":")
    if isinstance(record_or_item, Record):
        name, code, department, version = record_or_item.name, record_or_item.code, record_or_item.department, record_or_item.version
    else:
        name, code, department, version = record_or_item.get("name", ident), record_or_item.get("code"), record_or_item.get("department"), record_or_item.get("version")
    return {
        "date": day.isoformat(), "kind": kind, "subject": subject, "subject_id": ident, "code": code, "name": name,
        "department": department, "version": version, "note": note, "fields": fields, "fingerprint": fingerprint,
    }


NOTES = {
    ("implementation", "added"): "新增实施",
    ("implementation", "changed"): "实施信息变更",
    ("theme", "added"): "新增一件事主题",
    ("theme", "changed"): "一件事主题内容变更",
    ("matter", "changed"): "标准内容有修改，但未登记变更说明（版本号未变）",
}


def reconcile(previous: dict[str, Any] | None, records: list[Record], day: dt.date, baseline: dt.date) -> History:
    """The ledger after this build: pure, so the same ledger and data always give the same result."""
    if previous is None:
        items = {}
        for r in records:
            items[r.key] = {**_item(r, None if r.subject == "matter" else baseline), "code": r.code, "department": r.department}
        return History(items, [], changed=True)
    items: dict[str, dict[str, Any]] = {k: dict(v) for k, v in previous.get("items", {}).items()}
    events: list[dict[str, Any]] = [dict(e) for e in previous.get("events", [])]
    dates = [dt.date.fromisoformat(e["date"]) for e in events] + [dt.date.fromisoformat(i["modified"]) for i in items.values() if i.get("modified")]
    day = max([day, *dates])
    changed = False
    current = {r.key: r for r in records}
    for key, record in current.items():
        old = items.get(key)
        if old is not None and old["fingerprint"] == record.fingerprint:
            if (old.get("name"), old.get("version")) != (record.name, record.version):
                old.update(name=record.name, **({"version": record.version} if record.version else {}))
                changed = True
            continue
        changed = True
        extra = {"code": record.code, "department": record.department}
        if old is None:
            if record.subject == "matter":
                items[key] = {**_item(record, None), **extra}  # a new matter is dated by its own change notes
                continue
            items[key] = {**_item(record, day), **extra}
            events.append(_event(record, key, record.subject, day, NOTES[(record.subject, "added")], sorted(record.fields), record.fingerprint))
            continue
        fields = sorted(k for k in {*old.get("fields", {}), *record.fields} if old.get("fields", {}).get(k) != record.fields.get(k))
        if record.subject == "matter":
            if old.get("version") != record.version:  # a new version has its own dated change note
                items[key] = {**_item(record, None if not old.get("modified") else dt.date.fromisoformat(old["modified"])), **extra}
                continue
            items[key] = {**_item(record, day), **extra}
            events.append(_event(record, key, "minor", day, NOTES[("matter", "changed")], fields, record.fingerprint))
            continue
        items[key] = {**_item(record, day), **extra}
        note = NOTES[(record.subject, "changed")] + "：" + "、".join(FIELD_LABELS.get(f, f) for f in fields)
        events.append(_event(record, key, record.subject, day, note, fields, record.fingerprint))
    for key in sorted(set(items) - set(current)):
        old = items.pop(key)
        changed = True
        events.append(_event(old, key, "withdrawal", day, "已下架，不再提供", [], None))
    return History(items, events, changed=changed)


FIELD_LABELS = {
    "agency": "实施机关", "agency_credit_code": "统一社会信用代码", "halls": "办理点（地址、电话、办公时间、窗口、预约、自助终端、邮寄地址）",
    "consult_phones": "咨询电话", "complaint_phone": "监督投诉电话", "online_url": "网上办理地址", "services": "网上咨询、投诉、进度查询和支付渠道", "remedy": "救济途径",
    "region_code": "所在地区", "region_name": "所在地区", "level": "层级", "matter_name": "事项名称", "department": "实施部门",
    "tongban": "通办范围", "members": "成员事项", "materials": "合并材料", "conditions": "受理条件", "savings": "压减数据",
    "intake": "一窗受理", "promised_days": "承诺时限", "visits": "跑动次数", "name": "名称", "summary": "说明",
}


def load_history(path: Path, records: list[Record], baseline: dt.date) -> History:
    previous = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    history = reconcile(previous, records, today(), baseline)
    history.path = path
    return history


# ---------------------------------------------------------------- dates of the published items

FIRST_DATE = dt.date(2026, 1, 1)


def last_changed(matter) -> dt.date:
    """The latest date the standard took a new form: its effective date or a change note, minor ones included."""
    return max([matter.effective_date, *(c.date for c in matter.changes)])


def data_date(corpus) -> dt.date:
    """The newest date in the data itself: an effective date or a change note."""
    return max((last_changed(m) for m in corpus.matters.values()), default=FIRST_DATE)


def modified(history: History | None, corpus, key: str, floor: dt.date | None = None) -> str:
    """An item's ``modified``: from the ledger (without one, the data's newest date)."""
    day = history.modified(key) if history is not None else None
    dates = [d for d in (day, floor) if d is not None] or [data_date(corpus)]
    return max(dates).isoformat()


def matter_modified(history: History | None, corpus, matter) -> str:
    return modified(history, corpus, f"matter:{matter.code}", last_changed(matter))


def _instant(day: dt.date) -> str:
    return dt.datetime.combine(day, dt.time(), BEIJING).isoformat()


def generated_at(corpus, history: History | None = None) -> str:
    """``SOURCE_DATE_EPOCH`` when set (UTC), else the newest date in the data and the ledger."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    dates = [last_changed(m) for m in corpus.matters.values()]
    if history is not None:
        dates += [dt.date.fromisoformat(e["date"]) for e in history.events]
        dates += [dt.date.fromisoformat(i["modified"]) for i in history.items.values() if i.get("modified")]
    return _instant(max(dates)) if dates else _instant(FIRST_DATE)
