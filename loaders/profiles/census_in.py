"""Census of India DDW tables (B-18: industry of workers by NIC-2008), 2011.

Recognised by their columns ``State Code``, ``District Code``, ``Division``,
``Group``, ``Class``: the sector code is composed from Division/Group/Class (codes
lose their leading backtick) and read as ``isic4`` (NIC-2008 is ISIC Rev. 4 at
division, group and class level), the region of a row is
``census-in:<state>:<district>`` with the area name, resolved to ``IN-WB`` for the
state rows (district ``000``, from :data:`CENSUS_IN_STATES`) and to
``IN-WB-<district slug>`` (kind ``district``, in the state) for districts. The value
column defaults to ``Main Workers - Total - Persons`` and the year comes from the
file name (2011). ``region_level`` (``--region-level``) keeps the ``district`` rows
(default: the districts add up to the state rows, checked while reading), the
``state`` rows or ``all``. A file named ``B18sc``/``B18st`` covers only Scheduled
Castes/Tribes: :attr:`Table.population` and :attr:`Table.warnings` say so.

>>> p = PROFILES["census-in"]
>>> p.resolve_region("census-in:19:000", "West Bengal").place.id
'IN-WB'
>>> p.resolve_region("census-in:19:327", "Darjiling").place  # doctest: +ELLIPSIS
Place(id='IN-WB-darjiling', name='Darjiling', kind='district', country='IN', parent='IN-WB', ...)
>>> p.resolve_region("TLF1", None) is None
True
"""

from __future__ import annotations

import re
from pathlib import Path

from rox.graph.errors import Problem, ValidationFailed
from rox.graph.ids import child_region_id
from rox.loaders.columns import squash
from rox.loaders.gazetteer import Place, Resolution, subdivision, unresolved
from rox.loaders.profiles import PROFILES, Head, Profile, register
from rox.loaders.table_model import Table, code_text

REGION_LEVELS = ("district", "state", "all")
#: Header words (squashed) that identify the shape.
CENSUS_IN_COLS = ("state code", "district code", "division", "group", "class")
CENSUS_IN_VALUE = "main workers - total - persons"
#: File-name marker of the Scheduled Caste / Scheduled Tribe editions (``DDW_B18sc_2700_...``).
_POP = re.compile(r"(?i)(?:^|[_\-])B\d+[A-Z]?(sc|st)(?:[_\-]|$)")
_AREA_PREFIX = re.compile(r"(?i)^\s*(state|district|india)\s*-\s*")
_REGION = re.compile(r"^census-in:(\d{1,2}):(\d{1,3})$")
#: Census of India 2011 state codes -> ISO 3166-2 (as pycountry has them now). Census 2011 predates
#: Telangana (2014, inside 28 Andhra Pradesh then), the Ladakh split (2019, inside 01) and the merger of
#: 25 Daman and Diu with 26 Dadra and Nagar Haveli (2020, IN-DH); ISO renamed IN-OR -> IN-OD,
#: IN-UT -> IN-UK and IN-CT -> IN-CG.
CENSUS_IN_STATES: dict[str, str] = {
    "01": "IN-JK",
    "02": "IN-HP",
    "03": "IN-PB",
    "04": "IN-CH",
    "05": "IN-UK",
    "06": "IN-HR",
    "07": "IN-DL",
    "08": "IN-RJ",
    "09": "IN-UP",
    "10": "IN-BR",
    "11": "IN-SK",
    "12": "IN-AR",
    "13": "IN-NL",
    "14": "IN-MN",
    "15": "IN-MZ",
    "16": "IN-TR",
    "17": "IN-ML",
    "18": "IN-AS",
    "19": "IN-WB",
    "20": "IN-JH",
    "21": "IN-OD",
    "22": "IN-CG",
    "23": "IN-MP",
    "24": "IN-GJ",
    "25": "IN-DH",
    "26": "IN-DH",
    "27": "IN-MH",
    "28": "IN-AP",
    "29": "IN-KA",
    "30": "IN-GA",
    "31": "IN-LD",
    "32": "IN-KL",
    "33": "IN-TN",
    "34": "IN-PY",
    "35": "IN-AN",
}
#: Older ISO codes (older pycountry releases) for the renamed ones.
_IN_OLD_ISO = {"IN-OD": "IN-OR", "IN-UK": "IN-UT", "IN-CG": "IN-CT", "IN-DH": "IN-DN"}
_SKIP_STATE = "state total rows (district 000): the districts add up to them; --region-level state or all keeps them"
_SKIP_DISTRICT = "district rows (--region-level state)"


