"""Regions named in a document: found by name, resolved to the store's ids first.

Resolution order for each name (docs/extract.md):

1. a region of the store, by name or alias (``Hefei``, ``合肥``, ``Midlands Engine``);
2. the gazetteers (:mod:`.gazetteers`): countries, then ISO 3166-2 subdivisions and ITL
   regions, then NUTS regions, then GeoNames cities; a gazetteer id the store holds, or whose
   codes a store region claims (``TLG3`` -> ``GB-ENG-west-midlands``), is that region;
3. otherwise a new region: the gazetteer's id, a city as ``<parent>-<slug>`` under the
   subdivision the text names (``Hefei is the capital of Anhui`` -> ``CN-AH-hefei``) or else
   the one GeoNames gives, or its country.

A name is a place only if it is written like one (capitalised; an acronym in capitals) and is
not: inside a firm's or a university's name (``University of Derby``), the first half of a
metaphor (``the Detroit of India``), a seat in Parliament (``MP for Old Bexley and Sidcup``),
a seat of government used for the government (``Westminster``, ``Whitehall``), negated
(``non-EU``) or a month.
Among places of the same name, one whose subdivision the document names wins (``Derby …
Kansas``), then those of a country it speaks of (``Derby`` in a text about Britain is GB-DER); a city of a country it never names needs 500,000 people, and a
name made of generic words (``Centre``, ``South East``) needs its country named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from rox.graph.ids import child_region_id
from rox.loaders.documents.context import Context
from rox.loaders.documents.dates import MONTH_NAMES
from rox.loaders.documents.gazetteers import Candidate, demonym_country, place_index, place_of
from rox.loaders.documents.names import CONNECTORS, PhraseIndex, Token
from rox.loaders.documents.resolve import Known

METONYMS = frozenset({"westminster", "whitehall", "downing street", "capitol hill", "wall street", "holyrood"})
MONTHS = frozenset(MONTH_NAMES) | {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
GENERIC = frozenset(
    [
        "north",
        "south",
        "east",
        "west",
        "central",
        "centre",
        "center",
        "northern",
        "southern",
        "eastern",
        "western",
        "capital",
        "coast",
        "delta",
        "lakes",
        "plateau",
        "littoral",
        "island",
        "islands",
        "upper",
        "lower",
        "middle",
        "midlands",
        "highlands",
        "border",
        "interior",
        "river",
        "valley",
        "city",
        "region",
        "county",
        "district",
    ]
)
SEATS = ("mp for", "mep for", "msp for", "ms for", "am for", "member of parliament for", "constituency of")
#: words that may follow a subdivision's name and belong to it ("Anhui Province")
PLACE_SUFFIXES = frozenset({"province", "state", "region", "county", "prefecture", "municipality"})
_PARENT_LINK = re.compile(
    r"^(?:\s+(?:is|was|as)\s+|\s*,\s*)(?:the\s+)?(?:provincial\s+|state\s+)?capital\s+of\s+(?:the\s+)?$|^\s*,\s*$|^\s*,?\s+in\s+(?:the\s+)?$"
)
MASKED = "part of an organisation's name"
CITY_FOREIGN_MIN = 500_000
CITY_SENTENCE_START_MIN = 100_000


@dataclass
class PlaceHit:
    """A name in sentence ``sentence`` (tokens ``ti:tj``) and the place chosen for it."""

    sentence: int
    ti: int
    tj: int
    start: int
    end: int
    text: str
    candidates: list[Candidate]
    choice: Candidate | None = None
    known: bool = False
    in_name: bool = False  # inside an agreement's or a body's name: a party, not a place described
    confidence: float = 0.0
    how: str = ""
    dropped: str = ""  # why it is not a place after all

    @property
    def id(self) -> str | None:
        return self.choice.id if self.choice else None


@dataclass
class Places:
    """The place names of a document, resolved; :meth:`ancestors` walks store and gazetteer parents."""

    hits: list[PlaceHit] = field(default_factory=list)
    countries: set[str] = field(default_factory=set)  # countries the document speaks of
    parents: dict[str, str | None] = field(default_factory=dict)  # id -> parent id, new places

    def resolved(self) -> list[PlaceHit]:
        return [h for h in self.hits if h.choice is not None and not h.dropped]

    def in_sentence(self, index: int, *, names: bool = True) -> list[PlaceHit]:
        return [h for h in self.resolved() if h.sentence == index and (names or not h.in_name)]

    def ancestors(self, known: Known, region_id: str) -> list[str]:
        if known.region(region_id) is not None:
            return known.ancestors(region_id)
        out: list[str] = []
        parent = self.parents.get(region_id)
        while parent and parent not in out:
            out.append(parent)
            if known.region(parent) is not None:
                return out + [a for a in known.ancestors(parent) if a not in out]
            place = place_of(parent)
            parent = self.parents.get(parent) or (place.parent if place and place.parent != place.id else None)
        return out

    def most_specific(self, known: Known, ids: Iterable[str]) -> list[str]:
        """``ids`` without those that contain another of them (China when Hefei is there too)."""
        ids = list(dict.fromkeys(ids))
        inner = {a for i in ids for a in self.ancestors(known, i)}
        return [i for i in ids if i not in inner]


def store_index(known: Known) -> PhraseIndex:
    """The store's region names and aliases as candidates of rank 0."""
    idx = PhraseIndex()
    for r in sorted(known.of("Region").values(), key=lambda r: r.id):
        cand = Candidate(r.id, r.name, r.kind or "region", r.country, r.parents[0] if r.parents else None, 0, "")
        idx.add(r.name, replace(cand, how="store name"))
        for alias in r.aliases:
            idx.add(alias, replace(cand, how="store alias"))
    return idx


