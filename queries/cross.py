"""Comparing profiles from different datasets (pure): scores, shared and complementary
codes, caveats.

Two tables (:class:`~rox.queries.profiles.Table`) are compared only over the codes both
cover (a non-zero total in each), so a table without finance or agriculture is never
penalised for the gap; each side keeps the location quotients of its own table.
Presence is ``RCA >= threshold`` (``strict``: ``>``). Within one table the comparison is
the plain one (every code of the table, as a match within one dataset always was).

Measures that work across datasets: :data:`CROSS_MEASURES` (set measures on presence,
``rca-cosine`` and ``esi`` on the RCA vectors); the others compare raw magnitudes (or
need one population of regions) and are refused with a message naming these.

>>> from rox.queries.matrix import RegionSectorMatrix
>>> from rox.queries.profiles import Table
>>> a = Table("A", 2021, "x", RegionSectorMatrix.from_rows([("r", "s", 2.0), ("r", "t", 1.0), ("q", "t", 3.0)]))
>>> b = Table("B", 2015, "y", RegionSectorMatrix.from_rows([("u", "t", 1.0), ("u", "v", 4.0), ("w", "s", 1.0)]))
>>> p = pair(a, b, threshold=1.0, strict=False)
>>> p.codes, [round(float(x), 6) for x in scores(p, "jaccard", 0)]
(['s', 't'], [0.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.graph.errors import UsageError
from rox.queries import measures
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.profiles import Table
from rox.queries.rank_input import RankInput

__all__ = ["CROSS_MEASURES", "Pair", "caveats", "check_measure", "codes_of", "pair", "profiles", "scores"]

CROSS_MEASURES = ("jaccard", "overlap", "cosine", "atlas-proximity", "adamic-adar", "rca-cosine", "esi")
YEARS_APART = 5


@dataclass(frozen=True, eq=False)
class Pair:
    """The target's table stacked over a peer table on their common codes: rows
    ``0..n_t-1`` the target table's regions, then (``offset``) the peer's."""

    target: Table
    peer: Table
    inp: RankInput
    codes: list[str]
    offset: int

    @property
    def same(self) -> bool:
        return self.target is self.peer


def check_measure(measure: str) -> None:
    """Refuse a measure that cannot compare profiles of different datasets.

    >>> check_measure("weighted-cosine")
    Traceback (most recent call last):
    ...
    rox.graph.errors.UsageError: measure 'weighted-cosine' compares raw magnitudes or needs one population of regions, \
so it cannot compare different datasets; across datasets use one of: jaccard, overlap, cosine, atlas-proximity, \
adamic-adar, rca-cosine, esi (or --peer-dataset with the target's own dataset)
    """
    if measure not in CROSS_MEASURES:
        raise UsageError(
            f"measure {measure!r} compares raw magnitudes or needs one population of regions, so it cannot compare "
            f"different datasets; across datasets use one of: {', '.join(CROSS_MEASURES)} "
            "(or --peer-dataset with the target's own dataset)"
        )


def _columns(t: Table, codes: list[str]) -> list[int]:
    idx = {s: k for k, s in enumerate(t.matrix.sectors)}
    return [idx[c] for c in codes]


def codes_of(t: Table) -> list[str]:
    """The codes a table covers (non-zero total)."""
    return [s for s, c in zip(t.matrix.sectors, t.covered, strict=True) if c]


def pair(target: Table, peer: Table, *, threshold: float, strict: bool) -> Pair:
    """The two tables on their common codes, each with its own RCA (see the module doc)."""
    if target is peer:
        inp = RankInput(target.matrix, "values", threshold, strict, given_rca=target.rca)
        return Pair(target, peer, inp, list(target.matrix.sectors), 0)
    theirs = set(codes_of(peer))
    codes = sorted(c for c in codes_of(target) if c in theirs)
    ct, cp = _columns(target, codes), _columns(peer, codes)
    values = sp.vstack([target.matrix.values[:, ct], peer.matrix.values[:, cp]]).tocsr()
    rca = sp.vstack([target.rca[:, ct], peer.rca[:, cp]]).tocsr()
    regions = [f"{target.dataset}\t{r}" for r in target.matrix.regions] + [
        f"{peer.dataset}\t{r}" for r in peer.matrix.regions
    ]
    stacked = RegionSectorMatrix(regions, codes, values)
    inp = RankInput(stacked, "values", threshold, strict, given_rca=rca)
    return Pair(target, peer, inp, codes, len(target.matrix.regions))


def scores(p: Pair, measure: str, i: int) -> np.ndarray:
    """The scores of the target table's region ``i`` against every region of the peer table."""
    out = measures.score_all(measure, p.inp, i)
    return out[p.offset : p.offset + len(p.peer.matrix.regions)]


def _row(m: sp.csr_matrix, i: int) -> np.ndarray:
    return m.getrow(i).toarray().ravel()


def _code(p: Pair, names: Mapping[str, str], s: Any, ra: np.ndarray, rb: np.ndarray) -> dict[str, Any]:
    sid = p.codes[s]
    return {
        "sector": sid,
        "name": names.get(sid, sid),
        "a_rca": round(float(ra[s]), 4),
        "b_rca": round(float(rb[s]), 4),
    }


def shared_and_complementary(
    p: Pair, names: Mapping[str, str], i: int, j: int, top: int = 5
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Codes both hold (strongest pair first) and the partner's strongest codes the target
    lacks (``top``), each with both RCAs; ``j`` is the partner's row in its own table."""
    jj = p.offset + j
    pa, pb = _row(p.inp.presence, i) > 0, _row(p.inp.presence, jj) > 0
    ra, rb = _row(p.inp.rca, i), _row(p.inp.rca, jj)
    shared = sorted(
        (_code(p, names, s, ra, rb) for s in np.flatnonzero(pa & pb)),
        key=lambda d: (-d["a_rca"] * d["b_rca"], d["sector"]),
    )
    lacks = sorted(
        (_code(p, names, s, ra, rb) for s in np.flatnonzero(pb & ~pa)), key=lambda d: (-d["b_rca"], d["sector"])
    )
    return shared, lacks[:top]


def profiles(p: Pair, names: Mapping[str, str], i: int, j: int) -> list[dict[str, Any]]:
    """Both regions' RCA and presence in every common code either of them has a value in."""
    jj = p.offset + j
    ra, rb = _row(p.inp.rca, i), _row(p.inp.rca, jj)
    pa, pb = _row(p.inp.presence, i) > 0, _row(p.inp.presence, jj) > 0
    va, vb = _row(p.inp.values, i), _row(p.inp.values, jj)
    return [
        {**_code(p, names, s, ra, rb), "a_present": bool(pa[s]), "b_present": bool(pb[s])}
        for s in np.flatnonzero((va > 0) | (vb > 0))
    ]


def caveats(p: Pair) -> list[str]:
    """What to bear in mind: kinds differ, years more than 5 apart, common codes under
    half of the target's codes."""
    a, b = p.target.describe(), p.peer.describe()
    out = []
    if a["data_kind"] != b["data_kind"] or a["unit"] != b["unit"]:
        out.append(f"kinds differ: {a['data_kind']} ({a['unit']}) vs {b['data_kind']} ({b['unit']})")
    if a["year"] is not None and b["year"] is not None and abs(a["year"] - b["year"]) > YEARS_APART:
        out.append(f"years differ by {abs(a['year'] - b['year'])}: {a['year']} vs {b['year']}")
    own = len(codes_of(p.target))
    if len(p.codes) * 2 < own:
        out.append(f"only {len(p.codes)} common codes of the target's {own}")
    return out
