// name: neighbourhood
// description: A node's direct neighbours, for the graph explorer: one row per relationship, capped at limit.
// params: node (any node id), limit (maximum rows)
// mode: read
MATCH (n {id: $node})-[r]-(m)
RETURN n.id AS start, labels(n)[0] AS start_label, type(r) AS relation, m.id AS target, labels(m)[0] AS target_label, m.name AS target_name, startNode(r) = n AS outgoing
ORDER BY relation, target
LIMIT $limit
