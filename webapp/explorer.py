"""Graph explorer: search any node, draw its neighbourhood, expand nodes on demand.

The view (nodes and edges found so far) and the node positions live in
``st.session_state``, so reruns redraw the same picture. A cap (default 300) limits
the nodes drawn; "Show more" raises it. Labels can be hidden. The view exports as
GraphML, GEXF, JSON or a standalone HTML page.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rox.webapp import Page, common, graph_export, visgraph

PAGE = Page("Graph explorer", "explorer", ":material/hub:", order=40)

DEFAULT_CAP = 300
NEIGHBOUR_ROWS = 2000
STATE = "ex-state"


def state() -> dict[str, Any]:
    """The page's view, positions, centre and expanded nodes, kept across reruns."""
    return st.session_state.setdefault(
        STATE, {"view": visgraph.GraphView().to_dict(), "positions": {}, "center": None, "expanded": []}
    )


def neighbourhood(node: str) -> list[dict[str, Any]]:
    """``node``'s relationships and neighbours (named query ``neighbourhood``)."""
    return common.named("neighbourhood", node=node, limit=NEIGHBOUR_ROWS)


def node_info(node: str) -> dict[str, Any] | None:
    """``node``'s search row (label and name), or ``None`` when it is not found."""
    rows = common.named("search-nodes", text=node, limit=50)
    return next((r for r in rows if r["id"] == node), None)


def expand(view: visgraph.GraphView, node: str) -> int:
    """Add ``node``'s neighbours to ``view``; returns how many nodes were new."""
    before = len(view.nodes)
    for r in neighbourhood(node):
        if r["start"] not in view.nodes:
            view.add_node(r["start"], r.get("start_label"), None)
        view.add_node(r["target"], r.get("target_label"), r.get("target_name"))
        if r.get("outgoing"):
            view.add_edge(r["start"], r["relation"], r["target"])
        else:
            view.add_edge(r["target"], r["relation"], r["start"])
    return len(view.nodes) - before


def start(node: str) -> None:
    """Reset the view to ``node`` and its neighbours."""
    s = state()
    view = visgraph.GraphView()
    info = node_info(node) or {}
    view.add_node(node, info.get("label"), info.get("name"))
    expand(view, node)
    s.update(view=view.to_dict(), center=node, expanded=[node])


def shown_nodes(view: visgraph.GraphView, labels: list[str], cap: int, center: str | None) -> list[str]:
    """Nodes drawn: those with a chosen label, in discovery order, at most ``cap`` (the centre always)."""
    keep = [n for n, d in view.nodes.items() if d["label"] in labels or n == center]
    if center in keep:
        keep.remove(center)
        keep.insert(0, center)
    return keep[:cap]


def _show_more() -> None:
    """Raise the node cap by ``DEFAULT_CAP`` (at most 5000)."""
    st.session_state["ex-cap-input"] = min(5000, int(st.session_state.get("ex-cap-input", DEFAULT_CAP)) + DEFAULT_CAP)


def _search_and_pick(s: dict[str, Any]) -> None:
    """Search box and node picker; picking a new node restarts the view around it."""
    c1, c2 = st.columns([1, 2])
    text = c1.text_input(
        "Search nodes", value=st.query_params.get("q", ""), key="ex-search", placeholder="e.g. Derby, rail, Rolls-Royce"
    )
    hits = common.named("search-nodes", text=text.strip(), limit=100) if text.strip() else []
    options = [h["id"] for h in hits]
    by_id = {h["id"]: h for h in hits}
    if text.strip() and not hits:
        c2.warning(f"Nothing matches {text!r}.")
    picked = c2.selectbox(
        "Node",
        options,
        index=options.index(text.strip()) if text.strip() in options else (0 if options else None),
        key=f"ex-pick-{text.strip()}",
        format_func=lambda i: f"{by_id[i].get('name') or i} ({by_id[i]['label']}) · {i}",
        placeholder="Search first, then pick a node",
    )
    if picked and picked != s["center"]:
        start(picked)
        st.query_params["q"] = text.strip()


