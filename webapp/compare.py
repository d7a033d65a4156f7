"""Compare two regions: sector profiles side by side (RCA / location quotient), shared and
complementary sectors, the firms, universities and agreements bridging them, and the
overlap drawn as a graph."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from rox.api import MATCH_LEVELS, RoxError, StoreUnavailable
from rox.webapp import Page, common, graph_export, partners, visgraph

PAGE = Page("Compare regions", "compare", ":material/compare_arrows:", order=30)


@st.cache_data(show_spinner=False, ttl=common.CACHE_TTL_S, max_entries=64)
def run_compare(key: tuple, a: str, b: str, options_json: str = "{}") -> dict[str, Any]:
    """:meth:`rox.api.Rox.compare` of two region ids with ``options`` (JSON: ``level``, ``dataset``),
    flattened for the page (cached per store)."""
    return normalise(dict(common.get_rox().compare(a, b, **json.loads(options_json))))


def options_form(a: str) -> dict[str, Any]:
    """The level and A's dataset (when it has several), as :meth:`rox.api.Rox.compare` options;
    level ``fine`` (the default) adds none, so the comparison stays as before."""
    c1, c2 = st.columns([1, 1])
    level = c1.selectbox("Level", list(MATCH_LEVELS), key="cmp-level", help=partners.level_help())
    own = partners.region_datasets(a)
    options: dict[str, Any] = {"level": level} if level != "fine" else {}
    if len(own) > 1:
        dataset = c2.selectbox(
            "Region A's dataset", [None, *own], key="cmp-dataset", format_func=lambda d: d or "latest year"
        )
        if dataset:
            options["dataset"] = dataset
    return options


def datasets_section(data: dict[str, Any], a_name: str, b_name: str) -> None:
    """Both sides' datasets (dataset, year, kind, unit, region level, common codes) and the caveats,
    when the comparison was made on datasets."""
    sides = [
        {"side": side, "region": name, **(data.get(f"{side.lower()}_side") or {})}
        for side, name in (("A", a_name), ("B", b_name))
        if data.get(f"{side.lower()}_side")
    ]
    if not sides:
        return
    st.subheader("Datasets compared")
    common.table(sides, key="cmp-sides")
    partners.caveats_box(data.get("caveats"))


KIND_OF = {"firms": "firm", "universities": "university", "agreements": "agreement", "trade": "trade"}
# the bridge table's columns, in this order (missing values stay empty)
BRIDGE_COLUMNS = [
    "kind",
    "id",
    "name",
    "a_place",
    "b_place",
    "sector",
    "relation",
    "value",
    "unit",
    "year",
    "source",
    "evidence",
]


def normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Flat row lists for the page: complementary sectors with the side that holds them
    (``side`` "a" or "b"), bridges with their ``kind`` (missing values left out).

    >>> out = normalise({"complementary": {"a_offers_b": [{"sector": "rail"}], "b_offers_a": []},
    ...                  "bridges": {"firms": [{"id": "rr", "sector": None}]}, "shared": [], "profiles": []})
    >>> out["complementary"][0]["side"], out["bridges"]
    ('a', [{'kind': 'firm', 'id': 'rr'}])
    """
    comp = data["complementary"]
    directions = (("a_offers_b", "a", "A is strong, B is close"), ("b_offers_a", "b", "B is strong, A is close"))
    bridges = [{"kind": KIND_OF.get(k, k), **r} for k, rows in data["bridges"].items() for r in rows]
    return {
        **data,
        "complementary": [
            {"side": side, "direction": text, **r} for key, side, text in directions for r in comp.get(key, [])
        ],
        "bridges": [{k: v for k, v in r.items() if v is not None} for r in bridges],
        "shared": list(data["shared"]),
        "profiles": list(data["profiles"]),
    }


def profile_chart(profiles: list[dict[str, Any]], a_name: str, b_name: str):
    """Grouped bars per sector: RCA (location quotient) of both regions, or values when there is no RCA."""
    import altair as alt
    import pandas as pd

    use_rca = any(p.get("a_rca") is not None or p.get("b_rca") is not None for p in profiles)
    field, title = ("rca", "RCA / location quotient") if use_rca else ("value", "value")
    data = []
    for p in profiles:
        for side, name in (("a", a_name), ("b", b_name)):
            v = p.get(f"{side}_{field}")
            data.append({"sector": p.get("name") or p.get("sector"), "region": name, field: float(v or 0.0)})
    if not data:
        return None
    frame = pd.DataFrame(data)
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y("sector:N", sort="-x", title=None),
            x=alt.X(f"{field}:Q", title=title),
            yOffset="region:N",
            color=alt.Color("region:N", title=None, scale=alt.Scale(range=["#1f77b4", "#d62728"])),
            tooltip=["sector:N", "region:N", alt.Tooltip(f"{field}:Q", format=".3f")],
        )
        .properties(height=max(220, 34 * len(profiles)))
    )
    if use_rca:
        rule = alt.Chart(pd.DataFrame({"x": [1.0]})).mark_rule(strokeDash=[4, 4], color="#555").encode(x="x:Q")
        return bars + rule
    return bars


