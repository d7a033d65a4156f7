"""Which column of a header holds what: the words statistics offices use, and matching.

Header words are compared folded (lower case, accents dropped: ``Région`` ->
``region``); an exact word wins over a word inside a longer header. Column names
given as options match the header ignoring case and runs of spaces.

>>> match(["GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "COUNT"], REGION_WORDS, set())
'GEOGRAPHY_CODE'
>>> squash("Main Workers - Total -  Persons")
'main workers - total - persons'
>>> is_year("2021"), is_year("2021/22"), is_year("n2015")
(True, True, False)
"""

from __future__ import annotations

import re
import unicodedata

# Header words that say what a column holds (lower-case, matched as substrings).
REGION_WORDS = (
    "geography_code",
    "region code",
    "region_code",
    "geo",
    "region",
    "country",
    "area",
    "itl",
    "nuts",
    "district",
    "state",
    "reporter",
    "location",
    "place",
    "city",
    "county",
)
SECTOR_WORDS = (
    "industry_code",
    "sic07 code",
    "sic",
    "nace",
    "isic",
    "naics",
    "nic",
    "sitc",
    "hs",
    "product",
    "commodity",
    "industry",
    "sector",
    "secteur",
    "activity",
    "division",
)
VALUE_WORDS = (
    "value",
    "obs_value",
    "count",
    "employment",
    "employees",
    "jobs",
    "establishments",
    "gva",
    "exports",
    "export",
    "amount",
    "total",
    "persons",
)
YEAR_WORDS = ("year", "date", "time_period", "time", "period")
NAME_WORDS = ("name", "description", "label", "title")
_YEAR = re.compile(r"^\s*((?:18|19|20|21)\d\d)(?:\s*|[-/ ].*)$")
#: Options naming one column each (TableSpec attribute -> CLI option).
COLUMN_OPTIONS = {
    "region_col": "--region-col",
    "sector_col": "--sector-col",
    "value_col": "--value-col",
    "year_col": "--year-col",
    "region_name_col": "--region-name-col",
    "sector_name_col": "--sector-name-col",
}


def fold(text: str) -> str:
    """Lower case without accents (``Région`` -> ``region``)."""
    return unicodedata.normalize("NFKD", text.strip().lower()).encode("ascii", "ignore").decode()


def squash(text: str) -> str:
    """Folded, with runs of spaces as one space."""
    return " ".join(fold(text).split())


def is_year(text: str | None) -> bool:
    return bool(_YEAR.match(text or ""))


def match(header: list[str], words: tuple[str, ...], exclude: set[str]) -> str | None:
    """The first column (by word priority) whose folded name is, or contains, one of ``words``."""
    low = [(h, fold(h)) for h in header if h not in exclude]
    for w in words:  # word order is priority order
        for h, hl in low:
            if hl == w:
                return h
    for w in words:
        for h, hl in low:
            if w in hl and not any(nw in hl for nw in NAME_WORDS):
                return h
    return None


def name_col(header: list[str], code_col: str | None, words: tuple[str, ...], exclude: set[str]) -> str | None:
    """A column with the names that go with a code column (``GEOGRAPHY_NAME``, ``SIC07 description``)."""
    if code_col is None:
        return None
    stem = re.sub(r"(?i)[ _]?code$", "", code_col.strip()).lower()
    for h in header:
        hl = h.strip().lower()
        if h in exclude or h == code_col:
            continue
        if any(nw in hl for nw in NAME_WORDS) and (stem and stem in hl or any(w in hl for w in words)):
            return h
    return None


def by_squashed(header: list[str]) -> dict[str, str]:
    """Squashed header name -> the header's own spelling (the first of equal ones)."""
    out: dict[str, str] = {}
    for h in header:
        out.setdefault(squash(h), h)
    return out


def canonical_columns(spec, header: list[str]) -> None:
    """Column options written with other case or spacing than the header get the header's spelling."""
    by = by_squashed(header)

    def canon(col: str | None) -> str | None:
        if col is None or col in header:
            return col
        return by.get(squash(col), col)

    for attr in COLUMN_OPTIONS:
        setattr(spec, attr, canon(getattr(spec, attr)))
    if spec.sector_cols:
        spec.sector_cols = [canon(c.strip()) for c in spec.sector_cols]
    if spec.filters:
        spec.filters = {canon(k): v for k, v in spec.filters.items()}
