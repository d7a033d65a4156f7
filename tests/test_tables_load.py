"""Table loading on small files: bad rows, atomic failure, layouts, detection (real embedded store)."""

from __future__ import annotations

from pathlib import Path

import pytest

from rox.cli import main as rox_main
from rox.graph.errors import RoxError, ValidationFailed
from rox.graph.store import open_store
from rox.loaders.gazetteer import Gazetteer
from rox.loaders.numbers import parse_value
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.tables import TableSpec, open_table


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    st = open_store(db=str(tmp_path_factory.mktemp("tables-load") / "t.db"))
    yield st
    st.close()


@pytest.fixture(autouse=True)
def empty(store):
    store.clear()


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def snapshot(store):
    nodes = store.run("MATCH (n) WHERE NOT n:RoxGeneration RETURN labels(n)[0] AS label, properties(n) AS props")
    rels = store.run("MATCH (a)-[r]->(b) RETURN type(r) AS type, a.id AS a, b.id AS b, properties(r) AS props")
    key = lambda d: repr(sorted((k, repr(v)) for k, v in d.items()))  # noqa: E731
    return sorted(map(key, nodes)), sorted(map(key, rels))


BAD = """region,sector,year,value
UKF1,30,2021,100
UKF1,29,2021,abc
,29,2021,5
UKG3,XX,2021,5
UKG3,29,20x1,5
UKF1,30,2021,7
Derby,29,2021,5
UKG3,30,2021,-4
UKG3,31,2021,:
"""


def test_bad_rows_load_nothing_and_every_bad_row_is_reported(store, tmp_path, capsys):
    p = write(tmp_path, "bad.csv", BAD)
    before = snapshot(store)
    rc = rox_main(
        [
            "--db",
            str(store.settings.db_path),
            "load-table",
            str(p),
            "--sector-scheme",
            "sic2007",
            "--kind",
            "employment",
        ]
    )
    assert rc == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "rox: error: 7 problems found; nothing was written",
        f"{p}:3: value: 'abc' is not a number",
        f"{p}:4: region: missing",
        f"{p}:5: sector: 'XX' is not a sic2007 code",
        f"{p}:6: year: '20x1' is not a year",
        f"{p}:7: row: duplicate of line 2 (same region TLF1, sector sic2007:30, year 2021)",
        f"{p}:8: region: 'Derby' is ambiguous: GB-DER (Derby, GB), US-KS-derby (Derby, US); give a code, "
        "qualify the name (e.g. 'Derby, GB') or --country",
        f"{p}:9: value: -4 is negative; employment cannot be",
    ]
    assert snapshot(store) == before


def test_ambiguous_city_names_are_reported_not_guessed():
    g = Gazetteer()
    r = g.resolve("Derby")
    assert r.status == "ambiguous" and [c.id for c in r.candidates] == ["GB-DER", "US-KS-derby"]
    assert Gazetteer(country="US").resolve("Derby").place.id == "US-KS-derby"
    city = g.resolve("Derby, GB").place
    assert (city.id, city.population, round(city.lat, 2), round(city.lon, 2)) == ("GB-DER", 270468, 52.92, -1.48)


def test_cities_load_with_population_and_coordinates(store, tmp_path):
    p = write(tmp_path, "cities.csv", 'city,industry,employment\nHefei,30,10\n"Derby, GB",30,20\n')
    s = load_table(store, TableSpec(p), LoadOptions(sector_scheme="sic2007"))
    assert s.rows_loaded == 2 and not s.unresolved
    got = store.run(
        "MATCH (r:Region) WHERE r.kind = 'city' OR r.id = 'GB-DER' RETURN r.id AS id, r.population > 0 AS pop, "
        "r.lat IS NOT NULL AS lat ORDER BY id"
    )
    assert [g["id"] for g in got] == ["CN-AH-hefei", "GB-DER"] or [g["id"] for g in got][-1] == "GB-DER"
    assert all(g["pop"] and g["lat"] for g in got)


class Stop(Exception):
    """Raised by a progress callback to stop a load half-way through its facts."""


def stop_after(batches: int):
    """A progress callback that raises :class:`Stop` once ``batches`` fact batches were written."""
    seen = {"n": 0}

    def progress(done: int, total, what: str) -> None:
        if what == "writing facts" and done:
            seen["n"] += 1
            if seen["n"] > batches:
                raise Stop("stopped half-way by the caller")

    return progress


def _table(values: dict[tuple[str, str], int]) -> str:
    return "geo,nace_r2,year,value\n" + "".join(f"{r},{s},2020,{v}\n" for (r, s), v in values.items())


