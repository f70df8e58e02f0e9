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
# ``cta_portfolio`` (on an ad) asks the tool to build a dynamic-CTA portfolio from TikTok's
# recommendation (``/creative/cta/recommend/`` + ``/creative/portfolio/create/``) and pass its id as
# ``ad_configuration.call_to_action_id``; TikTok never sees the key itself.
TOOL_KEYS = frozenset({"id", "guardrails", "prune", "migrate_from", "adgroups", "ads", "cta_portfolio"})

# ---- scalar types --------------------------------------------------------------------------------

ID_PATTERN = r"^[0-9]{1,19}$"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
TIME_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"


def read_time(value: str) -> dt.datetime | None:
    """``strptime(value, TIME_FORMAT)``, or None. TikTok's own shape ("2026-01-01 00:00:00") is
    read with ``fromisoformat``, 20x faster (the rules and the learning-phase guardrail read
    thousands of them); anything else (single digits, say) goes to strptime."""
    if len(value) == 19 and value[4] == "-" and value[10] == " " and value[13] == ":":
        try:
            t = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        return t if t.tzinfo is None else None
    try:
        return dt.datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return None


MAX_NAME = 512
# Rule ids that the field validators below raise (as the pydantic error type).
FIELD_RULES = frozenset(
    {
        "id-format",
        "time-format",
        "url",
        "name-length",
        "name-emoji",
        "dayparting",
        "control-character",
        "text-length",
        "budget-precision",
    }
)
# Length limits of free strings (smart-plus-current.md 3.1). Where the reference is silent the strict
# reading is the shortest limit it documents for a comparable string, said beside each one.
MAX_AD_TEXT = 100  # Smart+ NOT FOUND; the manual /ad/create/ ad_text is 1-100 characters (api-behavior.md 4)
MAX_TEXT = 100  # NOT FOUND for codes and other short strings: file_name and utm keys are <= 100
MAX_URL = 1024  # NOT FOUND for landing page and tracking URLs: strict reading 1024
MAX_FILE_NAME = 100  # video file_name, 1-100 (D:1737587322856449)
MAX_UTM_KEY = 100  # custom utm key <= 100 (D:1843317390059522)
MAX_UTM_VALUE = 600  # custom utm value <= 600 (D:1843317390059522)
# Budgets carry at most two decimals: the finest precision of the currencies TikTok bills in; a
# currency without minor units (JPY, KRW ...) is known only with the account, not offline.
BUDGET_DECIMALS = 2


_ID_RE = re.compile(ID_PATTERN)
# What a name or text may not hold: C0 and C1 control characters (newline, tab, NUL, DEL ...), the
# Unicode line and paragraph separators, and the bidirectional embedding/override/isolate controls
# (which make a name display as something other than what it is). Issue 12, "Strict input".
_FORBIDDEN = "\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_FORBIDDEN_RE = re.compile(f"[{_FORBIDDEN}]")
# The same as a whole-string pattern for pydantic-core (the characters themselves, not escapes).
PLAIN_REGEX = f"^[^{_FORBIDDEN}]*$"
# The same set for the JSON Schema (ECMA-262 regex syntax).
PLAIN_PATTERN = "^[^\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]*$"


def _check_plain(value: str) -> str:
    m = _FORBIDDEN_RE.search(value)
    if m is not None:
        raise PydanticCustomError(
            "control-character",
            "control characters and line breaks are not allowed here (U+{code} at position {pos})",
            {"code": f"{ord(m.group()):04X}", "pos": m.start()},
        )
    return value


def _text_checker(most: int) -> Any:
    def check(value: str) -> str:
        _check_plain(value)
        if len(value) > most:
            raise PydanticCustomError(
                "text-length",
                "at most {most} characters, this one has {n}",
                {"most": most, "n": len(value)},
            )
        return value

    return check


