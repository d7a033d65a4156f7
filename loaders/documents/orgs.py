"""Firms and universities named in a document.

Found, in this order (docs/extract.md):

1. names and aliases of the store's firms and universities, and the bundled world university
   list (:func:`rox.loaders.documents.universities.world_universities`);
2. capitalised names by their form: a company ending (``Ltd``, ``plc``, ``Inc``, ``GmbH``,
   ``Group``, ``Motors``…) makes a firm, ``University of X`` / ``X University`` a university;
   a name with a word of government (``Ministry``, ``Council``, ``Office``, ``Consulate``,
   ``Department``, ``Party``…) is a public body, never a firm;
3. firms by what the sentence says of them: ``X, the Y maker``, ``carmaker X``, ``the likes
   of X, Y and Z`` or ``companies such as X and Y`` in a sentence about companies, ``X and Y
   are global companies``;
4. acronyms defined in the text (``Jaguar Land Rover (JLR)``): the acronym then names the
   same organisation.

A firm's or university's name hides the places inside it (``University of Derby`` is no
mention of Derby). Counted universities (``Hefei is home to two universities``) are
resolved by :func:`counted_universities` once places are known.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from rox.graph.ids import slugify
from rox.loaders.documents.context import Context
from rox.loaders.documents.gazetteers import place_index
from rox.loaders.documents.names import CONNECTORS, PhraseIndex, Token, fold
from rox.loaders.documents.places import Places, written_as_name
from rox.loaders.documents.resolve import Known
from rox.loaders.documents.universities import University, world_universities

LEGAL_ENDINGS = frozenset(
    [
        "ltd",
        "limited",
        "plc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "gmbh",
        "ag",
        "sa",
        "se",
        "nv",
        "bv",
        "llc",
        "llp",
        "co",
        "company",
        "group",
        "holdings",
        "motors",
        "technologies",
        "airlines",
        "airways",
        "pharmaceuticals",
        "kg",
        "spa",
        "pvt",
        "pte",
        "oy",
        "ab",
    ]
)
#: connectors inside one capitalised name; "and" is not one ("Toyota and Bombardier" are two names)
RUN_CONNECTORS = CONNECTORS - {"and"}
GOVERNMENT = frozenset(
    [
        "ministry",
        "minister",
        "ministers",
        "department",
        "council",
        "office",
        "consulate",
        "embassy",
        "government",
        "parliament",
        "assembly",
        "authority",
        "agency",
        "commission",
        "committee",
        "party",
        "senate",
        "cabinet",
        "treasury",
        "mayor",
        "police",
        "court",
        "municipality",
        "secretary",
        "chamber",
        "administration",
        "bureau",
        "directorate",
        "nhs",
        "conservative",
        "conservatives",
        "labour",
    ]
)
UNIVERSITY_WORDS = frozenset({"university", "universitat", "universite", "universidad", "universita", "universidade"})
BUSINESS_WORDS = re.compile(
    r"\b(compan(?:y|ies)|firms?|business(?:es)?|manufacturers?|employers?|brands?|carmakers?|multinationals?|investors?)\b",
    re.IGNORECASE,
)
_MAKER = r"(?:maker|manufacturer|producer|company|firm|group|giant|supplier|operator|carmaker|automaker|retailer|airline|bank)"
_AFTER_NAME_MAKER = re.compile(rf"^,\s+(?:the|a|an)\s+((?:[\w-]+\s+){{0,4}}?{_MAKER})s?\b", re.IGNORECASE)
_BEFORE_NAME_MAKER = re.compile(rf"\b((?:[a-z][\w-]*\s+){{0,2}}{_MAKER})\s+$")
_LIST_CUE = re.compile(
    r"(?:\bthe likes of|\b(?:compan(?:y|ies)|firms|businesses|manufacturers|employers|investors)\s+"
    r"(?:such as|like|including))\s+$",
    re.IGNORECASE,
)
_ARE_COMPANIES = re.compile(
    r"^\s+(?:are|were|is)\s+(?:[\w-]+\s+){0,3}?(?:compan(?:y|ies)|firms?|manufacturers?|businesses|employers|brands|"
    r"carmakers|multinationals)\b",
    re.IGNORECASE,
)
_LIST_GLUE = re.compile(r"^(?:\s*,\s*(?:and\s+)?|\s+and\s+)$")
_ACRONYM = re.compile(r"^\s*\(([A-Z][A-Z0-9&]{1,7})\)")
_COUNTED = re.compile(
    r"\b(two|three|four|five|six|seven|eight|nine|ten|several|\d{1,2})\s+(?:[\w-]+\s+){0,4}?universities\b",
    re.IGNORECASE,
)
NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass
class OrgHit:
    """An organisation named in sentence ``sentence``: a firm, a university or a public ``body``."""

    label: str
    sentence: int
    start: int
    end: int
    name: str
    how: str
    confidence: float
    id: str | None = None
    known: bool = False
    university: University | None = None
    sector_words: str = ""  # "aero-engine maker" of "X, the aero-engine maker"
    place: str | None = None  # where a counted university is ("Hefei is home to two universities")


@dataclass
class Run:
    """A capitalised name in a sentence: tokens ``ti:tj``, characters ``start:end``."""

    ti: int
    tj: int
    start: int
    end: int
    text: str
    keys: tuple[str, ...] = field(default=())


def capitalised_runs(text: str, toks: list[Token]) -> list[Run]:
    """The capitalised names of a sentence (``Rolls-Royce``, ``University of Derby``, ``Foreign Office``).

    >>> from rox.loaders.documents.names import tokens
    >>> t = "Thanks to the Foreign Office and Rolls-Royce of Derby, the UK-India Technology Partnership."
    >>> [r.text for r in capitalised_runs(t, tokens(t))]
    ['Thanks', 'Foreign Office', 'Rolls-Royce of Derby', 'UK-India Technology Partnership']
    >>> t = "Rolls-Royce, Toyota and Bombardier"
    >>> [r.text for r in capitalised_runs(t, tokens(t))]
    ['Rolls-Royce', 'Toyota', 'Bombardier']
    """
    runs: list[Run] = []
    i = 0
    while i < len(toks):
        if not (toks[i].is_word and toks[i].capitalised):
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            t = toks[j]
            glued = t.start == toks[j - 1].end
            if (
                t.is_word
                and t.capitalised
                or (t.text in "-&'’." and glued and j + 1 < len(toks))
                or (t.is_word and glued and toks[j - 1].text in "'’")
                or t.key in RUN_CONNECTORS
                and j + 1 < len(toks)
                and toks[j + 1].is_word
                and toks[j + 1].capitalised
            ):
                j += 1
            else:
                break
        while j > i + 1 and (toks[j - 1].key in CONNECTORS or not toks[j - 1].is_word):
            j -= 1
        runs.append(
            Run(
                i,
                j,
                toks[i].start,
                toks[j - 1].end,
                text[toks[i].start : toks[j - 1].end],
                tuple(t.key for t in toks[i:j]),
            )
        )
        i = j
    return runs


@cache
def university_index() -> PhraseIndex:
    """The world university list by name."""
    idx = PhraseIndex()
    for u in world_universities():
        if len(u.name.split()) >= 2:
            idx.add(u.name, u)
    return idx


def store_orgs(known: Known) -> PhraseIndex:
    """The store's firms and universities by name and alias: values (label, id)."""
    idx = PhraseIndex()
    for label in ("Firm", "University"):
        for node in sorted(known.of(label).values(), key=lambda n: n.id):
            for name in (node.name, *node.aliases, *([core_name(node.name)] if label == "Firm" else [])):
                if name:
                    idx.add(name, (label.lower(), node.id))
    return idx


