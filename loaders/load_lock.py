"""One load at a time per store: an exclusive lock file beside the store's journal.

Two ``rox load-table`` runs of one file at the same time would each see a first load
and store every fact twice; with the lock the second waits for the first (up to
``ROX_LOAD_WAIT`` seconds, default 600), then finds the facts there and changes
nothing. The lock is ``flock`` on ``<db>.loadlock``: the operating system releases
it when its process ends, even by ``kill -9``, so a dead load never blocks the
next one. The holder writes what it is doing into the file, for the waiter's message.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.loadlock"
>>> a, b = LoadLock(p, wait_s=0.2), LoadLock(p, wait_s=0.2)
>>> a.acquire("table load of t.csv")
>>> b.try_acquire()
False
>>> b.acquire("another")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rox.loaders.load_lock.LoadBusy: another load is running on this store (table load of t.csv, pid ...); waited 0 s ...
>>> a.release(); b.try_acquire()
True
>>> b.release()

Readers that must see no write in progress (the matrix snapshot, :mod:`rox.queries.snapshot`)
hold the same file *shared*: many at once, never with a load.

>>> r = LoadLock(p, wait_s=0)
>>> r.try_acquire_shared(), a.try_acquire()
(True, False)
>>> r.release(); a.try_acquire()
True
>>> a.release()
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from typing import IO

from rox.graph.errors import RoxError

DEFAULT_WAIT_S = 600.0
POLL_S = 0.05


class LoadBusy(RoxError):
    """Another load holds the store's load lock for longer than we wait."""


def wait_seconds() -> float:
    """How long a load waits for another to finish (``ROX_LOAD_WAIT``, seconds)."""
    try:
        return max(0.0, float(os.environ.get("ROX_LOAD_WAIT", DEFAULT_WAIT_S)))
    except ValueError:
        return DEFAULT_WAIT_S


class LoadLock:
    """An exclusive, process-bound lock on one file (``flock``)."""

    def __init__(self, path: Path, wait_s: float | None = None):
        self.path = Path(path)
        self.wait_s = wait_seconds() if wait_s is None else wait_s
        self._fh: IO[str] | None = None
        self._shared = False

    def _flock(self, mode: int) -> IO[str] | None:
        """The lock file held in ``mode`` (``LOCK_EX``/``LOCK_SH``), or None when it is taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - kept open while held
        try:
            fcntl.flock(fh, mode | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            return None
        return fh

    def try_acquire(self, holder: str = "") -> bool:
        """Take the lock if it is free; never waits."""
        if self._fh is not None:
            return True
        fh = self._flock(fcntl.LOCK_EX)
        if fh is None:
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(f"{holder}, pid {os.getpid()}" if holder else f"pid {os.getpid()}")
        fh.flush()
        self._fh = fh
        return True

    def try_acquire_shared(self) -> bool:
        """Hold the lock shared (with other readers, never with a load) if no load holds it; never waits."""
        if self._fh is not None:
            return True
        fh = self._flock(fcntl.LOCK_SH)
        if fh is None:
            return False
        self._fh, self._shared = fh, True
        return True

    def acquire(self, holder: str) -> None:
        """Take the lock, waiting up to :attr:`wait_s`; :class:`LoadBusy` says who holds it."""
        deadline = time.monotonic() + self.wait_s
        while not self.try_acquire(holder):
            if time.monotonic() >= deadline:
                raise LoadBusy(
                    f"another load is running on this store ({self.holder()}); waited {self.wait_s:.0f} s "
                    f"for it to finish. Try again when it has (ROX_LOAD_WAIT sets the wait, in seconds)"
                )
            time.sleep(POLL_S)

    def holder(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8").strip() or "unknown holder"
        except OSError:
            return "unknown holder"

    def release(self) -> None:
        if self._fh is not None:
            if not self._shared:
                self._fh.seek(0)
                self._fh.truncate()  # an empty file: nobody holds it
                self._fh.flush()
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh, self._shared = None, False
