"""Build ``loaders/reference/universities.csv.gz`` from Hipo's world university list in ``../shared``.

Run from the project root::

    .venv/bin/python scripts/make_universities.py [../shared/data/hipo-university-domains/world_universities_and_domains.json]

One row per (name, country): ``name,country,domain,state_province`` -- the name as listed,
the ISO 3166-1 alpha-2 code (``alpha_two_code``), the first of its ``domains`` and its
``state-province`` (blank when null). Of the entries that repeat a (name, country), the first
in the list is kept. Rows are sorted by country, then name; the gzip has no time stamp, so the
output is byte-identical on every run. See loaders/reference/universities.PROVENANCE.md.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "hipo-university-domains" / "world_universities_and_domains.json"
OUT = ROOT / "loaders" / "reference" / "universities.csv.gz"
HEADER = ["name", "country", "domain", "state_province"]


def rows(entries: list[dict]) -> list[list[str]]:
    """The table's rows: one per (name, country), the first entry kept, sorted by country then name."""
    kept: dict[tuple[str, str], list[str]] = {}
    for e in entries:
        name, country = e["name"].strip(), e["alpha_two_code"].strip().upper()
        domains = e.get("domains") or [""]
        kept.setdefault((name, country), [name, country, domains[0].strip(), (e.get("state-province") or "").strip()])
    return [kept[key] for key in sorted(kept, key=lambda k: (k[1], k[0]))]


def build(source: Path) -> bytes:
    """The gzipped CSV made from ``source`` (the Hipo JSON list)."""
    entries = json.loads(source.read_text(encoding="utf-8"))
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows(entries))
    # byte-identical on every run: no time stamp (and no file name) in the gzip header
    return gzip.compress(text.getvalue().encode("utf-8"), mtime=0)


def main(source: Path) -> None:
    data = build(source)
    OUT.write_bytes(data)
    count = gzip.decompress(data).decode("utf-8").count("\n") - 1
    print(f"{OUT}: {count} rows from {source}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
