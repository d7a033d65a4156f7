"""A graph view as GraphML, GEXF, JSON or a standalone HTML page.

GraphML and GEXF go through networkx (a ``MultiDiGraph``: node attributes
``label`` (the rox label), ``name`` and the node's plain properties; edge attribute
``relation`` and the relationship's properties). Lists become ``;``-joined text
and missing values are left out, since neither format has lists or nulls.

>>> from rox.webapp.visgraph import GraphView
>>> v = GraphView()
>>> v.add_node("GB-DER", "Region", "Derby", country="GB")
>>> v.add_node("rail", "Sector", "Rail")
>>> v.add_edge("GB-DER", "HAS_SECTOR", "rail", year=2022)
>>> b"<graphml" in to_graphml(v) and b"<gexf" in to_gexf(v)
True
>>> import json; json.loads(to_json(v))["edges"][0]["relation"]
'HAS_SECTOR'
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from typing import Any

import networkx as nx

from rox.webapp.visgraph import GraphView, render_html

FORMATS = {
    "graphml": ("GraphML", "application/graphml+xml", "graphml"),
    "gexf": ("GEXF", "application/gexf+xml", "gexf"),
    "json": ("JSON", "application/json", "json"),
    "html": ("HTML page", "text/html", "html"),
}


def _attr(value: Any) -> Any:
    if isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def to_networkx(view: GraphView) -> nx.MultiDiGraph:
    """The view as a networkx multigraph with format-safe attributes."""
    g = nx.MultiDiGraph()
    for node_id, props in view.nodes.items():
        g.add_node(node_id, **{k: _attr(v) for k, v in props.items() if v is not None})
    for (s, r, t), props in view.edges.items():
        if s in view.nodes and t in view.nodes:
            attrs = {k: _attr(v) for k, v in props.items() if v is not None and k not in ("relation", "key")}
            g.add_edge(s, t, key=r, relation=r, **attrs)
    return g


def _consistent_types(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """GraphML/GEXF need one type per attribute name: mixed types become text."""
    for items in (g.nodes(data=True), g.edges(data=True)):
        types: dict[str, set[type]] = {}
        for *_, data in items:
            for k, v in data.items():
                types.setdefault(k, set()).add(type(v))
        mixed = {k for k, ts in types.items() if len(ts) > 1}
        if mixed:
            for *_, data in items:
                for k in mixed & data.keys():
                    data[k] = str(data[k])
    return g


def to_graphml(view: GraphView) -> bytes:
    g = _consistent_types(to_networkx(view))
    buf = io.BytesIO()
    nx.write_graphml(g, buf, encoding="utf-8")
    return buf.getvalue()


def to_gexf(view: GraphView) -> bytes:
    g = _consistent_types(to_networkx(view))
    buf = io.BytesIO()
    nx.write_gexf(g, buf, encoding="utf-8")
    return buf.getvalue()


def to_json(view: GraphView, meta: Mapping[str, Any] | None = None) -> str:
    doc = view.to_dict()
    if meta:
        doc = {"parameters": dict(meta), **doc}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def to_html(view: GraphView, *, title: str = "rox graph", positions=None, key: str = "export") -> str:
    """A standalone page (vis-network inlined; opens offline in any browser)."""
    return render_html(view, positions=positions, key=key, standalone=True, title=title)


def export(view: GraphView, fmt: str, **kw: Any) -> bytes:
    """The view in ``fmt`` (a key of :data:`FORMATS`), as bytes for a download."""
    if fmt == "graphml":
        return to_graphml(view)
    if fmt == "gexf":
        return to_gexf(view)
    if fmt == "json":
        return to_json(view, kw.get("meta")).encode("utf-8")
    if fmt == "html":
        return to_html(view, title=kw.get("title", "rox graph"), positions=kw.get("positions")).encode("utf-8")
    raise ValueError(f"unknown graph export format {fmt!r} (known: {', '.join(FORMATS)})")


def download_buttons(
    view: GraphView,
    stem: str,
    *,
    key: str,
    title: str = "rox graph",
    positions=None,
    meta: Mapping[str, Any] | None = None,
) -> None:
    """One download button per format, side by side."""
    import streamlit as st

    cols = st.columns(len(FORMATS))
    for col, (fmt, (label, mime, ext)) in zip(cols, FORMATS.items(), strict=True):
        col.download_button(
            f"{label}",
            export(view, fmt, title=title, positions=positions, meta=meta),
            file_name=f"{stem}.{ext}",
            mime=mime,
            key=f"{key}-{fmt}",
            icon=":material/download:",
            on_click="ignore",
        )
