"""Dynamic CTAs (recommend -> portfolio -> call_to_action_id), identity posts for Spark Pull, image info."""

from __future__ import annotations

from .helpers import ADV, ADV2, ID_CUSTOM, ID_TT, PORTFOLIO, Api, assert_error

WEB = {"new_version": "true", "objective_type": "WEB_CONVERSIONS", "promotion_type": "WEBSITE"}


def _recommend(api: Api, **params: object) -> list[dict[str, object]]:
    data = api.ok(api.get("creative/cta/recommend/", advertiser_id=ADV, **{**WEB, **params}))
    return list(data["recommend_assets"])


def test_recommend_new_version_serves_web_ctas(api: Api) -> None:
    assets = _recommend(api, language="en", placements=["PLACEMENT_TIKTOK"], region_codes=["US"])
    texts = [a["asset_content"] for a in assets]
    assert texts[:2] == ["Shop now", "Learn more"]
    assert all(isinstance(a["asset_ids"], list) and a["asset_ids"] for a in assets)
    assert all(isinstance(i, str) for a in assets for i in a["asset_ids"])  # v1.3: string[]


def test_recommend_rules(api: Api) -> None:
    base = {"advertiser_id": ADV}
    answer = api.get("creative/cta/recommend/", **base, new_version="true", promotion_type="WEBSITE")
    assert_error(answer, 40002, "objective_type: value is required but missing")
    answer = api.get("creative/cta/recommend/", **base, **{**WEB, "placements": ["PLACEMENT_MARS"]})
    assert answer["code"] == 40002 and answer["message"].startswith("placements[0]: Must be one of")
    answer = api.get("creative/cta/recommend/", **base, **{**WEB, "ad_texts": ["x" * 101]})
    assert_error(answer, 40002, "ad_texts[0]: Length must be between 1 and 100.")
    answer = api.get("creative/cta/recommend/", **base, **{**WEB, "language": "fr"})
    assert_error(answer, 40002, "language: Only en is emulated.")
    # Legacy form: asset_type + content_type, and objective_type is "not supported" there.
    answer = api.get("creative/cta/recommend/", **base, objective_type="WEB_CONVERSIONS")
    assert_error(answer, 40002, "objective_type: Not supported when new_version is false.")
    legacy = api.ok(
        api.get(
            "creative/cta/recommend/", **base, asset_type="CTA_AUTO_OPTIMIZED", content_type="LANDING_PAGE"
        )
    )
    assert legacy["recommend_assets"][0]["asset_content"] == "Shop now"


def test_portfolio_from_recommendation_round_trip(api: Api) -> None:
    assets = _recommend(api)
    content = [{"asset_content": a["asset_content"], "asset_ids": a["asset_ids"]} for a in assets[:3]]
    created = api.ok(
        api.post(
            "creative/portfolio/create/",
            {"advertiser_id": ADV, "creative_portfolio_type": "CTA", "portfolio_content": content},
        )
    )
    portfolio_id = created["creative_portfolio_id"]
    assert isinstance(portfolio_id, str) and portfolio_id.isdigit() and portfolio_id != PORTFOLIO
    got = api.ok(api.get("creative/portfolio/get/", advertiser_id=ADV, creative_portfolio_id=portfolio_id))
    assert got == {
        "creative_portfolio_id": portfolio_id,
        "creative_portfolio_type": "CTA",
        "portfolio_content": content,
    }
    # A second create with the same content is a new portfolio (no de-duplication is documented).
    again = api.ok(
        api.post("creative/portfolio/create/", {"advertiser_id": ADV, "portfolio_content": content})
    )
    assert again["creative_portfolio_id"] != portfolio_id
    # The new portfolio is a valid call_to_action_id for a Spark ad.
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    ad = api.ad(adgroup["adgroup_id"], ad_configuration={"call_to_action_id": portfolio_id})
    assert ad["ad_configuration"]["call_to_action_id"] == portfolio_id
    assert ad["call_to_action_list"] == []


