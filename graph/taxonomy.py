"""The rox sector taxonomy: a tree of sectors with crosswalks to official codes.

The data live in ``taxonomy.yaml`` next to this module and are loaded once.

>>> get("rail").parent
'transport-equipment'
>>> ancestors("electric-vehicles")
['automotive', 'transport-equipment', 'manufacturing']
>>> map_code("sic2007", "30.2"), map_code("sic2007", "30200"), map_code("sic2007", "30")
('rail', 'rail', 'transport-equipment')
>>> map_code("hs", "8703.80")
'electric-vehicles'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

__all__ = [
    "SCHEMES",
    "TAXONOMY_PATH",
    "Sector",
    "ancestors",
    "children",
    "codes",
    "descendants",
    "get",
    "ids",
    "map_code",
    "normalise_code",
    "sectors",
    "build_synonyms",
    "synonym_key",
    "synonyms",
]

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")

#: Classification schemes every sector has a (possibly empty) code list for.
SCHEMES: tuple[str, ...] = ("sic2007", "nace2", "isic4", "naics2017", "sitc2", "hs")

#: Schemes whose top level is a lettered section (A-U) above 2-digit divisions.
_SECTIONED = frozenset({"sic2007", "nace2", "isic4"})
#: Schemes whose top numeric level is two digits with a leading zero ("01").
_TWO_DIGIT = frozenset({"sic2007", "nace2", "isic4", "hs"})


@dataclass(frozen=True)
class Sector:
    """One node of the taxonomy.

    ``crosswalk`` maps each scheme in :data:`SCHEMES` to the codes this sector claims
    directly (as written in the classification, e.g. ``"30.2"``); codes claimed by
    descendants are not repeated (see :func:`codes`).

    >>> s = get("aerospace")
    >>> s.name, s.parent, s.crosswalk["isic4"]
    ('Aerospace', 'transport-equipment', ('3030',))
    """

    id: str
    name: str
    parent: str | None
    description: str
    crosswalk: Mapping[str, tuple[str, ...]]
    notes: str | None = None
    source: str | None = field(default=None, compare=False)
    #: words and phrases naming the sector in running text (see :func:`synonyms`)
    synonyms: tuple[str, ...] = ()
    #: why a sector has no synonyms, when it has none
    synonyms_note: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping) -> Sector:
        cw = d.get("crosswalk") or {}
        unknown = set(cw) - set(SCHEMES)
        if unknown:
            raise ValueError(f"sector {d.get('id')!r}: unknown schemes {sorted(unknown)}")
        return cls(
            id=str(d["id"]),
            name=str(d["name"]),
            parent=d.get("parent"),
            description=" ".join(str(d.get("description") or "").split()),
            crosswalk={s: tuple(str(c) for c in (cw.get(s) or ())) for s in SCHEMES},
            notes=(" ".join(str(d["notes"]).split()) if d.get("notes") else None),
            source=d.get("source"),
            synonyms=tuple(str(w) for w in (d.get("synonyms") or ())),
            synonyms_note=(" ".join(str(d["synonyms_note"]).split()) if d.get("synonyms_note") else None),
        )


def normalise_code(scheme: str, code: str | int) -> str:
    """Canonical form of a classification code: no dots, spaces, hyphens or slashes.

    For SIC/NACE/ISIC a leading section letter before digits is dropped ("C29.10" ->
    "2910"); a lone letter is kept as the section ("c" -> "C"). Integers are
    zero-padded to two digits for schemes whose divisions/chapters have two digits.

    >>> normalise_code("sic2007", "30.20/1")
    '30201'
    >>> normalise_code("nace2", "C 29.10")
    '2910'
    >>> normalise_code("sic2007", "q")
    'Q'
    >>> normalise_code("hs", "8703.80")
    '870380'
    >>> normalise_code("sic2007", 1)
    '01'
    """
    _check_scheme(scheme)
    if isinstance(code, bool):
        raise TypeError("code must be a string or an int")
    if isinstance(code, int):
        s = str(code)
        return s.zfill(2) if scheme in _TWO_DIGIT and len(s) == 1 else s
    s = re.sub(r"[\s.\-/_]", "", str(code)).upper()
    if scheme in _SECTIONED:
        m = re.fullmatch(r"([A-U])(\d*)", s)
        if m:
            return m.group(2) or m.group(1)
    return s


@functools.cache
def _load() -> tuple[tuple[Sector, ...], dict[str, Sector]]:
    with TAXONOMY_PATH.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    items = tuple(Sector.from_dict(d) for d in raw["sectors"])
    by_id: dict[str, Sector] = {}
    for s in items:
        if s.id in by_id:
            raise ValueError(f"duplicate sector id {s.id!r}")
        by_id[s.id] = s
    for s in items:
        if s.parent is not None and s.parent not in by_id:
            raise ValueError(f"sector {s.id!r}: unknown parent {s.parent!r}")
    return items, by_id


@functools.cache
def _index(scheme: str) -> dict[str, str]:
    idx: dict[str, str] = {}
    for s in sectors():
        for c in s.crosswalk[scheme]:
            n = normalise_code(scheme, c)
            if n in idx and idx[n] != s.id:
                raise ValueError(f"{scheme} code {c!r} claimed by {idx[n]!r} and {s.id!r}")
            idx[n] = s.id
    return idx


def synonym_key(phrase: str) -> tuple[str, ...]:
    """A phrase as synonyms are compared: lower-case words, hyphens and other punctuation
    dropped except ``&`` (so "aero-engines" and "aero engines" are one key).

    >>> synonym_key("Aero-engines"), synonym_key("R&D")
    (('aero', 'engines'), ('r', '&', 'd'))
    """
    return tuple(w for w in re.findall(r"[^\W_]+|&", phrase.casefold()))


@functools.cache
def synonyms() -> dict[tuple[str, ...], str]:
    """Every sector synonym (as :func:`synonym_key`) -> its sector id.

    >>> syn = synonyms()
    >>> syn[("rolling", "stock")], syn[("aero", "engines")], syn[("ev",)], syn[("connected", "cars")]
    ('rail', 'aerospace', 'electric-vehicles', 'tech')
    """
    return build_synonyms(sectors())


def build_synonyms(items: Iterable[Sector]) -> dict[tuple[str, ...], str]:
    """The synonym index of ``items``; a synonym claimed by two sectors is an error.

    >>> a = Sector.from_dict({"id": "a", "name": "A", "synonyms": ["rail"]})
    >>> b = Sector.from_dict({"id": "b", "name": "B", "synonyms": ["Rail"]})
    >>> build_synonyms([a, b])
    Traceback (most recent call last):
    ...
    ValueError: synonym 'Rail' claimed by 'a' and 'b'
    """
    out: dict[tuple[str, ...], str] = {}
    for s in items:
        for phrase in s.synonyms:
            key = synonym_key(phrase)
            if not key:
                raise ValueError(f"sector {s.id!r}: empty synonym {phrase!r}")
            if key in out and out[key] != s.id:
                raise ValueError(f"synonym {phrase!r} claimed by {out[key]!r} and {s.id!r}")
            out[key] = s.id
    return out


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"unknown scheme {scheme!r}; expected one of {SCHEMES}")


def sectors() -> list[Sector]:
    """All sectors, in file order (parents before children).

    >>> len(sectors()) == len({s.id for s in sectors()})
    True
    """
    return list(_load()[0])


def ids() -> list[str]:
    """All sector ids.

    >>> "tech" in ids()
    True
    """
    return [s.id for s in _load()[0]]


def get(sector_id: str) -> Sector:
    """The sector with this id; ``KeyError`` if unknown.

    >>> get("higher-education").name
    'Higher education'
    """
    try:
        return _load()[1][sector_id]
    except KeyError:
        raise KeyError(f"unknown sector id {sector_id!r}") from None


def children(sector_id: str | None) -> list[Sector]:
    """Direct children of a sector (``None`` gives the top-level sectors).

    >>> [s.id for s in children("transport-equipment")]
    ['automotive', 'rail', 'aerospace', 'other-transport']
    """
    if sector_id is not None:
        get(sector_id)
    return [s for s in _load()[0] if s.parent == sector_id]


def descendants(sector_id: str) -> list[Sector]:
    """All sectors below ``sector_id`` (depth first, not including itself).

    >>> [s.id for s in descendants("automotive")]
    ['electric-vehicles']
    """
    out: list[Sector] = []
    for c in children(sector_id):
        out.append(c)
        out.extend(descendants(c.id))
    return out


def ancestors(sector_id: str) -> list[str]:
    """Ids of the ancestors of a sector, nearest first.

    >>> ancestors("rail")
    ['transport-equipment', 'manufacturing']
    >>> ancestors("manufacturing")
    []
    """
    out: list[str] = []
    p = get(sector_id).parent
    while p is not None:
        if p in out or p == sector_id:
            raise ValueError(f"cycle in taxonomy at {p!r}")
        out.append(p)
        p = get(p).parent
    return out


def codes(sector_id: str, scheme: str, *, include_descendants: bool = True) -> list[str]:
    """Codes of ``scheme`` that belong to a sector, by default with its descendants'.

    >>> codes("transport-equipment", "sic2007")
    ['30', '33.17', '29', '30.2', '30.3', '33.16', '30.1', '30.4', '30.9', '33.15']
    >>> codes("electric-vehicles", "sic2007")
    []
    """
    _check_scheme(scheme)
    nodes: Iterable[Sector] = [get(sector_id)]
    if include_descendants:
        nodes = [get(sector_id), *descendants(sector_id)]
    return [c for s in nodes for c in s.crosswalk[scheme]]


def map_code(scheme: str, code: str | int) -> str | None:
    """The most specific rox sector for a code, by longest-prefix match.

    Codes are normalised first (:func:`normalise_code`), so "30.2", "302", "30.20" and
    the UK subclass "30200" all match the listed prefix "30.2". Returns ``None`` when
    no listed code is a prefix of ``code``.

    >>> [map_code("sic2007", c) for c in ("30.2", "302", "30200", "29", "30", "29.10")]
    ['rail', 'rail', 'rail', 'automotive', 'transport-equipment', 'automotive']
    >>> map_code("nace2", "C30.30"), map_code("isic4", "8530"), map_code("isic4", "8540")
    ('aerospace', 'higher-education', 'education')
    >>> map_code("naics2017", "336510"), map_code("naics2017", "541512")
    ('rail', 'tech')
    >>> map_code("sitc2", "7849"), map_code("sitc2", "7851"), map_code("sitc2", "7924")
    ('automotive', 'other-transport', 'aerospace')
    >>> map_code("hs", "8703.80"), map_code("hs", "870321"), map_code("hs", "86")
    ('electric-vehicles', 'automotive', 'rail')
    >>> map_code("sic2007", "J") is None, map_code("hs", "") is None
    (True, True)
    """
    n = normalise_code(scheme, code)
    if not n:
        return None
    idx = _index(scheme)
    for end in range(len(n), 0, -1):
        hit = idx.get(n[:end])
        if hit is not None:
            return hit
    return None
