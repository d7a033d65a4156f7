"""The bundled starter statistics (``data/statistics``, issue 10 item 6): ``rox demo --statistics``
and ``Rox.load_demo(statistics=True)`` load the entity demo then four real tables, from files in
the project only (no ``../shared``), idempotently, each with its provenance."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import ROOT, SHARED, rox

from rox.api import DemoReport, Rox, statistics_dir
from rox.loaders.starter import STARTER_FILES

FOLDER = ROOT / "data" / "statistics"
BRES = "src-file-uk-ons-bres-2021-csv-gz"

#: file -> (rows read, rows loaded, regions, sector codes, skipped by reason)
EXPECTED = {
    "uk-ons-bres-2021.csv.gz": (3_520, 3_520, 40, 88, {}),
    "eu-sbs-2015.csv.gz": (21_683, 16_900, 283, 68, {"missing value (empty)": 4_719, "missing value (d)": 64}),
    "us-susb-2021.csv.gz": (
        1_038,
        1_018,
        51,
        20,
        {"US total rows (State 00: the country, not a state); --region-level country or all keeps them": 20},
    ),
    "world-trade-1998-2000.csv.gz": (124_336, 124_336, 226, 785, {}),
}

#: one value per file, read from the source file by hand:
#: (region, sector, source, value, year, unit, region name)
KNOWN = [
    ("TLF1", "sic2007:30", BRES, 10_000.0, 2021, "persons", "Derbyshire and Nottinghamshire"),
    ("DE21", "nace2:29", "src-file-eu-sbs-2015-csv-gz", 110_595.0, 2015, "persons", "Oberbayern"),
    ("US-CA", "naics2017:31-33", "src-file-us-susb-2021-csv-gz", 1_121_805.0, 2021, "persons", "California"),
    ("AF", "sitc2:0011", "src-file-world-trade-1998-2000-csv-gz", 30_068.0, None, "USD", "Afghanistan"),
]


def counts(rx: Rox) -> dict:
    return {(r["kind"], r["name"]): r["count"] for r in rx.stats()}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A fresh store with the demo and the bundled statistics, loaded once (about 3 s)."""
    db = tmp_path_factory.mktemp("demo-stats") / "rox.db"
    rx = Rox.open(db=str(db))
    report = rx.load_demo(statistics=True)
    yield rx, report
    rx.close()


def test_every_bundled_file_has_its_provenance_and_licence():
    assert statistics_dir() == FOLDER
    assert sorted(p.name for p in FOLDER.glob("*.csv.gz")) == sorted(f.file for f in STARTER_FILES)
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    licences = {
        "uk-ons-bres-2021": "Open Government Licence v3.0",
        "eu-sbs-2015": "Source: Eurostat, sbs_r_nuts06_r2",
        "us-susb-2021": "public domain",
        "world-trade-1998-2000": "Apache-2.0",
    }
    for f in STARTER_FILES:
        prov = (FOLDER / f.provenance).read_text(encoding="utf-8")
        assert f.file in prov and f.file in readme and f.provenance in readme
        assert licences[f.dataset] in prov and "scripts/make_statistics.py" in prov
        assert "../shared/data/" in prov and "md5" in prov
        assert (FOLDER / f.file).stat().st_size < 3_000_000
    assert "Census of India" in readme and "not confirmed" in readme


def test_the_files_are_what_the_script_makes():
    """Byte-identical on every run: the shipped files equal a fresh build from ../shared."""
    if not (SHARED / "data").is_dir():
        pytest.skip(f"needs ../shared/data to rebuild the files; not found at {SHARED / 'data'}")
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import make_statistics
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    built = make_statistics.build(SHARED / "data")
    assert sorted(built) == sorted(f.file for f in STARTER_FILES)
    for name, data in built.items():
        assert data == (FOLDER / name).read_bytes(), name
    assert make_statistics.build(SHARED / "data") == built


def test_the_files_load_with_the_expected_counts(loaded):
    _, report = loaded
    assert isinstance(report, DemoReport) and report.nodes["Region"] > 0  # the entity demo came first
    got = {
        Path(s.file).name: (s.rows_read, s.rows_loaded, s.regions, s.sectors, dict(s.skipped)) for s in report.tables
    }
    assert got == EXPECTED
    for s in report.tables:
        assert s.created == s.rows_loaded and s.updated == 0 and not s.bad_cells
        assert Path(s.file).parent == FOLDER
    sbs = next(s for s in report.tables if s.source == "src-file-eu-sbs-2015-csv-gz")
    assert sorted(code.split()[0] for code in sbs.unresolved) == ["NO01", "NO03", "NO04", "NO05"]


