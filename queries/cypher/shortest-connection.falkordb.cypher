// name: shortest-connection
// description: The shortest chain of relationships joining two nodes (any direction), as node ids, their labels and the relationship types between them.
// params: a (node id), b (node id)
// mode: read
// FalkorDB variant: FalkorDB's shortestPath() is directed only, so this uses its
// algo.SPpaths procedure with relDirection 'both' (same answer as Neo4j's
// undirected shortestPath).
MATCH (x {id: $a}), (y {id: $b})
WHERE x <> y
CALL algo.SPpaths({sourceNode: x, targetNode: y, pathCount: 1, maxLen: 8, relDirection: 'both'}) YIELD path
RETURN [n IN nodes(path) | n.id] AS nodes, [n IN nodes(path) | labels(n)[0]] AS labels, [r IN relationships(path) | type(r)] AS relations, length(path) AS hops
