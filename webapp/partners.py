"""Find partners: pick a region, a measure and filters; ranked partners with the reasons.

Ranking is :meth:`rox.api.Rox.match`. Results are cached per parameter set, so
changing the selected row or downloading does not recompute them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from rox.api import BLEND_WEIGHTS, RoxError, StoreUnavailable, measure_catalogue
from rox.webapp import Page, common

PAGE = Page("Find partners", "partners", ":material/handshake:", order=20)

EXPLANATION_KINDS = (
    ("firms", "Firms linking them"),
    ("universities", "Universities"),
    ("agreements", "Agreements"),
    ("trade", "Trade figures"),
)
BASE_COLUMNS = ("rank", "region", "name", "country", "kind", "score")
DETAIL_COLUMNS = ("shared_sectors", "complementary_sectors", "firms", "universities", "agreements", "trade")


def measure_names() -> list[str]:
    """Every measure, the two most used first."""
    names = [m["name"] for m in measure_catalogue()]
    preferred = ["jaccard", "blend"]
    return preferred + [n for n in names if n not in preferred]


def measure_description(name: str) -> str:
    return next((m["description"] for m in measure_catalogue() if m["name"] == name), "")


@st.cache_data(show_spinner=False, ttl=common.CACHE_TTL_S, max_entries=64)
def run_match(key: tuple, region: str, params_json: str) -> dict[str, Any]:
    """Run the matcher (cached); returns rows, flat rows and parameters as plain data."""
    params = json.loads(params_json)
    res = common.get_rox().match(region, **params)
    return {"rows": list(res.rows), "flat": list(res.flat_rows()), "params": dict(res.params)}


def years() -> list[int]:
    rows = common.named("region-sector-matrix")
    return sorted({int(r["year"]) for r in rows if r.get("year") is not None}, reverse=True)


def _fmt(v: Any) -> Any:
    return round(v, 4) if isinstance(v, float) else v


def ranked_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The table shown: base columns, score components, then counts and the top shared sectors."""
    components: list[str] = []
    for r in rows:
        for k, v in r.items():
            if (
                k not in BASE_COLUMNS
                and k not in DETAIL_COLUMNS
                and k not in components
                and isinstance(v, (int, float))
                and not isinstance(v, bool)
            ):
                components.append(k)
    out = []
    for r in rows:
        shared = r.get("shared_sectors") or []
        row = {c: _fmt(r.get(c)) for c in BASE_COLUMNS}
        row.update({c: _fmt(r.get(c)) for c in components})
        row["shared sectors"] = "; ".join(s.get("name") or s.get("sector") for s in shared[:6]) + (
            "…" if len(shared) > 6 else ""
        )
        row["# shared"] = len(shared)
        row["# complementary"] = len(r.get("complementary_sectors") or [])
        row["links"] = sum(len(r.get(k) or []) for k, _ in EXPLANATION_KINDS)
        out.append(row)
    return out, components


def explanation(row: dict[str, Any], region_name: str) -> None:
    """The reasons for one match: sectors with RCA on both sides, then links, each with its source."""
    st.subheader(f"Why {row.get('name') or row['region']}?")
    st.caption(f"{region_name} (A) and {row.get('name')} (B) · score {_fmt(row.get('score'))}")
    shared = row.get("shared_sectors") or []
    comp = row.get("complementary_sectors") or []
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(f"**Shared sectors ({len(shared)})** - both regions hold them")
        common.table_or_note([{k: _fmt(v) for k, v in s.items()} for s in shared], key=f"ex-shared-{row['region']}")
    with c2:
        st.markdown(f"**Complementary sectors ({len(comp)})** - strong on one side only")
        common.table_or_note([{k: _fmt(v) for k, v in s.items()} for s in comp], key=f"ex-comp-{row['region']}")
    for k, title in EXPLANATION_KINDS:
        items = row.get(k) or []
        st.markdown(f"**{title} ({len(items)})**")
        common.table_or_note(items, key=f"ex-{k}-{row['region']}", note="none recorded")


