"""The measure registry: every region x region measure rox ranks partners by.

Each measure is one pure function ``f(part, i) -> scores`` (scores of region ``i``
against every region, its own entry included), registered with :func:`measure`,
which records its name, the input part it takes (see
:mod:`rox.queries.rank_input`: ``presence``, ``values``, ``rca``, ``relatedness``,
``graph``, ``components``), whether it is symmetric, its range and a one-line
summary. Its docstring gives the formula (a ``Formula:`` line) and the reference
(a ``Reference:`` line); :func:`readme_table` renders the README's table from them.

Adding a measure is one decorated function here and its test; the CLI
(``choices=measure_names()``), the app, the README table and the regression pins
follow the registry.

>>> from rox.queries.matrix import RegionSectorMatrix
>>> m = RegionSectorMatrix.from_rows([("a", "x", None), ("a", "y", None), ("b", "x", None)])
>>> score_all("jaccard", m, 0).tolist()
[nan, 0.5]
>>> spec("esi").input, spec("esi").range
('rca', (-1.0, 1.0))
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from rox.graph.errors import UsageError
from rox.queries import similarity as _sim
from rox.queries.blend import COMPONENTS, scale_to_best
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.rank_input import INPUTS, Components, RankInput, RegionGraph, Relatedness, whole_graph

if TYPE_CHECKING:  # networkx is imported when a graph measure runs (start-up time)
    import networkx as nx

__all__ = [
    "MEASURES",
    "Measure",
    "describe",
    "measure",
    "measure_names",
    "pairwise",
    "parts",
    "readme_table",
    "region_graph",
    "score_all",
    "spec",
]

Scorer = Callable[[Any, int], np.ndarray]
Parts = Callable[[Any, int], dict[str, np.ndarray]]


@dataclass(frozen=True)
class Measure:
    """A registered measure: what it takes, what it returns, where it comes from."""

    name: str
    input: str
    symmetric: bool
    range: tuple[float, float]
    summary: str
    function: Scorer
    formula: str
    reference: str
    parts: Parts | None = None  # reported components (``score_<name>`` columns), if any

    @property
    def description(self) -> str:
        """The one-line summary (the name the app reads)."""
        return self.summary


MEASURES: dict[str, Measure] = {}
_FIELD = re.compile(r"^\s*(Formula|Reference):\s*(.+?)\s*$")


def _doc_fields(fn: Callable[..., Any]) -> dict[str, str]:
    """The ``Formula:`` and ``Reference:`` lines of a docstring (continuation lines joined)."""
    out: dict[str, str] = {}
    key = None
    for line in (inspect.getdoc(fn) or "").splitlines():
        m = _FIELD.match(line)
        if m:
            key = m.group(1).lower()
            out[key] = m.group(2)
        elif key and line.startswith(" ") and line.strip():
            out[key] += " " + line.strip()
        else:
            key = None
    return out


def measure(
    name: str, *, input: str, symmetric: bool, range: tuple[float, float], summary: str, parts: Parts | None = None
) -> Callable[[Scorer], Scorer]:
    """Register the decorated function as measure ``name``; its docstring must carry
    ``Formula:`` and ``Reference:`` lines."""

    def register(fn: Scorer) -> Scorer:
        fields = _doc_fields(fn)
        missing = [k for k in ("formula", "reference") if k not in fields]
        if missing or input not in INPUTS or name in MEASURES:
            raise ValueError(
                f"measure {name!r}: missing {missing} in the docstring, unknown input {input!r} "
                f"(inputs: {INPUTS}) or registered twice"
            )
        MEASURES[name] = Measure(
            name, input, symmetric, range, summary, fn, fields["formula"], fields["reference"], parts
        )
        return fn

    return register


def measure_names() -> list[str]:
    """Every registered measure, in registration order (what ``rox match --measure`` accepts)."""
    return list(MEASURES)


def spec(name: str) -> Measure:
    """The registered measure ``name`` (:class:`UsageError` listing the names otherwise)."""
    if name not in MEASURES:
        raise UsageError(f"unknown measure {name!r}; measures: {', '.join(MEASURES)}")
    return MEASURES[name]


def describe(name: str) -> dict[str, Any]:
    """A measure as plain data: name, input, symmetric, range, summary, formula, reference.

    >>> describe("overlap")["formula"]
    '|A∩B| / min(|A|, |B|)'
    """
    s = spec(name)
    return {
        "name": s.name,
        "input": s.input,
        "symmetric": s.symmetric,
        "range": s.range,
        "summary": s.summary,
        "formula": s.formula,
        "reference": s.reference,
    }


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme_table() -> str:
    """The README's measure table (section "### Matching"), one row per registered measure."""
    lines = ["| measure | input | what | formula | reference |", "| --- | --- | --- | --- | --- |"]
    lines += [
        f"| `{s.name}` | {s.input} | {_cell(s.summary)} | {_cell(s.formula)} | {_cell(s.reference)} |"
        for s in MEASURES.values()
    ]
    return "\n".join(lines)


