"""Matching on named datasets: a region against the regions of its own and other datasets,
at ``fine``, ``taxonomy``, ISIC ``division`` or ``section`` level.

Read (the matrix snapshot, :mod:`rox.queries.snapshot`: the facts of named datasets,
``datasets``, ``regions``, ``sectors``), choose the target's
table and the peers' (:mod:`rox.queries.tables`), compare each peer table with the
target's on their common codes (:mod:`rox.queries.cross`), filter the candidates as
``match`` always did (same country, countries, kinds, population, minimum sectors,
related regions), and rank by score descending, ties by region id.

A region in several datasets (BRES ``TLF1`` and Eurostat's ``UKF1``, stored as one
region) is one region: never its own partner; its profile comes from the target's
table. A candidate found in several peer tables is ranked once, from the target's own
dataset if it is in it, else from the table whose year is nearest the target's, then by
dataset id.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import Any

import numpy as np

from rox.graph.errors import RoxError
from rox.loaders.concordances import CONCORDANCE_SCHEMES
from rox.queries import cross, fetch, snapshot
from rox.queries.explain import row_head
from rox.queries.facts import taxonomy_parent
from rox.queries.frame import FactFrame
from rox.queries.harmonise import HARMONISED, level_name
from rox.queries.options import FactOptions, MatchOptions
from rox.queries.places import hierarchy_of
from rox.queries.profiles import Table
from rox.queries.rank import admits
from rox.queries.tables import by_dataset, peer_tables, target_table

__all__ = ["compare_datasets", "match_datasets", "read_context"]


def _readable(info: Mapping[str, Mapping[str, Any]], level: str) -> list[str]:
    """The datasets worth reading at ``level``: at division/section those whose
    classification has a concordance (the others are left out with a note)."""
    if level not in HARMONISED:
        return sorted(info)
    return sorted(d for d, r in info.items() if str(r.get("scheme") or "").lower() in CONCORDANCE_SCHEMES)


def read_context(store: Any, level: str = "fine") -> tuple[dict[str, FactFrame], dict[str, Any]]:
    """The dataset facts by dataset, and what the pure steps need: region metadata,
    dataset records, sector names and the taxonomy roll-up."""
    data = snapshot.read(store)
    info = {r["id"]: r for r in data.datasets}
    sectors = data.sectors
    ctx = {
        "meta": data.region_meta(),
        "info": info,
        "unread": sorted(set(info) - set(_readable(info, level))),
        "names": {r["id"]: r["name"] for r in sectors},
        "taxonomy": taxonomy_parent(sectors),
        "tables": snapshot.table_cache(store, data),  # (dataset, year, level) -> its tables, built once
    }
    return by_dataset(data.frame, _readable(info, level)), ctx


def _names(level: str, ctx: Mapping[str, Any]) -> Mapping[str, str]:
    if level in HARMONISED:
        return _LevelNames()
    return ctx["names"]


class _LevelNames(dict):
    """ISIC titles of harmonised codes, looked up on demand."""

    def get(self, key: Any, default: Any = None) -> Any:
        return level_name(key)


def _filtered(opts: MatchOptions) -> bool:
    """Whether any metadata filter (:func:`~rox.queries.rank.admits`) is asked for."""
    return bool(
        opts.exclude_same_country
        or opts.countries
        or opts.kinds
        or opts.min_population is not None
        or opts.max_population is not None
    )


def _candidates(p: cross.Pair, region: str, opts: MatchOptions, meta: Mapping[str, Any]) -> list[int]:
    n = np.asarray(p.inp.presence[p.offset :].sum(axis=1)).ravel()
    related = set() if opts.include_related else hierarchy_of(region, meta)
    related.add(region)
    country = (meta.get(region) or {}).get("country")
    names, check = p.peer.matrix.regions, _filtered(opts)
    return [
        j
        for j in np.flatnonzero(n >= opts.min_sectors).tolist()
        if names[j] not in related and (not check or admits(meta.get(names[j], {}), opts, country))
    ]


def _preference(p: cross.Pair) -> tuple[int, int, str]:
    t, q = p.target, p.peer
    gap = abs((q.year or 0) - (t.year or 0))
    return (0 if q.dataset == t.dataset else 1, gap, q.dataset)


def _scored(pairs: list[cross.Pair], i: int, region: str, opts: MatchOptions, meta: Any) -> tuple[list[tuple], int]:
    """The ``opts.top`` best (region, score, pair, row), ranked by score descending then region
    id, once per region (see the module doc), and how many candidates were ranked."""
    best: dict[str, tuple] = {}
    for p in sorted(pairs, key=_preference):
        s = np.nan_to_num(cross.scores(p, opts.measure, i))
        cand = np.asarray(_candidates(p, region, opts, meta), dtype=np.int64)
        if len(pairs) == 1:  # candidates are distinct: rank only those that can reach the top
            return _top(p, s, cand, opts.top), len(cand)
        for j in cand.tolist():
            rid = p.peer.matrix.regions[j]
            best.setdefault(rid, (rid, float(s[j]), p, j))
    return heapq.nsmallest(opts.top, best.values(), key=lambda r: (-r[1], r[0])), len(best)


def _top(p: cross.Pair, s: np.ndarray, cand: np.ndarray, top: int) -> list[tuple]:
    """The ``top`` best of one pair's candidates: those scoring at least the ``top``-th best
    score (ties kept), then sorted by score descending and region id."""
    sc = s[cand]
    if len(cand) > top > 0:
        floor = -np.partition(-sc, top - 1)[top - 1]
        cand, sc = cand[sc >= floor], sc[sc >= floor]
    names = p.peer.matrix.regions
    hits = [(names[j], float(x), p, j) for j, x in zip(cand.tolist(), sc.tolist(), strict=True)]
    return sorted(hits, key=lambda r: (-r[1], r[0]))[:top]


def _side(t: Table, p: cross.Pair) -> dict[str, Any]:
    return {**t.describe(), "common_codes": len(p.codes)}


def _row(k: int, hit: tuple, opts: MatchOptions, meta: Mapping[str, Any], names: Any, i: int) -> dict[str, Any]:
    rid, score, p, j = hit
    row = {**row_head(k + 1, rid, score, opts.measure, meta), "dataset": p.peer.dataset, "year": p.peer.year}
    row.update({f"a_{k2}": v for k2, v in _side(p.target, p).items()})
    row.update({f"b_{k2}": v for k2, v in _side(p.peer, p).items()})
    if opts.explain:
        shared, compl = cross.shared_and_complementary(p, names, i, j)
        row.update({"shared_sectors": shared, "complementary_sectors": compl, "caveats": cross.caveats(p)})
    return row


def match_datasets(store: Any, region: str, opts: MatchOptions) -> tuple[list[dict[str, Any]], dict[str, Any], list]:
    """Rows, parameters (the target's table, candidates) and notes of a dataset match."""
    data, ctx = read_context(store, opts.level)
    target = target_table(data, region, opts.year, opts.dataset, opts.level, ctx)
    peers, notes = peer_tables(data, target, opts.peer_datasets, opts.level, ctx)
    asked = opts.peer_datasets or ctx["unread"]
    notes += [
        f"dataset {d} left out: its classification has no concordance to ISIC Rev. 4"
        for d in ctx["unread"]
        if d in asked
    ]
    pairs = [cross.pair(target, t, threshold=opts.threshold, strict=opts.strict) for t in peers]
    if any(not p.same for p in pairs):
        cross.check_measure(opts.measure)
    i = target.matrix.index_of(region)
    hits, ranked = _scored(pairs, i, region, opts, ctx["meta"])
    names = _names(opts.level, ctx)
    rows = [_row(k, h, opts, ctx["meta"], names, i) for k, h in enumerate(hits)]
    params: dict[str, Any] = {"dataset": target.dataset, "dataset_year": target.year, "candidates": ranked}
    params["peer_datasets"] = sorted({t.dataset for t in peers})
    return rows, params, notes


def compare_datasets(store: Any, a: str, b: str, opts: FactOptions) -> dict[str, Any]:
    """Two regions' profiles from their datasets: both sides, common codes, shared and
    complementary codes with both RCAs, the cross-dataset scores and the caveats."""
    data, ctx = read_context(store, opts.level)
    ta = target_table(data, a, opts.year, opts.dataset, opts.level, ctx)
    peers, _ = peer_tables(data, ta, None, opts.level, ctx)
    hit = [t for t in peers if b in t.matrix._index]
    if not hit:
        raise RoxError(f"region {b!r} has no dataset facts at level {opts.level}; nothing to compare")
    pairs = sorted((cross.pair(ta, t, threshold=opts.threshold, strict=opts.strict) for t in hit), key=_preference)
    p, i, j = pairs[0], ta.matrix.index_of(a), pairs[0].peer.matrix.index_of(b)
    names = _names(opts.level, ctx)
    shared, compl = cross.shared_and_complementary(p, names, i, j)
    lacks_b = cross.shared_and_complementary(
        cross.pair(p.peer, ta, threshold=opts.threshold, strict=opts.strict), names, j, i
    )[1]
    return {
        "a": a,
        "b": b,
        "profiles": cross.profiles(p, names, i, j),
        "a_side": _side(ta, p),
        "b_side": _side(p.peer, p),
        "shared": shared,
        "complementary": {"b_offers_a": compl, "a_offers_b": lacks_b},
        "bridges": fetch.read_bridges(store, a, [b])[b],
        "scores": {m: _score(p, m, i, j) for m in cross.CROSS_MEASURES},
        "caveats": cross.caveats(p),
    }


def _score(p: cross.Pair, measure: str, i: int, j: int) -> float | None:
    x = float(cross.scores(p, measure, i)[j])
    return None if np.isnan(x) else round(x, 6)
