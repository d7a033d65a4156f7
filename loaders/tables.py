"""Statistical tables as they are published -> a stream of normalised cells.

Readers for the layouts statistics offices use:

* **long** CSV: one row per region, sector (and year) with one value column
  (ONS BRES, the world-trade file);
* **wide** CSV with *years* as columns (ONS GVA Table 2b) or with *sectors* as
  columns (one row per region);
* **XLSX** sheets, read row by row (openpyxl read-only mode), then long or wide;
* **Eurostat TSV**: a first column ``unit,nace_r2,geo\\TIME_PERIOD`` of
  comma-joined dimensions, years as columns, ``:`` for missing values and flags
  such as ``p`` (provisional) or ``b`` (break) after numbers.

What can be detected is detected and said (:attr:`Table.notes`): encoding (BOM,
UTF-8, else latin-1), delimiter, leading title rows, the layout and which
column holds the region, sector, value and year. What cannot be detected raises
:class:`graph.errors.ValidationFailed` naming the option to give. Column names
given as options match the header ignoring case and runs of spaces
(``"Main Workers - Total - Persons"`` finds ``"Main Workers - Total -  Persons"``).

Hierarchical code columns: ``sector_cols`` (``--sector-cols Division,Group,Class``)
composes the sector code of a row from several columns, the finest one whose code
is not all zeros (``01``/``011``/``0000`` -> ``011``; all zeros -> ``Total``).

**Census of India** (DDW tables such as B-18, NIC-2008 industry of workers) are
recognised by their columns ``State Code``, ``District Code``, ``India/States``,
``Division``, ``Group``, ``Class``: codes lose their leading backtick, the sector
code is composed from Division/Group/Class and read as ``isic4`` (NIC-2008 is
ISIC Rev. 4 at division, group and class level), the region is
``census-in:<state>:<district>`` (resolved by :mod:`loaders.gazetteer` to
``IN-WB`` for the state rows, district ``000``, and ``IN-WB-<district slug>``
for districts), the value column defaults to ``Main Workers - Total - Persons``
and the year to 2011. ``region_level`` (``--region-level``) keeps the
``district`` rows (default: the districts add up to the state rows, checked while
reading), the ``state`` rows or ``all``. A file named ``B18sc``/``B18st`` covers
only Scheduled Castes/Tribes: :attr:`Table.population` and
:attr:`Table.warnings` say so.

Everything streams: :meth:`Table.rows` yields :class:`Cell` tuples one at a time
from the file, so memory does not grow with the file size. Line numbers are the
physical line of the file (or the sheet row) where the record starts.

Example:
    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
    >>> _ = open(p, "w").write("geo;industry;year;value\\nUKF1;30;2021;12\\n")
    >>> t = open_table(TableSpec(p))
    >>> t.layout, t.region_col, t.sector_col, t.year_col, t.value_col
    ('long', 'geo', 'industry', 'year', 'value')
    >>> list(t.rows())
    [Cell(line=2, region='UKF1', sector='30', year='2021', value='12', region_name=None, sector_name=None)]
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, NamedTuple

from rox.graph.errors import Problem, ValidationFailed

LAYOUTS = ("auto", "long", "wide-years", "wide-sectors", "eurostat")
REGION_LEVELS = ("district", "state", "all")
SAMPLE_BYTES = 256 * 1024
_YEAR = re.compile(r"^\s*((?:18|19|20|21)\d\d)(?:\s*|[-/ ].*)$")

# Header words that say what a column holds (lower-case, matched as substrings).
REGION_WORDS = ("geography_code", "region code", "region_code", "geo", "region", "country", "area", "itl", "nuts",
                "district", "state", "reporter", "location", "place", "city", "county")
SECTOR_WORDS = ("industry_code", "sic07 code", "sic", "nace", "isic", "naics", "nic", "sitc", "hs", "product",
                "commodity", "industry", "sector", "secteur", "activity", "division")
VALUE_WORDS = ("value", "obs_value", "count", "employment", "employees", "jobs", "establishments", "gva",
               "exports", "export", "amount", "total", "persons")
YEAR_WORDS = ("year", "date", "time_period", "time", "period")
NAME_WORDS = ("name", "description", "label", "title")


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


#: Census of India DDW tables (B-18 ...): header words (folded) that identify the shape.
CENSUS_IN_COLS = ("state code", "district code", "division", "group", "class")
CENSUS_IN_VALUE = "main workers - total - persons"
#: File-name marker of the Scheduled Caste / Scheduled Tribe editions (``DDW_B18sc_2700_...``).
_CENSUS_IN_POP = re.compile(r"(?i)(?:^|[_\-])B\d+[A-Z]?(sc|st)(?:[_\-]|$)")
_CENSUS_IN_NAME = re.compile(r"(?i)^\s*(state|district|india)\s*-\s*")


@dataclass
class Table:
    """A readable table: the resolved layout and columns, and notes on what was detected."""

    spec: TableSpec
    fmt: str  # csv | xlsx | eurostat
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
    #: Census of India shape: (state code, district code, area name) columns
    census_in: tuple[str, str, str | None] | None = None
    region_level: str | None = None
    sector_scheme: str | None = None  # scheme the shape implies (isic4 for NIC-2008)
    year: str | None = None  # one year for every row (Census 2011)
    population: str | None = None  # e.g. "Scheduled Castes" for a B18sc file
    warnings: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)  # rows rows() left out, by reason

    @property
    def path(self) -> Path:
        return Path(self.spec.path)

    # -- streaming --------------------------------------------------------
    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        """Data rows after the header as (line, cells)."""
        if self.fmt == "xlsx":
            yield from _xlsx_rows(self.path, self.spec.sheet, self.header_line)
            return
        yield from _csv_rows(self, self.encoding, self.delimiter, self.header_line)

    def rows(self) -> Iterator[Cell]:
        """Every value of the table as a :class:`Cell` (wide layouts are melted)."""
        h = {name: i for i, name in enumerate(self.header)}
        filters = [(h[c], v) for c, v in self.spec.filters.items()] if self.fmt != "eurostat" else []
        ri = h.get(self.region_col) if self.region_col else None
        si = h.get(self.sector_col) if self.sector_col else None
        yi = h.get(self.year_col) if self.year_col else None
        vi = h.get(self.value_col) if self.value_col else None
        rni = h.get(self.region_name_col) if self.region_name_col else None
        sni = h.get(self.sector_name_col) if self.sector_name_col else None
        wide = [(h[c], c) for c in self.wide_cols]
        n = len(self.header)
        if self.fmt == "eurostat":
            yield from self._eurostat_rows()
            return
        layout = self.layout
        self.skipped = Counter()
        compose = _composer([h[c] for c in self.sector_cols], self.sector_cols) if self.sector_cols else None
        census = _CensusRegions(self, h, vi) if self.census_in else None
        const_year = self.year
        for line, cells in self.raw_rows():
            if len(cells) < n:
                if not any(c.strip() for c in cells):
                    continue  # blank line
                cells = cells + [""] * (n - len(cells))
            if filters and any(cells[i].strip() != v for i, v in filters):
                continue
            sector = (compose(cells) if compose else cells[si].strip()) if layout != "wide-sectors" else ""
            if census is not None:
                got = census.region(cells, sector)
                if got is None:
                    continue
                region, rname = got
            else:
                region = cells[ri].strip()
                rname = cells[rni].strip() if rni is not None else None
            if layout == "long":
                yield Cell(line, region, sector, cells[yi].strip() if yi is not None else const_year,
                           cells[vi], rname, cells[sni].strip() if sni is not None else None)
            elif layout == "wide-years":
                sname = cells[sni].strip() if sni is not None else None
                for i, col in wide:
                    yield Cell(line, region, sector, col, cells[i], rname, sname)
            else:  # wide-sectors
                year = cells[yi].strip() if yi is not None else None
                for i, col in wide:
                    yield Cell(line, region, col, year, cells[i], rname, None)
        if census is not None:
            census.finish()

    def _eurostat_rows(self) -> Iterator[Cell]:
        dims = self.header[0].split("\\")[0].split(",")
        di = {d.strip(): i for i, d in enumerate(dims)}
        ri, si = di[self.region_col], di[self.sector_col]
        filters = [(di[c], v) for c, v in self.spec.filters.items()]
        years = [(j, y.strip()) for j, y in enumerate(self.header) if j > 0]
        for line, cells in self.raw_rows():
            if not cells or not cells[0].strip():
                continue
            keys = cells[0].split(",")
            if filters and any(keys[i].strip() != v for i, v in filters):
                continue
            region, sector = keys[ri].strip(), keys[si].strip()
            for j, y in years:
                yield Cell(line, region, sector, y, cells[j] if j < len(cells) else "")


def _code(text: str) -> str:
    """A code cell without the Census of India leading backtick (`` `27 `` -> ``27``)."""
    return text.strip().lstrip("`'").strip()


def _composer(idx: list[int], names: list[str]):
    """Sector code from hierarchical code columns (coarse to fine): the finest that is not all zeros.

    A finer code that does not start with the coarser one (class ``0121`` under group ``011``)
    is returned with the reason, so the sector check reports the row.
    """
    pairs = list(zip(idx, names))

    def compose(cells: list[str]) -> str:
        best, best_col, prev, prev_col = None, None, None, None
        for i, col in pairs:
            c = _code(cells[i])
            if not c or not c.strip("0"):
                continue
            if prev is not None and c.isdigit() and prev.isdigit() and not c.startswith(prev):
                return f"{c} ({col} {c} is not under {prev_col} {prev})"
            best, best_col, prev, prev_col = c, col, c, col
        return best if best is not None else "Total"

    return compose


class _CensusRegions:
    """Regions of a Census of India table: ``census-in:<state>:<district>`` with the area name,
    rows of the other region level skipped (and counted), and the check that the districts add up
    to the state rows."""

    def __init__(self, table: "Table", h: dict[str, int], vi: int | None):
        state_col, district_col, name_col = table.census_in
        self.t = table
        self.si, self.di = h[state_col], h[district_col]
        self.ni = h[name_col] if name_col else None
        self.vi = vi
        self.level = table.region_level or "district"
        self.sums: dict[tuple[str, str], list[float]] = {}  # (state, sector) -> [state rows, district rows]

    def region(self, cells: list[str], sector: str) -> tuple[str, str | None] | None:
        """(region text, area name), or ``None`` for a row of the region level not kept."""
        state, district = _code(cells[self.si]), _code(cells[self.di])
        level = "state" if district and not district.strip("0") else "district"
        self._add(cells, state, level, sector)
        name = _CENSUS_IN_NAME.sub("", cells[self.ni]).strip() if self.ni is not None else None
        if level == "state" and name and name.isupper():
            name = name.title()
        if self.level != "all" and level != self.level:
            if level == "state":
                self.t.skipped["state total rows (district 000): the districts add up to them; "
                               "--region-level state or all keeps them"] += 1
            else:
                self.t.skipped["district rows (--region-level state)"] += 1
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
        for st in sorted(with_state - with_districts):
            if self.level == "district":
                self.t.warnings.append(f"state {st} has no district rows: its state rows were skipped; "
                                       "give --region-level state")
        both = {k: s for k, s in self.sums.items() if (s[0] or s[1]) and k[0] in with_state & with_districts}
        if not both:
            return
        off = [(k, s) for k, s in both.items() if abs(s[0] - s[1]) > 0.5]
        if off:
            shown = ", ".join(f"state {k[0]} sector {k[1]}: state rows {s[0]:,.0f}, districts {s[1]:,.0f}"
                              for k, s in off[:5])
            self.t.warnings.append(f"the district rows do not add up to the state rows for {len(off)} code(s): {shown}"
                                   + ("; loading both levels would count them twice" if self.level == "all" else ""))
        else:
            self.t.notes.append(f"the district rows add up to the state rows for every code ({len(both):,} codes checked); "
                                f"region level kept: {self.level}")
        if self.level == "all":
            self.t.warnings.append("--region-level all: the states and their districts are both loaded; the state "
                                   "values are the sums of the district values, so do not add states and districts "
                                   "together (rox match: --kind district or --kind state)")


# ---------------------------------------------------------------- low-level readers
class _Counting(io.RawIOBase):
    """A raw file that adds the bytes it reads to ``table.bytes_read`` (for progress)."""

    def __init__(self, path: Path, table: "Table"):
        self._fh = open(path, "rb")
        self._table = table

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._fh.readinto(b)
        self._table.bytes_read += n or 0
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def _csv_rows(table: "Table", encoding: str, delimiter: str, header_line: int) -> Iterator[tuple[int, list[str]]]:
    table.bytes_read = 0
    raw = io.BufferedReader(_Counting(table.path, table), buffer_size=1 << 20)
    with io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        prev = 0
        for cells in reader:
            start = prev + 1
            prev = reader.line_num
            if start <= header_line:
                continue
            yield start, cells


def _xlsx_cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def _xlsx_rows(path: Path, sheet: str | None, header_line: int) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i <= header_line:
                continue
            yield i, [_xlsx_cell(v) for v in row]
    finally:
        wb.close()


# ---------------------------------------------------------------- detection
def detect_encoding(path: Path) -> tuple[str, str]:
    """(encoding, how it was found) from the first bytes of the file."""
    head = path.open("rb").read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 byte-order mark"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 byte-order mark"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        return "latin-1", "not UTF-8; read as latin-1 (give --encoding if it is another code page)"


def _sniff_delimiter(sample: str) -> str | None:
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return None
    best, best_score = None, 0
    for d in (",", "\t", ";", "|"):
        counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:-1] or lines]
        if min(counts) < 2:
            continue
        # consistent column counts win; more columns break ties
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = d, score
    return best


