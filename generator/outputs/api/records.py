"""What the publication ledger (:mod:`generator.outputs.api.history`) records of a corpus: one
:class:`~generator.outputs.api.history.Record` per published matter, implementation and theme;
and the build's history, made once before the outputs run (``ctx.history``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.cache import Memo

from generator.domain import standard
from generator.load.corpus import Corpus
from generator.outputs import regions, themes
from generator.outputs.api.history import LEDGER_FILE, History, Record, data_date, load_history, make_record, reconcile

if TYPE_CHECKING:
    from generator.publish.context import BuildContext


def all_records(corpus: Corpus, memo: Any = None) -> list[Record]:
    """The records of ``corpus``; with a :class:`generator.cache.Memo`, the digests of each
    item's fields come from it by the item's fingerprint (see ``make_record``)."""
    records = []
    for matter in corpus.sorted_matters():
        records.append(make_record("matter", matter.code, matter.name, lambda matter=matter: standard.matter_document(matter), code=matter.code,
                                   department=matter.department, version=matter.version, fingerprint=corpus.fingerprint(matter.code), memo=memo))
    for entry in regions.implementations(corpus, dated=False):
        records.append(make_record("implementation", entry["implementation_code"], f"{entry['matter_name']}（{entry['agency']}）", entry,
                                   code=entry["matter_code"], department=entry["agency"], fingerprint=entry["record_fingerprint"], memo=memo))
    for plan in corpus.themes.values():
        document = themes.theme_document(plan, corpus, dated=False)
        records.append(make_record("theme", plan.theme.id, plan.theme.name, document, fingerprint=document["fingerprint"]))
    return records


def baseline(corpus: Corpus) -> History:
    """The history of a build without a ledger: everything as it is, dated by the data."""
    day = data_date(corpus)
    return reconcile(None, all_records(corpus), day, day)


def for_build(ctx: "BuildContext") -> History:
    """The build's history: the ledger in the matters directory reconciled with this corpus."""
    memo = Memo(ctx.cache_dir, "record-fields")
    history = load_history(ctx.base_dir / ctx.config.matters_dir / LEDGER_FILE, all_records(ctx.corpus, memo), data_date(ctx.corpus))
    memo.save()
    return history
