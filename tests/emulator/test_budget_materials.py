"""`smart_plus/adgroup/budget/update/` (batches of up to 20), `smart_plus/ad/material_status/update/`
and the Smart+ material reports."""

from __future__ import annotations

import json
from typing import Any

from .helpers import ADV, Api, assert_error, carousel_creative, video_creative

TODAY = "2026-11-29"


def _groups(api: Api, n: int, budget: float = 50) -> tuple[str, list[str]]:
    campaign = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)
    ids = [
        api.adgroup(
            campaign["campaign_id"],
            adgroup_name=f"Group {i}",
            budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
            budget=budget,
        )["adgroup_id"]
        for i in range(n)
    ]
    return campaign["campaign_id"], ids


def _budgets(api: Api, ids: list[str]) -> list[float]:
    data = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"adgroup_ids": ids}))
    by_id = {g["adgroup_id"]: g["budget"] for g in data["list"]}
    return [by_id[i] for i in ids]


def _update(api: Api, items: Any) -> dict[str, Any]:
    return api.post("smart_plus/adgroup/budget/update/", {"advertiser_id": ADV, "budget": items})


def test_budget_batch_updates_every_ad_group(api: Api) -> None:
    _, ids = _groups(api, 3)
    answer = _update(api, [{"adgroup_id": i, "budget": 60 + n} for n, i in enumerate(ids)])
    assert answer["code"] == 0 and answer["data"] == {}
    assert _budgets(api, ids) == [60, 61, 62]
    # The doc example sends the array as a JSON string; that form works too.
    assert _update(api, json.dumps([{"adgroup_id": ids[0], "budget": 75}]))["code"] == 0
    assert _budgets(api, ids)[0] == 75


def test_budget_batch_is_all_or_nothing(api: Api) -> None:
    _, ids = _groups(api, 2)
    answer = _update(api, [{"adgroup_id": ids[0], "budget": 80}, {"adgroup_id": ids[1], "budget": 5}])
    assert_error(answer, 40002, "budget[1].budget: Ad group budget must be at least 20 and below 10000000.")
    assert _budgets(api, ids) == [50, 50]
    api.admin("spend", {"adgroup_id": ids[1], "today": 100})
    answer = _update(api, [{"adgroup_id": ids[0], "budget": 80}, {"adgroup_id": ids[1], "budget": 100}])
    assert_error(
        answer, 40002, "budget[1].budget: The new budget must be at least 105% of today's spend (105)."
    )
    assert _budgets(api, ids) == [50, 50]


def test_budget_batch_refusals(api: Api) -> None:
    _, ids = _groups(api, 1)
    assert_error(_update(api, []), 40002, "budget: Must contain between 1 and 20 items.")
    assert_error(
        _update(api, [{"adgroup_id": ids[0], "budget": 60}] * 21),
        40002,
        "budget: Must contain between 1 and 20 items.",
    )
    answer = _update(api, [{"adgroup_id": ids[0], "budget": 60}, {"adgroup_id": ids[0], "budget": 70}])
    assert_error(answer, 40002, f"budget[1].adgroup_id: Adgroup {ids[0]} appears more than once.")
    answer = _update(api, [{"adgroup_id": "1810000000000099999", "budget": 60}])
    assert_error(
        answer, 40002, "budget[0].adgroup_id: Adgroup does not exist. adgroup_id 1810000000000099999."
    )
    assert_error(
        _update(api, [{"adgroup_id": ids[0], "budget": "60"}]), 40002, "budget[0].budget: Not a valid number."
    )
    assert_error(_update(api, "not json"), 40002, "budget: Field must be set to array")
    answer = _update(api, [{"adgroup_id": ids[0], "budget": 60.123}])
    assert_error(answer, 40002, "budget[0].budget: Must have at most 2 decimal places for currency USD.")
    cbo = api.campaign()
    cbo_group = api.adgroup(cbo["campaign_id"])["adgroup_id"]
    answer = _update(api, [{"adgroup_id": cbo_group, "budget": 60}])
    assert_error(answer, 40002, "budget[0].budget: Not supported when budget_optimize_on is true.")
    answer = api.post(
        "smart_plus/adgroup/budget/update/",
        {"advertiser_id": ADV, "scheduled_budget": [{"adgroup_id": ids[0], "scheduled_budget": 60}]},
    )
    assert_error(answer, 40118, f"Advertiser {ADV} is not in the allowlist of scheduled_budget.")
    answer = api.post("smart_plus/adgroup/budget/update/", {"advertiser_id": ADV})
    assert_error(answer, 40002, "budget: value is required but missing")


def _ad(api: Api, creatives: list[dict[str, Any]]) -> dict[str, Any]:
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    return api.ad(adgroup["adgroup_id"], creative_list=creatives)


def test_material_status_update(api: Api) -> None:
    ad = _ad(api, [video_creative(1), video_creative(2)])
    ad_id = ad["smart_plus_ad_id"]
    first, second = (c["ad_material_id"] for c in ad["creative_list"])
    answer = api.post(
        "smart_plus/ad/material_status/update/",
        {
            "advertiser_id": ADV,
            "smart_plus_ad_id": ad_id,
            "ad_material_ids": [second],
            "operation_status": "DISABLE",
        },
    )
    assert api.ok(answer) == {
        "smart_plus_ad_id": ad_id,
        "ad_material_ids": [second],
        "operation_status": "DISABLE",
    }
    got = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering={"smart_plus_ad_ids": [ad_id]}))[
        "list"
    ][0]
    statuses = {c["ad_material_id"]: c["material_operation_status"] for c in got["creative_list"]}
    assert statuses == {first: "ENABLE", second: "DISABLE"}