# ------------------------------------------------------------------ running measures
def _input(data: RankInput | RegionSectorMatrix, threshold: float, strict: bool) -> RankInput:
    return data if isinstance(data, RankInput) else RankInput(data, threshold=threshold, strict=strict)


def score_all(
    name: str,
    data: RankInput | RegionSectorMatrix,
    region_index: int,
    *,
    graph: nx.Graph | None = None,
    threshold: float = 1.0,
    strict: bool = False,
) -> np.ndarray:
    """Scores of region ``region_index`` vs every region (length n; own entry NaN).

    ``data`` is a :class:`RankInput` or a bare matrix (presence ``RCA >= threshold``,
    ``strict``: ``>``); ``graph`` replaces the ``graph`` part (region nodes ``("region", id)``).
    """
    s = spec(name)
    inp = _input(data, threshold, strict)
    if graph is not None and s.input == "graph":
        part: Any = RegionGraph(graph, [("region", r) for r in inp.matrix.regions])
    else:
        part = inp.part(s.input)
    out = np.asarray(s.function(part, region_index), dtype=float).copy()
    out[region_index] = np.nan
    return out


def parts(name: str, data: RankInput | RegionSectorMatrix, region_index: int) -> dict[str, np.ndarray]:
    """The components a measure reports beside its score (``{}`` for most)."""
    s = spec(name)
    return {} if s.parts is None else s.parts(_input(data, 1.0, False).part(s.input), region_index)


def pairwise(
    name: str, data: RankInput | RegionSectorMatrix, *, threshold: float = 1.0, strict: bool = False
) -> np.ndarray:
    """Dense n x n matrix of the measure, row i = ``f(part, i)`` (diagonal: self score). Small n only."""
    s = spec(name)
    part = _input(data, threshold, strict).part(s.input)
    return np.vstack([np.asarray(s.function(part, i), dtype=float) for i in range(_size(data))])


def _size(data: RankInput | RegionSectorMatrix) -> int:
    """Number of regions."""
    return len((data.matrix if isinstance(data, RankInput) else data).regions)


def region_graph(matrix: RegionSectorMatrix, *, threshold: float = 1.0) -> nx.Graph:
    """Bipartite region–sector graph (presence links), nodes ``("region", r)`` / ``("sector", s)``."""
    G = whole_graph(matrix, RankInput(matrix, threshold=threshold).presence)
    G.add_nodes_from((("sector", s) for s in matrix.sectors), kind="sector")
    return G


