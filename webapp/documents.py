"""Load data › Documents: press releases, MoUs and strategies into reviewed facts (``rox extract``
in the app).

Upload files (text, Markdown, HTML, DOCX, PDF) or paste text; :meth:`rox.api.Rox.extract` finds
the regions, firms, universities, sectors, agreements, facts and figures in each document. The
page shows the text with every mention highlighted by label, then a review table per kind of
item: each with its evidence sentence (verbatim) and confidence, and a tick. Ticked items (and
what they need: a fact's firm or region, the document's Source) are loaded with
:meth:`rox.api.Rox.load_extractions`, the same validated, all-or-nothing load as ``rox load``;
the result links the new nodes to the graph explorer and the document's region to Find partners.

Document text is user data: it is HTML-escaped before the highlight tags are added and shown
with ``st.html`` (no Markdown), and names shown in Markdown are escaped (:func:`md_escape`).
The helpers before the Streamlit functions are pure, with examples.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import streamlit as st

from rox import api
from rox.webapp import common

UPLOAD_TYPES = ["txt", "md", "markdown", "html", "htm", "docx", "pdf"]
PASTE_FORMATS = ("text", "markdown", "html")
PASTED = "pasted text"
GEN = "ld-doc-gen"
RESULT = "ld-doc-result"
#: Review tables, in order: title and the item labels they hold (any other label goes to "Facts").
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Regions", ("region",)),
    ("Firms", ("firm",)),
    ("Universities", ("university",)),
    ("Sectors", ("region_sector", "firm_sector", "researches", "covers")),
    ("Agreements", ("agreement",)),
    ("Facts", ("operates_in", "headquartered_in", "located_in")),
    ("Figures", ("trade",)),
)
ENTITY_LABELS = ("source", "region", "firm", "university", "agreement")
SECTION_LABEL = {"sources": "source", "regions": "region", "firms": "firm", "universities": "university"}
#: Highlight colour and legend name of each mention label.
MARKS = {
    "region": ("#a5d8ff", "region"),
    "firm": ("#ffc078", "firm"),
    "university": ("#b2f2bb", "university"),
    "agreement": ("#d0bfff", "agreement"),
    "sector": ("#ffec99", "sector"),
    "figure": ("#ffa8a8", "money / trade figure"),
    "date": ("#dee2e6", "date"),
    "other": ("#e9ecef", "government body / other"),
}
MARK_STYLE = "background:{colour};color:#111;border-radius:.25em;padding:0 .1em"
BOX_STYLE = (
    "max-height:420px;overflow-y:auto;white-space:pre-wrap;line-height:1.7;padding:.75rem 1rem;"
    "border:1px solid rgba(128,128,128,.35);border-radius:.5rem;font-size:.95rem"
)
MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# ------------------------------------------------------------------ pure helpers
def mention(label: str, start: int, end: int, key: str | None = None) -> SimpleNamespace:
    """A stand-in for an extraction's mention (label, span, key), for examples and tests.

    >>> mention("region", 0, 5, "region:GB-DER").key
    'region:GB-DER'
    """
    return SimpleNamespace(label=label, start=start, end=end, key=key)


def md_escape(text: str) -> str:
    r"""``text`` with Markdown's special characters escaped, to show user data as written.

    >>> md_escape("**Acme** [x](javascript:alert(1)) $5")
    '\\*\\*Acme\\*\\* \\[x\\]\\(javascript\\:alert\\(1\\)\\) \\$5'
    """
    return MD_SPECIAL.sub(r"\\\1", text)


def nested_spans(mentions: Iterable[Any], size: int) -> list[tuple[int, int, str, str]]:
    """Mentions as ``(start, end, label, title)`` spans that nest (each inside the one before or
    after it), in text order: a span crossing the end of the span it starts in is cut there;
    empty spans and exact repeats are dropped; spans are kept within ``0..size``.

    >>> ms = [mention("firm", 0, 13, "firm:acme"), mention("sector", 5, 9), mention("other", 14, 30),
    ...       mention("region", 20, 40, "region:Y")]
    >>> nested_spans(ms, 35)
    [(0, 13, 'firm', 'firm:acme'), (5, 9, 'sector', 'sector'), (14, 30, 'other', 'other'), (20, 30, 'region', 'region:Y')]
    """
    spans = sorted(
        {(max(0, m.start), min(size, m.end), m.label, m.key or m.label) for m in mentions},
        key=lambda s: (s[0], -s[1], s[2]),
    )
    out: list[tuple[int, int, str, str]] = []
    ends: list[int] = []  # ends of the spans still open, innermost last
    for start, end, label, title in spans:
        while ends and ends[-1] <= start:
            ends.pop()
        end = min(end, ends[-1]) if ends else end
        if end > start:
            out.append((start, end, label, title))
            ends.append(end)
    return out


def highlight_html(text: str, mentions: Iterable[Any]) -> str:
    """``text``, HTML-escaped, with a ``<mark>`` per mention, coloured by label (overlapping
    mentions nest, see :func:`nested_spans`); the mark's title says what it names.

    >>> highlight_html("<b>Derby</b> & co", [mention("region", 3, 8, "region:GB-DER")])
    '&lt;b&gt;<mark style="background:#a5d8ff;color:#111;border-radius:.25em;padding:0 .1em" title="region:GB-DER">Derby</mark>&lt;/b&gt; &amp; co'
    """
    parts: list[str] = []
    pos = 0
    ends: list[int] = []
    for start, end, label, title in nested_spans(mentions, len(text)):
        pos = _close_marks(text, parts, ends, pos, start)
        parts.append(html.escape(text[pos:start]) + _open_mark(label, title))
        ends.append(end)
        pos = start
    pos = _close_marks(text, parts, ends, pos, len(text))
    parts.append(html.escape(text[pos:]))
    return "".join(parts)


def _open_mark(label: str, title: str) -> str:
    colour = MARKS.get(label, MARKS["other"])[0]
    return f'<mark style="{MARK_STYLE.format(colour=colour)}" title="{html.escape(title)}">'


def _close_marks(text: str, parts: list[str], ends: list[int], pos: int, upto: int) -> int:
    """Close the open marks that end by ``upto`` (innermost first); returns the new position."""
    while ends and ends[-1] <= upto:
        end = ends.pop()
        parts.append(html.escape(text[pos:end]) + "</mark>")
        pos = end
    return pos


def legend_html(labels: Iterable[str]) -> str:
    """One coloured chip per mention label, in :data:`MARKS` order.

    >>> legend_html(["sector", "region"]).count("<mark"), "region" in legend_html(["region"])
    (2, True)
    """
    wanted = set(labels)
    chips = [
        f'<mark style="{MARK_STYLE.format(colour=colour)}">{html.escape(name)}</mark>'
        for label, (colour, name) in MARKS.items()
        if label in wanted
    ]
    return '<div style="font-size:.85rem">' + " ".join(chips) + "</div>"


def document_html(text: str, mentions: Sequence[Any]) -> str:
    """The legend and the highlighted text in a box of fixed height that scrolls."""
    return legend_html(m.label for m in mentions) + f'<div style="{BOX_STYLE}">{highlight_html(text, mentions)}</div>'


def group_of(label: str) -> str:
    """The review table an item of ``label`` goes to.

    >>> group_of("firm"), group_of("covers"), group_of("something_new")
    ('Firms', 'Sectors', 'Facts')
    """
    return next((title for title, labels in GROUPS if label in labels), "Facts")


def noun(label: str, n: int | None = None) -> str:
    """What an item of ``label`` is; with ``n``, that many of them.

    >>> noun("region_sector"), noun("firm", 2), noun("trade", 1)
    ('region–sector fact', '2 firms', '1 trade figure')
    """
    plain = label.replace("_", " ")
    singular, plural = api.EXTRACTION_NOUNS.get(label, (plain, plain + "s"))
    return singular if n is None else f"{n} {singular if n == 1 else plural}"


def review_rows(items: Sequence[Any], by_key: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One review row per item: ticked when new (items in the store need no tick), its name and id,
    what it is, the rule's confidence, its evidence sentence, further sentences (an agreement's
    parties) and what it needs.

    >>> from rox.api import ExtractionItem as Item
    >>> firm = Item("firm:f", "firm", "Acme Ltd", "Acme Ltd opened.", 0, 16, 0.8, "company ending", id="f")
    >>> fact = Item("firm_sector:f:rail", "firm_sector", "Acme Ltd – rail", "Acme Ltd opened.", 0, 16, 0.6, "x",
    ...             needs=("firm:f",))
    >>> row = review_rows([fact], {"firm:f": firm, fact.key: fact})[0]
    >>> row["load"], row["status"], row["what"], row["needs"]
    (True, 'new', 'firm–sector fact', 'Acme Ltd (firm)')
    """
    return [
        {
            "key": i.key,
            "load": not i.known,
            "status": "in the store" if i.known else "new",
            "name": i.name,
            "id": i.id or "",
            "what": noun(i.label),
            "confidence": round(float(i.confidence), 2),
            "evidence": i.evidence,
            "more evidence": " | ".join(f"{what}: {sentence}" for what, sentence, *_ in i.evidence_more),
            "needs": "; ".join(_needed_name(k, by_key) for k in i.needs),
            "rule": i.how,
        }
        for i in items
    ]


