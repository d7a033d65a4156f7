"""Harmonised industry levels (pure): a dataset's codes at ISIC Rev. 4 division or section.

Datasets of different countries speak different classifications (SIC 2007, NACE Rev. 2,
ISIC 4, NIC-2008, NAICS). To compare them, every code is mapped to one shared level:

* ``division`` (ISIC Rev. 4, 2 digits, ids ``isic4:29``): SIC 2007, NACE Rev. 2 (any
  notation: ``29``, ``C29``, ``29.10``), ISIC 4 and NIC-2008 codes take their first two
  digits (these classifications are identical at division level); finer codes roll up
  by summing. NAICS codes go through the US Census Bureau concordance
  (:func:`rox.loaders.concordances.to_isic4_level`): a code that maps to several
  divisions is split in equal shares (the concordance has no weights). Codes coarser
  than a division (a section letter, a NAICS sector such as ``31-33``) have no division:
  :func:`to_level` returns ``None`` for them.
* ``section`` (ISIC Rev. 4 sections A-U, ids ``isic4:C``): every code of those schemes,
  NAICS sectors included, through the concordances.

>>> to_level("sic2007", "29", "division"), to_level("nace2", "C29.10", "division")
([('isic4:29', 1.0)], [('isic4:29', 1.0)])
>>> to_level("nace2", "C", "division") is None, to_level("naics2017", "31-33", "division") is None
(True, True)
>>> to_level("nic2008", "2910", "section"), to_level("naics2017", "3364", "division")[0]
([('isic4:C', 1.0)], ('isic4:30', 0.916666666667))
>>> level_name("isic4:29")
'Manufacture of motor vehicles, trailers and semi-trailers'
"""

from __future__ import annotations

import re
from functools import cache

from rox.loaders.concordances import ConcordanceError, isic_codes, to_isic4_level

__all__ = ["HARMONISED", "PREFIX", "level_name", "to_level"]

#: the harmonised levels and the id prefix of their codes
HARMONISED = ("division", "section")
PREFIX = "isic4:"
_DIRECT = ("sic2007", "nace2", "isic4", "nic2008")


def _digits(code: str) -> str:
    """``C29.10`` -> ``2910``; a code without digits comes back upper-cased as it is."""
    s = re.sub(r"[\s./]", "", str(code)).upper()
    return re.sub(r"^[A-U](?=\d)", "", s)


def _direct_division(code: str) -> list[tuple[str, float]] | None:
    d = _digits(code)
    if len(d) >= 2 and d[:2].isdigit() and d.isdigit():
        return [(PREFIX + d[:2], 1.0)]
    return None


def _naics_division(scheme: str, code: str) -> list[tuple[str, float]] | None:
    c = str(code).strip()
    if not c.isdigit() or len(c) < 3:  # a NAICS sector (2 digits, 31-33) is coarser than a division
        return None
    return [(PREFIX + k, w) for k, w in to_isic4_level(scheme, c, "division")]


@cache
def to_level(scheme: str | None, code: str, level: str) -> list[tuple[str, float]] | None:
    """The harmonised codes (``isic4:DD`` or ``isic4:X``) of one code with their weights
    (adding up to 1), or ``None`` when the code cannot be expressed at ``level`` (coarser
    than a division, unknown to the concordance, or a scheme without one)."""
    scheme = (scheme or "").lower()
    try:
        if level == "division":
            if scheme in _DIRECT:
                return _direct_division(code)
            return _naics_division(scheme, code) if scheme.startswith("naics") else None
        if level == "section":
            return [(PREFIX + k, w) for k, w in to_isic4_level(scheme, code, "section")]
    except ConcordanceError:
        return None
    raise ValueError(f"level must be one of {', '.join(HARMONISED)}, not {level!r}")


def level_name(sector: str) -> str:
    """The ISIC Rev. 4 title of a harmonised code (the code itself when unknown)."""
    return isic_codes().get(sector.removeprefix(PREFIX), sector)
