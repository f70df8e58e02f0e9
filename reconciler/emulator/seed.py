"""Fixed seeds of the emulator (product.md section 8): `demo` and `scale:CxGxA`.

Writes to the store only. The ids and names are part of the product contract: docs, examples and
tests rely on them. `scale` builds its rows in memory and loads them with executemany, so 10,000 ads
load in about a second.
"""

from __future__ import annotations

import re

from . import objects
from .store import Row, Store
from .wire import JSON

DEMO_ADVERTISER = "7000000000000000001"
DEMO_ADVERTISER_2 = "7000000000000000002"
DEMO_TOKEN = "demo-token"
DEMO_TOKEN_2 = "demo-token-2"
DEMO_PIXEL = "7100000000000000001"
DEMO_IDENTITY_CUSTOM = "7200000000000000001"
DEMO_IDENTITY_TT = "7200000000000000002"
DEMO_VIDEOS = [f"v1000000000000000{i}" for i in range(1, 10)]
DEMO_IMAGES = [f"i1000000000000000{i}" for i in range(1, 10)]
DEMO_MUSIC = "m10000000000000001"
# TikTok posts of the TT_USER identity (Spark Pull `tiktok_item_id`) and the CTA portfolio
# (`ad_configuration.call_to_action_id`) that Spark-first manifests name.
DEMO_POSTS = [f"730000000000000000{i}" for i in range(1, 10)]
DEMO_PORTFOLIO = "7400000000000000001"
# The demo videos and their covers are 9:16 (720 x 1280, TikTok's recommended size, DOC:1739067433456642).
DEMO_WIDTH, DEMO_HEIGHT = 720, 1280

# Browser (Pixel) and server (Events API) counts per day for each event of the demo pixel.
DEMO_PIXEL_EVENTS: list[tuple[str, str | None, str, int, int]] = [
    # (event name shown in the pixel, optimization_event, pixel_event_type, browser/day, server/day)
    ("Complete Payment", "SHOPPING", "SHOPPING", 120, 80),
    ("Add to Cart", "ON_WEB_CART", "ON_WEB_CART", 900, 300),
    ("Submit Form", "FORM", "FORM", 60, 0),
    ("Page View", None, "PAGE_VIEW", 15000, 0),
]


def _advertiser(advertiser_id: str, name: str, allowlisted: bool) -> JSON:
    return {
        "advertiser_id": advertiser_id,
        "name": name,
        "currency": "USD",
        "country": "US",
        "timezone": "Etc/GMT",
        "display_timezone": "UTC",
        "language": "en",
        "status": "STATUS_ENABLE",
        "advertiser_account_type": "AUCTION",
        "balance": 10000,
        "company": "Demo Shop Inc.",
        "promotion_area": "0",
        "role": "ROLE_ADVERTISER",
        # Created before 2026-01-15; since TikTok closed Custom Identity ads on TikTok/automatic placement
        # for existing accounts too (DOC:1848048566169730), the date no longer changes any rule.
        "create_time": 1748736000,  # 2025-06-01 00:00:00 UTC
        # Account-level mandatory ads-only mode (DOC:1843317390059522): off, so dark_post_status OFF works.
        "ads_only_mode": False,
        "_smart_plus_allowlisted": allowlisted,
    }


