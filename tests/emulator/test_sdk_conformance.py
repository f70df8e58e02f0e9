"""The official SDK (tiktok-business-api-sdk-official) pointed at the emulator over real HTTP works
unchanged: its own body models in, its own get calls to read back.

The ads follow TikTok's current creative model (smart-plus-current.md section 3): Spark Push with a
cover and a dynamic CTA (the demo CTA portfolio), Spark Pull, a carousel; and the SDK sees TikTok's
refusals as TiktokSDKError. New SDK calls go in a test of their own with the helpers below
(`_campaign`, `_adgroup`, `_ad`, `_request_id`) and the module's `client` fixture.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import business_api_client as sdk
import pytest
from business_api_client.tiktok_business.tiktok_exceptions import TiktokSDKError

from reconciler.emulator import BackgroundServer, create_app

from .helpers import ADV, ID_CUSTOM, ID_TT, MUSIC, NOW, PIXEL, PORTFOLIO

TOKEN = "demo-token"
_request_ids = itertools.count(9_000_000_001)


def _request_id() -> str:
    return str(next(_request_ids))


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


def _campaign(client: Any, name: str, *, cbo: bool = True) -> str:
    budget: dict[str, Any] = (
        {"budget_optimize_on": True, "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "budget": 500.0}
        if cbo
        else {"budget_optimize_on": False}
    )
    campaign = _ok(
        sdk.CampaignCreationApi(client).smart_plus_campaign_create(
            TOKEN,
            body=sdk.SmartPlusCampaignCreateBody(
                advertiser_id=ADV,
                campaign_name=name,
                objective_type="WEB_CONVERSIONS",
                sales_destination="WEBSITE",
                request_id=_request_id(),
                **budget,
            ),
        )
    )
    return str(campaign["campaign_id"])


def _adgroup(client: Any, campaign_id: str, name: str, **extra: Any) -> dict[str, Any]:
    return _ok(
        sdk.AdgroupApi(client).smart_plus_adgroup_create(
            TOKEN,
            body=sdk.SmartPlusAdgroupCreateBody(
                advertiser_id=ADV,
                campaign_id=campaign_id,
                adgroup_name=name,
                promotion_type="WEBSITE",
                optimization_goal="CONVERT",
                optimization_event="SHOPPING",
                pixel_id=PIXEL,
                billing_event="OCPM",
                bid_type="BID_TYPE_NO_BID",
                schedule_type="SCHEDULE_FROM_NOW",
                schedule_start_time="2026-12-01 00:00:00",
                request_id=_request_id(),
                targeting_spec=sdk.SmartPlusAdgroupCreateBodyTargetingSpec(
                    location_ids=["6252001"], spc_audience_age="OVER_EIGHTEEN"
                ),
                **extra,
            ),
        )
    )


def _push_video(n: int) -> Any:
    """Spark Push: a video, its cover (image n is the cover of video n) and the TT_USER identity."""
    return sdk.SmartPlusAdCreateBodyCreativeList(
        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
            ad_format="SINGLE_VIDEO",
            video_info=sdk.SmartPlusAdCreateBodyCreativeInfoVideoInfo(video_id=f"v1000000000000000{n}"),
            image_info=[sdk.SmartPlusAdCreateBodyCreativeInfoImageInfo(web_uri=f"i1000000000000000{n}")],
            identity_type="TT_USER",
            identity_id=ID_TT,
        )
    )


def _ad_body(adgroup_id: str, name: str, creatives: list[Any], **extra: Any) -> Any:
    extra.setdefault(
        "ad_configuration", sdk.SmartPlusAdCreateBodyAdConfiguration(call_to_action_id=PORTFOLIO)
    )
    return sdk.SmartPlusAdCreateBody(
        advertiser_id=ADV,
        adgroup_id=adgroup_id,
        ad_name=name,
        creative_list=creatives,
        ad_text_list=[sdk.SmartPlusAdCreateBodyAdTextList(ad_text="Hello")],
        landing_page_url_list=[
            sdk.SmartPlusAdCreateBodyLandingPageUrlList(landing_page_url="https://shop.example.com/")
        ],
        **extra,
    )


def _ad(client: Any, adgroup_id: str, name: str, creatives: list[Any], **extra: Any) -> dict[str, Any]:
    return _ok(
        sdk.AdApi(client).smart_plus_ad_create(TOKEN, body=_ad_body(adgroup_id, name, creatives, **extra))
    )


def test_sdk_full_cycle(client: Any) -> None:
    campaigns = sdk.CampaignCreationApi(client)
    adgroups = sdk.AdgroupApi(client)
    ads = sdk.AdApi(client)

    campaign_id = _campaign(client, "SDK campaign")
    campaign = _ok(
        campaigns.smart_plus_campaign_get(
            ADV, TOKEN, filtering=sdk.FilteringSmartPlusCampaignGet(campaign_ids=[campaign_id])
        )
    )["list"][0]
    assert campaign["budget_optimize_on"] is True
    assert campaign["smart_plus_adgroup_mode"] == "MULTIPLE"
    adgroup = _adgroup(client, campaign_id, "SDK ad group")
    adgroup_id = adgroup["adgroup_id"]
    assert adgroup["placement_type"] == "PLACEMENT_TYPE_AUTOMATIC"

    # Spark Push with its cover and a dynamic CTA (the demo CTA portfolio).
    ad = _ad(client, adgroup_id, "SDK ad", [_push_video(1)])
    ad_id = ad["smart_plus_ad_id"]
    info = ad["creative_list"][0]["creative_info"]
    assert info["image_info"] == [{"web_uri": "i10000000000000001"}]
    assert ad["ad_configuration"]["call_to_action_id"] == PORTFOLIO
    assert ad["ad_configuration"]["dark_post_status"] == "ON"
    assert ad["call_to_action_list"] == []

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


def test_sdk_spark_pull_and_carousel(client: Any) -> None:
    adgroup_id = _adgroup(client, _campaign(client, "SDK Spark"), "SDK Spark group")["adgroup_id"]
    pull = sdk.SmartPlusAdCreateBodyCreativeList(
        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
            ad_format="SINGLE_VIDEO",
            tiktok_item_id="7300000000000000001",
            identity_type="TT_USER",
            identity_id=ID_TT,
        )
    )
    ad = _ad(client, adgroup_id, "SDK pull", [pull])
    assert ad["creative_list"][0]["creative_info"]["tiktok_item_id"] == "7300000000000000001"
    carousel = sdk.SmartPlusAdCreateBodyCreativeList(
        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
            ad_format="CAROUSEL_ADS",
            image_info=[
                sdk.SmartPlusAdCreateBodyCreativeInfoImageInfo(web_uri=f"i1000000000000000{n}")
                for n in range(1, 6)
            ],
            music_info=sdk.SmartPlusAdCreateBodyCreativeInfoMusicInfo(music_id=MUSIC),
            identity_type="TT_USER",
            identity_id=ID_TT,
        )
    )
    ad = _ad(client, adgroup_id, "SDK carousel", [carousel])
    assert len(ad["creative_list"][0]["creative_info"]["image_info"]) == 5


def test_sdk_cbo_off_adgroups_and_paging(client: Any) -> None:
    campaign_id = _campaign(client, "SDK no CBO", cbo=False)
    made = [
        _adgroup(
            client,
            campaign_id,
            f"SDK budget group {i}",
            budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
            budget=20.0 + i,
        )
        for i in range(5)
    ]
    assert [(g["budget_mode"], g["budget"]) for g in made[:2]] == [
        ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", 20.0),
        ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", 21.0),
    ]
    seen: list[str] = []
    page = 1
    while True:
        got = _ok(
            sdk.AdgroupApi(client).smart_plus_adgroup_get(
                ADV,
                TOKEN,
                filtering=sdk.FilteringSmartPlusAdgroupGet(campaign_ids=[campaign_id]),
                page=page,
                page_size=2,
            )
        )
        seen += [g["adgroup_id"] for g in got["list"]]
        assert got["page_info"]["total_number"] == 5 and got["page_info"]["total_page"] == 3
        if page == got["page_info"]["total_page"]:
            break
        page += 1
    assert sorted(seen) == sorted(g["adgroup_id"] for g in made)


def test_sdk_refusals_of_the_current_creative_model(client: Any) -> None:
    ads = sdk.AdApi(client)
    adgroup_id = _adgroup(client, _campaign(client, "SDK refusals"), "SDK refusals group")["adgroup_id"]
    tiktok_only = _adgroup(
        client,
        _campaign(client, "SDK TikTok placement"),
        "SDK TikTok group",
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_TIKTOK"],
    )["adgroup_id"]
    # A non-Spark Custom Identity ad on automatic placement.
    non_spark = sdk.SmartPlusAdCreateBodyCreativeList(
        creative_info=sdk.SmartPlusAdCreateBodyCreativeInfo(
            ad_format="SINGLE_VIDEO",
            video_info=sdk.SmartPlusAdCreateBodyCreativeInfoVideoInfo(video_id="v10000000000000001"),
            image_info=[sdk.SmartPlusAdCreateBodyCreativeInfoImageInfo(web_uri="i10000000000000001")],
        )
    )
    body = _ad_body(
        adgroup_id,
        "SDK non-Spark",
        [non_spark],
        ad_configuration=sdk.SmartPlusAdCreateBodyAdConfiguration(
            identity_type="CUSTOMIZED_USER", identity_id=ID_CUSTOM
        ),
        call_to_action_list=[sdk.SmartPlusAdCreateBodyCallToActionList(call_to_action="SHOP_NOW")],
    )
    with pytest.raises(
        TiktokSDKError, match=r"Error Code: 40002, message: ad_configuration\.identity_type: Custom Identity"
    ):
        ads.smart_plus_ad_create(TOKEN, body=body)
    # A single video without a cover.
    no_cover = _push_video(2)
    no_cover.creative_info.image_info = None
    with pytest.raises(
        TiktokSDKError,
        match=r"Error Code: 40002, message: creative_list\[0\]\.creative_info\.image_info: Required for a single video",
    ):
        ads.smart_plus_ad_create(TOKEN, body=_ad_body(adgroup_id, "SDK no cover", [no_cover]))
    # call_to_action_list on a Spark ad on TikTok placement.
    body = _ad_body(
        tiktok_only,
        "SDK CTA list",
        [_push_video(3)],
        ad_configuration=None,
        call_to_action_list=[sdk.SmartPlusAdCreateBodyCallToActionList(call_to_action="SHOP_NOW")],
    )
    with pytest.raises(
        TiktokSDKError, match=r"Error Code: 40002, message: call_to_action_list: Not supported"
    ):
        ads.smart_plus_ad_create(TOKEN, body=body)
    # Nothing was created.
    got = _ok(
        ads.smart_plus_ad_get(
            ADV, TOKEN, filtering=sdk.FilteringSmartPlusAdGet(adgroup_ids=[adgroup_id, tiktok_only])
        )
    )
    assert got["list"] == []


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
