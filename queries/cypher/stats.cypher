// name: stats
// description: Node counts by label and relationship counts by type, for every label and type of the model (rox.graph.model; tests/test_named_queries.py checks the list), ordered by kind and name; those with none are left out. One count per label or type lets the engine use its counts instead of scanning every node and relationship (FalkorDB: 0.06 s instead of 0.29 s on the demo store). rox's bookkeeping node RoxGeneration is not in the model, so not counted.
// params:
// mode: read
MATCH (n:Agreement)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Agreement' AS name, c AS count
UNION ALL
MATCH (n:Dataset)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Dataset' AS name, c AS count
UNION ALL
MATCH (n:Firm)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Firm' AS name, c AS count
UNION ALL
MATCH (n:Region)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Region' AS name, c AS count
UNION ALL
MATCH (n:Sector)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Sector' AS name, c AS count
UNION ALL
MATCH (n:Source)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'Source' AS name, c AS count
UNION ALL
MATCH (n:University)
WITH count(n) AS c
WHERE c > 0
RETURN 'node' AS kind, 'University' AS name, c AS count
UNION ALL
MATCH ()-[r:COVERS]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'COVERS' AS name, c AS count
UNION ALL
MATCH ()-[r:HAS_SECTOR]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'HAS_SECTOR' AS name, c AS count
UNION ALL
MATCH ()-[r:HEADQUARTERED_IN]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'HEADQUARTERED_IN' AS name, c AS count
UNION ALL
MATCH ()-[r:IN_DATASET]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'IN_DATASET' AS name, c AS count
UNION ALL
MATCH ()-[r:IN_SECTOR]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'IN_SECTOR' AS name, c AS count
UNION ALL
MATCH ()-[r:LOCATED_IN]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'LOCATED_IN' AS name, c AS count
UNION ALL
MATCH ()-[r:OPERATES_IN]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'OPERATES_IN' AS name, c AS count
UNION ALL
MATCH ()-[r:PARTY_TO]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'PARTY_TO' AS name, c AS count
UNION ALL
MATCH ()-[r:PART_OF]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'PART_OF' AS name, c AS count
UNION ALL
MATCH ()-[r:RESEARCHES]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'RESEARCHES' AS name, c AS count
UNION ALL
MATCH ()-[r:SIMILAR_TO]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'SIMILAR_TO' AS name, c AS count
UNION ALL
MATCH ()-[r:SOURCED_FROM]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'SOURCED_FROM' AS name, c AS count
UNION ALL
MATCH ()-[r:SUBSECTOR_OF]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'SUBSECTOR_OF' AS name, c AS count
UNION ALL
MATCH ()-[r:TRADES_WITH]->()
WITH count(r) AS c
WHERE c > 0
RETURN 'relationship' AS kind, 'TRADES_WITH' AS name, c AS count
