"""Build ``nuts_codes.csv.gz`` (``loaders/reference/``) from the tidy NUTS code lists in ``../shared/reference/nuts/derived``.

Run from the project root: ``.venv/bin/python scripts/make_nuts_codes.py [DERIVED_DIR]``.
One row per (version, code): ``version,code,name,level,parent``. Every value is copied
from Eurostat's lists except ``name`` where Eurostat wrote it in capitals (NUTS 2013 and
2016 levels 0 and 1): the NUTS 2021 label of the same code is used, else the capitals
are title-cased. See loaders/reference/PROVENANCE-nuts.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT = HERE.parents[1] / "shared" / "reference" / "nuts" / "derived"
VERSIONS = ("2013", "2016", "2021")


def read(folder: Path, version: str) -> list[dict[str, str]]:
    with open(folder / f"nuts{version}_codes.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def fix_name(label: str, newer: str | None) -> str:
    """A label in capitals -> the newer label of the code, else title case."""
    if label != label.upper() or not any(ch.isalpha() for ch in label):
        return label
    return newer if newer and newer != newer.upper() else label.title()


def main(folder: Path) -> None:
    lists = {v: read(folder, v) for v in VERSIONS}
    latest = {r["code"]: r["label"] for r in lists["2021"]}
    out = HERE.parent / "loaders" / "reference" / "nuts_codes.csv.gz"
    text = io.StringIO(newline="")
    w = csv.writer(text)
    w.writerow(["version", "code", "name", "level", "parent"])
    for v in VERSIONS:
        for r in lists[v]:
            w.writerow([v, r["code"], fix_name(r["label"], latest.get(r["code"])), r["level"], r["parent_code"]])
    # byte-identical on every run: no time stamp in the gzip header
    out.write_bytes(gzip.compress(text.getvalue().encode("utf-8"), mtime=0))
    print(out, sum(len(x) for x in lists.values()), "rows")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT)
