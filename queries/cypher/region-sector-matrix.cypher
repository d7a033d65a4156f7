// name: region-sector-matrix
// description: The region x sector facts the matching engine reads: one row per HAS_SECTOR relationship, with its value, unit, kind, year, source and dataset and the sector's scheme and code.
// params:
// mode: read
MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector)
RETURN r.id AS region, s.id AS sector, h.value AS value, h.unit AS unit, h.kind AS kind, h.year AS year, h.source AS source, h.dataset AS dataset, s.scheme AS scheme, s.code AS code
ORDER BY region, sector, year
