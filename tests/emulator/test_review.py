"""Ad review as a state machine: pending, approved after the emulated delay, rejected with reasons,
re-review after an edit, material-level rejection, appeal, and the admin knob that decides."""

from __future__ import annotations

from typing import Any

from .helpers import ADV, Api, assert_error, carousel_creative, pull_creative, video_creative

LATER = "2026-11-29 01:00:00"  # NOW + the default one-hour review


def _ad(api: Api, **overrides: Any) -> dict[str, Any]:
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"], schedule_start_time="2026-11-29 00:00:00")
    return api.ad(adgroup["adgroup_id"], **overrides)


def _status(api: Api, ad_id: str) -> str:
    data = api.ok(api.get("smart_plus/ad/get/", advertiser_id=ADV, filtering={"smart_plus_ad_ids": [ad_id]}))
    return str(data["list"][0]["secondary_status"])


def _info(api: Api, ad_id: str, reject: bool = True) -> dict[str, Any]:
    return api.ok(
        api.get(
            "smart_plus/ad/review_info/",
            advertiser_id=ADV,
            smart_plus_ad_ids=[ad_id],
            extra_info_setting={"include_reject_info": reject},
        )
    )


def _reject(api: Api, ad_id: str, *reasons: str, **extra: Any) -> dict[str, Any]:
    answer = api.admin(
        "review", {"smart_plus_ad_id": ad_id, "decision": "reject", "reasons": list(reasons), **extra}
    )
    assert answer["ok"] is True, answer
    return answer


def test_new_ad_is_pending_then_approved_after_the_delay(api: Api) -> None:
    ad = _ad(api)
    ad_id = ad["smart_plus_ad_id"]
    assert ad["secondary_status"] == "AD_STATUS_AUDIT"
    assert "_review" not in ad
    info = _info(api, ad_id)
    entry = info["smart_plus_ad_review_infos"][0]
    assert entry == {
        "smart_plus_ad_id": ad_id,
        "review_status": None,  # first review not finished: none of the documented results applies
        "passed_locations": None,
        "appeal_status": "NOT_APPEALED",
        "appeal_reject_reasons": None,
        "reject_info": [],
    }
    api.admin("clock", {"now": "2026-11-29 00:59:59"})
    assert _status(api, ad_id) == "AD_STATUS_AUDIT"
    api.admin("clock", {"now": LATER})
    assert _status(api, ad_id) != "AD_STATUS_AUDIT"
    entry = _info(api, ad_id)["smart_plus_ad_review_infos"][0]
    assert entry["review_status"] == "ALL_AVAILABLE" and entry["reject_info"] == []
    [material] = _info(api, ad_id)["material_review_infos"]
    assert material == {
        "ad_material_id": ad["creative_list"][0]["ad_material_id"],
        "smart_plus_ad_id": ad_id,
        "review_status": "ALL_AVAILABLE",
        "passed_locations": None,
        "reject_info": None,
    }


def test_review_delay_knob(api: Api) -> None:
    assert api.admin("config", {"review_delay_s": 60})["review_delay_s"] == 60
    ad_id = _ad(api)["smart_plus_ad_id"]
    api.admin("clock", {"now": "2026-11-29 00:01:00"})
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"


