"""The remaining rules, each with its code and message."""

from __future__ import annotations

from typing import Any

from reconciler.emulator import create_app

from .helpers import (
    ADV,
    BASE,
    ID_CUSTOM,
    ID_TT,
    MUSIC,
    NOW,
    PIXEL,
    PORTFOLIO,
    Api,
    ad_body,
    adgroup_body,
    assert_error,
    campaign_body,
    carousel_creative,
    non_spark_ad_body,
    non_spark_creative,
    pull_creative,
    video_creative,
)


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


# ---------------------------------------------------------------------- the current creative model
# One test per row of the creative-model table of smart-plus-current.md 3.1, each citing its doc.


def _store(api: Api) -> Any:
    return api.app.state.emulator.store


def _pangle_group(api: Api, placements: list[str] | None = None) -> str:
    campaign = api.campaign(campaign_name="pangle only")["campaign_id"]
    return str(
        api.adgroup(
            campaign,
            placement_type="PLACEMENT_TYPE_NORMAL",
            placements=placements or ["PLACEMENT_PANGLE"],
        )["adgroup_id"]
    )


def _group(api: Api) -> str:
    return str(api.adgroup(api.campaign()["campaign_id"])["adgroup_id"])


def _add_identity(api: Api, identity_id: str, identity_type: str, **fields: Any) -> None:
    identity = {
        "identity_id": identity_id,
        "identity_type": identity_type,
        "identity_authorized_bc_id": fields.pop("identity_authorized_bc_id", "0"),
        "display_name": "@other",
        "ads_only_mode": False,
        "is_gpppa": False,
        "can_pull_video": True,
        "can_push_video": True,
        "available_status": "AVAILABLE",
        **fields,
    }
    _store(api).put_assets("identity", ADV, [(identity_id, identity)])


def test_spark_pull_video_post(api: Api) -> None:
    # D:1843317390059522, D:1847839781968897: tiktok_item_id + a Spark identity in creative_info.
    group = _group(api)
    ad = api.ad(group, creative_list=[pull_creative(1), pull_creative(2)], ad_text_list=None)
    assert ad["creative_list"][0]["creative_info"]["tiktok_item_id"] == "7300000000000000001"
    assert "dark_post_status" not in ad["ad_configuration"]  # Push only
    # The post must belong to the identity.
    _add_identity(api, "7200000000000000099", "TT_USER")
    answer = api.post(
        "smart_plus/ad/create/", ad_body(group, creative_list=[pull_creative(1, "7200000000000000099")])
    )
    assert_error(
        answer,
        40002,
        "creative_list[0].creative_info.tiktok_item_id: TikTok post does not exist for identity "
        "7200000000000000099. tiktok_item_id 7300000000000000001.",
    )
    # No uploaded material with a pulled post (combinations appendix).
    body = pull_creative(1)
    body["creative_info"]["video_info"] = {"video_id": "v10000000000000001"}
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[body])),
        40002,
        "creative_list[0].creative_info.video_info: Not supported with tiktok_item_id (Spark Pull).",
    )
    # A pull needs an identity in creative_info.
    bare = {"creative_info": {"ad_format": "SINGLE_VIDEO", "tiktok_item_id": "7300000000000000001"}}
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[bare])),
        40002,
        "creative_list[0].creative_info.identity_type: value is required but missing",
    )
    # D:1740218420781057: Pull needs can_pull_video.
    _add_identity(api, "7200000000000000098", "TT_USER", can_pull_video=False)
    _store(api).put_tiktok_posts(
        ADV, [{"item_id": "7300000000000000098", "identity_id": "7200000000000000098", "item_type": "VIDEO"}]
    )
    answer = api.post(
        "smart_plus/ad/create/",
        ad_body(group, creative_list=[pull_creative(1, "7200000000000000098")]),
    )
    assert_error(
        answer,
        40002,
        "creative_list[0].creative_info.identity_id: Identity 7200000000000000098 cannot pull posts "
        "(can_pull_video is false).",
    )


