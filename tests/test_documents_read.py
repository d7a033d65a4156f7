"""Reading documents for ``rox extract`` (``rox.loaders.documents.read``): real files of every
format made here by the real libraries (python-docx writes the DOCX; the PDFs are written byte
by byte, with a correct cross-reference table, since pypdf cannot lay out text), and every kind
of bad input with its one-line message."""

from __future__ import annotations

import dataclasses
import doctest
import hashlib
import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from support import shared_path

from rox.graph.errors import RoxError
from rox.loaders.documents import read as read_module
from rox.loaders.documents import universities as universities_module
from rox.loaders.documents.read import (
    MAX_CHARS,
    MAX_FILE_BYTES,
    Document,
    DocumentError,
    looks_english,
    read_bytes,
    read_document,
    read_text,
)

NOT_ENGLISH = "the text does not look English; rox's rules are written for English, only gazetteer names will be found"
ENGLISH = (
    "Derby and Hefei signed a memorandum of understanding to promote trade and investment in rail, "
    "automotive and aerospace. The agreement is the result of years of work with the city's firms "
    "and universities, and it sets out how the two cities will cooperate for the benefit of both."
)


def pdf_bytes(lines: list[str] | None, title: str | None = None) -> bytes:
    """A one-page PDF showing ``lines`` in Helvetica (no text operators at all when ``None``:
    a page that only draws a line, like a scan without a text layer)."""
    if lines is None:
        content = b"0 0 m 200 200 l S"
    else:
        shown = b" 0 -14 Td ".join(b"(" + line.encode("latin-1") + b") Tj" for line in lines)
        content = b"BT /F1 12 Tf 72 720 Td " + shown + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if title is not None:
        objects.append(b"<< /Title (" + title.encode("latin-1") + b") >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    info = b" /Info %d 0 R" % len(objects) if title is not None else b""
    out += b"trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, info, xref)
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def error(path, **kwargs) -> str:
    """The message :func:`read_document` raises for ``path``; it must be one line."""
    with pytest.raises(DocumentError) as caught:
        read_document(path, **kwargs)
    message = str(caught.value)
    assert "\n" not in message, message
    return message


# --- plain text and encodings ---------------------------------------------------------------


def test_the_seeds_read_as_english_text_with_no_warning():
    for seed in sorted(shared_path("seeds").glob("*.txt")):
        doc = read_document(seed)
        raw = seed.read_bytes()
        assert doc.text == raw.decode("utf-8")
        assert (doc.format, doc.name, doc.path, doc.title, doc.warnings) == ("text", seed.name, str(seed), None, ())
        assert doc.sha256 == hashlib.sha256(raw).hexdigest()
        assert "Hefei" in doc.text or "Maharashtra" in doc.text


def test_text_is_kept_as_written_line_ends_and_all(tmp_path):
    raw = "Derby  and Hefei\r\n\r\nsigned an MoU.\r\n"
    doc = read_document(write(tmp_path / "note.txt", raw.encode("utf-8")))
    assert doc.text == raw


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeffHefei – Anhui’s capital".encode(), "Hefei – Anhui’s capital"),
        ("Hefei – Anhui’s capital".encode("utf-16"), "Hefei – Anhui’s capital"),
        ("\ufeffHefei – Anhui’s capital".encode("utf-16-be"), "Hefei – Anhui’s capital"),
        ("Hefei – Anhui’s capital, naïve".encode("cp1252"), "Hefei – Anhui’s capital, naïve"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "cp1252"],
)
def test_encodings(tmp_path, data, expected):
    assert read_document(write(tmp_path / "enc.txt", data)).text == expected


def test_a_text_about_pdf_files_stays_text(tmp_path):
    raw = b"Every PDF file starts with %PDF-1.x; this note is not one."
    assert read_document(write(tmp_path / "note.txt", raw)).format == "text"


def test_an_unknown_suffix_is_read_as_text(tmp_path):
    doc = read_document(write(tmp_path / "release.eml", ENGLISH.encode()))
    assert (doc.format, doc.text) == ("text", ENGLISH)


# --- Markdown and HTML ----------------------------------------------------------------------


def test_markdown_keeps_its_text_and_takes_the_title_from_the_first_heading(tmp_path):
    raw = "Press release\n\n# Derby and Hefei sign an MoU\n\n**Rail** and *aerospace* firms [welcome](http://x) it.\n"
    for suffix in (".md", ".markdown"):
        doc = read_document(write(tmp_path / f"news{suffix}", raw.encode()))
        assert (doc.format, doc.title, doc.text) == ("markdown", "Derby and Hefei sign an MoU", raw)


