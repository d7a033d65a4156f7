"""The watchdog of one embedded server: stops it when nobody has used it for a while.

Run by :func:`rox.graph.server.spawn_watchdog` as
``python -m rox.graph.watchdog DB_PATH IDLE_S PID PIDFILE SOCKET``, detached. Every poll it takes
``rox.db.lock`` (so a process joining the server is never cut off), counts the
server's clients other than itself, and after ``IDLE_S`` seconds with none it
stops the server as a closing rox process would (log recorded, data saved,
registry removed). It exits as soon as the server is gone, whoever stopped it;
if the database's folder is deleted under a running server, it still stops it.
A client killed with ``kill -9`` drops its connections with it, so its server
stops ``IDLE_S`` seconds later instead of running until the next command.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rox.graph.dbfiles import DbFiles, startup_lock
from rox.graph.logcheck import record_log_state
from rox.graph.server import WATCHDOG_NAME, connect, count_clients, pid_alive, shutdown


def watch(files: DbFiles, idle_s: float, pid: int, pidfile: str, socket_path: str, poll_s: float | None = None) -> str:
    """Watch the server (``pid``, listening on ``socket_path``) until it stops;
    returns why the watch ended."""
    poll_s = poll_s if poll_s is not None else min(1.0, max(0.1, idle_s / 4))
    conn = connect(socket_path, WATCHDOG_NAME)
    idle_since: float | None = None
    try:
        while pid_alive(pid):
            time.sleep(poll_s)
            try:
                idle_since = _tick(conn, files, pid, pidfile, idle_since, idle_s)
            except Exception:  # the server is stopping or busy: look again at the next poll
                conn.close()
                conn = connect(socket_path, WATCHDOG_NAME)
                idle_since = None
            if idle_since == STOPPED:
                return "idle"
    finally:
        conn.close()
    return "server gone"


STOPPED = -1.0


def _tick(conn, files: DbFiles, pid: int, pidfile: str, idle_since: float | None, idle_s: float) -> float | None:
    """One look at the server: the new start of its idle time, or STOPPED."""
    with startup_lock(files, folder_may_be_gone=True):
        if not pid_alive(pid) or count_clients(conn, {WATCHDOG_NAME}):
            return None
        idle_since = idle_since or time.monotonic()
        if time.monotonic() - idle_since < idle_s:
            return idle_since
        record_log_state(files)
        shutdown(pid, pidfile, files)
        return STOPPED if not pid_alive(pid) else None  # it would not stop (could not save?): try again later


def main(argv: list[str] | None = None) -> int:
    """``python -m rox.graph.watchdog DB_PATH IDLE_S PID PIDFILE SOCKET``."""
    path, idle_s, pid, pidfile, socket_path = sys.argv[1:] if argv is None else argv
    watch(DbFiles(Path(path)), float(idle_s), int(pid), pidfile, socket_path)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as a process
    sys.exit(main())
