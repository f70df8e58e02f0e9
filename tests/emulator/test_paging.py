"""Paging, page size limits, id filter limits, deleted objects hidden, status filters."""

from __future__ import annotations

import pytest

from .helpers import ADV, Api, assert_error


@pytest.mark.parametrize(
    ("path", "maximum"),
    [
        ("smart_plus/campaign/get/", 1000),
        ("smart_plus/adgroup/get/", 1000),
        ("smart_plus/ad/get/", 100),
        ("pixel/list/", 20),
        ("campaign/get/", 1000),
    ],
)
def test_page_size_limits(api: Api, path: str, maximum: int) -> None:
    assert api.get(path, advertiser_id=ADV, page_size=maximum)["code"] == 0
    answer = api.get(path, advertiser_id=ADV, page_size=maximum + 1)
    assert_error(answer, 40002, f"page_size: Must be between 1 and {maximum}.")
    answer = api.get(path, advertiser_id=ADV, page_size=0)
    assert_error(answer, 40002, f"page_size: Must be between 1 and {maximum}.")
    answer = api.get(path, advertiser_id=ADV, page=0)
    assert_error(answer, 40002, "page: Must be greater than or equal to 1.")


def test_paging_walks_every_object_once(api: Api) -> None:
    ids = [api.campaign(campaign_name=f"c{i}")["campaign_id"] for i in range(7)]
    seen = []
    for page in (1, 2, 3):
        data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV, page=page, page_size=3))
        assert data["page_info"] == {"page": page, "page_size": 3, "total_number": 7, "total_page": 3}
        seen += [c["campaign_id"] for c in data["list"]]
    assert sorted(seen) == sorted(ids)
    assert seen == sorted(ids, reverse=True)  # newest (highest id) first
    data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV, page=4, page_size=3))
    assert data["list"] == []


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("smart_plus/campaign/get/", "campaign_ids"),
        ("smart_plus/adgroup/get/", "adgroup_ids"),
        ("smart_plus/adgroup/get/", "campaign_ids"),
        ("smart_plus/ad/get/", "smart_plus_ad_ids"),
        ("smart_plus/ad/get/", "adgroup_ids"),
    ],
)
def test_id_filters_hold_at_most_100(api: Api, path: str, key: str) -> None:
    ids = [str(1800000000000000000 + i) for i in range(101)]
    answer = api.get(path, advertiser_id=ADV, filtering={key: ids})
    assert_error(answer, 40002, f"filtering.{key}: Must contain at most 100 items.")
    assert api.get(path, advertiser_id=ADV, filtering={key: ids[:100]})["code"] == 0
    answer = api.get(path, advertiser_id=ADV, filtering={key: "1"})
    assert_error(answer, 40002, f"filtering.{key}: Field must be set to array")


def test_deleted_hidden_unless_asked(api: Api) -> None:
    keep = api.campaign(campaign_name="keep")["campaign_id"]
    gone = api.campaign(campaign_name="gone")["campaign_id"]
    group = api.adgroup(gone)["adgroup_id"]
    api.ok(
        api.post(
            "smart_plus/campaign/status/update/",
            {"advertiser_id": ADV, "campaign_ids": [gone], "operation_status": "DELETE"},
        )
    )
    data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))
    assert [c["campaign_id"] for c in data["list"]] == [keep]
    data = api.ok(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"primary_status": "STATUS_DELETE"})
    )
    assert [(c["campaign_id"], c["secondary_status"]) for c in data["list"]] == [
        (gone, "CAMPAIGN_STATUS_DELETE")
    ]
    data = api.ok(
        api.get(
            "smart_plus/campaign/get/",
            advertiser_id=ADV,
            filtering={"secondary_status": "CAMPAIGN_STATUS_DELETE"},
        )
    )
    assert [c["campaign_id"] for c in data["list"]] == [gone]
    data = api.ok(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"primary_status": "STATUS_ALL"})
    )
    assert data["page_info"]["total_number"] == 2
    # The ad groups of a deleted campaign are deleted with it.
    assert api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV))["list"] == []
    data = api.ok(
        api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"primary_status": "STATUS_DELETE"})
    )
    assert [(g["adgroup_id"], g["secondary_status"]) for g in data["list"]] == [
        (group, "ADGROUP_STATUS_CAMPAIGN_DELETE")
    ]


def test_status_filters_and_name_filter(api: Api) -> None:
    on = api.campaign(campaign_name="Alpha on")["campaign_id"]
    off = api.campaign(campaign_name="Beta off", operation_status="DISABLE")["campaign_id"]
    data = api.ok(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"primary_status": "STATUS_DISABLE"})
    )
    assert [c["campaign_id"] for c in data["list"]] == [off]
    data = api.ok(
        api.get(
            "smart_plus/campaign/get/",
            advertiser_id=ADV,
            filtering={"secondary_status": "CAMPAIGN_STATUS_ENABLE"},
        )
    )
    assert [c["campaign_id"] for c in data["list"]] == [on]
    data = api.ok(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"campaign_name": "alpha"})
    )
    assert [c["campaign_id"] for c in data["list"]] == [on]
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"primary_status": "NOPE"})
    assert answer["code"] == 40002
    assert answer["message"].startswith("filtering.primary_status: Must be one of: STATUS_ALL")


def test_ad_get_filters(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    group = api.adgroup(campaign)["adgroup_id"]
    ad = api.ad(group)["smart_plus_ad_id"]
    for filtering in (
        {"campaign_ids": [campaign]},
        {"adgroup_ids": [group]},
        {"smart_plus_ad_ids": [ad]},
        {"optimization_goal": "CONVERT"},
        {"objective_type": "WEB_CONVERSIONS"},
        {"modified_after": "2026-11-28 00:00:00"},
        {"modified_after": "1970-01-01T00:00:00Z"},
        {
            "creation_filter_start_time": "2026-11-28 00:00:00",
            "creation_filter_end_time": "2026-11-30 00:00:00",
        },
    ):
        data = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering=filtering))
        assert [a["smart_plus_ad_id"] for a in data["list"]] == [ad], filtering
    data = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering={"optimization_goal": "CLICK"}))
    assert data["list"] == []
    data = api.ok(
        api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering={"modified_after": "2026-11-29 00:00:00"})
    )
    assert data["list"] == []
