"""The NUTS gazetteer (loaders/nuts.py): codes, names, levels and parents of NUTS 2013/2016/2021,
version detection, the FRA trap, UK codes as ITL regions, extra-regio codes skipped, and a NUTS
table loaded into a real store next to an ISO country table."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders import nuts
from rox.loaders.gazetteer import Gazetteer, parents
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec


def test_reference_holds_the_three_versions_with_eurostat_counts():
    u = nuts.units()
    assert {v: len(u[v]) for v in nuts.VERSIONS} == {"nuts2013": 1828, "nuts2016": 1845, "nuts2021": 2121}
    assert nuts.unit("nuts2016", "DE21") == nuts.Unit("DE21", "Oberbayern", 2, "DE2", "nuts2016")
    assert nuts.unit("nuts2013", "DE2").name == "Bayern"  # Eurostat's capitals replaced by the 2021 label
    assert nuts.unit("nuts2016", "FRA") is None and nuts.unit("nuts2013", "FRA").level == 1
    assert nuts.unit("nuts2021", "NO08").name == "Oslo og Viken"  # statistical regions of non-EU countries


def test_places_ids_kinds_and_parents_up_to_the_iso_country():
    r = nuts.NutsResolver("nuts2013")
    de21 = r("DE21", None).place
    assert (de21.id, de21.name, de21.kind, de21.country) == ("DE21", "Oberbayern", "nuts2", "DE")
    assert [(p.id, p.kind) for p in parents(de21)] == [("DE2", "nuts1"), ("DE", "country")]
    el = r("EL30", None).place
    assert el.country == "GR" and [p.id for p in parents(el)] == ["EL3", "GR"]  # NUTS0 EL is ISO GR
    assert r("EL", None).place.id == "GR" and r("UK", None).place.id == "GB"
    nuts3 = r("ITC4C", None).place
    assert (nuts3.name, nuts3.kind, [p.id for p in parents(nuts3)]) == ("Milano", "nuts3", ["ITC4", "ITC", "IT"])


def test_uk_codes_are_the_itl_regions_and_old_uk_codes_sit_under_itl():
    r = nuts.NutsResolver("nuts2013")
    assert r("UKF1", None).place.id == "TLF1" and r("UKF", None).place.id == "TLF"
    ukm2 = r("UKM2", None).place  # NUTS 2013 Eastern Scotland: no ITL 2021 twin, but under ITL1 TLM
    assert (ukm2.id, ukm2.name) == ("UKM2", "Eastern Scotland")
    assert [p.id for p in parents(ukm2)] == ["TLM", "GB"]


def test_the_fra_trap_nuts_tables_never_read_alpha3():
    hooked = Gazetteer("auto", hooks=[nuts.NutsResolver("nuts2013", keep={1})])
    fra = hooked.resolve("FRA").place
    assert (fra.id, fra.kind, fra.country, fra.name) == ("FRA", "nuts1", "FR", "Départements D'Outre-Mer")
    assert Gazetteer().resolve("FRA").place.id == "FR"  # without the NUTS hook (a trade table): France
    assert fra.keys() == {"NUTS2013:FRA"}  # never meets France's iso3166-1a3:FRA in the store


def test_extra_regio_aggregates_and_levels_not_kept_are_skipped_with_the_reason():
    r = nuts.NutsResolver("nuts2013", keep={2})
    assert r("DEZZ", None).status == "skip" and r("DEZZ", None).note == nuts.EXTRA_REGIO
    assert r("EU28", None).note == nuts.AGGREGATE and r("EA19", None).status == "skip"
    assert r("DE2", None).note == "region level nuts1 (kept nuts2; --region-level)"
    unknown = r("NO01", None)  # NUTS 2013 did not cover Norway; kept, by its shape, under Norway
    assert (unknown.status, unknown.place.kind, unknown.place.parent) == ("unresolved", "nuts2", "NO0")


def test_version_detected_from_the_codes_present():
    assert nuts.detect_version(["FR21", "FR10", "PL11", "DE21"])[0] == "nuts2013"
    assert nuts.detect_version(["FRF2", "FR10", "PL71", "UKN10", "UKN11"])[0] == "nuts2016"
    assert nuts.detect_version(["FRF2", "PL71", "HR02", "BE224", "DE21"])[0] == "nuts2021"
    assert nuts.detect_version(["FRF2", "DE21"])[0] == "nuts2021"  # a tie: the newest
    assert nuts.keep_levels(None, nuts.levels_of(["DE", "DE2", "DE21"], "nuts2013"))[0] == {2}
    assert nuts.keep_levels("nuts1", nuts.levels_of(["DE", "DE2"], "nuts2013"))[0] == {1}
    assert nuts.keep_levels("all", nuts.levels_of(["DE"], "nuts2013"))[0] is None


def _sbs(tmp_path, body: str):
    p = tmp_path / "sbs_r_nuts06_r2.csv"
    p.write_text("nace_r2;geo;n2015\n" + body, encoding="utf-8")
    return p


def test_nuts_table_beside_an_iso_table_keeps_fra_and_france_apart(empty_store, tmp_path):
    iso = tmp_path / "trade.csv"
    iso.write_text("country,sitc,year,value\nFRA,7810,2015,100\n", encoding="utf-8")
    load_table(empty_store, TableSpec(iso), LoadOptions(sector_scheme="sitc2", kind="exports", unit="USD"))
    p = _sbs(tmp_path, "C;FR;10\nC;FRA;4\nC;FR1;6\nC;FRZ;1\n")
    s = load_table(empty_store, TableSpec(p, region_level="nuts1"), LoadOptions(kind="employment"))
    assert s.skipped == {"region level nuts0 (kept nuts1; --region-level)": 1, nuts.EXTRA_REGIO: 1}
    assert not s.warnings and not s.attached
    rows = empty_store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(:Sector {id: 'nace2:C'}) OPTIONAL MATCH (r)-[:PART_OF]->(p:Region) "
        "RETURN r.id AS id, r.kind AS kind, p.id AS parent, h.value AS v ORDER BY id",
        {},
    )
    assert rows == [
        {"id": "FR1", "kind": "nuts1", "parent": "FR", "v": 6.0},
        {"id": "FRA", "kind": "nuts1", "parent": "FR", "v": 4.0},
    ]


def test_region_scheme_and_level_options(empty_store, tmp_path):
    p = _sbs(tmp_path, "C;FRF2;5\nC;FR21;7\n")
    s = load_table(empty_store, TableSpec(p), LoadOptions(kind="employment", region_scheme="nuts2016"))
    assert s.unresolved == {} and s.rows_loaded == 2  # FR21 is not NUTS 2016, but found in NUTS 2013
    got = empty_store.run(
        "MATCH (r:Region) WHERE r.id IN ['FRF2', 'FR21'] RETURN r.id AS id, r.codes AS c ORDER BY id", {}
    )
    assert got == [{"id": "FR21", "c": ["nuts2013:FR21"]}, {"id": "FRF2", "c": ["nuts2016:FRF2"]}]
    with pytest.raises(ValidationFailed, match="--region-level: for NUTS tables one of finest, nuts0"):
        load_table(empty_store, TableSpec(p, region_level="district"), LoadOptions(kind="employment"))
