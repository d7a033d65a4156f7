"""The ``rox`` command: a thin shell over :class:`rox.api.Rox`.

Exit codes: 0 ok, 1 data or runtime error (a :class:`graph.errors.RoxError`, or a
file that cannot be written), 2 usage error (argparse's, or :class:`graph.errors.UsageError`).
Errors print one clear message on stderr, no traceback.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Callable

from rox.graph.errors import RoxError, UsageError
from rox import __version__
from rox.output import FORMATS, render

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {}


def command(name: str):
    def deco(fn):
        COMMANDS[name] = fn
        return fn

    return deco


def parse_param(text: str) -> tuple[str, Any]:
    """``k=v`` -> (k, v); v is read as JSON when it is a number, boolean, null, list or
    object, else kept as a string.

    >>> parse_param("region=GB-DER")
    ('region', 'GB-DER')
    >>> parse_param("limit=10")
    ('limit', 10)
    >>> parse_param("name=x' }) DETACH DELETE n //")
    ('name', "x' }) DETACH DELETE n //")
    """
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"--param takes KEY=VALUE, got {text!r}")
    key, value = text.split("=", 1)
    if not key.isidentifier():
        raise argparse.ArgumentTypeError(f"parameter name {key!r} is not a valid identifier")
    try:
        parsed = json.loads(value)
        if isinstance(parsed, (int, float, bool, list, dict)) or parsed is None:
            return key, parsed
    except ValueError:
        pass
    return key, value


def positive(kind):
    """An argparse type: a number of ``kind`` greater than zero (else a usage error).

    >>> positive(int)("3")
    3
    >>> positive(int)("0")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: must be greater than 0, got '0'
    """
    def convert(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
        if value <= 0:
            raise argparse.ArgumentTypeError(f"must be greater than 0, got {text!r}")
        return value

    convert.__name__ = kind.__name__
    return convert


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rox", description="rox, the Region Overlap eXplorer: partner regions by industry overlap.")
    p.add_argument("--version", action="version", version=f"rox {__version__}")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--db", metavar="PATH", help="embedded FalkorDB database file (default: $ROX_DB or ~/.local/share/rox/rox.db)")
    where.add_argument("--neo4j", metavar="URI", help="use Neo4j at URI (default: $NEO4J_URI); user/password from NEO4J_USER/NEO4J_PASSWORD")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser("demo", help="load the demo dataset (Derby-Hefei, Midlands-Maharashtra and comparators)")

    s = sub.add_parser("load", help="validate and load entity files (YAML/CSV) or folders of them")
    s.add_argument("paths", nargs="+", metavar="PATH")

    def fmt(sp, choices=("table", "json", "csv")):
        sp.add_argument("--format", choices=choices, default="table")

    s = sub.add_parser("query", help="run a named query from queries/cypher")
    s.add_argument("name", nargs="?", help="query name (omit to list them)")
    s.add_argument("--param", action="append", type=parse_param, default=[], metavar="K=V")
    fmt(s)

    s = sub.add_parser("cypher", help="run read-only Cypher (writes are refused)")
    s.add_argument("text")
    s.add_argument("--param", action="append", type=parse_param, default=[], metavar="K=V")
    s.add_argument("--limit", type=positive(int), default=1000, help="row cap (default 1000)")
    s.add_argument("--timeout", type=positive(float), default=10.0, help="seconds (default 10)")
    fmt(s)

    s = sub.add_parser("stats", help="count nodes by label and relationships by type")
    fmt(s)
    s = sub.add_parser("schema", help="the graph model with counts")
    fmt(s)

    s = sub.add_parser("app", help="open the Streamlit app on this store")
    s.add_argument("--port", type=int, default=8501)
    s.add_argument("--headless", action="store_true", help="do not open a browser")

    for extend in _EXTENSIONS:
        extend(sub)
    return p


_EXTENSIONS: list[Callable[[argparse._SubParsersAction], None]] = []


def extension(fn):
    """Register a function that adds sub-commands (matching, table loading)."""
    _EXTENSIONS.append(fn)
    return fn


def _open(args):
    from rox.api import Rox

    return Rox.open(db=args.db, neo4j=args.neo4j)


def emit(rows, fmt: str, meta=None, out=None) -> None:
    data = render(rows, fmt, meta)
    if out:
        Path(out).write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        return
    if isinstance(data, bytes):
        raise RoxError(f"--format {fmt} writes a binary file; give --out FILE")
    sys.stdout.write(data if data.endswith("\n") else data + "\n")


@command("demo")
def _demo(args) -> int:
    with _open(args) as rx:
        report = rx.load_demo()
    _report(report)
    return 0


@command("load")
def _load(args) -> int:
    with _open(args) as rx:
        report = rx.load(args.paths)
    _report(report)
    return 0


def _report(report) -> None:
    parts = [f"{n} {label}" for label, n in report.nodes.items()]
    rels = [f"{n} {rel}" for rel, n in report.relationships.items()]
    # Counts of rows merged (MERGE on ids): the same on every run; a reload changes nothing.
    print(f"merged nodes: {', '.join(parts) or 'none'}; relationships: {', '.join(rels) or 'none'}")


@command("query")
def _query(args) -> int:
    from rox.queries import registry

    if not args.name:
        rows = [{"name": q.name, "params": ", ".join(q.param_docs), "description": q.description}
                for q in sorted(registry.load_all().values(), key=lambda q: q.name)]
        emit(rows, args.format)
        return 0
    registry.check_params(args.name, dict(args.param))  # usage errors before opening the store
    with _open(args) as rx:
        rows = rx.query(args.name, **dict(args.param))
    emit(rows, args.format)
    return 0


@command("cypher")
def _cypher(args) -> int:
    with _open(args) as rx:
        res = rx.cypher(args.text, dict(args.param), row_cap=args.limit, timeout_s=args.timeout)
    emit(res.rows, args.format)
    if res.truncated:
        print(f"rox: output cut at {args.limit} rows (--limit)", file=sys.stderr)
    return 0


@command("stats")
def _stats(args) -> int:
    with _open(args) as rx:
        emit(rx.stats(), args.format)
    return 0


@command("schema")
def _schema(args) -> int:
    with _open(args) as rx:
        emit(rx.schema(), args.format)
    return 0


@command("app")
def _app(args) -> int:
    import subprocess

    env = dict(os.environ)
    if args.db:
        env["ROX_DB"] = args.db
    if args.neo4j:
        env["NEO4J_URI"] = args.neo4j
    cmd = [sys.executable, "-m", "streamlit", "run", app_script(), "--server.port", str(args.port),
           "--browser.gatherUsageStats", "false"]
    if args.headless:
        cmd += ["--server.headless", "true"]
    # From the project folder when there is one, so Streamlit reads .streamlit/config.toml.
    project = Path(__file__).resolve().parents[1]
    return subprocess.call(cmd, env=env, cwd=project if (project / ".streamlit").is_dir() else None)


def app_script() -> str:
    """The file ``streamlit run`` takes: the app's entry, installed with the package."""
    import importlib.util

    spec = importlib.util.find_spec("rox.webapp.entry")
    assert spec is not None and spec.origin, "rox.webapp is installed with rox"
    return spec.origin


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"rox: error: {exc}", file=sys.stderr)
        return 2
    except RoxError as exc:
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
    import importlib

    for mod in ("rox.cli_match", "rox.cli_tables"):
        try:
            importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name != mod:
                raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
