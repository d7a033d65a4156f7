"""From the ``region-sector-matrix`` rows to a :class:`~rox.queries.matrix.RegionSectorMatrix`
(pure: the fetch step reads the rows, this module decides which facts count).

* :func:`select_facts`: values or presence, and from which source;
* :func:`taxonomy_parent`: fine statistical codes -> their rox sector (``level="taxonomy"``);
* :func:`build_matrix`: both, then the year rule of
  :meth:`RegionSectorMatrix.from_rows <rox.queries.matrix.RegionSectorMatrix.from_rows>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries.matrix import RegionSectorMatrix

__all__ = ["LEVELS", "build_matrix", "select_facts", "taxonomy_parent"]

LEVELS = ("fine", "taxonomy", "division", "section")
Row = Mapping[str, Any]


def _valued(r: Row) -> bool:
    return isinstance(r.get("value"), (int, float))


def _uniform(rows: list[dict[str, Any]]) -> bool:
    """Every fact carries a value, all in one unit."""
    return all(_valued(r) for r in rows) and len({r.get("unit") for r in rows}) <= 1


def _as_links(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "value": None} for r in rows]


def _own_choice(rows: list[dict[str, Any]], target: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The target's own facts decide: one valued source in one unit -> that source;
    else keep the non-measurement facts without a value or from the target's sources."""
    own = [r for r in rows if r["region"] == target]
    if not own:
        return None, rows
    own_sources = {r.get("source") for r in own}
    if len(own_sources) == 1 and _uniform(own):
        return next(iter(own_sources)), rows
    return None, [r for r in rows if not r.get("kind") and (not _valued(r) or r.get("source") in own_sources)]


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

    >>> rows = [{"region": "A", "sector": "s", "value": 5.0, "unit": "jobs", "source": "t"},
    ...         {"region": "B", "sector": "s", "value": None, "unit": None, "source": "doc"}]
    >>> select_facts(rows, target="A")[1:]
    ('values', 't')
    >>> [r["region"] for r in select_facts(rows, target="B")[0]]
    ['B']
    """
    if source is None and target is not None:
        source, rows = _own_choice(rows, target)
    if source is not None:
        rows = [r for r in rows if r.get("source") == source]
        if not rows:
            raise NotFound(f"no region-sector facts from source {source!r}")
        return (rows, "values", source) if _uniform(rows) else (_as_links(rows), "presence", source)
    if rows and _uniform(rows):
        return rows, "values", ",".join(sorted({r["source"] for r in rows}))
    described = f" (facts without values and the sources of {target}'s facts)" if target else ""
    return _as_links(rows), "presence", "links" + described


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
    fact_rows: list[dict[str, Any]],
    sector_rows: Iterable[Row],
    *,
    year: int | None = None,
    source: str | None = None,
    level: str = "fine",
    target: str | None = None,
) -> tuple[RegionSectorMatrix, str, str]:
    """The region x sector matrix, with its value mode and data source.

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
    facts, mode, data_source = select_facts(fact_rows, source, target)
    if level == "taxonomy":
        up = taxonomy_parent(sector_rows)
        facts = [{**r, "sector": up[r["sector"]]} for r in facts if r["sector"] in up]
    if not facts:
        raise RoxError("no region-sector facts in the store; load data first (`rox demo` or `rox load-table`)")
    keep_year = mode == "values" or year is not None
    mat = RegionSectorMatrix.from_rows(
        [
            {
                "region": r["region"],
                "sector": r["sector"],
                "value": r["value"],
                "year": r.get("year") if keep_year else None,
            }
            for r in facts
        ],
        year=year,
    )
    if mode == "presence":
        links = mat.values.copy()
        links.data[:] = 1.0
        mat = RegionSectorMatrix(list(mat.regions), list(mat.sectors), links, has_values=True)
    return mat, mode, data_source
