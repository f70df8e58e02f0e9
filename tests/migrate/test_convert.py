"""core.migrate.convert on manual rows read from the emulator: how ads are grouped, what is left out,
budgets without CBO, and a read the API refuses."""

from __future__ import annotations

import asyncio
from typing import Any

from reconciler.adapters import importer as reader
from reconciler.adapters.api import TikTokClient
from reconciler.core import migrate
from reconciler.emulator import EmulatorTransport
from reconciler.settings import EMULATOR_BASE_URL, Secret

from ..conftest import ADVERTISER, World
from ..importer.test_reader import NoLegacy
from .helpers import NOW_DT, TT_USER, make_manual


def rows_of(
    world: World, campaign_id: str
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    rows = world.run(lambda c: reader.read_account(c, ADVERTISER, (campaign_id,), legacy=False)).manual
    (campaign,) = rows.campaigns
    return campaign, rows.adgroups, rows.ads


def add_ads(world: World, adgroup_id: str, n: int, **extra: Any) -> list[str]:
    creatives = [
        {
            "ad_name": f"Extra {i}",
            "ad_format": "SINGLE_VIDEO",
            "identity_type": "TT_USER",
            "identity_id": TT_USER,
            "video_id": f"v1000000000000000{i % 9 + 1}",
            "image_ids": [f"i1000000000000000{i % 9 + 1}"],
            "ad_text": f"Text {i}",
            "call_to_action_id": "7400000000000000001",
            "landing_page_url": "https://shop.example.com/probe",
            **extra,
        }
        for i in range(n)
    ]
    return [
        str(a) for a in world.post("ad/create/", {"adgroup_id": adgroup_id, "creatives": creatives})["ad_ids"]
    ]


def test_more_than_five_texts_split_the_ad_and_disabled_ads_are_left_out(world: World) -> None:
    ids = make_manual(world)
    extra = add_ads(world, ids["adgroup"], 6)  # 7 ads, 7 distinct texts, one landing page
    # The emulator serves no manual ad status endpoint: the stored row is disabled directly.
    store = world.app.state.emulator.store
    row = store.get("manual_ad", extra[-1])
    row.operation_status = "DISABLE"
    row.data["operation_status"] = "DISABLE"
    store.save(row)
    item = migrate.convert(*rows_of(world, ids["campaign"]), now=NOW_DT)
    (group,) = item.document["adgroups"]
    ads = group["ads"]
    assert [len(a["creative_list"]) for a in ads] == [5, 1]  # 6 enabled: 5 texts, then a further ad
    assert [len(a["ad_text_list"]) for a in ads] == [5, 1]
    assert [a["ad_name"] for a in ads] == ["Manual Probe group ads", "Extra 4"]  # in ad id order
    assert any(f"({extra[-1]}) is disabled: left out" in c for c in item.comments)


def test_different_landing_pages_are_different_ads(world: World) -> None:
    ids = make_manual(world)
    add_ads(world, ids["adgroup"], 1, landing_page_url="https://shop.example.com/other")
    item = migrate.convert(*rows_of(world, ids["campaign"]), now=NOW_DT)
    urls = [a["landing_page_url_list"] for a in item.document["adgroups"][0]["ads"]]
    assert sorted(u[0]["landing_page_url"] for u in urls) == [
        "https://shop.example.com/other",
        "https://shop.example.com/probe",
    ]


def test_static_cta_without_a_portfolio_becomes_a_recommended_dynamic_cta(world: World) -> None:
    campaign, groups, ads = rows_of(world, "1870000000000000002")  # the demo's Manual Retargeting CA
    item = migrate.convert(campaign, groups, ads, now=NOW_DT)
    (ad,) = item.document["adgroups"][0]["ads"]
    assert "call_to_action_list" not in ad and "call_to_action_id" not in ad.get("ad_configuration", {})
    assert ad["cta_portfolio"] == "recommended"
    assert any(
        "call_to_action SHOP_NOW -> a dynamic CTA from TikTok's recommendation" in c for c in item.comments
    )
    with_portfolio = migrate.convert(campaign, groups, ads, now=NOW_DT, cta_portfolio="7400000000000000001")
    (ad,) = with_portfolio.document["adgroups"][0]["ads"]
    assert ad["ad_configuration"]["call_to_action_id"] == "7400000000000000001"
    assert not any("call_to_action =" in c for c in with_portfolio.comments)
    # No CBO: the ad group keeps its daily budget, as a dynamic daily one (no exact equivalent).
    doc = with_portfolio.document
    assert doc["budget_optimize_on"] is False and "budget" not in doc
    assert (doc["adgroups"][0]["budget_mode"], doc["adgroups"][0]["budget"]) == (
        "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        80,
    )


def test_a_refused_manual_read_is_a_note(world: World) -> None:
    async def go() -> reader.AccountRows:
        transport = NoLegacy(EmulatorTransport(world.app))
        async with TikTokClient(
            EMULATOR_BASE_URL, Secret("demo-token"), transport=transport, rate_limit=0
        ) as c:
            return await reader.read_account(c, ADVERTISER, legacy=False)

    rows = asyncio.run(go())
    assert rows.manual.campaigns == []
    assert rows.notes == ["manual campaigns not read: /campaign/get/ answered 40400 Route not found."]
