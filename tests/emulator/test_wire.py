"""Wire format: envelope, request_id, JSON-in-query, ids, times, nulls, fields, unknown routes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .helpers import ADV, BASE, Api, assert_error


def test_envelope_and_request_id(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV)
    assert set(answer) == {"code", "message", "request_id", "data"}
    assert (answer["code"], answer["message"]) == (0, "OK")
    # 14-digit UTC+8 timestamp + 20 uppercase hex; the emulator clock is 2026-11-29 00:00:00 UTC.
    assert re.fullmatch(r"20261129080000[0-9A-F]{20}", answer["request_id"])
    assert answer["data"] == {
        "list": [],
        "page_info": {"page": 1, "page_size": 10, "total_number": 0, "total_page": 0},
    }


def test_error_is_http_200_with_empty_data(api: Api) -> None:
    response = api.client.get(BASE + "smart_plus/campaign/get/", params={"advertiser_id": ADV})
    assert response.status_code == 200
    assert response.json()["code"] == 40104
    assert response.json()["data"] == {}


def test_plain_array_in_query_is_refused(api: Api) -> None:
    response = api.client.get(
        BASE + "smart_plus/campaign/get/",
        params={"advertiser_id": ADV, "fields": "campaign_id"},
        headers={"Access-Token": "demo-token"},
    )
    assert_error(response.json(), 40002, "fields: Field must be set to array")
    # Repeated parameters are not an array either.
    response = api.client.get(
        BASE + "pixel/event/stats/",
        params=[("advertiser_id", ADV), ("pixel_ids", "1"), ("pixel_ids", "2")],
        headers={"Access-Token": "demo-token"},
    )
    assert_error(response.json(), 40002, "pixel_ids: Field must be set to array")


def test_filtering_must_be_json_object(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering="campaign_ids=1")
    assert_error(answer, 40002, "filtering: Field must be set to object")
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, filtering={"nope": 1})
    assert_error(answer, 40002, "filtering.nope: Unknown field.")


def test_page_must_be_integer(api: Api) -> None:
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV, page="x")
    assert_error(answer, 40002, "page: Not a valid integer.")


def test_ids_strings_times_and_fields(api: Api) -> None:
    campaign = api.campaign()
    assert re.fullmatch(r"\d{16,19}", campaign["campaign_id"])
    assert campaign["create_time"] == "2026-11-29 00:00:00"
    assert campaign["modify_time"] == "2026-11-29 00:00:00"
    data = api.ok(
        api.get(
            "smart_plus/campaign/get/",
            advertiser_id=ADV,
            fields=["campaign_id", "secondary_status"],
        )
    )
    assert data["list"] == [
        {"campaign_id": campaign["campaign_id"], "secondary_status": "CAMPAIGN_STATUS_ENABLE"}
    ]


def test_nulls_are_dropped_from_smart_plus_answers(api: Api) -> None:
    campaign = api.campaign(po_number=None)
    assert None not in campaign.values()
    answer = api.post("smart_plus/campaign/create/", {**_body(), "po_number": None})
    assert "po_number" not in answer["data"]


def _body() -> dict[str, object]:
    from .helpers import campaign_body

    return campaign_body()


def test_unknown_route_and_bad_json(api: Api) -> None:
    answer = api.get("smart_plus/nothing/get/", advertiser_id=ADV)
    assert_error(answer, 40400, "Route not found: GET /open_api/v1.3/smart_plus/nothing/get/")
    # A POST endpoint called with GET is not a route either.
    answer = api.get("smart_plus/campaign/create/", advertiser_id=ADV)
    assert_error(answer, 40400, "Route not found: GET /open_api/v1.3/smart_plus/campaign/create/")
    response = api.client.post(
        BASE + "smart_plus/campaign/create/",
        content=b"{not json",
        headers={"Access-Token": "demo-token", "Content-Type": "application/json"},
    )
    assert_error(response.json(), 40002, "body: Not valid JSON.")


def test_path_without_trailing_slash_is_served(api: Api) -> None:
    response = api.client.get(
        BASE + "smart_plus/campaign/get",
        params={"advertiser_id": ADV},
        headers={"Access-Token": "demo-token"},
    )
    assert response.json()["code"] == 0


def test_unexpected_error_still_answers_in_the_envelope(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconciler.emulator import app as app_module

    def boom(*args: object) -> object:
        raise RuntimeError("bug")

    monkeypatch.setitem(app_module.ROUTES, ("GET", "smart_plus/campaign/get/"), boom)
    assert_error(api.get("smart_plus/campaign/get/", advertiser_id=ADV), 50000, "System error.")


def test_file_db_in_a_new_directory(tmp_path: Path) -> None:
    from reconciler.emulator import create_app

    create_app(str(tmp_path / "deep" / "dir" / "emulator.db"))
    assert (tmp_path / "deep" / "dir" / "emulator.db").exists()
