"""The facade :class:`rox.api.Rox` (issue 8, item 2): everything the CLI and the app do
goes through it, on a real embedded store; the CLI and the app import nothing below it."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from rox import api
from rox.api import Rox

ROOT = Path(__file__).resolve().parents[1]
#: The front ends: they may import rox.api, rox itself and their own presentation modules.
FRONT_ENDS = sorted(
    [
        *ROOT.glob("rox/cli*.py"),
        *ROOT.glob("rox/cli/*.py"),
        ROOT / "rox" / "output.py",
        ROOT / "rox" / "__main__.py",
        *ROOT.glob("webapp/*.py"),
        ROOT / "app.py",
    ]
)
LOWER_LAYERS = ("rox.graph", "rox.loaders", "rox.queries", "graph", "loaders", "queries")


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (``import x``, ``from x import y``, ``importlib.import_module("x")``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", "") == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.add(node.args[0].value)
    return found


def test_front_ends_import_only_the_api():
    assert len(FRONT_ENDS) >= 15, FRONT_ENDS
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in LOWER_LAYERS or m.startswith(LOWER_LAYERS[:3])
        )
        for p in FRONT_ENDS
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_check_sees_lower_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from rox.queries import matching\nimport rox.graph.store\nimportlib.import_module('rox.loaders.x')\n"
    )
    assert {"rox.queries", "rox.graph.store", "rox.loaders.x"} <= imported_modules(probe)


def test_api_lists_what_it_exports():
    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert missing == []
    for cls in (
        api.UsageError,
        api.StoreUnavailable,
        api.QueryError,
        api.ReadOnlyViolation,
        api.NotFound,
        api.AmbiguousName,
        api.ValidationFailed,
    ):
        assert issubclass(cls, api.RoxError)
    assert api.DEFAULT_ROW_CAP == 1000 and api.DEFAULT_TIMEOUT_S == 10.0
    assert {"auto", "long", "eurostat"} <= set(api.TABLE_LAYOUTS)
    assert {"sic2007", "nace2"} & set(api.SECTOR_SCHEMES) and "employment" in api.TABLE_KINDS
    assert "itl" in api.REGION_SCHEMES and api.MATCH_LEVELS == ("fine", "taxonomy", "division", "section")
    assert abs(sum(api.BLEND_WEIGHTS.values()) - 1.0) < 1e-9


def test_usage_is_checked_without_a_store():
    with pytest.raises(api.UsageError, match="missing parameter"):
        api.check_query_params("shared-sectors", {"a": "GB-DER"})
    with pytest.raises(api.UsageError, match="unknown parameter"):
        api.check_query_params("regions", {"x": 1})
    with pytest.raises(api.NotFound, match="no query named"):
        api.check_query_params("nope", {})
    api.check_query_params("shared-sectors", {"a": "x", "b": "y"})  # no error
    with pytest.raises(ValueError, match="KEY=VALUE"):
        api.parse_param("novalue")


def test_catalogues():
    names = [q["name"] for q in api.named_queries()]
    assert names == sorted(names) and {"neighbourhood", "shared-sectors", "stats"} <= set(names)
    shared = next(q for q in api.named_queries() if q["name"] == "shared-sectors")
    assert shared["params"] == ["a", "b"] and shared["description"]
    measures = api.measure_catalogue()
    assert [m["name"] for m in measures] == api.measure_names()
    assert all(m["description"] for m in measures)
    assert {"jaccard", "esi", "ppr", "complementarity", "blend"} <= set(api.measure_names())


def test_export_formats():
    rows = [{"region": "CN-AH", "score": 0.5, "shared": ["rail", "automotive"]}]
    assert json.loads(api.export(rows, "json", {"measure": "jaccard"}))[0]["parameters"] == {"measure": "jaccard"}
    assert api.export(rows, "csv").splitlines() == ["region,score,shared", "CN-AH,0.5,rail; automotive"]
    assert "| CN-AH | 0.5 |" in api.export(rows, "md")
    wb = load_workbook(io.BytesIO(api.export(rows, "xlsx", {"measure": "jaccard"})))
    assert wb.sheetnames == ["matches", "parameters"]
    assert Rox.export is api.export
    with pytest.raises(api.UsageError, match="unknown export format"):
        api.export(rows, "pdf")


@pytest.fixture(scope="module")
def rx(demo_db):
    with Rox.open(db=str(demo_db)) as session:
        yield session


def test_store_description(rx, demo_db):
    assert rx.engine == "falkordb"
    assert rx.describe() == f"embedded FalkorDB at {demo_db}"
    assert rx.settings.db_path == demo_db


def test_reads(rx):
    regions = rx.regions()
    assert "GB-DER" in {r["id"] for r in regions}
    assert {"rail", "aerospace"} <= {s["id"] for s in rx.sectors()}
    assert rx.queries() == api.named_queries()
    assert "MATCH" in rx.query_text("neighbourhood")
    stats = {(r["kind"], r["name"]): r["count"] for r in rx.stats()}
    assert stats[("node", "Region")] == len(regions)
    schema = {r["name"]: r for r in rx.schema()}
    assert schema["Region"]["count"] == len(regions) and schema["HAS_SECTOR"]["from"] == "Region"
    assert [m["name"] for m in rx.measures()] == api.measure_names()


def test_neighbourhood_names_its_start_node(rx):
    rows = rx.query("neighbourhood", node="GB-DER", limit=50)
    assert rows and {r["start"] for r in rows} == {"GB-DER"}
    assert {r["start_label"] for r in rows} == {"Region"}
    assert "source" not in rows[0]  # "source" means provenance everywhere else


def test_cypher_is_read_only_with_a_cap(rx):
    res = rx.cypher("MATCH (r:Region) RETURN r.id AS id", row_cap=3)
    assert len(res.rows) == 3 and res.truncated and res.columns == ["id"]
    with pytest.raises(api.ReadOnlyViolation):
        rx.cypher("MATCH (n) DETACH DELETE n")
    assert rx.cypher("MATCH (r:Region {id: $id}) RETURN r.name AS n", {"id": "GB-DER"}).rows == [{"n": "Derby"}]


def test_match_takes_names_and_ids(rx):
    by_name = rx.match("derby", top=5, measure="jaccard")
    by_id = rx.match("GB-DER", top=5, measure="jaccard")
    assert isinstance(by_name, api.MatchResult)
    assert [(r["region"], r["score"]) for r in by_name.rows] == [(r["region"], r["score"]) for r in by_id.rows]
    assert by_name.params["measure"] == "jaccard" and len(by_name.rows) == 5
    with pytest.raises(api.NotFound):
        rx.match("Atlantis")
    with pytest.raises(api.UsageError, match="unknown measure"):
        rx.match("GB-DER", measure="nope")


def test_compare_takes_names(rx):
    out = rx.compare("Derby", "Anhui")
    assert (out["a"], out["b"]) == ("GB-DER", "CN-AH")
    assert {"rail", "automotive", "aerospace"} <= {s["sector"] for s in out["shared"]}
    assert set(out["bridges"]) == {"firms", "universities", "agreements", "trade"}


def test_check_lists_every_problem_and_writes_nothing(tmp_path):
    bad = tmp_path / "regions.csv"
    bad.write_text("id,name,kind,country,source\nX-1,Nowhere,planet,GB,src-x\nX-2,,city,GB,src-x\n", encoding="utf-8")
    with Rox.open(db=str(tmp_path / "rox.db")) as session:
        checked = session.check([bad])
        assert not checked.ok and len(checked.records) == 2
        assert [(p.line, p.field) for p in checked.problems] == [(2, "kind"), (2, "source"), (3, "name"), (3, "source")]
        assert session.regions() == []


def test_load_reports_progress(tmp_path):
    """``progress(done, total, what)`` is called as the load goes: ``what`` names the step
    (``writing Region``...), ``done`` grows to ``total``, every record merged."""
    calls: list[tuple[int, int | None, str]] = []
    with Rox.open(db=str(tmp_path / "rox.db")) as session:
        report = session.load_demo(progress=lambda done, total, what: calls.append((done, total, what)))
        assert len(session.regions()) >= 25
    writes = [(done, total) for done, total, what in calls if what.startswith("writing")]
    assert {"writing Region", "writing HAS_SECTOR"} <= {what for *_, what in calls}
    assert [d for d, _ in writes] == sorted(d for d, _ in writes) and len(writes) >= 10
    assert writes[-1] == (report.total(), report.total())


def test_load_table_and_open_table(tmp_path):
    table = tmp_path / "bres.csv"
    table.write_text(
        "GEOGRAPHY_CODE,INDUSTRY_CODE,DATE,COUNT\nUKF1,29,2021,1000\nUKF1,30,2021,5000\n", encoding="utf-8"
    )
    opened = api.open_table(table)
    assert opened.layout == "long" and opened.region_col
    with pytest.raises(api.ValidationFailed, match="does not exist"):
        api.open_table(tmp_path / "missing.csv")
    steps: list[str] = []
    with Rox.open(db=str(tmp_path / "rox.db")) as session:
        summary = session.load_table(
            api.TableSpec(table), api.LoadOptions(sector_scheme="sic2007"), lambda done, total, what: steps.append(what)
        )
        assert summary.rows_loaded == 2 and "checking rows" in steps


def test_similar_all_ranks_every_region(rx):
    assert api.SIMILAR_MEASURES == ("jaccard", "overlap", "cosine", "atlas-proximity")
    rows = rx.similar_all(measure="jaccard", top=3)
    assert rows and set(rows[0]) >= {"region", "partner", "measure", "score", "rank"}
    by_region: dict[str, list[int]] = {}
    for r in rows:
        by_region.setdefault(r["region"], []).append(r["rank"])
        assert r["region"] != r["partner"] and r["measure"] == "jaccard"
    assert all(ranks == list(range(1, len(ranks) + 1)) and len(ranks) <= 3 for ranks in by_region.values())
    with pytest.raises(api.UsageError, match="not an all-pairs measure"):
        rx.similar_all(measure="blend")


def test_similar_all_writes_relationships(tmp_path):
    with Rox.open(db=str(tmp_path / "rox.db")) as session:
        session.load([api.demo_dir()])
        rows = session.similar_all(measure="overlap", top=2)
        summary = session.similar_all(measure="overlap", top=2, write=True)
        assert summary[0]["relationships_written"] == len(rows)
        stored = session.cypher("MATCH (:Region)-[r:SIMILAR_TO {measure: 'overlap'}]->(:Region) RETURN count(r) AS n")
        assert stored.rows == [{"n": len(rows)}]
