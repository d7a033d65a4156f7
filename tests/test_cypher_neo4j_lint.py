"""Every Cypher text rox sends passes Neo4j's own parser and semantic analysis
(CYPHER 5, as in Neo4j 5.26), linted in one Node process."""

from __future__ import annotations

import sys
from pathlib import Path

try:
    from cypher_lint import ensure_linter, format_errors, lint_cypher
except ImportError:  # tests/ is a package
    from tests.cypher_lint import ensure_linter, format_errors, lint_cypher

ROOT = Path(__file__).resolve().parent.parent


def test_all_rox_cypher_passes_neo4j_linter():
    ensure_linter()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from rox.queries.registry import all_cypher_texts

    texts = all_cypher_texts()
    assert texts, "all_cypher_texts() returned nothing to lint"
    errors = {name: diags for name, diags in lint_cypher(texts).items() if diags}
    assert not errors, f"{len(errors)} of {len(texts)} Cypher texts fail Neo4j's linter:\n" + format_errors(
        errors, texts
    )