def test_spark_pull_photo_post(api: Api) -> None:
    # D:1843317390059522 (music_info required) vs D:1847839781968897 (omit it): both accepted.
    group = _group(api)
    _store(api).put_tiktok_posts(
        ADV, [{"item_id": "7300000000000000050", "identity_id": ID_TT, "item_type": "CAROUSEL"}]
    )
    photo = {
        "creative_info": {
            "ad_format": "CAROUSEL_ADS",
            "tiktok_item_id": "7300000000000000050",
            "identity_type": "TT_USER",
            "identity_id": ID_TT,
        }
    }
    assert api.ad(group, creative_list=[photo])["creative_list"]
    with_music = {"creative_info": {**photo["creative_info"], "music_info": {"music_id": MUSIC}}}
    assert api.ad(group, creative_list=[with_music], ad_name="with music")["creative_list"]
    # A video post is not a photo post.
    wrong = {"creative_info": {**photo["creative_info"], "tiktok_item_id": "7300000000000000001"}}
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[wrong])),
        40002,
        "creative_list[0].creative_info.ad_format: Must be SINGLE_VIDEO for TikTok post 7300000000000000001 "
        "(a video post).",
    )


def test_spark_push_video_needs_a_cover(api: Api) -> None:
    # D:1843317390059522, D:1847839781968897: video_info + a cover image_info[0].web_uri.
    group = _group(api)
    ad = api.ad(group)
    info = ad["creative_list"][0]["creative_info"]
    assert info["image_info"] == [{"web_uri": "i10000000000000001"}]
    no_cover = video_creative(1)
    del no_cover["creative_info"]["image_info"]
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[no_cover])),
        40002,
        "creative_list[0].creative_info.image_info: Required for a single video: the cover image "
        "(image_info[0].web_uri).",
    )
    two = video_creative(1)
    two["creative_info"]["image_info"] = [
        {"web_uri": "i10000000000000001"},
        {"web_uri": "i10000000000000002"},
    ]
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[two])),
        40002,
        "creative_list[0].creative_info.image_info: A single video takes one cover image.",
    )
    # D:1739067433456642: the cover has the video's aspect ratio.
    _store(api).put_assets(
        "image",
        ADV,
        [("i20000000000000001", {"image_id": "i20000000000000001", "width": 640, "height": 640})],
    )
    square = video_creative(1)
    square["creative_info"]["image_info"] = [{"web_uri": "i20000000000000001"}]
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[square])),
        40002,
        "creative_list[0].creative_info.image_info[0].web_uri: The cover must have the aspect ratio of the "
        "video (720x1280); image i20000000000000001 is 640x640.",
    )
    # D:1847839781968897: AUTH_CODE is for Pull only; D:1740218420781057: Push needs can_push_video.
    _add_identity(api, "7200000000000000097", "AUTH_CODE")
    assert_error(
        api.post(
            "smart_plus/ad/create/",
            ad_body(group, creative_list=[video_creative(1, "7200000000000000097", "AUTH_CODE")]),
        ),
        40002,
        "creative_list[0].creative_info.identity_type: AUTH_CODE only supports Spark Pull (tiktok_item_id).",
    )
    _add_identity(api, "7200000000000000096", "TT_USER", can_push_video=False)
    assert_error(
        api.post(
            "smart_plus/ad/create/", ad_body(group, creative_list=[video_creative(1, "7200000000000000096")])
        ),
        40002,
        "creative_list[0].creative_info.identity_id: Identity 7200000000000000096 cannot push material "
        "(can_push_video is false).",
    )
    # BC_AUTH_TT: the identity must exist under that business center.
    _add_identity(api, "7200000000000000095", "BC_AUTH_TT", identity_authorized_bc_id="7600000000000000001")
    bc = video_creative(2, "7200000000000000095", "BC_AUTH_TT")
    bc["creative_info"]["identity_authorized_bc_id"] = "7600000000000000001"
    assert api.ad(group, creative_list=[bc], ad_name="bc")["creative_list"]
    bc["creative_info"]["identity_authorized_bc_id"] = "7600000000000000002"
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[bc])),
        40002,
        "creative_list[0].creative_info.identity_id: Identity does not exist. identity_id 7200000000000000095 "
        "(BC_AUTH_TT).",
    )


