"""US Census Bureau Statistics of U.S. Businesses (SUSB): states x NAICS sectors.

Recognised by the columns ``State``, ``NAICS`` and ``Enterprise_Size`` (underscores
or spaces). The region of a row is its 2-digit state FIPS code (``06``, or ``6``
once a spreadsheet dropped the zero), resolved by :mod:`loaders.fips` to ISO 3166-2
(``US-CA`` California, ``PART_OF`` ``US``). ``00`` is the United States itself: a
country-level row, skipped and counted unless ``--region-level country`` or ``all``
(the state rows add up to it; the loader checks this and says so). Sector codes are
NAICS 2017 (SUSB 2017-2021 use it), including the sector ranges ``31-33``, ``44-45``,
``48-49``. The value column defaults to ``Employment``, the year comes from the file
name (``us_state_2digitnaics_2021.csv`` -> 2021), and rows of an enterprise-size class
other than the total are skipped and counted unless ``--filter Enterprise_Size=...``
picks one.

>>> p = PROFILES["us-susb"]
>>> p.resolve_region("06", "California").place.id, p.resolve_region("6", None).place.parent
('US-CA', 'US')
>>> p.resolve_region("00", "United States").place.id, p.resolve_region("TLF1", None) is None
('US', True)
"""

from __future__ import annotations

import re
from pathlib import Path

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders import fips
from rox.loaders.columns import squash
from rox.loaders.gazetteer import Resolution
from rox.loaders.profiles import PROFILES, Head, Profile, register
from rox.loaders.table_model import Table, code_text

#: ``--region-level`` values of SUSB tables: the states (default), the US total row, or both.
REGION_LEVELS = ("state", "country", "all")
SUSB_COLS = ("state", "naics", "enterprise size")
SUSB_VALUE = "employment"
TOTAL_SIZE = re.compile(r"^\s*0?1\s*:\s*total\s*$", re.I)
_SKIP_US = "US total rows (State 00: the country, not a state); --region-level country or all keeps them"
_SKIP_STATE = "state rows (--region-level country)"
_SKIP_SIZE = "enterprise-size classes other than '01: Total' (--filter Enterprise_Size=... to load one)"


def _key(header: str) -> str:
    """A header as compared here: squashed, underscores as spaces (``Enterprise_Size`` -> ``enterprise size``)."""
    return squash(header.replace("_", " "))


@register
class UsSusb(Profile):
    """US Census Bureau SUSB tables (State, NAICS, Enterprise_Size columns)."""

    name = "us-susb"
    title = "US Census SUSB tables (State, NAICS, Enterprise_Size columns)"
    options = frozenset({"region_level"})
    table_layout = "long"

    def detect(self, head: Head) -> bool:
        keys = {_key(h) for h in head.header}
        return head.layout in ("auto", "long") and all(c in keys for c in SUSB_COLS)

    def columns(self, t: Table, used: set[str]) -> None:
        by = {_key(h): h for h in t.header}
        level = t.spec.region_level or "state"
        if level not in REGION_LEVELS:
            raise ValidationFailed(
                [Problem(str(t.spec.path), None, "--region-level", f"one of {', '.join(REGION_LEVELS)}, not {level!r}")]
            )
        notes = ["US Census SUSB table (State, NAICS, Enterprise_Size columns)"]
        if not t.spec.region_col:
            _regions(t, by, used, level, notes)
        _sectors(t, by, used, notes)
        _value_and_year(t, by, used, notes)
        t.notes.extend(notes)

    def row_regions(self, table: Table, index: dict[str, int]) -> _SusbRegions | None:
        if "us-susb" not in table.profile_data:
            return None  # --region-col given: the plain region column
        return _SusbRegions(table, index)

    def resolve_region(self, text: str, name: str | None) -> Resolution | None:
        return fips.resolve(text, name)


def _regions(t: Table, by: dict[str, str], used: set[str], level: str, notes: list[str]) -> None:
    state_col, name_col = by["state"], by.get("state name")
    size_col = None if by["enterprise size"] in t.spec.filters else by["enterprise size"]
    t.profile_data["us-susb"] = (state_col, name_col, size_col)
    t.region_col = state_col
    t.regions_from_profile = True
    t.region_level = level
    used.update(c for c in (state_col, name_col, by["enterprise size"]) if c)
    notes.append(
        f"regions: state FIPS codes as ISO 3166-2 (06 -> US-CA, PART_OF US); 00 is the US; "
        f"region level {level} (--region-level state|country|all)"
    )


