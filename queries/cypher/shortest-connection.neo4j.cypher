// name: shortest-connection
// description: The shortest chain of relationships joining two nodes (any direction), as alternating node ids and relationship types.
// params: a (node id), b (node id)
// mode: read
MATCH (x {id: $a}), (y {id: $b})
MATCH p = shortestPath((x)-[*..8]-(y))
WHERE x <> y
RETURN [n IN nodes(p) | n.id] AS nodes, [n IN nodes(p) | labels(n)[0]] AS labels, [r IN relationships(p) | type(r)] AS relations, length(p) AS hops
