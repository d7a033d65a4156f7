"""US state FIPS codes -> ISO 3166-2 places (the US gazetteer).

The US Census Bureau publishes state figures under 2-digit state FIPS codes
(``06`` California), often without the leading zero once a spreadsheet has read
them as numbers (``6``). rox ids are ISO 3166-2 (``US-CA``), so a FIPS code
becomes the subdivision pycountry knows, with the FIPS code kept among its
``codes`` (``us-fips:06``) and ``PART_OF`` ``US``. ``00`` is the United States
itself (a country-level row in Census tables, not a state).

The table (:data:`FIPS_TABLE`, ``reference/us_state_fips.csv``): the 50 states, DC and
Puerto Rico with their FIPS and USPS codes, from the Census Bureau's list of state FIPS
codes (see ``reference/PROVENANCE-us-states.md``).

>>> state("06").id, state("6").name, state("6").parent, state("06").codes
('US-CA', 'California', 'US', ('iso3166-2:US-CA', 'us-fips:06'))
>>> state("00").id, state("00").kind, state("72").id, state("03") is None
('US', 'country', 'US-PR', True)
>>> resolve("11", None).place.name, resolve("99", None).status, resolve("US-CA", None) is None
('District of Columbia', 'unresolved', True)
"""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from rox.loaders.gazetteer import Gazetteer, Place, Resolution, subdivision, unresolved

FIPS_TABLE = Path(__file__).with_name("reference") / "us_state_fips.csv"
#: the FIPS code of the United States as a whole in Census tables
US_TOTAL = "00"
_FIPS = re.compile(r"^\d{1,2}$")


@cache
def states() -> dict[str, tuple[str, str]]:
    """2-digit FIPS code -> (USPS code, name), as the reference table lists them.

    >>> len(states()), states()["48"]
    (52, ('TX', 'Texas'))
    """
    with FIPS_TABLE.open(encoding="utf-8") as fh:
        return {r["fips"]: (r["usps"], r["name"]) for r in csv.DictReader(fh)}


def normalise(code: str) -> str | None:
    """A FIPS state code with its leading zero (``6`` -> ``06``), or ``None`` if it is not one by shape.

    >>> normalise("6"), normalise(" 06 "), normalise("006"), normalise("CA")
    ('06', '06', None, None)
    """
    c = code.strip()
    return c.zfill(2) if _FIPS.match(c) else None


def state(code: str) -> Place | None:
    """The place of a state FIPS code (``00``: the US), or ``None`` if the code is not in the table."""
    fips = normalise(code)
    if fips is None:
        return None
    if fips == US_TOTAL:
        us = Gazetteer("iso").resolve("US").place
        assert us is not None
        return Place(us.id, us.name, us.kind, us.country, codes=(*us.codes, f"us-fips:{US_TOTAL}"))
    hit = states().get(fips)
    sub = subdivision(f"US-{hit[0]}") if hit else None
    if sub is None:
        return None
    return Place(sub.id, sub.name, sub.kind, "US", "US", codes=(*sub.codes, f"us-fips:{fips}"))


def resolve(text: str, name: str | None) -> Resolution | None:
    """A region cell read as a state FIPS code: ``None`` when it is not shaped like one (left to
    the gazetteer), *unresolved* when it is shaped like one but no state has it."""
    if normalise(text) is None:
        return None
    place = state(text)
    if place is None:
        return unresolved(text, name, f"{text!r} is not a US state FIPS code")
    return Resolution("ok", place)


def level(code: str) -> str:
    """``country`` for the US total (``00``), else ``state``.

    >>> level("00"), level("0"), level("6")
    ('country', 'country', 'state')
    """
    return "country" if normalise(code) == US_TOTAL else "state"


__all__ = ["FIPS_TABLE", "US_TOTAL", "level", "normalise", "resolve", "state", "states"]
