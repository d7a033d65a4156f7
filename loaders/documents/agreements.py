"""Agreements between places: memoranda of understanding, partnerships, joint declarations,
twinnings, sister cities, trade missions and named festivals.

Found by (docs/extract.md):

* a capitalised name ending in Partnership, Agreement, Accord, Declaration, Memorandum of
  Understanding, MoU or Festival that holds two places or more (``UK-India Technology
  Partnership``); its places are the parties. A name with one place is a body, not an
  agreement (``Midlands Engine Partnership``). A later name that ends the same way is the same
  agreement (``the FutureTech Festival``);
* the words of a kind (``a memorandum of understanding``, ``joint declaration``, ``twinned
  with``, ``sister city``, ``trade mission``/``delegation``/``trade visit``, ``a new
  partnership``): the parties are the places of that sentence, else of its paragraph
  (``my Chinese counterparts`` in a paragraph about Hefei is Hefei), the places that contain
  another one left out; a mission goes *from* a place *to* another, or from the paragraph's
  other places to its destination;
* ``the agreement``/``the memorandum`` and ``links between A and B`` refer to an agreement
  already found.

Sectors: those named in the sentences that mention the agreement and in the rest of their
paragraphs; for a memorandum, partnership, declaration or twinning with none, the sectors
the document gives all its parties (or the places they lie in): what the partnership stands
on. Date: the first one stated where it is named (not where it is only referred to), else the
document's date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rox.graph.ids import slugify
from rox.loaders.documents import dates
from rox.loaders.documents.context import Context
from rox.loaders.documents.facts import Fact
from rox.loaders.documents.orgs import Run, capitalised_runs
from rox.loaders.documents.places import PlaceHit, Places
from rox.loaders.documents.sectors import SectorHit

NAME_HEADS = {
    "partnership": "partnership",
    "agreement": "agreement",
    "accord": "agreement",
    "declaration": "joint-declaration",
    "understanding": "memorandum-of-understanding",
    "mou": "memorandum-of-understanding",
    "festival": "festival",
}
KIND_WORDS = {
    "memorandum-of-understanding": "memorandum of understanding",
    "joint-declaration": "joint declaration",
    "twinning": "twinning",
    "sister-city": "sister-city agreement",
    "trade-mission": "trade mission",
    "partnership": "partnership",
    "agreement": "agreement",
    "festival": "festival",
}
TRIGGERS = [
    (
        "memorandum-of-understanding",
        re.compile(r"\b(?:a|an|the)\s+(?:[\w-]+\s+)?(?:memorandum of understanding|MoU)\b", re.IGNORECASE),
        0.8,
    ),
    ("joint-declaration", re.compile(r"\bjoint declaration\b", re.IGNORECASE), 0.8),
    ("twinning", re.compile(r"\btwin(?:ning|ned)\b|\btwin (?:towns?|cit(?:y|ies))\b", re.IGNORECASE), 0.75),
    ("sister-city", re.compile(r"\bsister[- ](?:cit(?:y|ies)|provinces?|states?|regions?)\b", re.IGNORECASE), 0.75),
    (
        "trade-mission",
        re.compile(
            r"\b(?:trade|business|investment|ministerial) (?:mission|delegation|visit)\b|\bdelegation\b", re.IGNORECASE
        ),
        0.7,
    ),
    (
        "partnership",
        re.compile(r"\b(?:a|an)\s+(?:new\s+|strategic\s+|formal\s+)?partnership\b(?!s)", re.IGNORECASE),
        0.6,
    ),
]
ANAPHORA = re.compile(
    r"\bthe\s+(?:historic\s+|new\s+|landmark\s+)?(memorandum|agreement|mou|accord|deal|partnership)\b", re.IGNORECASE
)
BETWEEN = re.compile(
    r"\b(?:links?|ties|relationships?|co-?operation|collaboration|partnership)\s+between\s+", re.IGNORECASE
)
VENUE = re.compile(
    r"\b(?:signed|held|hosted|taking place|takes place|launched|met|meeting)\s+(?:\w+\s+){0,4}?in\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_FROM = re.compile(r"\bfrom\s+(?:the\s+)?$", re.IGNORECASE)
_TO = re.compile(r"\b(?:to|in|into)\s+(?:the\s+)?$", re.IGNORECASE)
SHARED_SECTOR_KINDS = frozenset(
    {"memorandum-of-understanding", "partnership", "joint-declaration", "twinning", "sister-city", "agreement"}
)


@dataclass
class Agreement:
    """An agreement found: kind, name, parties and sectors with the sentence that says each."""

    kind: str
    confidence: float
    how: str
    name: str | None = None  # as written, when the text names it
    name_keys: tuple[str, ...] = ()
    mentions: list[int] = field(default_factory=list)  # sentence indexes, first = where it is introduced
    introduced: list[int] = field(default_factory=list)  # sentences naming it (not "the agreement")
    spans: list[tuple[int, int]] = field(default_factory=list)
    parties: dict[str, int] = field(default_factory=dict)  # region id -> sentence
    sectors: dict[str, int] = field(default_factory=dict)  # sector id -> sentence
    shared: set[str] = field(default_factory=set)  # sectors inferred from the parties' profiles
    date: str | None = None
    id: str = ""
    known: bool = False

    def mention(self, sentence: int, start: int, end: int, *, named: bool = False) -> None:
        if sentence not in self.mentions:
            self.mentions.append(sentence)
        if named and sentence not in self.introduced:
            self.introduced.append(sentence)
        self.spans.append((start, end))


def find(
    ctx: Context,
    places: Places,
    sectors: list[SectorHit],
    region_facts: list[Fact],
    doc_date: str | None,
) -> list[Agreement]:
    """Every agreement of the document, with parties, sectors, date and id (see the module's rules)."""
    found: list[Agreement] = []
    for s in ctx.sentences:
        named = _named(ctx, s.index, places, found)
        _triggered(ctx, s.index, places, found, named)
        _references(ctx, s.index, places, found, named)
    for a in found:
        if a.kind != "trade-mission":  # a mission's parties stay from -> to
            first = {h.id: h.start for h in reversed(places.resolved())}
            a.parties = dict(sorted(a.parties.items(), key=lambda kv: first.get(kv[0], 0)))
        _sectors(ctx, a, sectors)
        if not a.sectors and a.kind in SHARED_SECTOR_KINDS:
            _shared_sectors(ctx, a, places, region_facts)
        a.date = _date(ctx, a, doc_date)
        _identify(ctx, a, places)
    return [a for a in found if a.parties]


def _name_runs(ctx: Context, index: int) -> list[tuple[Run, tuple[str, ...], int]]:
    """Capitalised names of sentence ``index`` that end like an agreement's: (run, keys, start)."""
    out = []
    for r in capitalised_runs(ctx.text, ctx.tokens[index]):
        keys = r.keys[1:] if r.keys[:1] == ("the",) else r.keys
        if len(keys) < 2 or keys[-1] not in NAME_HEADS or (keys[-1] == "understanding" and "memorandum" not in keys):
            continue
        out.append((r, keys, r.start + (4 if r.keys[:1] == ("the",) else 0)))
    return out


def name_spans(ctx: Context, places: Places) -> list[tuple[int, int]]:
    """Spans of names ending like an agreement's; their places are marked as inside a name
    (parties, not places the text describes)."""
    spans = []
    for s in ctx.sentences:
        for r, _keys, start in _name_runs(ctx, s.index):
            spans.append((start, r.end))
            for h in places.in_sentence(s.index):
                if start <= h.start and h.end <= r.end:
                    h.in_name = True
    return spans


def _named(ctx: Context, index: int, places: Places, found: list[Agreement]) -> list[tuple[int, int]]:
    spans = []
    for r, keys, start in _name_runs(ctx, index):
        same = next((a for a in found if a.name_keys and a.name_keys[-len(keys) :] == keys), None)
        if same is not None:
            same.mention(index, start, r.end, named=True)
            spans.append((start, r.end))
            continue
        inside = [h for h in places.in_sentence(index) if start <= h.start and h.end <= r.end]
        ids = list(dict.fromkeys(h.id for h in inside if h.id))
        if len(ids) == 1:
            continue  # one place: a body of that place (Midlands Engine Partnership)
        a = Agreement(NAME_HEADS[keys[-1]], 0.85, "named agreement", ctx.text[start : r.end], keys)
        a.mention(index, start, r.end, named=True)
        for i in ids:
            a.parties.setdefault(i, index)
        if not ids:  # a name without places: the places of its sentence, two at least
            pool = [(h, index) for h in places.in_sentence(index) if not _venue(ctx, h)]
            _add_parties(ctx, a, pool, places)
            a.confidence, a.how = 0.6, "named agreement; parties from its sentence"
            if len(a.parties) < 2:
                continue
        found.append(a)
        spans.append((start, r.end))
    return spans


def _inside_any(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start and end <= b for a, b in spans) or any(start <= a and b <= end for a, b in spans)


def _triggered(ctx: Context, index: int, places: Places, found: list[Agreement], named: list[tuple[int, int]]) -> None:
    s = ctx.sentences[index]
    for kind, pattern, confidence in TRIGGERS:
        for m in pattern.finditer(ctx.text, s.start, s.end):
            if _inside_any(m.start(), m.end(), named):
                continue
            a = Agreement(kind, confidence, f"the words {m.group().strip()!r}")
            a.mention(index, m.start(), m.end(), named=True)
            if kind == "trade-mission":
                _mission_parties(ctx, a, index, m.end(), places)
            else:
                _parties_around(ctx, a, index, places)
            if len(a.parties) >= (2 if kind in ("trade-mission", "partnership") else 1):
                _merge(found, a)


def _merge(found: list[Agreement], new: Agreement) -> None:
    """The same kind and parties as an agreement already found: one more mention of it."""
    for a in found:
        if a.kind == new.kind and set(a.parties) == set(new.parties):
            for sentence, span in zip(new.mentions, new.spans, strict=False):
                a.mention(sentence, *span, named=True)
            return
    found.append(new)


def _parties_around(ctx: Context, a: Agreement, index: int, places: Places) -> None:
    """The places of the sentence (not venues: ``signed in Barcelona``); with one, the document's
    home place too; with none, the places of the paragraph. Those containing another left out."""
    pool = [(h, index) for h in places.in_sentence(index) if not _venue(ctx, h)]
    ids = {h.id for h, _ in pool}
    home = _home(ctx, places)
    if len(ids) == 1 and home is not None and home[0].id not in ids:
        pool.append(home)
    elif not ids:
        para = ctx.sentences[index].paragraph
        pool += [(h, i) for i in ctx.paragraph(para) if i != index for h in places.in_sentence(i) if not _venue(ctx, h)]
    _add_parties(ctx, a, pool, places)


def _venue(ctx: Context, h: PlaceHit) -> bool:
    """``signed in Barcelona``, ``taking place in Delhi``: where it happens, not who takes part."""
    return VENUE.search(ctx.text[max(0, h.start - 40) : h.start]) is not None


def _home(ctx: Context, places: Places) -> tuple[PlaceHit, int] | None:
    """The place the document names most often (not a country), with its first sentence: its author's home."""
    counts: dict[str, list[PlaceHit]] = {}
    for h in places.resolved():
        if h.choice is not None and h.choice.kind not in ("country", "economic-region"):
            counts.setdefault(h.id or "", []).append(h)
    if not counts:
        return None
    best = max(sorted(counts), key=lambda k: len(counts[k]))
    return counts[best][0], counts[best][0].sentence


def _add_parties(ctx: Context, a: Agreement, pool: list[tuple[PlaceHit, int]], places: Places) -> None:
    first: dict[str, int] = {}
    for h, i in pool:
        if h.id and h.id not in first:
            first[h.id] = i
    for rid in places.most_specific(ctx.known, first):
        a.parties.setdefault(rid, first[rid])


def _mission_parties(ctx: Context, a: Agreement, index: int, pos: int, places: Places) -> None:
    """From a place (``from Derby``) to another (``to Hefei``); without ``from``, the paragraph's other places."""
    s = ctx.sentences[index]
    here = places.in_sentence(index)
    origin = next((h for h in here if _FROM.search(ctx.text[s.start : h.start])), None)
    dest = next(
        (h for h in here if h.start >= pos - 40 and _TO.search(ctx.text[s.start : h.start]) and h is not origin), None
    )
    if dest is None:
        return
    if origin is None:
        para = ctx.sentences[index].paragraph
        pool = [(h, i) for i in ctx.paragraph(para) for h in places.in_sentence(i) if h.id != dest.id]
        abroad = [(h, i) for h, i in pool if not _same_country(ctx, places, h, dest)]
        ids = places.most_specific(ctx.known, dict.fromkeys(h.id for h, _ in abroad if h.id))
        if ids:
            a.parties[ids[0]] = next(i for h, i in abroad if h.id == ids[0])
    elif origin.id:
        a.parties[origin.id] = index
    if a.parties and dest.id:
        a.parties.setdefault(dest.id, index)


def _same_country(ctx: Context, places: Places, h: PlaceHit, other: PlaceHit) -> bool:
    def country(p: PlaceHit) -> str | None:
        node = ctx.known.region(p.id or "")
        return (node.country if node else None) or (p.choice.country if p.choice else None)

    return country(h) is not None and country(h) == country(other)


def _references(ctx: Context, index: int, places: Places, found: list[Agreement], named: list[tuple[int, int]]) -> None:
    """``the agreement`` (the latest one found), ``links between A and B`` (the one between A and B)."""
    s = ctx.sentences[index]
    for m in ANAPHORA.finditer(ctx.text, s.start, s.end):
        if found and not _inside_any(m.start(), m.end(), named) and index not in found[-1].mentions:
            target = next((a for a in reversed(found) if a.kind != "trade-mission"), None)
            if target is not None:
                target.mention(index, m.start(), m.end())
    for m in BETWEEN.finditer(ctx.text, s.start, s.end):
        ids = {h.id for h in places.in_sentence(index) if h.start >= m.end()}
        for a in found:
            if len(a.parties) >= 2 and set(a.parties) <= ids:
                a.mention(index, m.start(), m.end())


def _sectors(ctx: Context, a: Agreement, sectors: list[SectorHit]) -> None:
    """Sectors named where it is mentioned and in the rest of those paragraphs."""
    for index in a.mentions:
        para = ctx.sentences[index].paragraph
        for i in [i for i in ctx.paragraph(para) if i >= index]:
            for x in sectors:
                if x.sentence == i:
                    a.sectors.setdefault(x.sector, i)


def _shared_sectors(ctx: Context, a: Agreement, places: Places, region_facts: list[Fact]) -> None:
    """The sectors the document gives every party (or a place a party lies in, or one inside it)."""

    def related(party: str) -> set[str]:
        return {party, *places.ancestors(ctx.known, party)}

    per_party = []
    for party in a.parties:
        mine = related(party)
        per_party.append({f.b: f.sentence for f in region_facts if f.a in mine or party in related(f.a)})
    if not per_party:
        return
    for sector, sentence in per_party[0].items():  # in the order the document names them
        if all(sector in p for p in per_party):
            a.sectors[sector] = sentence
            a.shared.add(sector)


def _date(ctx: Context, a: Agreement, doc_date: str | None) -> str | None:
    """The first date stated where it is named (a month alone takes the document's year; not where
    it is only referred to: "the agreement … after delegates visited in October 2015"), else the
    document's date."""
    for index in a.introduced:
        s = ctx.sentences[index]
        stated = dates.find(ctx.text, s.start, s.end)
        if stated:
            return stated[0].value
        month = dates.month_only(ctx.text, s.start, s.end)
        if month and doc_date:
            return f"{doc_date[:4]}-{month:02d}"
    return doc_date


def _identify(ctx: Context, a: Agreement, places: Places) -> None:
    """The store's agreement of the same name, or kind and parties; else ``agr-<slug of its name>``."""
    names = {h.id: (h.choice.name if h.choice else h.text) for h in places.resolved()}
    if a.name is None:
        who = "–".join(names.get(p, p) for p in a.parties)
        a.name = f"{who} {KIND_WORDS.get(a.kind, a.kind)}"
    hit = ctx.known.agreement_for(a.kind, a.parties, a.name)
    if hit:
        a.id, a.known = hit, True
        return
    base = f"agr-{slugify(a.name.replace('–', '-'))}"
    a.id = base if ctx.known.of("Agreement").get(base) is None else f"{base}-{(a.date or '')[:4] or 'new'}"
