"""``rox match`` on a real statistical table (ONS BRES employment, ITL2 x SIC 2007):
every measure and every export format, through the command line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from support import rox, shared_path

from rox.queries.measures import measure_names

BRES = ("data", "uk-ons-bres-itl2", "itl2_bres_employment_sic2digit_2015_2021.csv")


@pytest.fixture(scope="module")
def bres_db(tmp_path_factory):
    path = shared_path(*BRES)
    db = tmp_path_factory.mktemp("bres") / "rox.db"
    rox("load-table", path, "--sector-scheme", "sic2007", "--no-progress", db=db)
    return db


@pytest.mark.parametrize("measure", measure_names())
def test_every_measure_on_bres(bres_db, measure):
    out = rox("match", "TLF1", "--measure", measure, "--year", "2021", "--top", "5", "--format", "json", db=bres_db)
    rows = json.loads(out.stdout)
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5]
    assert "TLF1" not in {r["region"] for r in rows}
    assert rows[0]["parameters"]["value_mode"] == "values"
    assert rows[0]["parameters"]["presence_rule"] == "RCA >= 1.0"
    assert all(r["score"] >= rows[-1]["score"] for r in rows)


def test_bres_explanations_carry_rca_both_sides(bres_db):
    rows = json.loads(rox("match", "TLF1", "--year", "2021", "--top", "40", "--format", "json", db=bres_db).stdout)
    shared = {s["sector"]: s for r in rows for s in r["shared_sectors"]}
    # SIC 30 (other transport equipment: rail, aerospace) is Derbyshire and Nottinghamshire's strongest LQ
    assert shared["sic2007:30"]["a_rca"] == pytest.approx(2.58, abs=0.005)


@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_text_formats_on_bres(bres_db, fmt):
    out = rox("match", "TLF1", "--year", "2021", "--top", "3", "--format", fmt, db=bres_db).stdout
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert len(rows) == 3 and rows[0]["param_data_source"].startswith("src-file-itl2-bres-employment")
    elif fmt == "md":
        assert out.startswith("- **region**: TLF1") and "| rank | region |" in out
    else:
        assert "TLF" in out


def test_xlsx_on_bres(bres_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "bres.xlsx"
    rox("match", "TLF1", "--year", "2021", "--measure", "esi", "--format", "xlsx", "--out", out, db=bres_db)
    wb = load_workbook(out)
    params = {r[0]: r[1] for r in wb["parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["measure"] == "esi" and params["year"] == "2021"


def test_taxonomy_level_rolls_codes_up(bres_db):
    rows = json.loads(
        rox(
            "match", "TLF1", "--year", "2021", "--level", "taxonomy", "--top", "3", "--format", "json", db=bres_db
        ).stdout
    )
    sectors = {s["sector"] for r in rows for s in r["shared_sectors"]}
    assert sectors and not any(":" in s for s in sectors)  # rox sectors, not sic2007 codes


@pytest.fixture(scope="module")
def mixed_db(tmp_path_factory):
    """The demo (documents) and BRES (a statistical table) in one store."""
    path = shared_path(*BRES)
    db = tmp_path_factory.mktemp("mixed") / "rox.db"
    rox("demo", db=db)
    rox("load-table", path, "--sector-scheme", "sic2007", "--no-progress", db=db)
    return db


def test_documents_and_a_table_in_one_store(mixed_db):
    wm = json.loads(
        rox("match", "West Midlands", "--exclude-same-country", "--top", "3", "--format", "json", db=mixed_db).stdout
    )
    assert "IN-MH" in {r["region"] for r in wm}  # the table does not swamp the document facts
    assert wm[0]["parameters"]["value_mode"] == "presence"
    tl = json.loads(rox("match", "TLF1", "--year", "2021", "--top", "3", "--format", "json", db=mixed_db).stdout)
    assert tl[0]["parameters"]["value_mode"] == "values"  # a table region is matched on its table's values
    assert tl[0]["parameters"]["data_source"].startswith("src-file-itl2-bres-employment")
    assert all(r["region"].startswith("TL") for r in tl)
