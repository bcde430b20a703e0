"""What the publication ledger (:mod:`generator.outputs.api.history`) records of a corpus: one
:class:`~generator.outputs.api.history.Record` per published matter, implementation and theme."""

from __future__ import annotations

import datetime as dt
from typing import Any

from generator.domain import standard
from generator.load.corpus import Corpus
from generator.outputs.api.history import History, Record, make_record, reconcile

FIRST_DATE = dt.date(2026, 1, 1)


def last_changed(matter) -> dt.date:
    return max([matter.effective_date, *(c.date for c in matter.changes)])


def data_date(corpus: Corpus) -> dt.date:
    """The newest date in the data itself: an effective date or a change note."""
    return max((last_changed(m) for m in corpus.matters.values()), default=FIRST_DATE)


def all_records(corpus: Corpus) -> list[Record]:
    from generator.outputs import regions, themes  # noqa: PLC0415

    records = []
    for matter in corpus.sorted_matters():
        records.append(make_record("matter", matter.code, matter.name, standard.matter_document(matter), code=matter.code,
                                   department=matter.department, version=matter.version, fingerprint=corpus.fingerprint(matter.code)))
    for entry in regions.implementations(corpus, dated=False):
        records.append(make_record("implementation", entry["implementation_code"], f"{entry['matter_name']}（{entry['agency']}）", entry,
                                   code=entry["matter_code"], department=entry["agency"], fingerprint=entry["record_fingerprint"]))
    for plan in corpus.themes.values():
        document = themes.theme_document(plan, corpus, dated=False)
        records.append(make_record("theme", plan.theme.id, plan.theme.name, document, fingerprint=document["fingerprint"]))
    return records


def baseline(corpus: Corpus) -> History:
    """The history of a build without a ledger: everything as it is, dated by the data."""
    day = data_date(corpus)
    return reconcile(None, all_records(corpus), day, day)


def modified(history: History | None, corpus: Corpus, key: str, floor: dt.date | None = None) -> str:
    day = history.modified(key) if history is not None else None
    dates = [d for d in (day, floor) if d is not None] or [data_date(corpus)]
    return max(dates).isoformat()


def matter_modified(history: History | None, corpus: Corpus, matter) -> str:
    return modified(history, corpus, f"matter:{matter.code}", last_changed(matter))
