"""The remaining rules, each with its code and message."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import create_app

from .helpers import ADV, BASE, NOW, PIXEL, Api, ad_body, adgroup_body, assert_error, campaign_body


def test_campaign_budget_upper_bound(api: Api) -> None:
    answer = api.post("smart_plus/campaign/create/", campaign_body(budget=10_000_000))
    assert_error(answer, 40002, "budget: Campaign budget must be at least 50 and below 10000000.")
    assert api.campaign(budget=9_999_999.5)["budget"] == 9_999_999.5


def test_campaign_update_budget_without_budget_mode(api: Api) -> None:
    campaign = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    answer = api.post(
        "smart_plus/campaign/update/", {"advertiser_id": ADV, "campaign_id": campaign, "budget": 100}
    )
    assert_error(answer, 40002, "budget: Not supported when budget_mode is BUDGET_MODE_INFINITE.")


def test_optimization_event_for_non_pixel_goals(api: Api) -> None:
    cbo = api.campaign()["campaign_id"]
    body = adgroup_body(
        cbo, optimization_goal="TRAFFIC_LANDING_PAGE_VIEW", pixel_id=None, optimization_event="FORM"
    )
    answer = api.post("smart_plus/adgroup/create/", body)
    assert_error(answer, 40002, "optimization_event: Must be LANDING_PAGE_VIEW or omitted for this goal.")
    nocbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    body = adgroup_body(
        nocbo,
        optimization_goal="CLICK",
        billing_event="CPC",
        pixel_id=None,
        optimization_event="FORM",
        budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        budget=30,
    )
    answer = api.post("smart_plus/adgroup/create/", body)
    assert_error(answer, 40002, "optimization_event: Not supported when optimization_goal is CLICK.")
    assert api.post("smart_plus/adgroup/create/", {**body, "optimization_event": None})["code"] == 0


def test_adgroup_update_schedule_and_dayparting(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])["adgroup_id"]

    def update(**fields: Any) -> dict[str, Any]:
        return api.post("smart_plus/adgroup/update/", {"advertiser_id": ADV, "adgroup_id": group, **fields})

    assert_error(
        update(schedule_end_time="2026-12-05 00:00:00"),
        40002,
        "schedule_end_time: Must be omitted when schedule_type is SCHEDULE_FROM_NOW.",
    )
    assert_error(
        update(schedule_start_time="2026-11-01 00:00:00"),
        40002,
        "schedule_start_time: Must not be more than 12 hours in the past.",
    )
    assert_error(
        update(dayparting="2" * 336), 40002, "dayparting: Must be a string of 336 characters, each 0 or 1."
    )
    assert (
        update(schedule_start_time="2026-12-03 00:00:00")["data"]["schedule_start_time"]
        == "2026-12-03 00:00:00"
    )
    # Time moved on: an untouched past start time does not block other updates.
    api.admin("clock", {"now": "2027-01-01 00:00:00"})
    assert update(adgroup_name="later")["code"] == 0


AD_LIMITS = [
    (
        {"ad_configuration": {"utm_params": [{"key": "a", "value": "b"}] * 15}},
        "ad_configuration.utm_params: Must contain at most 14 items.",
    ),
    (
        {"auto_message_list": [{"auto_message_id": "1"}] * 2},
        "auto_message_list: Must contain at most 1 items.",
    ),
    ({"deeplink_list": [{"deeplink": "app://x"}] * 2}, "deeplink_list: Must contain at most 1 items."),
    (
        {
            "creative_list": [
                {
                    "creative_info": {
                        "ad_format": "CAROUSEL_ADS",
                        "image_info": [{"web_uri": "i10000000000000001"}],
                        "music_info": {"music_id": "m9"},
                        "identity_type": "TT_USER",
                        "identity_id": "7200000000000000002",
                    }
                }
            ]
        },
        "creative_list[0].creative_info.music_info.music_id: Music does not exist. music_id m9.",
    ),
]


def test_ad_list_limits(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])["adgroup_id"]
    for overrides, message in AD_LIMITS:
        assert_error(api.post("smart_plus/ad/create/", ad_body(group, **overrides)), 40002, message)


def test_query_value_errors(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, fields=[1])
    assert_error(answer, 40002, "fields[0]: Not a valid string")
    answer = api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering={"modified_after": "yesterday"})
    assert_error(answer, 40002, "filtering.modified_after: Not a valid datetime.")
    answer = api.get(
        "smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"creation_filter_start_time": "x"}
    )
    assert_error(
        answer, 40002, "filtering.creation_filter_start_time: Not a valid datetime. Use YYYY-MM-DD HH:MM:SS."
    )
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"campaign_ids": ["x"]})
    assert_error(
        answer, 40002, "filtering.campaign_ids[0]: Not a valid ID. IDs are strings of a 64-bit integer."
    )
    answer = api.get("pixel/list/", advertiser_id=ADV, order_by="NEWEST")
    assert_error(answer, 40002, "order_by: Must be one of: EARLIEST_CREATE, LATEST_CREATE.")
    answer = api.get(
        "pixel/event/stats/",
        advertiser_id=ADV,
        pixel_ids=[PIXEL],
        date_range={"start_date": "2026-11-02", "end_date": "2026-11-01"},
    )
    assert_error(answer, 40002, "date_range.end_date: Must not be earlier than start_date.")
    answer = api.get(
        "pixel/event/stats/",
        advertiser_id=ADV,
        pixel_ids=[PIXEL],
        date_range={"start_date": "2026/11/02", "end_date": "2026-11-01"},
    )
    assert_error(answer, 40002, "date_range.start_date: Not a valid date. Use YYYY-MM-DD.")


def test_body_must_be_an_object(api: Api) -> None:
    response = api.client.post(
        BASE + "smart_plus/campaign/create/", json=[1], headers={"Access-Token": "demo-token"}
    )
    assert_error(response.json(), 40002, "body: Request body must be a JSON object.")
    response = api.client.post(BASE + "smart_plus/campaign/create/", headers={"Access-Token": "demo-token"})
    assert_error(response.json(), 40002, "body: Request body must be a JSON object.")


def test_legacy_update_and_status_errors() -> None:
    api = Api(create_app(now="2026-01-01 00:00:00"))
    answer = api.post(
        "campaign/spc/update/", {"advertiser_id": ADV, "campaign_id": "5", "campaign_name": "x"}
    )
    assert_error(answer, 40002, "campaign_id: Campaign does not exist. campaign_id 5.")
    answer = api.post(
        "campaign/status/update/",
        {"advertiser_id": ADV, "campaign_ids": ["5"], "operation_status": "DISABLE"},
    )
    assert_error(answer, 40002, "campaign_ids[0]: Campaign does not exist. campaign_id 5.")
    answer = api.post(
        "campaign/status/update/", {"advertiser_id": ADV, "campaign_ids": "5", "operation_status": "DISABLE"}
    )
    assert_error(answer, 40002, "campaign_ids: Field must be set to array")
    answer = api.post(
        "campaign/status/update/", {"advertiser_id": ADV, "campaign_ids": ["5"], "operation_status": "X"}
    )
    assert_error(answer, 40002, "operation_status: Must be one of: ENABLE, DISABLE, DELETE.")
    assert NOW
