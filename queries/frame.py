"""The store's region x sector facts as columns (NumPy), one row per ``HAS_SECTOR``.

Every match reads the facts; at millions of facts Python dicts are too slow and too
big (a dict a fact), so the facts travel as a :class:`FactFrame`: integer codes into
small vocabularies (regions, sectors, sources, datasets, units, kinds), values as
float64 (NaN: no value) and years as int32 (:data:`NO_YEAR`: none). The same frame
comes from the snapshot on disk (:mod:`rox.queries.snapshot`) or from a fresh read
(``ROX_SNAPSHOT=off``); the pure steps (:mod:`rox.queries.facts`,
:mod:`rox.queries.tables`, :mod:`rox.queries.profiles`) take it either way.

Rows are in one canonical order, whatever order they were read in: region, sector,
year (none last), source, dataset, kind, unit — the order of ``region-sector-matrix``.

>>> f = FactFrame.from_rows([{"region": "B", "sector": "s", "value": 2.0, "year": 2021, "source": "t"},
...                          {"region": "A", "sector": "s", "value": None, "source": "d"}])
>>> f.regions, f.region.tolist(), f.rows(f.region >= 0)[0]["region"]
(('A', 'B'), [0, 1], 'A')
>>> f.take(f.region == 1).rows()[0]["year"], len(f)
(2021, 2)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np

from rox.queries.matrix import NO_YEAR

__all__ = ["COLUMNS", "NO_YEAR", "FactFrame", "codes_of"]

#: the coded columns and their vocabularies
COLUMNS = {
    "region": "regions",
    "sector": "sectors",
    "source": "sources",
    "dataset": "datasets",
    "unit": "units",
    "kind": "kinds",
}


def codes_of(values: Sequence[Any]) -> tuple[tuple[Any, ...], np.ndarray]:
    """A sorted vocabulary (``None`` last) and each value's code in it.

    >>> codes_of(["b", None, "a", "b"])
    (('a', 'b', None), array([1, 2, 0, 1], dtype=int32))
    """
    import pandas as pd  # only to build a frame (a read of the store), not to use one

    codes, uniques = pd.factorize(pd.Series(values, dtype=object), sort=True, use_na_sentinel=True)
    vocab = tuple(uniques.tolist())
    if (codes < 0).any():  # None: after the values
        codes = np.where(codes < 0, len(vocab), codes)
        vocab += (None,)
    return vocab, codes.astype(np.int32)


def _numbers(values: Sequence[Any]) -> np.ndarray:
    """Numbers as float64; None (and anything not a number) as NaN.

    >>> _numbers([1, 2.5, None, "x", True]).tolist()
    [1.0, 2.5, nan, nan, nan]
    """
    if set(map(type, values)) <= {int, float, type(None)}:  # NumPy converts these at C speed (None: NaN)
        return np.asarray(values, dtype=np.float64)
    import pandas as pd

    keep = [v if isinstance(v, (int, float)) and not isinstance(v, bool) else None for v in values]
    return pd.to_numeric(pd.Series(keep, dtype=object), errors="coerce").to_numpy(dtype=np.float64)


def _years(values: Sequence[Any]) -> np.ndarray:
    """Years as int32, :data:`NO_YEAR` for none."""
    got = _numbers(values)
    return np.where(np.isnan(got), NO_YEAR, got).astype(np.int32)


@dataclass(frozen=True, eq=False)
class FactFrame:
    """Facts as columns (see the module doc). ``sector_scheme``/``sector_code`` hold each
    vocabulary sector's scheme and code."""

    region: np.ndarray
    sector: np.ndarray
    value: np.ndarray
    year: np.ndarray
    source: np.ndarray
    dataset: np.ndarray
    unit: np.ndarray
    kind: np.ndarray
    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    sources: tuple[Any, ...]
    datasets: tuple[Any, ...]
    units: tuple[Any, ...]
    kinds: tuple[Any, ...]
    sector_scheme: tuple[Any, ...]
    sector_code: tuple[Any, ...]

    # -- building -----------------------------------------------------------
    @classmethod
    def from_columns(
        cls, cols: Mapping[str, Sequence[Any]], sector_info: Mapping[str, tuple[Any, Any]] | None = None
    ) -> FactFrame:
        """From plain columns (``region``, ``sector``, ``value``, ``year``, ``source``,
        ``dataset``, ``unit``, ``kind``; missing ones are all None) and each sector's
        ``(scheme, code)``; rows put in the canonical order."""
        n = len(cols["region"])
        coded: dict[str, Any] = {}
        for col, vocab_name in COLUMNS.items():
            vocab, codes = codes_of(cols.get(col) or [None] * n)
            coded[col], coded[vocab_name] = codes, vocab
        info = sector_info or {}
        frame = cls(
            value=_numbers(cols.get("value") or [None] * n),
            year=_years(cols.get("year") or [None] * n),
            sector_scheme=tuple(info.get(s, (None, None))[0] for s in coded["sectors"]),
            sector_code=tuple(info.get(s, (None, None))[1] for s in coded["sectors"]),
            **coded,
        )
        return frame.take(frame.canonical_order())

    @classmethod
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> FactFrame:
        """From fact dicts (``region-sector-matrix`` or ``dataset-facts`` rows; ``scheme``
        and ``code`` give the sector's)."""
        rows = list(rows)
        cols = {c: [r.get(c) for r in rows] for c in ("region", "sector", "value", "year", *list(COLUMNS)[2:])}
        info = {r["sector"]: (r.get("scheme"), r.get("code")) for r in rows}
        return cls.from_columns(cols, info)

    def canonical_order(self) -> np.ndarray:
        """Row order: region, sector, year (none last), source, dataset, kind, unit."""
        year = np.where(self.year == NO_YEAR, np.iinfo(np.int32).max, self.year)
        return np.lexsort((self.unit, self.kind, self.dataset, self.source, year, self.sector, self.region))

    def take(self, rows: np.ndarray) -> FactFrame:
        """The frame's rows at ``rows`` (a boolean mask or indices), vocabularies kept."""
        if rows.dtype == bool and rows.all():
            return self
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ("region", "sector", "value", "year", *list(COLUMNS)[2:]):
            data[name] = data[name][rows]
        return FactFrame(**data)

    # -- reading ------------------------------------------------------------
    def __len__(self) -> int:
        return int(self.region.shape[0])

    def code(self, column: str, value: Any) -> int:
        """The code of ``value`` in ``column``'s vocabulary, -1 when absent."""
        vocab = getattr(self, COLUMNS[column])
        try:
            return vocab.index(value)
        except ValueError:
            return -1

    def names(self, column: str) -> np.ndarray:
        """``column``'s values per row, decoded (an object array)."""
        vocab = np.array(getattr(self, COLUMNS[column]) + (None,), dtype=object)
        return vocab[getattr(self, column)]

    def years(self) -> list[int | None]:
        """Each row's year (None: none)."""
        return [None if y == NO_YEAR else int(y) for y in self.year.tolist()]

    def rows(self, mask: np.ndarray | None = None) -> list[dict[str, Any]]:
        """The facts as dicts (for small frames and tests)."""
        f = self if mask is None else self.take(mask)
        out = []
        for i, y in enumerate(f.years()):
            v = float(f.value[i])
            s = f.sector[i]
            out.append(
                {
                    "region": f.regions[f.region[i]],
                    "sector": f.sectors[s],
                    "value": None if np.isnan(v) else v,
                    "year": y,
                    **{c: getattr(f, COLUMNS[c])[getattr(f, c)[i]] for c in list(COLUMNS)[2:]},
                    "scheme": f.sector_scheme[s],
                    "code": f.sector_code[s],
                }
            )
        return out
