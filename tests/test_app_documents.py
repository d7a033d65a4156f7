"""The Load page's Documents tab (:mod:`rox.webapp.documents`, issue 12).

The pure helpers run on real extractions (the demo store, ``Rox.extract``): escaping of the
document text, overlapping mentions, the keys loaded with what they need. Then the tab in
Streamlit's AppTest on a fresh demo store: paste, see the mentions and the review tables,
load, and read the store back; bad input; the links of the result. The real-browser test is
in tests/browser/test_app_browser.py.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402
from support import shared_path  # noqa: E402

from rox.api import Rox, extraction_file, read_text  # noqa: E402
from rox.webapp import documents  # noqa: E402

TIMEOUT = 180
ACME = (
    "Derby welcomes Acme Rail\n\n"
    "Derby City Council welcomed Acme Rail Ltd, a rolling stock maker headquartered in Derby, "
    "which opened a plant in Hefei."
)
ACME_SENTENCE = ACME.split("\n\n")[1]
HOSTILE = (
    "<script>window.roxPwned=1</script> **Derby** [click](javascript:alert(1)) "
    '<img src=x onerror="alert(1)"> & Hefei: $5 <!-- -->'
)


class Marks(HTMLParser):
    """The tags of highlighted HTML (each end tag must close the last one opened) and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.open: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data):
        self.text += data


def parsed(markup: str) -> Marks:
    p = Marks()
    p.feed(markup)
    p.close()
    assert not p.open, f"unclosed: {p.open}"
    return p


@pytest.fixture(scope="module")
def extracted(demo_db):
    """``Rox.extract`` of a text on the demo store (read only)."""
    with Rox.open(db=str(demo_db)) as rx:
        yield lambda text, name="pasted text": rx.extract([read_text(text, name)])[0]


# ------------------------------------------------------------------ pure helpers
def test_document_text_stays_text(extracted):
    """Markup in a document (script, image, link, Markdown) is escaped: only our marks are tags,
    and the text reads back exactly as written."""
    x = extracted(HOSTILE)
    assert {m.key for m in x.mentions} >= {"region:GB-DER", "region:CN-AH-hefei"}
    body = documents.highlight_html(HOSTILE, x.mentions)
    p = parsed(body)
    assert set(p.tags) == {"mark"}
    assert p.text == HOSTILE
    assert "<script" not in body and "<img" not in body and "<!--" not in body
    assert "**" in body and "[click](javascript:" in body  # st.html renders no Markdown: stays as typed
    page = parsed(documents.document_html(HOSTILE, x.mentions))
    assert set(page.tags) == {"div", "mark"}
    assert page.text.endswith(HOSTILE)


def test_names_shown_in_markdown_are_escaped():
    assert documents.md_escape("[x](javascript:y) **b** <i>") == r"\[x\]\(javascript\:y\) \*\*b\*\* \<i\>"


def test_overlapping_mentions_nest(extracted):
    """``Derby City`` inside ``Derby City Council`` and ``Rail`` inside ``Acme Rail Ltd``: the marks
    nest, every character is shown once, the outer mark goes around the inner one."""
    x = extracted(ACME)
    spans = {(m.text, m.label) for m in x.mentions}
    assert {("Derby City Council", "other"), ("Derby City", "region"), ("Acme Rail Ltd", "firm")} <= spans
    assert ("Rail", "sector") in spans
    body = documents.highlight_html(ACME, x.mentions)
    assert parsed(body).text == ACME
    assert 'title="firm:firm-acme-rail">Acme <mark' in body
    assert body.count("<mark") == len({(m.start, m.end, m.label, m.key or m.label) for m in x.mentions})


def test_crossing_mentions_are_cut_at_the_outer_end():
    ms = [documents.mention("region", 0, 10, "region:A"), documents.mention("firm", 5, 15, "firm:B")]
    text = "0123456789abcdefghij"
    assert documents.nested_spans(ms, len(text)) == [(0, 10, "region", "region:A"), (5, 10, "firm", "firm:B")]
    p = parsed(documents.highlight_html(text, ms))
    assert p.text == text and p.tags == ["mark", "mark"]
    # out of range, empty and repeated spans
    ms = [documents.mention("date", 18, 40), documents.mention("date", 3, 3), documents.mention("date", 18, 40)]
    assert documents.nested_spans(ms, len(text)) == [(18, 20, "date", "date")]


