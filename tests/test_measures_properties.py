"""Property tests (hypothesis) for queries.measures and the top-k core."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rox.queries import measures as ms
from rox.queries import similarity as sim
from rox.queries.matrix import RegionSectorMatrix

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SYMMETRIC_BOUNDED = [n for n, s in ms.MEASURES.items() if s.symmetric and s.kind != "graph"]


@st.composite
def matrices(draw, min_regions=2, max_regions=8, max_sectors=6):
    n = draw(st.integers(min_regions, max_regions))
    s = draw(st.integers(2, max_sectors))
    cells = draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0, 40.0]), min_size=s, max_size=s),
                          min_size=n, max_size=n))
    X = np.array(cells)
    X[:, 0] += 1.0  # every region has something -> RCA defined
    return RegionSectorMatrix([f"r{i}" for i in range(n)], [f"s{j}" for j in range(s)], sp.csr_matrix(X))


def test_registry():
    assert set(ms.MEASURES) == {"jaccard", "overlap", "cosine", "atlas-proximity", "weighted-jaccard",
                                "weighted-overlap", "weighted-cosine", "rca-cosine", "esi", "ppr", "adamic-adar"}
    for name, spec in ms.MEASURES.items():
        assert spec.name == name and spec.kind in {"set", "value", "graph"}


@pytest.mark.parametrize("name", SYMMETRIC_BOUNDED)
@SETTINGS
@given(m=matrices())
def test_symmetric_and_in_range(name, m):
    P = ms.pairwise(name, m)
    lo, hi = ms.MEASURES[name].range
    assert np.allclose(P, P.T, atol=1e-12)
    assert (P >= lo - 1e-12).all() and (P <= hi + 1e-12).all()
    for i in range(len(m.regions)):
        row = ms.score_all(name, m, i)
        assert np.isnan(row[i])
        mask = np.arange(len(row)) != i
        assert np.allclose(row[mask], P[i, mask], atol=1e-12)


@pytest.mark.parametrize("name", SYMMETRIC_BOUNDED)
@SETTINGS
@given(m=matrices(min_regions=1, max_regions=5))
def test_identical_profiles_score_one(name, m):
    X = m.values.toarray()
    X2 = np.vstack([X, X[:1]])  # duplicate region 0
    m2 = RegionSectorMatrix(m.regions + ["copy"], m.sectors, sp.csr_matrix(X2))
    s = ms.score_all(name, m2, 0)[-1]
    if name in ms._SET and m2.presence()[0].nnz == 0:
        assert s == 0.0  # empty presence set: no similarity defined, 0 by convention
    elif name == "esi" and np.allclose(np.log1p(10 * m2.rca()[0].toarray()), np.log1p(10 * m2.rca()[0].toarray()).mean()):
        assert s == 0.0  # constant log-RCA vector: correlation undefined -> 0
    else:
        assert s == pytest.approx(1.0, abs=1e-9)


@SETTINGS
@given(m=matrices(max_regions=10), k=st.integers(1, 4),
       metric=st.sampled_from(sim.METRICS), weighted=st.booleans(), mode=st.sampled_from(["dense", "sparse"]))
def test_topk_never_returns_self_and_matches_row(m, k, metric, weighted, mode):
    r, c, v = sim.topk_pairs(m.values, metric=metric, k=k, weighted=weighted, mode=mode, chunk_rows=3)
    assert (r != c).all()
    assert np.bincount(r, minlength=len(m.regions)).max(initial=0) <= k
    assert ((v >= 0) & (v <= 1 + 1e-12)).all()
    for i in range(len(m.regions)):
        cols, sc = sim.topk_for_row(m.values, i, metric=metric, k=k, weighted=weighted)
        assert cols.tolist() == c[r == i].tolist()
        assert np.allclose(sc, v[r == i], atol=1e-9)


@SETTINGS
@given(m=matrices(max_regions=6))
def test_adamic_adar_matches_networkx(m):
    G = ms.region_graph(m)
    P = ms.pairwise("adamic-adar", m)
    pairs = [(("region", a), ("region", b)) for i, a in enumerate(m.regions) for b in m.regions[i + 1:]]
    for u, v, p in nx.adamic_adar_index(G, pairs):
        i, j = m.index_of(u[1]), m.index_of(v[1])
        assert P[i, j] == pytest.approx(p, abs=1e-12)


def test_ppr_scores_regions_only():
    m = RegionSectorMatrix.from_rows([("a", "x", 5.0), ("a", "y", 1.0), ("b", "x", 4.0), ("c", "z", 3.0),
                                      ("c", "y", 9.0), ("d", "z", 2.0)])
    G = ms.region_graph(m)
    G.add_node(("firm", "f1"), kind="firm")
    G.add_edge(("firm", "f1"), ("region", "a"))
    G.add_edge(("firm", "f1"), ("region", "d"))
    row = ms.score_all("ppr", m, m.index_of("a"), graph=G)
    assert np.isnan(row[0]) and (row[1:] > 0).all()
    assert abs(np.nansum(row)) < 1.0


def test_from_rows_year_rules():
    rows = [{"region": "a", "sector": "x", "value": 1.0, "year": 2020},
            {"region": "a", "sector": "y", "value": 2.0, "year": 2021},
            {"region": "b", "sector": "x", "value": 3.0, "year": 2019}]
    latest = RegionSectorMatrix.from_rows(rows)
    assert latest.values.toarray().tolist() == [[0.0, 2.0], [3.0, 0.0]] or latest.sectors == ["y", "x"]
    assert dict(zip(latest.sectors, latest.values[latest.index_of("a")].toarray()[0])) == {"y": 2.0, "x": 0.0}
    y2020 = RegionSectorMatrix.from_rows(rows, year=2020)
    assert y2020.regions == ["a"] and y2020.sectors == ["x"]
    pres = RegionSectorMatrix.from_rows([("a", "x", None), ("b", "x", None)])
    assert not pres.has_values and pres.presence().toarray().tolist() == [[1.0], [1.0]]
