"""Derive the tidy concordance CSVs of ``loaders/reference/`` from the verbatim files in ``../shared/reference``.

Re-run from the project folder (the 2007 NAICS file is an old ``.xls``: it needs ``xlrd``)::

    python scripts/make_concordances.py [--reference ../shared/reference] [--out loaders/reference]

What it writes (gzipped CSV; codes only, titles stay in the originals except ISIC's), every value copied from a cell:

* ``isic4_structure.csv.gz`` -- ``code,title``: UNSD ISIC Rev. 4 structure (766 codes);
* ``nace2_isic4.csv.gz`` -- ``nace2,isic4,isic4_part``: UNSD NACE Rev. 2 -> ISIC Rev. 4 (every level);
* ``naics{2017,2012,2007}_isic4.csv.gz`` -- ``naics,naics_part,isic4,isic4_part``: US Census Bureau
  NAICS -> ISIC Rev. 4. ISIC codes get their leading zero back (the workbooks store them as numbers:
  class ``111`` is ``0111``, group ``12`` (``012X`` in 2012/2007) is ``012``; checked against the ISIC structure); ``*`` in a "Part of" column becomes ``1``; the 2012 and 2007 workbooks have
  no "Part of" columns (blank). The catch-all NAICS ``0`` rows (ISIC 9810/9820) are kept.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
NAICS_FILES = {
    "2017": ("2017_NAICS_to_ISIC_4.xlsx", "NAICS 17 to ISIC 4 technical"),
    "2012": ("2012_NAICS_to_ISIC_4.xlsx", "NAICS 12 to ISIC 4 technical"),
    "2007": ("2007_NAICS_to_ISIC_4.xls", "NAICS 07 to ISIC 4 technical"),
}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A gzipped CSV, byte-identical on every run (no time stamp in the gzip header)."""
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
    print(f"{path}: {len(rows)} rows")


def isic_structure(ref: Path, out: Path) -> None:
    """UNSD ISIC Rev. 4 structure: code and title, as published."""
    with (ref / "isic" / "ISIC_Rev_4_english_structure.txt").open(encoding="utf-8-sig") as fh:
        rows = [[r["Code"].strip(), r["Description"].strip()] for r in csv.DictReader(fh)]
    _write(out / "isic4_structure.csv.gz", ["code", "title"], rows)


def nace_isic(ref: Path, out: Path) -> None:
    """UNSD NACE Rev. 2 -> ISIC Rev. 4 (``NACE2part`` is 0 on every row, so it is dropped)."""
    with (ref / "nace-isic" / "NACE2_ISIC4.txt").open(encoding="utf-8-sig") as fh:
        src = list(csv.DictReader(fh))
    assert all(r["NACE2part"].strip() == "0" for r in src), "NACE2part is not 0 everywhere any more"
    rows = [[r["NACE2code"].strip(), r["ISIC4code"].strip(), r["ISIC4part"].strip()] for r in src]
    _write(out / "nace2_isic4.csv.gz", ["nace2", "isic4", "isic4_part"], rows)


def _col(df: pd.DataFrame, *words: str) -> str | None:
    """The first column whose squashed name holds every word."""
    for c in df.columns:
        name = " ".join(str(c).split()).lower()
        if all(w in name for w in words):
            return c
    return None


def _cell(v: object) -> str:
    return "" if pd.isna(v) else str(v).strip()


def _isic_code(cell: str, known: set[str]) -> str:
    """An ISIC code the workbook stored as a number, with its leading zero back: class ``111`` ->
    ``0111``, group ``12`` -> ``012`` (the group-level links; 2012/2007 write them ``012X``), checked
    against the ISIC structure."""
    code = cell.rstrip("Xx")
    for width in (4, 3, 2):
        if code.zfill(width) in known:
            return code.zfill(width)
    raise ValueError(f"ISIC code {cell!r} of the NAICS workbook is not in the ISIC Rev. 4 structure")


def naics_isic(ref: Path, out: Path, year: str) -> None:
    """US Census Bureau NAICS ``year`` -> ISIC Rev. 4, technical sheet."""
    name, sheet = NAICS_FILES[year]
    df = pd.read_excel(ref / "naics-isic" / name, sheet_name=sheet, dtype=str)
    isic = _col(df, "isic 4.0")
    naics = next(c for c in df.columns if " ".join(str(c).split()).lower() == f"{year} naics us")
    part_n, part_i = _col(df, "part of naics"), _col(df, "part of isic")
    with (ref / "isic" / "ISIC_Rev_4_english_structure.txt").open(encoding="utf-8-sig") as fh:
        isic_codes = {r["Code"].strip() for r in csv.DictReader(fh)}
    rows = []
    for _, r in df.iterrows():
        code, target = _cell(r[naics]), _cell(r[isic])
        if not code or not target:
            continue
        rows.append(
            [
                code,
                ("1" if _cell(r[part_n]) == "*" else "0") if part_n else "",
                _isic_code(target, isic_codes),
                ("1" if _cell(r[part_i]) == "*" else "0") if part_i else "",
            ]
        )
    _write(out / f"naics{year}_isic4.csv.gz", ["naics", "naics_part", "isic4", "isic4_part"], rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    ap.add_argument("--out", type=Path, default=ROOT / "loaders" / "reference")
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    isic_structure(a.reference, a.out)
    nace_isic(a.reference, a.out)
    for year in NAICS_FILES:
        naics_isic(a.reference, a.out, year)


if __name__ == "__main__":
    main()
