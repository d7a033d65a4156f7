"""Eurostat SBS-style CSV: ``nace_r2;geo;n2015``, a value column named after its year.

Eurostat's regional structural business statistics (``sbs_r_nuts06_r2``) as CSV: the
sector column is a NACE dimension (``nace_r2``, Eurostat notation ``C29``, ``G451``), the
region column ``geo`` holds NUTS codes of levels 0-2 mixed, and the one value column is
named after its year (``n2015`` -> year 2015), its cells strings with Eurostat flags
(`` d``) or blank when not available. Recognised from the header (a ``geo`` column and
one ``nYYYY`` column). The regions are read with the NUTS gazetteer (:mod:`loaders.nuts`),
keeping the finest region level present unless ``--region-level`` says otherwise.

>>> from pathlib import Path
>>> p = PROFILES["eurostat-sbs"]
>>> p.detect(Head(Path("x.csv"), "nace_r2;geo;n2015", ["nace_r2", "geo", "n2015"]))
True
>>> p.detect(Head(Path("x.csv"), "geo;nace_r2;value", ["geo", "nace_r2", "value"]))
False
"""

from __future__ import annotations

import re

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders.profiles import PROFILES, Head, Profile, register
from rox.loaders.profiles.eurostat_tsv import SECTOR_PREFIXES, nuts_table
from rox.loaders.table_model import Table

_YEAR_VALUE = re.compile(r"^n((?:19|20)\d\d)$", re.I)


def year_columns(header: list[str]) -> list[str]:
    """Value columns named after their year (``n2015``)."""
    return [h for h in header if _YEAR_VALUE.match(h.strip())]


@register
class EurostatSbs(Profile):
    """Eurostat regional SBS as CSV (``sbs_r_nuts06_r2.csv``)."""

    name = "eurostat-sbs"
    title = "Eurostat SBS CSV (geo, a NACE column, a value column named after its year)"
    table_layout = "long"
    options = frozenset({"region_level"})

    def detect(self, head: Head) -> bool:
        cols = [h.strip().lower() for h in head.header]
        return "geo" in cols and len(year_columns(head.header)) == 1

    def columns(self, table: Table, used: set[str]) -> None:
        spec, header = table.spec, table.header
        table.region_col = spec.region_col or next(h for h in header if h.strip().lower() == "geo")
        table.sector_col = spec.sector_col or next((h for h in header if h.lower().startswith(SECTOR_PREFIXES)), None)
        value = spec.value_col or year_columns(header)[0]
        m = _YEAR_VALUE.match(value.strip())
        if m is None and spec.year_col is None:
            reason = f"{value!r} is not named after a year (n2015); give --year-col"
            raise ValidationFailed([Problem(str(spec.path), table.header_line, "--value-col", reason)])
        table.value_col = value
        table.year = m.group(1) if m else None
        used.update(c for c in (table.region_col, table.sector_col, value) if c)
        nuts_table(table)
        table.notes.append(
            f"Eurostat SBS CSV: regions {table.region_col!r} (NUTS), sectors {table.sector_col!r}, "
            f"values {value!r}" + (f" (year {table.year}, from the column name)" if table.year else "")
        )


__all__ = ["PROFILES", "EurostatSbs"]
