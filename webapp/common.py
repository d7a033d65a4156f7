"""Helpers every page uses: the session, error boxes, cached queries, downloads.

The :class:`rox.api.Rox` session is opened once per process with :func:`get_rox`
(``st.cache_resource``) from the environment: ``NEO4J_URI`` selects Neo4j, else
``ROX_DB`` names the embedded FalkorDB file (``rox app --db PATH`` sets it), else the
default file. Pages reach the data only through it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

import streamlit as st

from rox import __version__
from rox.api import (
    AmbiguousName,
    DamagedStore,
    NotARoxDatabase,
    NotFound,
    QueryError,
    ReadOnlyViolation,
    Rox,
    RoxError,
    Settings,
    StoreUnavailable,
    export,
)
from rox.output import cell

ENV_KEYS = ("ROX_DB", "NEO4J_URI", "NEO4J_USER", "NEO4J_DATABASE", "ROX_GRAPH", "XDG_DATA_HOME")
CACHE_TTL_S = 300


# --------------------------------------------------------------------- store
def settings_key() -> tuple[tuple[str, str | None], ...]:
    """The environment settings that choose the store (the cache key of the connection)."""
    return tuple((k, os.environ.get(k)) for k in ENV_KEYS)


@st.cache_resource(show_spinner="Opening the graph store…")
def _open_rox(key: tuple) -> Rox:  # key: settings_key(); only used for caching
    return Rox.open()


def get_rox() -> Rox:
    """The process-wide :class:`Rox` session for the configured store."""
    return _open_rox(settings_key())


def current_settings() -> Settings | None:
    try:
        return Settings.resolve()
    except ValueError:
        return None


def store_hint(settings: Settings | None = None, exc: BaseException | None = None) -> str:
    """What to check or run when the store cannot be reached, for the configured engine
    and the reason (a damaged log or a file that is not a rox database need their own)."""
    settings = settings or current_settings()
    if isinstance(exc, DamagedStore):
        return (
            "The database was not opened, so nothing more is lost. On this machine run `rox check` to see "
            "what is damaged and `rox repair` to keep a copy of the log and open what is left, then press **Retry**."
        )
    if isinstance(exc, NotARoxDatabase):
        return "Point `ROX_DB` (or `rox app --db PATH`) at a rox database or a new file, then press **Retry**."
    if settings is not None and settings.engine == "neo4j":
        return (
            f"rox is set to use **Neo4j** at `{settings.neo4j_uri}` (setting `NEO4J_URI`). "
            "Start it with `docker compose up -d neo4j`, check `NEO4J_USER` / `NEO4J_PASSWORD`, "
            "or unset `NEO4J_URI` to use the embedded database instead."
        )
    path = settings.db_path if settings is not None else "the default file"
    return (
        f"rox uses the **embedded FalkorDB** database file `{path}` (setting `ROX_DB`). "
        "It starts by itself: check that the folder is writable, or choose another file with "
        "`ROX_DB=/path/rox.db` or `rox app --db /path/rox.db`, then press **Retry**."
    )


def show_store_error(exc: BaseException) -> None:
    """A friendly box for an unreachable store (never a traceback)."""
    _open_rox.clear()
    st.error(f"**The graph store is unreachable.** {exc}", icon=":material/cloud_off:")
    st.info(store_hint(exc=exc), icon=":material/lightbulb:")
    if st.button("Retry", key="rox-retry-store"):
        st.cache_data.clear()
        st.rerun()


def show_error(exc: BaseException) -> None:
    """A message box for rox's own errors."""
    if isinstance(exc, StoreUnavailable):
        show_store_error(exc)
    elif isinstance(exc, ReadOnlyViolation):
        st.error(f"**Refused (read-only).** {exc}", icon=":material/block:")
    elif isinstance(exc, (AmbiguousName, NotFound)):
        st.warning(str(exc))
    elif isinstance(exc, QueryError):
        st.error(f"**The query failed.** {exc}")
    else:
        st.error(str(exc))


def guarded(render: Callable[[], None]) -> Callable[[], None]:
    """Wrap a page's ``render`` so rox errors become message boxes."""

    def page() -> None:
        try:
            render()
        except RoxError as exc:
            show_error(exc)

    page.__name__ = getattr(render, "__name__", "page")
    page.__doc__ = render.__doc__
    return page