def test_spark_push_carousel(api: Api) -> None:
    # D:1843317390059522: image_info 1-35 carousel-usable web_uri + music_info.music_id.
    group = _group(api)
    ad = api.ad(group, creative_list=[carousel_creative(1)])
    assert ad["creative_list"][0]["creative_info"]["music_info"] == {"music_id": MUSIC}
    _store(api).put_assets(
        "image",
        ADV,
        [("i20000000000000002", {"image_id": "i20000000000000002", "is_carousel_usable": False})],
    )
    carousel = carousel_creative(2)
    carousel["creative_info"]["image_info"][1] = {"web_uri": "i20000000000000002"}
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[carousel])),
        40002,
        "creative_list[0].creative_info.image_info[1].web_uri: Image i20000000000000002 cannot be used in a "
        "carousel (is_carousel_usable is false).",
    )


def test_non_spark_only_through_ad_configuration_off_tiktok(api: Api) -> None:
    # D:1843317390059522 note, D:1848048566169730: CUSTOMIZED_USER in ad_configuration, only for ad
    # groups on Pangle and/or Global App Bundle; closed on automatic and TikTok placements for all accounts.
    pangle = _pangle_group(api)
    ad = api.ok(api.post("smart_plus/ad/create/", non_spark_ad_body(pangle)))
    assert ad["ad_configuration"]["identity_type"] == "CUSTOMIZED_USER"
    assert ad["call_to_action_list"] == [{"call_to_action": "SHOP_NOW"}]
    gab = _pangle_group(api, ["PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE"])
    assert api.post("smart_plus/ad/create/", non_spark_ad_body(gab))["code"] == 0
    closed = (
        "Custom Identity (CUSTOMIZED_USER) ads are no longer supported on automatic placement or on "
        "placements that include TikTok; use a Spark identity (TT_USER, BC_AUTH_TT or AUTH_CODE) in "
        "creative_info, or deliver the ad group to Pangle and/or Global App Bundle only."
    )
    for group in (_group(api), _pangle_group(api, ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"])):
        answer = api.post("smart_plus/ad/create/", non_spark_ad_body(group))
        assert_error(answer, 40002, f"ad_configuration.identity_type: {closed}")
        # The older form, the Custom Identity in creative_info, is closed there too.
        legacy = ad_body(group, creative_list=[video_creative(1, ID_CUSTOM, "CUSTOMIZED_USER")])
        assert_error(
            api.post("smart_plus/ad/create/", legacy),
            40002,
            f"creative_list[0].creative_info.identity_type: {closed}",
        )
    legacy = non_spark_ad_body(
        pangle, ad_configuration=None, creative_list=[video_creative(1, ID_CUSTOM, "CUSTOMIZED_USER")]
    )
    assert_error(
        api.post("smart_plus/ad/create/", legacy),
        40002,
        "creative_list[0].creative_info.identity_type: CUSTOMIZED_USER is not a Spark identity: a non-Spark "
        "identity goes in ad_configuration.identity_type and ad_configuration.identity_id.",
    )
    # A non-Spark single video needs its cover too (D:1847839781968897).
    no_cover = non_spark_creative(1)
    del no_cover["creative_info"]["image_info"]
    assert_error(
        api.post("smart_plus/ad/create/", non_spark_ad_body(pangle, creative_list=[no_cover])),
        40002,
        "creative_list[0].creative_info.image_info: Required for a single video: the cover image "
        "(image_info[0].web_uri).",
    )
    # aigc_disclosure_type only with the CUSTOMIZED_USER identity (D:1843317390059522).
    aigc = non_spark_creative(2)
    aigc["creative_info"]["aigc_disclosure_type"] = "SELF_DISCLOSURE"
    assert api.post("smart_plus/ad/create/", non_spark_ad_body(pangle, creative_list=[aigc]))["code"] == 0
    spark = video_creative(2)
    spark["creative_info"]["aigc_disclosure_type"] = "SELF_DISCLOSURE"
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(_group(api), creative_list=[spark])),
        40002,
        "creative_list[0].creative_info.aigc_disclosure_type: Only supported when "
        "ad_configuration.identity_type is CUSTOMIZED_USER.",
    )


def test_catalog_carousel_needs_a_catalog_campaign(api: Api) -> None:
    # D:1843317390059522: CATALOG_CAROUSEL is for catalog campaigns only.
    group = _group(api)
    creative = {"creative_info": {"ad_format": "CATALOG_CAROUSEL", "music_info": {"music_id": MUSIC}}}
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, creative_list=[creative])),
        40002,
        "creative_list[0].creative_info.ad_format: CATALOG_CAROUSEL is only supported for catalog campaigns.",
    )


