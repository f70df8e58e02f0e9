"""The JSON Schema of a manifest document, generated from the ``Campaign`` model.

Pure: ``manifest_schema()`` builds it; ``python -m reconciler.core.schema`` prints
it (``make schemas`` writes it to ``schemas/manifest.schema.json``, and a test
fails when that file is stale). Editors with the YAML language server complete
and check plain manifests that start with::

    # yaml-language-server: $schema=../schemas/manifest.schema.json

Templates (``*.yaml.j2``) carry no modeline: they are not YAML until rendered;
docs/manifests.md says how to associate them with the schema instead.

What the schema says beyond pydantic's own output (issue 16):

- every field has a ``description`` (``DESCRIPTIONS`` below, from the current reference
  smart-plus-current.md: meaning, unit, limits, whether TikTok lets it be updated), so that
  hovering a field explains it;
- optional fields are not nullable: the manifests refuse ``null`` too (``manifests.py``), and a
  field left out is how to leave it unmanaged;
- every count limit is a ``minItems``/``maxItems`` (from the same constants ``rules.py`` checks);
- strings carry their length limits and refuse control characters (a ``pattern``), as the models.

The schema checks shape (fields, types, enums, formats, counts); the cross-field and cross-object
rules of ``rules.py`` are only checked by ``smartplus validate``.
"""

from __future__ import annotations

import json
from typing import Any

from reconciler.core import rules
from reconciler.core.resources import MAX_NAME, Campaign

U = "Updatable."
C = "Create-only: TikTok does not update it."