def _check_budget(value: float) -> float:
    if round(value, BUDGET_DECIMALS) != value:
        raise PydanticCustomError(
            "budget-precision",
            "a budget has at most {d} decimal places (the currency's precision)",
            {"d": BUDGET_DECIMALS},
        )
    return value


def _check_id(value: str) -> str:
    # TikTok converts ids with int64(%s) (api-behavior.md 1), so an id is a decimal string within int64.
    if not _ID_RE.fullmatch(value) or (len(value) == 19 and int(value) >= 2**63):
        raise PydanticCustomError("id-format", "an id is a string of digits (a 64-bit integer)", {})
    return value


def _check_time(value: str) -> str:
    # smart_plus documents "YYYY-MM-DD HH:MM:SS" (UTC+0); that it also takes ISO 8601 is only observed on
    # the manual /adgroup/create/ (api-behavior.md 3), so the strict reading is the documented format.
    if read_time(value) is None:
        raise PydanticCustomError("time-format", "a time is 'YYYY-MM-DD HH:MM:SS' (UTC)", {})
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
        # The common case, checked without a regex: ASCII with no control character (for ASCII,
        # isprintable() is exactly "none of U+0000-001F, U+007F"), no CJK, no emoji.
        if value.isascii() and value.isprintable() and value.strip() and len(value) <= MAX_NAME:
            return value
        _check_plain(value)
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


def _plain_schema(most: int, least: int = 1, **extra: Any) -> WithJsonSchema:
    return WithJsonSchema(
        {"type": "string", "minLength": least, "maxLength": most, "pattern": PLAIN_PATTERN, **extra}
    )


IdStr = Annotated[str, AfterValidator(_check_id), WithJsonSchema({"type": "string", "pattern": ID_PATTERN})]
TimeStr = Annotated[
    str,
    AfterValidator(_check_time),
    WithJsonSchema({"type": "string", "pattern": TIME_PATTERN}),
]
UrlStr = Annotated[
    str,
    AfterValidator(_check_url),
    AfterValidator(_text_checker(MAX_URL)),
    WithJsonSchema({"type": "string", "pattern": "^https?://[^\\s]+$", "maxLength": MAX_URL}),
]
# Campaign and ad names count CJK characters twice; ad group names are plain 512 characters.
Name = Annotated[
    str,
    AfterValidator(_name_checker(cjk_double=True)),
    _plain_schema(MAX_NAME),
]
AdgroupName = Annotated[
    str,
    AfterValidator(_name_checker(cjk_double=False)),
    _plain_schema(MAX_NAME),
]
Dayparting = Annotated[
    str, AfterValidator(_check_dayparting), WithJsonSchema({"type": "string", "pattern": "^[01]{336}$"})
]
# A string whose values the reference does not list (vbo_window, promotion_target_type,
# min_android_version, music ids ...: NOT FOUND), so only "not empty, one line, <= 100" is checked.

# One-line strings of 1 to N characters. Checked by pydantic-core itself (length and a regex), not
# by a Python validator: there are tens of thousands of these in a large account; manifests.py
# turns the two errors into the rules ``text-length`` and ``control-character``.
_Plain = Field(min_length=1, pattern=PLAIN_REGEX)
Text = Annotated[str, _Plain, Field(max_length=MAX_TEXT), _plain_schema(MAX_TEXT)]
AdTextStr = Annotated[str, _Plain, Field(max_length=MAX_AD_TEXT), _plain_schema(MAX_AD_TEXT)]
FileName = Annotated[str, _Plain, Field(max_length=MAX_FILE_NAME), _plain_schema(MAX_FILE_NAME)]
UtmKey = Annotated[str, _Plain, Field(max_length=MAX_UTM_KEY), _plain_schema(MAX_UTM_KEY)]
UtmValue = Annotated[str, _Plain, Field(max_length=MAX_UTM_VALUE), _plain_schema(MAX_UTM_VALUE)]
UrlText = Annotated[str, _Plain, Field(max_length=MAX_URL), _plain_schema(MAX_URL)]
# A guardrail override names a rule and an address (names up to 512 each): one line, bounded.
OverrideStr = Annotated[str, _Plain, Field(max_length=2048), _plain_schema(2048)]

