"""Partner matching on the demo data: the story of the two documents, every measure,
filters, explanations and determinism (real embedded store)."""

from __future__ import annotations

import pytest

from rox.graph.errors import RoxError
from rox.queries.matching import COMPONENTS, compare, match, measure_names

DERBY, WEST_MIDLANDS, MAHARASHTRA = "GB-DER", "GB-ENG-west-midlands", "IN-MH"


@pytest.fixture(scope="module")
def store(demo_db):
    from rox.graph.store import open_store

    s = open_store(db=str(demo_db))
    yield s
    s.close()


def test_derby_finds_hefei_or_anhui_in_top3_by_sector_overlap(store):
    res = match(store, DERBY, measure="jaccard", top=3)
    top = {r["region"]: r for r in res.rows}
    hit = top.get("CN-AH") or top.get("CN-AH-hefei")
    assert hit is not None, list(top)
    assert {"rail", "automotive", "aerospace"} <= {s["sector"] for s in hit["shared_sectors"]}
    assert {"firm-rolls-royce", "firm-toyota", "firm-bombardier"} <= {f["id"] for f in hit["firms"]}
    assert all(f["source"] for f in hit["firms"])


def test_west_midlands_finds_maharashtra_explained_by_automotive_evs_and_tech(store):
    res = match(store, WEST_MIDLANDS, measure="jaccard", top=3, exclude_same_country=True)
    top = {r["region"]: r for r in res.rows}
    assert MAHARASHTRA in top, list(top)
    shared = {s["sector"] for s in top[MAHARASHTRA]["shared_sectors"]}
    assert {"automotive", "electric-vehicles", "tech"} <= shared
    assert "agr-midlands-maharashtra-technology-partnership" in {a["id"] for a in top[MAHARASHTRA]["agreements"]}
    assert "firm-bharat-forge" in {f["id"] for f in top[MAHARASHTRA]["firms"]}


@pytest.mark.parametrize("measure", measure_names())
def test_every_measure_ranks_without_self_and_deterministically(store, measure):
    a = match(store, DERBY, measure=measure, top=8, explain=False)
    b = match(store, DERBY, measure=measure, top=8, explain=False)
    assert [(r["region"], r["score"]) for r in a.rows] == [(r["region"], r["score"]) for r in b.rows]
    assert DERBY not in {r["region"] for r in a.rows}
    assert [r["rank"] for r in a.rows] == list(range(1, len(a.rows) + 1))
    keys = [(-r["score"], r["region"]) for r in a.rows]
    assert keys == sorted(keys)  # score desc, ties by id
    assert a.params["measure"] == measure and a.params["rox_version"]


def test_blend_reports_components_and_weights(store):
    res = match(store, DERBY, measure="blend", top=5, weights="overlap=1,agreements=1")
    for r in res.rows:
        assert {f"score_{c}" for c in COMPONENTS} <= set(r)
        assert r["score"] == pytest.approx((r["score_overlap"] + r["score_agreements"]) / 2, abs=1e-6)
    hefei = match(store, DERBY, measure="blend", top=40, weights="agreements=1").rows
    assert next(r for r in hefei if r["region"] == "CN-AH-hefei")["score_agreements"] == 1.0
    with pytest.raises(RoxError, match="unknown blend component 'bogus'"):
        match(store, DERBY, measure="blend", weights="bogus=1")


def test_filters(store):
    only_cn = match(store, DERBY, top=50, countries=["cn"], explain=False).rows
    assert only_cn and {r["country"] for r in only_cn} == {"CN"}
    no_gb = match(store, DERBY, top=50, exclude_same_country=True, explain=False).rows
    assert "GB" not in {r["country"] for r in no_gb}
    provinces = match(store, DERBY, top=50, kinds=["province"], explain=False).rows
    assert {r["kind"] for r in provinces} == {"province"}
    population = {
        r["id"]: r["population"] for r in store.run("MATCH (r:Region) RETURN r.id AS id, r.population AS population")
    }
    big = match(store, DERBY, top=50, min_population=50_000_000, explain=False).rows
    assert big and all(population[r["region"]] >= 50_000_000 for r in big)
    small = match(store, DERBY, top=50, max_population=1_000_000, explain=False).rows
    assert small and all(population[r["region"]] is not None and population[r["region"]] <= 1_000_000 for r in small)
    assert not {r["region"] for r in big} & {r["region"] for r in small}
    few = match(store, DERBY, top=50, min_sectors=6, explain=False)
    assert few.params["candidates"] < match(store, DERBY, top=50, explain=False).params["candidates"]


def test_complementarity_explains_missing_sectors(store):
    res = match(store, DERBY, measure="complementarity", top=3)
    derby_sectors = {s["sector"] for s in compare(store, DERBY, "CN-AH")["profiles"] if s["a_present"]}
    for r in res.rows:
        assert r["complementary_sectors"]
        assert not ({c["sector"] for c in r["complementary_sectors"]} & derby_sectors)


def test_regions_containing_or_inside_the_target_are_left_out(store):
    ranked = {r["region"] for r in match(store, DERBY, top=60, explain=False).rows}
    assert not ranked & {"GB-ENG-midlands", "GB-ENG", "GB"}  # Derby's own region, nation, country
    related = {r["region"] for r in match(store, DERBY, top=60, include_related=True, explain=False).rows}
    assert "GB-ENG-midlands" in related
    inside = {r["region"] for r in match(store, "GB-ENG-west-midlands", top=60, explain=False).rows}
    assert "GB-BIR" not in inside and "GB-COV" not in inside  # inside the West Midlands


def test_usage_errors(store):
    from rox.graph.errors import UsageError

    with pytest.raises(UsageError, match="--weights apply to --measure blend only"):
        match(store, DERBY, measure="jaccard", weights="overlap=1")
    with pytest.raises(UsageError, match="compare needs two different regions"):
        compare(store, DERBY, DERBY)


def test_unknown_measure_and_region(store):
    with pytest.raises(RoxError, match="unknown measure 'nope'"):
        match(store, DERBY, measure="nope")
    with pytest.raises(RoxError, match="no region with id 'XX-nowhere'"):
        match(store, "XX-nowhere")


def test_compare_profiles(store):
    out = compare(store, DERBY, "CN-AH")
    assert out["scores"]["jaccard"] == pytest.approx(4 / 7, abs=1e-6)
    assert {"rail", "automotive", "aerospace"} <= {s["sector"] for s in out["shared"]}
    assert all({"sector", "a_value", "b_value", "a_rca", "b_rca"} <= set(p) for p in out["profiles"])