def test_markdown_without_a_level_one_heading_has_no_title(tmp_path):
    doc = read_document(write(tmp_path / "n.md", b"## Section\n\nText of the section.\n"))
    assert doc.title is None


HTML = """<!DOCTYPE html>
<html><head><title>Derby &amp; Hefei | News</title>
<style>p { color: red; }</style>
<script>var partners = "<p>not text</p>";</script></head>
<body><nav><a href="/">Home</a></nav>
<h1>Derby signs MoU with Hefei</h1>
<p>Derby&#8217;s leader signed the memorandum
   with Hefei&nbsp;on Monday &ndash; covering <b>rail</b>, <i>automotive</i>
   and aerospace.</p>
<!-- a comment -->
<ul><li>Rolls-Royce</li><li>Toyota &lt;UK&gt;</li></ul>
<p>Line one<br>line two</p>
<noscript>Enable JavaScript</noscript>
</body></html>
"""


def test_html_gives_the_visible_text_in_paragraphs_with_entities_unescaped(tmp_path):
    doc = read_document(write(tmp_path / "news.html", HTML.encode()))
    assert doc.format == "html"
    assert doc.title == "Derby & Hefei | News"
    assert doc.text == (
        "Home\n\n"
        "Derby signs MoU with Hefei\n\n"
        "Derby’s leader signed the memorandum with Hefei on Monday – covering rail, automotive and aerospace.\n\n"
        "Rolls-Royce\n\n"
        "Toyota <UK>\n\n"
        "Line one\nline two"
    )
    assert doc.sha256 == hashlib.sha256(HTML.encode()).hexdigest()
    assert doc.warnings == ()


def test_html_title_falls_back_to_the_first_h1_and_a_txt_page_is_read_as_html(tmp_path):
    page = "<html><body><h1>Trade  mission</h1><p>To Pune.</p></body></html>"
    doc = read_document(write(tmp_path / "saved.txt", page.encode()))
    assert (doc.format, doc.title, doc.text) == ("html", "Trade mission", "Trade mission\n\nTo Pune.")
    assert read_document(write(tmp_path / "x.htm", b"<p>No title here.</p>")).title is None


# --- DOCX -----------------------------------------------------------------------------------


def make_docx(path: Path, title: str | None = "Derby and Hefei") -> Path:
    d = docx.Document()
    if title:
        d.core_properties.title = title
    d.add_paragraph("Derby signed a memorandum of understanding with Hefei.")
    d.add_paragraph("   ")
    table = d.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Firm"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "Sector"
    table.cell(1, 0).text = "Rolls-Royce"
    table.cell(1, 1).text = "aerospace"
    d.add_paragraph("Anhui is a province of China.")
    d.save(str(path))
    return path


def test_docx_paragraphs_and_table_cells_in_order_joined_by_blank_lines(tmp_path):
    path = make_docx(tmp_path / "mou.docx")
    doc = read_document(path)
    assert doc.format == "docx"
    assert doc.title == "Derby and Hefei"
    assert doc.text == (
        "Derby signed a memorandum of understanding with Hefei.\n\n"
        "Firm\n\nSector\n\nRolls-Royce\n\naerospace\n\n"
        "Anhui is a province of China."
    )
    assert doc.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_docx_title_falls_back_to_the_title_style(tmp_path):
    d = docx.Document()
    d.add_heading("Midlands–Maharashtra Technology Partnership", level=0)
    d.add_paragraph("Signed in Mumbai.")
    d.save(str(tmp_path / "p.docx"))
    doc = read_document(tmp_path / "p.docx")
    assert doc.title == "Midlands–Maharashtra Technology Partnership"
    assert doc.text == "Midlands–Maharashtra Technology Partnership\n\nSigned in Mumbai."


def test_a_docx_without_core_title_or_title_style_has_none(tmp_path):
    assert read_document(make_docx(tmp_path / "t.docx", title=None)).title is None


# --- PDF ------------------------------------------------------------------------------------


def test_pdf_text_layer_and_metadata_title(tmp_path):
    data = pdf_bytes(["Derby signed an MoU with Hefei.", "Rail and aerospace."], title="Derby and Hefei")
    doc = read_document(write(tmp_path / "mou.pdf", data))
    assert doc.format == "pdf"
    assert doc.title == "Derby and Hefei"
    assert doc.text == "Derby signed an MoU with Hefei.\nRail and aerospace."
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_content_wins_over_the_suffix(tmp_path):
    doc = read_document(write(tmp_path / "really-a-pdf.txt", pdf_bytes(["Hefei is in Anhui."])))
    assert (doc.format, doc.text, doc.title) == ("pdf", "Hefei is in Anhui.", None)
    make_docx(tmp_path / "a.docx")
    doc = read_document(write(tmp_path / "really-a-docx.txt", (tmp_path / "a.docx").read_bytes()))
    assert doc.format == "docx"


