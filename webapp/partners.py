"""Find partners: pick a region, a measure and filters; ranked partners with the reasons.

Ranking is :meth:`rox.api.Rox.match`. Results are cached per parameter set, so
changing the selected row or downloading does not recompute them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from rox.api import BLEND_WEIGHTS, MATCH_LEVELS, RoxError, StoreUnavailable, measure_catalogue
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
# a candidate's dataset facts, shown next to the score (rows from the harmonised levels carry them)
DATASET_COLUMNS = ("caveats", "dataset", "year")
LEVEL_HELP = {
    "fine": "codes as loaded, within one dataset only",
    "taxonomy": "rox's own sectors (statistical codes rolled up through the crosswalks)",
    "division": "ISIC Rev. 4 divisions (2 digits): across datasets and classifications",
    "section": "ISIC Rev. 4 sections (A-U): across datasets and classifications",
}


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


@st.cache_resource(show_spinner=False, max_entries=4)
def _years(key: tuple) -> list[int]:  # key: common.data_key(); only used for caching
    return common.get_rox().fact_years()


def years() -> list[int]:
    """The years of the facts, newest first (:meth:`rox.api.Rox.fact_years`), per data version."""
    return _years(common.data_key())


def _fmt(v: Any) -> Any:
    return round(v, 4) if isinstance(v, float) else v


def _is_component(key: str, value: Any) -> bool:
    """A score component: a number that is neither a base, detail or dataset column nor a side's fact
    (``a_year``, ``b_common_codes``...).

    >>> _is_component("jaccard", 0.4), _is_component("year", 2015), _is_component("a_common_codes", 67)
    (True, False, False)
    """
    if key in BASE_COLUMNS or key in DETAIL_COLUMNS or key in DATASET_COLUMNS or key[:2] in ("a_", "b_"):
        return False
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def dataset_cells(row: dict[str, Any]) -> dict[str, Any]:
    """The caveats (joined by '; '), dataset and year of a candidate; empty for rows without a dataset.

    >>> dataset_cells({"dataset": "eu-sbs-2015", "year": 2015, "caveats": ["years differ by 6", "kinds differ"]})
    {'caveats': 'years differ by 6; kinds differ', 'dataset': 'eu-sbs-2015', 'year': 2015}
    >>> dataset_cells({"region": "CN-AH"})
    {}
    """
    if "dataset" not in row and "caveats" not in row:
        return {}
    return {"caveats": "; ".join(row.get("caveats") or []), "dataset": row.get("dataset"), "year": row.get("year")}


def ranked_rows(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """The table shown: base columns, the candidate's caveats, dataset and year (when matched on
    datasets), score components, then counts and the top shared sectors."""
    components: list[str] = []
    for r in rows:
        components += [k for k, v in r.items() if k not in components and _is_component(k, v)]
    out = []
    for r in rows:
        shared = r.get("shared_sectors") or []
        row = {c: _fmt(r.get(c)) for c in BASE_COLUMNS}
        row.update(dataset_cells(r))
        row.update({c: _fmt(r.get(c)) for c in components})
        row["shared sectors"] = "; ".join(s.get("name") or s.get("sector") for s in shared[:6]) + (
            "…" if len(shared) > 6 else ""
        )
        row["# shared"] = len(shared)
        row["# complementary"] = len(r.get("complementary_sectors") or [])
        row["links"] = sum(len(r.get(k) or []) for k, _ in EXPLANATION_KINDS)
        out.append(row)
    return out, components


SIDE_FACTS = ("dataset", "year", "data_kind", "unit", "region_level", "scheme", "common_codes")


def side_facts(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Both sides' dataset facts (dataset, year, kind, unit, region level, scheme, common codes),
    one row per side; empty when the match was not made on datasets.

    >>> side_facts({"a_dataset": "bres", "a_year": 2021, "b_dataset": "sbs", "b_year": 2015})[1]["dataset"]
    'sbs'
    >>> side_facts({"region": "CN-AH"})
    []
    """
    if row.get("a_dataset") is None and row.get("b_dataset") is None:
        return []
    return [{"side": side, **{f: row.get(f"{side.lower()}_{f}") for f in SIDE_FACTS}} for side in ("A", "B")]


def caveats_box(caveats: list[str] | None) -> None:
    """The caveats of a comparison as one warning (a caption saying there are none otherwise)."""
    if caveats:
        st.warning("**Caveats:** " + "; ".join(caveats), icon=":material/warning:")
    else:
        st.caption("No caveats: same kind of figures, years within 5, most codes in common.")


def explanation(row: dict[str, Any], region_name: str) -> None:
    """The reasons for one match: both sides' datasets and the caveats next to the score, sectors
    with RCA on both sides, then links, each with its source."""
    st.subheader(f"Why {row.get('name') or row['region']}?")
    st.caption(f"{region_name} (A) and {row.get('name')} (B) · score {_fmt(row.get('score'))}")
    sides = side_facts(row)
    if sides:
        caveats_box(row.get("caveats"))
        common.table(sides, key=f"ex-sides-{row['region']}")
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


def dataset_ids() -> list[str]:
    """The named datasets (:meth:`rox.api.Rox.datasets`), for the peer datasets multiselect."""
    return [str(d["id"]) for d in common.named("datasets")]


