"""The official SDK (tiktok-business-api-sdk-official 1.1.3) over real HTTP on the endpoints added for
issue 13: a dynamic CTA (recommend, then the SDK's portfolio create and get), a Spark Push ad that uses
it, review info of the ad and its creatives, an appeal, creative status, and the material reports.

SDK 1.1.3 has no typed method for `/creative/cta/recommend/` (nor for `/identity/video/get/` and
`/smart_plus/adgroup/budget/update/`): those go through the SDK's own `ApiClient.call_api`, which is
what the typed methods call, with the SDK's query encoding and error handling."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import business_api_client as sdk
import httpx
import pytest
from business_api_client.tiktok_business.tiktok_exceptions import TiktokSDKError

from reconciler.emulator import BackgroundServer, create_app

from .helpers import ADV, ID_TT, NOW, PIXEL

TOKEN = "demo-token"
_REQUEST_IDS = itertools.count(9_100_000_001)


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[Any, str]]:
    app = create_app(now=NOW)
    with BackgroundServer(app) as url:
        configuration = sdk.Configuration()
        configuration.host = url
        yield sdk.ApiClient(configuration), url


def _ok(answer: Any) -> dict[str, Any]:
    assert len(answer["request_id"]) == 34
    return dict(answer["data"])


def _raw(
    client: Any, method: str, path: str, query: list[tuple[str, Any]] | None = None, body: Any = None
) -> Any:
    """A call through the SDK's ApiClient for an endpoint the SDK has no typed method for."""
    return client.call_api(
        "/open_api/v1.3/" + path,
        method,
        query_params=query or [],
        header_params={
            "Access-Token": TOKEN,
            "Accept": "application/json",
            "Content-Type": "application/json",
        },
        body=body,
        response_type="InlineResponse200",
        auth_settings=[],
        _return_http_data_only=True,
        collection_formats={},
    )


def _spark_ad(client: Any, call_to_action_id: str) -> tuple[str, str]:
    campaign = _ok(
        sdk.CampaignCreationApi(client).smart_plus_campaign_create(
            TOKEN,
            body=sdk.SmartPlusCampaignCreateBody(
                advertiser_id=ADV,
                campaign_name="SDK dynamic CTA",
                objective_type="WEB_CONVERSIONS",
                sales_destination="WEBSITE",
                budget_optimize_on=True,
                budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
                budget=500.0,
                request_id=str(next(_REQUEST_IDS)),
            ),
        )
    )
    adgroup = _ok(
        sdk.AdgroupApi(client).smart_plus_adgroup_create(
            TOKEN,
            body=sdk.SmartPlusAdgroupCreateBody(
                advertiser_id=ADV,
                campaign_id=campaign["campaign_id"],
                adgroup_name="SDK ad group",
                promotion_type="WEBSITE",
                optimization_goal="CONVERT",
                optimization_event="SHOPPING",
                pixel_id=PIXEL,
                billing_event="OCPM",
                bid_type="BID_TYPE_NO_BID",
                schedule_type="SCHEDULE_FROM_NOW",
                schedule_start_time=NOW,
                request_id=str(next(_REQUEST_IDS)),
                targeting_spec=sdk.SmartPlusAdgroupCreateBodyTargetingSpec(
                    location_ids=["6252001"], spc_audience_age="OVER_EIGHTEEN"
                ),
            ),
        )
    )
    ad = _ok(
        sdk.AdApi(client).smart_plus_ad_create(
            TOKEN,
            body=sdk.SmartPlusAdCreateBody(
                advertiser_id=ADV,
                adgroup_id=adgroup["adgroup_id"],
                ad_name="SDK Spark Push",
                creative_list=[
                    sdk.SmartPlusAdCreateBodyCreativeList(
                        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
                            ad_format="SINGLE_VIDEO",
                            video_info=sdk.SmartPlusAdCreateBodyCreativeInfoVideoInfo(
                                video_id=f"v1000000000000000{n}"
                            ),
                            image_info=[
                                sdk.SmartPlusAdCreateBodyCreativeInfoImageInfo(
                                    web_uri=f"i1000000000000000{n}"
                                )
                            ],
                            identity_type="TT_USER",
                            identity_id=ID_TT,
                        )
                    )
                    for n in (1, 2)
                ],
                ad_text_list=[sdk.SmartPlusAdCreateBodyAdTextList(ad_text="Winter sale")],
                ad_configuration=sdk.SmartPlusAdCreateBodyAdConfiguration(
                    call_to_action_id=call_to_action_id
                ),
                landing_page_url_list=[
                    sdk.SmartPlusAdCreateBodyLandingPageUrlList(landing_page_url="https://shop.example.com/")
                ],
            ),
        )
    )
    assert ad["ad_configuration"]["call_to_action_id"] == call_to_action_id
    return ad["smart_plus_ad_id"], ad["creative_list"][1]["ad_material_id"]