def _needed_name(key: str, by_key: Mapping[str, Any]) -> str:
    item = by_key.get(key)
    return f"{item.name} ({noun(item.label)})" if item is not None else key


@dataclass(frozen=True)
class Accepted:
    """The keys to load of one document (ticked, what they need, the Source) and those added
    only because a ticked item needs them (new ones only, to say so)."""

    keys: frozenset[str]
    added: tuple[str, ...]


def accepted_keys(items: Sequence[Any], ticked: Iterable[str], source_id: str) -> Accepted:
    """The ticked keys, what they need (transitively: a fact needs its firm and its region) and the
    document's Source when something new is written, as :meth:`rox.api.Rox.load_extractions`
    loads them; ``added`` names the new items (but the Source) taken only that way.

    >>> from rox.api import ExtractionItem as Item
    >>> src = Item("source:s", "source", "Doc", "", 0, 0, 1.0, "document", id="s")
    >>> der = Item("region:GB-DER", "region", "Derby", "", 0, 0, 0.95, "store", id="GB-DER", known=True)
    >>> firm = Item("firm:f", "firm", "Acme", "", 0, 0, 0.8, "x", id="f")
    >>> hq = Item("headquartered_in:f:GB-DER", "headquartered_in", "Acme – Derby", "", 0, 0, 0.7, "x",
    ...           needs=("firm:f", "region:GB-DER"))
    >>> got = accepted_keys([src, der, firm, hq], ["headquartered_in:f:GB-DER"], "s")
    >>> sorted(got.keys), got.added
    (['firm:f', 'headquartered_in:f:GB-DER', 'region:GB-DER', 'source:s'], ('firm:f',))
    >>> accepted_keys([src, der], ["region:GB-DER"], "s").keys  # nothing new: no Source either
    frozenset({'region:GB-DER'})
    """
    by_key = {i.key: i for i in items}
    chosen = {k for k in ticked if k in by_key}
    keep: set[str] = set()
    todo = list(chosen)
    while todo:
        key = todo.pop()
        if key not in keep and key in by_key:
            keep.add(key)
            todo.extend(by_key[key].needs)
    source = f"source:{source_id}"
    if source in by_key and any(not by_key[k].known and by_key[k].label != "source" for k in keep):
        keep.add(source)
    added = tuple(i.key for i in items if i.key in keep - chosen and not i.known and i.label != "source")
    return Accepted(frozenset(keep), added)


