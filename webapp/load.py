"""Load data: upload entity files (YAML/CSV) and statistical tables, preview them, see every
validation problem with its file and row, then load with a progress bar.

Loading is all or nothing, as ``rox load``: every record is validated first (fields,
duplicates, references to the files and to what the store holds) and nothing is
written while any problem remains. Checking is :meth:`rox.api.Rox.check`, loading
:meth:`rox.api.Rox.load` / :meth:`~rox.api.Rox.load_table`, whose progress callbacks
move the bar. Documents (press releases, MoUs...) are reviewed and loaded on the Documents
tab (:mod:`rox.webapp.documents`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from rox import api
from rox.webapp import Page, common, documents

PAGE = Page("Load data", "load", ":material/upload_file:", order=60)

ENTITY_TYPES = ["yaml", "yml", "csv"]
TABLE_TYPES = ["csv", "tsv", "txt", "xlsx"]
UPLOAD_NOTE = f"Files up to {api.MAX_UPLOAD_MB} MB each."


def upload_dir() -> Path:
    """A private folder for this browser session's uploads."""
    path = st.session_state.get("ld-dir")
    if not path or not Path(path).is_dir():
        path = tempfile.mkdtemp(prefix="rox-upload-")
        st.session_state["ld-dir"] = path
    return Path(path)


def save_uploads(files, sub: str) -> list[Path]:
    """Write uploaded files under their own names (CSV sections come from the file name)."""
    folder = upload_dir() / sub
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    out = []
    for f in files:
        name = Path(f.name).name or "upload"
        path = folder / name
        path.write_bytes(f.getvalue())
        out.append(path)
    return out


def problem_rows(problems: list[api.Problem]) -> list[dict[str, Any]]:
    return [{"file": Path(p.file).name, "line": p.line, "field": p.field, "reason": p.reason} for p in problems]


def progress_bar(start_text: str = "Loading…", unit: str = "records") -> tuple[api.Progress, Any]:
    """A Streamlit progress bar and the :data:`rox.api.Progress` callback that moves it."""
    bar = st.progress(0.0, text=start_text)

    def progress(done: int, total: int | None, what: str) -> None:
        frac = min(1.0, done / total) if total else 0.0
        of = f" of {total:,}" if total else ""
        bar.progress(frac, text=f"{what}: {done:,}{of}" + (f" {unit}" if unit else ""))

    return progress, bar


def load_entities(paths: list[Path]) -> api.LoadReport:
    """Load validated files through :meth:`rox.api.Rox.load`, showing its progress."""
    progress, bar = progress_bar()
    report = common.get_rox().load(paths, progress)
    bar.progress(1.0, text=f"Loaded {report.total():,} records")
    return report


def report_rows(report: api.LoadReport) -> list[dict[str, Any]]:
    return [{"kind": "node", "name": k, "written": v} for k, v in report.nodes.items()] + [
        {"kind": "relationship", "name": k, "written": v} for k, v in report.relationships.items()
    ]


def entity_tab() -> None:
    st.markdown(
        "Upload YAML files (any of the sections `sources`, `regions`, `sectors`, `region_sectors`, `firms`, "
        "`universities`, `agreements`, `trade`) or CSV files named after their section (`regions.csv`, "
        "`my-firms.csv`). Files may refer to each other and to what is already loaded."
    )
    gen = st.session_state.setdefault("ld-gen", 0)
    files = st.file_uploader(
        "Entity files", type=ENTITY_TYPES, accept_multiple_files=True, key=f"ld-files-{gen}", help=UPLOAD_NOTE
    )
    st.caption(UPLOAD_NOTE)
    if not files:
        return
    paths = save_uploads(files, "entities")
    checked = common.get_rox().check(paths)
    records, problems = checked.records, checked.problems
    by_section = Counter(r.section for r in records)
    st.markdown("**Preview:** " + (", ".join(f"{n} {s}" for s, n in by_section.items()) or "no records"))
    for section, n in by_section.items():
        with st.expander(f"{section} ({n})", expanded=len(by_section) == 1):
            common.table(
                [{"file": Path(r.file).name, "line": r.line, **r.data} for r in records if r.section == section][:500],
                key=f"ld-prev-{section}",
            )
    if problems:
        st.error(
            f"**{len(problems)} problem(s) found; nothing will be written until they are fixed.**",
            icon=":material/error:",
        )
        common.table(problem_rows(problems), key="ld-problems")
        common.download_buttons(problem_rows(problems), common.file_stem("load-problems"), key="dl-problems")
        return
    st.success(f"{len(records)} record(s) are valid.", icon=":material/check_circle:")
    if st.button("Load into the store", type="primary", key="ld-go", icon=":material/upload:"):
        try:
            report = load_entities(paths)
        except api.ValidationFailed as exc:  # the store changed since the check
            st.error(f"**{len(exc.problems)} problem(s) found; nothing was written.**", icon=":material/error:")
            common.table(problem_rows(exc.problems), key="ld-load-problems")
            return
        common.data_changed()
        st.session_state["ld-gen"] = gen + 1
        st.session_state["ld-report"] = report_rows(report)
        st.rerun()


