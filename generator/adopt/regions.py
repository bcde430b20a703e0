"""The 实施清单 rows of an import into ``regions.yml``: who implements each matter where.

One row names a matter, a region (区划代码, and 地区名称 for a region the directory does not
have yet) and the implementing agency. The agency is added to that region with the matter's
function (its ``department``); an agency that is already there (same credit code) gains the
function if it lacks it. A region the directory lacks is added under the nearest region above
it that it has (or at the top). Anything that would change a fact already in the directory —
another name, phone or URL for the same agency, another agency for the same function — is a
problem unless ``--force`` says the spreadsheet is right.

``regions.yml`` is edited in place (ruamel.yaml round trip: comments, order and quoting of the
rest of the file stay as they are) and then read back with the directory's own loader; a result
it would reject is reported, not written.
"""

from __future__ import annotations

import io
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from generator.adopt.rows import Row, item_data
from generator.adopt.template import CODE, DIVISION, IMPLEMENTATION_CODE, NAME, REGION_NAME, parse_cell
from generator.check.regions import agency_problems
from generator.domain.codes import credit_code_problem, implementation_code
from generator.domain.directory import PREFIX_LENGTHS, code_level
from generator.load.matters import display_path, load_matter_file
from generator.load.regions import REGIONS_FILE, load_directory
from generator.load.messages import explain
from generator.model.matter import LEVELS, Matter
from generator.model.region import Agency
from generator.problems import Problem
from generator.review.fmt import canonical_scalar

SCHEMA_LINE = "# yaml-language-server: $schema=../schema/regions.schema.json\n"
AGENCY_FIELDS = [name for name in Agency.model_fields if name != "functions"]


@dataclass
class RegionsResult:
    path: Path
    text: str | None = None  # the new text of regions.yml; None: unchanged
    added_regions: list[str] = field(default_factory=list)
    added_agencies: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        if self.text is None:
            return f"{self.path.name} unchanged"
        return f"{self.path.name}: {len(self.added_regions)} regions and {len(self.added_agencies)} agencies added, {len(self.changed)} facts changed"


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 1_000_000_000
    y.allow_unicode = True
    return y