def _pixel() -> JSON:
    events: list[JSON] = []
    for index, (name, opt_event, event_type, _b, _s) in enumerate(DEMO_PIXEL_EVENTS, start=1):
        events.append(
            {
                "name": name,
                "event_type": event_type,
                "optimization_event": opt_event,
                "custom_event_type": None,
                "event_code": event_type,
                "event_id": f"71000000000000100{index:02d}",
                "statistic_type": "EVERY_TIME",
                "rules": [],
                "deprecated": False,
                "currency": "USD" if opt_event == "SHOPPING" else None,
                "currency_value": None,
            }
        )
    return {
        "pixel_id": DEMO_PIXEL,
        "pixel_code": "CDEMO0PIXEL0000000001",
        "pixel_name": "Demo Shop Pixel",
        "pixel_category": "ONLINE_STORE",
        "pixel_setup_mode": "DEVELOPER",
        "partner_name": None,
        "activity_status": "ACTIVE",
        "create_time": "2025-06-01T00:00:00Z",
        "pixel_script": "<script>/* TikTok pixel CDEMO0PIXEL0000000001 (emulator) */</script>",
        "advanced_matching_fields": {"email": True, "phone_number": True},
        "has_pcm_config": None,
        "asset_ownership": {
            "owner_bc_id": None,
            "asset_relation_status": None,
            "updated_at": 0,
            "ownership_status": True,
        },
        "events": events,
        "_daily_counts": {etype: [b, s] for _n, _o, etype, b, s in DEMO_PIXEL_EVENTS},
    }


def _identity(identity_id: str, identity_type: str, name: str, spark: bool) -> JSON:
    """An /identity/get/ entry (DOC:1740218420781057); the Spark one can push and pull."""
    return {
        "identity_id": identity_id,
        "identity_type": identity_type,
        "identity_authorized_bc_id": "0",
        "display_name": name,
        "username": name.lstrip("@").lower().replace(" ", ""),
        "profile_image": f"https://emulator.invalid/avatar/{identity_id}.png",
        "ads_only_mode": False,
        "is_gpppa": False,
        "can_pull_video": spark,
        "can_push_video": spark,
        "can_use_live_ads": False,
        "can_manage_message": False,
        "available_status": "AVAILABLE",
    }


def _image(n: int, image_id: str) -> JSON:
    """An image upload/info answer (DOC:1739067433456642): `image_id` is what `web_uri` takes."""
    return {
        "image_id": image_id,
        "web_uri": image_id,
        "material_id": f"75000000000000000{n:02d}",
        "file_name": f"demo-image-{n}.jpg",
        "width": DEMO_WIDTH,
        "height": DEMO_HEIGHT,
        "format": "jpeg",
        "size": 200_000 + n,
        "signature": f"{n + 100:032x}",
        "displayable": True,
        "is_carousel_usable": True,
        "image_url": f"https://emulator.invalid/image/{image_id}.jpg",
        "create_time": "2025-06-01T00:00:00Z",
        "modify_time": "2025-06-01T00:00:00Z",
    }


def _post(n: int, item_id: str) -> JSON:
    """A video post of the TT_USER identity, usable for Spark Pull."""
    return {
        "item_id": item_id,
        "identity_id": DEMO_IDENTITY_TT,
        "identity_type": "TT_USER",
        "item_type": "VIDEO",
        "text": f"Demo Shop post {n}",
        "status": "PUBLIC",
        "auth_code_status": "AUTHORIZED",
        "video_info": {
            "duration": 15.0 + n,
            "width": DEMO_WIDTH,
            "height": DEMO_HEIGHT,
            "poster_url": f"https://emulator.invalid/post/{item_id}/poster.jpg",
        },
        "create_time": "2025-06-01 00:00:00",
    }


