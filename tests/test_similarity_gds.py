"""rox.queries.similarity against the Neo4j GDS documentation tables (abs tol 1e-9).

Oracle: /work/shared/oracles/gds-node-similarity (graph from nodesim_graph.cypher,
tables copied verbatim from the GDS manual), plus brute-force cross-checks of
the fast top-k core in both its dense and sparse modes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from rox.queries import similarity as sim

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ORACLE = SHARED / "oracles" / "gds-node-similarity"
TOL = 1e-9


def _oracle_dir() -> Path:
    if not ORACLE.is_dir():
        pytest.skip(f"GDS oracle directory not found at {ORACLE} (shared/ absent)")
    return ORACLE


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(_oracle_dir() / name, newline="") as fh:
        return list(csv.DictReader(fh))


def _graph_edges() -> list[tuple[str, str, float]]:
    """Parse the (alice)-[:LIKES {strength: x}]->(guitar) lines of the cypher setup."""
    text = (_oracle_dir() / "nodesim_graph.cypher").read_text()
    names = dict(re.findall(r"\((\w+):\w+ \{name: '([^']+)'\}\)", text))
    edges = []
    for a, props, b in re.findall(r"\((\w+)\)-\[:LIKES(?: \{([^}]*)\})?\]->\((\w+)\)", text):
        m = re.search(r"strength:\s*([0-9.]+)", props or "")
        edges.append((names[a], names[b], float(m.group(1)) if m else 1.0))
    assert len(edges) == 9
    return edges


def _assert_rows(got, expected_rows, *, ordered: bool):
    exp = [(r["Person1"], r["Person2"], float(r["similarity"])) for r in expected_rows]
    if not ordered:
        got = sorted(got, key=lambda t: (t[0], t[1]))
        exp = sorted(exp, key=lambda t: (t[0], t[1]))
    assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in exp]
    for (_, _, x), (_, _, y) in zip(got, exp, strict=True):
        assert abs(x - y) <= TOL


def test_stream_table_exact_order():
    """nodesim_02_stream: defaults, ORDER BY similarity DESC, Person1, Person2."""
    edges = [(a, b) for a, b, _ in _graph_edges()]
    got = sim.node_similarity(edges)
    _assert_rows(got, _read_csv("nodesim_02_stream.csv"), ordered=True)


def test_stream_table_weighted_edges_ignored_when_unweighted():
    got = sim.node_similarity(_graph_edges())  # weights present but weighted=False
    _assert_rows(got, _read_csv("nodesim_02_stream.csv"), ordered=True)


def test_weighted_similarity_table():
    """nodesim_11: relationshipWeightProperty strength, similarityCutoff 0.3."""
    got = sim.node_similarity(_graph_edges(), weighted=True, similarity_cutoff=0.3)
    _assert_rows(got, _read_csv("nodesim_11_weighted_similarity.csv"), ordered=False)


def test_eve_without_edges_and_instruments_absent():
    got = sim.node_similarity([(a, b) for a, b, _ in _graph_edges()])
    names = {x for row in got for x in row[:2]}
    assert names == {"Alice", "Bob", "Carol", "Dave"}


def test_top_k_1_and_top_n():
    edges = [(a, b) for a, b, _ in _graph_edges()]
    got = sim.node_similarity(edges, top_k=1)
    assert [(a, b) for a, b, _ in got] == [("Alice", "Bob"), ("Bob", "Alice"), ("Dave", "Alice"), ("Carol", "Alice")]
    got = sim.node_similarity(edges, top_n=3)
    assert [(a, b) for a, b, _ in got] == [("Alice", "Bob"), ("Bob", "Alice"), ("Alice", "Dave")]


def test_bottom_k_and_degree_cutoff():
    edges = [(a, b) for a, b, _ in _graph_edges()]
    got = sim.node_similarity(edges, bottom_k=1)
    d = {(a, b): s for a, b, s in got}
    assert set(d) == {("Alice", "Carol"), ("Bob", "Dave"), ("Carol", "Alice"), ("Dave", "Bob")}
    assert abs(d[("Bob", "Dave")] - 0.25) <= TOL
    got = sim.node_similarity(edges, degree_cutoff=2)  # Carol (degree 1) drops out
    assert all("Carol" not in row[:2] for row in got)
    got = sim.node_similarity(edges, upper_degree_cutoff=2)  # Bob and Carol only; no overlap
    assert got == []


@pytest.mark.parametrize(
    "metric,expected",
    [
        (
            "overlap",
            {
                ("Alice", "Bob"): 1.0,
                ("Alice", "Dave"): 2 / 3,
                ("Alice", "Carol"): 1.0,
                ("Carol", "Dave"): 1.0,
                ("Bob", "Dave"): 0.5,
            },
        ),
        (
            "cosine",
            {
                ("Alice", "Bob"): 2 / np.sqrt(6),
                ("Alice", "Dave"): 2 / 3,
                ("Alice", "Carol"): 1 / np.sqrt(3),
                ("Carol", "Dave"): 1 / np.sqrt(3),
                ("Bob", "Dave"): 1 / np.sqrt(6),
            },
        ),
    ],
)
def test_other_metrics(metric, expected):
    got = sim.node_similarity([(a, b) for a, b, _ in _graph_edges()], metric=metric)
    d = {(a, b): s for a, b, s in got}
    assert len(d) == 10
    for (a, b), v in expected.items():
        assert abs(d[(a, b)] - v) <= TOL and abs(d[(b, a)] - v) <= TOL


def test_weighted_overlap_and_cosine_by_hand():
    edges = _graph_edges()
    d = {(a, b): s for a, b, s in sim.node_similarity(edges, metric="overlap", weighted=True)}
    assert abs(d[("Alice", "Dave")] - 1.5 / 2.5) <= TOL  # Σmin=1.5, min(2.5, 3.5)
    d = {(a, b): s for a, b, s in sim.node_similarity(edges, metric="cosine", weighted=True)}
    assert abs(d[("Alice", "Dave")] - 1.5 / (1.5 * np.sqrt(4.25))) <= TOL


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8])
def test_similarity_functions(n):
    md = (_oracle_dir() / f"similarity_functions_0{n}_examples.md").read_text()
    m = re.search(r"RETURN gds\.similarity\.(\w+)\(\s*(\[[^\]]*\]),\s*(\[[^\]]*\])\s*\)", md)
    fn, a, b = m.group(1), m.group(2), m.group(3)

    def parse(s):
        return [None if x.strip() == "null" else float(x) for x in s.strip("[]").split(",")]

    funcs = {
        "jaccard": sim.jaccard_similarity,
        "overlap": sim.overlap_similarity,
        "cosine": sim.cosine_similarity,
        "pearson": sim.pearson_similarity,
        "euclidean": sim.euclidean_similarity,
        "euclideanDistance": sim.euclidean_distance,
    }
    rows = _read_csv(f"similarity_functions_0{n}_examples.csv")
    expected = float(next(iter(rows[0].values())))
    assert abs(funcs[fn](parse(a), parse(b)) - expected) <= TOL


# ---- the fast core agrees with brute force in every mode ------------------- #
def _brute(M, metric, weighted, k, cutoff, largest=True):
    S = sim.pairwise_scores(M, metric=metric, weighted=weighted)
    out = []
    for i in range(S.shape[0]):
        cand = [(j, S[i, j]) for j in range(S.shape[0]) if j != i and S[i, j] >= cutoff]
        cand.sort(key=lambda t: ((-t[1] if largest else t[1]), t[0]))
        out += [(i, j, s) for j, s in cand[:k]]
    return out


@pytest.mark.parametrize("metric", ["jaccard", "overlap", "cosine", "proximity"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("mode", ["dense", "sparse"])
def test_topk_pairs_matches_brute_force(metric, weighted, mode):
    rng = np.random.default_rng(7)
    n, s = 60, 25
    dense = (rng.random((n, s)) < 0.2) * rng.integers(1, 4, (n, s))
    M = sp.csr_matrix(dense.astype(float))
    for largest in (True, False):
        r, c, v = sim.topk_pairs(
            M, metric=metric, weighted=weighted, k=4, mode=mode, chunk_rows=7, largest=largest, n_jobs=2
        )
        exp = _brute(M, metric, weighted, 4, 1e-42, largest)
        got = sorted(zip(r.tolist(), c.tolist(), v.tolist(), strict=True), key=lambda t: t[0])
        exp = sorted(exp, key=lambda t: t[0])
        # same scores per row (tie order among equal scores can differ only by index rule)
        assert [(a, b) for a, b, _ in got] == [(a, b) for a, b, _ in exp]
        assert np.allclose([x for *_, x in got], [x for *_, x in exp], atol=TOL, rtol=0)


def test_topk_for_row_matches_topk_pairs():
    rng = np.random.default_rng(3)
    M = sp.csr_matrix((rng.random((200, 40)) < 0.15).astype(float))
    r, c, v = sim.topk_pairs(M, k=5)
    for i in (0, 17, 199):
        cols, scores = sim.topk_for_row(M, i, k=5)
        assert cols.tolist() == c[r == i].tolist()
        assert np.allclose(scores, v[r == i], atol=TOL)


# ---- blocked count kernel (unweighted top-k, dense mode) -------------------- #
def _exact_rows(M, metric, k, cutoff):
    exp = _brute(M, metric, False, k, cutoff, True)
    return [(a, b) for a, b, _ in exp], np.array([x for *_, x in exp])


def _tie_heavy_matrix(seed, n=150, s=30):
    """Binary rows of varying size with many equal scores (ties) and a few very
    popular columns (so the "Four Russians" grouping kicks in)."""
    rng = np.random.default_rng(seed)
    p = rng.choice([0.05, 0.2, 0.5, 0.9], size=(n, 1)) * np.linspace(1.0, 0.3, s)[None, :]
    p[:, :6] = 0.95
    dense = rng.random((n, s)) < p
    dense[rng.integers(0, n, 5)] = False  # a few empty rows
    return sp.csr_matrix(dense.astype(float))


@pytest.mark.parametrize("metric", ["jaccard", "cosine", "proximity", "overlap"])
@pytest.mark.parametrize("cutoff", [1e-42, 0.3, 0.0])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_blocked_count_kernel_matches_brute_force(monkeypatch, metric, cutoff, n_jobs):
    # tiny column blocks so rows cross many blocks and the running threshold matters
    monkeypatch.setattr(sim, "_JBLOCK", 16)
    monkeypatch.setattr(sim, "_SEED_COLS", 8)
    M = _tie_heavy_matrix(11)
    for chunk_rows in (None, 13):
        r, c, v = sim.topk_pairs(
            M, metric=metric, k=5, mode="dense", min_score=cutoff, chunk_rows=chunk_rows, n_jobs=n_jobs
        )
        pairs, scores = _exact_rows(M, metric, 5, cutoff)
        assert list(zip(r.tolist(), c.tolist(), strict=True)) == pairs
        assert np.allclose(v, scores, atol=TOL, rtol=0)


def test_blocked_count_kernel_is_used_and_exact(monkeypatch):
    calls = []
    real = sim._blocked_count_topk
    monkeypatch.setattr(sim, "_blocked_count_topk", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    monkeypatch.setattr(sim, "_JBLOCK", 32)
    monkeypatch.setattr(sim, "_SEED_COLS", 16)
    M = _tie_heavy_matrix(5, n=200, s=40)
    r, c, v = sim.topk_pairs(M, k=7, mode="dense", n_jobs=1)
    assert calls
    pairs, scores = _exact_rows(M, "jaccard", 7, 1e-42)
    assert list(zip(r.tolist(), c.tolist(), strict=True)) == pairs
    assert np.allclose(v, scores, atol=TOL, rtol=0)


def test_blocked_count_kernel_uint16_counts(monkeypatch):
    """Rows with > 255 sectors: counts need uint16."""
    monkeypatch.setattr(sim, "_JBLOCK", 16)
    monkeypatch.setattr(sim, "_SEED_COLS", 8)
    rng = np.random.default_rng(2)
    M = sp.csr_matrix((rng.random((50, 700)) < rng.choice([0.3, 0.6], (50, 1))).astype(float))
    assert sim._count_dtype(sim._prepare(M, "jaccard", False)) == np.uint16
    for metric in ("jaccard", "cosine"):
        r, c, v = sim.topk_pairs(M, metric=metric, k=4, mode="dense", n_jobs=1)
        pairs, scores = _exact_rows(M, metric, 4, 1e-42)
        assert list(zip(r.tolist(), c.tolist(), strict=True)) == pairs
        assert np.allclose(v, scores, atol=TOL, rtol=0)


def test_blocked_count_kernel_public_product_fallback(monkeypatch):
    """Without SciPy's private csr_matvecs the public ``A @ B`` gives the same result."""
    monkeypatch.setattr(sim, "_JBLOCK", 16)
    monkeypatch.setattr(sim, "_SEED_COLS", 8)
    M = _tie_heavy_matrix(3)
    fast = sim.topk_pairs(M, k=5, mode="dense", n_jobs=1)
    monkeypatch.setattr(sim, "_csr_matvecs", None)
    slow = sim.topk_pairs(M, k=5, mode="dense", n_jobs=1)
    for x, y in zip(fast, slow, strict=True):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("bits", [0, 3, 4])
