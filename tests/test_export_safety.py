"""Exports and terminal output treat names as data (issue 9, items 4 and 16).

* CSV: text starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading ``'``
  (OWASP CSV injection); numbers, negative ones too, are left alone.
* XLSX: text is a string cell, never a formula (read back with openpyxl and from the XML).
* Markdown: HTML and Markdown syntax are escaped.
* table and CSV: ANSI escapes, CR and bidi overrides never reach the terminal; JSON
  keeps the exact text (its escapes are safe).

The last test runs the ``rox`` command on a store holding a hostile region name.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
import yaml
from openpyxl import load_workbook
from support import rox

from rox.output import render, to_csv, to_markdown, to_table, to_xlsx

FORMULAS = ["=1+1", "+SUM(A1:A2)", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://evil.example","x")']
CONTROL = [
    "\x1b[31mred\x1b[0m",
    "\x1b]0;title\x07",
    "over\rwrite",
    "back\bspace",
    "\u202egnp.exe",
    "a\u2066b\u2069c",
    "\x9b31m",
    "nul\x00byte",
]
TERMINAL_UNSAFE = set("\x1b\r\b\x07\x00\x9b\u202e\u2066\u2069")


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("value", FORMULAS)
def test_csv_text_never_starts_a_formula(value):
    cell = csv_rows(to_csv([{"name": value}]))[1][0]
    assert cell[0] not in "=+-@\t\r", repr(cell)
    assert cell.lstrip("'\ufffd\t") == value.lstrip("\t\r")  # the text itself is kept


def test_csv_numbers_stay_numbers():
    rows = csv_rows(to_csv([{"a": -3.5, "b": 0, "c": 12, "d": True, "e": "rail"}]))
    assert rows[1] == ["-3.5", "0", "12", "True", "rail"]


def test_csv_parameters_are_neutralised_too():
    rows = csv_rows(to_csv([{"region": "X"}], {"source": "=cmd|' /C calc'!A0", "threshold": -1.0}))
    assert rows[0] == ["region", "param_source", "param_threshold"]
    assert rows[1] == ["X", "'=cmd|' /C calc'!A0", "-1"]


@pytest.mark.parametrize("value", CONTROL)
def test_csv_and_table_hold_no_control_or_bidi_characters(value):
    for text in (to_csv([{"name": value}]), to_table([{"name": value}]), to_markdown([{"name": value}])):
        assert not TERMINAL_UNSAFE & set(text), repr(text)
        assert "\ufffd" in text


def test_json_keeps_the_exact_text_escaped():
    values = CONTROL + FORMULAS
    text = render([{"name": v} for v in values], "json")
    assert "\x1b" not in text and "\r" not in text
    assert [r["name"] for r in json.loads(text)] == values


def test_indic_joiners_and_plain_unicode_survive():
    names = ["महाराष्ट्र", "合肥", "Héféi", "Nottingham & Derby"]
    rows = csv_rows(to_csv([{"name": n} for n in names]))
    assert [r[0] for r in rows[1:]] == names


def test_table_does_not_read_rich_markup():
    text = to_table([{"name": "[bold red]Derby[/] [link=http://evil.example]x[/link]"}])
    assert "[bold red]Derby[/]" in text and "[link=http://evil.example]x[/link]" in text


def test_xlsx_text_is_never_a_formula():
    data = to_xlsx([{"name": v, "score": -3.5} for v in FORMULAS], {"source": "=1+1"})
    wb = load_workbook(io.BytesIO(data))
    cells = [row[0] for row in wb["matches"].iter_rows(min_row=2)]
    # the text as written; an XML parser may read a CR as LF (the stdlib one does, lxml keeps it)
    assert [c.value.replace("\r", "\n") for c in cells] == [v.replace("\r", "\n") for v in FORMULAS]
    assert {c.data_type for c in cells} == {"s"}
    assert {row[1].value for row in wb["matches"].iter_rows(min_row=2)} == {-3.5}
    assert wb["matches"]["B2"].data_type == "n"
    assert wb["parameters"]["B2"].value == "=1+1" and wb["parameters"]["B2"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml


def test_xlsx_takes_control_characters():
    wb = load_workbook(io.BytesIO(to_xlsx([{"name": v} for v in CONTROL])))
    assert all(isinstance(r[0].value, str) for r in wb.active.iter_rows(min_row=2))


def test_markdown_escapes_html_and_markdown():
    text = to_markdown(
        [{"name": "<script>alert(1)</script>", "note": "a | b & [x](javascript:alert(1))"}], {"title": "<b>bold</b>"}
    )
    assert "<script>" not in text and "<b>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "a \\| b &amp; \\[x\\](javascript:alert(1))" in text
    table_line = text.splitlines()[-1]
    assert table_line.count(" | ") == 1  # the escaped pipe does not open a column


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    from rox.api import Rox

    folder = tmp_path_factory.mktemp("hostile-data")
    names = {
        "X-ANSI": "\x1b[2J\x1b[31mEvil\x1b[0m",
        "X-RLO": "Derby\u202egnp.exe",
        "X-CR": "ok\rHIDDEN",
        "X-FORMULA": '=HYPERLINK("http://evil.example","x")',
    }
    doc = {
        "sources": [{"id": "src-h", "title": "Hostile names", "kind": "dataset"}],
        "regions": [{"id": i, "name": n, "kind": "city", "country": "GB", "source": "src-h"} for i, n in names.items()],
    }
    (folder / "hostile.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    db = tmp_path_factory.mktemp("hostile-db") / "rox.db"
    with Rox.open(db=str(db)) as rx:
        rx.load([folder])
        assert {r["name"] for r in rx.regions()} == set(names.values())  # stored exactly
    return db, names


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_cli_output_keeps_the_terminal_safe(hostile_db, fmt):
    db, names = hostile_db
    out = rox("query", "regions", "--format", fmt, db=db).stdout
    assert not TERMINAL_UNSAFE & set(out), repr(out)
    assert "Evil" in out and "gnp.exe" in out and "HIDDEN" in out
    if fmt == "csv":
        by_id = {r["id"]: r["name"] for r in csv.DictReader(io.StringIO(out))}
        assert by_id["X-FORMULA"] == "'" + names["X-FORMULA"]


def test_cli_json_keeps_names_exact(hostile_db):
    db, names = hostile_db
    out = rox("query", "regions", "--format", "json", db=db).stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert {r["id"]: r["name"] for r in json.loads(out)} == names


def test_csv_numbers_read_back_exactly():
    """Employment counts and scores survive a CSV round trip (they were cut to 6 digits)."""
    from rox.api import export

    rows = [{"region": "US-CA", "value": 1121805.0, "score": 0.123456789012345, "n": 2**40}]
    back = next(csv.DictReader(io.StringIO(export(rows, "csv"))))
    assert (back["value"], float(back["score"]), int(back["n"])) == ("1121805", 0.123456789012345, 2**40)
