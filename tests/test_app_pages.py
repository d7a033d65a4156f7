"""Page logic of the Streamlit app with Streamlit's AppTest (no browser).

Each page runs against an embedded store holding a small fixture dataset (written
below, so these tests do not depend on the demo data); the page under test is run
through the same error wrapper the app uses. Real-browser tests are in tests/browser.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60

MINI = """
sources:
  - {id: src-mini, title: Mini test dataset, kind: dataset, publisher: rox tests, date: "2024-01-01"}
regions:
  - {id: GB, name: United Kingdom, kind: country, country: GB, source: src-mini, lat: 54.0, lon: -2.0}
  - {id: CN, name: China, kind: country, country: CN, source: src-mini, lat: 35.0, lon: 103.0}
  - {id: GB-DER, name: Derby, kind: unitary-authority, country: GB, part_of: GB, lat: 52.92, lon: -1.47, source: src-mini}
  - {id: GB-NTT, name: Nottingham, kind: unitary-authority, country: GB, part_of: GB, lat: 52.95, lon: -1.15, source: src-mini}
  - {id: CN-AH, name: Anhui, kind: province, country: CN, part_of: CN, lat: 31.86, lon: 117.28, source: src-mini}
  - {id: CN-AH-HF, name: Hefei, kind: city, country: CN, part_of: CN-AH, lat: 31.82, lon: 117.23, source: src-mini}
  - {id: CN-SC, name: Sichuan, kind: province, country: CN, part_of: CN, lat: 30.6, lon: 104.0, source: src-mini}
region_sectors:
  - {region: GB-DER, sector: aerospace, value: 12000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: GB-DER, sector: rail, value: 8000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: GB-DER, sector: automotive, value: 5000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: GB-NTT, sector: automotive, value: 2000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: GB-NTT, sector: higher-education, value: 9000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: CN-AH, sector: automotive, value: 90000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: CN-AH, sector: rail, value: 30000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: CN-AH-HF, sector: automotive, value: 60000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: CN-AH-HF, sector: aerospace, value: 3000, unit: jobs, kind: employment, year: 2022, source: src-mini}
  - {region: CN-SC, sector: aerospace, value: 40000, unit: jobs, kind: employment, year: 2022, source: src-mini}
firms:
  - {id: rolls-royce, name: Rolls-Royce, country: GB, headquartered_in: GB-DER, operates_in: [CN-AH-HF], sectors: [aerospace], source: src-mini}
  - {id: jac, name: JAC Motors, country: CN, headquartered_in: CN-AH-HF, sectors: [automotive], source: src-mini}
universities:
  - {id: uni-derby, name: University of Derby, country: GB, located_in: GB-DER, researches: [rail, automotive], source: src-mini}
agreements:
  - {id: derby-hefei, name: Derby-Hefei friendship agreement, kind: friendship, date: "2023-05-01", parties: [GB-DER, CN-AH-HF], sectors: [automotive], source: src-mini}
trade:
  - {from: GB, to: CN, value: 1000000, currency: GBP, year: 2022, direction: export, source: src-mini}
"""


def mini_store(folder: Path, db: Path) -> Path:
    """Write MINI into ``folder`` and load it into the store ``db``."""
    from rox.api import Rox

    (folder / "mini.yaml").write_text(MINI, encoding="utf-8")
    with Rox.open(db=str(db)) as rx:
        rx.load([folder])
    return db


@pytest.fixture(scope="module")
def mini_db(tmp_path_factory) -> Path:
    return mini_store(tmp_path_factory.mktemp("mini-data"), tmp_path_factory.mktemp("mini-db") / "rox.db")


def use_store(monkeypatch, db: Path) -> Path:
    """The app's store is the embedded ``db``."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(db))
    return db


@pytest.fixture
def env(monkeypatch, mini_db):
    return use_store(monkeypatch, mini_db)


@pytest.fixture
def own_env(monkeypatch, tmp_path):
    """A mini store of this test's own (which it may change), and its data folder."""
    data = tmp_path / "data"
    data.mkdir()
    return use_store(monkeypatch, mini_store(data, tmp_path / "rox.db")), data