def test_sdk_dynamic_cta_review_info_and_appeal(server: tuple[Any, str]) -> None:
    client, url = server
    # 1. Recommended CTAs (new_version) through the SDK's ApiClient.
    recommended = _ok(
        _raw(
            client,
            "GET",
            "creative/cta/recommend/",
            [
                ("advertiser_id", ADV),
                ("new_version", "true"),
                ("objective_type", "WEB_CONVERSIONS"),
                ("promotion_type", "WEBSITE"),
            ],
        )
    )["recommend_assets"]
    assert recommended[0]["asset_content"] == "Shop now"
    # 2. The SDK's typed portfolio create, with its own body models, then its portfolio get.
    management = sdk.CreativeManagementApi(client)
    content = [
        sdk.CreativeportfoliocreatePortfolioContent(
            asset_content=a["asset_content"], asset_ids=a["asset_ids"]
        )
        for a in recommended[:3]
    ]
    created = _ok(
        management.creative_portfolio_create(
            TOKEN,
            body=sdk.PortfolioCreateBody(
                advertiser_id=ADV, creative_portfolio_type="CTA", portfolio_content=content
            ),
        )
    )
    portfolio_id = created["creative_portfolio_id"]
    got = _ok(management.creative_portfolio_get(ADV, portfolio_id, TOKEN))
    assert got["creative_portfolio_type"] == "CTA"
    assert [c["asset_content"] for c in got["portfolio_content"]] == [
        a["asset_content"] for a in recommended[:3]
    ]
    assert _ok(management.creative_portfolio_list(ADV, TOKEN))["creative_portfolios"] == []  # CTA excluded
    # 3. A Spark Push ad (video + cover) with the dynamic CTA.
    ad_id, second_material = _spark_ad(client, portfolio_id)
    # 4. Review info through the SDK: pending first.
    ads = sdk.AdApi(client)
    info = _ok(ads.smart_plus_ad_review_info(ADV, [ad_id], TOKEN))
    assert info["smart_plus_ad_review_infos"][0]["review_status"] is None
    assert len(info["material_review_infos"]) == 2
    # Rejected with reasons (admin knob), then read with reject info.
    answer = httpx.post(
        url + "/_emulator/review",
        json={
            "smart_plus_ad_id": ad_id,
            "decision": "reject",
            "reasons": ["Landing page does not match the ad."],
        },
    )
    assert answer.status_code == 200
    info = _ok(
        ads.smart_plus_ad_review_info(
            ADV,
            [ad_id],
            TOKEN,
            extra_info_setting=sdk.ExtraInfoSettingSmartPlusAdReviewInfo(include_reject_info=True),
        )
    )
    entry = info["smart_plus_ad_review_infos"][0]
    assert entry["review_status"] == "UNAVAILABLE"
    assert entry["reject_info"][0]["reasons"] == ["Landing page does not match the ad."]
    materials = _ok(
        ads.smart_plus_material_review_info(
            ADV,
            [second_material],
            TOKEN,
            extra_info_setting=sdk.ExtraInfoSettingSmartPlusMaterialReviewInfo(include_reject_info=True),
        )
    )["material_review_infos"]
    assert (
        materials[0]["ad_material_id"] == second_material and materials[0]["review_status"] == "UNAVAILABLE"
    )
    got = _ok(
        ads.smart_plus_ad_get(ADV, TOKEN, filtering=sdk.FilteringSmartPlusAdGet(smart_plus_ad_ids=[ad_id]))
    )
    assert got["list"][0]["secondary_status"] == "AD_STATUS_AUDIT_DENY"
    # 5. The SDK's appeal, visible in review info.
    assert (
        _ok(
            ads.smart_plus_ad_appeal(
                TOKEN,
                body=sdk.SmartPlusAdAppealBody(
                    advertiser_id=ADV, smart_plus_ad_id=ad_id, appeal_reason="The page matches."
                ),
            )
        )
        == {}
    )
    info = _ok(ads.smart_plus_ad_review_info(ADV, [ad_id], TOKEN))
    assert info["smart_plus_ad_review_infos"][0]["appeal_status"] == "APPEALING"


