"""Load data: upload entity files (YAML/CSV) and statistical tables, preview them, see every
validation problem with its file and row, then load with a progress bar.

Loading is all or nothing, as ``rox load``: every record is validated first (fields,
duplicates, references to the files and to what the store holds) and nothing is
written while any problem remains.
"""

from __future__ import annotations

import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import streamlit as st

from rox.graph.errors import Problem, RoxError, ValidationFailed
from rox.loaders import entities, statements
from rox.webapp import common

ENTITY_TYPES = ["yaml", "yml", "csv"]
TABLE_TYPES = ["csv", "tsv", "txt", "xlsx"]


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


def validate(paths: list[Path]) -> tuple[list[entities.RawRecord], list[Problem], entities.Plan | None]:
    """Parse and validate; returns records, every problem, and the plan when there are none."""
    records, problems = entities.read_files(paths)
    store = common.get_rox().store
    plan = None
    try:
        plan = entities.build_plan(records, entities.known_ids(store, records))
    except ValidationFailed as exc:
        problems = list(problems) + list(exc.problems)
    if problems:
        plan = None
    return records, sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field, p.reason)), plan


def problem_rows(problems: list[Problem]) -> list[dict[str, Any]]:
    return [{"file": Path(p.file).name, "line": p.line, "field": p.field, "reason": p.reason} for p in problems]