# model name -> field -> description. A test checks that every field of every model has one.
DESCRIPTIONS: dict[str, dict[str, str]] = {
    "MigrateFrom": {
        "campaign_id": "The id of the manual Web Conversions campaign to pause once this one runs.",
    },
    "Campaign": {
        "id": "Tool key: pins this campaign to the live campaign with this id (renames, adoption).",
        "advertiser_id": "The ad account (advertiser) id, a string of digits. With campaign_name it "
        "identifies the campaign.",
        "campaign_name": f"Campaign name, 1-{MAX_NAME} characters (CJK count 2), no emoji, one line. "
        "The campaign's identity within the advertiser; renaming needs an `id:` pin. " + U,
        "objective_type": "WEB_CONVERSIONS: the only objective this tool manages. " + C,
        "sales_destination": "WEBSITE (the only value here). Required by TikTok for WEB_CONVERSIONS; the "
        "tool sends WEBSITE when left out. " + C,
        "operation_status": "ENABLE or DISABLE. Managed: left out it means ENABLE (TikTok's default), "
        "so a pause made in Ads Manager is drift that the next plan re-enables.",
        "migrate_from": "Tool key: the manual (non-Smart+) campaign this one replaces. The plan creates "
        "this campaign, enables it, and only then pauses the manual one (/campaign/status/update/); "
        "see docs/migrate-from-manual.md.",
        "budget_optimize_on": "Campaign budget optimization (CBO). Default true: the campaign carries the "
        "budget and the ad groups none. A boolean (true/false; yes/no are strings). " + C,
        "budget_mode": "CBO on: BUDGET_MODE_DYNAMIC_DAILY_BUDGET (default; an average daily budget, a day "
        "may spend up to 125%) or BUDGET_MODE_TOTAL. CBO off: BUDGET_MODE_INFINITE (default), "
        "BUDGET_MODE_DAY or BUDGET_MODE_TOTAL, a cap over all ad groups. " + C,
        "budget": "Campaign budget in the account's currency, at most 2 decimals; required with CBO and "
        "with a DAY/TOTAL cap. Minimum 50 USD. A new budget must be at least 105% of the spend. " + U,
        "campaign_type": "REGULAR_CAMPAIGN (default) or IOS14_CAMPAIGN. " + C,
        "special_industries": "HOUSING, EMPLOYMENT and/or CREDIT; only for advertisers in the US or "
        "Canada. " + C,
        "po_number": "Purchase-order number, up to 100 characters. " + U,
        "is_promotional_campaign": "A promotional campaign (allowlist, default false). " + C,
        "catalog_enabled": "false or left out: this tool manages non-catalog web campaigns.",
        "guardrails": "Tool key: per-campaign guardrail settings (never sent to TikTok).",
        "prune": "Tool key: when true, ad groups and ads of this campaign that no manifest declares "
        "are disabled by the plan (never deleted). Default false.",
        "adgroups": f"The ad groups of the campaign (/smart_plus/adgroup/create/), at most "
        f"{rules.MAX_ADGROUPS}; names unique within the campaign.",
    },
    "Guardrails": {
        "historical_cpa": "Tool key: the campaign's usual cost per action, for the bid and budget "
        "guardrails (account currency).",
        "max_spend_increase": "Tool key: the largest daily spend increase a plan may make without an "
        "override (account currency).",
        "overrides": "Tool key: guardrail overrides that always apply to this campaign.",
    },
    "AdGroup": {
        "id": "Tool key: pins this ad group to the live ad group with this id.",
        "adgroup_name": f"Ad group name, 1-{MAX_NAME} characters, no emoji, one line; unique within the "
        "campaign. " + U,
        "operation_status": "ENABLE or DISABLE. Managed: left out it means ENABLE.",
        "promotion_type": "WEBSITE (the default, the only value for Web Conversions). " + C,
        "optimization_goal": "CONVERT (conversions), VALUE (purchase value), TRAFFIC_LANDING_PAGE_VIEW "
        "or CLICK. With CBO the same in every ad group. " + C,
        "optimization_event": "The pixel event optimized for: required with CONVERT and VALUE (VALUE: "
        "SHOPPING); none for CLICK; TRAFFIC_LANDING_PAGE_VIEW: LANDING_PAGE_VIEW or none. " + C,
        "custom_conversion_id": "A custom conversion (with pixel_id, goal CONVERT and its event). With "
        "CBO the same in every ad group. " + C,
        "pixel_id": "The TikTok Pixel id: required for CONVERT and VALUE, not allowed for CLICK and "
        "TRAFFIC_LANDING_PAGE_VIEW. " + C,
        "billing_event": "OCPM (default) for every goal but CLICK, which bills CPC. " + C,
        "bid_type": "Required. BID_TYPE_NO_BID (maximum delivery) or BID_TYPE_CUSTOM (cost cap, only "
        "with a dynamic daily budget). The same in every ad group of the campaign, CBO or not. " + C,
        "bid_price": "Target cost per click for CLICK with BID_TYPE_CUSTOM; below the budget. " + U,
        "conversion_bid_price": "Target cost per result with BID_TYPE_CUSTOM (CONVERT, "
        "TRAFFIC_LANDING_PAGE_VIEW); below the budget. " + U,
        "roas_bid": "Minimum return on ad spend for deep_bid_type VO_MIN_ROAS, 0.01-1000. " + U,
        "deep_bid_type": "Value bidding for VALUE: VO_HIGHEST_VALUE or VO_MIN_ROAS (daily budget "
        "only); DEFAULT is TikTok's echo for the other goals. " + C,
        "vbo_window": "Value optimization window: SEVEN_DAYS (default) or ZERO_DAY. " + C,
        "budget_mode": "CBO off only: BUDGET_MODE_DYNAMIC_DAILY_BUDGET or BUDGET_MODE_TOTAL (needs "
        "SCHEDULE_START_END), the same in every ad group. With CBO leave it out. " + C,
        "budget": "CBO off only: the ad group budget in the account's currency, at most 2 decimals; "
        "minimum 20 USD a day (20 x days for TOTAL). With CBO leave it out. " + U,
        "min_budget": "CBO on only: a best-effort floor of this ad group's share (the tool allows it "
        "with a TOTAL campaign budget, the web guide's reading). " + U,
        "schedule_type": "SCHEDULE_FROM_NOW (with a dynamic daily budget; no end time) or "
        "SCHEDULE_START_END (needs schedule_end_time). " + U,
        "schedule_start_time": "Start, 'YYYY-MM-DD HH:MM:SS' UTC (quote it); at most 12 hours in the "
        "past, no later than 2028-01-01. " + U,
        "schedule_end_time": "End for SCHEDULE_START_END, 'YYYY-MM-DD HH:MM:SS' UTC, after the start, "
        "no later than 2038-01-01. " + U,
        "dayparting": "336 characters of 0/1: 48 half hours x 7 days, Monday first. Left out or all 1: "
        "always on. " + U,
        "placement_type": "Leave out (with placements) for automatic placement, which includes TikTok. "
        "PLACEMENT_TYPE_NORMAL: choose placements. " + C,
        "placements": "With PLACEMENT_TYPE_NORMAL: PLACEMENT_TIKTOK, PLACEMENT_PANGLE, "
        "PLACEMENT_GLOBAL_APP_BUNDLE. Without TikTok, non-Spark ads and standard CTAs are allowed. " + C,
        "targeting_optimization_mode": "AUTOMATIC (default): audience controls plus optional "
        "suggestions; MANUAL: every targeting field applies. Fields outside the mode are ignored by "
        "TikTok and refused here. " + U,
        "suggestion_audience_enabled": "AUTOMATIC only: turn on audience suggestions (age groups, "
        "gender, audiences, interests, behaviours), hints delivery may not follow. Default false. " + U,
        "targeting_spec": "Required. The audience: location_ids always; which other fields apply "
        "depends on targeting_optimization_mode. " + U,
        "attribution_event_count": "UNSET, EVERY or ONCE. " + C,
        "click_attribution_window": "OFF, ONE_DAY, SEVEN_DAYS, FOURTEEN_DAYS or TWENTY_EIGHT_DAYS; set "
        "together with view_attribution_window, or both left out for the defaults. " + C,
        "view_attribution_window": "OFF, ONE_DAY or SEVEN_DAYS; set together with "
        "click_attribution_window. " + C,
        "engaged_view_attribution_window": "OFF (default), ONE_DAY or SEVEN_DAYS; only with both click "
        "and view windows. " + C,
        "comment_disabled": "Turn off comments (default false). " + U,
        "share_disabled": "Turn off sharing (default false). " + U,
        "video_download_disabled": "Turn off video download (default false). " + C,
        "ads": f"The ads of the ad group (/smart_plus/ad/create/), at most {rules.MAX_ADS}; names unique "
        "within the ad group.",
    },
    "TargetingSpec": {
        "actions": "Behaviours (video, creator, hashtag interactions). AUTOMATIC: a suggestion; MANUAL: "
        "applied. " + U,
        "age_groups": "AGE_18_24 ... AGE_55_100. AUTOMATIC: a suggestion (spc_audience_age is the "
        "guaranteed floor); MANUAL: applied. " + U,
        "audience_ids": "Custom or lookalike audiences to include. AUTOMATIC: a suggestion; MANUAL: "
        "applied. " + U,
        "blocked_pangle_app_ids": "Not honoured for Web Conversions (the Pangle block list is disabled); "
        "refused here.",
        "carrier_ids": "Mobile carriers. MANUAL only. " + U,
        "device_model_ids": "Device models. MANUAL only; not with device_price_ranges. " + U,
        "device_price_ranges": "Device price bounds, multiples of 50 (USD). MANUAL only; not with "
        "device_model_ids. " + U,
        "excluded_audience_ids": "Audiences to exclude: an audience control under AUTOMATIC, applied "
        "under MANUAL. " + U,
        "excluded_pangle_audience_package_ids": "Pangle audience packages to exclude. MANUAL only; not "
        "with the include list. " + U,
        "gender": "GENDER_UNLIMITED, GENDER_MALE or GENDER_FEMALE. AUTOMATIC: a suggestion; MANUAL: "
        "applied. " + U,
        "household_income": "TOP5, TOP10, TOP10_25, TOP25_50 (US). MANUAL only. " + U,
        "included_pangle_audience_package_ids": "Pangle audience packages to include. MANUAL only. " + U,
        "interest_category_ids": "Interest categories. AUTOMATIC: a suggestion; MANUAL: applied. " + U,
        "interest_keyword_ids": "Interest keywords. AUTOMATIC: a suggestion; MANUAL: applied. " + U,
        "isp_ids": "Internet service providers; needs a country-level location, not with Global App "
        "Bundle only. MANUAL only. " + U,
        "languages": "Language codes (e.g. en): an audience control under AUTOMATIC. " + U,
        "location_ids": "Required: location ids (countries, regions, cities) from TikTok's location "
        "list; an audience control. Once the US is targeted it cannot be removed. " + U,
        "min_android_version": "Minimum Android version. MANUAL only. " + U,
        "min_ios_version": "Minimum iOS version. MANUAL only. " + U,
        "network_types": "2G, 3G, 4G, 5G, WIFI. MANUAL only. " + U,
        "operating_systems": "One of ANDROID or IOS (leave out for both). MANUAL only here: the targeting "
        "appendix does not list it among the AUTOMATIC controls. " + U,
        "purchase_intention_keyword_ids": "Purchase-intention keywords. AUTOMATIC: a suggestion; "
        "MANUAL: applied. " + U,
        "saved_audience_id": "A saved audience (TikTok placement, no special industry); its settings win "
        "over the ad group's. MANUAL only. " + U,
        "smart_audience_enabled": "TikTok's audience expansion. MANUAL only. " + U,
        "smart_interest_behavior_enabled": "TikTok's interest and behaviour expansion. MANUAL only. " + U,
        "spc_audience_age": "Minimum age: OVER_EIGHTEEN (default) or OVER_TWENTY_FIVE. An AUTOMATIC "
        "audience control; ignored under MANUAL (use age_groups). " + U,
        "spending_power": "ALL or HIGH. MANUAL only. " + U,
        "zipcode_ids": "Zip codes: travel catalog campaigns only; refused here (use location_ids).",
    },
    "TargetingAction": {
        "action_category_ids": "Behaviour categories (only when TikTok is the only placement).",
        "action_period": "Look-back in days: 0, 7 or 15 (0 for creator and hashtag actions).",
        "action_scene": "VIDEO_RELATED, CREATOR_RELATED or HASHTAG_RELATED.",
        "video_user_actions": "The interactions of the scene (e.g. WATCHED_TO_END, LIKED).",
    },
    "Ad": {
        "id": "Tool key: pins this ad to the live ad with this id (smart_plus_ad_id).",
        "ad_name": f"Ad name, 1-{MAX_NAME} characters (CJK count 2), no emoji, one line; unique within "
        "the ad group (TikTok's auto-naming with an empty name is refused: names are identities). " + U,
        "operation_status": "ENABLE or DISABLE. Managed: left out it means ENABLE.",
        "cta_portfolio": "Tool key: `recommended` asks the tool for a dynamic CTA portfolio built from "
        "TikTok's CTA recommendation, created once and reused; excludes "
        "ad_configuration.call_to_action_id and call_to_action_list.",
        "ad_configuration": "Ad-level settings: the dynamic CTA, the non-Spark identity, tracking and "
        "UTM parameters. " + U,
        "ad_text_list": f"Ad texts, 1-{rules.MAX_AD_TEXTS}, distinct; required unless every creative is a "
        "TikTok post (then left out). " + U,
        "call_to_action_list": f"Standard CTAs, 1-{rules.MAX_CTAS}: only on ad groups without the TikTok "
        "placement; Spark ads on TikTok take a dynamic CTA instead. " + U,
        "creative_list": f"The creatives, 1-{rules.MAX_CREATIVES} (TikTok's docs; the SDK yml says 31): "
        "Spark Pull posts, Spark Push videos with a cover or carousels, or non-Spark material. " + U,
        "deeplink_list": f"At most {rules.MAX_DEEPLINKS} deeplink. " + U,
        "landing_page_url_list": f"The landing page: exactly {rules.MAX_LANDING_PAGES} URL, matching the "
        "ad group's pixel domain. " + U,
    },
    "AdConfiguration": {
        "call_to_action_id": "A dynamic CTA: the id of a CTA portfolio (creative_portfolio_id). Required "
        "for Spark ads on TikTok/automatic placement (or cta_portfolio). " + U,
        "dark_post_status": "Spark Push only: ON (default since 2026-01-27; the pushed post is ad-only) "
        "or OFF (refused for ads-only identities). " + U,
        "identity_id": "The Custom Identity id of a non-Spark ad (with identity_type). " + U,
        "identity_type": "CUSTOMIZED_USER: a non-Spark ad, only on ad groups that deliver to Pangle or "
        "Global App Bundle alone. " + U,
        "tracking_info": "Third-party impression and click tracking URLs. " + U,
        "utm_params": f"UTM parameters, at most {rules.MAX_UTM_PARAMS}, distinct keys; they are not "
        "appended to the URL: mirror any parameters the URL already has. " + U,
    },
    "TrackingInfo": {
        "click_tracking_url": "Third-party click tracking URL (http(s), up to 1024 characters).",
        "impression_tracking_url": "Third-party impression tracking URL (http(s), up to 1024 characters).",
        "tracking_app_id": "App id for offsite app events (must equal the ad group's app, if any).",
    },
    "UtmParam": {
        "key": "utm_source, utm_medium, utm_content, utm_campaign (case-sensitive) or a custom key "
        "(up to 100 characters).",
        "value": "The value, up to 600 characters; macros such as __CAMPAIGN_NAME__, __CID__, "
        "__PLACEMENT__ are expanded by TikTok.",
    },
    "Deeplink": {
        "deeplink": "The deeplink (an app URL), one line, up to 1024 characters.",
        "deeplink_type": "NORMAL or DEFERRED_DEEPLINK.",
    },
    "LandingPageUrl": {
        "landing_page_url": "The landing page, an http(s) URL up to 1024 characters (not documented; "
        "strict reading).",
    },
    "CallToActionItem": {
        "call_to_action": "A standard CTA (SHOP_NOW, LEARN_MORE, ...), off the TikTok placement only.",
    },
    "AdText": {
        "ad_text": "An ad text, 1-100 characters, one line (Smart+ limit not documented; the manual "
        "API's 100 is taken).",
    },
    "Creative": {
        "creative_info": "One creative: its format, media and (for Spark) identity.",
    },
    "CreativeInfo": {
        "ad_format": "SINGLE_VIDEO (a video, or a video post) or CAROUSEL_ADS (images + music, or a "
        "photo post). CATALOG_CAROUSEL is for catalog campaigns and refused here.",
        "aigc_disclosure_type": "SELF_DISCLOSURE or NOT_DECLARED (default): only for non-Spark ads "
        "(ad_configuration CUSTOMIZED_USER).",
        "identity_authorized_bc_id": "The Business Center id for identity_type BC_AUTH_TT (and only then).",
        "identity_id": "The Spark identity id (the TikTok account whose post this is).",
        "identity_type": "Spark identity: TT_USER or BC_AUTH_TT (Push and Pull), AUTH_CODE (Pull only). "
        "Required for Spark; non-Spark ads set ad_configuration.identity_type instead.",
        "image_info": "Spark Push / non-Spark: for SINGLE_VIDEO exactly one cover (same aspect as the "
        "video); for CAROUSEL_ADS 1-35 carousel-usable images. Left out for TikTok posts.",
        "music_info": "The music track of a carousel (required there); left out for TikTok posts.",
        "tiktok_item_id": "Spark Pull: the id of an existing TikTok post of the identity (it carries "
        "its own media and caption).",
        "video_info": "Spark Push / non-Spark SINGLE_VIDEO: the uploaded video. Left out for TikTok posts.",
    },
    "VideoInfo": {
        "video_id": "The id of an uploaded video (/file/video/ad/upload/); or `file`.",
        "file": "Tool key, instead of video_id: a video file (mp4/mov/mpeg/avi) relative to the "
        "manifest, inside the manifest folders; the plan uploads it once by content (MD5).",
        "file_name": "Optional file name, 1-100 characters.",
    },
    "ImageInfo": {
        "web_uri": "The image_id of an uploaded image (/file/image/ad/upload/); or `file`.",
        "file": "Tool key, instead of web_uri: an image file (jpg/jpeg/png, up to 50 MB and "
        "3,686,400 pixels) relative to the manifest, inside the manifest folders.",
    },
    "MusicInfo": {
        "music_id": "The id of a music track.",
    },
}

