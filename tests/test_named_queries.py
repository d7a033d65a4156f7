"""Every named query runs on every available store against the demo data, with its
result asserted (the embedded store always; Neo4j when NEO4J_URI is set)."""

from __future__ import annotations

import re

import pytest

from rox.graph.errors import NotFound, RoxError
from rox.queries import registry

DERBY, ANHUI, HEFEI, MAHARASHTRA = "GB-DER", "CN-AH", "CN-AH-hefei", "IN-MH"


def q(store, name, **params):
    return registry.run_named(store, name, params)


def test_every_query_file_is_covered_here():
    tested = {name.removeprefix("test_").replace("_", "-") for name in globals() if name.startswith("test_")}
    assert set(registry.load_all()) <= tested, set(registry.load_all()) - tested


def test_region_profile(demo_store):
    rows = q(demo_store, "region-profile", region=DERBY)
    sectors = {r["id"] for r in rows if r["kind"] == "sector"}
    assert {"rail", "automotive", "aerospace"} <= sectors
    firms = {r["id"] for r in rows if r["kind"] == "firm"}
    assert {"firm-rolls-royce", "firm-toyota", "firm-bombardier"} <= firms
    assert "agr-derby-hefei-mou" in {r["id"] for r in rows if r["kind"] == "agreement"}
    assert all(r["source"] for r in rows)
    rail = next(r for r in rows if r["kind"] == "sector" and r["id"] == "rail")
    assert "rail, automotive and aerospace" in rail["evidence"]


def test_shared_sectors(demo_store):
    rows = q(demo_store, "shared-sectors", a=DERBY, b=ANHUI)
    ids = [r["id"] for r in rows]
    assert {"rail", "automotive", "aerospace"} <= set(ids)
    assert ids == sorted(ids)
    assert all(set(r) >= {"id", "name"} for r in rows)
    assert q(demo_store, "shared-sectors", a=DERBY, b=DERBY) == []  # a region is not its own partner


def test_bridges(demo_store):
    rows = q(demo_store, "bridges", a=DERBY, b=HEFEI)
    by_kind = {}
    for r in rows:
        by_kind.setdefault(r["kind"], set()).add(r["id"])
    assert {"firm-rolls-royce", "firm-toyota", "firm-bombardier"} <= by_kind["firm"]
    assert "agr-derby-hefei-mou" in by_kind["agreement"]
    assert "uni-hfut" in by_kind["university"] or "uni-ustc" in by_kind["university"]
    assert all(r["source"] for r in rows)
    # an agreement signed by a place inside b (Hefei, in Anhui) links a and b
    anhui = q(demo_store, "bridges", a=DERBY, b=ANHUI)
    assert ("agr-derby-hefei-mou", HEFEI) in {(r["id"], r["b_place"]) for r in anhui if r["kind"] == "agreement"}
    mm = q(demo_store, "bridges", a="GB-ENG-midlands", b=MAHARASHTRA)
    assert "firm-bharat-forge" in {r["id"] for r in mm if r["kind"] == "firm"}


def test_bridges_many(demo_store):
    # the rows of `bridges` for each partner, tagged with it, in one read
    many = q(demo_store, "bridges-many", a=DERBY, bs=[HEFEI, ANHUI, DERBY])
    assert {r["b"] for r in many} == {HEFEI, ANHUI}  # a region is not its own partner
    for b in (HEFEI, ANHUI):
        assert [{k: v for k, v in r.items() if k != "b"} for r in many if r["b"] == b] == q(
            demo_store, "bridges", a=DERBY, b=b
        )
    assert q(demo_store, "bridges-many", a=DERBY, bs=[]) == []


def test_regions_in_sector(demo_store):
    rows = q(demo_store, "regions-in-sector", sector="rail")
    assert {DERBY, ANHUI} <= {r["id"] for r in rows}
    # sub-sectors count for their parent: every rail region is a transport-equipment region
    parent = {r["id"] for r in q(demo_store, "regions-in-sector", sector="transport-equipment")}
    assert {r["id"] for r in rows} <= parent


