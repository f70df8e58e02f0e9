"""fetch_facts against the emulator: today's spend from the report endpoint, pixels and their
event counts; and what happens when TikTok does not answer (the facts are unknown, never a crash)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import datetime
from typing import Any

import httpx
import pytest
from starlette.testclient import TestClient

from reconciler.adapters import fetch
from reconciler.adapters.api import TikTokClient
from reconciler.adapters.facts import fetch_facts, parse_spend
from reconciler.core.guardrails import Facts
from reconciler.core.live import LiveAccount
from reconciler.emulator import EmulatorTransport
from reconciler.settings import EMULATOR_BASE_URL, Secret

from ..conftest import ADVERTISER, World

NOW = datetime(2026, 11, 29, 12, 0, 0)
PIXEL = "7100000000000000001"
Answer = Callable[[httpx.Request], dict[str, Any] | None]


class Intercept(httpx.AsyncBaseTransport):
    """TikTok's answer for some paths (``answer`` returns an envelope), the emulator for the rest."""

    def __init__(self, inner: httpx.AsyncBaseTransport, answer: Answer) -> None:
        self.inner = inner
        self.answer = answer
        self.seen: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        envelope = self.answer(request)
        if envelope is None:
            return await self.inner.handle_async_request(request)
        return httpx.Response(200, json={"request_id": "test", "data": {}, **envelope})


def applied(world: World) -> None:
    assert world.apply(world.plan(), plan_path=world.tmp / "first.json").ok


def set_spend(world: World, **body: Any) -> None:
    r = TestClient(world.app).post("/_emulator/spend", json=body)
    assert r.status_code == 200 and r.json()["ok"], r.text


def facts_of(
    world: World, answer: Answer | None = None, now: datetime = NOW
) -> tuple[Facts, TikTokClient, Intercept]:
    loaded = world.load()
    transport = Intercept(EmulatorTransport(world.app), answer or (lambda r: None))

    async def go() -> tuple[Facts, TikTokClient]:
        async with TikTokClient(
            EMULATOR_BASE_URL, Secret("demo-token"), transport=transport, rate_limit=0
        ) as c:
            live = await fetch.fetch_live(c, loaded.manifests)
            c.stats.calls.clear()
            return await fetch_facts(c, live, now, manifests=loaded.manifests), c

    f, c = asyncio.run(go())
    return f, c, transport


def test_spend_and_pixels_from_the_emulator(world: World) -> None:
    applied(world)
    campaign = world.get("smart_plus/campaign/get/")["list"][0]["campaign_id"]
    groups = [g["adgroup_id"] for g in world.get("smart_plus/adgroup/get/")["list"]]
    set_spend(world, campaign_id=campaign, today=123.4)
    set_spend(world, adgroup_id=groups[0], today=20)
    f, client, _ = facts_of(world)
    assert f.spend_day == "2026-11-29"
    assert f.spend_of(campaign) == 123.4
    assert f.spend_of(groups[0]) == 20.0 and f.spend_of(groups[1]) == 0.0
    assert f.spend_of("1") is None  # never asked for
    assert f.unknown == {}
    assert f.pixel_advertisers == {ADVERTISER}
    assert f.pixel_window == ("2026-11-23", "2026-11-29")
    pixel = f.pixels[PIXEL]
    assert pixel.stats_known and pixel.advertiser_id == ADVERTISER
    events = {e.event_type: e for e in pixel.events}
    assert events["SHOPPING"].optimization_event == "SHOPPING"
    assert (events["SHOPPING"].browser_count, events["SHOPPING"].server_count) == (120 * 7, 80 * 7)
    assert events["PAGE_VIEW"].optimization_event is None and events["PAGE_VIEW"].browser_count == 15000 * 7
    # One call per level and id chunk, one for pixels, one for their counts, one for time zones.
    assert dict(client.stats.calls) == {
        "/advertiser/info/": 1,
        "/report/integrated/get/": 2,
        "/pixel/list/": 1,
        "/pixel/event/stats/": 1,
    }


