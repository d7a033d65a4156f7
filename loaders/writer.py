"""The one writer of entity and table loads: load lock, journal, batches, progress, rollback.

Every load runs in a :class:`LoadSession` (:func:`load_session`):

1. the store's load lock is taken (:mod:`loaders.load_lock`): one load at a time,
   the next one waits; a load the journal still has as running died half-way and is
   rolled back first (:func:`recover_dead_loads`);
2. the caller validates (reading the store under the lock), nothing written yet;
3. :meth:`LoadSession.run` records the load in the journal (:mod:`loaders.journal`)
   with a new load id, then calls the caller's write function, which sends
   ``UNWIND $rows`` batches through :meth:`LoadSession.send` (one after the other)
   or :meth:`LoadSession.stream` (two in flight: one serialised while the server
   runs the other), with the load id as ``$lid``;
4. at the end the load is marked ``done``; if anything fails on the way (a database
   error, Ctrl-C) the load is rolled back (:mod:`loaders.rollback`) and
   :class:`graph.errors.RoxError` says so -- all or nothing.

Progress: a callable ``progress(done, total, what)``: ``done`` of ``total`` (``None``
when unknown) records, rows or bytes of the step ``what`` names (``"checking rows"``,
``"writing Region"``, ``"writing facts"``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Protocol, TypeVar

from rox.graph.errors import RoxError
from rox.loaders import rollback
from rox.loaders.journal import Journal, base_path
from rox.loaders.load_lock import LoadLock

T = TypeVar("T")
log = logging.getLogger("rox.loaders")
DEFAULT_BATCH = 2000


class Progress(Protocol):
    """``progress(done, total, what)``: ``done`` of ``total`` (``None``: unknown) in the step ``what``."""

    def __call__(self, done: int, total: int | None, what: str) -> None: ...


def new_load_id() -> str:
    """``load-<12 hex digits>``.

    >>> len(new_load_id()), new_load_id().startswith("load-")
    (17, True)
    """
    return f"load-{uuid.uuid4().hex[:12]}"


def _batches(rows: Sequence[dict[str, Any]] | Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class LoadSession:
    """One load on one store, under the store's load lock (see the module docstring)."""

    def __init__(
        self, store: Any, kind: str, file: str, progress: Progress | None = None, batch_size: int = DEFAULT_BATCH
    ):
        self.store, self.kind, self.file = store, kind, file
        self.progress = progress
        self.batch_size = max(1, batch_size)
        self.journal = Journal.of(store)
        self.id = ""
        self._sent: int = 0
        self._total: int | None = None
        self.recovered: list[str] = []  # messages on dead loads rolled back before this one
        self.counts: dict[str, int] = {}  # what the load wrote, for the journal

    # -- progress -------------------------------------------------------------
    def tell(self, done: int, total: int | None, what: str) -> None:
        if self.progress is not None:
            self.progress(done, total, what)

    def expect(self, total: int) -> None:
        """Count the rows of the coming :meth:`send` calls as one step of ``total`` rows."""
        self._sent, self._total = 0, total

    # -- the write phase --------------------------------------------------------
    def run(self, write: Callable[[LoadSession], T]) -> T:
        """Journal the load, run ``write(self)``; roll everything back if it fails."""
        self.id = new_load_id()
        self.journal.begin(self.id, self.kind, self.file)
        try:
            result = write(self)
        except BaseException as exc:
            undone = self._roll_back(exc)
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise RoxError(f"load of {self.file} failed: {exc}. Nothing was kept: {undone}") from exc
        self.journal.set_status(self.id, "done", counts=self.counts)
        return result

    def _roll_back(self, exc: BaseException) -> str:
        try:
            undone = rollback.rollback(self.store, self.id, self.journal.undo_rows(self.id))
        except Exception as rb:  # pragma: no cover - a store that fails both ways
            raise RoxError(
                f"load of {self.file} failed ({exc}) and so did the rollback ({rb}); the next open "
                f"of the store rolls load {self.id} back (or: rox loads undo {self.id})"
            ) from exc
        self.journal.set_status(self.id, "rolled back", f"{exc}; {undone}")
        return undone

    def keep_undo(self, rows: Iterable[dict[str, Any]], sync: bool = True) -> None:
        """Journal what undoes part of this load (old values), before or as it is changed."""
        self.journal.append_undo(self.id, rows, sync)

    def send(
        self, cypher: str, rows: Sequence[Any], what: str, params: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Run ``cypher`` over ``rows`` in batches, one after the other; returns the rows it returned."""
        base = {"lid": self.id, **(params or {})}
        out: list[dict[str, Any]] = []
        done = 0
        for batch in _batches(rows, self.batch_size):
            out.extend(self.store.run(cypher, {**base, "rows": batch}, write=True))
            done += len(batch)
            self._sent += len(batch)
            if self._total is None:
                self.tell(done, len(rows), what)
            else:
                self.tell(self._sent, self._total, what)
        return out

    def stream(
        self,
        cypher: str,
        batches: Iterable[dict[str, Any]],
        what: str,
        params: dict[str, Any],
        total: int | None,
        on_result: Callable[[dict[str, Any], list[dict[str, Any]]], None],
    ) -> int:
        """Run ``cypher`` once per batch (a dict of parameters with ``rows``), two in flight;
        ``on_result(batch, returned rows)`` is called for each, one at a time. Returns the rows sent.
        On an error the batches in flight finish before it is raised."""
        base = {"lid": self.id, **params}
        guard = threading.Lock()

        def one(batch: dict[str, Any]) -> int:
            got = self.store.run(cypher, {**base, **batch}, write=True)
            with guard:
                on_result(batch, got)
            return len(batch["rows"])

        pending: list[Future[int]] = []
        done = 0
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="rox-load") as pool:
            try:
                for batch in batches:
                    if len(pending) >= 2:
                        done += pending.pop(0).result()
                        self.tell(done, total, what)
                    pending.append(pool.submit(one, batch))
                while pending:
                    done += pending.pop(0).result()
            finally:
                for fut in pending:  # an error: let batches in flight finish before rolling back
                    with contextlib.suppress(Exception):  # the first error is the one raised
                        fut.result()
        self.tell(done, total, what)
        return done


def recover_dead_loads(store: Any, journal: Journal) -> list[str]:
    """Roll back the loads the journal has as ``running`` -- call it only while holding the load
    lock, when no load can be running; one message for each."""
    out = []
    for entry in journal.entries():
        if entry.status != "running":
            continue
        undone = rollback.rollback(store, entry.id, journal.undo_rows(entry.id))
        journal.set_status(entry.id, "recovered", undone)
        msg = (
            f"load {entry.id} ({entry.kind}, {entry.file}, started {entry.started}) did not finish: rolled back "
            f"({undone})"
        )
        log.warning(msg)
        out.append(msg)
    return out


@contextmanager
def load_session(
    store: Any, kind: str, file: str, progress: Progress | None = None, batch_size: int = DEFAULT_BATCH
) -> Iterator[LoadSession]:
    """A :class:`LoadSession` holding the store's load lock until the block ends."""
    lock = lock_for(store)
    lock.acquire(f"{kind} load of {file}")
    try:
        session = LoadSession(store, kind, file, progress, batch_size)
        # a load that died half-way is rolled back before this one reads the store
        session.recovered = recover_dead_loads(store, session.journal)
        yield session
    finally:
        lock.release()


def lock_for(store: Any) -> LoadLock:
    """The load lock of a store (``<db>.loadlock``)."""
    base = base_path(store)
    return LoadLock(base.with_name(base.name + ".loadlock"))
