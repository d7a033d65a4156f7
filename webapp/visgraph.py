"""Graph views drawn with pyvis (vis-network), working offline.

pyvis's own templates fetch vis-network and Bootstrap from CDNs. Here pyvis builds
the nodes, edges and options, and :func:`render_html` writes them into a small
template of our own with vis-network's JavaScript and CSS inlined from the files
pyvis ships (``pyvis/templates/lib/vis-9.1.2``), so no request leaves the page.

The layout settles, then stays still: positions start from a networkx layout kept
by the caller (the explorer keeps it in ``st.session_state``; old nodes keep their
place when the view grows), vis-network runs a short physics stabilisation, and on
``stabilizationIterationsDone`` physics is switched off. Positions after
stabilisation or a drag are saved in the browser (``localStorage``, per view key),
so a rerun redraws the same picture without moving.

The iframe body gets ``data-settled="<ms>"`` when the layout is still, and
``window.roxGraph = {nodes, edges, settledMs}`` (the browser tests read them).

>>> v = GraphView()
>>> v.add_node("GB-DER", "Region", "Derby")
>>> v.add_node("rail", "Sector", "Rail")
>>> v.add_edge("GB-DER", "HAS_SECTOR", "rail")
>>> html = render_html(v, key="doctest")
>>> import re
>>> re.search(r"<(script|link|img)[^>]*(src|href)=", html) is None   # everything inline
True
>>> 'data-rox-view="doctest"' in html
True
"""

from __future__ import annotations

import html as htmllib
import json
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

VIS_VERSION = "9.1.2"

# Style by label: colour (background, border) and shape.
STYLE: dict[str, dict[str, Any]] = {
    "Region": {"color": "#1f77b4", "border": "#0d3d63", "shape": "dot", "size": 18},
    "Sector": {"color": "#ff7f0e", "border": "#9a4a05", "shape": "diamond", "size": 14},
    "Firm": {"color": "#2ca02c", "border": "#145214", "shape": "square", "size": 12},
    "University": {"color": "#9467bd", "border": "#4b2f66", "shape": "triangle", "size": 13},
    "Agreement": {"color": "#d62728", "border": "#6e1212", "shape": "star", "size": 15},
    "Source": {"color": "#8c8c8c", "border": "#4d4d4d", "shape": "box", "size": 10},
    "Trade": {"color": "#17becf", "border": "#0b5f67", "shape": "hexagon", "size": 12},
}
DEFAULT_STYLE = {"color": "#bcbd22", "border": "#5e5e11", "shape": "ellipse", "size": 12}


