"""The Eurostat TSV profile: its own file format (dimensions in the first column, years as
columns, flags after numbers), detected or asked for with ``--layout eurostat``."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.profiles import PROFILES
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
    t = open_table(TableSpec(tsv(tmp_path)))
    assert t.profile is PROFILES["eurostat-tsv"] and (t.fmt, t.layout) == ("eurostat", "eurostat")
    assert (t.region_col, t.sector_col) == ("geo", "nace_r2")
    assert t.notes[-2:] == [
        "Eurostat TSV (dimensions unit, nace_r2, age, geo; years as columns)",
        "other dimensions unit, age: give --filter DIM=VALUE if they hold more than one value",
    ]
    cells = [(c.line, c.region, c.sector, c.year, c.value) for c in t.rows()]
    assert cells[:2] == [(2, "DE11", "C", "2015", "12.5 p"), (2, "DE11", "C", "2014", ": u")]
    assert len(cells) == 6


def test_filter_and_layout_option(tmp_path):
    t = open_table(TableSpec(tsv(tmp_path), filters={"age": "Y25-49"}))
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