def _node(value):
    if isinstance(value, list):
        seq = CommentedSeq(canonical_scalar(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return canonical_scalar(value)


def _walk(regions, index: dict[str, CommentedMap]) -> None:
    for region in regions or []:
        if isinstance(region, dict) and isinstance(region.get("code"), str):
            index[region["code"]] = region
            _walk(region.get("children"), index)


def _departments(rows: list[Row], matters: dict[str, Matter], root: Path) -> dict[str, str | None]:
    found: dict[str, str | None] = {code: m.department for code, m in matters.items()}
    for row in rows:
        code = str(parse_cell(row.ctx.layout.column(CODE), row.values.get(CODE) or ""))
        if code and code not in found:
            path = root / f"{code}.yml"
            matter = load_matter_file(path, root)[0] if path.is_file() else None
            found[code] = matter.department if matter else None
    return found


def merge_implementations(rows: list[Row], matters: dict[str, Matter], imported_codes: set[str], root: Path, force: bool, problems: list[Problem]) -> RegionsResult:
    path = root / REGIONS_FILE
    result = RegionsResult(path)
    if not rows:
        return result
    y = _yaml()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        try:
            data = y.load(text)
        except YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            problems.append(Problem(display_path(path, root), line, col, "", "YAML 格式错误，无法读取；请检查缩进、冒号和引号，改正后重新导入"))
            return result
    else:
        text, data = None, CommentedMap(regions=CommentedSeq())
    if not isinstance(data, dict) or not isinstance(data.get("regions"), list):
        problems.append(Problem(display_path(path, root), 1, 1, "regions", "地区目录应以 regions: 开始"))
        return result
    index: dict[str, CommentedMap] = {}
    _walk(data["regions"], index)
    departments = _departments(rows, matters, root)
    columns = list(rows[0].ctx.layout.columns)
    header_of = {c.path[0]: c.header for c in columns if not c.key}
    before = len(problems)
    for row in rows:
        _merge_row(row, columns, header_of, departments, imported_codes, matters, data, index, force, result, problems)
    if len(problems) > before or not (result.added_regions or result.added_agencies or result.changed):
        return result
    out = io.StringIO()
    y.dump(data, out)
    new_text = out.getvalue() if text is not None else SCHEMA_LINE + out.getvalue()
    with tempfile.TemporaryDirectory() as scratch:  # read back as `guides check` would
        (Path(scratch) / REGIONS_FILE).write_text(new_text, encoding="utf-8")
        directory, found = load_directory(Path(scratch))
        found = found or agency_problems(directory)
    for problem in found:
        problems.append(Problem(display_path(path, root), problem.line, problem.column, problem.field, f"导入后地区目录将不合规：{problem.message}"))
    if not found:
        result.text = new_text
    return result


def _merge_row(row, columns, header_of, departments, imported_codes, matters, data, index, force, result, problems) -> None:
    code = str(parse_cell(row.ctx.layout.column(CODE), row.values.get(CODE) or ""))
    if not code:
        problems.append(row.problem(CODE, "必填，不能为空"))
        return
    function = departments.get(code)
    if function is None:
        if code not in imported_codes:  # (an invalid matter of this import is reported already)
            problems.append(row.problem(CODE, f"基本编码 {code} 既不在本次导入的「事项」表中，也不在事项目录中"))
        return
    name = row.values.get(NAME)
    if name not in (None, "") and code in matters and str(name).strip() != matters[code].name:
        problems.append(row.problem(NAME, f"与事项 {code} 的名称「{matters[code].name}」不一致"))
    values = item_data(row, columns, problems)
    division = str(values.get("division", ""))
    level = code_level(division) if re.fullmatch(r"[0-9]{12}", division) else None
    if level is None:
        problems.append(row.problem(DIVISION, f"应为12位区划代码（省2+市2+县2+乡3+村3位），实际为「{division}」" if division else "必填，不能为空"))
        return
    agency_data = {k: values[k] for k in AGENCY_FIELDS if k in values}
    try:
        agency = Agency.model_validate({**agency_data, "functions": [function]})
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            problems.append(row.problem(header_of.get(error["loc"][0], CODE), explain(error, Agency, titled=False)))
        return
    wrong = credit_code_problem(agency.credit_code)
    if wrong:
        problems.append(row.problem(header_of["credit_code"], wrong))
        return
    given = values.get("implementation_code")
    if given and given != implementation_code(agency.credit_code, level, code):
        problems.append(row.problem(IMPLEMENTATION_CODE, f"与实施机关的统一社会信用代码、{level}和基本编码算出的 {implementation_code(agency.credit_code, level, code)} 不一致"))
    region = index.get(division)
    region_name = values.get("region_name")
    if region is None:
        if not region_name:
            problems.append(row.problem(REGION_NAME, f"地区目录中还没有区划代码 {division} 的地区，须填写地区名称"))
            return
        region = _add_region(data, index, division, str(region_name), level)
        result.added_regions.append(division)
    elif region_name and region.get("name") != region_name:
        problems.append(row.problem(REGION_NAME, f"区划代码 {division} 在地区目录中是「{region.get('name')}」，这里写作「{region_name}」"))
        return
    _merge_agency(row, header_of, region, agency, function, force, result, problems)


def _add_region(data, index, code: str, name: str, level: str) -> CommentedMap:
    region = CommentedMap([("code", _node(code)), ("name", _node(name)), ("level", _node(level))])
    parent = None
    for above in LEVELS[: LEVELS.index(level)][::-1]:
        candidate = code[: PREFIX_LENGTHS[above]].ljust(12, "0")
        if candidate in index:
            parent = index[candidate]
            break
    if parent is None:
        data["regions"].append(region)
    else:
        parent.setdefault("children", CommentedSeq()).append(region)
    index[code] = region
    return region


def _merge_agency(row, header_of, region, agency: Agency, function: str, force: bool, result, problems) -> None:
    agencies = region.setdefault("agencies", CommentedSeq())
    where = f"{region.get('name')}（{region.get('code')}）"
    same = next((a for a in agencies if a.get("credit_code") == agency.credit_code), None)
    if same is None:
        same = next((a for a in agencies if a.get("name") == agency.name), None)
    holder = next((a for a in agencies if function in (a.get("functions") or []) and a is not same), None)
    if holder is not None:
        if not force:
            problems.append(row.problem(header_of["name"], f"{where}已由「{holder.get('name')}」承担「{function}」职能；以表格为准时加 --force"))
            return
        holder["functions"].remove(function)
        if not holder["functions"]:
            agencies.remove(holder)
        result.changed.append(f"{where} {function}")
    if same is None:
        entry = CommentedMap([("name", _node(agency.name)), ("functions", _node([function]))])
        for key in AGENCY_FIELDS[1:]:
            value = getattr(agency, key)
            if value is not None:
                entry[key] = _node(value)
        agencies.append(entry)
        result.added_agencies.append(agency.name)
        return
    for key in AGENCY_FIELDS:
        value = getattr(agency, key)
        if value is None or same.get(key) == value:
            continue
        if not force:
            shown = same.get(key) if same.get(key) is not None else "（未填）"
            problems.append(row.problem(header_of[key], f"地区目录中{where}的「{same.get('name')}」此项为「{shown}」，表中为「{value}」；以表格为准时加 --force"))
            return
        same[key] = _node(value)
        result.changed.append(f"{where} {agency.name} {key}")
    if function not in (same.get("functions") or []):
        same.setdefault("functions", _node([])).append(function)
        result.changed.append(f"{where} {agency.name} +{function}")
