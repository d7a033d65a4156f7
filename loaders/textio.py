"""Low-level reading of table files: encoding, delimiter, CSV and XLSX rows.

Nothing here knows what a table means; :mod:`loaders.tables` decides that. Rows
stream one at a time, and the bytes read are counted (for progress) on the
:class:`loaders.table_model.Table` that asked for them.

A CSV cell longer than the csv module's field limit (131,072 characters) is not
a crash but a problem naming the file and line (:func:`csv_problem`).

A gzip-compressed text file (``.csv.gz``, ``.tsv.gz``; recognised by its first two
bytes, whatever its name) reads as the text it holds, streamed: the bundled
statistics (``data/statistics``) ship that way. Progress counts the compressed bytes
read, so it compares with the file's size on disk.

>>> sniff_delimiter("a;b;c\\n1;2;3\\n")
';'
>>> xlsx_cell(3.0), xlsx_cell(None), xlsx_cell(2.5)
('3', '', '2.5')
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol, cast

from rox.graph.errors import Problem, ValidationFailed

SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", "\t", ";", "|")
GZIP_MAGIC = b"\x1f\x8b"
#: What a damaged or cut gzip file raises while it is read.
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


class Counted(Protocol):
    """What counts the bytes a reader has read (a :class:`loaders.table_model.Table`)."""

    bytes_read: int


def csv_problem(file: str, line: int | None, exc: csv.Error) -> Problem:
    """A one-line problem for a ``csv.Error`` (a cell over the field limit, a bad quote...).

    >>> str(csv_problem("t.csv", 3, csv.Error("field larger than field limit (131072)")))
    't.csv:3: row: a cell is longer than 131,072 characters (the CSV field limit); is this a table of values?'
    """
    text = str(exc)
    if "field larger than field limit" in text:
        text = f"a cell is longer than {csv.field_size_limit():,} characters (the CSV field limit); is this a table of values?"
    return Problem(file, line, "row", text)


def is_gzip(path: Path) -> bool:
    """Whether the file is gzip-compressed (it starts with the gzip magic bytes)."""
    with open(path, "rb") as fh:
        return fh.read(2) == GZIP_MAGIC


def open_bytes(path: Path) -> IO[bytes]:
    """The file's bytes, decompressed when it is gzip (see :func:`is_gzip`)."""
    if is_gzip(path):
        return cast(IO[bytes], gzip.open(path, "rb"))
    return open(path, "rb")  # noqa: SIM115 - the caller closes it


def gzip_problem(file: str, line: int | None, exc: Exception) -> Problem:
    """A one-line problem for a damaged or cut gzip file.

    >>> str(gzip_problem("t.csv.gz", 7, EOFError("Compressed file ended before the end-of-stream marker was reached")))
    't.csv.gz:7: file: damaged gzip file (Compressed file ended before the end-of-stream marker was reached)'
    """
    return Problem(file, line, "file", f"damaged gzip file ({exc})")


class _Counting(io.RawIOBase):
    """A raw file that adds the bytes it reads to ``counter.bytes_read`` (for progress)."""

    def __init__(self, path: Path, counter: Counted):
        self._fh = open(path, "rb")  # noqa: SIM115 - closed by close()
        self._counter = counter

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._fh.readinto(b)
        self._counter.bytes_read += n or 0
        return n

    def close(self) -> None:
        self._fh.close()
        super().close()


def csv_rows(
    path: Path, counter: Counted, encoding: str, delimiter: str, header_line: int
) -> Iterator[tuple[int, list[str]]]:
    """Data rows after the header as (physical line where the record starts, cells).

    A ``csv.Error`` (cell over the field limit) raises :class:`ValidationFailed` naming the line.
    """
    counter.bytes_read = 0
    compressed = is_gzip(path)
    with io.BufferedReader(_Counting(path, counter), buffer_size=1 << 20) as counted:
        # gzip reads the counted file: progress compares compressed bytes with the size on disk
        raw = cast(IO[bytes], gzip.GzipFile(fileobj=counted, mode="rb")) if compressed else counted
        yield from _records(path, raw, encoding, delimiter, header_line)


def _records(
    path: Path, raw: IO[bytes], encoding: str, delimiter: str, header_line: int
) -> Iterator[tuple[int, list[str]]]:
    """The records of an open byte stream (see :func:`csv_rows`)."""
    with io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        prev = 0
        try:
            for cells in reader:
                start = prev + 1
                prev = reader.line_num
                if start > header_line:
                    yield start, cells
        except csv.Error as exc:
            raise ValidationFailed([csv_problem(str(path), prev + 1, exc)]) from None
        except GZIP_ERRORS as exc:
            raise ValidationFailed([gzip_problem(str(path), prev + 1, exc)]) from None


def sample_rows(path: Path, sample: str, delimiter: str, limit: int = 200) -> list[list[str]]:
    """The first ``limit`` records of a text sample (for detection)."""
    try:
        return list(csv.reader(io.StringIO(sample), delimiter=delimiter))[:limit]
    except csv.Error as exc:
        raise ValidationFailed([csv_problem(str(path), None, exc)]) from None


def xlsx_cell(v: Any) -> str:
    """A sheet value as text: whole floats without ``.0``, empty for ``None``."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return str(v)


def xlsx_rows(path: Path, sheet: str | None, header_line: int) -> Iterator[tuple[int, list[str]]]:
    """Rows of a sheet after the header as (sheet row, cells), read-only and streaming."""
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb[sheet] if sheet else wb.worksheets[0]
        for i, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if i > header_line:
                yield i, [xlsx_cell(v) for v in row]
    finally:
        wb.close()


def detect_encoding(path: Path) -> tuple[str, str]:
    """(encoding, how it was found) from the first bytes of the file."""
    head = _head_bytes(path)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig", "UTF-8 byte-order mark"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16", "UTF-16 byte-order mark"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8", "valid UTF-8"
    except UnicodeDecodeError:
        return "latin-1", "not UTF-8; read as latin-1 (give --encoding if it is another code page)"


def _head_bytes(path: Path) -> bytes:
    """The first :data:`SAMPLE_BYTES` bytes of the (decompressed) file."""
    try:
        with open_bytes(path) as fh:
            return fh.read(SAMPLE_BYTES)
    except GZIP_ERRORS as exc:
        raise ValidationFailed([gzip_problem(str(path), None, exc)]) from None


def read_sample(path: Path, encoding: str) -> str:
    """The first :data:`SAMPLE_BYTES` characters of a text file (decompressed when gzip)."""
    try:
        with open_bytes(path) as raw, io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as fh:
            return fh.read(SAMPLE_BYTES)
    except GZIP_ERRORS as exc:
        raise ValidationFailed([gzip_problem(str(path), None, exc)]) from None


def sniff_delimiter(sample: str) -> str | None:
    """The delimiter giving the most consistent column counts (more columns break ties)."""
    lines = [ln for ln in sample.splitlines()[:50] if ln.strip()]
    if not lines:
        return None
    best, best_score = None, 0
    for d in DELIMITERS:
        try:
            counts = [len(next(csv.reader([ln], delimiter=d))) for ln in lines[:-1] or lines]
        except csv.Error:
            continue
        if min(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = counts.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = d, score
    return best