# ------------------------------------------------------------------ the measures
@measure(
    "jaccard",
    input="presence",
    symmetric=True,
    range=(0.0, 1.0),
    summary="shared sectors over the sectors either region holds",
)
def jaccard(M: sp.csr_matrix, i: int) -> np.ndarray:
    """Jaccard index of the sets of sectors A and B two regions hold.

    Formula: |A∩B| / |A∪B|
    Reference: Jaccard 1901; Neo4j GDS node similarity

    >>> jaccard(sp.csr_matrix([[1, 1, 0], [1, 0, 1]]), 0).tolist()
    [1.0, 0.3333333333333333]
    """
    return _sim.row_scores(M, i, metric="jaccard")


@measure(
    "overlap",
    input="presence",
    symmetric=True,
    range=(0.0, 1.0),
    summary="shared sectors over the smaller region's sectors",
)
def overlap(M: sp.csr_matrix, i: int) -> np.ndarray:
    """Overlap (Szymkiewicz–Simpson) coefficient of the sets of sectors held.

    Formula: |A∩B| / min(|A|, |B|)
    Reference: Szymkiewicz 1934, Simpson 1943; Neo4j GDS node similarity

    >>> overlap(sp.csr_matrix([[1, 1, 0], [1, 0, 0]]), 0).tolist()
    [1.0, 1.0]
    """
    return _sim.row_scores(M, i, metric="overlap")


@measure(
    "cosine",
    input="presence",
    symmetric=True,
    range=(0.0, 1.0),
    summary="shared sectors over the geometric mean of both counts",
)
def cosine(M: sp.csr_matrix, i: int) -> np.ndarray:
    """Cosine (Salton) similarity of the sets of sectors held.

    Formula: |A∩B| / sqrt(|A| |B|)
    Reference: Salton & McGill 1983; Neo4j GDS node similarity

    >>> cosine(sp.csr_matrix([[1, 1, 0, 0], [1, 0, 0, 0]]), 0).round(4).tolist()
    [1.0, 0.7071]
    """
    return _sim.row_scores(M, i, metric="cosine")


@measure(
    "atlas-proximity",
    input="presence",
    symmetric=True,
    range=(0.0, 1.0),
    summary="shared sectors over the larger region's sectors (country proximity)",
)
def atlas_proximity(M: sp.csr_matrix, i: int) -> np.ndarray:
    """The Atlas of Economic Complexity's proximity, applied to regions instead of products.

    Formula: |A∩B| / max(|A|, |B|)
    Reference: Hidalgo, Klinger, Barabási & Hausmann 2007 (Science 317); Atlas of Economic Complexity, country proximity

    >>> atlas_proximity(sp.csr_matrix([[1, 1, 0], [1, 0, 0]]), 0).tolist()
    [1.0, 0.5]
    """
    return _sim.row_scores(M, i, metric="proximity")


@measure("weighted-jaccard", input="values", symmetric=True, range=(0.0, 1.0), summary="Jaccard index on sector values")
def weighted_jaccard(X: sp.csr_matrix, i: int) -> np.ndarray:
    """Weighted (Ruzicka) Jaccard index of the sector value vectors x_a, x_b.

    Formula: Σ min(x_a, x_b) / Σ max(x_a, x_b)
    Reference: Ioffe 2010; Neo4j GDS weighted node similarity

    >>> weighted_jaccard(sp.csr_matrix([[2.0, 1.0], [1.0, 3.0]]), 0).tolist()
    [1.0, 0.4]
    """
    return _sim.row_scores(X, i, metric="jaccard", weighted=True)


@measure(
    "weighted-overlap", input="values", symmetric=True, range=(0.0, 1.0), summary="overlap coefficient on sector values"
)
def weighted_overlap(X: sp.csr_matrix, i: int) -> np.ndarray:
    """Weighted overlap coefficient of the sector value vectors.

    Formula: Σ min(x_a, x_b) / min(Σ x_a, Σ x_b)
    Reference: Neo4j GDS weighted node similarity (overlap)

    >>> weighted_overlap(sp.csr_matrix([[2.0, 1.0], [1.0, 3.0]]), 0).tolist()
    [1.0, 0.6666666666666666]
    """
    return _sim.row_scores(X, i, metric="overlap", weighted=True)