def test_grouped_operands_product_is_exact(bits, monkeypatch):
    """ "Four Russians" rewrite: X' @ expand(Mᵀ) == X @ Mᵀ entry for entry."""
    monkeypatch.setattr(sim, "_GROUP_BITS", bits)
    M = _tie_heavy_matrix(8, n=120, s=25)
    P = sim._prepare(M, "jaccard", False)
    g = sim._group_operands(P.X, np.uint8)
    if bits == 0:
        assert g is None
        return
    Xg, expand = g
    assert Xg.nnz < P.X.nnz  # popular sectors were folded into subset codes
    B = P.X.T.toarray().astype(np.uint8)
    exact = (P.X.astype(np.int64) @ P.X.T.astype(np.int64)).toarray()
    assert np.array_equal((Xg.astype(np.int64) @ expand(B).astype(np.int64)), exact)


@pytest.mark.parametrize("bits", [0, 3])
def test_blocked_kernel_with_and_without_grouping(bits, monkeypatch):
    monkeypatch.setattr(sim, "_GROUP_BITS", bits)
    monkeypatch.setattr(sim, "_JBLOCK", 16)
    monkeypatch.setattr(sim, "_SEED_COLS", 8)
    M = _tie_heavy_matrix(21, n=180, s=35)
    for metric in ("jaccard", "cosine", "proximity"):
        r, c, v = sim.topk_pairs(M, metric=metric, k=6, mode="dense", n_jobs=2)
        pairs, scores = _exact_rows(M, metric, 6, 1e-42)
        assert list(zip(r.tolist(), c.tolist(), strict=True)) == pairs
        assert np.allclose(v, scores, atol=TOL, rtol=0)


def test_concurrent_calls_share_nothing():
    """Several sessions in one process: simultaneous multi-threaded calls on different
    matrices (every kernel mode) each get exactly their own serial answer."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = []
    for seed in range(8):
        M = _tie_heavy_matrix(100 + seed, n=240 + 10 * seed, s=30)
        metric = ("jaccard", "cosine", "overlap", "proximity")[seed % 4]
        jobs.append(
            (M, dict(metric=metric, k=5, mode=("dense", "sparse")[seed % 2], weighted=seed >= 6, chunk_rows=17))
        )
    serial = [sim.topk_pairs(M, n_jobs=1, **kw) for M, kw in jobs]
    with ThreadPoolExecutor(len(jobs)) as ex:
        together = list(ex.map(lambda job: sim.topk_pairs(job[0], n_jobs=3, **job[1]), jobs * 3))
    for i, got in enumerate(together):
        for x, y in zip(got, serial[i % len(jobs)], strict=True):
            assert np.array_equal(x, y)
