"""Eurostat TSV: a first column ``unit,nace_r2,geo\\TIME_PERIOD`` of comma-joined
dimensions, years as the other (tab-separated) columns, ``:`` for missing values and
flags such as ``p`` (provisional) or ``b`` (break) after numbers.

Recognised by a first line whose first tab-separated field holds a backslash
(``--layout eurostat`` forces it). The region dimension is ``geo``, the sector
dimension the first one named ``nace``/``sitc``/``cpa``/``isic``/``hs``/``prod``...
(``--region-col``/``--sector-col`` name others); ``--filter DIM=VALUE`` keeps one
value of another dimension.

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


@register
class EurostatTsv(Profile):
    """Eurostat's TSV dumps (``lfst_r_lfe2en2.tsv`` ...)."""

    name = "eurostat-tsv"
    title = "Eurostat TSV (dimensions in the first column, years as columns)"
    layout = "eurostat"

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
        if others:
            notes.append(
                f"other dimensions {', '.join(others)}: give --filter DIM=VALUE if they hold more than one value"
            )
        return Table(
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
