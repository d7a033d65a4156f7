"""Pass 1 of a table load: stream the whole file and check every row before anything is written.

Each cell's year, value, region and sector code are checked, and duplicates
(same region, code and year) found. Every bad row becomes a
:class:`graph.errors.Problem` (file, line, field, reason); if there is any,
:class:`ValidationFailed` is raised listing them all. Valid rows are packed into a
:class:`loaders.spool.Spool` for pass 2, so the file is parsed once.

Values: blank cells and missing-value markers (``:``, Eurostat's flags alone, cells
``--missing-when`` marks) are missing: no fact, counted in the summary, never 0. Flags
after a number (``1543.6 b``) are kept for the fact (:attr:`Validated.flags`). A cell
that is no number is a problem, or with ``bad_values="skip"`` (``--bad-values skip``)
a skipped cell listed in the summary (``summary.bad_cells``). Regions a gazetteer hook
resolves to status ``skip`` (NUTS extra-regio codes, region levels not kept) and
sector codes that are no sector (:class:`loaders.schemes.NotASector`) are skipped and
counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders import schemes
from rox.loaders.claims import Claims
from rox.loaders.gazetteer import Gazetteer, Place
from rox.loaders.missing_when import MISSING_MARK
from rox.loaders.numbers import parse_year, value_and_flags
from rox.loaders.spool import Spool
from rox.loaders.table_model import Cell, Table

NON_NEGATIVE = frozenset({"employment", "establishments", "exports", "imports"})
_BAD = -1  # a year that was reported


def pack(r: int, c: int, y: int | None) -> int:
    """One int for (region index, code index, year), for the duplicate check."""
    return (r << 40) | (c << 16) | (y or 0)


def nul_reason(text: str | None) -> str | None:
    """Why a text cannot be stored (the databases refuse NUL characters), else ``None``."""
    return "contains a NUL character (\\x00)" if text and "\x00" in text else None


class Validated:
    """What pass 1 learned: the places, codes and names to write, and the spooled rows."""

    def __init__(self, claims: Claims | None = None):
        self.claims = claims or Claims()
        self.regions: dict[str, Place] = {}  # region id written to -> the place the table named
        self.region_by_text: dict[tuple[str, str | None], str] = {}
        self.codes: dict[str, schemes.Code] = {}  # raw text -> Code
        self.code_ids: dict[str, int] = {}  # code id -> index
        self.region_ids: dict[str, int] = {}
        self.sector_names: dict[str, str] = {}
        self.keys: dict[int, int] = {}  # (region, code, year) packed -> first line
        self.flags: dict[int, str] = {}  # (region, code, year) packed -> flags of the value
        self.spool = Spool()

    def pairs(self) -> Iterator[tuple[int, int]]:
        """(region index, code index) of every key, one at a time."""
        mask = (1 << 24) - 1
        return ((k >> 40, (k >> 16) & mask) for k in self.keys)


class Checker:
    """Checks the cells of one table (see the module docstring)."""

    def __init__(
        self,
        table: Table,
        scheme: str,
        kind: str,
        year: int | None,
        gaz: Gazetteer,
        summary: Any,
        claims: Claims | None = None,
        bad_values: str = "fail",
    ):
        self.t, self.scheme, self.gaz, self.summary = table, scheme, gaz, summary
        self.skip_bad = bad_values == "skip"
        self.fname = str(table.spec.path)
        self.v = Validated(claims)
        self.problems: list[Problem] = []
        self.years: dict[str, int | None] = {}
        self.nonneg, self.kind, self.want_year = kind in NON_NEGATIVE, kind, year

    def run(self, tell: Callable[[int, int | None, str], None] | None = None) -> Validated:
        """Check every row; raises :class:`ValidationFailed` listing every problem."""
        n = 0
        try:
            n = self._rows(tell)
        except ValidationFailed as exc:  # the reader's (a cell over the CSV field limit)
            self.problems.extend(exc.problems)
        except UnicodeDecodeError as exc:
            self.problems.append(
                Problem(
                    self.fname,
                    None,
                    "file",
                    f"not {self.t.encoding} text ({exc.reason} at byte "
                    f"{exc.start}); give --encoding (e.g. latin-1, cp1252)",
                )
            )
        except OSError as exc:
            self.problems.append(Problem(self.fname, None, "file", f"cannot read: {exc}"))
        self.summary.rows_read = n
        if tell:
            tell(n, n, "checking rows")
        if self.problems:
            raise ValidationFailed(self.problems)
        if n == 0 and not self.t.skipped:
            filters = self.t.spec.filters
            why = " match --filter " + ", ".join(f"{k}={val}" for k, val in filters.items()) if filters else ""
            raise ValidationFailed([Problem(self.fname, None, "file", f"no data rows{why}; nothing to load")])
        return self.v

    def _rows(self, tell: Callable[[int, int | None, str], None] | None) -> int:
        n = 0
        by_text, codes = self.v.region_by_text, self.v.codes
        for cell in self.t.rows():
            n += 1
            if tell and not n % 20000:
                tell(n, self._estimate(n), "checking rows")
            y = self._year(cell)
            if y == _BAD:
                continue
            value, flags = self._value(cell)
            if value is None:
                continue
            rid = by_text.get((cell.region, cell.region_name)) or self._region(cell)
            if rid is None:
                continue
            code = codes.get(cell.sector) or self._sector(cell)
            if code is not None:
                self._keep(cell, rid, code, y, value, flags)
        return n

    def _estimate(self, n: int) -> int | None:
        """Rows in the whole file, from the bytes read so far."""
        read, size = self.t.bytes_read, self.t.size
        return max(n, round(n * size / read)) if read and size else None

    def _year(self, cell: Cell) -> int | None:
        """The year of a cell (``None``: none), or ``_BAD`` (reported, or skipped by ``--year``)."""
        y: int | None = None
        if cell.year is not None and cell.year != "":
            if cell.year not in self.years:
                return self._new_year(cell)
            y = self.years[cell.year]
            if y is None:
                self.problems.append(Problem(self.fname, cell.line, "year", f"{cell.year!r} is not a year"))
                return _BAD
        elif self.t.year_col is not None and self.t.layout == "long":
            self.problems.append(Problem(self.fname, cell.line, "year", "missing"))
            return _BAD
        if self.want_year is not None and y != self.want_year:
            self.summary.skipped[f"year other than {self.want_year}"] += 1
            return _BAD
        return y

    def _new_year(self, cell: Cell) -> int | None:
        """First sight of a year text: parse and cache it (``None`` cached for a bad one)."""
        text = cell.year or ""
        try:
            self.years[text] = parse_year(text)
        except ValueError as exc:
            self.years[text] = None
            self.problems.append(Problem(self.fname, cell.line, "year", str(exc)))
            return _BAD
        return self._year(cell)

    def _value(self, cell: Cell) -> tuple[float | None, str | None]:
        """The value and its flags (0.0 after a reported problem, so the row's other fields are still
        checked), or ``None`` for a missing value or a skipped bad one (the row is skipped)."""
        try:
            value, flags = value_and_flags(cell.value)
        except ValueError as exc:
            return self._bad_value(cell, str(exc))
        if value is None:
            self.summary.skipped["missing value (" + _missing_reason(cell.value) + ")"] += 1
        elif self.nonneg and value < 0:
            self.problems.append(
                Problem(self.fname, cell.line, "value", f"{cell.value.strip()} is negative; {self.kind} cannot be")
            )
        return value, flags

    def _bad_value(self, cell: Cell, reason: str) -> tuple[float | None, str | None]:
        """A cell that is no number: a problem, or with ``--bad-values skip`` a skipped cell listed."""
        if cell.value.startswith(MISSING_MARK):
            self.summary.skipped["missing value (" + cell.value[len(MISSING_MARK) :] + ", --missing-when)"] += 1
            return None, None
        problem = Problem(self.fname, cell.line, "value", reason)
        if not self.skip_bad:
            self.problems.append(problem)
            return 0.0, None
        self.summary.skipped["bad value (--bad-values skip; listed below)"] += 1
        self.summary.bad_cells.append(str(problem))
        return None, None

    def _region(self, cell: Cell) -> str | None:
        """The region id a region cell is written to (first sight of the text), or ``None`` (reported)."""
        line, v = cell.line, self.v
        if not cell.region:
            self.problems.append(Problem(self.fname, line, "region", "missing"))
            return None
        bad = nul_reason(cell.region) or nul_reason(cell.region_name)
        if bad:
            self.problems.append(Problem(self.fname, line, "region", bad))
            return None
        res = self.gaz.resolve(cell.region, cell.region_name)
        if res.status == "skip":  # not a territory (NUTS extra-regio) or a region level not kept
            self.summary.skipped[res.note] += 1
            return None
        if res.status == "ambiguous":
            self.problems.append(
                Problem(
                    self.fname,
                    line,
                    "region",
                    f"{cell.region!r} is ambiguous: {res.describe()}; give a code, qualify the "
                    f"name (e.g. '{cell.region}, {res.candidates[0].country}') or --country",
                )
            )
            return None
        place = res.place
        assert place is not None
        rid = v.claims.attach(place)
        if res.status == "unresolved" and rid == place.id:
            self.summary.unresolved.setdefault(cell.region + (f" ({res.note})" if res.note else ""), line)
        v.region_by_text[(cell.region, cell.region_name)] = rid
        if rid not in v.regions:
            v.regions[rid] = place
            v.region_ids[rid] = len(v.region_ids)
        return rid

    def _sector(self, cell: Cell) -> schemes.Code | None:
        """The code of a sector cell (first sight of the text), or ``None`` (reported)."""
        bad = nul_reason(cell.sector)
        try:
            if bad:
                raise schemes.CodeError(bad)
            code = self.v.codes[cell.sector] = schemes.parse(self.scheme, cell.sector)
        except schemes.NotASector as exc:
            self.summary.skipped[str(exc)] += 1
            return None
        except schemes.CodeError as exc:
            self.problems.append(Problem(self.fname, cell.line, "sector", str(exc)))
            return None
        if code.id not in self.v.code_ids:
            self.v.code_ids[code.id] = len(self.v.code_ids)
        return code

    def _keep(self, cell: Cell, rid: str, code: schemes.Code, y: int | None, value: float, flags: str | None) -> None:
        v = self.v
        if cell.sector_name and code.id not in v.sector_names:
            bad = nul_reason(cell.sector_name)
            if bad:
                self.problems.append(Problem(self.fname, cell.line, "sector name", bad))
                return
            v.sector_names[code.id] = cell.sector_name
        key = pack(v.region_ids[rid], v.code_ids[code.id], y)
        first = v.keys.setdefault(key, cell.line)
        if first != cell.line:
            self.problems.append(
                Problem(
                    self.fname,
                    cell.line,
                    "row",
                    f"duplicate of line {first} (same region {rid}, "
                    f"sector {code.id}" + (f", year {y}" if y else "") + ")",
                )
            )
        elif not self.problems:
            v.spool.add(key >> 40, (key >> 16) & 0xFFFFFF, value, y)
            if flags:
                v.flags[key] = flags


def _missing_reason(text: str) -> str:
    """How a missing cell was written, for the summary (``empty``, ``:``, ``: c``, ``d``)."""
    return text.strip() or "empty"