def test_region_hierarchy(demo_store):
    rows = q(demo_store, "region-hierarchy", region=HEFEI)
    assert [(r["id"], r["depth"]) for r in rows if r["depth"] > 0][:2] == [(ANHUI, 1), ("CN", 2)]
    down = q(demo_store, "region-hierarchy", region="CN")
    assert (HEFEI, -2) in {(r["id"], r["depth"]) for r in down}


def test_neighbourhood(demo_store):
    rows = q(demo_store, "neighbourhood", node=DERBY, limit=500)
    targets = {r["target"] for r in rows}
    assert {"rail", "firm-rolls-royce", "agr-derby-hefei-mou", "uni-derby"} <= targets
    assert len(q(demo_store, "neighbourhood", node=DERBY, limit=3)) == 3


def test_shortest_connection(demo_store):
    rows = q(demo_store, "shortest-connection", a=DERBY, b=HEFEI)
    assert len(rows) == 1
    path = rows[0]
    assert path["nodes"][0] == DERBY and path["nodes"][-1] == HEFEI
    assert path["hops"] == 2 == len(path["relations"])


def test_stats(demo_store):
    counts = {(r["kind"], r["name"]): r["count"] for r in q(demo_store, "stats")}
    assert counts[("node", "Region")] >= 25
    assert counts[("node", "Sector")] >= 10
    assert counts[("relationship", "HAS_SECTOR")] > 50


def test_stats_counts_every_label_and_type_of_the_model(demo_store):
    """stats names each label and type (one count each, see its description): it must list
    all of the model's, and give what a scan of every node and relationship gives."""
    from rox.graph import model

    text = registry.get("stats").text(demo_store.engine)
    assert set(re.findall(r"MATCH \(n:(\w+)\)", text)) == set(model.LABELS)
    assert set(re.findall(r"MATCH \(\)-\[r:(\w+)\]->\(\)", text)) == set(model.REL_TYPES)
    scan = demo_store.run(
        "MATCH (n) WHERE NOT n:RoxGeneration RETURN 'node' AS kind, labels(n)[0] AS name, count(n) AS count "
        "UNION ALL MATCH ()-[r]->() RETURN 'relationship' AS kind, type(r) AS name, count(r) AS count"
    )
    got = q(demo_store, "stats")
    assert got == sorted(scan, key=lambda r: (r["kind"], r["name"]))


def test_region_sector_matrix(demo_store):
    rows = q(demo_store, "region-sector-matrix")
    pairs = {(r["region"], r["sector"]) for r in rows}
    assert {(DERBY, "rail"), (ANHUI, "aerospace")} <= pairs
    assert {"region", "sector", "value", "year", "source"} <= set(rows[0])


def test_search_nodes(demo_store):
    rows = q(demo_store, "search-nodes", text="hefei", limit=20)
    assert {HEFEI, "uni-hfut"} <= {r["id"] for r in rows}
    assert q(demo_store, "search-nodes", text="x' }) DETACH DELETE n //", limit=5) == []


def test_regions(demo_store):
    rows = {r["id"]: r for r in q(demo_store, "regions")}
    assert rows[HEFEI]["part_of"] == ANHUI
    assert rows[MAHARASHTRA]["country"] == "IN"
    assert len({r["country"] for r in rows.values() if r["country"]}) >= 5


def test_sources(demo_store):
    rows = {r["id"]: r for r in q(demo_store, "sources")}
    assert rows["src-derby-hefei-oped"]["kind"] == "document"


def test_region_links(demo_store):
    rows = q(demo_store, "region-links")
    assert (DERBY, "firm-rolls-royce") in {(r["region"], r["node"]) for r in rows}


def test_sectors(demo_store):
    rows = {r["id"]: r for r in q(demo_store, "sectors")}
    assert rows["rail"]["parent"] == "transport-equipment"
    assert rows["electric-vehicles"]["parent"] == "automotive"


def test_entity_sectors(demo_store):
    rows = q(demo_store, "entity-sectors")
    assert ("firm-rolls-royce", "aerospace") in {(r["node"], r["sector"]) for r in rows}


