"""The ``rox`` command end to end, as a user runs it (subprocesses on a real database)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from support import rox


def test_demo_then_shared_sectors_json(tmp_path):
    db = tmp_path / "rox.db"
    out = rox("demo", db=db)
    assert out.stdout.startswith("merged nodes: ")
    rows = json.loads(
        rox("query", "shared-sectors", "--param", "a=GB-DER", "--param", "b=CN-AH", "--format", "json", db=db).stdout
    )
    assert {"rail", "automotive", "aerospace"} <= {r["id"] for r in rows}
    again = rox("demo", db=db).stdout
    assert again == out.stdout  # reloading reports the same rows and changes nothing
    stats = json.loads(rox("stats", "--format", "json", db=db).stdout)
    assert {"kind", "name", "count"} <= set(stats[0])


def test_query_formats(demo_db):
    csv_out = rox("query", "regions-in-sector", "--param", "sector=rail", "--format", "csv", db=demo_db).stdout
    rows = list(csv.DictReader(io.StringIO(csv_out)))
    assert "GB-DER" in {r["id"] for r in rows}
    table = rox("query", "regions-in-sector", "--param", "sector=rail", db=demo_db).stdout
    assert "GB-DER" in table
    listing = rox("query", "--format", "json").stdout
    assert "shared-sectors" in {r["name"] for r in json.loads(listing)}


def test_cypher_read_only_and_refusal(demo_db):
    out = rox(
        "cypher",
        "MATCH (r:Region {id: $id}) RETURN r.name AS name",
        "--param",
        "id=GB-DER",
        "--format",
        "json",
        db=demo_db,
    )
    assert json.loads(out.stdout) == [{"name": "Derby"}]
    before = rox("stats", "--format", "json", db=demo_db).stdout
    bad = rox("cypher", "MATCH (n) DETACH DELETE n", db=demo_db, check=False)
    assert bad.returncode == 1
    assert bad.stderr.strip() == (
        "rox: error: refused: this console is read-only and the query contains write clause(s) DELETE, DETACH"
    )
    assert rox("stats", "--format", "json", db=demo_db).stdout == before
    capped = rox("cypher", "MATCH (r:Region) RETURN r.id AS id", "--limit", "3", "--format", "json", db=demo_db)
    assert len(json.loads(capped.stdout)) == 3
    assert "output cut at 3 rows" in capped.stderr


def test_injection_as_parameter(demo_db):
    evil = "x' }) DETACH DELETE n //"
    out = rox("query", "search-nodes", "--param", f"text={evil}", "--param", "limit=5", "--format", "json", db=demo_db)
    assert json.loads(out.stdout) == []
    assert (
        json.loads(rox("cypher", "MATCH (n) RETURN count(n) AS n", "--format", "json", db=demo_db).stdout)[0]["n"] > 100
    )


def test_exit_codes_and_messages(demo_db):
    unknown = rox("query", "nope", db=demo_db, check=False)
    assert unknown.returncode == 1 and unknown.stderr.startswith("rox: error: no query named 'nope'; known: ")
    usage = rox("query", "shared-sectors", "--param", "novalue", db=demo_db, check=False)
    assert usage.returncode == 2 and "--param takes KEY=VALUE" in usage.stderr
    missing = rox("query", "shared-sectors", "--param", "a=GB-DER", db=demo_db, check=False)
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "rox: error: query 'shared-sectors': missing parameter(s) b (takes: a (region id), b (region id))"
    )
    assert rox(db=demo_db, check=False).returncode == 2
    for args in (
        ["cypher", "RETURN 1", "--limit", "0"],
        ["cypher", "RETURN 1", "--timeout", "-1"],
        ["match", "GB-DER", "--top", "0"],
    ):
        out = rox(*args, db=demo_db, check=False)
        assert out.returncode == 2 and "must be greater than 0" in out.stderr, args
    weights = rox("match", "GB-DER", "--weights", "overlap=1", db=demo_db, check=False)
    assert weights.returncode == 2
    assert weights.stderr.strip() == "rox: error: --weights apply to --measure blend only (measure is 'jaccard')"


def test_usage_error_does_not_create_a_database(tmp_path):
    db = tmp_path / "never.db"
    out = rox("query", "shared-sectors", "--param", "a=GB-DER", db=db, check=False)
    assert out.returncode == 2
    assert not db.exists() and not list(tmp_path.iterdir())


def test_unwritable_out_file_is_a_clean_error(demo_db, tmp_path):
    target = tmp_path / "no-such-dir" / "x.csv"
    out = rox("match", "Derby", "--format", "csv", "--out", target, db=demo_db, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == f"rox: error: No such file or directory: {target}"


def test_load_bad_file_exit_1_lists_problems(tmp_path):
    f = tmp_path / "regions.csv"
    f.write_text("id,name,kind,source\nGB-DER,Derby,town,src-x\n", encoding="utf-8")
    out = rox("load", f, db=tmp_path / "rox.db", check=False)
    assert out.returncode == 1
    assert out.stderr.splitlines() == [
        "rox: error: 2 problems found; nothing was written",
        f"{f}:2: kind: 'town' is not a region kind (one of: country, nation, state, province, county, city, "
        "unitary-authority, metropolitan-county, combined-authority, district, statistical-region, economic-region, region)",
        f"{f}:2: source: refers to Source 'src-x', which does not exist",
    ]


def test_schema_lists_model(demo_db):
    rows = json.loads(rox("schema", "--format", "json", db=demo_db).stdout)
    names = {r["name"] for r in rows}
    assert {"Region", "Sector", "Firm", "University", "Agreement", "Source", "HAS_SECTOR", "TRADES_WITH"} <= names
    assert next(r for r in rows if r["name"] == "Region")["count"] >= 25


@pytest.mark.parametrize("fmt", ["table", "json", "csv", "md"])
def test_match_formats(demo_db, fmt):
    out = rox("match", "derby", "--top", "3", "--format", fmt, db=demo_db).stdout
    if fmt == "json":
        rows = json.loads(out)
        assert [r["rank"] for r in rows] == [1, 2, 3]
        assert {
            "region",
            "name",
            "score",
            "rank",
            "shared_sectors",
            "firms",
            "universities",
            "agreements",
            "trade",
            "parameters",
        } <= set(rows[0])
        assert rows[0]["parameters"]["measure"] == "jaccard"
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows[0]["param_measure"] == "jaccard" and rows[0]["param_rox_version"]
    else:
        assert "CN-AH" in out


def test_match_xlsx_has_parameters_sheet(demo_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "m.xlsx"
    rox("match", "GB-DER", "--measure", "blend", "--format", "xlsx", "--out", out, db=demo_db)
    wb = load_workbook(out)
    assert wb.sheetnames == ["matches", "parameters"]
    params = {r[0]: r[1] for r in wb["parameters"].iter_rows(min_row=2, values_only=True)}
    assert params["measure"] == "blend" and "overlap" in params["weights"]
    header = [c.value for c in wb["matches"][1]]
    assert {"rank", "region", "score", "score_overlap", "score_links", "shared_sectors", "firms"} <= set(header)
    no_out = rox("match", "GB-DER", "--format", "xlsx", db=demo_db, check=False)
    assert no_out.returncode == 1 and "give --out FILE" in no_out.stderr


def test_match_ambiguous_name_lists_candidates(tmp_path):
    db = tmp_path / "rox.db"
    f = tmp_path / "derbys.yaml"
    f.write_text(
        "sources:\n  - {id: src-w, title: W, kind: website}\n"
        "regions:\n"
        "  - {id: GB-DER, name: Derby, kind: city, country: GB, source: src-w}\n"
        "  - {id: US-KS-derby, name: Derby, kind: city, country: US, source: src-w}\n",
        encoding="utf-8",
    )
    rox("load", f, db=db)
    out = rox("match", "derby", db=db, check=False)
    assert out.returncode == 1
    assert out.stderr.strip() == (
        "rox: error: region name 'derby' is ambiguous: GB-DER (Derby, GB), US-KS-derby (Derby, US); give an id instead"
    )


def test_compare(demo_db):
    out = json.loads(rox("compare", "Derby", "Anhui", "--format", "json", db=demo_db).stdout)
    assert {"rail", "automotive", "aerospace"} <= {s["sector"] for s in out["shared"]}
    assert out["scores"]["jaccard"] > 0.5
    assert "firm-rolls-royce" in {b["id"] for b in out["bridges"]["firms"]}


@pytest.mark.parametrize(
    "name, region",
    [
        ("合肥", "CN-AH-hefei"),
        ("héféi", "CN-AH-hefei"),
        ("安徽", "CN-AH"),
        ("महाराष्ट्र", "IN-MH"),
        ("MAHĀRĀṢṬRA", "IN-MH"),
    ],
)
def test_unicode_names_resolve(demo_db, name, region):
    rows = json.loads(rox("compare", name, "Derby", "--format", "json", db=demo_db).stdout)
    assert rows["a"] == region
    aliases = json.loads(
        rox(
            "cypher",
            "MATCH (r:Region {id: $id}) RETURN r.aliases AS aliases",
            "--param",
            f"id={region}",
            "--format",
            "json",
            db=demo_db,
        ).stdout
    )[0]["aliases"]
    assert any(a.casefold() == name.casefold() for a in aliases)  # stored and read back unchanged


def test_similar_all_streams_and_writes(tmp_path):
    db = tmp_path / "rox.db"
    rox("demo", db=db)
    rows = json.loads(rox("similar", "--all", "--measure", "cosine", "--top", "2", "--format", "json", db=db).stdout)
    assert rows and {"region", "partner", "measure", "score", "rank", "parameters"} <= set(rows[0])
    assert {r["measure"] for r in rows} == {"cosine"} and max(r["rank"] for r in rows) == 2
    assert rows[0]["parameters"]["top"] == 2
    summary = json.loads(
        rox("similar", "--all", "--measure", "cosine", "--top", "2", "--write", "--format", "json", db=db).stdout
    )
    assert summary[0]["relationships_written"] == len(rows)
    count = rox("cypher", "MATCH ()-[r:SIMILAR_TO]->() RETURN count(r) AS n", "--format", "json", db=db).stdout
    assert json.loads(count) == [{"n": len(rows)}]


@pytest.mark.parametrize(
    "args, message",
    [
        (["similar"], "the following arguments are required: --all"),
        (["similar", "--all", "--measure", "blend"], "invalid choice: 'blend'"),
        (["similar", "--all", "--top", "0"], "must be greater than 0"),
        (["query", "regions", "--param", "x=1"], "unknown parameter(s) x"),
        # issue 9, defects 13 and 14: deep nesting and out-of-range numbers in --param
        (
            ["cypher", "RETURN $v", "--param", "v=" + "[" * 1000 + "]" * 1000],
            "parameter 'v': lists and maps nested deeper than 32 levels",
        ),
        (
            ["cypher", "RETURN $v", "--param", "v=" + "[" * 30000 + "]" * 30000],
            "parameter 'v': lists and maps nested deeper than 32 levels",
        ),
        (
            ["cypher", "RETURN $v", "--param", "v=99999999999999999999999"],
            "parameter 'v': 99999999999999999999999 is beyond the 64-bit integer range",
        ),
        (
            ["cypher", "RETURN $v", "--param", 'v=[1, {"a": -99999999999999999999999}]'],
            "is beyond the 64-bit integer range",
        ),
        (["cypher", "RETURN $v", "--param", "v=1e400"], "parameter 'v': inf is not a finite number"),
    ],
)
def test_usage_errors_exit_2_before_opening_the_store(tmp_path, args, message):
    db = tmp_path / "never.db"
    out = rox(*args, db=db, check=False)
    assert out.returncode == 2 and message in out.stderr, out.stderr
    assert not list(tmp_path.iterdir())


def test_app_command_line_binds_this_machine_only():
    from rox.cli import app_command

    cmd = app_command()
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("entry.py")
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.maxUploadSize"] == "50" and flags["--client.showErrorDetails"] == "none"
    assert flags["--server.port"] == "8501" and flags["--browser.gatherUsageStats"] == "false"
    other = app_command(host="0.0.0.0", port=9000, headless=True)
    flags = dict(zip(other[5::2], other[6::2], strict=True))
    assert flags["--server.address"] == "0.0.0.0" and flags["--server.port"] == "9000"
    assert flags["--server.headless"] == "true"


def test_loads_lists_and_undoes(tmp_path):
    db = tmp_path / "rox.db"
    rox("demo", db=db)
    loads = json.loads(rox("loads", "--format", "json", db=db).stdout)
    assert [(x["kind"], x["status"]) for x in loads] == [("entities", "done")]
    undo = rox("loads", "undo", loads[0]["id"], db=db).stdout
    assert undo.startswith(f"undid load {loads[0]['id']}")
    assert json.loads(rox("stats", "--format", "json", db=db).stdout) == []
    assert json.loads(rox("loads", "--format", "json", db=db).stdout)[0]["status"] == "undone"
    missing = rox("loads", "undo", db=db, check=False)
    assert missing.returncode == 2 and "takes the LOAD_ID" in missing.stderr