def write_counts(items: Sequence[Any], keys: Iterable[str]) -> Counter[str]:
    """What loading ``keys`` writes, per label: the new items among them (known ones write nothing).

    >>> from rox.api import ExtractionItem as Item
    >>> items = [Item("firm:f", "firm", "A", "", 0, 0, 1, "x"), Item("region:R", "region", "R", "", 0, 0, 1, "x",
    ...          known=True)]
    >>> write_counts(items, {"firm:f", "region:R"})
    Counter({'firm': 1})
    """
    wanted = set(keys)
    return Counter(i.label for i in items if i.key in wanted and not i.known)


def counts_text(counts: Mapping[str, int]) -> str:
    """``1 source, 2 firms, 1 trade figure`` in the order of ``api.EXTRACTION_NOUNS``.

    >>> counts_text({"trade": 1, "firm": 2, "source": 1})
    '1 source, 2 firms, 1 trade figure'
    """
    nouns = api.EXTRACTION_NOUNS
    order = [label for label in nouns if counts.get(label)] + [k for k in counts if k not in nouns and counts[k]]
    return ", ".join(noun(label, counts[label]) for label in order)


def new_nodes(items: Sequence[Any], keys: Iterable[str]) -> list[dict[str, str]]:
    """The nodes loading ``keys`` creates: new entities (source, regions, firms, universities,
    agreements) and the records they bring (a new city's parents), each once.

    >>> from rox.api import ExtractionItem as Item
    >>> city = Item("region:CN-x", "region", "X", "", 0, 0, 1, "x", id="CN-x", brings=[("regions", {"id": "CN",
    ...             "name": "China"})])
    >>> new_nodes([city], {"region:CN-x"})
    [{'label': 'region', 'id': 'CN-x', 'name': 'X'}, {'label': 'region', 'id': 'CN', 'name': 'China'}]
    """
    wanted = set(keys)
    out: dict[str, dict[str, str]] = {}
    for i in items:
        if i.key not in wanted or i.known or i.label not in ENTITY_LABELS or not i.id:
            continue
        out.setdefault(i.id, {"label": i.label, "id": i.id, "name": i.name})
        for section, record in i.brings:
            rid = str(record.get("id") or "")
            if rid:
                label = SECTION_LABEL.get(section, section)
                out.setdefault(
                    rid, {"label": label, "id": rid, "name": str(record.get("name") or record.get("title") or rid)}
                )
    return list(out.values())


