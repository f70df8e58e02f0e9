"""Field-level checks of request bodies: required fields, types, enums, lengths, list sizes.

No I/O. The field lists are those of `smart-plus-fields.md` (TikTok's SDK definition) and the enum
values those of `api-behavior.md` section 3 (the documented web values where the YML and the docs
differ, stated per field below). Every failure is 40002 `<json.path>: <reason>`; the reasons that were
observed on the real API are used verbatim ("value is required but missing", "Not a valid string",
"Field must be set to array"); the others are the emulator's wording (docs/emulator.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .wire import JSON, param_error

REQUIRED = "value is required but missing"


@dataclass(frozen=True)
class F:
    kind: str  # str | id | bool | num | int | enum | list | obj
    required: bool = False
    enum: tuple[str, ...] = ()
    item: F | None = None
    fields: dict[str, F] = field(default_factory=dict)
    min_items: int | None = None
    max_items: int | None = None
    min_len: int | None = None
    max_len: int | None = None
    cjk_double: bool = False  # names: a CJK character counts 2 towards max_len


def S(required: bool = False, min_len: int | None = None, max_len: int | None = None) -> F:
    return F("str", required=required, min_len=min_len, max_len=max_len)


def NAME(required: bool = False, min_len: int = 1, cjk_double: bool = False) -> F:
    """An object name: at most 512 characters and no emoji (DOC:1843312852800706, 1843314887930946,
    1843317390059522); for campaign names a CJK character counts 2."""
    return F("name", required=required, min_len=min_len, max_len=512, cjk_double=cjk_double)


# Which characters TikTok counts as emoji is NOT FOUND in the reference. The emulator takes the
# Unicode emoji blocks (pictographs, symbols and dingbats, flags, arrows-and-stars, technical symbols)
# plus the emoji variation selector and zero-width joiner; (c), (R) and TM signs are not emoji here.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\U00002600-\U000027bf\U00002b00-\U00002bff"
    "\U00002300-\U000023ff\U0001f1e6-\U0001f1ff\U0000fe0f\U0000200d]"
)
# CJK Unified Ideographs (and extension A), Hiragana, Katakana and Hangul syllables.
_CJK = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def has_emoji(value: str) -> bool:
    return _EMOJI.search(value) is not None


def name_length(value: str, cjk_double: bool) -> int:
    return len(value) + (len(_CJK.findall(value)) if cjk_double else 0)


def ID(required: bool = False) -> F:
    return F("id", required=required)


def B(required: bool = False) -> F:
    return F("bool", required=required)


def N(required: bool = False) -> F:
    return F("num", required=required)


def I(required: bool = False) -> F:  # noqa: E743
    return F("int", required=required)


def E(values: Sequence[str], required: bool = False) -> F:
    return F("enum", required=required, enum=tuple(values))


def L(item: F, required: bool = False, min_items: int | None = None, max_items: int | None = None) -> F:
    return F("list", required=required, item=item, min_items=min_items, max_items=max_items)


def O(fields: dict[str, F], required: bool = False) -> F:  # noqa: E743
    return F("obj", required=required, fields=fields)


def is_id(value: Any) -> bool:
    """TikTok converts ids with int64(%s): a decimal string (or integer) within int64."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 <= value < 2**63
    if isinstance(value, str) and value.isdigit() and len(value) <= 19:
        return int(value) < 2**63
    return False


