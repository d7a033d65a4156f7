"""Census of India 2011 Table B-18 (NIC-2008 industry of workers) loaded end to end into a real
embedded store: West Bengal, Rajasthan and the Scheduled-Castes-only Maharashtra file
(../shared/data/india-census2011-b18, see its PROVENANCE.md).

The state-level checks are computed from what is in the store: by default the districts are
loaded (the state total rows, district ``000``, are skipped because the districts add up to
them) at the finest NIC level present (classes), so a state's division ``47`` is the sum, over
the districts ``PART_OF`` the state, of the kept class codes that start with ``47``.
"""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest
from support import SHARED  # noqa: E402

from rox.graph.store import open_store
from rox.loaders.table_load import LoadOptions, load_table, source_id
from rox.loaders.tables import TableSpec, open_table

DIR = SHARED / "data" / "india-census2011-b18"
WB = DIR / "DDW_B18_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv"
RJ = DIR / "DDW_B18_0800_NIC_FINAL_STATE_RAJASTHAN-2011.csv"
MH_SC = DIR / "DDW_B18sc_2700_NIC_FINAL_STATE_MAHARASHTRA-2011.csv"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.skipif(
        not (WB.exists() and RJ.exists() and MH_SC.exists()),
        reason=f"the Census of India B-18 files are absent ({DIR}); these real-data tests need "
        "../shared/data/india-census2011-b18",
    ),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st = open_store(db=str(tmp_path_factory.mktemp("tables-india") / "t.db"))
    yield st
    st.close()


@pytest.fixture(scope="module")
def loaded(store):
    """The one-line commands of docs/load-table.md: every option detected."""
    return {k: load_table(store, TableSpec(p), LoadOptions()) for k, p in (("wb", WB), ("rj", RJ), ("mh", MH_SC))}


def published(path, col="Main Workers - Total -  Persons") -> dict[tuple[str, str, str, str], int]:
    """(district, division, group, class) -> value, straight from the file (codes without the backtick)."""
    with open(path, encoding="latin-1", newline="") as fh:
        return {
            tuple(r[k].lstrip("`") for k in ("District Code", "Division", "Group", "Class")): int(r[col])
            for r in csv.DictReader(fh)
        }


def kept(store, path, state) -> list[dict]:
    """HAS_SECTOR facts of a file's source on the districts of ``state``."""
    return store.run(
        "MATCH (d:Region)-[:PART_OF]->(s:Region {id: $state}) MATCH (d)-[h:HAS_SECTOR]->(c:Sector) "
        "WHERE h.source = $src RETURN d.id AS region, d.kind AS kind, c.id AS sector, c.code AS code, "
        "h.value AS value, h.unit AS unit, h.kind AS hkind, h.year AS year",
        {"state": state, "src": source_id(path)},
    )


def top_divisions(rows, n=4) -> list[tuple[str, float]]:
    div: dict[str, float] = defaultdict(float)
    for r in rows:
        div[r["code"][:2]] += r["value"]
    return sorted(div.items(), key=lambda kv: -kv[1])[:n]


def test_detects_the_b18_shape():
    t = open_table(TableSpec(WB))
    assert t.encoding == "latin-1" and t.layout == "long"
    assert t.sector_cols == ["Division", "Group", "Class"] and t.sector_scheme == "isic4"
    assert t.value_col == "Main Workers - Total -  Persons" and t.year == "2011"
    assert t.profile.name == "census-in" and t.region_level == "district"
    assert t.profile_data["census-in"] == ("State Code", "District Code", "India/States")
    assert t.population is None and not t.warnings
    # a column option with single spaces finds the double-spaced header
    t2 = open_table(TableSpec(WB, value_col="main workers - total - persons"))
    assert t2.value_col == "Main Workers - Total -  Persons"


@pytest.mark.parametrize("key,path,state,n_districts", [("wb", WB, "IN-WB", 19), ("rj", RJ, "IN-RJ", 33)])
def test_loads_end_to_end(store, loaded, key, path, state, n_districts):
    s = loaded[key]
    rows = kept(store, path, state)
    regions = {r["region"] for r in rows}
    assert len(regions) == n_districts == s.regions
    assert all(r.startswith(state + "-") for r in regions) and {r["kind"] for r in rows} == {"district"}
    assert {(r["hkind"], r["unit"], r["year"]) for r in rows} == {("employment", "persons", 2011)}
    assert all(r["sector"].startswith("isic4:") for r in rows)
    assert s.rows_loaded == len(rows) and not s.unresolved
    text = "\n".join(s.lines())
    assert "district rows add up to the state rows for every code" in text
    assert "NIC-2008 equals ISIC Rev. 4" in text
    # the state is a real ISO 3166-2 region in India
    st = store.run("MATCH (s:Region {id: $id})-[:PART_OF]->(c:Region {id: 'IN'}) RETURN s.kind AS kind", {"id": state})
    assert st and st[0]["kind"] == "state"


