"""An answer is freed when the call that read it returns, without the cycle collector: httpx's
Response and its stream refer to each other, and the plan runs the collector rarely
(``pipeline.tune_gc``), so pages of 330 KB each piled up (50 MB at the peak of a 5x plan)."""

from __future__ import annotations

import asyncio
import gc

import httpx

from reconciler.adapters.api import TikTokClient
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.settings import EMULATOR_BASE_URL, Secret

from ..conftest import NOW

ADV = "7000000000000000001"


def test_answers_do_not_wait_for_the_cycle_collector() -> None:
    app = create_app(now=NOW, seed="demo")

    async def go() -> int:
        client = TikTokClient(
            EMULATOR_BASE_URL, Secret("demo-token"), transport=EmulatorTransport(app), rate_limit=0
        )
        async with client:
            for _ in range(5):
                await client.get("smart_plus/campaign/get/", {"advertiser_id": ADV})
            return sum(1 for o in gc.get_objects() if isinstance(o, httpx.Response))

    gc.collect()
    gc.disable()
    try:
        alive = asyncio.run(go())
    finally:
        gc.enable()
    assert alive == 0
