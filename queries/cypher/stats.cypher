// name: stats
// description: Node counts by label and relationship counts by type.
// params:
// mode: read
MATCH (n)
RETURN 'node' AS kind, labels(n)[0] AS name, count(n) AS count
ORDER BY name
UNION ALL
MATCH ()-[r]->()
RETURN 'relationship' AS kind, type(r) AS name, count(r) AS count
ORDER BY name
