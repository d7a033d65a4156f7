"""Cypher console: read-only Cypher with parameters, a row cap and a timeout.

Read-only is enforced as in ``rox cypher``: :meth:`rox.api.Rox.cypher` refuses write
clauses before the database sees them, and the database runs the query in read-only
mode as well. The named queries from ``queries/cypher`` can be picked and run.
"""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from rox.api import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, check_param_value, named_queries, parse_param
from rox.webapp import Page, common, graph_export, visgraph

PAGE = Page("Cypher console", "console", ":material/terminal:", order=50)

CUSTOM = "(your own query)"
EXAMPLE = "MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector)\nRETURN r.name AS region, s.name AS sector, h.value AS value\nORDER BY value DESC\nLIMIT 25"
EXAMPLE_PARAMS = {
    "region": "GB-DER",
    "a": "GB-DER",
    "b": "CN-AH",
    "node": "GB-DER",
    "sector": "aerospace",
    "text": "derby",
    "limit": 25,
}


def parse_params(text: str) -> dict[str, Any]:
    """The parameters box: a JSON object (``{"region": "GB-DER"}``), or ``key=value`` lines.

    >>> parse_params('{"a": 1}')
    {'a': 1}
    >>> parse_params("region=GB-DER\\nlimit=10")
    {'region': 'GB-DER', 'limit': 10}
    >>> parse_params("")
    {}
    """
    text = text.strip()
    if not text:
        return {}
    if text.startswith("{"):
        value = json.loads(text)
        if not isinstance(value, dict):
            raise ValueError("parameters must be a JSON object")
        return {k: check_param_value(k, v) for k, v in value.items()}
    out = {}
    for line in text.splitlines():
        if line.strip():
            k, v = parse_param(line.strip())
            out[k] = v
    return out


def _pick_query() -> None:
    """Fill the editor and parameters box from the picked named query (example parameter values)."""
    name = st.session_state.get("cs-named")
    if not name or name == CUSTOM:
        return
    params = next(q["params"] for q in named_queries() if q["name"] == name)
    st.session_state["cs-text"] = common.get_rox().query_text(name)
    st.session_state["cs-params"] = (
        json.dumps({p: EXAMPLE_PARAMS.get(p, "") for p in params}, indent=1) if params else ""
    )


def _editor() -> tuple[str, str]:
    """Named-query picker, the Cypher editor and the parameters box; returns ``(cypher, parameters text)``."""
    docs = {q["name"]: q["description"] for q in named_queries()}
    st.session_state.setdefault("cs-text", EXAMPLE)
    st.session_state.setdefault("cs-params", "")
    st.selectbox(
        "Named query",
        [CUSTOM, *docs],
        key="cs-named",
        on_change=_pick_query,
        help="Pick one of rox's named queries to fill the editor.",
    )
    if st.session_state.get("cs-named") in docs:
        st.caption(docs[st.session_state["cs-named"]])
    c1, c2 = st.columns([3, 1])
    text = c1.text_area("Cypher", key="cs-text", height=200)
    params_text = c2.text_area("Parameters (JSON or key=value lines)", key="cs-params", height=200)
    return text, params_text


def _run_options() -> tuple[int, float, str, bool]:
    """Row cap, timeout, table/graph switch and the Run button; returns ``(row_cap, timeout, show_as, run)``."""
    o1, o2, o3, o4 = st.columns([1, 1, 1, 1])
    row_cap = int(
        o1.number_input("Row cap", min_value=1, max_value=100_000, value=DEFAULT_ROW_CAP, step=100, key="cs-cap")
    )
    timeout = float(
        o2.number_input(
            "Timeout (s)", min_value=0.5, max_value=600.0, value=DEFAULT_TIMEOUT_S, step=1.0, key="cs-timeout"
        )
    )
    show_as = o3.radio("Show as", ["table", "graph"], horizontal=True, key="cs-view")
    run = o4.button("Run", type="primary", key="cs-run", icon=":material/play_arrow:")
    return row_cap, timeout, show_as, run


def _run(text: str, params_text: str, row_cap: int, timeout: float) -> bool:
    """Run the query read-only and keep the result in the session; False (with an error) on bad parameters."""
    st.session_state.pop("cs-result", None)
    try:
        params = parse_params(params_text)
    except Exception as exc:  # noqa: BLE001 - JSON or key=value errors are the user's to fix
        st.error(f"The parameters are not valid: {exc}")
        return False
    res = common.get_rox().cypher(text, params, row_cap=row_cap, timeout_s=timeout)
    st.session_state["cs-result"] = {
        "columns": res.columns,
        "rows": res.rows,
        "truncated": res.truncated,
        "elapsed_ms": res.elapsed_ms,
        "text": text,
        "params": params,
    }
    return True


def _show_graph(rows: list[dict[str, Any]]) -> None:
    """The nodes, relationships and paths in ``rows`` drawn as a graph (positions kept), with export buttons."""
    view = visgraph.view_from_rows(rows)
    if not view.nodes:
        st.info(
            "These rows hold no nodes or relationships to draw; return nodes (e.g. `RETURN n, r, m`) "
            "or paths to see a graph."
        )
        return
    positions = st.session_state.setdefault("cs-positions", {})
    positions.update(visgraph.layout(view, positions))
    visgraph.show(view, key="console", positions={k: positions[k] for k in view.nodes}, height=560)
    graph_export.download_buttons(view, common.file_stem("console-graph"), key="cs-graph")


def _show_result(result: dict[str, Any], row_cap: int, show_as: str) -> None:
    """Row count and time, then the rows as a table or a graph, and the download buttons."""
    rows = result["rows"]
    note = f"{len(rows)} row(s) in {result['elapsed_ms']:.0f} ms"
    if result["truncated"]:
        note += f" - cut at the row cap ({row_cap}); raise it to see more"
    st.success(note, icon=":material/check:")
    if show_as == "graph":
        _show_graph(rows)
    if show_as == "table" or not rows:
        common.table(rows, key="cs-table", columns=result["columns"])
    common.download_buttons(
        rows,
        common.file_stem("query"),
        key="dl-console",
        meta={"cypher": result["text"], "params": json.dumps(result["params"], default=str)},
    )


def render() -> None:
    """The page: editor and options, run on demand, then the last result."""
    st.title("Cypher console")
    st.caption("Read-only: queries that write (CREATE, MERGE, SET, DELETE, …) are refused.")
    text, params_text = _editor()
    row_cap, timeout, show_as, run = _run_options()
    if run and not _run(text, params_text, row_cap, timeout):
        return
    result = st.session_state.get("cs-result")
    if result:
        _show_result(result, row_cap, show_as)
