"""From the facts (a :class:`~rox.queries.frame.FactFrame`, or ``region-sector-matrix`` rows)
to a :class:`~rox.queries.matrix.RegionSectorMatrix` (pure: the fetch step reads the facts,
this module decides which count; the work is done on columns).

* :func:`select_frame` (:func:`select_facts` over rows): values or presence, and from which source;
* :func:`taxonomy_parent`: fine statistical codes -> their rox sector (``level="taxonomy"``);
* :func:`build_matrix`: both, then the year rule of
  :meth:`RegionSectorMatrix.from_rows <rox.queries.matrix.RegionSectorMatrix.from_rows>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries.frame import FactFrame
from rox.queries.matrix import RegionSectorMatrix

__all__ = ["LEVELS", "build_matrix", "select_facts", "select_frame", "taxonomy_parent"]

LEVELS = ("fine", "taxonomy", "division", "section")
Row = Mapping[str, Any]


def _uniform(f: FactFrame, mask: np.ndarray) -> bool:
    """Every fact at ``mask`` carries a value, all in one unit."""
    return not np.isnan(f.value[mask]).any() and len(np.unique(f.unit[mask])) <= 1


def _measured(f: FactFrame) -> np.ndarray:
    """Facts that are statistical measurements (a ``kind``: employment, gva, exports...)."""
    kinds = np.array([bool(k) for k in f.kinds] + [False])
    return kinds[f.kind]


def _own_choice(f: FactFrame, target: str) -> tuple[int | None, np.ndarray]:
    """The target's own facts decide: one valued source in one unit -> that source;
    else keep the non-measurement facts without a value or from the target's sources."""
    everything = np.ones(len(f), dtype=bool)
    own = f.region == f.code("region", target)
    if not own.any():
        return None, everything
    own_sources = np.unique(f.source[own])
    if len(own_sources) == 1 and _uniform(f, own):
        return int(own_sources[0]), everything
    return None, ~_measured(f) & (np.isnan(f.value) | np.isin(f.source, own_sources))


def select_frame(
    f: FactFrame, source: str | None = None, target: str | None = None
) -> tuple[np.ndarray, str, str, bool]:
    """:func:`select_facts` on a frame: (which rows, value mode, data source, whether
    their values are ignored as links)."""
    keep = np.ones(len(f), dtype=bool)
    chosen: int | None = None
    if source is not None:
        chosen = f.code("source", source)
    elif target is not None:
        chosen, keep = _own_choice(f, target)
        source = None if chosen is None else f.sources[chosen]
    if source is not None:
        keep = keep & (f.source == chosen)
        if not keep.any():
            raise NotFound(f"no region-sector facts from source {source!r}")
        return (keep, "values", source, False) if _uniform(f, keep) else (keep, "presence", source, True)
    if keep.any() and _uniform(f, keep):
        used = sorted({str(f.sources[i]) for i in np.unique(f.source[keep])})
        return keep, "values", ",".join(used), False
    described = f" (facts without values and the sources of {target}'s facts)" if target else ""
    return keep, "presence", "links" + described, True


def select_facts(
    rows: list[dict[str, Any]], source: str | None = None, target: str | None = None
) -> tuple[list[dict[str, Any]], str, str]:
    """Pick the facts to build the matrix from; returns (rows, value_mode, data_source).

    * ``source`` given: that source's facts; values when they all have one in one unit.
    * else, when every fact of the ``target`` region carries a value from one source
      in one unit (a region loaded from one statistical table): that source, values.
    * else presence of links (values set to None), from the facts that are not
      statistical measurements (no ``kind``, as in entity files: table loads set
      ``kind`` = employment, gva, exports...) and come without a value or from a
      source the target's own facts cite, so a statistical table does not swamp a
      comparison of places described by documents.

    The work is done on columns (:func:`select_frame`); this is its form over rows.

    >>> rows = [{"region": "A", "sector": "s", "value": 5.0, "unit": "jobs", "source": "t"},
    ...         {"region": "B", "sector": "s", "value": None, "unit": None, "source": "doc"}]
    >>> select_facts(rows, target="A")[1:]
    ('values', 't')
    >>> [r["region"] for r in select_facts(rows, target="B")[0]]
    ['B']
    """
    f = FactFrame.from_rows(rows)
    keep, mode, data_source, links = select_frame(f, source, target)
    picked = f.rows(keep)
    return ([{**r, "value": None} for r in picked] if links else picked), mode, data_source