@dataclass
class GraphView:
    """Nodes (id -> label, name, props) and edges ((start, relation, end) -> props)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    def add_node(self, node_id: str, label: str | None, name: str | None = None, /, **props: Any) -> None:
        node_id = str(node_id)
        old = self.nodes.get(node_id, {})
        merged = {**old, **{k: v for k, v in props.items() if v is not None}}
        merged["label"] = label or old.get("label") or "Node"
        merged["name"] = name or old.get("name") or node_id
        self.nodes[node_id] = merged

    def add_edge(self, start: str, relation: str, end: str, /, **props: Any) -> None:
        key = (str(start), str(relation), str(end))
        self.edges[key] = {**self.edges.get(key, {}), **{k: v for k, v in props.items() if v is not None}}

    def subview(self, keep: Iterable[str]) -> GraphView:
        keep = set(keep)
        out = GraphView({k: v for k, v in self.nodes.items() if k in keep})
        out.edges = {k: v for k, v in self.edges.items() if k[0] in keep and k[2] in keep}
        return out

    def labels(self) -> list[str]:
        return sorted({n["label"] for n in self.nodes.values()})

    def to_dict(self) -> dict[str, Any]:
        return {
            "nodes": [{"id": k, **v} for k, v in self.nodes.items()],
            "edges": [
                {"start": s, "relation": r, "end": t, "properties": dict(p)} for (s, r, t), p in self.edges.items()
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GraphView:
        v = cls()
        for n in data.get("nodes", []):
            n = dict(n)
            v.add_node(n.pop("id"), n.pop("label", None), n.pop("name", None), **n)
        for e in data.get("edges", []):
            v.add_edge(e["start"], e["relation"], e["end"], **dict(e.get("properties") or {}))
        return v


# ------------------------------------------------------------------ layout
def layout(
    view: GraphView, previous: Mapping[str, tuple[float, float]] | None = None, *, seed: int = 7
) -> dict[str, tuple[float, float]]:
    """Pixel positions for every node: old nodes stay where they were, new ones are placed
    around them (networkx spring layout, seeded, so the same view gives the same picture)."""
    import networkx as nx

    previous = {k: (float(v[0]), float(v[1])) for k, v in (previous or {}).items() if k in view.nodes}
    if not view.nodes:
        return {}
    if len(previous) == len(view.nodes):
        return dict(previous)
    g = nx.Graph()
    g.add_nodes_from(view.nodes)
    g.add_edges_from((s, t) for (s, _, t) in view.edges if s != t)
    scale = 60.0 * math.sqrt(len(view.nodes)) + 80.0
    if previous:
        init = {k: (x / scale, y / scale) for k, (x, y) in previous.items()}
        # start new nodes next to a placed neighbour
        for n in g.nodes:
            if n not in init:
                near = next((m for m in g.neighbors(n) if m in init), None)
                if near is not None:
                    x, y = init[near]
                    h = (hash(n) % 628) / 100.0
                    init[n] = (x + 0.15 * math.cos(h), y + 0.15 * math.sin(h))
        pos = nx.spring_layout(
            g, pos=init or None, fixed=list(previous) or None, seed=seed, iterations=50, scale=None if previous else 1.0
        )
    else:
        pos = nx.spring_layout(g, seed=seed, iterations=50, scale=1.0)
    return {k: (float(x) * scale, float(y) * scale) if k not in previous else previous[k] for k, (x, y) in pos.items()}


# ---------------------------------------------------------------- pyvis model
def build_network(
    view: GraphView, positions: Mapping[str, tuple[float, float]] | None = None, *, highlight: Iterable[str] = ()
):
    """The view as a pyvis ``Network`` (styled by label, positions as start values)."""
    from pyvis.network import Network

    highlight = set(highlight)
    net = Network(height="600px", width="100%", directed=True, cdn_resources="in_line")
    positions = positions or {}
    for node_id, n in view.nodes.items():
        style = STYLE.get(n["label"], DEFAULT_STYLE)
        title = "\n".join(f"{k}: {_short(v)}" for k, v in n.items() if k not in ("name",) and v not in (None, "", []))
        kw: dict[str, Any] = {
            "label": _short(n.get("name") or node_id, 28),
            "title": f"{n.get('name') or node_id}\nid: {node_id}\n{title}",
            "shape": style["shape"],
            "size": style["size"] + (8 if node_id in highlight else 0),
            "color": {"background": style["color"], "border": "#000000" if node_id in highlight else style["border"]},
            "borderWidth": 3 if node_id in highlight else 1,
        }
        if node_id in positions:
            kw["x"], kw["y"] = positions[node_id]
        net.add_node(node_id, **kw)
    for (s, r, t), p in view.edges.items():
        if s in view.nodes and t in view.nodes:
            title = r + "".join(f"\n{k}: {_short(v)}" for k, v in p.items() if v not in (None, ""))
            net.add_edge(s, t, title=title, label=r if len(view.edges) <= 60 else None, arrows="to")
    return net


def _short(value: Any, n: int = 80) -> str:
    text = "; ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return text if len(text) <= n else text[: n - 1] + "…"


# ------------------------------------------------------------------- assets
@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, read from the pyvis package (no network)."""
    base = resources.files("pyvis") / "templates" / "lib" / f"vis-{VIS_VERSION}"
    js = (base / "vis-network.min.js").read_text(encoding="utf-8")
    css = (base / "vis-network.css").read_text(encoding="utf-8")
    return js.replace("</script", "<\\/script"), css