def test_accepted_keys_bring_what_they_need(extracted):
    """Ticking only the plant in Hefei loads the firm too (it needs it) and the document's Source;
    Hefei is in the store and writes nothing. The API's entity file of those keys agrees."""
    x = extracted(ACME)
    plant = "operates_in:firm-acme-rail:CN-AH-hefei"
    got = documents.accepted_keys(x.items, {plant}, x.source_id)
    assert got.keys == {plant, "firm:firm-acme-rail", "region:CN-AH-hefei", f"source:{x.source_id}"}
    assert got.added == ("firm:firm-acme-rail",)
    counts = documents.write_counts(x.items, got.keys)
    assert counts == {"source": 1, "firm": 1, "operates_in": 1}
    assert documents.counts_text(counts) == "1 source, 1 firm, 1 firm–place fact"
    text = extraction_file([x], "yaml", {x.source_id: set(got.keys)})
    assert "id: firm-acme-rail" in text and "operates_in:" in text
    assert "headquartered_in" not in text.split("# Found, and already in the store")[0]
    assert documents.new_nodes(x.items, got.keys) == [
        {"label": "source", "id": x.source_id, "name": "Derby welcomes Acme Rail"},
        {"label": "firm", "id": "firm-acme-rail", "name": "Acme Rail Ltd"},
    ]
    assert documents.main_region(x.items, x.mentions) == ("GB-DER", "Derby")
    # nothing ticked: nothing written, not even the Source
    assert documents.accepted_keys(x.items, set(), x.source_id).keys == frozenset()


def test_review_rows_show_every_sentence(extracted):
    """An agreement's row carries its sentence and its parties' sentences; known items need no tick."""
    x = extracted(shared_path("seeds", "000_123434c402563b0f.txt").read_text(encoding="utf-8"), "seed 000")
    by_key = {i.key: i for i in x.items}
    mou = next(r for r in documents.review_rows(x.of("agreement"), by_key) if r["id"] == "agr-derby-hefei-mou")
    assert (mou["load"], mou["status"]) == (False, "in the store")
    assert mou["evidence"] and mou["evidence"] in x.document.text
    assert "party Derby: " in mou["more evidence"]
    assert all(s.split(": ", 1)[1] in mou["more evidence"] for s in mou["more evidence"].split(" | "))
    facts = documents.review_rows(x.of("region_sector"), by_key)
    assert all(r["load"] and r["status"] == "new" and r["needs"].endswith("(region)") for r in facts)


# --------------------------------------------------------------------- the tab
@pytest.fixture
def fresh_demo(monkeypatch, tmp_path) -> Path:
    """A new store holding the demo, which the app (AppTest) opens through ``ROX_DB``."""
    db = tmp_path / "rox.db"
    with Rox.open(db=str(db)) as rx:
        rx.load_demo()
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("ROX_DB", str(db))
    return db


def page(name: str) -> AppTest:
    script = f"from rox.webapp import {name}\nfrom rox.webapp.common import guarded\nguarded({name}.render)()\n"
    return AppTest.from_string(script, default_timeout=TIMEOUT)


def paste(text: str, name: str) -> AppTest:
    at = page("load").run()
    at.text_input(key="ld-doc-name-0").input(name)
    at.text_area(key="ld-doc-text-0").input(text).run()
    no_problems(at)
    return at