def _fold(text: str) -> str:
    """Lower case without accents (``Région`` -> ``region``)."""
    return unicodedata.normalize("NFKD", text.strip().lower()).encode("ascii", "ignore").decode()


def _match(header: list[str], words: tuple[str, ...], exclude: set[str]) -> str | None:
    low = [(h, _fold(h)) for h in header if h not in exclude]
    for w in words:  # word order is priority order
        for h, hl in low:
            if hl == w:
                return h
    for w in words:
        for h, hl in low:
            if w in hl and not any(nw in hl for nw in NAME_WORDS):
                return h
    return None


def _name_col(header: list[str], code_col: str | None, words: tuple[str, ...], exclude: set[str]) -> str | None:
    """A column with the names that go with a code column (``GEOGRAPHY_NAME``, ``SIC07 description``)."""
    if code_col is None:
        return None
    stem = re.sub(r"(?i)[ _]?code$", "", code_col.strip()).lower()
    for h in header:
        hl = h.strip().lower()
        if h in exclude or h == code_col:
            continue
        if any(nw in hl for nw in NAME_WORDS) and (stem and stem in hl or any(w in hl for w in words)):
            return h
    return None


def is_year(text: str) -> bool:
    return bool(_YEAR.match(text or ""))


def open_table(spec: TableSpec) -> Table:
    """Open a file, detect what was not given, and say what was detected."""
    path = Path(spec.path)
    name = str(path)
    if not path.exists():
        raise ValidationFailed([Problem(name, None, "file", "does not exist")])
    suffix = path.suffix.lower()
    notes: list[str] = []
    size = path.stat().st_size
    if size == 0:
        raise ValidationFailed([Problem(name, None, "file", "file is empty (0 bytes); nothing to load")])
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(spec, notes, size)
    if suffix in (".xls", ".ods"):
        raise ValidationFailed([Problem(name, None, "file", f"{suffix} is not supported; save the sheet as .xlsx or .csv")])

    if spec.encoding:
        encoding = spec.encoding
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ValidationFailed([Problem(name, None, "--encoding", f"unknown encoding {encoding!r}")]) from None
    else:
        encoding, why = detect_encoding(path)
        notes.append(f"encoding {encoding} ({why})")
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        sample = fh.read(SAMPLE_BYTES)
    if not sample.lstrip("\ufeff").strip():
        raise ValidationFailed([Problem(name, None, "file", "file is empty (only blank lines); nothing to load")])
    first = sample.splitlines()[0] if sample else ""
    eurostat = spec.layout == "eurostat" or (spec.layout == "auto" and "\\" in first.split("\t")[0] and "\t" in first)
    if eurostat:
        return _open_eurostat(spec, notes, encoding, first, size)
    delimiter = spec.delimiter
    if delimiter:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
    else:
        delimiter = _sniff_delimiter(sample)
        if delimiter is None:
            raise ValidationFailed([Problem(name, 1, "--delimiter", "cannot tell the delimiter (tried , tab ; |); give --delimiter")])
        notes.append(f"delimiter {'tab' if delimiter == chr(9) else repr(delimiter)}")
    lines = list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:200]
    skip = _skip_rows(spec, lines, notes)
    if skip >= len(lines):
        raise ValidationFailed([Problem(name, None, "file", f"no header row after skipping {skip} rows")])
    header = [h.strip().lstrip("\ufeff") for h in lines[skip]]
    data = lines[skip + 1 :]
    if len(sample) < SAMPLE_BYTES and not any(any(c.strip() for c in row) for row in data):
        raise ValidationFailed([Problem(name, skip + 1, "file", "no data rows: only a header line; nothing to load")])
    t = Table(spec, "csv", "long", header, skip + 1, encoding, delimiter, notes=notes, size=size)
    _resolve_layout(t, data)
    return t


