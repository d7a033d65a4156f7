"""gzip-compressed tables (``.csv.gz``, ``.tsv.gz``) read as the text they hold (loaders/textio.py)."""

from __future__ import annotations

import gzip

import pytest

from rox.graph.errors import ValidationFailed
from rox.loaders import textio
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec, open_table

CSV = "\ufeffgeo;industry;year;value\nUKF1;30;2021;12\nUKF1;29;2021;7\nUKG3;29;2021;40\n"


def write(tmp_path, name: str, text: str, compressed: bool):
    path = tmp_path / name
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if compressed else data)
    return path


def test_a_csv_gz_reads_as_its_csv(tmp_path):
    plain = open_table(TableSpec(write(tmp_path, "t.csv", CSV, False)))
    packed = open_table(TableSpec(write(tmp_path, "t.csv.gz", CSV, True)))
    assert list(packed.rows()) == list(plain.rows()) and len(list(plain.rows())) == 3
    assert packed.notes == plain.notes and "encoding utf-8-sig (UTF-8 byte-order mark)" in packed.notes
    assert (packed.layout, packed.region_col, packed.value_col) == ("long", "geo", "value")
    # progress counts compressed bytes: at the end of the file, all of it
    assert packed.bytes_read == packed.size == packed.path.stat().st_size


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path):
    path = write(tmp_path, "no-suffix.csv", CSV, True)
    assert textio.is_gzip(path) and not textio.is_gzip(write(tmp_path, "p.csv", CSV, False))
    assert [c.value for c in open_table(TableSpec(path)).rows()] == ["12", "7", "40"]


def test_a_cut_gzip_file_is_one_clear_problem(tmp_path):
    big = "geo,industry,year,value\n" + "".join(f"R{i % 50},{i % 90:02d},2021,{i}\n" for i in range(60_000))
    data = gzip.compress(big.encode(), mtime=0)
    path = tmp_path / "cut.csv.gz"
    path.write_bytes(data[: len(data) * 2 // 3])
    table = open_table(TableSpec(path))  # the sample (first 256 KiB) is whole
    with pytest.raises(ValidationFailed) as err:
        list(table.rows())
    [problem] = err.value.problems
    assert str(problem).startswith(f"{path}:") and ": file: damaged gzip file (" in str(problem)
    tiny = tmp_path / "tiny.csv.gz"
    tiny.write_bytes(gzip.compress(CSV.encode(), mtime=0)[:15])
    with pytest.raises(ValidationFailed) as err:
        open_table(TableSpec(tiny))
    assert [str(p) for p in err.value.problems][0].startswith(f"{tiny}: file: damaged gzip file")


def test_a_csv_gz_loads_like_its_csv(empty_store, tmp_path):
    path = write(tmp_path, "bres.csv.gz", CSV, True)
    s = load_table(empty_store, TableSpec(path), LoadOptions(sector_scheme="sic2007", kind="employment"))
    assert (s.rows_read, s.rows_loaded, s.created, s.regions) == (3, 3, 3, 2)
    again = load_table(empty_store, TableSpec(path), LoadOptions(sector_scheme="sic2007", kind="employment"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
