"""A folder of NumPy arrays (one ``.npy`` each) and a ``meta.json``, written atomically and
read memory-mapped: the on-disk form of the matrix snapshot and its tables
(:mod:`rox.queries.snapshot`, :mod:`rox.queries.table_file`).

Why a folder and not one ``.npz``: an ``.npz`` is a zip, read whole, copied and
checksummed on every load (0.5 s for 4 M facts); ``.npy`` files open memory-mapped, so a
request pays only for the pages it touches, and several processes share them in the
page cache.

* :func:`write` fills a temporary folder beside the target and renames it into place:
  a reader sees the whole folder or none. If another process got there first, its
  folder (of the same content) stays and ours is dropped.
* :func:`read` returns None for a missing or unreadable folder (the caller builds it
  again); arrays are opened read-only, never with pickles.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
>>> write(p, {"a": np.arange(3)}, {"n": 3})
>>> arrays, meta = read(p)
>>> arrays["a"].tolist(), meta
([0, 1, 2], {'n': 3})
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np

__all__ = ["read", "write"]

META = "meta.json"


def write(path: Path, arrays: Mapping[str, np.ndarray], meta: Any) -> None:
    """Write ``arrays`` and ``meta`` (JSON) as the folder ``path``, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=".tmp-"))
    try:
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", np.ascontiguousarray(arr), allow_pickle=False)
        (tmp / META).write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
        try:
            os.rename(tmp, path)
        except OSError:  # the folder is there already: another process wrote the same state
            shutil.rmtree(tmp, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read(path: Path, mode: Literal["r", "c"] = "r") -> tuple[dict[str, np.ndarray], Any] | None:
    """The arrays (memory-mapped: ``mode`` ``"r"`` read-only, ``"c"`` copy-on-write, so a
    caller may change them in memory without a copy up front and the file stays as it is)
    and meta of the folder ``path``; None when it is missing or cannot be read."""
    try:
        meta = json.loads((path / META).read_text(encoding="utf-8"))
        arrays = {p.stem: np.load(p, mmap_mode=mode, allow_pickle=False) for p in path.glob("*.npy")}
    except (OSError, ValueError):
        return None
    return arrays, meta


def remove(path: Path) -> None:
    """Delete a folder written by :func:`write` (a reader holding its arrays keeps them)."""
    with contextlib.suppress(OSError):
        shutil.rmtree(path)
