"""The matching engine's three steps: fetch (one batched bridges read), rank (pure,
no store) and explain (pure), and the options validated in one place."""

from __future__ import annotations

import importlib
import inspect

import numpy as np
import pytest

from rox.graph.errors import NotFound, RoxError, UsageError
from rox.queries import fetch, matching, rank, registry
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.options import FactOptions, MatchOptions
from rox.queries.rank_input import RankInput

DERBY = "GB-DER"
PURE = (
    "rox.queries.rank",
    "rox.queries.explain",
    "rox.queries.rank_input",
    "rox.queries.measures",
    "rox.queries.blend",
    "rox.queries.facts",
    "rox.queries.places",
    "rox.queries.options",
)


@pytest.mark.parametrize("name", PURE)
def test_pure_steps_take_no_store_and_read_nothing(name):
    module = importlib.import_module(name)
    assert not hasattr(module, "run_named") and not hasattr(module, "registry"), name
    for fname, fn in inspect.getmembers(module, inspect.isfunction):
        if fn.__module__ == name:
            assert "store" not in inspect.signature(fn).parameters, f"{name}.{fname} takes a store"


def test_bridges_many_equals_bridges_for_every_partner(demo_store):
    regions = [r["id"] for r in registry.run_named(demo_store, "regions")]
    for a in (DERBY, "CN-AH", "GB-ENG-midlands", "IN-MH"):
        many = fetch.read_bridges(demo_store, a, regions)
        assert set(many) == set(regions) - {a}
        for b in regions:
            if b == a:
                continue
            one = fetch.group_bridges(
                ({**r, "b": b} for r in registry.run_named(demo_store, "bridges", {"a": a, "b": b})), [b]
            )[b]
            assert many[b] == one, (a, b)
    hefei = fetch.read_bridges(demo_store, DERBY, ["CN-AH-hefei", "CN-AH-hefei", DERBY])
    assert list(hefei) == ["CN-AH-hefei"]  # duplicates and the region itself dropped
    assert "agr-derby-hefei-mou" in {g["id"] for g in hefei["CN-AH-hefei"]["agreements"]}
    assert fetch.read_bridges(demo_store, DERBY, []) == {}


def test_options_by_keywords_or_object_give_the_same_match(demo_store):
    kw = {"measure": "blend", "top": 5, "exclude_same_country": True, "weights": "overlap=1,links=1"}
    by_keywords = matching.match(demo_store, DERBY, **kw)
    by_object = matching.match(demo_store, DERBY, options=MatchOptions(**kw))
    assert by_keywords.rows == by_object.rows and by_keywords.params == by_object.params
    assert by_keywords.params["weights"] == {
        "overlap": 1.0,
        "complementarity": 0.0,
        "links": 1.0,
        "agreements": 0.0,
        "trade": 0.0,
    }
    smaller = matching.match(demo_store, DERBY, options=MatchOptions(**kw), top=2)
    assert smaller.rows == by_keywords.rows[:2]
    assert matching.compare(demo_store, DERBY, "CN-AH", options=FactOptions(level="taxonomy")) == matching.compare(
        demo_store, DERBY, "CN-AH", level="taxonomy"
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"measure": "nope"}, "unknown measure 'nope'"),
        ({"top": 0}, "--top must be at least 1"),
        ({"weights": "overlap=1"}, "--weights apply to --measure blend only"),
        ({"measure": "blend", "weights": "overlap"}, "blend weight for 'overlap' needs a value: overlap=NUMBER"),
        ({"measure": "blend", "weights": "overlap=x"}, "blend weight for 'overlap' must be a number, got 'x'"),
        ({"measure": "blend", "weights": "overlap=0"}, "blend weights must not all be zero"),
        ({"measure": "blend", "weights": "trade=-1"}, "must be >= 0"),
        ({"level": "coarse"}, "unknown level 'coarse'"),
        ({"colour": "red"}, "unknown option\\(s\\) colour"),
    ],
)
def test_bad_options_fail_before_any_read(kw, message):
    with pytest.raises(UsageError, match=message):
        matching.match(None, DERBY, **kw)  # no store: validation comes first


