"""Pydantic models of the manifest: a campaign with its ad groups and their ads.

Pure (no I/O). Field names and enum values are TikTok's own, from the create
bodies of ``/smart_plus/{campaign,adgroup,ad}/create/`` (see
``shared/reference/smart-plus-fields.md``), so TikTok's docs apply 1:1. Fields the
tool sets itself (``request_id``, ``campaign_id``, ``adgroup_id``, the ad group's
and ad's ``advertiser_id``) are not part of the manifest. The tool's own keys are
``id``, ``guardrails`` and ``prune`` (plus the nesting keys ``adgroups``/``ads``).

Scope is the Smart+ **Web Conversions** surface: create-body fields that only
serve app promotion, messaging or lead generation are left out on purpose and
listed in ``NOT_FOR_WEB`` so that the error for them says why instead of just
"unknown field".

Models are frozen and forbid unknown keys, so a typo is an error at every
nesting level. Whether a field was written in the manifest is kept
(``model_fields_set``): only written fields are managed by the planner. The
only defaults are values TikTok itself would apply (``promotion_type``
WEBSITE, ``billing_event`` OCPM) or ``None``.

Field-level checks that need a good message raise ``PydanticCustomError`` whose
type is the rule id (``id-format``, ``time-format``, ``url``, ``name-length``
...), so that ``manifests.validation_problems`` reports ``rule`` as-is.
Cross-field and cross-object rules live in ``rules.py``.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

# Keys of the manifest that are the tool's own, never sent to TikTok.
TOOL_KEYS = frozenset({"id", "guardrails", "prune", "migrate_from", "adgroups", "ads"})

# ---- scalar types --------------------------------------------------------------------------------

ID_PATTERN = r"^[0-9]{1,19}$"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
MAX_NAME = 512
# Rule ids that the field validators below raise (as the pydantic error type).
FIELD_RULES = frozenset({"id-format", "time-format", "url", "name-length", "name-emoji", "dayparting"})


_ID_RE = re.compile(ID_PATTERN)


def _check_id(value: str) -> str:
    # TikTok converts ids with int64(%s) (api-behavior.md 1), so an id is a decimal string within int64.
    if not _ID_RE.fullmatch(value) or (len(value) == 19 and int(value) >= 2**63):
        raise PydanticCustomError("id-format", "an id is a string of digits (a 64-bit integer)", {})
    return value


def _check_time(value: str) -> str:
    # smart_plus documents "YYYY-MM-DD HH:MM:SS" (UTC+0); that it also takes ISO 8601 is only observed on
    # the manual /adgroup/create/ (api-behavior.md 3), so the strict reading is the documented format.
    try:
        dt.datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        raise PydanticCustomError("time-format", "a time is 'YYYY-MM-DD HH:MM:SS' (UTC)", {}) from None
    return value


def _check_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/$.?#][^\s]*", value):
        raise PydanticCustomError("url", "an http(s) URL is expected", {})
    return value


def _check_dayparting(value: str) -> str:
    if not re.fullmatch(r"[01]{336}", value):
        raise PydanticCustomError(
            "dayparting",
            "dayparting is 336 characters of 0 or 1 (48 half hours x 7 days)",
            {},
        )
    return value


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return (
        0x1F000 <= cp <= 0x1FAFF
        or 0x2600 <= cp <= 0x27BF
        or 0x2B00 <= cp <= 0x2BFF
        or cp in (0xFE0F, 0x200D, 0x20E3)
        or 0x1F1E6 <= cp <= 0x1F1FF
    )


def _is_cjk(ch: str) -> bool:
    name = unicodedata.east_asian_width(ch)
    return name in ("W", "F")


def name_length(value: str, *, cjk_double: bool) -> int:
    """TikTok's length of a name: for campaign and ad names each Chinese or Japanese
    character counts as 2 (api-behavior.md 4, "Names and text")."""
    if not cjk_double:
        return len(value)
    return sum(2 if _is_cjk(ch) else 1 for ch in value)


def _name_checker(cjk_double: bool) -> Any:
    def check(value: str) -> str:
        if value.isascii() and value.strip() and len(value) <= MAX_NAME:
            return value  # the common case: no CJK, no emoji
        if not value.strip():
            # TikTok auto-names an ad sent with ad_name "", but the name is the identity (spec 4.3).
            raise PydanticCustomError("name-length", "a name is 1 to 512 characters, not blank", {})
        n = name_length(value, cjk_double=cjk_double)
        if n > MAX_NAME:
            extra = " (Chinese and Japanese characters count as 2)" if cjk_double and n != len(value) else ""
            raise PydanticCustomError(
                "name-length",
                "a name is 1 to 512 characters, this one is {n}{extra}",
                {"n": n, "extra": extra},
            )
        if any(_is_emoji(ch) for ch in value):
            raise PydanticCustomError("name-emoji", "names may not contain emoji", {})
        return value

    return check


IdStr = Annotated[str, AfterValidator(_check_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
TimeStr = Annotated[
    str,
    AfterValidator(_check_time),
    WithJsonSchema({"type": "string", "pattern": TIME_PATTERN, "description": "YYYY-MM-DD HH:MM:SS, UTC"}),
]
UrlStr = Annotated[
    str, AfterValidator(_check_url), WithJsonSchema({"type": "string", "pattern": "^https?://"})
]
# Campaign and ad names count CJK characters twice; ad group names are plain 512 characters.
Name = Annotated[
    str,
    AfterValidator(_name_checker(cjk_double=True)),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_NAME}),
]
AdgroupName = Annotated[
    str,
    AfterValidator(_name_checker(cjk_double=False)),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_NAME}),
]
Dayparting = Annotated[
    str, AfterValidator(_check_dayparting), WithJsonSchema({"type": "string", "pattern": "^[01]{336}$"})
]
# A string whose values the reference does not list (vbo_window, promotion_target_type,
# promotion_website_type, fallback_type ...: NOT FOUND), so only "not empty" is checked.
Text = Annotated[str, Field(min_length=1)]
# Numbers and booleans are strict: YAML already types them, and a quoted "100" or a `yes` that
# slipped into a number field is more likely a mistake than something to coerce.
Money = Annotated[float, Field(gt=0, strict=True)]
Flag = Annotated[bool, Field(strict=True)]
Int = Annotated[int, Field(strict=True)]

# ---- enums (api-behavior.md section 3; the documented web values where YML and docs differ) -------

ObjectiveType = Literal["WEB_CONVERSIONS"]
# yml valid: DYNAMIC_DAILY and TOTAL; the docs add INFINITE and DAY for budget_optimize_on=false.
CampaignBudgetMode = Literal[
    "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DAY", "BUDGET_MODE_INFINITE"
]
AdgroupBudgetMode = Literal[
    "BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_INFINITE", "BUDGET_MODE_TOTAL"
]
OperationStatus = Literal["ENABLE", "DISABLE"]
OptimizationGoal = Literal["CONVERT", "VALUE", "TRAFFIC_LANDING_PAGE_VIEW", "CLICK"]
OptimizationEvent = Literal[
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
    # Only with TRAFFIC_LANDING_PAGE_VIEW, whose default event it is (web guide).
    "LANDING_PAGE_VIEW",
]
# yml valid has six; the docs give OCPM and CPC only (CPC for CLICK).
BillingEvent = Literal["OCPM", "CPC"]
BidType = Literal["BID_TYPE_NO_BID", "BID_TYPE_CUSTOM", "BID_TYPE_MAX_CONVERSION"]
DeepBidType = Literal["AEO", "DEFAULT", "MIN", "PACING", "VO_HIGHEST_VALUE", "VO_MIN", "VO_MIN_ROAS"]
ScheduleType = Literal["SCHEDULE_FROM_NOW", "SCHEDULE_START_END"]
TargetingMode = Literal["AUTOMATIC", "MANUAL"]
PlacementType = Literal["PLACEMENT_TYPE_AUTOMATIC", "PLACEMENT_TYPE_NORMAL"]
Placement = Literal["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"]
AttributionWindow = Literal["OFF", "ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS", "TWENTY_EIGHT_DAYS", "UNSET"]
AttributionEventCount = Literal["UNSET", "EVERY", "ONCE"]
# AGE_13_17 is app-only (api-behavior.md 3), so not offered for web.
AgeGroup = Literal["AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]
Gender = Literal["GENDER_UNLIMITED", "GENDER_MALE", "GENDER_FEMALE"]
# yml: two values; the docs mention "ALL" too but no wire value for it is documented.
SpcAudienceAge = Literal["OVER_EIGHTEEN", "OVER_TWENTY_FIVE"]
SpendingPower = Literal["ALL", "HIGH"]
HouseholdIncome = Literal["TOP5", "TOP10", "TOP10_25", "TOP25_50"]
NetworkType = Literal["2G", "3G", "4G", "5G", "WIFI"]
OperatingSystem = Literal["ANDROID", "IOS"]
CampaignType = Literal["REGULAR_CAMPAIGN", "IOS14_CAMPAIGN"]
# yml valid is WEBSITE only; APP and WEB_AND_APP (docs) are app surfaces.
SalesDestination = Literal["WEBSITE"]
SpecialIndustry = Literal["HOUSING", "EMPLOYMENT", "CREDIT"]
AdFormat = Literal["SINGLE_VIDEO", "CAROUSEL_ADS", "CATALOG_CAROUSEL"]
IdentityType = Literal["CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT"]
AigcDisclosure = Literal["SELF_DISCLOSURE", "NOT_DECLARED", "UNSET"]
DeeplinkType = Literal["NORMAL", "DEFERRED_DEEPLINK"]
AutoDisclaimer = Literal["DISCOUNT", "EMISSION"]
DarkPostStatus = Literal["ON", "OFF"]
EndCardCta = Literal[
    "BOOK_NOW",
    "CONTACT_US",
    "LEARN_MORE",
    "ORDER_NOW",
    "READ_MORE",
    "SEARCH_INVENTORY",
    "SHOP_NOW",
    "SIGN_UP",
    "VIEW_MORE",
]
CallToAction = Literal[
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
]

# Create-body fields (smart-plus-fields.md) that are not part of the Web Conversions surface, with why.
_APP = "app promotion campaigns"
_MSG = "messaging (direct message) ad groups"
NOT_FOR_WEB: dict[str, dict[str, str]] = {
    "Campaign": {
        "app_id": _APP,
        "app_promotion_type": _APP,
        "campaign_app_profile_page_state": _APP,
        "disable_skan_campaign": _APP,
        "postback_window_mode": _APP,
        "request_id": "the tool's own use: it sends a deterministic request_id with every create",
        "campaign_id": "set by TikTok; pin a live campaign with `id:`",
    },
    "AdGroup": {
        "app_id": _APP,
        "identity_authorized_bc_id": _MSG,
        "identity_id": _MSG,
        "identity_type": _MSG,
        "message_event_set_id": _MSG,
        "messaging_app_account_id": _MSG,
        "messaging_app_type": _MSG,
        "phone_info": _MSG,
        "zalo_id_type": _MSG,
        "movie_premiere_date": "movie promotion",
        "advertiser_id": "taken from the campaign",
        "campaign_id": "taken from the campaign",
        "request_id": "the tool's own use: it sends a deterministic request_id with every create",
        "adgroup_id": "set by TikTok; pin a live ad group with `id:`",
    },
    "Ad": {
        "auto_message_list": _MSG,
        "interactive_add_on_list": "not supported for web (api-behavior.md 4, counts)",
        "advertiser_id": "taken from the campaign",
        "adgroup_id": "taken from the ad group",
        "smart_plus_ad_id": "set by TikTok; pin a live ad with `id:`",
    },
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, validate_default=False)


# ---- campaign ------------------------------------------------------------------------------------


class Guardrails(_Model):
    """Per-campaign guardrail defaults (tool key, never sent to TikTok)."""

    historical_cpa: Annotated[float, Field(gt=0, strict=True)] | None = None
    max_spend_increase: Annotated[float, Field(ge=0, strict=True)] | None = None
    overrides: list[str] = Field(default_factory=list)


class MigrateFrom(_Model):
    """The manual campaign this one replaces (tool key): the plan pauses it once this one runs."""

    campaign_id: IdStr


# ---- ad group ------------------------------------------------------------------------------------


class TargetingAction(_Model):
    """A behaviour (``targeting_spec.actions[]``)."""

    action_category_ids: list[IdStr] | None = None
    action_period: Annotated[int, Field(gt=0, strict=True)] | None = None
    action_scene: Text | None = None
    video_user_actions: list[Text] | None = None


class TargetingSpec(_Model):
    """``targeting_spec``. Which fields are audience controls, suggestions or manual-only:
    ``core/targeting.py``."""

    actions: list[TargetingAction] | None = None
    age_groups: list[AgeGroup] | None = None
    audience_ids: list[IdStr] | None = None
    blocked_pangle_app_ids: list[IdStr] | None = None
    carrier_ids: list[IdStr] | None = None
    device_model_ids: list[IdStr] | None = None
    device_price_ranges: list[Int] | None = None
    excluded_audience_ids: list[IdStr] | None = None
    excluded_pangle_audience_package_ids: list[IdStr] | None = None
    gender: Gender | None = None
    household_income: list[HouseholdIncome] | None = None
    included_pangle_audience_package_ids: list[IdStr] | None = None
    interest_category_ids: list[IdStr] | None = None
    interest_keyword_ids: list[IdStr] | None = None
    isp_ids: list[IdStr] | None = None
    languages: list[Text] | None = None
    location_ids: list[IdStr] | None = None
    min_android_version: Text | None = None
    min_ios_version: Text | None = None
    network_types: list[NetworkType] | None = None
    operating_systems: list[OperatingSystem] | None = None
    purchase_intention_keyword_ids: list[IdStr] | None = None
    saved_audience_id: IdStr | None = None
    smart_audience_enabled: Flag | None = None
    smart_interest_behavior_enabled: Flag | None = None
    spc_audience_age: SpcAudienceAge | None = None
    spending_power: SpendingPower | None = None
    zipcode_ids: list[IdStr] | None = None


# ---- ad ------------------------------------------------------------------------------------------


class VideoInfo(_Model):
    video_id: Text
    file_name: str | None = None


class ImageInfo(_Model):
    web_uri: Text


class MusicInfo(_Model):
    music_id: Text


class CreativeInfo(_Model):
    ad_format: AdFormat
    aigc_disclosure_type: AigcDisclosure | None = None
    identity_authorized_bc_id: IdStr | None = None
    identity_id: IdStr | None = None
    identity_type: IdentityType | None = None
    image_info: list[ImageInfo] | None = None
    music_info: MusicInfo | None = None
    tiktok_item_id: IdStr | None = None
    video_info: VideoInfo | None = None


class Creative(_Model):
    creative_info: CreativeInfo


class AdText(_Model):
    # The Smart+ ad_text limit is NOT FOUND (api-behavior.md); only "not empty" is checked.
    ad_text: Text


class CallToActionItem(_Model):
    call_to_action: CallToAction


class LandingPageUrl(_Model):
    # Optional in the SDK body, but an entry without its URL carries nothing: required here.
    landing_page_url: UrlStr


class Deeplink(_Model):
    deeplink: Text | None = None
    deeplink_type: DeeplinkType | None = None


class PageItem(_Model):
    page_id: IdStr


class UtmParam(_Model):
    key: Text
    value: Text


class TrackingInfo(_Model):
    click_tracking_url: UrlStr | None = None
    impression_tracking_url: UrlStr | None = None
    tracking_app_id: Text | None = None
    tracking_message_event_set_id: Text | None = None


class PhoneInfo(_Model):
    phone_number: Text | None = None
    phone_region_calling_code: Text | None = None
    phone_region_code: Text | None = None


class AdConfiguration(_Model):
    auto_disclaimer_types: list[AutoDisclaimer] | None = None
    call_to_action_id: IdStr | None = None
    catalog_creative_toggle: Flag | None = None
    dark_post_status: DarkPostStatus | None = None
    end_card_cta: EndCardCta | None = None
    fallback_type: Text | None = None
    identity_id: IdStr | None = None
    identity_type: Literal["CUSTOMIZED_USER"] | None = None
    phone_info: PhoneInfo | None = None
    product_display_field_list: list[Text] | None = None
    product_ids: list[IdStr] | None = None
    product_set_id: IdStr | None = None
    product_specific_type: Text | None = None
    tracking_info: TrackingInfo | None = None
    utm_params: list[UtmParam] | None = None


class Ad(_Model):
    """Fields of ``/smart_plus/ad/create/`` (minus ``advertiser_id``, ``adgroup_id``)."""

    id: IdStr | None = None
    ad_name: Name
    operation_status: OperationStatus | None = None
    ad_configuration: AdConfiguration | None = None
    ad_text_list: list[AdText] | None = None
    call_to_action_list: list[CallToActionItem] | None = None
    creative_list: list[Creative] | None = None
    deeplink_list: list[Deeplink] | None = None
    landing_page_url_list: list[LandingPageUrl] | None = None
    page_list: list[PageItem] | None = None


class AdGroup(_Model):
    """Fields of ``/smart_plus/adgroup/create/`` (minus ``advertiser_id``, ``campaign_id``,
    ``request_id`` and the app/messaging fields), plus ``ads``."""

    id: IdStr | None = None
    adgroup_name: AdgroupName
    operation_status: OperationStatus | None = None
    promotion_type: Literal["WEBSITE"] = "WEBSITE"
    promotion_target_type: Text | None = None
    promotion_website_type: Text | None = None
    optimization_goal: OptimizationGoal
    optimization_event: OptimizationEvent | None = None
    custom_conversion_id: IdStr | None = None
    pixel_id: IdStr | None = None
    deep_funnel_event_source: Text | None = None
    deep_funnel_event_source_id: Text | None = None
    deep_funnel_optimization_event: Text | None = None
    deep_funnel_optimization_status: Text | None = None
    billing_event: BillingEvent = "OCPM"
    bid_type: BidType | None = None
    bid_price: Money | None = None
    conversion_bid_price: Money | None = None
    roas_bid: Money | None = None
    deep_bid_type: DeepBidType | None = None
    deep_cpabid: Money | None = None
    vbo_window: Text | None = None
    budget_mode: AdgroupBudgetMode | None = None
    budget: Money | None = None
    min_budget: Money | None = None
    schedule_type: ScheduleType
    schedule_start_time: TimeStr
    schedule_end_time: TimeStr | None = None
    # 48 half hours x 7 days, one '0'/'1' each (the doc's examples are 336 characters).
    dayparting: Dayparting | None = None
    placement_type: PlacementType | None = None
    placements: list[Placement] | None = None
    targeting_optimization_mode: TargetingMode | None = None
    suggestion_audience_enabled: Flag | None = None
    targeting_spec: TargetingSpec
    catalog_id: IdStr | None = None
    catalog_authorized_bc_id: IdStr | None = None
    product_source: Text | None = None
    attribution_event_count: AttributionEventCount | None = None
    click_attribution_window: AttributionWindow | None = None
    view_attribution_window: AttributionWindow | None = None
    engaged_view_attribution_window: AttributionWindow | None = None
    comment_disabled: Flag | None = None
    share_disabled: Flag | None = None
    video_download_disabled: Flag | None = None
    open_api_partner: Text | None = None
    ads: list[Ad] = Field(default_factory=list)

    @property
    def targeting_mode(self) -> TargetingMode:
        # TikTok's default is AUTOMATIC (api-behavior.md 3).
        return self.targeting_optimization_mode or "AUTOMATIC"


class Campaign(_Model):
    """Fields of ``/smart_plus/campaign/create/`` (minus ``request_id`` and the app-only
    fields), plus the tool's keys and ``adgroups``. One manifest document is one campaign."""

    model_config = ConfigDict(
        json_schema_extra={
            "title": "smartplus manifest: one TikTok Smart+ Web Conversions campaign",
        }
    )

    id: IdStr | None = None
    advertiser_id: IdStr
    campaign_name: Name
    objective_type: ObjectiveType
    operation_status: OperationStatus | None = None
    budget_optimize_on: Flag | None = None
    budget_mode: CampaignBudgetMode | None = None
    budget: Money | None = None
    campaign_type: CampaignType | None = None
    sales_destination: SalesDestination | None = None
    special_industries: list[SpecialIndustry] | None = None
    po_number: Text | None = None
    is_promotional_campaign: Flag | None = None
    is_advanced_dedicated_campaign: Flag | None = None
    bid_align_type: Text | None = None
    catalog_enabled: Flag | None = None
    catalog_type: Text | None = None
    open_api_partner: Text | None = None
    guardrails: Guardrails | None = None
    prune: Flag = False
    migrate_from: MigrateFrom | None = None
    adgroups: list[AdGroup] = Field(default_factory=list)

    @property
    def cbo(self) -> bool:
        # TikTok's default for budget_optimize_on is true (api-behavior.md section 3).
        return self.budget_optimize_on is not False
