"""The documented Python API behind the ``rox`` command and the app: :class:`Rox`.

The CLI (``rox/cli*.py``) and the Streamlit app (``rox.webapp``) import only this
module (plus ``rox`` for the version and their own presentation code): every
store, loader and query call goes through :class:`Rox`, and the constants and
error classes they need are re-exported here. Functions that need no store
(the named-query catalogue, parameter checks, measure names, table detection,
exports) are module-level, so the CLI can check usage before it opens a store.

Example:
    >>> from rox.api import Rox
    >>> rx = Rox.open(db="/tmp/rox-api-doctest/rox.db")           # doctest: +SKIP
    >>> rx.load_demo()                                             # doctest: +SKIP
    >>> [r["id"] for r in rx.query("shared-sectors", a="GB-DER", b="CN-AH")]  # doctest: +SKIP
    ['aerospace', 'automotive', 'manufacturing', 'rail']
    >>> rx.match("Derby", top=3).rows[0]["rank"]                   # doctest: +SKIP
    1
"""

from __future__ import annotations

import json
import logging
import math
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rox.graph.config import Settings
from rox.graph.errors import (
    AmbiguousName,
    DamagedStore,
    NotARoxDatabase,
    NotFound,
    Problem,
    QueryError,
    QueryRefused,
    QueryTimeout,
    ReadOnlyViolation,
    ResourceLimit,
    RoxError,
    ServerBusy,
    StoreUnavailable,
    UsageError,
    ValidationFailed,
)
from rox.graph.store import DEFAULT_ROW_CAP, DEFAULT_TIMEOUT_S, Result, Store, open_store
from rox.queries import registry

if TYPE_CHECKING:  # at run time these names come from __getattr__ below, on first use
    from rox.api_reports import DemoReport
    from rox.graph import maintenance, server
    from rox.loaders.documents.model import NOUNS as EXTRACTION_NOUNS
    from rox.loaders.documents.model import Extraction
    from rox.loaders.documents.model import Item as ExtractionItem
    from rox.loaders.documents.read import Document, DocumentError, read_bytes, read_document, read_text
    from rox.loaders.entities import LoadReport, RawRecord
    from rox.loaders.table_load import LoadOptions, LoadSummary
    from rox.loaders.tables import Table, TableSpec
    from rox.loaders.writer import Progress
    from rox.queries.matching import MatchResult

    TABLE_KINDS: tuple[str, ...]
    TABLE_LAYOUTS: tuple[str, ...]
    SECTOR_SCHEMES: tuple[str, ...]
    REGION_SCHEMES: tuple[str, ...]
    MATCH_LEVELS: tuple[str, ...]
    BLEND_WEIGHTS: dict[str, float]
    SIMILAR_MEASURES: tuple[str, ...]

__all__ = [
    "Rox",
    "MatchResult",
    "Result",
    "LoadReport",
    "DemoReport",
    "LoadSummary",
    "FileCheck",
    "RawRecord",
    "Table",
    "TableSpec",
    "LoadOptions",
    "Settings",
    "Progress",
    # errors the CLI and the app catch
    "RoxError",
    "UsageError",
    "StoreUnavailable",
    "QueryError",
    "ReadOnlyViolation",
    "QueryTimeout",
    "NotFound",
    "AmbiguousName",
    "ValidationFailed",
    "Problem",
    "NotARoxDatabase",
    "DamagedStore",
    "ServerBusy",
    "ResourceLimit",
    "QueryRefused",
    # constants
    "DEFAULT_ROW_CAP",
    "DEFAULT_TIMEOUT_S",
    "TABLE_KINDS",
    "TABLE_LAYOUTS",
    "SECTOR_SCHEMES",
    "REGION_SCHEMES",
    "MATCH_LEVELS",
    "BLEND_WEIGHTS",
    "SIMILAR_MEASURES",
    "EXPORT_FORMATS",
    "MAX_UPLOAD_MB",
    "APP_SETTINGS",
    # store-free functions
    "demo_dir",
    "statistics_dir",
    "measure_names",
    "measure_catalogue",
    "named_queries",
    "check_query_params",
    "parse_param",
    "check_param_value",
    "open_table",
    "export",
    # the embedded database's files and server
    "check_store",
    "repair_store",
    "server_status",
    "stop_server",
    # documents (rox extract)
    "Document",
    "DocumentError",
    "Extraction",
    "ExtractionItem",
    "EXTRACTION_NOUNS",
    "EXTRACT_FORMATS",
    "read_document",
    "read_text",
    "read_bytes",
    "extraction_file",
]

