"""The ``rox`` command: a thin shell over :class:`rox.api.Rox`.

Exit codes: 0 ok, 1 data or runtime error (a :class:`rox.api.RoxError`, or a
file that cannot be written), 2 usage error (argparse's, or :class:`rox.api.UsageError`).
Errors print one clear message on stderr, no traceback. Usage is checked before
the store is opened, so a mistyped command never creates a database.

This module holds the parser, the shared helpers and the general commands; the
matching commands are in :mod:`rox.cli_match`, table loading in :mod:`rox.cli_tables`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from rox import __version__, api
from rox.output import render

Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, Handler] = {}
_EXTENSIONS: list[Callable[[Any], None]] = []


def command(name: str) -> Callable[[Handler], Handler]:
    """Register the function running sub-command ``name``."""

    def deco(fn: Handler) -> Handler:
        COMMANDS[name] = fn
        return fn

    return deco


def extension(fn: Callable[[Any], None]) -> Callable[[Any], None]:
    """Register a function that adds sub-commands to the parser (matching, table loading)."""
    _EXTENSIONS.append(fn)
    return fn


def param(text: str) -> tuple[str, Any]:
    """An argparse type for ``--param KEY=VALUE`` (see :func:`rox.api.parse_param`).

    >>> param("limit=10")
    ('limit', 10)
    >>> param("novalue")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: --param takes KEY=VALUE, got 'novalue'
    """
    try:
        return api.parse_param(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive(kind: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type: a number of ``kind`` greater than zero (else a usage error).

    >>> positive(int)("3")
    3
    >>> positive(int)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be greater than 0, got '0'
    """

    def convert(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
        return value

    convert.__name__ = getattr(kind, "__name__", "number")
    return convert


def add_format(sp: argparse.ArgumentParser, choices: tuple[str, ...] = ("table", "json", "csv")) -> None:
    sp.add_argument("--format", choices=choices, default="table")


Filler = Callable[[argparse.ArgumentParser], None]


class SubCommands(argparse._SubParsersAction):
    """The sub-commands, some of whose options are added only when that command is
    chosen (see :func:`lazy_command`): ``rox match``'s need the measure registry
    (numpy, scipy, networkx), ``rox load-table``'s the loaders; ``rox stats`` and
    ``rox --version`` should not pay for them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fillers: dict[str, Filler] = {}

    def fill(self, name: str) -> None:
        """Add the options of sub-command ``name`` if they are still pending."""
        filler = self.fillers.pop(name, None)
        if filler is not None:
            filler(self.choices[name])

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        self.fill(values[0])
        super().__call__(parser, namespace, values, option_string)


def lazy_command(sub: SubCommands, name: str, fill: Filler, **kwargs: Any) -> None:
    """Add sub-command ``name`` (``kwargs`` as for ``add_parser``: its help in ``rox
    --help``); ``fill(parser)`` adds its options when the command is chosen.

    >>> _load_extensions()
    >>> build_parser(lazy=True).parse_args(["--db", "x.db", "match", "Derby", "--top", "3"]).top
    3
    """
    sub.add_parser(name, **kwargs)
    sub.fillers[name] = fill


def build_parser(lazy: bool = False) -> argparse.ArgumentParser:
    """The ``rox`` parser; with ``lazy``, the options of the commands added with
    :func:`lazy_command` are added only when that command is parsed (start-up)."""
    p = argparse.ArgumentParser(
        prog="rox", description="rox, the Region Overlap eXplorer: partner regions by industry overlap."
    )
    p.add_argument("--version", action="version", version=f"rox {__version__}")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--db", metavar="PATH", help="embedded FalkorDB database file (default: $ROX_DB or ~/.local/share/rox/rox.db)"
    )
    where.add_argument(
        "--neo4j",
        metavar="URI",
        help="use Neo4j at URI (default: $NEO4J_URI); user/password from NEO4J_USER/NEO4J_PASSWORD",
    )
    sub = cast(SubCommands, p.add_subparsers(action=SubCommands, dest="command", required=True, metavar="COMMAND"))
    _add_general(sub)
    for extend in _EXTENSIONS:
        extend(sub)
    if not lazy:
        for name in list(sub.fillers):
            sub.fill(name)
    return p


def _add_general(sub: Any) -> None:
    s = sub.add_parser("demo", help="load the demo dataset (Derby-Hefei, Midlands-Maharashtra and comparators)")
    s.add_argument(
        "--statistics",
        action="store_true",
        help="then load the bundled real statistics (data/statistics: ONS BRES 2021, Eurostat SBS 2015, "
        "US SUSB 2021, world trade 1998-2000)",
    )
    s = sub.add_parser("load", help="validate and load entity files (YAML/CSV) or folders of them")
    s.add_argument("paths", nargs="+", metavar="PATH")

    s = sub.add_parser("query", help="run a named query from queries/cypher")
    s.add_argument("name", nargs="?", help="query name (omit to list them)")
    s.add_argument("--param", action="append", type=param, default=[], metavar="K=V")
    add_format(s)

    sub.add_parser(
        "refresh",
        help="read the store afresh after writes made without rox (Neo4j Browser, cypher-shell): "
        "every cache of its data is dropped and the matrix snapshot rebuilt",
    )

    s = sub.add_parser("cypher", help="run read-only Cypher (writes are refused)")
    s.add_argument("text")
    s.add_argument("--param", action="append", type=param, default=[], metavar="K=V")
    s.add_argument(
        "--limit", type=positive(int), default=api.DEFAULT_ROW_CAP, help=f"row cap (default {api.DEFAULT_ROW_CAP})"
    )
    s.add_argument(
        "--timeout",
        type=positive(float),
        default=api.DEFAULT_TIMEOUT_S,
        help=f"seconds (default {api.DEFAULT_TIMEOUT_S:g})",
    )
    add_format(s)

    add_format(sub.add_parser("stats", help="count nodes by label and relationships by type"))
    add_format(sub.add_parser("schema", help="the graph model with counts"))

    s = sub.add_parser("loads", help="list the loads of this store, or undo the latest (rox loads undo LOAD_ID)")
    s.add_argument("action", nargs="?", choices=("list", "undo"), default="list")
    s.add_argument("load_id", nargs="?", metavar="LOAD_ID", help="the load to undo (see `rox loads`)")
    add_format(s)

    s = sub.add_parser("app", help="open the Streamlit app on this store")
    s.add_argument(
        "--host",
        default=None,
        help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 for every interface)",
    )
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--headless", action="store_true", help="do not open a browser")


def open_rox(args: argparse.Namespace) -> api.Rox:
    """The session on the store chosen by ``--db`` / ``--neo4j`` (or the environment);
    says on stderr which half-finished loads were rolled back on opening it. The embedded
    server is left running for the next command (``ROX_SERVER_IDLE_S``, ``rox server stop``)."""
    rx = api.Rox.open(db=args.db, neo4j=args.neo4j, keep_server=True)
    for message in rx.recovered:
        print(f"rox: note: {message}", file=sys.stderr)
    return rx


def terminal_progress(enabled: bool) -> tuple[api.Progress | None, Callable[[], None]]:
    """A :data:`rox.api.Progress` callback drawing a rich bar (records/s) on stderr, and
    a closer. A step that counts towards the same total moves the same bar (its name
    shown); a step with a total of its own starts a new bar."""
    if not enabled:
        return None, lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    prog = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.completed:>12,.0f}"),
        TextColumn("{task.fields[rate]:>9,.0f}/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    current: dict[str, Any] = {}
    prog.start()

    def update(done: int, total: int | None, what: str) -> None:
        now = time.perf_counter()
        if not current or current["total"] != total:
            current.update(task=prog.add_task(what, total=total or None, rate=0.0), total=total)
        if current.get("what") != what or done < current.get("done", 0):  # a new step: its own rate
            current.update(what=what, t0=now, d0=done)
        current["done"] = done
        elapsed = now - current["t0"]
        rate = (done - current["d0"]) / elapsed if elapsed > 0.05 else 0.0
        prog.update(current["task"], description=what, completed=done, total=total or None, rate=rate)

    return update, prog.stop


def emit(rows: Any, fmt: str, meta: Any = None, out: str | None = None) -> None:
    """Print ``rows`` in ``fmt`` (or write them to ``out``)."""
    data = render(rows, fmt, meta)
    if out:
        Path(out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return
    if isinstance(data, bytes):
        raise api.RoxError(f"--format {fmt} writes a binary file; give --out FILE")
    sys.stdout.write(data if data.endswith("\n") else data + "\n")


@command("demo")
def _demo(args: argparse.Namespace) -> int:
    if not args.statistics:
        return _load_entities(args, None)
    progress, stop = terminal_progress(sys.stderr.isatty())
    try:
        with open_rox(args) as rx:
            report = rx.load_demo(progress, statistics=True)
    finally:
        stop()
    _report(report)
    for summary in report.tables:
        print("\n".join(summary.lines()))
    return 0


@command("load")
def _load(args: argparse.Namespace) -> int:
    return _load_entities(args, args.paths)


def _load_entities(args: argparse.Namespace, paths: list[str] | None) -> int:
    """Load entity files (the demo when ``paths`` is None), with a progress bar on a terminal."""
    progress, stop = terminal_progress(sys.stderr.isatty())
    try:
        with open_rox(args) as rx:
            report = rx.load_demo(progress) if paths is None else rx.load(paths, progress)
    finally:
        stop()
    _report(report)
    return 0


def _report(report: api.LoadReport) -> None:
    parts = [f"{n} {label}" for label, n in report.nodes.items()]
    rels = [f"{n} {rel}" for rel, n in report.relationships.items()]
    # Counts of rows merged (MERGE on ids): the same on every run; a reload changes nothing.
    print(f"merged nodes: {', '.join(parts) or 'none'}; relationships: {', '.join(rels) or 'none'}")


@command("query")
def _query(args: argparse.Namespace) -> int:
    if not args.name:
        emit(
            [
                {"name": q["name"], "params": ", ".join(q["param_docs"]), "description": q["description"]}
                for q in api.named_queries()
            ],
            args.format,
        )
        return 0
    params = dict(args.param)
    api.check_query_params(args.name, params)  # usage errors before opening the store
    with open_rox(args) as rx:
        rows = rx.query(args.name, **params)
    emit(rows, args.format)
    return 0


@command("cypher")
def _cypher(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        res = rx.cypher(args.text, dict(args.param), row_cap=args.limit, timeout_s=args.timeout)
    emit(res.rows, args.format)
    if res.truncated:
        print(f"rox: output cut at {args.limit} rows (--limit)", file=sys.stderr)
    return 0


@command("refresh")
def _refresh(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        version = rx.refresh()
    print(f"refreshed: data version {version}; the matrix snapshot was built again")
    return 0


@command("stats")
def _stats(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        emit(rx.stats(), args.format)
    return 0


@command("schema")
def _schema(args: argparse.Namespace) -> int:
    with open_rox(args) as rx:
        emit(rx.schema(), args.format)
    return 0


@command("loads")
def _loads(args: argparse.Namespace) -> int:
    if args.action == "undo" and not args.load_id:
        raise api.UsageError("rox loads undo takes the LOAD_ID to undo (`rox loads` lists them)")
    if args.action == "list" and args.load_id:
        raise api.UsageError(f"unexpected {args.load_id!r}: to undo a load, `rox loads undo {args.load_id}`")
    with open_rox(args) as rx:
        if args.action == "undo":
            print(rx.undo_load(args.load_id))
            return 0
        rows = [
            {k: r[k] for k in ("id", "kind", "file", "status", "started", "finished", "counts")} for r in rx.loads()
        ]
    emit(rows, args.format)
    return 0


@command("app")
def _app(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.db:
        env["ROX_DB"] = args.db
    if args.neo4j:
        env["NEO4J_URI"] = args.neo4j
    # From the project folder when there is one, so Streamlit reads .streamlit/config.toml too.
    project = Path(__file__).resolve().parents[1]
    cwd = project if (project / ".streamlit").is_dir() else None
    return subprocess.call(app_command(args.host, args.port, args.headless), env=env, cwd=cwd)


def app_command(host: str | None = None, port: int = 8501, headless: bool = False) -> list[str]:
    """The ``streamlit run`` command line of ``rox app``: rox's server settings as
    flags (it may run outside the project folder, without .streamlit/config.toml).

    >>> cmd = app_command()
    >>> cmd[cmd.index("--server.address") + 1], cmd[cmd.index("--client.showErrorDetails") + 1]
    ('127.0.0.1', 'none')
    """
    settings: dict[str, Any] = {**api.APP_SETTINGS, "server.port": port}
    if host:
        settings["server.address"] = host
    if headless:
        settings["server.headless"] = True
    cmd = [sys.executable, "-m", "streamlit", "run", app_script()]
    for key, value in settings.items():
        cmd += [f"--{key}", str(value).lower() if isinstance(value, bool) else str(value)]
    return cmd


def app_script() -> str:
    """The file ``streamlit run`` takes: the app's entry, installed with the package."""
    import importlib.util

    spec = importlib.util.find_spec("rox.webapp.entry")
    if spec is None or not spec.origin:
        raise api.RoxError("the app (rox.webapp) is not installed with rox; reinstall rox")
    return spec.origin


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    args = build_parser(lazy=True).parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except api.UsageError as exc:
        print(f"rox: error: {exc}", file=sys.stderr)
        return 2
    except api.RoxError as exc:
        print(f"rox: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # e.g. --out in a folder that does not exist
        print(f"rox: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 1
    except ValueError as exc:  # e.g. --db and --neo4j via API misuse
        print(f"rox: error: {exc}", file=sys.stderr)
        return 1


def _load_extensions() -> None:
    """Import the modules that add sub-commands (they register themselves)."""
    from rox import cli_extract, cli_match, cli_store, cli_tables  # noqa: F401
