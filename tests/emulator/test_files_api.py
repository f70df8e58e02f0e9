"""Creative files in the emulator: multipart uploads with the MD5 checked, unique file names, a new id per
upload, search rows with `signature`, `/file/name/check/`, the processing delay, uploaded files used by
Smart+ and manual ad create, and the official SDK's multipart upload over HTTP."""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import business_api_client as sdk
import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.emulator import BackgroundServer, create_app
from reconciler.emulator.files_api import FilePart, parse_multipart
from reconciler.emulator.seed import MANUAL_ADGROUPS

from .helpers import ADV, BASE, ID_TT, NOW, Api, assert_error, video_creative


def mp4(seed: bytes = b"", width: int = 720, height: int = 1280, seconds: int = 15) -> bytes:
    """A minimal MP4 header: ftyp, and a moov with an mvhd (duration) and a tkhd (size)."""
    ftyp = struct.pack(">I", 24) + b"ftypisom" + b"\x00\x00\x02\x00" + b"isommp42"
    mvhd_body = b"\x00" + b"\x00" * 3 + struct.pack(">IIII", 0, 0, 1000, seconds * 1000) + b"\x00" * 80
    mvhd = struct.pack(">I", 8 + len(mvhd_body)) + b"mvhd" + mvhd_body
    tkhd_body = b"\x00" + b"\x00\x00\x07" + b"\x00" * 72 + struct.pack(">II", width << 16, height << 16)
    tkhd = struct.pack(">I", 8 + len(tkhd_body)) + b"tkhd" + tkhd_body
    moov = struct.pack(">I", 8 + len(mvhd) + len(tkhd)) + b"moov" + mvhd + tkhd
    return ftyp + moov + b"mdat" + seed


def png(width: int = 720, height: int = 1280, seed: bytes = b"") -> bytes:
    ihdr = struct.pack(">II", width, height) + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\x00\x00\x00\x00" + seed