def test_existing_custom_identity_ads_stay_editable(api: Api) -> None:
    # D:1848048566169730: existing Custom Identity ads stay and can still be edited. This one predates
    # the rules: Custom Identity in creative_info on automatic placement, a video without a cover.
    from reconciler.emulator import objects

    store = _store(api)
    group = api.adgroup(api.campaign()["campaign_id"])
    ad_id = store.next_id("ad")
    now = store.now_str()
    old_creative = video_creative(1, ID_CUSTOM, "CUSTOMIZED_USER")
    del old_creative["creative_info"]["image_info"]
    legacy = objects.build_ad(
        ad_body(
            group["adgroup_id"],
            creative_list=[old_creative],
            ad_configuration=None,
            call_to_action_list=[{"call_to_action": "SHOP_NOW"}],
        ),
        ad_id,
        group,
        [store.next_id("material")],
        now,
    )
    store.insert_objects([objects.row("ad", legacy, now)])

    def update(**fields: Any) -> dict[str, Any]:
        return api.post("smart_plus/ad/update/", {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, **fields})

    assert api.ok(update(ad_text_list=[{"ad_text": "New text"}]))["ad_text_list"] == [{"ad_text": "New text"}]
    # Its unchanged creative is not checked again; a new creative is, under today's rules.
    updated = api.ok(update(creative_list=[old_creative, video_creative(2, ID_CUSTOM, "CUSTOMIZED_USER")]))
    assert updated["creative_list"][0]["ad_material_id"] == legacy["creative_list"][0]["ad_material_id"]
    new_without_cover = video_creative(3, ID_CUSTOM, "CUSTOMIZED_USER")
    del new_without_cover["creative_info"]["image_info"]
    assert_error(
        update(creative_list=[old_creative, new_without_cover]),
        40002,
        "creative_list[1].creative_info.image_info: Required for a single video: the cover image "
        "(image_info[0].web_uri).",
    )
    # A Spark creative cannot join it (one kind per campaign).
    answer = update(creative_list=[old_creative, video_creative(4)])
    assert answer["code"] == 40002 and "cannot be mixed in one campaign" in answer["message"]


def test_dynamic_cta_for_spark_on_tiktok(api: Api) -> None:
    # D:1843317390059522, D:1847302878676994: call_to_action_id required for web Spark ads on TikTok or
    # automatic placement; D:1739091950439426: it is a CTA portfolio of the advertiser.
    group = _group(api)
    assert_error(
        api.post("smart_plus/ad/create/", ad_body(group, ad_configuration=None)),
        40002,
        "ad_configuration.call_to_action_id: Required for Spark ads on TikTok or automatic placement: a CTA "
        "portfolio id (/creative/cta/recommend/, then /creative/portfolio/create/).",
    )
    assert_error(
        api.post(
            "smart_plus/ad/create/",
            ad_body(group, ad_configuration={"call_to_action_id": "7400000000000000009"}),
        ),
        40002,
        "ad_configuration.call_to_action_id: CTA portfolio does not exist. creative_portfolio_id 7400000000000000009.",
    )
    # Off TikTok a Spark ad may use a standard CTA list.
    pangle = _pangle_group(api)
    ad = api.ad(pangle, ad_configuration=None, call_to_action_list=[{"call_to_action": "SHOP_NOW"}])
    assert ad["call_to_action_list"] == [{"call_to_action": "SHOP_NOW"}]


