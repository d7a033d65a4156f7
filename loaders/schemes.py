"""Sector codes of statistical tables: parse, place in their hierarchy, map to the taxonomy.

A code read from a table becomes a :class:`Code`: a canonical sector id
(``sic2007:30.2``, ``sitc2:7810``), its level in the classification (section,
division, group, class...), what it covers (:attr:`Code.cover`, prefixes of
division-or-finer codes) and the rox taxonomy sector it falls under
(:func:`graph.taxonomy.map_code`, longest prefix).

Schemes: ``sic2007``, ``nace2``, ``isic4`` (sections A-U over 2-digit divisions),
``naics2017``, ``sitc2``, ``hs``, and ``raw`` (codes kept as they are, flat, no
mapping).

ONS writes aggregates in the same column as divisions; they are understood:
``Total``, section ranges ``A-E``, sections with their divisions ``A (1-3)``,
sub-sections ``CA (10-12)`` / ``CD-CF (19-21)``, division ranges ``2-3`` and
``68IMP`` (owner-occupiers' imputed rental, a part of division 68 kept beside
it). Eurostat's notation is understood too: ``C29`` (division 29, checked to lie in
section C), ``G451`` (group 45.1), ``B-E``, ``M_N`` (sections M and N), ``TOTAL``;
``NRP`` (no response) is no sector (:class:`NotASector`: the row is skipped and
counted). :func:`aggregates` tells which codes of a set contain finer codes of the
same set, so a loader keeps one level and does not double count.

>>> c = parse("sic2007", "30.2")
>>> c.id, c.level, c.rox
('sic2007:30.2', 'group', 'rail')
>>> parse("sic2007", "CL (29-30)").cover, parse("sic2007", "A (1-3)").level
(('29', '30'), 'section')
>>> sorted(aggregates([parse("sic2007", x) for x in ("Total", "C (10-33)", "29", "30", "30.2")]))
['sic2007:30', 'sic2007:C', 'sic2007:total']
>>> [parse("nace2", x).id for x in ("C29", "G451", "B-E", "M_N", "TOTAL", "S95")]
['nace2:29', 'nace2:45.1', 'nace2:B-E', 'nace2:M-N', 'nace2:total', 'nace2:95']
>>> try:
...     parse("nace2", "C45")
... except CodeError as exc:
...     print(exc)
'C45' is not a nace2 code (division 45 is in section G, not C)
>>> parse("sitc2", "0011").id, parse("hs", "8703.80").id, parse("raw", "Widgets").id
('sitc2:0011', 'hs:8703.80', 'raw:Widgets')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rox.graph import taxonomy
from rox.graph.ids import sector_code_id

SCHEMES: tuple[str, ...] = (*taxonomy.SCHEMES, "raw")
SECTIONED = frozenset({"sic2007", "nace2", "isic4"})

#: NACE Rev. 2 / SIC 2007 / ISIC Rev. 4 sections and their divisions (first, last).
SECTIONS: dict[str, tuple[int, int]] = {
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}
#: Divisions that exist (NACE Rev. 2 has 88; numbers such as 04 or 34 are unused).
DIVISIONS: tuple[str, ...] = tuple(
    f"{d:02d}"
    for a, b in SECTIONS.values()
    for d in range(a, b + 1)
    if d not in (4, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89)
)
LEVELS: dict[str, tuple[str, ...]] = {
    # scheme: names of levels by number of digits 1..6 ("" = not a level of that scheme)
    "sic2007": ("", "division", "group", "class", "subclass", ""),
    "nace2": ("", "division", "group", "class", "", ""),
    "isic4": ("", "division", "group", "class", "", ""),
    "naics2017": ("", "sector", "subsector", "industry-group", "naics-industry", "national-industry"),
    "sitc2": ("section", "division", "group", "subgroup", "item", ""),
    "hs": ("", "chapter", "", "heading", "", "subheading"),
}
_TOTAL = re.compile(r"^(total|all industries|all|00|tot|total - all industries)$", re.I)
_ONS_SECTION = re.compile(r"^([A-U]{1,2})(?:\s*-\s*([A-U]{1,2}))?\s*\((\d{1,2})(?:\s*-\s*(\d{1,2}))?\)$")
_LETTER_RANGE = re.compile(r"^([A-U])\s*-\s*([A-U])$")
_DIV_RANGE = re.compile(r"^(\d{1,2})\s*-\s*(\d{1,2})$")
_IMP = re.compile(r"^(\d{2})\s*IMP$", re.I)
_DIGITS = re.compile(r"^\d+$")


class CodeError(ValueError):
    """A code that does not belong to its scheme (the message says why)."""


class NotASector(CodeError):
    """A code a table writes in its sector column that is no sector (Eurostat ``NRP``: no response)."""


#: Codes that are no sector, and why.
NOT_SECTORS = {"NRP": "sector code NRP: no response (not a sector)"}
_LETTER_UNION = re.compile(r"^[A-U](-[A-U])?(_[A-U](-[A-U])?)+$")


@dataclass(frozen=True)
class Code:
    """A parsed sector code."""

    scheme: str
    code: str  # canonical written form, e.g. "30.2", "C", "29-30", "0011"
    level: str  # total, section-range, section, subsection, division, group, class, ...
    rank: int  # 0 total ... higher is finer
    cover: tuple[str, ...]  # prefixes it covers (digits, or "IMP68"-style parts); () for raw
    rox: str | None  # the rox taxonomy sector it falls under

    @property
    def id(self) -> str:
        return sector_code_id(self.scheme, self.code)

    def contains(self, other: Code) -> bool:
        """True if every code ``other`` covers lies inside this one (and it is not finer)."""
        if self.scheme != other.scheme or self.scheme == "raw" or self is other or self.id == other.id:
            return False
        if not all(any(o.startswith(c) for c in self.cover) for o in other.cover):
            return False
        # equal cover: the coarser level contains the finer one (L (68) contains 68)
        return set(self.cover) != set(other.cover) or self.rank < other.rank


def _divisions(first: int, last: int) -> tuple[str, ...]:
    return tuple(d for d in DIVISIONS if first <= int(d) <= last)


def _dotted(digits: str) -> str:
    """SIC/NACE written form: 30, 30.2, 30.20, 30.20/1."""
    if len(digits) <= 2:
        return digits
    if len(digits) <= 4:
        return f"{digits[:2]}.{digits[2:]}"
    return f"{digits[:2]}.{digits[2:4]}/{digits[4:]}"


def _rox_for(scheme: str, cover: tuple[str, ...]) -> str | None:
    """The taxonomy sector for a cover: the one all parts map to, else their nearest common ancestor."""
    hits = {taxonomy.map_code(scheme, c.removeprefix("IMP")) for c in cover}
    if None in hits or not hits:
        return None
    if len(hits) == 1:
        return hits.pop()
    chains = [[h, *taxonomy.ancestors(h)] for h in hits if h is not None]
    common = [s for s in chains[0] if all(s in ch for ch in chains[1:])]
    return common[0] if common else None


@lru_cache(maxsize=200_000)
def parse(scheme: str, text: str) -> Code:
    """Parse ``text`` as a code of ``scheme``; :class:`CodeError` if it is not one."""
    if scheme not in SCHEMES:
        raise CodeError(f"unknown sector scheme {scheme!r} (one of: {', '.join(SCHEMES)})")
    raw = str(text).strip().lstrip("`'").strip()
    if not raw:
        raise CodeError("empty sector code")
    if scheme == "raw":
        return Code("raw", raw, "code", 1, (), None)
    if _TOTAL.match(raw):
        return Code(scheme, "total", "total", 0, ("",), None)
    if scheme in SECTIONED:
        return _parse_sectioned(scheme, raw)
    if scheme == "naics2017" and _NAICS_RANGE.match(raw):
        return _naics_range(raw)
    digits = re.sub(r"[\s.\-/]", "", raw)
    if not _DIGITS.match(digits):
        raise CodeError(f"{raw!r} is not a {scheme} code (digits expected)")
    levels = LEVELS[scheme]
    if len(digits) > len(levels) or not levels[len(digits) - 1]:
        raise CodeError(f"{raw!r} is not a {scheme} code ({len(digits)} digits)")
    written = f"{digits[:4]}.{digits[4:]}" if scheme == "hs" and len(digits) > 4 else digits
    return Code(scheme, written, levels[len(digits) - 1], len(digits), (digits,), taxonomy.map_code(scheme, digits))


#: NAICS sectors written as ranges of 2-digit codes: 31-33 manufacturing, 44-45 retail, 48-49 transportation.
NAICS_RANGES: dict[str, tuple[str, ...]] = {"31-33": ("31", "32", "33"), "44-45": ("44", "45"), "48-49": ("48", "49")}
_NAICS_RANGE = re.compile(r"^(\d{2})\s*-\s*(\d{2})$")


def _naics_range(raw: str) -> Code:
    """A NAICS sector written as a range (``31-33``): a sector-level code covering its 2-digit parts.

    >>> c = parse("naics2017", "31 - 33")
    >>> c.id, c.level, c.cover, c.rox
    ('naics2017:31-33', 'sector', ('31', '32', '33'), 'manufacturing')
    >>> parse("naics2017", "31-33").contains(parse("naics2017", "336510"))
    True
    """
    lo, hi = _NAICS_RANGE.match(raw).groups()  # type: ignore[union-attr]
    code = f"{lo}-{hi}"
    cover = NAICS_RANGES.get(code)
    if cover is None:
        raise CodeError(f"{raw!r} is not a NAICS sector range (one of: {', '.join(NAICS_RANGES)})")
    return Code("naics2017", code, "sector", 2, cover, _rox_for("naics2017", cover))


def _parse_sectioned(scheme: str, raw: str) -> Code:
    s = raw.upper()
    if s in NOT_SECTORS:
        raise NotASector(NOT_SECTORS[s])
    if _LETTER_UNION.match(s):
        return _letter_union(scheme, s)
    code = _parse_letters(scheme, raw, s) or _parse_ranges(scheme, raw, s)
    if code is not None:
        return code
    letter = s[0] if re.match(r"^[A-U]\d", s) else None
    s = s[1:] if letter else s  # "C29.10" -> "29.10"
    digits = re.sub(r"[\s.\-/]", "", s)
    if not _DIGITS.match(digits):
        raise CodeError(f"{raw!r} is not a {scheme} code")
    if len(digits) == 1:
        digits = "0" + digits
    levels = LEVELS[scheme]
    if len(digits) > len(levels) or not levels[len(digits) - 1]:
        raise CodeError(f"{raw!r} is not a {scheme} code (too many digits)")
    if digits[:2] not in DIVISIONS:
        raise CodeError(f"{raw!r} is not a {scheme} code (no division {digits[:2]})")
    if letter and not SECTIONS[letter][0] <= int(digits[:2]) <= SECTIONS[letter][1]:
        section = next(k for k, (a, b) in SECTIONS.items() if a <= int(digits[:2]) <= b)
        raise CodeError(f"{raw!r} is not a {scheme} code (division {digits[:2]} is in section {section}, not {letter})")
    written = _dotted(digits) if scheme != "isic4" else digits
    return Code(scheme, written, levels[len(digits) - 1], 2 + len(digits), (digits,), taxonomy.map_code(scheme, digits))


def _parse_letters(scheme: str, raw: str, s: str) -> Code | None:
    """Sections and ONS section aggregates: ``A (1-3)``, ``CA (10-12)``, ``A-E``, ``C``."""
    m = _ONS_SECTION.match(s)
    if m:  # "A (1-3)", "CA (10-12)", "CD-CF (19-21)", "CI (26)"
        a, b, lo, hi = m.groups()
        cover = _divisions(int(lo), int(hi or lo))
        if not cover:
            raise CodeError(f"{raw!r} covers no {scheme} division")
        if len(a) == 1 and not b:
            code, level, rank = a, "section", 2
        else:
            code, level, rank = f"{a}-{b}" if b else a, "subsection", 3
        return Code(scheme, code, level, rank, cover, _rox_for(scheme, cover))
    m = _LETTER_RANGE.match(s)
    if m:  # "A-E", "G-T"
        a, b = m.groups()
        if a >= b:
            raise CodeError(f"{raw!r}: section range must go up")
        cover = tuple(d for sec, (lo, hi) in SECTIONS.items() if a <= sec <= b for d in _divisions(lo, hi))
        return Code(scheme, f"{a}-{b}", "section-range", 1, cover, _rox_for(scheme, cover))
    if re.fullmatch(r"[A-U]", s):
        cover = _divisions(*SECTIONS[s])
        rox = taxonomy.map_code(scheme, s) or _rox_for(scheme, cover)
        return Code(scheme, s, "section", 2, cover, rox)
    return None


def _letter_union(scheme: str, s: str) -> Code:
    """Eurostat's unions of sections: ``M_N`` (M and N), ``G-I_K``; contiguous ones are written as a range."""
    letters: list[str] = []
    for part in s.split("_"):
        a, b = (part.split("-") + [part])[:2]
        if a > b:
            raise CodeError(f"{s!r}: section range must go up")
        letters += [sec for sec in SECTIONS if a <= sec <= b and sec not in letters]
    letters.sort()
    cover = tuple(d for sec in letters for d in _divisions(*SECTIONS[sec]))
    keys = list(SECTIONS)
    contiguous = keys.index(letters[-1]) - keys.index(letters[0]) == len(letters) - 1
    code = f"{letters[0]}-{letters[-1]}" if contiguous else "_".join(letters)
    return Code(scheme, code, "section-range", 1, cover, _rox_for(scheme, cover))


