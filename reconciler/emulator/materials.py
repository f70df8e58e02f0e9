"""`POST /smart_plus/ad/material_status/update/`: turn single creatives of an ad on or off.

Reads and writes the store. Body (D:1843317433577601; Y:smart_plus_ad_material_status_update):
`advertiser_id`, `smart_plus_ad_id`, `ad_material_ids` (1-20, the creative-level ids of
`/smart_plus/ad/get/`), `operation_status` ENABLE | DISABLE. Carousel and non-carousel creatives
cannot be mixed in one request. The answer has the documented example's shape
`{smart_plus_ad_id, ad_material_ids, operation_status}` (the reference: "an emulator should return
the example shape"). A change of creative status does not send the ad back to review (NOT FOUND;
nothing about the ad's content changes).
"""

from __future__ import annotations

from typing import Any

from . import schema
from .smart_plus import authorize
from .store import Store
from .wire import JSON, Query, param_error

MAX_IDS = 20


def material_status_update(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=True)
    adv_id = str(advertiser["advertiser_id"])
    for key in raw:
        if key not in ("advertiser_id", "smart_plus_ad_id", "ad_material_ids", "operation_status"):
            raise param_error(key, "Unknown field.")
    for key in ("smart_plus_ad_id", "ad_material_ids", "operation_status"):
        if raw.get(key) is None:
            raise param_error(key, schema.REQUIRED)
    ad_id = raw["smart_plus_ad_id"]
    if not schema.is_id(ad_id):
        raise param_error("smart_plus_ad_id", "Not a valid ID. IDs are strings of a 64-bit integer.")
    status = raw["operation_status"]
    if status not in ("ENABLE", "DISABLE"):
        raise param_error("operation_status", "Must be one of: DISABLE, ENABLE.")
    ids = raw["ad_material_ids"]
    if not isinstance(ids, list):
        raise param_error("ad_material_ids", "Field must be set to array")
    if not 1 <= len(ids) <= MAX_IDS:
        raise param_error("ad_material_ids", f"Must contain between 1 and {MAX_IDS} items.")
    row = store.get("ad", str(ad_id))
    if row is None or row.advertiser_id != adv_id or row.deleted:
        # Deleted ads, and ads under a deleted ad group or campaign, cannot be changed.
        raise param_error("smart_plus_ad_id", f"Ad does not exist. smart_plus_ad_id {ad_id}.")
    creatives = {str(c.get("ad_material_id")): c for c in row.data.get("creative_list") or []}
    kinds: set[bool] = set()
    wanted: list[str] = []
    for i, material_id in enumerate(ids):
        if not schema.is_id(material_id):
            raise param_error(f"ad_material_ids[{i}]", "Not a valid ID. IDs are strings of a 64-bit integer.")
        creative = creatives.get(str(material_id))
        if creative is None:
            raise param_error(
                f"ad_material_ids[{i}]", f"Material {material_id} is not a creative of ad {row.id}."
            )
        kinds.add((creative.get("creative_info") or {}).get("ad_format") == "CAROUSEL_ADS")
        if len(kinds) > 1:
            raise param_error(
                "ad_material_ids", "Carousel and non-carousel creatives cannot be mixed in one request."
            )
        wanted.append(str(material_id))
    now = store.now_str()
    with store.transaction():
        for material_id in wanted:
            creatives[material_id]["material_operation_status"] = status
        row.data["modify_time"] = now
        row.modify_time = now
        store.save(row)
    return {
        "smart_plus_ad_id": row.id,
        "ad_material_ids": list(dict.fromkeys(wanted)),
        "operation_status": status,
    }


ROUTES = {("POST", "smart_plus/ad/material_status/update/"): material_status_update}
