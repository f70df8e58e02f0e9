"""The official SDK (tiktok-business-api-sdk-official) pointed at the emulator over real HTTP works
unchanged: its own body models in, its own get calls to read back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import business_api_client as sdk
import pytest
from business_api_client.tiktok_business.tiktok_exceptions import TiktokSDKError

from reconciler.emulator import BackgroundServer, create_app

from .helpers import ADV, ID_CUSTOM, NOW, PIXEL

TOKEN = "demo-token"


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    app = create_app(now=NOW)
    with BackgroundServer(app) as url:
        configuration = sdk.Configuration()
        configuration.host = url
        yield sdk.ApiClient(configuration)


def _ok(answer: Any) -> dict[str, Any]:
    # The SDK answers {data, request_id} for code 0 and raises TiktokSDKError otherwise.
    assert len(answer["request_id"]) == 34
    return dict(answer["data"])


def test_sdk_full_cycle(client: Any) -> None:
    campaigns = sdk.CampaignCreationApi(client)
    adgroups = sdk.AdgroupApi(client)
    ads = sdk.AdApi(client)

    campaign = _ok(
        campaigns.smart_plus_campaign_create(
            TOKEN,
            body=sdk.SmartPlusCampaignCreateBody(
                advertiser_id=ADV,
                campaign_name="SDK campaign",
                objective_type="WEB_CONVERSIONS",
                budget_optimize_on=True,
                budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
                budget=500.0,
                request_id="9000000001",
            ),
        )
    )
    campaign_id = campaign["campaign_id"]
    assert campaign["budget_optimize_on"] is True
    assert campaign["smart_plus_adgroup_mode"] == "MULTIPLE"

    adgroup = _ok(
        adgroups.smart_plus_adgroup_create(
            TOKEN,
            body=sdk.SmartPlusAdgroupCreateBody(
                advertiser_id=ADV,
                campaign_id=campaign_id,
                adgroup_name="SDK ad group",
                promotion_type="WEBSITE",
                optimization_goal="CONVERT",
                optimization_event="SHOPPING",
                pixel_id=PIXEL,
                billing_event="OCPM",
                schedule_type="SCHEDULE_FROM_NOW",
                schedule_start_time="2026-12-01 00:00:00",
                request_id="9000000002",
                targeting_spec=sdk.SmartPlusAdgroupCreateBodyTargetingSpec(
                    location_ids=["6252001"], spc_audience_age="OVER_EIGHTEEN"
                ),
            ),
        )
    )
    adgroup_id = adgroup["adgroup_id"]
    assert adgroup["placement_type"] == "PLACEMENT_TYPE_AUTOMATIC"

    ad = _ok(
        ads.smart_plus_ad_create(
            TOKEN,
            body=sdk.SmartPlusAdCreateBody(
                advertiser_id=ADV,
                adgroup_id=adgroup_id,
                ad_name="SDK ad",
                creative_list=[
                    sdk.SmartPlusAdCreateBodyCreativeList(
                        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
                            ad_format="SINGLE_VIDEO",
                            video_info=sdk.SmartPlusAdCreateBodyCreativeInfoVideoInfo(
                                video_id="v10000000000000001"
                            ),
                            identity_type="CUSTOMIZED_USER",
                            identity_id=ID_CUSTOM,
                        )
                    )
                ],
                ad_text_list=[sdk.SmartPlusAdCreateBodyAdTextList(ad_text="Hello")],
                call_to_action_list=[sdk.SmartPlusAdCreateBodyCallToActionList(call_to_action="SHOP_NOW")],
                landing_page_url_list=[
                    sdk.SmartPlusAdCreateBodyLandingPageUrlList(landing_page_url="https://shop.example.com/")
                ],
            ),
        )
    )
    ad_id = ad["smart_plus_ad_id"]

    # Read back with the SDK's get calls: fields and filtering go as JSON strings in the query.
    got = _ok(
        campaigns.smart_plus_campaign_get(
            ADV,
            TOKEN,
            fields=["campaign_id", "campaign_name", "budget"],
            filtering=sdk.FilteringSmartPlusCampaignGet(campaign_ids=[campaign_id]),
            page=1,
            page_size=10,
        )
    )
    assert got["list"] == [{"campaign_id": campaign_id, "campaign_name": "SDK campaign", "budget": 500.0}]
    assert got["page_info"] == {"page": 1, "page_size": 10, "total_number": 1, "total_page": 1}
    got = _ok(
        adgroups.smart_plus_adgroup_get(
            ADV, TOKEN, filtering=sdk.FilteringSmartPlusAdgroupGet(campaign_ids=[campaign_id])
        )
    )
    assert [g["adgroup_id"] for g in got["list"]] == [adgroup_id]
    got = _ok(
        ads.smart_plus_ad_get(ADV, TOKEN, filtering=sdk.FilteringSmartPlusAdGet(adgroup_ids=[adgroup_id]))
    )
    assert [a["smart_plus_ad_id"] for a in got["list"]] == [ad_id]

    # Updates.
    updated = _ok(
        campaigns.smart_plus_campaign_update(
            TOKEN,
            body=sdk.SmartPlusCampaignUpdateBody(advertiser_id=ADV, campaign_id=campaign_id, budget=800.0),
        )
    )
    assert updated["budget"] == 800.0
    updated = _ok(
        adgroups.smart_plus_adgroup_update(
            TOKEN,
            body=sdk.SmartPlusAdgroupUpdateBody(
                advertiser_id=ADV, adgroup_id=adgroup_id, adgroup_name="Renamed"
            ),
        )
    )
    assert updated["adgroup_name"] == "Renamed"
    updated = _ok(
        ads.smart_plus_ad_update(
            TOKEN,
            body=sdk.SmartPlusAdUpdateBody(
                advertiser_id=ADV,
                smart_plus_ad_id=ad_id,
                ad_text_list=[sdk.SmartPlusAdCreateBodyAdTextList(ad_text="New text")],
            ),
        )
    )
    assert updated["ad_text_list"] == [{"ad_text": "New text"}]

    # Status updates, answered as the documented examples.
    answer = _ok(
        ads.smart_plus_ad_status_update(
            TOKEN,
            body=sdk.SmartPlusAdStatusUpdateBody(
                advertiser_id=ADV, smart_plus_ad_ids=[ad_id], operation_status="DISABLE"
            ),
        )
    )
    assert answer == {"smart_plus_ad_ids": [ad_id], "status": "DISABLE"}
    answer = _ok(
        adgroups.smart_plus_adgroup_status_update(
            TOKEN,
            body=sdk.SmartPlusAdgroupStatusUpdateBody(
                advertiser_id=ADV, adgroup_ids=[adgroup_id], operation_status="DISABLE"
            ),
        )
    )
    assert answer == {"adgroup_list": [{"adgroup_id": adgroup_id, "status": "DISABLE"}], "error_list": []}
    answer = _ok(
        campaigns.smart_plus_campaign_status_update(
            TOKEN,
            body=sdk.SmartPlusCampaignStatusUpdateBody(
                advertiser_id=ADV, campaign_ids=[campaign_id], operation_status="DELETE"
            ),
        )
    )
    assert answer == {"campaign_list": [{"campaign_id": campaign_id, "status": "DELETE"}], "error_list": []}
    got = _ok(campaigns.smart_plus_campaign_get(ADV, TOKEN))
    assert campaign_id not in [c["campaign_id"] for c in got["list"]]
    got = _ok(
        campaigns.smart_plus_campaign_get(
            ADV, TOKEN, filtering=sdk.FilteringSmartPlusCampaignGet(primary_status="STATUS_DELETE")
        )
    )
    assert [c["campaign_id"] for c in got["list"]] == [campaign_id]


def test_sdk_sees_business_errors_as_http_200(client: Any) -> None:
    # The SDK raises TiktokSDKError only from an HTTP 200 body with code != 0 (non-2xx is ApiException).
    campaigns = sdk.CampaignCreationApi(client)
    with pytest.raises(
        TiktokSDKError, match=r"Error Code: 40105, message: Access token is incorrect or has been revoked\."
    ):
        campaigns.smart_plus_campaign_get(ADV, "wrong-token")
    with pytest.raises(TiktokSDKError, match=r"Error Code: 40118"):
        campaigns.smart_plus_campaign_get("7000000000000000002", "demo-token-2")


def test_sdk_account_endpoints(client: Any) -> None:
    pixels = _ok(sdk.MeasurementApi(client).pixel_list(ADV, TOKEN, page=1, page_size=20))
    assert [p["pixel_id"] for p in pixels["pixels"]] == [PIXEL]
    stats = _ok(
        sdk.MeasurementApi(client).pixel_event_stats(
            ADV, [PIXEL], sdk.DateRange(start_date="2026-11-01", end_date="2026-11-07"), TOKEN
        )
    )
    assert stats["list"][0]["pixel_id"] == PIXEL
    identities = _ok(sdk.IdentityApi(client).identity_get(ADV, TOKEN))
    assert {i["identity_type"] for i in identities["identity_list"]} == {"CUSTOMIZED_USER", "TT_USER"}
    videos = _ok(sdk.FileApi(client).ad_video_info(ADV, ["v10000000000000001"], TOKEN))
    assert videos["list"][0]["video_id"] == "v10000000000000001"
    advertisers = _ok(sdk.AccountManagementApi(client).advertiser_info([ADV], TOKEN))
    assert advertisers["list"][0]["advertiser_id"] == ADV
    campaigns = _ok(sdk.CampaignCreationApi(client).campaign_get(ADV, TOKEN, page_size=1000))
    # The demo seed's two manual campaigns are MANUAL; anything else the SDK created is upgraded Smart+.
    types = {c["campaign_name"]: c["campaign_automation_type"] for c in campaigns["list"]}
    assert {n: t for n, t in types.items() if t == "MANUAL"} == {
        "Manual Evergreen US": "MANUAL",
        "Manual Retargeting CA": "MANUAL",
    }
    assert set(types.values()) <= {"MANUAL", "UPGRADED_SMART_PLUS"}