def region_datasets(region: str | None) -> list[str]:
    """The datasets ``region`` has facts in (named query ``region-datasets``; documents left out)."""
    if not region:
        return []
    return [str(r["dataset"]) for r in common.named("region-datasets", region=region) if r.get("dataset")]


def level_form(region: str | None) -> dict[str, Any]:
    """The level, the peer datasets (empty = all) and the target's dataset when it has several, as
    :meth:`rox.api.Rox.match` options (``fine``, the default, adds none so results stay as before)."""
    c1, c2, c3 = st.columns([1, 2, 1])
    level = c1.selectbox("Level", list(MATCH_LEVELS), key="pm-level", format_func=lambda v: v, help=level_help())
    peers = c2.multiselect(
        "Peer datasets",
        dataset_ids(),
        key="pm-peers",
        disabled=level == "fine",
        placeholder="all datasets",
        help="Candidates come from these datasets (empty: all). Not used at level fine (one dataset only).",
    )
    own = region_datasets(region)
    dataset = None
    if len(own) > 1:
        dataset = c3.selectbox(
            "My region's dataset", [None, *own], key="pm-dataset", format_func=lambda d: d or "latest year"
        )
    params: dict[str, Any] = {}
    if level != "fine":
        params["level"] = level
        if peers:
            params["peer_datasets"] = list(peers)
    if dataset:
        params["dataset"] = dataset
    return params


def level_help() -> str:
    """What each level compares (the help of the level select boxes)."""
    return "  \n".join(f"**{k}**: {v}" for k, v in LEVEL_HELP.items() if k in MATCH_LEVELS)


def settings_form(region: str | None = None) -> dict[str, Any]:
    """The measure and filters chosen on the page, as :meth:`rox.api.Rox.match` options."""
    with st.expander("Measure and filters", expanded=True):
        level_params = level_form(region)
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
        index = common.region_index()
        countries = c6.multiselect("Only these countries", index.countries, key="pm-countries")
        kinds = c7.multiselect("Only these kinds", index.kinds, key="pm-kinds")
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
            **level_params,
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
            result = run_match(common.data_key(), region, json.dumps(params, sort_keys=True))
    except StoreUnavailable:
        raise
    except (RoxError, ValueError, KeyError) as exc:  # bad weights, no sector facts...: say so, keep the page
        st.error(f"Cannot score {region} with these settings: {exc}")
        return None, 0.0
    return result, time.perf_counter() - started


def explained_row(event: Any, rows: list[dict[str, Any]]) -> int:
    """The row to explain: the one selected in the table, else the one picked below it.

    The picker's options are the rows' region ids, so a new ranking (another level or
    measure) gives new options and the picker starts again at the first row, never
    showing a label of the previous list."""
    ids = [r.get("region") for r in rows]
    try:
        sel = event.selection.rows if event is not None else []
    except AttributeError:
        sel = []
    selected = sel[0] if sel else None
    if selected != st.session_state.get("pm-last-selected"):
        st.session_state["pm-last-selected"] = selected
        if selected is not None and selected < len(rows):
            st.session_state["pm-explain"] = ids[selected]
    if st.session_state.get("pm-explain") not in ids:
        st.session_state["pm-explain"] = ids[0]
    by_id = {r.get("region"): r for r in rows}
    picked = st.selectbox(
        "Explain",
        ids,
        key="pm-explain",
        format_func=lambda i: f"#{by_id[i].get('rank')} {by_id[i].get('name')} ({i})",
        help="Or select a row in the table.",
    )
    return ids.index(picked)


def on_what(params: dict[str, Any]) -> str:
    """The level and the target's dataset and year of a ranking, for its caption.

    >>> on_what({"level": "division", "dataset": "uk-ons-bres-2021", "dataset_year": 2021})
    ' · level division · my region from uk-ons-bres-2021 (2021)'
    >>> on_what({"level": None})
    ''
    """
    text = f" · level {params['level']}" if params.get("level") else ""
    if params.get("dataset"):
        text += f" · my region from {params['dataset']}" + (
            f" ({params['dataset_year']})" if params.get("dataset_year") else ""
        )
    return text


def show_results(region: str, region_name: str, result: dict[str, Any], elapsed: float) -> None:
    """The ranked table, the downloads and the explanation of one row."""
    rows = result["rows"]
    measure = result["params"].get("measure", "")
    shown, components = ranked_rows(rows)
    st.caption(
        f"{len(rows)} partners · measure {measure}"
        + (f" (components: {', '.join(components)})" if components else "")
        + on_what(result["params"])
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
            ),
            "caveats": st.column_config.TextColumn("caveats", help="Why this score compares unlike figures"),
            "year": st.column_config.NumberColumn("year", format="%d"),
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
    params = settings_form(region)
    if not region:
        st.info("Pick your region above to see its partners.")
        return
    result, elapsed = score(region, params)
    if result is None:
        return
    region_name = common.region_index().names.get(region, region)
    st.subheader(f"Partners for {region_name}")
    if not result["rows"]:
        st.info("No region passes these filters. Loosen them (fewer countries/kinds, a lower minimum).")
        return
    show_results(region, region_name, result, elapsed)
