// name: region-profile
// description: Everything rox knows about one region: its sectors (with value, unit, year), firms, universities, agreements and trade figures, each with its source and evidence.
// params: region (region id)
// mode: read
MATCH (r:Region {id: $region})-[h:HAS_SECTOR]->(s:Sector)
RETURN 'sector' AS kind, s.id AS id, s.name AS name, 'HAS_SECTOR' AS relation, h.value AS value, h.unit AS unit, h.year AS year, h.source AS source, h.evidence AS evidence
ORDER BY kind, id, year, source
UNION ALL
MATCH (r:Region {id: $region})<-[l:HEADQUARTERED_IN|OPERATES_IN]-(f:Firm)
RETURN 'firm' AS kind, f.id AS id, f.name AS name, type(l) AS relation, null AS value, null AS unit, null AS year, l.source AS source, l.evidence AS evidence
ORDER BY kind, id, relation
UNION ALL
MATCH (r:Region {id: $region})<-[l:LOCATED_IN]-(u:University)
RETURN 'university' AS kind, u.id AS id, u.name AS name, 'LOCATED_IN' AS relation, null AS value, null AS unit, null AS year, l.source AS source, l.evidence AS evidence
ORDER BY kind, id
UNION ALL
MATCH (r:Region {id: $region})-[l:PARTY_TO]->(g:Agreement)
RETURN 'agreement' AS kind, g.id AS id, g.name AS name, 'PARTY_TO' AS relation, null AS value, null AS unit, g.date AS year, l.source AS source, l.evidence AS evidence
ORDER BY kind, id
UNION ALL
MATCH (r:Region {id: $region})-[t:TRADES_WITH]-(o:Region)
RETURN 'trade' AS kind, o.id AS id, o.name AS name, t.direction AS relation, t.value AS value, t.currency AS unit, t.year AS year, t.source AS source, t.evidence AS evidence
ORDER BY kind, id, year