PROJECT_DIR = Path(__file__).resolve().parents[1]

# -------------------------------------------------------- names imported on first use
# Importing the loaders and the matching engine costs about a second (numpy, scipy,
# networkx, pydantic, pycountry); every ``rox`` command imports this module, most need
# none of that. So these names are looked up on first use (PEP 562 ``__getattr__``):
# ``from rox.api import MatchResult`` works as before. tests/test_startup.py checks
# that ``import rox.api`` and building the CLI's parser stay light.
_LAZY: dict[str, tuple[str, str]] = {  # name: (module, attribute)
    "DemoReport": ("rox.api_reports", "DemoReport"),
    "LoadReport": ("rox.loaders.entities", "LoadReport"),
    "RawRecord": ("rox.loaders.entities", "RawRecord"),
    "LoadOptions": ("rox.loaders.table_load", "LoadOptions"),
    "LoadSummary": ("rox.loaders.table_load", "LoadSummary"),
    "TABLE_KINDS": ("rox.loaders.table_load", "KINDS"),
    "Table": ("rox.loaders.tables", "Table"),
    "TableSpec": ("rox.loaders.tables", "TableSpec"),
    "TABLE_LAYOUTS": ("rox.loaders.tables", "LAYOUTS"),
    "SECTOR_SCHEMES": ("rox.loaders.schemes", "SCHEMES"),
    "REGION_SCHEMES": ("rox.loaders.gazetteer", "REGION_SCHEMES"),
    # ``progress(done, total, what)``: ``done`` of ``total`` (None: unknown) records or rows
    # of the step ``what`` (``"checking rows"``, ``"writing Region"``...), as loads go.
    "Progress": ("rox.loaders.writer", "Progress"),
    "MatchResult": ("rox.queries.matching", "MatchResult"),
    # documents: read (text, Markdown, HTML, DOCX, PDF) and extract (``rox extract``, the app)
    "Document": ("rox.loaders.documents.read", "Document"),
    "DocumentError": ("rox.loaders.documents.read", "DocumentError"),
    "read_document": ("rox.loaders.documents.read", "read_document"),
    "read_text": ("rox.loaders.documents.read", "read_text"),
    "read_bytes": ("rox.loaders.documents.read", "read_bytes"),
    "Extraction": ("rox.loaders.documents.model", "Extraction"),
    "ExtractionItem": ("rox.loaders.documents.model", "Item"),
    "EXTRACTION_NOUNS": ("rox.loaders.documents.model", "NOUNS"),
}
_DERIVED: dict[str, Callable[[], Any]] = {
    # Sector levels ``match``/``compare`` take: codes as loaded, or rolled up to the rox taxonomy.
    "MATCH_LEVELS": lambda: tuple(import_module("rox.queries.matching").LEVELS),
    # The ``blend`` measure's components and their default weights.
    "BLEND_WEIGHTS": lambda: dict(import_module("rox.queries.matching").DEFAULT_WEIGHTS),
    # The measures :meth:`Rox.similar_all` computes for all pairs at once (the set measures).
    "SIMILAR_MEASURES": lambda: tuple(import_module("rox.queries.similar").MEASURES),
}


def __getattr__(name: str) -> Any:
    """The names of ``_LAZY`` and ``_DERIVED``, imported when first asked for, then kept.

    >>> from rox.api import MATCH_LEVELS
    >>> "fine" in MATCH_LEVELS
    True
    """
    if name in _LAZY:
        module, attribute = _LAZY[name]
        value = getattr(import_module(module), attribute)
    elif name in _DERIVED:
        value = _DERIVED[name]()
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def _export_formats() -> tuple[str, ...]:
    from rox.output import FORMATS

    return tuple(FORMATS)


