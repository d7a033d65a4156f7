// name: datasets
// description: Every dataset (rox load-table --dataset) with its kind, unit, classification, years, region levels, coverage and files.
// params:
// mode: read
MATCH (d:Dataset)
OPTIONAL MATCH (s:Source)-[:IN_DATASET]->(d)
WITH d, s
ORDER BY s.id
WITH d, collect(s.id) AS sources
RETURN d.id AS id, d.title AS title, d.kind AS kind, d.unit AS unit, d.scheme AS scheme, d.years AS years, d.region_levels AS region_levels, d.region_count AS region_count, d.code_count AS code_count, d.facts AS facts, size(sources) AS files, sources, d.codes AS codes, d.regions AS regions
ORDER BY id
