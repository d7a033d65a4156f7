"""Render rows (lists of dicts) as a table, JSON, CSV, Markdown or XLSX.

Used by every CLI command that prints rows, and by the app's downloads, so all
exports look the same. JSON is always an array of row objects.

Every text format treats cell values as untrusted data (issue 9):

* table, CSV and Markdown replace terminal control characters (ANSI escapes, CR,
  backspace...) and bidirectional overrides (U+202E...) with U+FFFD, so a name
  cannot rewrite the terminal or reverse the text around it (:func:`displayable`);
  JSON writes them as ``\\uXXXX`` escapes (the text reads back exact);
* CSV prefixes text starting with ``=``, ``+``, ``-``, ``@``, tab or CR with ``'``
  so a spreadsheet does not run it as a formula (OWASP "CSV injection");
  numbers stay numbers (``-3.5`` is written as is);
* XLSX writes text cells as strings, never formulas;
* Markdown escapes HTML (``<``, ``>``, ``&``) and Markdown syntax (``|``, ``[``...);
* the table renderer never reads cell text as rich markup.

>>> print(render([{"id": "rail", "n": 2}], "csv"), end="")
id,n
rail,2
>>> render([{"id": "rail"}], "json")
'[\\n  {\\n    "id": "rail"\\n  }\\n]'
>>> print(render([{"name": "=HYPERLINK(\\"http://x\\")", "delta": -3.5}], "csv"), end="")
name,delta
"'=HYPERLINK(""http://x"")",-3.5
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

FORMATS = ("table", "json", "csv", "md", "xlsx")

#: C0/C1 control characters except tab and newline, and the bidirectional
#: embedding/override/isolate marks. Not ZWJ/ZWNJ (U+200C/D): scripts such as
#: Devanagari need them.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")
#: What starts a formula in a spreadsheet (OWASP: =, +, -, @, tab, carriage return).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def columns_of(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        for k in row:
            if k not in cols:
                cols.append(k)
    return cols


def cell(value: Any) -> str:
    """Flatten a value for a text cell: lists joined by '; ', dicts as JSON; numbers
    to 10 significant digits (a count of jobs stays whole).

    >>> cell([1.5, "rail", None])
    '1.5; rail; '
    >>> cell(1121805.0), cell(0.123456789012)
    ('1121805', '0.123456789')
    """
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.10g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def displayable(text: str) -> str:
    """``text`` with control and bidi-override characters replaced by U+FFFD.

    >>> displayable("Derby\\x1b[2J\\u202eevil")
    'Derby\\ufffd[2J\\ufffdevil'
    >>> displayable("महाराष्ट्र") == "महाराष्ट्र"   # joiners inside Indic names stay
    True
    """
    return _UNSAFE.sub("\ufffd", text)


def csv_cell(value: Any) -> str:
    """A CSV cell: numbers as numbers, exactly (the shortest text that reads back as the
    same float; whole numbers without ``.0``); text displayable and never a formula.

    >>> [csv_cell(v) for v in (-3.5, 7, 1121805.0, 0.1 + 0.2, "-3.5", "@SUM(A1)", "\\tx", "rail")]
    ['-3.5', '7', '1121805', '0.30000000000000004', "'-3.5", "'@SUM(A1)", "'\\tx", 'rail']
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    text = displayable(cell(value))
    return "'" + text if text.startswith(_FORMULA_START) else text


def md_cell(value: Any) -> str:
    """A Markdown table cell: displayable, HTML and Markdown syntax escaped, one line.

    >>> md_cell("<img src=x onerror=alert(1)> | [x](javascript:y) & *b*")
    '&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\[x\\\\](javascript:y) &amp; \\\\*b\\\\*'
    """
    text = displayable(cell(value)).replace("\n", " ").replace("\t", " ")
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def json_text(value: Any) -> str:
    """``value`` as indented JSON, with control and bidi characters as ``\\uXXXX``
    escapes (json escapes only C0 controls itself), so printing it is safe and
    reading it back gives the exact text.

    >>> json_text({"name": "a\\u202eb\\x9b"})
    '{\\n  "name": "a\\\\u202eb\\\\u009b"\\n}'
    """
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_json(rows, meta: Mapping[str, Any] | None = None) -> str:
    """A JSON array of row objects; with ``meta``, each row carries it as ``parameters``."""
    rows = [{**r, "parameters": dict(meta)} for r in rows] if meta else list(rows)
    return json_text(rows)