def written_as_name(toks: list[Token]) -> bool:
    """Whether the tokens are written like a name: the first and every other word capitalised (or in
    a script without case), connectors inside (``of``, ``and``, ``the``) excepted.

    >>> from rox.loaders.documents.names import tokens
    >>> written_as_name(tokens("City of London")), written_as_name(tokens("reading")), written_as_name(tokens("合肥"))
    (True, False, True)
    """
    content = [t for t in toks if t.is_word and t.key not in CONNECTORS]
    return bool(content) and toks[0].capitalised and all(t.capitalised for t in content)


def find(ctx: Context, local: PhraseIndex | None = None) -> Places:
    """Every place name of the document, resolved (see the module's rules)."""
    indexes = [store_index(ctx.known), place_index()] + ([local] if local else [])
    places = Places()
    for s in ctx.sentences:
        places.hits.extend(_hits_in(ctx, s.index, indexes))
    places.countries = _countries(ctx, places)
    named = {  # places named without doubt, below the level of countries (whose role is above)
        h.candidates[0].id
        for h in places.hits
        if not h.dropped and len({c.id for c in h.candidates}) == 1 and h.candidates[0].rank != 1
    }
    for hit in places.hits:
        _choose(hit, places.countries, ctx, named)
    _drop_metaphors(ctx, places)
    _parents_from_text(ctx, places)
    return places


def _match(
    text: str, known: Known, toks: list[Token], i: int, indexes: list[PhraseIndex]
) -> tuple[int, list[Candidate]] | None:
    longest = max(idx.longest for idx in indexes)
    for n in range(min(longest, len(toks) - i), 0, -1):
        k = tuple(t.key for t in toks[i : i + n])
        cands = [c for idx in indexes for c in idx.entries.get(k, [])]
        if cands and (
            written_as_name(toks[i : i + n]) or _as_in_store(text[toks[i].start : toks[i + n - 1].end], cands, known)
        ):
            return i + n, cands
    return None


def _as_in_store(written: str, cands: list[Candidate], known: Known) -> bool:
    """A store name or alias written in lower case (``non-EU countries``) matches as written."""
    for c in cands:
        node = known.region(c.id) if c.rank == 0 else None
        if node is not None and written in (node.name, *node.aliases):
            return True
    return False


def _hits_in(ctx: Context, index: int, indexes: list[PhraseIndex]) -> list[PlaceHit]:
    toks = ctx.tokens[index]
    out, i = [], 0
    while i < len(toks):
        found = _match(ctx.text, ctx.known, toks, i, indexes)
        if found is None:
            i += 1
            continue
        j, cands = found
        if j < len(toks) and toks[j].key in PLACE_SUFFIXES and toks[j].capitalised and any(c.rank <= 2 for c in cands):
            j += 1  # "Anhui Province"
        hit = PlaceHit(index, i, j, toks[i].start, toks[j - 1].end, ctx.text[toks[i].start : toks[j - 1].end], cands)
        hit.dropped = _excluded(ctx, toks, hit)
        out.append(hit)
        i = j
    return out


