"""Per-API mappings: wire parameters to a Query, a Page to wire JSON, and how records are made.

The two APIs differ only in data: the generic handler, store and loader work from these tables.
"""

from __future__ import annotations

from mockserver.apis import events, interventions
from mockserver.apis.table import ApiMapping
from mockserver.core.openapi import ApiId

__all__ = ["ApiMapping", "mapping"]

_MAPPINGS: dict[ApiId, ApiMapping] = {"interventions": interventions.MAPPING, "events": events.MAPPING}


def mapping(api: ApiId) -> ApiMapping:
    return _MAPPINGS[api]
