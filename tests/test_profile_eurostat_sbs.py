"""The Eurostat SBS CSV profile: ``nace_r2;geo;n2015`` loads as published (year from the value
column's name, NUTS levels and NACE levels mixed, flags kept, blanks missing, bad cells listed)."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.profiles import PROFILES
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec, open_table

SBS = (
    "nace_r2;geo;n2015\n"
    "C;DE;7000\n"  # 2: NUTS0, skipped (finest level kept)
    "C;DE2;900\n"  # 3: NUTS1, skipped
    "C;DE21;300\n"  # 4: section beside its divisions: aggregate, skipped
    "C29;DE21;110595\n"  # 5
    "C30;DE21;120 d\n"  # 6: flag d kept
    "C31;DE21; d\n"  # 7: flag alone: missing
    "C32;DE21; \n"  # 8: blank: missing
    "C33;DE21;\n"  # 9: empty: missing
    "C29;DEZZ;5\n"  # 10: extra-regio
    "G451;IS00;12:00 AM\n"  # 11: damaged cell
    "G452;IS00;12:00 AM\n"  # 12: damaged cell
    "B;IS00;40\n"  # 13
)


def sbs(tmp_path, text=SBS):
    p = tmp_path / "sbs_r_nuts06_r2.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_detected_with_the_year_from_the_value_column(tmp_path):
    t = open_table(TableSpec(sbs(tmp_path)))
    assert t.profile is PROFILES["eurostat-sbs"] and t.layout == "long"
    assert (t.region_col, t.sector_col, t.value_col, t.year) == ("geo", "nace_r2", "n2015", "2015")
    assert t.profile_data["region_scheme"] == "nuts" and t.region_level == "finest"
    assert [(c.line, c.region, c.sector, c.year, c.value) for c in t.rows()][:1] == [(2, "DE", "C", "2015", "7000")]


def test_bad_values_fail_by_default_listing_every_cell_nothing_written(empty_store, tmp_path):
    p = sbs(tmp_path)
    with pytest.raises(ValidationFailed) as err:
        load_table(empty_store, TableSpec(p), LoadOptions(kind="employment"))
    assert [str(x) for x in err.value.problems] == [
        f"{p}:11: value: '12:00 AM' is not a number",
        f"{p}:12: value: '12:00 AM' is not a number",
    ]
    assert empty_store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n", {}) == [{"n": 0}]


def test_skip_loads_the_rest_flags_kept_missing_counted_never_zero(empty_store, tmp_path):
    p = sbs(tmp_path)
    s = load_table(empty_store, TableSpec(p), LoadOptions(kind="employment", bad_values="skip"))
    assert s.bad_cells == [f"{p}:11: value: '12:00 AM' is not a number", f"{p}:12: value: '12:00 AM' is not a number"]
    assert dict(s.skipped) == {
        "region level nuts0 (kept nuts2; --region-level)": 1,
        "region level nuts1 (kept nuts2; --region-level)": 1,
        "aggregate code: finer codes inside it are present for the region": 1,
        "missing value (d)": 1,
        "missing value (empty)": 2,
        "extra-regio region code (xxZ, xxZZ, xxZZZ: not a territory)": 1,
        "bad value (--bad-values skip; listed below)": 2,
    }
    assert (s.rows_read, s.rows_loaded) == (12, 3)
    lines = s.lines()
    assert f"  {p}:11: value: '12:00 AM' is not a number" in lines and lines[-1].endswith(s.load_id)
    assert "rows/s" in lines[-1]
    facts = empty_store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(x:Sector) RETURN r.id AS r, x.id AS s, h.value AS v, h.year AS y, "
        "h.flags AS f, h.unit AS u ORDER BY r, s",
        {},
    )
    assert facts == [
        {"r": "DE21", "s": "nace2:29", "v": 110595.0, "y": 2015, "f": None, "u": "persons"},
        {"r": "DE21", "s": "nace2:30", "v": 120.0, "y": 2015, "f": "d", "u": "persons"},
        {"r": "IS00", "s": "nace2:B", "v": 40.0, "y": 2015, "f": None, "u": "persons"},
    ]
    chain = empty_store.run(
        "MATCH (r:Region {id: 'DE21'})-[:PART_OF]->(a:Region)-[:PART_OF]->(c:Region) "
        "RETURN r.name AS r, r.kind AS k, a.id AS a, a.name AS an, c.id AS c",
        {},
    )
    assert chain == [{"r": "Oberbayern", "k": "nuts2", "a": "DE2", "an": "Bayern", "c": "DE"}]
    again = load_table(empty_store, TableSpec(p), LoadOptions(kind="employment", bad_values="skip"))
    assert (again.created, again.updated, again.unchanged, again.nodes_created) == (0, 0, 3, 0)


def test_region_level_option_keeps_another_level(empty_store, tmp_path):
    p = sbs(tmp_path, "nace_r2;geo;n2015\nC;DE;7000\nC;DE2;900\nC;DE21;300\n")
    s = load_table(empty_store, TableSpec(p, region_level="nuts1"), LoadOptions(kind="employment"))
    assert s.rows_loaded == 1 and "region levels nuts0 (1), nuts1 (1), nuts2 (1); kept nuts1" in " ".join(s.notes)
    assert empty_store.run("MATCH (r:Region)-[h:HAS_SECTOR]->() RETURN r.id AS r, h.value AS v", {}) == [
        {"r": "DE2", "v": 900.0}
    ]