def test_dark_post_status(api: Api) -> None:
    # D:1848048566169730: default ON since 2026-01-27; D:1843317390059522: Spark Push only, OFF refused
    # in ads-only mode (identity, D:1740218420781057, or account).
    group = _group(api)
    assert api.ad(group)["ad_configuration"]["dark_post_status"] == "ON"
    off = api.ad(
        group, ad_name="off", ad_configuration={"call_to_action_id": PORTFOLIO, "dark_post_status": "OFF"}
    )
    assert off["ad_configuration"]["dark_post_status"] == "OFF"
    assert_error(
        api.post(
            "smart_plus/ad/create/",
            ad_body(
                group,
                creative_list=[pull_creative(1)],
                ad_configuration={"call_to_action_id": PORTFOLIO, "dark_post_status": "ON"},
            ),
        ),
        40002,
        "ad_configuration.dark_post_status: Only supported for Spark Push creatives.",
    )
    _add_identity(api, "7200000000000000094", "TT_USER", ads_only_mode=True)
    body = ad_body(
        group,
        creative_list=[video_creative(1, "7200000000000000094")],
        ad_configuration={"call_to_action_id": PORTFOLIO, "dark_post_status": "OFF"},
    )
    assert_error(
        api.post("smart_plus/ad/create/", body),
        40002,
        "ad_configuration.dark_post_status: OFF is not supported: identity 7200000000000000094 is in "
        "ads-only mode.",
    )
    store = _store(api)
    advertiser = store.advertiser(ADV)
    store.put_advertiser({**advertiser, "ads_only_mode": True})
    answer = api.post(
        "smart_plus/ad/create/",
        ad_body(group, ad_configuration={"call_to_action_id": PORTFOLIO, "dark_post_status": "OFF"}),
    )
    assert_error(
        answer,
        40002,
        f"ad_configuration.dark_post_status: OFF is not supported: advertiser {ADV} is in mandatory ads-only mode.",
    )
    # Before 2026-01-27 the default was OFF.
    early = Api(create_app(now="2026-01-20 00:00:00"))
    campaign = early.campaign()["campaign_id"]
    early_group = early.adgroup(campaign, schedule_start_time="2026-01-21 00:00:00")["adgroup_id"]
    assert early.ad(early_group)["ad_configuration"]["dark_post_status"] == "OFF"


# ---------------------------------------------------------------------- ad group rules (D:1843314887930946)


def test_location_ids_required(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(campaign, targeting_spec={"spc_audience_age": "OVER_EIGHTEEN"}),
    )
    assert_error(answer, 40002, "targeting_spec.location_ids: value is required but missing")
    group = api.adgroup(campaign)["adgroup_id"]
    answer = api.post(
        "smart_plus/adgroup/update/",
        {"advertiser_id": ADV, "adgroup_id": group, "targeting_spec": {"location_ids": []}},
    )
    assert_error(answer, 40002, "targeting_spec.location_ids: value is required but missing")


def test_bid_type_required_and_uniform_with_or_without_cbo(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    answer = api.post("smart_plus/adgroup/create/", adgroup_body(campaign, bid_type=None))
    assert_error(answer, 40002, "bid_type: value is required but missing")
    first = api.adgroup(campaign)["adgroup_id"]
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(campaign, adgroup_name="b", bid_type="BID_TYPE_CUSTOM", conversion_bid_price=10),
    )
    assert_error(
        answer,
        40002,
        "bid_type: Must be the same for all ad groups of a campaign with budget_optimize_on true; "
        f"ad group {first} has 'BID_TYPE_NO_BID'.",
    )
    nocbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    daily = {"budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "budget": 50}
    first = api.adgroup(nocbo, **daily)["adgroup_id"]
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(nocbo, adgroup_name="b", bid_type="BID_TYPE_CUSTOM", conversion_bid_price=10, **daily),
    )
    assert_error(
        answer,
        40002,
        "bid_type: Must be the same for all ad groups of a campaign with budget_optimize_on false; "
        f"ad group {first} has 'BID_TYPE_NO_BID'.",
    )


def test_adgroup_budget_modes(api: Api) -> None:
    # Only DYNAMIC_DAILY and TOTAL; with CBO on the answer shows INFINITE / 0 (smart-plus-current.md 0.4).
    nocbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/", adgroup_body(nocbo, budget_mode="BUDGET_MODE_INFINITE", budget=50)
    )
    assert_error(
        answer, 40002, "budget_mode: Must be one of: BUDGET_MODE_DYNAMIC_DAILY_BUDGET, BUDGET_MODE_TOTAL."
    )
    cbo_group = api.adgroup(api.campaign()["campaign_id"])
    assert (cbo_group["budget_mode"], cbo_group["budget"]) == ("BUDGET_MODE_INFINITE", 0)
    # Under a CBO-off campaign with BUDGET_MODE_DAY only DYNAMIC_DAILY.
    day = api.campaign(budget_optimize_on=False, budget_mode="BUDGET_MODE_DAY", budget=100)["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(
            day,
            budget_mode="BUDGET_MODE_TOTAL",
            budget=1000,
            schedule_type="SCHEDULE_START_END",
            schedule_end_time="2026-12-11 00:00:00",
        ),
    )
    assert_error(
        answer,
        40002,
        "budget_mode: Must be BUDGET_MODE_DYNAMIC_DAILY_BUDGET when the campaign budget_mode is BUDGET_MODE_DAY.",
    )


