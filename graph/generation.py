"""The store's generation: a counter every write advances, so a cache of what the store
held (the matrix snapshot, :mod:`rox.queries.snapshot`) knows when it is stale.

One node ``(:RoxGeneration)`` (no ``id`` or ``name``: searches never find it) holds ``uid`` (random, set when the node is
made: a store emptied with ``DETACH DELETE`` or replaced by another gets a new one) and
``value``. :meth:`rox.graph.store.Store.run` advances ``value`` before **and** after
every write statement:

* before: a write that dies half-way (``kill -9``, a lost server) has already made
  every cache of the older state stale;
* after: a cache read while the write ran (its generation read before the write
  landed) is stale once the write has landed.

A cache is therefore valid only for the ``(uid, value)`` it was read at, read under
the store's load lock held shared (writers hold it exclusively; see
:mod:`rox.loaders.load_lock`), so no write runs while it is read.

The node is rox's bookkeeping, not data: ``stats`` and the schema leave it out
(:data:`LABEL`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

__all__ = ["BUMP", "LABEL", "READ", "Generation", "read"]

LABEL = "RoxGeneration"

BUMP = (
    f"MERGE (g:{LABEL}) "
    "ON CREATE SET g.uid = $uid, g.value = 0 "
    "SET g.value = g.value + 1 "
    "RETURN g.uid AS uid, g.value AS value"
)

READ = f"MATCH (g:{LABEL}) RETURN g.uid AS uid, g.value AS value ORDER BY g.uid LIMIT 1"


@dataclass(frozen=True)
class Generation:
    """Which state of the store a cache was read from.

    >>> Generation("ab12", 7).key
    'ab12-7'
    >>> Generation("", 0).key  # a store never written since generations exist
    'none-0'
    """

    uid: str
    value: int

    @property
    def key(self) -> str:
        return f"{self.uid or 'none'}-{self.value}"


def new_uid() -> str:
    """A fresh store uid (12 hex digits)."""
    return uuid.uuid4().hex[:12]


def read(run: Any) -> Generation:
    """The generation now, through ``run(cypher, params)`` (a read)."""
    rows = run(READ, {})
    if not rows:
        return Generation("", 0)
    return Generation(str(rows[0]["uid"]), int(rows[0]["value"]))