def test_rejected_with_reasons_then_an_edit_re_reviews(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    _reject(api, ad_id, "Exaggerated claims in the ad text.", suggestion="Remove '100% guaranteed'.")
    assert _status(api, ad_id) == "AD_STATUS_AUDIT_DENY"
    # A rejection is final: the delay passing does not approve it.
    api.admin("clock", {"now": "2026-11-30 00:00:00"})
    assert _status(api, ad_id) == "AD_STATUS_AUDIT_DENY"
    entry = _info(api, ad_id)["smart_plus_ad_review_infos"][0]
    assert entry["review_status"] == "UNAVAILABLE"
    assert entry["passed_locations"] == []
    [reject] = entry["reject_info"]
    assert reject["reasons"] == ["Exaggerated claims in the ad text."]
    assert reject["suggestion"] == "Remove '100% guaranteed'."
    assert reject["content_info"] == {
        "content_type": "ModeString",
        "text_content": "Spring sale: 30% off everything",
    }
    assert "violation_frames" not in reject
    # Without include_reject_info the reasons are left out.
    assert _info(api, ad_id, reject=False)["smart_plus_ad_review_infos"][0]["reject_info"] is None
    # The material of a rejected ad is rejected with it.
    assert _info(api, ad_id)["material_review_infos"][0]["review_status"] == "UNAVAILABLE"
    # Ad get can filter on the review status.
    found = api.ok(
        api.get(
            "smart_plus/ad/get/", advertiser_id=ADV, filtering={"secondary_status": "AD_STATUS_AUDIT_DENY"}
        )
    )
    assert [a["smart_plus_ad_id"] for a in found["list"]] == [ad_id]
    # Fixing the ad with /smart_plus/ad/update/ sends it back to review (first review again: AUDIT).
    updated = api.ok(
        api.post(
            "smart_plus/ad/update/",
            {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "ad_text_list": [{"ad_text": "Spring sale"}]},
        )
    )
    assert updated["secondary_status"] == "AD_STATUS_AUDIT"
    assert _info(api, ad_id)["smart_plus_ad_review_infos"][0]["review_status"] is None
    api.admin("clock", {"now": "2026-11-30 01:00:00"})
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"


def test_editing_an_approved_ad_delivers_while_re_reviewed(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    api.admin("clock", {"now": LATER})
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"
    # A name-only edit does not re-review.
    renamed = api.ok(
        api.post(
            "smart_plus/ad/update/", {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "ad_name": "Renamed"}
        )
    )
    assert renamed["secondary_status"] == "AD_STATUS_DELIVERY_OK"
    updated = api.ok(
        api.post(
            "smart_plus/ad/update/",
            {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "creative_list": [video_creative(2)]},
        )
    )
    assert updated["secondary_status"] == "AD_STATUS_DELIVERY_AND_REAUDIT"
    # During a re-review, review_info keeps the last finished result.
    assert _info(api, ad_id)["smart_plus_ad_review_infos"][0]["review_status"] == "ALL_AVAILABLE"
    api.admin("clock", {"now": "2026-11-29 02:00:00"})
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"
    # An edit rejected in re-review stops delivery.
    api.ok(
        api.post(
            "smart_plus/ad/update/",
            {
                "advertiser_id": ADV,
                "smart_plus_ad_id": ad_id,
                "ad_text_list": [{"ad_text": "Best prices ever!!!"}],
            },
        )
    )
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_AND_REAUDIT"
    _reject(api, ad_id, "Misleading text.")
    assert _status(api, ad_id) == "AD_STATUS_AUDIT_DENY"


def test_rejecting_some_creatives_leaves_the_ad_partially_approved(api: Api) -> None:
    ad = _ad(api, creative_list=[video_creative(1), video_creative(2)])
    ad_id = ad["smart_plus_ad_id"]
    first, second = (c["ad_material_id"] for c in ad["creative_list"])
    api.admin("clock", {"now": LATER})
    _reject(api, ad_id, "Low quality video.", ad_material_ids=[second])
    assert _status(api, ad_id) == "AD_STATUS_REVIEW_PARTIALLY_APPROVED"
    info = _info(api, ad_id)
    assert info["smart_plus_ad_review_infos"][0]["review_status"] == "ALL_AVAILABLE"
    by_id = {m["ad_material_id"]: m for m in info["material_review_infos"]}
    assert by_id[first]["review_status"] == "ALL_AVAILABLE"
    assert by_id[second]["review_status"] == "UNAVAILABLE"
    assert by_id[second]["reject_info"][0]["reasons"] == ["Low quality video."]
    assert by_id[second]["reject_info"][0]["content_info"] == {
        "content_type": "ModeVideo",
        "video_content": {"video_id": "v10000000000000002"},
    }
    # The same answer from /smart_plus/material/review_info/.
    materials = api.ok(
        api.get(
            "smart_plus/material/review_info/",
            advertiser_id=ADV,
            ad_material_ids=[second, first],
            extra_info_setting={"include_reject_info": True, "include_violation_frame": True},
        )
    )["material_review_infos"]
    assert [m["ad_material_id"] for m in materials] == [second, first]
    assert materials[0]["reject_info"][0]["violation_frames"] == []
    # Rejecting every creative rejects the ad.
    _reject(api, ad_id, "Low quality video.", ad_material_ids=[first, second])
    assert _status(api, ad_id) == "AD_STATUS_AUDIT_DENY"


def test_carousel_images_have_their_own_review_ids(api: Api) -> None:
    ad = _ad(api, creative_list=[carousel_creative(images=3)])
    carousel_id = ad["creative_list"][0]["ad_material_id"]
    api.admin("clock", {"now": LATER})
    materials = _info(api, ad["smart_plus_ad_id"])["material_review_infos"]
    image_ids = [m["ad_material_id"] for m in materials]
    assert len(image_ids) == 3 and carousel_id not in image_ids and len(set(image_ids)) == 3
    _reject(api, ad["smart_plus_ad_id"], "Blurry image.", ad_material_ids=[image_ids[1]])
    got = api.ok(
        api.get(
            "smart_plus/material/review_info/",
            advertiser_id=ADV,
            ad_material_ids=image_ids,
            extra_info_setting={"include_reject_info": True},
        )
    )["material_review_infos"]
    assert [m["review_status"] for m in got] == ["ALL_AVAILABLE", "UNAVAILABLE", "ALL_AVAILABLE"]
    assert got[1]["reject_info"][0]["content_info"] == {
        "content_type": "ModeImage",
        "image_content": {"image_id": "i10000000000000002"},
    }
    # The carousel's own id (ad/get level) is not a review-level id.
    answer = api.get("smart_plus/material/review_info/", advertiser_id=ADV, ad_material_ids=[carousel_id])
    assert_error(answer, 40002, f"ad_material_ids[0]: Material does not exist. ad_material_id {carousel_id}.")


def test_appeal(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    answer = api.post("smart_plus/ad/appeal/", {"advertiser_id": ADV, "smart_plus_ad_id": ad_id})
    assert_error(answer, 40002, f"smart_plus_ad_id: Ad {ad_id} has no rejection to appeal.")
    _reject(api, ad_id, "Wrong landing page.")
    assert (
        api.ok(
            api.post(
                "smart_plus/ad/appeal/",
                {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "appeal_reason": "It is right."},
            )
        )
        == {}
    )
    assert _info(api, ad_id)["smart_plus_ad_review_infos"][0]["appeal_status"] == "APPEALING"
    answer = api.post("smart_plus/ad/appeal/", {"advertiser_id": ADV, "smart_plus_ad_id": ad_id})
    assert_error(answer, 40002, f"smart_plus_ad_id: Ad {ad_id} already has an appeal in progress.")
    _reject(api, ad_id, "Still wrong.")
    entry = _info(api, ad_id)["smart_plus_ad_review_infos"][0]
    assert entry["appeal_status"] == "APPEAL_FAILED" and entry["appeal_reject_reasons"] == ["Still wrong."]
    api.ok(api.post("smart_plus/ad/appeal/", {"advertiser_id": ADV, "smart_plus_ad_id": ad_id}))
    assert (
        api.admin("review", {"smart_plus_ad_id": ad_id, "decision": "approve"})["appeal_status"]
        == "APPEAL_SUCCESSFUL"
    )
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"


def test_hold_and_reopen(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    api.admin("review", {"smart_plus_ad_id": ad_id, "decision": "hold"})
    api.admin("clock", {"now": "2026-12-05 00:00:00"})
    assert _status(api, ad_id) == "AD_STATUS_AUDIT"
    api.admin("review", {"smart_plus_ad_id": ad_id, "decision": "pending"})
    assert _status(api, ad_id) == "AD_STATUS_AUDIT"
    api.admin("clock", {"now": "2026-12-05 01:00:00"})
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_OK"


def test_review_info_refusals(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    answer = api.get(
        "smart_plus/ad/review_info/", advertiser_id=ADV, smart_plus_ad_ids=["1820000000000099999"]
    )
    assert_error(
        answer, 40002, "smart_plus_ad_ids[0]: Ad does not exist. smart_plus_ad_id 1820000000000099999."
    )
    answer = api.get("smart_plus/ad/review_info/", advertiser_id=ADV, smart_plus_ad_ids=[ad_id] * 101)
    assert_error(answer, 40002, "smart_plus_ad_ids: Must contain between 1 and 100 items.")
    answer = api.get(
        "smart_plus/ad/review_info/",
        advertiser_id=ADV,
        smart_plus_ad_ids=[ad_id],
        extra_info_setting={"include_violation_frame": True},
    )
    assert_error(
        answer,
        40002,
        "extra_info_setting.include_violation_frame: Can only be true when include_reject_info is true.",
    )
    answer = api.get("smart_plus/ad/review_info/", advertiser_id=ADV, smart_plus_ad_ids=[ad_id], lang="xx")
    assert answer["code"] == 40002 and answer["message"].startswith("lang: Must be one of")
    assert (
        api.get("smart_plus/ad/review_info/", advertiser_id=ADV, smart_plus_ad_ids=[ad_id], lang="ja")["code"]
        == 0
    )
    answer = api.get(
        "smart_plus/ad/review_info/", advertiser_id=ADV, smart_plus_ad_ids=[ad_id], token="demo-token-2"
    )
    assert answer["code"] == 40001


def test_admin_review_checks_its_body_before_changing_anything(api: Api) -> None:
    ad_id = _ad(api)["smart_plus_ad_id"]
    bad = [
        {"smart_plus_ad_id": ad_id, "decision": "maybe"},
        {"smart_plus_ad_id": ad_id, "decision": "reject"},
        {"smart_plus_ad_id": ad_id, "decision": "reject", "reasons": [""]},
        {"smart_plus_ad_id": ad_id, "decision": "reject", "reasons": ["x"], "ad_material_ids": ["1"]},
        {"smart_plus_ad_id": ad_id, "decision": "approve", "reasons": ["x"]},
        {"smart_plus_ad_id": "1820000000000099999", "decision": "approve"},
        {"smart_plus_ad_id": 5, "decision": "approve"},
        {"smart_plus_ad_id": ad_id, "decision": "approve", "colour": "red"},
    ]
    for body in bad:
        response = api.client.post("/_emulator/review", json=body)
        assert response.status_code == 400, body
        assert response.json()["ok"] is False
    assert _status(api, ad_id) == "AD_STATUS_AUDIT"
    response = api.client.post("/_emulator/review", content=b"[1, 2]")
    assert response.status_code == 400 and "JSON object" in response.json()["error"]


def test_spark_pull_creatives_are_reviewed_as_posts(api: Api) -> None:
    ad = _ad(api, creative_list=[pull_creative(3)], ad_text_list=None)
    _reject(
        api,
        ad["smart_plus_ad_id"],
        "Post not allowed.",
        ad_material_ids=[ad["creative_list"][0]["ad_material_id"]],
    )
    [material] = _info(api, ad["smart_plus_ad_id"])["material_review_infos"]
    assert material["review_status"] == "UNAVAILABLE"
    assert material["reject_info"][0]["content_info"] == {"content_type": "ModeVideo"}
    # One creative and it is rejected: the whole ad is.
    assert _status(api, ad["smart_plus_ad_id"]) == "AD_STATUS_AUDIT_DENY"


def test_ads_in_re_review_or_partly_approved_count_as_delivering(api: Api) -> None:
    ad = _ad(api, creative_list=[video_creative(1), video_creative(2)])
    ad_id = ad["smart_plus_ad_id"]

    def delivering() -> list[str]:
        data = api.ok(
            api.get(
                "smart_plus/ad/get/",
                advertiser_id=ADV,
                filtering={"smart_plus_ad_ids": [ad_id], "primary_status": "STATUS_DELIVERY_OK"},
            )
        )
        return [a["smart_plus_ad_id"] for a in data["list"]]

    assert delivering() == []  # in its first review
    api.admin("clock", {"now": LATER})
    assert delivering() == [ad_id]
    _reject(api, ad_id, "Low quality video.", ad_material_ids=[ad["creative_list"][1]["ad_material_id"]])
    assert _status(api, ad_id) == "AD_STATUS_REVIEW_PARTIALLY_APPROVED" and delivering() == [ad_id]
    api.ok(
        api.post(
            "smart_plus/ad/update/",
            {"advertiser_id": ADV, "smart_plus_ad_id": ad_id, "creative_list": [video_creative(1)]},
        )
    )
    assert _status(api, ad_id) == "AD_STATUS_DELIVERY_AND_REAUDIT" and delivering() == [ad_id]
