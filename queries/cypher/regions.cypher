// name: regions
// description: Every region with its kind, country, parent, population and coordinates.
// params:
// mode: read
MATCH (r:Region)
OPTIONAL MATCH (r)-[:PART_OF]->(p:Region)
RETURN r.id AS id, r.name AS name, r.kind AS kind, r.country AS country, p.id AS part_of, r.population AS population, r.lat AS lat, r.lon AS lon, r.aliases AS aliases
ORDER BY id
