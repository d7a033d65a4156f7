"""Explain (pure, over what was fetched): shared sectors with both sides' RCA,
complementary sectors, bridges; the rows of ``match`` and the view of ``compare``;
flat text for CSV and XLSX.

>>> flatten({"rank": 1, "shared_sectors": [{"sector": "rail", "a_rca": 2.0, "b_rca": 1.5}],
...          "firms": [{"id": "firm-x", "name": "X", "a_place": "A", "b_place": "B", "source": "s"}]})
{'rank': 1, 'shared_sectors': 'rail (RCA 2/1.5)', 'firms': 'X [A~B] (s)'}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from rox.queries import measures
from rox.queries.complexity import Complementarity, complementary_sectors
from rox.queries.rank import Ranking
from rox.queries.rank_input import RankInput

__all__ = ["BRIDGE_KEYS", "COMPARE_MEASURES", "comparison", "explanation", "flatten", "match_rows", "shared_sectors"]

BRIDGE_KEYS = ("firms", "universities", "agreements", "trade")
COMPARE_MEASURES = ("jaccard", "overlap", "cosine", "atlas-proximity")
Bridges = Mapping[str, Sequence[Mapping[str, Any]]]


def _row(m: sp.spmatrix, i: int) -> np.ndarray:
    return m.getrow(i).toarray().ravel()


def _rca_row(inp: RankInput, i: int) -> np.ndarray | None:
    rca = inp.explained_rca
    return None if rca is None else _row(rca, i)


def _rounded(v: np.ndarray | None, s: Any) -> float | None:
    return None if v is None else round(float(v[s]), 4)


def shared_sectors(inp: RankInput, names: Mapping[str, str], i: int, j: int) -> list[dict[str, Any]]:
    """Sectors both regions hold, with each side's RCA (None for presence-only data),
    strongest pair first (product of the RCAs), then by sector id."""
    pa = _row(inp.presence, i) > 0
    pb = _row(inp.presence, j) > 0
    ra, rb = _rca_row(inp, i), _rca_row(inp, j)
    shared: list[dict[str, Any]] = []
    for s in np.flatnonzero(pa & pb):
        sid = inp.matrix.sectors[s]
        shared.append({"sector": sid, "name": names.get(sid, sid), "a_rca": _rounded(ra, s), "b_rca": _rounded(rb, s)})
    shared.sort(key=lambda d: (-(d["a_rca"] or 0) * (d["b_rca"] or 0), d["sector"]))
    return shared


def complementary(
    inp: RankInput, names: Mapping[str, str], compl: Complementarity | None, partner: int
) -> list[dict[str, Any]]:
    """The partner's strongest sectors among those the region lacks but is close to."""
    if compl is None:
        return []
    out = []
    for s, dens, strength in complementary_sectors(compl, partner, top=5):
        sid = inp.matrix.sectors[s]
        out.append({"sector": sid, "name": names.get(sid, sid), "density": round(dens, 4), "b_rca": round(strength, 4)})
    return out


def explanation(
    inp: RankInput, names: Mapping[str, str], i: int, j: int, compl: Complementarity | None, bridges: Bridges | None
) -> dict[str, Any]:
    """Shared sectors (with RCA both sides), complementary sectors and bridges for regions i, j."""
    out: dict[str, Any] = {
        "shared_sectors": shared_sectors(inp, names, i, j),
        "complementary_sectors": complementary(inp, names, compl, j),
    }
    out.update({k: list((bridges or {}).get(k, [])) for k in BRIDGE_KEYS})
    return out


def _complementarity(inp: RankInput, i: int) -> Complementarity:
    return inp.relatedness.complementarity(i)


