// name: regions-in-sector
// description: Regions that hold a sector or any of its sub-sectors, strongest value first.
// params: sector (sector id)
// mode: read
MATCH (s:Sector {id: $sector})<-[:SUBSECTOR_OF*0..6]-(sub:Sector)<-[h:HAS_SECTOR]-(r:Region)
RETURN r.id AS id, r.name AS name, r.kind AS kind, r.country AS country, max(h.value) AS value, collect(DISTINCT sub.id) AS via
ORDER BY value DESC, id
