"""Result types of :mod:`rox.api` built on the loaders' own classes.

Kept apart so that importing :mod:`rox.api` does not import the loaders (pydantic and
more, about half a second): :mod:`rox.api` re-exports these on first use. Import them
from :mod:`rox.api`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rox.loaders.entities import LoadReport
from rox.loaders.table_load import LoadSummary


@dataclass
class DemoReport(LoadReport):
    """What :meth:`rox.api.Rox.load_demo` merged: the entity demo's counts (a :class:`LoadReport`)
    and, with ``statistics=True``, one :class:`LoadSummary` per bundled table."""

    tables: list[LoadSummary] = field(default_factory=list)
