"""Issue 12: the admin endpoints check their whole body before they change anything; and the health path."""

from __future__ import annotations

import json

import pytest

from reconciler.emulator import create_app

from .helpers import ADV, NOW, PIXEL, Api


def _post(api: Api, path: str, body: object) -> tuple[int, dict[str, object]]:
    # json.dumps writes inf and nan as Infinity and NaN, which Python's parser (the server's) reads back.
    response = api.client.post("/_emulator/" + path, content=json.dumps(body))
    return response.status_code, dict(response.json())


@pytest.mark.parametrize("days", [1e308, -1e308, 36_501, float("inf"), "3", True, None])
def test_advance_days_out_of_range_is_refused_and_the_clock_still_works(api: Api, days: object) -> None:
    status, answer = _post(api, "clock", {"advance_days": days})
    assert status == 400 and answer["ok"] is False, answer
    assert "advance_days" in str(answer["error"])
    assert api.admin("clock")["now"] == NOW
    assert api.get("smart_plus/campaign/get/", advertiser_id=ADV)["code"] == 0
    assert api.admin("clock", {"advance_days": 1})["now"] == "2026-11-30 00:00:00"


def test_clock_bodies(api: Api) -> None:
    for body in (
        {},
        {"now": NOW, "advance_days": 1},
        {"now": "tomorrow"},
        {"now": 5},
        {"now": "9999-12-31 23:59:59"},
        {"later": 1},
    ):
        status, answer = _post(api, "clock", body)
        assert status == 400, body
    assert api.admin("clock")["now"] == NOW
    status, answer = _post(api, "clock", {"advance_days": 0.5})
    assert status == 200 and answer["now"] == "2026-11-29 12:00:00"


def test_reset_with_an_unknown_seed_refuses_before_wiping(api: Api) -> None:
    campaign = api.campaign()
    for seed in ("nope", "scale:1000000x30x30", "scale:1x31x1", "scale:0x1x1", 7):
        status, answer = _post(api, "reset", {"seed": seed})
        assert status == 400 and "seed" in str(answer["error"]), seed
    got = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))
    assert [c["campaign_id"] for c in got["list"]] == [campaign["campaign_id"]]
    status, answer = _post(api, "reset", {"seed": "demo", "extra": 1})
    assert status == 400 and "unknown keys: extra" in str(answer["error"])
    status, _ = _post(api, "reset", {"seed": "scale:1x1x1"})
    assert status == 200
    assert api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["page_info"]["total_number"] == 1


def test_create_app_refuses_an_unknown_seed() -> None:
    with pytest.raises(ValueError, match="unknown seed 'nope'"):
        create_app(seed="nope")


def test_config_refuses_bad_values_and_changes_nothing(api: Api) -> None:
    before = api.admin("config")
    bad = [
        {"latency_ms": -1},
        {"latency_ms": 1e308},
        {"latency_ms": "10"},
        {"rate_limit": -5},
        {"rate_limit": float("nan")},
        {"faults": "drop=2"},
        {"faults": "bogus=0.1"},
        {"faults": "drop=abc"},
        {"faults": 5},
        {"fault_seed": 1.5},
        {"timeout_sleep_s": 1e9},
        {"review_delay_s": -1},
        {"latency_ms": 10, "faults": "drop=2"},  # the good value is not applied either
        {"colour": "red"},
    ]
    for body in bad:
        status, answer = _post(api, "config", body)
        assert status == 400 and answer["ok"] is False, body
    assert api.admin("config") == before


def test_spend_token_pixel_and_legacy_bodies(api: Api) -> None:
    adgroup = api.adgroup(api.campaign()["campaign_id"])["adgroup_id"]
    for body in (
        {"adgroup_id": adgroup, "today": -1},
        {"adgroup_id": adgroup, "today": 1e308},
        {"adgroup_id": adgroup, "today": "5"},
        {"adgroup_id": adgroup},
        {"adgroup_id": adgroup, "campaign_id": "1", "today": 1},
        {"adgroup_id": "not-an-id", "today": 1},
    ):
        status, _ = _post(api, "spend", body)
        assert status == 400, body
    for body in (
        {"token": ""},
        {"token": "t\n"},
        {"token": "new-token"},  # a new token needs its advertisers
        {"token": "t", "advertiser_ids": "7000000000000000001"},
        {"token": "t", "advertiser_ids": [ADV], "scopes": ["everything"]},
    ):
        status, _ = _post(api, "token", body)
        assert status == 400, body
    assert api.get("smart_plus/campaign/get/", token="t", advertiser_id=ADV)["code"] == 40105
    status, answer = _post(api, "token", {"token": "t", "advertiser_ids": [ADV]})
    assert status == 200 and "t" not in answer.values()  # the answer does not echo the token
    for body in (
        {"pixel_id": PIXEL, "counts": {"SHOPPING": [1]}},
        {"pixel_id": PIXEL, "counts": {"SHOPPING": [1, -1]}},
        {"pixel_id": PIXEL, "activity_status": 3},
        {"pixel_id": PIXEL, "remove_events": "SHOPPING"},
        {"pixel_id": "x"},
    ):
        status, _ = _post(api, "pixel", body)
        assert status == 400, body
    for body in (
        {"advertiser_id": ADV},
        {"advertiser_id": "7000000000000009999", "campaign_name": "Legacy"},
        {"advertiser_id": ADV, "campaign_name": ""},
        {"advertiser_id": ADV, "campaign_name": "Legacy", "operation_status": "FROZEN"},
        {"advertiser_id": ADV, "campaign_name": "Legacy", "budget": "lots"},
    ):
        status, _ = _post(api, "legacy_campaign", body)
        assert status == 400, body


def test_health(api: Api) -> None:
    response = api.client.get("/_emulator/health")
    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "service": "tiktok-business-api-emulator",
        "api_base": "/open_api/v1.3/",
        "seed": "demo",
        "now": NOW,
        "advertisers": 2,
    }
    # Not a TikTok request: not counted in the stats.
    assert api.admin("stats")["total"] == 0