@register
class CensusIndia(Profile):
    """Census of India DDW tables (B-18 ...)."""

    name = "census-in"
    title = "Census of India tables (State Code, District Code columns)"
    options = frozenset({"region_level"})
    table_layout = "long"

    def detect(self, head: Head) -> bool:
        by = {squash(h) for h in head.header}
        return head.layout in ("auto", "long") and all(c in by for c in CENSUS_IN_COLS)

    def columns(self, t: Table, used: set[str]) -> None:
        by = {squash(h): h for h in t.header}
        _check_level(t)
        notes = [
            "Census of India table (State Code, District Code, Division/Group/Class columns; codes without their "
            "leading backtick)"
        ]
        if not t.spec.region_col:
            _regions(t, by, used, notes)
        _sectors(t, by, used, notes)
        _value(t, by, used, notes)
        _year_and_population(t, notes)
        t.notes.extend(notes)

    def row_regions(self, table: Table, index: dict[str, int]) -> _CensusRegions | None:
        if "census-in" not in table.profile_data:
            return None  # --region-col given: the plain region column
        return _CensusRegions(table, index)

    def resolve_region(self, text: str, name: str | None) -> Resolution | None:
        if not text.startswith("census-in:"):
            return None
        m = _REGION.match(text)
        if not m:
            return unresolved(text, name, "not census-in:<state>:<district>")
        state, district = m.group(1).zfill(2), m.group(2).zfill(3)
        sub = _state(state)
        if sub is None:
            return unresolved(text, name, f"Census of India state code {state} is not known")
        if district == "000":
            return Resolution(
                "ok",
                Place(
                    sub.id,
                    sub.name,
                    sub.kind,
                    sub.country,
                    sub.parent,
                    aliases=sub.aliases,
                    codes=(*sub.codes, f"in-census2011-state:{state}"),
                ),
            )
        if not name:
            return unresolved(text, name, f"district {district} of {sub.id} has no name")
        return Resolution(
            "ok",
            Place(
                child_region_id(sub.id, name),
                name,
                "district",
                "IN",
                sub.id,
                codes=(f"in-census2011-district:{district}",),
            ),
        )


def _state(state: str) -> Place | None:
    iso = CENSUS_IN_STATES.get(state)
    sub = subdivision(iso) if iso else None
    if sub is None and iso in _IN_OLD_ISO:
        sub = subdivision(_IN_OLD_ISO[iso])
    return sub


def _check_level(t: Table) -> None:
    level = t.spec.region_level
    if level is not None and level not in REGION_LEVELS:
        raise ValidationFailed(
            [Problem(str(t.spec.path), None, "--region-level", f"one of {', '.join(REGION_LEVELS)}, not {level!r}")]
        )


def _regions(t: Table, by: dict[str, str], used: set[str], notes: list[str]) -> None:
    state_col, district_col = by["state code"], by["district code"]
    name_col = next((by[k] for k in ("india/states", "india/state", "area name", "name") if k in by), None)
    t.profile_data["census-in"] = (state_col, district_col, name_col)
    t.region_col = state_col
    t.regions_from_profile = True
    t.region_level = t.spec.region_level or "district"
    used.update(c for c in (state_col, district_col, name_col) if c)
    notes.append(
        f"regions: states as ISO 3166-2 (e.g. IN-WB), districts as IN-WB-<district slug> (kind district, "
        f"PART_OF the state); region level {t.region_level} (--region-level district|state|all)"
    )


def _sectors(t: Table, by: dict[str, str], used: set[str], notes: list[str]) -> None:
    spec = t.spec
    if not spec.sector_col and not t.sector_cols:
        t.sector_cols = [by["division"], by["group"], by["class"]]
        used.update(t.sector_cols)
        notes.append(
            "sector code from Division/Group/Class: the finest that is not all zeros (--sector-cols to change)"
        )
    if not spec.sector_name_col and "nic name" in by:
        t.sector_name_col = by["nic name"]
        used.add(t.sector_name_col)
    if t.sector_cols and [squash(c) for c in t.sector_cols] == ["division", "group", "class"]:
        t.sector_scheme = "isic4"
        notes.append(
            "sector scheme isic4: NIC-2008 equals ISIC Rev. 4 at division (2-digit), group (3-digit) and "
            "class (4-digit) level (only its 5-digit sub-classes are national); give --sector-scheme to change"
        )