def with_params(rows, meta: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Rows with the parameters appended as ``param_<name>`` columns, so a CSV carries
    them in a shape every CSV reader takes.

    >>> with_params([{"region": "CN-AH"}], {"measure": "jaccard"})
    [{'region': 'CN-AH', 'param_measure': 'jaccard'}]
    """
    extra = {f"param_{k}": v for k, v in (meta or {}).items()}
    return [{**r, **extra} for r in rows]


def to_csv(rows, meta: Mapping[str, Any] | None = None) -> str:
    rows = with_params(rows, meta)
    buf = io.StringIO()
    cols = columns_of(rows)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow([csv_cell(c) for c in cols])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in cols])
    return buf.getvalue()


def to_markdown(rows, meta: Mapping[str, Any] | None = None) -> str:
    rows = list(rows)
    cols = columns_of(rows)
    out = []
    if meta:
        out += [f"- **{md_cell(k)}**: {md_cell(v)}" for k, v in meta.items()] + [""]
    out.append("| " + " | ".join(md_cell(c) for c in cols) + " |")
    out.append("|" + "|".join(" --- " for _ in cols) + "|")
    out += ["| " + " | ".join(md_cell(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


def to_xlsx(rows, meta: Mapping[str, Any] | None = None) -> bytes:
    """Rows on a first sheet, the parameters (``meta``) on a second sheet; text is
    always a string cell (never a formula), numbers are numbers."""
    from openpyxl import Workbook

    rows = list(rows)
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = "matches" if meta else "rows"
    cols = columns_of(rows)
    _xlsx_row(ws, 1, cols)
    for i, row in enumerate(rows, start=2):
        _xlsx_row(ws, i, [row.get(c) for c in cols])
    if meta:
        ps = wb.create_sheet("parameters")
        _xlsx_row(ps, 1, ["parameter", "value"])
        for i, (k, v) in enumerate(meta.items(), start=2):
            _xlsx_row(ps, i, [k, cell(v)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_row(ws, row: int, values: list[Any]) -> None:
    for col, value in enumerate(values, start=1):
        target = ws.cell(row=row, column=col)
        if value is None:
            continue
        if isinstance(value, (bool, int, float)):
            target.value = value
            continue
        # openpyxl reads text starting with "=" as a formula: force a string cell.
        target.value = _XLSX_ILLEGAL.sub("\ufffd", cell(value))
        target.data_type = "s"


#: Characters an XLSX file cannot hold (openpyxl refuses them).
_XLSX_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def to_table(rows, meta: Mapping[str, Any] | None = None, title: str | None = None) -> str:
    """A text table for the terminal; cell text is shown literally (no rich markup)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    rows = list(rows)
    table = Table(title=displayable(title) if title else None, show_lines=False)
    cols = columns_of(rows)
    for c in cols:
        table.add_column(Text(displayable(str(c))), overflow="fold")
    for row in rows:
        table.add_row(*[Text(displayable(cell(row.get(c)))) for c in cols])
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    if not rows:
        console.print("(no rows)")
    return console.export_text()


def render(rows, fmt: str, meta: Mapping[str, Any] | None = None) -> str | bytes:
    """Rows in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "xlsx":
        return to_xlsx(rows, meta)
    text_formats: dict[str, Callable[..., str]] = {"table": to_table, "json": to_json, "csv": to_csv, "md": to_markdown}
    return text_formats[fmt](rows, meta)
