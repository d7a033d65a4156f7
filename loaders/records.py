"""Validated records of entity files (YAML or CSV), one pydantic model per section.

Field checks live here (types, ranges, enumerations, ISO country codes); checks
across records (references, duplicates) live in :mod:`loaders.entities`. Unknown
fields are errors, so a typo (``sectros:``) is reported rather than ignored.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pycountry
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from rox.graph.model import REGION_KINDS
from rox.loaders.numbers import int64_reason

# ISO 3166-1 codes that are not countries but name places facts refer to:
# EU is "exceptionally reserved" for the European Union; ZZ is user-assigned
# ("unknown or other", e.g. "non-EU countries").
NON_COUNTRY_CODES = frozenset({"EU", "ZZ"})


def _split_list(value):
    """CSV cells hold lists as ``a;b;c``; YAML gives real lists."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return value


def _blank_to_none(value):
    return None if isinstance(value, str) and value.strip() == "" else value


def storable(value: Any) -> Any:
    """Refuse what the databases cannot store as given: a NUL character in a text (they refuse the
    whole batch) and whole numbers beyond 64 bits (they would clamp them). Lists and maps are
    checked item by item.

    >>> storable(["a", 5])
    ['a', 5]
    >>> storable("a" + chr(0) + "b")
    Traceback (most recent call last):
    ...
    ValueError: contains a NUL character (\\x00), which the database cannot store
    """
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("contains a NUL character (\\x00), which the database cannot store")
    elif isinstance(value, int) and not isinstance(value, bool):
        reason = int64_reason(value)
        if reason:
            raise ValueError(reason)
    elif isinstance(value, (list, tuple)):
        for v in value:
            storable(v)
    elif isinstance(value, dict):
        for k, v in value.items():
            storable(k)
            storable(v)
    return value


class Link(BaseModel):
    """A link to another entity, optionally with its own source and evidence."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    id: str = Field(min_length=1)
    source: str | None = None
    evidence: str | None = None

    @field_validator("*")
    @classmethod
    def _storable(cls, v: Any) -> Any:
        return storable(v)


def _links(value):
    value = _split_list(value)
    return [{"id": v} if isinstance(v, str) else v for v in value]


Links = Annotated[list[Link], BeforeValidator(_links)]
OptStr = Annotated[str | None, BeforeValidator(_blank_to_none)]
OptFloat = Annotated[float | None, BeforeValidator(_blank_to_none)]
OptInt = Annotated[int | None, BeforeValidator(_blank_to_none)]
StrList = Annotated[list[str], BeforeValidator(_split_list)]


class Record(BaseModel):
    """Base of every section's record: unknown fields, infinite or NaN numbers, NUL characters and
    integers beyond 64 bits are errors."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)

    @field_validator("*")
    @classmethod
    def _storable(cls, v: Any) -> Any:
        return storable(v)


class Country(Record):
    """Mixin: an ISO 3166-1 alpha-2 country code."""

    country: OptStr = None

    @field_validator("country")
    @classmethod
    def _iso_country(cls, v):
        if v is None:
            return v
        if v.upper() not in NON_COUNTRY_CODES and pycountry.countries.get(alpha_2=v.upper()) is None:
            raise ValueError(f"{v!r} is not an ISO 3166-1 alpha-2 country code")
        return v.upper()


class SourceRec(Record):
    id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    kind: Literal["document", "dataset", "website", "statistics"]
    publisher: OptStr = None
    date: Annotated[str | None, BeforeValidator(lambda v: None if v in (None, "") else str(v))] = None
    url: OptStr = None
    file: OptStr = None
    sha256: Annotated[str | None, BeforeValidator(_blank_to_none), Field(pattern=r"^[0-9a-f]{64}$")] = None


class Entity(Record):
    """Fields every named entity has: a stable id, a name, its source and evidence."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    source: str = Field(min_length=1)
    evidence: OptStr = None


class RegionRec(Entity, Country):
    kind: str
    part_of: OptStr = None
    population: Annotated[OptInt, Field(ge=0)] = None
    lat: Annotated[OptFloat, Field(ge=-90, le=90)] = None
    lon: Annotated[OptFloat, Field(ge=-180, le=180)] = None
    aliases: StrList = []
    codes: StrList = []

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        if v not in REGION_KINDS:
            raise ValueError(f"{v!r} is not a region kind (one of: {', '.join(REGION_KINDS)})")
        return v


class SectorRec(Record):
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    parent: OptStr = None
    description: OptStr = None
    source: str = Field(min_length=1)
    crosswalk: dict[str, list[str]] = {}


class RegionSectorRec(Record):
    region: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    value: OptFloat = None
    unit: OptStr = None
    kind: OptStr = None
    year: Annotated[OptInt, Field(ge=1800, le=2200)] = None
    source: str = Field(min_length=1)
    evidence: OptStr = None


class FirmRec(Entity, Country):
    sectors: Links = []
    headquartered_in: OptStr = None
    operates_in: Links = []


class UniversityRec(Entity, Country):
    located_in: OptStr = None
    domain: OptStr = None
    aliases: StrList = []
    researches: Links = []


class AgreementRec(Entity):
    kind: str = Field(min_length=1)
    date: Annotated[str | None, BeforeValidator(lambda v: None if v in (None, "") else str(v))] = None
    parties: Links = Field(min_length=1)
    sectors: Links = []


class TradeRec(Record):
    """A flow between two places: money (``currency``) or another unit (``share``, ``jobs``)."""

    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    value: float
    currency: Annotated[str | None, Field(min_length=3, max_length=3)] = None
    unit: OptStr = None
    sector: OptStr = None
    year: Annotated[OptInt, Field(ge=1800, le=2200)] = None
    direction: Literal["export", "import", "total"]
    flow: OptStr = None
    source: str = Field(min_length=1)
    evidence: OptStr = None

    @model_validator(mode="after")
    def _currency_or_unit(self):
        if (self.currency is None) == (self.unit is None):
            raise ValueError("give exactly one of currency (money) or unit (share, jobs, ...)")
        return self


SECTIONS: dict[str, type[Record]] = {
    "sources": SourceRec,
    "regions": RegionRec,
    "sectors": SectorRec,
    "region_sectors": RegionSectorRec,
    "firms": FirmRec,
    "universities": UniversityRec,
    "agreements": AgreementRec,
    "trade": TradeRec,
}