def test_a_pdf_with_no_text_layer_is_refused(tmp_path):
    path = write(tmp_path / "scan.pdf", pdf_bytes(None))
    assert error(path) == f"{path}: PDF has no text layer (scanned?); run OCR first or paste the text"


# --- uploads and pasted text ----------------------------------------------------------------


def test_read_bytes_takes_the_format_from_the_name_and_the_content(tmp_path):
    doc = read_bytes(b"# Trade mission\n\nTo Pune.", "mission.md")
    assert (doc.path, doc.name, doc.format, doc.title) == (None, "mission.md", "markdown", "Trade mission")
    data = pdf_bytes(["Hefei is in Anhui."])
    doc = read_bytes(data, "upload.bin")
    assert (doc.format, doc.text, doc.sha256) == ("pdf", "Hefei is in Anhui.", hashlib.sha256(data).hexdigest())
    doc = read_bytes(make_docx(tmp_path / "m.docx").read_bytes(), "m.docx")
    assert doc.format == "docx" and doc.text.startswith("Derby signed")


def test_read_bytes_errors_name_the_upload():
    with pytest.raises(DocumentError, match=r"^upload\.txt: empty document \(no text\)$"):
        read_bytes(b"", "upload.txt")
    with pytest.raises(DocumentError, match=r"^upload\.txt: not a text document \(binary content: NUL bytes\)$"):
        read_bytes(b"ab\x00cd", "upload.txt")


def test_read_text_for_the_paste_box():
    doc = read_text(ENGLISH)
    assert (doc.path, doc.name, doc.format, doc.title, doc.warnings) == (None, "pasted text", "text", None, ())
    assert doc.text == ENGLISH
    assert doc.sha256 == hashlib.sha256(ENGLISH.encode("utf-8")).hexdigest()
    assert read_text("<p>a &amp; b</p>", fmt="html").text == "a & b"
    with pytest.raises(DocumentError, match=r"^pasted text: pasted text cannot be 'pdf'; upload the file instead$"):
        read_text("x", fmt="pdf")
    with pytest.raises(DocumentError, match=r"^clip: empty document \(no text\)$"):
        read_text(" \n\t ", "clip")


def test_a_document_is_frozen_and_errors_are_rox_errors():
    doc = read_text("Hefei.")
    assert isinstance(doc, Document)
    with pytest.raises(dataclasses.FrozenInstanceError):
        doc.text = "x"
    assert issubclass(DocumentError, RoxError)


# --- bad input ------------------------------------------------------------------------------


def test_missing_folder_and_unreadable_paths(tmp_path):
    assert error(tmp_path / "nope.txt") == f"{tmp_path / 'nope.txt'}: no such file"
    assert error(tmp_path) == f"{tmp_path}: is a folder, not a document"
    blocker = write(tmp_path / "file.txt", b"x")
    assert error(blocker / "under.txt") == f"{blocker / 'under.txt'}: cannot read the file (Not a directory)"
    assert error(str(tmp_path / "nope.txt")) == f"{tmp_path / 'nope.txt'}: no such file"


def test_a_pipe_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    assert error(tmp_path / "pipe.txt") == f"{tmp_path / 'pipe.txt'}: not a regular file (a device, pipe or socket)"


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n ", b"\xef\xbb\xbf\n"], ids=["empty", "whitespace", "bom-only"])
def test_empty_documents(tmp_path, content):
    path = write(tmp_path / "empty.txt", content)
    assert error(path) == f"{path}: empty document (no text)"


def test_empty_html_and_docx_are_empty_documents(tmp_path):
    path = write(tmp_path / "e.html", b"<html><script>x()</script></html>")
    assert error(path) == f"{path}: empty document (no text)"
    docx.Document().save(str(tmp_path / "e.docx"))
    assert error(tmp_path / "e.docx") == f"{tmp_path / 'e.docx'}: empty document (no text)"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00", "binary content: NUL bytes"),
        (b"\x81\x8d\x8f\x90\x9d" * 10, "binary content: not valid UTF-8 or Windows-1252 text"),
        (bytes(range(1, 9)) * 20 + b"text", "binary content: control characters"),
        (b"\xff\xfeH\x00\x00\xd8", "binary content: not valid UTF-16 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "it looks like a PNG image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00", "it looks like an old Office file (.doc, .xls); save it as DOCX"),
    ],
    ids=["nul", "undecodable", "controls", "bad-utf16", "png", "ole"],
)
def test_binary_files(tmp_path, content, reason):
    path = write(tmp_path / "report.txt", content)
    assert error(path) == f"{path}: not a text document ({reason})"