def test_seed_portfolio_is_readable(api: Api) -> None:
    got = api.ok(api.get("creative/portfolio/get/", advertiser_id=ADV, creative_portfolio_id=PORTFOLIO))
    assert got["creative_portfolio_type"] == "CTA"
    assert [c["asset_content"] for c in got["portfolio_content"]] == ["Shop now", "Learn more"]


def test_portfolio_create_refusals(api: Api) -> None:
    def create(body: dict[str, object], token: str = "demo-token") -> dict[str, object]:
        return api.post("creative/portfolio/create/", body, token=token)

    answer = create(
        {
            "advertiser_id": ADV,
            "portfolio_content": [{"asset_content": "Shop now", "asset_ids": ["7410000000000000003"]}],
        }
    )
    # Not served to this advertiser yet: no recommend call.
    assert answer["code"] == 40002
    assert "was not recommended for advertiser" in str(answer["message"])
    _recommend(api)
    answer = create(
        {
            "advertiser_id": ADV,
            "portfolio_content": [{"asset_content": "Buy!", "asset_ids": ["7410000000000000001"]}],
        }
    )
    assert_error(
        answer,
        40002,
        "portfolio_content[0].asset_content: Must be the asset_content that /creative/cta/recommend/ returned "
        "with asset_ids 7410000000000000001 ('Shop now').",
    )
    assert_error(
        create({"advertiser_id": ADV, "portfolio_content": []}),
        40002,
        "portfolio_content: Must contain at least 1 item.",
    )
    assert_error(create({"advertiser_id": ADV}), 40002, "portfolio_content: value is required but missing")
    answer = create(
        {
            "advertiser_id": ADV,
            "creative_portfolio_type": "CARD",
            "portfolio_content": [{"card_type": "IMAGE"}],
        }
    )
    assert_error(answer, 40002, "creative_portfolio_type: Only CTA portfolios are emulated.")
    answer = create(
        {
            "advertiser_id": ADV,
            "portfolio_content": [
                {"asset_content": "Shop now", "asset_ids": ["7410000000000000001"], "image_id": "x"}
            ],
        }
    )
    assert_error(
        answer, 40002, "portfolio_content[0].image_id: Not supported when creative_portfolio_type is CTA."
    )
    # Auto-optimized CTAs belong to the advertiser they were recommended for.
    api.admin("token", {"token": "both", "advertiser_ids": [ADV, ADV2]})
    answer = create(
        {
            "advertiser_id": ADV2,
            "portfolio_content": [{"asset_content": "Shop now", "asset_ids": ["7410000000000000001"]}],
        },
        token="both",
    )
    assert answer["code"] == 40002 and f"was not recommended for advertiser {ADV2}" in str(answer["message"])


def test_portfolio_get_unknown_and_list_excludes_cta(api: Api) -> None:
    answer = api.get(
        "creative/portfolio/get/", advertiser_id=ADV, creative_portfolio_id="7400000000000000999"
    )
    assert_error(
        answer,
        40002,
        "creative_portfolio_id: Creative portfolio does not exist. creative_portfolio_id 7400000000000000999.",
    )
    listed = api.ok(api.get("creative/portfolio/list/", advertiser_id=ADV))
    assert listed == {
        "creative_portfolios": [],
        "page_info": {"page": 1, "page_size": 20, "total_number": 0, "total_page": 0},
    }
    answer = api.get(
        "creative/portfolio/list/", advertiser_id=ADV, filtering={"creative_portfolio_types": ["CTA"]}
    )
    assert answer["code"] == 40002 and answer["message"].startswith(
        "filtering.creative_portfolio_types[0]: Must be one of"
    )


