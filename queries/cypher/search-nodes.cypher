// name: search-nodes
// description: Nodes whose id or name contains the text (case-insensitive), for pickers and the explorer search box.
// params: text (search text), limit (maximum rows)
// mode: read
MATCH (n)
WHERE toLower(n.name) CONTAINS toLower($text) OR toLower(n.id) CONTAINS toLower($text)
RETURN n.id AS id, n.name AS name, labels(n)[0] AS label, n.kind AS kind, n.country AS country
ORDER BY label, name, id
LIMIT $limit