def overlap_view(a: str, b: str, data: dict[str, Any], names: dict[str, str]) -> visgraph.GraphView:
    """The two regions, their shared and complementary sectors and the bridges between them."""
    view = visgraph.GraphView()
    region_ids = set(names)
    view.add_node(a, "Region", names.get(a, a))
    view.add_node(b, "Region", names.get(b, b))
    for s in data.get("shared") or []:
        sid = s.get("sector") or s.get("id")
        view.add_node(sid, "Sector", s.get("name"))
        view.add_edge(a, "HAS_SECTOR", sid, rca=s.get("a_rca"))
        view.add_edge(b, "HAS_SECTOR", sid, rca=s.get("b_rca"))
    for s in data.get("complementary") or []:
        sid = s.get("sector") or s.get("id")
        view.add_node(sid, "Sector", s.get("name"))
        side = s.get("side")
        if side == "a" or (side is None and (s.get("a_rca") or 0) >= (s.get("b_rca") or 0)):
            view.add_edge(a, "HAS_SECTOR", sid, rca=s.get("a_rca"))
        else:
            view.add_edge(b, "HAS_SECTOR", sid, rca=s.get("b_rca"))
    label_of = {"firm": "Firm", "university": "University", "agreement": "Agreement", "trade": "Trade"}
    for br in data.get("bridges") or []:
        nid = f"{br.get('kind')}:{br.get('id')}" if br.get("kind") == "trade" else str(br.get("id"))
        view.add_node(nid, label_of.get(br.get("kind"), "Node"), br.get("name"), source=br.get("source"))
        rel = str(br.get("relation") or "LINK")
        parts = rel.split("/") if "/" in rel else [rel, rel]
        for place, side, part in ((br.get("a_place"), a, parts[0]), (br.get("b_place"), b, parts[-1])):
            if not place:
                continue
            if place not in view.nodes:
                view.add_node(place, "Region" if place in region_ids else "Sector", names.get(place, place))
                if place in region_ids and place != side:
                    view.add_edge(place, "PART_OF", side)
            view.add_edge(nid, part, place, source=br.get("source"))
    return view


def _metrics(data: dict[str, Any]) -> None:
    """Four counts (sectors, shared, complementary, bridges) and the overlap scores."""
    m = st.columns(4)
    m[0].metric("Sectors in either", len(data.get("profiles") or []))
    m[1].metric("Shared sectors", len(data.get("shared") or []))
    m[2].metric("Complementary", len(data.get("complementary") or []))
    m[3].metric("Bridges", len(data.get("bridges") or []))
    scores = data.get("scores") or {}
    if scores:
        st.caption(
            "Overlap scores: "
            + " · ".join(f"{k} {v:.3f}" if isinstance(v, (int, float)) else f"{k} {v}" for k, v in scores.items())
        )


def _profiles_section(profiles: list[dict[str, Any]], a_name: str, b_name: str) -> None:
    """The sector profile chart (RCA or values) with its explanation, and the profile table."""
    st.subheader("Sector profiles")
    chart = profile_chart(profiles, a_name, b_name)
    if chart is None:
        st.info("Neither region has sector data.")
    else:
        st.altair_chart(chart, width="stretch")
        if any(p.get("a_rca") is not None or p.get("b_rca") is not None for p in profiles):
            st.caption("RCA above 1 (dashed line): the sector's share of the region is above its share of all regions.")
        else:
            st.caption("No sector values to compute RCA from: the bars show presence (1) as recorded.")
    common.table(profiles, key="cmp-profiles")


def _sector_and_bridge_tables(data: dict[str, Any]) -> None:
    """Shared and complementary sectors side by side, then the bridges table."""
    left, right = st.columns(2)
    with left:
        st.subheader("Shared sectors")
        common.table_or_note(data.get("shared") or [], key="cmp-shared")
    with right:
        st.subheader("Complementary sectors")
        common.table_or_note(data.get("complementary") or [], key="cmp-comp")
    st.subheader("Bridges: firms, universities, agreements and trade")
    common.table_or_note(data.get("bridges") or [], key="cmp-bridges", note="none recorded", columns=BRIDGE_COLUMNS)


def _overlap_graph(a: str, b: str, data: dict[str, Any], names: dict[str, str]) -> None:
    """The overlap drawn as a graph (positions kept per pair of regions) and its export buttons."""
    st.subheader("The overlap as a graph")
    view = overlap_view(a, b, data, names)
    positions = st.session_state.setdefault("cmp-positions", {})
    key = f"cmp-{a}-{b}"
    positions[key] = visgraph.layout(view, positions.get(key))
    visgraph.show(view, key=key, positions=positions[key], height=560, highlight=[a, b])
    graph_export.download_buttons(
        view,
        common.file_stem("overlap", a, b),
        key="cmp-graph",
        title=f"rox: {names.get(a, a)} and {names.get(b, b)}",
        positions=positions[key],
    )


def render() -> None:
    """The page: pick two regions, then counts, sector profiles, tables, the overlap graph and downloads."""
    st.title("Compare two regions")
    if common.empty_store_notice():
        return
    c1, c2 = st.columns(2)
    a = common.region_picker("Region A", "a", container=c1)
    b = common.region_picker("Region B", "b", container=c2, exclude=[a] if a else [])
    if not a or not b:
        st.info("Pick two regions to compare.")
        return
    options = options_form(a)
    names = common.region_index().names
    try:
        data = run_compare(common.data_key(), a, b, json.dumps(options, sort_keys=True))
    except (RoxError, ValueError) as exc:  # no dataset facts at this level...: say so, keep the page
        if isinstance(exc, StoreUnavailable):
            raise
        st.error(f"Cannot compare these regions with these settings: {exc}")
        return
    profiles = data.get("profiles") or []
    _metrics(data)
    datasets_section(data, names.get(a, a), names.get(b, b))
    _profiles_section(profiles, names.get(a, a), names.get(b, b))
    _sector_and_bridge_tables(data)
    _overlap_graph(a, b, data, names)
    common.download_buttons(
        profiles, common.file_stem("profiles", a, b), key="dl-cmp", meta={"a": a, "b": b, **options}
    )
