"""Mapping files: how a spreadsheet with another column layout reads as the template.

A real export of a 事项管理系统 has its own sheet names, header rows and column names, and no
stable identifiers. A mapping file (YAML) says, per sheet of the template, where its columns
are; the spreadsheet itself is never edited::

    # 映射文件：省事项管理系统导出表 → 导入模板
    sheets:
      事项:                           # a sheet of the template
        sheet: 事项基本信息              # its name in the file (CSV: the file name without .csv)
        header_row: 2                 # the row of the column names (default 1)
        columns:                      # template column: column in the file
          基本编码: 事项编码
          事项名称: 事项名称
          办理时限·承诺办结时限（工作日）: 承诺时限
        values:                       # template column: {as written in the file: as the template says}
          办理时限·承诺办结时限（工作日）: {即办: 0}
        fixed:                        # template columns the file does not have: one value for every row
          通办范围: 不通办
      申请材料:
        sheet: 材料目录
        columns: {基本编码: 事项编码, 材料名称: 材料名称, 材料形式: 材料类型, 份数: 份数, 来源渠道: 来源渠道}

In a sheet named in the mapping, the columns that ``columns`` renames are read under their
names in the file, the others under the template's names, and columns the template does not
know are ignored. A sheet not named in the mapping is read strictly as the template says (a
column it does not know is a problem: it may be a misspelt one). When a sheet has no column
for its items' 标识 (材料标识, 环节标识, …), identifiers are made from the item's name
(``mat-`` and 8 hexadecimal digits: the same name gives the same identifier in every file, so
the versions of several regions match); steps without 后续环节 then follow one another in row
order, and a 审批要点's 针对 may name a material or condition by its name.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from generator.adopt.template import SHEET_BY_NAME
from generator.load.reader import load_yaml
from generator.load.messages import explain
from generator.model.matter import Strict
from generator.problems import InvalidInput, Problem

Scalar = str | int | float | bool


class SheetMapping(Strict):
    sheet: str | None = Field(default=None, title="文件中的表名", description="CSV 文件为文件名（不含 .csv）；不填时与模板的表名相同。")
    header_row: int = Field(default=1, ge=1, le=1000, title="表头所在行")
    columns: dict[str, str] | None = Field(default=None, title="列的对应", description="模板的列名: 文件中的列名；只写名称不同的列。")
    values: dict[str, dict[str, Scalar]] = Field(default_factory=dict, title="取值的对应", description="模板的列名: {文件中的写法: 模板的写法}。")
    fixed: dict[str, Scalar] = Field(default_factory=dict, title="固定值", description="文件中没有的列，每行取同一个值。")


class Mapping(Strict):
    sheets: dict[str, SheetMapping] = Field(title="各表的对应", description="模板的表名: 该表在文件中的位置和列。")


def load_mapping(path: Path) -> Mapping:
    """Read and check a mapping file; every problem at once, positioned in the mapping file."""
    if not path.is_file():
        raise InvalidInput([Problem(str(path), 1, 1, "", "映射文件不存在")])
    source = load_yaml(path, str(path))
    if source.problems:
        raise InvalidInput(source.problems)
    try:
        mapping = Mapping.model_validate(source.data)
    except Exception as exc:  # pydantic ValidationError: positioned like every schema error
        errors = getattr(exc, "errors", None)
        if errors is None:
            raise
        raise InvalidInput([source.problem(tuple(e["loc"]), explain(e, Mapping, titled=False)) for e in errors(include_url=False)]) from None
    problems = []
    for name, sheet in mapping.sheets.items():
        layout = SHEET_BY_NAME.get(name)
        if layout is None:
            problems.append(source.problem(("sheets", name), f"模板中没有「{name}」表；模板的表：{'、'.join(SHEET_BY_NAME)}"))
            continue
        known = {c.header for c in layout.columns if not c.derived}
        for part in ("columns", "values", "fixed"):
            for header in getattr(sheet, part) or {}:
                if header not in known:
                    problems.append(source.problem(("sheets", name, part, header), f"「{name}」表中没有「{header}」列；可用的列：{'、'.join(sorted(known))}"))
        for header in sheet.fixed:
            if sheet.columns and header in sheet.columns:
                problems.append(source.problem(("sheets", name, "fixed", header), f"「{header}」已在 columns 中对应到文件的列，不能再给固定值"))
    if problems:
        raise InvalidInput(problems)
    return mapping