#: Formats :func:`export` writes (``xlsx`` as bytes, the others as text).
EXPORT_FORMATS: tuple[str, ...] = _export_formats()

#: Largest upload the app's Load page takes, in MB (Streamlit's ``server.maxUploadSize``).
MAX_UPLOAD_MB = 50
#: The Streamlit settings the app runs with. ``.streamlit/config.toml`` holds the same
#: values (tests/test_app_settings.py checks it); ``rox app`` passes them as flags, so
#: they hold when it runs outside the project folder. The app listens on this machine
#: only unless told otherwise (``rox app --host 0.0.0.0``; the Docker image does so);
#: users see generic error messages, the details go to the server log.
APP_SETTINGS: dict[str, str | int | bool] = {
    "server.address": "127.0.0.1",
    "server.maxUploadSize": MAX_UPLOAD_MB,
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "client.showErrorDetails": "none",
    "client.toolbarMode": "minimal",
    "browser.gatherUsageStats": False,
    "browser.serverAddress": "localhost",
}


# ------------------------------------------------------------ store-free helpers
def demo_dir() -> Path:
    """The bundled demo dataset (``data/demo``); ``ROX_DEMO_DIR`` overrides it."""
    env = os.environ.get("ROX_DEMO_DIR")
    if env:
        return Path(env)
    for base in (PROJECT_DIR, Path.cwd()):
        if (base / "data" / "demo").is_dir():
            return base / "data" / "demo"
    raise NotFound("the demo dataset (data/demo) was not found; set ROX_DEMO_DIR to its folder")


def statistics_dir() -> Path:
    """The bundled starter statistics (``data/statistics``: real ONS, Eurostat, US Census
    and world-trade tables, see its README), loaded by ``rox demo --statistics``."""
    for base in (PROJECT_DIR, Path.cwd()):
        if (base / "data" / "statistics").is_dir():
            return base / "data" / "statistics"
    raise NotFound("the bundled statistics (data/statistics) were not found beside the project")


def measure_names() -> list[str]:
    """Every measure :meth:`Rox.match` accepts (the measure registry, :mod:`rox.queries.measures`).

    >>> {"jaccard", "blend"} <= set(measure_names())
    True
    """
    from rox.queries import measures

    return measures.measure_names()


def measure_catalogue() -> list[dict[str, Any]]:
    """Each measure as plain data, for menus and ``--help``: name, description (one
    line), formula, reference, input and score range.

    >>> m = next(m for m in measure_catalogue() if m["name"] == "overlap")
    >>> m["formula"], bool(m["description"])
    ('|A∩B| / min(|A|, |B|)', True)
    """
    from rox.queries import measures

    out = []
    for name in measure_names():
        d = measures.describe(name)
        out.append(
            {
                "name": name,
                "description": d["summary"],
                "formula": d["formula"],
                "reference": d["reference"],
                "input": d["input"],
                "range": d["range"],
            }
        )
    return out


def named_queries() -> list[dict[str, Any]]:
    """The named queries (``queries/cypher``), sorted by name: name, params, param_docs, description.

    >>> "shared-sectors" in {q["name"] for q in named_queries()}
    True
    """
    return [
        {"name": q.name, "params": list(q.params), "param_docs": list(q.param_docs), "description": q.description}
        for q in sorted(registry.load_all().values(), key=lambda q: q.name)
    ]


