"""The load journal: which loads ran on a store, which finished, and how to undo each.

A folder beside the store, ``<db>.loads/`` (for Neo4j, which has no folder of ours,
one per server and database under the data folder: see :func:`base_path`), holds one
entry per load, ``<load id>.json`` (``id``, ``kind``, ``file``, ``status``,
``started``, ``finished``), written and synced to disk *before the first write* and
marked ``done`` at the end, and ``<load id>.undo.jsonl``: the values the load
changed, so that it can be undone (see :mod:`loaders.rollback`).

An entry still ``running`` when no process holds the store's load lock
(:mod:`loaders.load_lock`) is a load that died (``kill -9``, a crash):
:func:`loaders.loads.recover_unfinished_loads` rolls it back.

Statuses: ``running``, ``done``, ``rolled back`` (failed, undone at once),
``recovered`` (rolled back at the next open), ``undone`` (by ``rox loads undo``).

>>> import tempfile, pathlib
>>> j = Journal(pathlib.Path(tempfile.mkdtemp()) / "rox.db.loads")
>>> e = j.begin("load-0123456789ab", "table", "t.csv")
>>> j.append_undo(e.id, [{"op": "has_sector", "start": "TLF1", "end": "sic2007:30", "key": "k", "old": 1.0}])
>>> _ = j.set_status(e.id, "done")
>>> [(x.id, x.status) for x in j.entries()], list(j.undo_rows(e.id))[0]["old"]
([('load-0123456789ab', 'done')], 1.0)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rox.graph.config import default_db_path
from rox.graph.errors import NotFound

_ID = re.compile(r"^load-[0-9a-f]{12}$")


def base_path(store: Any) -> Path:
    """Where a store's journal and load lock live: beside the embedded database file; for
    Neo4j, ``<data folder>/rox/neo4j/<hash of address and database>`` on this machine."""
    db = getattr(store, "db_path", None) or getattr(store.settings, "db_path", None)
    if db is not None:
        return Path(db)
    s = store.settings
    tag = hashlib.sha256(f"{s.neo4j_uri}|{s.neo4j_database or ''}".encode()).hexdigest()[:16]
    return default_db_path().parent / "neo4j" / tag


@dataclass
class LoadEntry:
    """One load as the journal has it."""

    id: str
    kind: str
    file: str
    status: str = "running"
    started: str = ""
    finished: str = ""
    pid: int = 0
    seq: int = 0  # when it began, in nanoseconds: the order of loads
    note: str = ""
    counts: dict[str, int] = field(default_factory=dict)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")


def _sync_write(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` durably (temporary file, fsync, rename, fsync of the folder)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Journal:
    """The entries of one store's loads, in a folder."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    @classmethod
    def of(cls, store: Any) -> Journal:
        base = base_path(store)
        return cls(base.with_name(base.name + ".loads"))

    def _entry_path(self, load_id: str) -> Path:
        if not _ID.match(load_id):
            raise NotFound(f"{load_id!r} is not a load id (load-<12 hex digits>; `rox loads` lists them)")
        return self.folder / f"{load_id}.json"

    def begin(self, load_id: str, kind: str, file: str) -> LoadEntry:
        """Record a load as running, on disk, before it writes anything."""
        self.folder.mkdir(parents=True, exist_ok=True)
        entry = LoadEntry(load_id, kind, file, "running", _now(), pid=os.getpid(), seq=time.time_ns())
        self.save(entry)
        return entry

    def save(self, entry: LoadEntry) -> None:
        _sync_write(self._entry_path(entry.id), json.dumps(asdict(entry), indent=1))

    def get(self, load_id: str) -> LoadEntry:
        path = self._entry_path(load_id)
        if not path.exists():
            raise NotFound(f"no load {load_id} in this store's journal (`rox loads` lists them)")
        return LoadEntry(**json.loads(path.read_text(encoding="utf-8")))

    def set_status(self, load_id: str, status: str, note: str = "", counts: dict[str, int] | None = None) -> LoadEntry:
        entry = self.get(load_id)
        entry.status, entry.finished = status, _now()
        entry.note = note or entry.note
        if counts is not None:
            entry.counts = counts
        self.save(entry)
        return entry

    def entries(self) -> list[LoadEntry]:
        """Every load, oldest first."""
        if not self.folder.is_dir():
            return []
        out = [LoadEntry(**json.loads(p.read_text(encoding="utf-8"))) for p in self.folder.glob("load-*.json")]
        return sorted(out, key=lambda e: (e.seq, e.id))

    def append_undo(self, load_id: str, rows: Iterable[dict[str, Any]], sync: bool = True) -> None:
        """Add what is needed to undo part of a load (old values); synced unless ``sync`` is false."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / f"{load_id}.undo.jsonl", "a", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row) + "\n")
            fh.flush()
            if sync:
                os.fsync(fh.fileno())

    def undo_rows(self, load_id: str) -> Iterator[dict[str, Any]]:
        path = self.folder / f"{load_id}.undo.jsonl"
        if not path.exists():
            return
        with open(path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:  # a line cut by a crash: its values are on the relationships
                    continue
