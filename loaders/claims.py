"""Regions in the store that claim a table's codes, so a table meets the regions of entity files.

A place (``TLG3``, codes ``TLG3``/``UKG3``) is *attached* to the one existing region
other than itself whose ``codes`` hold its id or one of its codes: ``GB-ENG-west-midlands``
with ``codes: [TLG3, UKG3]``. Its facts go there and nothing new is written for it.

Order matters: if the store already has a region with the place's own id (``TLG3``, made
by a table loaded *before* the entity file that claims the code), the load keeps writing
to it, so a reload changes nothing and no fact is counted twice, and warns that the two
are one area. Loading entity files first, then tables, gives one region.

>>> from rox.loaders.gazetteer import Place
>>> c = Claims([{"id": "GB-ENG-west-midlands", "codes": ["TLG3", "UKG3"]}])
>>> c.attach(Place("TLG3", "West Midlands", "statistical-region", codes=("TLG3", "UKG3")))
'GB-ENG-west-midlands'
"""

from __future__ import annotations

from typing import Any

from rox.loaders.gazetteer import Place, code_key

#: Regions already in the store that carry ``codes`` (one read per load, before validation).
REGION_CODES = "MATCH (r:Region) WHERE r.codes IS NOT NULL RETURN r.id AS id, r.codes AS codes"


class Claims:
    """Existing regions by the codes they claim; :meth:`attach` says where a place's facts go."""

    def __init__(self, rows: list[dict[str, Any]] | None = None, warnings: list[str] | None = None):
        self.by_code: dict[str, set[str]] = {}
        self.ids: set[str] = set()
        for row in rows or ():
            codes = row.get("codes") or []
            if isinstance(codes, str):
                codes = [codes]
            self.ids.add(row["id"])
            for c in codes:
                self.by_code.setdefault(code_key(c), set()).add(row["id"])
        self.warnings = warnings if warnings is not None else []
        self.attached: dict[str, str] = {}  # place id -> existing region id (only those that differ)
        self._seen: dict[str, str] = {}

    @classmethod
    def read(cls, store: Any, warnings: list[str] | None = None) -> Claims:
        return cls(store.run(REGION_CODES, {}), warnings)

    def attach(self, place: Place) -> str:
        """The id to write ``place`` as: an existing region claiming its codes, else its own."""
        hit = self._seen.get(place.id)
        if hit is not None:
            return hit
        hit = place.id
        keys = place.keys()  # its id and codes, compared as code_key does
        found = sorted({rid for k in keys for rid in self.by_code.get(k, ()) if rid != place.id})
        if found and place.id in self.ids:
            # made by a table loaded before an entity file claimed the code: keep writing to it (a reload
            # changes nothing, no fact is counted twice) and say how to have one region
            self.warnings.append(
                f"{place.id} and {', '.join(found)} are the same area ({', '.join(found)} has the code "
                f"{place.id}) but two regions in the store: {place.id} was made by a table loaded before the "
                f"entity file. Its facts stay on {place.id}. For one region, load entity files first, then "
                f"tables (see docs/load-table.md)"
            )
        elif len(found) == 1:
            hit = found[0]
            self.attached[place.id] = hit
        elif len(found) > 1:
            self.warnings.append(
                f"{place.id}: several regions in the store claim its codes ({', '.join(found)}); "
                f"kept as {place.id}. Give the code to one region only"
            )
        self._seen[place.id] = hit
        return hit
