"""``rox extract FILE... [--format yaml|json] [--out FILE] [--load]``: documents -> an entity file.

Reads each document (text, Markdown, HTML, DOCX, PDF), finds its regions, firms,
universities, agreements and facts against what the store knows (:meth:`rox.api.Rox.extract`)
and writes the entity file ``rox load`` accepts: on stdout, or to ``--out``. A summary goes
to stderr: what was found per document, per label, and the warnings. With ``--load`` the
file is loaded after the summary, through the normal validated load (all or nothing;
``rox loads undo`` takes it back). A file that cannot be read stops everything before the
store is opened, with one line naming it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rox import api
from rox.cli import command, extension, open_rox


@extension
def add_commands(sub: Any) -> None:
    s = sub.add_parser(
        "extract",
        help="find regions, firms, universities, agreements and facts in documents; write them as an entity file",
        description="Read documents (text, Markdown, HTML, DOCX, PDF with a text layer), find what they say "
        "about places, firms, universities, sectors, agreements and trade, each with its sentence, and write "
        "an entity file for `rox load` (only what the store lacks). See docs/extract.md.",
    )
    s.add_argument("files", nargs="+", metavar="FILE")
    s.add_argument("--format", choices=api.EXTRACT_FORMATS, default="yaml", help="entity file format (default yaml)")
    s.add_argument("--out", metavar="FILE", help="write the entity file here instead of stdout")
    s.add_argument("--load", action="store_true", help="then load it into the store (validated, all or nothing)")


@command("extract")
def _extract(args: argparse.Namespace) -> int:
    docs = [api.read_document(f) for f in args.files]  # a bad file fails here, before the store opens
    with open_rox(args) as rx:
        extractions = rx.extract(docs)
        text = api.extraction_file(extractions, args.format)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        elif not args.load:
            sys.stdout.write(text)
        _summary(extractions)
        if args.load:
            report = rx.load_extractions(extractions)
            nodes = ", ".join(f"{n} {label}" for label, n in report.nodes.items()) or "none"
            rels = ", ".join(f"{n} {rel}" for rel, n in report.relationships.items()) or "none"
            print(f"loaded (load {report.load_id}): merged nodes: {nodes}; relationships: {rels}")
    return 0


def _summary(extractions: list[Any]) -> None:
    for x in extractions:
        print(f"rox: {x.summary()}", file=sys.stderr)
        for warning in x.warnings:
            print(f"rox: warning: {x.document.name}: {warning}", file=sys.stderr)
