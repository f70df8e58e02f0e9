"""Stored shape of Smart+ objects: the defaults TikTok fills in, and the server-managed fields.

No I/O. Builders turn a validated create body into the document that is stored; renderers add what
TikTok computes at read time (secondary_status, parent names, CBO budget override). The defaults come
from TikTok's documented example answers (reference/fixtures/tiktok-docs_smart_plus_*).
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from . import review_state
from .store import Row
from .wire import JSON, TIME_FMT, drop_nulls

DAYPARTING_ALL = "1" * 336  # 48 half hours x 7 days, as in the documented examples
ALL_PLACEMENTS = ["PLACEMENT_TIKTOK", "PLACEMENT_GLOBAL_APP_BUNDLE", "PLACEMENT_PANGLE"]
AGE_GROUPS_18 = ["AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]
AGE_GROUPS_25 = ["AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]
SPARK_IDENTITIES = {"AUTH_CODE", "TT_USER", "BC_AUTH_TT"}
# How long a new ad stays in review (AD_STATUS_AUDIT) by the emulator's clock. Not documented by
# TikTok; one hour is the emulator's choice (docs/emulator.md).
AD_REVIEW = dt.timedelta(hours=1)


def row(kind: str, obj: JSON, now: str) -> Row:
    id_key = {"campaign": "campaign_id", "adgroup": "adgroup_id", "ad": "smart_plus_ad_id"}[kind]
    return Row(
        kind=kind,
        id=str(obj[id_key]),
        advertiser_id=str(obj["advertiser_id"]),
        campaign_id=None if kind == "campaign" else str(obj["campaign_id"]),
        adgroup_id=str(obj["adgroup_id"]) if kind == "ad" else None,
        operation_status=str(obj.get("operation_status", "ENABLE")),
        deleted=False,
        self_deleted=False,
        create_time=now,
        modify_time=now,
        data=obj,
    )


def build_campaign(body: JSON, campaign_id: str, now: str) -> JSON:
    obj: JSON = {k: copy.deepcopy(v) for k, v in body.items() if k != "request_id" and v is not None}
    cbo = bool(obj.get("budget_optimize_on", True))
    obj["budget_optimize_on"] = cbo
    obj.setdefault("budget_mode", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET" if cbo else "BUDGET_MODE_INFINITE")
    if obj["budget_mode"] == "BUDGET_MODE_INFINITE":
        obj["budget"] = 0
    obj.setdefault("campaign_type", "REGULAR_CAMPAIGN")
    if obj.get("objective_type") == "WEB_CONVERSIONS":
        obj.setdefault("sales_destination", "WEBSITE")
    obj.setdefault("operation_status", "ENABLE")
    obj["smart_plus_adgroup_mode"] = "MULTIPLE"
    obj["campaign_id"] = campaign_id
    obj["create_time"] = now
    obj["modify_time"] = now
    return obj


# Targeting fields TikTok honours per targeting mode (DOC:1843314887930946; DOC:1847839827327106). Fields
# outside the mode are "silently ignored, with no error": the emulator drops them (not stored, not echoed).
# The API reference lists operating_systems among the automatic audience controls; the appendix table
# omits it: the emulator follows the API reference.
AUTOMATIC_CONTROLS = frozenset(
    {
        "location_ids",
        "zipcode_ids",
        "spc_audience_age",
        "languages",
        "operating_systems",
        "excluded_audience_ids",
    }
)
AUTOMATIC_SUGGESTIONS = frozenset(
    {
        "age_groups",
        "gender",
        "audience_ids",
        "interest_category_ids",
        "interest_keyword_ids",
        "purchase_intention_keyword_ids",
        "actions",
    }
)
MANUAL_TARGETING = frozenset(
    {
        "location_ids",
        "zipcode_ids",
        "age_groups",
        "gender",
        "languages",
        "audience_ids",
        "excluded_audience_ids",
        "included_pangle_audience_package_ids",
        "excluded_pangle_audience_package_ids",
        "interest_category_ids",
        "interest_keyword_ids",
        "purchase_intention_keyword_ids",
        "actions",
        "smart_interest_behavior_enabled",
        "smart_audience_enabled",
        "spending_power",
        "household_income",
        "operating_systems",
        "min_android_version",
        "min_ios_version",
        "device_model_ids",
        "network_types",
        "carrier_ids",
        "isp_ids",
        "device_price_ranges",
        "saved_audience_id",
    }
)


def honoured_targeting_fields(mode: str, suggestions: bool) -> frozenset[str]:
    if mode == "MANUAL":
        return MANUAL_TARGETING
    return AUTOMATIC_CONTROLS | AUTOMATIC_SUGGESTIONS if suggestions else AUTOMATIC_CONTROLS


def honoured_targeting(spec: JSON, mode: str, suggestions: bool) -> JSON:
    """The part of a targeting_spec that TikTok keeps in this mode; the rest is ignored."""
    keep = honoured_targeting_fields(mode, suggestions)
    return {k: v for k, v in spec.items() if k in keep}


def targeting_defaults(spec: JSON) -> JSON:
    out: JSON = {k: copy.deepcopy(v) for k, v in spec.items() if v is not None}
    out.setdefault("spc_audience_age", "OVER_EIGHTEEN")
    if "age_groups" not in out:
        out["age_groups"] = list(
            AGE_GROUPS_25 if out["spc_audience_age"] == "OVER_TWENTY_FIVE" else AGE_GROUPS_18
        )
    out.setdefault("gender", "GENDER_UNLIMITED")
    out.setdefault("brand_safety_type", "EXPANDED_INVENTORY")
    out.setdefault("spending_power", "ALL")
    return out


def build_adgroup(body: JSON, adgroup_id: str, campaign: JSON, now: str) -> JSON:
    obj: JSON = {k: copy.deepcopy(v) for k, v in body.items() if k != "request_id" and v is not None}
    if "placement_type" not in obj or (
        obj["placement_type"] == "PLACEMENT_TYPE_AUTOMATIC" and not obj.get("placements")
    ):
        obj["placement_type"] = "PLACEMENT_TYPE_AUTOMATIC"
        obj["placements"] = list(ALL_PLACEMENTS)
    obj.setdefault("targeting_optimization_mode", "AUTOMATIC")
    obj["targeting_spec"] = targeting_defaults(
        honoured_targeting(
            obj.get("targeting_spec") or {},
            str(obj["targeting_optimization_mode"]),
            bool(obj.get("suggestion_audience_enabled", False)),
        )
    )
    obj.setdefault("bid_type", "BID_TYPE_NO_BID")
    obj.setdefault("conversion_bid_price", 0)
    goal = obj.get("optimization_goal")
    if goal in ("CONVERT", "VALUE"):
        obj.setdefault("click_attribution_window", "SEVEN_DAYS")
        obj.setdefault("view_attribution_window", "ONE_DAY")
        obj.setdefault("attribution_event_count", "EVERY")
    if goal == "TRAFFIC_LANDING_PAGE_VIEW":
        obj.setdefault("optimization_event", "LANDING_PAGE_VIEW")
    if obj.get("billing_event") == "OCPM":
        obj.setdefault("skip_learning_phase", True)
    obj.setdefault("dayparting", DAYPARTING_ALL)
    obj.setdefault("comment_disabled", False)
    obj.setdefault("share_disabled", False)
    obj.setdefault("video_download_disabled", False)
    obj.setdefault("search_result_enabled", True)
    obj.setdefault("pacing", "PACING_MODE_SMOOTH")
    obj.setdefault("product_source", "UNSET")
    obj.setdefault("promotion_website_type", "UNSET")
    obj.setdefault("operation_status", "ENABLE")
    if campaign.get("budget_optimize_on", True):
        # DOC:1843314887930946: with CBO on, ad groups answer BUDGET_MODE_INFINITE and budget 0.
        obj["budget_mode"] = "BUDGET_MODE_INFINITE"
        obj["budget"] = 0
    obj["campaign_id"] = campaign["campaign_id"]
    obj["adgroup_id"] = adgroup_id
    obj["create_time"] = now
    obj["modify_time"] = now
    return obj


def creative_key(creative: JSON) -> str:
    """Content key of a creative, so an update keeps the ad_material_id of an unchanged creative."""
    info = creative.get("creative_info") or {}
    parts = [
        str(info.get("ad_format")),
        str((info.get("video_info") or {}).get("video_id")),
        ",".join(str(i.get("web_uri")) for i in info.get("image_info") or []),
        str((info.get("music_info") or {}).get("music_id")),
        str(info.get("tiktok_item_id")),
        str(info.get("identity_type")),
        str(info.get("identity_id")),
    ]
    return "|".join(parts)


def build_creative(creative: JSON, material_id: str) -> JSON:
    info: JSON = {
        k: copy.deepcopy(v) for k, v in (creative.get("creative_info") or {}).items() if v is not None
    }
    if "identity_type" in info:
        # Non-BC identities answer "0" (DOC:1843317390059522 example); a non-Spark creative has no
        # identity of its own (it is in ad_configuration), so nothing is added there.
        info.setdefault("identity_authorized_bc_id", "0")
    if "tiktok_item_id" not in info:
        info.setdefault("material_name", "")
    if isinstance(info.get("video_info"), dict):
        info["video_info"].setdefault("file_name", "")
    return {"ad_material_id": material_id, "creative_info": info, "material_operation_status": "ENABLE"}


def build_ad(body: JSON, ad_id: str, adgroup: JSON, material_ids: list[str], now: str) -> JSON:
    obj: JSON = {k: copy.deepcopy(v) for k, v in body.items() if v is not None}
    obj["creative_list"] = [
        build_creative(c, mid) for c, mid in zip(body.get("creative_list") or [], material_ids, strict=True)
    ]
    for key in (
        "ad_text_list",
        "call_to_action_list",
        "deeplink_list",
        "interactive_add_on_list",
        "page_list",
    ):
        obj.setdefault(key, [])
    obj.setdefault("landing_page_url_list", [])
    obj.setdefault("ad_configuration", {})
    if not obj.get("ad_name"):
        obj["ad_name"] = ad_id  # DOC:1843317390059522: `ad_name: ""` names the ad with its id
    obj.setdefault("operation_status", "ENABLE")
    obj["smart_plus_ad_id"] = ad_id
    obj["adgroup_id"] = adgroup["adgroup_id"]
    obj["campaign_id"] = adgroup["campaign_id"]
    obj["create_time"] = now
    obj["modify_time"] = now
    return obj


def is_spark_creative(creative: JSON) -> bool:
    """Spark: a Spark identity or a TikTok post in creative_info. A creative without an identity of its
    own (the non-Spark identity in ad_configuration) or with the legacy CUSTOMIZED_USER is non-Spark."""
    info = creative.get("creative_info") or {}
    return info.get("identity_type") in SPARK_IDENTITIES or bool(info.get("tiktok_item_id"))


def is_push_creative(creative: JSON) -> bool:
    """Spark Push: a Spark identity with uploaded material (video or images), no TikTok post."""
    info = creative.get("creative_info") or {}
    return info.get("identity_type") in SPARK_IDENTITIES and not info.get("tiktok_item_id")


# ---------------------------------------------------------------------- read-time rendering


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, TIME_FMT)
    except ValueError:
        return None


def campaign_secondary(row: Row) -> str:
    if row.deleted:
        return "CAMPAIGN_STATUS_DELETE"
    if row.operation_status == "DISABLE":
        return "CAMPAIGN_STATUS_DISABLE"
    return "CAMPAIGN_STATUS_ENABLE"


def adgroup_secondary(row: Row, campaign: Row | None, live_ads: int, now: dt.datetime) -> str:
    if row.self_deleted:
        return "ADGROUP_STATUS_DELETE"
    if row.deleted or (campaign is not None and campaign.deleted):
        return "ADGROUP_STATUS_CAMPAIGN_DELETE"
    if row.operation_status == "DISABLE":
        return "ADGROUP_STATUS_DISABLE"
    if campaign is not None and campaign.operation_status == "DISABLE":
        return "ADGROUP_STATUS_CAMPAIGN_DISABLE"
    if live_ads == 0:
        return "ADGROUP_STATUS_CREATE"
    end = _parse(row.data.get("schedule_end_time"))
    if end is not None and end <= now:
        return "ADGROUP_STATUS_TIME_DONE"
    start = _parse(row.data.get("schedule_start_time"))
    if start is not None and start > now:
        return "ADGROUP_STATUS_NOT_START"
    return "ADGROUP_STATUS_DELIVERY_OK"


def ad_secondary(row: Row, adgroup: Row | None, campaign: Row | None, now: dt.datetime) -> str:
    if row.self_deleted:
        return "AD_STATUS_DELETE"
    if campaign is not None and campaign.deleted:
        return "AD_STATUS_CAMPAIGN_DELETE"
    if row.deleted or (adgroup is not None and adgroup.deleted):
        return "AD_STATUS_ADGROUP_DELETE"
    if row.operation_status == "DISABLE":
        return "AD_STATUS_DISABLE"
    if campaign is not None and campaign.operation_status == "DISABLE":
        return "AD_STATUS_CAMPAIGN_DISABLE"
    if adgroup is not None and adgroup.operation_status == "DISABLE":
        return "AD_STATUS_ADGROUP_DISABLE"
    review = review_state.secondary(row.data, row.create_time, now)  # ad review (review_state.py)
    if review is not None:
        return review
    if adgroup is not None:
        end = _parse(adgroup.data.get("schedule_end_time"))
        if end is not None and end <= now:
            return "AD_STATUS_DONE"
        start = _parse(adgroup.data.get("schedule_start_time"))
        if start is not None and start > now:
            return "AD_STATUS_NOT_START"
    return "AD_STATUS_DELIVERY_OK"


def render_campaign(row: Row) -> JSON:
    out = dict(row.data)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    out["secondary_status"] = campaign_secondary(row)
    return dict(drop_nulls(out))


def render_adgroup(row: Row, campaign: Row | None, live_ads: int, now: dt.datetime) -> JSON:
    out = dict(row.data)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    if campaign is not None:
        out["campaign_name"] = campaign.data.get("campaign_name")
        if campaign.data.get("budget_optimize_on", True):
            out["budget_mode"] = "BUDGET_MODE_INFINITE"
            out["budget"] = 0
    out["secondary_status"] = adgroup_secondary(row, campaign, live_ads, now)
    return dict(drop_nulls(out))


def render_ad(row: Row, adgroup: Row | None, campaign: Row | None, now: dt.datetime) -> JSON:
    out = dict(row.data)
    out.pop(review_state.KEY, None)
    out["operation_status"] = row.operation_status
    out["modify_time"] = row.modify_time
    if adgroup is not None:
        out["adgroup_name"] = adgroup.data.get("adgroup_name")
    if campaign is not None:
        out["campaign_name"] = campaign.data.get("campaign_name")
    out["secondary_status"] = ad_secondary(row, adgroup, campaign, now)
    return dict(drop_nulls(out))


def public(doc: JSON) -> JSON:
    """Drop the emulator's own bookkeeping keys (prefixed `_`) from a stored document."""
    return {k: v for k, v in doc.items() if not k.startswith("_")}
