// name: stats
// description: Node counts by label and relationship counts by type (not rox's bookkeeping node RoxGeneration).
// params:
// mode: read
MATCH (n)
WHERE NOT n:RoxGeneration
RETURN 'node' AS kind, labels(n)[0] AS name, count(n) AS count
ORDER BY name
UNION ALL
MATCH ()-[r]->()
RETURN 'relationship' AS kind, type(r) AS name, count(r) AS count
ORDER BY name
