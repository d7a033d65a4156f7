"""Region x sector matrix: the plain-data input of every measure in ``queries``.

A :class:`RegionSectorMatrix` holds region ids, sector ids and a SciPy CSR
matrix of non-negative values (e.g. employment, exports, firm counts).  When
the source only says *that* a region has a sector (value ``None``) the matrix
is binary and ``has_values`` is False.

Balassa (1965) revealed comparative advantage::

    RCA_rs = (x_rs / x_r) / (x_s / x)

with x_r = sum_s x_rs, x_s = sum_r x_rs and x = sum_rs x_rs
(Balassa, B. 1965, "Trade liberalisation and revealed comparative
advantage", The Manchester School 33(2)).

>>> m = RegionSectorMatrix.from_rows([("a", "s1", 2.0), ("a", "s2", 1.0),
...                                   ("b", "s1", 1.0), ("b", "s3", 3.0)])
>>> m.regions, m.sectors
(['a', 'b'], ['s1', 's2', 's3'])
>>> m.presence().toarray().astype(int).tolist()
[[1, 1, 0], [0, 0, 1]]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["RegionSectorMatrix", "balassa_rca", "presence"]


def balassa_rca(values: sp.spmatrix | np.ndarray) -> sp.csr_matrix:
    """Balassa RCA of a region x sector value matrix (sparse in, CSR out).

    ``RCA_rs = (x_rs / x_r) / (x_s / x)``; rows or columns summing to zero give 0.

    >>> balassa_rca(np.array([[1.0, 1.0], [0.0, 2.0]])).toarray().tolist()
    [[2.0, 0.6666666666666666], [0.0, 1.3333333333333333]]
    """
    x = sp.csr_matrix(values, dtype=float, copy=True)  # never prune the caller's matrix in place
    x.eliminate_zeros()
    row = np.asarray(x.sum(axis=1)).ravel()
    col = np.asarray(x.sum(axis=0)).ravel()
    total = float(row.sum())
    out = x.copy()
    if total == 0 or out.nnz == 0:
        return out
    r_idx = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    with np.errstate(divide="ignore", invalid="ignore"):
        out.data = (x.data / row[r_idx]) / (col[x.indices] / total)
    out.data[~np.isfinite(out.data)] = 0.0
    out.eliminate_zeros()
    return out


def presence(rca: sp.spmatrix | np.ndarray, threshold: float = 1.0, strict: bool = False) -> sp.csr_matrix:
    """The presence matrix ``M_rs = 1[RCA_rs >= threshold]`` (``strict``: ``RCA_rs > threshold``).

    The one presence rule of rox (matching, measures and :mod:`~rox.queries.complexity`
    all use it). Only cells holding a positive RCA can be present, whatever the
    threshold. The Stata ``ecomplexity`` convention is ``strict=True``.

    >>> R = np.array([[2.0, 1.0], [0.0, 0.5]])
    >>> presence(R).toarray().tolist()
    [[1.0, 1.0], [0.0, 0.0]]
    >>> presence(R, strict=True).toarray().tolist()
    [[1.0, 0.0], [0.0, 0.0]]
    """
    out = sp.csr_matrix(rca, dtype=float, copy=True)  # never prune the caller's matrix in place
    out.eliminate_zeros()
    keep = out.data > threshold if strict else out.data >= threshold
    out.data = keep.astype(float)
    out.eliminate_zeros()
    return out


NO_YEAR = np.iinfo(np.int32).min


def _codes(values: Sequence[Any]) -> tuple[list[Any], np.ndarray]:
    """Distinct values in order of first appearance, and each value's code."""
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return list(index), codes


def _year_rule(region: np.ndarray, years: np.ndarray | None, year: Any) -> np.ndarray:
    """Which rows the year rule keeps (see :meth:`RegionSectorMatrix.from_rows`)."""
    if years is None:
        return np.ones(len(region), dtype=bool)
    none = years == NO_YEAR
    if year is not None:
        return none | (years == year)
    if not len(region):
        return none
    latest = np.full(int(region.max()) + 1, NO_YEAR, dtype=np.int64)
    np.maximum.at(latest, region[~none], years[~none])
    return none | (years == latest[region])


def _first_appearance(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes in order of first appearance, and each row's position among them."""
    if not len(codes):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    uniq, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(uniq), dtype=np.int64)
    rank[order] = np.arange(len(uniq))
    return uniq[order], rank[inverse]


def _parse_row(row: Any) -> tuple[str, str, float | None, Any]:
    if isinstance(row, Mapping):
        return row["region"], row["sector"], row.get("value"), row.get("year")
    row = tuple(row)
    if len(row) == 3:
        return row[0], row[1], row[2], None
    if len(row) == 4:
        return row[0], row[1], row[2], row[3]
    raise ValueError(f"row must be (region, sector, value[, year]); got {row!r}")


