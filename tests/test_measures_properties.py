"""Every registered measure against an independent reference (plain Python sets,
dense NumPy formulas, a power iteration, explicit loops), plus property tests
(hypothesis) for the registry's contracts and the top-k core."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rox.graph.errors import UsageError
from rox.queries import measures as ms
from rox.queries import similarity as sim
from rox.queries.blend import COMPONENTS, Evidence
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.rank_input import INPUTS, RankInput

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SYMMETRIC_BOUNDED = [n for n, s in ms.MEASURES.items() if s.symmetric and math.isfinite(s.range[1])]


@st.composite
def matrices(draw, min_regions=2, max_regions=8, max_sectors=6):
    n = draw(st.integers(min_regions, max_regions))
    s = draw(st.integers(2, max_sectors))
    cells = draw(
        st.lists(
            st.lists(st.sampled_from([0.0, 0.0, 1.0, 2.5, 7.0, 40.0]), min_size=s, max_size=s), min_size=n, max_size=n
        )
    )
    X = np.array(cells)
    X[:, 0] += 1.0  # every region has something -> RCA defined
    return RegionSectorMatrix([f"r{i}" for i in range(n)], [f"s{j}" for j in range(s)], sp.csr_matrix(X))


# ------------------------------------------------------------------ references
def dense_rca(X: np.ndarray) -> np.ndarray:
    """RCA_rs = (x_rs / x_r) / (x_s / x), written out."""
    out = np.zeros_like(X)
    total = X.sum()
    for r in range(X.shape[0]):
        for s in range(X.shape[1]):
            if X[r, s] > 0:
                out[r, s] = (X[r, s] / X[r].sum()) / (X[:, s].sum() / total)
    return out


def held(m: RegionSectorMatrix) -> list[set[int]]:
    """The sets of sectors each region holds (RCA >= 1)."""
    R = dense_rca(m.values.toarray())
    return [{s for s in range(R.shape[1]) if R[r, s] >= 1.0} for r in range(R.shape[0])]


def set_ref(size):
    def ref(m, i):
        sets = held(m)
        a = sets[i]
        return [len(a & b) / size(a, b) if size(a, b) else 0.0 for b in sets]

    return ref


def weighted_ref(kind):
    def ref(m, i):
        X = m.values.toarray()
        a = X[i]
        out = []
        for b in X:
            if kind == "jaccard":
                out.append(np.minimum(a, b).sum() / np.maximum(a, b).sum())
            elif kind == "overlap":
                out.append(np.minimum(a, b).sum() / min(a.sum(), b.sum()))
            else:
                out.append(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))
        return out

    return ref


def rca_cosine_ref(m, i):
    R = dense_rca(m.values.toarray())
    return [R[i] @ b / (np.linalg.norm(R[i]) * np.linalg.norm(b)) for b in R]


def esi_ref(m, i):
    Y = np.log(dense_rca(m.values.toarray()) + 0.1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.nan_to_num(np.corrcoef(Y)[i])


def adamic_adar_ref(m, i):
    sets = held(m)
    deg = {s: sum(s in b for b in sets) for s in range(m.shape[1])}
    return [sum(1 / math.log(deg[s]) for s in sets[i] & b) if j != i else 0.0 for j, b in enumerate(sets)]


def ppr_ref(m, i, alpha=0.85, steps=300):
    """Power iteration p <- alpha p W + (1 - alpha) e_i on the region–sector graph
    (dangling nodes restart at i, as networkx does)."""
    sets = held(m)
    n, s = len(sets), m.shape[1]
    A = np.zeros((n + s, n + s))
    for r, b in enumerate(sets):
        for t in b:
            A[r, n + t] = A[n + t, r] = 1.0
    deg = A.sum(axis=1)
    e = np.zeros(n + s)
    e[i] = 1.0
    p = e.copy()
    for _ in range(steps):
        spread = np.where(deg > 0, p / np.where(deg > 0, deg, 1), 0.0) @ A
        p = alpha * (spread + p[deg == 0].sum() * e) + (1 - alpha) * e
    return p[:n]


def proximity_ref(sets, s, t):
    holders_s = {r for r, b in enumerate(sets) if s in b}
    holders_t = {r for r, b in enumerate(sets) if t in b}
    big = max(len(holders_s), len(holders_t))
    return len(holders_s & holders_t) / big if big and s != t else 0.0


def complementarity_ref(m, i):
    sets = held(m)
    R = dense_rca(m.values.toarray())
    S = m.shape[1]
    phi = [[proximity_ref(sets, s, t) for t in range(S)] for s in range(S)]
    dens = [
        sum(phi[t][s] for t in sets[i]) / sum(phi[t][s] for t in range(S)) if sum(phi[t][s] for t in range(S)) else 0.0
        for s in range(S)
    ]
    lack = [s for s in range(S) if s not in sets[i]]
    total = sum(dens[s] for s in lack)
    return [sum(dens[s] * R[q, s] for s in lack if s in sets[q]) / total if total else 0.0 for q in range(len(sets))]


REFERENCES = {
    "jaccard": set_ref(lambda a, b: len(a | b)),
    "overlap": set_ref(lambda a, b: min(len(a), len(b))),
    "cosine": set_ref(lambda a, b: math.sqrt(len(a) * len(b))),
    "atlas-proximity": set_ref(lambda a, b: max(len(a), len(b))),
    "weighted-jaccard": weighted_ref("jaccard"),
    "weighted-overlap": weighted_ref("overlap"),
    "weighted-cosine": weighted_ref("cosine"),
    "rca-cosine": rca_cosine_ref,
    "esi": esi_ref,
    "adamic-adar": adamic_adar_ref,
    "ppr": ppr_ref,
    "complementarity": complementarity_ref,
}


def no_tie_at_threshold(m: RegionSectorMatrix) -> bool:
    """No RCA within rounding of the threshold 1 (there, >= is decided by the last bit
    of two equally valid summation orders)."""
    return not np.isclose(dense_rca(m.values.toarray()), 1.0, rtol=0.0, atol=1e-9).any()


def test_every_measure_has_a_reference_here():
    assert set(REFERENCES) | {"blend"} == set(ms.measure_names())  # blend: test_blend_is_the_weighted_mean


@pytest.mark.parametrize("name", sorted(REFERENCES))
@SETTINGS
@given(m=matrices(), data=st.data())
def test_measure_equals_its_reference(name, m, data):
    assume(no_tie_at_threshold(m))
    i = data.draw(st.integers(0, len(m.regions) - 1))
    got = ms.score_all(name, m, i)
    want = np.asarray(REFERENCES[name](m, i), dtype=float)
    mask = np.arange(len(m.regions)) != i
    assert np.isnan(got[i])
    # ppr: networkx stops when the L1 change is below N * 1e-6 (from a uniform start)
    tol = {"rtol": 0.0, "atol": 1e-4} if name == "ppr" else {"rtol": 1e-9, "atol": 1e-12}
    np.testing.assert_allclose(got[mask], want[mask], **tol)


@SETTINGS
@given(m=matrices(min_regions=3), data=st.data())
def test_blend_is_the_weighted_mean(m, data):
    assume(no_tie_at_threshold(m))
    n = len(m.regions)
    i = data.draw(st.integers(0, n - 1))
    links = np.array(data.draw(st.lists(st.sampled_from([0.0, 0.5, 1.0, 2.5]), min_size=n, max_size=n)))
    flags = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)))
    weights = dict(zip(COMPONENTS, data.draw(st.lists(st.floats(0.1, 3.0), min_size=5, max_size=5)), strict=True))
    mask = np.arange(n) != i
    inp = RankInput(m, evidence=Evidence(links, flags, 1.0 - flags), candidates=mask, weights=weights)
    parts = ms.parts("blend", inp, i)
    compl = np.asarray(complementarity_ref(m, i))
    jac = np.asarray(REFERENCES["jaccard"](m, i))
    want = {
        "overlap": jac,
        "complementarity": compl / compl[mask].max() if compl[mask].max() > 0 else compl,
        "links": links / links[mask].max() if links[mask].max() > 0 else links,
        "agreements": flags,
        "trade": 1.0 - flags,
    }
    for k in COMPONENTS:
        np.testing.assert_allclose(parts[k][mask], want[k][mask], atol=1e-9)
    mean = sum(weights[k] * want[k] for k in COMPONENTS) / sum(weights.values())
    np.testing.assert_allclose(ms.score_all("blend", inp, i)[mask], mean[mask], atol=1e-9)


# ------------------------------------------------------------------ registry contracts
def test_registry():
    assert ms.measure_names()[:4] == ["jaccard", "overlap", "cosine", "atlas-proximity"]
    assert ms.measure_names()[-2:] == ["complementarity", "blend"]
    for name, spec in ms.MEASURES.items():
        assert spec.name == name and spec.input in INPUTS and spec.summary and spec.description == spec.summary
        assert spec.range[0] < spec.range[1]
    assert ms.describe("esi")["reference"].startswith("Bahar, Hausmann & Hidalgo 2014")
    with pytest.raises(UsageError, match="unknown measure 'nope'; measures: jaccard, overlap"):
        ms.spec("nope")


def test_registering_needs_formula_and_reference():
    with pytest.raises(ValueError, match="missing \\['reference'\\]"):

        @ms.measure("broken", input="presence", symmetric=True, range=(0.0, 1.0), summary="x")
        def broken(M, i):
            """No reference.

            Formula: 1
            """

    assert "broken" not in ms.MEASURES


@pytest.mark.parametrize("name", SYMMETRIC_BOUNDED)
@SETTINGS
@given(m=matrices())
def test_symmetric_and_in_range(name, m):
    P = ms.pairwise(name, m)
    lo, hi = ms.MEASURES[name].range
    assert np.allclose(P, P.T, atol=1e-12)
    assert (lo - 1e-12 <= P).all() and (hi + 1e-12 >= P).all()
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
    if ms.spec(name).input == "presence" and m2.presence()[0].nnz == 0:
        assert s == 0.0  # empty presence set: no similarity defined, 0 by convention
    elif name == "esi" and np.allclose(
        np.log1p(10 * m2.rca()[0].toarray()), np.log1p(10 * m2.rca()[0].toarray()).mean()
    ):
        assert s == 0.0  # constant log-RCA vector: correlation undefined -> 0
    else:
        assert s == pytest.approx(1.0, abs=1e-9)


@SETTINGS
@given(
    m=matrices(max_regions=10),
    k=st.integers(1, 4),
    metric=st.sampled_from(sim.METRICS),
    weighted=st.booleans(),
    mode=st.sampled_from(["dense", "sparse"]),
)
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
    pairs = [(("region", a), ("region", b)) for i, a in enumerate(m.regions) for b in m.regions[i + 1 :]]
    for u, v, p in nx.adamic_adar_index(G, pairs):
        i, j = m.index_of(u[1]), m.index_of(v[1])
        assert P[i, j] == pytest.approx(p, abs=1e-12)


def test_ppr_scores_regions_only():
    m = RegionSectorMatrix.from_rows(
        [("a", "x", 5.0), ("a", "y", 1.0), ("b", "x", 4.0), ("c", "z", 3.0), ("c", "y", 9.0), ("d", "z", 2.0)]
    )
    G = ms.region_graph(m)
    G.add_node(("firm", "f1"), kind="firm")
    G.add_edge(("firm", "f1"), ("region", "a"))
    G.add_edge(("firm", "f1"), ("region", "d"))
    row = ms.score_all("ppr", m, m.index_of("a"), graph=G)
    assert np.isnan(row[0]) and (row[1:] > 0).all()
    assert abs(np.nansum(row)) < 1.0
    with_edges = RankInput(m, graph_edges=((("firm", "f1"), ("region", "a")), (("firm", "f1"), ("region", "d"))))
    d = m.index_of("d")
    assert ms.score_all("ppr", with_edges, 0)[d] > ms.score_all("ppr", m, 0)[d]  # the firm brings d closer


def test_from_rows_year_rules():
    rows = [
        {"region": "a", "sector": "x", "value": 1.0, "year": 2020},
        {"region": "a", "sector": "y", "value": 2.0, "year": 2021},
        {"region": "b", "sector": "x", "value": 3.0, "year": 2019},
    ]
    latest = RegionSectorMatrix.from_rows(rows)
    assert latest.values.toarray().tolist() == [[0.0, 2.0], [3.0, 0.0]] or latest.sectors == ["y", "x"]
    assert dict(zip(latest.sectors, latest.values[latest.index_of("a")].toarray()[0], strict=True)) == {
        "y": 2.0,
        "x": 0.0,
    }
    y2020 = RegionSectorMatrix.from_rows(rows, year=2020)
    assert y2020.regions == ["a"] and y2020.sectors == ["x"]
    pres = RegionSectorMatrix.from_rows([("a", "x", None), ("b", "x", None)])
    assert not pres.has_values and pres.presence().toarray().tolist() == [[1.0], [1.0]]
