"""A statistical table as the reader sees it: what the user said (:class:`TableSpec`), what
was detected (:class:`Table`) and the values it yields (:class:`Cell`).

:meth:`Table.rows` melts the generic layouts (long, wide-years, wide-sectors) into
cells, one row at a time; a dataset profile (:mod:`loaders.profiles`) that
recognised the file may take over the region of each row (Census of India) or the
whole reading (Eurostat TSV). Nothing here names a dataset.

Hierarchical code columns: ``sector_cols`` (``--sector-cols Division,Group,Class``)
composes the sector code of a row from several columns, the finest one whose code
is not all zeros (``01``/``011``/``0000`` -> ``011``; all zeros -> ``Total``).

>>> compose = composer([0, 1, 2], ["Division", "Group", "Class"])
>>> compose(["`01", "`011", "`0000"]), compose(["00", "000", "0000"]), compose(["01", "021", "0211"])
('011', 'Total', '021 (Group 021 is not under Division 01)')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from rox.loaders import textio


class Cell(NamedTuple):
    """One value of a table, with the raw text of its coordinates."""

    line: int
    region: str
    sector: str
    year: str | None
    value: str
    region_name: str | None = None
    sector_name: str | None = None


@dataclass
class TableSpec:
    """What the user told us about a file (``None`` means: detect it)."""

    path: str | Path
    layout: str = "auto"
    region_col: str | None = None
    sector_col: str | None = None
    value_col: str | None = None
    year_col: str | None = None
    region_name_col: str | None = None
    sector_name_col: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    skip_rows: int | None = None
    sheet: str | None = None
    filters: dict[str, str] = field(default_factory=dict)
    sector_cols: list[str] | None = None
    region_level: str | None = None


@dataclass
class Table:
    """A readable table: the resolved layout and columns, and notes on what was detected."""

    spec: TableSpec
    fmt: str  # csv | xlsx, or the format of a profile that reads the file itself
    layout: str
    header: list[str]
    header_line: int
    encoding: str | None
    delimiter: str | None
    region_col: str | None = None
    sector_col: str | None = None
    value_col: str | None = None
    year_col: str | None = None
    region_name_col: str | None = None
    sector_name_col: str | None = None
    wide_cols: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    size: int = 0
    bytes_read: int = 0
    #: code columns, coarse to fine, the sector code is composed from (``Division, Group, Class``)
    sector_cols: list[str] = field(default_factory=list)
    #: the dataset profile that recognised the file (:class:`loaders.profiles.Profile`), if any
    profile: Any = None
    #: what the profile keeps about this file (its columns, its options)
    profile_data: dict[str, Any] = field(default_factory=dict)
    #: the profile reads the region of each row (its ``row_regions``): no region column or name column
    regions_from_profile: bool = False
    region_level: str | None = None
    sector_scheme: str | None = None  # scheme the shape implies (isic4 for NIC-2008)
    year: str | None = None  # one year for every row (when the file says it once)
    population: str | None = None  # e.g. "Scheduled Castes" when the values count only them
    warnings: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # rows rows() left out, by reason

    @property
    def path(self) -> Path:
        return Path(self.spec.path)

    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows after the header as (line, cells)."""
        if self.fmt == "xlsx":
            return textio.xlsx_rows(self.path, self.spec.sheet, self.header_line)
        assert self.encoding is not None and self.delimiter is not None
        return textio.csv_rows(self.path, self, self.encoding, self.delimiter, self.header_line)

    def rows(self) -> Iterator[Cell]:
        """Every value of the table as a :class:`Cell` (wide layouts are melted)."""
        own = self.profile.rows(self) if self.profile is not None else None
        return own if own is not None else melt(self)


def code_text(text: str) -> str:
    """A code cell without the quote spreadsheets put before codes kept as text (`` `27 `` -> ``27``)."""
    return text.strip().lstrip("`'").strip()