@measure(
    "weighted-cosine", input="values", symmetric=True, range=(0.0, 1.0), summary="cosine of the sector value vectors"
)
def weighted_cosine(X: sp.csr_matrix, i: int) -> np.ndarray:
    """Cosine similarity of the sector value vectors.

    Formula: x_a·x_b / (‖x_a‖ ‖x_b‖)
    Reference: Salton & McGill 1983; Neo4j GDS cosine similarity

    >>> weighted_cosine(sp.csr_matrix([[1.0, 0.0], [1.0, 1.0]]), 0).round(4).tolist()
    [1.0, 0.7071]
    """
    return _sim.row_scores(X, i, metric="cosine", weighted=True)


@measure(
    "rca-cosine", input="rca", symmetric=True, range=(0.0, 1.0), summary="cosine of the RCA (location quotient) vectors"
)
def rca_cosine(R: sp.csr_matrix, i: int) -> np.ndarray:
    """Cosine similarity of the Balassa RCA vectors r_a, r_b.

    Formula: r_a·r_b / (‖r_a‖ ‖r_b‖), RCA_rs = (x_rs / x_r) / (x_s / x)
    Reference: Balassa 1965 (The Manchester School 33(2))

    >>> rca_cosine(sp.csr_matrix([[2.0, 0.0], [0.0, 2.0]]), 0).tolist()
    [1.0, 0.0]
    """
    return _sim.row_scores(R, i, metric="cosine", weighted=True)


@measure(
    "esi",
    input="rca",
    symmetric=True,
    range=(-1.0, 1.0),
    summary="correlation of log RCA profiles (export similarity index)",
)
def esi(R: sp.csr_matrix, i: int) -> np.ndarray:
    """Export similarity index: Pearson correlation across sectors of y = log(RCA + 0.1).

    Computed on the sparse y' = log1p(10 RCA) = y - log(0.1), whose correlations are the same.

    Formula: corr_s(log(RCA_as + 0.1), log(RCA_bs + 0.1))
    Reference: Bahar, Hausmann & Hidalgo 2014 (J. Int. Econ. 92(1))

    >>> R = np.array([[2.0, 0.5, 0.0], [1.5, 0.2, 0.0], [0.0, 0.1, 3.0]])
    >>> esi(sp.csr_matrix(R), 0).round(3).tolist()
    [1.0, 0.976, -0.974]
    >>> np.corrcoef(np.log(R + 0.1))[0].round(3).tolist()
    [1.0, 0.976, -0.974]
    """
    y = sp.csr_matrix(R, dtype=float, copy=True)
    y.data = np.log1p(10.0 * y.data)
    S = y.shape[1]
    mean = np.asarray(y.mean(axis=1)).ravel()
    var = np.asarray(y.multiply(y).sum(axis=1)).ravel() / S - mean**2
    sd = np.sqrt(np.maximum(var, 0.0))
    cov = (y[i] @ y.T).toarray().ravel() / S - mean[i] * mean
    with np.errstate(divide="ignore", invalid="ignore"):
        r = cov / (sd[i] * sd)
    return np.clip(np.nan_to_num(r), -1.0, 1.0)


@measure(
    "ppr",
    input="graph",
    symmetric=False,
    range=(0.0, 1.0),
    summary="personalised PageRank over regions, sectors, firms, universities, agreements",
)
def ppr(g: RegionGraph, i: int) -> np.ndarray:
    """Personalised PageRank from the region (restart probability 0.15) over the whole
    graph; the scores of the region nodes.

    Formula: p = 0.85 · p W + 0.15 · e_a (W the random-walk matrix of the graph), score = p_b
    Reference: Page, Brin, Motwani & Winograd 1999; Haveliwala 2002

    >>> import networkx as nx
    >>> G = nx.Graph([(("region", "a"), "s"), (("region", "b"), "s")])
    >>> ppr(RegionGraph(G, [("region", "a"), ("region", "b")]), 0).round(3).tolist()
    [0.345, 0.195]
    """
    import networkx as nx

    pr = nx.pagerank(g.graph, alpha=0.85, personalization={g.nodes[i]: 1.0}, weight="weight")
    return np.array([pr.get(n, 0.0) for n in g.nodes])


