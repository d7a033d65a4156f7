"""``rox check``, ``rox repair`` and ``rox server status|stop``: the embedded database's
files and server (the embedded FalkorDB store only).

Registers itself with :func:`rox.cli.extension`; the work is done by
:func:`rox.api.check_store`, :func:`rox.api.repair_store`, :func:`rox.api.server_status`
and :func:`rox.api.stop_server`. None of these starts the server.
"""

from __future__ import annotations

import argparse
from typing import Any

from rox import api
from rox.cli import command, extension


@extension
def add_commands(sub: Any) -> None:
    """The three commands and their options."""
    sub.add_parser(
        "check",
        help="check the embedded database's files (log cut or damaged?) without changing them; exit 1 if damaged",
    )
    sub.add_parser(
        "repair", help="repair a damaged append-only log, keeping a copy of the original (rox.db.aof.d.damaged-*)"
    )
    s = sub.add_parser("server", help="the embedded server of this database: status, or stop it")
    s.add_argument("action", choices=("status", "stop"))
    s.add_argument("--force", action="store_true", help="stop even while other processes use it")


def _print(report: Any) -> None:
    """The one-line summary, then every problem, action and note."""
    print(report.summary())
    for line in report.lines():
        print(line)


@command("check")
def _check(args: argparse.Namespace) -> int:
    report = api.check_store(args.db)
    _print(report)
    return 0 if report.ok else 1


@command("repair")
def _repair(args: argparse.Namespace) -> int:
    report = api.repair_store(args.db)
    _print(report)
    return 0 if report.ok else 1


@command("server")
def _server(args: argparse.Namespace) -> int:
    if args.action == "status":
        print(api.server_status(args.db).describe())
        return 0
    before = api.stop_server(args.db, force=args.force)
    print(f"stopped: {before.describe()}" if before.running else before.describe())
    return 0