def _options(n_nodes: int, physics: bool) -> dict[str, Any]:
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 150},
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "keyboard": False},
        "nodes": {"font": {"size": 13, "face": "sans-serif"}},
        "edges": {
            "color": {"color": "#9aa5b1", "highlight": "#333333"},
            "font": {"size": 9, "align": "middle"},
            "smooth": False,
            "width": 1,
        },
        "physics": {
            "enabled": physics,
            "solver": "barnesHut",
            "barnesHut": {
                "gravitationalConstant": -4000,
                "springLength": 110,
                "springConstant": 0.04,
                "damping": 0.35,
                "avoidOverlap": 0.1,
            },
            "stabilization": {"enabled": True, "iterations": 100, "updateInterval": 50, "fit": True},
            "minVelocity": 1.0,
        },
    }


_SCRIPT = r"""
(function () {
  var KEY = "rox-pos-" + %(key)s;
  var nodesData = %(nodes)s;
  var edgesData = %(edges)s;
  var options = %(options)s;
  var saved = null;
  try { saved = JSON.parse(window.localStorage.getItem(KEY) || "null"); } catch (e) { saved = null; }
  var known = 0;
  if (saved) {
    nodesData.forEach(function (n) {
      var p = saved[n.id];
      if (p) { n.x = p.x; n.y = p.y; n.fixed = {x: true, y: true}; known++; }
    });
  }
  var allKnown = nodesData.length > 0 && known === nodesData.length;
  if (allKnown) { options.physics.enabled = false; }
  var t0 = performance.now();
  var container = document.getElementById("rox-network");
  var nodes = new vis.DataSet(nodesData);
  var edges = new vis.DataSet(edgesData);
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  function save() {
    try { window.localStorage.setItem(KEY, JSON.stringify(network.getPositions())); } catch (e) {}
  }
  function settled() {
    network.setOptions({physics: false});
    if (known) {
      nodes.update(nodesData.filter(function (n) { return n.fixed; })
                            .map(function (n) { return {id: n.id, fixed: false}; }));
    }
    save();
    var ms = Math.round(performance.now() - t0);
    document.body.setAttribute("data-settled", String(ms));
    window.roxGraph.settledMs = ms;
  }
  window.roxGraph = {nodes: nodesData.length, edges: edgesData.length, settledMs: null, network: network};
  document.body.setAttribute("data-nodes", String(nodesData.length));
  if (allKnown || nodesData.length === 0) {
    network.once("afterDrawing", settled);
  } else {
    network.once("stabilizationIterationsDone", settled);
  }
  network.on("dragEnd", save);
})();
"""