def no_problems(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def review(at: AppTest, title: str):
    """The review table ``title`` (Regions, Firms...) as its widget and its frame."""
    table = next(df for df in at.dataframe if str(df.key).endswith(f"-{title}"))
    return table, table.value


def counts(db: Path) -> dict[str, int]:
    with Rox.open(db=str(db)) as rx:
        return {r["name"]: r["count"] for r in rx.stats()}


def test_seed_000_pasted_reviewed_and_loaded_without_duplicates(fresh_demo):
    """Seed 000 on the demo: every mention highlighted, the demo's regions, firms, universities
    and agreements shown as in the store, the new facts ticked; loading writes the document's
    Source and facts, and no second Derby, Rolls-Royce or memorandum."""
    text = shared_path("seeds", "000_123434c402563b0f.txt").read_text(encoding="utf-8")
    before = counts(fresh_demo)
    at = paste(text, "seed 000")
    body = at.get("html")[0].value
    for key in ("region:GB-DER", "region:CN-AH-hefei", "firm:firm-rolls-royce", "agreement:agr-derby-hefei-mou"):
        assert f'title="{key}"' in body, key
    assert parsed(body).text.endswith(text)
    _, regions = review(at, "Regions")
    assert regions.loc["region:GB-DER", "status"] == "in the store" and not regions.loc["region:GB-DER", "load"]
    _, agreements = review(at, "Agreements")
    assert set(agreements["id"]) >= {"agr-derby-hefei-mou"}
    _, sectors = review(at, "Sectors")
    assert sectors.loc["region_sector:GB-DER:rail", "load"]
    assert any("Will write:" in m.value and "1 source" in m.value for m in at.markdown)
    assert any(w.value.startswith("no dateline") for w in at.warning)

    at.button(key="ld-doc-go-0").click().run()
    no_problems(at)
    assert at.success[0].value.startswith("Loaded: 1 source")
    after = counts(fresh_demo)
    for label in ("Region", "Firm", "University", "Agreement"):
        assert after[label] == before[label], label
    assert after["Source"] == before["Source"] + 1
    with Rox.open(db=str(fresh_demo)) as rx:
        rows = rx.cypher(
            "MATCH (:Region {id: 'GB-DER'})-[h:HAS_SECTOR]->(:Sector {id: 'rail'}) "
            "WHERE h.source STARTS WITH 'src-seed-000-' RETURN h.evidence AS evidence"
        ).rows
    assert len(rows) == 1 and rows[0]["evidence"] in text
    assert at.text_area(key="ld-doc-text-1").value == ""  # a fresh form for the next document


def test_unticked_firm_is_loaded_for_its_facts_and_the_result_links(fresh_demo):
    """Unticking the new firm while its facts stay ticked still loads it (they need it), and the
    page says so; the result links the new firm to the graph explorer and Derby to Find partners,
    whose explanation then shows the firm with its sentence."""
    at = paste(ACME, "Acme press release")
    firms, frame = review(at, "Firms")
    assert list(frame.index) == ["firm:firm-acme-rail"] and frame.iloc[0]["load"]
    at.session_state[firms.key] = {"edited_rows": {0: {"load": False}}, "added_rows": [], "deleted_rows": []}
    at.run()
    no_problems(at)
    assert any("need them: Acme Rail Ltd \\(firm\\)" in i.value for i in at.info)
    at.button(key="ld-doc-go-0").click().run()
    no_problems(at)
    links = "\n".join(m.value for m in at.markdown)
    assert "[Acme Rail Ltd](explorer?q=firm-acme-rail)" in links
    assert "(partners?region=GB-DER)" in links

    explorer = page("explorer")
    explorer.query_params["q"] = "firm-acme-rail"
    explorer.run()
    assert not explorer.exception
    assert explorer.session_state["ex-state"]["center"] == "firm-acme-rail"

    partners = page("partners")
    partners.query_params["region"] = "GB-DER"
    partners.run()
    partners.selectbox(key="pm-explain").set_value("CN-AH").run()
    assert not partners.exception
    firm_links = next(df.value for df in partners.dataframe if "evidence" in df.value and "id" in df.value)
    row = firm_links[firm_links["id"] == "firm-acme-rail"].iloc[0]
    assert row["evidence"] == ACME_SENTENCE


def test_nothing_ticked_nothing_to_load(fresh_demo):
    at = paste(ACME, "Acme press release")
    for title in ("Firms", "Sectors", "Facts"):
        table, frame = review(at, title)
        edits = {n: {"load": False} for n in range(len(frame))}
        at.session_state[table.key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    no_problems(at)
    assert any(i.value.startswith("Nothing new to load") for i in at.info)
    assert at.button(key="ld-doc-go-0").disabled


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("   \n ", "Acme: empty document (no text)"),
        ("Derby\x00Hefei", "Acme: not a text document (binary content: NUL characters)"),
    ],
)
def test_bad_pasted_text_is_one_line_and_nothing_else(fresh_demo, text, message):
    at = page("load").run()
    at.text_input(key="ld-doc-name-0").input("Acme")
    at.text_area(key="ld-doc-text-0").input(text).run()
    assert not at.exception
    assert [e.value for e in at.error] == [message]
    assert not [df for df in at.dataframe if str(df.key).startswith("ld-doc-ed-")]
    assert not at.get("html")


def test_non_english_text_is_warned_about(fresh_demo):
    at = paste("合肥是安徽省的省会，位于长江三角洲。德比与合肥签署了谅解备忘录。", "合肥")
    assert any("does not look English" in w.value for w in at.warning)
    assert 'title="region:CN-AH-hefei"' in at.get("html")[0].value