def core_name(name: str) -> str:
    """A firm's name without its legal ending, as names are compared.

    >>> core_name("Bharat Forge Ltd"), core_name("Rolls-Royce plc"), core_name("Tata Motors")
    ('Bharat Forge', 'Rolls-Royce', 'Tata Motors')
    """
    words = name.replace(",", " ").split()
    while len(words) > 1 and fold(words[-1].rstrip(".")) in LEGAL_ENDINGS - {
        "motors",
        "industries",
        "technologies",
        "airlines",
        "airways",
        "pharmaceuticals",
        "group",
    }:
        words.pop()
    return " ".join(words)


def find(ctx: Context) -> list[OrgHit]:
    """Every firm, university and public body named in the document (see the module's rules)."""
    store = store_orgs(ctx.known)
    local = PhraseIndex()  # acronyms defined in this text
    hits: list[OrgHit] = []
    for s in ctx.sentences:
        toks = ctx.tokens[s.index]
        found = _by_name(ctx, s.index, toks, [store, university_index(), local])
        runs = [r for r in capitalised_runs(ctx.text, toks) if not _overlaps(r.start, r.end, found)]
        found += _by_form(ctx, s.index, runs)
        found += _by_context(ctx, s.index, runs, found)
        for h in found:  # "Tata Motors, the Mumbai-based carmaker": what it makes, however it was found
            m = _AFTER_NAME_MAKER.match(ctx.text[h.end : s.end])
            if h.label == "firm" and m and not h.sector_words:
                h.sector_words = m.group(1).strip()
        _acronyms(ctx, runs, found, local)
        hits.extend(sorted(found, key=lambda h: h.start))
    for h in hits:
        resolve(h, ctx.known)
        if h.label in ("firm", "university"):
            ctx.masks.append((h.start, h.end))
    return hits