def load_demo(store: Store) -> None:
    with store.transaction():
        store.put_advertiser(_advertiser(DEMO_ADVERTISER, "Demo Shop US", True))
        store.put_advertiser(_advertiser(DEMO_ADVERTISER_2, "Demo Shop (not allowlisted)", False))
        store.put_token(DEMO_TOKEN, [DEMO_ADVERTISER])
        store.put_token(DEMO_TOKEN_2, [DEMO_ADVERTISER_2])
        store.put_assets("pixel", DEMO_ADVERTISER, [(DEMO_PIXEL, _pixel())])
        store.put_assets(
            "identity",
            DEMO_ADVERTISER,
            [
                (
                    DEMO_IDENTITY_CUSTOM,
                    _identity(DEMO_IDENTITY_CUSTOM, "CUSTOMIZED_USER", "Demo Shop", False),
                ),
                (DEMO_IDENTITY_TT, _identity(DEMO_IDENTITY_TT, "TT_USER", "@demoshop", True)),
            ],
        )
        store.put_assets(
            "video",
            DEMO_ADVERTISER,
            [
                (
                    vid,
                    {
                        "video_id": vid,
                        "file_name": f"demo-video-{n}.mp4",
                        "duration": 15.0 + n,
                        "width": DEMO_WIDTH,
                        "height": DEMO_HEIGHT,
                        "format": "mp4",
                        "size": 1_500_000 + n,
                        "bit_rate": 800_000,
                        "signature": f"{n:032x}",
                        "material_id": f"73000000000000000{n:02d}",
                        "displayable": True,
                        "allowed_placements": ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"],
                        "allow_download": True,
                        "video_cover_url": f"https://emulator.invalid/video/{vid}/cover.jpg",
                        "preview_url": f"https://emulator.invalid/video/{vid}/preview.mp4",
                        "create_time": "2025-06-01T00:00:00Z",
                        "modify_time": "2025-06-01T00:00:00Z",
                    },
                )
                for n, vid in enumerate(DEMO_VIDEOS, start=1)
            ],
        )
        # Image n is a valid cover of video n (same aspect and size) and is carousel-usable.
        store.put_assets(
            "image", DEMO_ADVERTISER, [(img, _image(n, img)) for n, img in enumerate(DEMO_IMAGES, 1)]
        )
        store.put_assets(
            "music",
            DEMO_ADVERTISER,
            [(DEMO_MUSIC, {"music_id": DEMO_MUSIC, "file_name": "demo-track.mp3", "duration": 30.0})],
        )
        store.put_tiktok_posts(DEMO_ADVERTISER, [_post(n, item) for n, item in enumerate(DEMO_POSTS, 1)])
        store.put_portfolio(
            DEMO_ADVERTISER,
            {
                "creative_portfolio_id": DEMO_PORTFOLIO,
                "creative_portfolio_type": "CTA",
                "portfolio_content": [
                    {"asset_content": "Shop now", "asset_ids": ["7410000000000000001"]},
                    {"asset_content": "Learn more", "asset_ids": ["7410000000000000002"]},
                ],
                "create_time": "2025-06-01 00:00:00",
            },
        )
        store.meta_set("seed", "demo")
        load_demo_manual(store)


_SCALE = re.compile(r"^scale:(\d+)x(\d+)x(\d+)$")