def test_material_status_refusals(api: Api) -> None:
    ad = _ad(api, [video_creative(1), carousel_creative(images=2)])
    ad_id = ad["smart_plus_ad_id"]
    video, carousel = (c["ad_material_id"] for c in ad["creative_list"])

    def update(**body: Any) -> dict[str, Any]:
        full = {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "operation_status": "DISABLE", **body}
        return api.post(
            "smart_plus/ad/material_status/update/", {k: v for k, v in full.items() if v is not None}
        )

    assert_error(
        update(ad_material_ids=[video, carousel]),
        40002,
        "ad_material_ids: Carousel and non-carousel creatives cannot be mixed in one request.",
    )
    assert_error(
        update(ad_material_ids=["1830000000000099999"]),
        40002,
        f"ad_material_ids[0]: Material 1830000000000099999 is not a creative of ad {ad_id}.",
    )
    assert_error(
        update(ad_material_ids=[video], operation_status="DELETE"),
        40002,
        "operation_status: Must be one of: DISABLE, ENABLE.",
    )
    assert_error(
        update(ad_material_ids=[video] * 21), 40002, "ad_material_ids: Must contain between 1 and 20 items."
    )
    assert_error(update(ad_material_ids=None), 40002, "ad_material_ids: value is required but missing")
    api.ok(
        api.post(
            "smart_plus/ad/status/update/",
            {"advertiser_id": ADV, "smart_plus_ad_ids": [ad_id], "operation_status": "DELETE"},
        )
    )
    assert_error(
        update(ad_material_ids=[video]),
        40002,
        f"smart_plus_ad_id: Ad does not exist. smart_plus_ad_id {ad_id}.",
    )


def test_material_reports_share_the_ad_group_spend(api: Api) -> None:
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])["adgroup_id"]
    ad = api.ad(adgroup, creative_list=[video_creative(1), video_creative(2)])
    first, second = (c["ad_material_id"] for c in ad["creative_list"])
    api.admin("spend", {"adgroup_id": adgroup, "today": 30})
    overview = api.ok(
        api.get(
            "smart_plus/material_report/overview/",
            advertiser_id=ADV,
            dimensions=["main_material_id"],
            metrics=["spend"],
            start_date=TODAY,
            end_date=TODAY,
        )
    )
    rows = {r["dimensions"]["main_material_id"]: r["metrics"]["spend"] for r in overview["list"]}
    assert rows == {first: "15.00", second: "15.00"}
    assert overview["page_info"]["total_number"] == 2
    by_ad = api.ok(
        api.get(
            "smart_plus/material_report/overview/",
            advertiser_id=ADV,
            dimensions=["smart_plus_ad_id"],
            query_lifetime="true",
        )
    )
    assert by_ad["list"] == [
        {"dimensions": {"smart_plus_ad_id": ad["smart_plus_ad_id"]}, "metrics": {"spend": "30.00"}}
    ]
    # A disabled creative gets no share.
    api.ok(
        api.post(
            "smart_plus/ad/material_status/update/",
            {
                "advertiser_id": ADV,
                "smart_plus_ad_id": ad["smart_plus_ad_id"],
                "ad_material_ids": [second],
                "operation_status": "DISABLE",
            },
        )
    )
    breakdown = api.ok(
        api.get(
            "smart_plus/material_report/breakdown/",
            advertiser_id=ADV,
            dimensions=["main_material_id", "stat_time_day"],
            start_date=TODAY,
            end_date=TODAY,
            filtering={"main_material_ids": [first, second]},
        )
    )
    rows = {r["dimensions"]["main_material_id"]: r["metrics"]["spend"] for r in breakdown["list"]}
    assert rows == {first: "30.00", second: "0.00"}
    assert breakdown["list"][0]["dimensions"]["stat_time_day"] == f"{TODAY} 00:00:00"


def test_material_report_refusals(api: Api) -> None:
    base = {"advertiser_id": ADV, "start_date": TODAY, "end_date": TODAY}
    answer = api.get("smart_plus/material_report/overview/", **base, dimensions=["ad_text_entity_id"])
    assert answer["code"] == 40002 and answer["message"].startswith("dimensions[0]: Emulated values")
    answer = api.get(
        "smart_plus/material_report/overview/", **base, dimensions=["main_material_id"], metrics=["clicks"]
    )
    assert_error(answer, 40002, "metrics: Only spend is emulated.")
    answer = api.get("smart_plus/material_report/breakdown/", **base, dimensions=["stat_time_day"])
    assert answer["code"] == 40002 and answer["message"].startswith("dimensions: Emulated")
    answer = api.get(
        "smart_plus/material_report/breakdown/", advertiser_id=ADV, dimensions=["main_material_id"]
    )
    assert_error(answer, 40002, "start_date: value is required but missing")
    # Reports need the reporting permission, not the Smart+ allowlist.
    api.admin("token", {"token": "no-reports", "advertiser_ids": [ADV], "scopes": ["ads_management"]})
    answer = api.get(
        "smart_plus/material_report/overview/", **base, dimensions=["main_material_id"], token="no-reports"
    )
    assert answer["code"] == 40001


def test_budget_batch_keeps_bids_below_the_budget(api: Api) -> None:
    campaign = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)
    adgroup = api.adgroup(
        campaign["campaign_id"],
        budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        budget=100,
        bid_type="BID_TYPE_CUSTOM",
        conversion_bid_price=40,
    )["adgroup_id"]
    answer = _update(api, [{"adgroup_id": adgroup, "budget": 40}])
    assert_error(
        answer, 40002, "budget[0].conversion_bid_price: Must be lower than the ad group budget (40)."
    )
    assert _budgets(api, [adgroup]) == [100]
    assert _update(api, [{"adgroup_id": adgroup, "budget": 41}])["code"] == 0
