"""Seeds, file databases that persist between runs, and the scale seed's speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.emulator import create_app

from .helpers import ADV, NOW, Api, carousel_creative, pull_creative, video_creative


def test_file_db_is_reused(tmp_path: Path) -> None:
    db = str(tmp_path / "emulator.db")
    api = Api(create_app(db, now=NOW))
    campaign = api.campaign()["campaign_id"]
    api.admin("clock", {"now": "2026-12-05 00:00:00"})
    api.client.close()
    again = Api(create_app(db))  # no `now`: the clock saved in the db is used
    data = again.ok(again.get("smart_plus/campaign/get/", advertiser_id=ADV))
    assert [c["campaign_id"] for c in data["list"]] == [campaign]
    assert again.admin("clock")["now"] == "2026-12-05 00:00:00"
    # New ids do not collide with the old ones.
    assert again.campaign(campaign_name="second")["campaign_id"] != campaign


def test_no_seed() -> None:
    api = Api(create_app(seed=None, now=NOW))
    assert api.get("smart_plus/campaign/get/", advertiser_id=ADV)["code"] == 40105


def test_bad_seed_and_clock() -> None:
    with pytest.raises(ValueError, match="unknown seed"):
        create_app(seed="big")
    with pytest.raises(ValueError):
        create_app(now="2026-13-01")


def test_scale_seed_is_fast_and_pages() -> None:
    start = time.monotonic()
    app = create_app(seed="scale:200x10x5", now=NOW)
    assert time.monotonic() - start < 10
    api = Api(app)
    data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV, page_size=1000))
    assert data["page_info"]["total_number"] == 200
    data = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV, page_size=1000, page=2))
    assert data["page_info"] == {"page": 2, "page_size": 1000, "total_number": 2000, "total_page": 2}
    assert len(data["list"]) == 1000
    data = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV, page_size=100, page=100))
    assert data["page_info"]["total_number"] == 10000
    assert len(data["list"]) == 100
    assert data["list"][0]["campaign_name"].startswith("Scale Campaign")
    # Scale objects obey the same rules as API-created ones: one more ad group fits the campaign.
    campaign = data["list"][0]["campaign_id"]
    assert api.adgroup(campaign, adgroup_name="extra")["campaign_id"] == campaign


def test_demo_seed_has_what_spark_first_manifests_need() -> None:
    # Fixed ids (issue 13): the TT_USER identity pushes and pulls; image n is a cover of video n and
    # carousel-usable; posts 7300000000000000001-9 belong to the identity; CTA portfolio 7400000000000000001.
    api = Api(create_app(now=NOW))
    store = api.app.state.emulator.store
    identity = store.asset("identity", "7200000000000000002", ADV)
    assert identity["identity_type"] == "TT_USER"
    assert identity["can_push_video"] and identity["can_pull_video"]
    assert identity["available_status"] == "AVAILABLE" and identity["is_gpppa"] is False
    for n in range(1, 10):
        video = store.asset("video", f"v1000000000000000{n}", ADV)
        image = store.asset("image", f"i1000000000000000{n}", ADV)
        assert image["is_carousel_usable"] is True
        assert image["width"] * video["height"] == image["height"] * video["width"]
        post = store.tiktok_post(ADV, f"730000000000000000{n}")
        assert post["identity_id"] == "7200000000000000002" and post["item_type"] == "VIDEO"
    assert len(store.tiktok_posts(ADV, "7200000000000000002")) == 9
    portfolio = store.portfolio(ADV, "7400000000000000001")
    assert portfolio["creative_portfolio_type"] == "CTA" and portfolio["portfolio_content"]
    assert [p["creative_portfolio_id"] for p in store.portfolios(ADV)] == ["7400000000000000001"]
    # Every one of them works in an ad: Spark Push with cover and CTA, Spark Pull, a carousel.
    group = api.adgroup(api.campaign()["campaign_id"])["adgroup_id"]
    for n in range(1, 10):
        api.ad(group, ad_name=f"push {n}", creative_list=[video_creative(n), pull_creative(n)])
    api.ad(group, ad_name="carousel", creative_list=[carousel_creative(9)])
    # New portfolio ids do not collide with the seeded one.
    assert store.next_id("portfolio") != "7400000000000000001"
