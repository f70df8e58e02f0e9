"""Handlers of the Manual Campaign Management API: `/campaign/*`, `/adgroup/*`, `/ad/*` (no `smart_plus/`).

Reads and writes the store. Manual objects live beside the Smart+ ones under their own kinds
(`manual_campaign`, `manual_adgroup`, `manual_ad`), so `/smart_plus/*/get/` never lists them. Their rows
are shaped like TikTok's recorded manual rows (reference/fixtures/nango-integration-templates_*): many
keys and explicit nulls (manual endpoints do not drop nulls, unlike `smart_plus/*`). The manual get
endpoints also list what TikTok lists there: upgraded Smart+ campaigns (`UPGRADED_SMART_PLUS`), legacy
Smart+ campaigns (`SMART_PLUS`, `is_smart_performance_campaign: true`), upgraded ad groups, and upgraded
ads as one row per creative (`UPGRADED_SMART_PLUS_CREATIVE`).

Creation follows TikTok's calendar by the emulator's clock: `/campaign/create/` is refused from
2026-12-31 (D:1853452461203458). Whether `/adgroup/create/` and `/ad/create/` stop too is NOT FOUND in
the reference; the strict reading refuses them from the same day. The code and message of the refusal
are NOT FOUND: 41001 (the SDK's INTERFACE_OFFLINE) with the emulator's wording, as for legacy Smart+.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from . import objects, schema
from .smart_plus import (
    Handler,
    _check_time,
    _deleted_scope,
    _fields,
    _id_filter,
    _project,
    _status_match,
    authorize,
)
from .store import Row, Store
from .wire import INTERFACE_OFFLINE, JSON, ApiError, Query, page_info, param_error, parse_time

T = TypeVar("T")

MANUAL_CREATE_END = dt.datetime(2026, 12, 31)
LEGACY_UPDATE_END = dt.datetime(2026, 6, 30)
CAMPAIGN, ADGROUP, AD = "manual_campaign", "manual_adgroup", "manual_ad"
# Ids of manual objects: 19 digits, in their own ranges. The demo seed uses the first 100 of each range
# (seed.py), so created objects start above them.
ID_BASE = {
    CAMPAIGN: 1_870_000_000_000_000_000,
    ADGROUP: 1_871_000_000_000_000_000,
    AD: 1_872_000_000_000_000_000,
}
SEEDED_IDS = 100
MANUAL_MIN_CAMPAIGN_BUDGET = 50.0  # USD, as on the Smart+ pages (Budget page D:1739381246298114)
MANUAL_MIN_ADGROUP_DAILY_BUDGET = 20.0
MAX_CREATIVES = 20  # creatives per /ad/create/ call: NOT FOUND in the reference; the emulator's choice


def _next_id(store: Store, kind: str) -> str:
    key = f"next_id_{kind}"
    with store.lock:
        current = int(store.meta_get(key) or ID_BASE[kind] + SEEDED_IDS + 1)
        store.meta_set(key, str(current + 1))
    return str(current)


def _offline(store: Store, endpoint: str, until: dt.datetime = MANUAL_CREATE_END) -> None:
    if store.now() >= until:
        raise ApiError(
            INTERFACE_OFFLINE,
            f"{endpoint} is no longer available since {until:%Y-%m-%d}. "
            "Use the Upgraded Smart+ API (/smart_plus/campaign/create/ and related endpoints).",
        )


def _body(body: JSON | None) -> JSON:
    if body is None:
        raise param_error("body", "Request body must be a JSON object.")
    return body


# ---------------------------------------------------------------------- row shapes

OBJECTIVES = (
    "APP_PROMOTION",
    "WEB_CONVERSIONS",
    "TRAFFIC",
    "REACH",
    "VIDEO_VIEWS",
    "LEAD_GENERATION",
    "ENGAGEMENT",
    "PRODUCT_SALES",
)
BUDGET_MODES = (
    "BUDGET_MODE_INFINITE",
    "BUDGET_MODE_DAY",
    "BUDGET_MODE_TOTAL",
    "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
)


def campaign_doc(data: JSON, campaign_id: str, now: str) -> JSON:
    """A manual campaign as TikTok returns it: the keys (and nulls) of the recorded manual rows."""
    cbo = bool(data.get("budget_optimize_on", False))
    mode = data.get("budget_mode") or "BUDGET_MODE_INFINITE"
    objective_type = data["objective_type"]
    doc: JSON = {
        "is_new_structure": True,
        "rta_product_selection_enabled": False,
        "budget": 0 if mode == "BUDGET_MODE_INFINITE" else data.get("budget", 0),
        "is_search_campaign": bool(data.get("is_search_campaign", False)),
        "objective_type": objective_type,
        "is_smart_performance_campaign": False,
        "campaign_name": data["campaign_name"],
        "campaign_automation_type": "MANUAL",
        "catalog_enabled": bool(data.get("catalog_enabled", False)),
        "advertiser_id": data["advertiser_id"],
        "modify_time": now,
        "roas_bid": data.get("roas_bid", 0),
        "is_advanced_dedicated_campaign": False,
        "objective": "APP" if objective_type == "APP_PROMOTION" else "LANDING_PAGE",
        "rta_bid_enabled": False,
        "budget_mode": mode,
        "operation_status": data.get("operation_status", "ENABLE"),
        "campaign_id": campaign_id,
        "rta_id": None,
        "deep_bid_type": None,
        "virtual_objective_type": data.get("virtual_objective_type"),
        # Present as null on recorded rows of some objectives; for WEB_CONVERSIONS NOT FOUND (reference
        # 7.1): null unless the create body set it.
        "sales_destination": data.get("sales_destination"),
        "special_industries": list(data.get("special_industries") or []),
        "disable_skan_campaign": None,
        "create_time": now,
        "campaign_type": data.get("campaign_type", "REGULAR_CAMPAIGN"),
    }
    if cbo:
        # D:1739315828649986: `budget_optimize_on` is "returned only for campaigns with CBO enabled".
        doc["budget_optimize_on"] = True
    if data.get("po_number") is not None:
        doc["po_number"] = data["po_number"]
    return doc


def adgroup_doc(data: JSON, adgroup_id: str, campaign: JSON, now: str) -> JSON:
    """A manual ad group: the 91 keys of the recorded rows, targeting at the top level."""
    cbo = bool(campaign.get("budget_optimize_on", False))
    goal = data.get("optimization_goal")
    placement_type = data.get("placement_type", "PLACEMENT_TYPE_AUTOMATIC")
    placements = data.get("placements") or (
        list(objects.ALL_PLACEMENTS) if placement_type == "PLACEMENT_TYPE_AUTOMATIC" else []
    )
    doc: JSON = {
        "category_exclusion_ids": list(data.get("category_exclusion_ids") or []),
        "operation_status": data.get("operation_status", "ENABLE"),
        "budget_mode": "BUDGET_MODE_INFINITE" if cbo else data.get("budget_mode", "BUDGET_MODE_DAY"),
        "rf_estimated_cpr": None,
        "is_hfss": bool(data.get("is_hfss", False)),
        "location_ids": list(data.get("location_ids") or []),
        "bid_price": data.get("bid_price", 0),
        "network_types": list(data.get("network_types") or []),
        "share_disabled": bool(data.get("share_disabled", False)),
        "is_lhf_compliance": bool(data.get("is_lhf_compliance", False)),
        "deep_funnel_optimization_status": None,
        "bid_type": data.get("bid_type", "BID_TYPE_NO_BID"),
        "billing_event": data.get("billing_event"),
        "delivery_mode": None,
        "app_config": None,
        "optimization_event": data.get("optimization_event"),
        "conversion_bid_price": data.get("conversion_bid_price", 0),
        "device_price_ranges": data.get("device_price_ranges"),
        "ios14_quota_type": "UNOCCUPIED",
        "creative_material_mode": data.get("creative_material_mode", "CUSTOM"),
        "frequency": data.get("frequency"),
        "deep_bid_type": data.get("deep_bid_type"),
        "vbo_window": data.get("vbo_window"),
        "is_new_structure": True,
        "actions": copy.deepcopy(data.get("actions") or []),
        "operating_systems": list(data.get("operating_systems") or []),
        "feed_type": None,
        "purchased_impression": None,
        "statistic_type": data.get("statistic_type"),
        "adgroup_id": adgroup_id,
        "custom_conversion_id": data.get("custom_conversion_id"),
        "modify_time": now,
        "brand_safety_partner": data.get("brand_safety_partner"),
        "spending_power": data.get("spending_power", "ALL"),
        "interest_category_ids": list(data.get("interest_category_ids") or []),
        "interest_keyword_ids": list(data.get("interest_keyword_ids") or []),
        "promotion_type": data.get("promotion_type", "WEBSITE"),
        "rf_estimated_frequency": None,
        "placements": placements,
        "campaign_id": campaign["campaign_id"],
        "campaign_automation_type": "MANUAL",
        "deep_funnel_event_source": None,
        "app_id": data.get("app_id"),
        "is_smart_performance_campaign": False,
        "smart_interest_behavior_enabled": data.get("smart_interest_behavior_enabled"),
        "isp_ids": list(data.get("isp_ids") or []),
        "adgroup_name": data["adgroup_name"],
        "pacing": data.get("pacing", "PACING_MODE_SMOOTH"),
        "search_result_enabled": bool(data.get("search_result_enabled", True)),
        "automated_keywords_enabled": None,
        "comment_disabled": bool(data.get("comment_disabled", False)),
        "excluded_custom_actions": copy.deepcopy(data.get("excluded_custom_actions") or []),
        "budget": 0 if cbo else data.get("budget", 0),
        "audience_ids": list(data.get("audience_ids") or []),
        "purchased_reach": None,
        "age_groups": data.get("age_groups"),
        "dayparting": data.get("dayparting", objects.DAYPARTING_ALL),
        "video_download_disabled": bool(data.get("video_download_disabled", False)),
        "scheduled_budget": 0,
        "schedule_end_time": data.get("schedule_end_time"),
        "deep_funnel_event_source_id": None,
        "keywords": None,
        "excluded_audience_ids": list(data.get("excluded_audience_ids") or []),
        "conversion_window": None,
        "inventory_filter_enabled": False,
        "deep_cpa_bid": data.get("deep_cpa_bid", 0),
        "optimization_goal": goal,
        "bid_display_mode": "CPMV",
        "next_day_retention": None,
        "adgroup_app_profile_page_state": None,
        "auto_targeting_enabled": bool(data.get("auto_targeting_enabled", False)),
        "languages": list(data.get("languages") or []),
        "app_download_url": None,
        "schedule_type": data.get("schedule_type"),
        "included_custom_actions": copy.deepcopy(data.get("included_custom_actions") or []),
        "app_type": None,
        "skip_learning_phase": bool(data.get("skip_learning_phase", False)),
        "frequency_schedule": data.get("frequency_schedule"),
        "placement_type": placement_type,
        "advertiser_id": data["advertiser_id"],
        "schedule_infos": None,
        "campaign_name": campaign.get("campaign_name"),
        "rf_purchased_type": None,
        "schedule_start_time": data.get("schedule_start_time"),
        "smart_audience_enabled": data.get("smart_audience_enabled"),
        "deep_funnel_optimization_event": None,
        "pixel_id": data.get("pixel_id"),
        "secondary_optimization_event": None,
        "brand_safety_type": data.get("brand_safety_type", "NO_BRAND_SAFETY"),
        "category_id": None,
        "gender": data.get("gender", "GENDER_UNLIMITED"),
        "create_time": now,
    }
    if goal in ("CONVERT", "VALUE"):
        # Absent from the recorded CLICK rows; for conversion goals the row shape is NOT FOUND
        # (reference 7.1). The emulator returns the windows it uses for Smart+ conversions.
        doc["click_attribution_window"] = data.get("click_attribution_window", "SEVEN_DAYS")
        doc["view_attribution_window"] = data.get("view_attribution_window", "ONE_DAY")
        doc["engaged_view_attribution_window"] = data.get("engaged_view_attribution_window", "OFF")
        doc["attribution_event_count"] = data.get("attribution_event_count", "EVERY")
    if data.get("tiktok_subplacements") is not None:
        doc["tiktok_subplacements"] = list(data["tiktok_subplacements"])
    return doc


def ad_doc(creative: JSON, ad_id: str, adgroup: JSON, identity: JSON | None, now: str) -> JSON:
    """A manual ad (one creative), keyed as the documented `/ad/create/` answer, plus the `/ad/get/`
    fields the reference lists (7.1; the `/ad/get/` page itself is not mirrored)."""
    custom = creative.get("identity_type") == "CUSTOMIZED_USER"
    profile = (identity or {}).get("profile_image")
    return {
        "tracking_pixel_id": creative.get("tracking_pixel_id", 0),
        "ad_name": creative["ad_name"],
        "creative_type": None,
        "ad_text": creative.get("ad_text"),
        "campaign_id": adgroup["campaign_id"],
        "tracking_offline_event_set_ids": list(creative.get("tracking_offline_event_set_ids") or []),
        "music_id": creative.get("music_id"),
        "page_id": creative.get("page_id"),
        "video_id": creative.get("video_id"),
        "create_time": now,
        "is_aco": False,
        "identity_id": creative.get("identity_id"),
        "identity_authorized_bc_id": creative.get("identity_authorized_bc_id"),
        "click_tracking_url": creative.get("click_tracking_url"),
        "landing_page_urls": None,
        "adgroup_id": adgroup["adgroup_id"],
        "ad_format": creative["ad_format"],
        "campaign_name": None,  # rendered from the campaign at read time
        "vast_moat_enabled": False,
        "deeplink": creative.get("deeplink", ""),
        "impression_tracking_url": creative.get("impression_tracking_url"),
        "is_new_structure": True,
        "app_name": "",
        "display_name": creative.get("display_name") or (identity or {}).get("display_name"),
        "modify_time": now,
        "ad_id": ad_id,
        "optimization_event": adgroup.get("optimization_event"),
        "playable_url": "",
        "advertiser_id": adgroup["advertiser_id"],
        "adgroup_name": None,  # rendered from the ad group at read time
        "fallback_type": creative.get("fallback_type", "UNSET"),
        "brand_safety_postbid_partner": "UNSET",
        "viewability_vast_url": None,
        "operation_status": creative.get("operation_status", "ENABLE"),
        "call_to_action": creative.get("call_to_action"),
        "identity_type": creative.get("identity_type"),
        "landing_page_url": creative.get("landing_page_url"),
        "image_ids": list(creative.get("image_ids") or []),
        "brand_safety_vast_url": None,
        "avatar_icon_web_uri": creative.get("avatar_icon_web_uri") if custom else None,
        "ad_texts": creative.get("ad_texts"),
        "profile_image_url": profile if custom else None,
        "card_id": creative.get("card_id"),
        "call_to_action_id": creative.get("call_to_action_id"),
        "deeplink_type": creative.get("deeplink_type", "NORMAL"),
        "viewability_postbid_partner": "UNSET",
        "creative_authorized": bool(creative.get("creative_authorized", False)),
        "tiktok_item_id": creative.get("tiktok_item_id"),
        "utm_params": copy.deepcopy(creative.get("utm_params")),
        "tracking_app_id": creative.get("tracking_app_id"),
        "video_view_tracking_url": creative.get("video_view_tracking_url"),
        "dark_post_status": creative.get("dark_post_status", "ON"),
        "aigc_disclosure_type": creative.get("aigc_disclosure_type"),
        "promotional_music_disabled": bool(creative.get("promotional_music_disabled", True)),
        "item_duet_status": creative.get("item_duet_status"),
        "item_stitch_status": creative.get("item_stitch_status"),
        "disclaimer_type": creative.get("disclaimer_type"),
        "disclaimer_text": copy.deepcopy(creative.get("disclaimer_text")),
        "disclaimer_clickable_texts": copy.deepcopy(creative.get("disclaimer_clickable_texts")),
        "campaign_automation_type": "MANUAL",
    }


def make_row(kind: str, doc: JSON, now: str) -> Row:
    id_key = {CAMPAIGN: "campaign_id", ADGROUP: "adgroup_id", AD: "ad_id"}[kind]
    return Row(
        kind=kind,
        id=str(doc[id_key]),
        advertiser_id=str(doc["advertiser_id"]),
        campaign_id=None if kind == CAMPAIGN else str(doc["campaign_id"]),
        adgroup_id=str(doc["adgroup_id"]) if kind == AD else None,
        operation_status=str(doc.get("operation_status", "ENABLE")),
        deleted=False,
        self_deleted=False,
        create_time=str(doc.get("create_time", now)),
        modify_time=str(doc.get("modify_time", now)),
        data=doc,
    )


# ---------------------------------------------------------------------- rendering


def render_campaign(row: Row) -> JSON:
    out = dict(row.data)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    # Not returned in the sandbox (D:1739315828649986), but documented; the emulator is no sandbox.
    out["secondary_status"] = objects.campaign_secondary(row)
    return out


def _live_ads(store: Store, adgroup_ids: list[str]) -> dict[str, int]:
    return store.live_children_counts(AD, "adgroup_id", adgroup_ids)


def render_adgroup(row: Row, campaign: Row | None, live_ads: int, now: dt.datetime) -> JSON:
    out = dict(row.data)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    if campaign is not None:
        out["campaign_name"] = campaign.data.get("campaign_name")
    out["secondary_status"] = objects.adgroup_secondary(row, campaign, live_ads, now)
    return out


def render_ad(row: Row, adgroup: Row | None, campaign: Row | None, now: dt.datetime) -> JSON:
    out = dict(row.data)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    if adgroup is not None:
        out["adgroup_name"] = adgroup.data.get("adgroup_name")
    if campaign is not None:
        out["campaign_name"] = campaign.data.get("campaign_name")
    out["secondary_status"] = objects.ad_secondary(row, adgroup, campaign, now)
    return out


# ---------------------------------------------------------------------- get


CAMPAIGN_FILTERS = {
    "buying_types",
    "campaign_automation_type",
    "campaign_ids",
    "campaign_name",
    "campaign_product_source",
    "campaign_system_origins",
    "campaign_type",
    "creation_filter_end_time",
    "creation_filter_start_time",
    "creative_campaign_type",
    "is_smart_performance_campaign",
    "objective_type",
    "optimization_goal",
    "primary_status",
    "sales_destination",
    "secondary_status",
    "split_test_enabled",
}
ADGROUP_FILTERS = {
    "adgroup_ids",
    "adgroup_name",
    "bid_strategy",
    "billing_events",
    "buying_types",
    "campaign_ids",
    "campaign_system_origins",
    "creation_filter_end_time",
    "creation_filter_start_time",
    "creative_material_mode",
    "objective_type",
    "optimization_goal",
    "primary_status",
    "promotion_type",
    "secondary_status",
    "split_test_enabled",
}
AD_FILTERS = {
    "ad_ids",
    "ad_name",
    "adgroup_ids",
    "buying_types",
    "campaign_ids",
    "campaign_system_origins",
    "creation_filter_end_time",
    "creation_filter_start_time",
    "creative_material_mode",
    "destination",
    "modified_after",
    "objective_type",
    "optimization_goal",
    "primary_status",
    "secondary_status",
}
AUTOMATION_TYPES = ("MANUAL", "SMART_PLUS", "UPGRADED_SMART_PLUS")


class _Item:
    """One candidate row of a manual get: its sort id, the stored row, the rendered object."""

    def __init__(self, sort_id: str, row: Row, obj: JSON) -> None:
        self.sort_id = sort_id
        self.row = row
        self.obj = obj


def _check_filter_keys(filtering: JSON, allowed: set[str]) -> None:
    for key in filtering:
        if key not in allowed:
            raise param_error(f"filtering.{key}", "Unknown field.")


def _typed_filter(filtering: JSON, key: str, kind: type[T], message: str) -> T | None:
    """A filtering value of one JSON type, or None when absent; another type is a 40002."""
    value = filtering.get(key)
    if value is None:
        return None
    if not isinstance(value, kind):
        raise param_error(f"filtering.{key}", message)
    return value


def _text_filter(filtering: JSON, key: str) -> str | None:
    return _typed_filter(filtering, key, str, "Not a valid string")


def _list_filter(filtering: JSON, key: str) -> list[Any] | None:
    return _typed_filter(filtering, key, list, "Field must be set to array")


def _bool_filter(filtering: JSON, key: str) -> bool | None:
    return _typed_filter(filtering, key, bool, "Not a valid boolean.")


def _time_bound(filtering: JSON, key: str) -> str | None:
    value = filtering.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or parse_time(value) is None:
        raise param_error(f"filtering.{key}", "Not a valid datetime. Use YYYY-MM-DD HH:MM:SS.")
    return value


def _common_checks(filtering: JSON, name_key: str) -> list[Callable[[_Item], bool]]:
    """Filters shared by the three manual get endpoints, on the rendered objects."""
    checks: list[Callable[[_Item], bool]] = []
    name = _text_filter(filtering, name_key)
    if name is not None:
        checks.append(lambda i: name.lower() in str(i.obj.get(name_key) or "").lower())
    start = _time_bound(filtering, "creation_filter_start_time")
    if start is not None:
        checks.append(lambda i: i.row.create_time >= start)
    end = _time_bound(filtering, "creation_filter_end_time")
    if end is not None:
        checks.append(lambda i: i.row.create_time <= end)
    # Every emulated object is an auction object created through the API (the documented defaults
    # of both filters include it), so these filters keep everything or nothing.
    buying = _list_filter(filtering, "buying_types")
    if buying is not None:
        checks.append(lambda i: "AUCTION" in buying)
    origins = _list_filter(filtering, "campaign_system_origins")
    if origins is not None:
        checks.append(lambda i: "TT_ADS_PLATFORM" in origins)
    split = _bool_filter(filtering, "split_test_enabled")
    if split is not None:
        checks.append(lambda i: not split)
    return checks


def _equals(key: str, want: Any) -> Callable[[_Item], bool]:
    return lambda i: i.obj.get(key) == want


def _page_items(
    kind: str, items: list[_Item], filtering: JSON, checks: list[Callable[[_Item], bool]], query: Query
) -> JSON:
    fields = _fields(query)
    page, page_size = query.paging(1000)  # all three: 1-1000 (api-behavior.md 1)
    kept = [
        i
        for i in items
        if all(c(i) for c in checks)
        and _status_match(kind, i.row, str(i.obj.get("secondary_status")), filtering)
    ]
    kept.sort(key=lambda i: int(i.sort_id), reverse=True)  # id descending (D:1739315828649986)
    chosen = kept[(page - 1) * page_size : page * page_size]
    drop_null = _exclude_nulls(query)
    out = []
    for item in chosen:
        obj = _project(item.obj, fields)
        if drop_null:
            obj = {k: v for k, v in obj.items() if v is not None}
        out.append(obj)
    return {"list": out, "page_info": page_info(page, page_size, len(kept))}


def _exclude_nulls(query: Query) -> bool:
    """`exclude_field_types_in_response: ["NULL_FIELD"]` removes null fields (D:1739315828649986)."""
    values = query.array("exclude_field_types_in_response")
    if values is None:
        return False
    for i, value in enumerate(values):
        if value != "NULL_FIELD":
            raise param_error(f"exclude_field_types_in_response[{i}]", "Must be one of: NULL_FIELD.")
    return bool(values)


def _legacy_obj(row: Row, adv_id: str) -> JSON:
    return {
        "advertiser_id": adv_id,
        "campaign_id": row.id,
        "campaign_name": row.data.get("campaign_name"),
        "objective_type": row.data.get("objective_type"),
        "budget": row.data.get("budget"),
        "budget_mode": row.data.get("budget_mode"),
        "operation_status": row.operation_status,
        "secondary_status": objects.campaign_secondary(row),
        "campaign_type": "REGULAR_CAMPAIGN",
        "create_time": row.create_time,
        "modify_time": row.modify_time,
        "campaign_automation_type": "SMART_PLUS",
        "is_smart_performance_campaign": True,
    }


_UPGRADED_NULLS = ("deep_bid_type", "roas_bid")


def campaign_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    """`/campaign/get/`: manual, upgraded Smart+ and legacy Smart+ campaigns, with explicit nulls."""
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = advertiser["advertiser_id"]
    filtering = query.object("filtering") or {}
    _check_filter_keys(filtering, CAMPAIGN_FILTERS)
    ids = _id_filter(filtering, "campaign_ids")
    deleted, _ = _deleted_scope("campaign", filtering)
    items: list[_Item] = []
    for row in store.select(CAMPAIGN, adv_id, ids=ids, deleted=deleted):
        items.append(_Item(row.id, row, render_campaign(row)))
    for row in store.select("campaign", adv_id, ids=ids, deleted=deleted):
        obj = objects.render_campaign(row)
        obj.update(campaign_automation_type="UPGRADED_SMART_PLUS", is_smart_performance_campaign=False)
        for key in _UPGRADED_NULLS:
            obj.setdefault(key, None)
        items.append(_Item(row.id, row, obj))
    for row in store.select("legacy_campaign", adv_id, ids=ids, deleted=deleted):
        obj = _legacy_obj(row, adv_id)
        for key in _UPGRADED_NULLS:
            obj.setdefault(key, None)
        items.append(_Item(row.id, row, obj))
    checks = _common_checks(filtering, "campaign_name")
    automation = _text_filter(filtering, "campaign_automation_type")
    if automation is not None:
        if automation not in AUTOMATION_TYPES:
            raise param_error(
                "filtering.campaign_automation_type", f"Must be one of: {', '.join(AUTOMATION_TYPES)}."
            )
        checks.append(_equals("campaign_automation_type", automation))
    smart = _bool_filter(filtering, "is_smart_performance_campaign")
    if smart is not None:
        checks.append(_equals("is_smart_performance_campaign", smart))
    for key in ("objective_type", "campaign_type", "sales_destination", "optimization_goal"):
        value = _text_filter(filtering, key)
        if value is not None:
            checks.append(_equals(key, value))
    if _text_filter(filtering, "campaign_product_source") is not None:
        # Only PRODUCT_SALES campaigns have a product source (D:1739315828649986); none are emulated.
        checks.append(lambda i: False)
    creative_types = _list_filter(filtering, "creative_campaign_type")
    if creative_types is not None:
        checks.append(
            lambda i: ("SPC" if i.obj.get("is_smart_performance_campaign") else "OTHER") in creative_types
        )
    return _page_items("campaign", items, filtering, checks, query)


def _upgraded_adgroup(row: Row, campaign: Row | None, live_ads: int, now: dt.datetime) -> JSON:
    # The manual get answers upgraded ad groups too (D:1854103649826817); their row shape there is NOT
    # FOUND, so the emulator returns the Smart+ object with its automation type.
    obj = objects.render_adgroup(row, campaign, live_ads, now)
    obj["campaign_automation_type"] = "UPGRADED_SMART_PLUS"
    return obj


def adgroup_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = advertiser["advertiser_id"]
    filtering = query.object("filtering") or {}
    _check_filter_keys(filtering, ADGROUP_FILTERS)
    ids = _id_filter(filtering, "adgroup_ids")
    campaign_ids = _id_filter(filtering, "campaign_ids")
    deleted, _ = _deleted_scope("adgroup", filtering)
    now = store.now()
    items: list[_Item] = []
    for kind, parent_kind, child_kind in ((ADGROUP, CAMPAIGN, AD), ("adgroup", "campaign", "ad")):
        rows = store.select(kind, adv_id, ids=ids, campaign_ids=campaign_ids, deleted=deleted)
        parents = store.get_many(parent_kind, [r.campaign_id or "" for r in rows])
        counts = store.live_children_counts(child_kind, "adgroup_id", [r.id for r in rows])
        for row in rows:
            parent = parents.get(row.campaign_id or "")
            if kind == ADGROUP:
                obj = render_adgroup(row, parent, counts.get(row.id, 0), now)
            else:
                obj = _upgraded_adgroup(row, parent, counts.get(row.id, 0), now)
            obj["_objective_type"] = None if parent is None else parent.data.get("objective_type")
            items.append(_Item(row.id, row, obj))
    checks = _common_checks(filtering, "adgroup_name")
    for key in ("optimization_goal", "promotion_type", "creative_material_mode"):
        value = _text_filter(filtering, key)
        if value is not None:
            checks.append(_equals(key, value))
    objective = _text_filter(filtering, "objective_type")
    if objective is not None:
        checks.append(_equals("_objective_type", objective))
    billing = _list_filter(filtering, "billing_events")
    if billing is not None:
        checks.append(lambda i: i.obj.get("billing_event") in billing)
    bid_strategy = _text_filter(filtering, "bid_strategy")
    if bid_strategy is not None:
        checks.append(_equals("bid_type", bid_strategy))
    answer = _page_items("adgroup", items, filtering, checks, query)
    for obj in answer["list"]:
        obj.pop("_objective_type", None)
    return answer


def _creative_rows(row: Row, adgroup: Row | None, campaign: Row | None, now: dt.datetime) -> list[_Item]:
    """An upgraded Smart+ ad in `/ad/get/`: one limited row per creative, `ad_id` the creative's id
    (api-behavior.md 6, D:1854103649826817). The fields beyond these are NOT FOUND."""
    status = objects.ad_secondary(row, adgroup, campaign, now)
    out = []
    for creative in row.data.get("creative_list") or []:
        material_id = str(creative.get("ad_material_id"))
        out.append(
            _Item(
                material_id,
                row,
                {
                    "advertiser_id": row.advertiser_id,
                    "campaign_id": row.campaign_id,
                    "campaign_name": None if campaign is None else campaign.data.get("campaign_name"),
                    "adgroup_id": row.adgroup_id,
                    "adgroup_name": None if adgroup is None else adgroup.data.get("adgroup_name"),
                    "ad_id": material_id,
                    "smart_plus_ad_id": row.id,
                    "ad_name": row.data.get("ad_name"),
                    "campaign_automation_type": "UPGRADED_SMART_PLUS_CREATIVE",
                    "operation_status": creative.get("material_operation_status", "ENABLE"),
                    "secondary_status": status,
                    "create_time": row.create_time,
                    "modify_time": row.modify_time,
                },
            )
        )
    return out


def ad_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = advertiser["advertiser_id"]
    filtering = query.object("filtering") or {}
    _check_filter_keys(filtering, AD_FILTERS)
    ad_ids = _id_filter(filtering, "ad_ids")
    adgroup_ids = _id_filter(filtering, "adgroup_ids")
    campaign_ids = _id_filter(filtering, "campaign_ids")
    deleted, _ = _deleted_scope("ad", filtering)
    now = store.now()
    items: list[_Item] = []
    rows = store.select(
        AD, adv_id, ids=ad_ids, campaign_ids=campaign_ids, adgroup_ids=adgroup_ids, deleted=deleted
    )
    adgroups = store.get_many(ADGROUP, [r.adgroup_id or "" for r in rows])
    campaigns = store.get_many(CAMPAIGN, [r.campaign_id or "" for r in rows])
    for row in rows:
        group, camp = adgroups.get(row.adgroup_id or ""), campaigns.get(row.campaign_id or "")
        obj = render_ad(row, group, camp, now)
        obj["_objective_type"] = None if camp is None else camp.data.get("objective_type")
        obj["_optimization_goal"] = None if group is None else group.data.get("optimization_goal")
        items.append(_Item(row.id, row, obj))
    rows = store.select("ad", adv_id, campaign_ids=campaign_ids, adgroup_ids=adgroup_ids, deleted=deleted)
    sp_groups = store.get_many("adgroup", [r.adgroup_id or "" for r in rows])
    sp_campaigns = store.get_many("campaign", [r.campaign_id or "" for r in rows])
    for row in rows:
        group, camp = sp_groups.get(row.adgroup_id or ""), sp_campaigns.get(row.campaign_id or "")
        for item in _creative_rows(row, group, camp, now):
            if ad_ids is not None and item.sort_id not in ad_ids:
                continue
            item.obj["_objective_type"] = None if camp is None else camp.data.get("objective_type")
            item.obj["_optimization_goal"] = None if group is None else group.data.get("optimization_goal")
            items.append(item)
    checks = _common_checks(filtering, "ad_name")
    for key, private in (("objective_type", "_objective_type"), ("optimization_goal", "_optimization_goal")):
        value = _text_filter(filtering, key)
        if value is not None:
            checks.append(_equals(private, value))
    value = _text_filter(filtering, "creative_material_mode")
    if value is not None:
        checks.append(lambda i: value == "CUSTOM")
    modified_after = _text_filter(filtering, "modified_after")
    if modified_after is not None:
        bound = parse_time(modified_after)
        if bound is None:
            try:
                bound = dt.datetime.fromisoformat(modified_after.replace("Z", "+00:00")).replace(tzinfo=None)
            except ValueError:
                raise param_error("filtering.modified_after", "Not a valid datetime.") from None
        moment = bound.strftime("%Y-%m-%d %H:%M:%S")
        checks.append(lambda i: i.row.modify_time > moment)
    _text_filter(filtering, "destination")  # type-checked; every emulated ad goes to a website
    answer = _page_items("ad", items, filtering, checks, query)
    for obj in answer["list"]:
        obj.pop("_objective_type", None)
        obj.pop("_optimization_goal", None)
    return answer


# ---------------------------------------------------------------------- create


_STR, _ID, _BOOL, _NUM = schema.S(), schema.ID(), schema.B(), schema.N()
CAMPAIGN_CREATE: dict[str, schema.F] = {
    "advertiser_id": schema.ID(True),
    "campaign_name": schema.S(True, 1, 512),
    "objective_type": schema.E(OBJECTIVES, True),
    "budget_mode": schema.E(BUDGET_MODES),
    "budget": _NUM,
    "budget_optimize_on": _BOOL,
    "operation_status": schema.E(schema.CREATE_STATUSES),
    "campaign_type": schema.E(schema.CAMPAIGN_TYPES),
    "special_industries": schema.L(schema.E(schema.SPECIAL_INDUSTRIES)),
    "po_number": _STR,
    "request_id": _STR,
    "sales_destination": _STR,
    "virtual_objective_type": _STR,
    "is_search_campaign": _BOOL,
    "catalog_enabled": _BOOL,
    "roas_bid": _NUM,
    # Fields of the SDK's CampaignCreateBody the emulator accepts and does not model (app, RTA, RF).
    **{
        k: _STR
        for k in (
            "app_id",
            "app_promotion_type",
            "bid_type",
            "campaign_app_profile_page_state",
            "campaign_product_source",
            "deep_bid_type",
            "internal_channel",
            "optimization_goal",
            "plugin_partner",
            "postback_window_mode",
            "rf_campaign_type",
            "rta_id",
        )
    },
    **{
        k: _BOOL
        for k in (
            "disable_skan_campaign",
            "is_advanced_dedicated_campaign",
            "rta_bid_enabled",
            "rta_product_selection_enabled",
        )
    },
}
CAMPAIGN_UPDATE: dict[str, schema.F] = {
    "advertiser_id": schema.ID(True),
    "campaign_id": schema.ID(True),
    "campaign_name": schema.S(False, 1, 512),
    "budget": _NUM,
    "po_number": _STR,
    "special_industries": schema.L(schema.E(schema.SPECIAL_INDUSTRIES)),
}


def _check_budget(budget: float, low: float, path: str = "budget") -> None:
    if not low <= budget < 10_000_000:
        raise param_error(path, f"Budget must be at least {low:g} and below 10000000.")


def create_campaign(
    store: Store, data: JSON, *, campaign_id: str | None = None, now: str | None = None
) -> Row:
    """Insert a checked manual campaign (also used by the demo seed, with fixed ids and times)."""
    now = now or store.now_str()
    doc = campaign_doc(data, campaign_id or _next_id(store, CAMPAIGN), now)
    row = make_row(CAMPAIGN, doc, now)
    store.insert_objects([row])
    return row


def campaign_create(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = _body(body)
    authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    _offline(store, "/campaign/create/")
    data = schema.check_object(raw, CAMPAIGN_CREATE)
    mode = data.get("budget_mode", "BUDGET_MODE_INFINITE")
    if data.get("budget_optimize_on") and mode == "BUDGET_MODE_INFINITE":
        raise param_error("budget_mode", "Must not be BUDGET_MODE_INFINITE when budget_optimize_on is true.")
    if mode != "BUDGET_MODE_INFINITE":
        if "budget" not in data:
            raise param_error("budget", schema.REQUIRED)
        _check_budget(float(data["budget"]), MANUAL_MIN_CAMPAIGN_BUDGET)
    with store.transaction():
        row = create_campaign(store, data)
    return render_campaign(row)


def _live(store: Store, kind: str, advertiser_id: str, object_id: str, path: str, word: str) -> Row:
    row = store.get(kind, object_id)
    if row is None or row.advertiser_id != advertiser_id or row.deleted:
        raise param_error(path, f"{word} does not exist. {path} {object_id}.")
    return row


def campaign_update(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    """Incremental: only the fields sent change (SDK CampaignUpdateBody). Keeps working after
    2026-12-31 (D:1853452461203458). Manual endpoints cannot update Upgraded Smart+ objects
    (D:1854112742370306): such an id is refused."""
    raw = _body(body)
    authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    data = schema.check_object(raw, CAMPAIGN_UPDATE, not_updatable=frozenset(CAMPAIGN_CREATE))
    adv_id = data["advertiser_id"]
    _refuse_upgraded(store, "campaign", [data["campaign_id"]], "campaign_id")
    row = _live(store, CAMPAIGN, adv_id, data["campaign_id"], "campaign_id", "Campaign")
    if "budget" in data:
        if row.data.get("budget_mode") == "BUDGET_MODE_INFINITE":
            raise param_error("budget", "Not supported when budget_mode is BUDGET_MODE_INFINITE.")
        _check_budget(float(data["budget"]), MANUAL_MIN_CAMPAIGN_BUDGET)
    with store.transaction():
        for key in ("campaign_name", "budget", "po_number", "special_industries"):
            if key in data:
                row.data[key] = data[key]
        row.modify_time = store.now_str()
        row.data["modify_time"] = row.modify_time
        store.save(row)
    return render_campaign(row)


def _refuse_upgraded(store: Store, kind: str, ids: list[str], path: str) -> None:
    found = store.get_many(kind, ids)
    for i, object_id in enumerate(ids):
        if object_id in found:
            where = path if len(ids) == 1 and not path.endswith("s") else f"{path}[{i}]"
            raise param_error(
                where,
                f"{object_id} is an Upgraded Smart+ object; the manual endpoints cannot change it. "
                "Use the /smart_plus/ endpoints.",
            )


def _delete_manual(store: Store, row: Row) -> None:
    row.deleted = True
    row.self_deleted = True
    store.save(row)
    column = "campaign_id" if row.kind == CAMPAIGN else "adgroup_id"
    kinds = (ADGROUP, AD) if row.kind == CAMPAIGN else (AD,)
    marks = ",".join("?" * len(kinds))
    with store.lock:
        store.conn.execute(
            f"UPDATE objects SET deleted = 1 WHERE kind IN ({marks}) AND {column} = ?", (*kinds, row.id)
        )


def campaign_status_update(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    """Manual `/campaign/status/update/` for manual campaigns (no end date announced) and legacy Smart+
    campaigns (until 2026-06-30). The answer has the recorded shape `{campaign_ids, status,
    campaign_list: []}` (fixtures: nango delete-campaign); an unknown id fails the whole call."""
    raw = _body(body)
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    ids = raw.get("campaign_ids")
    if not isinstance(ids, list) or not ids:
        raise param_error("campaign_ids", "Field must be set to array")
    if len(ids) > 20:
        raise param_error("campaign_ids", "Must contain between 1 and 20 items.")
    status = raw.get("operation_status")
    if status not in schema.STATUS_UPDATE:
        raise param_error("operation_status", f"Must be one of: {', '.join(schema.STATUS_UPDATE)}.")
    ids = [str(i) for i in ids]
    adv_id = advertiser["advertiser_id"]
    _refuse_upgraded(store, "campaign", ids, "campaign_ids")
    legacy = store.get_many("legacy_campaign", ids)
    manual = store.get_many(CAMPAIGN, ids)
    if legacy:
        _offline(store, "/campaign/status/update/ for legacy Smart+ campaigns", LEGACY_UPDATE_END)
    for i, campaign_id in enumerate(ids):
        row = legacy.get(campaign_id) or manual.get(campaign_id)
        if row is None or row.advertiser_id != adv_id or (row.kind == CAMPAIGN and row.deleted):
            raise param_error(f"campaign_ids[{i}]", f"Campaign does not exist. campaign_id {campaign_id}.")
    now = store.now_str()
    with store.transaction():
        for row in [*legacy.values(), *manual.values()]:
            if status == "DELETE":
                if row.kind == CAMPAIGN:
                    _delete_manual(store, row)
                    continue
                row.deleted = row.self_deleted = True
            else:
                row.operation_status = str(status)
                row.data["operation_status"] = str(status)
                row.data["modify_time"] = now
            row.modify_time = now
            store.save(row)
    return {"campaign_ids": ids, "status": status, "campaign_list": []}


ADGROUP_CREATE: dict[str, schema.F] = {
    "advertiser_id": schema.ID(True),
    "campaign_id": schema.ID(True),
    "adgroup_name": schema.S(True, 1, 512),
    "promotion_type": schema.S(True),
    "optimization_goal": schema.E(schema.OPTIMIZATION_GOALS, True),
    "billing_event": schema.E(schema.BILLING_EVENTS, True),
    "schedule_type": schema.E(schema.SCHEDULE_TYPES, True),
    "schedule_start_time": schema.S(True),
    "schedule_end_time": _STR,
    "location_ids": schema.L(schema.S(), True, 1, None),
    "budget_mode": schema.E(("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET")),
    "budget": _NUM,
    "bid_type": schema.E(schema.BID_TYPES),
    "bid_price": _NUM,
    "conversion_bid_price": _NUM,
    "pixel_id": _ID,
    "optimization_event": _STR,
    "placement_type": schema.E(schema.PLACEMENT_TYPES),
    "placements": schema.L(schema.E(schema.PLACEMENTS)),
    "age_groups": schema.L(schema.E(schema.AGE_GROUPS)),
    "gender": schema.E(schema.GENDERS),
    "languages": schema.L(schema.S()),
    "audience_ids": schema.L(schema.S()),
    "excluded_audience_ids": schema.L(schema.S()),
    "interest_category_ids": schema.L(schema.S()),
    "interest_keyword_ids": schema.L(schema.S()),
    "operating_systems": schema.L(schema.E(schema.OPERATING_SYSTEMS)),
    "network_types": schema.L(schema.E(schema.NETWORK_TYPES)),
    "spending_power": schema.E(schema.SPENDING_POWER),
    "pacing": schema.E(schema.PACING),
    "dayparting": _STR,
    "operation_status": schema.E(schema.CREATE_STATUSES),
    "click_attribution_window": schema.E(schema.CLICK_WINDOWS),
    "view_attribution_window": schema.E(schema.VIEW_WINDOWS),
    "engaged_view_attribution_window": schema.E(schema.ENGAGED_VIEW_WINDOWS),
    "attribution_event_count": schema.E(schema.ATTRIBUTION_COUNTS),
    "comment_disabled": _BOOL,
    "share_disabled": _BOOL,
    "video_download_disabled": _BOOL,
    "search_result_enabled": _BOOL,
    "auto_targeting_enabled": _BOOL,
    "smart_audience_enabled": _BOOL,
    "smart_interest_behavior_enabled": _BOOL,
    "skip_learning_phase": _BOOL,
    "request_id": _STR,
    "deep_bid_type": schema.E(schema.DEEP_BID_TYPES),
    "deep_cpa_bid": _NUM,
    "roas_bid": _NUM,
    "frequency": _NUM,
    "frequency_schedule": _NUM,
    "custom_conversion_id": _STR,
    "creative_material_mode": _STR,
    "statistic_type": _STR,
    "brand_safety_type": _STR,
    "brand_safety_partner": _STR,
    "device_price_ranges": schema.L(schema.I()),
    "isp_ids": schema.L(schema.S()),
    "category_exclusion_ids": schema.L(schema.S()),
    "is_hfss": _BOOL,
    "is_lhf_compliance": _BOOL,
    "tiktok_subplacements": schema.L(schema.S()),
    "vbo_window": _STR,
}


def create_adgroup(
    store: Store, data: JSON, campaign: Row, *, adgroup_id: str | None = None, now: str | None = None
) -> Row:
    now = now or store.now_str()
    doc = adgroup_doc(data, adgroup_id or _next_id(store, ADGROUP), campaign.data, now)
    row = make_row(ADGROUP, doc, now)
    store.insert_objects([row])
    return row


def adgroup_create(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = _body(body)
    authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    _offline(store, "/adgroup/create/")
    data = schema.check_object(raw, ADGROUP_CREATE)
    adv_id = data["advertiser_id"]
    _refuse_upgraded(store, "campaign", [data["campaign_id"]], "campaign_id")
    campaign = _live(store, CAMPAIGN, adv_id, data["campaign_id"], "campaign_id", "Campaign")
    cbo = bool(campaign.data.get("budget_optimize_on", False))
    if not cbo:
        if "budget_mode" not in data:
            raise param_error("budget_mode", schema.REQUIRED)
        if "budget" not in data:
            raise param_error("budget", schema.REQUIRED)
        _check_budget(float(data["budget"]), MANUAL_MIN_ADGROUP_DAILY_BUDGET)
    start = _check_time(data["schedule_start_time"], "schedule_start_time")
    if data["schedule_type"] == "SCHEDULE_START_END":
        end_raw = data.get("schedule_end_time")
        if end_raw is None:
            raise param_error("schedule_end_time", schema.REQUIRED)
        if _check_time(end_raw, "schedule_end_time") <= start:
            raise param_error("schedule_end_time", "Must be later than schedule_start_time.")
    elif data.get("schedule_end_time") is not None:
        raise param_error("schedule_end_time", "Must be omitted when schedule_type is SCHEDULE_FROM_NOW.")
    if data.get("placement_type") == "PLACEMENT_TYPE_NORMAL" and not data.get("placements"):
        raise param_error("placements", "Required when placement_type is PLACEMENT_TYPE_NORMAL.")
    pixel_id = data.get("pixel_id")
    if data["optimization_goal"] in ("CONVERT", "VALUE") and pixel_id is None:
        raise param_error("pixel_id", schema.REQUIRED)
    if pixel_id is not None:
        if store.asset("pixel", pixel_id, adv_id) is None:
            raise param_error("pixel_id", f"Pixel does not exist. pixel_id {pixel_id}.")
        if data.get("optimization_event") is None:
            raise param_error("optimization_event", schema.REQUIRED)
    if "dayparting" in data and (len(data["dayparting"]) != 336 or set(data["dayparting"]) - {"0", "1"}):
        raise param_error("dayparting", "Must be a string of 336 characters, each 0 or 1.")
    with store.transaction():
        row = create_adgroup(store, data, campaign)
    return render_adgroup(row, campaign, 0, store.now())


AD_FORMATS = ("SINGLE_VIDEO", "SINGLE_IMAGE", "CAROUSEL_ADS")
CREATIVE: dict[str, schema.F] = {
    "ad_name": schema.S(True, 1, 512),
    "ad_format": schema.E(AD_FORMATS, True),
    "identity_type": schema.E(schema.IDENTITY_TYPES, True),
    "identity_id": schema.S(True),
    "identity_authorized_bc_id": _STR,
    "video_id": _STR,
    "image_ids": schema.L(schema.S()),
    "music_id": _STR,
    "tiktok_item_id": _STR,
    "ad_text": _STR,
    "ad_texts": schema.L(schema.S()),
    "call_to_action": schema.E(schema.CTAS),
    "call_to_action_id": _STR,
    "landing_page_url": _STR,
    "display_name": _STR,
    "avatar_icon_web_uri": _STR,
    "deeplink": _STR,
    "deeplink_type": _STR,
    "fallback_type": _STR,
    "utm_params": schema.L(schema.O({"key": schema.S(), "value": schema.S()})),
    "impression_tracking_url": _STR,
    "click_tracking_url": _STR,
    "video_view_tracking_url": _STR,
    "tracking_app_id": _STR,
    "tracking_pixel_id": schema.I(),
    "tracking_offline_event_set_ids": schema.L(schema.S()),
    "dark_post_status": schema.E(schema.DARK_POST),
    "aigc_disclosure_type": schema.E(schema.AIGC),
    "promotional_music_disabled": _BOOL,
    "item_duet_status": _STR,
    "item_stitch_status": _STR,
    "creative_authorized": _BOOL,
    "card_id": _STR,
    "page_id": schema.I(),
    "operation_status": schema.E(schema.CREATE_STATUSES),
    "disclaimer_type": _STR,
    "disclaimer_text": schema.O({"text": schema.S()}),
    "disclaimer_clickable_texts": schema.L(schema.O({"text": schema.S(), "url": schema.S()})),
}
AD_CREATE: dict[str, schema.F] = {
    "advertiser_id": schema.ID(True),
    "adgroup_id": schema.ID(True),
    "creatives": schema.L(schema.O(CREATIVE), True, 1, MAX_CREATIVES),
}


def check_creative(store: Store, advertiser: JSON, creative: JSON, adgroup: Row, path: str) -> JSON | None:
    """The library checks of Smart+ ad create, on a manual creative; returns the identity."""
    adv_id = str(advertiser["advertiser_id"])
    fmt = creative["ad_format"]
    item = creative.get("tiktok_item_id")
    if fmt == "SINGLE_VIDEO" and item is None:
        video_id = creative.get("video_id")
        if video_id is None:
            raise param_error(f"{path}.video_id", schema.REQUIRED)
        if store.asset("video", video_id, adv_id) is None:
            raise param_error(f"{path}.video_id", f"Video does not exist. video_id {video_id}.")
    if fmt in ("SINGLE_IMAGE", "CAROUSEL_ADS") and not creative.get("image_ids"):
        raise param_error(f"{path}.image_ids", schema.REQUIRED)
    for j, image_id in enumerate(creative.get("image_ids") or []):
        if store.asset("image", image_id, adv_id) is None:
            raise param_error(f"{path}.image_ids[{j}]", f"Image does not exist. image_id {image_id}.")
    if fmt == "CAROUSEL_ADS":
        music_id = creative.get("music_id")
        if music_id is None:
            raise param_error(f"{path}.music_id", schema.REQUIRED)
        if store.asset("music", music_id, adv_id) is None:
            raise param_error(f"{path}.music_id", f"Music does not exist. music_id {music_id}.")
    identity_type, identity_id = creative["identity_type"], creative["identity_id"]
    identity = None
    if identity_type in ("CUSTOMIZED_USER", "TT_USER"):
        identity = store.asset("identity", identity_id, adv_id)
        if identity is None or identity.get("identity_type") != identity_type:
            raise param_error(
                f"{path}.identity_id",
                f"Identity does not exist. identity_id {identity_id} ({identity_type}).",
            )
    if identity_type == "BC_AUTH_TT" and not creative.get("identity_authorized_bc_id"):
        raise param_error(f"{path}.identity_authorized_bc_id", schema.REQUIRED)
    created = advertiser.get("create_time")
    if (
        identity_type == "CUSTOMIZED_USER"
        and isinstance(created, int)
        and created >= 1768435200  # 2026-01-15, as smart_plus applies it
        and "PLACEMENT_TIKTOK" in (adgroup.data.get("placements") or [])
    ):
        raise param_error(
            f"{path}.identity_type",
            "Custom identity (CUSTOMIZED_USER) is not supported on the TikTok placement for ad accounts "
            "created on or after 2026-01-15.",
        )
    if item is None and not creative.get("ad_text"):
        raise param_error(f"{path}.ad_text", schema.REQUIRED)
    if adgroup.data.get("promotion_type") == "WEBSITE" and not creative.get("landing_page_url"):
        raise param_error(f"{path}.landing_page_url", schema.REQUIRED)
    return identity


def create_ad(
    store: Store,
    creative: JSON,
    adgroup: Row,
    identity: JSON | None,
    *,
    ad_id: str | None = None,
    now: str | None = None,
) -> Row:
    now = now or store.now_str()
    doc = ad_doc(creative, ad_id or _next_id(store, AD), adgroup.data, identity, now)
    row = make_row(AD, doc, now)
    store.insert_objects([row])
    return row


def ad_create(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    """One ad per creative; answer `{ad_ids, need_audit, creatives}` as documented (D:1777633230937090)."""
    raw = _body(body)
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    _offline(store, "/ad/create/")
    data = schema.check_object(raw, AD_CREATE)
    adv_id = data["advertiser_id"]
    _refuse_upgraded(store, "adgroup", [data["adgroup_id"]], "adgroup_id")
    adgroup = _live(store, ADGROUP, adv_id, data["adgroup_id"], "adgroup_id", "Adgroup")
    campaign = store.get(CAMPAIGN, adgroup.campaign_id or "")
    identities = [
        check_creative(store, advertiser, c, adgroup, f"creatives[{i}]")
        for i, c in enumerate(data["creatives"])
    ]
    with store.transaction():
        rows = [
            create_ad(store, c, adgroup, ident)
            for c, ident in zip(data["creatives"], identities, strict=True)
        ]
    now = store.now()
    return {
        "ad_ids": [r.id for r in rows],
        "need_audit": False,
        "creatives": [render_ad(r, adgroup, campaign, now) for r in rows],
    }


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "campaign/create/"): campaign_create,
    ("GET", "campaign/get/"): campaign_get,
    ("POST", "campaign/update/"): campaign_update,
    ("POST", "campaign/status/update/"): campaign_status_update,
    ("POST", "adgroup/create/"): adgroup_create,
    ("GET", "adgroup/get/"): adgroup_get,
    ("POST", "ad/create/"): ad_create,
    ("GET", "ad/get/"): ad_get,
}