def test_report_request_is_tiktoks_shape(world: World) -> None:
    applied(world)
    _, _, transport = facts_of(world)
    reports = [r for r in transport.seen if r.url.path.endswith("/report/integrated/get/")]
    params = [dict(r.url.params) for r in reports]
    assert {p["data_level"] for p in params} == {"AUCTION_CAMPAIGN", "AUCTION_ADGROUP"}
    for p in params:
        assert p["report_type"] == "BASIC" and json.loads(p["metrics"]) == ["spend"]
        assert p["start_date"] == p["end_date"] == "2026-11-29"
        (flt,) = json.loads(p["filtering"])
        assert flt["field_name"] == "campaign_ids" and flt["filter_type"] == "IN"
        assert len(json.loads(flt["filter_value"])) == 1
    stats = next(r for r in transport.seen if r.url.path.endswith("/pixel/event/stats/"))
    assert json.loads(stats.url.params["pixel_ids"]) == [PIXEL]
    assert json.loads(stats.url.params["date_range"]) == {
        "start_date": "2026-11-23",
        "end_date": "2026-11-29",
    }


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (40400, "Route not found: GET /open_api/v1.3/report/integrated/get/"),
        (
            40001,
            "Permission error: The access token lacks the required scope for endpoint '/report/integrated/get/'",
        ),
    ],
)
def test_spend_unknown_when_the_report_is_refused(world: World, code: int, message: str) -> None:
    applied(world)

    def refuse(r: httpx.Request) -> dict[str, Any] | None:
        return {"code": code, "message": message} if "report/integrated" in r.url.path else None

    f, _, _ = facts_of(world, refuse)
    assert f.spend_today == {} and f.spend_read == frozenset()
    assert str(code) in f.unknown["spend"]
    assert f.pixels  # the rest is still read


def test_pixels_unknown_when_refused(world: World) -> None:
    applied(world)

    def refuse(r: httpx.Request) -> dict[str, Any] | None:
        if "pixel/list" in r.url.path:
            return {"code": 40400, "message": "Route not found"}
        return None

    f, _, _ = facts_of(world, refuse)
    assert f.pixels == {} and f.pixel_advertisers == frozenset()
    assert "40400" in f.unknown["pixels"]


def test_pixel_counts_unknown_when_stats_are_refused(world: World) -> None:
    applied(world)

    def refuse(r: httpx.Request) -> dict[str, Any] | None:
        return {"code": 40001, "message": "no scope"} if "pixel/event/stats" in r.url.path else None

    f, _, _ = facts_of(world, refuse)
    pixel = f.pixels[PIXEL]
    assert not pixel.stats_known and all(e.browser_count is None for e in pixel.events)
    assert "40001" in f.unknown["pixel_stats"]


def test_today_is_the_advertisers_day(world: World) -> None:
    applied(world)

    def pacific(r: httpx.Request) -> dict[str, Any] | None:
        if "advertiser/info" in r.url.path:
            return {
                "code": 0,
                "data": {"list": [{"advertiser_id": ADVERTISER, "timezone": "America/Los_Angeles"}]},
            }
        return None

    f, _, transport = facts_of(world, pacific, now=datetime(2026, 11, 29, 3, 0, 0))
    assert f.spend_day == "2026-11-28"  # 19:00 the day before in Los Angeles
    report = next(r for r in transport.seen if r.url.path.endswith("/report/integrated/get/"))
    assert report.url.params["start_date"] == "2026-11-28"


def test_no_advertiser_no_calls() -> None:
    async def go() -> Facts:
        transport = httpx.MockTransport(lambda r: httpx.Response(500))
        async with TikTokClient(EMULATOR_BASE_URL, Secret("t"), transport=transport, rate_limit=0) as c:
            return await fetch_facts(c, LiveAccount.from_rows([]), NOW)

    assert asyncio.run(go()) == Facts()


def test_parse_spend() -> None:
    assert parse_spend("12.34") == 12.34
    assert parse_spend("1,234.50") == 1234.5
    assert parse_spend("-") == 0.0
    assert parse_spend(7) == 7.0
    assert parse_spend(None) == 0.0
