"""Choose a table's layout and columns: from the options first, then a dataset profile,
then the header words (:mod:`loaders.columns`); say what was detected.

Layouts: ``long`` (one value column), ``wide-years`` (years as columns),
``wide-sectors`` (sectors as columns). What cannot be told raises
:class:`graph.errors.ValidationFailed` naming the option to give.
"""

from __future__ import annotations

from rox.graph.errors import Problem, ValidationFailed
from rox.loaders import columns, profiles
from rox.loaders.columns import NAME_WORDS, REGION_WORDS, SECTOR_WORDS, VALUE_WORDS, YEAR_WORDS, is_year
from rox.loaders.table_model import Table

GENERIC_LAYOUTS = ("long", "wide-years", "wide-sectors")


class _Picker:
    """Picks columns by option or header words, remembering which are used and what was detected."""

    def __init__(self, header: list[str], used: set[str]):
        self.header, self.used = header, used
        self.detected: list[str] = []

    def __call__(self, given: str | None, words: tuple[str, ...], label: str) -> str | None:
        if given:
            self.used.add(given)
            return given
        col = columns.match(self.header, words, self.used)
        if col:
            self.used.add(col)
            self.detected.append(f"{label} column {col!r}")
        return col

    def name_col(self, given: str | None, code_col: str | None, words: tuple[str, ...]) -> str | None:
        col = given or columns.name_col(self.header, code_col, words, self.used)
        if col:
            self.used.add(col)
        return col


def resolve_layout(t: Table, first_line: str = "") -> None:
    """Choose the layout and the columns of ``t`` (``first_line``: the file's, for profile detection)."""
    spec, name = t.spec, str(t.spec.path)
    _check_options(t)
    used: set[str] = set(t.sector_cols)
    year_cols = [h for h in t.header if is_year(h) and h.strip().isdigit()]
    layout = _apply_profile(t, used, first_line)
    if spec.region_level is not None and t.region_level is None:
        titles = " or ".join(p.title for p in profiles.accepting("region_level"))
        raise ValidationFailed([Problem(name, None, "--region-level", f"applies to {titles} only")])
    if layout == "auto":
        layout = _detect_layout(t, year_cols)
    t.layout = layout
    if layout == "wide-years":
        used.update(year_cols)
    pick = _Picker(t.header, used)
    _pick_columns(t, pick, layout)
    _name_columns(t, pick, layout)
    problems = _required(t, layout, year_cols, used, pick.detected)
    if problems:
        raise ValidationFailed(problems)
    if pick.detected:
        t.notes.append(
            "; ".join(pick.detected) + " (give --region-col/--sector-col/--value-col/--year-col to override)"
        )


def _check_options(t: Table) -> None:
    """Every column an option names exists (after matching case and spaces)."""
    spec, header, name = t.spec, t.header, str(t.spec.path)
    columns.canonical_columns(spec, header)
    cols = set(header)
    listed = ", ".join(header)
    problems = [
        Problem(name, t.header_line, opt, f"no column {getattr(spec, attr)!r} (columns: {listed})")
        for attr, opt in columns.COLUMN_OPTIONS.items()
        if getattr(spec, attr) is not None and getattr(spec, attr) not in cols
    ]
    problems += [
        Problem(name, t.header_line, "--filter", f"no column {c!r} (columns: {listed})")
        for c in spec.filters
        if c not in cols
    ]
    if problems:
        raise ValidationFailed(problems)
    if spec.sector_cols:
        problems = [
            Problem(name, t.header_line, "--sector-cols", f"no column {c!r} (columns: {listed})")
            for c in spec.sector_cols
            if c not in cols
        ]
        if problems:
            raise ValidationFailed(problems)
        t.sector_cols = list(spec.sector_cols)


def _apply_profile(t: Table, used: set[str], first_line: str) -> str:
    """Let a header-level profile that recognises the file set its columns; returns the layout to use."""
    if t.profile is None:
        t.profile = profiles.for_header(profiles.Head(t.path, first_line, t.header, t.spec.layout))
    if t.profile is None:
        return t.spec.layout
    t.profile.columns(t, used)
    return t.profile.table_layout or t.spec.layout


def _detect_layout(t: Table, year_cols: list[str]) -> str:
    spec = t.spec
    if len(year_cols) >= 2 and not spec.year_col and not spec.value_col:
        layout = "wide-years"
    elif spec.value_col or columns.match(t.header, VALUE_WORDS, set(year_cols)):
        layout = "long"
    else:
        layout = "wide-sectors"
    years = f" ({len(year_cols)} year columns {year_cols[0]}..{year_cols[-1]})" if layout == "wide-years" else ""
    t.notes.append(f"layout {layout}{years}")
    return layout


def _pick_columns(t: Table, pick: _Picker, layout: str) -> None:
    spec = t.spec
    if not t.region_col:
        t.region_col = pick(spec.region_col, REGION_WORDS, "region")
    if layout in ("long", "wide-years") and not t.sector_cols:
        t.sector_col = t.sector_col or pick(spec.sector_col, SECTOR_WORDS, "sector")
    if layout == "long":
        t.year_col = pick(spec.year_col, YEAR_WORDS, "year") if not t.year else spec.year_col
        t.value_col = t.value_col or pick(spec.value_col, VALUE_WORDS, "value")
    if layout == "wide-sectors":
        t.year_col = pick(spec.year_col, YEAR_WORDS, "year")


def _name_columns(t: Table, pick: _Picker, layout: str) -> None:
    spec = t.spec
    if not t.regions_from_profile:
        t.region_name_col = pick.name_col(spec.region_name_col, t.region_col, REGION_WORDS)
    if layout != "wide-sectors" and not t.sector_name_col:
        t.sector_name_col = pick.name_col(spec.sector_name_col, t.sector_col, SECTOR_WORDS)
    names = [
        c for c in (t.region_name_col, t.sector_name_col) if c and c not in (spec.region_name_col, spec.sector_name_col)
    ]
    if names:
        pick.detected.append("name column(s) " + ", ".join(repr(c) for c in names))


def _required(t: Table, layout: str, year_cols: list[str], used: set[str], detected: list[str]) -> list[Problem]:
    """Problems for what could not be told; sets the columns melted by the wide layouts."""
    name, listed = str(t.spec.path), ", ".join(t.header)
    need = {"region": ("--region-col", t.region_col)}
    if layout in ("long", "wide-years") and not t.sector_cols:
        need["sector"] = ("--sector-col", t.sector_col)
    if layout == "long":
        need["value"] = ("--value-col", t.value_col)
    problems = [
        Problem(name, t.header_line, opt, f"cannot tell which column holds the {what}; give {opt} (columns: {listed})")
        for what, (opt, col) in need.items()
        if col is None
    ]
    if layout == "wide-years":
        t.wide_cols = year_cols
        if not year_cols:
            problems.append(
                Problem(
                    name, t.header_line, "--layout", "wide-years needs year columns (1998, 1999, ...) in the header"
                )
            )
    elif layout == "wide-sectors":
        t.wide_cols = [h for h in t.header if h not in used and h not in t.spec.filters and h.strip()]
        if not t.wide_cols:
            problems.append(
                Problem(name, t.header_line, "--layout", "no sector columns left after the region and year columns")
            )
        else:
            detected.append(f"{len(t.wide_cols)} sector columns {t.wide_cols[0]!r}..{t.wide_cols[-1]!r}")
    return problems


__all__ = ["GENERIC_LAYOUTS", "NAME_WORDS", "resolve_layout"]