# (model, field) -> (minItems, maxItems): every count limit of the reference (rules.py checks the
# same numbers with their own rule ids and messages). A minItems only where validate refuses an
# empty list too, so that the two agree.
COUNTS: dict[tuple[str, str], tuple[int | None, int | None]] = {
    ("Campaign", "adgroups"): (None, rules.MAX_ADGROUPS),
    ("Campaign", "special_industries"): (None, 3),
    ("AdGroup", "ads"): (None, rules.MAX_ADS),
    ("AdGroup", "placements"): (1, 3),
    ("Ad", "creative_list"): (1, rules.MAX_CREATIVES),
    ("Ad", "ad_text_list"): (None, rules.MAX_AD_TEXTS),
    ("Ad", "call_to_action_list"): (None, rules.MAX_CTAS),
    ("Ad", "landing_page_url_list"): (1, rules.MAX_LANDING_PAGES),
    ("Ad", "deeplink_list"): (None, rules.MAX_DEEPLINKS),
    ("AdConfiguration", "utm_params"): (None, rules.MAX_UTM_PARAMS),
    ("CreativeInfo", "image_info"): (1, rules.MAX_CAROUSEL_IMAGES),
    ("TargetingSpec", "location_ids"): (1, None),
    ("TargetingSpec", "operating_systems"): (None, 1),
}


