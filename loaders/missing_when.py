"""``--missing-when COL=VALUE``: cells a flag column declares suppressed are missing, not zero.

Statistics offices publish a suppressed cell as a number (often 0) beside a flag column
(US SUSB ``Employment Noise Flag``/``D`` ...). A rule ``COL=VALUE`` makes the value of every
row whose column ``COL`` equals ``VALUE`` missing: no fact, counted in the summary as
``missing value (COL=VALUE, --missing-when)``. The table is wrapped (:func:`masked`): its
value cells in such rows are replaced by :data:`MISSING_MARK` and the rule, which the
row check (:mod:`loaders.table_check`) counts as missing.

>>> import tempfile, os
>>> from rox.loaders.tables import TableSpec, open_table
>>> p = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> _ = open(p, "w").write("geo,industry,year,value,flag\\nUKF1,30,2021,0,D\\nUKF1,31,2021,4,\\n")
>>> t = masked(open_table(TableSpec(p)), [("flag", "D")])
>>> [c.value for c in t.rows()]
['\\x00missing:flag=D', '4']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders.table_model import Table

#: A value cell replaced by a rule starts with this (a NUL: no published cell holds one).
MISSING_MARK = "\x00missing:"


def parse_rule(text: str) -> tuple[str, str]:
    """``COL=VALUE`` -> (column, value).

    >>> parse_rule("Employment Flag = D")
    ('Employment Flag', 'D')
    """
    if "=" not in text:
        raise ValueError(f"--missing-when takes COL=VALUE, got {text!r}")
    col, value = text.split("=", 1)
    return col.strip(), value.strip()


@dataclass
class MaskedTable(Table):
    """A table whose value cells are missing in the rows the rules name."""

    rules: list[tuple[int, str, str]] = field(default_factory=list)  # (column index, value, "COL=VALUE")
    value_idx: list[int] = field(default_factory=list)

    def raw_rows(self) -> Iterator[tuple[int, list[str]]]:
        rules, value_idx = self.rules, self.value_idx
        for line, cells in super().raw_rows():
            hit = next((text for i, v, text in rules if i < len(cells) and cells[i].strip() == v), None)
            if hit is not None:
                cells = list(cells)
                for j in value_idx:
                    if j < len(cells):
                        cells[j] = MISSING_MARK + hit
            yield line, cells


def masked(table: Table, rules: list[tuple[str, str]]) -> Table:
    """``table`` with the rules applied (itself when there are none); every rule's column must exist."""
    if not rules:
        return table
    name, idx = str(table.spec.path), {h: i for i, h in enumerate(table.header)}
    problems = [
        Problem(name, table.header_line, "--missing-when", f"no column {c!r} (columns: {', '.join(table.header)})")
        for c, _ in rules
        if c not in idx
    ]
    flag_cols = {c for c, _ in rules}
    if table.layout == "wide-sectors":  # a flag column is not a sector column
        table.wide_cols = [c for c in table.wide_cols if c not in flag_cols]
    cols = [table.value_col] if table.layout == "long" else list(table.wide_cols)
    if table.fmt not in ("csv", "xlsx") or not all(c in idx for c in cols if c):
        problems.append(Problem(name, None, "--missing-when", "applies to CSV and XLSX tables with named columns"))
    if problems:
        raise ValidationFailed(problems)
    fields = {f.name: getattr(table, f.name) for f in dataclasses.fields(Table)}
    return MaskedTable(
        **fields, rules=[(idx[c], v, f"{c}={v}") for c, v in rules], value_idx=[idx[c] for c in cols if c]
    )
