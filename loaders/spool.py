"""Valid rows of a table's first pass, packed in a temporary file for the second.

Each row is four numbers: region index, code index, value, year (18 bytes on
disk). Memory stays at one chunk whatever the file size, and the second pass
does not parse the file again.

>>> s = Spool()
>>> s.add(1, 2, 3.5, 2021); s.add(0, 1, 7.0, None)
>>> [list(zip(*chunk)) for chunk in s.chunks()]
[[(1, 2, 3.5, 2021), (0, 1, 7.0, 0)]]
>>> s.rows
2
>>> s.close()
"""

from __future__ import annotations

import tempfile
from array import array
from collections.abc import Iterator

TYPES = ("i", "i", "d", "h")


class Spool:
    """Packed (region, code, value, year) rows in a temporary file, read back in chunks."""

    CHUNK = 65_536

    def __init__(self) -> None:
        self._fh = tempfile.TemporaryFile(prefix="rox-spool-")  # noqa: SIM115 - closed by close()
        self._new()
        self.rows = 0

    def _new(self) -> None:
        self.r: array[int] = array("i")
        self.c: array[int] = array("i")
        self.v: array[float] = array("d")
        self.y: array[int] = array("h")

    def add(self, r: int, c: int, v: float, y: int | None) -> None:
        self.r.append(r)
        self.c.append(c)
        self.v.append(v)
        self.y.append(y or 0)
        if len(self.r) >= self.CHUNK:
            self.flush()

    def flush(self) -> None:
        n = len(self.r)
        if n:
            self._fh.write(n.to_bytes(4, "little"))
            for a in (self.r, self.c, self.v, self.y):
                a.tofile(self._fh)
            self.rows += n
            self._new()

    def chunks(self) -> Iterator[list[array]]:
        """The rows as chunks of four parallel arrays (region, code, value, year)."""
        self.flush()
        self._fh.seek(0)
        while True:
            head = self._fh.read(4)
            if not head:
                return
            n = int.from_bytes(head, "little")
            out = []
            for t in TYPES:
                a = array(t)
                a.fromfile(self._fh, n)
                out.append(a)
            yield out

    def close(self) -> None:
        self._fh.close()