def load_scale(store: Store, campaigns: int, adgroups: int, ads: int) -> None:
    """The demo account plus C CBO campaigns x G ad groups x A ads, all valid and enabled."""
    load_demo(store)
    now = store.now_str()
    campaign_ids = store.next_ids("campaign", campaigns)
    adgroup_ids = store.next_ids("adgroup", campaigns * adgroups)
    ad_ids = store.next_ids("ad", campaigns * adgroups * ads)
    material_ids = store.next_ids("material", campaigns * adgroups * ads)
    rows: list[Row] = []
    g_index = 0
    a_index = 0
    for c, campaign_id in enumerate(campaign_ids, start=1):
        campaign = objects.build_campaign(
            {
                "advertiser_id": DEMO_ADVERTISER,
                "campaign_name": f"Scale Campaign {c:04d}",
                "objective_type": "WEB_CONVERSIONS",
                "sales_destination": "WEBSITE",
                "budget_optimize_on": True,
                "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
                "budget": 500,
            },
            campaign_id,
            now,
        )
        rows.append(objects.row("campaign", campaign, now))
        for g in range(1, adgroups + 1):
            adgroup_id = adgroup_ids[g_index]
            g_index += 1
            adgroup = objects.build_adgroup(
                {
                    "advertiser_id": DEMO_ADVERTISER,
                    "campaign_id": campaign_id,
                    "adgroup_name": f"Scale Ad Group {c:04d}-{g:02d}",
                    "promotion_type": "WEBSITE",
                    "optimization_goal": "CONVERT",
                    "optimization_event": "SHOPPING",
                    "pixel_id": DEMO_PIXEL,
                    "billing_event": "OCPM",
                    "bid_type": "BID_TYPE_NO_BID",
                    "schedule_type": "SCHEDULE_FROM_NOW",
                    "schedule_start_time": "2026-01-01 00:00:00",
                    "targeting_spec": {"location_ids": ["6252001"], "spc_audience_age": "OVER_EIGHTEEN"},
                },
                adgroup_id,
                campaign,
                now,
            )
            rows.append(objects.row("adgroup", adgroup, now))
            for a in range(1, ads + 1):
                ad_id = ad_ids[a_index]
                material_id = material_ids[a_index]
                a_index += 1
                ad = objects.build_ad(
                    {
                        "advertiser_id": DEMO_ADVERTISER,
                        "adgroup_id": adgroup_id,
                        "ad_name": f"Scale Ad {c:04d}-{g:02d}-{a:02d}",
                        "creative_list": [
                            {
                                "creative_info": {
                                    "ad_format": "SINGLE_VIDEO",
                                    "video_info": {"video_id": DEMO_VIDEOS[(a - 1) % len(DEMO_VIDEOS)]},
                                    "image_info": [{"web_uri": DEMO_IMAGES[(a - 1) % len(DEMO_IMAGES)]}],
                                    "identity_type": "TT_USER",
                                    "identity_id": DEMO_IDENTITY_TT,
                                }
                            }
                        ],
                        "ad_text_list": [{"ad_text": f"Scale ad text {a}"}],
                        "ad_configuration": {"call_to_action_id": DEMO_PORTFOLIO, "dark_post_status": "ON"},
                        "landing_page_url_list": [{"landing_page_url": "https://shop.example.com/"}],
                    },
                    ad_id,
                    adgroup,
                    [material_id],
                    now,
                )
                rows.append(objects.row("ad", ad, now))
    with store.transaction():
        store.insert_objects(rows)
        store.meta_set("seed", f"scale:{campaigns}x{adgroups}x{ads}")


def load_seed(store: Store, seed: str | None) -> None:
    if seed is None:
        return
    if seed == "demo":
        load_demo(store)
        return
    match = _SCALE.match(seed)
    if match is None:
        raise ValueError(f"unknown seed {seed!r}: expected 'demo' or 'scale:CxGxA'")
    load_scale(store, int(match.group(1)), int(match.group(2)), int(match.group(3)))


# ---------------------------------------------------------------------- demo: manual campaigns

# Manual Web Conversions campaigns of the demo advertiser (docs/emulator.md), with fixed ids and times:
# an importer and a cutover to Upgraded Smart+ are tested against them.
MANUAL_EVERGREEN = "1870000000000000001"
MANUAL_RETARGETING = "1870000000000000002"
MANUAL_ADGROUPS = ("1871000000000000001", "1871000000000000002", "1871000000000000003")
MANUAL_ADS = (
    "1872000000000000001",
    "1872000000000000002",
    "1872000000000000003",
    "1872000000000000004",
    "1872000000000000005",
)
MANUAL_AUDIENCE = "7400000000000000001"  # a custom audience id (the emulator has no audience API)
CANADA = "6251999"


def _manual_creative(n: int, name: str, text: str, url: str) -> JSON:
    """A Spark-style video ad: the TT_USER identity, demo video n and its cover image n, both of which
    a Smart+ creative can reuse (`video_info.video_id`, `image_info[0].web_uri`)."""
    return {
        "ad_name": name,
        "ad_format": "SINGLE_VIDEO",
        "identity_type": "TT_USER",
        "identity_id": DEMO_IDENTITY_TT,
        "video_id": DEMO_VIDEOS[n - 1],
        "image_ids": [DEMO_IMAGES[n - 1]],
        "ad_text": text,
        "call_to_action": "SHOP_NOW",
        "landing_page_url": url,
        "utm_params": [{"key": "utm_source", "value": "tiktok"}],
    }


