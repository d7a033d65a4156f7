"""Dataset profiles: registered by importing their package; the generic reader names no dataset;
and a new profile plugs in with one class -- shown with profiles shaped like the coming Eurostat
SBS CSV (value column named after its year, ``n2015``) and US SUSB (FIPS state codes, a noise-flag
column) files, loaded end to end into the real embedded store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rox.loaders import profiles
from rox.loaders.gazetteer import Resolution, subdivision
from rox.loaders.profiles import PROFILES, Head, Profile, register
from rox.loaders.table_load import LoadOptions, load_table
from rox.loaders.table_model import Table
from rox.loaders.tables import TableSpec, open_table

LOADERS = Path(profiles.__file__).resolve().parents[1]


def test_every_module_of_the_package_is_registered():
    modules = {p.stem for p in Path(profiles.__file__).parent.glob("*.py") if p.stem != "__init__"}
    defined = {type(p).__module__.rsplit(".", 1)[1] for p in PROFILES.values()}
    assert modules == defined == {"census_in", "eurostat_sbs", "eurostat_tsv", "us_susb"}
    assert all(p.name and p.title for p in PROFILES.values())


@pytest.mark.parametrize(
    "module",
    [
        "tables.py",
        "table_model.py",
        "layout.py",
        "columns.py",
        "textio.py",
        "table_check.py",
        "table_write.py",
        "table_load.py",
        "gazetteer.py",
    ],
)
def test_the_generic_reader_and_loader_name_no_dataset(module):
    text = (LOADERS / module).read_text(encoding="utf-8")
    code = re.sub(r'"""[\s\S]*?"""', "", text)  # docstrings may give examples
    # the gazetteer knows region code schemes (Eurostat's NUTS country codes among them), not datasets
    datasets = r"(?i)census|india|susb|\bsbs\b|B-?18" + ("" if module == "gazetteer.py" else "|eurostat")
    assert not re.search(datasets, code), module


class _Registered:
    """A test profile registered ahead of the real ones (detection goes in registry
    order), and the registry as it was afterwards."""

    def __init__(self, cls):
        self.cls = cls

    def __enter__(self):
        self.saved = dict(PROFILES)
        PROFILES.clear()
        register(self.cls)
        PROFILES.update(self.saved)
        return PROFILES[self.cls.name]

    def __exit__(self, *exc):
        PROFILES.clear()
        PROFILES.update(self.saved)


class SbsLike(Profile):
    """A value column named after its year (``n2015``)."""

    name = "test-sbs-like"
    title = "test: Eurostat SBS-like CSV"
    table_layout = "long"

    def detect(self, head: Head) -> bool:
        return {"nace_r2", "geo"} <= set(head.header) and any(re.fullmatch(r"n\d{4}", h) for h in head.header)

    def columns(self, t: Table, used: set[str]) -> None:
        col = next(h for h in t.header if re.fullmatch(r"n\d{4}", h))
        t.value_col, t.year = col, col[1:]
        used.add(col)
        t.notes.append(f"value column {col!r}: year {t.year}")


def test_a_profile_with_a_value_column_named_after_its_year(empty_store, tmp_path):
    p = tmp_path / "sbs_r_nuts06_r2.csv"
    p.write_text("nace_r2;geo;n2015\nC;DE11;100\nC;DE12; \nF;DE11;7\n")
    with _Registered(SbsLike):
        t = open_table(TableSpec(p))
        assert t.profile.name == "test-sbs-like" and (t.value_col, t.year) == ("n2015", "2015")
        s = load_table(empty_store, TableSpec(p), LoadOptions(kind="employment"))
    assert (s.rows_loaded, dict(s.skipped)) == (2, {"missing value (empty)": 1})
    got = empty_store.run(
        "MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector) RETURN r.id AS r, s.id AS s, h.year AS y ORDER BY s"
    )
    assert got == [{"r": "DE11", "s": "nace2:C", "y": 2015}, {"r": "DE11", "s": "nace2:F", "y": 2015}]
    assert open_table(TableSpec(p)).profile.name == "eurostat-sbs"  # the real one, once the test's is gone


FIPS = {"00": "US", "06": "US-CA", "48": "US-TX"}


class _NoisyRows:
    """Rows whose employment noise flag is J (high noise) are left out, and counted."""

    def __init__(self, t: Table, index: dict[str, int]):
        self.t, self.si, self.ni, self.fi = t, index["State"], index["State_Name"], index["Employment_Noise_Flag"]

    def region(self, cells: list[str], sector: str) -> tuple[str, str | None] | None:
        if cells[self.fi].strip() == "J":
            self.t.skipped["employment noise flag J (high noise)"] += 1
            return None
        return f"fips:{cells[self.si].strip()}", cells[self.ni].strip()

    def finish(self) -> None:
        pass


class SusbLike(Profile):
    """FIPS state codes, a flag column, one enterprise size kept."""

    name = "test-susb-like"
    title = "test: US SUSB-like CSV"
    table_layout = "long"

    def detect(self, head: Head) -> bool:
        return {"State", "NAICS", "Employment_Noise_Flag"} <= set(head.header)

    def columns(self, t: Table, used: set[str]) -> None:
        t.region_col, t.sector_col, t.value_col, t.year = "State", "NAICS", "Employment", "2021"
        t.regions_from_profile = True
        t.spec.filters.setdefault("Enterprise_Size", "01: Total")
        used.update(("State", "State_Name", "NAICS", "Employment", "Enterprise_Size", "Employment_Noise_Flag"))

    def row_regions(self, table: Table, index: dict[str, int]) -> _NoisyRows:
        return _NoisyRows(table, index)

    def resolve_region(self, text: str, name: str | None) -> Resolution | None:
        if not text.startswith("fips:"):
            return None
        code = FIPS.get(text[5:])
        place = subdivision(code) if code and "-" in code else None
        return Resolution("ok", place) if place else None


def test_a_profile_with_fips_codes_and_a_flag_column(empty_store, tmp_path):
    p = tmp_path / "us_state_2digitnaics_2021.csv"
    p.write_text(
        "State,State_Name,NAICS,Enterprise_Size,Employment,Employment_Noise_Flag\n"
        "06,California,31-33,01: Total,1200,G\n"
        "06,California,31-33,02: <5,100,G\n"
        "48,Texas,31-33,01: Total,900,J\n"
        "48,Texas,54,01: Total,300,H\n"
    )
    with _Registered(SusbLike):
        s = load_table(empty_store, TableSpec(p), LoadOptions(sector_scheme="naics2017", kind="employment"))
    assert s.rows_loaded == 2 and s.skipped == {"employment noise flag J (high noise)": 1}
    got = empty_store.run("MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector) RETURN r.id AS r, h.value AS v ORDER BY r")
    assert got == [{"r": "US-CA", "v": 1200.0}, {"r": "US-TX", "v": 300.0}]
