"""Eurostat TSV: a first column ``unit,nace_r2,geo\\TIME_PERIOD`` of comma-joined
dimensions, years as the other (tab-separated) columns, ``:`` for missing values and
flags such as ``p`` (provisional) or ``b`` (break) after numbers.

Recognised by a first line whose first tab-separated field holds a backslash
(``--layout eurostat`` forces it). The region dimension is ``geo``, the sector
dimension the first one named ``nace``/``sitc``/``cpa``/``isic``/``hs``/``prod``...
(``--region-col``/``--sector-col`` name others); ``--filter DIM=VALUE`` keeps one
value of another dimension. Every other dimension must hold one value once filtered
(else the load is refused, naming the dimension and its values); a one-valued ``unit``
dimension is the unit of the values (``THS`` -> thousand persons). The regions are
NUTS codes, read with the NUTS gazetteer (:mod:`loaders.nuts`): ``FRA`` is the NUTS 1
French overseas departments, never ISO alpha-3 France.

>>> from pathlib import Path
>>> p = PROFILES["eurostat-tsv"]
>>> p.detect(Head(Path("x.tsv"), "unit,nace_r2,geo\\\\time\\t2019 \\t2020 "))
True
>>> p.detect(Head(Path("x.csv"), "geo,nace_r2,2019"))
False
"""

from __future__ import annotations

from collections.abc import Iterator

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders.profiles import PROFILES, Head, Profile, register
from rox.loaders.table_model import Cell, Table, TableSpec

SECTOR_PREFIXES = ("nace", "sitc", "cpa", "isic", "hs", "prod")
#: Eurostat unit codes -> the unit rox records (others are kept as written)
UNITS = {
    "THS": "thousand persons",
    "THS_PER": "thousand persons",
    "NR": "number",
    "PER": "persons",
    "EUR": "EUR",
    "MIO_EUR": "EUR million",
    "PC": "percent",
}


def nuts_table(table: Table) -> None:
    """Mark a table's regions as NUTS codes (the loader then uses :mod:`loaders.nuts`)."""
    table.profile_data["region_scheme"] = "nuts"
    table.region_level = table.spec.region_level or "finest"


@register
class EurostatTsv(Profile):
    """Eurostat's TSV dumps (``lfst_r_lfe2en2.tsv`` ...)."""

    name = "eurostat-tsv"
    title = "Eurostat TSV (dimensions in the first column, years as columns)"
    layout = "eurostat"
    options = frozenset({"region_level"})

    def detect(self, head: Head) -> bool:
        first = head.first_line
        return "\\" in first.split("\t")[0] and "\t" in first

    def open(self, spec: TableSpec, head: Head, notes: list[str], encoding: str, size: int) -> Table:
        header = head.first_line.split("\t")
        dims = [d.strip() for d in header[0].split("\\")[0].split(",")]
        notes.append(f"Eurostat TSV (dimensions {', '.join(dims)}; years as columns)")
        region = spec.region_col or ("geo" if "geo" in dims else None)
        sector = spec.sector_col or next((d for d in dims if d.startswith(SECTOR_PREFIXES)), None)
        _check(str(spec.path), dims, region, sector, spec.filters)
        others = [d for d in dims if d not in (region, sector) and d not in spec.filters]
        t = Table(
            spec,
            "eurostat",
            "eurostat",
            [h.strip() for h in header],
            1,
            encoding,
            "\t",
            region_col=region,
            sector_col=sector,
            year_col="(columns)",
            notes=notes,
            size=size,
            profile=self,
        )
        values = _one_valued(t, dims, others)
        if values:
            notes.append("other dimensions, one value each: " + ", ".join(f"{d}={v}" for d, v in values.items()))
        if "unit" in values:
            t.profile_data["unit"] = UNITS.get(values["unit"], values["unit"])
        nuts_table(t)
        return t

    def rows(self, table: Table) -> Iterator[Cell]:
        dims = table.header[0].split("\\")[0].split(",")
        di = {d.strip(): i for i, d in enumerate(dims)}
        ri, si = di[table.region_col], di[table.sector_col]  # type: ignore[index]
        filters = [(di[c], v) for c, v in table.spec.filters.items()]
        years = [(j, y.strip()) for j, y in enumerate(table.header) if j > 0]
        return _cells(table, ri, si, filters, years)


def _cells(
    table: Table, ri: int, si: int, filters: list[tuple[int, str]], years: list[tuple[int, str]]
) -> Iterator[Cell]:
    for line, cells in table.raw_rows():
        if not cells or not cells[0].strip():
            continue
        keys = cells[0].split(",")
        if filters and any(keys[i].strip() != v for i, v in filters):
            continue
        region, sector = keys[ri].strip(), keys[si].strip()
        for j, y in years:
            yield Cell(line, region, sector, y, cells[j] if j < len(cells) else "")


def _one_valued(table: Table, dims: list[str], others: list[str]) -> dict[str, str]:
    """The one value of each other dimension (after the filters); a dimension with several is refused."""
    di = {d: i for i, d in enumerate(dims)}
    filters = [(di[c], v) for c, v in table.spec.filters.items()]
    seen: dict[str, set[str]] = {d: set() for d in others}
    for _line, cells in table.raw_rows():
        keys = cells[0].split(",") if cells and cells[0].strip() else None
        if keys is None or len(keys) != len(dims) or any(keys[i].strip() != v for i, v in filters):
            continue
        for d in others:
            seen[d].add(keys[di[d]].strip())
    problems = [
        Problem(
            str(table.spec.path),
            1,
            d,
            f"dimension {d} holds {len(vals)} values ({', '.join(sorted(vals))}); give --filter {d}=VALUE",
        )
        for d, vals in seen.items()
        if len(vals) > 1
    ]
    if problems:
        raise ValidationFailed(problems)
    return {d: vals.pop() for d, vals in seen.items() if vals}


def _check(name: str, dims: list[str], region: str | None, sector: str | None, filters: dict[str, str]) -> None:
    problems = []
    for opt, col in (("--region-col", region), ("--sector-col", sector)):
        if col is None:
            problems.append(
                Problem(name, 1, opt, f"cannot tell which dimension it is; give {opt} (dimensions: {', '.join(dims)})")
            )
        elif col not in dims:
            problems.append(Problem(name, 1, opt, f"no dimension {col!r} (dimensions: {', '.join(dims)})"))
    for col in filters:
        if col not in dims:
            problems.append(Problem(name, 1, "--filter", f"no dimension {col!r} (dimensions: {', '.join(dims)})"))
    if problems:
        raise ValidationFailed(problems)


__all__ = ["PROFILES", "EurostatTsv"]
