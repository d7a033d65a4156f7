"""The US SUSB profile on small files shaped like the Census Bureau's state x NAICS sector table
(no shared data needed): detection, FIPS regions, the US row, region levels, size classes, NAICS
sector ranges, the state-sum check, and a real load into the embedded store."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.profiles import PROFILES
from rox.loaders.schemes import CodeError, parse
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec, open_table

HEADER = (
    "\ufeffState,State_Name,NAICS,NAICS_Description,Enterprise_Size,Firms,Establishments,Employment,"
    'Employment_Noise_Flag,"Annual_Payroll_($1,000)",Annual_Payroll_Noise_Flag\n'
)
ROWS = [  # the US row is the sum of its two states
    ("00", "United States", "31-33", "Manufacturing", "01: Total", 5, 6, 30, "G", 900, "G"),
    ("00", "United States", "44-45", "Retail Trade", "01: Total", 5, 6, 12, "G", 300, "G"),
    ("06", "California", "31-33", "Manufacturing", "01: Total", 3, 4, 20, "G", 600, "G"),
    ("06", "California", "44-45", "Retail Trade", "01: Total", 3, 4, 8, "H", 200, "G"),
    ("6", "California", "44-45", "Retail Trade", "02: <20 employees", 2, 2, 3, "H", 50, "G"),
    ("48", "Texas", "31-33", "Manufacturing", "01: Total", 2, 2, 10, "G", 300, "G"),
    ("48", "Texas", "44-45", "Retail Trade", "01: Total", 2, 2, 4, "J", 100, "G"),
]


def susb(tmp_path, rows=ROWS, name="us_state_2digitnaics_2021.csv"):
    p = tmp_path / name
    p.write_text(HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="utf-8")
    return p


def test_detected_with_its_columns(tmp_path):
    t = open_table(TableSpec(susb(tmp_path)))
    assert t.profile is PROFILES["us-susb"] and t.layout == "long"
    assert (t.region_col, t.sector_col, t.value_col, t.year) == ("State", "NAICS", "Employment", "2021")
    assert t.sector_scheme == "naics2017" and t.sector_name_col == "NAICS_Description" and t.region_level == "state"
    cells = list(t.rows())
    assert [(c.region, c.sector, c.year, c.value, c.region_name) for c in cells] == [
        ("06", "31-33", "2021", "20", "California"),
        ("06", "44-45", "2021", "8", "California"),
        ("48", "31-33", "2021", "10", "Texas"),
        ("48", "44-45", "2021", "4", "Texas"),
    ]
    assert t.skipped == {
        "US total rows (State 00: the country, not a state); --region-level country or all keeps them": 2,
        "enterprise-size classes other than '01: Total' (--filter Enterprise_Size=... to load one)": 1,
    }
    assert any("state rows add up to the US rows for every code (2 codes checked)" in n for n in t.notes)


def test_other_files_are_not_susb(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("State,NAICS,year,value\n06,31,2021,1\n")
    assert open_table(TableSpec(p)).profile is None


def test_region_levels_and_bad_level(tmp_path):
    t = open_table(TableSpec(susb(tmp_path), region_level="country"))
    assert {c.region for c in t.rows()} == {"00"}
    assert t.skipped["state rows (--region-level country)"] == 4
    t = open_table(TableSpec(susb(tmp_path), region_level="all"))
    assert {c.region for c in t.rows()} == {"00", "06", "48"}
    assert any("--region-level all" in w for w in t.warnings)
    with pytest.raises(ValidationFailed, match=r"--region-level: one of state, country, all, not 'district'"):
        open_table(TableSpec(susb(tmp_path), region_level="district"))


def test_size_class_filter_and_sum_warning(tmp_path):
    t = open_table(TableSpec(susb(tmp_path), filters={"Enterprise_Size": "02: <20 employees"}))
    assert [(c.region, c.value) for c in t.rows()] == [("6", "3")]
    # a state cell missing: the states no longer add up to the US row, and the warning says why
    t = open_table(TableSpec(susb(tmp_path, rows=[r for r in ROWS if r[:3] != ("48", "Texas", "44-45")])))
    list(t.rows())
    assert t.warnings == [
        "the state rows do not add up to the US rows for 1 code(s): NAICS 44-45: US 12, 1 states 8 "
        "(the other states' cells are not published)"
    ]


def test_naics_sector_ranges():
    assert [parse("naics2017", c).rox for c in ("31-33", "44-45", "48-49")] == [
        "manufacturing",
        "retail-wholesale",
        "logistics",
    ]
    assert parse("naics2017", "44 - 45").id == "naics2017:44-45" and parse("naics2017", "48-49").level == "sector"
    with pytest.raises(CodeError, match="not a NAICS sector range"):
        parse("naics2017", "31-35")


def test_loads_states_part_of_us(empty_store, tmp_path):
    s = load_table(empty_store, TableSpec(susb(tmp_path)), LoadOptions(kind="employment"))
    rows = empty_store.run(
        "MATCH (r:Region)-[:PART_OF]->(:Region {id: 'US'}) MATCH (r)-[h:HAS_SECTOR]->(c:Sector) "
        "RETURN r.id AS r, r.name AS n, c.id AS c, h.value AS v, h.year AS y ORDER BY r, c"
    )
    assert rows == [
        {"r": "US-CA", "n": "California", "c": "naics2017:31-33", "v": 20.0, "y": 2021},
        {"r": "US-CA", "n": "California", "c": "naics2017:44-45", "v": 8.0, "y": 2021},
        {"r": "US-TX", "n": "Texas", "c": "naics2017:31-33", "v": 10.0, "y": 2021},
        {"r": "US-TX", "n": "Texas", "c": "naics2017:44-45", "v": 4.0, "y": 2021},
    ]
    assert s.regions == 2 and not s.unresolved and s.rows_read == 7 and s.rows_loaded == 4
    assert empty_store.run("MATCH (c:Sector {id: 'naics2017:31-33'})-[:SUBSECTOR_OF]->(p) RETURN p.id AS p") == [
        {"p": "manufacturing"}
    ]
    again = load_table(empty_store, TableSpec(susb(tmp_path)), LoadOptions(kind="employment"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