#: Characters that may end or change the meaning of a <script> block (``</script>``,
#: ``<!--``, ``]]>``) or end a JavaScript string (U+2028/U+2029 in older engines).
_SCRIPT_ESCAPES = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside an HTML ``<script>`` element: the same
    data once parsed, but with no ``<``, ``>`` or ``&`` for the HTML parser to act on.

    >>> script_json({"name": "<!--<script>"})
    '{"name": "\\\\u003c!--\\\\u003cscript\\\\u003e"}'
    >>> json.loads(script_json(["</script>&\\u2028"])) == ["</script>&\\u2028"]
    True
    """
    return json.dumps(value, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


def render_html(
    view: GraphView,
    *,
    positions: Mapping[str, tuple[float, float]] | None = None,
    key: str = "view",
    height: int = 600,
    highlight: Iterable[str] = (),
    standalone: bool = False,
    title: str = "rox graph",
    legend: bool = True,
) -> str:
    """A complete HTML page drawing ``view`` with vis-network inlined (no external requests).

    ``key`` names the view for the positions saved in the browser; ``standalone`` makes a
    page for download (full window height, a heading).
    """
    net = build_network(view, positions, highlight=highlight)
    nodes = [dict(n) for n in net.nodes]
    for n in nodes:
        n.pop("font", None)
    edges = [{k: v for k, v in e.items() if v is not None} for e in net.edges]
    js, css = vis_assets()
    physics = bool(nodes)
    body_height = "calc(100vh - 70px)" if standalone else f"{height - 34}px"
    script = _SCRIPT % {
        "key": script_json(key),
        "nodes": script_json(nodes),
        "edges": script_json(edges),
        "options": script_json(_options(len(nodes), physics)),
    }
    legend_html = ""
    if legend:
        items = []
        for label in view.labels():
            st_ = STYLE.get(label, DEFAULT_STYLE)
            items.append(
                f'<span class="rox-key"><i style="background:{st_["color"]}"></i>{htmllib.escape(label)}</span>'
            )
        legend_html = f'<div class="rox-legend">{"".join(items)} <span class="rox-count">{len(nodes)} nodes · {len(edges)} edges</span></div>'
    heading = f"<h1>{htmllib.escape(title)}</h1>" if standalone else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{htmllib.escape(title)}</title>
<style>{css}</style>
<style>
html, body {{ margin: 0; padding: 0; font-family: sans-serif; background: #ffffff; }}
h1 {{ font-size: 18px; margin: 8px 12px; }}
#rox-network {{ width: 100%; height: {body_height}; border: 1px solid #d0d7de; box-sizing: border-box; }}
.rox-legend {{ font-size: 12px; padding: 6px 4px; color: #333; }}
.rox-key {{ margin-right: 12px; white-space: nowrap; }}
.rox-key i {{ display: inline-block; width: 10px; height: 10px; border-radius: 5px; margin-right: 4px; vertical-align: middle; }}
.rox-count {{ color: #666; }}
</style>
<script>{js}</script>
</head>
<body data-rox-view="{htmllib.escape(key)}">
{heading}{legend_html}
<div id="rox-network"></div>
<script>{script}</script>
</body></html>
"""


def show(
    view: GraphView,
    *,
    key: str,
    positions: Mapping[str, tuple[float, float]] | None = None,
    height: int = 600,
    highlight: Iterable[str] = (),
) -> str:
    """Draw ``view`` in the page (an iframe holding the inline page); returns the HTML."""
    import streamlit as st

    page = render_html(view, positions=positions, key=key, height=height, highlight=highlight)
    st.iframe(page, height=height)
    return page


def _plain(value: Mapping[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """A node's or relationship's own scalar properties (no ``_meta`` keys)."""
    return {
        k: x
        for k, x in value.items()
        if not k.startswith("_") and k not in skip and isinstance(x, (str, int, float, bool))
    }


def _graph_values(value: Any) -> Iterator[dict[str, Any]]:
    """Every node and relationship inside a query value (rows, lists, maps, paths)."""
    if isinstance(value, (list, tuple)):
        for x in value:
            yield from _graph_values(x)
    elif isinstance(value, dict):
        kind = value.get("_type")
        if kind in ("node", "relationship"):
            yield value
        elif kind == "path":
            yield from _graph_values(list(value.get("nodes", [])) + list(value.get("relationships", [])))
        else:
            yield from _graph_values(list(value.values()))


def view_from_rows(rows: Iterable[Mapping[str, Any]]) -> GraphView:
    """Nodes, relationships and paths found in query rows (see :mod:`rox.graph.values`)."""
    view = GraphView()
    found = list(_graph_values([dict(r) for r in rows]))
    for v in (x for x in found if x["_type"] == "node"):
        labels = v.get("_labels") or ["Node"]
        view.add_node(v["_id"], labels[0], v.get("name") or v.get("title"), **_plain(v, ("id", "name")))
    for r in (x for x in found if x["_type"] == "relationship"):
        s, t = str(r["_start"]), str(r["_end"])
        for end in (s, t):
            if end not in view.nodes:
                view.add_node(end, None, end)
        view.add_edge(s, r["_rel"], t, **_plain(r))
    return view
