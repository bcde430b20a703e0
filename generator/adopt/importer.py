"""`guides import`: a 事项清单 spreadsheet (XLSX or CSV) into canonical matter files and the
implementations of ``regions.yml``.

Everything is read and checked before anything is written: every problem is reported at once,
as ``file.xlsx:sheet!C12: column: message`` in Chinese, and if there is any, nothing is
written (exit 1). Values are validated by the same model as ``guides check``
(:class:`~generator.model.matter.Matter`, messages from :func:`~generator.load.messages.explain`)
and cross-checked by :func:`~generator.load.validate.matter_problems`; files are written in the
canonical form of ``guides fmt`` (:func:`~generator.review.fmt.dump_matter`). A file that
exists with other content is never overwritten without ``--force``; one that holds the same
standard is left as it is (its comments too).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from generator.adopt.mapping import Mapping, load_mapping
from generator.adopt.rows import ID_PREFIX, Located, Row, item_data, make_id, mapping_for, open_sheet, row_code
from generator.adopt.template import CODE, IMPLEMENTATION_SHEET, MATTER_SHEET, SHEET_BY_NAME, SHEETS, Sheet, parse_cell
from generator.adopt.workbook import CellProblem, open_book
from generator.load.matters import display_path, load_matter_file
from generator.load.messages import explain
from generator.load.validate import matter_problems
from generator.model.matter import Matter
from generator.problems import InvalidInput, Problem, UsageError
from generator.review.fmt import canonical_data, dump_matter

REQUIRED_LISTS = {name for name, info in Matter.model_fields.items() if any(getattr(m, "min_length", 0) for m in info.metadata)}
PARALLEL_FROM = 200  # matters: below this, one process dumps them faster than a pool starts


class Imported:
    """What a spreadsheet holds: matters by code and the rows of its 实施清单."""

    def __init__(self) -> None:
        self.matters: dict[str, Located] = {}
        self.implementations: list[Row] = []
        self.missing: set[str] = set()  # required lists whose sheet the file lacks (said once)


def read_book(path: Path, display: str, mapping: Mapping | None, only: list[str] | None, problems: list[Problem]) -> Imported:
    """Read the sheets into located matter data (not yet validated)."""
    file_names = {}  # template sheet -> its name in the file
    for sheet in SHEETS:
        mapped = mapping_for(mapping, sheet.name)
        file_names[sheet.name] = mapped.sheet if mapped is not None and mapped.sheet else sheet.name
    csv_sheet = None
    if path.suffix.lower() == ".csv":
        csv_sheet = file_names[only[0]] if only else (path.stem if path.stem in file_names.values() else file_names[MATTER_SHEET])
    book = open_book(path, display, problems, csv_sheet=csv_sheet, csv_siblings=[] if only else list(file_names.values()))
    result = Imported()
    if book is None:
        return result
    try:
        wanted = [SHEET_BY_NAME[name] for name in only] if only else list(SHEETS)
        opened = {}
        for layout in wanted:
            found = open_sheet(book, layout, mapping_for(mapping, layout.name), problems)
            if found is False:
                return result  # the size is the one thing to say about it
            if found is not None:
                opened[layout.name] = found
        if not opened:
            problems.append(CellProblem(display, 0, 0, "", f"没有可导入的表：表名应为 {'、'.join(s.name for s in wanted)}（其他名称请用 --mapping 映射文件）"))
            return result
        if MATTER_SHEET in opened:
            _read_matters(*opened[MATTER_SHEET], result, problems)
            for layout in wanted:
                if layout.field in REQUIRED_LISTS and not layout.parts and layout.name not in opened:
                    result.missing.add(layout.field)
                    problems.append(CellProblem(display, 0, 0, "", f"缺少「{layout.name}」表：每个事项至少一行{layout.name}"))
        elif any(layout.field for layout in wanted if layout.name in opened):
            problems.append(CellProblem(display, 0, 0, "", f"缺少「{MATTER_SHEET}」表：其他表的行按基本编码对应到它的事项"))
            return result
        names: dict[str, list[str]] = {}
        for code, located in result.matters.items():
            names.setdefault(located.name or "", []).append(code)
        for layout in wanted:
            if layout.field and layout.name in opened:
                _read_items(layout, *opened[layout.name], result.matters, names, problems)
        if IMPLEMENTATION_SHEET in opened:
            result.implementations = list(opened[IMPLEMENTATION_SHEET][1])
    finally:
        book.close()
    return result


def _read_matters(ctx, rows, result: Imported, problems: list[Problem]) -> None:
    layout = ctx.layout
    first_row: dict[str, int] = {}
    for row in rows:
        data = item_data(row, list(layout.columns), problems)
        code = data.get("code")
        if not isinstance(code, str) or not code:
            if CODE not in ctx.absent:
                problems.append(row.problem(CODE, "必填，不能为空"))
            continue
        if code in first_row:
            problems.append(row.problem(CODE, f"基本编码 {code} 重复（第一次在第 {first_row[code]} 行）"))
            continue
        first_row[code] = row.number
        located = Located(code, row)
        for name in ("time_limit", "result"):  # required parts: each of their fields is reported in its own cell
            data.setdefault(name, {})
        located.data = data
        located.name = data.get("name")
        for sheet in SHEETS:
            if sheet.field:
                located.data.setdefault(sheet.field, [])
        result.matters[code] = located


def _read_items(layout: Sheet, ctx, rows, matters: dict[str, Located], names, problems: list[Problem]) -> None:
    field_name = layout.field
    previous: str | None = None
    groups: dict[tuple[str, str], int] = {}  # (code, situation) -> index, for 办理情形
    taken: dict[str, set[str]] = {}
    for row in rows:
        code = row_code(row, matters, names, previous, problems)
        previous = code
        if code is None:
            continue
        located = matters[code]
        items = located.data[field_name]
        if layout.parts:
            _read_part(layout, row, code, items, located, problems)
            continue
        item = item_data(row, list(layout.columns), problems)
        if layout.sub_field is None:
            if ctx.generated and "id" not in item:
                item["id"] = make_id(field_name, item, taken.setdefault(f"{code}/{field_name}", set()))
            located.rows[(field_name, len(items))] = row
            items.append(item)
            continue
        # 办理情形: one row per option; the situation's columns repeat, or stay empty (a merged cell)
        option = item_data(row, list(layout.columns), problems, sub=True)
        if item:
            key = (code, str(item.get("id") or item.get("question")))
            if key not in groups:
                groups[key] = len(items)
                if ctx.generated and "id" not in item:
                    item["id"] = make_id(field_name, item, taken.setdefault(f"{code}/{field_name}", set()))
                located.rows[(field_name, len(items))] = row
                items.append({**item, layout.sub_field: []})
            index = groups[key]
            for name, value in item.items():
                if name != "id" and items[index].get(name) != value:
                    first = located.rows[(field_name, index)].number
                    header = next(c.header for c in layout.columns if c.path == (name,) and not c.sub)
                    problems.append(row.problem(header, f"同一情形在第 {first} 行写作「{items[index].get(name)}」，这里不一致"))
        elif items:
            index = len(items) - 1
        else:
            problems.append(row.problem(next(c.header for c in layout.columns if c.path == ("id",) and not c.sub), "必填，不能为空"))
            continue
        options = items[index][layout.sub_field]
        if ctx.generated and "id" not in option:
            option["id"] = make_id(layout.sub_field, option, taken.setdefault(f"{code}/{field_name}/{index}", set()))
        located.rows[(field_name, index, layout.sub_field, len(options))] = row
        options.append(option)


def _read_part(layout: Sheet, row: Row, code: str, items: list, located: Located, problems: list[Problem]) -> None:
    """One row of a part sheet (申请材料·按情形的份数): a part of the item its identifier names."""
    parent = next(c for c in layout.columns if c.parent)
    ident = parse_cell(parent, row.values[parent.header]) if row.values.get(parent.header) not in (None, "") else ""
    if not ident:
        problems.append(row.problem(parent.header, "必填，不能为空"))
        return
    index = next((i for i, item in enumerate(items) if item.get("id") == ident), None)
    if index is None:
        title = Matter.model_fields[layout.field].title
        problems.append(row.problem(parent.header, f"「{title}」表中没有基本编码为 {code}、{parent.header}为 {ident} 的行"))
        return
    parts = items[index].setdefault(layout.sub_field, [])
    located.rows[(layout.field, index, layout.sub_field, len(parts))] = row
    parts.append(item_data(row, list(layout.columns), problems, sub=True))


def _link_by_name(data: dict, generated_steps: bool) -> None:
    """Review points may name their material or condition; generated steps follow in row order."""
    by_name = {m.get("name"): m.get("id") for m in data.get("materials", []) if isinstance(m, dict)}
    by_name.update({c.get("text"): c.get("id") for c in data.get("conditions", []) if isinstance(c, dict)})
    ids = set(by_name.values())
    for point in data.get("review_points", []):
        about = point.get("about")
        if isinstance(about, str) and about not in ids and about in by_name:
            point["about"] = by_name[about]
    steps = data.get("steps", [])
    if generated_steps and not any("next" in s for s in steps):
        for step, following in zip(steps, steps[1:]):
            step["next"] = [following["id"]]


def validate(imported: Imported, problems: list[Problem]) -> dict[str, Matter]:
    """The matters as models; every problem of every matter, positioned in its cells. Without a
    required column, references between items cannot be checked (they would all fail): the
    missing column is the one problem said."""
    matters = {}
    columns_missing = any(row.ctx.absent for located in imported.matters.values() for row in located.rows.values())
    said = {(p.path, p.line, p.column) for p in problems}  # a cell already reported is not reported again
    for code, located in imported.matters.items():
        _link_by_name(located.data, any(row.ctx.generated for loc, row in located.rows.items() if loc[:1] == ("steps",)))
        found: list[Problem] = []
        try:
            model = Matter.model_validate(located.data)
        except ValidationError as exc:
            model = None
            for error in exc.errors(include_url=False):
                loc = tuple(error["loc"])
                cell, absent = located.where(loc)
                if (absent and error["type"] == "missing") or cell[:3] in said or (len(loc) == 1 and loc[0] in imported.missing):
                    continue  # the missing column is reported once, at the header; a bad cell once
                message = explain(error, Matter, titled=False)
                if len(loc) == 1 and loc[0] in ID_PREFIX and error["type"] == "too_short":
                    title = Matter.model_fields[loc[0]].title
                    message += f"（「{title}」表中没有基本编码为 {code} 的行）"
                found.append(CellProblem(*cell, message))
        if not columns_missing:
            found += matter_problems(located, None)
        problems += found
        if model is not None and not found:
            matters[code] = model
    return matters


def _dump(models: list[Matter]) -> list[str]:
    # ruamel.yaml makes many short-lived objects: a collection per chunk, not hundreds per matter
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [dump_matter(canonical_data(m)) for m in models]
    finally:
        gc.collect()
        if enabled:
            gc.enable()


def canonical_texts(matters: dict[str, Matter]) -> dict[str, str]:
    """The canonical file text of each matter, in worker processes when there are many."""
    codes = sorted(matters)
    workers = min(os.cpu_count() or 1, 8)
    if len(codes) < PARALLEL_FROM or workers < 2:
        return dict(zip(codes, _dump([matters[c] for c in codes])))
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [codes[i : i + 50] for i in range(0, len(codes), 50)]
    gc.freeze()  # forked workers then never walk (and so never copy) the parent's objects
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            texts = pool.map(_dump, [[matters[c] for c in chunk] for chunk in chunks])
            return {code: text for chunk, part in zip(chunks, texts) for code, text in zip(chunk, part)}
    finally:
        gc.unfreeze()


def plan_writes(matters: dict[str, Matter], imported: Imported, root: Path, force: bool, problems: list[Problem]) -> tuple[dict[Path, str], int]:
    """Which matter files to write (path -> text), and how many are unchanged."""
    texts = canonical_texts(matters)
    writes, unchanged = {}, 0
    for code, text in texts.items():
        path = root / f"{code}.yml"
        if path.exists():
            existing, _, _ = load_matter_file(path, root)
            if existing == matters[code]:
                unchanged += 1
                continue
            if not force and path.read_text(encoding="utf-8") != text:
                cell, _ = imported.matters[code].where(("code",))
                problems.append(CellProblem(*cell, f"{display_path(path, root)} 已存在且内容不同，未覆盖；确认以表格为准时加 --force"))
                continue
        writes[path] = text
    return writes, unchanged


def write_files(writes: dict[Path, str]) -> None:
    for path, text in writes.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.import-tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)


def _selected(args: argparse.Namespace) -> list[str] | None:
    if not args.sheet:
        return None
    names = [n.strip() for part in args.sheet for n in part.split(",") if n.strip()]
    unknown = [n for n in names if n not in SHEET_BY_NAME]
    if unknown:
        raise UsageError(f"模板中没有表「{'、'.join(unknown)}」；可选：{'、'.join(SHEET_BY_NAME)}")
    return names


def cmd_import(args: argparse.Namespace) -> int:
    from generator.adopt.regions import merge_implementations

    if args.template:
        if args.file:
            raise UsageError("--template 写出空白模板，不再读取文件；二者只能用其一")
        from generator.adopt.exporter import write_template

        target = Path(args.template)
        if target.exists() and not args.force:
            raise UsageError(f"{target} 已存在；覆盖请加 --force")
        write_template(target)
        print(f"wrote the import template {target}", file=sys.stderr)
        return 0
    if not args.file:
        raise UsageError("需要导入的文件（或 --template FILE 写出空白模板）")
    path = Path(args.file)
    if not path.is_file():
        raise UsageError(f"没有这个文件：{path}")
    only = _selected(args)
    if only and path.suffix.lower() == ".csv" and len(only) > 1:
        raise UsageError("一个 CSV 文件只是一张表：--sheet 只能给一个表名")
    mapping = load_mapping(Path(args.mapping)) if args.mapping else None
    root = Path(args.matters)
    problems: list[Problem] = []
    imported = read_book(path, args.file, mapping, only, problems)
    matters = validate(imported, problems)
    writes: dict[Path, str] = {}
    unchanged = 0
    if not problems:
        writes, unchanged = plan_writes(matters, imported, root, args.force, problems)
    regions = merge_implementations(imported.implementations, matters, set(imported.matters), root, args.force, problems)
    if problems:
        raise InvalidInput(problems)
    if regions.text is not None:
        writes[regions.path] = regions.text
    write_files(writes)
    shown = sorted(display_path(p, root) for p in writes)
    for name in shown[:100]:
        print(f"wrote {name}", file=sys.stderr)
    print(
        f"imported {len(matters)} matters ({len(writes) - (regions.text is not None)} written, {unchanged} unchanged)"
        f"; {len(imported.implementations)} implementation rows: {regions.summary}",
        file=sys.stderr,
    )
    return 0
