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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.queries.frame import FactFrame
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


def _sector_rows(f: FactFrame) -> list[dict[str, Any]]:
    """Each vocabulary sector as the row :func:`code_map` reads."""
    return [{"sector": s, "scheme": f.sector_scheme[i], "code": f.sector_code[i]} for i, s in enumerate(f.sectors)]


def _without_nested(f: FactFrame) -> np.ndarray:
    """Which facts to keep: a region's code is dropped when the region also holds a parent
    code (a digit prefix of at least two digits) of the same table."""
    digits = [_digits(r) for r in _sector_rows(f)]
    ids: dict[str, int] = {}
    own = np.array([ids.setdefault(d, len(ids)) for d in digits] + [-1], dtype=np.int64)
    prefixes = [[ids.setdefault(d[:k], len(ids)) for k in range(2, len(d))] if len(d) > 2 else [] for d in digits]
    width = len(ids)
    region = f.region.astype(np.int64)
    held = np.unique(region * width + own[f.sector])
    drop = np.zeros(len(f), dtype=bool)
    for k in range(max((len(p) for p in prefixes), default=0)):
        at_k = np.array([p[k] if k < len(p) else -1 for p in prefixes] + [-1], dtype=np.int64)[f.sector]
        drop |= (at_k >= 0) & np.isin(region * width + at_k, held)
    return ~drop


def _expand(f: FactFrame, to: CodeMap) -> tuple[np.ndarray, np.ndarray, list[str], np.ndarray, int]:
    """Map every fact's sector with ``to``: (fact of each mapped entry, its code, the codes,
    its weight, facts that cannot be mapped). Codes in order of first appearance."""
    mapped = [to(r) or [] for r in _sector_rows(f)]
    counts = np.array([len(m) for m in mapped] + [0], dtype=np.int64)[f.sector]
    rep = np.repeat(np.arange(len(f)), counts)
    codes: dict[str, int] = {}
    flat_code = np.array([codes.setdefault(c, len(codes)) for m in mapped for c, _ in m], dtype=np.int64)
    flat_weight = np.array([w for m in mapped for _, w in m], dtype=float)
    offset = np.concatenate(([0], np.cumsum([len(m) for m in mapped])))[:-1].astype(np.int64)
    start = np.cumsum(counts) - counts  # each fact's first entry
    entry = offset[f.sector[rep]] + (np.arange(len(rep)) - np.repeat(start, counts))
    code, weight = flat_code[entry], flat_weight[entry]
    return rep, code, list(codes), weight, int((counts == 0).sum())


def table(
    facts: FactFrame | Iterable[Row],
    level: str,
    taxonomy: Mapping[str, str],
    *,
    dataset: str,
    year: int | None,
    region_level: str,
    meta: Mapping[str, Any],
) -> Table:
    """The :class:`Table` of ``facts`` (one dataset, year and region level; a frame or rows)
    at ``level``; weights of split codes multiply the values, mapped values of a code are summed."""
    f = facts if isinstance(facts, FactFrame) else FactFrame.from_rows(facts)
    if level in HARMONISED:
        f = f.take(_without_nested(f))
    rep, code, names, weight, dropped = _expand(f, code_map(level, taxonomy))
    matrix = RegionSectorMatrix.from_arrays(f.region[rep], f.regions, code, names, f.value[rep] * weight)
    return Table(dataset, year, region_level, matrix, meta, dropped)


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
