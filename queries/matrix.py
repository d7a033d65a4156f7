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
        if year is not None:
            parsed = [p for p in parsed if p[3] is None or p[3] == year]
        else:
            latest: dict[str, Any] = {}
            for reg, _s, _v, y in parsed:
                if y is not None and (reg not in latest or y > latest[reg]):
                    latest[reg] = y
            parsed = [p for p in parsed if p[3] is None or p[3] == latest.get(p[0])]
        n_none = sum(p[2] is None for p in parsed)
        if 0 < n_none < len(parsed):
            raise ValueError("mix of None (presence-only) and numeric values")
        has_values = n_none == 0 and len(parsed) > 0
        regions: dict[str, int] = {}
        sectors: dict[str, int] = {}
        ri, si, vals = [], [], []
        for reg, sec, val, _y in parsed:
            ri.append(regions.setdefault(reg, len(regions)))
            si.append(sectors.setdefault(sec, len(sectors)))
            vals.append(1.0 if val is None else float(val))
        mat = sp.csr_matrix(
            (np.asarray(vals, dtype=float), (np.asarray(ri, dtype=np.int64), np.asarray(si, dtype=np.int64))),
            shape=(len(regions), len(sectors)),
        )
        mat.sum_duplicates()
        if not has_values:
            mat.data[:] = 1.0
        return cls(list(regions), list(sectors), mat, has_values)

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
