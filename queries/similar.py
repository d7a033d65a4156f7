"""Every region's top-k partners at once, streamed or written as ``SIMILAR_TO``.

:func:`similar_all` is rox's counterpart of Neo4j GDS node similarity
(``gds.nodeSimilarity.stream`` / ``.write``) on the region x sector presence
matrix: it reads the matrix exactly as partner matching does
(:func:`rox.queries.fetch.load_matrix` with no target region, then matching's
presence rule :attr:`rox.queries.rank_input.RankInput.presence`: RCA >=
``threshold`` on values, or the links themselves), runs the all-pairs top-k kernel
(:func:`rox.queries.similarity.topk_pairs`) once, and

* returns one row ``{region, partner, measure, score, rank}`` per (region, one of
  its ``top`` best partners), sorted by region id, then rank; equal scores rank
  by partner id, so the output is deterministic;
* with ``write=True``, replaces that measure's relationships
  ``(:Region)-[:SIMILAR_TO {measure, score, rank, params, source}]->(:Region)``
  (the old ones of the same measure are deleted first, other measures are kept:
  GDS ``writeRelationshipType`` / ``writeProperty`` semantics, one relationship
  per region and kept partner) and returns GDS's one summary row instead.

Pairs that share no sector (score 0) are never partners, as with GDS's default
``similarityCutoff``; every region takes part, whatever its place in the
``PART_OF`` hierarchy (``rox match`` leaves a region's own county or country out,
this all-pairs table does not).  The relationships carry ``source:
src-rox-similar``, a ``Source`` node written alongside, and ``params``, the JSON
of the options that produced them, so a graph reader can tell how they were made.

Example:
    >>> from rox.graph.store import open_store                    # doctest: +SKIP
    >>> similar_all(open_store(), measure="jaccard", top=2)[0]   # doctest: +SKIP
    {'region': 'CN-AH', 'partner': 'GB-DER', 'measure': 'jaccard', 'score': 0.5714285714285714, 'rank': 1}
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from itertools import batched
from types import MappingProxyType
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.graph.errors import RoxError, UsageError
from rox.graph.model import check_label, check_rel_type
from rox.graph.store import DEFAULT_BATCH, Store
from rox.loaders.statements import node_upsert
from rox.loaders.writer import lock_for
from rox.queries.fetch import load_matrix
from rox.queries.rank_input import RankInput
from rox.queries.similarity import topk_pairs

__all__ = (
    "MEASURES",
    "REL_TYPE",
    "SOURCE_ID",
    "presence_by_id",
    "similar_all",
    "similar_rows",
    "statements",
    "topk_rows",
    "write_similar",
)

#: rox measure name -> kernel metric (the set measures ``topk_pairs`` computes)
MEASURES: Mapping[str, str] = MappingProxyType(
    {"jaccard": "jaccard", "overlap": "overlap", "cosine": "cosine", "atlas-proximity": "proximity"}
)
REL_TYPE = check_rel_type("SIMILAR_TO")
REGION = check_label("Region")
SOURCE_ID = "src-rox-similar"
SOURCE_PROPS: Mapping[str, str] = MappingProxyType(
    {
        "title": "rox similar: each region's top-k partners by sector overlap (computed by rox from the "
        "region-sector facts; see each relationship's params)",
        "kind": "dataset",
        "publisher": "rox",
    }
)
_CUTOFF = 1e-42  # GDS similarityCutoff default: a score of 0 is no similarity

_DELETE = (
    f"MATCH (:{REGION})-[r:{REL_TYPE} {{measure: $measure}}]->(:{REGION}) "
    "WITH r LIMIT $batch DELETE r RETURN count(r) AS deleted"
)
_WRITE = (
    "UNWIND $rows AS row "
    f"MATCH (a:{REGION} {{id: row.region}}) MATCH (b:{REGION} {{id: row.partner}}) "
    f"MERGE (a)-[r:{REL_TYPE} {{measure: $measure}}]->(b) "
    "SET r.score = row.score, r.rank = row.rank, r.params = $params, r.source = $source "
    "RETURN count(r) AS written"
)
_READ = (
    f"MATCH (a:{REGION})-[r:{REL_TYPE}]->(b:{REGION}) "
    "WHERE $measure IS NULL OR r.measure = $measure "
    "RETURN a.id AS region, b.id AS partner, r.measure AS measure, r.score AS score, r.rank AS rank, "
    "r.params AS params, r.source AS source "
    "ORDER BY measure, region, rank, partner"
)


def statements() -> dict[str, str]:
    """Every Cypher text this module sends, by name (collected for the Neo4j linter)."""
    return {
        "similar:delete": _DELETE,
        "similar:write": _WRITE,
        "similar:read": _READ,
        "similar:source": node_upsert("Source"),
    }


def _check_options(measure: str, top: int, min_score: float) -> None:
    """:class:`UsageError` for a measure the kernel does not compute, ``top < 1`` or a
    ``min_score`` outside [0, 1] (every set measure lies in [0, 1])."""
    if measure not in MEASURES:
        raise UsageError(
            f"measure {measure!r} is not an all-pairs measure; similar supports "
            f"{', '.join(MEASURES)} (the set measures; `rox match` ranks by the others)"
        )
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise UsageError(f"top must be a whole number of at least 1, got {top!r}")
    try:
        ok = 0.0 <= float(min_score) <= 1.0
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise UsageError(f"min_score must be a number between 0 and 1, got {min_score!r}")


def presence_by_id(
    store: Store,
    *,
    year: int | None = None,
    source: str | None = None,
    level: str = "fine",
    threshold: float = 1.0,
    strict: bool = False,
) -> tuple[list[str], sp.csr_matrix, dict[str, str]]:
    """``(region ids sorted, presence rows in that order, {value_mode, data_source})``.

    The matrix is built as matching builds it (:func:`~rox.queries.fetch.load_matrix`
    with no target region) and read by matching's rule (:class:`~rox.queries.rank_input.RankInput`
    ``.presence``): RCA >= ``threshold`` (``strict``: >) when the facts carry values,
    else the links.  Rows follow the sorted ids, so the kernel's
    tie rule (lower row first) is "lower region id first".
    """
    matrix, mode, data_source = load_matrix(store, year=year, source=source, level=level)
    M = RankInput(matrix, mode, threshold=threshold, strict=strict).presence
    order = sorted(range(len(matrix.regions)), key=lambda i: str(matrix.regions[i]))
    ids = [str(matrix.regions[i]) for i in order]
    return ids, sp.csr_matrix(M)[order], {"value_mode": mode, "data_source": data_source}


def topk_rows(
    ids: Sequence[str], M: sp.spmatrix, measure: str, top: int, min_score: float = 0.0
) -> list[dict[str, Any]]:
    """Rows ``{region, partner, measure, score, rank}`` of every region's ``top`` best
    partners (score > 0 and >= ``min_score``), by region, then rank.

    >>> M = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 1], [0, 0, 1]]))
    >>> [(r["region"], r["partner"], round(r["score"], 3), r["rank"]) for r in topk_rows("abc", M, "jaccard", 1)]
    [('a', 'b', 0.667, 1), ('b', 'a', 0.667, 1), ('c', 'b', 0.333, 1)]
    """
    r, c, s = topk_pairs(M, metric=MEASURES[measure], k=top, min_score=max(float(min_score), _CUTOFF))
    rank = np.arange(r.size) - np.searchsorted(r, r, side="left") + 1
    return [
        {"region": ids[i], "partner": ids[j], "measure": measure, "score": float(x), "rank": int(k)}
        for i, j, x, k in zip(r.tolist(), c.tolist(), s.tolist(), rank.tolist(), strict=True)
    ]


def similar_all(
    store: Store,
    *,
    measure: str = "jaccard",
    top: int = 10,
    write: bool = False,
    threshold: float = 1.0,
    strict: bool = False,
    year: int | None = None,
    source: str | None = None,
    level: str = "fine",
    min_score: float = 0.0,
) -> list[dict[str, Any]]:
    """Every region's ``top`` partners by ``measure`` (see the module doc).

    ``write=False``: the rows ``{region, partner, measure, score, rank}``.
    ``write=True``: the relationships are written (:func:`write_similar`) and the
    result is one summary row (relationships written and deleted, regions compared,
    compute and write seconds, ``params``), as ``gds.nodeSimilarity.write`` returns.
    """
    _check_options(measure, top, min_score)
    started = time.perf_counter()
    ids, M, how = presence_by_id(store, year=year, source=source, level=level, threshold=threshold, strict=strict)
    rows = topk_rows(ids, M, measure, top, min_score)
    if not write:
        return rows
    from rox import __version__

    params = {
        "measure": measure,
        "top": top,
        "threshold": threshold,
        "strict": strict,
        "year": year,
        "source": source,
        "level": level,
        "min_score": min_score,
        **how,
        "rox_version": __version__,
    }
    compute_s = time.perf_counter() - started
    summary = write_similar(store, rows, measure=measure, params=json.dumps(params, sort_keys=True))
    return [{"measure": measure, "regions_compared": len(ids), **summary, "compute_seconds": round(compute_s, 3)}]


def _delete_measure(store: Store, measure: str, batch: int) -> int:
    """Delete every ``SIMILAR_TO`` of ``measure``, ``batch`` per transaction; how many went."""
    total = 0
    while True:
        gone = store.run(_DELETE, {"measure": measure, "batch": batch}, write=True)[0]["deleted"]
        total += gone
        if gone < batch:
            return total


def write_similar(
    store: Store, rows: Iterable[Mapping[str, Any]], *, measure: str, params: str, batch: int = DEFAULT_BATCH
) -> dict[str, Any]:
    """Replace ``measure``'s ``SIMILAR_TO`` relationships by ``rows`` (``UNWIND $rows``
    batches of ``MERGE``), after writing the ``Source`` they cite.

    The old relationships of ``measure`` are deleted first, so rewriting is
    idempotent and a region's partners never mix two runs.  If a batch fails, what
    was written of this measure is deleted again (none of it remains, never half a
    table) and a :class:`RoxError` says so.
    """
    if measure not in MEASURES:
        raise UsageError(f"measure {measure!r} is not one of {', '.join(MEASURES)}")
    lock = lock_for(store)  # a write like a load's: never while another load or a snapshot read runs
    lock.acquire(f"rox similar --write of {measure}")
    try:
        return _replace(store, rows, measure=measure, params=params, batch=batch)
    finally:
        lock.release()


def _replace(
    store: Store, rows: Iterable[Mapping[str, Any]], *, measure: str, params: str, batch: int
) -> dict[str, Any]:
    started = time.perf_counter()
    store.run(node_upsert("Source"), {"rows": [{"id": SOURCE_ID, "props": dict(SOURCE_PROPS)}]}, write=True)
    deleted = _delete_measure(store, measure, batch)
    payload = [{"region": r["region"], "partner": r["partner"], "score": r["score"], "rank": r["rank"]} for r in rows]
    written = 0
    try:
        for chunk in batched(payload, batch):
            res = store.run(
                _WRITE, {"rows": list(chunk), "measure": measure, "params": params, "source": SOURCE_ID}, write=True
            )
            written += res[0]["written"] if res else 0
    except RoxError as exc:
        removed = _delete_measure(store, measure, batch)
        raise RoxError(
            f"writing {REL_TYPE} relationships for {measure} failed after {written} of {len(payload)} "
            f"({exc}); the {removed} written were deleted again, so none of {measure} remain: "
            "run it again"
        ) from exc
    return {
        "relationship_type": REL_TYPE,
        "relationships_written": written,
        "relationships_deleted": deleted,
        "source": SOURCE_ID,
        "params": params,
        "write_seconds": round(time.perf_counter() - started, 3),
    }


def similar_rows(store: Store, measure: str | None = None) -> list[dict[str, Any]]:
    """The ``SIMILAR_TO`` relationships in the store (of ``measure``, or all), by
    measure, region, rank and partner."""
    return store.run(_READ, {"measure": measure})
