// name: sectors
// description: Every sector with its name, scheme (rox taxonomy, sic2007, sitc2, ...), code and parent sector.
// params:
// mode: read
MATCH (s:Sector)
OPTIONAL MATCH (s)-[:SUBSECTOR_OF]->(p:Sector)
RETURN s.id AS id, s.name AS name, s.scheme AS scheme, s.code AS code, p.id AS parent
ORDER BY id