def page(name: str) -> AppTest:
    """An AppTest running one page module the way app.py does (inside the error wrapper)."""
    script = f"from rox.webapp import {name}\nfrom rox.webapp.common import guarded\nguarded({name}.render)()\n"
    return AppTest.from_string(script, default_timeout=TIMEOUT)


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.subheader]
    return "\n".join(str(p) for p in parts)


def frame(at: AppTest, *columns: str):
    """The first dataframe holding all ``columns``."""
    for df in at.dataframe:
        if set(columns) <= set(df.value.columns):
            return df.value
    raise AssertionError(f"no table with columns {columns}")


def no_exceptions(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


# ------------------------------------------------------------------ the app
def test_app_navigation_opens_on_overview(env):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    no_exceptions(at)
    assert at.title[0].value.startswith("rox")
    assert any("embedded FalkorDB" in m.value for m in at.markdown)


PAGE_MODULES = ["overview", "partners", "compare", "explorer", "console", "load"]


def test_pages_are_the_modules_that_declare_one():
    """The menu comes from the modules' ``PAGE`` declarations, in their order."""
    from rox.webapp import pages

    assert [module.__name__.rsplit(".", 1)[1] for _, module in pages()] == PAGE_MODULES
    assert all(callable(module.render) for _, module in pages())


@pytest.mark.parametrize("name", PAGE_MODULES)
def test_every_page_renders_without_errors(env, name):
    at = page(name).run()
    no_exceptions(at)
    assert not at.error, (name, [e.value for e in at.error])


# ----------------------------------------------------------------- overview
def test_overview_counts_sources_and_map(env):
    at = page("overview").run()
    no_exceptions(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Regions"] == "7"
    assert metrics["Firms"] == "2"
    frames = [df.value for df in at.dataframe]
    labels = frames[0]
    assert set(labels["label"]) >= {"Region", "Sector", "Firm", "University", "Agreement", "Source"}
    assert "src-mini" in set(frames[2]["id"])
    assert any("7 of 7 regions have coordinates" in c.value for c in at.caption)


def test_overview_lists_the_datasets(monkeypatch, tmp_path):
    from rox.api import LoadOptions, Rox

    db = tmp_path / "rox.db"
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(db))
    with Rox.open(db=str(db)) as rx:
        rx.load([ROOT / "data" / "demo"])
    at = page("overview").run()
    no_exceptions(at)
    assert "Datasets" in [h.value for h in at.subheader]
    assert any(c.value.startswith("No datasets yet") for c in at.caption)
    assert len(at.get("download_button")) == 3  # the sources' only
    table = tmp_path / "bres.csv"
    table.write_text("region,sector,year,value\nTLF1,29,2021,100\nTLG3,30,2021,5\nTLG3,29,2020,7\n")
    with Rox.open(db=str(db)) as rx:
        rx.load_table(table, LoadOptions(sector_scheme="sic2007", kind="employment", dataset="uk-bres"))
    at = page("overview").run()
    no_exceptions(at)
    (row,) = frame(at, "id", "unit", "scheme", "code_count").to_dict("records")
    assert row == {
        "id": "uk-bres",
        "title": "uk-bres",
        "kind": "employment",
        "unit": "persons",
        "scheme": "sic2007",
        "years": "2020; 2021",
        "region_levels": "statistical-region",
        "region_count": 2,
        "code_count": 2,
        "facts": 3,
        "files": 1,
        "codes": "sic2007:29, sic2007:30",
    }
    # the sources' three downloads, then the datasets' (their JSON keeps every list in full)
    buttons = at.get("download_button")
    assert [b.proto.label for b in buttons] == ["Download CSV", "Download XLSX", "Download JSON"] * 2


def test_overview_map_has_no_tiles():
    from rox.webapp.overview import region_map

    chart = region_map([{"id": "a", "name": "A", "lat": 1.0, "lon": 2.0}])
    spec = json.dumps(chart.to_dict())
    assert "http" not in spec.replace("https://vega.github.io/schema", "")


def test_unreachable_store_says_so_with_a_hint(monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(blocker / "rox.db"))
    at = page("overview").run()
    no_exceptions(at)
    assert any("unreachable" in e.value for e in at.error)
    hint = " ".join(i.value for i in at.info)
    assert "ROX_DB" in hint and "rox app --db" in hint
    assert at.button(key="rox-retry-store")


def test_damaged_store_points_to_check_and_repair(monkeypatch, tmp_path):
    from rox.api import Rox

    db = tmp_path / "rox.db"
    with Rox.open(db=str(db)) as rx:
        rx.load([ROOT / "data" / "demo"])
    (log,) = (tmp_path / "rox.db.aof.d").glob("*.incr.aof")
    with log.open("r+b") as f:
        f.truncate(log.stat().st_size - 50)
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(db))
    at = page("overview").run()
    no_exceptions(at)
    assert any("is damaged" in e.value for e in at.error)
    hint = " ".join(i.value for i in at.info)
    assert "`rox check`" in hint and "`rox repair`" in hint and "writable" not in hint