def _filters(view: visgraph.GraphView, center: str | None) -> tuple[list[str], int, list[str], int]:
    """Label filter, node cap and "Show more"; returns ``(labels, cap, nodes drawn, nodes hidden by the cap)``."""
    all_labels = view.labels()
    f1, f2, f3 = st.columns([3, 1, 1])
    labels = f1.multiselect("Show labels", all_labels, default=all_labels, key=f"ex-labels-{'-'.join(all_labels)}")
    st.session_state.setdefault("ex-cap-input", DEFAULT_CAP)
    cap = int(f2.number_input("Node cap", min_value=1, max_value=5000, step=50, key="ex-cap-input"))
    keep = shown_nodes(view, labels, cap, center)
    hidden = len([n for n, d in view.nodes.items() if d["label"] in labels]) - len(keep)
    f3.button(
        f"Show more (+{DEFAULT_CAP})",
        disabled=hidden <= 0,
        key="ex-more",
        on_click=_show_more,
        help=f"{max(hidden, 0)} more nodes are found but not drawn",
    )
    return labels, cap, keep, hidden


def _expand_controls(view: visgraph.GraphView, keep: list[str], s: dict[str, Any]) -> None:
    """Expand one picked node, or every node drawn, by one hop (then rerun to redraw)."""
    e1, e2, e3 = st.columns([3, 1, 1])
    expandable = [n for n in keep if n not in s["expanded"]] + [n for n in keep if n in s["expanded"]]
    target = e1.selectbox(
        "Expand a node (add its neighbours)",
        expandable,
        key="ex-expand-pick",
        format_func=lambda n: (
            f"{view.nodes[n].get('name') or n} ({view.nodes[n]['label']})" + (" ✓" if n in s["expanded"] else "")
        ),
    )
    if e2.button("Expand", key="ex-expand", disabled=not target):
        added = expand(view, target)
        s["expanded"].append(target)
        s["view"] = view.to_dict()
        st.toast(f"{added} new node(s) from {view.nodes[target].get('name') or target}")
        st.rerun()
    if e3.button("Expand all shown", key="ex-expand-all", help="One more hop from every node drawn"):
        for n in [n for n in keep if n not in s["expanded"]]:
            expand(view, n)
            s["expanded"].append(n)
        s["view"] = view.to_dict()
        st.rerun()


def _draw(
    view: visgraph.GraphView, keep: list[str], hidden: int, s: dict[str, Any]
) -> tuple[visgraph.GraphView, dict[str, tuple]]:
    """Lay out (keeping earlier positions) and draw the shown nodes; returns the drawn view and positions."""
    sub = view.subview(keep)
    s["positions"] = {**s["positions"], **visgraph.layout(sub, s["positions"])}
    pos = {n: tuple(s["positions"][n]) for n in keep if n in s["positions"]}
    st.caption(
        f"{len(sub.nodes)} nodes and {len(sub.edges)} relationships drawn"
        + (f"; {hidden} more found (raise the cap or press Show more)" if hidden > 0 else "")
    )
    visgraph.show(sub, key="explorer", positions=pos, height=640, highlight=[s["center"]] if s["center"] else [])
    return sub, pos


def _export(sub: visgraph.GraphView, pos: dict[str, tuple], s: dict[str, Any], labels: list[str], cap: int) -> None:
    """Download buttons for the drawn view (GraphML, GEXF, JSON, HTML) with how it was made."""
    with st.expander("Export this view"):
        stem = common.file_stem("graph", s["center"] or "view")
        graph_export.download_buttons(
            sub,
            stem,
            key="ex-export",
            title=f"rox graph around {s['center']}",
            positions=pos,
            meta={"center": s["center"], "expanded": s["expanded"], "labels": labels, "cap": cap},
        )


def render() -> None:
    """The page: search and pick a node, then filter, expand, draw and export its neighbourhood."""
    st.title("Graph explorer")
    st.caption("Search any region, sector, firm, university, agreement or source and browse its neighbourhood.")
    if common.empty_store_notice():
        return
    s = state()
    _search_and_pick(s)
    view = visgraph.GraphView.from_dict(s["view"])
    if not view.nodes:
        st.info("Search for a node to draw its neighbourhood.")
        return
    labels, cap, keep, hidden = _filters(view, s["center"])
    _expand_controls(view, keep, s)
    sub, pos = _draw(view, keep, hidden, s)
    _export(sub, pos, s, labels, cap)
    with st.expander("Nodes in this view"):
        common.table([{"id": n, **{k: v for k, v in view.nodes[n].items()}} for n in keep], key="ex-nodes")