def _parse_ranges(scheme: str, raw: str, s: str) -> Code | None:
    """Division ranges (``2-3``) and ONS ``68IMP``."""
    m = _DIV_RANGE.match(s)
    if m:  # "2-3", "11-12"
        lo, hi = int(m.group(1)), int(m.group(2))
        cover = _divisions(lo, hi)
        if lo >= hi or not cover:
            raise CodeError(f"{raw!r} is not a range of {scheme} divisions")
        return Code(scheme, f"{lo:02d}-{hi:02d}", "division", 4, cover, _rox_for(scheme, cover))
    m = _IMP.match(s)
    if m:  # ONS "68IMP": owner-occupiers' imputed rental, published beside 68 (which then excludes it)
        return Code(
            scheme, f"{m.group(1)}IMP", "division-part", 5, (f"IMP{m.group(1)}",), taxonomy.map_code(scheme, m.group(1))
        )
    return None


def aggregates(codes) -> set[str]:
    """Ids of the codes in ``codes`` that contain another code of the set (aggregates).

    Keeping only the others keeps the finest breakdown present and counts nothing twice.
    """
    codes = list({c.id: c for c in codes}.values())
    return {a.id for a in codes if any(a.contains(b) for b in codes)}


def containers(codes) -> dict[str, set[str]]:
    """For each code id, the ids of the codes of the set that contain it."""
    codes = list({c.id: c for c in codes}.values())
    return {b.id: {a.id for a in codes if a.contains(b)} for b in codes}


def guess_scheme(column: str | None) -> str | None:
    """A scheme named by a column header (``SIC07 code`` -> sic2007), else ``None``.

    >>> guess_scheme("SIC07 code"), guess_scheme("nace_r2"), guess_scheme("product")
    ('sic2007', 'nace2', None)
    """
    if not column:
        return None
    c = column.lower()
    for words, scheme in (
        (("sic",), "sic2007"),
        (("nace",), "nace2"),
        (("isic", "nic"), "isic4"),
        (("naics",), "naics2017"),
        (("sitc",), "sitc2"),
        (("hs",), "hs"),
    ):
        if any(re.search(rf"(^|[^a-z]){w}", c) for w in words):
            return scheme
    return None
