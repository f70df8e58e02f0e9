"""validate on `file:` creatives: each refusal names the file, the line and the path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reconciler.adapters import files, media
from reconciler.errors import ManifestError, Problem

from .helpers import jpeg, png, write_campaign

INFO = "adgroups[0].ads[0].creative_list[0].creative_info"


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(ManifestError) as exc:
        files.load([str(folder)])
    return list(exc.value.problems)


def one(folder: Path) -> Problem:
    (p,) = problems(folder)
    assert p.location.file is not None and p.location.file.endswith("files.yaml")
    assert p.location.line is not None
    return p


def test_a_manifest_with_files_validates_and_reads_them(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    loaded = files.load([str(tmp_path)])
    kinds = sorted((u.media.kind, u.media.size, u.media.width) for u in loaded.media)
    assert kinds == [
        ("image", len(png(720, 1280, b"ugc-3")), 720),
        ("video", len((tmp_path / "creatives/ugc-3.mp4").read_bytes()), None),
    ]


def test_missing_file(tmp_path: Path) -> None:
    write_campaign(tmp_path, video="creatives/nope.mp4")
    p = one(tmp_path)
    assert (p.rule, p.location.path) == ("media-file", f"{INFO}.video_info.file")
    assert "no such file" in p.message and "creatives/nope.mp4" in p.message
    assert p.location.line == 25


def test_path_outside_the_manifest_folders(tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(png())
    write_campaign(tmp_path / "m", cover="../outside.png")
    p = one(tmp_path / "m")
    assert (p.rule, p.location.path) == ("media-path", f"{INFO}.image_info[0].file")
    assert p.location.line == 26


def test_a_symlink_out_of_the_folders_is_outside(tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(png())
    write_campaign(tmp_path / "m")
    os.symlink(tmp_path / "outside.png", tmp_path / "m" / "creatives" / "link.png")
    write_campaign(tmp_path / "m", cover="creatives/link.png")
    assert one(tmp_path / "m").rule == "media-path"


def test_wrong_type_by_extension_and_by_content(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    (tmp_path / "creatives" / "cover.gif").write_bytes(b"GIF89a")
    write_campaign(tmp_path, cover="creatives/cover.gif")
    p = one(tmp_path)
    assert p.rule == "media-type" and "jpg, jpeg, png" in p.message
    (tmp_path / "creatives" / "fake.png").write_bytes(b"not a png at all")
    write_campaign(tmp_path, cover="creatives/fake.png")
    assert one(tmp_path).rule == "media-type"
    write_campaign(tmp_path, video="creatives/ugc-3-cover.png")  # an image as the video
    assert one(tmp_path).rule == "media-type"
    (tmp_path / "creatives" / "fake.mp4").write_bytes(b"not a video, only its name")
    write_campaign(tmp_path, video="creatives/fake.mp4")
    p = one(tmp_path)
    assert p.rule == "media-type" and "first bytes" in p.message


def test_oversized_image_in_pixels(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    (tmp_path / "creatives" / "big.png").write_bytes(png(1921, 1920))
    write_campaign(tmp_path, cover="creatives/big.png")
    p = one(tmp_path)
    assert p.rule == "media-size" and "1921x1920" in p.message
    (tmp_path / "creatives" / "big.jpg").write_bytes(jpeg(1921, 1920))
    write_campaign(tmp_path, cover="creatives/big.jpg")
    assert one(tmp_path).rule == "media-size"
    (tmp_path / "creatives" / "ok.jpg").write_bytes(jpeg(1920, 1920))  # 3,686,400 exactly
    write_campaign(tmp_path, cover="creatives/ok.jpg")
    files.load([str(tmp_path)])


def test_oversized_image_in_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_campaign(tmp_path)
    monkeypatch.setattr(media, "MAX_IMAGE_BYTES", 16)
    p = one(tmp_path)
    assert p.rule == "media-size" and p.location.path == f"{INFO}.image_info[0].file"


def test_not_a_regular_file(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    os.mkfifo(tmp_path / "creatives" / "pipe.png")
    write_campaign(tmp_path, cover="creatives/pipe.png")
    assert one(tmp_path).rule == "media-file"


def test_id_and_file_together_or_neither(tmp_path: Path) -> None:
    path = write_campaign(tmp_path)
    text = path.read_text()
    path.write_text(
        text.replace("{file: creatives/ugc-3.mp4}", '{file: creatives/ugc-3.mp4, video_id: "v1"}')
    )
    assert one(tmp_path).rule == "creative-source"
    path.write_text(text.replace("{file: creatives/ugc-3.mp4}", "{}"))
    assert one(tmp_path).rule == "required"


def test_the_digest_covers_the_files_content(tmp_path: Path) -> None:
    write_campaign(tmp_path)
    before = files.load([str(tmp_path)]).digest
    assert files.load([str(tmp_path)]).digest == before
    (tmp_path / "creatives" / "ugc-3.mp4").write_bytes(
        (tmp_path / "creatives" / "ugc-3.mp4").read_bytes() + b"x"
    )
    assert files.load([str(tmp_path)]).digest != before