def load_demo_manual(store: Store) -> None:
    """`Manual Evergreen US` (CBO daily budget, two ad groups of two ads) and `Manual Retargeting CA`
    (budget per ad group, manual targeting, one ad group, one ad), both enabled."""
    from . import manual  # here, not at the top: manual imports smart_plus, which seed need not

    identity = store.asset("identity", DEMO_IDENTITY_TT, DEMO_ADVERTISER)
    t1, t2 = "2026-06-01 00:00:00", "2026-09-01 00:00:00"
    evergreen = manual.create_campaign(
        store,
        {
            "advertiser_id": DEMO_ADVERTISER,
            "campaign_name": "Manual Evergreen US",
            "objective_type": "WEB_CONVERSIONS",
            "budget_optimize_on": True,
            "budget_mode": "BUDGET_MODE_DAY",
            "budget": 300,
        },
        campaign_id=MANUAL_EVERGREEN,
        now=t1,
    )
    conversion: JSON = {
        "advertiser_id": DEMO_ADVERTISER,
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": DEMO_PIXEL,
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "schedule_type": "SCHEDULE_FROM_NOW",
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
    }
    broad = manual.create_adgroup(
        store,
        {
            **conversion,
            "adgroup_name": "Evergreen US - Broad",
            "schedule_start_time": t1,
            "location_ids": ["6252001"],
            "auto_targeting_enabled": True,
        },
        evergreen,
        adgroup_id=MANUAL_ADGROUPS[0],
        now=t1,
    )
    older = manual.create_adgroup(
        store,
        {
            **conversion,
            "adgroup_name": "Evergreen US - 25+",
            "schedule_start_time": t1,
            "location_ids": ["6252001"],
            "age_groups": ["AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"],
        },
        evergreen,
        adgroup_id=MANUAL_ADGROUPS[1],
        now=t1,
    )
    url = "https://shop.example.com/evergreen"
    for group, (n1, n2), (a1, a2) in ((broad, (1, 2), MANUAL_ADS[0:2]), (older, (3, 4), MANUAL_ADS[2:4])):
        for n, ad_id in ((n1, a1), (n2, a2)):
            creative = _manual_creative(n, f"Evergreen UGC {n}", f"Everyday essentials, ad {n}", url)
            manual.create_ad(store, creative, group, identity, ad_id=ad_id, now=t1)
    retargeting = manual.create_campaign(
        store,
        {
            "advertiser_id": DEMO_ADVERTISER,
            "campaign_name": "Manual Retargeting CA",
            "objective_type": "WEB_CONVERSIONS",
            "budget_mode": "BUDGET_MODE_INFINITE",
        },
        campaign_id=MANUAL_RETARGETING,
        now=t2,
    )
    cart = manual.create_adgroup(
        store,
        {
            **conversion,
            "adgroup_name": "Retargeting CA - Cart abandoners",
            "optimization_event": "ON_WEB_CART",
            "placement_type": "PLACEMENT_TYPE_NORMAL",
            "placements": ["PLACEMENT_TIKTOK"],
            "budget_mode": "BUDGET_MODE_DAY",
            "budget": 80,
            "schedule_start_time": t2,
            "location_ids": [CANADA],
            "age_groups": ["AGE_25_34", "AGE_35_44"],
            "gender": "GENDER_FEMALE",
            "languages": ["en", "fr"],
            "audience_ids": [MANUAL_AUDIENCE],
            "operating_systems": ["IOS"],
        },
        retargeting,
        adgroup_id=MANUAL_ADGROUPS[2],
        now=t2,
    )
    creative = _manual_creative(
        5,
        "Retargeting cart reminder",
        "Still thinking it over? Free shipping in Canada.",
        "https://shop.example.com/ca/cart",
    )
    manual.create_ad(store, creative, cart, identity, ad_id=MANUAL_ADS[4], now=t2)
