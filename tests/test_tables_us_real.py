"""The real US SUSB 2021 file (../shared/data/us-susb-state-naics-2021) loaded end to end with the
documented command, into a real embedded store."""

from __future__ import annotations

import csv

import pytest
from support import rox, shared_path

from rox.graph.store import open_store
from rox.loaders import fips

pytestmark = pytest.mark.shared
REL = ("data", "us-susb-state-naics-2021", "us_state_2digitnaics_2021.csv")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    path = shared_path(*REL)
    db = tmp_path_factory.mktemp("us-real") / "t.db"
    out = rox("load-table", path, "--kind", "employment", "--value-col", "Employment", "--no-progress", db=db)
    return db, path, out.stdout + out.stderr


def test_summary(loaded):
    _, _, text = loaded
    assert "rows read 1,038; loaded 1,018; skipped 20" in text
    assert "skipped 20: US total rows (State 00: the country, not a state)" in text
    assert "51 regions, 20 sector codes" in text and "unresolved" not in text
    assert "rows/s" in text and "year 2021 (SUSB 2021, from the file name" in text
    # DC's 11 and 21 are not published: the states fall short of the US rows by exactly those cells
    assert "NAICS 11: US 165,688, 50 states 165,681 (the other states' cells are not published)" in text


def test_california_manufacturing_2021(loaded):
    db, _, _ = loaded
    st = open_store(db=str(db))
    try:
        rows = st.run(
            "MATCH (r:Region {id: 'US-CA'})-[h:HAS_SECTOR]->(s:Sector {id: 'naics2017:31-33'}) "
            "MATCH (r)-[:PART_OF]->(p:Region) MATCH (s)-[:SUBSECTOR_OF]->(t:Sector) "
            "RETURN r.name AS n, h.value AS v, h.year AS y, h.unit AS u, p.id AS p, t.id AS t"
        )
        assert rows == [{"n": "California", "v": 1121805.0, "y": 2021, "u": "persons", "p": "US", "t": "manufacturing"}]
        ids = {r["id"] for r in st.run("MATCH (r:Region)-[:PART_OF]->(:Region {id: 'US'}) RETURN r.id AS id")}
        assert len(ids) == 51 and "US-DC" in ids and not st.run("MATCH (r:Region {id: '00'}) RETURN r.id")
    finally:
        st.close()


def test_two_digit_naics_say_which_level_to_use(loaded):
    """2-digit NAICS sectors are coarser than ISIC divisions: a match at level division is
    refused with the reason and the level that works, which then ranks."""
    db, _, _ = loaded
    out = rox("match", "US-CA", "--level", "division", "--top", "3", db=db, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "rox: error: region 'US-CA' has facts in dataset 'src-file-us-state-2digitnaics-2021-csv' for year 2021, "
        "but none of its codes can be expressed at level division (coarser codes, e.g. 2-digit NAICS sectors, "
        "or codes with no crosswalk to it); try level section"
    )
    ok = rox("match", "US-CA", "--level", "section", "--top", "3", "--format", "json", db=db)
    assert '"rank": 3' in ok.stdout


def test_fips_table_matches_the_file():
    path = shared_path(*REL)
    with path.open(encoding="utf-8-sig") as fh:
        names = {r["State"]: r["State_Name"] for r in csv.DictReader(fh)}
    assert names.pop("00") == "United States"
    assert {k: fips.states()[k][1] for k in names} == names and len(names) == 51


def test_reload_changes_nothing_and_country_level(loaded, tmp_path):
    db, path, _ = loaded
    again = rox("load-table", path, "--kind", "employment", "--value-col", "Employment", "--no-progress", db=db)
    assert "HAS_SECTOR created 0, changed 0, unchanged 1,018" in again.stdout + again.stderr
    from rox.loaders.table_load import LoadOptions, load_table
    from rox.loaders.tables import TableSpec

    st = open_store(db=str(tmp_path / "c.db"))
    try:
        s = load_table(
            st, TableSpec(path, value_col="Employment", region_level="country"), LoadOptions(kind="employment")
        )
        assert (s.regions, s.rows_loaded, s.sectors) == (1, 20, 20)
        got = st.run("MATCH (:Region {id: 'US'})-[h:HAS_SECTOR]->(:Sector {id: 'naics2017:31-33'}) RETURN h.value AS v")
        assert got == [{"v": 11710424.0}]
    finally:
        st.close()
