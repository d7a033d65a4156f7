"""Partner matching: rank regions against one region and explain every match.

Pipeline (:func:`match`):

1. read the region x sector facts (named query ``region-sector-matrix``) and build a
   :class:`~queries.matrix.RegionSectorMatrix` (year filter: ``year`` or each
   region's latest year);
2. choose values or presence (:func:`select_facts`): with ``source`` given, that
   source's facts; otherwise values are used when every fact has one in a single
   unit, else link presence (mixed data: values are ignored and the parameters say so);
3. score every region with the measure (:mod:`queries.measures`, ``complementarity``
   from :mod:`queries.complexity`, or ``blend`` of named components), RCA and
   presence computed over *all* regions, then filter candidates (same country,
   countries, kinds, population, minimum sectors);
4. rank: score descending, ties broken by region id ascending (deterministic);
5. explain the top rows: shared sectors with both sides' RCA, complementary sectors
   (lacked by the target, close to what it holds, held by the partner), and the
   firms, universities, agreements and trade that link the two (named query
   ``bridges``), each with its source.

Example:
    >>> from graph.store import open_store                     # doctest: +SKIP
    >>> res = match(open_store(), "GB-DER", measure="jaccard", top=3)   # doctest: +SKIP
    >>> [r["region"] for r in res.rows]                        # doctest: +SKIP
    ['CN-AH', 'GB-ENG-midlands', 'CN-HN-zhuzhou']
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, Sequence

import networkx as nx
import numpy as np

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries import complexity, measures
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.registry import run_named

COMPONENTS = ("overlap", "complementarity", "links", "agreements", "trade")
DEFAULT_WEIGHTS = {"overlap": 0.5, "complementarity": 0.2, "links": 0.15, "agreements": 0.1, "trade": 0.05}
EXTRA_MEASURES = {
    "complementarity": "how strongly the partner holds the sectors the region lacks but is close to "
                       "(Hidalgo et al. 2007 proximity; relatedness density)",
    "blend": "weighted mean of components " + ", ".join(COMPONENTS) + " (each reported; links: firms in both "
             "places 1, via a containing place 0.5, research links 0.5; scaled by the best candidate)",
}


def measure_names() -> list[str]:
    """Every measure ``match`` accepts."""
    return list(measures.MEASURES) + list(EXTRA_MEASURES)


@dataclass
class MatchResult:
    """Ranked partners with explanations, and the parameters that produced them."""

    rows: list[dict[str, Any]]
    params: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    def flat_rows(self) -> list[dict[str, Any]]:
        """Rows with explanation lists flattened to readable strings (CSV, XLSX)."""
        return [flatten(r) for r in self.rows]


def _fmt(v):
    return "" if v is None else (f"{v:.3g}" if isinstance(v, float) else str(v))


def flatten(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in row.items():
        if k in ("shared_sectors", "complementary_sectors"):
            out[k] = "; ".join(
                (f"{s['sector']} (RCA {_fmt(s.get('a_rca'))}/{_fmt(s.get('b_rca'))})" if s.get("a_rca") is not None
                 else s["sector"]) if k == "shared_sectors"
                else f"{s['sector']} (density {_fmt(s.get('density'))}, partner RCA {_fmt(s.get('b_rca'))})"
                for s in v)
        elif k in ("firms", "universities", "agreements", "trade"):
            out[k] = "; ".join(
                f"{b['name'] or b['id']} [{b.get('a_place')}~{b.get('b_place')}"
                f"{': ' + b['sector'] if b.get('sector') else ''}] ({b.get('source')})" for b in v)
        else:
            out[k] = v
    return out


# ------------------------------------------------------------------ data
def select_facts(rows: list[dict[str, Any]], source: str | None = None,
                 target: str | None = None) -> tuple[list[dict[str, Any]], str, str]:
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
    def valued(r):
        return isinstance(r.get("value"), (int, float))

    if source is None and target is not None:
        own = [r for r in rows if r["region"] == target]
        own_sources = {r.get("source") for r in own}
        if own and all(valued(r) for r in own) and len(own_sources) == 1 and len({r.get("unit") for r in own}) == 1:
            source = next(iter(own_sources))
        elif own:
            rows = [r for r in rows if not r.get("kind") and (not valued(r) or r.get("source") in own_sources)]
    if source is not None:
        rows = [r for r in rows if r.get("source") == source]
        if not rows:
            raise NotFound(f"no region-sector facts from source {source!r}")
        if all(valued(r) for r in rows) and len({r.get("unit") for r in rows}) <= 1:
            return rows, "values", source
        return [{**r, "value": None} for r in rows], "presence", source
    if rows and all(valued(r) for r in rows) and len({r.get("unit") for r in rows}) <= 1:
        return rows, "values", ",".join(sorted({r["source"] for r in rows}))
    used = [{**r, "value": None} for r in rows]
    return used, "presence", "links" + (f" (facts without values and the sources of {target}'s facts)" if target else "")


LEVELS = ("fine", "taxonomy")


def taxonomy_parent(store) -> dict[str, str]:
    """Each fine statistical sector -> the rox taxonomy sector it belongs to (its nearest
    ``scheme: rox`` ancestor); rox sectors map to themselves."""
    rows = run_named(store, "sectors")
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


def load_matrix(store, *, year: int | None = None, source: str | None = None,
                level: str = "fine", target: str | None = None) -> tuple[RegionSectorMatrix, str, str]:
    """The region x sector matrix from the store, with how it was chosen.

    ``level="taxonomy"`` rolls fine statistical codes up into their rox sector
    (values summed), so a SIC table and an SITC table meet on ``rail``; codes with no
    rox sector are dropped at that level.
    """
    if level not in LEVELS:
        raise RoxError(f"unknown level {level!r}; levels: {', '.join(LEVELS)}")
    facts, mode, data_source = select_facts(run_named(store, "region-sector-matrix"), source, target)
    if level == "taxonomy":
        up = taxonomy_parent(store)
        facts = [{**r, "sector": up[r["sector"]]} for r in facts if r["sector"] in up]
    if not facts:
        raise RoxError("no region-sector facts in the store; load data first (`rox demo` or `rox load-table`)")
    # Values: one year per region (given, else its latest). Presence: a link is a link,
    # whatever year its source speaks of, unless a year is asked for.
    keep_year = mode == "values" or year is not None
    mat = RegionSectorMatrix.from_rows(
        [{"region": r["region"], "sector": r["sector"], "value": r["value"],
          "year": r.get("year") if keep_year else None} for r in facts],
        year=year,
    )
    if mode == "presence":
        # Value measures (rca-cosine, esi, weighted-*) then run on the 0/1 link matrix.
        links = mat.values.copy()
        links.data[:] = 1.0
        mat = RegionSectorMatrix(list(mat.regions), list(mat.sectors), links, has_values=True)
    return mat, mode, data_source


def whole_graph(store, matrix: RegionSectorMatrix, presence) -> nx.Graph:
    """Regions, sectors, firms, universities and agreements as one NetworkX graph (for ``ppr``)."""
    G = nx.Graph()
    for r in matrix.regions:
        G.add_node(("region", r), kind="region")
    rows, cols = presence.nonzero()
    for i, j in zip(rows, cols):
        G.add_edge(("region", matrix.regions[i]), ("sector", matrix.sectors[j]))
    for row in run_named(store, "region-links"):
        G.add_edge(("region", row["region"]), (row["label"], row["node"]))
    for row in run_named(store, "entity-sectors"):
        G.add_edge((row["label"], row["node"]), ("sector", row["sector"]))
    return G


# ------------------------------------------------------------------ scoring
def _rca(matrix: RegionSectorMatrix, mode: str):
    """RCA (sparse) when the facts carry values; None for presence-only data."""
    return matrix.rca().tocsr() if mode == "values" else None


def _rca_row(rca, i: int) -> np.ndarray | None:
    return None if rca is None else rca.getrow(i).toarray().ravel()


def _bridges(store, a: str, b: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"firms": [], "universities": [], "agreements": [], "trade": []}
    key = {"firm": "firms", "university": "universities", "agreement": "agreements", "trade": "trade"}
    for row in run_named(store, "bridges", {"a": a, "b": b}):
        out[key[row["kind"]]].append({k: v for k, v in row.items() if k != "kind"})
    return out


def link_strength(bridges: Mapping[str, list[dict[str, Any]]], local_a: set[str], local_b: set[str]) -> float:
    """The ``links`` evidence between two regions: each firm counts 1 when it is
    present in both regions themselves (or places inside them), 0.5 when one side
    is only a place containing the region (a firm "in China"); each university
    linking them through research counts 0.5.

    >>> b = {"firms": [{"id": "f", "a_place": "A", "b_place": "B"}, {"id": "g", "a_place": "A", "b_place": "CN"}],
    ...      "universities": [{"id": "u"}, {"id": "u"}]}
    >>> link_strength(b, {"A"}, {"B"})
    2.0
    """
    firms: dict[str, float] = {}
    for f in bridges["firms"]:
        w = 1.0 if f["a_place"] in local_a and f["b_place"] in local_b else 0.5
        firms[f["id"]] = max(firms.get(f["id"], 0.0), w)
    return sum(firms.values()) + 0.5 * len({u["id"] for u in bridges["universities"]})


def _local(region: str, meta: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The region and the places inside it."""
    inside = {r for r in hierarchy_of(region, meta)
              if region in _ancestors(r, meta)}
    return inside | {region}


