"""A crash (as kill -9: a BaseException nothing of ours catches) between upload and ad create,
or right after the upload reached TikTok with its answer lost: the resumed apply uploads nothing
again, and the account holds one copy of each file."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from pathlib import Path

import httpx
import pytest

from reconciler import pipeline
from reconciler.adapters.api import TikTokClient
from reconciler.emulator import EmulatorTransport
from reconciler.settings import EMULATOR_BASE_URL, Secret
from tests.apply.faults import Crash
from tests.conftest import World

from .helpers import write_campaign
from .test_upload_plan_apply import library


class CrashAt(httpx.AsyncBaseTransport):
    """Dies at the first request to `path`: before it is sent, or after (its answer lost)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str, *, sent: bool) -> None:
        self.inner, self.path, self.sent = inner, path, sent
        self.uploads: list[str] = []
        self.crashed = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if "/ad/upload/" in request.url.path:
            self.uploads.append(request.url.path.rsplit("/", 4)[-4])  # video / image
        if not self.crashed and request.url.path.endswith(self.path):
            self.crashed = True
            if self.sent:
                with contextlib.suppress(httpx.HTTPError):
                    await self.inner.handle_async_request(request)
            raise Crash(f"crash at {self.path}")
        return await self.inner.handle_async_request(request)


def apply_with(world: World, transport: httpx.AsyncBaseTransport, folder: Path, plan: object) -> object:
    async def go() -> object:
        async with TikTokClient(
            EMULATOR_BASE_URL,
            Secret("demo-token"),
            transport=transport,
            rate_limit=0.0,
            backoff_base=0.001,
            backoff_cap=0.01,
        ) as c:
            loaded = pipeline.load_desired([str(folder)])
            return await pipeline.apply_saved(c, plan, loaded, plan_path=world.tmp / "plan.json")  # type: ignore[arg-type]

    return asyncio.run(go())


@pytest.mark.parametrize(
    ("path", "sent"),
    [("smart_plus/ad/create/", False), ("file/image/ad/upload/", True), ("file/video/ad/upload/", True)],
)
def test_crash_between_upload_and_ad_create_resumes_without_a_second_upload(
    world: World, tmp_path: Path, path: str, sent: bool
) -> None:
    folder = tmp_path / "fm"
    write_campaign(folder)
    plan = world.plan([str(folder)])
    crashing = CrashAt(EmulatorTransport(world.app), path, sent=sent)
    with pytest.raises(Crash):
        apply_with(world, crashing, folder, plan)
    counting = CrashAt(EmulatorTransport(world.app), "never", sent=False)
    result = apply_with(world, counting, folder, plan)
    assert result.ok, (result.failed, result.verify_problems)  # type: ignore[attr-defined]
    # Before the ad create, both uploads were done and journalled: none again. With an upload's
    # answer lost, that one is found by its signature: no upload is repeated either.
    if not sent:
        assert counting.uploads == []
    else:
        # The upload whose answer was lost is found by its signature, never sent again; the other
        # one ran concurrently and may not have started before the crash.
        crashed_kind = path.split("/")[1]
        assert crashed_kind not in counting.uploads and len(counting.uploads) <= 1, counting.uploads
    for kind, name in (("video", "ugc-3.mp4"), ("image", "ugc-3-cover.png")):
        sig = hashlib.md5((folder / "creatives" / name).read_bytes()).hexdigest()
        assert len([r for r in library(world, kind) if r["signature"] == sig]) == 1, kind
    assert world.plan([str(folder)]).changes == []
