"""Two plans made before either is applied, both uploading the same content (two runners): the
second apply's uploads are refused as duplicate names (the name is the content's hash) and adopt
the first one's files; a live ad whose creative becomes a new file is refused with a clear error."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from reconciler.core.operations import UploadMedia
from reconciler.errors import PlanError
from tests.conftest import World

from .helpers import png, write_campaign
from .test_upload_plan_apply import library


def test_a_second_runner_adopts_the_files_instead_of_copying_them(world: World, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_campaign(a, campaign="Runner A")
    write_campaign(b, campaign="Runner B")
    plan_a, plan_b = world.plan([str(a)]), world.plan([str(b)])
    assert len([c for c in plan_b.changes if isinstance(c, UploadMedia)]) == 2
    assert world.apply(plan_a, [str(a)], plan_path=tmp_path / "a.json").ok
    result = world.apply(plan_b, [str(b)], plan_path=tmp_path / "b.json")
    assert result.ok, (result.failed, result.verify_problems)
    for kind, name in (("video", "ugc-3.mp4"), ("image", "ugc-3-cover.png")):
        sig = hashlib.md5((a / "creatives" / name).read_bytes()).hexdigest()
        assert len([r for r in library(world, kind) if r["signature"] == sig]) == 1, kind
    assert world.plan([str(a), str(b)]).changes == []


def test_a_live_ad_with_a_new_file_is_refused_clearly(world: World, tmp_path: Path) -> None:
    folder = tmp_path / "fm"
    write_campaign(folder)
    assert world.apply(world.plan([str(folder)]), [str(folder)]).ok
    (folder / "creatives" / "ugc-3-cover.png").write_bytes(png(720, 1280, b"a new cover"))
    with pytest.raises(PlanError, match="not in the account yet"):
        world.plan([str(folder)])
