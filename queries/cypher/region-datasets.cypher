// name: region-datasets
// description: The named datasets a region has facts in (HAS_SECTOR.dataset; null for facts from documents), with how many facts each.
// params: region (region id)
// mode: read
MATCH (r:Region {id: $region})-[h:HAS_SECTOR]->(:Sector)
RETURN h.dataset AS dataset, count(*) AS facts
ORDER BY dataset
