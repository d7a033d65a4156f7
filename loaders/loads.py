"""The loads of a store: list them, undo one, and roll back those that died half-way.

* :func:`list_loads` -- every load in the store's journal, oldest first
  (``rox loads``);
* :func:`undo_load` -- take back a finished load: what it created is deleted, the
  values it changed are put back (``rox loads undo LOAD_ID``). Only the latest
  load that is still in effect can be undone, since a later load may build on it;
* :func:`recover_unfinished_loads` -- called when a store is opened
  (:meth:`rox.api.Rox.open`): a load still ``running`` in the journal while no
  process holds the load lock died half-way (``kill -9``, a crash of rox or of
  the server); it is rolled back and a message says so.
"""

from __future__ import annotations

from typing import Any

from rox.graph.errors import RoxError
from rox.loaders import rollback
from rox.loaders.journal import Journal, LoadEntry
from rox.loaders.writer import lock_for, recover_dead_loads

IN_EFFECT = frozenset({"done"})


def list_loads(store: Any) -> list[LoadEntry]:
    """Every load in the store's journal, oldest first."""
    return Journal.of(store).entries()


def undo_load(store: Any, load_id: str) -> str:
    """Undo finished load ``load_id``; returns what was done. Refuses a load that is not the latest
    one in effect, or that is not finished (a running one is rolled back by its own process)."""
    journal = Journal.of(store)
    lock = lock_for(store)
    lock.acquire(f"undo of {load_id}")
    try:
        recover_dead_loads(store, journal)
        entry = journal.get(load_id)
        if entry.status not in IN_EFFECT:
            raise RoxError(f"load {load_id} is {entry.status}, not done: there is nothing to undo")
        later = [e for e in journal.entries() if e.status in IN_EFFECT and (e.seq, e.id) > (entry.seq, entry.id)]
        if later:
            raise RoxError(
                f"load {load_id} ({entry.file}) is followed by load {later[-1].id} ({later[-1].file}), "
                f"which may build on it; undo that first"
            )
        undone = rollback.rollback(store, load_id, journal.undo_rows(load_id))
        journal.set_status(load_id, "undone", undone)
        return f"undid load {load_id} of {entry.file}: {undone}"
    finally:
        lock.release()


def recover_unfinished_loads(store: Any) -> list[str]:
    """Roll back the loads that died half-way; one message per load (empty when there were none).

    Nothing is touched while another process is loading (it holds the load lock).
    """
    journal = Journal.of(store)
    if not any(e.status == "running" for e in journal.entries()):
        return []
    lock = lock_for(store)
    if not lock.try_acquire("recovery of unfinished loads"):
        return []
    try:
        return recover_dead_loads(store, journal)
    finally:
        lock.release()
