"""Move the local facts out of matter files written before the standard/implementation split.

    .venv/bin/python scripts/migrate_local_facts.py matters/ [more files or directories]

For each matter file: ``department: {name, credit_code}`` becomes the function name
(``department: 市场监督管理局``), ``contact`` is removed and ``remedy`` keeps only its time
limits. What was removed is printed as YAML comments-to-be, per file, so that the facts can
be entered once in ``matters/regions.yml`` (agency with its credit code, phones, hours,
window, remedy bodies). Run ``guides fmt`` afterwards; then ``guides check`` names every
region that still lacks an agency.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

MATTER_FILE = re.compile(r"^[0-9A-Z]{12}\.yml$")
# the administrative prefix of a name: 福建省 / 莆田市 / 莆田市城厢区 (two characters at least before each suffix)
AREA_PREFIX = re.compile(r"^(?:[^\s省市县区旗盟]{2,}?(?:自治区|特别行政区|省|自治州|市|地区|盟|自治县|县|自治旗|旗|区))+")
# unit names whose function is named differently from the unit
FUNCTIONS = {"消防救援支队": "消防救援机构", "消防救援大队": "消防救援机构", "消防救援总队": "消防救援机构"}


def function_of(name: str) -> str:
    rest = AREA_PREFIX.sub("", name, count=1) or name
    return FUNCTIONS.get(rest, rest)


def migrate(path: Path, yaml: YAML) -> list[str]:
    data = yaml.load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        return []
    notes = []
    department = data.get("department")
    if isinstance(department, dict):
        name = str(department.get("name", ""))
        data["department"] = function_of(name)
        notes.append(f"实施机关 {name}（{department.get('credit_code', '')}）→ department: {data['department']}；机关全称和统一社会信用代码请写入 regions.yml 的 agencies")
    contact = data.pop("contact", None)
    if contact:
        notes.append("已删去 contact：" + "；".join(f"{k}={v}" for k, v in contact.items()) + "；请写入 regions.yml")
    remedy = data.get("remedy")
    if isinstance(remedy, dict):
        for key in ("reconsideration_body", "litigation_court"):
            if key in remedy:
                notes.append(f"已删去 remedy.{key}：{remedy.pop(key)}；请写入 regions.yml")
        if not remedy or all(remedy.get(k) == v for k, v in (("reconsideration_days", 60), ("litigation_months", 6)) if k in remedy) and set(remedy) <= {"reconsideration_days", "litigation_months"}:
            if all(remedy.get(k, v) == v for k, v in (("reconsideration_days", 60), ("litigation_months", 6))):
                del data["remedy"]
    if notes:
        with path.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
    return notes


def main(argv: list[str]) -> int:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    paths: list[Path] = []
    for name in argv:
        p = Path(name)
        paths += sorted(q for q in p.rglob("*.yml") if MATTER_FILE.match(q.name)) if p.is_dir() else [p]
    status = 0
    for path in paths:
        try:
            notes = migrate(path, yaml)
        except YAMLError as error:  # one broken file must not stop the others
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}:{mark.column + 1}" if mark else ""
            print(f"{path}{where}: YAML 语法错误，未迁移；请检查缩进、冒号和引号，改正后重新运行", file=sys.stderr)
            status = 1
            continue
        for note in notes:
            print(f"{path}: {note}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
