"""Dynamic CTAs and Spark Pull posts: `/creative/cta/recommend/`, `/creative/portfolio/{create,get,list}/`
and `/identity/video/get/`.

Reads and writes the store (CTA portfolios and TikTok posts through the store's portfolio and post
calls; the CTA assets served to an advertiser as assets of kind `cta_asset`). Shapes follow TikTok's
pages (recommend D:1739362202742785, portfolio create D:1739091950439426, get D:1739092113671170,
list D:1766324010279938, posts D:1740218475032577) and the SDK YAML (creative_portfolio_*.yml).

The dynamic-CTA flow (D:1740307296329730): recommend with `new_version=true` returns
`recommend_assets[{asset_ids, asset_content}]`; a portfolio is created from them with
`creative_portfolio_type=CTA`; its `creative_portfolio_id` goes in `ad_configuration.call_to_action_id`.
"Auto-optimized CTAs can only be used in the advertiser accounts that they were created for": the
emulator remembers which assets it served to which advertiser, and a portfolio may hold only those.
"""

from __future__ import annotations

from typing import Any

from .smart_plus import authorize
from .store import Store
from .wire import JSON, Query, page_info, param_error

CTA_ASSET = "cta_asset"

# The recommendation catalogue: (asset_content, asset_ids). The texts are TikTok's own (the doc example
# for apps; web CTAs as Ads Manager words them). Which texts TikTok recommends for a given account is
# NOT FOUND (it depends on industry and history): the emulator serves a fixed list per kind of ad. The
# web ids 7410000000000000001/2 are those of the demo seed's portfolio 7400000000000000001.
WEB_CTAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Shop now", ("7410000000000000001",)),
    ("Learn more", ("7410000000000000002",)),
    ("Order now", ("7410000000000000003",)),
    ("Sign up", ("7410000000000000004",)),
    ("Book now", ("7410000000000000005",)),
    ("Contact us", ("7410000000000000006",)),
)
APP_CTAS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Download now", ("7410000000000000101", "7410000000000000102")),
    ("Install now", ("7410000000000000103", "7410000000000000104")),
    ("Install app", ("7410000000000000105", "7410000000000000106")),
    ("Check it now", ("7410000000000000107", "7410000000000000108")),
)
CATALOGUE = {
    ("WEB_CONVERSIONS", "WEBSITE"): WEB_CTAS,
    ("TRAFFIC", "WEBSITE"): WEB_CTAS,
    ("APP_PROMOTION", "APP_ANDROID"): APP_CTAS,
    ("APP_PROMOTION", "APP_IOS"): APP_CTAS,
}
LEGACY_CATALOGUE = {"LANDING_PAGE": WEB_CTAS, "APP_DOWNLOAD": APP_CTAS}
PLACEMENTS = ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE")
# Every valid creative_portfolio_type of Y:creative_portfolio_create; only CTA is emulated.
PORTFOLIO_TYPES = (
    "CARD",
    "COUNTDOWN_STICKER",
    "CTA",
    "DESTINATION_CARD",
    "DOWNLOAD_CARD",
    "FLIGHT_CARD",
    "GESTURE",
    "GIFTCODE_STICKER",
    "HOTEL_CARD",
    "INVENTORY_CARD",
    "LIVE_REMINDER_COUNTDOWN_STICKER",
    "MEDIA_CARD",
    "PREMIUM_BADGE",
    "PRODUCT_CARD",
    "PRODUCT_INFO_CARD",
    "PRODUCT_SHOWCASE_TILE",
    "PRODUCT_TILE",
    "REMINDER_COUNTDOWN_STICKER",
    "SHAKE_SURPRISE",
    "SHOPIFY_PRODUCT_CARD",
    "STICKER",
    "STORY_SELECTION",
    "SUPER_LIKE",
    "WEB_INFO_CARD",
)
# The fields of a portfolio_content item (Y:creative_portfolio_create), and the defaults it declares.
ITEM_FIELDS = frozenset(
    [
        "ad_text",
        "advanced_audio_info",
        "advanced_gesture_icon",
        "advanced_gesture_image",
        "advanced_interact_shape",
        "advanced_interact_type",
        "app_id",
        "asset_content",
        "asset_ids",
        "badge_image_info",
        "badge_position",
        "badge_show_time",
        "call_to_action",
        "call_to_action_text",
        "card_image_index",
        "card_show_price",
        "card_tags",
        "card_type",
        "catalog_authorized_bc_id",
        "catalog_id",
        "category_label",
        "country_code",
        "description",
        "display_price_enabled",
        "dynamic_format",
        "gesture_type",
        "identity_authorized_bc_id",
        "identity_id",
        "identity_type",
        "image_id",
        "image_optimization_enabled",
        "interactive_music_id",
        "item_group_ids",
        "layouts",
        "mobile_app_id",
        "pop_up_window_image_id",
        "primary_text",
        "product_set_id",
        "product_source",
        "product_specific_type",
        "profile_image",
        "secondary_text",
        "selling_points",
        "showcase_products",
        "sku_ids",
        "slide_dimension",
        "slide_length",
        "sticker_param",
        "store_authorized_bc_id",
        "store_id",
        "tags",
        "title",
        "vertical_video_strategy",
    ]
)
ITEM_DEFAULTS = {"dynamic_format": "UNSET", "product_specific_type": "UNSET"}
# Types the list endpoint may filter by (D:1766324010279938): CTA is not among them.
LIST_TYPES = tuple(t for t in PORTFOLIO_TYPES if t != "CTA")


