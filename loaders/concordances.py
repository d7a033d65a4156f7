"""Official industry concordances: codes of national classifications -> ISIC Rev. 4.

The tables (``reference/*.csv.gz``, derived by ``scripts/make_concordances.py``; sources
and licences in ``reference/PROVENANCE-concordances.md``):

* **NACE Rev. 2 -> ISIC Rev. 4** (UNSD, every level); **SIC 2007** is NACE Rev. 2 down to
  the class (its 5-digit subclasses are read as their class);
* **NAICS 2017 / 2012 / 2007 -> ISIC Rev. 4** (US Census Bureau, 6-digit NAICS);
* **NIC-2008** is ISIC Rev. 4 down to the class (its 5-digit subclasses read as their class);
* the **ISIC Rev. 4** structure itself (UNSD: 21 sections, 88 divisions, 238 groups, 419 classes).

SITC Rev. 2 and HS -> ISIC (World Bank WITS) are not shipped: WITS states no licence for
its concordance files, and it publishes them against ISIC Rev. 2/3, not Rev. 4.

:func:`to_isic4` gives ISIC Rev. 4 codes with weights that add up to 1. A code linked to
several ISIC codes gives each an equal share (the tables carry no weights); a NAICS code
coarser than the tables' 6 digits (``3364``, ``31-33``) gives each of its 6-digit industries
an equal share. :func:`to_isic4_level` adds those weights up at ISIC division or section
level, the level at which datasets of different classifications are compared.

>>> to_isic4("nace2", "30.30"), to_isic4("sic2007", "30300"), to_isic4("nic2008", "30301")
([('3030', 1.0)], [('3030', 1.0)], [('3030', 1.0)])
>>> to_isic4("nace2", "85.42")
[('8530', 1.0)]
>>> to_isic4("naics2017", "336411")
[('3030', 1.0)]
>>> to_isic4("naics2017", "541511")
[('6201', 1.0)]
>>> to_isic4_level("naics2017", "31-33", "section")[:2]  # a few manufacturing industries are ISIC D, N ...
[('C', 0.994675925932), ('D', 0.002777777778)]
>>> isic_division("2910"), isic_section("2910"), isic_section("29"), isic_section("C")
('29', 'C', 'C', 'C')
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from functools import cache
from pathlib import Path

from rox.loaders.schemes import NAICS_RANGES, SECTIONS

REFERENCE = Path(__file__).with_name("reference")
NAICS_YEARS = ("2017", "2012", "2007")
#: schemes :func:`to_isic4` reads (``naics`` without a year is NAICS 2017)
CONCORDANCE_SCHEMES = ("isic4", "nic2008", "nace2", "sic2007", "naics2017", "naics2012", "naics2007", "naics")
_NOT_SHIPPED = {"sitc2", "hs"}


class ConcordanceError(ValueError):
    """A scheme without a concordance, or a code the concordance does not know."""


def _rows(name: str) -> list[dict[str, str]]:
    with gzip.open(REFERENCE / name, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@cache
def isic_codes() -> dict[str, str]:
    """ISIC Rev. 4 code -> title, every level (UNSD structure).

    >>> isic_codes()["3030"], len(isic_codes())
    ('Manufacture of air and spacecraft and related machinery', 766)
    """
    return {r["code"]: r["title"] for r in _rows("isic4_structure.csv.gz")}


@cache
def nace_table() -> dict[str, tuple[str, ...]]:
    """NACE Rev. 2 code (as published, ``30.3``) -> its ISIC Rev. 4 codes."""
    out: dict[str, list[str]] = defaultdict(list)
    for r in _rows("nace2_isic4.csv.gz"):
        out[r["nace2"]].append(r["isic4"])
    return {k: tuple(v) for k, v in out.items()}


@cache
def naics_table(year: str = "2017") -> dict[str, tuple[str, ...]]:
    """6-digit NAICS ``year`` code -> its ISIC Rev. 4 codes (US Census Bureau).

    >>> naics_table("2017")["336510"]  # railroad rolling stock: also motor-vehicle parts
    ('2910', '3020')
    """
    if year not in NAICS_YEARS:
        raise ConcordanceError(f"no NAICS {year} concordance (years: {', '.join(NAICS_YEARS)})")
    out: dict[str, list[str]] = defaultdict(list)
    for r in _rows(f"naics{year}_isic4.csv.gz"):
        if r["isic4"] not in out[r["naics"]]:
            out[r["naics"]].append(r["isic4"])
    return {k: tuple(v) for k, v in out.items()}


def sizes() -> dict[str, int]:
    """Rows of each concordance table (for reports)."""
    return {
        "isic4 structure": len(isic_codes()),
        "nace2->isic4": sum(len(v) for v in nace_table().values()),
        **{f"naics{y}->isic4": sum(len(v) for v in naics_table(y).values()) for y in NAICS_YEARS},
    }


def _digits(code: str) -> str:
    """A code without dots, spaces, slashes and a section letter before digits (``C29.10`` -> ``2910``)."""
    s = re.sub(r"[\s./]", "", str(code)).upper()
    return re.sub(r"^[A-U](?=\d)", "", s)


def _isic(code: str) -> list[tuple[str, float]]:
    c = _digits(code)[:4] if not re.fullmatch(r"[A-Ua-u]", str(code).strip()) else str(code).strip().upper()
    if c not in isic_codes():
        raise ConcordanceError(f"{code!r} is not an ISIC Rev. 4 code")
    return [(c, 1.0)]


def _nace(code: str) -> list[tuple[str, float]]:
    c = _digits(code)
    written = c if len(c) <= 2 else f"{c[:2]}.{c[2:4]}"  # SIC 2007 subclasses 30300 -> class 30.30
    hit = nace_table().get(written)
    if hit is None:
        raise ConcordanceError(f"{code!r} is not a NACE Rev. 2 code")
    return [(i, 1.0 / len(hit)) for i in hit]


def _naics(code: str, year: str) -> list[tuple[str, float]]:
    c = str(code).strip().replace(" ", "")
    prefixes = NAICS_RANGES.get(c, (c,))
    table = naics_table(year)
    industries = [k for k in table if len(k) == 6 and k.startswith(prefixes)]
    if not industries or not c.replace("-", "").isdigit():
        raise ConcordanceError(f"{code!r} is not a NAICS {year} code")
    weights: dict[str, float] = defaultdict(float)
    for k in industries:
        for i in table[k]:
            weights[i] += 1.0 / len(industries) / len(table[k])
    return _sorted(weights)


def _sorted(weights: dict[str, float]) -> list[tuple[str, float]]:
    """Largest weight first, then by code; weights rounded so equal shares compare equal."""
    return sorted(((k, round(v, 12)) for k, v in weights.items()), key=lambda kv: (-kv[1], kv[0]))


def to_isic4(scheme: str, code: str) -> list[tuple[str, float]]:
    """ISIC Rev. 4 codes of a code of ``scheme``, with weights adding up to 1.

    :class:`ConcordanceError` for a scheme without a concordance or an unknown code.

    >>> to_isic4("naics2017", "3254")  # 8 industries, one of them (325414 biologicals) split in two
    [('2100', 0.875), ('2029', 0.125)]
    >>> to_isic4("naics2017", "311111")
    [('1080', 1.0)]
    >>> try:
    ...     to_isic4("hs", "8703")
    ... except ConcordanceError as exc:
    ...     print(exc)
    no hs -> ISIC Rev. 4 concordance is shipped (WITS states no licence for it)
    """
    if scheme in _NOT_SHIPPED:
        raise ConcordanceError(f"no {scheme} -> ISIC Rev. 4 concordance is shipped (WITS states no licence for it)")
    if scheme in ("isic4", "nic2008"):
        return _isic(code)
    if scheme in ("nace2", "sic2007"):
        return _nace(code)
    if scheme.startswith("naics"):
        return _naics(code, scheme[5:] or "2017")
    raise ConcordanceError(f"no concordance for scheme {scheme!r} (one of: {', '.join(CONCORDANCE_SCHEMES)})")


def isic_division(code: str) -> str | None:
    """The ISIC Rev. 4 division (2 digits) of a division, group or class; ``None`` for a section.

    >>> isic_division("0111"), isic_division("851"), isic_division("A")
    ('01', '85', None)
    """
    c = _digits(code)
    return c[:2] if c[:2].isdigit() else None


def isic_section(code: str) -> str:
    """The ISIC Rev. 4 section letter (A-U) of any ISIC code.

    >>> isic_section("0111"), isic_section("8530"), isic_section("99")
    ('A', 'P', 'U')
    """
    c = str(code).strip().upper()
    if re.fullmatch(r"[A-U]", c):
        return c
    div = isic_division(c)
    d = int(div) if div else -1
    hit = next((s for s, (lo, hi) in SECTIONS.items() if lo <= d <= hi), None)
    if hit is None:
        raise ConcordanceError(f"{code!r} is not an ISIC Rev. 4 code")
    return hit


def to_isic4_level(scheme: str, code: str, level: str = "division") -> list[tuple[str, float]]:
    """:func:`to_isic4` summed at ISIC ``division`` or ``section`` level.

    >>> to_isic4_level("nace2", "C", "section"), to_isic4_level("naics2017", "3364")[0][0]
    ([('C', 1.0)], '30')
    """
    if level not in ("division", "section"):
        raise ConcordanceError(f"level must be division or section, not {level!r}")
    weights: dict[str, float] = defaultdict(float)
    for c, w in to_isic4(scheme, code):
        key = isic_section(c) if level == "section" else isic_division(c)
        weights[key or isic_section(c)] += w
    return _sorted(weights)


__all__ = [
    "CONCORDANCE_SCHEMES",
    "ConcordanceError",
    "isic_codes",
    "isic_division",
    "isic_section",
    "nace_table",
    "naics_table",
    "sizes",
    "to_isic4",
    "to_isic4_level",
]