def main_region(items: Sequence[Any], mentions: Sequence[Any]) -> tuple[str, str] | None:
    """The region the document names most often (first named on a tie), as ``(id, name)``.

    >>> from rox.api import ExtractionItem as Item
    >>> items = [Item("region:CN", "region", "China", "", 0, 0, 1, "x", id="CN"),
    ...          Item("region:GB-DER", "region", "Derby", "", 0, 0, 1, "x", id="GB-DER")]
    >>> ms = [mention("region", 0, 5, "region:CN")] + [mention("region", 9, 14, "region:GB-DER")] * 2
    >>> main_region(items, ms)
    ('GB-DER', 'Derby')
    """
    regions = {i.key: i for i in items if i.label == "region" and i.id}
    counts = Counter(m.key for m in mentions if m.key in regions)
    if not counts:
        return None
    key = max(regions, key=lambda k: counts.get(k, 0))  # max keeps the first of equals
    return regions[key].id, regions[key].name


def explorer_url(node: str) -> str:
    """The graph explorer opened on ``node`` (its ``q`` query parameter is the search text).

    >>> explorer_url("firm-acme rail")
    'explorer?q=firm-acme%20rail'
    """
    return "explorer?q=" + quote(node, safe="")


def partners_url(region: str) -> str:
    """Find partners for ``region`` (its ``region`` query parameter picks the region).

    >>> partners_url("GB-DER")
    'partners?region=GB-DER'
    """
    return "partners?region=" + quote(region, safe="")


# ------------------------------------------------------------------ the tab
@st.cache_data(show_spinner=False, ttl=common.CACHE_TTL_S, max_entries=32)
def extract_one(key: tuple, sha256: str, name: str, fmt: str, _doc: api.Document) -> api.Extraction:
    """:meth:`rox.api.Rox.extract` of one document, cached per store, text and name (a load
    clears it: what the store holds decides what is new)."""
    return common.get_rox().extract([_doc])[0]


def documents_tab() -> None:
    """Upload or paste, review each document's findings, load the accepted ones."""
    st.markdown(
        "Press releases, MoU announcements, op-eds and regional strategies (text, Markdown, HTML, DOCX, PDF "
        "with a text layer): rox finds the regions, firms, universities, sectors, agreements and figures they "
        "name, each with its sentence. Review them, then load the ones you accept."
    )
    result_slot = st.container()
    gen = st.session_state.setdefault(GEN, 0)
    docs = read_inputs(gen)
    if not docs:
        with result_slot:
            show_result()
        return
    xs = extract_all(docs)
    accepted = {x.source_id: review_document(x, gen) for x in xs}
    load_section(xs, accepted, gen)


