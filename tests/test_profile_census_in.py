"""The Census of India profile on small files shaped like DDW table B-18 (no shared data needed):
detection, Division/Group/Class codes, state and district regions, the district-sum check, the
Scheduled Castes edition, and a real load into the embedded store."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.profiles import PROFILES
from rox.loaders.profiles.census_in import REGION_LEVELS
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec, open_table

HEADER = (
    "State Code,District Code,India/States,Division,Group,Class,NIC Name,Main Workers - Total -  Persons,"
    "Marginal Workers - Total -  Persons\n"
)
ROWS = [  # state 19 (West Bengal): the state rows are the sums of its two districts
    ("`19", "`000", "STATE - WEST BENGAL", "`00", "`000", "`0000", "Total", 30, 3),
    ("`19", "`000", "STATE - WEST BENGAL", "`01", "`000", "`0000", "Agriculture", 20, 2),
    ("`19", "`000", "STATE - WEST BENGAL", "`01", "`011", "`0000", "Crops", 20, 2),
    ("`19", "`000", "STATE - WEST BENGAL", "`47", "`000", "`0000", "Retail", 10, 1),
    ("`19", "`327", "District - Darjiling", "`00", "`000", "`0000", "Total", 12, 1),
    ("`19", "`327", "District - Darjiling", "`01", "`011", "`0000", "Crops", 8, 1),
    ("`19", "`327", "District - Darjiling", "`01", "`000", "`0000", "Agriculture", 8, 1),
    ("`19", "`327", "District - Darjiling", "`47", "`000", "`0000", "Retail", 4, 0),
    ("`19", "`328", "District - Jalpaiguri", "`00", "`000", "`0000", "Total", 18, 2),
    ("`19", "`328", "District - Jalpaiguri", "`01", "`000", "`0000", "Agriculture", 12, 1),
    ("`19", "`328", "District - Jalpaiguri", "`01", "`011", "`0000", "Crops", 12, 1),
    ("`19", "`328", "District - Jalpaiguri", "`47", "`000", "`0000", "Retail", 6, 1),
]


def b18(tmp_path, name="DDW_B18_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv", rows=ROWS):
    p = tmp_path / name
    p.write_text(HEADER + "".join(",".join(map(str, r)) + "\n" for r in rows), encoding="latin-1")
    return p


def test_detected_with_its_columns(tmp_path):
    t = open_table(TableSpec(b18(tmp_path)))
    assert t.profile is PROFILES["census-in"] and t.layout == "long"
    assert t.sector_cols == ["Division", "Group", "Class"] and t.sector_scheme == "isic4"
    assert t.value_col == "Main Workers - Total -  Persons" and t.year == "2011" and t.region_level == "district"
    assert t.region_name_col is None and t.regions_from_profile
    cells = list(t.rows())
    # the state rows are left out (the districts add up to them), and said so
    assert [(c.region, c.sector, c.region_name) for c in cells[:2]] == [
        ("census-in:19:327", "Total", "Darjiling"),
        ("census-in:19:327", "011", "Darjiling"),
    ]
    assert sum(t.skipped.values()) == 4
    assert any("district rows add up to the state rows for every code" in n for n in t.notes)


def test_other_files_are_not_census(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("geo,industry,year,value\nUKF1,30,2021,1\n")
    assert open_table(TableSpec(p)).profile is None
    # a census header asked to be read wide is not the census shape
    assert not PROFILES["census-in"].detect(
        __import__("rox.loaders.profiles", fromlist=["Head"]).Head(p, "", HEADER.strip().split(","), "wide-years")
    )


def test_region_level_state_and_checks(tmp_path):
    t = open_table(TableSpec(b18(tmp_path), region_level="state"))
    assert {c.region for c in t.rows()} == {"census-in:19:000"}
    assert t.skipped == {"district rows (--region-level state)": 8}
    with pytest.raises(ValidationFailed, match="--region-level: one of district, state, all, not 'county'"):
        open_table(TableSpec(b18(tmp_path), region_level="county"))
    plain = tmp_path / "t.csv"
    plain.write_text("geo,industry,year,value\nUKF1,30,2021,1\n")
    with pytest.raises(
        ValidationFailed,
        match=r"--region-level: applies to Census of India tables \(State Code, District Code columns\) or ",
    ):
        open_table(TableSpec(plain, region_level="state"))
    assert REGION_LEVELS == ("district", "state", "all")


def test_districts_that_do_not_add_up_are_a_warning(tmp_path):
    rows = [r if r[1] != "`328" or r[3] != "`47" else (*r[:7], 7, 1) for r in ROWS]
    t = open_table(TableSpec(b18(tmp_path, rows=rows)))
    list(t.rows())
    assert t.warnings == [
        "the district rows do not add up to the state rows for 1 code(s): state 19 sector 47: "
        "state rows 10, districts 11"
    ]


def test_scheduled_castes_edition_is_flagged(tmp_path):
    t = open_table(TableSpec(b18(tmp_path, "DDW_B18sc_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv")))
    assert t.population == "Scheduled Castes"
    assert t.warnings[0].startswith(
        "DDW_B18sc_1900_NIC_FINAL_STATE_WEST_BENGAL-2011.csv is table B18sc: it counts SCHEDULED CASTES ONLY"
    )


def test_resolves_its_own_region_codes():
    p = PROFILES["census-in"]
    assert p.resolve_region("census-in:19:000", "West Bengal").place.id == "IN-WB"
    district = p.resolve_region("census-in:19:327", "Darjiling").place
    assert (district.id, district.kind, district.parent) == ("IN-WB-darjiling", "district", "IN-WB")
    assert p.resolve_region("census-in:99:000", None).note == "Census of India state code 99 is not known"
    assert p.resolve_region("census-in:19:327", None).status == "unresolved"
    assert p.resolve_region("IN-WB", None) is None


def test_loads_districts_at_the_finest_level(empty_store, tmp_path):
    s = load_table(empty_store, TableSpec(b18(tmp_path)), LoadOptions())
    rows = empty_store.run(
        "MATCH (d:Region)-[:PART_OF]->(:Region {id: 'IN-WB'}) MATCH (d)-[h:HAS_SECTOR]->(c:Sector) "
        "RETURN d.id AS d, c.id AS c, h.value AS v, h.year AS y ORDER BY d, c"
    )
    assert rows == [
        {"d": "IN-WB-darjiling", "c": "isic4:011", "v": 8.0, "y": 2011},
        {"d": "IN-WB-darjiling", "c": "isic4:47", "v": 4.0, "y": 2011},
        {"d": "IN-WB-jalpaiguri", "c": "isic4:011", "v": 12.0, "y": 2011},
        {"d": "IN-WB-jalpaiguri", "c": "isic4:47", "v": 6.0, "y": 2011},
    ]
    assert s.regions == 2 and not s.unresolved
