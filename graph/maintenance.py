"""``check_store`` and ``repair_store``: what ``rox check`` and ``rox repair`` do.

:func:`check_store` reads, never writes: is the path a rox database, does its log
match what rox last wrote (:func:`rox.graph.logcheck.verify_log`), and does every
file parse to its end (Redis' ``redis-check-aof``)?

:func:`repair_store` first keeps a copy of the log as found
(``rox.db.aof.d.damaged-<time>/``, with rox's record of it), then:

* cuts the last file after its last complete command when its end does not parse
  (``redis-check-aof --fix``), or from the first damaged 256 KiB chunk when its bytes
  were overwritten (what follows a damaged write cannot be trusted);
* accepts what is left: the record is written anew, so the database opens with
  the data that survived. The report says what was cut and where the copy is.

A missing manifest is rebuilt from the log files found; a missing log folder from
the snapshot ``rox.db`` (the state at the last clean stop). A damaged base file
(the snapshot the log starts from) cannot be repaired by cutting: the report says
so and the copy is kept.

>>> import tempfile, pathlib
>>> report = check_store(pathlib.Path(tempfile.mkdtemp()) / "rox.db")
>>> report.ok, report.summary()   # doctest: +ELLIPSIS
(True, '.../rox.db: no problems found')
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from rox.graph.dbfiles import DbFiles, database_problem, startup_lock
from rox.graph.errors import ServerBusy
from rox.graph.logcheck import (
    CHUNK,
    first_bad_chunk,
    forget_log_state,
    load_state,
    read_manifest,
    record_log_state,
    redis_check_aof,
    verify_log,
)
from rox.graph.server import running_server


@dataclass
class StoreReport:
    """What a check or repair found and did; ``ok`` when nothing is wrong (any more)."""

    path: Path
    problems: list[str] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    copy: Path | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line: the first problem, or that there is none."""
        if self.problems:
            more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
            return f"{self.path}: {self.problems[0]}{more}"
        return f"{self.path}: no problems found"

    def lines(self) -> list[str]:
        """Every problem, action and note, one a line, for the CLI."""
        return (
            [f"problem: {p}" for p in self.problems]
            + [f"done: {a}" for a in self.actions]
            + [f"note: {n}" for n in self.notes]
        )


def check_store(path: str | os.PathLike) -> StoreReport:
    """Check the embedded database at ``path``; reads only."""
    files = DbFiles(Path(path).expanduser().resolve())
    report = StoreReport(files.path)
    problem = database_problem(files.path)
    if problem:
        report.problems.append(f"not a rox database ({problem})")
        return report
    if not files.aof_dir.exists() and not files.path.exists():
        report.notes.append("no database here yet; rox creates one on first use")
        return report
    report.problems += verify_log(files)
    if files.manifest.exists():
        report.problems += [p for p in redis_check_aof(files).problems() if p not in report.problems]
    if load_state(files) is None:
        report.notes.append("rox has no record of this log yet (it writes one after the next write)")
    found = running_server(files)
    if found:
        report.notes.append(f"a server (pid {found[0]}) is using the database; files may grow while checked")
    return report


def repair_store(path: str | os.PathLike, *, now: float | None = None) -> StoreReport:
    """Repair the embedded database at ``path`` (see the module docstring).

    Refuses (:class:`ServerBusy`) while a server runs on it: stop it first
    (:func:`rox.graph.server.stop_server`).
    """
    files = DbFiles(Path(path).expanduser().resolve())
    with startup_lock(files):
        found = running_server(files)
        if found:
            raise ServerBusy(
                f"the database at {files.path} is in use by its server (pid {found[0]}); "
                "stop it first (`rox server stop`), then repair"
            )
        before = check_store(files.path)
        if before.ok or before.problems[0].startswith("not a rox database"):
            return before
        report = StoreReport(files.path, notes=[f"found: {p}" for p in before.problems])
        report.copy = _keep_copy(files, now)
        report.actions.append(f"kept a copy of the log as found in {report.copy}")
        _restore_manifest(files, report)
        _cut_damage(files, report)
        after = redis_check_aof(files) if files.manifest.exists() else None
        if after is not None and not after.valid:
            report.problems += after.problems() or ["the log still does not parse"]
            return report
        if not files.manifest.exists() and files.aof_dir.exists():
            report.problems.append(
                f"the log's manifest is missing and no log file was found to rebuild it; "
                f"the files are kept in {report.copy}"
            )
            return report
        forget_log_state(files)
        record_log_state(files, fresh=True)
        report.actions.append("accepted the log as it now is: the database opens with what is left")
        return report


