"""Tables meet the regions of entity files: ``rox demo`` then ``rox load-table`` BRES puts the
ITL2 figures of TLG3 on the demo's ``GB-ENG-west-midlands`` (``codes: [TLG3, UKG3]``) instead of
making a second "West Midlands"; and empty files say so."""

from __future__ import annotations

import pytest
from support import SHARED, rox  # noqa: E402

from rox.api import Rox
from rox.graph.errors import AmbiguousName, ValidationFailed
from rox.graph.store import open_store
from rox.loaders.claims import Claims
from rox.loaders.gazetteer import Place, code_key
from rox.loaders.table_load import LoadOptions, load_table, source_id
from rox.loaders.tables import TableSpec, open_table

BRES = SHARED / "data" / "uk-ons-bres-itl2" / "itl2_bres_employment_sic2digit_2015_2021.csv"
needs_bres = pytest.mark.skipif(not BRES.is_file(), reason=f"needs the ONS BRES file of ../shared ({BRES})")
BRES_OPTS = dict(sector_scheme="sic2007")
#: ITL codes of demo regions that are exactly the same area (data/demo/regions.yaml `codes`).
ATTACHED = {
    "TLG3": "GB-ENG-west-midlands",
    "TLD3": "GB-ENG-greater-manchester",
    "TLF": "GB-ENG-east-midlands",
    "TLI": "GB-ENG-london",
    "TLJ": "GB-ENG-south-east",
}


def _one(store, cypher, **params):
    rows = store.run(cypher, params)
    return rows[0] if rows else None


def _ids(store, ids):
    return {r["id"] for r in store.run("UNWIND $ids AS i MATCH (r:Region {id: i}) RETURN r.id AS id", {"ids": ids})}


# ---------------------------------------------------------------- no store
def test_code_key_and_claims_match_both_code_forms_and_old_prefixes():
    assert code_key("itl2:TLG3") == "TLG3" and code_key(" ukg3 ") == "UKG3" and code_key("iso3166-1:GB") == "GB"
    wm = Place("TLG3", "West Midlands", "statistical-region", "GB", "TLG", aliases=("UKG3",), codes=("TLG3", "UKG3"))
    for codes in (["TLG3"], ["UKG3"], ["itl2:TLG3"], ["nuts2:ukg3"]):
        c = Claims([{"id": "GB-ENG-west-midlands", "codes": codes}])
        assert c.attach(wm) == "GB-ENG-west-midlands" and c.attached == {"TLG3": "GB-ENG-west-midlands"}, codes
    # containment is not equality: a region claiming TLF1 does not take TLF (or the other way round)
    assert Claims([{"id": "X", "codes": ["TLF1"]}]).attach(Place("TLF", "East Midlands", "statistical-region")) == "TLF"
    # a region's own codes do not attach it to itself; two claimants: kept, with a warning
    assert Claims([{"id": "TLG3", "codes": ["TLG3", "UKG3"]}]).attach(wm) == "TLG3"
    two = Claims([{"id": "A", "codes": ["TLG3"]}, {"id": "B", "codes": ["UKG3"]}])
    assert two.attach(wm) == "TLG3" and "several regions in the store claim its codes (A, B)" in two.warnings[0]


# ---------------------------------------------------------------- empty files
@pytest.mark.parametrize(
    "content, line, reason",
    [
        (b"", None, "file is empty (0 bytes); nothing to load"),
        (b"\n \n\r\n", None, "file is empty (only blank lines); nothing to load"),
        (b"\xef\xbb\xbf", None, "file is empty (only blank lines); nothing to load"),
        (b"geo,industry,year,value\n", 1, "no data rows: only a header line; nothing to load"),
        (b"geo,industry,year,value", 1, "no data rows: only a header line; nothing to load"),
        (b"geo;industry;year;value\n;;;\n\n", 1, "no data rows: only a header line; nothing to load"),
    ],
)
def test_empty_file_says_so(tmp_path, content, line, reason):
    p = tmp_path / "t.csv"
    p.write_bytes(content)
    with pytest.raises(ValidationFailed) as exc:
        open_table(TableSpec(p))
    assert [(q.line, q.field, q.reason) for q in exc.value.problems] == [(line, "file", reason)]


