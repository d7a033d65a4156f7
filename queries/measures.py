"""Named region x region measures over a :class:`~queries.matrix.RegionSectorMatrix`.

Set measures (on presence M = RCA >= 1, or the link pattern when presence-only):

* ``jaccard``          |A∩B| / |A∪B|                (Jaccard 1901; GDS node similarity)
* ``overlap``          |A∩B| / min(|A|,|B|)         (Szymkiewicz–Simpson; GDS)
* ``cosine``           |A∩B| / sqrt(|A||B|)         (Salton & McGill 1983; GDS)
* ``atlas-proximity``  |A∩B| / max(|A|,|B|)         (Hidalgo et al. 2007, Science 317,
  applied to countries: Atlas of Economic Complexity "country proximity")

Value measures (on the raw values x; RCA measures need values):

* ``weighted-jaccard``  Σmin(x_a,x_b) / Σmax(x_a,x_b)       (Ioffe 2010; GDS weighted)
* ``weighted-overlap``  Σmin(x_a,x_b) / min(Σx_a, Σx_b)      (GDS weighted overlap)
* ``weighted-cosine``   x_a·x_b / (‖x_a‖‖x_b‖)
* ``rca-cosine``        cosine of the Balassa RCA vectors
* ``esi``               Pearson correlation of log(RCA + 0.1) across sectors — export
  similarity index of Bahar, Hausmann & Hidalgo (2014), "Neighbors and the
  evolution of the comparative advantage of nations", J. Int. Econ. 92(1).

Graph measures:

* ``ppr``          personalised PageRank (Page et al. 1999; Haveliwala 2002) from the
  region over a NetworkX graph (regions, sectors, firms, universities, agreements);
  scores of the region nodes.
* ``adamic-adar``  Σ_{s ∈ A∩B} 1 / log(deg(s)), deg(s) = regions having s
  (Adamic & Adar 2003), equal to ``networkx.adamic_adar_index`` on the bipartite
  region–sector graph.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

import networkx as nx
import numpy as np
import scipy.sparse as sp

from . import similarity as _sim
from .matrix import RegionSectorMatrix

__all__ = ["MeasureSpec", "MEASURES", "score_all", "pairwise", "ppr", "region_graph"]


@dataclass(frozen=True)
class MeasureSpec:
    name: str
    kind: str  # "set" | "value" | "graph"
    description: str
    symmetric: bool
    range: tuple[float, float]


_SPECS = [
    MeasureSpec("jaccard", "set", "|A∩B|/|A∪B| of present sectors", True, (0.0, 1.0)),
    MeasureSpec("overlap", "set", "|A∩B|/min(|A|,|B|) of present sectors", True, (0.0, 1.0)),
    MeasureSpec("cosine", "set", "|A∩B|/sqrt(|A||B|) of present sectors", True, (0.0, 1.0)),
    MeasureSpec("atlas-proximity", "set", "|A∩B|/max(|A|,|B|), Atlas country proximity", True, (0.0, 1.0)),
    MeasureSpec("weighted-jaccard", "value", "Σmin/Σmax of sector values", True, (0.0, 1.0)),
    MeasureSpec("weighted-overlap", "value", "Σmin/min(ΣA,ΣB) of sector values", True, (0.0, 1.0)),
    MeasureSpec("weighted-cosine", "value", "cosine of sector value vectors", True, (0.0, 1.0)),
    MeasureSpec("rca-cosine", "value", "cosine of RCA vectors", True, (0.0, 1.0)),
    MeasureSpec("esi", "value", "Pearson correlation of log(RCA+0.1) (Bahar et al. 2014)", True, (-1.0, 1.0)),
    MeasureSpec("ppr", "graph", "personalised PageRank from the region", False, (0.0, 1.0)),
    MeasureSpec("adamic-adar", "graph", "Σ over shared sectors of 1/log(#regions with sector)", True,
                (0.0, float("inf"))),
]
MEASURES: dict[str, MeasureSpec] = {s.name: s for s in _SPECS}

_SET = {"jaccard": "jaccard", "overlap": "overlap", "cosine": "cosine", "atlas-proximity": "proximity"}
_VALUE = {"weighted-jaccard": "jaccard", "weighted-overlap": "overlap", "weighted-cosine": "cosine"}


def _spec(name: str) -> MeasureSpec:
    if name not in MEASURES:
        raise KeyError(f"unknown measure {name!r}; known: {sorted(MEASURES)}")
    return MEASURES[name]


def _log_rca(matrix: RegionSectorMatrix) -> sp.csr_matrix:
    """y = log(RCA + 0.1) - log(0.1) = log1p(10 RCA): sparse, same Pearson as log(RCA+0.1)."""
    y = matrix.rca().copy()
    y.data = np.log1p(10.0 * y.data)
    return y


def _esi_rows(y: sp.csr_matrix, rows: np.ndarray | slice) -> np.ndarray:
    """Pearson correlation of rows ``rows`` of y vs all rows (dense result)."""
    S = y.shape[1]
    mean = np.asarray(y.mean(axis=1)).ravel()
    sq = np.asarray(y.multiply(y).sum(axis=1)).ravel()
    var = sq / S - mean**2
    sd = np.sqrt(np.maximum(var, 0.0))
    dots = (y[rows] @ y.T).toarray()
    mi = mean[rows]
    cov = dots / S - np.atleast_1d(mi)[:, None] * mean[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov / (np.atleast_1d(sd[rows])[:, None] * sd[None, :])
    return np.clip(np.nan_to_num(r), -1.0, 1.0)


def adamic_adar_weights(presence: sp.csr_matrix) -> np.ndarray:
    """Per-sector weight 1/log(deg) (0 for deg < 2, which can't be shared)."""
    deg = np.asarray(presence.sum(axis=0)).ravel()
    with np.errstate(divide="ignore"):
        return np.where(deg >= 2, 1.0 / np.log(np.maximum(deg, 2)), 0.0)


def region_graph(matrix: RegionSectorMatrix, *, threshold: float = 1.0) -> nx.Graph:
    """Bipartite region–sector graph (presence links), nodes ``("region", r)`` / ``("sector", s)``."""
    G = nx.Graph()
    M = matrix.presence(threshold) if matrix.has_values else matrix.values
    G.add_nodes_from((("region", r) for r in matrix.regions), kind="region")
    G.add_nodes_from((("sector", s) for s in matrix.sectors), kind="sector")
    coo = M.tocoo()
    G.add_edges_from((("region", matrix.regions[i]), ("sector", matrix.sectors[j])) for i, j in zip(coo.row, coo.col))
    return G


def ppr(graph: nx.Graph, region: Hashable, *, region_nodes: list[Hashable] | None = None,
        alpha: float = 0.85, weight: str | None = "weight") -> dict[Hashable, float]:
    """Personalised PageRank from ``region`` (restart probability 1-alpha) over ``graph``.

    Returns ``{node: score}`` for ``region_nodes`` (default: nodes with attribute
    ``kind == "region"``), the source itself excluded.
    """
    pr = nx.pagerank(graph, alpha=alpha, personalization={region: 1.0}, weight=weight)
    if region_nodes is None:
        region_nodes = [n for n, d in graph.nodes(data=True) if d.get("kind") == "region"]
    return {n: pr.get(n, 0.0) for n in region_nodes if n != region}


def score_all(name: str, matrix: RegionSectorMatrix, region_index: int, *,
              graph: nx.Graph | None = None, threshold: float = 1.0) -> np.ndarray:
    """Scores of region ``region_index`` vs every region (length n; own entry NaN).

    Set measures use ``matrix.presence(threshold)``; ``ppr`` uses ``graph`` (default
    :func:`region_graph`) whose region nodes are ``("region", id)``.
    """
    spec = _spec(name)
    i = region_index
    if name in _SET:
        M = matrix.presence(threshold) if matrix.has_values else matrix.values
        out = _sim.row_scores(M, i, metric=_SET[name])
    elif name in _VALUE:
        out = _sim.row_scores(matrix.values, i, metric=_VALUE[name], weighted=matrix.has_values)
    elif name == "rca-cosine":
        out = _sim.row_scores(matrix.rca(), i, metric="cosine", weighted=True)
    elif name == "esi":
        out = _esi_rows(_log_rca(matrix), np.array([i]))[0]
    elif name == "adamic-adar":
        M = matrix.presence(threshold) if matrix.has_values else matrix.values
        w = adamic_adar_weights(M)
        out = np.asarray(M @ (M[i].toarray().ravel() * w)).ravel()
    elif name == "ppr":
        G = graph if graph is not None else region_graph(matrix, threshold=threshold)
        nodes = [("region", r) for r in matrix.regions]
        sc = ppr(G, ("region", matrix.regions[i]), region_nodes=nodes)
        out = np.array([sc.get(n, 0.0) for n in nodes])
    else:  # pragma: no cover
        raise KeyError(spec.name)
    out = np.asarray(out, dtype=float).copy()
    out[i] = np.nan
    return out


def pairwise(name: str, matrix: RegionSectorMatrix, *, threshold: float = 1.0) -> np.ndarray:
    """Dense n x n matrix of the measure (diagonal = self score; ppr row-by-row). Small n only."""
    _spec(name)
    if name in _SET:
        M = matrix.presence(threshold) if matrix.has_values else matrix.values
        return _sim.pairwise_scores(M, metric=_SET[name])
    if name in _VALUE:
        return _sim.pairwise_scores(matrix.values, metric=_VALUE[name], weighted=matrix.has_values)
    if name == "rca-cosine":
        return _sim.pairwise_scores(matrix.rca(), metric="cosine", weighted=True)
    if name == "esi":
        y = _log_rca(matrix)
        return _esi_rows(y, np.arange(y.shape[0]))
    if name == "adamic-adar":
        M = matrix.presence(threshold) if matrix.has_values else matrix.values
        w = adamic_adar_weights(M)
        return (M @ sp.diags(w) @ M.T).toarray()
    rows = []
    for i in range(len(matrix.regions)):
        r = score_all(name, matrix, i, threshold=threshold)
        r[i] = 0.0
        rows.append(r)
    return np.vstack(rows)
