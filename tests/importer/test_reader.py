"""adapters.importer: what it reads, in how many calls, and an API without the legacy endpoints."""

from __future__ import annotations

import asyncio
import json

import httpx

from reconciler.adapters import importer as reader
from reconciler.adapters.api import TikTokClient
from reconciler.emulator import EmulatorTransport
from reconciler.settings import EMULATOR_BASE_URL, Secret

from ..conftest import ADVERTISER, World
from . import seed


class NoLegacy(httpx.AsyncBaseTransport):
    """The emulator, except that the manual /campaign/get/ does not exist (40400)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/campaign/get/") and "/smart_plus/" not in request.url.path:
            body = {"code": 40400, "message": "Route not found.", "request_id": "x", "data": {}}
            return httpx.Response(200, content=json.dumps(body).encode())
        return await self.inner.handle_async_request(request)


def test_reads_in_bulk(world: World) -> None:
    seed.seed_varied(world)
    seed.seed_legacy(world)

    async def go() -> tuple[reader.AccountRows, dict[str, int]]:
        async with world.client() as c:
            rows = await reader.read_account(c, ADVERTISER, manual=False)  # manual: tests/migrate
            return rows, dict(c.stats.calls)

    rows, calls = asyncio.run(go())
    assert (len(rows.campaigns), len(rows.adgroups), len(rows.ads), len(rows.legacy)) == (4, 5, 7, 1)
    # One call per endpoint: campaigns, ad groups, ads, the legacy list, the legacy details.
    assert calls == {
        "/smart_plus/campaign/get/": 1,
        "/smart_plus/adgroup/get/": 1,
        "/smart_plus/ad/get/": 1,
        "/campaign/get/": 1,
        "/campaign/spc/get/": 1,
    }


def test_no_legacy_endpoint_is_a_note_not_an_error(world: World) -> None:
    seed.seed_varied(world)

    async def go() -> reader.AccountRows:
        transport = NoLegacy(EmulatorTransport(world.app))
        async with TikTokClient(
            EMULATOR_BASE_URL, Secret("demo-token"), transport=transport, rate_limit=0
        ) as c:
            return await reader.read_account(c, ADVERTISER, manual=False)  # manual: tests/migrate

    rows = asyncio.run(go())
    assert len(rows.campaigns) == 4 and rows.legacy == []
    assert rows.notes == ["legacy Smart+ campaigns not read: campaign/get/ answered 40400 Route not found."]


def test_no_legacy_read_when_switched_off(world: World) -> None:
    seed.seed_legacy(world)
    rows = world.run(lambda c: reader.read_account(c, ADVERTISER, legacy=False))
    assert rows.legacy == [] and rows.campaigns == []