def test_not_a_rox_database_is_said_and_left_untouched(monkeypatch, tmp_path):
    notes = tmp_path / "notes"
    notes.write_text("my notes\n")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(notes))
    at = page("overview").run()
    no_exceptions(at)
    assert any("not a rox database" in e.value for e in at.error)
    assert "rox database or a new file" in " ".join(i.value for i in at.info)
    assert notes.read_text() == "my notes\n"


def test_unreachable_neo4j_hint_names_its_settings(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    at = page("console").run()  # the console opens the store only when a query runs
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert any("unreachable" in e.value for e in at.error)
    hint = " ".join(i.value for i in at.info)
    assert "NEO4J_URI" in hint and "docker compose up -d neo4j" in hint


def test_empty_store_points_to_the_load_page(monkeypatch, tmp_path):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(tmp_path / "empty.db"))
    at = page("partners").run()
    no_exceptions(at)
    assert any("Load data" in i.value for i in at.info)


# ------------------------------------------------------------- find partners
def test_partners_ranked_with_explanation_and_downloads(env):
    at = page("partners").run()
    no_exceptions(at)
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe(key="pm-table").value
    assert len(table) >= 1
    assert {"rank", "region", "name", "score"} <= set(table.columns)
    assert set(table["region"]) & {"CN-AH", "CN-AH-HF"}
    assert "GB-DER" not in set(table["region"])
    # explain the first Chinese match
    rows = list(table["region"])
    region = next(r for r in rows if r in ("CN-AH", "CN-AH-HF"))
    at.selectbox(key="pm-explain").set_value(region).run()
    no_exceptions(at)
    body = texts(at)
    assert "Why " in body and "Shared sectors" in body
    # downloads carry the parameters
    assert [b.proto.label for b in at.get("download_button")][:3] == ["Download CSV", "Download XLSX", "Download JSON"]


def test_partners_page_shows_what_the_api_ranks(env):
    """The page ranks with :meth:`Rox.match` (same regions, ranks and scores for its settings)."""
    from rox.api import Rox

    at = page("partners").run()
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    at.selectbox(key="pm-measure").set_value("cosine").run()
    no_exceptions(at)
    table = at.dataframe(key="pm-table").value
    with Rox.open(db=str(env)) as rx:
        want = rx.match("GB-DER", measure="cosine", top=10, min_sectors=1).rows
    assert list(table["region"]) == [r["region"] for r in want]
    assert list(table["rank"]) == [r["rank"] for r in want]
    assert list(table["score"]) == pytest.approx([round(r["score"], 4) for r in want])


def test_compare_page_shows_what_the_api_compares(env):
    from rox.api import Rox

    at = page("compare").run()
    at.selectbox(key="pick-a").set_value("GB-DER").run()
    at.selectbox(key="pick-b").set_value("CN-AH").run()
    no_exceptions(at)
    with Rox.open(db=str(env)) as rx:
        want = rx.compare("GB-DER", "CN-AH")
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Shared sectors"]) == len(want["shared"])
    assert int(metrics["Bridges"]) == sum(len(v) for v in want["bridges"].values())
    assert int(metrics["Complementary"]) == sum(len(v) for v in want["complementary"].values())
    assert list(frame(at, "sector", "a_rca", "b_rca")["sector"]) == [p["sector"] for p in want["profiles"]]