def _skip_rows(spec: TableSpec, lines: list[list[str]], notes: list[str]) -> int:
    if spec.skip_rows is not None:
        return spec.skip_rows
    widths = [sum(1 for c in row if str(c).strip()) for row in lines]
    if not widths:
        return 0
    full = max(widths)
    skip = 0
    # title rows: fewer than half the filled cells of the widest row
    while skip < len(widths) - 1 and widths[skip] < max(2, full // 2):
        skip += 1
    if skip:
        notes.append(f"skipped {skip} title row(s) before the header (give --skip-rows to change)")
    return skip


def _open_xlsx(spec: TableSpec, notes: list[str], size: int) -> Table:
    from openpyxl import load_workbook

    name = str(spec.path)
    wb = load_workbook(spec.path, read_only=True, data_only=True)
    try:
        sheets = wb.sheetnames
        if spec.sheet and spec.sheet not in sheets:
            raise ValidationFailed([Problem(name, None, "--sheet", f"no sheet {spec.sheet!r}; sheets: {', '.join(sheets)}")])
        ws = wb[spec.sheet] if spec.sheet else wb.worksheets[0]
        if not spec.sheet:
            notes.append(f"sheet {ws.title!r} (of {', '.join(sheets)}; give --sheet for another)")
        lines = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            lines.append([_xlsx_cell(v) for v in row])
            if i >= 200:
                break
    finally:
        wb.close()
    skip = _skip_rows(spec, lines, notes)
    if skip >= len(lines):
        raise ValidationFailed([Problem(name, None, "file", "the sheet has no header row")])
    header = [h.strip() for h in lines[skip]]
    t = Table(spec, "xlsx", "long", header, skip + 1, None, None, notes=notes, size=size)
    _resolve_layout(t, lines[skip + 1 :])
    return t


def _open_eurostat(spec: TableSpec, notes: list[str], encoding: str, first: str, size: int) -> Table:
    name = str(spec.path)
    header = first.split("\t")
    dims = [d.strip() for d in header[0].split("\\")[0].split(",")]
    notes.append(f"Eurostat TSV (dimensions {', '.join(dims)}; years as columns)")
    problems = []
    region = spec.region_col or ("geo" if "geo" in dims else None)
    sector = spec.sector_col or next((d for d in dims if d.startswith(("nace", "sitc", "cpa", "isic", "hs", "prod"))), None)
    for opt, col in (("--region-col", region), ("--sector-col", sector)):
        if col is None:
            problems.append(Problem(name, 1, opt, f"cannot tell which dimension it is; give {opt} (dimensions: {', '.join(dims)})"))
        elif col not in dims:
            problems.append(Problem(name, 1, opt, f"no dimension {col!r} (dimensions: {', '.join(dims)})"))
    for col in spec.filters:
        if col not in dims:
            problems.append(Problem(name, 1, "--filter", f"no dimension {col!r} (dimensions: {', '.join(dims)})"))
    if problems:
        raise ValidationFailed(problems)
    others = [d for d in dims if d not in (region, sector) and d not in spec.filters]
    if others:
        notes.append(f"other dimensions {', '.join(others)}: give --filter DIM=VALUE if they hold more than one value")
    t = Table(spec, "eurostat", "eurostat", [h.strip() for h in header], 1, encoding, "\t", region_col=region,
              sector_col=sector, year_col="(columns)", notes=notes, size=size)
    return t


def _resolve_layout(t: Table, data: list[list[str]]) -> None:
    """Choose the layout and the columns, from options first, then from the header."""
    spec, header, name = t.spec, t.header, str(t.spec.path)
    problems: list[Problem] = []
    cols = set(header)
    _canonical_columns(spec, header)
    for opt, col in (("--region-col", spec.region_col), ("--sector-col", spec.sector_col), ("--value-col", spec.value_col),
                     ("--year-col", spec.year_col), ("--region-name-col", spec.region_name_col),
                     ("--sector-name-col", spec.sector_name_col)):
        if col is not None and col not in cols:
            problems.append(Problem(name, t.header_line, opt, f"no column {col!r} (columns: {', '.join(header)})"))
    for col in spec.filters:
        if col not in cols:
            problems.append(Problem(name, t.header_line, "--filter", f"no column {col!r} (columns: {', '.join(header)})"))
    if problems:
        raise ValidationFailed(problems)

    year_cols = [h for h in header if is_year(h) and h.strip().isdigit()]
    used: set[str] = set()
    detected: list[str] = []
    if spec.region_level is not None and spec.region_level not in REGION_LEVELS:
        raise ValidationFailed([Problem(name, None, "--region-level", f"one of {', '.join(REGION_LEVELS)}, "
                                                                      f"not {spec.region_level!r}")])
    if spec.sector_cols:
        for col in spec.sector_cols:
            if col not in cols:
                problems.append(Problem(name, t.header_line, "--sector-cols", f"no column {col!r} (columns: {', '.join(header)})"))
        if problems:
            raise ValidationFailed(problems)
        t.sector_cols = list(spec.sector_cols)
        used.update(t.sector_cols)
    if spec.layout in ("auto", "long") and _census_in(t, used, detected):
        spec_layout = "long"
    else:
        spec_layout = spec.layout
    if spec.region_level is not None and t.census_in is None:
        raise ValidationFailed([Problem(name, None, "--region-level", "applies to Census of India tables (State Code, "
                                                                      "District Code columns) only")])

    def pick(given, words, label):
        if given:
            used.add(given)
            return given
        col = _match(header, words, used)
        if col:
            used.add(col)
            detected.append(f"{label} column {col!r}")
        return col

    layout = spec_layout
    if layout == "auto":
        if len(year_cols) >= 2 and not spec.year_col and not spec.value_col:
            layout = "wide-years"
        elif spec.value_col or _match(header, VALUE_WORDS, set(year_cols)):
            layout = "long"
        else:
            layout = "wide-sectors"
        t.notes.append(f"layout {layout}" + (f" ({len(year_cols)} year columns {year_cols[0]}..{year_cols[-1]})" if layout == "wide-years" else ""))
    t.layout = layout

    used.update(year_cols if layout == "wide-years" else [])
    if not t.region_col:
        t.region_col = pick(spec.region_col, REGION_WORDS, "region")
    if layout in ("long", "wide-years") and not t.sector_cols:
        t.sector_col = pick(spec.sector_col, SECTOR_WORDS, "sector")
    if layout == "long":
        t.year_col = pick(spec.year_col, YEAR_WORDS, "year") if not t.year else spec.year_col
        t.value_col = t.value_col or pick(spec.value_col, VALUE_WORDS, "value")
    if layout == "wide-sectors":
        t.year_col = pick(spec.year_col, YEAR_WORDS, "year")
    t.region_name_col = (spec.region_name_col or _name_col(header, t.region_col, REGION_WORDS, used)) if not t.census_in else None
    if t.region_name_col:
        used.add(t.region_name_col)
    if layout != "wide-sectors" and not t.sector_name_col:
        t.sector_name_col = spec.sector_name_col or _name_col(header, t.sector_col, SECTOR_WORDS, used)
        if t.sector_name_col:
            used.add(t.sector_name_col)
    names = [c for c in (t.region_name_col, t.sector_name_col) if c and c not in (spec.region_name_col, spec.sector_name_col)]
    if names:
        detected.append("name column(s) " + ", ".join(repr(c) for c in names))

    need = {"region": ("--region-col", t.region_col)}
    if layout in ("long", "wide-years") and not t.sector_cols:
        need["sector"] = ("--sector-col", t.sector_col)
    if layout == "long":
        need["value"] = ("--value-col", t.value_col)
    for what, (opt, col) in need.items():
        if col is None:
            problems.append(Problem(name, t.header_line, opt,
                                    f"cannot tell which column holds the {what}; give {opt} (columns: {', '.join(header)})"))
    if layout == "wide-years":
        t.wide_cols = year_cols
        if not year_cols:
            problems.append(Problem(name, t.header_line, "--layout", "wide-years needs year columns (1998, 1999, ...) in the header"))
    elif layout == "wide-sectors":
        t.wide_cols = [h for h in header if h not in used and h not in spec.filters and h.strip()]
        if not t.wide_cols:
            problems.append(Problem(name, t.header_line, "--layout", "no sector columns left after the region and year columns"))
        else:
            detected.append(f"{len(t.wide_cols)} sector columns {t.wide_cols[0]!r}..{t.wide_cols[-1]!r}")
    if problems:
        raise ValidationFailed(problems)
    if detected:
        t.notes.append("; ".join(detected) + " (give --region-col/--sector-col/--value-col/--year-col to override)")


def _squash(text: str) -> str:
    return " ".join(_fold(text).split())


def _canonical_columns(spec: TableSpec, header: list[str]) -> None:
    """Column options written with other case or spacing than the header get the header's spelling."""
    by = {}
    for h in header:
        by.setdefault(_squash(h), h)

    def canon(col):
        if col is None or col in header:
            return col
        return by.get(_squash(col), col)

    for attr in ("region_col", "sector_col", "value_col", "year_col", "region_name_col", "sector_name_col"):
        setattr(spec, attr, canon(getattr(spec, attr)))
    if spec.sector_cols:
        spec.sector_cols = [canon(c.strip()) for c in spec.sector_cols]
    if spec.filters:
        spec.filters = {canon(k): v for k, v in spec.filters.items()}


def _census_in(t: Table, used: set[str], detected: list[str]) -> bool:
    """Recognise a Census of India DDW table (B-18 ...) and set its columns; ``False`` if it is not one."""
    spec = t.spec
    by = {_squash(h): h for h in t.header}
    if not all(c in by for c in CENSUS_IN_COLS):
        return False
    state_col, district_col = by["state code"], by["district code"]
    name_col = next((by[k] for k in ("india/states", "india/state", "area name", "name") if k in by), None)
    notes = ["Census of India table (State Code, District Code, Division/Group/Class columns; codes without their "
             "leading backtick)"]
    if not spec.region_col:
        t.census_in = (state_col, district_col, name_col)
        t.region_col = state_col
        t.region_level = spec.region_level or "district"
        used.update(c for c in (state_col, district_col, name_col) if c)
        notes.append(f"regions: states as ISO 3166-2 (e.g. IN-WB), districts as IN-WB-<district slug> (kind district, "
                     f"PART_OF the state); region level "
                     f"{t.region_level} (--region-level district|state|all)")
    if not spec.sector_col and not t.sector_cols:
        t.sector_cols = [by["division"], by["group"], by["class"]]
        used.update(t.sector_cols)
        notes.append("sector code from Division/Group/Class: the finest that is not all zeros (--sector-cols to change)")
    if not spec.sector_name_col and "nic name" in by:
        t.sector_name_col = by["nic name"]
        used.add(t.sector_name_col)
    if t.sector_cols and [_squash(c) for c in t.sector_cols] == ["division", "group", "class"]:
        t.sector_scheme = "isic4"
        notes.append("sector scheme isic4: NIC-2008 equals ISIC Rev. 4 at division (2-digit), group (3-digit) and "
                     "class (4-digit) level (only its 5-digit sub-classes are national); give --sector-scheme to change")
    if not spec.value_col and CENSUS_IN_VALUE in by:
        t.value_col = by[CENSUS_IN_VALUE]
        used.add(t.value_col)
        others = sum(1 for k in by if "workers" in k) - 1
        notes.append(f"value column {t.value_col!r} (Census default; {others} other worker counts, e.g. "
                     f"--value-col 'Marginal Workers - Total - Persons' or 'Main Workers - Urban - Females')")
    m = re.search(r"(?<!\d)(2011|2001)(?!\d)", t.path.name)
    if not spec.year_col and m:
        t.year = m.group(1)
        notes.append(f"year {t.year} (Census of India {t.year}, from the file name)")
    pop = _CENSUS_IN_POP.search(t.path.name)
    if pop:
        t.population = {"sc": "Scheduled Castes", "st": "Scheduled Tribes"}[pop.group(1).lower()]
        table = pop.group(0).strip("_-")
        t.warnings.append(f"{t.path.name} is table {table}: it counts {t.population.upper()} ONLY, not all workers. "
                          f"It is not the industry mix of the state; values are stored with unit "
                          f"'persons ({t.population} only)'")
    t.notes.extend(notes)
    return True