def _sectors(t: Table, by: dict[str, str], used: set[str], notes: list[str]) -> None:
    if not t.spec.sector_col:
        t.sector_col = by["naics"]
        used.add(t.sector_col)
    if not t.spec.sector_name_col and "naics description" in by:
        t.sector_name_col = by["naics description"]
        used.add(t.sector_name_col)
    t.sector_scheme = "naics2017"
    notes.append(
        "sector scheme naics2017 (SUSB 2017-2021 use NAICS 2017; sector ranges 31-33, 44-45, 48-49 are NAICS "
        "sectors; give --sector-scheme to change)"
    )


def _value_and_year(t: Table, by: dict[str, str], used: set[str], notes: list[str]) -> None:
    if not t.spec.value_col and SUSB_VALUE in by:
        t.value_col = by[SUSB_VALUE]
        used.add(t.value_col)
        others = [by[k] for k in ("firms", "establishments", "annual payroll ($1,000)") if k in by]
        notes.append(f"value column {t.value_col!r} (SUSB default; others: {', '.join(others)}; --value-col)")
    m = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", Path(t.spec.path).name)
    if not t.spec.year_col and m:
        t.year = m.group(1)
        notes.append(f"year {t.year} (SUSB {t.year}, from the file name; employment as of March 12)")


class _SusbRegions:
    """Regions of a SUSB table: the state FIPS code of each row (with its name), rows of the region
    level not kept and size classes other than the total skipped and counted, and the check that the
    state rows add up to the US rows."""

    def __init__(self, table: Table, h: dict[str, int]):
        state_col, name_col, size_col = table.profile_data["us-susb"]
        self.t, self.level = table, table.region_level or "state"
        self.si = h[state_col]
        self.ni = h[name_col] if name_col else None
        self.zi = h[size_col] if size_col else None
        self.vi = h.get(table.value_col) if table.value_col else None
        self.sums: dict[str, list[float]] = {}  # sector -> [US rows, state rows, number of state rows]

    def region(self, cells: list[str], sector: str) -> tuple[str, str | None] | None:
        """(FIPS code, state name), or ``None`` for a row not kept."""
        if self.zi is not None and not TOTAL_SIZE.match(cells[self.zi]):
            self.t.skipped[_SKIP_SIZE] += 1
            return None
        code = code_text(cells[self.si])
        level = fips.level(code)
        self._add(cells, level, sector)
        if self.level != "all" and level != self.level:
            self.t.skipped[_SKIP_US if level == "country" else _SKIP_STATE] += 1
            return None
        return code, (cells[self.ni].strip() or None) if self.ni is not None else None

    def _add(self, cells: list[str], level: str, sector: str) -> None:
        if self.vi is None:
            return
        try:
            v = float(cells[self.vi].replace(",", ""))
        except ValueError:
            return
        s = self.sums.setdefault(sector.strip(), [0.0, 0.0, 0])
        s[0 if level == "country" else 1] += v
        s[2] += level == "state"

    def finish(self) -> None:
        both = {k: s for k, s in self.sums.items() if s[0] and s[1]}
        if not both:
            return
        off = {k: s for k, s in both.items() if abs(s[0] - s[1]) > 0.5}
        most = max(int(s[2]) for s in both.values())
        if off:
            shown = ", ".join(
                f"NAICS {k}: US {s[0]:,.0f}, {int(s[2])} states {s[1]:,.0f}"
                + (" (the other states' cells are not published)" if s[2] < most else "")
                for k, s in sorted(off.items())[:5]
            )
            self.t.warnings.append(f"the state rows do not add up to the US rows for {len(off)} code(s): {shown}")
        else:
            self.t.notes.append(f"the state rows add up to the US rows for every code ({len(both)} codes checked)")
        if self.level == "all":
            self.t.warnings.append(
                "--region-level all: the US and its states are both loaded; the US values are the sums of the "
                "state values, so do not add them together"
            )


__all__ = ["PROFILES", "REGION_LEVELS", "SUSB_COLS", "UsSusb"]