def composer(idx: list[int], names: list[str]) -> Callable[[list[str]], str]:
    """Sector code from hierarchical code columns (coarse to fine): the finest that is not all zeros.

    A finer code that does not start with the coarser one (class ``0121`` under group ``011``)
    is returned with the reason, so the sector check reports the row.
    """
    pairs = list(zip(idx, names, strict=True))

    def compose(cells: list[str]) -> str:
        best, prev, prev_col = None, None, None
        for i, col in pairs:
            c = code_text(cells[i])
            if not c or not c.strip("0"):
                continue
            if prev is not None and c.isdigit() and prev.isdigit() and not c.startswith(prev):
                return f"{c} ({col} {c} is not under {prev_col} {prev})"
            best, prev, prev_col = c, c, col
        return best if best is not None else "Total"

    return compose


@dataclass
class _Plan:
    """Column positions of a table, looked up once before the rows stream."""

    n: int
    filters: list[tuple[int, str]]
    region: int | None
    sector: int | None
    year: int | None
    value: int | None
    region_name: int | None
    sector_name: int | None
    wide: list[tuple[int, str]]
    compose: Callable[[list[str]], str] | None
    regions: Any  # a profile's per-row region reader, or None

    @classmethod
    def of(cls, t: Table) -> _Plan:
        h = {name: i for i, name in enumerate(t.header)}

        def pos(col: str | None) -> int | None:
            return h.get(col) if col else None

        compose = composer([h[c] for c in t.sector_cols], t.sector_cols) if t.sector_cols else None
        regions = t.profile.row_regions(t, h) if t.profile is not None else None
        return cls(
            len(t.header),
            [(h[c], v) for c, v in t.spec.filters.items()],
            pos(t.region_col),
            pos(t.sector_col),
            pos(t.year_col),
            pos(t.value_col),
            pos(t.region_name_col),
            pos(t.sector_name_col),
            [(h[c], c) for c in t.wide_cols],
            compose,
            regions,
        )


def melt(t: Table) -> Iterator[Cell]:
    """The cells of a long, wide-years or wide-sectors table, row by row."""
    t.skipped = Counter()
    p = _Plan.of(t)
    emit = {"long": _long, "wide-years": _wide_years, "wide-sectors": _wide_sectors}[t.layout]
    yield from emit(t, p, _located(t, p))
    if p.regions is not None:
        p.regions.finish()


Located = Iterator[tuple[int, list[str], str, str | None, str]]


def _located(t: Table, p: _Plan) -> Located:
    """Rows kept (not blank, through the filters) as (line, cells, region, region name, sector)."""
    wide_sectors = t.layout == "wide-sectors"
    for line, cells in t.raw_rows():
        if len(cells) < p.n:
            if not any(c.strip() for c in cells):
                continue  # blank line
            cells = cells + [""] * (p.n - len(cells))
        if p.filters and any(cells[i].strip() != v for i, v in p.filters):
            continue
        sector = "" if wide_sectors else (p.compose(cells) if p.compose else cells[p.sector].strip())  # type: ignore[index]
        if p.regions is not None:
            got = p.regions.region(cells, sector)
            if got is None:
                continue
            region, rname = got
        else:
            region = cells[p.region].strip()  # type: ignore[index]
            rname = cells[p.region_name].strip() if p.region_name is not None else None
        yield line, cells, region, rname, sector


def _long(t: Table, p: _Plan, rows: Located) -> Iterator[Cell]:
    yi, vi, sni, year = p.year, p.value, p.sector_name, t.year
    for line, cells, region, rname, sector in rows:
        yield Cell(
            line,
            region,
            sector,
            cells[yi].strip() if yi is not None else year,
            cells[vi],  # type: ignore[index]
            rname,
            cells[sni].strip() if sni is not None else None,
        )


def _wide_years(t: Table, p: _Plan, rows: Located) -> Iterator[Cell]:
    for line, cells, region, rname, sector in rows:
        sname = cells[p.sector_name].strip() if p.sector_name is not None else None
        for i, col in p.wide:
            yield Cell(line, region, sector, col, cells[i], rname, sname)


def _wide_sectors(t: Table, p: _Plan, rows: Located) -> Iterator[Cell]:
    for line, cells, region, rname, _sector in rows:
        year = cells[p.year].strip() if p.year is not None else None
        for i, col in p.wide:
            yield Cell(line, region, col, year, cells[i], rname, None)
