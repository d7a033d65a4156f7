// name: region-hierarchy
// description: The chain of regions containing a region (up, with depth > 0) and the regions inside it (down, depth < 0).
// params: region (region id)
// mode: read
MATCH p = (r:Region {id: $region})-[:PART_OF*1..8]->(up:Region)
RETURN up.id AS id, up.name AS name, up.kind AS kind, length(p) AS depth
ORDER BY depth, id
UNION ALL
MATCH p = (r:Region {id: $region})<-[:PART_OF*1..8]-(down:Region)
RETURN down.id AS id, down.name AS name, down.kind AS kind, -length(p) AS depth
ORDER BY depth DESC, id
