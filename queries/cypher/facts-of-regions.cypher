// name: facts-of-regions
// description: The HAS_SECTOR facts of the given regions, grouped by region, source, dataset, kind, unit and year, with the sectors and their values in two parallel lists (a missing value as '', since collect() skips nulls), for the matrix snapshot (rox.queries.snapshot) to read the store in pages.
// params: ids (list of region ids)
// mode: read
UNWIND $ids AS rid
MATCH (r:Region {id: rid})-[h:HAS_SECTOR]->(s:Sector)
RETURN r.id AS region, h.source AS source, h.dataset AS dataset, h.kind AS kind, h.unit AS unit, h.year AS year, collect(s.id) AS sectors, collect(coalesce(h.value, '')) AS vals