def check(value: Any, spec: F, path: str) -> Any:
    """Check one value against its spec; return it normalized (ids as strings)."""
    if spec.kind == "str":
        if not isinstance(value, str):
            raise param_error(path, "Not a valid string")
        if (
            spec.min_len is not None
            and spec.max_len is not None
            and not (spec.min_len <= len(value) <= spec.max_len)
        ):
            raise param_error(path, f"Length must be between {spec.min_len} and {spec.max_len}.")
        return value
    if spec.kind == "name":
        if not isinstance(value, str):
            raise param_error(path, "Not a valid string")
        assert spec.min_len is not None and spec.max_len is not None
        if not spec.min_len <= name_length(value, spec.cjk_double) <= spec.max_len:
            extra = " (a CJK character counts 2)" if spec.cjk_double else ""
            raise param_error(path, f"Length must be between {spec.min_len} and {spec.max_len}{extra}.")
        if has_emoji(value):
            raise param_error(path, "Must not contain emoji.")
        return value
    if spec.kind == "id":
        if not is_id(value):
            raise param_error(path, "Not a valid ID. IDs are strings of a 64-bit integer.")
        return str(value)
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise param_error(path, "Not a valid boolean.")
        return value
    if spec.kind == "num":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise param_error(path, "Not a valid number.")
        return value
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise param_error(path, "Not a valid integer.")
        return value
    if spec.kind == "enum":
        if not isinstance(value, str):
            raise param_error(path, "Not a valid string")
        if value not in spec.enum:
            raise param_error(path, f"Must be one of: {', '.join(spec.enum)}.")
        return value
    if spec.kind == "list":
        if not isinstance(value, list):
            raise param_error(path, "Field must be set to array")
        if spec.min_items is not None and len(value) < spec.min_items:
            raise param_error(path, _size_reason(spec))
        if spec.max_items is not None and len(value) > spec.max_items:
            raise param_error(path, _size_reason(spec))
        assert spec.item is not None
        return [check(v, spec.item, f"{path}[{i}]") for i, v in enumerate(value)]
    if spec.kind == "obj":
        if not isinstance(value, dict):
            raise param_error(path, "Field must be set to object")
        return check_object(value, spec.fields, path)
    raise AssertionError(spec.kind)


def _size_reason(spec: F) -> str:
    if spec.min_items is not None and spec.max_items is not None:
        return f"Must contain between {spec.min_items} and {spec.max_items} items."
    if spec.max_items is not None:
        return f"Must contain at most {spec.max_items} items."
    return f"Must contain at least {spec.min_items} items."


def join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def check_object(
    body: JSON, fields: dict[str, F], prefix: str = "", *, not_updatable: frozenset[str] = frozenset()
) -> JSON:
    """Unknown keys are refused (strict reading); a null value counts as absent."""
    for key in body:
        if key not in fields:
            if key in not_updatable:
                raise param_error(join(prefix, key), "This field cannot be updated.")
            raise param_error(join(prefix, key), "Unknown field.")
    out: JSON = {}
    for name, spec in fields.items():
        value = body.get(name)
        if value is None:
            if spec.required:
                raise param_error(join(prefix, name), REQUIRED)
            continue
        out[name] = check(value, spec, join(prefix, name))
    return out


# ---------------------------------------------------------------------- enums (api-behavior.md 3)

OBJECTIVES = ("APP_PROMOTION", "LEAD_GENERATION", "WEB_CONVERSIONS")
CAMPAIGN_BUDGET_MODES_CBO = ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_TOTAL")
CAMPAIGN_BUDGET_MODES_NO_CBO = ("BUDGET_MODE_INFINITE", "BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL")
CAMPAIGN_BUDGET_MODES = (
    "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
    "BUDGET_MODE_TOTAL",
    "BUDGET_MODE_INFINITE",
    "BUDGET_MODE_DAY",
)
CREATE_STATUSES = ("ENABLE", "DISABLE")  # docs; the YML's FROZEN is not offered by the docs
STATUS_UPDATE = ("ENABLE", "DISABLE", "DELETE")
SALES_DESTINATIONS = ("WEBSITE", "APP", "WEB_AND_APP")
CAMPAIGN_TYPES = ("REGULAR_CAMPAIGN", "IOS14_CAMPAIGN")
SPECIAL_INDUSTRIES = ("HOUSING", "EMPLOYMENT", "CREDIT")

