"""Render rows (lists of dicts) as a table, JSON, CSV, Markdown or XLSX.

Used by every CLI command that prints rows, and by the app's downloads, so all
exports look the same. JSON is always an array of row objects.

>>> print(render([{"id": "rail", "n": 2}], "csv"), end="")
id,n
rail,2
>>> render([{"id": "rail"}], "json")
'[\\n  {\\n    "id": "rail"\\n  }\\n]'
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Mapping

FORMATS = ("table", "json", "csv", "md", "xlsx")


def columns_of(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    cols: list[str] = []
    for row in rows:
        for k in row:
            if k not in cols:
                cols.append(k)
    return cols


def cell(value: Any) -> str:
    """Flatten a value for a text cell: lists joined by '; ', dicts as JSON."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def to_json(rows, meta: Mapping[str, Any] | None = None) -> str:
    """A JSON array of row objects; with ``meta``, each row carries it as ``parameters``."""
    rows = [{**r, "parameters": dict(meta)} for r in rows] if meta else list(rows)
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)


def with_params(rows, meta: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Rows with the parameters appended as ``param_<name>`` columns, so a CSV carries
    them in a shape every CSV reader takes.

    >>> with_params([{"region": "CN-AH"}], {"measure": "jaccard"})
    [{'region': 'CN-AH', 'param_measure': 'jaccard'}]
    """
    extra = {f"param_{k}": cell(v) for k, v in (meta or {}).items()}
    return [{**r, **extra} for r in rows]


def to_csv(rows, meta: Mapping[str, Any] | None = None) -> str:
    rows = with_params(rows, meta)
    buf = io.StringIO()
    cols = columns_of(rows)
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(cols)
    for row in rows:
        writer.writerow([cell(row.get(c)) for c in cols])
    return buf.getvalue()


def to_markdown(rows, meta: Mapping[str, Any] | None = None) -> str:
    rows = list(rows)
    cols = columns_of(rows)
    out = []
    if meta:
        out += [f"- **{k}**: {cell(v)}" for k, v in meta.items()] + [""]
    esc = lambda s: cell(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    out.append("| " + " | ".join(cols) + " |")
    out.append("|" + "|".join(" --- " for _ in cols) + "|")
    out += ["| " + " | ".join(esc(r.get(c)) for c in cols) + " |" for r in rows]
    return "\n".join(out) + "\n"


def to_xlsx(rows, meta: Mapping[str, Any] | None = None) -> bytes:
    """Rows on a first sheet, the parameters (``meta``) on a second sheet."""
    from openpyxl import Workbook

    rows = list(rows)
    wb = Workbook()
    ws = wb.active
    ws.title = "matches" if meta else "rows"
    cols = columns_of(rows)
    ws.append(cols)
    for row in rows:
        ws.append([_xlsx_value(row.get(c)) for c in cols])
    if meta:
        ps = wb.create_sheet("parameters")
        ps.append(["parameter", "value"])
        for k, v in meta.items():
            ps.append([k, cell(v)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _xlsx_value(v):
    return v if isinstance(v, (int, float, str)) or v is None else cell(v)


def to_table(rows, meta: Mapping[str, Any] | None = None, title: str | None = None) -> str:
    from rich.console import Console
    from rich.table import Table

    rows = list(rows)
    table = Table(title=title, show_lines=False)
    cols = columns_of(rows)
    for c in cols:
        table.add_column(c, overflow="fold")
    for row in rows:
        table.add_row(*[cell(row.get(c)) for c in cols])
    console = Console(record=True, width=200, file=io.StringIO())
    console.print(table)
    if not rows:
        console.print("(no rows)")
    return console.export_text()


def render(rows, fmt: str, meta: Mapping[str, Any] | None = None) -> str | bytes:
    """Rows in format ``fmt`` (one of :data:`FORMATS`)."""
    return {"table": to_table, "json": to_json, "csv": to_csv, "md": to_markdown, "xlsx": to_xlsx}[fmt](rows, meta)
