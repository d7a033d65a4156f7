// name: region-links
// description: The firms, universities and agreements attached to every region (for the whole-graph measures and explanations).
// params:
// mode: read
MATCH (r:Region)<-[l:HEADQUARTERED_IN|OPERATES_IN|LOCATED_IN]-(x)
RETURN r.id AS region, x.id AS node, labels(x)[0] AS label, x.name AS name, type(l) AS relation, l.source AS source
ORDER BY region, node, relation
UNION ALL
MATCH (r:Region)-[l:PARTY_TO]->(x:Agreement)
RETURN r.id AS region, x.id AS node, 'Agreement' AS label, x.name AS name, 'PARTY_TO' AS relation, l.source AS source
ORDER BY region, node, relation
