"""Dataset profiles: what the generic table reader cannot know about one publisher's files.

The reader (:mod:`loaders.tables`) knows layouts, not datasets. A profile
recognises one kind of file and supplies what only that kind needs, through
hooks the reader and the loader call:

* :meth:`Profile.detect` -- is this file one of mine? (from its first line and
  header, see :class:`Head`);
* :meth:`Profile.open` / :meth:`Profile.rows` -- for a file format of its own
  (Eurostat TSV): build the :class:`~loaders.table_model.Table` and stream its cells;
* :meth:`Profile.columns` -- which columns hold what, the sector scheme, one year
  for the whole file, a value column named after its year (``n2015``), notes and
  warnings (Census of India);
* :meth:`Profile.row_regions` -- the region of each row when it is made of
  several columns, rows of another region level skipped and checks run at the
  end (Census of India state and district codes);
* :meth:`Profile.resolve_region` -- region codes of the dataset's own (Census
  state codes, US FIPS state codes) resolved to rox places before the gazetteer.

Adding a profile = one module in this package defining a :class:`Profile` subclass
decorated with :func:`register` (modules here are imported with the package), and
its test. Profiles with a :attr:`Profile.layout` add that value to ``--layout``.

>>> sorted(PROFILES)
['census-in', 'eurostat-sbs', 'eurostat-tsv', 'us-susb']
>>> [p.name for p in format_profiles()]
['eurostat-tsv']
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from rox.loaders.gazetteer import Resolution
    from rox.loaders.table_model import Cell, Table, TableSpec


@dataclass(frozen=True)
class Head:
    """What a profile sees to recognise a file: its path, first line, the header the generic
    reader found (empty before the reader split it) and the ``--layout`` asked for."""

    path: Path
    first_line: str
    header: list[str] = field(default_factory=list)
    layout: str = "auto"


class RowRegions(Protocol):
    """Per-row region reading of a profile (see :meth:`Profile.row_regions`)."""

    def region(self, cells: list[str], sector: str) -> tuple[str, str | None] | None:
        """(region text, region name) of a row, or ``None`` to skip the row."""

    def finish(self) -> None:
        """Called after the last row: checks over the whole file (notes, warnings)."""


class Profile:
    """One kind of published file. Subclasses set :attr:`name` and :attr:`title` and override
    the hooks they need; the defaults leave everything to the generic reader."""

    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: a ``--layout`` value selecting this profile: it reads the file itself (:meth:`open`, :meth:`rows`)
    layout: ClassVar[str | None] = None
    #: the generic layout files of this kind have (``long``), so it is not detected
    table_layout: ClassVar[str | None] = None
    #: TableSpec options that only this profile understands (e.g. ``region_level``)
    options: ClassVar[frozenset[str]] = frozenset()

    def detect(self, head: Head) -> bool:
        """Whether the file is of this kind."""
        return False

    def open(self, spec: TableSpec, head: Head, notes: list[str], encoding: str, size: int) -> Table:
        """Build the table of a file format of its own (profiles with :attr:`layout` only)."""
        raise NotImplementedError(f"profile {self.name} reads no file format of its own")

    def rows(self, table: Table) -> Iterator[Cell] | None:
        """The cells of a file format of its own; ``None``: the generic layouts melt the rows."""
        return None

    def columns(self, table: Table, used: set[str]) -> None:
        """Set the columns, scheme, year ... this kind of file implies; add the names used to ``used``."""

    def row_regions(self, table: Table, index: dict[str, int]) -> RowRegions | None:
        """A per-row region reader (``index``: column name -> position), or ``None``: the region column."""
        return None

    def resolve_region(self, text: str, name: str | None) -> Resolution | None:
        """A place for a region code of this dataset's own, or ``None`` for the gazetteer."""
        return None

    def __repr__(self) -> str:
        return f"<profile {self.name}>"


PROFILES: dict[str, Profile] = {}


def register(cls: type[Profile]) -> type[Profile]:
    """Class decorator: add one instance of a profile to :data:`PROFILES`."""
    if not cls.name or cls.name in PROFILES:
        raise ValueError(f"profile {cls.__name__} needs a unique name, got {cls.name!r}")
    PROFILES[cls.name] = cls()
    return cls


def format_profiles() -> list[Profile]:
    """Profiles that read a file format of their own (they have a ``--layout`` value)."""
    return [p for p in PROFILES.values() if p.layout]


def profile_layouts() -> tuple[str, ...]:
    return tuple(p.layout for p in format_profiles() if p.layout)


def for_format(head: Head) -> Profile | None:
    """The profile reading this file in its own format: named by ``--layout``, else detected."""
    for p in format_profiles():
        if head.layout == p.layout or (head.layout == "auto" and p.detect(head)):
            return p
    return None


def for_header(head: Head) -> Profile | None:
    """The first header-level profile (no format of its own) that recognises the file."""
    return next((p for p in PROFILES.values() if not p.layout and p.detect(head)), None)


def accepting(option: str) -> list[Profile]:
    """Profiles that understand a TableSpec option (for the error when it does not apply)."""
    return [p for p in PROFILES.values() if option in p.options]


def resolver(profile: Profile | None) -> list[Any]:
    """The region hooks of a table's profile, for :class:`loaders.gazetteer.Gazetteer`."""
    return [profile.resolve_region] if profile is not None else []


def _import_all() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_import_all()