def test_empty_file_cli_exit_1(tmp_path):
    empty, header = tmp_path / "empty.csv", tmp_path / "header.csv"
    empty.write_bytes(b"")
    header.write_text("geo,industry,year,value\n")
    db = tmp_path / "db"
    out = rox("load-table", empty, "--sector-scheme", "sic2007", "--kind", "employment", db=db, check=False)
    assert out.returncode == 1
    assert f"{empty}: file: file is empty (0 bytes); nothing to load" in out.stderr
    assert "delimiter" not in out.stderr
    out = rox("load-table", header, "--sector-scheme", "sic2007", "--kind", "employment", db=db, check=False)
    assert out.returncode == 1
    assert f"{header}:1: file: no data rows: only a header line; nothing to load" in out.stderr


def test_no_rows_after_filter(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("geo,industry,year,value\nUKF1,30,2021,12\n")
    store = open_store(db=str(tmp_path / "db"))
    try:
        with pytest.raises(ValidationFailed) as exc:
            load_table(
                store, TableSpec(p, filters={"geo": "UKG3"}), LoadOptions(sector_scheme="sic2007", kind="employment")
            )
        assert [q.reason for q in exc.value.problems] == ["no data rows match --filter geo=UKG3; nothing to load"]
        assert _one(store, "MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")["n"] == 0
    finally:
        store.close()


# ---------------------------------------------------------------- small synthetic tables on the demo
def test_countries_and_itl_codes_meet_the_demo(tmp_path):
    store = open_store(db=str(tmp_path / "db"))
    try:
        Rox(store).load_demo()
        regions_before = _one(store, "MATCH (r:Region) RETURN count(r) AS n")["n"]
        trade = tmp_path / "trade.csv"
        trade.write_text("reporter,product,year,value\ngbr,7921,1999,10\nCHN,7921,1999,20\nind,7921,1999,5\n")
        s = load_table(store, TableSpec(trade), LoadOptions(sector_scheme="sitc2", kind="exports", unit="USD"))
        assert s.attached == {}
        assert _one(store, "MATCH (r:Region) RETURN count(r) AS n")["n"] == regions_before  # GB, CN, IN as in the demo
        got = store.run(
            "MATCH (r:Region)-[h:HAS_SECTOR {source: $src}]->() RETURN r.id AS id ORDER BY id",
            {"src": source_id(trade)},
        )
        assert [r["id"] for r in got] == ["CN", "GB", "IN"]
        # both ITL forms and the ITL2 name find the demo region; a new ITL2 region gets both codes
        t = tmp_path / "itl.csv"
        t.write_text("geo,industry,year,value\nUKG3,29,2021,100\nTLF1,30,2021,50\n")
        s = load_table(store, TableSpec(t), LoadOptions(sector_scheme="sic2007", kind="employment"))
        assert s.attached == {"TLG3": "GB-ENG-west-midlands", "TLF": "GB-ENG-east-midlands"}
        assert (
            "attached to existing regions (their codes): TLF -> GB-ENG-east-midlands, TLG3 -> GB-ENG-west-midlands"
            in s.lines()
        )
        assert _ids(store, ["TLG3", "TLF", "TLG"]) == set()
        tlf1 = _one(
            store, "MATCH (r:Region {id: 'TLF1'})-[:PART_OF]->(p:Region) RETURN r.codes AS codes, collect(p.id) AS up"
        )
        assert sorted(tlf1["codes"]) == ["TLF1", "UKF1"] and tlf1["up"] == ["GB-ENG-east-midlands"]
        # the demo region keeps its one parent: nothing is added to a region the load attached to
        ups = store.run("MATCH (:Region {id: 'GB-ENG-west-midlands'})-[:PART_OF]->(p) RETURN p.id AS id")
        assert [r["id"] for r in ups] == ["GB-ENG-midlands"]
    finally:
        store.close()


# ---------------------------------------------------------------- the real BRES file
@needs_bres
def test_demo_then_bres_one_west_midlands(tmp_path):
    store = open_store(db=str(tmp_path / "db"))
    try:
        Rox(store).load_demo()
        s = load_table(store, TableSpec(BRES), LoadOptions(**BRES_OPTS))
        assert s.attached == ATTACHED and not s.warnings
        assert s.rows_loaded == 24_640 and s.created == 24_640
        assert _ids(store, list(ATTACHED)) == set()  # no TLG3, TLD3, TLF, TLI, TLJ beside the demo's regions
        fact = _one(
            store,
            "MATCH (:Region {id: 'GB-ENG-west-midlands'})-[h:HAS_SECTOR {source: $src, year: 2021}]->"
            "(:Sector {id: 'sic2007:29'}) RETURN h.value AS value, h.kind AS kind",
            src=source_id(BRES),
        )
        assert fact and fact["kind"] == "employment" and fact["value"] > 10_000
        n = _one(
            store,
            "MATCH (:Region {id: 'GB-ENG-west-midlands'})-[h:HAS_SECTOR {source: $src}]->() RETURN count(h) AS n",
            src=source_id(BRES),
        )["n"]
        assert n == 88 * 7  # every division, 2015-2021
        api = Rox(store)
        assert api.resolve_region("West Midlands") == "GB-ENG-west-midlands"
        assert api.resolve_region("London") == "GB-ENG-london"
        assert api.resolve_region("Greater Manchester") == "GB-ENG-greater-manchester"
        up = store.run(
            "MATCH (r:Region)-[:PART_OF]->(:Region {id: 'GB-ENG-east-midlands'}) WHERE r.id STARTS WITH 'TL' "
            "RETURN r.id AS id ORDER BY id"
        )
        assert [r["id"] for r in up] == ["TLF1", "TLF2", "TLF3"]
        # reload: nothing created or changed
        again = load_table(store, TableSpec(BRES), LoadOptions(**BRES_OPTS))
        assert (again.created, again.updated, again.nodes_created, again.unchanged) == (0, 0, 0, 24_640)
        assert again.attached == ATTACHED
    finally:
        store.close()


@needs_bres
def test_bres_then_demo_order_matters(tmp_path):
    """Documented: a table loaded *before* the entity file made TLG3; the demo then adds
    GB-ENG-west-midlands beside it (the entity loader does not merge by code). Reloading the
    table keeps its facts on TLG3 (nothing changes, nothing counted twice) and warns."""
    store = open_store(db=str(tmp_path / "db"))
    try:
        load_table(store, TableSpec(BRES), LoadOptions(**BRES_OPTS))
        Rox(store).load_demo()
        assert _ids(store, ["TLG3", "GB-ENG-west-midlands"]) == {"TLG3", "GB-ENG-west-midlands"}
        with pytest.raises(AmbiguousName):
            Rox(store).resolve_region("West Midlands")
        again = load_table(store, TableSpec(BRES), LoadOptions(**BRES_OPTS))
        assert (again.created, again.updated, again.nodes_created) == (0, 0, 0)
        assert again.attached == {}
        warn = [w for w in again.warnings if w.startswith("TLG3 and GB-ENG-west-midlands are the same area")]
        assert warn and "load entity files first, then tables" in warn[0]
        n = _one(
            store,
            "MATCH (:Region {id: 'GB-ENG-west-midlands'})-[h:HAS_SECTOR {source: $src}]->() RETURN count(h) AS n",
            src=source_id(BRES),
        )["n"]
        assert n == 0
    finally:
        store.close()