def _not_nullable(prop: dict[str, Any]) -> dict[str, Any]:
    """``{"anyOf": [X, {"type": "null"}], "default": None, ...}`` -> ``X`` with the other keys."""
    options = prop.get("anyOf")
    if isinstance(options, list):
        rest = [o for o in options if o != {"type": "null"}]
        if len(rest) != len(options):
            out = {k: v for k, v in prop.items() if k != "anyOf"}
            if len(rest) == 1:
                out.update(rest[0])
            else:
                out["anyOf"] = rest
            prop = out
    if prop.get("default", 0) is None:
        prop = {k: v for k, v in prop.items() if k != "default"}
    return prop


def _document(name: str, model: dict[str, Any]) -> None:
    props = model.get("properties", {})
    docs = DESCRIPTIONS.get(name, {})
    for field, prop in list(props.items()):
        prop = _not_nullable(prop)
        prop.pop("title", None)  # "Budget Mode" says less than the description
        if field in docs:
            prop["description"] = docs[field]
        least, most = COUNTS.get((name, field), (None, None))
        target = prop if prop.get("type") == "array" else None
        if target is not None:
            if least is not None:
                target["minItems"] = least
            if most is not None:
                target["maxItems"] = most
        props[field] = prop


def manifest_schema() -> dict[str, Any]:
    schema = Campaign.model_json_schema(mode="validation")
    for name, model in schema.get("$defs", {}).items():
        _document(name, model)
    _document("Campaign", schema)
    out: dict[str, Any] = {"$schema": "https://json-schema.org/draft/2020-12/schema"}
    out.update(schema)
    out["description"] = (
        "One Smart+ Web Conversions campaign: the fields of /smart_plus/campaign/create/, with "
        "adgroups (/smart_plus/adgroup/create/) and their ads (/smart_plus/ad/create/). "
        "Generated by `make schemas` from reconciler/core/resources.py and schema.py; do not edit."
    )
    return out


def render() -> str:
    return json.dumps(manifest_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"


def main() -> None:
    print(render(), end="")


if __name__ == "__main__":
    main()
