"""The files of one embedded rox database, and what counts as one.

A rox database is named by one path, ``rox.db``; beside it live:

* ``rox.db`` itself: the RDB snapshot the server writes when it stops (a Redis
  RDB file: it starts with the five bytes ``REDIS``);
* ``rox.db.aof.d/``: the append-only log the server loads at start (a manifest
  ``rox.db.aof.manifest`` naming a base file and incremental ``*.incr.aof`` files);
* ``rox.db.logstate.json``: what rox last saw of that log (sizes, tail hashes;
  :mod:`rox.graph.logcheck`), to notice a log that was cut or damaged;
* ``rox.db.settings`` (the running server's socket and pid), ``rox.db.lock``
  (serialises start and stop), ``rox.db.server.log`` (the server's own log).

**What rox opens.** A path that does not exist yet (a new database is created
there), or a regular file that starts with ``REDIS``, or a missing file whose
``rox.db.aof.d/`` folder exists (a database whose server was killed before its
first snapshot). Anything else, a folder, a text file, an empty file, a device, is
refused by :func:`ensure_rox_database` with one line naming the path and why,
*before* anything is written: the server would otherwise overwrite it.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> ensure_rox_database(d / "new.db")            # does not exist yet: fine
>>> (d / "notes").write_text("my notes")
8
>>> ensure_rox_database(d / "notes")             # doctest: +ELLIPSIS
Traceback (most recent call last):
...
rox.graph.errors.NotARoxDatabase: .../notes is not a rox database (a file that does not start with REDIS, the mark of a database snapshot); it was left untouched. Give the path of a rox database, or a new one, with --db PATH / ROX_DB.
>>> DbFiles(d / "rox.db").aof_dir.name
'rox.db.aof.d'
"""

from __future__ import annotations

import fcntl
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rox.graph.errors import NotARoxDatabase

RDB_MAGIC = b"REDIS"


@dataclass(frozen=True)
class DbFiles:
    """Paths of one embedded database (see the module docstring)."""

    path: Path

    def _beside(self, suffix: str) -> Path:
        return self.path.with_name(self.path.name + suffix)

    @property
    def aof_dir(self) -> Path:
        return self._beside(".aof.d")

    @property
    def aof_name(self) -> str:
        """``appendfilename``: the prefix of every file in the log folder."""
        return self.path.name + ".aof"

    @property
    def manifest(self) -> Path:
        return self.aof_dir / (self.aof_name + ".manifest")

    @property
    def logstate(self) -> Path:
        return self._beside(".logstate.json")

    @property
    def settings(self) -> Path:
        return self._beside(".settings")

    @property
    def lock(self) -> Path:
        return self._beside(".lock")

    @property
    def server_log(self) -> Path:
        return self._beside(".server.log")


def database_problem(path: Path) -> str | None:
    """Why ``path`` is not a rox database, or None if rox may open it.

    >>> database_problem(Path("/"))
    'a folder'
    """
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return _aof_dir_problem(DbFiles(path))
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return "a folder"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_size == 0:
        return "an empty file"
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(RDB_MAGIC))
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if head != RDB_MAGIC:
        return "a file that does not start with REDIS, the mark of a database snapshot"
    return _aof_dir_problem(DbFiles(path))


def _aof_dir_problem(files: DbFiles) -> str | None:
    aof = files.aof_dir
    if os.path.lexists(aof) and not aof.is_dir():
        return f"beside a file {aof.name} where its log folder should be"
    return None


def ensure_rox_database(path: Path) -> None:
    """Raise :class:`NotARoxDatabase` unless ``path`` is a rox database or new."""
    problem = database_problem(Path(path))
    if problem:
        raise NotARoxDatabase(
            f"{path} is not a rox database ({problem}); it was left untouched. "
            "Give the path of a rox database, or a new one, with --db PATH / ROX_DB."
        )


@contextmanager
def startup_lock(files: DbFiles, *, folder_may_be_gone: bool = False) -> Iterator[None]:
    """Hold ``rox.db.lock`` (``flock``): starting, stopping, checking and repairing
    one database never overlap, across processes. The system drops the lock when
    its holder dies, even by ``kill -9``. ``folder_may_be_gone``: if the database's
    folder was deleted (nobody can join its server any more), go on without it."""
    if folder_may_be_gone and not files.path.parent.is_dir():
        yield
        return
    with open(files.lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