# Numbers and booleans are strict: YAML already types them, and a quoted "100" or a `yes` that
# slipped into a number field is more likely a mistake than something to coerce.
Money = Annotated[float, Field(gt=0, strict=True)]
Budget = Annotated[
    float,
    Field(gt=0, strict=True),
    AfterValidator(_check_budget),
    WithJsonSchema({"type": "number", "exclusiveMinimum": 0}),
]
Flag = Annotated[bool, Field(strict=True)]
Int = Annotated[int, Field(strict=True)]

# ---- enums (api-behavior.md section 3; the documented web values where YML and docs differ) -------

ObjectiveType = Literal["WEB_CONVERSIONS"]
# yml valid: DYNAMIC_DAILY and TOTAL; the docs add INFINITE and DAY for budget_optimize_on=false.
CampaignBudgetMode = Literal[
    "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_TOTAL", "BUDGET_MODE_DAY", "BUDGET_MODE_INFINITE"
]
# D:1843314887930946: an ad group budget_mode is BUDGET_MODE_TOTAL or BUDGET_MODE_DYNAMIC_DAILY_BUDGET
# only (the yml's DAY and INFINITE are refused; INFINITE is only TikTok's echo under CBO).
AdgroupBudgetMode = Literal["BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "BUDGET_MODE_TOTAL"]
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
# D:1843314887930946: NO_BID (maximum delivery) or CUSTOM (cost cap); the yml's MAX_CONVERSION is
# not in the docs (stricter: refused).
BidType = Literal["BID_TYPE_NO_BID", "BID_TYPE_CUSTOM"]
# Web: VO_HIGHEST_VALUE or VO_MIN_ROAS for VALUE (web guide D:1847302878676994); DEFAULT is what
# TikTok echoes for the other goals. The app values (AEO, MIN, PACING, VO_MIN) are refused.
DeepBidType = Literal["DEFAULT", "VO_HIGHEST_VALUE", "VO_MIN_ROAS"]
ScheduleType = Literal["SCHEDULE_FROM_NOW", "SCHEDULE_START_END"]
TargetingMode = Literal["AUTOMATIC", "MANUAL"]
PlacementType = Literal["PLACEMENT_TYPE_AUTOMATIC", "PLACEMENT_TYPE_NORMAL"]
Placement = Literal["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"]
# D:1843314887930946 (smart-plus-current.md 0.11): one list per window; UNSET is not a window value.
# The minis-only click windows (30, 32, 180 days) and the web+app engaged-view 14/28 days are refused.
ClickWindow = Literal["OFF", "ONE_DAY", "SEVEN_DAYS", "FOURTEEN_DAYS", "TWENTY_EIGHT_DAYS"]
ViewWindow = Literal["OFF", "ONE_DAY", "SEVEN_DAYS"]
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
# CUSTOMIZED_USER stays in the enum of creative_info so that rules.py can say where it belongs
# (ad_configuration, Pangle/GAB-only ad groups) instead of "not one of TikTok's values".
IdentityType = Literal["CUSTOMIZED_USER", "AUTH_CODE", "TT_USER", "BC_AUTH_TT"]
AigcDisclosure = Literal["SELF_DISCLOSURE", "NOT_DECLARED"]
DeeplinkType = Literal["NORMAL", "DEFERRED_DEEPLINK"]
DarkPostStatus = Literal["ON", "OFF"]
# The tool key of an ad: a dynamic CTA portfolio built from TikTok's recommendation.
CtaPortfolio = Literal["recommended"]
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

# Create-body fields (smart-plus-fields.md, smart-plus-current.md) that are not part of the
# non-catalog Web Conversions surface, with why.
_APP = "app promotion campaigns"
_MSG = "messaging (direct message) ad groups"
_CATALOG = "catalog campaigns; this tool manages non-catalog Web Conversions (sales_destination WEBSITE)"
NOT_FOR_WEB: dict[str, dict[str, str]] = {
    "Campaign": {
        "app_id": _APP,
        "app_promotion_type": _APP,
        "campaign_app_profile_page_state": _APP,
        "disable_skan_campaign": _APP,
        "postback_window_mode": _APP,
        "gaming_ad_compliance_agreement": _APP,
        "catalog_type": _CATALOG,
        "open_api_partner": "not a Smart+ Web Conversions setting",
        "rta_id": "RTA is allowlisted and immutable; not managed by this tool",
        "rta_bid_enabled": _APP,
        "rta_product_selection_enabled": _APP,
        "request_id": "the tool's own use: it sends a deterministic request_id with every create",
        "campaign_id": "set by TikTok; pin a live campaign with `id:`",
    },
    "AdGroup": {
        "app_id": _APP,
        "app_config": _APP,
        "minis_id": "mini series and games",
        "identity_authorized_bc_id": _MSG,
        "identity_id": _MSG,
        "identity_type": _MSG,
        "message_event_set_id": _MSG,
        "messaging_app_account_id": _MSG,
        "messaging_app_type": _MSG,
        "phone_info": _MSG,
        "zalo_id_type": _MSG,
        "movie_premiere_date": "movie promotion",
        "catalog_id": _CATALOG,
        "catalog_authorized_bc_id": _CATALOG,
        "product_source": _CATALOG,
        "promotion_target_type": "leave it unset for Web Conversions (web guide D:1847302878676994)",
        "promotion_website_type": "TikTok's echo (UNSET); not a Web Conversions setting",
        "deep_funnel_event_source": "deep-funnel optimization is not part of Smart+ Web Conversions",
        "deep_funnel_event_source_id": "deep-funnel optimization is not part of Smart+ Web Conversions",
        "deep_funnel_optimization_event": "deep-funnel optimization is not part of Smart+ Web Conversions",
        "deep_funnel_optimization_status": "deep-funnel optimization is not part of Smart+ Web Conversions",
        "deep_cpabid": "no Smart+ equivalent (smart-plus-current.md 7.2)",
        "open_api_partner": "not a Smart+ Web Conversions setting",
        "scheduled_budget": "set through /smart_plus/adgroup/budget/update/ (allowlist), not on create",
        "advertiser_id": "taken from the campaign",
        "campaign_id": "taken from the campaign",
        "request_id": "the tool's own use: it sends a deterministic request_id with every create",
        "adgroup_id": "set by TikTok; pin a live ad group with `id:`",
    },
    "Ad": {
        "auto_message_list": _MSG,
        "interactive_add_on_list": "not supported for web (D:1843317390059522)",
        "custom_product_page_list": _CATALOG,
        "page_list": "not used by Web Conversions ads (web guide D:1847302878676994)",
        "disclaimer": "not managed by this tool yet (immutable once set, D:1843317390059522)",
        "advertiser_id": "taken from the campaign",
        "adgroup_id": "taken from the ad group",
        "smart_plus_ad_id": "set by TikTok; pin a live ad with `id:`",
    },
    "AdConfiguration": {
        "auto_disclaimer_types": _CATALOG,
        "catalog_creative_toggle": _CATALOG,
        "catalog_creative_info": _CATALOG,
        "end_card_cta": _CATALOG,
        "fallback_type": _CATALOG,
        "phone_info": _CATALOG,
        "product_display_field_list": _CATALOG,
        "product_ids": _CATALOG,
        "product_set_id": _CATALOG,
        "product_specific_type": _CATALOG,
        "deeplink_utm_params": "sales_destination APP only (allowlist)",
    },
    "TrackingInfo": {
        "app_tracking_info_list": "sales_destination WEB_AND_APP only",
        "tracking_message_event_set_id": "instant messaging ads only",
    },
    "TargetingSpec": {
        "app_targeting_type": _APP,
    },
}


# The sets of written field names (``model_fields_set``), one per distinct set: a 12,200-object
# manifest holds 84,000 model instances but about a dozen distinct sets, and each set of its own
# took 216-728 bytes (2.4 KB per object, 45% of the models' memory; issue 15).
_FIELD_SETS: dict[frozenset[str], set[str]] = {}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False, validate_default=False)

    def model_post_init(self, context: Any, /) -> None:
        """Share the set of written field names with the instances that wrote the same fields.
        Safe because the models are frozen: pydantic changes this set only on assignment (refused)
        and in ``model_copy(update=...)``, which copies it first. It must stay a real ``set``: the
        serialiser's ``exclude_unset`` reads it as one."""
        written = self.__pydantic_fields_set__
        shared = _FIELD_SETS.setdefault(frozenset(written), written)
        if shared is not written:
            object.__setattr__(self, "__pydantic_fields_set__", shared)


