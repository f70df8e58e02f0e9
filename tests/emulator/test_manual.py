"""The Manual Campaign Management API of the emulator: row shapes against the recorded manual rows, the
demo seed's manual campaigns, paging and filters, the 2026-12-31 creation cut-off, update and status
update, how Smart+ objects appear in the manual get endpoints, and the official SDK over HTTP."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import business_api_client as sdk
import pytest

from reconciler.emulator import BackgroundServer, create_app
from reconciler.emulator.seed import (
    MANUAL_ADGROUPS,
    MANUAL_ADS,
    MANUAL_EVERGREEN,
    MANUAL_RETARGETING,
)

from .helpers import ADV, ID_TT, NOW, PIXEL, Api, assert_error, video_creative

FIXTURES = Path(__file__).parent / "fixtures"  # copies of reference/fixtures/nango-*
CAMPAIGN_KEYS = {
    "is_new_structure",
    "rta_product_selection_enabled",
    "budget",
    "is_search_campaign",
    "objective_type",
    "is_smart_performance_campaign",
    "campaign_name",
    "campaign_automation_type",
    "catalog_enabled",
    "advertiser_id",
    "modify_time",
    "roas_bid",
    "is_advanced_dedicated_campaign",
    "objective",
    "rta_bid_enabled",
    "budget_mode",
    "operation_status",
    "campaign_id",
    "rta_id",
    "deep_bid_type",
    "virtual_objective_type",
    "special_industries",
    "disable_skan_campaign",
    "create_time",
    "campaign_type",
}


def _recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text()))


def _campaigns(api: Api, **params: Any) -> dict[str, Any]:
    return api.ok(api.get("campaign/get/", advertiser_id=ADV, **params))


def test_seed_campaign_rows_have_the_recorded_keys_and_nulls(api: Api) -> None:
    rows = {c["campaign_id"]: c for c in _campaigns(api)["list"]}
    evergreen, retargeting = rows[MANUAL_EVERGREEN], rows[MANUAL_RETARGETING]
    recorded = _recorded("nango-integration-templates_campaigns__GET_campaign_get.json")["data"]["list"][0]
    assert set(recorded) == CAMPAIGN_KEYS
    for row in (evergreen, retargeting):
        assert set(row) >= CAMPAIGN_KEYS, CAMPAIGN_KEYS - set(row)
        # Explicit nulls, as TikTok sends them on manual rows.
        for key in ("rta_id", "deep_bid_type", "virtual_objective_type", "disable_skan_campaign"):
            assert key in row and row[key] is None
        assert row["campaign_automation_type"] == "MANUAL"
        assert row["is_smart_performance_campaign"] is False
        assert row["objective_type"] == "WEB_CONVERSIONS" and row["objective"] == "LANDING_PAGE"
        assert row["operation_status"] == "ENABLE" and row["secondary_status"] == "CAMPAIGN_STATUS_ENABLE"
    assert evergreen["campaign_name"] == "Manual Evergreen US"
    assert (evergreen["budget_mode"], evergreen["budget"], evergreen["budget_optimize_on"]) == (
        "BUDGET_MODE_DAY",
        300,
        True,
    )
    # budget_optimize_on is "returned only for campaigns with CBO enabled" (D:1739315828649986).
    assert retargeting["campaign_name"] == "Manual Retargeting CA"
    assert "budget_optimize_on" not in retargeting
    assert (retargeting["budget_mode"], retargeting["budget"]) == ("BUDGET_MODE_INFINITE", 0)


def test_manual_campaigns_are_not_smart_plus(api: Api) -> None:
    assert api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["list"] == []
    upgraded = api.campaign()["campaign_id"]
    legacy = api.admin("legacy_campaign", {"advertiser_id": ADV, "campaign_name": "Old SPC", "budget": 100})
    legacy_id = str(legacy["campaign"]["campaign_id"])
    assert [
        c["campaign_id"] for c in api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["list"]
    ] == [upgraded]
    marks = {
        c["campaign_id"]: (c["campaign_automation_type"], c["is_smart_performance_campaign"])
        for c in _campaigns(api)["list"]
    }
    assert marks == {
        MANUAL_EVERGREEN: ("MANUAL", False),
        MANUAL_RETARGETING: ("MANUAL", False),
        upgraded: ("UPGRADED_SMART_PLUS", False),
        legacy_id: ("SMART_PLUS", True),
    }
    manual = _campaigns(api, filtering={"campaign_automation_type": "MANUAL"})["list"]
    assert [c["campaign_id"] for c in manual] == [MANUAL_RETARGETING, MANUAL_EVERGREEN]
    smart = _campaigns(api, filtering={"is_smart_performance_campaign": True})["list"]
    assert [c["campaign_id"] for c in smart] == [legacy_id]
    assert_error(
        api.get("campaign/get/", advertiser_id=ADV, filtering={"campaign_automation_type": "X"}),
        40002,
        "filtering.campaign_automation_type: Must be one of: MANUAL, SMART_PLUS, UPGRADED_SMART_PLUS.",
    )


def test_paging_fields_and_filters(api: Api) -> None:
    first = _campaigns(api, page=1, page_size=1)
    assert [c["campaign_id"] for c in first["list"]] == [MANUAL_RETARGETING]  # campaign_id descending
    assert first["page_info"] == {"page": 1, "page_size": 1, "total_number": 2, "total_page": 2}
    second = _campaigns(api, page=2, page_size=1)
    assert [c["campaign_id"] for c in second["list"]] == [MANUAL_EVERGREEN]
    only = _campaigns(api, filtering={"campaign_ids": [MANUAL_EVERGREEN]}, fields=["campaign_id", "budget"])
    assert only["list"] == [{"campaign_id": MANUAL_EVERGREEN, "budget": 300}]
    named = _campaigns(api, filtering={"campaign_name": "retargeting"})["list"]
    assert [c["campaign_id"] for c in named] == [MANUAL_RETARGETING]
    no_nulls = _campaigns(api, exclude_field_types_in_response=["NULL_FIELD"])["list"]
    assert all(v is not None for row in no_nulls for v in row.values())
    assert "rta_id" not in no_nulls[0]
    assert (
        _campaigns(api, filtering={"creation_filter_start_time": "2026-08-01 00:00:00"})["page_info"][
            "total_number"
        ]
        == 1
    )
    assert_error(
        api.get("campaign/get/", advertiser_id=ADV, filtering={"bogus": 1}),
        40002,
        "filtering.bogus: Unknown field.",
    )
    assert_error(
        api.get("campaign/get/", advertiser_id=ADV, page_size=1001),
        40002,
        "page_size: Must be between 1 and 1000.",
    )


def test_seed_adgroups_flat_targeting(api: Api) -> None:
    data = api.ok(api.get("adgroup/get/", advertiser_id=ADV))
    rows = {g["adgroup_id"]: g for g in data["list"]}
    assert list(rows) == sorted(MANUAL_ADGROUPS, reverse=True)
    recorded = _recorded("nango-integration-templates_ad-groups__GET_adgroup_get.json")["data"]["list"]
    always = set.intersection(*(set(r) for r in recorded))
    for row in rows.values():
        assert set(row) >= always, always - set(row)
        assert "targeting_spec" not in row  # manual targeting is top-level
        assert row["campaign_automation_type"] == "MANUAL"
        assert row["pixel_id"] == PIXEL and row["optimization_goal"] == "CONVERT"
        assert row["app_config"] is None and row["frequency"] is None  # explicit nulls
        assert row["secondary_status"] == "ADGROUP_STATUS_DELIVERY_OK"
    broad, older, cart = (rows[i] for i in MANUAL_ADGROUPS)
    assert broad["campaign_name"] == "Manual Evergreen US"
    # CBO: the ad groups carry no budget of their own.
    assert (broad["budget_mode"], broad["budget"]) == ("BUDGET_MODE_INFINITE", 0)
    assert broad["auto_targeting_enabled"] is True and broad["age_groups"] is None
    assert older["age_groups"] == ["AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]
    assert (cart["budget_mode"], cart["budget"]) == ("BUDGET_MODE_DAY", 80)
    assert cart["location_ids"] == ["6251999"] and cart["gender"] == "GENDER_FEMALE"
    assert cart["placement_type"] == "PLACEMENT_TYPE_NORMAL" and cart["placements"] == ["PLACEMENT_TIKTOK"]
    assert cart["audience_ids"] == ["7400000000000000001"] and cart["languages"] == ["en", "fr"]
    assert cart["click_attribution_window"] == "SEVEN_DAYS"
    one = api.ok(api.get("adgroup/get/", advertiser_id=ADV, filtering={"campaign_ids": [MANUAL_RETARGETING]}))
    assert [g["adgroup_id"] for g in one["list"]] == [MANUAL_ADGROUPS[2]]


def test_seed_ads_are_spark_videos_with_covers(api: Api) -> None:
    data = api.ok(api.get("ad/get/", advertiser_id=ADV, page_size=100))
    rows = {a["ad_id"]: a for a in data["list"]}
    assert set(rows) == set(MANUAL_ADS)
    for row in rows.values():
        assert row["identity_type"] == "TT_USER" and row["identity_id"] == ID_TT
        assert row["ad_format"] == "SINGLE_VIDEO"
        assert row["video_id"].startswith("v1000000000000000")
        assert row["image_ids"] == ["i" + row["video_id"][1:]]  # cover image n with video n
        assert row["campaign_automation_type"] == "MANUAL"
        assert row["music_id"] is None and row["card_id"] is None  # explicit nulls
        assert row["call_to_action"] == "SHOP_NOW" and row["landing_page_url"].startswith("https://")
        assert row["secondary_status"] == "AD_STATUS_DELIVERY_OK"
    per_group = {}
    for row in rows.values():
        per_group.setdefault(row["adgroup_id"], []).append(row["ad_id"])
    assert {g: len(a) for g, a in per_group.items()} == {
        MANUAL_ADGROUPS[0]: 2,
        MANUAL_ADGROUPS[1]: 2,
        MANUAL_ADGROUPS[2]: 1,
    }
    only = api.ok(api.get("ad/get/", advertiser_id=ADV, filtering={"ad_ids": [MANUAL_ADS[4]]}))
    assert only["list"][0]["campaign_name"] == "Manual Retargeting CA"
    assert only["list"][0]["adgroup_name"] == "Retargeting CA - Cart abandoners"


def test_seed_creatives_are_reusable_by_a_smart_plus_ad(api: Api) -> None:
    manual_ad = api.ok(api.get("ad/get/", advertiser_id=ADV, filtering={"ad_ids": [MANUAL_ADS[0]]}))["list"][
        0
    ]
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    creative = video_creative(1, identity=manual_ad["identity_id"], identity_type=manual_ad["identity_type"])
    creative["creative_info"]["video_info"]["video_id"] = manual_ad["video_id"]
    creative["creative_info"]["image_info"] = [{"web_uri": manual_ad["image_ids"][0]}]
    ad = api.ad(
        adgroup["adgroup_id"],
        creative_list=[creative],
        call_to_action_list=None,
        ad_configuration={"call_to_action_id": "7400000000000000001"},
    )
    assert ad["creative_list"][0]["creative_info"]["video_info"]["video_id"] == manual_ad["video_id"]


def _manual_campaign_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "advertiser_id": ADV,
        "campaign_name": "Manual New",
        "objective_type": "WEB_CONVERSIONS",
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": 100,
    }
    body.update(overrides)
    return body


def test_campaign_create_matches_the_recorded_create(api: Api) -> None:
    created = api.ok(api.post("campaign/create/", _manual_campaign_body()))
    recorded = _recorded("nango-integration-templates_create-campaign__POST_campaign_create.json")["data"]
    assert set(created) >= set(recorded)
    assert created["create_time"] == NOW and created["campaign_automation_type"] == "MANUAL"
    assert len(created["campaign_id"]) == 19 and created["campaign_id"] > MANUAL_RETARGETING
    assert "budget_optimize_on" not in created
    got = _campaigns(api, filtering={"campaign_ids": [created["campaign_id"]]})["list"]
    assert got == [created]
    assert_error(
        api.post("campaign/create/", _manual_campaign_body(budget=None)),
        40002,
        "budget: value is required but missing",
    )
    assert_error(
        api.post("campaign/create/", _manual_campaign_body(budget=10)),
        40002,
        "budget: Budget must be at least 50 and below 10000000.",
    )
    assert_error(
        api.post("campaign/create/", _manual_campaign_body(objective_type="NOPE")),
        40002,
        "objective_type: Must be one of: APP_PROMOTION, WEB_CONVERSIONS, TRAFFIC, REACH, VIDEO_VIEWS, "
        "LEAD_GENERATION, ENGAGEMENT, PRODUCT_SALES.",
    )


OFFLINE = (
    "{} is no longer available since 2026-12-31. "
    "Use the Upgraded Smart+ API (/smart_plus/campaign/create/ and related endpoints)."
)


def _adgroup_body(campaign_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "advertiser_id": ADV,
        "campaign_id": campaign_id,
        "adgroup_name": "Manual group",
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": PIXEL,
        "billing_event": "OCPM",
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": "2026-12-01 00:00:00",
        "location_ids": ["6252001"],
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": 50,
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def _ad_body(adgroup_id: str, **overrides: Any) -> dict[str, Any]:
    creative: dict[str, Any] = {
        "ad_name": "Manual ad",
        "ad_format": "SINGLE_VIDEO",
        "identity_type": "TT_USER",
        "identity_id": ID_TT,
        "video_id": "v10000000000000006",
        "image_ids": ["i10000000000000006"],
        "ad_text": "Hello",
        "call_to_action": "SHOP_NOW",
        "landing_page_url": "https://shop.example.com/",
    }
    creative.update(overrides)
    return {"advertiser_id": ADV, "adgroup_id": adgroup_id, "creatives": [creative]}


def test_creation_stops_on_2026_12_31(api: Api) -> None:
    api.admin("clock", {"now": "2026-12-30 23:59:59"})
    campaign = api.ok(api.post("campaign/create/", _manual_campaign_body()))
    adgroup = api.ok(api.post("adgroup/create/", _adgroup_body(campaign["campaign_id"])))
    api.ok(api.post("ad/create/", _ad_body(adgroup["adgroup_id"])))
    api.admin("clock", {"now": "2026-12-31 00:00:00"})
    assert_error(
        api.post("campaign/create/", _manual_campaign_body()), 41001, OFFLINE.format("/campaign/create/")
    )
    assert_error(
        api.post("adgroup/create/", _adgroup_body(campaign["campaign_id"])),
        41001,
        OFFLINE.format("/adgroup/create/"),
    )
    assert_error(
        api.post("ad/create/", _ad_body(adgroup["adgroup_id"])), 41001, OFFLINE.format("/ad/create/")
    )
    # Update and status update keep working (D:1853452461203458), and reads do.
    api.ok(
        api.post("campaign/update/", {"advertiser_id": ADV, "campaign_id": MANUAL_EVERGREEN, "budget": 400})
    )
    status = {"advertiser_id": ADV, "campaign_ids": [MANUAL_EVERGREEN], "operation_status": "DISABLE"}
    api.ok(api.post("campaign/status/update/", status))
    assert _campaigns(api, filtering={"campaign_ids": [MANUAL_EVERGREEN]})["list"][0]["budget"] == 400


def test_adgroup_and_ad_create_through_the_api(api: Api) -> None:
    campaign = api.ok(api.post("campaign/create/", _manual_campaign_body()))
    adgroup = api.ok(api.post("adgroup/create/", _adgroup_body(campaign["campaign_id"])))
    assert adgroup["secondary_status"] == "ADGROUP_STATUS_CREATE"
    assert (adgroup["budget_mode"], adgroup["budget"]) == ("BUDGET_MODE_DAY", 50)
    answer = api.ok(api.post("ad/create/", _ad_body(adgroup["adgroup_id"])))
    assert answer["need_audit"] is False and answer["ad_ids"] == [answer["creatives"][0]["ad_id"]]
    ad = answer["creatives"][0]
    assert ad["campaign_name"] == "Manual New" and ad["adgroup_name"] == "Manual group"
    assert ad["secondary_status"] == "AD_STATUS_AUDIT"
    got = api.ok(api.get("ad/get/", advertiser_id=ADV, filtering={"adgroup_ids": [adgroup["adgroup_id"]]}))
    assert got["list"] == [ad]
    assert_error(
        api.post("ad/create/", _ad_body(adgroup["adgroup_id"], video_id="v99")),
        40002,
        "creatives[0].video_id: Video does not exist. video_id v99.",
    )
    assert_error(
        api.post("ad/create/", _ad_body(adgroup["adgroup_id"], landing_page_url=None)),
        40002,
        "creatives[0].landing_page_url: value is required but missing",
    )
    assert_error(
        api.post("adgroup/create/", _adgroup_body(campaign["campaign_id"], budget=None)),
        40002,
        "budget: value is required but missing",
    )
    assert_error(
        api.post("adgroup/create/", _adgroup_body("1870000000000009999")),
        40002,
        "campaign_id: Campaign does not exist. campaign_id 1870000000000009999.",
    )


def test_campaign_update(api: Api) -> None:
    body = {"advertiser_id": ADV, "campaign_id": MANUAL_EVERGREEN, "campaign_name": "Evergreen renamed"}
    updated = api.ok(api.post("campaign/update/", body))
    assert updated["campaign_name"] == "Evergreen renamed" and updated["budget"] == 300
    assert updated["modify_time"] == NOW
    assert _campaigns(api, filtering={"campaign_ids": [MANUAL_EVERGREEN]})["list"] == [updated]
    assert_error(
        api.post(
            "campaign/update/", {"advertiser_id": ADV, "campaign_id": MANUAL_RETARGETING, "budget": 100}
        ),
        40002,
        "budget: Not supported when budget_mode is BUDGET_MODE_INFINITE.",
    )
    assert_error(
        api.post("campaign/update/", {**body, "budget_mode": "BUDGET_MODE_TOTAL"}),
        40002,
        "budget_mode: This field cannot be updated.",
    )
    upgraded = api.campaign()["campaign_id"]
    assert_error(
        api.post("campaign/update/", {**body, "campaign_id": upgraded}),
        40002,
        f"campaign_id: {upgraded} is an Upgraded Smart+ object; the manual endpoints cannot change it. "
        "Use the /smart_plus/ endpoints.",
    )


def test_status_update(api: Api) -> None:
    status = {"advertiser_id": ADV, "campaign_ids": [MANUAL_EVERGREEN], "operation_status": "DISABLE"}
    # The recorded answer shape (nango delete-campaign).
    assert api.ok(api.post("campaign/status/update/", status)) == {
        "campaign_ids": [MANUAL_EVERGREEN],
        "status": "DISABLE",
        "campaign_list": [],
    }
    row = _campaigns(api, filtering={"campaign_ids": [MANUAL_EVERGREEN]})["list"][0]
    assert (row["operation_status"], row["secondary_status"]) == ("DISABLE", "CAMPAIGN_STATUS_DISABLE")
    groups = api.ok(
        api.get("adgroup/get/", advertiser_id=ADV, filtering={"campaign_ids": [MANUAL_EVERGREEN]})
    )
    assert {g["secondary_status"] for g in groups["list"]} == {"ADGROUP_STATUS_CAMPAIGN_DISABLE"}
    assert {g["operation_status"] for g in groups["list"]} == {"ENABLE"}
    disabled = _campaigns(api, filtering={"primary_status": "STATUS_DISABLE"})["list"]
    assert [c["campaign_id"] for c in disabled] == [MANUAL_EVERGREEN]
    # Past the legacy Smart+ date, manual campaigns are still served.
    api.admin("clock", {"now": "2027-01-15 00:00:00"})
    api.ok(api.post("campaign/status/update/", {**status, "operation_status": "ENABLE"}))
    assert (
        _campaigns(api, filtering={"campaign_ids": [MANUAL_EVERGREEN]})["list"][0]["operation_status"]
        == "ENABLE"
    )
    assert_error(
        api.post("campaign/status/update/", {**status, "campaign_ids": ["1870000000000009999"]}),
        40002,
        "campaign_ids[0]: Campaign does not exist. campaign_id 1870000000000009999.",
    )


def test_delete_cascades_and_hides(api: Api) -> None:
    status = {"advertiser_id": ADV, "campaign_ids": [MANUAL_RETARGETING], "operation_status": "DELETE"}
    api.ok(api.post("campaign/status/update/", status))
    assert [c["campaign_id"] for c in _campaigns(api)["list"]] == [MANUAL_EVERGREEN]
    deleted = _campaigns(api, filtering={"primary_status": "STATUS_DELETE"})["list"]
    assert [(c["campaign_id"], c["secondary_status"]) for c in deleted] == [
        (MANUAL_RETARGETING, "CAMPAIGN_STATUS_DELETE")
    ]
    groups = api.ok(api.get("adgroup/get/", advertiser_id=ADV))["list"]
    assert MANUAL_ADGROUPS[2] not in [g["adgroup_id"] for g in groups]
    ads = api.ok(api.get("ad/get/", advertiser_id=ADV))["list"]
    assert MANUAL_ADS[4] not in [a["ad_id"] for a in ads]
    assert api.post("campaign/status/update/", {**status, "operation_status": "ENABLE"})["code"] == 40002


def test_smart_plus_objects_in_the_manual_gets(api: Api) -> None:
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    ad = api.ad(adgroup["adgroup_id"])
    groups = api.ok(
        api.get("adgroup/get/", advertiser_id=ADV, filtering={"campaign_ids": [campaign["campaign_id"]]})
    )
    assert [(g["adgroup_id"], g["campaign_automation_type"]) for g in groups["list"]] == [
        (adgroup["adgroup_id"], "UPGRADED_SMART_PLUS")
    ]
    rows = api.ok(
        api.get("ad/get/", advertiser_id=ADV, filtering={"campaign_ids": [campaign["campaign_id"]]})
    )
    assert [(r["ad_id"], r["smart_plus_ad_id"], r["campaign_automation_type"]) for r in rows["list"]] == [
        (ad["creative_list"][0]["ad_material_id"], ad["smart_plus_ad_id"], "UPGRADED_SMART_PLUS_CREATIVE")
    ]
    status = {"advertiser_id": ADV, "campaign_ids": [campaign["campaign_id"]], "operation_status": "DISABLE"}
    assert api.post("campaign/status/update/", status)["code"] == 40002


@pytest.fixture(scope="module")
def sdk_client() -> Iterator[Any]:
    app = create_app(now=NOW)
    with BackgroundServer(app) as url:
        configuration = sdk.Configuration()
        configuration.host = url
        yield sdk.ApiClient(configuration)


def test_sdk_reads_and_pauses_a_manual_campaign(sdk_client: Any) -> None:
    campaigns = sdk.CampaignCreationApi(sdk_client)
    got = campaigns.campaign_get(
        ADV,
        "demo-token",
        filtering=sdk.FilteringCampaignGet(campaign_ids=[MANUAL_EVERGREEN]),
        page=1,
        page_size=10,
    )["data"]
    assert [c["campaign_name"] for c in got["list"]] == ["Manual Evergreen US"]
    assert got["list"][0]["campaign_automation_type"] == "MANUAL"
    assert got["page_info"]["total_number"] == 1
    groups = sdk.AdgroupApi(sdk_client).adgroup_get(
        ADV, "demo-token", filtering=sdk.FilteringAdgroupGet(campaign_ids=[MANUAL_EVERGREEN])
    )["data"]
    assert sorted(g["adgroup_id"] for g in groups["list"]) == list(MANUAL_ADGROUPS[:2])
    ads = sdk.AdApi(sdk_client).ad_get(
        ADV, "demo-token", filtering=sdk.FilteringAdGet(adgroup_ids=[MANUAL_ADGROUPS[2]])
    )["data"]
    assert [a["ad_id"] for a in ads["list"]] == [MANUAL_ADS[4]]
    answer = campaigns.campaign_status_update(
        "demo-token",
        body=sdk.CampaignStatusUpdateBody(
            advertiser_id=ADV, campaign_ids=[MANUAL_RETARGETING], operation_status="DISABLE"
        ),
    )["data"]
    assert answer == {"campaign_ids": [MANUAL_RETARGETING], "status": "DISABLE", "campaign_list": []}
    got = campaigns.campaign_get(
        ADV, "demo-token", filtering=sdk.FilteringCampaignGet(campaign_ids=[MANUAL_RETARGETING])
    )["data"]
    assert got["list"][0]["operation_status"] == "DISABLE"
