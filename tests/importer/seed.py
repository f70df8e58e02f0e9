"""Varied live campaigns, created through the Smart+ API of the emulator (not through smartplus), so
that import sees what TikTok answers for bodies the tool did not write. The creatives follow TikTok's
current model: Spark Push videos with their cover and a dynamic CTA on automatic/TikTok placement, a
Spark Pull post, and Custom Identity (non-Spark) only on a Pangle-only ad group."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import httpx

from reconciler.emulator import EmulatorTransport

from ..conftest import ADVERTISER, World

PIXEL = "7100000000000000001"
CUSTOM = "7200000000000000001"
TT_USER = "7200000000000000002"
PORTFOLIO = "7400000000000000001"
START = "2027-01-15 00:00:00"
_ids = itertools.count(9_000_000_001)


def request_id() -> str:
    return str(next(_ids))


def campaign(world: World, name: str, **fields: Any) -> str:
    body = {
        "campaign_name": name,
        "objective_type": "WEB_CONVERSIONS",
        "sales_destination": "WEBSITE",
        "request_id": request_id(),
        **fields,
    }
    return str(world.post("smart_plus/campaign/create/", body)["campaign_id"])


def adgroup(world: World, campaign_id: str, name: str, **fields: Any) -> str:
    body: dict[str, Any] = {
        "campaign_id": campaign_id,
        "adgroup_name": name,
        "request_id": request_id(),
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": PIXEL,
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": START,
        "targeting_spec": {"location_ids": ["6252001"]},
    }
    body.update(fields)
    return str(world.post("smart_plus/adgroup/create/", body)["adgroup_id"])


def video_creative(
    video: str, identity_type: str | None = "TT_USER", identity: str = TT_USER
) -> dict[str, Any]:
    """A Spark Push video with its cover (the image of the same number); without an identity, the
    material of a non-Spark ad (whose identity is in ad_configuration)."""
    info: dict[str, Any] = {
        "ad_format": "SINGLE_VIDEO",
        "video_info": {"video_id": video},
        "image_info": [{"web_uri": "i" + video[1:]}],
    }
    if identity_type is not None:
        info.update(identity_type=identity_type, identity_id=identity)
    return {"creative_info": info}


def ad(world: World, adgroup_id: str, name: str, **fields: Any) -> str:
    body: dict[str, Any] = {
        "adgroup_id": adgroup_id,
        "ad_name": name,
        "creative_list": [video_creative("v10000000000000001")],
        "ad_text_list": [{"ad_text": "Shop the sale"}],
        "ad_configuration": {"call_to_action_id": PORTFOLIO},
        "landing_page_url_list": [{"landing_page_url": "https://shop.example.com/sale"}],
    }
    body.update(fields)
    return str(world.post("smart_plus/ad/create/", body)["smart_plus_ad_id"])


def admin(world: World, path: str, body: dict[str, Any]) -> Any:
    async def go() -> Any:
        async with httpx.AsyncClient(transport=EmulatorTransport(world.app), base_url="http://emulator") as c:
            resp = await c.post(path, json=body)
            resp.raise_for_status()
            return resp.json()

    return asyncio.run(go())


def seed_varied(world: World) -> dict[str, str]:
    """Four campaigns: CBO off with manual targeting and a carousel; CBO on with cost cap, custom
    attribution and dayparting; Spark ads; a disabled one. Returns their ids by short name."""
    ids: dict[str, str] = {}

    # CBO off: each ad group carries its budget; manual targeting; edited placements; a carousel.
    ids["nocbo"] = c = campaign(world, "No CBO / Manual", budget_optimize_on=False)
    g1 = adgroup(
        world,
        c,
        "Women 25-44",
        budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        budget=60,
        targeting_optimization_mode="MANUAL",
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_TIKTOK"],
        targeting_spec={
            "location_ids": ["6252001", "2635167"],
            "age_groups": ["AGE_25_34", "AGE_35_44"],
            "gender": "GENDER_FEMALE",
            "languages": ["en"],
            "interest_category_ids": ["15000000000", "16000000000"],
            "operating_systems": ["IOS"],
        },
    )
    ad(
        world,
        g1,
        "Carousel",
        creative_list=[
            {
                "creative_info": {
                    "ad_format": "CAROUSEL_ADS",
                    "image_info": [{"web_uri": f"i1000000000000000{i}"} for i in (1, 2, 3)],
                    "music_info": {"music_id": "m10000000000000001"},
                    "identity_type": "TT_USER",
                    "identity_id": TT_USER,
                }
            }
        ],
        ad_text_list=[{"ad_text": "Swipe the looks"}, {"ad_text": "New season, new you"}],
    )
    ad(world, g1, "Video paused", operation_status="DISABLE")
    g2 = adgroup(
        world,
        c,
        "Landing page views",
        budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        budget=40,
        optimization_goal="TRAFFIC_LANDING_PAGE_VIEW",
        optimization_event=None,
        pixel_id=None,
        targeting_spec={"location_ids": ["6252001"], "spc_audience_age": "OVER_TWENTY_FIVE"},
    )
    ad(
        world,
        g2,
        "Two videos",
        creative_list=[video_creative("v10000000000000002"), video_creative("v10000000000000003")],
        ad_configuration={
            "call_to_action_id": PORTFOLIO,
            "utm_params": [{"key": "utm_source", "value": "tiktok"}],
        },
    )

    # CBO on with cost cap, its own attribution, dayparting and comments off.
    ids["costcap"] = c = campaign(world, "Cost cap CBO", budget=250, po_number="PO-77")
    g = adgroup(
        world,
        c,
        "Cost cap 12.5",
        bid_type="BID_TYPE_CUSTOM",
        conversion_bid_price=12.5,
        click_attribution_window="ONE_DAY",
        view_attribution_window="OFF",
        dayparting="0" * 48 + "1" * 288,
        comment_disabled=True,
        targeting_spec={"location_ids": ["6252001"], "smart_audience_enabled": True},
    )
    ad(world, g, "Cost cap video")

    # Spark ads: TT_USER identity, one pulled post (tiktok_item_id), one pushed video.
    ids["spark"] = c = campaign(world, "Spark TT_USER", budget=120)
    g = adgroup(world, c, "Spark group")
    ad(
        world,
        g,
        "Pulled post",
        creative_list=[
            {
                "creative_info": {
                    "ad_format": "SINGLE_VIDEO",
                    "tiktok_item_id": "7300000000000000001",
                    "identity_type": "TT_USER",
                    "identity_id": TT_USER,
                }
            }
        ],
        ad_text_list=None,
    )
    ad(world, g, "Pushed video", creative_list=[video_creative("v10000000000000004")])

    # A disabled campaign with one Pangle-only ad group: the one place a non-Spark ad may stand.
    ids["paused"] = c = campaign(world, "Paused", budget=80, operation_status="DISABLE")
    g = adgroup(
        world,
        c,
        "Paused group",
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_PANGLE"],
        targeting_spec={"location_ids": ["6252001"], "gender": "GENDER_MALE"},
    )
    ad(
        world,
        g,
        "Paused ad",
        creative_list=[video_creative("v10000000000000005", None)],
        ad_configuration={"identity_type": "CUSTOMIZED_USER", "identity_id": CUSTOM},
        call_to_action_list=[{"call_to_action": "SHOP_NOW"}],
    )
    return ids


def seed_legacy(world: World, name: str = "Legacy Smart+ US") -> str:
    """A legacy Smart+ campaign, shaped like the docs' /campaign/spc/ example (api-behavior.md 6)."""
    answer = admin(world, "/_emulator/legacy_campaign", legacy_row(name))
    return str(answer["campaign"]["campaign_id"])


def legacy_row(name: str = "Legacy Smart+ US") -> dict[str, Any]:
    return {
        "advertiser_id": ADVERTISER,
        "campaign_name": name,
        "objective_type": "WEB_CONVERSIONS",
        "spc_type": "WEB_ALL_IN_ONE",
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": PIXEL,
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": 150,
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": "2026-02-01 00:00:00",
        "location_ids": ["6252001"],
        "spc_audience_age": "18+",
        "gender": "GENDER_UNLIMITED",
        "identity_type": "TT_USER",
        "identity_id": TT_USER,
        "media_info_list": [
            {
                "media_info": {
                    "video_info": {"video_id": "v10000000000000006"},
                    "image_info": [{"web_uri": "i10000000000000006"}],
                }
            },
            {
                "media_info": {
                    "video_info": {"video_id": "v10000000000000007"},
                    "image_info": [{"web_uri": "i10000000000000007"}],
                }
            },
        ],
        "title_list": [{"title": "Legacy sale"}, {"title": "Free shipping"}],
        "call_to_action_list": [{"call_to_action": "SHOP_NOW"}],
        "call_to_action_id": PORTFOLIO,
        "landing_page_urls": [{"landing_page_url": "https://shop.example.com/legacy"}],
    }