def jpeg(width: int = 1080, height: int = 1920) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def video_ok(answer: dict[str, Any]) -> dict[str, Any]:
    """The one video of a successful video upload answer (an array of one object)."""
    assert answer["code"] == 0, answer
    (video,) = answer["data"]
    return dict(video)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def upload(
    api: Api,
    kind: str,
    data: bytes,
    file_name: str | None,
    *,
    signature: str | None = "auto",
    filename: str = "upload.bin",
    **fields: str,
) -> dict[str, Any]:
    form: dict[str, str] = {"advertiser_id": ADV, "upload_type": "UPLOAD_BY_FILE", **fields}
    if file_name is not None:
        form["file_name"] = file_name
    if signature is not None:
        form[f"{kind}_signature"] = md5(data) if signature == "auto" else signature
    response = api.client.post(
        f"{BASE}file/{kind}/ad/upload/",
        data=form,
        files={f"{kind}_file": (filename, data, "application/octet-stream")},
        headers={"Access-Token": "demo-token"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_video_upload_answer_and_new_id_per_upload(api: Api) -> None:
    data = mp4(b"clip-1")
    answers = [upload(api, "video", data, name) for name in ("ugc-1.mp4", "ugc-1-again.mp4")]
    for answer in answers:
        # D:1737587322856449: data is an array holding one object.
        assert answer["code"] == 0 and isinstance(answer["data"], list) and len(answer["data"]) == 1
    first, second = (a["data"][0] for a in answers)
    assert first["video_id"] != second["video_id"]  # identical bytes, a new id per upload
    assert first["material_id"] != second["material_id"]
    assert first["signature"] == second["signature"] == md5(data) and second["size"] == len(data)
    assert (second["format"], second["width"], second["height"], second["duration"]) == (
        "mp4",
        720,
        1280,
        15.0,
    )
    assert second["file_name"] == "ugc-1-again.mp4" and second["displayable"] is True
    assert second["create_time"] == "2026-11-29T00:00:00Z"
    assert second["video_id"].startswith("v2") and len(second["video_id"]) == 18
    info = api.ok(api.get("file/video/ad/info/", advertiser_id=ADV, video_ids=[second["video_id"]]))
    assert info["list"][0]["signature"] == md5(data)


def test_video_upload_refusals(api: Api) -> None:
    data = mp4(b"clip-2")
    video_ok(upload(api, "video", data, "taken.mp4"))
    assert_error(
        upload(api, "video", mp4(b"other"), "taken.mp4"),
        40002,
        "file_name: A video named 'taken.mp4' already exists in this ad account (material_id "
        "7310000000000000001). Rename the file and upload it again.",
    )
    assert_error(
        upload(api, "video", data, "bad-sig.mp4", signature="0" * 32),
        40002,
        f"video_signature: Does not match the MD5 of video_file ({md5(data)}).",
    )
    assert_error(
        upload(api, "video", data, "no-sig.mp4", signature=None),
        40002,
        "video_signature: value is required but missing",
    )
    assert_error(
        upload(api, "video", b"hello world, not a video", "text.mp4"),
        40002,
        "video_file: Unsupported video format. Use .mp4, .mov, .mpeg or .avi.",
    )
    assert_error(
        api.post("file/video/ad/upload/", {"advertiser_id": ADV, "upload_type": "UPLOAD_BY_FILE"}),
        40002,
        "video_file: value is required but missing",
    )
    assert_error(
        api.post("file/video/ad/upload/", {"advertiser_id": ADV, "upload_type": "UPLOAD_BY_URL"}),
        40002,
        "upload_type: UPLOAD_BY_URL is not supported by the emulator; use UPLOAD_BY_FILE.",
    )
    # The default file name is the uploaded file's own name.
    named = upload(api, "video", mp4(b"clip-3"), None, filename="from-disk.mov")["data"][0]
    assert named["file_name"] == "from-disk.mov"


def test_upload_by_video_id_returns_the_same_id(api: Api) -> None:
    answer = api.post(
        "file/video/ad/upload/",
        {"advertiser_id": ADV, "upload_type": "UPLOAD_BY_VIDEO_ID", "video_id": "v10000000000000003"},
    )
    assert answer["code"] == 0
    assert [v["video_id"] for v in answer["data"]] == ["v10000000000000003"]


def _search(api: Api, kind: str, **params: Any) -> dict[str, Any]:
    return api.ok(api.get(f"file/{kind}/ad/search/", advertiser_id=ADV, **params))


def test_video_search_signature_and_dedupe(api: Api) -> None:
    data = mp4(b"dup")
    one = upload(api, "video", data, "dup-a.mp4")["data"][0]["video_id"]
    two = upload(api, "video", data, "dup-b.mp4")["data"][0]["video_id"]
    assert one != two
    listed = _search(api, "video", page_size=100)
    signatures = [v["signature"] for v in listed["list"]]
    # Without video_ids, a video uploaded several times appears once (the first upload).
    assert signatures.count(md5(data)) == 1
    assert [v["video_id"] for v in listed["list"] if v["signature"] == md5(data)] == [one]
    assert listed["page_info"]["total_number"] == 9 + 1  # the 9 seeded videos and the upload
    both = _search(api, "video", filtering={"video_ids": [one, two]})
    assert sorted(v["video_id"] for v in both["list"]) == sorted([one, two])
    assert {v["signature"] for v in both["list"]} == {md5(data)}
    assert set(both["list"][0]) >= {"video_id", "signature", "size", "material_id", "file_name", "duration"}
    named = _search(api, "video", filtering={"video_name": "DUP-"})
    assert [v["video_id"] for v in named["list"]] == [one]
    assert _search(api, "video")["page_info"]["page_size"] == 20
    assert_error(
        api.get("file/video/ad/search/", advertiser_id=ADV, filtering={"width": 720}),
        40002,
        "filtering.width: Deprecated in v1.3.",
    )
    assert_error(
        api.get("file/video/ad/search/", advertiser_id=ADV, filtering={"material_ids": ["1"] * 21}),
        40002,
        "filtering.material_ids: Must contain at most 20 items.",
    )


def test_image_upload_search_and_limits(api: Api) -> None:
    cover = png(720, 1280)
    answer = upload(api, "image", cover, "cover.png")
    image = api.ok(answer)
    assert isinstance(answer["data"], dict)  # an object for images
    assert (image["format"], image["width"], image["height"]) == ("png", 720, 1280)
    assert image["signature"] == md5(cover) and image["image_id"].startswith("i2")
    again = api.ok(upload(api, "image", cover, "cover-again.png"))
    assert again["image_id"] != image["image_id"]
    photo = api.ok(upload(api, "image", jpeg(1080, 1920), "photo.jpg"))
    assert (photo["format"], photo["width"], photo["height"]) == ("jpeg", 1080, 1920)
    # No MD5 dedupe for images (NOT FOUND): both uploads of the cover are listed.
    rows = _search(api, "image", filtering={"image_ids": [image["image_id"], again["image_id"]]})["list"]
    assert {r["signature"] for r in rows} == {md5(cover)} and len(rows) == 2
    wide = _search(api, "image", filtering={"ratio": [0.56], "width": 720})["list"]
    # The filter finds both uploads, and only 720-wide images (the seed's covers are 720x1280 too).
    assert {image["image_id"], again["image_id"]} <= {r["image_id"] for r in wide}
    assert {r["width"] for r in wide} == {720}
    assert_error(
        upload(api, "image", png(2000, 2000), "huge.png"),
        40002,
        "image_file: The image has 2000 x 2000 = 4000000 pixels; at most 3686400 (1440 x 2560) are allowed.",
    )
    assert_error(
        upload(api, "image", b"GIF89a....", "anim.gif"),
        40002,
        "image_file: Unsupported image format. Use JPG, JPEG or PNG.",
    )
    assert_error(
        upload(api, "image", png(10, 10, b"x"), "cover.png"),
        40002,
        "file_name: A image named 'cover.png' already exists in this ad account (material_id "
        f"{image['material_id']}). Rename the file and upload it again.",
    )
    # A video and an image may share a name: names are unique per file type.
    video_ok(upload(api, "video", mp4(b"same-name"), "cover.png"))


def test_name_check(api: Api) -> None:
    video_ok(upload(api, "video", mp4(b"named"), "launch.mp4"))
    video = _search(api, "video", filtering={"video_name": "launch"})["list"][0]
    assert api.ok(
        api.get("file/name/check/", advertiser_id=ADV, file_name="launch.mp4", file_type="VIDEO")
    ) == {
        "duplicate": True,
        "duplicate_material_id": video["material_id"],
    }
    assert api.ok(
        api.get("file/name/check/", advertiser_id=ADV, file_name="launch.mp4", file_type="IMAGE")
    ) == {"duplicate": False}
    batch = api.ok(
        api.get(
            "file/name/check/",
            advertiser_id=ADV,
            files=[
                {"file_name": "launch.mp4"},
                {"file_name": "demo-image-1.jpg", "file_type": "IMAGE"},
                {"file_name": "new.mp4"},
            ],
        )
    )
    assert [(r["file_name"], r["duplicate"]) for r in batch["batch_results"]] == [
        ("launch.mp4", True),
        ("demo-image-1.jpg", True),
        ("new.mp4", False),
    ]
    assert_error(
        api.get("file/name/check/", advertiser_id=ADV), 40002, "file_name: value is required but missing"
    )


def test_processing_delay_holds_only_the_id(api: Api) -> None:
    assert api.admin("files", {"processing_delay_s": 60}) == {"ok": True, "processing_delay_s": 60.0}
    data = mp4(b"slow")
    answer = upload(api, "video", data, "slow.mp4")
    assert answer["code"] == 0
    (video,) = answer["data"]
    assert list(video) == ["video_id"]
    image = api.ok(upload(api, "image", png(), "slow-cover.png"))
    assert list(image) == ["image_id"]
    info = api.ok(api.get("file/video/ad/info/", advertiser_id=ADV, video_ids=[video["video_id"]]))
    assert info["list"] == [{"video_id": video["video_id"]}]
    assert md5(data) not in [v["signature"] for v in _search(api, "video", page_size=100)["list"]]
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    creative = video_creative(1)
    creative["creative_info"]["video_info"]["video_id"] = video["video_id"]
    assert_error(
        api.post(
            "smart_plus/ad/create/",
            {
                "advertiser_id": ADV,
                "adgroup_id": adgroup["adgroup_id"],
                "ad_name": "too early",
                "creative_list": [creative],
                "ad_text_list": [{"ad_text": "x"}],
            },
        ),
        40002,
        f"creative_list[0].creative_info.video_info.video_id: Video does not exist. video_id {video['video_id']}.",
    )
    api.admin("clock", {"now": "2026-11-29 00:01:00"})  # 60 s later, by the emulator's clock
    info = api.ok(api.get("file/video/ad/info/", advertiser_id=ADV, video_ids=[video["video_id"]]))
    assert info["list"][0]["signature"] == md5(data)
    assert md5(data) in [v["signature"] for v in _search(api, "video", page_size=100)["list"]]
    image_info = api.ok(api.get("file/image/ad/info/", advertiser_id=ADV, image_ids=[image["image_id"]]))
    assert image_info["list"][0]["width"] == 720
    assert api.admin("files", {"processing_delay_s": 0})["processing_delay_s"] == 0.0
    assert api.admin("files", {"delay": 1})["ok"] is False


def test_uploads_are_usable_by_ad_create(api: Api) -> None:
    video = upload(api, "video", mp4(b"for-ads"), "for-ads.mp4")["data"][0]["video_id"]
    cover = api.ok(upload(api, "image", png(), "for-ads-cover.png"))["image_id"]
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    creative = video_creative(1, identity=ID_TT, identity_type="TT_USER")
    creative["creative_info"]["video_info"]["video_id"] = video
    creative["creative_info"]["image_info"] = [{"web_uri": cover}]
    ad = api.ad(
        adgroup["adgroup_id"],
        creative_list=[creative],
        call_to_action_list=None,
        ad_configuration={"call_to_action_id": "7400000000000000001"},
    )
    assert ad["creative_list"][0]["creative_info"]["image_info"] == [{"web_uri": cover}]
    manual = api.ok(
        api.post(
            "ad/create/",
            {
                "advertiser_id": ADV,
                "adgroup_id": MANUAL_ADGROUPS[0],
                "creatives": [
                    {
                        "ad_name": "Uploaded",
                        "ad_format": "SINGLE_VIDEO",
                        "identity_type": "TT_USER",
                        "identity_id": ID_TT,
                        "video_id": video,
                        "image_ids": [cover],
                        "ad_text": "New upload",
                        "landing_page_url": "https://shop.example.com/",
                    }
                ],
            },
        )
    )
    assert manual["creatives"][0]["video_id"] == video


def test_file_endpoints_need_the_creative_scope(api: Api) -> None:
    api.admin("token", {"token": "no-files", "advertiser_ids": [ADV], "scopes": ["ads_management"]})
    response = api.client.post(
        f"{BASE}file/image/ad/upload/",
        data={"advertiser_id": ADV},
        files={"image_file": ("a.png", png(), "image/png")},
        headers={"Access-Token": "no-files"},
    )
    assert response.json()["code"] == 40001


@pytest.fixture(scope="module")
def sdk_client() -> Iterator[Any]:
    app = create_app(now=NOW)
    with BackgroundServer(app) as url:
        configuration = sdk.Configuration()
        configuration.host = url
        yield sdk.ApiClient(configuration)


def test_sdk_multipart_upload_and_search(sdk_client: Any, tmp_path: Path) -> None:
    files = sdk.FileApi(sdk_client)
    video_path = tmp_path / "sdk-ugc.mp4"
    video_path.write_bytes(mp4(b"sdk"))
    answer = files.ad_video_upload(
        "demo-token",
        advertiser_id=ADV,
        file_name="sdk-ugc.mp4",
        upload_type="UPLOAD_BY_FILE",
        video_file=str(video_path),
        video_signature=md5(video_path.read_bytes()),
    )
    (video,) = answer["data"]
    assert video["signature"] == md5(video_path.read_bytes()) and video["file_name"] == "sdk-ugc.mp4"
    image_path = tmp_path / "sdk-cover.jpg"
    image_path.write_bytes(jpeg(720, 1280))
    image = files.ad_image_upload(
        "demo-token",
        advertiser_id=ADV,
        file_name="sdk-cover.jpg",
        upload_type="UPLOAD_BY_FILE",
        image_file=str(image_path),
        image_signature=md5(image_path.read_bytes()),
    )["data"]
    assert (image["format"], image["width"], image["height"]) == ("jpeg", 720, 1280)
    found = files.ad_video_search(
        ADV, "demo-token", filtering=sdk.FilteringVideoAdSearch(video_ids=[video["video_id"]])
    )["data"]
    assert [v["signature"] for v in found["list"]] == [video["signature"]]


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=2000), name=st.text(min_size=1, max_size=40).filter(lambda t: "\x00" not in t))
def test_multipart_bodies_round_trip_exactly(data: bytes, name: str) -> None:
    # Any bytes (CRLFs, dashes, boundary-like runs included) come back unchanged, as httpx sends them.
    request = httpx.Request(
        "POST",
        "http://emulator/",
        data={"advertiser_id": ADV, "file_name": name},
        files={"video_file": ("clip.mp4", data, "video/mp4")},
    )
    parsed = parse_multipart(request.headers["content-type"], request.read())
    part = parsed["video_file"]
    assert isinstance(part, FilePart) and part.data == data and part.filename == "clip.mp4"
    assert parsed["file_name"] == name and parsed["advertiser_id"] == ADV
