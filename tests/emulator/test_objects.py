"""Create/get/update/status answers shaped like TikTok's documented examples."""

from __future__ import annotations

from .helpers import (
    ADV,
    ID_TT,
    Api,
    adgroup_body,
    assert_error,
    campaign_body,
    non_spark_ad_body,
    video_creative,
)

DAYPARTING = "1" * 336


def test_campaign_defaults(api: Api) -> None:
    campaign = api.campaign(budget_optimize_on=None, budget_mode=None)
    assert campaign["budget_optimize_on"] is True
    assert campaign["budget_mode"] == "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
    assert campaign["campaign_type"] == "REGULAR_CAMPAIGN"
    assert campaign["sales_destination"] == "WEBSITE"
    assert campaign["smart_plus_adgroup_mode"] == "MULTIPLE"
    assert campaign["operation_status"] == "ENABLE"
    assert campaign["secondary_status"] == "CAMPAIGN_STATUS_ENABLE"
    assert "request_id" not in campaign
    no_cbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)
    assert (no_cbo["budget_mode"], no_cbo["budget"]) == ("BUDGET_MODE_INFINITE", 0)


def test_adgroup_defaults(api: Api) -> None:
    campaign = api.campaign()
    group = api.adgroup(campaign["campaign_id"])
    assert group["placement_type"] == "PLACEMENT_TYPE_AUTOMATIC"
    assert group["placements"] == ["PLACEMENT_TIKTOK", "PLACEMENT_GLOBAL_APP_BUNDLE", "PLACEMENT_PANGLE"]
    spec = group["targeting_spec"]
    assert spec["spc_audience_age"] == "OVER_EIGHTEEN"
    assert spec["gender"] == "GENDER_UNLIMITED"
    assert spec["age_groups"] == ["AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]
    assert spec["location_ids"] == ["6252001"]
    assert group["click_attribution_window"] == "SEVEN_DAYS"
    assert group["view_attribution_window"] == "ONE_DAY"
    assert group["attribution_event_count"] == "EVERY"
    assert group["dayparting"] == DAYPARTING
    assert group["comment_disabled"] is False
    assert (group["budget_mode"], group["budget"]) == ("BUDGET_MODE_INFINITE", 0)  # CBO on
    assert group["campaign_name"] == campaign["campaign_name"]
    assert group["secondary_status"] == "ADGROUP_STATUS_CREATE"
    assert group["operation_status"] == "ENABLE"
    # Read back through get: the same object.
    data = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV))
    assert data["list"] == [group]


def test_adgroup_over_twenty_five_and_manual_placements(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    group = api.adgroup(
        campaign,
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_TIKTOK"],
        targeting_spec={"location_ids": ["6252001"], "spc_audience_age": "OVER_TWENTY_FIVE"},
    )
    assert group["placements"] == ["PLACEMENT_TIKTOK"]
    assert group["targeting_spec"]["age_groups"] == ["AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100"]


def test_adgroup_without_cbo_keeps_budget(api: Api) -> None:
    campaign = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    group = api.adgroup(campaign, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=30)
    assert (group["budget_mode"], group["budget"]) == ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", 30)


def test_ad_shape(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])
    ad = api.ad(group["adgroup_id"], creative_list=[video_creative(1), video_creative(2)])
    assert ad["secondary_status"] == "AD_STATUS_AUDIT"
    assert ad["adgroup_name"] == group["adgroup_name"]
    assert ad["campaign_id"] == group["campaign_id"]
    materials = [c["ad_material_id"] for c in ad["creative_list"]]
    assert len(set(materials)) == 2
    info = ad["creative_list"][0]["creative_info"]
    assert info["identity_authorized_bc_id"] == "0"
    assert info["material_name"] == ""
    assert ad["creative_list"][0]["material_operation_status"] == "ENABLE"
    assert ad["deeplink_list"] == [] and ad["page_list"] == [] and ad["interactive_add_on_list"] == []
    # Review ends after an hour of emulator time.
    api.admin("clock", {"now": "2026-12-02 00:00:00"})
    got = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV))["list"][0]
    assert got["secondary_status"] == "AD_STATUS_DELIVERY_OK"
    group_now = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV))["list"][0]
    assert group_now["secondary_status"] == "ADGROUP_STATUS_DELIVERY_OK"