# ---- campaign ------------------------------------------------------------------------------------


class Guardrails(_Model):
    """Per-campaign guardrail defaults (tool key, never sent to TikTok)."""

    historical_cpa: Annotated[float, Field(gt=0, strict=True)] | None = None
    max_spend_increase: Annotated[float, Field(ge=0, strict=True)] | None = None
    overrides: list[OverrideStr] = Field(default_factory=list)


class MigrateFrom(_Model):
    """The manual campaign this one replaces (tool key): the plan pauses it once this one runs."""

    campaign_id: IdStr


# ---- ad group ------------------------------------------------------------------------------------


class TargetingAction(_Model):
    """A behaviour (``targeting_spec.actions[]``)."""

    action_category_ids: list[IdStr] | None = None
    # D:1843314887930946: 0, 7 or 15 days (forced to 0 for creator and hashtag actions).
    action_period: Literal[0, 7, 15] | None = None
    action_scene: Literal["VIDEO_RELATED", "CREATOR_RELATED", "HASHTAG_RELATED"] | None = None
    video_user_actions: list[Text] | None = None


class TargetingSpec(_Model):
    """``targeting_spec``. Which fields TikTok honours under which targeting mode:
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


# ``file`` (tool key) in ``video_info`` / an ``image_info`` item: a creative kept beside the
# manifest (a path relative to the manifest file, inside the manifest folders), which the plan
# uploads once by content (MD5) and replaces by its id; it stands instead of video_id / web_uri
# (exactly one of the two: checked by validate, reconciler/adapters/media.py). TikTok never sees it.
MediaPath = Annotated[str, _Plain, Field(min_length=1, max_length=1024), _plain_schema(1024)]


class VideoInfo(_Model):
    video_id: Text | None = None
    file: MediaPath | None = None
    file_name: FileName | None = None


class ImageInfo(_Model):
    web_uri: Text | None = None
    file: MediaPath | None = None


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
    ad_text: AdTextStr


class CallToActionItem(_Model):
    call_to_action: CallToAction


class LandingPageUrl(_Model):
    # Optional in the SDK body, but an entry without its URL carries nothing: required here.
    landing_page_url: UrlStr


class Deeplink(_Model):
    deeplink: UrlText
    deeplink_type: DeeplinkType | None = None


class UtmParam(_Model):
    key: UtmKey
    value: UtmValue


class TrackingInfo(_Model):
    click_tracking_url: UrlStr | None = None
    impression_tracking_url: UrlStr | None = None
    tracking_app_id: Text | None = None


class AdConfiguration(_Model):
    call_to_action_id: IdStr | None = None
    dark_post_status: DarkPostStatus | None = None
    identity_id: IdStr | None = None
    identity_type: Literal["CUSTOMIZED_USER"] | None = None
    tracking_info: TrackingInfo | None = None
    utm_params: list[UtmParam] | None = None


class Ad(_Model):
    """Fields of ``/smart_plus/ad/create/`` (minus ``advertiser_id``, ``adgroup_id``), plus the
    tool keys ``id`` and ``cta_portfolio``."""

    id: IdStr | None = None
    ad_name: Name
    operation_status: OperationStatus | None = None
    cta_portfolio: CtaPortfolio | None = None
    ad_configuration: AdConfiguration | None = None
    ad_text_list: list[AdText] | None = None
    call_to_action_list: list[CallToActionItem] | None = None
    creative_list: list[Creative] | None = None
    deeplink_list: list[Deeplink] | None = None
    landing_page_url_list: list[LandingPageUrl] | None = None


class AdGroup(_Model):
    """Fields of ``/smart_plus/adgroup/create/`` (minus ``advertiser_id``, ``campaign_id``,
    ``request_id`` and the app/messaging/catalog fields), plus ``ads``."""

    id: IdStr | None = None
    adgroup_name: AdgroupName
    operation_status: OperationStatus | None = None
    promotion_type: Literal["WEBSITE"] = "WEBSITE"
    optimization_goal: OptimizationGoal
    optimization_event: OptimizationEvent | None = None
    custom_conversion_id: IdStr | None = None
    pixel_id: IdStr | None = None
    billing_event: BillingEvent = "OCPM"
    # Required on create (D:1843314887930946), though the SDK yml does not mark it so.
    bid_type: BidType
    bid_price: Money | None = None
    conversion_bid_price: Money | None = None
    roas_bid: Annotated[float, Field(ge=0.01, le=1000, strict=True)] | None = None
    deep_bid_type: DeepBidType | None = None
    vbo_window: Literal["SEVEN_DAYS", "ZERO_DAY"] | None = None
    budget_mode: AdgroupBudgetMode | None = None
    budget: Budget | None = None
    min_budget: Budget | None = None
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
    attribution_event_count: AttributionEventCount | None = None
    click_attribution_window: ClickWindow | None = None
    view_attribution_window: ViewWindow | None = None
    engaged_view_attribution_window: ViewWindow | None = None
    comment_disabled: Flag | None = None
    share_disabled: Flag | None = None
    video_download_disabled: Flag | None = None
    ads: list[Ad] = Field(default_factory=list)

    @property
    def targeting_mode(self) -> TargetingMode:
        # TikTok's default is AUTOMATIC (D:1843314887930946).
        return self.targeting_optimization_mode or "AUTOMATIC"

    @property
    def tiktok_placement(self) -> bool:
        """Whether the ad group may deliver on TikTok: automatic placement (both fields left out,
        or PLACEMENT_TYPE_AUTOMATIC) always includes it; NORMAL only when it is chosen."""
        return self.placement_type != "PLACEMENT_TYPE_NORMAL" or "PLACEMENT_TIKTOK" in (self.placements or [])


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
    # Required by TikTok for WEB_CONVERSIONS and immutable (D:1843312852800706). WEBSITE is the only
    # value of this surface, so the tool sends it when the manifest leaves it out (like
    # promotion_type), and every create carries it.
    sales_destination: SalesDestination = "WEBSITE"
    operation_status: OperationStatus | None = None
    budget_optimize_on: Flag | None = None
    budget_mode: CampaignBudgetMode | None = None
    budget: Budget | None = None
    campaign_type: CampaignType | None = None
    special_industries: list[SpecialIndustry] | None = None
    po_number: Text | None = None
    is_promotional_campaign: Flag | None = None
    catalog_enabled: Literal[False] | None = None
    guardrails: Guardrails | None = None
    prune: Flag = False
    migrate_from: MigrateFrom | None = None
    adgroups: list[AdGroup] = Field(default_factory=list)

    @property
    def cbo(self) -> bool:
        # TikTok's default for budget_optimize_on is true (D:1843312852800706).
        return self.budget_optimize_on is not False