def _excluded(ctx: Context, toks: list[Token], hit: PlaceHit) -> str:
    key = " ".join(t.key for t in toks[hit.ti : hit.tj])
    before = " ".join(t.key for t in toks[max(0, hit.ti - 4) : hit.ti])
    if ctx.masked(hit.start, hit.end):
        return MASKED
    if key in METONYMS:
        return "seat of government (metonym)"
    if key in MONTHS:
        return "a month or a day"
    if hit.ti >= 2 and toks[hit.ti - 1].text == "-" and toks[hit.ti - 2].key in ("non", "anti", "ex"):
        return "negated (non-EU)"
    if any(before.endswith(seat) for seat in SEATS) or _after_seat(toks, hit.ti):
        return "a seat in parliament"
    return ""


def _after_seat(toks: list[Token], i: int) -> bool:
    """``MP for Old Bexley and Sidcup``: the place is inside a capitalised run that follows a seat cue."""
    j = i - 1
    while j >= 0 and (toks[j].capitalised or toks[j].key in ("and", "&", "-")):
        j -= 1
    before = " ".join(t.key for t in toks[max(0, j - 3) : j + 1])
    return j < i - 1 and any(before.endswith(seat) for seat in SEATS)


def _countries(ctx: Context, places: Places) -> set[str]:
    """Countries the document speaks of: named, of its store places, or by an adjective (Chinese)."""
    out: set[str] = set()
    for h in places.hits:
        if h.dropped:
            continue
        out.update(c.country for c in h.candidates if c.rank == 1 and c.country)
        regions = {c.country for c in h.candidates if c.rank == 2}
        if len(regions) == 1 and not all(w.casefold() in GENERIC for w in h.text.split()):
            out.update(r for r in regions if r)  # Coventry: a British place, so Britain is spoken of
        store = [c for c in h.candidates if c.rank == 0]
        if len(store) == 1 and store[0].country:
            out.add(store[0].country)
    for toks in ctx.tokens:
        out.update(cc for t in toks if t.capitalised and (cc := demonym_country(t.text)))
    return out


def _merged(cands: list[Candidate]) -> list[Candidate]:
    """A city and a country, ISO subdivision or ITL region of the same name in the same country
    are one place (the latter); a NUTS region named after a city (``Dresden``) gives way to it."""
    regions = {c.country for c in cands if c.rank in (1, 2)}
    cities = {c.country for c in cands if c.rank == 4}
    out = []
    for c in cands:
        if (c.rank == 4 and c.country in regions) or (c.rank == 3 and c.country in cities):
            continue
        out.append(c)
    return out


def _acceptable(c: Candidate, hit: PlaceHit, countries: set[str], sentence_start: bool) -> bool:
    if c.rank <= 1:
        return True
    generic = all(w.casefold() in GENERIC or not w.isalpha() for w in hit.text.split())
    if c.country in countries:
        if c.rank == 4 and sentence_start and hit.tj - hit.ti == 1:
            return (c.population or 0) >= CITY_SENTENCE_START_MIN
        return True
    if c.rank == 4:
        return (c.population or 0) >= CITY_FOREIGN_MIN
    return not generic


