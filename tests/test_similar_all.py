"""``rox.queries.similar.similar_all``: every region's top-k partners at once, streamed
or written as ``SIMILAR_TO`` relationships (GDS ``nodeSimilarity.write`` semantics).

Oracle: a brute-force ranking from :func:`rox.queries.measures.pairwise` (the dense
n x n measure) on the matrix matching reads, ranked by score, then partner id.
Real embedded store, demo data; the write tests load the demo into a fresh store.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

from rox.api import Rox
from rox.graph.errors import RoxError, UsageError
from rox.queries import measures, similar
from rox.queries.fetch import load_matrix
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.registry import run_named

TOL = 1e-12
SET_MEASURES = tuple(similar.MEASURES)


def brute_force(
    store, measure: str, top: int, *, min_score: float = 0.0, threshold: float = 1.0, strict: bool = False, **opts
) -> list[tuple[str, str, float, int]]:
    """``(region, partner, score, rank)`` from the dense pairwise measure, the slow way."""
    matrix, mode, _ = load_matrix(store, **opts)
    pres = matrix.presence(threshold, strict) if mode == "values" else matrix.values
    m = RegionSectorMatrix(list(matrix.regions), list(matrix.sectors), pres, has_values=False)
    S = measures.pairwise(measure, m)
    ids = list(matrix.regions)
    out = []
    for i in sorted(range(len(ids)), key=lambda i: ids[i]):
        cand = [(ids[j], float(S[i, j])) for j in range(len(ids)) if j != i and S[i, j] > 0 and S[i, j] >= min_score]
        cand.sort(key=lambda t: (-t[1], t[0]))
        out += [(ids[i], p, s, rank) for rank, (p, s) in enumerate(cand[:top], start=1)]
    return out


def assert_same(rows, expected, tol=TOL):
    assert [(r["region"], r["partner"], r["rank"]) for r in rows] == [(a, b, k) for a, b, _, k in expected]
    assert np.allclose([r["score"] for r in rows], [s for _, _, s, _ in expected], atol=tol, rtol=0)


def positive_partners(store, measure: str) -> Counter:
    return Counter(a for a, *_ in brute_force(store, measure, 10**6))


# --------------------------------------------------------------------- streaming
@pytest.mark.parametrize("measure", SET_MEASURES)
@pytest.mark.parametrize("top,min_score", [(5, 0.0), (1, 0.0), (1000, 0.0), (10, 0.4)])
def test_rows_equal_brute_force(demo_store, measure, top, min_score):
    rows = similar.similar_all(demo_store, measure=measure, top=top, min_score=min_score)
    expected = brute_force(demo_store, measure, top, min_score=min_score)
    assert len(expected) > 20  # the demo gives every measure something to rank
    assert_same(rows, expected)
    assert {r["measure"] for r in rows} == {measure}
    assert all(set(r) == {"region", "partner", "measure", "score", "rank"} for r in rows)
    if min_score:
        assert min(r["score"] for r in rows) >= min_score


def test_rows_sorted_deterministic_and_ties_by_partner_id(demo_store):
    rows = similar.similar_all(demo_store, measure="jaccard", top=8)
    assert rows == similar.similar_all(demo_store, measure="jaccard", top=8)
    keys = [(r["region"], r["rank"]) for r in rows]
    assert keys == sorted(keys)
    ties = 0
    for a, b in zip(rows, rows[1:], strict=False):
        if a["region"] == b["region"]:
            assert b["rank"] == a["rank"] + 1
            assert a["score"] > b["score"] or (a["score"] == b["score"] and a["partner"] < b["partner"])
            ties += a["score"] == b["score"]
    assert ties > 0  # the demo has tied scores, so the tie rule was exercised
    derby = [r["partner"] for r in rows if r["region"] == "GB-DER"]
    assert derby[:2] == ["CN-AH", "GB-ENG-midlands"]  # both 4/7: the lower id first
    assert all(r["region"] != r["partner"] for r in rows)


def test_level_and_year_options_reach_the_matrix(demo_store):
    rows = similar.similar_all(demo_store, measure="cosine", top=4, level="taxonomy")
    assert_same(rows, brute_force(demo_store, "cosine", 4, level="taxonomy"))
    with pytest.raises(RoxError, match="unknown level"):
        similar.similar_all(demo_store, level="nope")


def test_many_ties_rank_by_partner_id():
    """300 regions, 12 sectors: most scores tie; rows in id order rank ties by id."""
    rng = np.random.default_rng(4)
    dense = rng.random((300, 12)) < 0.3
    ids = [f"R{i:03d}" for i in range(300)]
    ids_sorted = sorted(ids)
    M = sp.csr_matrix(dense.astype(float))
    rows = similar.topk_rows(ids_sorted, M, "overlap", 6)
    S = measures.pairwise("overlap", RegionSectorMatrix(ids_sorted, list(range(12)), M, has_values=False))
    expected = []
    for i, rid in enumerate(ids_sorted):
        cand = sorted(
            ((ids_sorted[j], S[i, j]) for j in range(300) if j != i and S[i, j] > 0), key=lambda t: (-t[1], t[0])
        )[:6]
        expected += [(rid, p, s, k) for k, (p, s) in enumerate(cand, start=1)]
    assert_same(rows, expected)


def _values_store(empty_store, tmp_path: Path):
    """Four regions with employment values; logistics is exactly half of every region's
    other jobs, so its RCA is exactly 1 everywhere (present unless ``strict``)."""
    facts = {
        "ZZ-a": {"rail": 50, "automotive": 30, "tech": 20},
        "ZZ-b": {"rail": 40, "automotive": 35, "aerospace": 10},
        "ZZ-c": {"tech": 90, "aerospace": 10},
        "ZZ-d": {"tech": 60, "rail": 20, "aerospace": 20},
    }
    lines = ["sources:", "  - {id: src-test-jobs, title: test employment table, kind: statistics}", "regions:"]
    lines += [f"  - {{id: {r}, name: {r}, kind: region, country: ZZ, source: src-test-jobs}}" for r in facts]
    lines.append("region_sectors:")
    for r, secs in facts.items():
        for s, v in {**secs, "logistics": sum(secs.values()) / 2}.items():
            lines.append(f"  - {{region: {r}, sector: {s}, value: {v}, unit: jobs, year: 2020, source: src-test-jobs}}")
    path = tmp_path / "jobs.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    Rox(empty_store).load([path])
    return empty_store


@pytest.mark.parametrize("measure", SET_MEASURES)
def test_values_presence_is_rca_with_threshold_and_strict(empty_store, tmp_path, measure):
    store = _values_store(empty_store, tmp_path)
    results = {}
    for threshold, strict in ((1.0, False), (1.0, True), (0.5, False)):
        rows = similar.similar_all(store, measure=measure, top=3, threshold=threshold, strict=strict)
        assert_same(rows, brute_force(store, measure, 3, threshold=threshold, strict=strict))
        results[threshold, strict] = rows
    assert results[1.0, False] != results[1.0, True]  # logistics (RCA exactly 1) counts only without strict
    assert results[1.0, False] != results[0.5, False]


# --------------------------------------------------------------------- writing
@pytest.fixture
def rw_store(empty_store):
    """A fresh store of each backend with the demo loaded: these tests write."""
    Rox(empty_store).load_demo()
    return empty_store


def written(store, measure=None) -> list[tuple[str, str, int]]:
    return [(r["region"], r["partner"], r["rank"]) for r in similar.similar_rows(store, measure)]


def test_write_creates_n_times_k_relationships(rw_store):
    k = 3
    counts = positive_partners(rw_store, "jaccard")
    assert min(counts.values()) >= k  # so every region gets exactly k partners
    rows = similar.similar_all(rw_store, measure="jaccard", top=k)
    (summary,) = similar.similar_all(rw_store, measure="jaccard", top=k, write=True)
    n = len(counts)
    assert summary["regions_compared"] == n
    assert summary["relationships_written"] == n * k
    assert summary["relationships_deleted"] == 0
    assert summary["relationship_type"] == "SIMILAR_TO"
    got = similar.similar_rows(rw_store, "jaccard")
    assert len(got) == n * k
    by_region: dict[str, list[int]] = {}
    for r in got:
        by_region.setdefault(r["region"], []).append(r["rank"])
    assert len(by_region) == n
    assert all(sorted(v) == list(range(1, k + 1)) for v in by_region.values())
    assert written(rw_store, "jaccard") == [(r["region"], r["partner"], r["rank"]) for r in rows]
    assert np.allclose([r["score"] for r in got], [r["score"] for r in rows], atol=1e-12, rtol=0)
    params = json.loads(got[0]["params"])
    assert params["measure"] == "jaccard" and params["top"] == k and params["value_mode"] == "presence"
    assert {r["params"] for r in got} == {summary["params"]}
    assert {r["source"] for r in got} == {similar.SOURCE_ID}
    assert similar.SOURCE_ID in {s["id"] for s in run_named(rw_store, "sources")}
    stats = {(s["kind"], s["name"]): s["count"] for s in run_named(rw_store, "stats")}
    assert stats[("relationship", "SIMILAR_TO")] == n * k


def test_rewrite_is_idempotent_and_other_measures_are_kept(rw_store):
    similar.similar_all(rw_store, measure="jaccard", top=3, write=True)
    first = similar.similar_rows(rw_store)
    nodes = {(s["kind"], s["name"]): s["count"] for s in run_named(rw_store, "stats")}
    (again,) = similar.similar_all(rw_store, measure="jaccard", top=3, write=True)
    assert again["relationships_deleted"] == again["relationships_written"] == len(first)
    assert similar.similar_rows(rw_store) == first
    assert {(s["kind"], s["name"]): s["count"] for s in run_named(rw_store, "stats")} == nodes  # one Source node still
    (cos,) = similar.similar_all(rw_store, measure="cosine", top=2, write=True)
    assert cos["relationships_deleted"] == 0
    assert written(rw_store, "jaccard") == [(r["region"], r["partner"], r["rank"]) for r in first]
    assert len(written(rw_store, "cosine")) == cos["relationships_written"] > 0
    # a smaller top replaces jaccard's table only
    (j2,) = similar.similar_all(rw_store, measure="jaccard", top=1, write=True)
    assert j2["relationships_deleted"] == len(first)
    assert {k for *_, k in written(rw_store, "jaccard")} == {1}
    assert len(written(rw_store, "cosine")) == cos["relationships_written"]


def test_a_failed_write_leaves_none_of_that_measure(rw_store):
    similar.similar_all(rw_store, measure="cosine", top=2, write=True)
    cosine = written(rw_store, "cosine")
    rows = similar.similar_all(rw_store, measure="overlap", top=2)
    bad = rows[:3] + [{**rows[3], "score": {"not": "a number"}}]  # a map is no property value
    with pytest.raises(RoxError, match="none of overlap remain"):
        similar.write_similar(rw_store, bad, measure="overlap", params="{}", batch=2)
    assert written(rw_store, "overlap") == []
    assert written(rw_store, "cosine") == cosine


@pytest.mark.parametrize(
    "options,message",
    [
        ({"measure": "esi"}, "similar supports jaccard, overlap, cosine, atlas-proximity"),
        ({"measure": "nope"}, "not an all-pairs measure"),
        ({"top": 0}, "top must be"),
        ({"min_score": 1.5}, "min_score must be a number between 0 and 1"),
        ({"min_score": "high"}, "min_score must be a number between 0 and 1"),
    ],
)
def test_bad_options_are_usage_errors_and_write_nothing(rw_store, options, message):
    before = run_named(rw_store, "stats")
    with pytest.raises(UsageError, match=message):
        similar.similar_all(rw_store, write=True, **options)
    assert run_named(rw_store, "stats") == before


def test_module_keeps_no_mutable_state():
    """Library modules hold no module-level lists, dicts or sets that calls could share."""
    from rox.queries import similarity

    for mod in (similar, similarity):
        shared = {
            k: type(v).__name__
            for k, v in vars(mod).items()
            if not k.startswith("__") and isinstance(v, (list, dict, set, bytearray))
        }
        assert shared == {}, f"{mod.__name__} keeps module-level mutable state: {shared}"
