"""``guides slip``: one slip filled for one applicant, as a PDF."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

from generator.domain import chinese
from generator.model.limits import MAX_DAYS
from generator.outputs.slips.html import (
    DEFAULT_CORRECTION_DAYS,
    DEFAULT_SITE_URL,
    KINDS,
    NOTIFY_DAYS,
    Fill,
    SlipPlace,
    render_html,
    slip_place,
)
from generator.outputs.slips.pdf import render_pdf
from generator.problems import UsageError


class SlipInputError(Exception):
    """A code or material id that does not exist: invalid input (exit 1)."""


def _site_url_from_config(config_file: Path) -> str:
    import yaml

    class _Lenient(yaml.SafeLoader):
        pass

    # mkdocs.yml may use !ENV or !!python tags; only site_url matters here
    _Lenient.add_multi_constructor("", lambda loader, suffix, node: None)
    try:
        data = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_Lenient) or {}
    except (OSError, yaml.YAMLError):
        return DEFAULT_SITE_URL
    plugins = data.get("plugins") or []
    for entry in plugins:
        if isinstance(entry, dict) and isinstance(entry.get("guides"), dict) and entry["guides"].get("site_url_for_qr"):
            return str(entry["guides"]["site_url_for_qr"])
    return str(data.get("site_url") or DEFAULT_SITE_URL)


def slip_place_at(corpus: Any, code: str, at: str) -> SlipPlace:
    """The local facts of the implementation ``at`` names (an 实施编码 or a division code);
    SlipInputError listing the valid ones when it names none."""
    matter = corpus.matters[code]
    directory = corpus.directory
    implementation = directory.implementation_at(matter, at) if directory.places else None
    if implementation is None:
        known = directory.implementations(matter) if directory.places else []
        listing = "\n".join(f"  {i.code}  {i.agency.name}（{i.place.region.name}，区划代码 {i.place.code}）" for i in known) or "  （地区目录中没有实施本事项的机关）"
        raise SlipInputError(f"--at {at}: 不是本事项的实施编码，也不是实施本事项的地区的区划代码；本事项的实施编码：\n{listing}")
    return slip_place(directory, matter, implementation)


def filled_slip(
    corpus: Any,
    code: str,
    kind: str,
    missing_ids: list[str],
    applicant: str,
    received: dt.date | None,
    within: int,
    site_url: str,
    at: str | None = None,
    stub: bool = False,
) -> tuple[str, list[str]]:
    """HTML of one filled slip and any warnings; raises SlipInputError for unknown ids.
    With ``at``, the slip carries that place's agency, hall, phones and remedy bodies."""
    matter = corpus.matters.get(code)
    if matter is None:
        raise SlipInputError(
            f"{corpus.root} 中没有基本编码为 {code} 的事项；基本编码就是那里的文件名"
            f"（ls {corpus.root}/*.yml），也是每个事项页面网址的末尾"
        )
    valid = [m.id for m in matter.materials]
    unknown = [i for i in missing_ids if i not in valid]
    if unknown:
        listing = "\n".join(f"  {m.id}  {m.name}" for m in matter.materials)
        raise SlipInputError(f"事项 {code} 没有标识为 {'、'.join(unknown)} 的材料；可用的材料标识：\n{listing}")
    place = slip_place_at(corpus, code, at) if at else None

    calendar = corpus.calendar
    warnings: list[str] = []
    fill: dict[str, Any] = {"applicant": applicant}
    if received is not None:
        fill["received"] = chinese.cn_date(received)
        fill["year"] = str(received.year)
        ends: list[dt.date] = []
        if kind == "correction":
            deadline = calendar.add_working_days(received, within)
            notify_by = calendar.add_working_days(received, NOTIFY_DAYS)
            fill.update(deadline=chinese.cn_date(deadline), within=within, notify_by=chinese.cn_date(notify_by))
            ends += [deadline, notify_by]
        if kind == "acceptance":
            promised = calendar.add_working_days(received, matter.time_limit.promised_days)
            fill["promised_date"] = chinese.cn_date(promised)
            ends.append(promised)
            if matter.time_limit.statutory_days is not None:
                statutory = calendar.add_working_days(received, matter.time_limit.statutory_days)
                fill["statutory_date"] = chinese.cn_date(statutory)
                ends.append(statutory)
        if ends:
            years = calendar.uncovered(received, max(ends))
            if years:
                warnings.append(
                    f"holidays.yml 中没有 {'、'.join(map(str, years))} 年的放假通知，只跳过了周末，算出的日期可能落在节假日；请核对，或在 holidays.yml 中补上相应年份的放假安排"
                )
    html = render_html(
        matter,
        corpus.fingerprint(code),
        kind,
        site_url,
        Fill(**fill),
        frozenset(missing_ids),
        created=(received or matter.effective_date).isoformat(),
        place=place,
        stub=stub,
    )
    return html, warnings


def cmd_slip(args: argparse.Namespace) -> int:
    from generator.load.corpus import load_corpus

    missing = [part.strip() for part in (args.missing or "").split(",") if part.strip()]
    if missing and args.kind != "correction":
        raise UsageError("--missing 只用于补正材料通知书（--kind correction）")
    if getattr(args, "stub", False) and args.kind != "correction":
        raise UsageError("--stub 只用于补正材料通知书（--kind correction）")
    if args.within is not None and args.kind != "correction":
        raise UsageError("--within 只用于补正材料通知书（--kind correction）")
    if args.within is not None and args.within <= 0:
        raise UsageError("--within 应为补正期限的工作日数，至少为 1")
    if args.within is not None and args.within > MAX_DAYS:
        raise UsageError(f"--within：最多 {MAX_DAYS} 个工作日，实际为 {args.within}")
    output = Path(args.output or f"{args.code}-{args.kind}.pdf")
    if str(output) != "-" and output.is_dir():
        raise UsageError(f"-o {output}：这是一个目录；应为 PDF 文件的路径")
    config_file = Path(args.config)
    root = Path(args.matters)
    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    corpus = load_corpus(root, cache_dir=cache_dir)
    site_url = _site_url_from_config(config_file) if config_file.exists() else DEFAULT_SITE_URL
    try:
        html, warnings = filled_slip(corpus, args.code, args.kind, missing, args.applicant or "", args.date, args.within or DEFAULT_CORRECTION_DAYS, site_url, args.at, stub=getattr(args, "stub", False))
    except SlipInputError as exc:
        print(f"guides slip: {exc}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"guides slip：提醒：{warning}", file=sys.stderr)
    pdf = render_pdf(html, cache_dir or Path(".cache/guides"))
    if str(output) == "-":
        sys.stdout.buffer.write(pdf)
        sys.stdout.flush()
    else:
        try:
            write_output(output, pdf)
        except OSError as exc:
            print(f"guides slip: 无法写入 {output}：{exc.strerror or exc}", file=sys.stderr)
            return 1
        print(f"{output}: {KINDS[args.kind]}, {len(pdf) // 1024} KB", file=sys.stderr)
    return 0


def write_output(output: Path, data: bytes) -> None:
    """Write the PDF; a regular file is written whole or not at all (a full disk leaves no
    half PDF). A device such as /dev/full is written to directly and fails as it fails."""
    output.parent.mkdir(parents=True, exist_ok=True)
    if output.exists() and not output.is_file():
        with output.open("wb") as handle:
            handle.write(data)
        return
    tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
    try:
        with tmp.open("wb") as handle:
            handle.write(data)
        os.replace(tmp, output)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
