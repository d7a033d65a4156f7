"""Fetch (I/O only): every read ``match`` and ``compare`` make, each a named query.

* :func:`read_facts`: the facts, the sector names (also used for the taxonomy
  roll-up) and region metadata, from the matrix snapshot (:mod:`rox.queries.snapshot`:
  on disk, keyed by the store's generation; ``ROX_SNAPSHOT=off`` reads
  ``region-sector-matrix``, ``sectors`` and ``regions`` per request) and, for graph
  measures only, ``region-links`` and ``entity-sectors``;
* :func:`read_bridges`: the bridges between one region and many others in ONE query
  (``bridges-many``), grouped by partner.

Everything after these reads is pure (:mod:`rox.queries.rank`, :mod:`rox.queries.explain`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rox.queries import snapshot
from rox.queries.facts import build_matrix
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.options import FactOptions
from rox.queries.registry import run_named

__all__ = ["Facts", "graph_edges", "group_bridges", "load_matrix", "read_bridges", "read_facts"]

BRIDGE_KEY = {"firm": "firms", "university": "universities", "agreement": "agreements", "trade": "trade"}
Bridges = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True, eq=False)
class Facts:
    """What one match or comparison read: the matrix and how it was chosen, sector
    names, region metadata (empty when not read) and the extra graph edges (empty
    unless a graph measure asked for them)."""

    matrix: RegionSectorMatrix
    mode: str
    data_source: str
    sector_names: dict[str, str]
    regions: dict[str, dict[str, Any]] = field(default_factory=dict)
    graph_edges: tuple[tuple[Any, Any], ...] = ()


def graph_edges(
    region_links: Iterable[Mapping[str, Any]], entity_sectors: Iterable[Mapping[str, Any]]
) -> tuple[tuple[Any, Any], ...]:
    """Edges region–entity and entity–sector from the ``region-links`` and ``entity-sectors`` rows.

    >>> graph_edges([{"region": "A", "label": "Firm", "node": "f"}], [{"label": "Firm", "node": "f", "sector": "s"}])
    ((('region', 'A'), ('Firm', 'f')), (('Firm', 'f'), ('sector', 's')))
    """
    return tuple((("region", r["region"]), (r["label"], r["node"])) for r in region_links) + tuple(
        ((r["label"], r["node"]), ("sector", r["sector"])) for r in entity_sectors
    )


def read_facts(
    store: Any, target: str | None, opts: FactOptions, *, regions: bool = True, graph: bool = False
) -> Facts:
    """Read the facts for ``target`` (which source and mode: :func:`~rox.queries.facts.select_facts`)."""
    data = snapshot.read(store)
    matrix, mode, data_source = build_matrix(
        data.frame, data.sectors, year=opts.year, source=opts.source, level=opts.level, target=target
    )
    meta = data.region_meta() if regions else {}
    edges = graph_edges(run_named(store, "region-links"), run_named(store, "entity-sectors")) if graph else ()
    return Facts(matrix, mode, data_source, {r["id"]: r["name"] for r in data.sectors}, meta, edges)


def empty_bridges() -> Bridges:
    return {k: [] for k in BRIDGE_KEY.values()}


def group_bridges(rows: Iterable[Mapping[str, Any]], partners: Sequence[str]) -> dict[str, Bridges]:
    """``bridges-many`` rows -> ``{partner: {"firms": [...], "universities": [...], ...}}``
    (rows without their ``b`` and ``kind`` columns, in query order).

    >>> group_bridges([{"b": "B", "kind": "firm", "id": "f"}], ["B", "C"])["B"]["firms"]
    [{'id': 'f'}]
    """
    out = {b: empty_bridges() for b in partners}
    for row in rows:
        out.setdefault(row["b"], empty_bridges())[BRIDGE_KEY[row["kind"]]].append(
            {k: v for k, v in row.items() if k not in ("b", "kind")}
        )
    return out


def read_bridges(store: Any, a: str, partners: Iterable[str]) -> dict[str, Bridges]:
    """The bridges of ``a`` with each partner, in one ``bridges-many`` query (none when no partner)."""
    wanted = list(dict.fromkeys(b for b in partners if b != a))
    rows = run_named(store, "bridges-many", {"a": a, "bs": wanted}) if wanted else []
    return group_bridges(rows, wanted)


def load_matrix(
    store: Any, *, year: int | None = None, source: str | None = None, level: str = "fine", target: str | None = None
) -> tuple[RegionSectorMatrix, str, str]:
    """The region x sector matrix from the store, with its value mode and data source
    (:func:`~rox.queries.facts.build_matrix` over the snapshot's facts and sectors)."""
    data = snapshot.read(store)
    return build_matrix(data.frame, data.sectors, year=year, source=source, level=level, target=target)