def taxonomy_parent(sector_rows: Iterable[Row]) -> dict[str, str]:
    """Each sector -> the rox taxonomy sector it belongs to (its nearest ``scheme: rox``
    ancestor, itself for rox sectors), from the ``sectors`` rows.

    >>> taxonomy_parent([{"id": "rail", "parent": None, "scheme": "rox"},
    ...                  {"id": "sic2007:30", "parent": "rail", "scheme": "sic2007"},
    ...                  {"id": "sitc2:99", "parent": None, "scheme": "sitc2"}])
    {'rail': 'rail', 'sic2007:30': 'rail'}
    """
    rows = list(sector_rows)
    parent = {r["id"]: r["parent"] for r in rows}
    scheme = {r["id"]: r["scheme"] for r in rows}
    out: dict[str, str] = {}
    for sid in parent:
        cur, seen = sid, set()
        while cur is not None and scheme.get(cur) != "rox" and cur not in seen:
            seen.add(cur)
            cur = parent.get(cur)
        if cur is not None and scheme.get(cur) == "rox":
            out[sid] = cur
    return out


def build_matrix(
    facts: FactFrame | list[dict[str, Any]],
    sector_rows: Iterable[Row],
    *,
    year: int | None = None,
    source: str | None = None,
    level: str = "fine",
    target: str | None = None,
) -> tuple[RegionSectorMatrix, str, str]:
    """The region x sector matrix, with its value mode and data source.

    ``facts``: a :class:`~rox.queries.frame.FactFrame` (or fact rows).
    ``level="taxonomy"`` rolls fine statistical codes up into their rox sector
    (values summed), so a SIC table and an SITC table meet on ``rail``; codes with no
    rox sector are dropped at that level. Values: one year per region (``year``, else
    its latest). Presence: a link is a link, whatever year its source speaks of, unless
    a year is asked for; the matrix then holds the 0/1 links (``has_values`` True, so
    the value measures run on them).

    >>> rows = [{"region": "A", "sector": "s", "value": None, "source": "d"},
    ...         {"region": "B", "sector": "s", "value": None, "source": "d"}]
    >>> m, mode, _ = build_matrix(rows, [])
    >>> mode, m.values.toarray().tolist(), m.has_values
    ('presence', [[1.0], [1.0]], True)
    """
    if level not in LEVELS:
        raise UsageError(f"unknown level {level!r}; levels: {', '.join(LEVELS)}")
    if level not in ("fine", "taxonomy"):
        raise RoxError(f"level {level} compares named datasets (rox load-table --dataset); these facts have none")
    f = facts if isinstance(facts, FactFrame) else FactFrame.from_rows(facts)
    keep, mode, data_source, links = select_frame(f, source, target)
    sector, names = f.sector, list(f.sectors)
    if level == "taxonomy":
        up = taxonomy_parent(sector_rows)
        names = sorted(set(up.values()))
        to = np.array([names.index(up[s]) if s in up else -1 for s in f.sectors] + [-1], dtype=np.int64)
        sector = to[f.sector]
        keep = keep & (sector >= 0)
    if not keep.any():
        raise RoxError("no region-sector facts in the store; load data first (`rox demo` or `rox load-table`)")
    keep_year = mode == "values" or year is not None
    values = np.full(int(keep.sum()), np.nan) if links else f.value[keep]
    mat = RegionSectorMatrix.from_arrays(
        f.region[keep], f.regions, sector[keep], names, values, f.year[keep] if keep_year else None, year=year
    )
    if mode == "presence":
        ones = mat.values.copy()
        ones.data[:] = 1.0
        mat = RegionSectorMatrix(list(mat.regions), list(mat.sectors), ones, has_values=True)
    return mat, mode, data_source
