"""Rank (pure): arrays in, ranking out — candidate filtering, scoring through the
measure registry, ordering. No store here: the fetch step (:mod:`rox.queries.fetch`)
reads everything first.

>>> from rox.queries.matrix import RegionSectorMatrix
>>> from rox.queries.options import MatchOptions
>>> m = RegionSectorMatrix.from_rows([("a", "x", None), ("a", "y", None), ("b", "x", None),
...                                   ("c", "x", None), ("c", "y", None)])
>>> inp = RankInput(m)
>>> keep = candidates(inp.presence, m.regions, {}, "a", MatchOptions())
>>> r = rank(inp, "jaccard", 0, keep, top=5)
>>> r.regions, r.scores
(['c', 'b'], [1.0, 0.5])
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.queries import measures
from rox.queries.blend import evidence
from rox.queries.options import MatchOptions
from rox.queries.places import Meta, hierarchy_of
from rox.queries.rank_input import RankInput

__all__ = ["Ranking", "admits", "candidates", "rank", "with_evidence"]


def _in_range(value: Any, low: Any, high: Any) -> bool:
    """``low <= value <= high``, each bound optional; an unknown value fails any bound."""
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


def admits(region: Mapping[str, Any], opts: MatchOptions, target_country: str | None) -> bool:
    """Whether a region's metadata passes the country, kind and population filters.

    >>> admits({"country": "CN", "population": 5}, MatchOptions(countries=["cn"], min_population=6), "GB")
    False
    """
    country = region.get("country")
    if opts.exclude_same_country and target_country and country == target_country:
        return False
    if opts.countries and (country or "").upper() not in opts.countries:
        return False
    if opts.kinds and region.get("kind") not in opts.kinds:
        return False
    return _in_range(region.get("population"), opts.min_population, opts.max_population)


def candidates(
    presence: sp.csr_matrix, regions: Sequence[str], meta: Meta, target: str, opts: MatchOptions
) -> np.ndarray:
    """Indices of the regions that may be ranked for ``target``: not the target, at
    least ``min_sectors`` sectors present, not containing or inside the target (unless
    ``include_related``), and admitted by the filters (:func:`admits`)."""
    n_sectors = np.asarray(presence.sum(axis=1)).ravel()
    related = set() if opts.include_related else hierarchy_of(target, meta)
    target_country = (meta.get(target) or {}).get("country")
    keep = [
        j
        for j, rid in enumerate(regions)
        if rid != target
        and n_sectors[j] >= opts.min_sectors
        and rid not in related
        and admits(meta.get(rid, {}), opts, target_country)
    ]
    return np.asarray(keep, dtype=int)


def with_evidence(
    inp: RankInput,
    target: str,
    keep: np.ndarray,
    bridges: Mapping[str, Any],
    meta: Meta,
    weights: Mapping[str, float] | None,
) -> RankInput:
    """``inp`` with what ``blend`` also needs: the link evidence of the candidates,
    the candidate mask and the weights."""
    mask = np.zeros(len(inp.matrix.regions), dtype=bool)
    mask[keep] = True
    return dataclasses.replace(
        inp, evidence=evidence(target, inp.matrix.regions, bridges, meta), candidates=mask, weights=weights
    )


@dataclass(frozen=True)
class Ranking:
    """The best ``top`` candidates, best first (score descending, then region id)."""

    regions: list[str]
    scores: list[float]
    parts: dict[str, list[float]]  # reported components, in the same order
    candidates: int  # how many regions were ranked


def rank(inp: RankInput, measure: str, target: int, keep: np.ndarray, top: int) -> Ranking:
    """Score the candidates ``keep`` against region ``target`` by ``measure`` and keep the best ``top``."""
    scores = np.nan_to_num(measures.score_all(measure, inp, target)[keep])
    parts = {k: v[keep] for k, v in measures.parts(measure, inp, target).items()}
    ids = [inp.matrix.regions[j] for j in keep]
    order = sorted(range(len(ids)), key=lambda k: (-scores[k], ids[k]))[:top]
    return Ranking(
        [ids[k] for k in order],
        [float(scores[k]) for k in order],
        {c: [float(v[k]) for k in order] for c, v in parts.items()},
        len(ids),
    )
