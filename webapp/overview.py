"""Overview: what is loaded (counts by label and relationship), the sources, the datasets
(kind, unit, classification, years, region levels, coverage), a map of the regions.

The map is an Altair chart (a graticule and one marker per region with coordinates);
it needs no map tiles, so it works offline.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from rox.webapp import Page, common

PAGE = Page("Overview", "overview", ":material/dashboard:", order=10)


NO_DATASET = "no dataset (documents only)"
SEVERAL = "several datasets"
MAP_RULE = (
    "Colour: the region's dataset; a region with facts in several datasets is drawn as "
    f"'{SEVERAL}' (its tooltip names them); one with none as '{NO_DATASET}'."
)


def datasets_by_region(datasets: list[dict[str, Any]] | None) -> dict[str, list[str]]:
    """Each region's datasets (sorted), from the coverage lists of :meth:`rox.api.Rox.datasets`.

    >>> datasets_by_region([{"id": "sbs", "regions": ["UKF1", "AT31"]}, {"id": "bres", "regions": ["UKF1"]}])
    {'UKF1': ['bres', 'sbs'], 'AT31': ['sbs']}
    """
    out: dict[str, list[str]] = {}
    for d in datasets or []:
        for region in d.get("regions") or []:
            out.setdefault(str(region), []).append(str(d["id"]))
    return {k: sorted(v) for k, v in out.items()}


def map_colour(names: list[str]) -> str:
    """The colour group of a region with these datasets (the rule in :data:`MAP_RULE`).

    >>> map_colour(["bres"]), map_colour(["bres", "sbs"]), map_colour([])
    ('bres', 'several datasets', 'no dataset (documents only)')
    """
    if not names:
        return NO_DATASET
    return names[0] if len(names) == 1 else SEVERAL


def region_map(rows: list[dict[str, Any]], datasets: list[dict[str, Any]] | None = None):
    """An offline map: graticule lines and a marker per region with coordinates, coloured by dataset
    (``datasets``: :meth:`rox.api.Rox.datasets` rows; rule in :data:`MAP_RULE`). None if no region
    has coordinates."""
    import altair as alt
    import pandas as pd

    points = [r for r in rows if r.get("lat") is not None and r.get("lon") is not None]
    if not points:
        return None
    held = datasets_by_region(datasets)
    frame = pd.DataFrame(
        [
            {
                "id": r["id"],
                "name": r.get("name") or r["id"],
                "kind": r.get("kind") or "",
                "country": r.get("country") or "",
                "dataset": map_colour(held.get(r["id"], [])),
                "datasets": ", ".join(held.get(r["id"], [])) or "none",
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
            }
            for r in points
        ]
    )
    projection = {"type": "equalEarth"}
    grid = alt.Chart(alt.graticule(step=[30, 30])).mark_geoshape(stroke="#d0d7de", strokeWidth=0.6, fill=None)
    sphere = alt.Chart(alt.sphere()).mark_geoshape(fill="#f4f8fb", stroke="#9aa5b1", strokeWidth=0.8)
    dots = (
        alt.Chart(frame)
        .mark_circle(size=70, opacity=0.85, stroke="#ffffff", strokeWidth=0.8)
        .encode(
            longitude="lon:Q",
            latitude="lat:Q",
            color=alt.Color("dataset:N", title="dataset", legend=alt.Legend(orient="bottom", columns=3)),
            tooltip=[
                "name:N",
                "id:N",
                "kind:N",
                "country:N",
                "datasets:N",
                alt.Tooltip("lat:Q", format=".2f"),
                alt.Tooltip("lon:Q", format=".2f"),
            ],
        )
    )
    return (sphere + grid + dots).project(**projection).properties(height=420)


def short(values: list[Any] | None, shown: int = 5) -> str:
    """A coverage list for a table cell: its first ``shown`` items and how many there are.

    >>> short(["sic2007:29", "sic2007:30"]), short(list("abcdefg"), 3), short(None)
    ('sic2007:29, sic2007:30', 'a, b, c ... (7)', '')
    """
    items = list(values or [])
    more = f" ... ({len(items)})" if len(items) > shown else ""
    return ", ".join(str(v) for v in items[:shown]) + more


DATASET_COLUMNS = [
    "id",
    "title",
    "kind",
    "unit",
    "scheme",
    "years",
    "region_levels",
    "region_count",
    "code_count",
    "facts",
    "files",
    "codes",
]


def datasets_section() -> None:
    """The datasets (``rox datasets``): one row each, the code list shortened; downloads carry every list."""
    st.subheader("Datasets")
    rows = common.get_rox().datasets()
    shown = [{**r, "codes": short(r.get("codes"))} for r in rows]
    common.table_or_note(
        shown,
        key="ov-datasets",
        note="No datasets yet: load a statistical table (Load data, or rox load-table FILE --dataset NAME).",
        columns=DATASET_COLUMNS,
    )
    if rows:
        common.download_buttons(rows, common.file_stem("datasets"), key="dl-datasets")


def render() -> None:
    st.title("rox - Region Overlap eXplorer")
    st.caption("Partner regions by industry overlap, with the reasons and the source of every fact.")
    st.markdown(f"**Store:** {common.get_rox().describe()}")

    stats = common.named("stats")
    nodes = [r for r in stats if r["kind"] == "node"]
    rels = [r for r in stats if r["kind"] == "relationship"]
    if not nodes:
        common.empty_store_notice()
        return

    n_nodes = sum(r["count"] for r in nodes)
    n_rels = sum(r["count"] for r in rels)
    by_label = {r["name"]: r["count"] for r in nodes}
    cols = st.columns(6)
    cols[0].metric("Nodes", f"{n_nodes:,}")
    cols[1].metric("Relationships", f"{n_rels:,}")
    cols[2].metric("Regions", f"{by_label.get('Region', 0):,}")
    cols[3].metric("Firms", f"{by_label.get('Firm', 0):,}")
    cols[4].metric("Universities", f"{by_label.get('University', 0):,}")
    cols[5].metric("Sources", f"{by_label.get('Source', 0):,}")

    left, right = st.columns(2)
    with left:
        st.subheader("Nodes by label")
        common.table([{"label": r["name"], "count": r["count"]} for r in nodes], key="ov-nodes")
    with right:
        st.subheader("Relationships by type")
        common.table([{"type": r["name"], "count": r["count"]} for r in rels], key="ov-rels")

    st.subheader("Regions on the map")
    regions = common.regions()
    chart = region_map(regions, common.named("datasets"))
    if chart is None:
        st.info("No region has coordinates (lat/lon) yet.")
    else:
        with_xy = sum(1 for r in regions if r.get("lat") is not None and r.get("lon") is not None)
        st.altair_chart(chart, width="stretch", key="ov-map")
        st.caption(f"{with_xy} of {len(regions)} regions have coordinates. {MAP_RULE}")

    st.subheader("Data sources")
    sources = common.named("sources")
    common.table(
        sources,
        key="ov-sources",
        columns=["id", "title", "kind", "publisher", "date", "url"],
        column_config={"url": st.column_config.LinkColumn("url")},
    )
    common.download_buttons(sources, common.file_stem("sources"), key="dl-sources")

    datasets_section()
