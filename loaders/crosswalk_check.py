"""Check the taxonomy's crosswalks (``graph/taxonomy.yaml``) against the official concordances.

For every code a rox sector lists in NACE Rev. 2, SIC 2007, ISIC Rev. 4 or NAICS 2017,
:func:`check` maps the code to ISIC Rev. 4 with :func:`loaders.concordances.to_isic4`
and measures how much of it lands in the ISIC divisions (and sections) the same sector
claims in its ISIC Rev. 4 crosswalk, descendants included. The crosswalk *agrees* when
most of the code (a share >= :data:`AGREE`) lands there: NAICS industries are cut
differently from ISIC ones, so small parts elsewhere are expected. A NAICS entry means
the 6-digit industries under it that no other sector claims (the taxonomy maps by longest
prefix: ``53`` of real-estate is 531 and 533, as professional-services claims 532).

>>> r = next(r for r in check() if (r.sector, r.scheme, r.code) == ("rail", "nace2", "30.2"))
>>> r.division_share, r.agrees
(1.0, True)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from rox.graph import taxonomy
from rox.loaders.concordances import ConcordanceError, isic_division, isic_section, naics_table, to_isic4_level
from rox.loaders.schemes import SECTIONS

#: the schemes checked (those with an official concordance to ISIC Rev. 4)
CHECKED = ("nace2", "sic2007", "isic4", "naics2017")
#: share of a code that must land in its sector's ISIC divisions/sections for the crosswalk to agree
AGREE = 0.5


@dataclass(frozen=True)
class Finding:
    """One crosswalk entry and where the concordance puts it."""

    sector: str
    scheme: str
    code: str
    division_share: float  # share landing in the sector's ISIC divisions
    section_share: float  # share landing in the sector's ISIC sections
    lands_in: tuple[tuple[str, float], ...]  # ISIC divisions (or sections) with their shares, largest first
    error: str = ""

    @property
    def agrees(self) -> bool:
        return not self.error and self.division_share >= AGREE and self.section_share >= AGREE

    def describe(self) -> str:
        where = ", ".join(f"{c} {w:.0%}" for c, w in self.lands_in[:4])
        why = self.error or f"{self.division_share:.0%} in its ISIC divisions, {self.section_share:.0%} in its sections"
        return f"{self.sector}: {self.scheme} {self.code}: {why} (lands in {where or 'nothing'})"


def _isic_area(sector: str) -> tuple[set[str], set[str]]:
    """ISIC divisions and sections a sector claims (with its descendants)."""
    divisions: set[str] = set()
    for c in taxonomy.codes(sector, "isic4"):
        if c in SECTIONS:
            lo, hi = SECTIONS[c]
            divisions.update(f"{d:02d}" for d in range(lo, hi + 1))
        else:
            divisions.add(isic_division(c) or "")
    return divisions, {isic_section(d) for d in divisions}


def _entries() -> Iterator[tuple[str, str, str]]:
    for s in taxonomy.sectors():
        for scheme in CHECKED:
            for code in s.crosswalk[scheme]:
                yield s.id, scheme, code


def _lands(sector: str, scheme: str, code: str, level: str) -> list[tuple[str, float]]:
    """Where the entry lands at ISIC ``level``; NAICS entries without the industries other sectors claim."""
    if scheme != "naics2017":
        return to_isic4_level(scheme, code, level)
    mine = [k for k in naics_table("2017") if len(k) == 6 and taxonomy.map_code(scheme, k) == sector]
    mine = [k for k in mine if k.startswith(code)] or [code]
    weights: dict[str, float] = defaultdict(float)
    for k in mine:
        for c, w in to_isic4_level(scheme, k, level):
            weights[c] += w / len(mine)
    return sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))


def check() -> list[Finding]:
    """A :class:`Finding` for every crosswalk entry of a sector that has an ISIC Rev. 4 crosswalk."""
    out = []
    for sector, scheme, code in _entries():
        divisions, sections = _isic_area(sector)
        if not divisions:
            continue
        try:
            by_div = _lands(sector, scheme, code, "division")
            by_sec = _lands(sector, scheme, code, "section")
        except ConcordanceError as exc:
            out.append(Finding(sector, scheme, code, 0.0, 0.0, (), str(exc)))
            continue
        d_share = sum(w for c, w in by_div if c in divisions or c in sections)
        s_share = sum(w for c, w in by_sec if c in sections)
        out.append(Finding(sector, scheme, code, round(d_share, 6), round(s_share, 6), tuple(by_div)))
    return out


def disagreements() -> list[Finding]:
    """The entries that do not agree (see :func:`check`)."""
    return [f for f in check() if not f.agrees]


__all__ = ["AGREE", "CHECKED", "Finding", "check", "disagreements"]