def sidebar_status() -> None:
    """The store description and a refresh button, in the sidebar."""
    settings = current_settings()
    with st.sidebar:
        st.caption(f"rox {__version__} · {settings.describe() if settings else 'no store configured'}")
        if st.button(
            "Refresh data",
            key="rox-refresh",
            help="Read the store afresh. Loads made with rox (CLI, API) show by themselves; "
            "this is for writes made without it (Neo4j Browser, cypher-shell).",
        ):
            try:
                get_rox().refresh()
            except RoxError as exc:  # a read-only Neo4j user, a lost server: say so, keep the page
                st.error(f"Could not refresh: {exc}")
            else:
                st.cache_data.clear()
                st.rerun()


def data_changed() -> None:
    """Forget cached query results (after a load)."""
    st.cache_data.clear()


# ------------------------------------------------------------- cached reads
def data_key() -> tuple:
    """The store and the version of its data (:meth:`rox.api.Rox.data_version`, one small
    read): what cached results are keyed by, so a load made elsewhere (the CLI, another
    session) shows at the next rerun."""
    return (settings_key(), get_rox().data_version())


@st.cache_data(show_spinner=False, ttl=CACHE_TTL_S)
def query(key: tuple, name: str, params_json: str = "{}") -> list[dict[str, Any]]:
    return get_rox().query(name, **json.loads(params_json))


def named(name: str, **params: Any) -> list[dict[str, Any]]:
    """A named query's rows, cached for a few minutes per store and data version."""
    return query(data_key(), name, json.dumps(params, sort_keys=True, default=str))


def region_label(row: Mapping[str, Any]) -> str:
    bits = [b for b in (row.get("kind"), row.get("country")) if b]
    return (
        f"{row.get('name') or row['id']} ({', '.join(bits)}) · {row['id']}"
        if bits
        else f"{row.get('name')} · {row['id']}"
    )


@dataclass(frozen=True)
class RegionIndex:
    """Every region, with what the pages look up in it: built once per data version and
    shared by all sessions (``st.cache_resource``: no copy per rerun, which for a list of
    thousands of regions costs more than the match). Read-only: pages never change it."""

    rows: list[dict[str, Any]]
    labels: dict[str, str]  # id -> the select box label (:func:`region_label`)
    names: dict[str, str]  # id -> name (the id when there is none)
    countries: list[str]  # sorted
    kinds: list[str]  # sorted

    @classmethod
    def of(cls, rows: list[dict[str, Any]]) -> RegionIndex:
        return cls(
            rows,
            {r["id"]: region_label(r) for r in rows},
            {r["id"]: r.get("name") or r["id"] for r in rows},
            sorted({r["country"] for r in rows if r.get("country")}),
            sorted({r["kind"] for r in rows if r.get("kind")}),
        )


@st.cache_resource(show_spinner=False, max_entries=4)
def _region_index(key: tuple) -> RegionIndex:  # key: data_key(); only used for caching
    return RegionIndex.of(get_rox().regions())


def region_index() -> RegionIndex:
    """The regions of the store's current data (:meth:`rox.api.Rox.regions`, from its
    matrix snapshot), cached per data version."""
    return _region_index(data_key())


def regions() -> list[dict[str, Any]]:
    """Every region's row (shared: do not change them)."""
    return region_index().rows


#: Above this many regions the picker asks for a search text first and offers the
#: regions that match (at most :data:`PICKER_MATCHES`): a select box of 100,000 options
#: costs the browser seconds on every rerun.
PICKER_LIMIT = 5000
PICKER_MATCHES = 200


def matching(labels: Mapping[str, str], text: str, limit: int = PICKER_MATCHES) -> list[str]:
    """The ids whose label (name, kind, country, id) contains ``text``, case-insensitive,
    in the labels' order, at most ``limit``.

    >>> matching({"GB-DER": "Derby (city, GB) · GB-DER", "CN-AH": "Anhui (province, CN) · CN-AH"}, "der")
    ['GB-DER']
    """
    folded = text.strip().casefold()
    return list(islice((i for i, lab in labels.items() if folded in lab.casefold()), limit)) if folded else []


def _searched(where: Any, label: str, key: str, labels: Mapping[str, str], wanted: str | None) -> list[str]:
    """The search box of a large store's picker; the ids to offer (the chosen one first)."""
    text = where.text_input(
        f"Search: {label}",
        key=f"find-{key}",
        placeholder=f"{len(labels):,} regions: type part of a name or an id",
    )
    ids = matching(labels, text)
    if text.strip() and not ids:
        where.caption(f"No region matches {text.strip()!r}.")
    elif len(ids) == PICKER_MATCHES:
        where.caption(f"The first {PICKER_MATCHES} matches; type more to narrow them.")
    return [wanted, *(i for i in ids if i != wanted)] if wanted is not None and wanted in labels else ids


