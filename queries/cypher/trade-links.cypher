// name: trade-links
// description: Every trade figure between two regions, with its source.
// params:
// mode: read
MATCH (a:Region)-[t:TRADES_WITH]->(b:Region)
RETURN a.id AS from, b.id AS to, t.value AS value, t.currency AS currency, t.year AS year, t.direction AS direction, t.source AS source, t.evidence AS evidence
ORDER BY from, to, year