def test_partners_page_sees_a_load_made_elsewhere(own_env):
    """The page's caches are keyed by the store's data version: a load from another process
    (here another session) shows at the next rerun, without "Refresh data": the new region in
    the picker, its year in the year box, and in the partner list."""
    from rox.api import Rox

    db, data = own_env
    at = page("partners").run()
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    no_exceptions(at)
    assert not any(o.endswith("· CN-SC-CD") for o in at.selectbox(key="pick-region").options)
    assert "2019" not in at.selectbox(key="pm-year").options
    (data / "more.yaml").write_text(
        """
regions:
  - {id: CN-SC-CD, name: Chengdu, kind: city, country: CN, part_of: CN-SC, source: src-mini}
region_sectors:
  - {region: CN-SC-CD, sector: aerospace, value: 50000, unit: jobs, kind: employment, year: 2019, source: src-mini}
  - {region: CN-SC-CD, sector: rail, value: 50000, unit: jobs, kind: employment, year: 2019, source: src-mini}
""",
        encoding="utf-8",
    )
    with Rox.open(db=str(db)) as rx:
        rx.load([data / "more.yaml"])
        want = [r["region"] for r in rx.match("GB-DER", top=10, min_sectors=1).rows]
    at.run()
    no_exceptions(at)
    assert any(o.endswith("· CN-SC-CD") for o in at.selectbox(key="pick-region").options)
    assert "2019" in at.selectbox(key="pm-year").options
    table = at.dataframe(key="pm-table").value
    assert "CN-SC-CD" in want
    assert list(table["region"]) == want


def test_refresh_button_shows_a_write_made_without_rox(own_env):
    """A write that bypasses rox (the engine's own run, as Neo4j Browser would) leaves the data
    version as it was, so the app keeps its lists; the sidebar's Refresh data reads it afresh."""
    from rox.api import Rox

    db, _ = own_env
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    no_exceptions(at)
    overview = texts(at)
    assert "7 of 7 regions have coordinates" in overview
    with Rox.open(db=str(db)) as rx:
        rx.store._run("CREATE (:Region {id: 'XX-NEW', name: 'Newtown', kind: 'city'})", None, write=True)
    assert texts(at.run()) == overview  # same data version: cached
    at.button(key="rox-refresh").click().run()
    no_exceptions(at)
    assert "7 of 8 regions have coordinates" in texts(at)  # the region list, from the rebuilt snapshot


def test_a_large_store_asks_for_a_search_before_offering_regions(env, monkeypatch):
    """Above PICKER_LIMIT regions the picker asks for a search text and offers the matches
    (a select box of 100,000 options costs the browser seconds per rerun); a region chosen
    in the URL is offered without a search. The limit is lowered here to the mini store."""
    from rox.webapp import common

    monkeypatch.setattr(common, "PICKER_LIMIT", 3)
    at = page("partners").run()
    no_exceptions(at)
    assert at.selectbox(key="pick-region").options == []
    at.text_input(key="find-region").input("derby").run()
    assert at.selectbox(key="pick-region").options == ["Derby (unitary-authority, GB) · GB-DER"]
    at.text_input(key="find-region").input("zzz").run()
    assert "No region matches 'zzz'." in texts(at)
    at.text_input(key="find-region").input("gb-").run()
    at.selectbox(key="pick-region").set_value("GB-NTT").run()
    no_exceptions(at)
    assert "Partners for Nottingham" in texts(at)
    assert set(at.dataframe(key="pm-table").value["region"]) & {"GB-DER", "CN-AH", "CN-AH-HF"}
    linked = page("partners")
    linked.query_params["region"] = "CN-AH"
    linked.run()
    assert linked.selectbox(key="pick-region").value == "CN-AH"
    assert "Partners for Anhui" in texts(linked)


def test_partners_filters_exclude_same_country(env):
    at = page("partners").run()
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    at.checkbox(key="pm-excl").check().run()
    no_exceptions(at)
    table = at.dataframe(key="pm-table").value if at.dataframe else None
    if table is not None and len(table):
        assert set(table["country"]) <= {"CN"}


