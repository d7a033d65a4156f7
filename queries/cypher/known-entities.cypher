// name: known-entities
// description: What the store knows, for `rox extract` to resolve names to existing ids: regions (names, aliases, kind, country, codes, parents, quoted sector and trade facts), firms, universities and agreements (names, aliases, kind, properties and links: places, sectors, parties) and sources (kind, file, sha256).
// params:
// mode: read
MATCH (r:Region)
OPTIONAL MATCH (r)-[:PART_OF]->(p:Region)
WITH r, collect(DISTINCT p.id) AS parents
OPTIONAL MATCH (r)-[h:HAS_SECTOR]->(s:Sector)
WHERE h.evidence IS NOT NULL
WITH r, parents, collect({rel: 'HAS_SECTOR', id: s.id, source: h.source}) AS sectors
OPTIONAL MATCH (r)-[t:TRADES_WITH]->(o:Region)
WHERE t.evidence IS NOT NULL
WITH r, parents, sectors, collect({rel: 'TRADES_WITH', id: o.id, source: t.source, value: t.value, currency: t.currency, unit: t.unit}) AS trades
RETURN 'Region' AS label, r.id AS id, r.name AS name, r.aliases AS aliases, r.kind AS kind, r.country AS country, r.codes AS codes, parents, r.source AS source, null AS evidence, null AS domain, null AS date, null AS file, null AS sha256, sectors + trades AS links
UNION ALL
MATCH (f:Firm)
OPTIONAL MATCH (f)-[l:OPERATES_IN|HEADQUARTERED_IN|IN_SECTOR]->(x)
RETURN 'Firm' AS label, f.id AS id, f.name AS name, f.aliases AS aliases, null AS kind, f.country AS country, null AS codes, [] AS parents, f.source AS source, f.evidence AS evidence, null AS domain, null AS date, null AS file, null AS sha256, collect({rel: type(l), id: x.id, source: l.source, evidence: l.evidence}) AS links
UNION ALL
MATCH (u:University)
OPTIONAL MATCH (u)-[l:LOCATED_IN|RESEARCHES]->(x)
RETURN 'University' AS label, u.id AS id, u.name AS name, u.aliases AS aliases, null AS kind, u.country AS country, null AS codes, [] AS parents, u.source AS source, u.evidence AS evidence, u.domain AS domain, null AS date, null AS file, null AS sha256, collect({rel: type(l), id: x.id, source: l.source, evidence: l.evidence}) AS links
UNION ALL
MATCH (a:Agreement)
OPTIONAL MATCH (p:Region)-[l:PARTY_TO]->(a)
WITH a, collect({rel: 'PARTY_TO', id: p.id, source: l.source, evidence: l.evidence}) AS parties
OPTIONAL MATCH (a)-[c:COVERS]->(s:Sector)
WITH a, parties, collect({rel: 'COVERS', id: s.id, source: c.source, evidence: c.evidence}) AS sectors
RETURN 'Agreement' AS label, a.id AS id, a.name AS name, null AS aliases, a.kind AS kind, null AS country, null AS codes, [] AS parents, a.source AS source, a.evidence AS evidence, null AS domain, a.date AS date, null AS file, null AS sha256, parties + sectors AS links
UNION ALL
MATCH (d:Source)
RETURN 'Source' AS label, d.id AS id, d.title AS name, null AS aliases, d.kind AS kind, null AS country, null AS codes, [] AS parents, null AS source, null AS evidence, null AS domain, d.date AS date, d.file AS file, d.sha256 AS sha256, [] AS links
