"""Dataset tables (:class:`~rox.queries.profiles.Table`) to and from a folder of arrays
(:mod:`rox.queries.arrays_dir`), for the snapshot's table cache
(:class:`rox.queries.snapshot.TableCache`).

Each table's CSR arrays (values and location quotients) are stored as they are; names,
dataset, year, region level, dropped count and the dataset record's single values (kind,
unit, classification...: what :meth:`Table.describe` reports; not its lists of regions and
codes, which can be 100,000 long) as JSON. A folder that cannot be read is as good as
none: the tables are built again.

>>> import tempfile, pathlib
>>> from rox.queries.matrix import RegionSectorMatrix
>>> t = Table("d", 2021, "nuts2", RegionSectorMatrix.from_rows([("a", "s", 2.0), ("b", "t", 1.0)]), {"unit": "jobs"}, 3)
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x"
>>> save(p, [t]); [u] = load(p)
>>> (u.dataset, u.year, u.region_level, u.info, u.dropped, u.matrix.regions, u.matrix.values.toarray().tolist())
('d', 2021, 'nuts2', {'unit': 'jobs'}, 3, ['a', 'b'], [[2.0, 0.0], [0.0, 1.0]])
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from rox.queries import arrays_dir
from rox.queries.matrix import RegionSectorMatrix
from rox.queries.profiles import Table

__all__ = ["load", "save"]


def save(path: Path, tables: Sequence[Table]) -> None:
    """Write ``tables`` as the folder ``path`` (:mod:`rox.queries.arrays_dir`: atomic)."""
    arrays: dict[str, np.ndarray] = {}
    meta = []
    for i, t in enumerate(tables):
        m, rca = t.matrix, t.rca  # the location quotients computed once here, read by every later request
        for name, csr in (("values", m.values), ("rca", rca)):
            arrays.update({f"{name}_data{i}": csr.data, f"{name}_indices{i}": csr.indices})
            arrays[f"{name}_indptr{i}"] = csr.indptr
        meta.append(
            {
                "dataset": t.dataset,
                "year": t.year,
                "region_level": t.region_level,
                "info": {k: v for k, v in t.info.items() if not isinstance(v, (list, tuple, dict))},
                "dropped": t.dropped,
                "regions": list(m.regions),
                "sectors": list(m.sectors),
                "has_values": m.has_values,
            }
        )
    arrays_dir.write(path, arrays, meta)


def _csr(arrays: dict[str, np.ndarray], name: str, i: int, shape: tuple[int, int]) -> sp.csr_matrix:
    parts = (arrays[f"{name}_data{i}"], arrays[f"{name}_indices{i}"], arrays[f"{name}_indptr{i}"])
    return sp.csr_matrix(parts, shape=shape, copy=False)  # copy-on-write maps: SciPy may sort and prune in place


def load(path: Path) -> list[Table] | None:
    """The tables saved as the folder ``path``; None when there is no readable one."""
    got = arrays_dir.read(path, mode="c")
    if got is None:
        return None
    arrays, meta = got
    out = []
    try:
        for i, m in enumerate(meta):
            shape = (len(m["regions"]), len(m["sectors"]))
            matrix = RegionSectorMatrix(m["regions"], m["sectors"], _csr(arrays, "values", i, shape), m["has_values"])
            t = Table(m["dataset"], m["year"], m["region_level"], matrix, m["info"], m["dropped"])
            t.__dict__["rca"] = _csr(arrays, "rca", i, shape)  # the cached_property, as saved
            out.append(t)
    except (KeyError, ValueError, TypeError):
        return None  # damaged: built again
    return out
