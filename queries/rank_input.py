"""What a measure reads: one :class:`RankInput`, each part computed on first use.

Every registered measure (:mod:`rox.queries.measures`) declares the kind of input it
takes, and receives exactly that part:

* ``presence``: binary CSR M, regions x sectors (``RCA >= threshold``, ``strict``:
  ``>``, when the facts carry values; else the links themselves);
* ``values``: the CSR value matrix (0/1 links for presence-only data);
* ``rca``: Balassa RCA of the values (:func:`rox.queries.matrix.balassa_rca`);
* ``relatedness``: :class:`Relatedness`, sparse M and strength (RCA; M for
  presence-only data), for complementarity;
* ``graph``: :class:`RegionGraph`, regions, sectors and the fetched firms,
  universities and agreements as one NetworkX graph;
* ``components``: :class:`Components`, everything ``blend`` mixes.

Nothing here touches a store: the fetch step hands the facts in.

>>> from rox.queries.matrix import RegionSectorMatrix
>>> m = RegionSectorMatrix.from_rows([("a", "x", 3.0), ("a", "y", 1.0), ("b", "y", 4.0)])
>>> inp = RankInput(m)
>>> inp.presence.toarray().tolist()
[[1.0, 0.0], [0.0, 1.0]]
>>> sorted(inp.graph.graph.edges())
[(('region', 'a'), ('sector', 'x')), (('region', 'b'), ('sector', 'y'))]
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import scipy.sparse as sp

from rox.queries.blend import DEFAULT_WEIGHTS, Evidence
from rox.queries.complexity import complementarity_scores
from rox.queries.matrix import RegionSectorMatrix, balassa_rca, presence

if TYPE_CHECKING:  # networkx is imported when a graph measure runs (start-up time)
    import networkx as nx

__all__ = ["INPUTS", "Components", "RankInput", "RegionGraph", "Relatedness", "whole_graph"]

INPUTS = ("presence", "values", "rca", "relatedness", "graph", "components")

Edge = tuple[Hashable, Hashable]


class RegionGraph(NamedTuple):
    """A graph whose region nodes are ``("region", id)``, and those nodes in matrix order."""

    graph: nx.Graph
    nodes: list[Hashable]


class Relatedness(NamedTuple):
    """Presence M and strength (RCA, or M for presence-only data), regions x sectors, sparse
    (dense arrays work too);
    ``scores`` keeps each region's complementarity once computed (blend's ranking and the
    explanation of its rows ask for the same one)."""

    presence: sp.csr_matrix | np.ndarray
    strength: sp.csr_matrix | np.ndarray
    scores: dict[int, Any] | None = None

    def complementarity(self, i: int) -> Any:
        """:func:`~rox.queries.complexity.complementarity_scores` of region ``i``, computed once."""
        if self.scores is None:
            return complementarity_scores(self.presence, self.strength, i)
        if i not in self.scores:
            self.scores[i] = complementarity_scores(self.presence, self.strength, i)
        return self.scores[i]


@dataclass(frozen=True, eq=False)
class Components:
    """Everything ``blend`` mixes, for one target: presence (overlap), relatedness
    (complementarity), the link evidence, which regions are candidates (components
    are scaled by the best candidate) and the weights."""

    presence: sp.csr_matrix
    relatedness: Relatedness
    evidence: Evidence
    candidates: np.ndarray  # bool mask over regions
    weights: Mapping[str, float]


def whole_graph(matrix: RegionSectorMatrix, presence: sp.spmatrix, edges: Sequence[Edge] = ()) -> nx.Graph:
    """Regions (nodes ``("region", id)``, ``kind="region"``), their present sectors
    (``("sector", id)``) and ``edges`` (firms, universities, agreements) as one graph."""
    import networkx as nx

    G = nx.Graph()
    for r in matrix.regions:
        G.add_node(("region", r), kind="region")
    rows, cols = presence.nonzero()
    for i, j in zip(rows, cols, strict=True):
        G.add_edge(("region", matrix.regions[i]), ("sector", matrix.sectors[j]))
    G.add_edges_from(edges)
    return G


@dataclass(frozen=True, eq=False)
class RankInput:
    """The facts of one ranking and the rule that reads them; parts are lazy.

    ``mode`` is ``"values"`` (facts carry values: presence is RCA >= threshold) or
    ``"presence"`` (the matrix holds 0/1 links); ``None`` takes it from the matrix.
    ``graph_edges`` are the extra edges of the ``graph`` part; ``evidence``,
    ``candidates`` and ``weights`` feed the ``components`` part.
    """

    matrix: RegionSectorMatrix
    mode: str | None = None
    threshold: float = 1.0
    strict: bool = False
    graph_edges: tuple[Edge, ...] = ()
    evidence: Evidence | None = None
    candidates: np.ndarray | None = None
    weights: Mapping[str, float] | None = None
    given_rca: sp.csr_matrix | None = None  # RCA computed elsewhere (per dataset: rox.queries.cross)

    def __post_init__(self) -> None:
        if self.mode is None:
            object.__setattr__(self, "mode", "values" if self.matrix.has_values else "presence")
        if self.mode not in ("values", "presence"):
            raise ValueError(f"mode must be 'values' or 'presence', got {self.mode!r}")

    def part(self, kind: str) -> Any:
        """The part a measure of input ``kind`` takes (one of :data:`INPUTS`)."""
        if kind not in INPUTS:
            raise ValueError(f"unknown measure input {kind!r}; inputs: {', '.join(INPUTS)}")
        return getattr(self, kind)

    @cached_property
    def presence(self) -> sp.csr_matrix:
        if self.mode == "values" and self.given_rca is not None:
            return presence(self.given_rca, self.threshold, self.strict)
        if self.mode == "values":
            return self.matrix.presence(self.threshold, self.strict)
        links = self.matrix.values.copy()
        links.eliminate_zeros()
        links.data[:] = 1.0
        return links

    @property
    def values(self) -> sp.csr_matrix:
        return self.matrix.values

    @cached_property
    def rca(self) -> sp.csr_matrix:
        return balassa_rca(self.matrix.values) if self.given_rca is None else self.given_rca

    @property
    def explained_rca(self) -> sp.csr_matrix | None:
        """The RCA shown in explanations: None for presence-only data (RCA of links means nothing)."""
        return self.rca if self.mode == "values" else None

    @cached_property
    def relatedness(self) -> Relatedness:
        M = self.presence
        return Relatedness(M, self.rca if self.mode == "values" else M, {})

    @cached_property
    def graph(self) -> RegionGraph:
        G = whole_graph(self.matrix, self.presence, self.graph_edges)
        return RegionGraph(G, [("region", r) for r in self.matrix.regions])

    @cached_property
    def components(self) -> Components:
        n = len(self.matrix.regions)
        mask = np.ones(n, dtype=bool) if self.candidates is None else np.asarray(self.candidates, dtype=bool)
        return Components(
            self.presence,
            self.relatedness,
            self.evidence or Evidence.none(n),
            mask,
            dict(self.weights or DEFAULT_WEIGHTS),
        )