OPTIMIZATION_GOALS = (
    "CLICK",
    "INSTALL",
    "IN_APP_EVENT",
    "VALUE",
    "CONVERT",
    "TRAFFIC_LANDING_PAGE_VIEW",
    "CONVERSATION",
    "LEAD_GENERATION",
)
WEB_GOALS = ("CONVERT", "VALUE", "CLICK", "TRAFFIC_LANDING_PAGE_VIEW")
WEB_EVENTS = (
    "SHOPPING",
    "INITIATE_ORDER",
    "ON_WEB_CART",
    "ON_WEB_DETAIL",
    "ON_WEB_REGISTER",
    "FORM",
    "ADD_BILLING",
    "ON_WEB_SEARCH",
    "ON_WEB_SUBSCRIBE",
    "ON_WEB_ADD_TO_WISHLIST",
    "CONSULT",
    "DOWNLOAD_START",
)
BILLING_EVENTS = ("CPA", "CPC", "CPM", "CPV", "GD", "OCPM")  # yml valid; docs narrow web to OCPM/CPC
BID_TYPES = ("BID_TYPE_NO_BID", "BID_TYPE_CUSTOM", "BID_TYPE_MAX_CONVERSION")
DEEP_BID_TYPES = ("AEO", "DEFAULT", "MIN", "PACING", "VO_HIGHEST_VALUE", "VO_MIN", "VO_MIN_ROAS")
# DOC:1843314887930946 (smart-plus-current.md 0.4): an ad group takes only these two; the YML's DAY and
# INFINITE are not accepted (INFINITE is only what a CBO ad group answers).
ADGROUP_BUDGET_MODES = ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_TOTAL")
PACING = ("PACING_MODE_SMOOTH", "PACING_MODE_FAST")
SCHEDULE_TYPES = ("SCHEDULE_FROM_NOW", "SCHEDULE_START_END")
PLACEMENT_TYPES = ("PLACEMENT_TYPE_AUTOMATIC", "PLACEMENT_TYPE_NORMAL")
PLACEMENTS = ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE")
AGE_GROUPS = ("AGE_13_17", "AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
GENDERS = ("GENDER_UNLIMITED", "GENDER_MALE", "GENDER_FEMALE")
SPC_AGES = ("OVER_EIGHTEEN", "OVER_TWENTY_FIVE")
SPENDING_POWER = ("ALL", "HIGH")
HOUSEHOLD_INCOME = ("TOP5", "TOP10", "TOP10_25", "TOP25_50")
NETWORK_TYPES = ("2G", "3G", "4G", "5G", "WIFI")
OPERATING_SYSTEMS = ("ANDROID", "IOS")
TARGETING_MODES = ("AUTOMATIC", "MANUAL")
# DOC:1843314887930946 (smart-plus-current.md 0.11): one list per window, no UNSET; the minis-only click
# windows and the web+app-only 14/28-day engaged-view windows are not offered for WEBSITE.
CLICK_WINDOWS = ("OFF", "ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS", "TWENTY_EIGHT_DAYS")
VIEW_WINDOWS = ("OFF", "ONE_DAY", "SEVEN_DAYS")
ENGAGED_VIEW_WINDOWS = ("OFF", "ONE_DAY", "SEVEN_DAYS")
ATTRIBUTION_COUNTS = ("UNSET", "EVERY", "ONCE")
ADGROUP_IDENTITY_TYPES = ("TT_USER", "BC_AUTH_TT")

AD_FORMATS = ("SINGLE_VIDEO", "CAROUSEL_ADS", "CATALOG_CAROUSEL")
IDENTITY_TYPES = ("AUTH_CODE", "BC_AUTH_TT", "CUSTOMIZED_USER", "TT_USER")
CTAS = (
    "APPLY_NOW",
    "BOOK_NOW",
    "CALL_NOW",
    "CHECK_AVAILABILITY",
    "CONTACT_US",
    "DOWNLOAD_NOW",
    "EXPERIENCE_NOW",
    "GET_QUOTE",
    "GET_SHOWTIMES",
    "GET_TICKETS_NOW",
    "INSTALL_NOW",
    "INTERESTED",
    "JOIN_THIS_HASHTAG",
    "LEARN_MORE",
    "LISTEN_NOW",
    "ORDER_NOW",
    "PLAY_GAME",
    "PREORDER_NOW",
    "READ_MORE",
    "SEND_MESSAGE",
    "SHOOT_WITH_THIS_EFFECT",
    "SHOP_NOW",
    "SIGN_UP",
    "SUBSCRIBE",
    "VIEW_NOW",
    "VIEW_PROFILE",
    "VIEW_VIDEO_WITH_THIS_EFFECT",
    "VISIT_STORE",
    "WATCH_LIVE",
    "WATCH_NOW",
)
END_CARD_CTAS = (
    "BOOK_NOW",
    "CONTACT_US",
    "LEARN_MORE",
    "ORDER_NOW",
    "READ_MORE",
    "SEARCH_INVENTORY",
    "SHOP_NOW",
    "SIGN_UP",
    "VIEW_MORE",
)
DARK_POST = ("ON", "OFF")
AIGC = ("SELF_DISCLOSURE", "NOT_DECLARED", "UNSET")
DEEPLINK_TYPES = ("NORMAL", "DEFERRED_DEEPLINK")
AUTO_DISCLAIMERS = ("DISCOUNT", "EMISSION")

# ---------------------------------------------------------------------- bodies (smart-plus-fields.md)

CAMPAIGN_CREATE: dict[str, F] = {
    "advertiser_id": ID(True),
    "app_id": S(),
    "app_promotion_type": S(),
    "bid_align_type": S(),
    "budget": N(),
    "budget_mode": E(CAMPAIGN_BUDGET_MODES),
    "budget_optimize_on": B(),
    "campaign_app_profile_page_state": S(),
    "campaign_name": NAME(True, cjk_double=True),
    "campaign_type": E(CAMPAIGN_TYPES),
    "catalog_enabled": B(),
    "catalog_type": S(),
    "disable_skan_campaign": B(),
    "is_advanced_dedicated_campaign": B(),
    "is_promotional_campaign": B(),
    "objective_type": E(OBJECTIVES, True),
    "open_api_partner": S(),
    "operation_status": E(CREATE_STATUSES),
    "po_number": S(),
    "postback_window_mode": S(),
    "request_id": S(True),
    "sales_destination": E(SALES_DESTINATIONS),
    "special_industries": L(E(SPECIAL_INDUSTRIES)),
}

CAMPAIGN_UPDATE: dict[str, F] = {
    "advertiser_id": ID(True),
    "budget": N(),
    "campaign_id": ID(True),
    "campaign_name": NAME(False, cjk_double=True),
    "po_number": S(),
}

STATUS_CAMPAIGN: dict[str, F] = {
    "advertiser_id": ID(True),
    "campaign_ids": L(ID(), True, 1, 20),
    "operation_status": E(STATUS_UPDATE, True),
    "postback_window_mode": S(),
}
STATUS_ADGROUP: dict[str, F] = {
    "advertiser_id": ID(True),
    "adgroup_ids": L(ID(), True, 1, 20),
    "operation_status": E(STATUS_UPDATE, True),
}
STATUS_AD: dict[str, F] = {
    "advertiser_id": ID(True),
    "smart_plus_ad_ids": L(ID(), True, 1, 20),
    "operation_status": E(STATUS_UPDATE, True),
}

_STR_LIST = L(S())
TARGETING_SPEC: dict[str, F] = {
    "actions": L(
        O(
            {
                "action_category_ids": _STR_LIST,
                "action_period": I(),
                "action_scene": S(),
                "video_user_actions": _STR_LIST,
            }
        )
    ),
    "age_groups": L(E(AGE_GROUPS)),
    "audience_ids": _STR_LIST,
    "blocked_pangle_app_ids": _STR_LIST,
    "carrier_ids": _STR_LIST,
    "device_model_ids": _STR_LIST,
    "device_price_ranges": L(I()),
    "excluded_audience_ids": _STR_LIST,
    "excluded_pangle_audience_package_ids": _STR_LIST,
    "gender": E(GENDERS),
    "household_income": L(E(HOUSEHOLD_INCOME)),
    "included_pangle_audience_package_ids": _STR_LIST,
    "interest_category_ids": _STR_LIST,
    "interest_keyword_ids": _STR_LIST,
    "isp_ids": _STR_LIST,
    "languages": _STR_LIST,
    "location_ids": _STR_LIST,
    "min_android_version": S(),
    "min_ios_version": S(),
    "network_types": L(E(NETWORK_TYPES)),
    "operating_systems": L(E(OPERATING_SYSTEMS), False, None, 1),  # one value (DOC:1843314887930946)
    "purchase_intention_keyword_ids": _STR_LIST,
    "saved_audience_id": S(),
    "smart_audience_enabled": B(),
    "smart_interest_behavior_enabled": B(),
    "spc_audience_age": E(SPC_AGES),
    "spending_power": E(SPENDING_POWER),
    "zipcode_ids": _STR_LIST,
}
_PHONE = O({"phone_number": S(), "phone_region_calling_code": S(), "phone_region_code": S()})

ADGROUP_CREATE: dict[str, F] = {
    "adgroup_name": NAME(True),
    "advertiser_id": ID(True),
    "app_id": S(),
    "attribution_event_count": E(ATTRIBUTION_COUNTS),
    "bid_price": N(),
    "bid_type": E(BID_TYPES, True),  # Required (DOC:1843314887930946); the SDK marks it optional
    "billing_event": E(BILLING_EVENTS, True),
    "budget": N(),
    "budget_mode": E(ADGROUP_BUDGET_MODES),
    "campaign_id": ID(True),
    "catalog_authorized_bc_id": S(),
    "catalog_id": S(),
    "click_attribution_window": E(CLICK_WINDOWS),
    "comment_disabled": B(),
    "conversion_bid_price": N(),
    "custom_conversion_id": S(),
    "dayparting": S(),
    "deep_bid_type": E(DEEP_BID_TYPES),
    "deep_cpabid": N(),
    "deep_funnel_event_source": S(),
    "deep_funnel_event_source_id": S(),
    "deep_funnel_optimization_event": S(),
    "deep_funnel_optimization_status": S(),
    "engaged_view_attribution_window": E(ENGAGED_VIEW_WINDOWS),
    "identity_authorized_bc_id": S(),
    "identity_id": S(),
    "identity_type": E(ADGROUP_IDENTITY_TYPES),
    "message_event_set_id": S(),
    "messaging_app_account_id": S(),
    "messaging_app_type": S(),
    "min_budget": N(),
    "movie_premiere_date": S(),
    "open_api_partner": S(),
    "operation_status": E(CREATE_STATUSES),
    "optimization_event": S(),
    "optimization_goal": E(OPTIMIZATION_GOALS, True),
    "phone_info": _PHONE,
    "pixel_id": ID(),
    "placement_type": E(PLACEMENT_TYPES),
    "placements": L(E(PLACEMENTS)),
    "product_source": S(),
    "promotion_target_type": S(),
    "promotion_type": S(True),
    "promotion_website_type": S(),
    "request_id": S(True),
    "roas_bid": N(),
    "schedule_end_time": S(),
    "schedule_start_time": S(True),
    "schedule_type": E(SCHEDULE_TYPES, True),
    "share_disabled": B(),
    "suggestion_audience_enabled": B(),
    "targeting_optimization_mode": E(TARGETING_MODES),
    "targeting_spec": O(TARGETING_SPEC, True),
    "vbo_window": S(),
    "video_download_disabled": B(),
    "view_attribution_window": E(VIEW_WINDOWS),
    "zalo_id_type": S(),
}

ADGROUP_UPDATE: dict[str, F] = {
    "adgroup_id": ID(True),
    "adgroup_name": NAME(False),
    "advertiser_id": ID(True),
    "bid_price": N(),
    "budget": N(),
    "comment_disabled": B(),
    "conversion_bid_price": N(),
    "dayparting": S(),
    "min_budget": N(),
    "movie_premiere_date": S(),
    "pacing": E(PACING),
    "roas_bid": N(),
    "schedule_end_time": S(),
    "schedule_start_time": S(),
    "schedule_type": E(SCHEDULE_TYPES),
    "share_disabled": B(),
    "suggestion_audience_enabled": B(),
    "targeting_optimization_mode": E(TARGETING_MODES),
    "targeting_spec": O(TARGETING_SPEC),
}

_CREATIVE_INFO: dict[str, F] = {
    "ad_format": E(AD_FORMATS, True),
    "aigc_disclosure_type": E(AIGC),
    "identity_authorized_bc_id": S(),
    "identity_id": S(),
    "identity_type": E(IDENTITY_TYPES),
    "image_info": L(O({"web_uri": S(True)}), False, 1, 35),
    "music_info": O({"music_id": S(True)}),
    "tiktok_item_id": S(),
    "video_info": O({"file_name": S(), "video_id": S(True)}),
}
_AD_CONFIGURATION: dict[str, F] = {
    "auto_disclaimer_types": L(E(AUTO_DISCLAIMERS)),
    "call_to_action_id": S(),
    "catalog_creative_toggle": B(),
    "dark_post_status": E(DARK_POST),
    "end_card_cta": E(END_CARD_CTAS),
    "fallback_type": S(),
    "identity_id": S(),
    "identity_type": E(("CUSTOMIZED_USER",)),
    "phone_info": _PHONE,
    "product_display_field_list": _STR_LIST,
    "product_ids": _STR_LIST,
    "product_set_id": S(),
    "product_specific_type": S(),
    "tracking_info": O(
        {
            "click_tracking_url": S(),
            "impression_tracking_url": S(),
            "tracking_app_id": S(),
            "tracking_message_event_set_id": S(),
        }
    ),
    "utm_params": L(O({"key": S(), "value": S()}), False, None, 14),
}
_AD_CONFIGURATION_UPDATE = {k: v for k, v in _AD_CONFIGURATION.items() if k != "product_display_field_list"}
_AD_CONFIGURATION_UPDATE["tracking_info"] = O(
    {"click_tracking_url": S(), "impression_tracking_url": S(), "tracking_app_id": S()}
)

AD_CREATE: dict[str, F] = {
    "ad_configuration": O(_AD_CONFIGURATION),
    "ad_name": NAME(True, 0),
    "ad_text_list": L(O({"ad_text": S(True)}), False, None, 5),
    "adgroup_id": ID(True),
    "advertiser_id": ID(True),
    "auto_message_list": L(O({"auto_message_id": S()}), False, None, 1),
    "call_to_action_list": L(O({"call_to_action": E(CTAS, True)}), False, None, 3),
    "creative_list": L(O({"creative_info": O(_CREATIVE_INFO, True)}), True, 1, 50),
    "deeplink_list": L(O({"deeplink": S(), "deeplink_type": E(DEEPLINK_TYPES)}), False, None, 1),
    "interactive_add_on_list": L(O({"card_id": S(True)}), False, None, 1),
    "landing_page_url_list": L(O({"landing_page_url": S()}), False, None, 1),
    "operation_status": E(CREATE_STATUSES),
    "page_list": L(O({"page_id": S(True)}), False, None, 3),
}

AD_UPDATE: dict[str, F] = {
    "ad_configuration": O(_AD_CONFIGURATION_UPDATE),
    "ad_name": NAME(False, 0),
    "ad_text_list": L(O({"ad_text": S(True)}), False, None, 5),
    "advertiser_id": ID(True),
    "call_to_action_list": L(O({"call_to_action": E(CTAS, True)}), False, None, 3),
    "creative_list": L(O({"creative_info": O(_CREATIVE_INFO, True)}), False, 1, 50),
    "deeplink_list": L(O({"deeplink": S(), "deeplink_type": E(DEEPLINK_TYPES)}), False, None, 1),
    "interactive_add_on_list": L(O({"card_id": S(True)}), False, None, 1),
    "landing_page_url_list": L(O({"landing_page_url": S()}), False, None, 1),
    "page_list": L(O({"page_id": S(True)}), False, None, 3),
    "smart_plus_ad_id": ID(True),
}
