// name: sources
// description: Every source with its kind, publisher, date and address.
// params:
// mode: read
MATCH (s:Source)
RETURN s.id AS id, s.title AS title, s.kind AS kind, s.publisher AS publisher, s.date AS date, s.url AS url
ORDER BY id