def test_bid_below_budget(api: Api) -> None:
    nocbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    custom = {"bid_type": "BID_TYPE_CUSTOM", "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "budget": 30}
    answer = api.post("smart_plus/adgroup/create/", adgroup_body(nocbo, conversion_bid_price=30, **custom))
    assert_error(answer, 40002, "conversion_bid_price: Must be lower than the ad group budget (30).")
    group = api.adgroup(nocbo, conversion_bid_price=29.5, **custom)["adgroup_id"]
    answer = api.post("smart_plus/adgroup/update/", {"advertiser_id": ADV, "adgroup_id": group, "budget": 29})
    assert_error(answer, 40002, "conversion_bid_price: Must be lower than the ad group budget (29).")
    cbo = api.campaign(budget=100)["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/", adgroup_body(cbo, bid_type="BID_TYPE_CUSTOM", conversion_bid_price=100)
    )
    assert_error(answer, 40002, "conversion_bid_price: Must be lower than the campaign budget (100).")
    api.adgroup(cbo, bid_type="BID_TYPE_CUSTOM", conversion_bid_price=60)
    answer = api.post("smart_plus/campaign/update/", {"advertiser_id": ADV, "campaign_id": cbo, "budget": 60})
    assert answer["code"] == 40002
    assert answer["message"].startswith("budget: Must be higher than the bids of the campaign's ad groups")


def test_one_operating_system(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    spec = {"location_ids": ["6252001"], "operating_systems": ["ANDROID", "IOS"]}
    answer = api.post("smart_plus/adgroup/create/", adgroup_body(campaign, targeting_spec=spec))
    assert_error(answer, 40002, "targeting_spec.operating_systems: Must contain at most 1 items.")


def test_attribution_windows_in_pairs_and_immutable(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/", adgroup_body(campaign, click_attribution_window="ONE_DAY")
    )
    assert_error(
        answer,
        40002,
        "view_attribution_window: Required: click_attribution_window and view_attribution_window are set together.",
    )
    answer = api.post("smart_plus/adgroup/create/", adgroup_body(campaign, view_attribution_window="ONE_DAY"))
    assert_error(
        answer,
        40002,
        "click_attribution_window: Required: click_attribution_window and view_attribution_window are set together.",
    )
    answer = api.post(
        "smart_plus/adgroup/create/", adgroup_body(campaign, engaged_view_attribution_window="ONE_DAY")
    )
    assert_error(
        answer,
        40002,
        "engaged_view_attribution_window: Only supported together with click_attribution_window and "
        "view_attribution_window.",
    )
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(
            campaign, click_attribution_window="SEVEN_DAYS", view_attribution_window="FOURTEEN_DAYS"
        ),
    )
    assert_error(answer, 40002, "view_attribution_window: Must be one of: OFF, ONE_DAY, SEVEN_DAYS.")
    group = api.adgroup(
        campaign,
        click_attribution_window="ONE_DAY",
        view_attribution_window="OFF",
        engaged_view_attribution_window="SEVEN_DAYS",
    )
    assert (group["click_attribution_window"], group["view_attribution_window"]) == ("ONE_DAY", "OFF")
    answer = api.post(
        "smart_plus/adgroup/update/",
        {"advertiser_id": ADV, "adgroup_id": group["adgroup_id"], "click_attribution_window": "SEVEN_DAYS"},
    )
    assert_error(answer, 40002, "click_attribution_window: This field cannot be updated.")


def test_sales_destination_required_and_immutable(api: Api) -> None:
    # D:1843312852800706.
    answer = api.post("smart_plus/campaign/create/", campaign_body(sales_destination=None))
    assert_error(answer, 40002, "sales_destination: value is required but missing")
    campaign = api.campaign()["campaign_id"]
    answer = api.post(
        "smart_plus/campaign/update/",
        {"advertiser_id": ADV, "campaign_id": campaign, "sales_destination": "WEBSITE"},
    )
    assert_error(answer, 40002, "sales_destination: This field cannot be updated.")


def test_names_without_emoji(api: Api) -> None:
    # D:1843312852800706, D:1843314887930946, D:1843317390059522: names without emoji.
    answer = api.post("smart_plus/campaign/create/", campaign_body(campaign_name="Sale \U0001f525"))
    assert_error(answer, 40002, "campaign_name: Must not contain emoji.")
    campaign = api.campaign()["campaign_id"]
    answer = api.post("smart_plus/adgroup/create/", adgroup_body(campaign, adgroup_name="US \u2600"))
    assert_error(answer, 40002, "adgroup_name: Must not contain emoji.")
    group = api.adgroup(campaign)["adgroup_id"]
    answer = api.post("smart_plus/ad/create/", ad_body(group, ad_name="Ad \U0001f600"))
    assert_error(answer, 40002, "ad_name: Must not contain emoji.")
    assert api.campaign(campaign_name="Brand\u2122 Caf\u00e9 - 50% off!")["campaign_name"].startswith("Brand")
    # A CJK character counts 2 in a campaign name (D:1843312852800706).
    assert api.campaign(campaign_name="\u6625" * 256)["campaign_id"]
    answer = api.post("smart_plus/campaign/create/", campaign_body(campaign_name="\u6625" * 257))
    assert_error(answer, 40002, "campaign_name: Length must be between 1 and 512 (a CJK character counts 2).")


def test_budgets_to_the_currency_precision(api: Api) -> None:
    # api-behavior.md 4 (D:1737585839634433): USD 2 decimals, JPY integers.
    answer = api.post("smart_plus/campaign/create/", campaign_body(budget=500.005))
    assert_error(answer, 40002, "budget: Must have at most 2 decimal places for currency USD.")
    assert api.campaign(budget=500.25)["budget"] == 500.25
    nocbo = api.campaign(budget_optimize_on=False, budget_mode=None, budget=None)["campaign_id"]
    answer = api.post(
        "smart_plus/adgroup/create/",
        adgroup_body(nocbo, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=30.123),
    )
    assert_error(answer, 40002, "budget: Must have at most 2 decimal places for currency USD.")
    store = _store(api)
    store.put_advertiser({**store.advertiser(ADV), "currency": "JPY"})
    answer = api.post("smart_plus/campaign/create/", campaign_body(budget=5000.5))
    assert_error(answer, 40002, "budget: Must be a whole number for currency JPY.")


def test_targeting_fields_outside_the_mode_are_ignored(api: Api) -> None:
    # D:1843314887930946, D:1847839827327106: fields that do not fit the mode are silently ignored.
    campaign = api.campaign()["campaign_id"]
    spec = {
        "location_ids": ["6252001"],
        "languages": ["en"],
        "gender": "GENDER_FEMALE",
        "interest_category_ids": ["1"],
        "household_income": ["TOP5"],
    }
    auto = api.adgroup(campaign, adgroup_name="auto", targeting_spec=spec)
    assert auto["targeting_spec"]["languages"] == ["en"]
    assert auto["targeting_spec"]["gender"] == "GENDER_UNLIMITED"  # TikTok's default, not the ignored value
    assert "interest_category_ids" not in auto["targeting_spec"]
    assert "household_income" not in auto["targeting_spec"]
    suggested = api.adgroup(
        campaign, adgroup_name="suggest", suggestion_audience_enabled=True, targeting_spec=spec
    )
    assert suggested["targeting_spec"]["gender"] == "GENDER_FEMALE"
    assert suggested["targeting_spec"]["interest_category_ids"] == ["1"]
    assert "household_income" not in suggested["targeting_spec"]
    manual = api.adgroup(
        campaign, adgroup_name="manual", targeting_optimization_mode="MANUAL", targeting_spec=spec
    )
    assert manual["targeting_spec"]["household_income"] == ["TOP5"]
    # Read back: what was ignored is not stored.
    got = api.ok(
        api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"adgroup_ids": [auto["adgroup_id"]]})
    )
    assert "household_income" not in got["list"][0]["targeting_spec"]
    # A mode change on update re-reads the spec in the new mode.
    updated = api.ok(
        api.post(
            "smart_plus/adgroup/update/",
            {
                "advertiser_id": ADV,
                "adgroup_id": manual["adgroup_id"],
                "targeting_optimization_mode": "AUTOMATIC",
            },
        )
    )
    assert "household_income" not in updated["targeting_spec"]
