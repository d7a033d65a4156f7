"""The three real files of ../shared/data loaded end to end into a real embedded store."""

from __future__ import annotations

from collections import defaultdict

import pytest
from support import SHARED  # noqa: E402

from rox.graph.store import open_store
from rox.loaders import schemes
from rox.loaders.table_load import LoadOptions, load_table, source_id
from rox.loaders.tables import TableSpec, open_table
from rox.queries.registry import run_named

DATA = SHARED / "data"
BRES = DATA / "uk-ons-bres-itl2" / "itl2_bres_employment_sic2digit_2015_2021.csv"
GVA = DATA / "uk-ons-bres-itl2" / "ons_regional_gva_table2b_itl2_chained_volume_2019_gbp_million.csv"
TRADE = DATA / "world-trade-sitc2" / "world_trade_avg_1998_to_2000.csv"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"../shared/data is absent ({DATA}); the real-data tests need it"),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st = open_store(db=str(tmp_path_factory.mktemp("tables-real") / "t.db"))
    yield st
    st.close()


@pytest.fixture(scope="module")
def loaded(store):
    """Load the three files once, with the options of docs/load-table.md."""
    return {
        "bres": load_table(store, TableSpec(BRES), LoadOptions(sector_scheme="sic2007")),
        "trade": load_table(store, TableSpec(TRADE), LoadOptions(sector_scheme="sitc2", kind="exports", unit="USD")),
        "gva": load_table(
            store, TableSpec(GVA), LoadOptions(kind="gva", unit="GBP million (chained volume, 2019 prices)")
        ),
    }


def counts(store) -> dict:
    rows = run_named(store, "stats")
    return {(r["kind"], r["name"]): r["count"] for r in rows}


def balassa(rows) -> dict[tuple[str, str], float]:
    """Location quotient: (x_rs / x_r) / (x_s / x)."""
    x: dict[tuple[str, str], float] = defaultdict(float)
    by_r: dict[str, float] = defaultdict(float)
    by_s: dict[str, float] = defaultdict(float)
    total = 0.0
    for r in rows:
        x[r["region"], r["sector"]] += r["value"]
        by_r[r["region"]] += r["value"]
        by_s[r["sector"]] += r["value"]
        total += r["value"]
    return {(reg, sec): (v / by_r[reg]) / (by_s[sec] / total) for (reg, sec), v in x.items() if by_s[sec] and by_r[reg]}


def test_bres_location_quotients_2021(store, loaded):
    s = loaded["bres"]
    assert (s.rows_read, s.rows_loaded, sum(s.skipped.values())) == (24_640, 24_640, 0)
    assert s.regions == 40 and s.sectors == 88
    assert any("region column 'GEOGRAPHY_CODE'" in n for n in s.notes)
    src = source_id(BRES)
    rows = [r for r in run_named(store, "region-sector-matrix") if r["source"] == src and r["year"] == 2021]
    assert len(rows) == 40 * 88
    assert {r["kind"] for r in rows} == {"employment"}
    lq = balassa(rows)
    best = {reg: max((v, sec) for (r2, sec), v in lq.items() if r2 == reg) for reg in ("TLF1", "TLG3")}
    # UKF1 (Derbyshire and Nottinghamshire) and UKG3 (West Midlands) are stored under their ITL ids
    assert best["TLF1"][1] == "sic2007:30" and round(best["TLF1"][0], 2) == 2.58
    assert best["TLG3"][1] == "sic2007:29" and round(best["TLG3"][0], 2) == 4.19
    region = store.run("MATCH (r:Region {id: 'TLF1'}) RETURN r.name AS name, r.aliases AS aliases")[0]
    assert region == {"name": "Derbyshire and Nottinghamshire", "aliases": ["UKF1"]}
    # the fine code hangs under the rox taxonomy
    up = store.run("MATCH (:Sector {id: 'sic2007:30'})-[:SUBSECTOR_OF]->(p:Sector) RETURN p.id AS id")
    assert up == [{"id": "transport-equipment"}]
    part = store.run(
        "MATCH (:Region {id: 'TLF1'})-[:PART_OF]->(p:Region)-[:PART_OF]->(g:Region) RETURN p.id AS p, g.id AS g"
    )
    assert part == [{"p": "TLF", "g": "GB"}]


def test_trade_counts(store, loaded):
    s = loaded["trade"]
    assert (s.rows_read, s.rows_loaded) == (124_336, 124_336)
    assert (s.regions, s.sectors) == (226, 785)
    # two codes pycountry does not know (Netherlands Antilles, Serbia and Montenegro) are kept and reported
    assert sorted(s.unresolved) == ["ant", "scg"]
    src = source_id(TRADE)
    got = store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector) WHERE h.source = $src "
        "RETURN count(h) AS n, count(DISTINCT r) AS regions, count(DISTINCT s) AS sectors",
        {"src": src},
    )
    assert got == [{"n": 124_336, "regions": 226, "sectors": 785}]
    gb = store.run(
        "MATCH (r:Region {id: 'GB'})-[h:HAS_SECTOR]->(s:Sector {id: 'sitc2:0011'}) WHERE h.source = $src "
        "RETURN h.kind AS kind, h.unit AS unit",
        {"src": src},
    )
    assert gb == [{"kind": "exports", "unit": "USD"}]


def test_gva_hierarchy_understood(store, loaded):
    # Table 2b needs no dataset profile: a wide-years CSV whose ONS aggregate codes the sic2007 scheme reads
    assert open_table(TableSpec(GVA)).profile is None
    s = loaded["gva"]
    assert s.rows_read == 3_936 * 24
    assert "kept the finest breakdown present for each region" in s.hierarchy
    src = source_id(GVA)
    rows = [r for r in run_named(store, "region-sector-matrix") if r["source"] == src]
    assert len(rows) == s.rows_loaded
    kept = {r["sector"] for r in rows}
    # aggregates are skipped; their parts are kept
    assert not kept & {"sic2007:total", "sic2007:A-E", "sic2007:G-T", "sic2007:C", "sic2007:CL", "sic2007:L"}
    assert {"sic2007:29", "sic2007:30", "sic2007:CI", "sic2007:68IMP", "sic2007:68", "sic2007:02-03"} <= kept
    # no kept code contains another kept code of the same region (nothing counted twice)
    import csv

    with GVA.open(encoding="utf-8-sig") as fh:
        by_id = {c.id: c for c in (schemes.parse("sic2007", r["SIC07 code"]) for r in csv.DictReader(fh))}
    codes = [by_id[c] for c in kept]
    assert schemes.aggregates(codes) == set()
    # and the parts add up to the published total (chained volumes are rounded, not additive: 0.1%)
    tlf1 = sum(r["value"] for r in rows if r["region"] == "TLF1" and r["year"] == 2021)
    assert tlf1 == pytest.approx(50_003, rel=1e-3)
    assert len({r["region"] for r in rows}) == 41  # ITL2 incl. Northern Ireland (TLN0)


def test_reload_changes_nothing(store, loaded):
    before = counts(store)
    again = load_table(store, TableSpec(BRES), LoadOptions(sector_scheme="sic2007"))
    assert (again.created, again.updated, again.unchanged, again.nodes_created) == (0, 0, 24_640, 0)
    assert counts(store) == before