def _bool(query: Query, name: str) -> bool:
    raw = query.text(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise param_error(name, "Not a valid boolean.")
    return raw == "true"


def _strings(value: Any, path: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise param_error(path, "Field must be set to array of strings")
    return [str(v) for v in value]


def _check_id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 19 or int(value) >= 2**63:
        raise param_error(path, "Not a valid ID. IDs are strings of a 64-bit integer.")
    return value


# ---------------------------------------------------------------------- CTA recommendations


def cta_recommend(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    if _bool(query, "new_version"):
        # asset_type and content_type are "ignored when new_version is true".
        objective = query.text("objective_type", required=True)
        promotion = query.text("promotion_type", required=True)
        language = query.text("language") or "en"
        if language != "en":
            # Localized CTA texts are not emulated: strict reading, refused rather than answered in English.
            raise param_error("language", "Only en is emulated.")
        placements = query.array("placements")
        for i, placement in enumerate(placements or []):
            if placement not in PLACEMENTS:
                raise param_error(f"placements[{i}]", f"Must be one of: {', '.join(PLACEMENTS)}.")
        _strings(query.array("region_codes") or [], "region_codes")
        for i, text in enumerate(_strings(query.array("ad_texts") or [], "ad_texts")):
            if not 1 <= len(text) <= 100:
                raise param_error(f"ad_texts[{i}]", "Length must be between 1 and 100.")
        assets = CATALOGUE.get((str(objective), str(promotion)))
        if assets is None:
            raise param_error(
                "objective_type",
                "Recommendations are emulated for WEB_CONVERSIONS or TRAFFIC with promotion_type WEBSITE, "
                "and APP_PROMOTION with APP_ANDROID or APP_IOS.",
            )
    else:
        for name in ("objective_type", "promotion_type"):
            if query.has(name):
                raise param_error(name, "Not supported when new_version is false.")
        asset_type = query.text("asset_type", required=True)
        content_type = query.text("content_type", required=True)
        if asset_type not in ("CTA_NORMAL", "CTA_AUTO_OPTIMIZED"):
            raise param_error("asset_type", "Must be one of: CTA_NORMAL, CTA_AUTO_OPTIMIZED.")
        if asset_type == "CTA_NORMAL":
            raise param_error("asset_type", "CTA_NORMAL (standard CTAs) is not emulated.")
        legacy = LEGACY_CATALOGUE.get(str(content_type))
        if legacy is None:
            raise param_error("content_type", f"Emulated values: {', '.join(LEGACY_CATALOGUE)}.")
        assets = legacy
    adv_id = str(advertiser["advertiser_id"])
    served = [
        (asset_id, {"asset_id": asset_id, "asset_content": content})
        for content, ids in assets
        for asset_id in ids
    ]
    store.put_assets(CTA_ASSET, adv_id, served)
    return {
        "recommend_assets": [{"asset_ids": list(ids), "asset_content": content} for content, ids in assets]
    }


# ---------------------------------------------------------------------- portfolios


def _portfolio_item(store: Store, adv_id: str, item: Any, path: str) -> JSON:
    if not isinstance(item, dict):
        raise param_error(path, "Must be an object.")
    for key, value in item.items():
        if key in ("asset_content", "asset_ids"):
            continue
        if key not in ITEM_FIELDS:
            raise param_error(f"{path}.{key}", "Unknown field.")
        # The SDK's body model always sends its two defaults (dynamic_format and product_specific_type
        # UNSET): a field of another portfolio type is refused only when it is actually set.
        if value is not None and value != ITEM_DEFAULTS.get(key):
            raise param_error(f"{path}.{key}", "Not supported when creative_portfolio_type is CTA.")
    content = item.get("asset_content")
    if content is None:
        raise param_error(f"{path}.asset_content", "value is required but missing")
    if not isinstance(content, str):
        raise param_error(f"{path}.asset_content", "Not a valid string")
    ids = item.get("asset_ids")
    if ids is None:
        raise param_error(f"{path}.asset_ids", "value is required but missing")
    if not isinstance(ids, list) or not ids:
        raise param_error(f"{path}.asset_ids", "Field must be set to a non-empty array")
    out: list[str] = []
    for j, raw in enumerate(ids):
        asset_id = _check_id(
            str(raw) if isinstance(raw, int) and not isinstance(raw, bool) else raw, f"{path}.asset_ids[{j}]"
        )
        served = store.asset(CTA_ASSET, asset_id, adv_id)
        if served is None:
            raise param_error(
                f"{path}.asset_ids[{j}]",
                f"CTA asset {asset_id} was not recommended for advertiser {adv_id}. "
                "Get asset_ids from /creative/cta/recommend/.",
            )
        if served["asset_content"] != content:
            raise param_error(
                f"{path}.asset_content",
                f"Must be the asset_content that /creative/cta/recommend/ returned with asset_ids "
                f"{asset_id} ({served['asset_content']!r}).",
            )
        out.append(asset_id)
    return {"asset_content": content, "asset_ids": out}


def portfolio_create(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    for key in raw:
        if key not in ("advertiser_id", "creative_portfolio_type", "portfolio_content"):
            raise param_error(key, "Unknown field.")
    kind = raw.get("creative_portfolio_type", "CTA")
    if kind not in PORTFOLIO_TYPES:
        raise param_error("creative_portfolio_type", f"Must be one of: {', '.join(PORTFOLIO_TYPES)}.")
    if kind != "CTA":
        raise param_error("creative_portfolio_type", "Only CTA portfolios are emulated.")
    content = raw.get("portfolio_content")
    if content is None:
        raise param_error("portfolio_content", "value is required but missing")
    if not isinstance(content, list):
        raise param_error("portfolio_content", "Field must be set to array")
    if not content:
        raise param_error("portfolio_content", "Must contain at least 1 item.")
    items = [
        _portfolio_item(store, adv_id, item, f"portfolio_content[{i}]") for i, item in enumerate(content)
    ]
    with store.transaction():
        portfolio_id = store.next_id("portfolio")
        store.put_portfolio(
            adv_id,
            {
                "creative_portfolio_id": portfolio_id,
                "creative_portfolio_type": "CTA",
                "portfolio_content": items,
                "create_time": store.now_str(),
            },
        )
    # Each call creates a new portfolio, even for the same content: TikTok documents no de-duplication.
    return {"creative_portfolio_id": portfolio_id}


def portfolio_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    portfolio_id = _check_id(query.text("creative_portfolio_id", required=True), "creative_portfolio_id")
    portfolio = store.portfolio(str(advertiser["advertiser_id"]), portfolio_id)
    if portfolio is None:
        raise param_error(
            "creative_portfolio_id",
            f"Creative portfolio does not exist. creative_portfolio_id {portfolio_id}.",
        )
    # pop_resp_nullvalue is false for this endpoint; the three fields of Y:creative_portfolio_get.
    return {
        "creative_portfolio_id": portfolio["creative_portfolio_id"],
        "creative_portfolio_type": portfolio.get("creative_portfolio_type", "CTA"),
        "portfolio_content": portfolio.get("portfolio_content", []),
    }


def portfolio_list(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    page, page_size = query.paging(100, default_page_size=20)
    filtering = query.object("filtering") or {}
    for key in filtering:
        if key not in ("creative_portfolio_types", "creative_portfolio_ids"):
            raise param_error(f"filtering.{key}", "Unknown field.")
    for i, kind in enumerate(filtering.get("creative_portfolio_types") or []):
        if kind not in LIST_TYPES:
            raise param_error(
                f"filtering.creative_portfolio_types[{i}]", f"Must be one of: {', '.join(LIST_TYPES)}."
            )
    ids = filtering.get("creative_portfolio_ids")
    if ids is not None:
        if not isinstance(ids, list) or len(ids) > 100:
            raise param_error("filtering.creative_portfolio_ids", "Must be an array of at most 100 IDs.")
        for i, raw in enumerate(ids):
            _check_id(raw, f"filtering.creative_portfolio_ids[{i}]")
    # D:1766324010279938: the list covers every type "excluding CTA portfolios", and CTA ids and types
    # cannot be filtered for. The emulator keeps only CTA portfolios, so the list is always empty.
    items = [
        p
        for p in store.portfolios(str(advertiser["advertiser_id"]))
        if p.get("creative_portfolio_type") != "CTA"
    ]
    return {
        "creative_portfolios": items[(page - 1) * page_size : page * page_size],
        "page_info": page_info(page, page_size, len(items)),
    }


# ---------------------------------------------------------------------- TikTok posts (Spark Pull)

POST_STATUSES = ("ITEM_STATUS_HESITATE_RECOMMEND", "STATUS_ONLY_FRIEND_SEE", "ITEM_STATUS_ONLY_AUTHOR_SEE")
POST_IDENTITY_TYPES = ("AUTH_CODE", "TT_USER", "BC_AUTH_TT")


def _render_post(post: JSON) -> JSON:
    """A `video_list` entry in the documented shape (D:1740218475032577)."""
    item_type = post.get("item_type", "VIDEO")
    status = post.get("status")
    video = post.get("video_info") or {}
    return {
        "item_type": item_type,
        "item_id": str(post["item_id"]),
        # Posts stored with another word for "public" (e.g. the seed's PUBLIC) answer the documented value.
        "status": status if status in POST_STATUSES else "ITEM_STATUS_HESITATE_RECOMMEND",
        "text": post.get("text", ""),
        "auth_info": {
            "ad_auth_status": "AUTHORIZED",
            "auth_start_time": post.get("create_time", ""),
            "auth_end_time": "2099-12-31 23:59:59",
            "invite_start_time": post.get("create_time", ""),
        },
        "anchor_list": [],
        "video_info": None
        if item_type == "CAROUSEL"
        else {
            "bit_rate": int(video.get("bit_rate", 800_000)),
            "duration": float(video.get("duration", 15.0)),
            "size": int(video.get("size", 1_500_000)),
            "height": int(video.get("height", 1280)),
            "width": int(video.get("width", 720)),
            "poster_url": video.get("poster_url", ""),
            "signature": video.get("signature", f"{int(post['item_id']) % 10**12:032x}"),
            "url": video.get("url", f"https://emulator.invalid/post/{post['item_id']}/play.mp4"),
            "format": video.get("format", "mp4"),
        },
        "carousel_info": post.get("carousel_info") if item_type == "CAROUSEL" else None,
    }


def identity_video_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    identity_id = _check_id(query.text("identity_id", required=True), "identity_id")
    identity_type = query.text("identity_type", required=True)
    if identity_type not in POST_IDENTITY_TYPES:
        raise param_error("identity_type", f"Must be one of: {', '.join(POST_IDENTITY_TYPES)}.")
    if identity_type == "BC_AUTH_TT" and not query.text("identity_authorized_bc_id"):
        raise param_error("identity_authorized_bc_id", "value is required but missing")
    if query.has("keyword") and identity_type != "AUTH_CODE":
        raise param_error("keyword", "Only supported when identity_type is AUTH_CODE.")
    item_type = query.text("item_type") or "VIDEO"
    if item_type not in ("VIDEO", "CAROUSEL"):
        raise param_error("item_type", "Must be one of: VIDEO, CAROUSEL.")
    identity = store.asset("identity", identity_id, adv_id)
    if identity is None or identity.get("identity_type") != identity_type:
        raise param_error(
            "identity_id", f"Identity does not exist. identity_id {identity_id} ({identity_type})."
        )
    # count: 1-20; "a value greater than 20 is ignored and at most 20 are returned".
    count = query.integer("count", 20)
    assert count is not None
    if count < 1:
        raise param_error("count", "Must be between 1 and 20.")
    count = min(count, 20)
    posts = [p for p in store.tiktok_posts(adv_id, identity_id) if p.get("item_type", "VIDEO") == item_type]
    # Newest first by create_time, then item id; the cursor is an offset in this order. TikTok's cursor
    # for TT_USER is a time value; its exact meaning is NOT FOUND, and clients only pass it back.
    posts.sort(key=lambda p: (str(p.get("create_time", "")), str(p["item_id"])), reverse=True)
    cursor_raw = query.text("cursor") or "0"
    if not cursor_raw.isdigit() or len(cursor_raw) > 18:
        raise param_error("cursor", "Not a valid cursor.")
    start = int(cursor_raw)
    page = posts[start : start + count]
    end = start + len(page)
    return {
        "cursor": str(end),
        "has_more": end < len(posts),
        "video_list": [_render_post(p) for p in page],
    }


ROUTES = {
    ("GET", "creative/cta/recommend/"): cta_recommend,
    ("POST", "creative/portfolio/create/"): portfolio_create,
    ("GET", "creative/portfolio/get/"): portfolio_get,
    ("GET", "creative/portfolio/list/"): portfolio_list,
    ("GET", "identity/video/get/"): identity_video_get,
}