@dataclass
class RegionSectorMatrix:
    """Regions x sectors, CSR float values (binary when ``has_values`` is False)."""

    regions: list[str]
    sectors: list[str]
    values: sp.csr_matrix
    has_values: bool = True
    _index: dict[str, int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.values = sp.csr_matrix(self.values, dtype=float)
        self.values.sum_duplicates()
        self.values.sort_indices()
        if self.values.shape != (len(self.regions), len(self.sectors)):
            raise ValueError("values shape does not match regions x sectors")
        if self.values.nnz and self.values.data.min() < 0:
            raise ValueError("values must be non-negative")
        self._index = {r: i for i, r in enumerate(self.regions)}

    @classmethod
    def from_rows(cls, rows: Iterable[Any], year: Any = None) -> RegionSectorMatrix:
        """Build from ``(region, sector, value[, year])`` tuples or dicts.

        Dict rows use keys ``region``, ``sector``, ``value`` and optional ``year``.
        ``value=None`` means "presence only"; if every value is None the matrix
        is binary (``has_values=False``); mixing None and numbers is an error.

        Year filtering (done here, before any measure):

        * ``year`` given: keep only rows of that year (rows without a year are kept);
        * ``year=None``: for each region keep only the rows of the *latest* year
          that region has (regions can therefore come from different years);
          rows without a year are always kept.

        Duplicate (region, sector) rows are summed. Regions and sectors are in
        order of first appearance among the kept rows.
        """
        parsed = [_parse_row(r) for r in rows]
        reg_names, reg = _codes([p[0] for p in parsed])
        sec_names, sec = _codes([p[1] for p in parsed])
        values = np.array([np.nan if p[2] is None else float(p[2]) for p in parsed], dtype=float)
        yr = np.array([NO_YEAR if p[3] is None else int(p[3]) for p in parsed], dtype=np.int64)
        return cls.from_arrays(reg, reg_names, sec, sec_names, values, yr, year=year)

    @classmethod
    def from_arrays(
        cls,
        region: np.ndarray,
        region_names: Sequence[str],
        sector: np.ndarray,
        sector_names: Sequence[str],
        values: np.ndarray,
        years: np.ndarray | None = None,
        *,
        year: Any = None,
    ) -> RegionSectorMatrix:
        """:meth:`from_rows` on columns: codes into ``region_names``/``sector_names``,
        ``values`` (NaN: presence only) and ``years`` (:data:`NO_YEAR`: none); the same
        year rule, duplicate summing and first-appearance order.

        >>> m = RegionSectorMatrix.from_arrays(np.array([1, 0]), ["a", "b"], np.array([0, 0]), ["s"],
        ...                                    np.array([2.0, 3.0]))
        >>> m.regions, m.values.toarray().tolist()
        (['b', 'a'], [[2.0], [3.0]])
        """
        keep = _year_rule(region, years, year)
        region, sector, values = region[keep], sector[keep], values[keep]
        n_none = int(np.isnan(values).sum())
        if 0 < n_none < len(values):
            raise ValueError("mix of None (presence-only) and numeric values")
        has_values = n_none == 0 and len(values) > 0
        r_order, ri = _first_appearance(region)
        s_order, si = _first_appearance(sector)
        mat = sp.csr_matrix(
            (np.where(np.isnan(values), 1.0, values), (ri, si)),
            shape=(len(r_order), len(s_order)),
        )
        mat.sum_duplicates()
        if not has_values:
            mat.data[:] = 1.0
        return cls([region_names[i] for i in r_order], [sector_names[i] for i in s_order], mat, has_values)

    @property
    def shape(self) -> tuple[int, int]:
        return self.values.shape

    def index_of(self, region: str) -> int:
        """Row index of ``region`` (KeyError if absent)."""
        return self._index[region]

    def rca(self) -> sp.csr_matrix:
        """Balassa RCA matrix (CSR); requires values."""
        if not self.has_values:
            raise ValueError("RCA needs values; this matrix is presence-only")
        return balassa_rca(self.values)

    def presence(self, threshold: float = 1.0, strict: bool = False) -> sp.csr_matrix:
        """Binary CSR M: :func:`presence` of the RCA (``RCA >= threshold``, ``strict``: ``>``).

        For a presence-only matrix M is simply the link pattern.
        """
        if self.has_values:
            return presence(self.rca(), threshold, strict)
        out = self.values.copy()
        out.eliminate_zeros()
        out.data[:] = 1.0
        return out

    def subset(self, regions: Sequence[str]) -> RegionSectorMatrix:
        """A new matrix restricted to ``regions`` (in the given order)."""
        idx = [self.index_of(r) for r in regions]
        return RegionSectorMatrix(list(regions), list(self.sectors), self.values[idx], self.has_values)
