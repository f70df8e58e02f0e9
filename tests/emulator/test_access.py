"""Access: tokens map to advertisers; 40104, 40105, 40001 and 40118 (Smart+ endpoints only)."""

from __future__ import annotations

import pytest

from .helpers import ADV, ADV2, Api, assert_error, campaign_body

SMART_PLUS_GETS = ["smart_plus/campaign/get/", "smart_plus/adgroup/get/", "smart_plus/ad/get/"]


@pytest.mark.parametrize("path", SMART_PLUS_GETS)
def test_missing_token(api: Api, path: str) -> None:
    answer = api.get(path, token=None, advertiser_id=ADV)
    assert_error(answer, 40104, "Access token is empty. Set the Access-Token header.")


@pytest.mark.parametrize("path", SMART_PLUS_GETS)
def test_unknown_token(api: Api, path: str) -> None:
    answer = api.get(path, token="nope", advertiser_id=ADV)
    assert_error(answer, 40105, "Access token is incorrect or has been revoked.")


def test_other_advertisers_data(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", token="demo-token-2", advertiser_id=ADV)
    assert_error(
        answer,
        40001,
        f"No permission to operate advertiser_id {ADV}. You must be an admin or operator of this advertiser account.",
    )
    answer = api.post("smart_plus/campaign/create/", campaign_body(), token="demo-token-2")
    assert answer["code"] == 40001


def test_unknown_advertiser_is_permission_error(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", advertiser_id="123")
    assert answer["code"] == 40001


def test_missing_advertiser_id(api: Api) -> None:
    assert_error(api.get("smart_plus/campaign/get/"), 40002, "advertiser_id: value is required but missing")
    answer = api.get("smart_plus/campaign/get/", advertiser_id="abc")
    assert_error(answer, 40002, "advertiser_id: Not a valid ID. IDs are strings of a 64-bit integer.")


@pytest.mark.parametrize("path", SMART_PLUS_GETS)
def test_not_allowlisted_on_smart_plus(api: Api, path: str) -> None:
    answer = api.get(path, token="demo-token-2", advertiser_id=ADV2)
    assert_error(answer, 40118, f"Advertiser {ADV2} is not in the allowlist of the Upgraded Smart+ API.")


def test_not_allowlisted_on_create(api: Api) -> None:
    answer = api.post("smart_plus/campaign/create/", campaign_body(advertiser_id=ADV2), token="demo-token-2")
    assert answer["code"] == 40118


def test_not_allowlisted_can_use_other_endpoints(api: Api) -> None:
    answer = api.get("pixel/list/", token="demo-token-2", advertiser_id=ADV2)
    assert answer["code"] == 0
    answer = api.get("advertiser/info/", token="demo-token-2", advertiser_ids=[ADV2])
    assert api.ok(answer)["list"][0]["advertiser_id"] == ADV2
