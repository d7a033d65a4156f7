// name: dataset-facts
// description: The facts of the given named datasets (HAS_SECTOR.dataset) the cross-dataset matching reads: region, sector with its scheme and code, value and year.
// params: datasets (list of dataset ids)
// mode: read
MATCH (r:Region)-[h:HAS_SECTOR]->(s:Sector)
WHERE h.dataset IN $datasets AND h.value IS NOT NULL
RETURN h.dataset AS dataset, h.year AS year, r.id AS region, s.id AS sector, s.scheme AS scheme, s.code AS code, h.value AS value
ORDER BY dataset, year, region, sector
