"""Regions, levels, service halls and 通办: where each matter is handled, and only that.

``matters/regions.yml`` (model: :mod:`generator.model.region`) is the administrative tree
省 → 市 → 县（区）→ 乡镇（街道）→ 村（社区） with 12-digit division codes and each region's
service halls. A matter says at which levels it is exercised (``levels``) and how far it is
通办 (``tongban``); from those two facts the build derives where it can be handled:

* every hall whose level is one the matter is exercised at handles it (a hall's level is
  always its region's level, which the check enforces);
* the *scope* of each such hall — whose applicants it serves — is its own region for
  不通办, the enclosing city for 全市通办, the province for 全省通办 and everyone for 跨省通办.
  The matter page's region filter and the region pages' "也可以办理" lists follow the scope.

The region file can never change the standard. A key that names a standard element
(``materials``, ``time_limit``, ``promised_days``, ``fees``, ``conditions``, ...) anywhere in
it, or a per-matter override (``overrides:``, ``matters:`` or a key that is a matter code),
is a validation error naming file, line and field path: local differences are limited to
halls, contacts and hours. So there is one page, one JSON document and one set of slips per
matter, and every region links to them.

Implementation code (实施编码) of a (matter, region) pair::

    <基本编码>-<层级码>-<区划代码>        e.g. 000109002000-3-350926000000

层级码 is 1 省级, 2 市级, 3 县级, 4 乡级, 5 村级 (the region's level, which is also the level
of its halls). It depends on nothing else, so it is stable across builds and machines and
changes only if the matter's code, the region's code or its level changes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup
from pydantic import ValidationError

from generator import pages
from generator.corpus import Corpus, display_path, extension, matter_paths
from generator.loader import SourceFile, load_yaml
from generator.model.matter import LEVELS, Matter, TimeLimit
from generator.model.region import Agency, Hall, Region, RegionDirectory, Window
from generator.problems import Problem, field_path
from generator.validate import explain

REGIONS_FILE = "regions.yml"
LEVEL_DIGITS = {level: str(i) for i, level in enumerate(LEVELS, start=1)}
# significant digits of a division code at each level: 省2 市2 县2 乡3 村3
PREFIX_LENGTHS = dict(zip(LEVELS, (2, 4, 6, 9, 12)))
SECTIONS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))
IMPLEMENTATIONS_JSON = "api/v1/implementations.json"
RECIPE = "实施编码 = 基本编码-层级码-区划代码；层级码：1 省级，2 市级，3 县级，4 乡级，5 村级。例：000109002000-3-350926000000。"
LIMITED = "local differences are limited to who implements it (agencies), halls, contacts and hours"

# Keys that name an element of the standard. The region models forbid unknown keys anyway;
# these get their own message, because they are not typos but attempts to make one region's
# standard differ from another's.
_MATTER_STANDARD = set(Matter.model_fields) - {"code", "name", "contact"}
STANDARD_KEYS = frozenset(
    _MATTER_STANDARD
    | {key[:-1] for key in _MATTER_STANDARD if key.endswith("s") and not key.endswith("ss") and key != "legal_basis"}
    | set(TimeLimit.model_fields)
    | {"time_limits", "deadline", "fee", "amount", "charge", "charges"}
) - {name for model in (RegionDirectory, Region, Hall, Window, Agency) for name in model.model_fields}
OVERRIDE_KEYS = frozenset({"overrides", "override", "matters", "matter", "standard", "standards", "local_standard"})
MATTER_CODE = re.compile(r"^[0-9A-Z]{12}$")


def code_level(code: str) -> str | None:
    """The level a well-formed division code denotes, or None if a section follows a zero one."""
    parts = [code[a:b] for a, b in SECTIONS]
    depth = max((i for i, part in enumerate(parts) if int(part)), default=-1)
    if depth < 0 or any(not int(part) for part in parts[:depth]):
        return None
    return LEVELS[depth]


def prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTHS[level]]


def implementation_code(matter_code: str, level: str, division_code: str) -> str:
    return f"{matter_code}-{LEVEL_DIGITS[level]}-{division_code}"


@dataclass(frozen=True)
class Place:
    """One region in the tree, with where it sits."""

    region: Region
    parent: str | None
    ancestors: tuple[str, ...]  # division codes, the top first
    depth: int
    loc: tuple

    @property
    def code(self) -> str:
        return self.region.code

    @property
    def prefix(self) -> str:
        return prefix(self.region.code, self.region.level)


@dataclass(frozen=True)
class Handling:
    """One hall that handles one matter, with the window that receives it and whom it serves."""

    place: Place
    hall: Hall
    window: Window
    scope_code: str | None  # None: everyone (跨省通办)
    scope_name: str
    scope_prefix: str
    rank: int  # position in the directory (regions in document order, then halls): the listing order
    agency: str  # who implements the matter here: the local agency of its department, else the department


@dataclass
class Directory:
    display: str = ""
    source: SourceFile | None = None
    places: dict[str, Place] = field(default_factory=dict)  # in document (pre-)order
    _handlings: dict[str, list[Handling]] = field(default_factory=dict, repr=False)
    _by_scope: dict[str, dict[str, list[Handling]]] = field(default_factory=dict, repr=False)
    _children: dict[str | None, list[Place]] | None = field(default=None, repr=False)

    def children(self, code: str | None) -> list[Place]:
        if self._children is None:  # one pass, not one per region: a province has ~20,000 villages
            self._children = defaultdict(list)
            for place in self.places.values():
                self._children[place.parent].append(place)
        return self._children.get(code, [])

    def halls(self) -> list[tuple[Place, Hall]]:
        return [(p, h) for p in self.places.values() for h in p.region.halls]

    def scope(self, place: Place, tongban: str) -> tuple[str | None, str, str]:
        wanted = {"全市通办": "市级", "全省通办": "省级"}.get(tongban)
        if tongban == "跨省通办":
            return None, "全国", ""
        if wanted:
            for code in place.ancestors + (place.code,):
                if self.places[code].region.level == wanted:
                    return code, self.places[code].region.name, self.places[code].prefix
        return place.code, place.region.name, place.prefix

    def handlings(self, matter: Matter) -> list[Handling]:
        if matter.code not in self._handlings:
            found = []
            for place, hall in self.halls():
                if hall.level in matter.levels:
                    scope_code, scope_name, scope_prefix = self.scope(place, matter.tongban)
                    agency = self.agency(place, matter)
                    found.append(
                        Handling(place, hall, window_for(hall, matter), scope_code, scope_name, scope_prefix, len(found), agency.name if agency else matter.department.name)
                    )
            self._handlings[matter.code] = found
        return self._handlings[matter.code]

    def agency(self, place: Place, matter: Matter) -> Agency | None:
        """The agency that implements ``matter`` in ``place``: the nearest region, this one or
        above, with an agency of the matter's department's function (its name without a place,
        matched as the windows' departments are). None: the matter's own department."""
        for code in (place.code, *reversed(place.ancestors)):
            for agency in self.places[code].region.agencies:
                if of_function(matter, agency.function):
                    return agency
        return None

    def serving(self, matter: Matter, code: str) -> list[Handling]:
        """Halls elsewhere whose scope covers the region ``code``: where its people can also go.

        A scope is a region (or everyone), and the regions covering ``code`` are its ancestors,
        itself and everyone: a handful of lookups, however large the directory."""
        by_scope = self._by_scope.get(matter.code)
        if by_scope is None:
            by_scope = self._by_scope[matter.code] = defaultdict(list)
            for handling in self.handlings(matter):
                by_scope[handling.scope_prefix].append(handling)
        place = self.places[code]
        covering = [""] + [self.places[c].prefix for c in place.ancestors] + [place.prefix]
        found = [h for p in covering for h in by_scope.get(p, ()) if h.place.code != code]
        return sorted(found, key=lambda h: h.rank)


def of_function(matter: Matter, function: str) -> bool:
    """Whether the matter's department has this function: a department's name without a place
    (市场监督管理局, 公安局), as windows and agencies name departments in the region file."""
    return function in matter.department.name


def window_for(hall: Hall, matter: Matter) -> Window:
    """The window named for the matter's department (by its functional name), else 综合窗口."""
    receiving = [w for w in hall.windows if w.type != "出件窗口"]
    for window in receiving:
        if any(of_function(matter, name) for name in window.departments):
            return window
    return next((w for w in receiving if w.type == "综合窗口"), hall.windows[0])


# ---------------------------------------------------------------- loading and checking


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
                        f"a region cannot set the standard element '{key}': it is written once in the matter file and is the same in every region and at every level; {LIMITED}",
                    )
                )
            elif key in OVERRIDE_KEYS or MATTER_CODE.match(key):
                locs.add(here)
                problems.append(
                    source.problem(
                        here,
                        f"per-matter override '{key}' is not allowed: a matter's standard is the same wherever it is handled; {LIMITED}",
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
            valid_code = isinstance(code, str) and re.fullmatch(r"\d{12}", code) is not None
            denoted = code_level(code) if valid_code else None
            if valid_code and denoted is None:
                problems.append(
                    source.problem(here + ("code",), f"ill-formed division code '{code}': sections are 省2+市2+县2+乡3+村3 digits and every section after a zero section must be zero")
                )
            if valid_code and code in codes:
                line, _ = source.where(codes[code])
                problems.append(source.problem(here + ("code",), f"duplicate division code '{code}', already used at line {line}"))
            elif valid_code:
                codes[code] = here + ("code",)
            if denoted and isinstance(level, str) and level in LEVELS and level != denoted:
                problems.append(source.problem(here + ("level",), f"region level '{level}' does not match its division code {code}, which is a {denoted} code"))
            if parent and denoted:
                parent_code, parent_level, parent_name = parent
                stem = prefix(parent_code, parent_level)
                if not code.startswith(stem) or code == parent_code:
                    problems.append(
                        source.problem(here + ("code",), f"division code '{code}' is not under its parent {parent_name} ({parent_code}): it must start with {stem} and be a lower level")
                    )
            region_level = level if isinstance(level, str) and level in LEVELS else None
            for j, hall in _dicts(item.get("halls")):
                hall_loc = here + ("halls", j)
                hall_id, hall_level = hall.get("id"), hall.get("level")
                if isinstance(hall_id, str):
                    if hall_id in hall_ids:
                        line, _ = source.where(hall_ids[hall_id])
                        problems.append(source.problem(hall_loc + ("id",), f"duplicate hall id '{hall_id}', already used at line {line}"))
                    else:
                        hall_ids[hall_id] = hall_loc + ("id",)
                if region_level and isinstance(hall_level, str) and hall_level in LEVELS and hall_level != region_level:
                    problems.append(
                        source.problem(
                            hall_loc + ("level",),
                            f"hall level '{hall_level}' does not match its region {name or code}, which is {region_level}; a hall serves the level of the region it is in",
                        )
                    )
                windows = _dicts(hall.get("windows"))
                if windows and not any(w.get("type") == "综合窗口" for _, w in windows):
                    problems.append(source.problem(hall_loc + ("windows",), "every hall needs at least one 综合窗口 (comprehensive window) that receives any matter"))
            if valid_code and denoted and region_level:
                walk(item.get("children"), here + ("children",), (code, region_level, name if isinstance(name, str) else code))

    walk(source.data.get("regions") if isinstance(source.data, dict) else None, ("regions",), None)
    return problems


def load_directory(root: Path) -> tuple[Directory, list[Problem]]:
    """Read ``root/regions.yml``; no file means an empty directory (nothing is derived)."""
    path = root / REGIONS_FILE
    directory = Directory(display=display_path(path, root))
    if not path.is_file():
        return directory, []
    source = load_yaml(path, directory.display)
    if source.problems:
        return directory, list(source.problems)
    if not isinstance(source.data, dict):
        return directory, [source.problem((), "expected a mapping with one key, regions: (the administrative tree)")]
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
            problems.append(source.problem(loc, explain(error, RegionDirectory)))
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


def coverage_warnings(corpus: Corpus, directory: Directory) -> list[Problem]:
    """Gaps, not errors: a level with no hall, a hall with nothing to do."""
    if not directory.places:
        return []
    warnings = []
    levels_with_halls = {hall.level for _, hall in directory.halls()}
    for code in sorted(corpus.matters):
        matter = corpus.matters[code]
        for i, level in enumerate(matter.levels):
            if level not in levels_with_halls:
                warnings.append(
                    corpus.sources[code].problem(("levels", i), f"[coverage] no service hall at {level} in {directory.display}: nowhere handles this matter at {level}")
                )
    paths, _ = matter_paths(corpus.root)
    if len(paths) == len(corpus.matters):  # a check of some files only cannot judge the halls
        exercised = {level for matter in corpus.matters.values() for level in matter.levels}
        source = directory.source
        for place in directory.places.values():
            for j, hall in enumerate(place.region.halls):
                if hall.level not in exercised:
                    warnings.append(
                        source.problem(place.loc + ("halls", j, "level"), f"[coverage] hall {hall.name} serves {hall.level}, but no matter is exercised at {hall.level}")
                    )
    return warnings


@extension
def region_problems(corpus: Corpus) -> list[Problem]:
    directory, problems = load_directory(corpus.root)
    corpus.extras["regions"] = directory
    if not problems:
        corpus.extras.setdefault("warnings", []).extend(coverage_warnings(corpus, directory))
    return problems


def directory_of(corpus: Corpus) -> Directory:
    directory = corpus.extras.get("regions")
    if directory is None:  # a corpus loaded before this module was registered
        directory, problems = load_directory(corpus.root)
        if problems:
            directory = Directory()
        corpus.extras["regions"] = directory
    return directory


# ---------------------------------------------------------------- derived data


def _hall_entry(handling: Handling) -> dict[str, Any]:
    hall = handling.hall
    return {
        "id": hall.id,
        "name": hall.name,
        "address": hall.address,
        "hours": hall.hours,
        "phones": list(hall.phones),
        "window": handling.window.name,
    }


def implementations(corpus: Corpus) -> list[dict[str, Any]]:
    """One entry per (matter, region) where a hall of the region handles the matter, sorted by
    implementation code. The fingerprint is the matter's: the same for every region."""
    directory = directory_of(corpus)
    entries = []
    for matter in corpus.sorted_matters():
        by_place: dict[str, list[Handling]] = defaultdict(list)
        for handling in directory.handlings(matter):
            by_place[handling.place.code].append(handling)
        for code, handlings in by_place.items():
            place = handlings[0].place
            first = handlings[0]
            entries.append(
                {
                    "implementation_code": implementation_code(matter.code, place.region.level, code),
                    "matter_code": matter.code,
                    "matter_name": matter.name,
                    "region_code": code,
                    "region_name": place.region.name,
                    "level": place.region.level,
                    "tongban": matter.tongban,
                    "scope": {"code": first.scope_code, "name": first.scope_name},
                    "agency": first.agency,
                    "halls": [_hall_entry(h) for h in handlings],
                    "url": pages.matter_url(matter.code),
                    "fingerprint": corpus.fingerprint(matter.code),
                }
            )
    return sorted(entries, key=lambda e: e["implementation_code"])


def catalogue_section(corpus: Corpus) -> dict[str, Any]:
    """The JSON catalogue's share: registered in ``catalogue.CATALOGUE_SECTIONS``."""
    return {"implementations": implementations(corpus)}


def implementations_document(corpus: Corpus) -> dict[str, Any]:
    return {"recipe": RECIPE, "implementations": implementations(corpus)}


# ---------------------------------------------------------------- pages


def region_src(code: str) -> str:
    return f"regions/{code}.md"


def _env():
    return pages.environment()


def _filter_options(directory: Directory, handlings: list[Handling]) -> list[dict[str, Any]]:
    """Every region down to the townships, and the villages whose own halls handle the matter:
    the thousands of other villages would only repeat their township's answer on every page."""
    own = {h.place.code for h in handlings}
    return [
        {"code": p.code, "prefix": p.prefix, "label": "\u3000" * p.depth + p.region.name}
        for p in directory.places.values()
        if p.region.level != "村级" or p.code in own
    ]


def halls_html(corpus: Corpus, matter: Matter) -> dict[str, Any]:
    """The matter page's list of halls, by region and level, with a region filter.

    The same for every region: the page is reached from everywhere and never varies."""
    directory = directory_of(corpus)
    handlings = directory.handlings(matter) if directory.places else []
    if not directory.places:
        return {}
    html = _env().get_template("regions/halls.html.j2").render(
        m=matter,
        handlings=handlings,
        options=_filter_options(directory, handlings),
        digits=LEVEL_DIGITS,
        impl=implementation_code,
    )
    return {"halls_html": Markup(html.strip("\n"))}


pages.PAGE_CONTRIBUTORS.append(halls_html)


def region_pages(corpus: Corpus) -> dict[str, str]:
    directory = directory_of(corpus)
    env = _env()
    matters = corpus.sorted_matters()
    local: dict[str, list[tuple[Matter, list[Handling]]]] = defaultdict(list)
    for matter in matters:
        by_place: dict[str, list[Handling]] = defaultdict(list)
        for handling in directory.handlings(matter):
            by_place[handling.place.code].append(handling)
        for code, handlings in by_place.items():
            local[code].append((matter, handlings))

    def count(place: Place) -> int:
        return len(local.get(place.code, ()))

    out = {
        "regions/index.md": pages.front_matter("按地区浏览", "按省、市、县（区）、乡镇（街道）、村（社区）浏览各地可以办理的政务服务事项和办理点")
        + env.get_template("regions/index.md.j2").render(
            roots=directory.children(None),
            kids={code: directory.children(code) for code in directory.places},
            counts={p.code: count(p) for p in directory.places.values()},
        ),
    }
    for code, place in directory.places.items():
        groups: dict[str, list] = defaultdict(list)
        for matter, handlings in local.get(code, ()):
            groups[handlings[0].agency].append(
                {"m": matter, "handlings": handlings, "impl": implementation_code(matter.code, place.region.level, code)}
            )
        here = {m.code for m, _ in local.get(code, ())}
        # Where else people of this region can go. The regions above come as one line each
        # (their own pages list the matters): a village page must not repeat the county's
        # catalogue. Matters that no region above handles (通办 elsewhere) are listed one by one.
        above: dict[str, list[Handling]] = defaultdict(list)
        counts_above: dict[str, set[str]] = defaultdict(set)
        elsewhere = []
        for matter in matters:
            if matter.code in here:
                continue
            serving = directory.serving(matter, code)
            near = [h for h in serving if h.place.code in place.ancestors]
            for h in near:
                counts_above[h.place.code].add(matter.code)
                if h.hall not in [x.hall for x in above[h.place.code]]:
                    above[h.place.code].append(h)
            if serving and not near:
                inside = [h for h in serving if h.place.code.startswith(place.prefix)]
                elsewhere.append({"m": matter, "handlings": inside or serving})
        upper = [
            {"place": directory.places[c], "halls": [h.hall for h in above[c]], "count": len(counts_above[c])}
            for c in reversed(place.ancestors)  # the nearest first
            if c in above
        ]
        title = f"在{place.region.name}可以办理的事项"
        out[region_src(code)] = pages.front_matter(title, f"{place.region.name}（区划代码 {code}）的政务服务办理点和可以办理的事项") + env.get_template(
            "regions/region.md.j2"
        ).render(
            title=title,
            place=place,
            crumbs=[directory.places[c] for c in place.ancestors],
            children=[{"place": c, "count": count(c)} for c in directory.children(code)],
            groups=[{"department": name, "items": groups[name]} for name in sorted(groups)],
            upper=upper,
            elsewhere=elsewhere,
        )
    return out


def produce(ctx: Any) -> list[tuple[str, Any]]:
    corpus = ctx.corpus
    artifacts: list[tuple[str, Any]] = sorted(region_pages(corpus).items())
    document = implementations_document(corpus)
    artifacts.append((IMPLEMENTATIONS_JSON, json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n"))
    return artifacts


def area_name(corpus: Corpus, division: str) -> str | None:
    """The region directory's name for a division code, for the linked data's areaServed."""
    place = directory_of(corpus).places.get(division)
    return place.region.name if place else None


def _register() -> None:
    from generator import catalogue, linked_data, plugin

    if produce not in plugin.ARTIFACT_PRODUCERS:
        plugin.ARTIFACT_PRODUCERS.append(produce)
    if catalogue_section not in catalogue.CATALOGUE_SECTIONS:
        catalogue.CATALOGUE_SECTIONS.append(catalogue_section)
    if area_name not in linked_data.AREA_NAMES:
        linked_data.AREA_NAMES.append(area_name)


_register()
