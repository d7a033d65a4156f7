"""Facts within one sentence: a region's sectors, where a firm works, what a university researches.

* ``region_sectors``: a sentence that characterises a place by an industry (it says *centre
  for*, *home to*, *heart of*, *industry*, *sector*, *big business*, *known for*, *leading*…)
  gives every place it names a fact for every sector it names, except the places that only
  contain another place named there (``Hefei … China’s rail network``: Hefei, not China) and
  places inside an agreement's or a firm's name.
* ``operates_in`` / ``headquartered_in``: a firm and a place in one sentence that says so
  (*headquartered in*, *based in*, *the Mumbai-based carmaker*; *operates in*, *plant in*,
  *doing business in*, *established in*, *invests in*…): the firms named before the words, the
  first place after.
* ``researches``: a university and a sector in one sentence about research or expertise.

>>> CHARACTERISES.search("Much like Derby, Anhui is a centre for the rail industry") is not None
True
>>> CHARACTERISES.search("Derby is attractive for investors and universities") is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rox.loaders.documents.context import Context
from rox.loaders.documents.orgs import OrgHit
from rox.loaders.documents.places import PlaceHit, Places
from rox.loaders.documents.sectors import SectorHit

CHARACTERISES = re.compile(
    r"\b(cent(?:re|er)s? (?:for|of)|hub (?:for|of)|home to|heart of|known for|famous for|leaders? in|leading|"
    r"strengths?|speciali[sz]\w*|clusters?|big business|industry|industries|sectors?|base for|powerhouse|"
    r"innovators|economy (?:is|of)|dominated by|thriving)\b",
    re.IGNORECASE,
)
HEADQUARTERS = re.compile(
    r"\b(?:headquartered|based|head office|headquarters|HQ)\b(?:\s+\w+){0,2}?\s+in\b", re.IGNORECASE
)
OPERATES = re.compile(
    r"\b(?:operat\w*|plants?|factor(?:y|ies)|sites?|facilit(?:y|ies)|works|presence|business|established|"
    r"invest(?:s|ed|ing|ment)?|opened|employs?|production)\b[^.;:]{0,40}?\bin\b",
    re.IGNORECASE,
)
RESEARCH = re.compile(
    r"\b(research\w*|expertise|speciali[sz]\w*|strengths?|known for|leads?|excellence)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Fact:
    """A fact between two things (ids) quoted from sentence ``sentence``."""

    label: str
    a: str
    b: str
    sentence: int
    confidence: float
    how: str


def region_sectors(ctx: Context, places: Places, sectors: list[SectorHit], names: list[tuple[int, int]]) -> list[Fact]:
    """Region-sector facts (see the module's rules); ``names`` are spans whose sectors are not a region's."""
    out: list[Fact] = []
    for s in ctx.sentences:
        sentence = ctx.text[s.start : s.end]
        if not CHARACTERISES.search(sentence):
            continue
        here = [h for h in places.in_sentence(s.index, names=False)]
        found = [x for x in sectors if x.sentence == s.index and not _inside(x.start, x.end, names)]
        if not here or not found:
            continue
        for region in places.most_specific(ctx.known, [h.id for h in here if h.id]):
            for x in dict.fromkeys(x.sector for x in found):
                out.append(
                    Fact(
                        "region_sector",
                        region,
                        x,
                        s.index,
                        0.7,
                        "region and sector in a sentence that characterises it",
                    )
                )
    return out


def _inside(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans)


def firm_places(ctx: Context, places: Places, orgs: list[OrgHit]) -> list[Fact]:
    """``operates_in`` and ``headquartered_in`` facts of firms."""
    out: list[Fact] = []
    for s in ctx.sentences:
        firms = [o for o in orgs if o.sentence == s.index and o.label == "firm" and o.id]
        if not firms:
            continue
        here = places.in_sentence(s.index)
        for label, pattern in (("headquartered_in", HEADQUARTERS), ("operates_in", OPERATES)):
            for m in pattern.finditer(ctx.text, s.start, s.end):
                place = _first_after(here, m.end())
                for firm in (f for f in firms if f.end <= m.start()):
                    if place is not None and place.id:
                        out.append(
                            Fact(label, firm.id or "", place.id, s.index, 0.7, f"firm and place: {m.group().strip()!r}")
                        )
        for h in here:
            if ctx.text.startswith("-based", h.end) and h.id:
                before = [f for f in firms if f.end <= h.start]
                if before:
                    out.append(
                        Fact("headquartered_in", before[-1].id or "", h.id, s.index, 0.7, "firm and place: '-based'")
                    )
    return list(dict.fromkeys(out))


def _first_after(hits: list[PlaceHit], pos: int) -> PlaceHit | None:
    after = [h for h in hits if h.start >= pos]
    return min(after, key=lambda h: h.start) if after else None


def university_facts(ctx: Context, orgs: list[OrgHit], sectors: list[SectorHit]) -> list[Fact]:
    """``researches`` facts: a university and a sector in a sentence about research."""
    out: list[Fact] = []
    for s in ctx.sentences:
        unis = [
            o for o in orgs if o.sentence == s.index and o.label == "university" and o.id and "counted" not in o.how
        ]
        if not unis or not RESEARCH.search(ctx.text, s.start, s.end):
            continue
        spans = [(o.start, o.end) for o in orgs if o.sentence == s.index]
        for x in sectors:
            if (
                x.sentence == s.index
                and not _inside(x.start, x.end, spans)
                and x.sector not in ("higher-education", "research", "education")
            ):
                for u in unis:
                    out.append(
                        Fact(
                            "researches",
                            u.id or "",
                            x.sector,
                            s.index,
                            0.6,
                            "university and sector in a sentence about research",
                        )
                    )
    return list(dict.fromkeys(out))