def _ancestors(region: str, meta: Mapping[str, Mapping[str, Any]]) -> set[str]:
    out, cur = set(), (meta.get(region) or {}).get("part_of")
    while cur and cur not in out:
        out.add(cur)
        cur = (meta.get(cur) or {}).get("part_of")
    return out


def _components(store, target: str, candidates: Sequence[str], overlap: np.ndarray,
                compl: np.ndarray, meta: Mapping[str, Mapping[str, Any]]) -> dict[str, np.ndarray]:
    """Blend components in [0, 1] for each candidate."""
    links, agreements, trade = [], [], []
    local_target = _local(target, meta)
    for c in candidates:
        b = _bridges(store, target, c)
        links.append(link_strength(b, local_target, _local(c, meta)))
        agreements.append(1.0 if b["agreements"] else 0.0)
        trade.append(1.0 if b["trade"] else 0.0)
    links_arr = np.asarray(links, dtype=float)
    links_arr = links_arr / links_arr.max() if links_arr.max() > 0 else links_arr
    cmax = np.nanmax(compl) if len(compl) and np.nanmax(compl) > 0 else 1.0
    return {
        "overlap": overlap,
        "complementarity": compl / cmax,
        "links": links_arr,
        "agreements": np.asarray(agreements),
        "trade": np.asarray(trade),
    }


