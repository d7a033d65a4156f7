"""Graph views: drawing HTML that works offline, layout kept across reruns, and exports."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from rox.webapp import graph_export
from rox.webapp.visgraph import GraphView, layout, render_html, view_from_rows


def sample() -> GraphView:
    v = GraphView()
    v.add_node("GB-DER", "Region", "Derby", country="GB", aliases=["Derby City"])
    v.add_node("rail", "Sector", "Rail")
    v.add_node("rolls-royce", "Firm", "Rolls-Royce", source="src-x")
    v.add_edge("GB-DER", "HAS_SECTOR", "rail", year=2022, value=8000.0, source="src-x")
    v.add_edge("rolls-royce", "HEADQUARTERED_IN", "GB-DER", source="src-x")
    return v


def test_html_inlines_vis_network_and_fetches_nothing():
    html = render_html(sample(), key="t")
    assert "vis.Network" in html and len(html) > 400_000  # vis-network inlined
    assert re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", html) is None
    assert "cdn.jsdelivr" not in html and "cdnjs" not in html and "bootstrap" not in html.lower()
    assert "stabilizationIterationsDone" in html and "physics: false" in html


def test_layout_keeps_old_positions_and_is_deterministic():
    v = sample()
    first = layout(v)
    assert layout(v) == first
    v.add_node("CN-AH", "Region", "Anhui")
    v.add_edge("rolls-royce", "OPERATES_IN", "CN-AH")
    grown = layout(v, first)
    for k, xy in first.items():
        assert grown[k] == xy
    assert "CN-AH" in grown


def test_graphml_and_gexf_read_back():
    v = sample()
    g = nx.read_graphml(__import__("io").BytesIO(graph_export.to_graphml(v)))
    assert set(g.nodes) == {"GB-DER", "rail", "rolls-royce"}
    assert g.nodes["GB-DER"]["label"] == "Region" and g.nodes["GB-DER"]["aliases"] == "Derby City"
    rels = {d["relation"] for _, _, d in g.edges(data=True)}
    assert rels == {"HAS_SECTOR", "HEADQUARTERED_IN"}
    root = ET.fromstring(graph_export.to_gexf(v))
    assert root.tag.endswith("gexf")
    assert len([e for e in root.iter() if e.tag.endswith("}edge")]) == 2


def test_json_and_standalone_html():
    doc = json.loads(graph_export.to_json(sample(), {"center": "GB-DER"}))
    assert doc["parameters"]["center"] == "GB-DER"
    assert {n["id"] for n in doc["nodes"]} == {"GB-DER", "rail", "rolls-royce"}
    assert GraphView.from_dict(doc).edges.keys() == sample().edges.keys()
    page = graph_export.export(sample(), "html", title="Derby").decode()
    assert page.startswith("<!DOCTYPE html>") and "<h1>Derby</h1>" in page


def test_mixed_attribute_types_become_text():
    v = GraphView()
    v.add_node("a", "Agreement", "A", date="2023-05-01")
    v.add_node("b", "Agreement", "B", date=2023)
    g = nx.read_graphml(__import__("io").BytesIO(graph_export.to_graphml(v)))
    assert g.nodes["b"]["date"] == "2023"


def test_view_from_query_rows():
    rows = [
        {
            "a": {"_type": "node", "_id": "GB-DER", "_labels": ["Region"], "id": "GB-DER", "name": "Derby"},
            "r": {"_type": "relationship", "_rel": "PART_OF", "_start": "GB-DER", "_end": "GB", "source": "s"},
            "b": {"_type": "node", "_id": "GB", "_labels": ["Region"], "id": "GB", "name": "United Kingdom"},
        }
    ]
    v = view_from_rows(rows)
    assert v.nodes["GB"]["name"] == "United Kingdom"
    assert ("GB-DER", "PART_OF", "GB") in v.edges


HOSTILE_NAMES = [
    "<!--<script>",
    "</script><script>window.roxPwned=1</script>",
    "<img src=x onerror=window.roxPwned=1>",
    "]]>&amp;",
    "line\u2028sep\u2029para",
    "<!--",
    "--><b>",
    "\"'`${x}",
]


def hostile_view() -> GraphView:
    v = GraphView()
    for i, name in enumerate(HOSTILE_NAMES):
        v.add_node(f"n{i}", "Region", name, note=name)
        if i:
            v.add_edge(f"n{i}", "PART_OF", "n0", source=name)
    return v


def script_bodies(page: str) -> list[str]:
    """The text of each <script> element, split the way an HTML parser ends them: at the first ``</script``."""
    bodies = []
    rest = page
    while "<script>" in rest:
        rest = rest.split("<script>", 1)[1]
        body, rest = rest.split("</script", 1)
        bodies.append(body)
    return bodies


@pytest.mark.parametrize("standalone", [False, True])
def test_hostile_names_stay_inside_the_script(standalone):
    """Names end up in the page's data script: no ``<``, ``>``, ``&``, U+2028 or U+2029 there
    (``<!--<script>`` would otherwise put the HTML parser in a state where the script never
    ends and the graph stays blank), and the data reads back exactly."""
    page = render_html(hostile_view(), key="k<!--", standalone=standalone, title="<!--<script>")
    data_script = script_bodies(page)[-1]
    assert "roxGraph" in data_script and data_script.rstrip().endswith("})();")
    assert "<" not in data_script
    literals = [re.search(rf"var {name} = (.*);\n", data_script).group(1) for name in ("nodesData", "edgesData")]
    literals.append(re.search(r'var KEY = "rox-pos-" \+ (.*);\n', data_script).group(1))
    for text in literals:
        assert not set("<>&\u2028\u2029") & set(text), text
    nodes, edges, key = map(json.loads, literals)
    assert key == "k<!--" and {e["title"].split("\n")[1] for e in edges} == {f"source: {n}" for n in HOSTILE_NAMES[1:]}
    assert [n["title"].split("\n")[0] for n in nodes] == HOSTILE_NAMES
    assert "<!--<script>" not in page.split("<body", 1)[1]  # the title is escaped too
