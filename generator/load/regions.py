"""Read ``matters/regions.yml`` into a :class:`~generator.domain.directory.Directory`, and
reject anything in it that would make one region's standard differ from another's."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from generator.domain.directory import Directory, Place, code_level, prefix
from generator.load.matters import display_path
from generator.load.reader import REGION_LIMITS, SourceFile, load_yaml, present
from generator.load.messages import explain
from generator.model.matter import LEVELS, Matter, TimeLimit
from generator.model.region import Agency, Appointment, AppointmentQuota, Hall, MailAddress, Region, RegionDirectory, Terminal, Window
from generator.problems import Problem

REGIONS_FILE = "regions.yml"
LIMITED = "各地只能写由谁实施（agencies）、办理点（halls）、联系方式、办公时间和复议诉讼机关，请删去这一项"

# Keys that name an element of the standard. The region models forbid unknown keys anyway;
# these get their own message, because they are not typos but attempts to make one region's
# standard differ from another's.
_MATTER_STANDARD = set(Matter.model_fields) - {"code", "name"}
STANDARD_KEYS = frozenset(
    _MATTER_STANDARD
    | {key[:-1] for key in _MATTER_STANDARD if key.endswith("s") and not key.endswith("ss") and key != "legal_basis"}
    | set(TimeLimit.model_fields)
    | {"time_limits", "deadline", "fee", "amount", "charge", "charges"}
) - {name for model in (RegionDirectory, Region, Hall, Window, Agency, Appointment, AppointmentQuota, Terminal, MailAddress) for name in model.model_fields}
OVERRIDE_KEYS = frozenset({"overrides", "override", "matters", "matter", "standard", "standards", "local_standard"})
MATTER_CODE = re.compile(r"^[0-9A-Z]{12}$")


def _standard_attempts(data: Any, loc: tuple, source: SourceFile) -> tuple[list[Problem], set[tuple]]:
    problems, locs = [], set()
    if isinstance(data, list):
        for i, item in enumerate(data):
            found, where = _standard_attempts(item, loc + (i,), source)
            problems += found
            locs |= where
    elif isinstance(data, dict):
        for key, value in data.items():
            here = loc + (key,)
            if key in STANDARD_KEYS:
                locs.add(here)
                problems.append(
                    source.problem(
                        here,
                        f"地区目录不能设定事项标准的要素「{key}」：它只在事项文件中写一次，各地区、各层级都相同；{LIMITED}",
                    )
                )
            elif (key == "matters" and ("windows" in loc or "self_service_terminals" in loc)) or (key == "matter" and "quotas" in loc):
                continue  # a window or terminal lists the matters it takes, a quota its matter: where, not how
            elif key in OVERRIDE_KEYS or MATTER_CODE.match(key):
                locs.add(here)
                problems.append(
                    source.problem(
                        here,
                        f"不能按事项改写标准（「{key}」）：同一事项无论在哪里办理，标准都相同；{LIMITED}",
                    )
                )
            else:
                found, where = _standard_attempts(value, here, source)
                problems += found
                locs |= where
    return problems, locs


def _dicts(value: Any) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _tree_problems(source: SourceFile) -> list[Problem]:
    """Division codes, parents, levels and hall ids, read from the raw data so that they are
    reported together with schema errors: all problems at once."""
    problems: list[Problem] = []
    codes: dict[str, tuple] = {}
    hall_ids: dict[str, tuple] = {}

    def walk(items: Any, loc: tuple, parent: tuple[str, str, str] | None) -> None:
        for i, item in _dicts(items):
            here = loc + (i,)
            code, level, name = item.get("code"), item.get("level"), item.get("name")
            valid_code = isinstance(code, str) and re.fullmatch(r"[0-9]{12}", code) is not None
            denoted = code_level(code) if valid_code else None
            if valid_code and denoted is None:
                problems.append(
                    source.problem(here + ("code",), f"行政区划代码「{code}」不合规则：依次为省2位、市2位、县2位、乡3位、村3位，某一段全为 0 后，后面各段也都应为 0")
                )
            if valid_code and code in codes:
                line, _ = source.where(codes[code])
                problems.append(source.problem(here + ("code",), f"行政区划代码「{code}」重复，已在第{line}行使用；每个地区只写一次"))
            elif valid_code:
                codes[code] = here + ("code",)
            if denoted and isinstance(level, str) and level in LEVELS and level != denoted:
                problems.append(source.problem(here + ("level",), f"地区层级「{level}」与行政区划代码 {code} 不符：该代码是{denoted}代码；请改正其中一处"))
            if parent and denoted:
                parent_code, parent_level, parent_name = parent
                stem = prefix(parent_code, parent_level)
                if not code.startswith(stem) or code == parent_code:
                    problems.append(
                        source.problem(here + ("code",), f"行政区划代码「{code}」不在上级地区{parent_name}（{parent_code}）之下：应以 {stem} 开头，且层级低于上级")
                    )
            region_level = level if isinstance(level, str) and level in LEVELS else None
            for j, hall in _dicts(item.get("halls")):
                hall_loc = here + ("halls", j)
                hall_id, hall_level = hall.get("id"), hall.get("level")
                if isinstance(hall_id, str):
                    if hall_id in hall_ids:
                        line, _ = source.where(hall_ids[hall_id])
                        problems.append(source.problem(hall_loc + ("id",), f"办理点标识「{hall_id}」重复，已在第{line}行使用；每个办理点的标识不同"))
                    else:
                        hall_ids[hall_id] = hall_loc + ("id",)
                if region_level and isinstance(hall_level, str) and hall_level in LEVELS and hall_level != region_level:
                    problems.append(
                        source.problem(
                            hall_loc + ("level",),
                            f"办理点层级「{hall_level}」与所在地区{name or code}（{region_level}）不符：办理点服务所在地区的层级，请改为 {region_level}",
                        )
                    )
                windows = _dicts(hall.get("windows"))
                if windows and not any(w.get("type") == "综合窗口" for _, w in windows):
                    problems.append(source.problem(hall_loc + ("windows",), "每个办理点至少要有一个综合窗口（type: 综合窗口），受理任何事项"))
            if valid_code and denoted and region_level:
                walk(item.get("children"), here + ("children",), (code, region_level, name if isinstance(name, str) else code))

    walk(source.data.get("regions") if isinstance(source.data, dict) else None, ("regions",), None)
    return problems


def load_directory(root: Path) -> tuple[Directory, list[Problem]]:
    """Read ``root/regions.yml``; no file means an empty directory (nothing is derived)."""
    path = root / REGIONS_FILE
    directory = Directory(display=display_path(path, root))
    if not present(path):
        return directory, []
    source = load_yaml(path, directory.display, limits=REGION_LIMITS)
    if source.problems:
        return directory, list(source.problems)
    if not isinstance(source.data, dict):
        return directory, [source.problem((), "文件顶层应只有一个字段 regions:，其下写行政区划树")]
    problems, attempt_locs = _standard_attempts(source.data, (), source)
    problems += _tree_problems(source)
    model = None
    try:
        model = RegionDirectory.model_validate(source.data)
    except ValidationError as exc:
        for error in exc.errors(include_url=False):
            loc = tuple(error["loc"])
            if any(loc[: len(a)] == a for a in attempt_locs):
                continue  # already reported as an attempt to change the standard
            problems.append(source.problem(loc, explain(error, RegionDirectory, source)))
    if problems or model is None:
        return directory, problems

    def add(regions: list[Region], loc: tuple, parent: Place | None) -> None:
        for i, region in enumerate(regions):
            ancestors = (parent.ancestors + (parent.code,)) if parent else ()
            place = Place(region, parent.code if parent else None, ancestors, len(ancestors), loc + (i,))
            directory.places[region.code] = place
            add(region.children, loc + (i, "children"), place)

    add(model.regions, ("regions",), None)
    directory.source = source
    return directory, []