def test_partners_blend_shows_weights(env):
    at = page("partners").run()
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    at.selectbox(key="pm-measure").set_value("blend").run()
    no_exceptions(at)
    sliders = {s.key for s in at.slider}
    assert {"pm-w-overlap", "pm-w-complementarity"} <= sliders
    at.slider(key="pm-w-overlap").set_value(1.0).run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    table = at.dataframe(key="pm-table").value
    assert any("overlap" in c for c in table.columns)  # the components are shown


def test_partners_table_helpers():
    from rox.webapp.partners import ranked_rows

    rows = [
        {
            "rank": 1,
            "region": "CN-AH",
            "name": "Anhui",
            "country": "CN",
            "kind": "province",
            "score": 0.5,
            "jaccard": 0.4,
            "shared_sectors": [{"sector": "rail", "name": "Rail", "a_rca": 1.2, "b_rca": 2.0}],
            "complementary_sectors": [],
            "firms": [{"id": "f", "source": "s"}],
            "universities": [],
            "agreements": [],
            "trade": [],
        }
    ]
    shown, components = ranked_rows(rows)
    assert components == ["jaccard"]
    assert shown[0]["shared sectors"] == "Rail" and shown[0]["links"] == 1


# ------------------------------------------------------------------- compare
def test_compare_profiles_shared_bridges_and_graph(env):
    at = page("compare").run()
    at.selectbox(key="pick-a").set_value("GB-DER").run()
    at.selectbox(key="pick-b").set_value("CN-AH").run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Sectors in either"]) >= 3
    assert int(metrics["Shared sectors"]) >= 1  # rail
    assert int(metrics["Bridges"]) >= 2  # Rolls-Royce (operates in Hefei, inside Anhui), University of Derby
    bridges = frame(at, "kind", "id", "a_place", "b_place")
    assert {"rolls-royce", "uni-derby"} <= set(bridges["id"])
    assert "rail" in set(frame(at, "sector", "a_rca", "b_rca")["sector"])
    assert any(b.proto.label == "GraphML" for b in at.get("download_button"))


def test_overlap_view_links_both_regions():
    from rox.webapp.compare import overlap_view

    data = {
        "shared": [{"sector": "rail", "name": "Rail", "a_rca": 1.0, "b_rca": 2.0}],
        "complementary": [{"sector": "aerospace", "name": "Aerospace", "a_rca": 3.0, "b_rca": 0.0}],
        "bridges": [
            {
                "kind": "firm",
                "id": "rr",
                "name": "Rolls-Royce",
                "a_place": "A",
                "b_place": "B2",
                "relation": "HEADQUARTERED_IN/OPERATES_IN",
                "source": "s",
            }
        ],
    }
    v = overlap_view("A", "B", data, {"A": "a", "B": "b", "B2": "b2"})
    assert ("A", "HAS_SECTOR", "rail") in v.edges and ("B", "HAS_SECTOR", "rail") in v.edges
    assert ("A", "HAS_SECTOR", "aerospace") in v.edges
    assert ("rr", "OPERATES_IN", "B2") in v.edges and ("B2", "PART_OF", "B") in v.edges


# ------------------------------------------------------------------ explorer
def test_explorer_search_draw_expand_filter_cap(env):
    at = page("explorer").run()
    at.text_input(key="ex-search").input("Derby").run()
    no_exceptions(at)
    assert "GB-DER" in at.selectbox(key="ex-pick-Derby").options[0] or "GB-DER" in " ".join(
        at.selectbox(key="ex-pick-Derby").options
    )
    at.selectbox(key="ex-pick-Derby").set_value("GB-DER").run()
    no_exceptions(at)
    state = at.session_state["ex-state"]
    assert state["center"] == "GB-DER"
    names = {n["id"] for n in state["view"]["nodes"]}
    assert {"GB-DER", "GB", "rolls-royce", "uni-derby", "derby-hefei"} <= names
    positions = dict(state["positions"])
    assert set(positions) >= names
    # expand a neighbour: old nodes keep their positions
    at.selectbox(key="ex-expand-pick").set_value("rolls-royce").run()
    at.button(key="ex-expand").click().run()
    no_exceptions(at)
    state = at.session_state["ex-state"]
    assert "CN-AH-HF" in {n["id"] for n in state["view"]["nodes"]}
    for n, xy in positions.items():
        assert tuple(state["positions"][n]) == tuple(xy)
    # a rerun keeps every position
    before = dict(state["positions"])
    at.run()
    assert dict(at.session_state["ex-state"]["positions"]) == before
    # cap and show more
    at.number_input(key="ex-cap-input").set_value(3).run()
    assert any("more found" in c.value for c in at.caption)
    assert len(frame(at, "id", "label")) == 3
    at.button(key="ex-more").click().run()
    assert at.number_input(key="ex-cap-input").value == 303
    # label filter
    labels_key = next(m.key for m in at.multiselect if m.key.startswith("ex-labels"))
    at.multiselect(key=labels_key).set_value(["Region"]).run()
    no_exceptions(at)
    shown = frame(at, "id", "label")
    assert set(shown["label"]) == {"Region"}