def _overlaps(start: int, end: int, hits: list[OrgHit]) -> bool:
    return any(h.start < end and start < h.end for h in hits)


def _by_name(ctx: Context, index: int, toks: list[Token], indexes: list[PhraseIndex]) -> list[OrgHit]:
    out, i = [], 0
    longest = max(idx.longest for idx in indexes)
    while i < len(toks):
        hit = None
        for n in range(min(longest, len(toks) - i), 0, -1):
            k = tuple(t.key for t in toks[i : i + n])
            values = [v for idx in indexes for v in idx.entries.get(k, [])]
            if values and written_as_name(toks[i : i + n]):
                hit = (i + n, values[0])
                break
        if hit is None:
            i += 1
            continue
        j, value = hit
        start, end = toks[i].start, toks[j - 1].end
        name = ctx.text[start:end]
        if isinstance(value, University):
            out.append(
                OrgHit("university", index, start, end, value.name, "world university list", 0.85, university=value)
            )
        elif isinstance(value, _Pending):
            first = value.hit
            out.append(
                OrgHit(
                    first.label,
                    index,
                    start,
                    end,
                    first.name,
                    "acronym defined in the text",
                    first.confidence,
                    university=first.university,
                    sector_words=first.sector_words,
                )
            )
        else:
            label, ident = value
            out.append(OrgHit(label, index, start, end, name, "store name", 0.95, ident, True))
        i = j
    return out


def _kind_by_form(keys: tuple[str, ...]) -> str | None:
    words = set(keys)
    if words & GOVERNMENT:
        return "body"
    if words & UNIVERSITY_WORDS and len(keys) >= 3:
        return "university"
    if len(keys) >= 2 and keys[-1] in LEGAL_ENDINGS:
        return "firm"
    return None


def _by_form(ctx: Context, index: int, runs: list[Run]) -> list[OrgHit]:
    out = []
    for n, r in enumerate(runs):
        start, keys, text = r.start, r.keys, r.text
        if keys and keys[0] == "the":
            start, keys, text = start + 4, keys[1:], text[4:]
        kind = _kind_by_form(keys)
        for other in (runs[n - 1] if n else None, runs[n + 1] if n + 1 < len(runs) else None):
            if other is None or _kind_by_form(other.keys) != "body":
                continue
            between = ctx.text[r.end : other.start] if other.start > r.start else ctx.text[other.end : r.start]
            if between == " and ":
                kind = "body"  # "Heavy Industries and Public Enterprise Minister": one office
        if kind == "body":
            out.append(OrgHit("body", index, start, r.end, text, "public body (by its words)", 0.8))
        elif kind == "firm":
            out.append(OrgHit("firm", index, start, r.end, text, "company ending", 0.8))
        elif kind == "university":
            out.append(OrgHit("university", index, start, r.end, text, "university (by its name)", 0.6))
    return out


def _is_place(text: str) -> bool:
    """Whether a name is surely a place (a country, a subdivision, a city of a million): in a list
    of companies, a smaller town's name is more likely a firm's (Toyota)."""
    return any(c.rank <= 2 or (c.population or 0) >= 1_000_000 for c in place_index().get(text))


def _by_context(ctx: Context, index: int, runs: list[Run], found: list[OrgHit]) -> list[OrgHit]:
    """Firms the sentence calls firms: makers, lists of companies."""
    s = ctx.sentences[index]
    sentence = ctx.text[s.start : s.end]
    free = [r for r in runs if not _overlaps(r.start, r.end, found) and not _is_place(r.text)]
    out: dict[int, OrgHit] = {}
    for r in free:
        after = ctx.text[r.end : s.end]
        before = ctx.text[s.start : r.start]
        m = _AFTER_NAME_MAKER.match(after)
        if m:
            out[r.start] = OrgHit(
                "firm", index, r.start, r.end, r.text, "X, the … maker", 0.75, sector_words=m.group(1).strip()
            )
            continue
        m = _BEFORE_NAME_MAKER.search(before)
        if m and len(m.group(1).split()) > 1:
            out[r.start] = OrgHit(
                "firm", index, r.start, r.end, r.text, "… maker X", 0.7, sector_words=m.group(1).strip()
            )
    for group in _lists(ctx, runs, s.start, s.end):
        first = group[0]
        cue = _LIST_CUE.search(ctx.text[s.start : first.start])
        are = _ARE_COMPANIES.match(ctx.text[group[-1].end : s.end])
        if (cue and BUSINESS_WORDS.search(sentence)) or are:
            for r in group:
                if r in free and r.start not in out:
                    out[r.start] = OrgHit("firm", index, r.start, r.end, r.text, "named as a company", 0.65)
    return list(out.values())