def adamic_adar_weights(M: sp.spmatrix) -> np.ndarray:
    """Per-sector weight 1/log(deg) (0 for deg < 2: such a sector cannot be shared)."""
    deg = np.asarray(M.sum(axis=0)).ravel()
    with np.errstate(divide="ignore"):
        return np.where(deg >= 2, 1.0 / np.log(np.maximum(deg, 2)), 0.0)


@measure(
    "adamic-adar",
    input="presence",
    symmetric=True,
    range=(0.0, float("inf")),
    summary="shared sectors, each weighted by its rarity",
)
def adamic_adar(M: sp.csr_matrix, i: int) -> np.ndarray:
    """Adamic–Adar index on the bipartite region–sector graph (``networkx.adamic_adar_index``).

    Formula: Σ_{s ∈ A∩B} 1 / log(deg(s)), deg(s) = number of regions holding s
    Reference: Adamic & Adar 2003

    >>> adamic_adar(sp.csr_matrix([[1, 1], [1, 0], [1, 1]]), 1).round(4).tolist()
    [0.9102, 0.9102, 0.9102]
    """
    return np.asarray(M @ (M[i].toarray().ravel() * adamic_adar_weights(M))).ravel()


@measure(
    "complementarity",
    input="relatedness",
    symmetric=False,
    range=(0.0, float("inf")),
    summary="partner's strength in the sectors the region lacks but is close to",
)
def complementarity(rel: Relatedness, i: int) -> np.ndarray:
    """Density-weighted strength with which the partner q holds the sectors region r
    lacks (L = {s : M_rs = 0}), ω_rs the relatedness density of r in s.

    Formula: Σ_{s∈L} ω_rs · M_qs · RCA_qs / Σ_{s∈L} ω_rs, L = sectors r lacks, ω_rs = relatedness density
    Reference: Hidalgo, Klinger, Barabási & Hausmann 2007 (Science 317): proximity, density

    >>> M = np.array([[1.0, 0.0], [1.0, 1.0], [0.0, 1.0]])
    >>> complementarity(Relatedness(M, M), 0).tolist()
    [0.0, 1.0, 1.0]
    """
    return rel.complementarity(i).scores


def blend_parts(c: Components, i: int) -> dict[str, np.ndarray]:
    """The five ``blend`` components, each in [0, 1] (see :mod:`rox.queries.blend`)."""
    return {
        "overlap": np.nan_to_num(jaccard(c.presence, i)),
        "complementarity": scale_to_best(complementarity(c.relatedness, i), c.candidates),
        "links": scale_to_best(c.evidence.links, c.candidates),
        "agreements": c.evidence.agreements,
        "trade": c.evidence.trade,
    }


@measure(
    "blend",
    input="components",
    symmetric=False,
    range=(0.0, 1.0),
    summary="weighted mean of " + ", ".join(f"`{k}`" for k in COMPONENTS) + ", each reported as `score_<component>`",
    parts=blend_parts,
)
def blend(c: Components, i: int) -> np.ndarray:
    """Weighted mean of the components (overlap: Jaccard; complementarity and links
    divided by the best candidate's; agreements and trade 1 or 0).

    Formula: Σ_k w_k · c_k / Σ_k w_k over k in overlap, complementarity, links, agreements, trade
    Reference: rox's own composite (components and scaling in queries/blend.py)
    """
    comps = blend_parts(c, i)
    total = sum(c.weights[k] * comps[k] for k in COMPONENTS)
    return np.asarray(total, dtype=float) / sum(c.weights.values())