def test_rank_is_pure_on_plain_arrays():
    m = RegionSectorMatrix.from_rows(
        [
            ("a", "x", None),
            ("a", "y", None),
            ("b", "x", None),
            ("c", "x", None),
            ("c", "y", None),
            ("d", "x", None),
            ("e", "z", None),
        ]
    )
    meta = {
        "a": {"country": "GB"},
        "b": {"country": "CN", "kind": "city", "population": 5},
        "c": {"country": "GB", "part_of": "a"},
        "d": {"country": "IN", "kind": "state", "population": 50},
        "e": {"country": "CN"},
    }
    inp = RankInput(m)

    def ids(**kw):
        return [m.regions[j] for j in rank.candidates(inp.presence, m.regions, meta, "a", MatchOptions(**kw))]

    assert ids() == ["b", "d", "e"]  # c is inside a
    assert ids(include_related=True) == ["b", "c", "d", "e"]
    assert ids(countries=["cn"]) == ["b", "e"] and ids(kinds=["state"]) == ["d"]
    assert ids(min_population=10) == ["d"] and ids(max_population=10) == ["b"]
    assert ids(include_related=True, exclude_same_country=True) == ["b", "d", "e"]
    assert ids(min_sectors=2, include_related=True) == ["c"]
    ranking = rank.rank(inp, "overlap", 0, rank.candidates(inp.presence, m.regions, meta, "a", MatchOptions()), 2)
    assert ranking.regions == ["b", "d"] and ranking.scores == [1.0, 1.0] and ranking.candidates == 3


def test_blend_components_come_from_the_batched_bridges(demo_store):
    res = matching.match(demo_store, DERBY, measure="blend", top=40, explain=False)
    hefei = next(r for r in res.rows if r["region"] == "CN-AH-hefei")
    assert hefei["score_agreements"] == 1.0 and hefei["score_links"] > 0
    best_links = max(r["score_links"] for r in res.rows)
    assert best_links == 1.0  # scaled by the best candidate
    assert all("firms" not in r for r in res.rows)  # explain=False: no explanation


def test_unknown_region_and_region_without_facts(demo_store):
    with pytest.raises(NotFound, match="no region with id 'XX'"):
        matching.match(demo_store, "XX")
    regions = {r["id"] for r in registry.run_named(demo_store, "regions")}
    facts = {r["region"] for r in registry.run_named(demo_store, "region-sector-matrix")}
    bare = sorted(regions - facts)
    assert bare, "the demo has regions without sector facts (countries)"
    with pytest.raises(RoxError, match=f"region '{bare[0]}' has no sector facts"):
        matching.match(demo_store, bare[0])


def test_presence_mode_explanations_carry_no_rca(demo_store):
    res = matching.match(demo_store, DERBY, top=1)
    assert res.params["value_mode"] == "presence" and res.params["presence_rule"] == "link present"
    assert res.rows[0]["shared_sectors"] and all(s["a_rca"] is None for s in res.rows[0]["shared_sectors"])
    assert np.isclose(
        res.rows[0]["score"], matching.compare(demo_store, DERBY, res.rows[0]["region"])["scores"]["jaccard"]
    )


def test_graph_links_are_read_only_for_graph_measures(demo_store):
    plain = fetch.read_facts(demo_store, DERBY, FactOptions())
    graph = fetch.read_facts(demo_store, DERBY, FactOptions(), graph=True)
    assert plain.graph_edges == () and plain.regions[DERBY]["name"] == "Derby"
    assert (("region", DERBY), ("Firm", "firm-rolls-royce")) in graph.graph_edges
    assert plain.sector_names["rail"] and plain.matrix.regions == graph.matrix.regions
    ppr = matching.match(demo_store, DERBY, measure="ppr", top=3, explain=False).rows
    assert [r["rank"] for r in ppr] == [1, 2, 3] and all(r["score"] > 0 for r in ppr)
