"""Read entity files (YAML or CSV) into raw records, refusing what would hang, crash or mislead.

YAML files may hold any of the sections in :data:`loaders.records.SECTIONS`. A CSV
file holds one section, named by its file name (``regions.csv``, ``demo-firms.csv``:
the stem ends with the section name); list cells use ``;``.

The YAML reader is PyYAML's safe loader with three refusals, each reported as
``file:line: field: reason`` before anything is built:

* anchors and aliases (``&a`` / ``*a``): a few hundred bytes of nested aliases
  expand to gigabytes (the "billion laughs"); entity files do not need them;
* a key given twice in one mapping (``id: A`` then ``id: B``): YAML would keep the
  last silently;
* nesting deeper than :data:`MAX_DEPTH` levels (which would exhaust Python's stack).

A CSV cell over the csv module's field limit (131,072 characters) is a problem
naming the line, not a traceback.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
>>> _ = p.write_text("regions:\\n  - {id: A, id: B}\\n")
>>> [str(x) for x in read_files([p])[1]]  # doctest: +ELLIPSIS
['...x.yaml:2: id: key given twice in one mapping (first at line 2); YAML would keep only the last']
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from rox.graph.errors import Problem
from rox.loaders.records import SECTIONS
from rox.loaders.textio import csv_problem

LINE_KEY = "__line__"
MAX_DEPTH = 32


@dataclass
class RawRecord:
    section: str
    file: str
    line: int | None
    data: dict[str, Any]


class Refused(yaml.MarkedYAMLError):
    """Valid YAML that entity files do not accept (an alias, too deep)."""


class _EntityLoader(yaml.SafeLoader):
    """SafeLoader that records each mapping's line (1-based) under ``__line__``, refuses anchors,
    aliases and deep nesting, and collects keys given twice as problems."""

    def __init__(self, stream: str, file: str):
        super().__init__(stream)
        self.file = file
        self.problems: list[Problem] = []
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            what = "aliases (*name)" if isinstance(event, yaml.AliasEvent) else f"anchors (&{event.anchor})"
            raise Refused(
                problem=f"YAML {what} are not allowed in entity files (an alias can expand a small file "
                f"into gigabytes); write the values out",
                problem_mark=event.start_mark,
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise Refused(
                    problem=f"nested more than {MAX_DEPTH} levels deep; entity files need a few",
                    problem_mark=event.start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the base class reports it
                continue
            if first is None:
                seen[key] = line
            else:
                self.problems.append(
                    Problem(
                        self.file,
                        line,
                        str(key),
                        f"key given twice in one mapping (first at line {first}); YAML would keep only the last",
                    )
                )
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE_KEY] = node.start_mark.line + 1
        return mapping


_EntityLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _EntityLoader.construct_mapping)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and the ``.yaml``/``.yml``/``.csv`` files inside folders named (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in (".yaml", ".yml", ".csv")))
        else:
            out.append(p)
    return out


def read_files(paths: Iterable[Path]) -> tuple[list[RawRecord], list[Problem]]:
    """Parse files into raw records; unreadable files and unknown sections are problems."""
    records: list[RawRecord] = []
    problems: list[Problem] = []
    for path in paths:
        records.extend(_read_one(Path(path), problems))
    return records, problems


def _read_one(path: Path, problems: list[Problem]) -> list[RawRecord]:
    name = str(path)
    if not path.exists():
        problems.append(Problem(name, None, "file", "does not exist"))
        return []
    suffix = path.suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            return _read_yaml(path, problems)
        if suffix == ".csv":
            return _read_csv(path, problems)
        problems.append(Problem(name, None, "file", "not a .yaml, .yml or .csv file"))
    except UnicodeDecodeError as exc:
        problems.append(Problem(name, None, "file", f"not UTF-8 text ({exc.reason} at byte {exc.start})"))
    except Refused as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problems.append(Problem(name, line, "file", str(exc.problem)))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(
            Problem(name, mark.line + 1 if mark else None, "file", f"invalid YAML: {getattr(exc, 'problem', exc)}")
        )
    return []


def _read_yaml(path: Path, problems: list[Problem]) -> list[RawRecord]:
    loader = _EntityLoader(path.read_text(encoding="utf-8"), str(path))
    try:
        doc = loader.get_single_data()
    finally:
        loader.dispose()
    problems.extend(loader.problems)
    if doc is None:
        return []
    if not isinstance(doc, dict):
        problems.append(Problem(str(path), 1, "file", "the top level must be a mapping of sections"))
        return []
    out = []
    for section, items in doc.items():
        if section != LINE_KEY:
            out.extend(_section(path, section, items, problems))
    return out


def _section(path: Path, section: Any, items: Any, problems: list[Problem]) -> list[RawRecord]:
    if section not in SECTIONS:
        problems.append(Problem(str(path), None, str(section), f"unknown section (known: {', '.join(SECTIONS)})"))
        return []
    if not isinstance(items, list):
        problems.append(Problem(str(path), None, section, "a section must be a list of records"))
        return []
    out = []
    for item in items:
        if not isinstance(item, dict):
            problems.append(Problem(str(path), None, section, f"each record must be a mapping, got {item!r}"))
            continue
        line = item.pop(LINE_KEY, None)
        out.append(RawRecord(section, str(path), line, _strip_lines(item)))
    return out


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != LINE_KEY}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _read_csv(path: Path, problems: list[Problem]) -> list[RawRecord]:
    section = next((s for s in sorted(SECTIONS, key=len, reverse=True) if path.stem.endswith(s)), None)
    if section is None:
        problems.append(
            Problem(
                str(path),
                None,
                "file",
                f"cannot tell the section from the file name; name it like <anything>{'|'.join(SECTIONS)}.csv",
            )
        )
        return []
    out = []
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        try:
            for row in reader:
                data = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
                if None in row:
                    problems.append(Problem(str(path), reader.line_num, "row", "more cells than header columns"))
                out.append(RawRecord(section, str(path), reader.line_num, data))
        except csv.Error as exc:
            problems.append(csv_problem(str(path), reader.line_num + 1, exc))
    return out
