"""Build the bundled starter statistics (``data/statistics/*.csv.gz``) from ``../shared/data``.

Run from the project root: ``.venv/bin/python scripts/make_statistics.py [SHARED_DATA_DIR] [OUT_DIR]``
(defaults: ``../shared/data`` beside the project, ``data/statistics``). Every run writes
the same bytes (gzip without a time stamp, rows in the source's order), so a rerun
changes nothing and ``tests/test_demo_statistics.py`` checks the shipped files against
a fresh build. What each cut keeps and why is in ``data/statistics/PROVENANCE-*.md``;
only data whose licence allows redistribution are bundled (``data/statistics/README.md``).

The cuts:

* ``uk-ons-bres-2021.csv.gz``: ONS BRES employment, ITL2 x SIC 2007 division, the 2021 rows
  of ``uk-ons-bres-itl2/itl2_bres_employment_sic2digit_2015_2021.csv``, all six columns;
* ``eu-sbs-2015.csv.gz``: Eurostat SBS persons employed 2015, the NUTS2 x NACE division rows of
  ``eu-sbs-nuts2-nace-2015/sbs_r_nuts06_r2.csv`` (no extra-regio ``xxZZ``, no damaged cells);
* ``us-susb-2021.csv.gz``: US Census SUSB 2021 states x NAICS sector, the whole file;
* ``world-trade-1998-2000.csv.gz``: world exports by country x SITC rev.2, the whole file.

>>> is_nace_division("C29"), is_nace_division("G451"), is_nace_division("C")
(True, False, False)
>>> keep_sbs(["C29", "DE21", "110595"]), keep_sbs(["C29", "DEZZ", " "]), keep_sbs(["B05", "IS00", "12:00 AM"])
(True, False, False)
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
DEFAULT_SHARED = PROJECT.parent / "shared" / "data"
DEFAULT_OUT = PROJECT / "data" / "statistics"
#: A cell a spreadsheet turned into a time of day (30 cells of the SBS file, all Iceland's).
DAMAGED = re.compile(r"\d{1,2}:\d\d\s*[AP]M", re.I)


def is_nace_division(code: str) -> bool:
    """A NACE Rev.2 division in Eurostat notation: section letter and two digits (``C29``)."""
    return re.fullmatch(r"[A-Z]\d\d", code) is not None


def keep_sbs(row: list[str]) -> bool:
    """An SBS row kept: a NUTS2 region (4 characters, not extra-regio ``xxZZ``), a NACE
    division, and a value cell that is not damaged (blank cells are kept: missing, not 0)."""
    nace, geo, value = row
    return len(geo) == 4 and not geo.endswith("ZZ") and is_nace_division(nace) and not DAMAGED.fullmatch(value.strip())


def keep_bres(row: list[str]) -> bool:
    """A BRES row kept: the 2021 rows (``DATE`` is the first column)."""
    return row[0] == "2021"


def filtered_csv(path: Path, keep: Callable[[list[str]], bool], delimiter: str = ",") -> bytes:
    """The header and the rows ``keep`` accepts, as CSV bytes (the source's delimiter, ``\\n`` line ends)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh, delimiter=delimiter)
        out = io.StringIO(newline="")
        w = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        w.writerow(next(rows))
        w.writerows(r for r in rows if keep(r))
    return out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Cut:
    """One bundled file: its name, its source in ``../shared/data`` and how it is cut (None: whole file)."""

    name: str
    source: str
    cut: Callable[[Path], bytes] | None = None


CUTS: tuple[Cut, ...] = (
    Cut(
        "uk-ons-bres-2021.csv.gz",
        "uk-ons-bres-itl2/itl2_bres_employment_sic2digit_2015_2021.csv",
        lambda p: filtered_csv(p, keep_bres),
    ),
    Cut(
        "eu-sbs-2015.csv.gz",
        "eu-sbs-nuts2-nace-2015/sbs_r_nuts06_r2.csv",
        lambda p: filtered_csv(p, keep_sbs, ";"),
    ),
    Cut("us-susb-2021.csv.gz", "us-susb-state-naics-2021/us_state_2digitnaics_2021.csv"),
    Cut("world-trade-1998-2000.csv.gz", "world-trade-sitc2/world_trade_avg_1998_to_2000.csv"),
)


def build(shared: Path, cuts: Iterable[Cut] = CUTS) -> dict[str, bytes]:
    """Each bundled file's compressed bytes, by name (the same bytes on every run)."""
    out = {}
    for c in cuts:
        src = shared / c.source
        raw = c.cut(src) if c.cut else src.read_bytes()
        out[c.name] = gzip.compress(raw, compresslevel=9, mtime=0)
    return out


def main(shared: Path = DEFAULT_SHARED, folder: Path = DEFAULT_OUT) -> None:
    if not shared.is_dir():
        sys.exit(f"make_statistics: {shared} is not a folder (the ../shared/data beside the project)")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in build(shared).items():
        (folder / name).write_bytes(data)
        lines = gzip.decompress(data).count(b"\n") - 1
        print(f"{folder / name}: {lines:,} data rows, {len(data):,} bytes compressed")


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:3]]
    main(*args)
