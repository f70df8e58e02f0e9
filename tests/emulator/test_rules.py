"""Every validation rule answers 40002 (or the code noted) with its exact `<json.path>: <reason>`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from .helpers import (
    ADV,
    ID_CUSTOM,
    ID_TT,
    PIXEL,
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

WEB_GOALS = "CONVERT, VALUE, CLICK, TRAFFIC_LANDING_PAGE_VIEW"


@dataclass
class World:
    api: Api
    cbo: str  # CBO campaign (DYNAMIC_DAILY 500) with one ad group `group`
    group: str
    nocbo: str  # CBO-off campaign, no ad groups
    total: str  # CBO campaign with BUDGET_MODE_TOTAL
    pangle: str  # ad group on Pangle only (own campaign), where non-Spark ads are allowed


@pytest.fixture
def world(api: Api) -> World:
    cbo = api.campaign(campaign_name="cbo")["campaign_id"]
    group = api.adgroup(cbo)["adgroup_id"]
    nocbo = api.campaign(campaign_name="nocbo", budget_optimize_on=False, budget_mode=None, budget=None)[
        "campaign_id"
    ]
    total = api.campaign(campaign_name="total", budget_mode="BUDGET_MODE_TOTAL", budget=5000)["campaign_id"]
    pangle = api.adgroup(
        api.campaign(campaign_name="pangle")["campaign_id"],
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_PANGLE"],
    )["adgroup_id"]
    return World(api, cbo, group, nocbo, total, pangle)


Case = tuple[str, Callable[[World], dict[str, Any]], str | Callable[[World], str]]

CAMPAIGN_CASES: list[Case] = [
    (
        "campaign_name missing",
        lambda w: campaign_body(campaign_name=None),
        "campaign_name: value is required but missing",
    ),
    (
        "campaign_name empty",
        lambda w: campaign_body(campaign_name=""),
        "campaign_name: Length must be between 1 and 512 (a CJK character counts 2).",
    ),
    (
        "campaign_name 513",
        lambda w: campaign_body(campaign_name="x" * 513),
        "campaign_name: Length must be between 1 and 512 (a CJK character counts 2).",
    ),
    ("campaign_name type", lambda w: campaign_body(campaign_name=5), "campaign_name: Not a valid string"),
    (
        "objective",
        lambda w: campaign_body(objective_type="REACH"),
        "objective_type: Must be one of: APP_PROMOTION, LEAD_GENERATION, WEB_CONVERSIONS.",
    ),
    (
        "objective missing",
        lambda w: campaign_body(objective_type=None),
        "objective_type: value is required but missing",
    ),
    (
        "budget 49",
        lambda w: campaign_body(budget=49),
        "budget: Campaign budget must be at least 50 and below 10000000.",
    ),
    ("budget missing", lambda w: campaign_body(budget=None), "budget: value is required but missing"),
    ("budget type", lambda w: campaign_body(budget="500"), "budget: Not a valid number."),
    (
        "cbo type",
        lambda w: campaign_body(budget_optimize_on="yes"),
        "budget_optimize_on: Not a valid boolean.",
    ),
    (
        "budget_mode with cbo",
        lambda w: campaign_body(budget_mode="BUDGET_MODE_DAY"),
        "budget_mode: Must be one of: BUDGET_MODE_DYNAMIC_DAILY_BUDGET, BUDGET_MODE_TOTAL when budget_optimize_on is true.",
    ),
    (
        "budget_mode without cbo",
        lambda w: campaign_body(budget_optimize_on=False, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET"),
        "budget_mode: Must be one of: BUDGET_MODE_INFINITE, BUDGET_MODE_DAY, BUDGET_MODE_TOTAL when budget_optimize_on is false.",
    ),
    ("unknown key", lambda w: campaign_body(foo=1), "foo: Unknown field."),
    (
        "sales destination",
        lambda w: campaign_body(sales_destination="APP"),
        "sales_destination: Must be WEBSITE for objective_type WEB_CONVERSIONS.",
    ),
    (
        "status",
        lambda w: campaign_body(operation_status="FROZEN"),
        "operation_status: Must be one of: ENABLE, DISABLE.",
    ),
    (
        "advertiser id",
        lambda w: campaign_body(advertiser_id="abc"),
        "advertiser_id: Not a valid ID. IDs are strings of a 64-bit integer.",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), CAMPAIGN_CASES, ids=[c[0] for c in CAMPAIGN_CASES])
def test_campaign_create_rules(
    world: World, name: str, make: Callable[[World], dict[str, Any]], message: str
) -> None:
    assert_error(world.api.post("smart_plus/campaign/create/", make(world)), 40002, message)


def test_campaign_budget_minimum_is_inclusive(api: Api) -> None:
    assert api.campaign(budget=50)["budget"] == 50


def test_campaign_update_rules(world: World) -> None:
    api = world.api

    def update(**fields: Any) -> dict[str, Any]:
        return api.post(
            "smart_plus/campaign/update/", {"advertiser_id": ADV, "campaign_id": world.cbo, **fields}
        )

    assert_error(update(budget_mode="BUDGET_MODE_TOTAL"), 40002, "budget_mode: This field cannot be updated.")
    assert_error(update(foo=1), 40002, "foo: Unknown field.")
    assert_error(update(budget=40), 40002, "budget: Campaign budget must be at least 50 and below 10000000.")
    assert_error(
        update(campaign_name=""),
        40002,
        "campaign_name: Length must be between 1 and 512 (a CJK character counts 2).",
    )
    answer = api.post(
        "smart_plus/campaign/update/", {"advertiser_id": ADV, "campaign_id": "123", "budget": 100}
    )
    assert_error(answer, 40002, "campaign_id: Campaign does not exist. campaign_id 123.")
    answer = update(budget=100)
    assert answer["code"] == 0
    assert api.admin("spend", {"campaign_id": world.cbo, "today": 500})["ok"] is True
    assert_error(
        update(budget=520), 40002, "budget: The new budget must be at least 105% of today's spend (525)."
    )
    assert update(budget=525)["code"] == 0
    # Spend is per day: tomorrow the rule no longer bites.
    api.admin("clock", {"advance_days": 1})
    assert update(budget=60)["code"] == 0


def _g(w: World, campaign: str | None = None, **kw: Any) -> dict[str, Any]:
    kw.setdefault("adgroup_name", "another")
    return adgroup_body(campaign or w.cbo, **kw)


ADGROUP_CASES: list[Case] = [
    (
        "targeting missing",
        lambda w: _g(w, targeting_spec=None),
        "targeting_spec: value is required but missing",
    ),
    (
        "goal",
        lambda w: _g(w, optimization_goal="INSTALL"),
        f"optimization_goal: Must be one of: {WEB_GOALS} for WEB_CONVERSIONS.",
    ),
    (
        "goal enum",
        lambda w: _g(w, optimization_goal="X"),
        "optimization_goal: Must be one of: CLICK, INSTALL, IN_APP_EVENT, VALUE, CONVERT, TRAFFIC_LANDING_PAGE_VIEW, CONVERSATION, LEAD_GENERATION.",
    ),
    (
        "promotion",
        lambda w: _g(w, promotion_type="APP_ANDROID"),
        "promotion_type: Must be WEBSITE for objective_type WEB_CONVERSIONS.",
    ),
    (
        "billing convert",
        lambda w: _g(w, billing_event="CPC"),
        "billing_event: Must be OCPM when optimization_goal is CONVERT.",
    ),
    (
        "billing click",
        lambda w: _g(
            w,
            w.nocbo,
            optimization_goal="CLICK",
            pixel_id=None,
            optimization_event=None,
            budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
            budget=30,
        ),
        "billing_event: Must be CPC when optimization_goal is CLICK.",
    ),
    (
        "billing enum",
        lambda w: _g(w, billing_event="FREE"),
        "billing_event: Must be one of: CPA, CPC, CPM, CPV, GD, OCPM.",
    ),
    ("pixel missing", lambda w: _g(w, pixel_id=None), "pixel_id: value is required but missing"),
    (
        "pixel unknown",
        lambda w: _g(w, pixel_id="7100000000000000009"),
        "pixel_id: Pixel does not exist. pixel_id 7100000000000000009.",
    ),
    (
        "pixel with click",
        lambda w: _g(
            w,
            w.nocbo,
            optimization_goal="CLICK",
            billing_event="CPC",
            budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
            budget=30,
        ),
        "pixel_id: Not supported when optimization_goal is CLICK.",
    ),
    (
        "event missing",
        lambda w: _g(w, optimization_event=None),
        "optimization_event: value is required but missing",
    ),
    (
        "event deprecated",
        lambda w: _g(w, optimization_event="ON_WEB_ORDER"),
        "optimization_event: Must be one of: SHOPPING, INITIATE_ORDER, ON_WEB_CART, ON_WEB_DETAIL, ON_WEB_REGISTER, FORM, ADD_BILLING, ON_WEB_SEARCH, ON_WEB_SUBSCRIBE, ON_WEB_ADD_TO_WISHLIST, CONSULT, DOWNLOAD_START.",
    ),
    (
        "value needs shopping",
        lambda w: _g(w, w.total, optimization_goal="VALUE", optimization_event="FORM"),
        "optimization_event: Must be SHOPPING when optimization_goal is VALUE.",
    ),
    ("cbo budget", lambda w: _g(w, budget=30), "budget: Not supported when budget_optimize_on is true."),
    (
        "cbo budget_mode",
        lambda w: _g(w, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET"),
        "budget_mode: Not supported when budget_optimize_on is true.",
    ),
    (
        "nocbo budget_mode missing",
        lambda w: _g(w, w.nocbo, budget=30),
        "budget_mode: value is required but missing",
    ),
    (
        "nocbo budget_mode day",
        lambda w: _g(w, w.nocbo, budget_mode="BUDGET_MODE_DAY", budget=30),
        "budget_mode: Must be one of: BUDGET_MODE_DYNAMIC_DAILY_BUDGET, BUDGET_MODE_TOTAL.",
    ),
    (
        "nocbo budget missing",
        lambda w: _g(w, w.nocbo, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET"),
        "budget: value is required but missing",
    ),
    (
        "nocbo budget 19",
        lambda w: _g(w, w.nocbo, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=19),
        "budget: Ad group budget must be at least 20 and below 10000000.",
    ),
    (
        "nocbo lifetime budget per day",
        lambda w: _g(
            w,
            w.nocbo,
            budget_mode="BUDGET_MODE_TOTAL",
            budget=100,
            schedule_type="SCHEDULE_START_END",
            schedule_end_time="2026-12-11 00:00:00",
        ),
        "budget: Ad group budget must be at least 200 and below 10000000.",
    ),
    (
        "cost cap with lifetime budget",
        lambda w: _g(
            w,
            w.total,
            bid_type="BID_TYPE_CUSTOM",
            conversion_bid_price=10,
            schedule_type="SCHEDULE_START_END",
            schedule_end_time="2026-12-11 00:00:00",
        ),
        "bid_type: BID_TYPE_CUSTOM is only supported with a daily budget.",
    ),
    (
        "min roas with lifetime budget",
        lambda w: _g(
            w,
            w.total,
            deep_bid_type="VO_MIN_ROAS",
            schedule_type="SCHEDULE_START_END",
            schedule_end_time="2026-12-11 00:00:00",
        ),
        "deep_bid_type: VO_MIN_ROAS is only supported with a daily budget.",
    ),
    (
        "from now with lifetime",
        lambda w: _g(w, w.total),
        "schedule_type: SCHEDULE_FROM_NOW requires a campaign budget_mode of BUDGET_MODE_DYNAMIC_DAILY_BUDGET.",
    ),
    (
        "from now with end",
        lambda w: _g(w, schedule_end_time="2026-12-11 00:00:00"),
        "schedule_end_time: Must be omitted when schedule_type is SCHEDULE_FROM_NOW.",
    ),
    (
        "start end without end",
        lambda w: _g(w, schedule_type="SCHEDULE_START_END"),
        "schedule_end_time: value is required but missing",
    ),
    (
        "end before start",
        lambda w: _g(w, schedule_type="SCHEDULE_START_END", schedule_end_time="2026-11-30 00:00:00"),
        "schedule_end_time: Must be later than schedule_start_time.",
    ),
    (
        "end after 2038",
        lambda w: _g(w, schedule_type="SCHEDULE_START_END", schedule_end_time="2038-01-02 00:00:00"),
        "schedule_end_time: Must not be later than 2038-01-01 00:00:00.",
    ),
    (
        "start in the past",
        lambda w: _g(w, schedule_start_time="2026-11-28 11:59:59"),
        "schedule_start_time: Must not be more than 12 hours in the past.",
    ),
    (
        "start after 2028",
        lambda w: _g(w, schedule_start_time="2028-01-01 00:00:00"),
        "schedule_start_time: Must be earlier than 2028-01-01 00:00:00.",
    ),
    (
        "start iso",
        lambda w: _g(w, schedule_start_time="2026-12-01T00:00:00Z"),
        "schedule_start_time: Not a valid datetime. Use the format YYYY-MM-DD HH:MM:SS (UTC).",
    ),
    (
        "schedule type",
        lambda w: _g(w, schedule_type="SCHEDULE_ALWAYS"),
        "schedule_type: Must be one of: SCHEDULE_FROM_NOW, SCHEDULE_START_END.",
    ),
    (
        "age 13",
        lambda w: _g(
            w,
            targeting_optimization_mode="MANUAL",
            targeting_spec={"location_ids": ["6252001"], "age_groups": ["AGE_13_17"]},
        ),
        "targeting_spec.age_groups: AGE_13_17 is only supported for app promotion.",
    ),
    (
        "gender",
        lambda w: _g(w, targeting_spec={"gender": "X"}),
        "targeting_spec.gender: Must be one of: GENDER_UNLIMITED, GENDER_MALE, GENDER_FEMALE.",
    ),
    (
        "spc age",
        lambda w: _g(w, targeting_spec={"spc_audience_age": "ALL"}),
        "targeting_spec.spc_audience_age: Must be one of: OVER_EIGHTEEN, OVER_TWENTY_FIVE.",
    ),
    (
        "locations type",
        lambda w: _g(w, targeting_spec={"location_ids": "6252001"}),
        "targeting_spec.location_ids: Field must be set to array",
    ),
    (
        "placement",
        lambda w: _g(w, placement_type="PLACEMENT_TYPE_NORMAL", placements=["PLACEMENT_HELO"]),
        "placements[0]: Must be one of: PLACEMENT_TIKTOK, PLACEMENT_PANGLE, PLACEMENT_GLOBAL_APP_BUNDLE.",
    ),
    (
        "normal without placements",
        lambda w: _g(w, placement_type="PLACEMENT_TYPE_NORMAL"),
        "placements: Required when placement_type is PLACEMENT_TYPE_NORMAL.",
    ),
    (
        "dayparting",
        lambda w: _g(w, dayparting="1" * 335),
        "dayparting: Must be a string of 336 characters, each 0 or 1.",
    ),
    ("campaign unknown", lambda w: _g(w, "123"), "campaign_id: Campaign does not exist. campaign_id 123."),
    (
        "min budget",
        lambda w: _g(w, min_budget=10),
        "min_budget: Only supported with budget_optimize_on and campaign BUDGET_MODE_TOTAL.",
    ),
    (
        "cbo uniformity",
        lambda w: _g(w, optimization_event="ON_WEB_CART"),
        lambda w: (
            "optimization_event: Must be the same for all ad groups of a campaign with budget_optimize_on true; "
            f"ad group {w.group} has 'SHOPPING'."
        ),
    ),
    (
        "adgroup_name empty",
        lambda w: _g(w, adgroup_name=""),
        "adgroup_name: Length must be between 1 and 512.",
    ),
    ("request_id missing", lambda w: _g(w, request_id=None), "request_id: value is required but missing"),
]


@pytest.mark.parametrize(("name", "make", "message"), ADGROUP_CASES, ids=[c[0] for c in ADGROUP_CASES])
def test_adgroup_create_rules(
    world: World, name: str, make: Callable[[World], dict[str, Any]], message: str | Callable[[World], str]
) -> None:
    expected = message if isinstance(message, str) else message(world)
    assert_error(world.api.post("smart_plus/adgroup/create/", make(world)), 40002, expected)


def test_adgroup_uniformity_without_cbo(world: World) -> None:
    api = world.api
    first = api.adgroup(world.nocbo, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=30)["adgroup_id"]
    # Other optimization settings may differ without CBO ...
    api.adgroup(
        world.nocbo,
        adgroup_name="b",
        budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        budget=40,
        optimization_event="FORM",
    )
    # ... but not the budget mode.
    answer = api.post(
        "smart_plus/adgroup/create/",
        _g(
            world,
            world.nocbo,
            budget_mode="BUDGET_MODE_TOTAL",
            budget=1000,
            schedule_type="SCHEDULE_START_END",
            schedule_end_time="2026-12-11 00:00:00",
        ),
    )
    message = (
        "budget_mode: Must be the same for all ad groups of a campaign with budget_optimize_on false; "
        "ad group {} has 'BUDGET_MODE_DYNAMIC_DAILY_BUDGET'."
    )
    assert answer["code"] == 40002
    assert answer["message"] in {message.format(first), message.format(_other(api, world.nocbo, first))}


def _other(api: Api, campaign: str, first: str) -> str:
    data = api.ok(
        api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"campaign_ids": [campaign]})
    )
    return next(g["adgroup_id"] for g in data["list"] if g["adgroup_id"] != first)


def test_at_most_30_adgroups_per_campaign(world: World) -> None:
    api = world.api
    for i in range(29):
        api.adgroup(world.cbo, adgroup_name=f"g{i}")
    answer = api.post("smart_plus/adgroup/create/", _g(world))
    assert_error(answer, 40002, "campaign_id: A campaign can have at most 30 ad groups.")
    # A deleted ad group frees its place.
    api.ok(
        api.post(
            "smart_plus/adgroup/status/update/",
            {"advertiser_id": ADV, "adgroup_ids": [world.group], "operation_status": "DELETE"},
        )
    )
    assert api.post("smart_plus/adgroup/create/", _g(world))["code"] == 0


def test_adgroup_update_rules(world: World) -> None:
    api = world.api

    def update(adgroup_id: str, **fields: Any) -> dict[str, Any]:
        return api.post(
            "smart_plus/adgroup/update/", {"advertiser_id": ADV, "adgroup_id": adgroup_id, **fields}
        )

    assert_error(
        update(world.group, budget=100), 40002, "budget: Not supported when budget_optimize_on is true."
    )
    assert_error(
        update(world.group, billing_event="CPC"), 40002, "billing_event: This field cannot be updated."
    )
    assert_error(
        update(world.group, pacing="FAST"),
        40002,
        "pacing: Must be one of: PACING_MODE_SMOOTH, PACING_MODE_FAST.",
    )
    assert_error(
        update(world.group, targeting_spec={"location_ids": ["2635167"]}),
        40002,
        "targeting_spec.location_ids: The United States location cannot be removed.",
    )
    assert_error(
        update("123", adgroup_name="x"), 40002, "adgroup_id: Adgroup does not exist. adgroup_id 123."
    )
    group = api.adgroup(world.nocbo, budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=100)["adgroup_id"]
    assert_error(
        update(group, budget=19), 40002, "budget: Ad group budget must be at least 20 and below 10000000."
    )
    api.admin("spend", {"adgroup_id": group, "today": 100})
    assert_error(
        update(group, budget=104),
        40002,
        "budget: The new budget must be at least 105% of today's spend (105).",
    )
    assert update(group, budget=105)["data"]["budget"] == 105


def _a(w: World, **kw: Any) -> dict[str, Any]:
    return ad_body(w.group, **kw)


def _carousel(images: int = 3, music: bool = True) -> dict[str, Any]:
    return carousel_creative(images, music)


SPARK = pull_creative(1)

AD_CASES: list[Case] = [
    (
        "no creatives",
        lambda w: _a(w, creative_list=[]),
        "creative_list: Must contain between 1 and 50 items.",
    ),
    (
        "51 creatives",
        lambda w: _a(w, creative_list=[video_creative(1)] * 51),
        "creative_list: Must contain between 1 and 50 items.",
    ),
    (
        "creatives missing",
        lambda w: _a(w, creative_list=None),
        "creative_list: value is required but missing",
    ),
    (
        "6 texts",
        lambda w: _a(w, ad_text_list=[{"ad_text": "t"}] * 6),
        "ad_text_list: Must contain at most 5 items.",
    ),
    (
        "4 ctas",
        lambda w: non_spark_ad_body(w.pangle, call_to_action_list=[{"call_to_action": "SHOP_NOW"}] * 4),
        "call_to_action_list: Must contain at most 3 items.",
    ),
    (
        "cta enum",
        lambda w: non_spark_ad_body(w.pangle, call_to_action_list=[{"call_to_action": "BUY"}]),
        "call_to_action_list[0].call_to_action: Must be one of: "
        + ", ".join(
            [
                "APPLY_NOW",
                "BOOK_NOW",
                "CALL_NOW",
                "CHECK_AVAILABILITY",
                "CONTACT_US",
                "DOWNLOAD_NOW",
                "EXPERIENCE_NOW",
                "GET_QUOTE",
                "GET_SHOWTIMES",
                "GET_TICKETS_NOW",
                "INSTALL_NOW",
                "INTERESTED",
                "JOIN_THIS_HASHTAG",
                "LEARN_MORE",
                "LISTEN_NOW",
                "ORDER_NOW",
                "PLAY_GAME",
                "PREORDER_NOW",
                "READ_MORE",
                "SEND_MESSAGE",
                "SHOOT_WITH_THIS_EFFECT",
                "SHOP_NOW",
                "SIGN_UP",
                "SUBSCRIBE",
                "VIEW_NOW",
                "VIEW_PROFILE",
                "VIEW_VIDEO_WITH_THIS_EFFECT",
                "VISIT_STORE",
                "WATCH_LIVE",
                "WATCH_NOW",
            ]
        )
        + ".",
    ),
    (
        "36 images",
        lambda w: _a(w, creative_list=[_carousel(36)]),
        "creative_list[0].creative_info.image_info: Must contain between 1 and 35 items.",
    ),
    (
        "carousel without music",
        lambda w: _a(w, creative_list=[_carousel(3, music=False)]),
        "creative_list[0].creative_info.music_info: value is required but missing",
    ),
    (
        "two music",
        lambda w: _a(
            w,
            creative_list=[
                {
                    "creative_info": {
                        **_carousel()["creative_info"],
                        "music_info": [{"music_id": "m10000000000000001"}] * 2,
                    }
                }
            ],
        ),
        "creative_list[0].creative_info.music_info: Field must be set to object",
    ),
    (
        "image unknown",
        lambda w: _a(
            w,
            creative_list=[
                {"creative_info": {**_carousel()["creative_info"], "image_info": [{"web_uri": "i9"}]}}
            ],
        ),
        "creative_list[0].creative_info.image_info[0].web_uri: Image does not exist. web_uri i9.",
    ),
    (
        "format",
        lambda w: _a(w, creative_list=[{"creative_info": {"ad_format": "SINGLE_IMAGE"}}]),
        "creative_list[0].creative_info.ad_format: Must be one of: SINGLE_VIDEO, CAROUSEL_ADS, CATALOG_CAROUSEL.",
    ),
    (
        "video missing",
        lambda w: _a(
            w,
            creative_list=[
                {
                    "creative_info": {
                        "ad_format": "SINGLE_VIDEO",
                        "identity_type": "TT_USER",
                        "identity_id": ID_TT,
                    }
                }
            ],
        ),
        "creative_list[0].creative_info.video_info: value is required but missing",
    ),
    (
        "video unknown",
        lambda w: _a(
            w,
            creative_list=[
                {
                    "creative_info": {
                        **video_creative(1)["creative_info"],
                        "video_info": {"video_id": "v999"},
                    }
                }
            ],
        ),
        "creative_list[0].creative_info.video_info.video_id: Video does not exist. video_id v999.",
    ),
    (
        "identity mismatch",
        lambda w: _a(w, creative_list=[video_creative(1, ID_CUSTOM, "TT_USER")]),
        f"creative_list[0].creative_info.identity_id: Identity does not exist. identity_id {ID_CUSTOM} (TT_USER).",
    ),
    (
        "identity id missing",
        lambda w: _a(
            w,
            creative_list=[
                {
                    "creative_info": {
                        "ad_format": "SINGLE_VIDEO",
                        "video_info": {"video_id": "v10000000000000001"},
                        "identity_type": "TT_USER",
                    }
                }
            ],
        ),
        "creative_list[0].creative_info.identity_id: value is required but missing",
    ),
    (
        "bc id missing",
        lambda w: _a(
            w,
            call_to_action_list=None,
            creative_list=[{"creative_info": {**SPARK["creative_info"], "identity_type": "BC_AUTH_TT"}}],
        ),
        "creative_list[0].creative_info.identity_authorized_bc_id: value is required but missing",
    ),
    (
        "mixed in ad",
        lambda w: non_spark_ad_body(w.pangle, creative_list=[non_spark_creative(1), SPARK]),
        "creative_list[1].creative_info.identity_type: Spark ads and non-Spark ads cannot be mixed in one campaign.",
    ),
    (
        "spark with cta list",
        lambda w: _a(w, creative_list=[SPARK], call_to_action_list=[{"call_to_action": "SHOP_NOW"}]),
        "call_to_action_list: Not supported for Spark ads on TikTok or automatic placement; use ad_configuration.call_to_action_id.",
    ),
    ("texts missing", lambda w: _a(w, ad_text_list=None), "ad_text_list: value is required but missing"),
    (
        "add-on on web",
        lambda w: _a(w, interactive_add_on_list=[{"card_id": "1"}]),
        "interactive_add_on_list: Not supported for WEB_CONVERSIONS.",
    ),
    (
        "2 landing pages",
        lambda w: _a(w, landing_page_url_list=[{"landing_page_url": "https://a"}] * 2),
        "landing_page_url_list: Must contain at most 1 items.",
    ),
    (
        "4 pages",
        lambda w: _a(w, page_list=[{"page_id": "1"}] * 4),
        "page_list: Must contain at most 3 items.",
    ),
    ("adgroup unknown", lambda w: ad_body("123"), "adgroup_id: Adgroup does not exist. adgroup_id 123."),
    ("ad_name 513", lambda w: _a(w, ad_name="x" * 513), "ad_name: Length must be between 0 and 512."),
    (
        "ad text type",
        lambda w: _a(w, ad_text_list=[{"ad_text": 1}]),
        "ad_text_list[0].ad_text: Not a valid string",
    ),
    (
        "ad config identity",
        lambda w: _a(w, ad_configuration={"identity_type": "TT_USER"}),
        "ad_configuration.identity_type: Must be one of: CUSTOMIZED_USER.",
    ),
]


@pytest.mark.parametrize(("name", "make", "message"), AD_CASES, ids=[c[0] for c in AD_CASES])
def test_ad_create_rules(
    world: World, name: str, make: Callable[[World], dict[str, Any]], message: str
) -> None:
    assert_error(world.api.post("smart_plus/ad/create/", make(world)), 40002, message)


def test_carousel_and_spark_pull_are_accepted(world: World) -> None:
    ad = world.api.ad(world.group, creative_list=[_carousel(35)])
    assert len(ad["creative_list"][0]["creative_info"]["image_info"]) == 35
    assert world.api.ad(world.group, creative_list=[video_creative(i) for i in range(1, 10)] * 5)[
        "creative_list"
    ]


def test_spark_and_non_spark_never_share_a_campaign(world: World) -> None:
    # product.md 4.4; TikTok's own rule on mixing is NOT FOUND (smart-plus-current.md 3.1).
    api = world.api
    existing = api.ok(api.post("smart_plus/ad/create/", non_spark_ad_body(world.pangle)))["smart_plus_ad_id"]
    answer = api.post(
        "smart_plus/ad/create/", ad_body(world.pangle, creative_list=[SPARK], ad_configuration=None)
    )
    assert_error(
        answer,
        40002,
        f"creative_list: Spark ads and non-Spark ads cannot be mixed in one campaign; ad {existing} is non-Spark.",
    )
    # Another ad group of the same campaign is the same campaign.
    pangle_campaign = api.ok(
        api.get("smart_plus/adgroup/get/", advertiser_id=ADV, filtering={"adgroup_ids": [world.pangle]})
    )["list"][0]["campaign_id"]
    other = api.adgroup(pangle_campaign, adgroup_name="other")["adgroup_id"]
    answer = api.post("smart_plus/ad/create/", ad_body(other, creative_list=[SPARK]))
    assert answer["code"] == 40002
    assert "cannot be mixed in one campaign" in answer["message"]
    # Through update too.
    answer = api.post(
        "smart_plus/ad/update/",
        {
            "advertiser_id": ADV,
            "smart_plus_ad_id": existing,
            "creative_list": [non_spark_creative(1), SPARK],
        },
    )
    assert_error(
        answer,
        40002,
        "creative_list[1].creative_info.identity_type: Spark ads and non-Spark ads cannot be mixed in one campaign.",
    )


def test_at_most_30_ads_per_adgroup(world: World) -> None:
    api = world.api
    for i in range(30):
        api.ad(world.group, ad_name=f"a{i}")
    assert_error(
        api.post("smart_plus/ad/create/", _a(world)),
        40002,
        "adgroup_id: An ad group can have at most 30 ads.",
    )


def test_ad_update_rules(world: World) -> None:
    api = world.api
    ad = api.ad(world.group)["smart_plus_ad_id"]

    def update(**fields: Any) -> dict[str, Any]:
        return api.post("smart_plus/ad/update/", {"advertiser_id": ADV, "smart_plus_ad_id": ad, **fields})

    assert_error(update(adgroup_id=world.group), 40002, "adgroup_id: This field cannot be updated.")
    assert_error(update(operation_status="DISABLE"), 40002, "operation_status: This field cannot be updated.")
    assert_error(
        update(ad_text_list=[{"ad_text": "t"}] * 6), 40002, "ad_text_list: Must contain at most 5 items."
    )
    assert_error(update(creative_list=[]), 40002, "creative_list: Must contain between 1 and 50 items.")
    # The creative model holds on update too (D:1843317390059522).
    no_cover = video_creative(2)
    del no_cover["creative_info"]["image_info"]
    assert_error(
        update(creative_list=[no_cover]),
        40002,
        "creative_list[0].creative_info.image_info: Required for a single video: the cover image "
        "(image_info[0].web_uri).",
    )
    assert_error(
        update(ad_configuration={"dark_post_status": "OFF"}),
        40002,
        "ad_configuration.call_to_action_id: Required for Spark ads on TikTok or automatic placement: a CTA "
        "portfolio id (/creative/cta/recommend/, then /creative/portfolio/create/).",
    )
    assert_error(
        update(ad_configuration={"identity_type": "CUSTOMIZED_USER", "identity_id": ID_CUSTOM}),
        40002,
        "ad_configuration.identity_type: Custom Identity (CUSTOMIZED_USER) ads are no longer supported on "
        "automatic placement or on placements that include TikTok; use a Spark identity (TT_USER, BC_AUTH_TT "
        "or AUTH_CODE) in creative_info, or deliver the ad group to Pangle and/or Global App Bundle only.",
    )
    updated = api.ok(
        update(
            creative_list=[pull_creative(3)], ad_configuration={"call_to_action_id": "7400000000000000001"}
        )
    )
    assert "dark_post_status" not in updated["ad_configuration"]  # no Push creative left
    answer = api.post(
        "smart_plus/ad/update/", {"advertiser_id": ADV, "smart_plus_ad_id": "1", "ad_name": "x"}
    )
    assert_error(answer, 40002, "smart_plus_ad_id: Ad does not exist. smart_plus_ad_id 1.")


@pytest.mark.parametrize(
    ("path", "key"),
    [
        ("smart_plus/campaign/status/update/", "campaign_ids"),
        ("smart_plus/adgroup/status/update/", "adgroup_ids"),
        ("smart_plus/ad/status/update/", "smart_plus_ad_ids"),
    ],
)
def test_status_update_rules(api: Api, path: str, key: str) -> None:
    ids = [str(1800000000000000000 + i) for i in range(21)]
    body = {"advertiser_id": ADV, key: ids, "operation_status": "DISABLE"}
    assert_error(api.post(path, body), 40002, f"{key}: Must contain between 1 and 20 items.")
    assert_error(api.post(path, {**body, key: []}), 40002, f"{key}: Must contain between 1 and 20 items.")
    assert_error(
        api.post(path, {**body, key: ids[:1], "operation_status": "PAUSE"}),
        40002,
        "operation_status: Must be one of: ENABLE, DISABLE, DELETE.",
    )
    assert_error(
        api.post(path, {**body, key: ids[:1], "operation_status": None}),
        40002,
        "operation_status: value is required but missing",
    )


def test_pixel_events_pass(api: Api) -> None:
    campaign = api.campaign()["campaign_id"]
    for goal, event, billing in (("TRAFFIC_LANDING_PAGE_VIEW", None, "OCPM"),):
        group = api.adgroup(
            campaign, optimization_goal=goal, optimization_event=event, pixel_id=None, billing_event=billing
        )
        assert group["optimization_event"] == "LANDING_PAGE_VIEW"
    assert PIXEL
