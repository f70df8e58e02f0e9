"""Knobs and admin: rate limit, faults (in process and over HTTP), latency, stats, clock, spend, reset."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from reconciler.emulator import BackgroundServer, EmulatorTransport, create_app

from .helpers import ADV, NOW, Api, assert_error, campaign_body

URL = "http://emulator/open_api/v1.3/"
HEADERS = {"Access-Token": "demo-token"}


def _run(app: Any, calls: int, path: str = "smart_plus/campaign/get/") -> list[Any]:
    """Make `calls` sequential GETs in process; return each answer's code or the exception class."""

    async def main() -> list[Any]:
        out: list[Any] = []
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url=URL) as client:
            for _ in range(calls):
                try:
                    response = await client.get(path, params={"advertiser_id": ADV}, headers=HEADERS)
                    out.append(response.json()["code"])
                except httpx.HTTPError as error:
                    out.append(type(error))
        return out

    return asyncio.run(main())


def test_rate_limit_answers_40100_above_qps() -> None:
    app = create_app(now=NOW, rate_limit=5)
    codes = _run(app, 8)
    assert codes[:5] == [0] * 5  # burst of 1x QPS
    assert 40100 in codes[5:]
    api = Api(app)
    answer = api.get("smart_plus/campaign/get/", advertiser_id=ADV)
    if answer["code"] != 0:
        assert_error(answer, 40100, "Too many requests. Please retry in some time.")
    # The admin path is not rate-limited.
    for _ in range(10):
        assert api.admin("stats")["total"] >= 8
    time.sleep(0.25)
    assert _run(app, 1) == [0]


def test_rate_limit_changed_at_run_time() -> None:
    app = create_app(now=NOW)
    api = Api(app)
    assert api.admin("config", {"rate_limit": 2})["rate_limit"] == 2
    assert 40100 in _run(app, 4)
    assert api.admin("config", {"rate_limit": None})["rate_limit"] is None
    assert _run(app, 10) == [0] * 10


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("error50000", 50000),
        ("error50002", 50002),
        ("throttle", 40100),
        ("drop", httpx.RemoteProtocolError),
        ("timeout", httpx.ReadTimeout),
        ("lost", httpx.RemoteProtocolError),
    ],
)
def test_each_fault_kind_in_process(kind: str, expected: Any) -> None:
    app = create_app(now=NOW, faults=f"{kind}=1.0")
    assert _run(app, 2) == [expected, expected]


def test_fault_messages() -> None:
    api = Api(create_app(now=NOW, faults="error50000=1"))
    assert_error(api.get("smart_plus/campaign/get/", advertiser_id=ADV), 50000, "System error.")
    api = Api(create_app(now=NOW, faults="error50002=1"))
    assert_error(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV),
        50002,
        "Internal service timed out. Please retry in sometime.",
    )
    api = Api(create_app(now=NOW, faults="throttle=1"))
    assert_error(
        api.get("smart_plus/campaign/get/", advertiser_id=ADV),
        40100,
        "Too many requests. Please retry in some time.",
    )


def test_lost_write_is_committed() -> None:
    app = create_app(now=NOW, faults="lost=1.0")

    async def main() -> None:
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url=URL) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post("smart_plus/campaign/create/", json=campaign_body(), headers=HEADERS)

    asyncio.run(main())
    api = Api(app)
    api.admin("config", {"faults": ""})
    data = api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))
    assert data["page_info"]["total_number"] == 1


def test_dropped_write_is_not_committed() -> None:
    app = create_app(now=NOW, faults="drop=1.0")

    async def main() -> None:
        async with httpx.AsyncClient(transport=EmulatorTransport(app), base_url=URL) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                await client.post("smart_plus/campaign/create/", json=campaign_body(), headers=HEADERS)

    asyncio.run(main())
    api = Api(app)
    api.admin("config", {"faults": None})
    assert api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["page_info"]["total_number"] == 0


def test_faults_are_reproducible_with_a_seed() -> None:
    spec = "error50000=0.2,throttle=0.2,drop=0.1"
    first = _run(create_app(now=NOW, faults=spec, fault_seed=7), 40)
    second = _run(create_app(now=NOW, faults=spec, fault_seed=7), 40)
    assert first == second
    assert {0, 50000, 40100, httpx.RemoteProtocolError} <= set(first)
    app = create_app(now=NOW)
    Api(app).admin("config", {"faults": spec, "fault_seed": 7})
    assert _run(app, 40) == first