def table_tab() -> None:
    st.markdown(
        "Statistical tables as published (long or wide CSV, XLSX, Eurostat TSV): rox detects the layout and "
        "the region, sector, year and value columns, and says what it detected."
    )
    f = st.file_uploader("Statistical table", type=TABLE_TYPES, key="ld-table", help=UPLOAD_NOTE)
    st.caption(UPLOAD_NOTE)
    if not f:
        return
    c1, c2 = st.columns(2)
    layout = c1.selectbox("Layout", list(api.TABLE_LAYOUTS), key="ld-layout")
    sheet = c2.text_input("Sheet (XLSX)", key="ld-sheet") or None
    spec = api.TableSpec(save_uploads([f], "tables")[0], layout=layout, sheet=sheet)
    table = table_preview(spec)
    if table is None:
        return
    opts = table_options()
    if st.button("Load this table", type="primary", key="ld-table-go"):
        load_table(spec, opts)


def table_preview(spec: api.TableSpec) -> api.Table | None:
    """What rox detected in the table and its first cells; None (with the problems shown) if unreadable."""
    try:
        table = api.open_table(spec)
    except api.ValidationFailed as exc:
        st.error(f"**{len(exc.problems)} problem(s) reading the table.**")
        common.table(problem_rows(exc.problems), key="ld-table-problems")
        return None
    st.markdown(
        f"**Layout:** {table.layout} · region column `{table.region_col}` · sector column "
        f"`{table.sector_col}` · year column `{table.year_col}` · value column `{table.value_col}`"
    )
    for note in table.notes:
        st.caption(note)
    cells = []
    for cell in table.rows():
        cells.append(cell._asdict())
        if len(cells) >= 200:
            break
    common.table(cells, key="ld-table-preview")
    return table


def table_options() -> api.LoadOptions:
    """The load options chosen on the page ("(detect)" leaves them to rox)."""
    c1, c2, c3, c4 = st.columns(4)
    scheme = c1.selectbox("Sector codes", ["(detect)", *api.SECTOR_SCHEMES], key="ld-scheme")
    kind = c2.selectbox("Values are", ["(detect)", *api.TABLE_KINDS], key="ld-kind")
    unit = c3.text_input("Unit", key="ld-unit") or None
    year = c4.number_input(
        "Keep one year", min_value=0, max_value=2200, value=0, key="ld-year", help="0 keeps every year"
    )
    return api.LoadOptions(
        sector_scheme=None if scheme == "(detect)" else scheme,
        kind=None if kind == "(detect)" else kind,
        unit=unit,
        year=int(year) or None,
    )


def load_table(spec: api.TableSpec, opts: api.LoadOptions) -> None:
    """Load through :meth:`rox.api.Rox.load_table`, moving a bar; say what was loaded or every problem."""
    progress, bar = progress_bar("Checking every row…", unit="")
    try:
        summary = common.get_rox().load_table(spec, opts, progress)
    except api.ValidationFailed as exc:
        bar.empty()
        st.error(f"**{len(exc.problems)} problem(s) found; nothing was written.**", icon=":material/error:")
        common.table(problem_rows(exc.problems), key="ld-table-load-problems")
        return
    except api.StoreUnavailable:
        raise
    except api.RoxError as exc:
        bar.empty()
        st.error(str(exc), icon=":material/error:")
        return
    bar.progress(1.0, text="Loaded")
    common.data_changed()
    st.success("\n\n".join(summary.lines()), icon=":material/check_circle:")


def demo_tab() -> None:
    st.markdown(
        "The demo dataset: Derby and Hefei, the Midlands and Maharashtra, and comparator regions, with the "
        "source of every fact. **With real statistics** adds the bundled tables (`data/statistics`): ONS BRES "
        "2021 employment (ITL2 x SIC 2007), Eurostat SBS 2015 (NUTS 2 x NACE), US Census SUSB 2021 (states x "
        "NAICS) and world exports 1998-2000 (countries x SITC), as `rox demo --statistics` does."
    )
    left, right = st.columns(2)
    if left.button("Load the demo dataset", key="ld-demo", icon=":material/dataset:"):
        load_demo(statistics=False)
    if right.button("Load the demo with real statistics", key="ld-demo-stats", icon=":material/query_stats:"):
        load_demo(statistics=True)


def load_demo(statistics: bool) -> None:
    """Load the demo (and the bundled statistics) through :meth:`rox.api.Rox.load_demo`, with a
    progress bar; the counts are shown after the rerun (entity records, then one row per table)."""
    progress, bar = progress_bar("Loading the demo data…", unit="")
    report = common.get_rox().load_demo(progress, statistics=statistics)
    bar.progress(
        1.0, text=f"Loaded {report.total():,} records" + (f" and {len(report.tables)} tables" if statistics else "")
    )
    common.data_changed()
    st.session_state["ld-report"] = report_rows(report) + table_rows(report.tables)
    st.rerun()


def table_rows(summaries: list[api.LoadSummary]) -> list[dict[str, Any]]:
    """One report row per loaded table: its source and the facts it created (0 on a reload)."""
    return [{"kind": "table", "name": s.source, "written": s.created + s.updated} for s in summaries]


def render() -> None:
    st.title("Load data")
    if st.session_state.get("ld-report"):
        st.success("Loaded.", icon=":material/check_circle:")
        common.table(st.session_state.pop("ld-report"), key="ld-report-table")
    t1, t2, t3, t4 = st.tabs(["Entity files", "Statistical tables", "Documents", "Demo data"])
    with t1:
        entity_tab()
    with t2:
        table_tab()
    with t3:
        documents.documents_tab()
    with t4:
        demo_tab()
