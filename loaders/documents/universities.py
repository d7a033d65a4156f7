"""The world's universities, as bundled with rox: name, country, web domain and state or province.

Read from ``loaders/reference/universities.csv.gz`` (Hipo's university-domains-list, MIT; made
by ``scripts/make_universities.py``, see ``loaders/reference/universities.PROVENANCE.md``)
through :mod:`importlib.resources`, so it is found in an installed wheel as well as in the
source tree. Read once per process (10,232 rows).

>>> derby = [u for u in world_universities() if u.name == "University of Derby"]
>>> derby
[University(name='University of Derby', country='GB', domain='derby.ac.uk', state_province=None)]
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
from importlib import resources
from typing import NamedTuple

#: The bundled file, relative to the ``rox.loaders`` package.
RESOURCE = ("reference", "universities.csv.gz")


class University(NamedTuple):
    """One university: its name as listed, ISO 3166-1 alpha-2 country, first web domain, and
    state or province when the list gives one."""

    name: str
    country: str
    domain: str
    state_province: str | None


@functools.cache
def world_universities() -> tuple[University, ...]:
    """Every bundled university, sorted by country then name (one per name and country)."""
    data = resources.files("rox.loaders").joinpath(*RESOURCE).read_bytes()
    with io.TextIOWrapper(io.BytesIO(gzip.decompress(data)), encoding="utf-8", newline="") as fh:
        return tuple(
            University(r["name"], r["country"], r["domain"], r["state_province"] or None) for r in csv.DictReader(fh)
        )
