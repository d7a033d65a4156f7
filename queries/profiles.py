"""Dataset tables (pure): one dataset, one year, one region level, codes at one sector level,
with its location quotients computed within it.

A :class:`Table` is what statistics offices publish location quotients over:
``RCA(r, s) = (x_rs / Σ_s x_rs) / (Σ_r x_rs / Σ_rs x_rs)`` over that dataset's regions
(at that year and region level) and its codes at the chosen level; missing cells are
absent, not 0. A region's profile is one row of one table: it never mixes datasets.

Codes map to the level with :func:`code_map` (``fine``: as loaded; ``taxonomy``: the rox
sector; ``division``/``section``: ISIC Rev. 4 through :mod:`rox.queries.harmonise`); at
``division``/``section`` a code whose parent code the region also holds is dropped, so
a table carrying both a division and its groups is not counted twice.

>>> rows = [{"region": "a", "sector": "sic2007:29", "scheme": "sic2007", "code": "29", "value": 3.0},
...         {"region": "a", "sector": "sic2007:291", "scheme": "sic2007", "code": "29.1", "value": 2.0},
...         {"region": "b", "sector": "sic2007:30", "scheme": "sic2007", "code": "30", "value": 1.0}]
>>> t = table(rows, "division", {}, dataset="d", year=2021, region_level="x", meta={})
>>> t.matrix.regions, t.matrix.sectors, t.matrix.values.toarray().tolist()
(['a', 'b'], ['isic4:29', 'isic4:30'], [[3.0, 0.0], [0.0, 1.0]])
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.queries.harmonise import HARMONISED, to_level
from rox.queries.matrix import RegionSectorMatrix, balassa_rca

__all__ = ["Table", "code_map", "nearest_year", "table"]

Row = Mapping[str, Any]
CodeMap = Callable[[Row], list[tuple[str, float]] | None]


@dataclass(frozen=True, eq=False)
class Table:
    """One dataset's values at one year and region level, codes at one sector level."""

    dataset: str
    year: int | None
    region_level: str
    matrix: RegionSectorMatrix
    info: Mapping[str, Any] = field(default_factory=dict)  # kind, unit, scheme of the dataset
    dropped: int = 0  # facts whose code cannot be expressed at the level

    @cached_property
    def rca(self) -> sp.csr_matrix:
        """Location quotients within this table (Balassa)."""
        return balassa_rca(self.matrix.values)

    @cached_property
    def covered(self) -> np.ndarray:
        """Which codes have a non-zero total in this table (bool per column)."""
        return np.asarray(self.matrix.values.sum(axis=0)).ravel() > 0

    def describe(self) -> dict[str, Any]:
        """Dataset, year, kind, unit, region level and classification of this table."""
        return {
            "dataset": self.dataset,
            "year": self.year,
            "data_kind": self.info.get("kind"),
            "unit": self.info.get("unit"),
            "region_level": self.region_level,
            "scheme": self.info.get("scheme"),
        }


def code_map(level: str, taxonomy: Mapping[str, str]) -> CodeMap:
    """How a fact's sector maps to ``level``: ``[(code, weight)]`` or ``None`` (cannot)."""
    if level == "fine":
        return lambda r: [(r["sector"], 1.0)]
    if level == "taxonomy":
        return lambda r: [(taxonomy[r["sector"]], 1.0)] if r["sector"] in taxonomy else None
    if level in HARMONISED:
        return lambda r: to_level(r.get("scheme"), str(r.get("code") or r["sector"].split(":")[-1]), level)
    raise ValueError(f"unknown level {level!r}")


def _digits(r: Row) -> str:
    code = str(r.get("code") or r["sector"].split(":")[-1])
    return re.sub(r"[^0-9]", "", re.sub(r"^[A-Za-z](?=\d)", "", code.strip()))


def _without_nested(rows: list[Row]) -> list[Row]:
    """Drop a region's code when the region also holds a parent code (a digit prefix of
    at least two digits) of the same table."""
    held: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        held[r["region"]].add(_digits(r))
    return [
        r
        for r in rows
        if not any(_digits(r)[:k] in held[r["region"]] for k in range(2, len(_digits(r))) if len(_digits(r)) > 2)
    ]


def table(
    rows: Iterable[Row],
    level: str,
    taxonomy: Mapping[str, str],
    *,
    dataset: str,
    year: int | None,
    region_level: str,
    meta: Mapping[str, Any],
) -> Table:
    """The :class:`Table` of ``rows`` (one dataset, year and region level) at ``level``;
    weights of split codes multiply the values, mapped values of a code are summed."""
    rows = list(rows)
    if level in HARMONISED:
        rows = _without_nested(rows)
    to = code_map(level, taxonomy)
    out: list[tuple[str, str, float]] = []
    dropped = 0
    for r in rows:
        mapped = to(r)
        if not mapped:
            dropped += 1
            continue
        out.extend((r["region"], code, float(r["value"]) * w) for code, w in mapped)
    return Table(dataset, year, region_level, RegionSectorMatrix.from_rows(out), meta, dropped)


def nearest_year(years: Iterable[int], want: int | None) -> int | None:
    """The year nearest to ``want`` (ties: the later); the latest when ``want`` is None.

    >>> nearest_year([2015, 2019, 2021], 2017), nearest_year([2011], 2021), nearest_year([2015, 2021], None)
    (2019, 2011, 2021)
    """
    ys = sorted({y for y in years if y is not None})
    if not ys:
        return None
    if want is None:
        return ys[-1]
    return min(ys, key=lambda y: (abs(y - want), -y))
