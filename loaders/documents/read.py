"""Read a document (plain text, Markdown, HTML, DOCX, PDF) into its text, for ``rox extract``.

What comes back is a :class:`Document`: the text *as read* (not normalised, since evidence
sentences are quoted verbatim from it and their character spans point into it), the file's
name, format, title and SHA-256, and warnings (a text that does not look English).

The format comes from the file's suffix and its first bytes: content wins for the binary
formats (a ``.txt`` that starts with ``%PDF-`` is read as PDF; a ZIP holding
``word/document.xml`` is read as DOCX), and a ``.txt`` that is an HTML page is read as HTML.
Text is decoded as UTF-8 (with or without BOM), UTF-16 with a BOM, else Windows-1252.

Every bad input raises :class:`DocumentError` with one line naming the file: missing or
unreadable, empty, binary, more than :data:`MAX_CHARS` characters (refused from the file's
size before it is read whenever the size alone proves it), a corrupt DOCX or PDF, a PDF with
no text layer. The libraries' own errors are translated here, at the boundary.

>>> doc = read_text("<h1>Derby &amp; Hefei</h1><p>Rail, cars\\nand aircraft.</p>", "news.html", fmt="html")
>>> doc.text, doc.title, doc.format
('Derby & Hefei\\n\\nRail, cars and aircraft.', 'Derby & Hefei', 'html')
>>> read_text("   ").text
Traceback (most recent call last):
...
rox.loaders.documents.read.DocumentError: pasted text: empty document (no text)
"""

from __future__ import annotations

import codecs
import hashlib
import io
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from rox.graph.errors import RoxError

