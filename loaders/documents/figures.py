"""Money figures of trade between places: ``Britain exports £22 billion of goods and services to
China every year``.

A figure is a currency sign or code and a number with its scale (``£22 billion``, ``US$3.5bn``,
``€120m``, ``₹500 crore``, ``5 million euros``). It becomes a trade fact when its sentence
speaks of trade (export, import, trade) and names the places:

* ``between A and B``: a total between A and B;
* ``exports``/``imports``: from the place before the verb (or the author's country for *we*,
  *our*) to the place nearest the figure in its clause (not past a *but* or a semicolon);
* year: one stated in the sentence; ``every year``/``this year``/``annually`` the document's
  year, ``last year`` the year before; else none.

>>> [(m.value, m.currency) for m in money("Britain exports £22 billion; €1.5bn and 300 million dollars.")]
[(22000000000.0, 'GBP'), (1500000000.0, 'EUR'), (300000000.0, 'USD')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rox.graph.ids import slugify
from rox.loaders.documents import dates
from rox.loaders.documents.context import Context
from rox.loaders.documents.places import Places
from rox.loaders.documents.sectors import SectorHit

SIGNS = {"£": "GBP", "$": "USD", "US$": "USD", "€": "EUR", "¥": "CNY", "₹": "INR", "RMB": "CNY"}
CODES = {"GBP", "USD", "EUR", "CNY", "INR", "JPY", "CHF", "CAD", "AUD"}
WORDS = {
    "pounds": "GBP",
    "dollars": "USD",
    "euros": "EUR",
    "yuan": "CNY",
    "renminbi": "CNY",
    "rupees": "INR",
    "yen": "JPY",
}
SCALES = {
    "trillion": 1e12, "tn": 1e12, "billion": 1e9, "bn": 1e9, "b": 1e9, "million": 1e6, "mn": 1e6, "m": 1e6,
    "thousand": 1e3, "k": 1e3, "crore": 1e7, "lakh": 1e5,
}  # fmt: skip
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?"
_SCALE = r"(?:\s?(trillion|billion|million|thousand|crore|lakh|tn|bn|mn|[mbk])\b)?"
_BY_SIGN = re.compile(rf"(US\$|£|\$|€|¥|₹|\b(?:GBP|USD|EUR|CNY|INR|JPY|CHF|CAD|AUD|RMB)\s?){_NUMBER}{_SCALE}")
_BY_WORD = re.compile(rf"\b{_NUMBER}{_SCALE}\s+(pounds|dollars|euros|yuan|renminbi|rupees|yen)\b", re.IGNORECASE)
_CLAUSE = re.compile(r",?\s+but\s+|;\s*")
TRADE = re.compile(r"\b(export\w*|import\w*|trad(?:e|es|ing)|sales? to)\b", re.IGNORECASE)
_FLOW = re.compile(r"\b(?:of|in)\s+((?:[a-z-]+\s+){0,2}?(?:goods and services|goods|services|products))\b")


@dataclass(frozen=True)
class Money:
    value: float
    currency: str
    start: int
    end: int


@dataclass(frozen=True)
class TradeFigure:
    """A trade fact: ``frm`` -> ``to`` (ids), direction ``export``/``import``/``total``."""

    frm: str
    to: str
    value: float
    currency: str
    direction: str
    year: int | None
    flow: str | None
    sector: str | None
    sentence: int
    start: int  # the figure's span
    end: int


def _amount(whole: str, frac: str | None, scale: str | None) -> float:
    value = float(whole.replace(",", "") + ("." + frac if frac else ""))
    return round(value * SCALES.get((scale or "").lower(), 1.0), 2)


def money(text: str, start: int = 0, end: int | None = None) -> list[Money]:
    """The money figures in ``text[start:end]``."""
    end = len(text) if end is None else end
    out = []
    for m in _BY_SIGN.finditer(text, start, end):
        sign = m.group(1).strip()
        out.append(Money(_amount(m.group(2), m.group(3), m.group(4)), SIGNS.get(sign, sign), m.start(), m.end()))
    for m in _BY_WORD.finditer(text, start, end):
        if not any(o.start <= m.start() < o.end for o in out):
            out.append(
                Money(_amount(m.group(1), m.group(2), m.group(3)), WORDS[m.group(4).lower()], m.start(), m.end())
            )
    return sorted(out, key=lambda x: x.start)


def home_country(ctx: Context, places: Places) -> str | None:
    """The author's country: the one whose places are named most in sentences saying *we* or *our*."""
    votes: dict[str, int] = {}
    for s in ctx.sentences:
        if re.search(r"\b(we|our|us)\b", ctx.text[s.start : s.end], re.IGNORECASE):
            for h in places.in_sentence(s.index):
                cc = (ctx.known.region(h.id or "") or h.choice).country if h.choice else None
                if cc and len(cc) == 2 and cc not in ("EU", "ZZ"):
                    votes[cc] = votes.get(cc, 0) + 1
    return max(sorted(votes), key=lambda c: votes[c]) if votes else None