def test_sdk_material_status_and_reports(server: tuple[Any, str]) -> None:
    client, _url = server
    ads = sdk.AdApi(client)
    ad_id, second_material = _spark_ad(client, "7400000000000000001")
    answer = _ok(
        ads.smart_plus_ad_material_status_update(
            TOKEN,
            body=sdk.SmartPlusAdMaterialStatusUpdateBody(
                advertiser_id=ADV,
                smart_plus_ad_id=ad_id,
                ad_material_ids=[second_material],
                operation_status="DISABLE",
            ),
        )
    )
    assert answer == {
        "smart_plus_ad_id": ad_id,
        "ad_material_ids": [second_material],
        "operation_status": "DISABLE",
    }
    report = _ok(
        sdk.ReportingApi(client).smart_plus_material_report_overview(
            ADV,
            ["smart_plus_ad_id"],
            TOKEN,
            start_date="2026-11-29",
            end_date="2026-11-29",
            metrics=["spend"],
        )
    )
    assert {"dimensions": {"smart_plus_ad_id": ad_id}, "metrics": {"spend": "0.00"}} in report["list"]
    # An endpoint the SDK knows nothing about, through its ApiClient: identity posts for Spark Pull.
    posts = _ok(
        _raw(
            client,
            "GET",
            "identity/video/get/",
            [("advertiser_id", ADV), ("identity_id", ID_TT), ("identity_type", "TT_USER"), ("count", 3)],
        )
    )
    assert len(posts["video_list"]) == 3 and posts["has_more"] is True
    # Business errors still reach the SDK as TiktokSDKError.
    with pytest.raises(
        TiktokSDKError, match=r"Error Code: 40002, message: smart_plus_ad_ids\[0\]: Ad does not exist"
    ):
        ads.smart_plus_ad_review_info(ADV, ["1820000000000099999"], TOKEN)


def test_sdk_budget_batch_through_the_api_client(server: tuple[Any, str]) -> None:
    client, _url = server
    campaign = _ok(
        sdk.CampaignCreationApi(client).smart_plus_campaign_create(
            TOKEN,
            body=sdk.SmartPlusCampaignCreateBody(
                advertiser_id=ADV,
                campaign_name="SDK CBO off",
                objective_type="WEB_CONVERSIONS",
                sales_destination="WEBSITE",
                budget_optimize_on=False,
                request_id=str(next(_REQUEST_IDS)),
            ),
        )
    )
    ids = []
    for n in range(3):
        adgroup = _ok(
            sdk.AdgroupApi(client).smart_plus_adgroup_create(
                TOKEN,
                body=sdk.SmartPlusAdgroupCreateBody(
                    advertiser_id=ADV,
                    campaign_id=campaign["campaign_id"],
                    adgroup_name=f"SDK budget {n}",
                    promotion_type="WEBSITE",
                    optimization_goal="CONVERT",
                    optimization_event="SHOPPING",
                    pixel_id=PIXEL,
                    billing_event="OCPM",
                    bid_type="BID_TYPE_NO_BID",
                    budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
                    budget=50.0,
                    schedule_type="SCHEDULE_FROM_NOW",
                    schedule_start_time=NOW,
                    request_id=str(next(_REQUEST_IDS)),
                    targeting_spec=sdk.SmartPlusAdgroupCreateBodyTargetingSpec(location_ids=["6252001"]),
                ),
            )
        )
        ids.append(adgroup["adgroup_id"])
    body = {
        "advertiser_id": ADV,
        "budget": [{"adgroup_id": i, "budget": 70.0 + n} for n, i in enumerate(ids)],
    }
    assert _ok(_raw(client, "POST", "smart_plus/adgroup/budget/update/", body=body)) == {}
    got = _ok(
        sdk.AdgroupApi(client).smart_plus_adgroup_get(
            ADV, TOKEN, filtering=sdk.FilteringSmartPlusAdgroupGet(adgroup_ids=ids)
        )
    )
    assert sorted(g["budget"] for g in got["list"]) == [70.0, 71.0, 72.0]