def settings_form() -> dict[str, Any]:
    """The measure and filters chosen on the page, as :meth:`rox.api.Rox.match` options."""
    with st.expander("Measure and filters", expanded=True):
        c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
        measure = c1.selectbox(
            "Measure",
            measure_names(),
            key="pm-measure",
            format_func=lambda n: f"{n} - {measure_description(n)}".rstrip(" -"),
        )
        top = c2.number_input("How many", min_value=1, max_value=200, value=10, step=5, key="pm-top")
        year = c3.selectbox(
            "Year", [None, *years()], key="pm-year", format_func=lambda y: "latest per region" if y is None else str(y)
        )
        min_sectors = c4.number_input("Min. shared sectors", min_value=0, max_value=50, value=1, key="pm-min")
        c5, c6, c7, c8 = st.columns([1, 2, 2, 1])
        exclude_same = c5.checkbox("Exclude my country", key="pm-excl")
        all_regions = common.regions()
        countries = c6.multiselect(
            "Only these countries", sorted({r["country"] for r in all_regions if r.get("country")}), key="pm-countries"
        )
        kinds = c7.multiselect(
            "Only these kinds", sorted({r["kind"] for r in all_regions if r.get("kind")}), key="pm-kinds"
        )
        threshold = c8.number_input(
            "RCA threshold",
            min_value=0.0,
            max_value=10.0,
            value=1.0,
            step=0.1,
            key="pm-threshold",
            help="A region holds a sector when its RCA (location quotient) is at least this",
        )
        params: dict[str, Any] = {
            "measure": measure,
            "top": int(top),
            "year": year,
            "exclude_same_country": exclude_same,
            "countries": countries or None,
            "kinds": kinds or None,
            "min_sectors": int(min_sectors),
        }
        if float(threshold) != 1.0:
            params["threshold"] = float(threshold)
        if measure == "blend":
            st.markdown("**Blend weights** (each component is shown in the table)")
            wcols = st.columns(max(1, len(BLEND_WEIGHTS)))
            params["weights"] = {
                c: wcols[i].slider(c, 0.0, 1.0, w, 0.05, key=f"pm-w-{c}")
                for i, (c, w) in enumerate(BLEND_WEIGHTS.items())
            }
    return params


def score(region: str, params: dict[str, Any]) -> tuple[dict[str, Any] | None, float]:
    """The ranking (cached) and the seconds it took; None, with a message, when these
    settings cannot score the region."""
    started = time.perf_counter()
    try:
        with st.spinner("Scoring regions…"):
            result = run_match(common.settings_key(), region, json.dumps(params, sort_keys=True))
    except StoreUnavailable:
        raise
    except (RoxError, ValueError, KeyError) as exc:  # bad weights, no sector facts...: say so, keep the page
        st.error(f"Cannot score {region} with these settings: {exc}")
        return None, 0.0
    return result, time.perf_counter() - started


def explained_row(event: Any, rows: list[dict[str, Any]]) -> int:
    """The row to explain: the one selected in the table, else the one picked below it."""
    try:
        sel = event.selection.rows if event is not None else []
    except AttributeError:
        sel = []
    selected = sel[0] if sel else None
    if selected != st.session_state.get("pm-last-selected"):
        st.session_state["pm-last-selected"] = selected
        if selected is not None and selected < len(rows):
            st.session_state["pm-explain"] = selected
    if st.session_state.get("pm-explain", 0) >= len(rows):
        st.session_state["pm-explain"] = 0
    return st.selectbox(
        "Explain",
        list(range(len(rows))),
        key="pm-explain",
        format_func=lambda i: f"#{rows[i].get('rank')} {rows[i].get('name')} ({rows[i].get('region')})",
        help="Or select a row in the table.",
    )


def show_results(region: str, region_name: str, result: dict[str, Any], elapsed: float) -> None:
    """The ranked table, the downloads and the explanation of one row."""
    rows = result["rows"]
    measure = result["params"].get("measure", "")
    shown, components = ranked_rows(rows)
    st.caption(
        f"{len(rows)} partners · measure {measure}"
        + (f" (components: {', '.join(components)})" if components else "")
        + f" · {elapsed * 1000:.0f} ms"
    )
    event = common.table(
        shown,
        key="pm-table",
        on_select="rerun",
        selection_mode="single-row",
        column_config={
            "score": st.column_config.ProgressColumn(
                "score", format="%.3f", min_value=0.0, max_value=max(1.0, max((r["score"] or 0) for r in shown))
            )
        },
    )
    pick = explained_row(event, rows)
    meta = dict(result["params"])
    meta.setdefault("region", region)
    common.download_buttons(
        rows,
        common.file_stem("partners", region, measure),
        meta=meta,
        flat_rows=result["flat"],
        key="dl-partners",
        rows_key="matches",
    )
    with st.container(border=True, key="pm-explanation"):
        explanation(rows[pick], region_name)
    with st.expander("Parameters of this list"):
        st.json(meta)


def render() -> None:
    st.title("Find partners")
    st.caption("Regions whose industries overlap with yours, ranked, with the reasons and their sources.")
    if common.empty_store_notice():
        return
    region = common.region_picker(
        "Your region", "region", help="Type to search by name; the id is shown after the name."
    )
    params = settings_form()
    if not region:
        st.info("Pick your region above to see its partners.")
        return
    result, elapsed = score(region, params)
    if result is None:
        return
    region_name = next((r.get("name") or region for r in common.regions() if r["id"] == region), region)
    st.subheader(f"Partners for {region_name}")
    if not result["rows"]:
        st.info("No region passes these filters. Loosen them (fewer countries/kinds, a lower minimum).")
        return
    show_results(region, region_name, result, elapsed)