# ------------------------------------------------------------------- console
def test_console_runs_a_query_with_parameters(env):
    at = page("console").run()
    at.text_area(key="cs-text").input("MATCH (r:Region {id: $id}) RETURN r.name AS name").run()
    at.text_area(key="cs-params").input('{"id": "GB-DER"}').run()
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    assert list(at.dataframe[0].value["name"]) == ["Derby"]


def test_console_refuses_writes(env):
    at = page("console").run()
    at.text_area(key="cs-text").input("MATCH (r:Region) DETACH DELETE r").run()
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert any("Refused" in e.value and "read-only" in e.value for e in at.error)
    from rox.api import Rox

    with Rox.open(db=str(env)) as rx:  # nothing was deleted
        assert rx.query("regions")


def test_console_named_query_row_cap_and_graph(env):
    at = page("console").run()
    at.selectbox(key="cs-named").set_value("neighbourhood").run()
    assert "MATCH (n {id: $node})" in at.text_area(key="cs-text").value
    assert json.loads(at.text_area(key="cs-params").value)["node"] == "GB-DER"
    at.number_input(key="cs-cap").set_value(2).run()
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert len(at.dataframe[0].value) == 2
    assert any("row cap" in s.value for s in at.success)
    at.text_area(key="cs-text").input("MATCH (a:Region {id: 'GB-DER'})-[r]-(b) RETURN a, r, b").run()
    at.radio(key="cs-view").set_value("graph").run()
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert any(b.proto.label == "GEXF" for b in at.get("download_button"))


def test_console_bad_parameters_are_reported(env):
    at = page("console").run()
    at.text_area(key="cs-params").input("{not json").run()
    at.button(key="cs-run").click().run()
    no_exceptions(at)
    assert any("parameters are not valid" in e.value for e in at.error)


# ---------------------------------------------------------------------- load
def test_load_validation_errors_shown_with_rows(env, tmp_path):
    from rox.api import Rox
    from rox.webapp import load

    bad = tmp_path / "bad-regions.csv"
    bad.write_text(
        "id,name,kind,country,source\nX-1,Nowhere,planet,GB,src-mini\nX-2,,city,GB,src-mini\nX-3,Third,city,GB,src-missing\n"
    )
    with Rox.open(db=str(env)) as rx:
        checked = rx.check([bad])
    assert not checked.ok and len(checked.records) == 3
    rows = load.problem_rows(checked.problems)
    assert {(r["line"], r["field"]) for r in rows} >= {(2, "kind"), (3, "name"), (4, "source")}
    assert all(r["file"] == "bad-regions.csv" for r in rows)