def row_head(
    rank: int, region: str, score: float, measure: str, meta: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The first columns of every match row, in every match path: rank, region, name,
    country, kind, score (6 decimals), measure.

    >>> row_head(1, "CN-AH", 0.4166666, "jaccard", {"CN-AH": {"name": "Anhui", "country": "CN", "kind": "province"}})
    {'rank': 1, 'region': 'CN-AH', 'name': 'Anhui', 'country': 'CN', 'kind': 'province', 'score': 0.416667, 'measure': 'jaccard'}
    """
    m = meta.get(region, {})
    return {
        "rank": rank,
        "region": region,
        "name": m.get("name"),
        "country": m.get("country"),
        "kind": m.get("kind"),
        "score": round(score, 6),
        "measure": measure,
    }


def match_rows(
    inp: RankInput,
    ranking: Ranking,
    target: int,
    *,
    measure: str,
    meta: Mapping[str, Mapping[str, Any]],
    names: Mapping[str, str],
    bridges: Mapping[str, Bridges] | None,
) -> list[dict[str, Any]]:
    """The rows of a match: rank, region, name, country, kind, score, measure, the
    measure's components (``score_<name>``) and, when ``bridges`` is given, the explanation."""
    compl = _complementarity(inp, target) if bridges is not None else None
    rows = []
    for k, (rid, score) in enumerate(zip(ranking.regions, ranking.scores, strict=True)):
        row = row_head(k + 1, rid, score, measure, meta)
        row.update({f"score_{c}": round(v[k], 6) for c, v in ranking.parts.items()})
        if bridges is not None:
            row.update(explanation(inp, names, target, inp.matrix.index_of(rid), compl, bridges.get(rid)))
        rows.append(row)
    return rows


def _safe(x: float) -> float | None:
    x = float(x)
    return None if np.isnan(x) else round(x, 6)


def profiles(inp: RankInput, names: Mapping[str, str], i: int, j: int) -> list[dict[str, Any]]:
    """Both regions' value, RCA and presence in every sector either of them has, by sector id."""
    va, vb = _row(inp.values, i), _row(inp.values, j)
    pa, pb = _row(inp.presence, i), _row(inp.presence, j)
    ra, rb = _rca_row(inp, i), _rca_row(inp, j)
    out = []
    for s in sorted(np.flatnonzero((va > 0) | (vb > 0)), key=lambda s: inp.matrix.sectors[s]):
        sid = inp.matrix.sectors[s]
        out.append(
            {
                "sector": sid,
                "name": names.get(sid, sid),
                "a_value": float(va[s]),
                "b_value": float(vb[s]),
                "a_rca": _rounded(ra, s),
                "b_rca": _rounded(rb, s),
                "a_present": bool(pa[s]),
                "b_present": bool(pb[s]),
            }
        )
    return out


def comparison(inp: RankInput, names: Mapping[str, str], i: int, j: int, bridges: Bridges) -> dict[str, Any]:
    """Side-by-side profiles of regions i and j, shared and complementary sectors (both
    ways), bridges and the set measures' scores."""
    expl = explanation(inp, names, i, j, _complementarity(inp, i), bridges)
    return {
        "profiles": profiles(inp, names, i, j),
        "shared": expl["shared_sectors"],
        "complementary": {
            "b_offers_a": expl["complementary_sectors"],
            "a_offers_b": complementary(inp, names, _complementarity(inp, j), i),
        },
        "bridges": {k: expl[k] for k in BRIDGE_KEYS},
        "scores": {m: _safe(measures.score_all(m, inp, i)[j]) for m in COMPARE_MEASURES},
    }


def _fmt(v: Any) -> str:
    return "" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))


def _sector_text(key: str, s: Mapping[str, Any]) -> str:
    """``code (RCA a/b)``; a statistical code (``scheme:code``) with its name, so an export
    says ``isic4:28 Manufacture of machinery and equipment n.e.c.``, not the code alone.

    >>> _sector_text("shared_sectors", {"sector": "isic4:30", "name": "Manufacture of other transport equipment",
    ...                                 "a_rca": 2.58, "b_rca": 1.66})
    'isic4:30 Manufacture of other transport equipment (RCA 2.58/1.66)'
    >>> _sector_text("shared_sectors", {"sector": "rail", "name": "Rail", "a_rca": None})
    'rail'
    """
    label = s["sector"]
    if ":" in label and s.get("name") and s["name"] != label:
        label = f"{label} {s['name']}"
    if key == "complementary_sectors" and "density" in s:
        return f"{label} (density {_fmt(s.get('density'))}, partner RCA {_fmt(s.get('b_rca'))})"
    if s.get("a_rca") is not None:
        return f"{label} (RCA {_fmt(s.get('a_rca'))}/{_fmt(s.get('b_rca'))})"
    return label


def _bridge_text(b: Mapping[str, Any]) -> str:
    sector = f": {b['sector']}" if b.get("sector") else ""
    return f"{b['name'] or b['id']} [{b.get('a_place')}~{b.get('b_place')}{sector}] ({b.get('source')})"


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row with its explanation lists as readable strings (CSV, XLSX)."""
    out = {}
    for k, v in row.items():
        if k in ("shared_sectors", "complementary_sectors"):
            out[k] = "; ".join(_sector_text(k, s) for s in v)
        elif k in BRIDGE_KEYS:
            out[k] = "; ".join(_bridge_text(b) for b in v)
        elif k == "caveats":  # cross-dataset rows (rox.queries.cross_match)
            out[k] = "; ".join(v)
        else:
            out[k] = v
    return out
