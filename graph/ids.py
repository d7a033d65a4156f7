"""Stable ids for rox nodes.

Rules (documented in the README):

* regions: the ISO 3166-1 alpha-2 code for countries (``GB``, ``CN``), the ISO
  3166-2 code where one exists (``GB-DER`` Derby, ``CN-AH`` Anhui, ``IN-MH``
  Maharashtra); otherwise ``<parent id>-<slug of name>`` (``CN-AH-hefei``);
  statistical regions use their scheme code (``TLF1`` for ITL, with the older
  ``UKF1`` NUTS form kept as an alias);
* sectors: taxonomy slugs (``rail``, ``aerospace``); fine codes from statistical
  tables as ``<scheme>:<code>`` (``sic2007:30``, ``sitc2:7810``);
* firms ``firm-<slug>``, universities ``uni-<slug>``, agreements ``agr-<slug>``,
  sources ``src-<slug>``.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lower-case ASCII slug; letters with accents lose them, other scripts are kept.

    >>> slugify("Mahārāshtra")
    'maharashtra'
    >>> slugify("Rolls-Royce plc")
    'rolls-royce-plc'
    >>> slugify("合肥")
    '合肥'
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    slug = _NON_WORD.sub("-", folded).strip("-")
    if slug:
        return slug
    # Names in non-Latin scripts: keep the characters, collapse white space.
    return re.sub(r"\s+", "-", text.strip().lower())


def sector_code_id(scheme: str, code: str) -> str:
    """Id of a fine statistical code kept as its own sector.

    >>> sector_code_id("sic2007", "30.2")
    'sic2007:30.2'
    """
    return f"{scheme}:{code}"


def child_region_id(parent_id: str, name: str) -> str:
    """Id for a region without an ISO code: its parent's id and a slug.

    >>> child_region_id("CN-AH", "Hefei")
    'CN-AH-hefei'
    """
    return f"{parent_id}-{slugify(name)}"