def _keep_copy(files: DbFiles, now: float | None) -> Path:
    """Copy the log folder and rox's record of it aside, under a new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now))
    copy = files.aof_dir.with_name(f"{files.aof_dir.name}.damaged-{stamp}")
    n = 1
    while copy.exists():
        n += 1
        copy = files.aof_dir.with_name(f"{files.aof_dir.name}.damaged-{stamp}-{n}")
    if files.aof_dir.is_dir():
        shutil.copytree(files.aof_dir, copy)
    else:
        copy.mkdir()
    if files.logstate.exists():
        shutil.copy2(files.logstate, copy / files.logstate.name)
    return copy


_LOG_FILE = re.compile(r"\.(?P<seq>\d+)\.(?P<type>base|incr)\.(?:rdb|aof)$")


def _restore_manifest(files: DbFiles, report: StoreReport) -> None:
    """Write a manifest when it is missing: from the log files present, or, with no
    log folder at all, from the snapshot ``rox.db``."""
    if files.manifest.exists():
        return
    if files.aof_dir.exists():
        _manifest_from_files(files, report)
    elif files.path.is_file():
        _log_from_snapshot(files, report)


def _log_from_snapshot(files: DbFiles, report: StoreReport) -> None:
    """A new log whose base is the snapshot (an RDB file can be a log's base)."""
    files.aof_dir.mkdir()
    base = f"{files.aof_name}.1.base.rdb"
    shutil.copy2(files.path, files.aof_dir / base)
    _write_manifest(files, [(base, 1, "b")])
    taken = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(files.path.stat().st_mtime))
    report.actions.append(
        f"rebuilt the log from the snapshot {files.path.name} of {taken}; writes made after it are lost"
    )


def _manifest_from_files(files: DbFiles, report: StoreReport) -> None:
    """The newest base file and the incremental files from its number on."""
    found: list[tuple[str, int, str]] = []
    for p in files.aof_dir.iterdir():
        m = _LOG_FILE.search(p.name)
        if m and p.name.startswith(files.aof_name + "."):
            found.append((p.name, int(m["seq"]), "b" if m["type"] == "base" else "i"))
    bases = [f for f in found if f[2] == "b"]
    if not bases:
        return
    newest = max(bases, key=lambda f: f[1])
    chosen = [newest] + sorted((f for f in found if f[2] == "i" and f[1] >= newest[1]), key=lambda f: f[1])
    _write_manifest(files, chosen)
    report.actions.append(f"rebuilt the manifest from {', '.join(f[0] for f in chosen)}")


def _write_manifest(files: DbFiles, entries: list[tuple[str, int, str]]) -> None:
    files.manifest.write_text("".join(f"file {name} seq {seq} type {kind}\n" for name, seq, kind in entries))


def _cut_damage(files: DbFiles, report: StoreReport) -> None:
    """Cut the last incremental file from its first damaged chunk, then after its
    last complete command."""
    entries = read_manifest(files) or []
    incr = [e for e in entries if e.type == "i"]
    if not incr:
        return
    last = files.aof_dir / incr[-1].name
    state = load_state(files) or {}
    rec = state.get("files", {}).get(incr[-1].name)
    if rec and last.exists():
        size = last.stat().st_size
        bad = first_bad_chunk(last, rec["crcs"], min(size, rec["size"]), rec["size"])
        if bad is not None:
            os.truncate(last, bad * CHUNK)
            report.actions.append(
                f"cut {last.name} at byte {bad * CHUNK:,}, where its damage starts "
                f"({size - bad * CHUNK:,} bytes removed)"
            )
    check = redis_check_aof(files)
    sizes = {name: size for name, (size, ok) in check.analyzed.items() if ok < size}
    if last.name in sizes:
        redis_check_aof(files, fix=True)
        cut = sizes[last.name] - last.stat().st_size
        report.actions.append(f"cut the incomplete command at the end of {last.name} ({cut:,} bytes removed)")