def read_inputs(gen: int) -> list[api.Document] | None:
    """The uploaded and pasted documents; None (with each one-line error shown) if one is unreadable."""
    files = st.file_uploader(
        "Documents", type=UPLOAD_TYPES, accept_multiple_files=True, key=f"ld-docs-{gen}", help=_upload_note()
    )
    c1, c2 = st.columns([3, 1])
    name = c1.text_input("Name of the pasted text", value=PASTED, key=f"ld-doc-name-{gen}")
    fmt = c2.selectbox("Pasted text is", PASTE_FORMATS, key=f"ld-doc-fmt-{gen}")
    text = st.text_area(
        "Paste text", key=f"ld-doc-text-{gen}", height=160, placeholder="Paste a press release or an article…"
    )
    docs, errors = [], []
    for f in files or []:
        try:
            docs.append(api.read_bytes(f.getvalue(), f.name))
        except api.DocumentError as exc:
            errors.append(str(exc))
    if text:
        try:
            docs.append(api.read_text(text, name.strip() or PASTED, fmt=fmt))
        except api.DocumentError as exc:
            errors.append(str(exc))
    for message in errors:
        st.error(message, icon=":material/error:")
    return None if errors else docs


def _upload_note() -> str:
    return f"Text, Markdown, HTML, DOCX or PDF; files up to {api.MAX_UPLOAD_MB} MB each."


def extract_all(docs: list[api.Document]) -> list[api.Extraction]:
    """Each document's extraction (cached), one per Source (the same text twice is read once)."""
    with st.spinner("Finding regions, firms, universities, sectors, agreements and figures…"):
        xs = [extract_one(common.settings_key(), d.sha256, d.name, d.format, d) for d in docs]
    unique: dict[str, api.Extraction] = {}
    for x in xs:
        unique.setdefault(x.source_id, x)
    return list(unique.values())


def review_document(x: api.Extraction, gen: int) -> Accepted:
    """One document: what was found, the highlighted text, the review tables; returns what to load."""
    doc = x.document
    with st.container(border=True):
        st.markdown(f"**{md_escape(doc.name)}** · {doc.format} · {len(doc.text):,} characters")
        st.caption(md_escape(x.summary()))
        for warning in x.warnings:
            st.warning(md_escape(warning), icon=":material/warning:")
        st.html(document_html(doc.text, x.mentions))
        source = x.item(f"source:{x.source_id}")
        if source is not None:
            state = "in the store" if source.known else "new: loaded with the first new item"
            st.caption(f"Source: {md_escape(source.name)} · {md_escape(x.source_id)} ({state})")
        accepted = accepted_keys(x.items, review_tables(x, gen), x.source_id)
        if accepted.added:
            names = ", ".join(md_escape(_needed_name(k, {i.key: i for i in x.items})) for k in accepted.added)
            st.info(f"Also loaded, because ticked items need them: {names}.", icon=":material/link:")
    return accepted


def review_tables(x: api.Extraction, gen: int) -> set[str]:
    """A table per kind of item (see :data:`GROUPS`) with a tick per row; returns the ticked keys."""
    by_key = {i.key: i for i in x.items}
    ticked: set[str] = set()
    for title, _ in GROUPS:
        items = [i for i in x.items if i.label != "source" and group_of(i.label) == title]
        if items:
            st.markdown(f"**{title} ({len(items)})**")
            ticked |= review_table(review_rows(items, by_key), key=f"ld-doc-ed-{gen}-{x.source_id}-{title}")
    return ticked


def review_table(rows: list[dict[str, Any]], key: str) -> set[str]:
    """The rows in a data editor where only the ``load`` tick can change; returns the ticked keys."""
    import pandas as pd

    frame = pd.DataFrame(rows).set_index("key")
    if not frame["more evidence"].any():
        frame = frame.drop(columns="more evidence")
    edited = st.data_editor(
        frame,
        key=key,
        hide_index=True,
        width="stretch",
        disabled=[c for c in frame.columns if c != "load"],
        column_config={
            "load": st.column_config.CheckboxColumn("load", help="Tick to load; items in the store need none"),
            "confidence": st.column_config.NumberColumn("confidence", format="%.2f"),
            "evidence": st.column_config.TextColumn("evidence", width="large"),
        },
    )
    return {str(k) for k, tick in zip(edited.index, edited["load"], strict=True) if bool(tick)}


