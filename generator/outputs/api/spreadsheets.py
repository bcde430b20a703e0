"""Spreadsheets for staff: the catalogue, the implementations (实施清单) and every matter's
materials (申请材料), as CSV (UTF-8 with a byte order mark, so Excel opens the Chinese
correctly) and as XLSX (:mod:`generator.outputs.api.xlsx`), with Chinese column headers.

Same input, same bytes: the XLSX's document dates are the data's ``generated_at`` and every
zip member carries the same fixed time stamp, so an unchanged catalogue gives the same file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import contract
from generator.cache import ArtifactCache, code_digest, digest
from generator.load.corpus import Corpus
from generator.outputs import regions
from generator.outputs.api import catalogue, xlsx
from generator.outputs.api.history import History

if TYPE_CHECKING:
    from generator.publish.context import BuildContext

BOM = "\ufeff"
SHEET_TITLES = {"catalogue": "事项目录", "implementations": "实施清单", "materials": "申请材料"}


def _yes(value: bool) -> str:
    return "是" if value else "否"


def tables(corpus: Corpus, history: History | None = None) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """name -> (Chinese headers, rows); the CSV and the XLSX are written from the same table."""
    doc = catalogue.catalogue(corpus, history)
    matters = (
        ["基本编码", "事项名称", "事项类型", "业务办理项", "实施部门", "行使层级", "通办范围", "版本", "生效日期", "最近修改日期", "标准指纹", "办事指南", "数据文件"],
        [
            [m["code"], m["name"], m["matter_type"], m["business_item"] or "", m["department"], "、".join(m["levels"]), m["tongban"], m["version"],
             m["effective_date"], m["modified"], m["fingerprint"], m["links"]["page"], m["links"]["json"]]
            for m in doc["matters"]
        ],
    )
    implementations = (
        ["实施编码", "基本编码", "事项名称", "实施部门", "实施机关", "统一社会信用代码", "区划代码", "所在地区", "行使层级", "通办范围",
         "咨询电话", "监督投诉电话", "网上办理地址", "行政复议机关", "行政诉讼管辖法院", "办理点", "最近修改日期", "标准指纹"],
        [
            [i["implementation_code"], i["matter_code"], i["matter_name"], i["department"], i["agency"], i["agency_credit_code"], i["region_code"],
             i["region_name"], i["level"], i["tongban"], "、".join(i["consult_phones"]), i["complaint_phone"] or "", i["online_url"] or "",
             i["remedy"]["reconsideration_body"], i["remedy"]["litigation_court"],
             "；".join(f"{h['name']}（{h['window']}，{h['address']}，{h['hours']}，{'、'.join(h['phones'])}）" for h in i["halls"]),
             i["modified"], i["fingerprint"]]
            for i in regions.implementations(corpus, history)
        ],
    )
    material_rows = []
    for matter in corpus.sorted_matters():
        labels = matter.option_labels()
        for number, material in enumerate(matter.materials, 1):
            material_rows.append([
                matter.code, matter.name, matter.version, number, material.id, material.name, material.form, material.copies,
                _yes(material.required), material.source, material.source_note or "", "；".join(labels.get(w, w) for w in material.when),
                material.spec or "", material.acceptance_standard or "",
            ])
    materials = (
        ["基本编码", "事项名称", "标准版本", "序号", "材料标识", "材料名称", "材料形式", "份数", "是否必要", "来源渠道", "来源说明", "适用情形", "材料规格", "受理标准"],
        material_rows,
    )
    return {"catalogue": matters, "implementations": implementations, "materials": materials}


def csv_bytes(headers: list[str], rows: list[list[Any]]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return (BOM + out.getvalue()).encode("utf-8")


def _stamp(corpus: Corpus, history: History) -> dt.datetime:
    text = catalogue.generated_at(corpus, history).replace("Z", "+00:00")
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


def cached_xlsx(ctx: "BuildContext", name: str, headers: list[str], rows: list[list[Any]], stamp: dt.datetime) -> Path | None:
    """The workbook's path in the artifact cache, keyed by its cells, its date and this code
    (openpyxl took 2.0 s of every rebuild at 100 matters for three unchanged workbooks).

    A workbook that is not there is written in a worker process while the pages are
    rendered (the three took 3.3 s of a one-edit rebuild at 907 matters, on the core the
    pages need); the build links it after the background work ends. A live preview writes
    it when it is first downloaded."""
    cells = json.dumps([SHEET_TITLES[name], headers, rows, stamp.isoformat()], ensure_ascii=False, default=str)
    key = digest("xlsx", code_digest(__name__), cells)
    cache = ArtifactCache(ctx.cache_dir)
    path = cache.get("sheets", key, ".xlsx")
    if path is None:
        path = cache.path("sheets", key, ".xlsx")
        args = (ctx.cache_dir, key, SHEET_TITLES[name], headers, rows, stamp)
        if ctx.lazy:
            ctx.on_demand[contract.sheet_xlsx(name)] = lambda: _put_xlsx(*args)
            return None
        ctx.in_worker("spreadsheets", _put_xlsx, *args)
        ctx.count_rendered("xlsx")
    return path


def _put_xlsx(cache_dir: Path, key: str, title: str, headers: list[str], rows: list[list[Any]], stamp: dt.datetime) -> Path:
    return ArtifactCache(cache_dir).put("sheets", key, ".xlsx", xlsx.workbook_bytes(title, headers, rows, stamp))


def produce(ctx: "BuildContext") -> list[tuple[str, Any]]:
    history = ctx.history
    stamp = _stamp(ctx.corpus, history)
    files: list[tuple[str, Any]] = []
    for name, (headers, rows) in tables(ctx.corpus, history).items():
        files.append((contract.sheet_csv(name), csv_bytes(headers, rows)))
        workbook = cached_xlsx(ctx, name, headers, rows, stamp)
        if workbook is not None:  # (a live preview makes it when it is downloaded)
            files.append((contract.sheet_xlsx(name), workbook))
    return files