def test_corrupt_docx(tmp_path):
    whole = make_docx(tmp_path / "whole.docx").read_bytes()
    cut = write(tmp_path / "cut.docx", whole[: len(whole) // 2])
    assert error(cut).startswith(f"{cut}: not a readable DOCX file (")
    bad_xml = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(whole)) as src, zipfile.ZipFile(bad_xml, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, b"<w:document><w:body>" if item.filename == "word/document.xml" else data)
    broken = write(tmp_path / "broken.docx", bad_xml.getvalue())
    assert error(broken).startswith(f"{broken}: not a readable DOCX file (")
    not_zip = write(tmp_path / "fake.docx", ENGLISH.encode())
    assert error(not_zip).startswith(f"{not_zip}: not a readable DOCX file (BadZipFile: ")


def test_a_zip_that_is_not_a_docx(tmp_path):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("data.csv", "a,b\n")
    path = write(tmp_path / "data.zip", buf.getvalue())
    assert error(path) == f"{path}: a ZIP archive but not a DOCX document (no word/document.xml)"


def test_corrupt_pdf(tmp_path):
    cut = write(tmp_path / "cut.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    message = error(cut)  # the reason in brackets is pypdf's own (its type and first line)
    assert message.startswith(f"{cut}: not a readable PDF file (PdfStreamError: ") and message.endswith(")"), message
    fake = write(tmp_path / "fake.pdf", ENGLISH.encode())
    assert error(fake).startswith(f"{fake}: not a readable PDF file (")


# --- size -----------------------------------------------------------------------------------


def test_a_huge_file_is_refused_from_its_size_without_being_read(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 2 GB on paper, no blocks on disk
        fh.truncate(2**31)
    assert os.path.getsize(path) > 4 * MAX_CHARS
    assert error(path) == f"{path}: more than 10,000,000 characters of text; split it into smaller documents"


def test_a_huge_pdf_is_refused_from_its_size(tmp_path):
    path = tmp_path / "huge.pdf"
    with open(path, "wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(MAX_FILE_BYTES + 1)
    assert error(path) == f"{path}: 100,000,001 bytes, larger than the 100,000,000 bytes rox opens"


def test_the_character_limit_counts_characters_not_bytes(tmp_path):
    path = write(tmp_path / "cjk.txt", ("合" * 100).encode())  # 300 bytes, 100 characters
    assert read_document(path, max_chars=100).text == "合" * 100
    path = write(tmp_path / "long.txt", b"a" * 101)
    assert error(path, max_chars=100) == f"{path}: more than 100 characters of text; split it into smaller documents"
    with pytest.raises(DocumentError, match=r"^pasted text: more than 5 characters of text"):
        read_text("abcdef", max_chars=5)


def test_the_character_limit_holds_for_docx_and_pdf(tmp_path):
    path = make_docx(tmp_path / "long.docx")
    assert error(path, max_chars=40) == f"{path}: more than 40 characters of text; split it into smaller documents"
    path = write(tmp_path / "long.pdf", pdf_bytes(["x" * 60]))
    assert error(path, max_chars=40) == f"{path}: more than 40 characters of text; split it into smaller documents"


# --- language -------------------------------------------------------------------------------

CHINESE = (
    "德比市代表团本周将再次访问合肥，促进两市之间的经济联系。合肥是安徽省省会，位于长江三角洲。"
    "双方将签署谅解备忘录，在铁路、汽车和航空航天领域开展合作。Rolls-Royce 和 Toyota 也参与其中。"
)


def test_a_chinese_text_warns_and_is_still_read(tmp_path):
    path = write(tmp_path / "hefei.txt", CHINESE.encode())
    doc = read_document(path)
    assert doc.text == CHINESE
    assert doc.warnings == (f"{path}: {NOT_ENGLISH}",)
    assert read_text(CHINESE).warnings == (f"pasted text: {NOT_ENGLISH}",)


def test_other_latin_languages_warn_and_english_does_not():
    german = "Die Stadt Derby und die Region Anhui arbeiten seit Jahren im Bereich der Bahntechnik zusammen. " * 3
    assert read_text(german).warnings == (f"pasted text: {NOT_ENGLISH}",)
    assert looks_english(ENGLISH)
    assert looks_english("Rolls-Royce, Toyota, Bombardier.")  # too few words to judge: no warning
    assert not looks_english("合肥与德比")


# --- docstring examples -----------------------------------------------------------------------


@pytest.mark.parametrize("module", [read_module, universities_module], ids=lambda m: m.__name__)
def test_docstring_examples(module):
    """The sub-package's examples (tests/test_doctests.py collects ``rox.loaders.documents``
    only once that package is in its PACKAGES)."""
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0, result
