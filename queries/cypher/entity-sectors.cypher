// name: entity-sectors
// description: Sector links of firms, universities and agreements (for the whole-graph measures).
// params:
// mode: read
MATCH (x)-[l:IN_SECTOR|RESEARCHES|COVERS]->(s:Sector)
RETURN x.id AS node, labels(x)[0] AS label, s.id AS sector, type(l) AS relation
ORDER BY node, sector