def test_trade_links(demo_store):
    rows = q(demo_store, "trade-links")
    gb_cn = [r for r in rows if (r["from"], r["to"]) == ("GB", "CN") and r["currency"] == "GBP"]
    assert gb_cn and gb_cn[0]["value"] == 22_000_000_000


def test_datasets(empty_store, tmp_path):
    """The demo has no statistical tables: two small ones loaded into one dataset here."""
    from rox.loaders.table_load import LoadOptions, load_table
    from rox.loaders.tables import TableSpec

    assert q(empty_store, "datasets") == []
    opts = LoadOptions(sector_scheme="sic2007", kind="employment", dataset="uk-bres")
    for name, rows in (("a.csv", "TLF1,29,2021,100\nTLG3,30,2021,5\n"), ("b.csv", "TLF1,29,2020,90\n")):
        (tmp_path / name).write_text("region,sector,year,value\n" + rows, encoding="utf-8")
        load_table(empty_store, TableSpec(tmp_path / name), opts)
    (row,) = q(empty_store, "datasets")
    assert {k: row[k] for k in ("id", "kind", "unit", "scheme", "years", "region_count", "code_count", "facts")} == {
        "id": "uk-bres",
        "kind": "employment",
        "unit": "persons",
        "scheme": "sic2007",
        "years": [2020, 2021],
        "region_count": 2,
        "code_count": 2,
        "facts": 3,
    }
    assert (row["files"], row["sources"]) == (2, ["src-file-a-csv", "src-file-b-csv"])
    assert (row["codes"], row["regions"], row["region_levels"]) == (
        ["sic2007:29", "sic2007:30"],
        ["TLF1", "TLG3"],
        ["statistical-region"],
    )


def test_parameters_are_checked(demo_store):
    with pytest.raises(RoxError, match=r"missing parameter\(s\) b"):
        q(demo_store, "shared-sectors", a=DERBY)
    with pytest.raises(NotFound, match="no query named 'nope'"):
        registry.get("nope")


def test_dataset_facts(demo_store):
    assert q(demo_store, "dataset-facts", datasets=[]) == []  # the demo has no named datasets


def test_region_datasets(demo_store):
    rows = q(demo_store, "region-datasets", region=DERBY)
    assert rows and all(r["dataset"] is None and r["facts"] > 0 for r in rows)


def test_known_entities(demo_store):
    # what `rox extract` resolves names against: every region, firm, university, agreement and source
    rows = q(demo_store, "known-entities")
    by = {(r["label"], r["id"]): r for r in rows}
    hefei = by[("Region", HEFEI)]
    assert "合肥" in hefei["aliases"] and hefei["parents"] == [ANHUI]
    assert {"rel": "HAS_SECTOR", "id": "logistics", "source": "src-derby-hefei-oped"}.items() <= next(
        link for link in hefei["links"] if link.get("id") == "logistics"
    ).items()
    mou = by[("Agreement", "agr-derby-hefei-mou")]
    assert mou["kind"] == "memorandum-of-understanding"
    assert {x["id"] for x in mou["links"] if x["rel"] == "PARTY_TO"} == {DERBY, HEFEI}
    assert by[("Source", "src-derby-hefei-oped")]["file"] == "seeds/000_123434c402563b0f.txt"
    assert {x["id"] for x in by[("University", "uni-ustc")]["links"] if x["rel"] == "LOCATED_IN"} == {HEFEI}


def test_facts_of_regions(demo_store):
    # the snapshot's paged read: each region's facts grouped by source, dataset, kind, unit and year
    rows = q(demo_store, "facts-of-regions", ids=[DERBY, "no-such-region"])
    assert rows and {r["region"] for r in rows} == {DERBY}
    sectors = {s for r in rows for s in r["sectors"]}
    assert {"rail", "automotive", "aerospace"} <= sectors
    assert all(len(r["sectors"]) == len(r["vals"]) for r in rows)  # a missing value is '', never dropped
    every = [r for r in q(demo_store, "region-sector-matrix") if r["region"] == DERBY]
    assert sum(len(r["sectors"]) for r in rows) == len(every)