def parse_weights(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """``"overlap=0.6,links=0.4"`` -> weights (unnamed components get 0).

    >>> parse_weights("overlap=3,trade=1")["overlap"]
    3.0
    >>> parse_weights(None) == DEFAULT_WEIGHTS
    True
    """
    if text is None:
        return dict(DEFAULT_WEIGHTS)
    items = text.items() if isinstance(text, Mapping) else (p.split("=", 1) for p in text.split(",") if p.strip())
    weights = {c: 0.0 for c in COMPONENTS}
    for k, v in items:
        k = k.strip()
        if k not in COMPONENTS:
            raise UsageError(f"unknown blend component {k!r}; components: {', '.join(COMPONENTS)}")
        try:
            weights[k] = float(v)
        except ValueError:
            raise UsageError(f"blend weight for {k!r} must be a number, got {v!r}") from None
        if weights[k] < 0:
            raise UsageError(f"blend weight for {k!r} must be >= 0")
    if sum(weights.values()) <= 0:
        raise UsageError("blend weights must not all be zero")
    return weights


def match(
    store,
    region: str,
    *,
    measure: str = "jaccard",
    top: int = 10,
    year: int | None = None,
    source: str | None = None,
    threshold: float = 1.0,
    strict: bool = False,
    exclude_same_country: bool = False,
    countries: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    min_population: int | None = None,
    max_population: int | None = None,
    min_sectors: int = 1,
    weights: str | Mapping[str, float] | None = None,
    level: str = "fine",
    include_related: bool = False,
    explain: bool = True,
) -> MatchResult:
    """Rank partner regions for ``region`` (an id) by ``measure``; see the module doc."""
    if measure not in measure_names():
        raise UsageError(f"unknown measure {measure!r}; measures: {', '.join(measure_names())}")
    if top < 1:
        raise UsageError("--top must be at least 1")
    if weights is not None and measure != "blend":
        raise UsageError(f"--weights apply to --measure blend only (measure is {measure!r})")
    matrix, mode, data_source = load_matrix(store, year=year, source=source, level=level, target=region)
    meta = {r["id"]: r for r in run_named(store, "regions")}
    if region not in meta:
        raise NotFound(f"no region with id {region!r}")
    if region not in matrix._index:
        raise RoxError(f"region {region!r} has no sector facts{' for year ' + str(year) if year else ''}; nothing to match on")
    i = matrix.index_of(region)
    presence = _presence_matrix(matrix, mode, threshold, strict).values
    # candidates
    wanted_countries = {c.upper() for c in countries} if countries else None
    wanted_kinds = set(kinds) if kinds else None
    target_country = meta[region].get("country")
    n_sectors = np.asarray(presence.sum(axis=1)).ravel()
    related = set() if include_related else hierarchy_of(region, meta)
    keep = []
    for j, rid in enumerate(matrix.regions):
        m = meta.get(rid, {})
        if j == i or n_sectors[j] < min_sectors or rid in related:
            continue
        if exclude_same_country and target_country and m.get("country") == target_country:
            continue
        if wanted_countries and (m.get("country") or "").upper() not in wanted_countries:
            continue
        if wanted_kinds and m.get("kind") not in wanted_kinds:
            continue
        pop = m.get("population")
        if min_population is not None and (pop is None or pop < min_population):
            continue
        if max_population is not None and (pop is None or pop > max_population):
            continue
        keep.append(j)
    keep_arr = np.asarray(keep, dtype=int)

    weights_used = None
    comps: dict[str, np.ndarray] = {}
    links_only = _presence_matrix(matrix, mode, threshold, strict)
    needs_compl = explain or measure in EXTRA_MEASURES
    compl_list = complexity.complementarity(_compl_matrix(matrix, mode), i, top=5, threshold=threshold,
                                            strict=strict) if needs_compl else []
    if measure in SET_MEASURES:
        scores = measures.score_all(measure, links_only, i)[keep_arr]
    elif measure == "ppr":
        scores = measures.score_all("ppr", links_only, i, graph=whole_graph(store, matrix, presence))[keep_arr]
    elif measure in measures.MEASURES:  # value measures: Balassa on values (on the 0/1 links in presence mode)
        scores = measures.score_all(measure, matrix, i, threshold=threshold)[keep_arr]
    else:
        compl = np.zeros(len(matrix.regions))
        for d in compl_list:
            compl[d["index"]] = d["score"]
        if measure == "complementarity":
            scores = compl[keep_arr]
        else:
            weights_used = parse_weights(weights)
            overlap = measures.score_all("jaccard", links_only, i)[keep_arr]
            cand_ids = [matrix.regions[j] for j in keep_arr]
            comps = _components(store, region, cand_ids, np.nan_to_num(overlap), compl[keep_arr], meta)
            total = sum(weights_used.values())
            scores = sum(weights_used[c] * comps[c] for c in COMPONENTS) / total
    scores = np.nan_to_num(np.asarray(scores, dtype=float))
    ids = [matrix.regions[j] for j in keep_arr]
    order = sorted(range(len(ids)), key=lambda k: (-scores[k], ids[k]))[:top]

    rca = _rca(matrix, mode)
    compl_detail = {d["partner"]: d for d in compl_list} if explain else {}
    names = {r["id"]: r["name"] for r in run_named(store, "sectors")}
    rows = []
    for rank, k in enumerate(order, start=1):
        rid = ids[k]
        m = meta.get(rid, {})
        row: dict[str, Any] = {
            "rank": rank, "region": rid, "name": m.get("name"), "country": m.get("country"), "kind": m.get("kind"),
            "score": round(float(scores[k]), 6), "measure": measure,
        }
        for c in comps:  # blend components, as score_<component>
            row[f"score_{c}"] = round(float(comps[c][k]), 6)
        if explain:
            row.update(explanation(store, matrix, presence, rca, i, matrix.index_of(rid), names, compl_detail.get(rid)))
        rows.append(row)
    from rox import __version__

    params = {
        "region": region, "region_name": meta[region].get("name"), "measure": measure, "top": top, "year": year,
        "level": level,
        "threshold": threshold, "presence_rule": f"RCA {'>' if strict else '>='} {threshold}" if mode == "values" else "link present",
        "value_mode": mode, "data_source": data_source, "exclude_same_country": exclude_same_country,
        "countries": sorted(wanted_countries) if wanted_countries else None, "kinds": sorted(wanted_kinds) if wanted_kinds else None,
        "min_population": min_population, "max_population": max_population, "min_sectors": min_sectors,
        "weights": weights_used, "include_related": include_related, "candidates": len(ids), "tie_break": "score descending, then region id ascending",
        "rox_version": __version__,
    }
    notes = []
    if mode == "presence" and source is None:
        notes.append("values ignored: facts mix units or lack values; give --source to match on one table's values")
    return MatchResult(rows, params, notes)


def hierarchy_of(region: str, meta: Mapping[str, Mapping[str, Any]]) -> set[str]:
    """The regions containing ``region`` and the regions inside it (``PART_OF`` chains).

    A region's own county, country or districts are not partners abroad, so
    :func:`match` leaves them out unless ``include_related`` is set.

    >>> meta = {"GB": {}, "GB-ENG": {"part_of": "GB"}, "GB-DER": {"part_of": "GB-ENG"}, "CN": {}}
    >>> sorted(hierarchy_of("GB-ENG", meta))
    ['GB', 'GB-DER']
    """
    parent = {rid: m.get("part_of") for rid, m in meta.items()}
    up, cur, seen = set(), parent.get(region), {region}
    while cur and cur not in seen:
        up.add(cur)
        seen.add(cur)
        cur = parent.get(cur)
    children: dict[str, list[str]] = defaultdict(list)
    for rid, p in parent.items():
        if p:
            children[p].append(rid)
    down, stack = set(), list(children.get(region, []))
    while stack:
        rid = stack.pop()
        if rid not in down and rid != region:
            down.add(rid)
            stack.extend(children.get(rid, []))
    return up | down


SET_MEASURES = ("jaccard", "overlap", "cosine", "atlas-proximity", "adamic-adar")


def _compl_matrix(matrix: RegionSectorMatrix, mode: str) -> RegionSectorMatrix:
    """Complementarity works on values (RCA) or, in presence mode, on the links themselves."""
    if mode == "values":
        return matrix
    return RegionSectorMatrix(list(matrix.regions), list(matrix.sectors), matrix.values, has_values=False)


def _presence_matrix(matrix: RegionSectorMatrix, mode: str, threshold: float, strict: bool) -> RegionSectorMatrix:
    """The presence pattern as a presence-only matrix (so set measures use the given rule)."""
    M = matrix.presence(threshold, strict) if mode == "values" else matrix.values
    return RegionSectorMatrix(list(matrix.regions), list(matrix.sectors), M, has_values=False)


def explanation(store, matrix, presence, rca, i, j, names, compl) -> dict[str, Any]:
    """Shared sectors (with RCA both sides), complementary sectors and bridges for regions i, j."""
    pa = presence.getrow(i).toarray().ravel() > 0
    pb = presence.getrow(j).toarray().ravel() > 0
    ra, rb = _rca_row(rca, i), _rca_row(rca, j)
    shared = []
    for s in np.flatnonzero(pa & pb):
        sid = matrix.sectors[s]
        shared.append({"sector": sid, "name": names.get(sid, sid),
                       "a_rca": None if ra is None else round(float(ra[s]), 4),
                       "b_rca": None if rb is None else round(float(rb[s]), 4)})
    shared.sort(key=lambda d: (-(d["a_rca"] or 0) * (d["b_rca"] or 0), d["sector"]))
    complementary = [
        {"sector": sid, "name": names.get(sid, sid), "density": round(dens, 4), "b_rca": round(b_rca, 4)}
        for sid, dens, b_rca in (compl or {}).get("sectors", [])
    ]
    out = {"shared_sectors": shared, "complementary_sectors": complementary}
    out.update(_bridges(store, matrix.regions[i], matrix.regions[j]))
    return out


def compare(store, a: str, b: str, *, year: int | None = None, source: str | None = None,
            threshold: float = 1.0, strict: bool = False, level: str = "fine") -> dict[str, Any]:
    """Side-by-side profiles of two regions, their shared and complementary sectors and bridges."""
    if a == b:
        raise UsageError(f"compare needs two different regions, got {a!r} twice")
    matrix, mode, data_source = load_matrix(store, year=year, source=source, level=level, target=a)
    for r in (a, b):
        if r not in matrix._index:
            raise RoxError(f"region {r!r} has no sector facts; nothing to compare")
    i, j = matrix.index_of(a), matrix.index_of(b)
    presence = _presence_matrix(matrix, mode, threshold, strict).values
    rca = _rca(matrix, mode)
    names = {r["id"]: r["name"] for r in run_named(store, "sectors")}
    va, vb = matrix.values.getrow(i).toarray().ravel(), matrix.values.getrow(j).toarray().ravel()
    pa, pb = presence.getrow(i).toarray().ravel(), presence.getrow(j).toarray().ravel()
    ra, rb = _rca_row(rca, i), _rca_row(rca, j)
    profiles = []
    for s in sorted(np.flatnonzero((va > 0) | (vb > 0)), key=lambda s: matrix.sectors[s]):
        sid = matrix.sectors[s]
        profiles.append({
            "sector": sid, "name": names.get(sid, sid),
            "a_value": float(va[s]), "b_value": float(vb[s]),
            "a_rca": None if ra is None else round(float(ra[s]), 4),
            "b_rca": None if rb is None else round(float(rb[s]), 4),
            "a_present": bool(pa[s]), "b_present": bool(pb[s]),
        })
    cm = _compl_matrix(matrix, mode)
    compl_ab = {d["partner"]: d for d in complexity.complementarity(cm, i, top=5, threshold=threshold, strict=strict)}.get(b)
    expl = explanation(store, matrix, presence, rca, i, j, names, compl_ab)
    compl_ba = {d["partner"]: d for d in complexity.complementarity(cm, j, top=5, threshold=threshold, strict=strict)}.get(a)
    links_only = _presence_matrix(matrix, mode, threshold, strict)
    scores = {m: _safe(measures.score_all(m, links_only, i)[j]) for m in ("jaccard", "overlap", "cosine", "atlas-proximity")}
    return {
        "a": a, "b": b, "value_mode": mode, "data_source": data_source, "profiles": profiles,
        "shared": expl["shared_sectors"],
        "complementary": {"b_offers_a": expl["complementary_sectors"],
                          "a_offers_b": [{"sector": s, "name": names.get(s, s), "density": round(d, 4), "b_rca": round(r, 4)}
                                         for s, d, r in (compl_ba or {}).get("sectors", [])]},
        "bridges": {k: expl[k] for k in ("firms", "universities", "agreements", "trade")},
        "scores": scores,
    }


def _safe(x) -> float | None:
    x = float(x)
    return None if math.isnan(x) else round(x, 6)