#: The most characters of text rox reads from one document (about 10 MB of text).
MAX_CHARS = 10_000_000
#: The largest DOCX or PDF file rox opens (images make these much larger than their text).
MAX_FILE_BYTES = 100_000_000
#: The formats a :class:`Document` can have.
FORMATS = ("text", "markdown", "html", "docx", "pdf")
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
#: First bytes of files that are neither text nor a format rox reads, with what they are.
OTHER_MAGIC = {
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "an old Office file (.doc, .xls); save it as DOCX",
    b"\x1f\x8b": "a gzip archive; unpack it first",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"{\\rtf": "an RTF file; save it as DOCX or plain text",
}
HTML_START = re.compile(r"\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.IGNORECASE | re.DOTALL)
#: Words that make up a fifth or so of any English prose.
ENGLISH_WORDS = frozenset({"the", "and", "of", "to", "in", "is", "with", "for"})
PASTED = "pasted text"


class DocumentError(RoxError):
    """A document that cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class Document:
    """A document's text as read, with where it came from.

    ``text`` is not normalised: evidence sentences are quoted verbatim from it.
    """

    path: str | None  # the file as given (None for pasted text or uploaded bytes)
    name: str  # file name, or "pasted text"
    text: str
    format: str  # one of FORMATS
    sha256: str  # of the file's bytes (of the UTF-8 text for pasted text)
    title: str | None  # <title>, first heading, DOCX core title or PDF metadata title, else None
    warnings: tuple[str, ...]


# --- entry points ---------------------------------------------------------------------------


def read_document(path: str | Path, *, max_chars: int = MAX_CHARS) -> Document:
    """Read the file at ``path`` (any of :data:`FORMATS`, told by suffix and content)."""
    label = str(path)
    p = Path(path)
    size = _file_size(p, label)
    head = _head(p, label)
    kind = _sniff(head, p.suffix)
    _check_size(size, kind, label, max_chars)
    data = _read_all(p, label, _byte_limit(kind, max_chars) + 1)
    _check_size(len(data), kind, label, max_chars)  # it may have grown since
    return _document(data, label, p.name, kind, label, max_chars)


def read_bytes(data: bytes, name: str, *, max_chars: int = MAX_CHARS) -> Document:
    """Read an uploaded file's bytes; ``name`` (the file name) gives the suffix and the messages.

    >>> read_bytes("Hefei is the capital of Anhui.".encode("utf-16"), "note.txt").text
    'Hefei is the capital of Anhui.'
    """
    kind = _sniff(data[:1024], Path(name).suffix)
    _check_size(len(data), kind, name, max_chars)
    return _document(data, name, name, kind, None, max_chars)


def read_text(text: str, name: str = PASTED, *, fmt: str = "text", max_chars: int = MAX_CHARS) -> Document:
    """A document from pasted text; ``fmt`` is ``text``, ``markdown`` or ``html``.

    >>> read_text("# Derby and Hefei\\n\\nA memorandum.", fmt="markdown").title
    'Derby and Hefei'
    """
    if fmt not in ("text", "markdown", "html"):
        raise DocumentError(f"{name}: pasted text cannot be {fmt!r}; upload the file instead")
    digest = hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()
    if "\x00" in text:
        raise DocumentError(f"{name}: not a text document (binary content: NUL characters)")
    return _finish(text, name, name, fmt, None, digest, max_chars)


# --- files ----------------------------------------------------------------------------------


def _file_size(p: Path, label: str) -> int:
    """The file's size in bytes, or a one-line error for a missing or unreadable path."""
    try:
        st = p.stat()
    except FileNotFoundError:
        raise DocumentError(f"{label}: no such file") from None
    except OSError as exc:
        raise DocumentError(f"{label}: cannot read the file ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise DocumentError(f"{label}: is a folder, not a document")
    if not stat.S_ISREG(st.st_mode):
        raise DocumentError(f"{label}: not a regular file (a device, pipe or socket)")
    if st.st_size == 0:
        raise DocumentError(f"{label}: empty document (no text)")
    return st.st_size


def _head(p: Path, label: str) -> bytes:
    """The first kilobyte of the file, for sniffing."""
    try:
        with open(p, "rb") as fh:
            return fh.read(1024)
    except OSError as exc:
        raise DocumentError(f"{label}: cannot read the file ({exc.strerror or exc})") from None


def _read_all(p: Path, label: str, limit: int) -> bytes:
    """The file's bytes, at most ``limit`` of them (its size was checked first)."""
    try:
        with open(p, "rb") as fh:
            return fh.read(limit)
    except OSError as exc:
        raise DocumentError(f"{label}: cannot read the file ({exc.strerror or exc})") from None


def _sniff(head: bytes, suffix: str) -> str:
    """The format from the first bytes, else the suffix, else ``text``.

    >>> _sniff(b"%PDF-1.4 ...", ".txt"), _sniff(b"PK\\x03\\x04...", ".bin"), _sniff(b"Hello", ".md")
    ('pdf', 'docx', 'markdown')
    """
    if head.lstrip(b"\xef\xbb\xbf \t\r\n\x00").startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    return SUFFIXES.get(suffix.lower(), "text")


def _check_size(size: int, kind: str, label: str, max_chars: int) -> None:
    """Refuse a file whose size alone proves it too large, before it is read.

    Every encoding read here takes at most 4 bytes a character, so more than ``4 * max_chars``
    bytes (and a BOM) of text is more than ``max_chars`` characters.
    """
    if size <= _byte_limit(kind, max_chars):
        return
    if kind in ("docx", "pdf"):
        raise DocumentError(f"{label}: {size:,} bytes, larger than the {MAX_FILE_BYTES:,} bytes rox opens")
    raise _too_long(label, max_chars)


def _byte_limit(kind: str, max_chars: int) -> int:
    """The largest file of ``kind`` that can be within the limits."""
    return MAX_FILE_BYTES if kind in ("docx", "pdf") else 4 * max_chars + 4


def _too_long(label: str, max_chars: int) -> DocumentError:
    return DocumentError(f"{label}: more than {max_chars:,} characters of text; split it into smaller documents")


def _document(data: bytes, label: str, name: str, kind: str, path: str | None, max_chars: int) -> Document:
    """The document in ``data`` (the whole file), read as ``kind``."""
    digest = hashlib.sha256(data).hexdigest()
    if kind == "pdf":
        text, title = _pdf_text(data, label, max_chars)
        return _finish(text, label, name, kind, path, digest, max_chars, title)
    if kind == "docx":
        text, title = _docx_text(data, label, max_chars)
        return _finish(text, label, name, kind, path, digest, max_chars, title)
    text = decode(data, label)
    if kind == "text" and HTML_START.match(text[:4096]):
        kind = "html"
    return _finish(text, label, name, kind, path, digest, max_chars)


def _finish(
    text: str,
    label: str,
    name: str,
    kind: str,
    path: str | None,
    digest: str,
    max_chars: int,
    title: str | None = None,
) -> Document:
    """Turn the raw text of a text format into its document text and title; check it."""
    if kind == "html":
        text, title = html_text(text)
    elif kind == "markdown":
        title = markdown_title(text)
    if not text.strip():
        raise DocumentError(f"{label}: empty document (no text)")
    if len(text) > max_chars:
        raise _too_long(label, max_chars)
    warnings = () if looks_english(text) else (f"{label}: {NOT_ENGLISH}",)
    return Document(path, name, text, kind, digest, title, warnings)


NOT_ENGLISH = "the text does not look English; rox's rules are written for English, only gazetteer names will be found"


# --- text -----------------------------------------------------------------------------------


def decode(data: bytes, label: str) -> str:
    """Text from bytes: UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252.

    NUL bytes (outside UTF-16), bytes no encoding accepts, or many control characters mean a
    binary file: :class:`DocumentError`.

    >>> decode("naïve".encode("cp1252"), "a.txt"), decode(b"\\xef\\xbb\\xbfHefei", "b.txt")
    ('naïve', 'Hefei')
    >>> decode(b"\\x89PNG\\r\\n", "c.txt")
    Traceback (most recent call last):
    ...
    rox.loaders.documents.read.DocumentError: c.txt: not a text document (it looks like a PNG image)
    """
    for magic, what in OTHER_MAGIC.items():
        if data.startswith(magic):
            raise DocumentError(f"{label}: not a text document (it looks like {what})")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _strict(data, "utf-16", label)
    elif b"\x00" in data:
        raise DocumentError(f"{label}: not a text document (binary content: NUL bytes)")
    elif data.startswith(codecs.BOM_UTF8):
        text = _strict(data, "utf-8-sig", label)
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _strict(data, "cp1252", label)
    _check_controls(text, label)
    return text


def _strict(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        what = ENCODING_NAMES.get(encoding, encoding)
        raise DocumentError(f"{label}: not a text document (binary content: not valid {what} text)") from None


ENCODING_NAMES = {"utf-16": "UTF-16", "utf-8-sig": "UTF-8", "cp1252": "UTF-8 or Windows-1252"}


CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _check_controls(text: str, label: str) -> None:
    """More than 1 % control characters (other than tab, newlines, form feed) in the first
    64 K characters is binary content that happened to decode."""
    sample = text[:65536]
    if sample and len(CONTROLS.findall(sample)) > len(sample) / 100:
        raise DocumentError(f"{label}: not a text document (binary content: control characters)")


def looks_english(text: str) -> bool:
    """Whether the text looks English: mostly ASCII letters and, in a text of 30 words or more,
    at least 5 % of them among the commonest English words (the, and, of, to, in, is, with, for;
    about a fifth of English prose). A cheap, deterministic check on the first 200,000 characters.

    >>> looks_english("Derby and Hefei signed a memorandum of understanding to promote trade in rail.")
    True
    >>> looks_english("合肥是安徽省的省会，位于长江三角洲。德比与合肥签署了谅解备忘录。")
    False
    >>> looks_english(" ".join(["Die Region arbeitet seit Jahren mit der Stadt zusammen"] * 4))
    False
    """
    sample = text[:200_000]
    letters = sum(1 for c in sample if c.isalpha())
    ascii_letters = sum(1 for c in sample if c.isascii() and c.isalpha())
    if letters and ascii_letters < letters / 2:
        return False
    words = re.findall(r"[a-z]+", sample.lower())
    if len(words) < 30:
        return True
    return sum(1 for w in words if w in ENGLISH_WORDS) >= len(words) / 20


def markdown_title(text: str) -> str | None:
    """The first level-1 heading (``# Title`` or a line underlined with ``===``), outside code fences.

    >>> markdown_title("Intro\\n\\n```\\n# not this\\n```\\n# Derby and Hefei #\\n")
    'Derby and Hefei'
    >>> markdown_title("Derby and Hefei\\n===\\n"), markdown_title("## Only level two")
    ('Derby and Hefei', None)
    """
    fenced = False
    previous = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced:
            m = re.match(r" {0,3}#(?:\s+(.*?))?(?:\s+#+)?\s*$", line)
            if m and m.group(1):
                return m.group(1).strip()
            if re.fullmatch(r" {0,3}=+\s*", line) and previous.strip():
                return previous.strip()
        previous = "" if fenced else line
    return None


# --- HTML -----------------------------------------------------------------------------------

#: Elements whose start and end are paragraph breaks (sections, lists, tables, headings...).
BLOCKS = frozenset({"address", "article", "aside", "blockquote", "details", "dialog", "div", "fieldset", "figure"})
BLOCKS |= {"figcaption", "footer", "form", "header", "hr", "main", "nav", "p", "pre", "section", "summary"}
BLOCKS |= {"dd", "dl", "dt", "li", "ol", "ul", "caption", "table", "tbody", "td", "tfoot", "th", "thead", "tr"}
BLOCKS |= {f"h{level}" for level in range(1, 7)}
#: Elements whose content is not text of the page.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "math"})


class _HTMLText(HTMLParser):
    """Collects the visible text of a page as paragraphs of lines, and its title."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[str]] = []
        self._lines: list[str] = []
        self._pieces: list[str] = []
        self._skip = 0
        self._in: dict[str, int] = {"title": 0, "h1": 0}
        self.title: list[str] = []
        self.h1: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in SKIPPED:
            self._skip += 1
        elif tag in self._in:
            self._in[tag] += 1
        if tag == "br":
            self._end_line()
        elif tag in BLOCKS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED:
            self._skip = max(0, self._skip - 1)
        elif tag in self._in:
            self._in[tag] = max(0, self._in[tag] - 1)
        if tag in BLOCKS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._in["title"]:
            self.title.append(data)
            return
        if self._in["h1"]:
            self.h1.append(data)
        self._pieces.append(data)

    def _end_line(self) -> None:
        line = " ".join("".join(self._pieces).split())
        self._pieces = []
        if line:
            self._lines.append(line)

    def _end_paragraph(self) -> None:
        self._end_line()
        if self._lines:
            self.paragraphs.append(self._lines)
        self._lines = []

    def result(self) -> tuple[str, str | None]:
        self.close()
        self._end_paragraph()
        text = "\n\n".join("\n".join(lines) for lines in self.paragraphs)
        for parts in (self.title, self.h1):
            title = " ".join("".join(parts).split())
            if title:
                return text, title
        return text, None


def html_text(html: str) -> tuple[str, str | None]:
    """(visible text, title) of an HTML page: scripts and styles dropped, entities unescaped,
    block elements as paragraph breaks, ``<br>`` as a line break, runs of white space as one
    space; the title is ``<title>``, else the first ``<h1>``.

    >>> html_text("<title>T</title><script>x=1</script><p>A&nbsp;b<br>c</p><div>d</div>")
    ('A b\\nc\\n\\nd', 'T')
    """
    parser = _HTMLText()
    parser.feed(html)
    return parser.result()


# --- DOCX and PDF ---------------------------------------------------------------------------


def _docx_text(data: bytes, label: str, max_chars: int) -> tuple[str, str | None]:
    """(text, title) of a DOCX: paragraphs and table cells in order, joined by blank lines."""
    _check_docx_zip(data, label)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
        paragraphs: list[str] = []
        total = 0
        for text in _docx_blocks(document):
            paragraphs.append(text)
            total += len(text) + 2
            if total > max_chars + 2:
                raise _too_long(label, max_chars)
        title = (document.core_properties.title or "").strip() or _docx_title_style(document)
    except DocumentError:
        raise
    except Exception as exc:  # a damaged file fails anywhere in zip, XML or python-docx
        raise DocumentError(f"{label}: not a readable DOCX file ({_one_line(exc)})") from None
    return "\n\n".join(paragraphs), title


def _check_docx_zip(data: bytes, label: str) -> None:
    """A DOCX is a ZIP archive holding ``word/document.xml`` of a sane unpacked size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            info = {i.filename: i.file_size for i in z.infolist()}
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DocumentError(f"{label}: not a readable DOCX file ({_one_line(exc)})") from None
    if "word/document.xml" not in info:
        raise DocumentError(f"{label}: a ZIP archive but not a DOCX document (no word/document.xml)")
    if sum(info.values()) > 10 * MAX_FILE_BYTES:
        raise DocumentError(f"{label}: not a readable DOCX file (unpacks to more than {10 * MAX_FILE_BYTES:,} bytes)")


def _docx_blocks(container: Any) -> Iterator[str]:
    """The non-empty paragraphs of a document or table cell, table cells included (each merged
    cell once), in document order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            seen: dict[int, Any] = {}  # holds the elements too, so their ids are not reused
            for row in block.rows:
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen[id(cell._tc)] = cell._tc
                        yield from _docx_blocks(cell)
        elif block.text.strip():
            yield block.text


def _docx_title_style(document: Any) -> str | None:
    """The first paragraph in the ``Title`` style (when the core properties have no title)."""
    for p in document.paragraphs:
        if p.style is not None and p.style.name == "Title" and p.text.strip():
            return str(p.text.strip())
    return None


def _pdf_text(data: bytes, label: str, max_chars: int) -> tuple[str, str | None]:
    """(text, title) of a PDF's text layer: pages' text joined by blank lines."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{label}: the PDF is encrypted; save an unprotected copy or paste the text")
        pages: list[str] = []
        total = 0
        for page in reader.pages:
            text = page.extract_text() or ""
            pages.append(text)
            total += len(text) + 2
            if total > max_chars + 2:
                raise _too_long(label, max_chars)
        meta = reader.metadata
        title = str(meta.title).strip() if meta is not None and meta.title else None
    except DocumentError:
        raise
    except Exception as exc:  # a damaged file fails anywhere in pypdf's parser
        raise DocumentError(f"{label}: not a readable PDF file ({_one_line(exc)})") from None
    text = "\n\n".join(p for p in pages if p.strip())
    if not text.strip():
        raise DocumentError(f"{label}: PDF has no text layer (scanned?); run OCR first or paste the text")
    return text, title or None


def _one_line(exc: Exception) -> str:
    """An exception as one short line: its type and its first line of text."""
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