def trade(ctx: Context, places: Places, sectors: list[SectorHit], doc_year: int | None) -> list[TradeFigure]:
    """Trade facts with money figures (see the module's rules)."""
    home = home_country(ctx, places)
    out: list[TradeFigure] = []
    for s in ctx.sentences:
        if not TRADE.search(ctx.text, s.start, s.end):
            continue
        for fig in money(ctx.text, s.start, s.end):
            found = _ends(ctx, places, s.index, fig, home)
            if found is None:
                continue
            frm, to, direction = found
            sentence = ctx.text[s.start : s.end]
            flow = _FLOW.search(sentence)
            sector = next((x.sector for x in sectors if x.sentence == s.index and x.start > fig.start), None)
            out.append(
                TradeFigure(
                    frm,
                    to,
                    fig.value,
                    fig.currency,
                    direction,
                    _year(ctx, s.start, s.end, doc_year),
                    slugify(flow.group(1)) if flow else None,
                    sector,
                    s.index,
                    fig.start,
                    fig.end,
                )
            )
    return out


def _ends(ctx: Context, places: Places, index: int, fig: Money, home: str | None) -> tuple[str, str, str] | None:
    s = ctx.sentences[index]
    here = [h for h in places.in_sentence(index) if h.id]
    between = re.search(r"\bbetween\s+", ctx.text[s.start : fig.start])
    if between:
        after = [h for h in here if h.start >= s.start + between.end()]
        if len(after) >= 2 and after[0].id != after[1].id:
            return after[0].id or "", after[1].id or "", "total"
    verb = re.search(r"\b(export|import)\w*", ctx.text[s.start : s.end], re.IGNORECASE)
    if verb is None:
        return None
    direction = "export" if verb.group(1).lower() == "export" else "import"
    vpos = s.start + verb.start()
    ours = re.search(r"\bour\s+$", ctx.text[s.start : vpos], re.IGNORECASE) is not None
    subject = [] if ours else [h for h in here if h.end <= vpos and h.end <= fig.start]
    first_person = re.search(r"\b(we|our|us)\b", ctx.text[s.start : s.end], re.IGNORECASE)
    frm = subject[-1].id if subject else (home if first_person else None)
    lo, hi = _clause(ctx.text, s.start, s.end, fig)
    others = [h for h in here if h.id != frm and lo <= h.start < hi]
    if not frm or not others:
        return None
    to = min(others, key=lambda h: min(abs(h.start - fig.end), abs(fig.start - h.end))).id or ""
    return frm, to, direction


def _clause(text: str, start: int, end: int, fig: Money) -> tuple[int, int]:
    """The part of the sentence around the figure between ``but``s and semicolons: the place a
    figure goes to is named in its own clause ("… trade with the EU, but … the non-EU countries,
    which account for £342 billion")."""
    cuts = [start, *(m.end() for m in _CLAUSE.finditer(text, start, end)), end]
    lo = max(c for c in cuts if c <= fig.start)
    hi = min(c for c in cuts if c >= fig.end)
    return lo, hi


def _year(ctx: Context, start: int, end: int, doc_year: int | None) -> int | None:
    stated = dates.find(ctx.text, start, end)
    if stated:
        return int(stated[0].value[:4])
    sentence = ctx.text[start:end].lower()
    if doc_year is not None:
        if re.search(r"\blast year\b", sentence):
            return doc_year - 1
        if re.search(r"\b(every year|each year|this year|a year|annually|per year)\b", sentence):
            return doc_year
    return None