def test_west_bengal_districts_named(store, loaded):
    got = store.run("MATCH (d:Region {id: 'IN-WB-darjiling'}) RETURN d.name AS name, d.codes AS codes")
    assert got and got[0]["name"] == "Darjiling" and "in-census2011-district:327" in got[0]["codes"]
    assert store.run("MATCH (d:Region {id: 'IN-WB-north-twenty-four-parganas'}) RETURN d.id AS id")


@pytest.mark.parametrize(
    "path,state,expected",
    [
        (WB, "IN-WB", ["47", "41", "49", "85"]),
        (RJ, "IN-RJ", ["47", "41", "85", "49"]),
    ],
)
def test_state_top_divisions_match_provenance(store, loaded, path, state, expected):
    """Summed from the store (kept class codes of every district), compared with the file's state rows."""
    top = top_divisions(kept(store, path, state))
    assert [d for d, _ in top] == expected
    pub = published(path)
    for d, v in top:
        assert v == pub["000", d, "000", "0000"]  # the published state division total
    if state == "IN-WB":
        assert top[0][1] == pytest.approx(2.56e6, rel=0.01)  # 2,559,212 main workers in retail


@pytest.mark.parametrize("path,state", [(WB, "IN-WB"), (RJ, "IN-RJ"), (MH_SC, "IN-MH")])
def test_no_double_counting(store, loaded, path, state):
    """The kept values of a state add up to its published total of main workers (state row, Total)."""
    rows = kept(store, path, state)
    total = published(path)["000", "00", "000", "0000"]
    assert sum(r["value"] for r in rows) == pytest.approx(total, abs=0.5)
    # one level per district: no kept code contains another kept code of the same district
    by_region = defaultdict(set)
    for r in rows:
        by_region[r["region"]].add(r["code"])
    for codes in by_region.values():
        assert not any(a != b and b.startswith(a) for a in codes for b in codes)
    # nothing on the state itself from this file (its rows are the districts' sum)
    assert not store.run(
        "MATCH (:Region {id: $id})-[h:HAS_SECTOR]->() WHERE h.source = $src RETURN h.value AS v",
        {"id": state, "src": source_id(path)},
    )


def test_reload_changes_nothing(store, loaded):
    before = store.run("MATCH ()-[h:HAS_SECTOR]->() RETURN count(h) AS n, sum(h.value) AS v")[0]
    nodes = store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")[0]["n"]
    again = load_table(store, TableSpec(WB), LoadOptions())
    assert again.created == 0 and again.updated == 0 and again.unchanged == loaded["wb"].rows_loaded
    assert again.nodes_created == 0
    assert store.run("MATCH ()-[h:HAS_SECTOR]->() RETURN count(h) AS n, sum(h.value) AS v")[0] == before
    assert store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n")[0]["n"] == nodes


def test_maharashtra_sc_file_is_flagged(store, loaded):
    s = loaded["mh"]
    text = "\n".join(s.lines())
    assert "SCHEDULED CASTES ONLY" in text and "B18sc" in text and "not the industry mix" in text
    assert text.splitlines()[1].startswith("WARNING:")  # first thing after the file line, and again at the end
    assert text.splitlines()[-2].startswith("WARNING:")
    rows = kept(store, MH_SC, "IN-MH")
    assert len({r["region"] for r in rows}) == 35
    assert {r["unit"] for r in rows} == {"persons (Scheduled Castes only)"}
    src = store.run(
        "MATCH (s:Source {id: $id}) RETURN s.title AS title, s.coverage AS coverage", {"id": source_id(MH_SC)}
    )
    assert src[0]["coverage"] == "Scheduled Castes only" and "Scheduled Castes only" in src[0]["title"]
    assert sum(r["value"] for r in rows) == 2_280_899  # PROVENANCE: far below Maharashtra's ~25M


def test_region_level_state(tmp_path):
    st = open_store(db=str(tmp_path / "t.db"))
    try:
        s = load_table(st, TableSpec(WB, region_level="state"), LoadOptions())
        rows = st.run(
            "MATCH (r:Region)-[h:HAS_SECTOR]->(c:Sector) RETURN r.id AS region, c.code AS code, h.value AS value"
        )
        assert {r["region"] for r in rows} == {"IN-WB"} and s.regions == 1
        assert sum(r["value"] for r in rows) == 15_619_759
        assert [d for d, _ in top_divisions(rows)] == ["47", "41", "49", "85"]
        assert any("district rows (--region-level state)" in k for k in s.skipped)
    finally:
        st.close()


def test_division_level(tmp_path):
    st = open_store(db=str(tmp_path / "t.db"))
    try:
        load_table(st, TableSpec(RJ), LoadOptions(level="division"))
        rows = st.run("MATCH (r:Region)-[h:HAS_SECTOR]->(c:Sector) RETURN c.code AS code, h.value AS value")
        assert {len(r["code"]) for r in rows} == {2}
        assert sum(r["value"] for r in rows) == 9_017_944
    finally:
        st.close()
