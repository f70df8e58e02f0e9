"""`file:` creatives end to end against the emulator: planned as uploads, applied once, then ids."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler import pipeline
from reconciler.adapters.connect import EMULATOR_CLOCK_URL
from reconciler.core.operations import CreateAd, UploadMedia
from reconciler.emulator import EmulatorTransport
from reconciler.errors import SmartplusError
from tests.conftest import World

from .helpers import png, write_campaign


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def library(world: World, kind: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        data = world.get(f"file/{kind}/ad/search/", page=page, page_size=100)
        rows.extend(data["list"])
        if page >= data["page_info"]["total_page"]:
            return rows
        page += 1


def uploads(plan: Any) -> list[UploadMedia]:
    return [c for c in plan.changes if isinstance(c, UploadMedia)]


def test_files_plan_two_uploads_apply_once_then_nothing(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "fm"
    write_campaign(folder)
    video, cover = (
        (folder / "creatives/ugc-3.mp4").read_bytes(),
        (folder / "creatives/ugc-3-cover.png").read_bytes(),
    )
    plan = world.plan([str(folder)])
    ups = uploads(plan)
    assert sorted((u.media_kind, u.md5, u.size) for u in ups) == sorted(
        [("video", md5(video), len(video)), ("image", md5(cover), len(cover))]
    )
    (ad,) = [c for c in plan.changes if isinstance(c, CreateAd)]
    assert all(u.used_by == (str(ad.address),) for u in ups)
    assert {r.created_by for _, r in ad.media} == {u.id for u in ups}
    assert all(int(u.id) < int(ad.id) for u in ups)
    info = ad.body["creative_list"][0]["creative_info"]
    assert "file" not in info["video_info"] and "file" not in info["image_info"][0]

    result = world.apply(plan, [str(folder)])
    assert result.ok, (result.failed, result.verify_problems)
    videos = [v for v in library(world, "video") if v["signature"] == md5(video)]
    images = [i for i in library(world, "image") if i["signature"] == md5(cover)]
    assert len(videos) == 1 and len(images) == 1
    assert videos[0]["file_name"] == f"smartplus-video-{md5(video)}"

    again = world.plan([str(folder)])
    assert again.changes == [], [c.to_json() for c in again.changes]

    # A second campaign with the same files: no upload, the ids the account has.
    write_campaign(folder, name="second.yaml", campaign="Files test 2")
    second = world.plan([str(folder)])
    assert uploads(second) == []
    (ad2,) = [c for c in second.changes if isinstance(c, CreateAd)]
    info = ad2.body["creative_list"][0]["creative_info"]
    assert info["video_info"] == {"video_id": videos[0]["video_id"]}
    assert info["image_info"] == [{"web_uri": images[0]["image_id"]}]
    assert world.apply(second, [str(folder)], plan_path=tmp_path / "second.json").ok
    assert len([v for v in library(world, "video") if v["signature"] == md5(video)]) == 1
    assert len([i for i in library(world, "image") if i["signature"] == md5(cover)]) == 1


def test_same_content_under_two_paths_is_one_upload(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "fm"
    write_campaign(folder)
    (folder / "creatives" / "copy.png").write_bytes((folder / "creatives/ugc-3-cover.png").read_bytes())
    write_campaign(folder, name="second.yaml", campaign="Files test 2", cover="creatives/copy.png")
    plan = world.plan([str(folder)])
    images = [u for u in uploads(plan) if u.media_kind == "image"]
    assert len(images) == 1 and len(images[0].used_by) == 2 and len(images[0].paths) == 2
    assert len(uploads(plan)) == 2


def test_a_changed_file_makes_the_saved_plan_stale(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "fm"
    write_campaign(folder)
    plan = world.plan([str(folder)])
    (folder / "creatives/ugc-3-cover.png").write_bytes(png(720, 1280, b"other"))
    with pytest.raises(SmartplusError, match="manifest"):
        world.apply(plan, [str(folder)])


def test_apply_waits_for_processing_before_the_ad(world: World, tmp_path: Path) -> None:
    """Uploads answered with only their id (60 s of processing, by the emulator's clock): apply
    polls with back-off (each back-off moves the emulator's clock) and creates the ad after."""
    folder = tmp_path / "fm"
    write_campaign(folder)
    plan = world.plan([str(folder)])
    world.run(lambda c: c._http.post("http://emulator/_emulator/files", json={"processing_delay_s": 60}))
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        async with httpx.AsyncClient(transport=EmulatorTransport(world.app)) as h:
            await h.post(EMULATOR_CLOCK_URL, json={"advance_days": 20 / 86400})

    loaded = world.load([str(folder)])
    result = world.run(
        lambda c: pipeline.apply_saved(c, plan, loaded, plan_path=tmp_path / "plan.json"), sleep=sleep
    )
    assert result.ok, (result.failed, result.verify_problems)
    assert len(slept) >= 3  # 60 s of processing at 20 s per back-off
    assert world.plan([str(folder)]).changes == []


def test_the_plan_shows_each_upload_with_its_size_and_its_ads(world: World, tmp_path: Path) -> None:
    from reconciler.core import explain

    folder = tmp_path / "fm"
    write_campaign(folder)
    plan = world.plan([str(folder)])
    text = "\n".join(line for _, line in explain.text_lines(plan))
    size = (folder / "creatives/ugc-3.mp4").stat().st_size
    assert f"{size:,} bytes" in text and "creatives/ugc-3.mp4" in text
    (ad,) = [c for c in plan.changes if isinstance(c, CreateAd)]
    assert text.count(f"used by {ad.address}") == 2
    assert [type(c).from_json(c.to_json()) for c in plan.changes] == plan.changes  # the saved plan


def test_the_library_is_read_in_bulk_and_drift_sees_ids(world: World, tmp_path: Path) -> None:
    from reconciler.core.drift import drift_items

    folder = tmp_path / "fm"
    write_campaign(folder)
    for n in range(3):  # more files: still one library read per kind
        (folder / "creatives" / f"v{n}.mp4").write_bytes(
            b"".join([(folder / "creatives/ugc-3.mp4").read_bytes(), b"%d" % n])
        )
        write_campaign(folder, name=f"c{n}.yaml", campaign=f"Files {n}", video=f"creatives/v{n}.mp4")
    plan = world.plan([str(folder)])
    calls = plan.stats["calls_per_endpoint"]
    assert calls["/file/video/ad/search/"] == 1 and calls["/file/image/ad/search/"] == 1, calls
    assert len(uploads(plan)) == 5  # 4 videos, 1 shared cover
    assert world.apply(plan, [str(folder)]).ok
    after = world.plan([str(folder)])
    assert after.changes == [] and drift_items(after) == []
