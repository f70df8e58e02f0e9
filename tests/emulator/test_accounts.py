"""Pixels, pixel event stats, identities, videos, advertiser info, legacy Smart+ and /campaign/get/."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import ADV, ADV2, PIXEL, Api, assert_error


def test_pixel_list(api: Api) -> None:
    data = api.ok(api.get("pixel/list/", advertiser_id=ADV))
    assert data["page_info"] == {"page": 1, "page_size": 10, "total_number": 1, "total_page": 1}
    (pixel,) = data["pixels"]
    assert pixel["pixel_id"] == PIXEL
    assert pixel["activity_status"] == "ACTIVE"
    events = {e["optimization_event"] for e in pixel["events"]}
    assert {"SHOPPING", "ON_WEB_CART", "FORM"} <= events
    assert any(e["event_type"] == "PAGE_VIEW" and e["optimization_event"] is None for e in pixel["events"])
    assert not any(k.startswith("_") for k in pixel)
    assert api.ok(api.get("pixel/list/", advertiser_id=ADV, pixel_id="1"))["pixels"] == []
    assert api.ok(api.get("pixel/list/", advertiser_id=ADV2, token="demo-token-2"))["pixels"] == []


def test_pixel_event_stats(api: Api) -> None:
    answer = api.get(
        "pixel/event/stats/",
        advertiser_id=ADV,
        pixel_ids=[PIXEL],
        date_range={"start_date": "2026-11-01", "end_date": "2026-11-02"},
    )
    (entry,) = api.ok(answer)["list"]
    assert entry["pixel_id"] == PIXEL
    stats = {s["pixel_event_type"]: s for s in entry["statistics"]}
    assert stats["SHOPPING"]["browser_event_total_count"] == 240
    assert stats["SHOPPING"]["server_event_total_count"] == 160
    assert stats["SHOPPING"]["total_count"] == 400
    assert stats["PAGE_VIEW"]["browser_event_total_count"] > 0
    assert stats["PAGE_VIEW"]["server_event_total_count"] == 0
    assert "page_info" not in api.ok(answer)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"date_range": {"start_date": "2026-11-01", "end_date": "2026-11-02"}},
            "pixel_ids: value is required but missing",
        ),
        ({"pixel_ids": [PIXEL]}, "date_range: value is required but missing"),
        (
            {"pixel_ids": [PIXEL], "date_range": {"start_date": "2026-10-01", "end_date": "2026-11-02"}},
            "date_range: The date range must be at most 30 days.",
        ),
        (
            {"pixel_ids": [PIXEL], "date_range": {"start_date": "2026-11-01"}},
            "date_range.end_date: value is required but missing",
        ),
        (
            {"pixel_ids": ["1"], "date_range": {"start_date": "2026-11-01", "end_date": "2026-11-01"}},
            "pixel_ids[0]: Pixel does not exist. pixel_id 1.",
        ),
        (
            {"pixel_ids": [PIXEL] * 11, "date_range": {"start_date": "2026-11-01", "end_date": "2026-11-01"}},
            "pixel_ids: Must contain between 1 and 10 items.",
        ),
    ],
)
def test_pixel_event_stats_rules(api: Api, params: dict[str, Any], message: str) -> None:
    assert_error(api.get("pixel/event/stats/", advertiser_id=ADV, **params), 40002, message)


def test_identities(api: Api) -> None:
    data = api.ok(api.get("identity/get/", advertiser_id=ADV))
    assert {(i["identity_id"], i["identity_type"]) for i in data["identity_list"]} == {
        ("7200000000000000001", "CUSTOMIZED_USER"),
        ("7200000000000000002", "TT_USER"),
    }
    data = api.ok(api.get("identity/get/", advertiser_id=ADV, identity_type="TT_USER"))
    assert [i["identity_id"] for i in data["identity_list"]] == ["7200000000000000002"]
    # The manager check before a Spark ad (D:1740218420781057): push and pull allowed, available, not GPPPA.
    (spark,) = data["identity_list"]
    assert (spark["can_push_video"], spark["can_pull_video"]) == (True, True)
    assert (spark["available_status"], spark["is_gpppa"], spark["ads_only_mode"]) == (
        "AVAILABLE",
        False,
        False,
    )
    info = api.ok(api.get("file/image/ad/info/", advertiser_id=ADV, image_ids=["i10000000000000001"]))
    assert info["list"][0]["is_carousel_usable"] is True
    (advertiser,) = api.ok(api.get("advertiser/info/", advertiser_ids=[ADV]))["list"]
    assert advertiser["ads_only_mode"] is False
    answer = api.get("identity/get/", advertiser_id=ADV, identity_type="X")
    assert_error(
        answer, 40002, "identity_type: Must be one of: AUTH_CODE, BC_AUTH_TT, CUSTOMIZED_USER, TT_USER."
    )


def test_videos(api: Api) -> None:
    ids = [f"v1000000000000000{i}" for i in range(1, 10)]
    data = api.ok(api.get("file/video/ad/info/", advertiser_id=ADV, video_ids=[*ids, "v0"]))
    assert [v["video_id"] for v in data["list"]] == ids
    assert_error(
        api.get("file/video/ad/info/", advertiser_id=ADV), 40002, "video_ids: value is required but missing"
    )


def test_images(api: Api) -> None:
    data = api.ok(api.get("file/image/ad/info/", advertiser_id=ADV, image_ids=["i10000000000000001", "x"]))
    assert [i["image_id"] for i in data["list"]] == ["i10000000000000001"]
    assert_error(
        api.get("file/image/ad/info/", advertiser_id=ADV), 40002, "image_ids: value is required but missing"
    )


def test_advertiser_info(api: Api) -> None:
    data = api.ok(api.get("advertiser/info/", advertiser_ids=[ADV]))
    assert data["list"][0]["currency"] == "USD"
    assert "_smart_plus_allowlisted" not in data["list"][0]
    assert api.get("advertiser/info/", advertiser_ids=[ADV2])["code"] == 40001


def _legacy(api: Api) -> str:
    answer = api.admin("legacy_campaign", {"advertiser_id": ADV, "campaign_name": "Old SPC", "budget": 100})
    return str(answer["campaign"]["campaign_id"])


def test_legacy_campaign_in_manual_get(api: Api) -> None:
    legacy = _legacy(api)
    upgraded = api.campaign()["campaign_id"]
    data = api.ok(api.get("campaign/get/", advertiser_id=ADV))
    rows = {c["campaign_id"]: c for c in data["list"]}
    assert rows[legacy]["campaign_automation_type"] == "SMART_PLUS"
    assert rows[legacy]["is_smart_performance_campaign"] is True
    assert rows[upgraded]["campaign_automation_type"] == "UPGRADED_SMART_PLUS"
    assert rows[upgraded]["is_smart_performance_campaign"] is False
    assert rows[upgraded]["deep_bid_type"] is None  # manual endpoints keep explicit nulls
    data = api.ok(
        api.get("campaign/get/", advertiser_id=ADV, filtering={"campaign_automation_type": "SMART_PLUS"})
    )
    assert [c["campaign_id"] for c in data["list"]] == [legacy]
    # /smart_plus/campaign/get/ lists upgraded campaigns only (NOT FOUND #11: strict reading).
    data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))
    assert [c["campaign_id"] for c in data["list"]] == [upgraded]
    data = api.ok(api.get("campaign/spc/get/", advertiser_id=ADV, campaign_ids=[legacy]))
    assert data["list"][0]["campaign_name"] == "Old SPC"


LEGACY_BODY = {
    "advertiser_id": ADV,
    "objective_type": "WEB_CONVERSIONS",
    "campaign_name": "SPC",
    "promotion_type": "WEBSITE",
    "optimization_goal": "CONVERT",
    "billing_event": "OCPM",
    "location_ids": ["6252001"],
    "budget": 100,
    "schedule_type": "SCHEDULE_FROM_NOW",
    "schedule_start_time": "2026-03-01 00:00:00",
    "media_info_list": [{"media_info": {"video_info": {"video_id": "v10000000000000001"}}}],
}


def test_legacy_calendar(api: Api) -> None:
    api.admin("clock", {"now": "2026-03-30 23:59:59"})
    created = api.ok(api.post("campaign/spc/create/", LEGACY_BODY))
    api.admin("clock", {"now": "2026-03-31 00:00:00"})
    assert_error(
        api.post("campaign/spc/create/", LEGACY_BODY),
        41001,
        "/campaign/spc/create/ is no longer available since 2026-03-31. "
        "Use the Upgraded Smart+ API (/smart_plus/campaign/create/ and related endpoints).",
    )
    update = {"advertiser_id": ADV, "campaign_id": created["campaign_id"], "campaign_name": "SPC 2"}
    assert api.ok(api.post("campaign/spc/update/", update))["campaign_name"] == "SPC 2"
    status = {"advertiser_id": ADV, "campaign_ids": [created["campaign_id"]], "operation_status": "DISABLE"}
    assert api.post("campaign/status/update/", status)["code"] == 0
    api.admin("clock", {"now": "2026-06-30 00:00:00"})
    assert_error(
        api.post("campaign/spc/update/", update),
        41001,
        "/campaign/spc/update/ is no longer available since 2026-06-30. "
        "Use the Upgraded Smart+ API (/smart_plus/campaign/create/ and related endpoints).",
    )
    assert api.post("campaign/status/update/", status)["code"] == 41001
    # Reads keep working.
    data = api.ok(api.get("campaign/spc/get/", advertiser_id=ADV, campaign_ids=[created["campaign_id"]]))
    assert data["list"][0]["operation_status"] == "DISABLE"


def test_legacy_rules(api: Api) -> None:
    api.admin("clock", {"now": "2026-01-01 00:00:00"})
    body = {k: v for k, v in LEGACY_BODY.items() if k != "location_ids"}
    assert_error(api.post("campaign/spc/create/", body), 40002, "location_ids: value is required but missing")
    assert (
        api.post("campaign/spc/create/", {**LEGACY_BODY, "advertiser_id": ADV2}, token="demo-token-2")["code"]
        == 40118
    )
    assert_error(
        api.get("campaign/spc/get/", advertiser_id=ADV), 40002, "campaign_ids: value is required but missing"
    )