def check_query_params(name: str, params: Mapping[str, Any]) -> None:
    """Raise :class:`NotFound` for an unknown query and :class:`UsageError` naming the
    missing or unknown parameters; needs no store (the CLI checks before opening one).

    >>> check_query_params("shared-sectors", {"a": "GB-DER"})
    Traceback (most recent call last):
    ...
    rox.graph.errors.UsageError: query 'shared-sectors': missing parameter(s) b (takes: a (region id), b (region id))
    """
    registry.check_params(name, params)


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` -> (k, v); v is read as JSON when it is a number, boolean, null, list or
    object, else kept as a string (it reaches the database as a parameter either way).
    Raises ``ValueError`` when the text is not ``KEY=VALUE``.

    >>> parse_param("region=GB-DER")
    ('region', 'GB-DER')
    >>> parse_param("limit=10")
    ('limit', 10)
    >>> parse_param("name=x' }) DETACH DELETE n //")
    ('name', "x' }) DETACH DELETE n //")
    """
    if "=" not in text:
        raise ValueError(f"--param takes KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    if not key.isidentifier():
        raise ValueError(f"parameter name {key!r} is not a valid identifier")
    try:
        parsed = json.loads(value)
    except RecursionError:
        raise ValueError(f"parameter {key!r}: lists and maps nested deeper than {MAX_PARAM_DEPTH} levels") from None
    except ValueError:
        return key, value
    if isinstance(parsed, (int, float, bool, list, dict)) or parsed is None:
        return key, check_param_value(key, parsed)
    return key, value


MAX_PARAM_DEPTH = 32
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def check_param_value(key: str, value: Any) -> Any:
    """``value`` unchanged when the databases can take it as a parameter: lists and maps
    nested at most :data:`MAX_PARAM_DEPTH` deep, integers in the 64-bit range (FalkorDB
    would clamp a larger one silently), finite numbers. Raises ``ValueError`` naming
    the parameter otherwise. Walks iteratively, so deep input cannot exhaust the stack.

    >>> check_param_value("v", [1, {"a": 2.5}])
    [1, {'a': 2.5}]
    >>> check_param_value("v", 2**70)
    Traceback (most recent call last):
    ...
    ValueError: parameter 'v': 1180591620717411303424 is beyond the 64-bit integer range (-9223372036854775808..9223372036854775807)
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_PARAM_DEPTH:
            raise ValueError(f"parameter {key!r}: lists and maps nested deeper than {MAX_PARAM_DEPTH} levels")
        if isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        if isinstance(item, int) and not INT64_MIN <= item <= INT64_MAX:
            raise ValueError(f"parameter {key!r}: {item} is beyond the 64-bit integer range ({INT64_MIN}..{INT64_MAX})")
        if isinstance(item, float) and not math.isfinite(item):
            raise ValueError(f"parameter {key!r}: {item} is not a finite number")
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return value


def open_table(spec: TableSpec | str | Path) -> Table:
    """Open a statistical table and detect its layout and columns, without a store
    (bad options fail here, before anything starts). Raises :class:`ValidationFailed`."""
    from rox.loaders.tables import open_table as _open_table

    return _open_table(_as_spec(spec))


#: Formats :func:`extraction_file` writes: YAML (with review comments) and JSON.
EXTRACT_FORMATS: tuple[str, ...] = ("yaml", "json")


def extraction_file(
    extractions: Iterable[Extraction],
    fmt: str = "yaml",
    accepted: Mapping[str, set[str]] | None = None,
) -> str:
    """The entity file of :meth:`Rox.extract`'s results, as ``rox load`` reads it: only what the
    store lacks; ``accepted`` keeps, per document (its ``Extraction.source_id``), the item keys
    to write (and what they need); all when None. YAML carries a comment per record (where
    it was found, how sure) and lists what the store already holds, each with its sentence."""
    from rox.loaders.documents import entity_out

    if fmt not in EXTRACT_FORMATS:
        raise UsageError(f"unknown extract format {fmt!r} (one of: {', '.join(EXTRACT_FORMATS)})")
    xs = list(extractions)
    return entity_out.to_yaml(xs, accepted) if fmt == "yaml" else entity_out.to_json(xs, accepted)


def export(rows: Iterable[Mapping[str, Any]], fmt: str, params: Mapping[str, Any] | None = None) -> str | bytes:
    """Rows in ``fmt`` (one of :data:`EXPORT_FORMATS`), with ``params`` carried along.

    >>> print(export([{"region": "CN-AH", "score": 0.5}], "csv", {"measure": "jaccard"}), end="")
    region,score,param_measure
    CN-AH,0.5,jaccard
    """
    from rox.output import render

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r} (one of: {', '.join(EXPORT_FORMATS)})")
    return render(list(rows), fmt, params)


def embedded_path(db: str | Path | None = None) -> Path:
    """The embedded database file chosen by ``db``, ``ROX_DB`` or the default; a
    :class:`UsageError` when the environment selects Neo4j (these are embedded-only)."""
    settings = Settings.resolve(db=db)
    if settings.engine != "falkordb" or settings.db_path is None:
        raise UsageError("check, repair and server apply to the embedded database; NEO4J_URI selects Neo4j")
    return Path(settings.db_path)


def check_store(db: str | Path | None = None) -> maintenance.StoreReport:
    """Check the embedded database's files (snapshot, append-only log, its record) without
    starting its server or changing anything: what is damaged or cut, and what would be lost."""
    from rox.graph import maintenance

    return maintenance.check_store(embedded_path(db))


def repair_store(db: str | Path | None = None) -> maintenance.StoreReport:
    """Repair a damaged append-only log: keep a copy of the original first
    (``rox.db.aof.d.damaged-<time>/``), then cut it back to what is whole.
    Raises :class:`ServerBusy` while a server runs on the database."""
    from rox.graph import maintenance

    return maintenance.repair_store(embedded_path(db))


def server_status(db: str | Path | None = None) -> server.ServerStatus:
    """Whether the embedded server of the database runs: pid, clients, memory, socket."""
    from rox.graph import server

    return server.server_status(embedded_path(db))


def stop_server(db: str | Path | None = None, *, force: bool = False) -> server.ServerStatus:
    """Stop the embedded server (its data is on disk); refuses while clients are
    connected unless ``force``. Returns the status before stopping."""
    from rox.graph import server

    return server.stop_server(embedded_path(db), force=force)


def _as_spec(spec: TableSpec | str | Path) -> TableSpec:
    from rox.loaders.tables import TableSpec

    return spec if isinstance(spec, TableSpec) else TableSpec(Path(spec))


@dataclass
class FileCheck:
    """Entity files parsed and validated without writing: the records and every problem."""

    records: list[RawRecord]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


# ------------------------------------------------------------------- the facade
class Rox:
    """One rox session over one store: load, query, match, compare, export."""

    def __init__(self, store: Store):
        self.store = store
        #: Messages about loads that died half-way and were rolled back when the store was opened.
        self.recovered: list[str] = []

    @classmethod
    def open(cls, *, db: str | None = None, neo4j: str | None = None, keep_server: bool = False) -> Rox:
        """Open the store chosen by ``db``/``neo4j``, the environment or the default.

        Loads that died half-way (``kill -9``, a crash) are rolled back first; ``recovered``
        holds one message for each. With ``keep_server`` (the ``rox`` command), closing
        leaves the embedded server running for the next session, until it has been idle
        for ``ROX_SERVER_IDLE_S`` seconds (:attr:`rox.graph.config.Settings.keep_server`)."""
        from dataclasses import replace

        from rox.loaders.loads import recover_unfinished_loads

        settings = Settings.resolve(db=db, neo4j=neo4j)
        rx = cls(open_store(settings=replace(settings, keep_server=keep_server)))
        rx.recovered = recover_unfinished_loads(rx.store)
        return rx

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Rox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def engine(self) -> str:
        """``"falkordb"`` or ``"neo4j"``."""
        return self.store.engine

    @property
    def settings(self) -> Settings:
        return self.store.settings

    def describe(self) -> str:
        """The store in one password-free line, e.g. ``embedded FalkorDB at /path/rox.db``."""
        return self.store.settings.describe()

    # -- loading -------------------------------------------------------------
    def check(self, paths: Iterable[str | Path]) -> FileCheck:
        """Parse and validate entity files (YAML/CSV, or folders of them) against the
        files and the store, writing nothing: the records and every problem."""
        from rox.loaders import entities

        records, problems = entities.read_files(entities.expand_paths(paths))
        try:
            entities.build_plan(records, entities.known_ids(self.store, records))
        except ValidationFailed as exc:
            problems = list(problems) + list(exc.problems)
        ordered = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.field, p.reason))
        return FileCheck(records, ordered)

    def load(self, paths: Iterable[str | Path], progress: Progress | None = None) -> LoadReport:
        """Validate and load entity files (YAML/CSV); all or nothing. ``progress`` is
        called as records are checked and written (see :data:`Progress`)."""
        from rox.loaders import entities

        report = entities.load_paths(self.store, paths, progress=progress)
        self._refresh_snapshot()
        return report

    def load_demo(self, progress: Progress | None = None, *, statistics: bool = False) -> DemoReport:
        """Load the demo dataset built from the two seed documents; with ``statistics``, then
        the bundled real statistics (:func:`statistics_dir`), each table as its own load.
        Idempotent: loading again changes nothing."""
        from dataclasses import fields

        from rox.api_reports import DemoReport
        from rox.loaders.starter import check_folder, load_starter

        folder = statistics_dir() if statistics else None
        if folder is not None:
            check_folder(folder)  # before anything is written
        entities_report = self.load([demo_dir()], progress)
        report = DemoReport(**{f.name: getattr(entities_report, f.name) for f in fields(entities_report)})
        if folder is not None:
            report.tables = load_starter(self.store, folder, progress)
            self._refresh_snapshot()
        return report

    def load_table(
        self,
        spec: TableSpec | str | Path,
        options: LoadOptions | None = None,
        progress: Progress | None = None,
        *,
        table: Table | None = None,
    ) -> LoadSummary:
        """Validate and load one statistical table (region x sector values); all or nothing.

        ``spec`` is a :class:`TableSpec` or a path, ``options`` a :class:`LoadOptions`;
        ``table`` an already opened :func:`open_table` result (saves reading it twice).
        """
        from rox.loaders.table_load import load_table

        summary = load_table(self.store, _as_spec(spec), options, progress, table=table)
        self._refresh_snapshot()
        return summary

    def loads(self) -> list[dict[str, Any]]:
        """Every load in the store's journal, oldest first: id, kind, file, status
        (running, done, recovered, undone), started, finished, counts."""
        from dataclasses import asdict

        from rox.loaders.loads import list_loads

        return [asdict(entry) for entry in list_loads(self.store)]

    def undo_load(self, load_id: str) -> str:
        """Take back finished load ``load_id`` (the latest one in effect): what it created
        is deleted, the values it changed are put back. Returns what was done."""
        from rox.loaders.loads import undo_load

        done = undo_load(self.store, load_id)
        self._refresh_snapshot()
        return done

    def _refresh_snapshot(self) -> None:
        """After a write: build the matrix snapshot now (:mod:`rox.queries.snapshot`), so the
        next match finds it ready. If that fails the write still stands; the next match builds it."""
        from rox.queries import snapshot

        try:
            snapshot.refresh(self.store)
        except RoxError as exc:
            logging.getLogger("rox").warning("matrix snapshot not refreshed (the next match builds it): %s", exc)

    # -- reading -------------------------------------------------------------
    def query(self, name: str, /, **params: Any) -> list[dict[str, Any]]:
        """Run a named query from ``queries/cypher`` (values are always parameters)."""
        return registry.run_named(self.store, name, params)

    def queries(self) -> list[dict[str, Any]]:
        """The named queries with their parameters and descriptions (:func:`named_queries`)."""
        return named_queries()

    def query_text(self, name: str) -> str:
        """The Cypher of a named query, as this store's engine runs it."""
        return registry.get(name).text(self.store.engine)

    def cypher(
        self,
        text: str,
        params: Mapping[str, Any] | None = None,
        *,
        row_cap: int = DEFAULT_ROW_CAP,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> Result:
        """Run user Cypher read-only (write clauses refused; the database enforces it
        too), with a row cap and a timeout."""
        return self.store.read_only(text, dict(params or {}), row_cap=row_cap, timeout_s=timeout_s)

    def stats(self) -> list[dict[str, Any]]:
        """Counts of nodes by label and relationships by type."""
        return self.query("stats")

    def regions(self) -> list[dict[str, Any]]:
        """Every region: id, name, kind, country, part_of, aliases, coordinates (the
        ``regions`` query's rows, from the matrix snapshot: :mod:`rox.queries.snapshot`)."""
        return [dict(r) for r in self._region_rows()]

    def _region_rows(self) -> list[dict[str, Any]]:
        from rox.queries import snapshot

        return snapshot.read(self.store).regions

    def fact_years(self) -> list[int]:
        """The years the region x sector facts are for, newest first (from the matrix
        snapshot, so no read of all facts)."""
        from rox.queries import snapshot

        return snapshot.read(self.store).years()

    def refresh(self) -> str:
        """Read the store afresh: advance its generation, so every cache of its data (the
        matrix snapshot, the app's lists) is stale, and build the snapshot again. Only
        writes made without rox (Neo4j Browser, cypher-shell, another program) need it:
        rox's own advance the generation themselves. Returns the new :meth:`data_version`."""
        self.store.advance_generation()
        self._refresh_snapshot()
        return self.data_version()

    def data_version(self) -> str:
        """A key that changes with every write to the store (its generation,
        :mod:`rox.graph.generation`): what a cache of this store's data is keyed by, as
        the app's are. One small read."""
        return self.store.generation().key

    def sectors(self) -> list[dict[str, Any]]:
        """Every sector: id, name and its place in the taxonomy."""
        return self.query("sectors")

    def datasets(self) -> list[dict[str, Any]]:
        """Every dataset (``load_table(..., LoadOptions(dataset=NAME))``; default: the file's source):
        id, title, kind, unit, scheme, years, region_levels, region_count, code_count, facts,
        files, sources (its files' Source ids), codes and regions (the coverage lists)."""
        return self.query("datasets")

    def schema(self) -> list[dict[str, Any]]:
        """The model: each label and relationship type with its properties and count."""
        from rox.graph import model

        counts = {(r["kind"], r["name"]): r["count"] for r in self.stats()}
        rows = [
            {
                "kind": "node",
                "name": label,
                "from": "",
                "to": "",
                "properties": ", ".join(model.NODE_PROPERTIES[label]),
                "count": counts.get(("node", label), 0),
            }
            for label in model.LABELS
        ]
        rows += [
            {
                "kind": "relationship",
                "name": rel.name,
                "from": rel.start,
                "to": rel.end,
                "properties": ", ".join(rel.properties),
                "count": counts.get(("relationship", rel.name), 0),
            }
            for rel in model.REL_TYPES.values()
        ]
        return rows

    def measures(self) -> list[dict[str, str]]:
        """Each measure's name and description (:func:`measure_catalogue`)."""
        return measure_catalogue()

    # -- matching ------------------------------------------------------------
    def match(self, region: str, **options: Any) -> MatchResult:
        """Rank partner regions for ``region`` (an id or a name) with explanations.

        ``options`` are those of :func:`rox.queries.matching.match` (``measure``, ``top``,
        ``year``, ``source``, ``threshold``, ``strict``, ``exclude_same_country``,
        ``countries``, ``kinds``, ``min_population``, ``max_population``,
        ``min_sectors``, ``weights``, ``level``, ``include_related``).
        """
        from rox.queries import matching

        return matching.match(self.store, self.resolve_region(region), **options)

    def compare(self, a: str, b: str, **options: Any) -> dict[str, Any]:
        """Two regions (ids or names) side by side: profiles, shared and complementary
        sectors, bridges and overlap scores. ``options``: ``year``, ``source``,
        ``threshold``, ``strict``, ``level``."""
        from rox.queries import matching

        return matching.compare(self.store, self.resolve_region(a), self.resolve_region(b), **options)

    def similar_all(
        self, measure: str = "jaccard", top: int = 10, write: bool = False, **matrix_options: Any
    ) -> list[dict[str, Any]]:
        """Every region's ``top`` most similar regions by ``measure`` (one of
        :data:`SIMILAR_MEASURES`): rows ``{region, partner, measure, score, rank}``.

        With ``write=True`` the pairs replace that measure's
        ``(:Region)-[:SIMILAR_TO {measure, score, rank, params}]->(:Region)`` and the
        result is one summary row (relationships written and deleted, timings).
        ``matrix_options``: ``year``, ``source``, ``level``, ``threshold``, ``strict``,
        ``min_score`` (see :func:`rox.queries.similar.similar_all`).
        """
        from rox.queries import similar

        rows = similar.similar_all(self.store, measure=measure, top=top, write=write, **matrix_options)
        if write:
            self._refresh_snapshot()
        return rows

    def resolve_region(self, text: str) -> str:
        """A region id from an id or a name (case-insensitive, aliases too).

        Raises :class:`NotFound` when nothing matches and :class:`AmbiguousName`,
        listing the candidates, when several regions share the name.
        """
        from rox.queries import snapshot

        data = snapshot.read(self.store)
        rows, by_id = data.regions, data.region_meta()
        if text in by_id:
            return text
        folded = text.casefold()
        ids = [r["id"] for r in rows if r["id"].casefold() == folded]
        if len(ids) == 1:
            return ids[0]
        hits = [r for r in rows if r["name"] and r["name"].casefold() == folded]
        if not hits:
            hits = [r for r in rows if any(a.casefold() == folded for a in (r.get("aliases") or []))]
        if len(hits) == 1:
            return hits[0]["id"]
        if len(hits) > 1:
            raise AmbiguousName(text, sorted((h["id"], _describe(h, by_id)) for h in hits))
        raise NotFound(f"no region with id or name {text!r}; try `rox query search-nodes --param text={text}`")

    # -- documents -----------------------------------------------------------
    def extract(self, docs: Iterable[Document | str | Path]) -> list[Extraction]:
        """Find regions, firms, universities, agreements, sectors, facts and trade figures in
        documents (:class:`Document` or paths of text, Markdown, HTML, DOCX or PDF files),
        resolved to the ids this store already has. Writes nothing. Each
        :class:`Extraction` holds review items (key, evidence sentence, span, confidence) and
        mentions (spans to highlight); :func:`extraction_file` or
        :meth:`Extraction.to_entity_file` turn them into an entity file. Raises
        :class:`DocumentError` naming a file that cannot be read."""
        from rox.loaders.documents.extract import extract
        from rox.loaders.documents.read import Document, read_document
        from rox.loaders.documents.resolve import Known

        documents = [d if isinstance(d, Document) else read_document(d) for d in docs]
        known = Known.from_rows(self.query("known-entities"))
        return [extract(doc, known) for doc in documents]

    def load_extractions(
        self,
        extractions: Iterable[Extraction],
        accepted: Mapping[str, set[str]] | None = None,
        progress: Progress | None = None,
    ) -> LoadReport:
        """Load the accepted items of extractions (see :func:`extraction_file`) through the normal
        validated, journaled, all-or-nothing load of an entity file (``rox loads undo`` takes it
        back). Raises :class:`ValidationFailed` if the file would not load."""
        import tempfile

        from rox.graph.ids import slugify

        xs = list(extractions)
        stem = slugify(Path(xs[0].document.name).stem) if xs else "nothing"
        with tempfile.TemporaryDirectory(prefix="rox-extract-") as tmp:
            path = Path(tmp) / f"{stem}{'-and-more' if len(xs) > 1 else ''}.extract.yaml"
            path.write_text(extraction_file(xs, "yaml", accepted), encoding="utf-8")
            return self.load([path], progress)

    # -- exports -------------------------------------------------------------
    export = staticmethod(export)


def _describe(row: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    parent = by_id.get(row.get("part_of") or "")
    where = parent["name"] if parent else (row.get("country") or "")
    return f"{row['name']}, {where}" if where else row["name"]