def _lists(ctx: Context, runs: list[Run], lo: int, hi: int) -> list[list[Run]]:
    """Runs joined by commas and ``and``: ``Rolls-Royce, Toyota and Bombardier``."""
    groups: list[list[Run]] = []
    for r in runs:
        if groups and _LIST_GLUE.match(ctx.text[groups[-1][-1].end : r.start]):
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _acronyms(ctx: Context, runs: list[Run], found: list[OrgHit], local: PhraseIndex) -> None:
    """``Jaguar Land Rover (JLR)``: the acronym names what the name names from now on."""
    for h in found:
        m = _ACRONYM.match(ctx.text[h.end : h.end + 12])
        if m and h.label in ("firm", "university"):
            local.add(m.group(1), (h.label, h.id) if h.known else _Pending(h))


class _Pending:
    """An acronym of an organisation found in this text (not in the store)."""

    def __init__(self, hit: OrgHit):
        self.hit = hit


def resolve(h: OrgHit, known: Known) -> None:
    """Ids: the store's when it has the name, else ``firm-<slug>`` / ``uni-<slug>``."""
    if h.known and h.id:
        return
    label = "Firm" if h.label == "firm" else "University"
    name = core_name(h.name) if h.label == "firm" else h.name
    for node in sorted(known.of(label).values(), key=lambda n: n.id):
        names = {fold(n) for n in (node.name, *node.aliases)} | (
            {fold(core_name(node.name))} if h.label == "firm" else set()
        )
        if fold(name) in names:
            h.id, h.known, h.how = node.id, True, f"{h.how}; store name"
            return
    if h.label == "firm":
        h.id = f"firm-{slugify(name)}"
    elif h.label == "university":
        h.id = f"uni-{slugify(_short_university(h.name))}"


def _short_university(name: str) -> str:
    """``University of Derby`` -> ``Derby``; ``Loughborough University`` -> ``Loughborough``; else the name."""
    n = re.sub(r"^(?:The\s+)?University\s+of\s+(?:the\s+)?", "", name)
    n = re.sub(r"\s+University$", "", n)
    return n if n and len(n) < len(name) and " of " not in n else name


def counted_universities(ctx: Context, places: Places, source_id: str) -> list[OrgHit]:
    """``Hefei is home to two universities``: the universities the store already ties to that place
    and this document, else the world list's universities of that country named after the place."""
    out: list[OrgHit] = []
    for s in ctx.sentences:
        sentence = ctx.text[s.start : s.end]
        for m in _COUNTED.finditer(sentence):
            where = [h for h in places.in_sentence(s.index) if h.start < s.start + m.start()] or places.in_sentence(
                s.index
            )
            if not where:
                continue
            inner = places.most_specific(ctx.known, [h.id for h in where if h.id])
            place = [h for h in where if h.id in inner][-1]  # Hefei, not China, in "Hefei, in China, is home to"
            count = NUMBERS.get(m.group(1).lower()) or (int(m.group(1)) if m.group(1).isdigit() else None)
            out.extend(_counted(ctx, s.index, s.start + m.start(), s.start + m.end(), place, count, source_id))
    return out


def _counted(ctx: Context, index: int, start: int, end: int, place, count: int | None, source_id: str) -> list[OrgHit]:
    ids = ctx.known.universities_at(place.id, source_id)
    if ids:
        return [
            OrgHit(
                "university",
                index,
                start,
                end,
                ctx.known.of("University")[i].name,
                f"counted in {place.text}: store, same document",
                0.6,
                i,
                True,
            )
            for i in ids
        ]
    name_key = fold(place.choice.name if place.choice else place.text)
    country = place.choice.country if place.choice else None
    pool = [u for u in world_universities() if u.country == country and name_key in fold(u.name)]
    if not pool:
        return []
    if count is not None and len(pool) > count:
        ctx.warn(
            f"{count} universities counted in {place.text}, {len(pool)} in the world list named after it; none taken"
        )
        return []
    if count is not None and len(pool) < count:
        ctx.warn(f"{count} universities counted in {place.text}; the world list names {len(pool)} after it")
    return [
        OrgHit(
            "university",
            index,
            start,
            end,
            u.name,
            f"counted in {place.text}: world list, named after the place",
            0.4,
            university=u,
            place=place.id,
        )
        for u in pool
    ]
