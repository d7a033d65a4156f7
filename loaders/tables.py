"""Statistical tables as they are published -> a stream of normalised cells (the generic reader).

Readers for the layouts statistics offices use:

* **long** CSV: one row per region, sector (and year) with one value column
  (ONS BRES, the world-trade file);
* **wide** CSV with *years* as columns (ONS GVA Table 2b) or with *sectors* as
  columns (one row per region);
* **XLSX** sheets, read row by row (openpyxl read-only mode), then long or wide.

What can be detected is detected and said (:attr:`Table.notes`): encoding (BOM,
UTF-8, else latin-1), delimiter, leading title rows, the layout and which
column holds the region, sector, value and year. What cannot be detected raises
:class:`graph.errors.ValidationFailed` naming the option to give. Column names
given as options match the header ignoring case and runs of spaces
(``"Main Workers - Total - Persons"`` finds ``"Main Workers - Total -  Persons"``).

The reader knows no dataset by name: what one publisher's files need (Census of
India state and district codes, Eurostat's TSV format) is in a dataset profile
(:mod:`loaders.profiles`), recognised from the file's first line and header.

Everything streams: :meth:`Table.rows` yields :class:`Cell` tuples one at a time
from the file, so memory does not grow with the file size. Line numbers are the
physical line of the file (or the sheet row) where the record starts.

Where things live: :class:`TableSpec`, :class:`Table`, :class:`Cell` in
:mod:`loaders.table_model`; :func:`open_table`, :data:`LAYOUTS` here;
:data:`REGION_LEVELS` in :mod:`loaders.profiles.census_in`.

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
from pathlib import Path

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders import profiles, textio
from rox.loaders.columns import is_year
from rox.loaders.layout import GENERIC_LAYOUTS, resolve_layout
from rox.loaders.table_model import Cell, Table, TableSpec
from rox.loaders.textio import SAMPLE_BYTES, detect_encoding

#: ``--layout`` values: detect, the generic layouts, then those of profiles with a format of their own.
LAYOUTS: tuple[str, ...] = ("auto", *GENERIC_LAYOUTS, *profiles.profile_layouts())


def _fail(name: str, line: int | None, field: str, reason: str) -> ValidationFailed:
    return ValidationFailed([Problem(name, line, field, reason)])


def open_table(spec: TableSpec) -> Table:
    """Open a file, detect what was not given, and say what was detected."""
    path = Path(spec.path)
    name = str(path)
    if not path.exists():
        raise _fail(name, None, "file", "does not exist")
    suffix = path.suffix.lower()
    notes: list[str] = []
    size = path.stat().st_size
    if size == 0:
        raise _fail(name, None, "file", "file is empty (0 bytes); nothing to load")
    if suffix in (".xlsx", ".xlsm"):
        return _open_xlsx(spec, notes, size)
    if suffix in (".xls", ".ods"):
        raise _fail(name, None, "file", f"{suffix} is not supported; save the sheet as .xlsx or .csv")
    encoding = _encoding(spec, path, notes)
    sample = textio.read_sample(path, encoding)
    if not sample.lstrip("\ufeff").strip():
        raise _fail(name, None, "file", "file is empty (only blank lines); nothing to load")
    first = sample.splitlines()[0] if sample else ""
    own = profiles.for_format(profiles.Head(path, first, [], spec.layout))
    if own is not None:
        return own.open(spec, profiles.Head(path, first, [], spec.layout), notes, encoding, size)
    return _open_csv(spec, notes, encoding, sample, size)


def _encoding(spec: TableSpec, path: Path, notes: list[str]) -> str:
    if spec.encoding:
        try:
            codecs.lookup(spec.encoding)
        except LookupError:
            raise _fail(str(path), None, "--encoding", f"unknown encoding {spec.encoding!r}") from None
        return spec.encoding
    encoding, why = detect_encoding(path)
    notes.append(f"encoding {encoding} ({why})")
    return encoding


def _delimiter(spec: TableSpec, sample: str, notes: list[str]) -> str:
    if spec.delimiter:
        return {"\\t": "\t", "tab": "\t"}.get(spec.delimiter, spec.delimiter)
    delimiter = textio.sniff_delimiter(sample)
    if delimiter is None:
        raise _fail(str(spec.path), 1, "--delimiter", "cannot tell the delimiter (tried , tab ; |); give --delimiter")
    notes.append(f"delimiter {'tab' if delimiter == chr(9) else repr(delimiter)}")
    return delimiter


def _open_csv(spec: TableSpec, notes: list[str], encoding: str, sample: str, size: int) -> Table:
    name = str(spec.path)
    delimiter = _delimiter(spec, sample, notes)
    lines = textio.sample_rows(Path(spec.path), sample, delimiter)
    skip = _skip_rows(spec, lines, notes)
    if skip >= len(lines):
        raise _fail(name, None, "file", f"no header row after skipping {skip} rows")
    header = [h.strip().lstrip("\ufeff") for h in lines[skip]]
    data = lines[skip + 1 :]
    if len(sample) < SAMPLE_BYTES and not any(any(c.strip() for c in row) for row in data):
        raise _fail(name, skip + 1, "file", "no data rows: only a header line; nothing to load")
    t = Table(spec, "csv", "long", header, skip + 1, encoding, delimiter, notes=notes, size=size)
    resolve_layout(t, sample.splitlines()[0])
    return t


def _skip_rows(spec: TableSpec, lines: list[list[str]], notes: list[str]) -> int:
    """Title rows before the header: fewer than half the filled cells of the widest row."""
    if spec.skip_rows is not None:
        return spec.skip_rows
    widths = [sum(1 for c in row if str(c).strip()) for row in lines]
    if not widths:
        return 0
    full = max(widths)
    skip = 0
    while skip < len(widths) - 1 and widths[skip] < max(2, full // 2):
        skip += 1
    if skip:
        notes.append(f"skipped {skip} title row(s) before the header (give --skip-rows to change)")
    return skip


def _open_xlsx(spec: TableSpec, notes: list[str], size: int) -> Table:
    name = str(spec.path)
    lines = _xlsx_head(spec, notes)
    skip = _skip_rows(spec, lines, notes)
    if skip >= len(lines):
        raise _fail(name, None, "file", "the sheet has no header row")
    header = [h.strip() for h in lines[skip]]
    t = Table(spec, "xlsx", "long", header, skip + 1, None, None, notes=notes, size=size)
    resolve_layout(t)
    return t


def _xlsx_head(spec: TableSpec, notes: list[str]) -> list[list[str]]:
    """The first 201 rows of the sheet asked for (or the first), as text."""
    from openpyxl import load_workbook

    wb = load_workbook(spec.path, read_only=True, data_only=True)
    try:
        sheets = wb.sheetnames
        if spec.sheet and spec.sheet not in sheets:
            raise _fail(str(spec.path), None, "--sheet", f"no sheet {spec.sheet!r}; sheets: {', '.join(sheets)}")
        ws = wb[spec.sheet] if spec.sheet else wb.worksheets[0]
        if not spec.sheet:
            notes.append(f"sheet {ws.title!r} (of {', '.join(sheets)}; give --sheet for another)")
        lines = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            lines.append([textio.xlsx_cell(v) for v in row])
            if i >= 200:
                break
        return lines
    finally:
        wb.close()


__all__ = ["LAYOUTS", "Cell", "Table", "TableSpec", "detect_encoding", "is_year", "open_table"]
