"""The client's pacing and its answers to rate limits: headroom under the configured rate, no
bunching after a stall, a lower rate after a rate-limit answer, and retries of every rate-limit
answer TikTok (or a gateway in front of it) gives: HTTP 429 whatever its body, 40100, 40132, 61000.

The server is the emulator (its rate limit and its ``throttle`` fault), or, for the answers the
emulator does not give yet, a tiny ASGI app standing in for TikTok's server (``FakeTikTok``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from reconciler.adapters.api import RateLimiter, TikTokClient
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.errors import ApiError
from reconciler.settings import EMULATOR_BASE_URL, Secret

NOW = "2026-11-29 12:00:00"
ADV = "7000000000000000001"
CAMPAIGNS = "smart_plus/campaign/get/"


# ---- the bucket alone -------------------------------------------------------------------------


def test_paces_under_the_configured_rate() -> None:
    async def go() -> float:
        limiter = RateLimiter(50.0, burst=1)
        start = time.perf_counter()
        for _ in range(41):
            await limiter.acquire()
        return time.perf_counter() - start

    elapsed = asyncio.run(go())
    # 40 intervals at 95% of 50/s take 0.842 s; at exactly 50/s they would take 0.800 s.
    assert elapsed >= 40 / (50 * 0.95) * 0.98, elapsed


def test_no_bunching_after_the_event_loop_was_busy() -> None:
    """Requests held up while the loop is busy leave spaced out afterwards, not all at once."""

    async def go() -> list[float]:
        limiter = RateLimiter(20.0, burst=1)
        departures: list[float] = []

        async def one() -> None:
            await limiter.acquire()
            departures.append(time.perf_counter())

        tasks = [asyncio.create_task(one()) for _ in range(12)]
        await asyncio.sleep(0.12)  # two or three have left
        time.sleep(0.4)  # the loop is busy (parsing, say): eight intervals go by
        await asyncio.gather(*tasks)
        return departures

    departures = asyncio.run(go())
    gaps = [b - a for a, b in itertools.pairwise(departures)]
    interval = 1 / (20 * 0.95)
    assert min(gaps[1:]) >= interval * 0.8, gaps


def test_burst_then_steady() -> None:
    async def go() -> tuple[float, float]:
        limiter = RateLimiter(40.0)  # burst: half a second of 38/s = 19
        start = time.perf_counter()
        for _ in range(19):
            await limiter.acquire()
        burst = time.perf_counter() - start
        for _ in range(19):
            await limiter.acquire()
        return burst, time.perf_counter() - start

    burst, total = asyncio.run(go())
    assert burst < 0.1, burst
    assert total >= 19 / 38 * 0.95, total


def test_slow_down_lowers_the_rate_once_per_second_to_a_floor() -> None:
    now = [100.0]
    limiter = RateLimiter(10.0, clock=lambda: now[0])
    assert limiter.rate == pytest.approx(9.5) and limiter.burst == pytest.approx(4.75)
    limiter.slow_down()
    assert limiter.rate == pytest.approx(8.55) and limiter.burst == 1.0
    limiter.slow_down()  # the same second: requests in flight together answered together
    assert limiter.rate == pytest.approx(8.55)
    for _ in range(40):
        now[0] += 1.5
        limiter.slow_down()
    assert limiter.rate == pytest.approx(1.0)  # a tenth of the configured rate


# ---- against the emulator ---------------------------------------------------------------------


def emulator_client(app: Any, rate: float, **kw: Any) -> TikTokClient:
    return TikTokClient(
        EMULATOR_BASE_URL, Secret("demo-token"), transport=EmulatorTransport(app), rate_limit=rate, **kw
    )


async def read_many(client: TikTokClient, n: int) -> None:
    await asyncio.gather(*(client.get(CAMPAIGNS, {"advertiser_id": ADV}) for _ in range(n)))


def test_no_40100_at_the_servers_own_rate() -> None:
    app = create_app(now=NOW, rate_limit=20)

    async def go() -> TikTokClient:
        async with emulator_client(app, 20.0) as client:
            await read_many(client, 60)
            return client

    client = asyncio.run(go())
    assert client.stats.throttled == 0, client.stats.to_json()
    assert client.stats.codes["0"] == 60


def test_a_client_faster_than_the_server_slows_down_and_finishes() -> None:
    app = create_app(now=NOW, rate_limit=10)

    async def go() -> TikTokClient:
        async with emulator_client(app, 40.0, backoff_base=0.05, backoff_cap=1.0) as client:
            await read_many(client, 50)
            return client

    client = asyncio.run(go())
    assert client.stats.codes["0"] == 50  # every request got through in the end
    assert client.stats.throttled > 0 and client.stats.codes["40100"] == client.stats.throttled
    assert client.stats.rate_decreases >= 1
    assert client.limiter.rate < 40 * 0.95 and client.limiter.burst == 1.0


def test_throttle_fault_is_retried_and_slows_the_client() -> None:
    app = create_app(now=NOW, faults="throttle=0.3", fault_seed=7)

    async def go() -> TikTokClient:
        async with emulator_client(app, 200.0, backoff_base=0.001, backoff_cap=0.01) as client:
            await read_many(client, 30)
            return client

    client = asyncio.run(go())
    assert client.stats.codes["0"] == 30
    assert client.stats.throttled == client.stats.codes["40100"] > 0
    assert client.limiter.rate < 200 * 0.95


# ---- answers the emulator does not give yet: a stand-in for TikTok's server -------------------


class FakeTikTok:
    """An ASGI app that answers each request with the next of ``answers`` (status, headers, body),
    then with a success envelope."""

    def __init__(self, answers: list[tuple[int, dict[str, str], bytes]]) -> None:
        self.answers = list(answers)
        self.requests = 0

    async def __call__(
        self,
        scope: dict[str, Any],
        receive: Callable[[], Awaitable[dict[str, Any]]],
        send: Callable[[dict[str, Any]], Awaitable[None]],
    ) -> None:
        assert scope["type"] == "http"
        self.requests += 1
        if self.answers:
            status, headers, body = self.answers.pop(0)
        else:
            status, headers = 200, {"content-type": "application/json"}
            body = json.dumps({"code": 0, "message": "OK", "data": {"list": []}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()],
            }
        )
        await send({"type": "http.response.body", "body": body})


def envelope(code: int, message: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"code": code, "message": message, "data": {}, "request_id": "r1"}).encode()
    return 200, {"content-type": "application/json"}, body


TEXT_429 = (429, {"content-type": "text/plain"}, b"Too Many Requests")
HTML_429 = (429, {"content-type": "text/html"}, b"<html><body><h1>429 Too Many Requests</h1></body></html>")
JSON_429 = (429, {"content-type": "application/json"}, json.dumps({"code": 40100, "message": "x"}).encode())


def fake_client(app: FakeTikTok, sleeps: list[float], **kw: Any) -> TikTokClient:
    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    return TikTokClient(
        "https://tiktok.test/open_api/v1.3/",
        Secret("secret-token-123"),
        transport=httpx.ASGITransport(app=app),  # type: ignore[arg-type]
        rate_limit=kw.pop("rate_limit", 0),
        sleep=sleep,
        **kw,
    )


@pytest.mark.parametrize(
    "answer",
    [
        TEXT_429,
        HTML_429,
        JSON_429,
        envelope(40100, "Too many requests. Please retry in some time."),
        envelope(40132, "Request frequency limited."),
        envelope(61000, "Too many requests."),
    ],
    ids=["429-text", "429-html", "429-json", "40100", "40132", "61000"],
)
def test_every_rate_limit_answer_is_retried_with_backoff(answer: tuple[int, dict[str, str], bytes]) -> None:
    app = FakeTikTok([answer, answer])
    sleeps: list[float] = []

    async def go() -> tuple[Any, TikTokClient]:
        async with fake_client(app, sleeps, rate_limit=10.0) as client:
            return await client.get(CAMPAIGNS, {"advertiser_id": ADV}), client

    data, client = asyncio.run(go())
    assert data == {"list": []}
    assert app.requests == 3
    assert client.stats.throttled == 2 and client.stats.retries == 2
    assert len(sleeps) == 2  # a back-off before each retry
    assert client.limiter.rate < 10 * 0.95  # and the rest of the run goes slower


def test_429_retry_after_is_waited() -> None:
    app = FakeTikTok([(429, {"retry-after": "3", "content-type": "text/plain"}, b"slow down")])
    sleeps: list[float] = []

    async def go() -> None:
        async with fake_client(app, sleeps, backoff_base=0.001, backoff_cap=0.01) as client:
            await client.get(CAMPAIGNS, {"advertiser_id": ADV})

    asyncio.run(go())
    assert sleeps == [3.0]


def test_rate_limit_gives_up_after_max_attempts_with_a_clear_error() -> None:
    app = FakeTikTok([TEXT_429] * 10)
    sleeps: list[float] = []

    async def go() -> None:
        async with fake_client(app, sleeps, max_attempts=4) as client:
            await client.get(CAMPAIGNS, {"advertiser_id": ADV})

    with pytest.raises(ApiError) as err:
        asyncio.run(go())
    assert app.requests == 4
    assert "429" in str(err.value) and "secret-token-123" not in str(err.value)


def test_a_create_is_not_retried_by_the_client() -> None:
    """``retry=False`` (creates): the answer goes back to apply, which looks the object up."""
    app = FakeTikTok([TEXT_429])
    sleeps: list[float] = []

    async def go() -> None:
        async with fake_client(app, sleeps) as client:
            await client.post("smart_plus/campaign/create/", {"advertiser_id": ADV}, retry=False)

    with pytest.raises(ApiError):
        asyncio.run(go())
    assert app.requests == 1


def test_other_4xx_text_is_not_retried() -> None:
    app = FakeTikTok([(403, {"content-type": "text/plain"}, b"Forbidden")])
    sleeps: list[float] = []

    async def go() -> None:
        async with fake_client(app, sleeps) as client:
            await client.get(CAMPAIGNS, {"advertiser_id": ADV})

    with pytest.raises(ApiError) as err:
        asyncio.run(go())
    assert app.requests == 1 and not err.value.retryable
