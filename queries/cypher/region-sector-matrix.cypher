// name: region-sector-matrix
// description: The region x sector facts the matching engine reads: one row per HAS_SECTOR relationship, with the region's country, kind and population for filters.
// params:
// mode: read
MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector)
RETURN r.id AS region, s.id AS sector, h.value AS value, h.unit AS unit, h.kind AS kind, h.year AS year, h.source AS source, s.scheme AS scheme
ORDER BY region, sector, year