def test_identity_posts_for_spark_pull(api: Api) -> None:
    data = api.ok(
        api.get("identity/video/get/", advertiser_id=ADV, identity_id=ID_TT, identity_type="TT_USER", count=5)
    )
    assert data["has_more"] is True and len(data["video_list"]) == 5
    first = data["video_list"][0]
    assert set(first) >= {"item_type", "item_id", "status", "text", "auth_info", "video_info"}
    assert first["item_type"] == "VIDEO" and first["status"] == "ITEM_STATUS_HESITATE_RECOMMEND"
    assert first["video_info"]["width"] == 720 and first["video_info"]["height"] == 1280
    rest = api.ok(
        api.get(
            "identity/video/get/",
            advertiser_id=ADV,
            identity_id=ID_TT,
            identity_type="TT_USER",
            count=50,
            cursor=data["cursor"],
        )
    )
    assert (
        rest["has_more"] is False and len(rest["video_list"]) == 4
    )  # count above 20 is capped, 9 posts in all
    items = {p["item_id"] for p in data["video_list"] + rest["video_list"]}
    assert items == {f"730000000000000000{n}" for n in range(1, 10)}
    carousels = api.ok(
        api.get(
            "identity/video/get/",
            advertiser_id=ADV,
            identity_id=ID_TT,
            identity_type="TT_USER",
            item_type="CAROUSEL",
        )
    )
    assert carousels["video_list"] == [] and carousels["has_more"] is False


def test_identity_posts_refusals(api: Api) -> None:
    base = {"advertiser_id": ADV, "identity_id": ID_TT}
    assert_error(
        api.get("identity/video/get/", **base), 40002, "identity_type: value is required but missing"
    )
    answer = api.get("identity/video/get/", **base, identity_type="CUSTOMIZED_USER")
    assert_error(answer, 40002, "identity_type: Must be one of: AUTH_CODE, TT_USER, BC_AUTH_TT.")
    answer = api.get("identity/video/get/", advertiser_id=ADV, identity_id=ID_CUSTOM, identity_type="TT_USER")
    assert_error(answer, 40002, f"identity_id: Identity does not exist. identity_id {ID_CUSTOM} (TT_USER).")
    answer = api.get("identity/video/get/", **base, identity_type="BC_AUTH_TT")
    assert_error(answer, 40002, "identity_authorized_bc_id: value is required but missing")
    answer = api.get("identity/video/get/", **base, identity_type="TT_USER", keyword="summer")
    assert_error(answer, 40002, "keyword: Only supported when identity_type is AUTH_CODE.")
    for cursor in ("-1", "abc", "9" * 5000):
        answer = api.get("identity/video/get/", **base, identity_type="TT_USER", cursor=cursor)
        assert_error(answer, 40002, "cursor: Not a valid cursor.")


def test_image_info_shows_cover_and_carousel_usability(api: Api) -> None:
    images = api.ok(api.get("file/image/ad/info/", advertiser_id=ADV, image_ids=["i10000000000000003"]))[
        "list"
    ]
    videos = api.ok(api.get("file/video/ad/info/", advertiser_id=ADV, video_ids=["v10000000000000003"]))[
        "list"
    ]
    image, video = images[0], videos[0]
    assert image["image_id"] == "i10000000000000003" and image["is_carousel_usable"] is True
    # Image n is a valid cover of video n: same size, so the same aspect (DOC:1739067433456642).
    assert (image["width"], image["height"]) == (video["width"], video["height"])
    assert not any(key.startswith("_") for key in image)


def test_creative_endpoints_need_the_creative_permission(api: Api) -> None:
    api.admin(
        "token", {"token": "ads-only", "advertiser_ids": [ADV], "scopes": ["ads_management", "reporting"]}
    )
    answer = api.get("creative/cta/recommend/", token="ads-only", advertiser_id=ADV, **WEB)
    assert (
        answer["code"] == 40001 and "/open_api/v1.3/creative/cta/recommend/(method=GET)" in answer["message"]
    )
    answer = api.post(
        "creative/portfolio/create/", {"advertiser_id": ADV, "portfolio_content": []}, token="ads-only"
    )
    assert answer["code"] == 40001
