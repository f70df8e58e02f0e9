"""Rate-limit fault kinds: 40100 (`throttle`), 40132, 61000 in TikTok's envelope, and a real HTTP 429
with a plain-text body, in process and over uvicorn."""

from __future__ import annotations

import asyncio

import httpx
import pytest

from reconciler.emulator import BackgroundServer, EmulatorTransport, create_app
from reconciler.emulator.knobs import FAULT_KINDS, parse_faults

from .helpers import ADV, NOW, Api

PATH = "/open_api/v1.3/smart_plus/campaign/get/"


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("throttle", 40100, "Too many requests. Please retry in some time."),
        ("throttle40132", 40132, "Request frequency limited. Please retry in some time."),
        ("throttle61000", 61000, "Too many requests. Please retry in some time."),
    ],
)
def test_rate_limit_codes_in_the_envelope(kind: str, code: int, message: str) -> None:
    api = Api(create_app(now=NOW, faults=f"{kind}=1"))
    with api.client:
        answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV)
        assert (answer["code"], answer["message"], answer["data"]) == (code, message, {})
        assert len(answer["request_id"]) == 34
        assert api.admin("stats")["by_code"] == {str(code): 1}


def test_http_429_with_a_text_body_in_process() -> None:
    app = create_app(now=NOW, faults="http429=1")

    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url="http://emulator") as client:
            return await client.get(
                PATH, params={"advertiser_id": ADV}, headers={"Access-Token": "demo-token"}
            )

    response = asyncio.run(go())
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/plain")
    assert response.text == "Too Many Requests"


def test_http_429_over_real_http_and_nothing_written() -> None:
    app = create_app(now=NOW, faults="http429=1")
    with BackgroundServer(app) as url:
        body = {"advertiser_id": ADV, "campaign_name": "x", "objective_type": "WEB_CONVERSIONS"}
        response = httpx.post(
            url + "/open_api/v1.3/smart_plus/campaign/create/",
            json=body,
            headers={"Access-Token": "demo-token"},
        )
        assert response.status_code == 429 and response.text == "Too Many Requests"
        stats = httpx.get(url + "/_emulator/stats").json()
        assert stats["by_code"] == {"http429": 1}
        httpx.post(url + "/_emulator/config", json={"faults": ""})
        listed = httpx.get(
            url + PATH, params={"advertiser_id": ADV}, headers={"Access-Token": "demo-token"}
        ).json()
        assert listed["data"]["list"] == []


def test_fault_spec_knows_the_new_kinds_and_keeps_the_old_draw_order() -> None:
    assert FAULT_KINDS[:6] == ("error50000", "error50002", "timeout", "drop", "lost", "throttle")
    assert parse_faults("http429=0.1,throttle40132=0.2,throttle61000=0.3") == {
        "http429": 0.1,
        "throttle40132": 0.2,
        "throttle61000": 0.3,
    }
    with pytest.raises(ValueError, match="probability must be a number"):
        parse_faults("http429=lots")
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_faults("http429=nan")


def test_a_mixed_spec_draws_every_kind() -> None:
    api = Api(
        create_app(
            now=NOW, faults="throttle=0.25,throttle40132=0.25,throttle61000=0.25,http429=0.25", fault_seed=7
        )
    )
    seen: set[object] = set()
    with api.client:
        for _ in range(80):
            response = api.client.get(
                PATH, params={"advertiser_id": ADV}, headers={"Access-Token": "demo-token"}
            )
            seen.add(response.status_code if response.status_code == 429 else response.json()["code"])
    assert seen == {429, 40100, 40132, 61000}