def test_empty_ad_name_is_named_after_id(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])
    ad = api.ad(group["adgroup_id"], ad_name="")
    assert ad["ad_name"] == ad["smart_plus_ad_id"]


def test_ad_update_keeps_material_ids_of_unchanged_creatives(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])
    ad = api.ad(group["adgroup_id"], creative_list=[video_creative(1), video_creative(2)])
    first = ad["creative_list"][0]["ad_material_id"]
    updated = api.ok(
        api.post(
            "smart_plus/ad/update/",
            {
                "advertiser_id": ADV,
                "smart_plus_ad_id": ad["smart_plus_ad_id"],
                "creative_list": [video_creative(1), video_creative(3)],
            },
        )
    )
    assert updated["creative_list"][0]["ad_material_id"] == first
    assert updated["creative_list"][1]["ad_material_id"] not in {
        c["ad_material_id"] for c in ad["creative_list"]
    }


def test_disable_does_not_touch_children(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    group = api.adgroup(campaign)["adgroup_id"]
    ad = api.ad(group)["smart_plus_ad_id"]
    answer = api.ok(
        api.post(
            "smart_plus/campaign/status/update/",
            {"advertiser_id": ADV, "campaign_ids": [campaign], "operation_status": "DISABLE"},
        )
    )
    assert answer == {"campaign_list": [{"campaign_id": campaign, "status": "DISABLE"}], "error_list": []}
    got_group = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV))["list"][0]
    assert got_group["operation_status"] == "ENABLE"
    assert got_group["secondary_status"] == "ADGROUP_STATUS_CAMPAIGN_DISABLE"
    got_ad = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV))["list"][0]
    assert (got_ad["smart_plus_ad_id"], got_ad["operation_status"]) == (ad, "ENABLE")
    assert got_ad["secondary_status"] == "AD_STATUS_CAMPAIGN_DISABLE"