def _choose(hit: PlaceHit, countries: set[str], ctx: Context, named: set[str]) -> None:
    if hit.dropped and hit.dropped != MASKED:
        return  # inside a name it is still resolved: a university lies in the place its name holds
    store = [c for c in hit.candidates if c.rank == 0]
    if store:
        pick = _tie_break(store, hit, countries)
        hit.choice, hit.known, hit.how = pick or store[0], True, (pick or store[0]).how
        hit.confidence = 0.95 if len({c.id for c in store}) == 1 else 0.7
        return
    toks = ctx.tokens[hit.sentence]
    # "Much like Derby", "Reading the report": a small town's name opening a sentence, a word follows
    sentence_start = hit.ti == 0 and hit.tj < len(toks) and toks[hit.tj].is_word and not toks[hit.tj].capitalised
    gaz = [c for c in _merged(hit.candidates) if _acceptable(c, hit, countries, sentence_start)]
    parented = [c for c in gaz if c.parent in named]
    gaz = parented or gaz  # "Derby, a town in Kansas": the Derby whose state the text names
    for rank in sorted({c.rank for c in gaz}):
        group = [c for c in gaz if c.rank == rank]
        pick = _tie_break(group, hit, countries)
        if pick is None:
            ctx.warn(f"{hit.text!r} is ambiguous ({', '.join(sorted({c.id for c in group}))}); not taken as a region")
            return
        _resolved_to_store(hit, pick, ctx.known)
        return
    if not hit.dropped:
        hit.dropped = "no place of that name in the document's countries"


def _tie_break(group: list[Candidate], hit: PlaceHit, countries: set[str]) -> Candidate | None:
    ids = {c.id for c in group}
    if len(ids) == 1:
        return group[0]
    exact = [c for c in group if c.name.casefold() == hit.text.casefold()]
    if len({c.id for c in exact}) == 1:
        return exact[0]
    local = [c for c in group if c.country in countries]
    if len({c.id for c in local}) == 1:
        return local[0]
    pool = local or group
    by_pop = sorted(pool, key=lambda c: -(c.population or 0))
    if len(by_pop) > 1 and (by_pop[0].population or 0) >= 5 * max(1, by_pop[1].population or 0):
        return by_pop[0]
    return None


def _resolved_to_store(hit: PlaceHit, pick: Candidate, known: Known) -> None:
    """A gazetteer place the store holds under its id or codes is that region."""
    hit.choice, hit.how = pick, pick.how
    hit.confidence = {1: 0.9, 2: 0.85, 3: 0.8, 4: 0.75}.get(pick.rank, 0.7)
    if known.region(pick.id) is not None:
        hit.known = True
        return
    codes = pick.place.codes if pick.place else ()
    claimed = known.region_claiming([pick.id, *codes]) if codes else None
    if claimed:
        node = known.region(claimed)
        assert node is not None
        hit.choice = replace(pick, id=claimed, name=node.name, how=f"{pick.how}, claimed by store region {claimed}")
        hit.known = True


def _drop_metaphors(ctx: Context, places: Places) -> None:
    """``the Detroit of India``: a place followed by ``of`` and another place, after ``the``, is a figure of speech."""
    by_sentence: dict[int, list[PlaceHit]] = {}
    for h in places.resolved():
        by_sentence.setdefault(h.sentence, []).append(h)
    for index, hits in by_sentence.items():
        toks = ctx.tokens[index]
        starts = {h.ti for h in hits}
        for h in hits:
            before = toks[h.ti - 1].key if h.ti > 0 else ""
            after = toks[h.tj].key if h.tj < len(toks) else ""
            if before == "the" and after == "of" and h.tj + 1 in starts:
                h.dropped = "a metaphor (the X of Y)"


def _parents_from_text(ctx: Context, places: Places) -> None:
    """New cities under the subdivision the text names: ``Hefei is the capital of Anhui``, ``Pune, Maharashtra``."""
    parent_of: dict[str, Candidate] = {}
    hits = places.resolved()
    for h in hits:
        if h.known or h.choice is None or h.choice.rank != 4:
            continue
        for other in hits:
            if other.sentence != h.sentence or other.start < h.end or other.choice is None:
                continue
            c = other.choice
            between = ctx.text[h.end : other.start]
            if c.kind not in ("country", "city") and c.country == h.choice.country and _PARENT_LINK.match(between):
                parent_of.setdefault(h.choice.id, c)
                break
    for h in hits:
        if h.choice is None:
            continue
        parent = parent_of.get(h.choice.id)
        if parent is not None and h.choice.place is not None:
            new_id = child_region_id(parent.id, h.choice.name)
            place = replace(h.choice.place, id=new_id, parent=parent.id)
            h.choice = replace(
                h.choice, id=new_id, parent=parent.id, place=place, how=f"{h.choice.how}, in {parent.name}"
            )
            h.known = ctx.known.region(new_id) is not None
        if not h.known:
            places.parents[h.choice.id] = h.choice.parent
