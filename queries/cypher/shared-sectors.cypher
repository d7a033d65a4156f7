// name: shared-sectors
// description: Sectors both regions hold (HAS_SECTOR on both sides), with both sides' strongest recorded value and their sources.
// params: a (region id), b (region id)
// mode: read
MATCH (a:Region {id: $a})-[ha:HAS_SECTOR]->(s:Sector)<-[hb:HAS_SECTOR]-(b:Region {id: $b})
WHERE a <> b
RETURN s.id AS id, s.name AS name, max(ha.value) AS a_value, max(hb.value) AS b_value, collect(DISTINCT ha.source) AS a_sources, collect(DISTINCT hb.source) AS b_sources
ORDER BY id