def test_bad_fault_spec() -> None:
    with pytest.raises(ValueError, match="bad fault"):
        create_app(faults="boom=0.5")
    with pytest.raises(ValueError, match="more than 1"):
        create_app(faults="drop=0.6,timeout=0.6")
    api = Api(create_app(now=NOW))
    response = api.client.post("/_emulator/config", json={"faults": "drop=2"})
    assert response.status_code == 400


def test_admin_is_never_faulted() -> None:
    api = Api(create_app(now=NOW, faults="drop=1.0"))
    assert api.admin("clock", {"advance_days": 1})["now"] == "2026-11-30 00:00:00"
    assert api.admin("stats")["total"] == 0


def test_latency() -> None:
    app = create_app(now=NOW, latency_ms=200)
    start = time.monotonic()
    _run(app, 3)
    assert time.monotonic() - start >= 0.6
    Api(app).admin("config", {"latency_ms": 0})
    start = time.monotonic()
    _run(app, 3)
    assert time.monotonic() - start < 0.6


def test_stats_count_paths_and_codes() -> None:
    app = create_app(now=NOW)
    api = Api(app)
    api.get("smart_plus/campaign/get/", advertiser_id=ADV)
    api.get("smart_plus/campaign/get/", token="bad", advertiser_id=ADV)
    api.get("pixel/list/", advertiser_id=ADV)
    stats = api.admin("stats")
    assert stats["total"] == 3
    assert stats["by_path"] == {"/open_api/v1.3/smart_plus/campaign/get/": 2, "/open_api/v1.3/pixel/list/": 1}
    assert stats["by_code"] == {"0": 2, "40105": 1}
    assert stats["by_path_code"]["/open_api/v1.3/smart_plus/campaign/get/"] == {"0": 1, "40105": 1}


def test_clock_and_reset() -> None:
    api = Api(create_app(now=NOW))
    assert api.admin("clock")["now"] == NOW
    assert api.admin("clock", {"now": "2026-12-24 10:00:00"})["now"] == "2026-12-24 10:00:00"
    assert api.admin("clock", {"advance_days": 2})["now"] == "2026-12-26 10:00:00"
    assert api.client.post("/_emulator/clock", json={"now": "tomorrow"}).status_code == 400
    assert api.client.post("/_emulator/clock", json={}).status_code == 400
    api.campaign()
    assert api.admin("reset", {})["ok"] is True
    assert api.ok(api.get("smart_plus/campaign/get/", advertiser_id=ADV))["list"] == []
    assert api.admin("clock")["now"] == NOW  # back to the clock the app was created with
    assert api.get("pixel/list/", advertiser_id=ADV)["code"] == 0  # seed reloaded
    assert api.admin("stats")["total"] == 2  # counted since the reset


def test_real_clock_by_default_and_advance() -> None:
    api = Api(create_app())
    before = api.admin("clock")["now"]
    after = api.admin("clock", {"advance_days": 1})["now"]
    assert after > before


def test_spend_admin_errors() -> None:
    api = Api(create_app(now=NOW))
    assert api.client.post("/_emulator/spend", json={"campaign_id": "1", "today": 5}).status_code == 400
    assert api.client.post("/_emulator/spend", json={"today": 5}).status_code == 400
    assert api.client.post("/_emulator/spend", json={"campaign_id": "1"}).status_code == 400


def test_network_faults_over_real_http() -> None:
    app = create_app(now=NOW, faults="drop=1.0", timeout_sleep_s=0.5)
    with BackgroundServer(app) as url, httpx.Client(base_url=url + "/open_api/v1.3/", timeout=0.2) as client:
        params = {"advertiser_id": ADV}
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("smart_plus/campaign/get/", params=params, headers=HEADERS)
        httpx.post(url + "/_emulator/config", json={"faults": "timeout=1.0"})
        with pytest.raises(httpx.ReadTimeout):
            client.get("smart_plus/campaign/get/", params=params, headers=HEADERS)
        httpx.post(url + "/_emulator/config", json={"faults": "lost=1.0"})
        with pytest.raises(httpx.RemoteProtocolError):
            client.post("smart_plus/campaign/create/", json=campaign_body(), headers=HEADERS)
        httpx.post(url + "/_emulator/config", json={"faults": ""})
        answer = client.get("smart_plus/campaign/get/", params=params, headers=HEADERS).json()
        assert answer["data"]["page_info"]["total_number"] == 1
        assert httpx.get(url + "/_emulator/stats").json()["by_code"] == {
            "drop": 1,
            "timeout": 1,
            "lost": 1,
            "0": 1,
        }