def plan_steps(plan: entities.Plan) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """The writes of a plan, in :func:`loaders.entities.write_plan` order: (what, statement, rows)."""
    steps = []
    for label in entities.NODE_ORDER:
        items = plan.nodes.get(label, {})
        if items:
            steps.append((label, statements.node_upsert(label), [{"id": i, "props": p} for i, p in items.items()]))
    for (rel, start_label), rows in sorted(plan.rels.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        steps.append((rel, statements.rel_upsert(rel, start_label), list(rows)))
    return steps


def write_with_progress(plan: entities.Plan, batch_size: int = 2000) -> entities.LoadReport:
    """Write a validated plan batch by batch, moving a progress bar."""
    store = common.get_rox().store
    steps = plan_steps(plan)
    total = sum(len(rows) for _, _, rows in steps) or 1
    done = 0
    bar = st.progress(0.0, text="Loading…")
    nodes: Counter[str] = Counter()
    rels: Counter[str] = Counter()
    for what, stmt, rows in steps:
        for i in range(0, len(rows), batch_size):
            batch = rows[i: i + batch_size]
            store.write_batches(stmt, batch, batch_size)
            done += len(batch)
            (nodes if what in entities.NODE_ORDER else rels)[what] += len(batch)
            bar.progress(min(1.0, done / total), text=f"Loading {what}: {done:,} of {total:,} records")
    bar.progress(1.0, text=f"Loaded {done:,} records")
    return entities.LoadReport(dict(nodes), dict(rels))


def report_rows(report: entities.LoadReport) -> list[dict[str, Any]]:
    return ([{"kind": "node", "name": k, "written": v} for k, v in report.nodes.items()]
            + [{"kind": "relationship", "name": k, "written": v} for k, v in report.relationships.items()])


def entity_tab() -> None:
    st.markdown(
        "Upload YAML files (any of the sections `sources`, `regions`, `sectors`, `region_sectors`, `firms`, "
        "`universities`, `agreements`, `trade`) or CSV files named after their section (`regions.csv`, "
        "`my-firms.csv`). Files may refer to each other and to what is already loaded."
    )
    gen = st.session_state.setdefault("ld-gen", 0)
    files = st.file_uploader("Entity files", type=ENTITY_TYPES, accept_multiple_files=True, key=f"ld-files-{gen}")
    if not files:
        return
    paths = save_uploads(files, "entities")
    records, problems, plan = validate(paths)
    by_section = Counter(r.section for r in records)
    st.markdown("**Preview:** " + (", ".join(f"{n} {s}" for s, n in by_section.items()) or "no records"))
    for section, n in by_section.items():
        with st.expander(f"{section} ({n})", expanded=len(by_section) == 1):
            common.table([{"file": Path(r.file).name, "line": r.line, **r.data}
                          for r in records if r.section == section][:500], key=f"ld-prev-{section}")
    if problems:
        st.error(f"**{len(problems)} problem(s) found; nothing will be written until they are fixed.**",
                 icon=":material/error:")
        common.table(problem_rows(problems), key="ld-problems")
        common.download_buttons(problem_rows(problems), common.file_stem("load-problems"), key="dl-problems")
        return
    st.success(f"{len(records)} record(s) are valid.", icon=":material/check_circle:")
    if st.button("Load into the store", type="primary", key="ld-go", icon=":material/upload:"):
        report = write_with_progress(plan)
        common.data_changed()
        st.session_state["ld-gen"] = gen + 1
        st.session_state["ld-report"] = report_rows(report)
        st.rerun()


def table_tab() -> None:
    st.markdown(
        "Statistical tables as published (long or wide CSV, XLSX, Eurostat TSV): rox detects the layout and "
        "the region, sector, year and value columns, and says what it detected."
    )
    f = st.file_uploader("Statistical table", type=TABLE_TYPES, key="ld-table")
    if not f:
        return
    from rox.loaders import tables

    c1, c2 = st.columns(2)
    layout = c1.selectbox("Layout", list(tables.LAYOUTS), key="ld-layout")
    sheet = c2.text_input("Sheet (XLSX)", key="ld-sheet") or None
    path = save_uploads([f], "tables")[0]
    try:
        table = tables.open_table(tables.TableSpec(path, layout=layout, sheet=sheet))
    except ValidationFailed as exc:
        st.error(f"**{len(exc.problems)} problem(s) reading the table.**")
        common.table(problem_rows(exc.problems), key="ld-table-problems")
        return
    st.markdown(f"**Layout:** {table.layout} · region column `{table.region_col}` · sector column "
                f"`{table.sector_col}` · year column `{table.year_col}` · value column `{table.value_col}`")
    for note in table.notes:
        st.caption(note)
    cells = []
    for cell in table.rows():
        cells.append(cell._asdict())
        if len(cells) >= 200:
            break
    common.table(cells, key="ld-table-preview")
    from rox.loaders import schemes
    from rox.loaders.table_writer import KINDS, LoadOptions

    c1, c2, c3, c4 = st.columns(4)
    scheme = c1.selectbox("Sector codes", ["(detect)", *schemes.SCHEMES], key="ld-scheme")
    kind = c2.selectbox("Values are", ["(detect)", *KINDS], key="ld-kind")
    unit = c3.text_input("Unit", key="ld-unit") or None
    year = c4.number_input("Keep one year", min_value=0, max_value=2200, value=0, key="ld-year",
                           help="0 keeps every year")
    opts = LoadOptions(sector_scheme=None if scheme == "(detect)" else scheme,
                       kind=None if kind == "(detect)" else kind, unit=unit, year=int(year) or None)
    if st.button("Load this table", type="primary", key="ld-table-go"):
        bar = st.progress(0.0, text="Checking every row…")

        def progress(phase: str, rows: int, done: int | None, total: int | None) -> None:
            frac = min(1.0, (done or rows) / total) if total else 0.0
            bar.progress(frac, text=f"{phase}: {rows:,} rows")

        try:
            summary = common.get_rox().load_table(tables.TableSpec(path, layout=layout, sheet=sheet), opts, progress)
        except ValidationFailed as exc:
            bar.empty()
            st.error(f"**{len(exc.problems)} problem(s) found; nothing was written.**", icon=":material/error:")
            common.table(problem_rows(exc.problems), key="ld-table-load-problems")
            return
        except RoxError as exc:
            bar.empty()
            st.error(str(exc), icon=":material/error:")
            return
        bar.progress(1.0, text="Loaded")
        common.data_changed()
        st.success("\n\n".join(summary.lines()), icon=":material/check_circle:")


def demo_tab() -> None:
    st.markdown("The demo dataset: Derby and Hefei, the Midlands and Maharashtra, and comparator regions, with the "
                "source of every fact.")
    if st.button("Load the demo dataset", key="ld-demo", icon=":material/dataset:"):
        with st.spinner("Loading the demo data…"):
            report = common.get_rox().load_demo()
        common.data_changed()
        st.session_state["ld-report"] = report_rows(report)
        st.rerun()


def render() -> None:
    st.title("Load data")
    if st.session_state.get("ld-report"):
        st.success("Loaded.", icon=":material/check_circle:")
        common.table(st.session_state.pop("ld-report"), key="ld-report-table")
    t1, t2, t3 = st.tabs(["Entity files", "Statistical tables", "Demo data"])
    with t1:
        entity_tab()
    with t2:
        table_tab()
    with t3:
        demo_tab()
