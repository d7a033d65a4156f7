"""NUTS gazetteer: Eurostat's NUTS 2013, 2016 and 2021 codes with their names, levels and parents.

The codes come from ``loaders/reference/nuts_codes.csv.gz`` (Eurostat, CC BY 4.0; see
its PROVENANCE-nuts.md). A NUTS table (a Eurostat profile's, or ``--region-scheme nuts``/
``nuts2013``/``nuts2016``/``nuts2021``) resolves its region codes here, before any other
scheme, so ``FRA`` (NUTS 1, French overseas departments in NUTS 2013) is never read
as ISO alpha-3 France:

* NUTS 0 is the ISO country (``DE``; ``EL`` is ``GR``, ``UK`` is ``GB``);
* UK codes are the ITL regions rox already has (``UKF1`` is ``TLF1``);
* other codes become regions whose id is the code (``DE21``), kind ``nuts1``/``nuts2``/
  ``nuts3``, ``PART_OF`` their parent up to the country (``DE21`` -> ``DE2`` -> ``DE``);
* extra-regio codes (``DEZ``, ``DEZZ``, ``DEZZZ``) and EU/euro-area aggregates
  (``EU28``, ``EA19``) are not territories: their rows are skipped and counted.

The version is the one holding most of the table's codes (:func:`detect_version`); a
hierarchical table keeps its finest region level unless ``--region-level`` says otherwise.

>>> unit("nuts2013", "DE21")
Unit(code='DE21', name='Oberbayern', level=2, parent='DE2', version='nuts2013')
>>> r = NutsResolver("nuts2013", keep={2})
>>> p = r("DE21", None).place
>>> p.id, p.name, p.kind, p.country, p.parent
('DE21', 'Oberbayern', 'nuts2', 'DE', 'DE2')
>>> r("UKF1", None).place.id, r("DEZZ", None).status, r("DE2", None).note
('TLF1', 'skip', 'region level nuts1 (kept nuts2; --region-level)')
>>> NutsResolver("nuts2013", keep={1})("FRA", None).place.name
"Départements D'Outre-Mer"
>>> detect_version(["DE21", "FR21", "FR10", "PL11"])[0]
'nuts2013'
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pycountry

from rox.loaders.gazetteer import EUROSTAT_COUNTRY, Place, Resolution, _country, _itl, code_key

VERSIONS = ("nuts2013", "nuts2016", "nuts2021")
#: ``--region-level`` values of a NUTS table
REGION_LEVELS = ("finest", "nuts0", "nuts1", "nuts2", "nuts3", "all")
REFERENCE = Path(__file__).resolve().parent / "reference" / "nuts_codes.csv.gz"
_EXTRA_REGIO = re.compile(r"^[A-Z]{2}Z{1,3}$")
_AGGREGATE = re.compile(r"^(EU|EA|EEA|EFTA)\d*(_\d{4})?$")
_SHAPE = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
EXTRA_REGIO = "extra-regio region code (xxZ, xxZZ, xxZZZ: not a territory)"
AGGREGATE = "EU/euro-area aggregate (not a region)"


class Unit(NamedTuple):
    """One NUTS unit of one version."""

    code: str
    name: str
    level: int
    parent: str | None
    version: str


@cache
def units() -> dict[str, dict[str, Unit]]:
    """version -> code -> :class:`Unit`, read once from the reference file."""
    out: dict[str, dict[str, Unit]] = {v: {} for v in VERSIONS}
    with gzip.open(REFERENCE, "rt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            v = "nuts" + row["version"]
            out[v][row["code"]] = Unit(row["code"], row["name"], int(row["level"]), row["parent"] or None, v)
    return out


class NutsPlace(Place):
    """A NUTS region. Its ``codes`` name the version (``nuts2013:FRA``); its keys for meeting the regions of
    the store (:mod:`loaders.claims`) leave out an id that is also an ISO alpha-3 code, so the NUTS 1 ``FRA``
    and France (``iso3166-1a3:FRA``) never claim each other.

    >>> NutsPlace("FRA", "DOM", "nuts1", "FR", "FR", codes=("nuts2013:FRA",)).keys()
    frozenset({'NUTS2013:FRA'})
    """

    def keys(self) -> frozenset[str]:
        keys = {code_key(c) for c in (self.id, *self.codes)}
        return frozenset(k for k in keys if not _alpha3(k))


@cache
def _alpha3(code: str) -> bool:
    return len(code) == 3 and code.isalpha() and pycountry.countries.get(alpha_3=code) is not None


def unit(version: str, code: str) -> Unit | None:
    """The unit ``code`` in ``version`` (``None`` if that version has no such code)."""
    return units()[version].get(code)


def not_a_region(code: str) -> str | None:
    """Why a code is not a territory (extra-regio, EU aggregate), else ``None``.

    >>> not_a_region("FRZZ") == EXTRA_REGIO, not_a_region("EU28") == AGGREGATE, not_a_region("FRA")
    (True, True, None)
    """
    if _EXTRA_REGIO.match(code):
        return EXTRA_REGIO
    if _AGGREGATE.match(code):
        return AGGREGATE
    return None


def detect_version(codes: Iterable[str]) -> tuple[str, str]:
    """The version holding most of ``codes`` (ties: the newest), and a note saying how many each holds."""
    found: Counter = Counter()
    n = 0
    every = {c[:2] for c in units()["nuts2013"]}  # countries all versions cover (the 2021 list has more)
    for code in {c.strip().upper() for c in codes}:
        if not code or not_a_region(code) or code[:2] not in every:
            continue
        n += 1
        found.update(v for v in VERSIONS if code in units()[v])
    best = max(reversed(VERSIONS), key=lambda v: found[v])
    shown = ", ".join(f"{v} {found[v]}" for v in VERSIONS)
    return best, f"NUTS version {best} (codes found of {n}: {shown}; give --region-scheme to change)"


def levels_of(codes: Iterable[str], version: str) -> Counter:
    """How many of ``codes`` are at each NUTS level (0-3) in ``version`` (codes it lacks: by their shape)."""
    out: Counter = Counter()
    for code in {c.strip().upper() for c in codes}:
        if code and not not_a_region(code) and _SHAPE.match(code):
            u = _find(code, version)
            out[u.level if u else len(code) - 2] += 1
    return out


def _find(code: str, version: str) -> Unit | None:
    """The unit in ``version``, else in the other versions, newest first."""
    return unit(version, code) or next((units()[v][code] for v in reversed(VERSIONS) if code in units()[v]), None)


def iso_country(cc: str) -> str:
    """ISO alpha-2 of a NUTS country code (``EL`` -> ``GR``, ``UK`` -> ``GB``)."""
    return EUROSTAT_COUNTRY.get(cc, cc)


def region_id(code: str) -> str:
    """The rox id of a NUTS code: the country for NUTS 0, the ITL code for the UK, else the code."""
    if len(code) == 2:
        return iso_country(code)
    itl = _itl(code)
    return itl.id if itl is not None else code


def place(u: Unit) -> Place:
    """A NUTS unit as a rox place (its ``codes`` say the version, so :func:`parents` follows the same one)."""
    if u.level == 0:
        return _country(iso_country(u.code))
    itl = _itl(u.code)
    if itl is not None:
        return itl
    cc = iso_country(u.code[:2])
    parent = region_id(u.parent) if u.parent else cc
    return NutsPlace(u.code, u.name, f"nuts{u.level}", cc, parent, codes=(f"{u.version}:{u.code}",))


def parent_place(code: str, child: Place) -> Place | None:
    """The place of a parent code of a NUTS place (in the child's version), or ``None``."""
    version = next((c.split(":")[0] for c in child.codes if c.startswith("nuts20")), None)
    if version is None or version not in VERSIONS:
        return None
    u = _find(code, version)
    return place(u) if u is not None else None


@dataclass
class NutsResolver:
    """A gazetteer hook (:class:`loaders.gazetteer.Gazetteer` ``hooks``) for the codes of a NUTS table.

    ``keep``: the NUTS levels whose rows are loaded (``None``: all); rows of other levels resolve to
    status ``skip`` with the reason as note.
    """

    version: str
    keep: set[int] | None = None

    def __call__(self, text: str, name: str | None) -> Resolution | None:
        code = text.strip().upper()
        why = not_a_region(code)
        if why:
            return Resolution("skip", note=why)
        if not _SHAPE.match(code):
            return None
        u = _find(code, self.version)
        level = u.level if u is not None else len(code) - 2
        if self.keep is not None and level not in self.keep:
            kept = ", ".join(f"nuts{lv}" for lv in sorted(self.keep))
            return Resolution("skip", note=f"region level nuts{level} (kept {kept}; --region-level)")
        if u is None:
            return self._unknown(code, name, level)
        note = "" if u.version == self.version else f"a {u.version} code"
        return Resolution("ok", place(u), note=note)

    def _unknown(self, code: str, name: str | None, level: int) -> Resolution:
        """A code of NUTS shape in no version: kept as written (its country and parent by shape), reported."""
        cc = iso_country(code[:2])
        parent = code[:-1] if level > 1 and _find(code[:-1], self.version) else cc
        p = NutsPlace(code, name or code, f"nuts{level}", cc, region_id(parent), codes=(f"{self.version}:{code}",))
        return Resolution("unresolved", p, note=f"not a code of {', '.join(VERSIONS)}")


def keep_levels(level: str | None, present: Counter) -> tuple[set[int] | None, str]:
    """The levels to load for ``--region-level`` (``finest``: the finest present) and a note."""
    found = ", ".join(f"nuts{lv} ({present[lv]})" for lv in sorted(present))
    level = level or "finest"
    if level == "all":
        return None, f"region levels {found}; kept all (--region-level all)"
    lv = max(present, default=2) if level == "finest" else int(level[-1])
    how = "the finest; " if level == "finest" else ""
    return {lv}, f"region levels {found}; kept nuts{lv} ({how}--region-level {'|'.join(REGION_LEVELS)})"
