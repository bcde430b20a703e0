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

from collections import defaultdict
from dataclasses import dataclass, field

from generator.load.reader import SourceFile
from generator.model.matter import LEVELS, Matter
from generator.model.region import Agency, Hall, Region, Window

LEVEL_DIGITS = {level: str(i) for i, level in enumerate(LEVELS, start=1)}
# significant digits of a division code at each level: 省2 市2 县2 乡3 村3
PREFIX_LENGTHS = dict(zip(LEVELS, (2, 4, 6, 9, 12)))
SECTIONS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))
RECIPE = "实施编码 = 基本编码-层级码-区划代码；层级码：1 省级，2 市级，3 县级，4 乡级，5 村级。例：000109002000-3-350926000000。"


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
