"""The Eurostat TSV profile: its own file format (dimensions in the first column, years as
columns, flags after numbers), detected or asked for with ``--layout eurostat``."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.profiles import PROFILES
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import LAYOUTS, TableSpec, open_table

TSV = (
    "unit,nace_r2,age,geo\\time\t2015 \t2014 \n"
    "THS,C,Y15-24,DE11\t12.5 p\t: u\n"
    "THS,C,Y25-49,DE11\t40 \t41 b\n"
    "THS,F,Y15-24,AT1\t5.2 u\t5.2 u\n"
)


def tsv(tmp_path, text=TSV, name="lfst.tsv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_detected_and_read(tmp_path):
    t = open_table(TableSpec(tsv(tmp_path), filters={"age": "Y15-24"}))
    assert t.profile is PROFILES["eurostat-tsv"] and (t.fmt, t.layout) == ("eurostat", "eurostat")
    assert (t.region_col, t.sector_col) == ("geo", "nace_r2")
    assert t.notes[-2:] == [
        "Eurostat TSV (dimensions unit, nace_r2, age, geo; years as columns)",
        "other dimensions, one value each: unit=THS",
    ]
    assert t.profile_data == {"unit": "thousand persons", "region_scheme": "nuts"}
    cells = [(c.line, c.region, c.sector, c.year, c.value) for c in t.rows()]
    assert cells[:2] == [(2, "DE11", "C", "2015", "12.5 p"), (2, "DE11", "C", "2014", ": u")]
    assert len(cells) == 4


def test_a_dimension_with_several_values_is_refused_naming_them(tmp_path):
    p = tsv(tmp_path)
    with pytest.raises(ValidationFailed) as err:
        open_table(TableSpec(p))
    assert [str(x) for x in err.value.problems] == [
        f"{p}:1: age: dimension age holds 2 values (Y15-24, Y25-49); give --filter age=VALUE"
    ]


def test_loaded_with_flags_kept_missing_skipped_and_the_unit_recorded(empty_store, tmp_path):
    p = tsv(tmp_path, TSV + "THS,TOTAL,Y15-24,FRA\t3.0 \t: c\nTHS,NRP,Y15-24,DE11\t1.0 \t:\n")
    s = load_table(
        empty_store, TableSpec(p, filters={"age": "Y15-24"}, region_level="all"), LoadOptions(kind="employment")
    )
    assert dict(s.skipped) == {
        "missing value (: u)": 1,
        "missing value (: c)": 1,
        "missing value (:)": 1,
        "sector code NRP: no response (not a sector)": 1,
    }
    facts = empty_store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(x:Sector) RETURN r.id AS r, r.kind AS k, x.id AS s, h.year AS y, "
        "h.value AS v, h.flags AS f, h.unit AS u ORDER BY r, y",
        {},
    )
    assert facts == [
        {"r": "AT1", "k": "nuts1", "s": "nace2:F", "y": 2014, "v": 5.2, "f": "u", "u": "thousand persons"},
        {"r": "AT1", "k": "nuts1", "s": "nace2:F", "y": 2015, "v": 5.2, "f": "u", "u": "thousand persons"},
        {"r": "DE11", "k": "nuts2", "s": "nace2:C", "y": 2015, "v": 12.5, "f": "p", "u": "thousand persons"},
        {"r": "FRA", "k": "nuts1", "s": "nace2:total", "y": 2015, "v": 3.0, "f": None, "u": "thousand persons"},
    ]


def test_filter_and_layout_option(tmp_path):
    t = open_table(TableSpec(tsv(tmp_path), filters={"age": "Y25-49"}))  # a filter on another dimension
    assert [(c.region, c.year, c.value) for c in t.rows()] == [("DE11", "2015", "40 "), ("DE11", "2014", "41 b")]
    assert "eurostat" in LAYOUTS
    # --layout eurostat reads the format even where detection would not (no tab-separated years)
    t = open_table(TableSpec(tsv(tmp_path, "nace_r2,geo\\time\t2015\nC,DE11\t1\n", "x.txt"), layout="eurostat"))
    assert t.profile.name == "eurostat-tsv" and [c.value for c in t.rows()] == ["1"]


def test_bad_dimensions_name_the_option(tmp_path):
    with pytest.raises(ValidationFailed) as err:
        open_table(TableSpec(tsv(tmp_path), region_col="nuts", filters={"sex": "T"}))
    p = tsv(tmp_path)
    assert [str(x) for x in err.value.problems] == [
        f"{p}:1: --filter: no dimension 'sex' (dimensions: unit, nace_r2, age, geo)",
        f"{p}:1: --region-col: no dimension 'nuts' (dimensions: unit, nace_r2, age, geo)",
    ]
    with pytest.raises(ValidationFailed, match="--sector-col: cannot tell which dimension it is"):
        open_table(TableSpec(tsv(tmp_path, "unit,geo\\time\t2015\nTHS,DE11\t1\n")))