@pytest.mark.parametrize(("region", "sector", "source", "value", "year", "unit", "name"), KNOWN)
def test_one_known_value_per_file(loaded, region, sector, source, value, year, unit, name):
    rx, _ = loaded
    rows = rx.cypher(
        "MATCH (r:Region {id: $r})-[h:HAS_SECTOR]->(s:Sector {id: $s}) WHERE h.source = $src "
        "RETURN r.name AS name, h.value AS value, h.year AS year, h.unit AS unit",
        {"r": region, "s": sector, "src": source},
    ).rows
    assert rows == [{"name": name, "value": value, "year": year, "unit": unit}]


def test_sources_carry_the_attribution(loaded):
    rx, _ = loaded
    titles = {
        r["id"]: r["title"]
        for r in rx.cypher(
            "MATCH (s:Source) WHERE s.id STARTS WITH 'src-file-' RETURN s.id AS id, s.title AS title"
        ).rows
    }
    assert "Source: Eurostat, sbs_r_nuts06_r2" in titles["src-file-eu-sbs-2015-csv-gz"]
    assert "Open Government Licence v3.0" in titles[BRES]
    assert len(titles) == 4


def test_each_file_is_its_named_dataset(loaded):
    rx, _ = loaded
    got = {d["id"]: (d["kind"], d["unit"], d["scheme"], d["facts"], d["sources"]) for d in rx.datasets()}
    assert got == {
        "uk-ons-bres-2021": ("employment", "persons", "sic2007", 3_520, [BRES]),
        "eu-sbs-2015": ("employment", "persons", "nace2", 16_900, ["src-file-eu-sbs-2015-csv-gz"]),
        "us-susb-2021": ("employment", "persons", "naics2017", 1_018, ["src-file-us-susb-2021-csv-gz"]),
        "world-trade-1998-2000": ("exports", "USD", "sitc2", 124_336, ["src-file-world-trade-1998-2000-csv-gz"]),
    }


def test_reload_changes_nothing(loaded):
    rx, first = loaded
    before = counts(rx)
    again = rx.load_demo(statistics=True)
    assert again.nodes == first.nodes and again.relationships == first.relationships
    for s in again.tables:
        assert (s.created, s.updated, s.nodes_created, s.unchanged) == (0, 0, 0, s.rows_loaded), s.file
    assert counts(rx) == before


def test_the_readme_example_match(loaded):
    """The README's first example ranks these five ITL2 regions (jaccard on RCA >= 1 of BRES 2021)."""
    rx, _ = loaded
    rows = rx.match("Derbyshire and Nottinghamshire", source=BRES, top=5).rows
    assert [(r["region"], round(r["score"], 3)) for r in rows] == [
        ("TLE1", 0.489),
        ("TLF2", 0.488),
        ("TLE3", 0.476),
        ("TLK2", 0.438),
        ("TLM9", 0.438),
    ]
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f'rox match "Derbyshire and Nottinghamshire" --source {BRES} --top 5' in readme
    assert all(f"({r['region']}, {round(r['score'], 3)})" in readme for r in rows)
    assert "rox demo --statistics" in (ROOT / "Makefile").read_text(encoding="utf-8")


#: Runs the CLI with an audit hook that records every file the process opens.
AUDITED = textwrap.dedent(
    """
    import atexit, os, sys
    shared, folder = os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])
    seen = {"shared": [], "bundled": set()}

    def hook(event, args):
        if event == "open" and isinstance(args[0], (str, os.PathLike)):
            path = os.path.realpath(args[0])
            if path.startswith(shared + os.sep):
                seen["shared"].append(path)
            if path.startswith(folder + os.sep):
                seen["bundled"].add(os.path.basename(path))

    sys.addaudithook(hook)
    atexit.register(lambda: print("AUDIT", len(seen["shared"]), sorted(seen["bundled"]), file=sys.stderr))
    from rox.cli import main
    sys.exit(main(sys.argv[3:]))
    """
)


def test_cli_demo_statistics_reads_only_project_files(tmp_path):
    """``rox demo --statistics`` on a fresh store, ROX_DEMO_DIR unchanged: the data come from the
    project, not from ../shared (every file the process opens is recorded)."""
    env = {k: v for k, v in os.environ.items() if k != "ROX_DEMO_DIR"}
    env["NEO4J_URI"] = ""
    db = tmp_path / "rox.db"
    cmd = [sys.executable, "-c", AUDITED, str(SHARED), str(FOLDER), "--db", str(db), "demo", "--statistics"]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    bundled = sorted(f.file for f in STARTER_FILES)
    assert f"AUDIT 0 {bundled}" in out.stderr
    assert out.stdout.startswith("merged nodes: ")
    assert out.stdout.count("HAS_SECTOR created ") == 4
    assert "rows read 21,683; loaded 16,900; skipped 4,783" in out.stdout
    again = rox("demo", "--statistics", db=db).stdout
    assert again.count("HAS_SECTOR created 0, changed 0, unchanged ") == 4


def test_cli_demo_help_names_the_flag():
    assert "--statistics" in rox("demo", "--help").stdout