def test_load_page_loads_through_the_api_with_progress(monkeypatch, tmp_path):
    """The Load page writes with :meth:`Rox.load`; its progress callback moves the bar to the end."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("ROX_DB", str(db))
    data = tmp_path / "mini.yaml"
    data.write_text(MINI, encoding="utf-8")
    script = (
        "import streamlit as st\nfrom pathlib import Path\nfrom rox.webapp import common, load\n"
        f"checked = common.get_rox().check([Path({str(data)!r})])\n"
        "assert checked.ok, checked.problems\n"
        f"report = load.load_entities([Path({str(data)!r})])\n"
        "st.session_state['report'] = load.report_rows(report)\n"
    )
    at = AppTest.from_string(script, default_timeout=TIMEOUT).run()
    no_exceptions(at)
    bars = at.get("progress")
    assert len(bars) == 1
    total = sum(r["written"] for r in at.session_state["report"])
    assert bars[0].proto.value == 100 and bars[0].proto.text == f"Loaded {total:,} records"
    from rox.api import Rox

    with Rox.open(db=str(db)) as rx:
        assert len(rx.query("regions")) == 7


def test_load_page_lists_problems_from_an_upload(env):
    at = page("load").run()
    no_exceptions(at)
    assert [t.label for t in at.tabs] == ["Entity files", "Statistical tables", "Documents", "Demo data"]
    assert at.button(key="ld-demo")


def test_load_page_demo_with_real_statistics_button(monkeypatch, tmp_path):
    """The Demo data tab's second button loads the demo and the bundled statistics
    (:meth:`Rox.load_demo` with ``statistics=True``); the report lists each table."""
    monkeypatch.delenv("NEO4J_URI", raising=False)
    db = tmp_path / "fresh.db"
    monkeypatch.setenv("ROX_DB", str(db))
    at = page("load").run()
    no_exceptions(at)
    assert at.button(key="ld-demo").label == "Load the demo dataset"
    assert at.button(key="ld-demo-stats").label == "Load the demo with real statistics"
    at.button(key="ld-demo-stats").click().run()
    no_exceptions(at)
    assert any("Loaded." in s.value for s in at.success)
    report = frame(at, "kind", "name", "written")
    tables = report[report["kind"] == "table"]
    assert list(tables["name"]) == [
        "src-file-uk-ons-bres-2021-csv-gz",
        "src-file-eu-sbs-2015-csv-gz",
        "src-file-us-susb-2021-csv-gz",
        "src-file-world-trade-1998-2000-csv-gz",
    ]
    assert list(tables["written"]) == [3_520, 16_900, 1_018, 124_336]
    from rox.api import Rox

    with Rox.open(db=str(db)) as rx:
        sources = {r["id"] for r in rx.cypher("MATCH (s:Source) RETURN s.id AS id").rows}
        assert set(tables["name"]) <= sources and "GB-DER" in {r["id"] for r in rx.regions()}


# ------------------------------------------- partners abroad (starter statistics)
DERBYSHIRE = "TLF1"  # Derbyshire and Nottinghamshire: BRES 2021 and Eurostat SBS 2015 (UKF1)


@pytest.fixture(scope="module")
def stats_db(tmp_path_factory) -> Path:
    """A store with the demo and the bundled starter statistics (BRES, Eurostat SBS, SUSB, world trade)."""
    from rox.api import Rox

    path = tmp_path_factory.mktemp("stats-db") / "rox.db"
    with Rox.open(db=str(path)) as rx:
        rx.load_demo(statistics=True)
    return path


@pytest.fixture
def stats_env(monkeypatch, stats_db):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(stats_db))
    return stats_db


def partners_at_level(level: str, *, exclude_same_country: bool = True) -> AppTest:
    at = page("partners").run()
    at.selectbox(key="pick-region").set_value(DERBYSHIRE).run()
    if exclude_same_country:
        at.checkbox(key="pm-excl").check().run()
    at.selectbox(key="pm-level").set_value(level).run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    return at


def test_partners_division_level_shows_dataset_year_and_caveats(stats_env):
    from rox.api import Rox

    at = partners_at_level("division")
    table = at.dataframe(key="pm-table").value
    assert list(table.columns[:9]) == [
        "rank",
        "region",
        "name",
        "country",
        "kind",
        "score",
        "caveats",
        "dataset",
        "year",
    ]
    assert "GB" not in set(table["country"])
    assert set(table["dataset"]) == {"eu-sbs-2015"} and set(table["year"]) == {2015}
    assert all("years differ by 6: 2021 vs 2015" in c for c in table["caveats"])
    with Rox.open(db=str(stats_env)) as rx:
        want = rx.match(DERBYSHIRE, level="division", exclude_same_country=True, top=10, min_sectors=1).rows
    assert list(table["region"]) == [r["region"] for r in want]
    assert list(table["caveats"]) == ["; ".join(r["caveats"]) for r in want]
    assert not any(c.startswith(("a_", "b_")) for c in table.columns)  # sides' facts are in the panel
    # the explanation panel: both sides' datasets and the caveats next to the score
    sides = frame(at, "side", "dataset", "year", "common_codes")  # the first row is explained
    assert list(sides["dataset"]) == ["uk-ons-bres-2021", "eu-sbs-2015"] and list(sides["year"]) == [2021, 2015]
    assert any("years differ by 6" in w.value for w in at.warning)
    assert any("level division" in c.value and "uk-ons-bres-2021 (2021)" in c.value for c in at.caption)


def test_partners_peer_datasets_restrict_the_candidates(stats_env):
    at = partners_at_level("section")
    peers = at.multiselect(key="pm-peers")
    assert {"eu-sbs-2015", "uk-ons-bres-2021", "us-susb-2021"} <= set(peers.options)
    assert set(at.dataframe(key="pm-table").value["dataset"]) == {"eu-sbs-2015", "us-susb-2021"}
    peers.set_value(["us-susb-2021"]).run()
    no_exceptions(at)
    table = at.dataframe(key="pm-table").value
    assert len(table) == 10
    assert set(table["dataset"]) == {"us-susb-2021"} and set(table["country"]) == {"US"}


def test_partners_target_dataset_is_chosen_when_it_has_several(stats_env):
    at = partners_at_level("division")
    box = at.selectbox(key="pm-dataset")
    assert box.options == ["latest year", "eu-sbs-2015", "uk-ons-bres-2021"]
    box.set_value("eu-sbs-2015").run()
    no_exceptions(at)
    assert any("my region from eu-sbs-2015 (2015)" in c.value for c in at.caption)
    assert "GB" not in set(at.dataframe(key="pm-table").value["country"])


def test_partners_level_without_dataset_facts_says_so(stats_env):
    at = page("partners").run()
    at.selectbox(key="pick-region").set_value("GB-DER").run()
    at.selectbox(key="pm-level").set_value("division").run()
    no_exceptions(at)
    assert any("has no dataset facts" in e.value for e in at.error)
    assert not [df for df in at.dataframe if df.key == "pm-table"]


def test_compare_page_shows_both_datasets_and_a_caveat(stats_env):
    from rox.api import Rox

    at = page("compare").run()
    at.selectbox(key="pick-a").set_value(DERBYSHIRE).run()
    at.selectbox(key="pick-b").set_value("AT31").run()
    at.selectbox(key="cmp-level").set_value("division").run()
    no_exceptions(at)
    assert not at.error, [e.value for e in at.error]
    sides = frame(at, "side", "region", "dataset", "common_codes")
    assert list(sides["dataset"]) == ["uk-ons-bres-2021", "eu-sbs-2015"]
    assert list(sides["year"]) == [2021, 2015] and set(sides["common_codes"]) == {67}
    assert any("years differ by 6: 2021 vs 2015" in w.value for w in at.warning)
    with Rox.open(db=str(stats_env)) as rx:
        want = rx.compare(DERBYSHIRE, "AT31", level="division")
    assert int({m.label: m.value for m in at.metric}["Shared sectors"]) == len(want["shared"])
    assert list(frame(at, "sector", "a_rca", "b_rca")["sector"]) == [p["sector"] for p in want["profiles"]]


def test_overview_map_colours_regions_by_dataset(stats_env):
    from rox.api import Rox
    from rox.webapp.overview import MAP_RULE, SEVERAL, region_map

    at = page("overview").run()
    no_exceptions(at)
    assert any(MAP_RULE in c.value for c in at.caption)
    with Rox.open(db=str(stats_env)) as rx:
        spec = region_map(rx.query("regions"), rx.datasets()).to_dict()
    (dots,) = [layer for layer in spec["layer"] if layer.get("encoding", {}).get("color")]
    assert dots["encoding"]["color"]["field"] == "dataset"
    colour = {row["id"]: row["dataset"] for row in spec["datasets"][dots["data"]["name"]]}
    assert colour["US-MI"] == "us-susb-2021"
    assert colour["GB-ENG-west-midlands"] == SEVERAL  # BRES and Eurostat SBS
    assert colour["GB-DER"] == "no dataset (documents only)"