def load_section(xs: list[api.Extraction], accepted: dict[str, Accepted], gen: int) -> None:
    """What loading will write, the load button and the entity file to download."""
    keys = {sid: set(a.keys) for sid, a in accepted.items()}
    counts: Counter[str] = Counter()
    for x in xs:
        counts += write_counts(x.items, keys[x.source_id])
    st.subheader("Load")
    if counts:
        st.markdown(f"**Will write:** {counts_text(counts)}.")
    else:
        st.info("Nothing new to load: what is ticked is in the store already.", icon=":material/info:")
    c1, c2 = st.columns(2)
    go = c1.button(
        "Load accepted facts", type="primary", disabled=not counts, key=f"ld-doc-go-{gen}", icon=":material/upload:"
    )
    c2.download_button(
        "Download the entity file (YAML)",
        api.extraction_file(xs, "yaml", keys).encode("utf-8"),
        file_name=common.file_stem("extract") + ".yaml",
        mime="application/x-yaml",
        key=f"ld-doc-yaml-{gen}",
        icon=":material/download:",
        on_click="ignore",
        help="The accepted items as an entity file: edit it, then load it on the Entity files tab or with `rox load`",
    )
    if go:
        load_accepted(xs, keys, gen)


def load_accepted(xs: list[api.Extraction], keys: dict[str, set[str]], gen: int) -> None:
    """Load through :meth:`rox.api.Rox.load_extractions` with a progress bar; on success keep the
    result for the rerun, else show every problem (nothing was written)."""
    from rox.webapp import load  # the Load page's bar and tables (it imports this module)

    progress, bar = load.progress_bar()
    try:
        report = common.get_rox().load_extractions(xs, keys, progress)
    except api.ValidationFailed as exc:
        bar.empty()
        st.error(f"**{len(exc.problems)} problem(s) found; nothing was written.**", icon=":material/error:")
        common.table(load.problem_rows(exc.problems), key="ld-doc-problems")
        return
    except api.StoreUnavailable:
        raise
    except api.RoxError as exc:
        bar.empty()
        st.error(str(exc), icon=":material/error:")
        return
    bar.progress(1.0, text=f"Loaded {report.total():,} records")
    common.data_changed()
    st.session_state[RESULT] = result_of(xs, keys, load.report_rows(report))
    st.session_state[GEN] = gen + 1
    st.rerun()


def result_of(xs: list[api.Extraction], keys: dict[str, set[str]], report: list[dict[str, Any]]) -> dict[str, Any]:
    """What a load wrote, as plain data for the next run: counts, new nodes, the documents' regions."""
    counts: Counter[str] = Counter()
    nodes: list[dict[str, str]] = []
    regions: list[tuple[str, str]] = []
    for x in xs:
        counts += write_counts(x.items, keys[x.source_id])
        nodes += [n for n in new_nodes(x.items, keys[x.source_id]) if n not in nodes]
        region = main_region(x.items, x.mentions)
        if region and region not in regions:
            regions.append(region)
    return {"summary": counts_text(counts), "report": report, "nodes": nodes, "regions": regions}


def show_result() -> None:
    """The last load: what was written, links to the new nodes, and to Find partners."""
    result = st.session_state.get(RESULT)
    if not result:
        return
    st.success(f"Loaded: {result['summary']}.", icon=":material/check_circle:")
    common.table(result["report"], key="ld-doc-report")
    if result["nodes"]:
        st.markdown(
            "**New in the graph** (each opens the graph explorer):\n\n"
            + "\n".join(
                f"- [{md_escape(n['name'])}]({explorer_url(n['id'])}) · {n['label']} · {md_escape(n['id'])}"
                for n in result["nodes"]
            )
        )
    for rid, name in result["regions"]:
        st.markdown(
            f"Open [Find partners for {md_escape(name)}]({partners_url(rid)}) to see these facts, with their "
            "sentences, in the partners' explanations."
        )
