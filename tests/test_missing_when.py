"""``--missing-when COL=VALUE``: a row whose flag column says suppressed has a missing value, not
zero (generic: a small US-style file with a flag column, long and wide layouts)."""

from __future__ import annotations

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec

LONG = (
    "state,naics,year,Employment,Employment Flag\n"
    "US-CA,31-33,2021,1121805,\n"
    "US-CA,11,2021,0,D\n"  # suppressed: missing, not 0
    "US-TX,11,2021,0,\n"  # a real 0
    "US-TX,21,2021,0,S\n"
)


def test_flagged_rows_are_missing_and_real_zeros_stay(empty_store, tmp_path):
    p = tmp_path / "susb.csv"
    p.write_text(LONG, encoding="utf-8")
    opts = LoadOptions(
        sector_scheme="raw", kind="employment", missing_when=[("Employment Flag", "D"), ("Employment Flag", "S")]
    )
    s = load_table(empty_store, TableSpec(p, value_col="Employment"), opts)
    assert dict(s.skipped) == {
        "missing value (Employment Flag=D, --missing-when)": 1,
        "missing value (Employment Flag=S, --missing-when)": 1,
    }
    facts = empty_store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(x:Sector) RETURN r.id AS r, x.code AS s, h.value AS v ORDER BY r, s", {}
    )
    assert facts == [{"r": "US-CA", "s": "31-33", "v": 1121805.0}, {"r": "US-TX", "s": "11", "v": 0.0}]


def test_wide_tables_mask_every_value_column_of_the_row(empty_store, tmp_path):
    p = tmp_path / "wide.csv"
    p.write_text("region,status,year,C,F\nDE21,ok,2015,5,6\nDE22,confidential,2015,0,0\n", encoding="utf-8")
    opts = LoadOptions(sector_scheme="nace2", kind="employment", missing_when=[("status", "confidential")])
    s = load_table(empty_store, TableSpec(p, layout="wide-sectors", filters={}), opts)
    assert s.skipped == {"missing value (status=confidential, --missing-when)": 2} and s.rows_loaded == 2


def test_an_unknown_column_is_refused_before_anything_is_written(empty_store, tmp_path):
    p = tmp_path / "susb.csv"
    p.write_text(LONG, encoding="utf-8")
    with pytest.raises(ValidationFailed) as err:
        load_table(
            empty_store,
            TableSpec(p, value_col="Employment"),
            LoadOptions(sector_scheme="raw", kind="employment", missing_when=[("Flag", "D")]),
        )
    assert str(err.value.problems[0]).startswith(f"{p}:1: --missing-when: no column 'Flag' (columns: state, naics")
    assert empty_store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN count(n) AS n", {}) == [{"n": 0}]
