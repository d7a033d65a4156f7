// name: bridges-many
// description: The bridges (see the query bridges) between one region and each of several others, in one read: the same rows and columns as bridges for every region b in bs, with that region's id in the first column b. Rows come ordered by b, then as bridges orders them. The matching engine reads the bridges of all shown partners (and, for blend, of all candidates) with it.
// params: a (region id), bs (list of region ids)
// mode: read
MATCH (a:Region {id: $a})
MATCH (f:Firm)-[la:HEADQUARTERED_IN|OPERATES_IN]->(pa:Region)
WHERE pa = a OR (pa)-[:PART_OF*1..6]->(a) OR (a)-[:PART_OF*1..6]->(pa)
UNWIND $bs AS bid
MATCH (b:Region {id: bid})
WHERE a <> b
MATCH (f)-[lb:HEADQUARTERED_IN|OPERATES_IN]->(pb:Region)
WHERE pa <> pb AND (pb = b OR (pb)-[:PART_OF*1..6]->(b) OR (b)-[:PART_OF*1..6]->(pb))
  AND (pa = a OR (pa)-[:PART_OF*1..6]->(a) OR pb = b OR (pb)-[:PART_OF*1..6]->(b))
RETURN b.id AS b, 'firm' AS kind, f.id AS id, f.name AS name, pa.id AS a_place, pb.id AS b_place, null AS sector, type(la) + '/' + type(lb) AS relation, null AS value, null AS unit, null AS year, la.source AS source, la.evidence AS evidence
ORDER BY b, kind, id, a_place, b_place
UNION ALL
MATCH (a:Region {id: $a})
UNWIND $bs AS bid
MATCH (b:Region {id: bid})
WHERE a <> b
MATCH (a)<-[:PART_OF*0..6]-(pa:Region)<-[la:LOCATED_IN]-(u:University)-[:RESEARCHES]->(s:Sector)<-[:HAS_SECTOR]-(b)
RETURN DISTINCT b.id AS b, 'university' AS kind, u.id AS id, u.name AS name, pa.id AS a_place, b.id AS b_place, s.id AS sector, 'LOCATED_IN/RESEARCHES' AS relation, null AS value, null AS unit, null AS year, la.source AS source, la.evidence AS evidence
ORDER BY b, kind, id, a_place, b_place, sector
UNION ALL
MATCH (a:Region {id: $a})-[:HAS_SECTOR]->(s:Sector)<-[:RESEARCHES]-(u:University)-[lb:LOCATED_IN]->(pb:Region)
WITH DISTINCT a, s, u, lb, pb
MATCH (pb)-[:PART_OF*0..6]->(b:Region)
WHERE b.id IN $bs AND a <> b
RETURN DISTINCT b.id AS b, 'university' AS kind, u.id AS id, u.name AS name, a.id AS a_place, pb.id AS b_place, s.id AS sector, 'RESEARCHES/LOCATED_IN' AS relation, null AS value, null AS unit, null AS year, lb.source AS source, lb.evidence AS evidence
ORDER BY b, kind, id, a_place, b_place, sector
UNION ALL
MATCH (a:Region {id: $a})
MATCH (pa:Region)-[:PARTY_TO]->(g:Agreement)<-[:PARTY_TO]-(pb:Region)
WHERE pa <> pb AND (pa = a OR (pa)-[:PART_OF*1..6]->(a) OR (a)-[:PART_OF*1..6]->(pa))
UNWIND $bs AS bid
MATCH (b:Region {id: bid})
WHERE a <> b AND (pb = b OR (pb)-[:PART_OF*1..6]->(b) OR (b)-[:PART_OF*1..6]->(pb))
RETURN DISTINCT b.id AS b, 'agreement' AS kind, g.id AS id, g.name AS name, pa.id AS a_place, pb.id AS b_place, null AS sector, g.kind AS relation, null AS value, null AS unit, g.date AS year, g.source AS source, g.evidence AS evidence
ORDER BY b, kind, id, a_place, b_place
UNION ALL
MATCH (a:Region {id: $a})
UNWIND $bs AS bid
MATCH (b:Region {id: bid})
WHERE a <> b
MATCH (a)-[:PART_OF*0..6]->(pa:Region)-[t:TRADES_WITH]-(pb:Region)<-[:PART_OF*0..6]-(b)
RETURN DISTINCT b.id AS b, 'trade' AS kind, t.key AS id, t.flow AS name, startNode(t).id AS a_place, endNode(t).id AS b_place, t.sector AS sector, t.direction AS relation, t.value AS value, coalesce(t.currency, t.unit) AS unit, t.year AS year, t.source AS source, t.evidence AS evidence
ORDER BY b, kind, id, a_place, b_place
