// name: bridges
// description: Firms, universities, agreements and trade figures that link two regions (for trade rows a_place/b_place are the flow's from/to). A university links them through research: it lies in one region (or a place inside it) and researches a sector the other region holds (named in the sector column). A firm links them when it is present (head office or operations) in each region, in a place inside it, or in a place containing it, as long as one side is local (the region or inside it); an agreement links them when its parties are the regions, places inside them or places containing them. Each row says where.
// params: a (region id), b (region id)
// mode: read
MATCH (a:Region {id: $a}), (b:Region {id: $b})
WHERE a <> b
MATCH (f:Firm)-[la:HEADQUARTERED_IN|OPERATES_IN]->(pa:Region)
WHERE pa = a OR (pa)-[:PART_OF*1..6]->(a) OR (a)-[:PART_OF*1..6]->(pa)
MATCH (f)-[lb:HEADQUARTERED_IN|OPERATES_IN]->(pb:Region)
WHERE pa <> pb AND (pb = b OR (pb)-[:PART_OF*1..6]->(b) OR (b)-[:PART_OF*1..6]->(pb))
  AND (pa = a OR (pa)-[:PART_OF*1..6]->(a) OR pb = b OR (pb)-[:PART_OF*1..6]->(b))
RETURN 'firm' AS kind, f.id AS id, f.name AS name, pa.id AS a_place, pb.id AS b_place, null AS sector, type(la) + '/' + type(lb) AS relation, null AS value, null AS unit, null AS year, la.source AS source, la.evidence AS evidence
ORDER BY kind, id, a_place, b_place
UNION ALL
MATCH (a:Region {id: $a}), (b:Region {id: $b})
WHERE a <> b
MATCH (a)<-[:PART_OF*0..6]-(pa:Region)<-[la:LOCATED_IN]-(u:University)-[:RESEARCHES]->(s:Sector)<-[:HAS_SECTOR]-(b)
RETURN DISTINCT 'university' AS kind, u.id AS id, u.name AS name, pa.id AS a_place, b.id AS b_place, s.id AS sector, 'LOCATED_IN/RESEARCHES' AS relation, null AS value, null AS unit, null AS year, la.source AS source, la.evidence AS evidence
ORDER BY kind, id, a_place, b_place, sector
UNION ALL
MATCH (a:Region {id: $a}), (b:Region {id: $b})
WHERE a <> b
MATCH (b)<-[:PART_OF*0..6]-(pb:Region)<-[lb:LOCATED_IN]-(u:University)-[:RESEARCHES]->(s:Sector)<-[:HAS_SECTOR]-(a)
RETURN DISTINCT 'university' AS kind, u.id AS id, u.name AS name, a.id AS a_place, pb.id AS b_place, s.id AS sector, 'RESEARCHES/LOCATED_IN' AS relation, null AS value, null AS unit, null AS year, lb.source AS source, lb.evidence AS evidence
ORDER BY kind, id, a_place, b_place, sector
UNION ALL
MATCH (a:Region {id: $a}), (b:Region {id: $b})
WHERE a <> b
MATCH (pa:Region)-[:PARTY_TO]->(g:Agreement)<-[:PARTY_TO]-(pb:Region)
WHERE pa <> pb
  AND (pa = a OR (pa)-[:PART_OF*1..6]->(a) OR (a)-[:PART_OF*1..6]->(pa))
  AND (pb = b OR (pb)-[:PART_OF*1..6]->(b) OR (b)-[:PART_OF*1..6]->(pb))
RETURN DISTINCT 'agreement' AS kind, g.id AS id, g.name AS name, pa.id AS a_place, pb.id AS b_place, null AS sector, g.kind AS relation, null AS value, null AS unit, g.date AS year, g.source AS source, g.evidence AS evidence
ORDER BY kind, id, a_place, b_place
UNION ALL
MATCH (a:Region {id: $a}), (b:Region {id: $b})
WHERE a <> b
MATCH (a)-[:PART_OF*0..6]->(pa:Region)-[t:TRADES_WITH]-(pb:Region)<-[:PART_OF*0..6]-(b)
RETURN DISTINCT 'trade' AS kind, t.key AS id, t.flow AS name, startNode(t).id AS a_place, endNode(t).id AS b_place, t.sector AS sector, t.direction AS relation, t.value AS value, coalesce(t.currency, t.unit) AS unit, t.year AS year, t.source AS source, t.evidence AS evidence
ORDER BY kind, id, a_place, b_place