def region_picker(
    label: str,
    key: str,
    *,
    default: str | None = None,
    exclude: Iterable[str] = (),
    help: str | None = None,
    container=None,
) -> str | None:
    """A searchable region select box (type to filter); returns the region id or None.
    Above :data:`PICKER_LIMIT` regions a search box comes first and the select box offers
    the matches.

    The choice is mirrored in the URL (``?<key>=<id>``) so a page can be shared.
    """
    labels, skip = region_index().labels, set(exclude)
    wanted = st.query_params.get(key) or default
    where = container or st
    ids = _searched(where, label, key, labels, wanted) if len(labels) > PICKER_LIMIT else list(labels)
    ids = [i for i in ids if i not in skip] if skip else ids
    index = ids.index(wanted) if wanted in ids else None
    choice = where.selectbox(
        label,
        ids,
        index=index,
        format_func=lambda i: labels.get(i, i),
        key=f"pick-{key}",
        placeholder="Type a region name…",
        help=help,
    )
    if choice:
        st.query_params[key] = choice
    elif key in st.query_params:
        del st.query_params[key]
    return choice


def empty_store_notice() -> bool:
    """Say so (with what to do) when nothing is loaded; True when the store is empty."""
    if regions():
        return False
    st.info(
        "No regions are loaded yet. Load the demo data (or your own files) on the **Load data** page, "
        "or run `rox demo` in a terminal.",
        icon=":material/info:",
    )
    return True


# ----------------------------------------------------------------- downloads
_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def file_stem(*parts: str) -> str:
    """A safe file name stem: ``rox-matches-GB-DER-2024-05-01``."""
    return "-".join(_SAFE.sub("_", p).strip("_") for p in ("rox", *parts, date.today().isoformat()) if p)


def to_json_doc(rows: list[dict[str, Any]], meta: Mapping[str, Any] | None = None, rows_key: str = "rows") -> str:
    doc: dict[str, Any] = {}
    if meta:
        doc["parameters"] = dict(meta)
    doc[rows_key] = rows
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str)


def download_buttons(
    rows: list[dict[str, Any]],
    stem: str,
    *,
    meta: Mapping[str, Any] | None = None,
    flat_rows: list[dict[str, Any]] | None = None,
    key: str,
    rows_key: str = "rows",
) -> None:
    """CSV, XLSX and JSON download buttons for ``rows`` (with ``meta`` as the parameters).

    CSV and XLSX get ``flat_rows`` (strings) when given; JSON keeps the nested rows.
    """
    flat = (
        flat_rows
        if flat_rows is not None
        else [{k: cell(v) if isinstance(v, (list, dict)) else v for k, v in r.items()} for r in rows]
    )
    c1, c2, c3 = st.columns(3)
    c1.download_button(
        "Download CSV",
        str(export(flat, "csv", meta)).encode("utf-8"),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}-csv",
        icon=":material/download:",
        on_click="ignore",
    )
    c2.download_button(
        "Download XLSX",
        export(flat, "xlsx", meta),
        file_name=f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}-xlsx",
        icon=":material/download:",
        on_click="ignore",
    )
    c3.download_button(
        "Download JSON",
        to_json_doc(rows, meta, rows_key).encode("utf-8"),
        file_name=f"{stem}.json",
        mime="application/json",
        key=f"{key}-json",
        icon=":material/download:",
        on_click="ignore",
    )


def table_or_note(rows: list[dict[str, Any]], *, key: str, note: str = "none", **kw) -> None:
    """:func:`table` of ``rows``, or a short caption when there are none."""
    if rows:
        table(rows, key=key, **kw)
    else:
        st.caption(note)


def table(rows: list[dict[str, Any]], *, key: str | None = None, columns: list[str] | None = None, **kw):
    """Rows as a dataframe with list/dict cells flattened (lists joined by '; ')."""
    import pandas as pd

    if columns is None:
        cols: list[str] = []
        for r in rows:
            cols += [k for k in r if k not in cols]
    else:
        cols = columns
    records = [{c: _cell(r.get(c)) for c in cols} for r in rows]
    for c in cols:  # Arrow needs one type per column: mixed columns become text
        kinds = {type(r[c]) for r in records if r[c] is not None}
        if len(kinds - {int, float}) > 0 and len(kinds) > 1:
            for r in records:
                if r[c] is not None:
                    r[c] = str(r[c])
    frame = pd.DataFrame(records, columns=cols)
    return st.dataframe(frame, key=key, hide_index=True, width="stretch", **kw)


def _cell(v: Any) -> Any:
    if isinstance(v, (list, tuple, dict)):
        return cell(v)
    return v
