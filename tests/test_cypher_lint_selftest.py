"""The Cypher linter (Neo4j's parser + semantic analysis) can fail, and does
not fail on valid parameterised queries. One Node process lints all texts."""

from __future__ import annotations

import pytest

try:
    from cypher_lint import CypherLintUnavailable, ensure_linter, format_errors, lint_cypher
except ImportError:  # tests/ is a package
    from tests.cypher_lint import CypherLintUnavailable, ensure_linter, format_errors, lint_cypher

BROKEN = {
    "syntax_unclosed_node": "MATCH (n RETURN n",
    "syntax_dangling_operator": "MATCH (n) RETURN n.x +",
    "syntax_typo_keyword": "MATCH (n) RETRUN n",
    "semantic_undefined_variable": "RETURN x",
    "semantic_wrong_variable": "MATCH (n) RETURN m",
    "semantic_out_of_scope": "MATCH (n) WITH n.id AS id RETURN n",
    "semantic_duplicate_column": "MATCH (n) RETURN n.a AS c, n.b AS c",
    "semantic_aggregate_in_where": "MATCH (n) WHERE count(n) > 1 RETURN n",
    "two_statements": "MATCH (n) RETURN n; MATCH (m) RETURN m",
    "empty": "  \n",
}

VALID = {
    "param_lookup": "MATCH (r:Region {id: $region}) RETURN r.name",
    "unwind_merge": "UNWIND $rows AS row MERGE (r:Region {id: row.id}) SET r += row.props",
    "multiline_params": (
        "MATCH (a:Region)-[o:OVERLAPS]->(b:Region)\n"
        "WHERE o.weight >= $min_weight AND a.id IN $ids\n"
        "RETURN a.id AS a, b.id AS b, o.weight AS w\n"
        "ORDER BY w DESC LIMIT $limit"
    ),
    "optional_match_collect": (
        "MATCH (s:Sector {code: $sector})\n"
        "OPTIONAL MATCH (f:Firm)-[:IN_SECTOR]->(s)\n"
        "RETURN s.code AS sector, count(f) AS firms, collect(f.name)[..5] AS sample"
    ),
    "unwind_relationships": (
        "UNWIND $rows AS row\n"
        "MATCH (f:Firm {id: row.firm}), (r:Region {id: row.region})\n"
        "MERGE (f)-[l:LOCATED_IN]->(r)\n"
        "SET l.share = row.share"
    ),
    "constraint": "CREATE CONSTRAINT region_id IF NOT EXISTS FOR (r:Region) REQUIRE r.id IS UNIQUE",
    "index": "CREATE INDEX firm_name IF NOT EXISTS FOR (f:Firm) ON (f.name)",
    "apoc_and_gds_calls_not_checked_against_a_catalogue": (
        "CALL gds.graph.project('g', 'Region', 'OVERLAPS') YIELD graphName RETURN graphName"
    ),
    "subquery_scope": "MATCH (r:Region) CALL (r) { MATCH (r)<-[:LOCATED_IN]-(f) RETURN count(f) AS n } RETURN r.id, n",
    "trailing_semicolon": "MATCH (n:Region) DETACH DELETE n;",
    "comment": "// all regions\nMATCH (r:Region) RETURN r.id",
}


@pytest.fixture(scope="module")
def results() -> dict[str, list[dict]]:
    ensure_linter()  # skips (or fails with ROX_REQUIRE_TEST_TOOLS=1) without node_modules
    return lint_cypher({**BROKEN, **VALID}, cache=False)  # really run the linter


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_query_is_reported(results, name):
    diags = results[name]
    assert diags, f"linter accepted broken query {name!r}: {BROKEN[name]!r}"
    for d in diags:
        assert d["severity"] == "error"
        assert isinstance(d["message"], str) and d["message"]
        assert 0 <= d["offset"] <= len(BROKEN[name])
        assert d["line"] >= 1


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_query_is_clean(results, name):
    assert results[name] == [], format_errors({name: results[name]}, VALID)


def test_positions_point_at_the_culprit(results):
    (d,) = results["semantic_wrong_variable"]
    text = BROKEN["semantic_wrong_variable"]
    assert text[d["offset"] : d["end"]] == "m"
    assert (d["line"], d["column"]) == (1, text.index("m", 10) + 1)
    assert "not defined" in d["message"]

    (d,) = results["syntax_unclosed_node"]
    assert BROKEN["syntax_unclosed_node"][d["offset"] :].startswith("RETURN")


def test_multiline_position():
    text = "MATCH (n)\nWITH n\nRETURN m"
    (d,) = lint_cypher({"q": text})["q"]
    assert (d["line"], d["column"]) == (3, 8)
    assert text[d["offset"]] == "m"


def test_parameter_errors_are_filtered_but_nothing_else():
    # the undefined parameter is dropped, the undefined variable is not
    out = lint_cypher({"q": "MATCH (r:Region {id: $region}) RETURN q"})
    assert [d["message"] for d in out["q"]] == ["Variable `q` not defined"]


def test_empty_input_needs_no_node():
    assert lint_cypher({}) == {}


def test_missing_linter_gives_clear_message(monkeypatch, tmp_path):
    import importlib

    mod = importlib.import_module(lint_cypher.__module__)
    monkeypatch.setattr(mod, "PACKAGE_DIR", tmp_path / "nope")
    with pytest.raises(CypherLintUnavailable, match="npm ci --prefix tools/cypher-lint"):
        mod.ensure_linter(skip=False)
