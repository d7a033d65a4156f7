"""Dataset tables (:class:`~rox.queries.profiles.Table`) to and from one ``.npz`` file,
for the snapshot's table cache (:class:`rox.queries.snapshot.TableCache`).

Each table's CSR arrays are stored as they are; names, dataset, year, region level,
dataset record and dropped count as JSON. Written to a temporary name and renamed (a
reader sees a whole file or none); read with ``allow_pickle=False``. A file that cannot
be read is as good as none: the tables are built again.

>>> import tempfile, pathlib
>>> from rox.queries.matrix import RegionSectorMatrix
>>> t = Table("d", 2021, "nuts2", RegionSectorMatrix.from_rows([("a", "s", 2.0), ("b", "t", 1.0)]), {"unit": "jobs"}, 3)
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.npz"
>>> save(p, [t]); [u] = load(p)
>>> (u.dataset, u.year, u.region_level, u.info, u.dropped, u.matrix.regions, u.matrix.values.toarray().tolist())
('d', 2021, 'nuts2', {'unit': 'jobs'}, 3, ['a', 'b'], [[2.0, 0.0], [0.0, 1.0]])
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rox.queries.matrix import RegionSectorMatrix
from rox.queries.profiles import Table

__all__ = ["load", "save"]


def save(path: Path, tables: Sequence[Table]) -> None:
    """Write ``tables`` to ``path`` atomically."""
    arrays: dict[str, np.ndarray] = {}
    meta = []
    for i, t in enumerate(tables):
        m = t.matrix
        arrays.update({f"data{i}": m.values.data, f"indices{i}": m.values.indices, f"indptr{i}": m.values.indptr})
        meta.append(
            {
                "dataset": t.dataset,
                "year": t.year,
                "region_level": t.region_level,
                "info": dict(t.info),
                "dropped": t.dropped,
                "regions": list(m.regions),
                "sectors": list(m.sectors),
                "has_values": m.has_values,
            }
        )
    arrays["meta"] = np.frombuffer(json.dumps(meta, default=str).encode("utf-8"), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".npz")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # type: ignore[arg-type]  # numpy's stub types the keywords too narrowly
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def load(path: Path) -> list[Table] | None:
    """The tables saved at ``path``; None when there is no readable file."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
            parts = [(z[f"data{i}"], z[f"indices{i}"], z[f"indptr{i}"]) for i in range(len(meta))]
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
    out = []
    for m, (data, indices, indptr) in zip(meta, parts, strict=True):
        values = sp.csr_matrix((data, indices, indptr), shape=(len(m["regions"]), len(m["sectors"])))
        matrix = RegionSectorMatrix(m["regions"], m["sectors"], values, m["has_values"])
        out.append(Table(m["dataset"], m["year"], m["region_level"], matrix, m["info"], m["dropped"]))
    return out
