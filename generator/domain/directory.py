"""Regions, levels, service halls, agencies and 通办: where each matter is handled and by
whom, and only that.

``matters/regions.yml`` (model: :mod:`generator.model.region`) is the administrative tree
省 → 市 → 县（区）→ 乡镇（街道）→ 村（社区） with 12-digit division codes and, for each
region, its service halls, its agencies and the local facts every implementation there
shares: 本级人民政府 (the 行政复议机关 for its agencies), the 行政诉讼 court, the
监督投诉电话 and the 网上办事大厅. A region below says only what differs; the rest is
inherited from the regions above.

A matter says which department function implements it (``department``), at which levels it
is exercised (``levels``) and how far it is 通办 (``tongban``). From those facts:

* every hall whose level is one the matter is exercised at handles it (a hall's level is
  always its region's level, which the check enforces);
* the *implementing agency* there is the agency of the hall's region that has the matter's
  function; a 乡级 or 村级 region without one is served by the agency of the nearest region
  above it, up to the 县级 one (the township or village hall receives on its behalf). A
  省级, 市级 or 县级 region that handles the matter without such an agency is a check error
  (:mod:`generator.check.regions`), never a silent fallback to another place's office;
* one (matter, agency) pair is one *implementation*, with its 实施编码
  (:mod:`generator.domain.codes`), its remedy bodies and its contacts;
* the *scope* of each hall — whose applicants it serves — is its own region for
  不通办, the enclosing city for 全市通办, the province for 全省通办 and everyone for 跨省通办.
  The matter page's region filter and the region pages' "也可以办理" lists follow the scope.

The region file can never change the standard. A key that names a standard element
(``materials``, ``time_limit``, ``promised_days``, ``fees``, ``conditions``, ...) anywhere in
it, or a per-matter override (``overrides:`` or a key that is a matter code), is a
validation error naming file, line and field path. So there is one page, one JSON document
and one set of blank slips per matter, and every region links to them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from generator.domain.codes import LEVEL_DIGITS, implementation_code
from generator.load.reader import SourceFile
from generator.model.matter import LEVELS, Matter
from generator.model.region import Agency, Hall, MailAddress, Region, Terminal, Window

__all__ = ["LEVEL_DIGITS", "Directory", "Handling", "HallServices", "Implementation", "LocalServices", "Place", "window_for"]
# significant digits of a division code at each level: 省2 市2 县2 乡3 村3
PREFIX_LENGTHS = dict(zip(LEVELS, (2, 4, 6, 9, 12)))
SECTIONS = ((0, 2), (2, 4), (4, 6), (6, 9), (9, 12))
# a region at these levels without an agency of a function is served by one above it
SERVED_FROM_ABOVE = ("乡级", "村级")


def code_level(code: str) -> str | None:
    """The level a well-formed division code denotes, or None if a section follows a zero one."""
    parts = [code[a:b] for a, b in SECTIONS]
    depth = max((i for i, part in enumerate(parts) if int(part)), default=-1)
    if depth < 0 or any(not int(part) for part in parts[:depth]):
        return None
    return LEVELS[depth]


def prefix(code: str, level: str) -> str:
    return code[: PREFIX_LENGTHS[level]]


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
class LocalServices:
    """The online channels of one implementation, inherited down the region tree like the
    complaint phone. Payment shows only for a matter whose standard says it can be paid online."""

    consult_url: str | None = None
    complaint_url: str | None = None
    progress_url: str | None = None
    progress_phone: str | None = None
    payment_url: str | None = None

    def record(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass(frozen=True)
class HallServices:
    """What one hall offers for one matter: appointment with its daily quota, self-service
    terminals, the address for mailed materials. Each shows only where the matter's standard
    says the service exists (``handling.appointment``, ``self_service``, ``mail_materials``),
    or a quota or terminal names the matter."""

    appointment_url: str | None = None
    appointment_phone: str | None = None
    daily_quota: int | None = None
    appointment_note: str | None = None
    terminals: tuple[Terminal, ...] = ()
    mail_address: MailAddress | None = None

    @property
    def appointment(self) -> bool:
        return bool(self.appointment_url or self.appointment_phone or self.daily_quota)

    def record(self) -> dict:
        out: dict = {}
        if self.appointment:
            out["appointment"] = {k: v for k, v in (("url", self.appointment_url), ("phone", self.appointment_phone), ("daily_quota", self.daily_quota), ("note", self.appointment_note)) if v}
        if self.terminals:
            out["self_service_terminals"] = [{k: v for k, v in (("location", t.location), ("hours", t.hours)) if v} for t in self.terminals]
        if self.mail_address:
            out["mail_address"] = self.mail_address.model_dump(exclude_none=True)
        return out


@dataclass(frozen=True)
class Implementation:
    """One matter as implemented by one agency: the unit of the 实施清单."""

    matter_code: str
    agency: Agency
    place: Place  # the agency's region
    code: str  # 实施编码
    reconsideration_body: str
    court: str
    complaint_phone: str | None
    online_url: str | None
    services: LocalServices = field(default_factory=LocalServices)

    @property
    def level(self) -> str:
        return self.place.region.level


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
    implementation: Implementation  # who implements the matter here, with its remedy bodies and contacts
    services: HallServices = field(default_factory=HallServices)

    @property
    def phones(self) -> list[str]:
        """The numbers to call about this matter here: the agency's, then the hall's."""
        own = self.implementation.agency.phone
        return [own] if own else list(self.hall.phones)


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

    def inherited(self, place: Place, attribute: str) -> str | None:
        """A local fact of a region, or of the nearest region above that states it."""
        for code in (place.code, *reversed(place.ancestors)):
            value = getattr(self.places[code].region, attribute)
            if value:
                return value
        return None

    def agency_for(self, place: Place, function: str) -> tuple[Place, Agency] | None:
        """The agency that implements matters of ``function`` for halls in ``place``: the
        region's own, else (for a township or village) the nearest one above, up to the county."""
        for code in (place.code, *reversed(place.ancestors)):
            here = self.places[code]
            for agency in here.region.agencies:
                if function in agency.functions:
                    return here, agency
            if here.region.level not in SERVED_FROM_ABOVE:
                return None
        return None

    def implementation(self, matter: Matter, place: Place) -> Implementation | None:
        found = self.agency_for(place, matter.department)
        if found is None:
            return None
        home, agency = found
        return Implementation(
            matter_code=matter.code,
            agency=agency,
            place=home,
            code=implementation_code(agency.credit_code, home.region.level, matter.code),
            reconsideration_body=agency.reconsideration_body or self.inherited(home, "government") or "",
            court=agency.court or self.inherited(home, "court") or "",
            complaint_phone=self.inherited(home, "complaint_phone"),
            online_url=agency.online_url or self.inherited(home, "online_url"),
            services=LocalServices(
                consult_url=self.inherited(home, "consult_url"),
                complaint_url=self.inherited(home, "complaint_url"),
                progress_url=self.inherited(home, "progress_url"),
                progress_phone=self.inherited(home, "progress_phone"),
                payment_url=self.inherited(home, "payment_url") if matter.handling.online_payment else None,
            ),
        )

    def hall_services(self, matter: Matter, place: Place, hall: Hall, window: Window) -> HallServices:
        """Appointment, terminals and mail address of ``hall`` for ``matter`` (see :class:`HallServices`)."""
        wanted = matter.handling
        appointment = hall.appointment
        quota = None
        if appointment is not None:
            for pick in (lambda q: q.matter == matter.code, lambda q: q.matter is None and q.window == window.name, lambda q: q.matter is None and q.window is None):
                quota = next((q.daily for q in appointment.quotas if pick(q)), None)
                if quota is not None:
                    break
        named = appointment is not None and any(q.matter == matter.code for q in appointment.quotas)
        shown = appointment is not None and (wanted.appointment or named)
        terminals = tuple(t for t in hall.self_service_terminals if matter.code in t.matters or (not t.matters and wanted.self_service))
        return HallServices(
            appointment_url=((appointment.url or self.inherited(place, "appointment_url")) if shown else None),
            appointment_phone=appointment.phone if shown else None,
            daily_quota=quota if shown else None,
            appointment_note=appointment.note if shown else None,
            terminals=terminals,
            mail_address=hall.mail_address if wanted.mail_materials else None,
        )

    def handlings(self, matter: Matter) -> list[Handling]:
        """Every hall that handles ``matter``, in directory order. A hall whose region has no
        implementing agency is left out here; the check reports it as an error."""
        if matter.code not in self._handlings:
            found = []
            for place, hall in self.halls():
                if hall.level not in matter.levels:
                    continue
                implementation = self.implementation(matter, place)
                if implementation is None:
                    continue
                scope_code, scope_name, scope_prefix = self.scope(place, matter.tongban)
                window = window_for(hall, matter)
                services = self.hall_services(matter, place, hall, window)
                found.append(Handling(place, hall, window, scope_code, scope_name, scope_prefix, len(found), implementation, services))
            self._handlings[matter.code] = found
        return self._handlings[matter.code]

    def implementations(self, matter: Matter) -> list[Implementation]:
        """The (matter, agency) pairs, in the order their first hall is listed."""
        seen: dict[str, Implementation] = {}
        for handling in self.handlings(matter):
            seen.setdefault(handling.implementation.code, handling.implementation)
        return list(seen.values())

    def implementation_at(self, matter: Matter, at: str) -> Implementation | None:
        """The implementation named by its 实施编码, or the one that serves the people of a
        division code: the region's own, else that of the nearest region above that exercises
        the matter (a village's people are served by their township's or county's agency)."""
        for implementation in self.implementations(matter):
            if implementation.code == at:
                return implementation
        place = self.places.get(at)
        if place is None:
            return None
        for code in (place.code, *reversed(place.ancestors)):
            here = self.places[code]
            if here.region.level in matter.levels:
                # the nearest region that exercises the matter decides; a county without the
                # agency is not served by the city's office
                return self.implementation(matter, here)
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


def window_for(hall: Hall, matter: Matter) -> Window:
    """The window that lists the matter, else one that takes all of its department's
    matters, else the 综合窗口."""
    receiving = [w for w in hall.windows if w.type != "出件窗口"]
    for window in receiving:
        if matter.code in window.matters:
            return window
    for window in receiving:
        if matter.department in window.departments:
            return window
    return next((w for w in receiving if w.type == "综合窗口"), hall.windows[0])
