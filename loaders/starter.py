"""The bundled starter statistics (``data/statistics``): which files, with which options.

rox ships four tables of real statistics, compressed, so a new user has real data
without ``../shared`` (``rox demo --statistics``, ``Rox.load_demo(statistics=True)``).
:data:`STARTER_FILES` is their manifest: for each file the dataset it forms, the title
its Source node gets (with the attribution its licence asks for) and the reader and
load options it needs. :func:`load_starter` loads them one after the other, each as
one all-or-nothing table load (:func:`rox.loaders.table_load.load_table`); loading them
again changes nothing. How the files were cut from ``../shared/data`` and their
licences: ``data/statistics/README.md`` and its ``PROVENANCE-*.md`` files
(``scripts/make_statistics.py`` makes the files).

>>> [f.dataset for f in STARTER_FILES]
['uk-ons-bres-2021', 'eu-sbs-2015', 'us-susb-2021', 'world-trade-1998-2000']
>>> f = STARTER_FILES[0]
>>> f.load_options().sector_scheme, f.load_options().dataset, f.table_spec(Path("data/statistics")).path.name
('sic2007', 'uk-ons-bres-2021', 'uk-ons-bres-2021.csv.gz')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rox.graph.errors import NotFound
from rox.loaders.table_load import LoadOptions, LoadSummary, load_table
from rox.loaders.table_model import TableSpec

#: ``progress(done, total, what)``, as :mod:`rox.loaders.writer` calls it.
ProgressFn = Callable[[int, "int | None", str], None]


@dataclass(frozen=True)
class StarterFile:
    """One bundled table: its file in ``data/statistics``, its dataset name, its Source
    title, its provenance note, and the :class:`TableSpec` / :class:`LoadOptions` fields it
    is loaded with (only those detection would not settle, or must not change)."""

    file: str
    dataset: str
    title: str
    provenance: str
    spec: Mapping[str, Any] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)

    def table_spec(self, folder: Path) -> TableSpec:
        """The reader options, for the file in ``folder``."""
        return TableSpec(folder / self.file, **self.spec)

    def load_options(self) -> LoadOptions:
        """The load options, with the file's dataset name and Source title."""
        return LoadOptions(title=self.title, dataset=self.dataset, **self.options)


STARTER_FILES: tuple[StarterFile, ...] = (
    StarterFile(
        "uk-ons-bres-2021.csv.gz",
        "uk-ons-bres-2021",
        "ONS BRES 2021: employment by ITL2 region and SIC 2007 division (Open Government Licence v3.0)",
        "PROVENANCE-uk-ons-bres-2021.md",
        options={"sector_scheme": "sic2007", "kind": "employment", "unit": "persons"},
    ),
    StarterFile(
        "eu-sbs-2015.csv.gz",
        "eu-sbs-2015",
        "Eurostat SBS 2015: persons employed by NUTS 2 region and NACE Rev. 2 division "
        "(Source: Eurostat, sbs_r_nuts06_r2; CC BY 4.0)",
        "PROVENANCE-eu-sbs-2015.md",
        options={"sector_scheme": "nace2", "region_scheme": "nuts2013", "kind": "employment", "unit": "persons"},
    ),
    StarterFile(
        "us-susb-2021.csv.gz",
        "us-susb-2021",
        "US Census Bureau SUSB 2021: employment by state and NAICS sector (public domain)",
        "PROVENANCE-us-susb-2021.md",
        spec={"value_col": "Employment"},
        options={"sector_scheme": "naics2017", "kind": "employment", "unit": "persons"},
    ),
    StarterFile(
        "world-trade-1998-2000.csv.gz",
        "world-trade-1998-2000",
        "World exports by country and SITC Rev. 2 product, average 1998-2000, USD "
        "(R package economiccomplexity, Open Trade Statistics; Apache-2.0)",
        "PROVENANCE-world-trade-1998-2000.md",
        options={"sector_scheme": "sitc2", "kind": "exports", "unit": "USD"},
    ),
)


def check_folder(folder: Path) -> None:
    """Raise :class:`NotFound` naming the first bundled file missing from ``folder``."""
    for f in STARTER_FILES:
        if not (folder / f.file).is_file():
            raise NotFound(f"{folder / f.file}: the bundled statistics file is missing (see data/statistics/README.md)")


def load_starter(store: Any, folder: Path, progress: ProgressFn | None = None) -> list[LoadSummary]:
    """Load every bundled file of ``folder`` in manifest order; one summary per file.

    Each file is its own all-or-nothing load; ``progress`` steps are prefixed with the
    file's dataset name (``"eu-sbs-2015: checking rows"``).
    """
    check_folder(folder)
    out = []
    for f in STARTER_FILES:
        step = _prefixed(progress, f.dataset) if progress else None
        out.append(load_table(store, f.table_spec(folder), f.load_options(), step))
    return out


def _prefixed(progress: ProgressFn, name: str) -> ProgressFn:
    def step(done: int, total: int | None, what: str) -> None:
        progress(done, total, f"{name}: {what}")

    return step