def test_status_update_partial_failure(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    group = api.adgroup(campaign)["adgroup_id"]
    answer = api.ok(
        api.post(
            "smart_plus/adgroup/status/update/",
            {"advertiser_id": ADV, "adgroup_ids": [group, "123"], "operation_status": "DISABLE"},
        )
    )
    assert answer == {
        "adgroup_list": [{"adgroup_id": group, "status": "DISABLE"}],
        "error_list": [{"adgroup_id": "123", "error_message": "Adgroup does not exist. adgroup_id 123."}],
    }
    answer = api.ok(
        api.post(
            "smart_plus/campaign/status/update/",
            {"advertiser_id": ADV, "campaign_ids": ["999"], "operation_status": "ENABLE"},
        )
    )
    assert answer == {
        "campaign_list": [],
        "error_list": [{"campaign_id": "999", "error_message": "Campaign does not exist. campaign_id 999."}],
    }
    answer = api.post(
        "smart_plus/ad/status/update/",
        {"advertiser_id": ADV, "smart_plus_ad_ids": ["999"], "operation_status": "ENABLE"},
    )
    assert_error(answer, 40002, "smart_plus_ad_ids[0]: Ad does not exist. smart_plus_ad_id 999.")


def test_request_id_repeat_is_refused(api: Api) -> None:
    body = campaign_body(request_id="42")
    first = api.post("smart_plus/campaign/create/", body)
    assert first["code"] == 0
    again = api.post("smart_plus/campaign/create/", body)
    assert_error(again, 40050, "Duplicated request: request_id 42 has already been used.")
    assert api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["page_info"]["total_number"] == 1
    campaign = first["data"]["campaign_id"]
    group_body = adgroup_body(campaign, request_id="43")
    assert api.post("smart_plus/adgroup/create/", group_body)["code"] == 0
    again = api.post("smart_plus/adgroup/create/", group_body)
    assert_error(again, 40050, "Duplicated request: request_id 43 has already been used.")
    # A failed create does not use up its request_id.
    bad = campaign_body(request_id="44", budget=1)
    assert api.post("smart_plus/campaign/create/", bad)["code"] == 40002
    assert api.post("smart_plus/campaign/create/", campaign_body(request_id="44"))["code"] == 0


def test_request_id_required_and_numeric(api: Api) -> None:
    answer = api.post("smart_plus/campaign/create/", campaign_body(request_id=None))
    assert_error(answer, 40002, "request_id: value is required but missing")
    answer = api.post("smart_plus/campaign/create/", campaign_body(request_id="abc"))
    assert_error(answer, 40002, "request_id: Must be a string representation of a 64-bit integer.")
    answer = api.post("smart_plus/campaign/create/", campaign_body(request_id=12))
    assert_error(answer, 40002, "request_id: Not a valid string")
    answer = api.post("smart_plus/campaign/create/", campaign_body(request_id=str(2**63)))
    assert_error(answer, 40002, "request_id: Must be a string representation of a 64-bit integer.")


def test_updates(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    api.admin("clock", {"advance_days": 1})
    updated = api.ok(
        api.post(
            "smart_plus/campaign/update/",
            {"advertiser_id": ADV, "campaign_id": campaign, "campaign_name": "New", "po_number": "PO-1"},
        )
    )
    assert (updated["campaign_name"], updated["po_number"]) == ("New", "PO-1")
    assert updated["modify_time"] == "2026-11-30 00:00:00"
    assert updated["create_time"] == "2026-11-29 00:00:00"
    group = api.adgroup(campaign, schedule_start_time="2026-12-01 00:00:00")["adgroup_id"]
    updated = api.ok(
        api.post(
            "smart_plus/adgroup/update/",
            {
                "advertiser_id": ADV,
                "adgroup_id": group,
                "targeting_optimization_mode": "MANUAL",
                "targeting_spec": {"location_ids": ["6252001", "2635167"], "gender": "GENDER_FEMALE"},
            },
        )
    )
    assert updated["targeting_spec"]["gender"] == "GENDER_FEMALE"
    assert updated["campaign_name"] == "New"


def test_bid_update_spreads_over_cbo_campaign(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    first = api.adgroup(campaign, bid_type="BID_TYPE_CUSTOM", conversion_bid_price=10)["adgroup_id"]
    second = api.adgroup(
        campaign, adgroup_name="second", bid_type="BID_TYPE_CUSTOM", conversion_bid_price=10
    )["adgroup_id"]
    api.ok(
        api.post(
            "smart_plus/adgroup/update/",
            {"advertiser_id": ADV, "adgroup_id": first, "conversion_bid_price": 11},
        )
    )
    data = api.ok(api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"adgroup_ids": [second]}))
    assert data["list"][0]["conversion_bid_price"] == 11


def test_spark_ad_with_call_to_action_id(api: Api) -> None:
    group = api.adgroup(api.campaign()["campaign_id"])
    ad = api.ad(
        group["adgroup_id"],
        creative_list=[
            video_creative(1, ID_TT, "TT_USER"),
            {
                "creative_info": {
                    "ad_format": "SINGLE_VIDEO",
                    "tiktok_item_id": "7300000000000000001",
                    "identity_type": "TT_USER",
                    "identity_id": ID_TT,
                }
            },
        ],
        call_to_action_list=None,
        ad_configuration={"call_to_action_id": "7400000000000000001"},
    )
    assert ad["call_to_action_list"] == []
    assert "material_name" not in ad["creative_list"][1]["creative_info"]


def test_non_spark_creative_shape(api: Api) -> None:
    # The non-Spark identity is in ad_configuration (D:1843317390059522): the creative has none.
    campaign = api.campaign()["campaign_id"]
    group = api.adgroup(campaign, placement_type="PLACEMENT_TYPE_NORMAL", placements=["PLACEMENT_PANGLE"])
    ad = api.ok(api.post("smart_plus/ad/create/", non_spark_ad_body(group["adgroup_id"])))
    info = ad["creative_list"][0]["creative_info"]
    assert "identity_authorized_bc_id" not in info and "identity_type" not in info
    assert info["image_info"] == [{"web_uri": "i10000000000000001"}]
    assert ad["ad_configuration"] == {
        "identity_type": "CUSTOMIZED_USER",
        "identity_id": "7200000000000000001",
    }
