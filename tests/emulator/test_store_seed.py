"""Seeds, file databases that persist between runs, and the scale seed's speed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from reconciler.emulator import create_app

from .helpers import ADV, NOW, Api


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