def test_failure_midway_leaves_the_store_as_it_was(store, tmp_path):
    """A load stopped after some fact batches were written (new nodes, new facts, changed values)
    is rolled back: the store is exactly as before, and the message says what was undone."""
    regions = ["DE11", "DE12", "FR10", "ITC4", "ES30"]
    divs = ["10", "20", "26", "29", "30", "62"]
    v1 = {(r, d): 100 + i for i, (r, d) in enumerate((r, d) for r in regions for d in divs)}
    p = write(tmp_path, "nuts.csv", _table(v1))
    opts = LoadOptions(kind="employment", batch_size=7)
    load_table(store, TableSpec(p), opts)
    before = snapshot(store)
    # a revised file: other values, new regions and sectors; stopped after the 3rd fact batch
    v2 = {k: v + 1 for k, v in v1.items()} | {("PL91", d): 5 for d in divs} | {("DE11", "72"): 9}
    p.write_text(_table(v2))
    with pytest.raises(
        RoxError,
        match=r"stopped half-way by the caller\. Nothing was kept: removed \d+ relationships "
        r"and [1-9]\d* nodes it had created and restored [1-9]\d* changed values",
    ):
        load_table(store, TableSpec(p), opts, progress=stop_after(2))
    assert snapshot(store) == before

    # Ctrl-C: the same roll back, and the interrupt goes on up
    def interrupt(done, total, what):
        if what == "writing facts" and done >= 14:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        load_table(store, TableSpec(p), opts, progress=interrupt)
    assert snapshot(store) == before
    # and the same failure on a first load into an empty store
    store.clear()
    empty = snapshot(store)
    with pytest.raises(RoxError):
        load_table(store, TableSpec(p), opts, progress=stop_after(1))
    assert snapshot(store) == empty
    # without the failure the revised file loads and changes the values
    s = load_table(store, TableSpec(p), opts)
    assert s.rows_loaded == len(v2)


def test_revised_file_updates_values_and_reload_changes_nothing(store, tmp_path):
    p = write(tmp_path, "rev.csv", _table({("DE11", "29"): 1, ("DE11", "30"): 2}))
    load_table(store, TableSpec(p), LoadOptions(kind="employment"))
    p.write_text(_table({("DE11", "29"): 1, ("DE11", "30"): 3, ("DE12", "30"): 4}))
    s = load_table(store, TableSpec(p), LoadOptions(kind="employment"))
    assert (s.created, s.updated, s.unchanged) == (1, 1, 1)
    before = snapshot(store)
    s = load_table(store, TableSpec(p), LoadOptions(kind="employment"))
    assert (s.created, s.updated, s.unchanged, s.nodes_created) == (0, 0, 3, 0)
    assert snapshot(store) == before


def test_eurostat_tsv_flags_and_missing(store, tmp_path):
    text = (
        "unit,nace_r2,geo\\time\t2019 \t2020 \n"
        "THS\tC29,DE11\t12.5 p\t: \n"
        "THS,C30,UKF1\t1,234 \t: c\n"
        "THS,C30,EL30\t7 b\t8\n"
    )
    p = write(tmp_path, "lfst.tsv", text.replace("THS\tC29", "THS,C29"))
    t = open_table(TableSpec(p))
    assert t.layout == "eurostat" and t.region_col == "geo" and t.sector_col == "nace_r2"
    s = load_table(store, TableSpec(p), LoadOptions(kind="employment", unit="thousand persons"))
    assert s.rows_loaded == 4 and sum(s.skipped.values()) == 2
    assert "sector scheme nace2" in " ".join(s.notes)
    got = store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector) RETURN r.id AS r, s.id AS s, h.year AS y, h.value AS v ORDER BY r, y"
    )
    assert got == [
        {"r": "DE11", "s": "nace2:29", "y": 2019, "v": 12.5},
        {"r": "EL30", "s": "nace2:30", "y": 2019, "v": 7.0},
        {"r": "EL30", "s": "nace2:30", "y": 2020, "v": 8.0},
        {"r": "TLF1", "s": "nace2:30", "y": 2019, "v": 1234.0},
    ]
    assert store.run("MATCH (r:Region {id: 'EL30'}) RETURN r.country AS c") == [{"c": "GR"}]


def test_wide_sectors_xlsx_and_latin1(store, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Employment"
    ws.append(["Employment by region and industry, 2021"])
    ws.append([])
    ws.append(["region", "year", "29", "30", "62"])
    ws.append(["gbr", 2021, 10, 20, 30])
    ws.append(["IND", 2021, 1, 2, None])
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    t = open_table(TableSpec(p))
    assert (t.layout, t.header_line, t.wide_cols) == ("wide-sectors", 3, ["29", "30", "62"])
    s = load_table(store, TableSpec(p), LoadOptions(sector_scheme="isic4", kind="employment"))
    assert (s.rows_loaded, dict(s.skipped)) == (5, {"missing value (empty)": 1})
    lat = write(tmp_path, "lat.csv", "région;secteur;valeur\nFR;29;1\nDE;29;2\n", encoding="latin-1")
    t = open_table(TableSpec(lat, value_col="valeur"))
    assert t.encoding == "latin-1" and t.delimiter == ";" and (t.region_col, t.sector_col) == ("région", "secteur")
    assert "encoding latin-1" in t.notes[0]


def test_cannot_detect_says_which_option(tmp_path, store):
    p = write(tmp_path, "x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(ValidationFailed) as exc:
        load_table(
            store,
            TableSpec(p),
            LoadOptions(
                sector_scheme="sic2007",
                kind="employment",
            ),
        )
    assert "--region-col" in str(exc.value)
    with pytest.raises(ValidationFailed, match="give --value-col"):
        open_table(TableSpec(p, layout="long", region_col="a", sector_col="b"))


def test_parse_value():
    assert [parse_value(x) for x in ("16,549", "123.4 p", "7 b", ":", ": c", "", "..", "1e3")] == [
        16549.0,
        123.4,
        7.0,
        None,
        None,
        None,
        None,
        1000.0,
    ]
    for bad in ("abc", "1,5", "12,34,5"):
        with pytest.raises(ValueError):
            parse_value(bad)