def _value(t: Table, by: dict[str, str], used: set[str], notes: list[str]) -> None:
    if t.spec.value_col or CENSUS_IN_VALUE not in by:
        return
    t.value_col = by[CENSUS_IN_VALUE]
    used.add(t.value_col)
    others = sum(1 for k in by if "workers" in k) - 1
    notes.append(
        f"value column {t.value_col!r} (Census default; {others} other worker counts, e.g. "
        f"--value-col 'Marginal Workers - Total - Persons' or 'Main Workers - Urban - Females')"
    )


def _year_and_population(t: Table, notes: list[str]) -> None:
    name = Path(t.spec.path).name
    m = re.search(r"(?<!\d)(2011|2001)(?!\d)", name)
    if not t.spec.year_col and m:
        t.year = m.group(1)
        notes.append(f"year {t.year} (Census of India {t.year}, from the file name)")
    pop = _POP.search(name)
    if pop:
        t.population = {"sc": "Scheduled Castes", "st": "Scheduled Tribes"}[pop.group(1).lower()]
        table = pop.group(0).strip("_-")
        t.warnings.append(
            f"{name} is table {table}: it counts {t.population.upper()} ONLY, not all workers. "
            f"It is not the industry mix of the state; values are stored with unit "
            f"'persons ({t.population} only)'"
        )


class _CensusRegions:
    """Regions of a Census of India table: ``census-in:<state>:<district>`` with the area name,
    rows of the other region level skipped (and counted), and the check that the districts add up
    to the state rows."""

    def __init__(self, table: Table, h: dict[str, int]):
        state_col, district_col, name_col = table.profile_data["census-in"]
        self.t = table
        self.si, self.di = h[state_col], h[district_col]
        self.ni = h[name_col] if name_col else None
        self.vi = h.get(table.value_col) if table.value_col else None
        self.level = table.region_level or "district"
        self.sums: dict[tuple[str, str], list[float]] = {}  # (state, sector) -> [state rows, district rows]

    def region(self, cells: list[str], sector: str) -> tuple[str, str | None] | None:
        """(region text, area name), or ``None`` for a row of the region level not kept."""
        state, district = code_text(cells[self.si]), code_text(cells[self.di])
        level = "state" if district and not district.strip("0") else "district"
        self._add(cells, state, level, sector)
        name = _AREA_PREFIX.sub("", cells[self.ni]).strip() if self.ni is not None else None
        if level == "state" and name and name.isupper():
            name = name.title()
        if self.level != "all" and level != self.level:
            self.t.skipped[_SKIP_STATE if level == "state" else _SKIP_DISTRICT] += 1
            return None
        return f"census-in:{state}:{district if level == 'district' else '000'}", name or None

    def _add(self, cells: list[str], state: str, level: str, sector: str) -> None:
        if self.vi is None:
            return
        try:
            v = float(cells[self.vi])
        except ValueError:
            return
        s = self.sums.setdefault((state, sector), [0.0, 0.0])
        s[0 if level == "state" else 1] += v

    def finish(self) -> None:
        if not self.sums:
            return
        with_state = {k[0] for k, s in self.sums.items() if s[0]}
        with_districts = {k[0] for k, s in self.sums.items() if s[1]}
        if self.level == "district":
            for st in sorted(with_state - with_districts):
                self.t.warnings.append(
                    f"state {st} has no district rows: its state rows were skipped; give --region-level state"
                )
        both = {k: s for k, s in self.sums.items() if (s[0] or s[1]) and k[0] in with_state & with_districts}
        if not both:
            return
        self._compare(both)
        if self.level == "all":
            self.t.warnings.append(
                "--region-level all: the states and their districts are both loaded; the state "
                "values are the sums of the district values, so do not add states and districts "
                "together (rox match: --kind district or --kind state)"
            )

    def _compare(self, both: dict[tuple[str, str], list[float]]) -> None:
        off = [(k, s) for k, s in both.items() if abs(s[0] - s[1]) > 0.5]
        if off:
            shown = ", ".join(
                f"state {k[0]} sector {k[1]}: state rows {s[0]:,.0f}, districts {s[1]:,.0f}" for k, s in off[:5]
            )
            self.t.warnings.append(
                f"the district rows do not add up to the state rows for {len(off)} code(s): {shown}"
                + ("; loading both levels would count them twice" if self.level == "all" else "")
            )
        else:
            self.t.notes.append(
                f"the district rows add up to the state rows for every code ({len(both):,} codes "
                f"checked); region level kept: {self.level}"
            )


__all__ = ["CENSUS_IN_COLS", "CENSUS_IN_STATES", "CENSUS_IN_VALUE", "PROFILES", "REGION_LEVELS", "CensusIndia"]
