"""Creative files: `/file/video/ad/upload/`, `/file/image/ad/upload/`, their `search` and `info`, and
`/file/name/check/` (D:1737587322856449, D:1739067433456642, D:1740050472224769, D:1740052016789506,
D:1759130033155073).

Reads and writes the store's assets. Uploads by file are multipart (`parse_multipart`, the app's body
reader for `multipart/form-data`). As TikTok documents: the MD5 `*_signature` is checked against the
bytes, a `file_name` already used by a video (image) of the advertiser is refused, and every upload by
file returns a NEW id even for identical bytes; deduplicating is the client's job, through the
`signature` of the search rows. Uploaded files are stored exactly like the seeded ones (asset kinds
`video` and `image`, keyed by `video_id` / `image_id`), so `/smart_plus/ad/create/` and manual
`/ad/create/` accept them with the same checks.

A processing delay (`POST /_emulator/files {"processing_delay_s": N}`, emulator clock) reproduces the
documented lag: until it has passed, the upload answer and `info` hold only the id, search does not list
the file and ad create does not find it (the file is kept as a `video_pending`/`image_pending` asset and
promoted on the first request after the delay). The emulator cannot decode media: it checks the format
by the file's magic bytes, reads width/height (PNG, JPEG, MP4/MOV headers) and duration (MP4/MOV) where
the header has them, and leaves what it cannot read null.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import struct
from dataclasses import dataclass
from email.message import Message
from typing import Any

from . import objects, schema
from .smart_plus import Handler, authorize
from .store import Store
from .wire import JSON, Query, page_info, param_error

VIDEO, IMAGE = "video", "image"
PENDING = {VIDEO: "video_pending", IMAGE: "image_pending"}
DELAY_KEY = "files_processing_delay_s"
# Attribute set on a Store once it is known whether pending uploads exist (unset: look in the db once,
# as a reused database file may hold uploads still processing from an earlier run).
_PENDING_FLAG = "_emulator_files_pending"
MAX_VIDEO_BYTES = 500 * 1024 * 1024  # "500 MB limit" (recommended settings, D:1737587322856449)
MAX_IMAGE_BYTES = 50 * 1024 * 1024  # D:1739067433456642
MAX_IMAGE_PIXELS = 3_686_400  # 1440 x 2560, D:1739067433456642
SEARCH_LIMIT = 10_000  # "only the 10,000 most recently modified"
# Ids of uploads: the seed's videos are v1000000000000000N and images i1000000000000000N; uploads take
# v2/i2 followed by a 16-digit counter, and 19-digit material ids in their own ranges.
UPLOAD_ID_PREFIX = {VIDEO: "v2", IMAGE: "i2"}
MATERIAL_BASE = {VIDEO: 7_310_000_000_000_000_000, IMAGE: 7_320_000_000_000_000_000}
VIDEO_UPLOAD_TYPES = ("UPLOAD_BY_FILE", "UPLOAD_BY_URL", "UPLOAD_BY_FILE_ID", "UPLOAD_BY_VIDEO_ID")
IMAGE_UPLOAD_TYPES = ("UPLOAD_BY_FILE", "UPLOAD_BY_URL", "UPLOAD_BY_FILE_ID")
VIDEO_SOURCES = (
    "UPLOADED_TO_TIKTOK_ADS_MANAGER",
    "UPLOADED_TO_CATALOG",
    "CREATIVE_TOOL_SMART_VIDEO",
    "CREATIVE_TOOL_QUICK_OPTIMIZATION",
    "CREATIVE_TOOL_VIDEO_TEMPLATE",
    "CREATIVE_TOOL_SMART_VIDEO_SOUNDTRACK",
    "CREATIVE_TOOL_TIKTOK_VIDEO_EDITOR",
    "TIKTOK_CREATIVE_EXCHANGE",
    "CATALOG_VIDEO_TEMPLATE",
    "DYNAMIC_VIDEO_EDITOR",
    "CREATIVE_CHALLENGE",
    "AUTOMATED_CREATIVE_OPTIMIZATION",
    "OTHER",
    "QUICK_GENERATION",
    "CREATIVE_CENTER_VIDEO_UPLOAD",
    "CREATIVE_CENTER_TIKTOK_VIDEO_EDITOR",
    "CREATIVE_CENTER_VIDEO_TEMPLATE",
    "DYNAMIC_SCENE",
    "SMART_OPTIMIZATION_TOOL",
)
VIDEO_KEYS = (
    "video_id",
    "video_cover_url",
    "format",
    "preview_url",
    "preview_url_expire_time",
    "duration",
    "height",
    "width",
    "bit_rate",
    "signature",
    "size",
    "material_id",
    "allowed_placements",
    "allow_download",
    "file_name",
    "create_time",
    "modify_time",
    "displayable",
)
IMAGE_KEYS = (
    "image_id",
    "material_id",
    "is_carousel_usable",
    "width",
    "format",
    "image_url",
    "height",
    "signature",
    "size",
    "file_name",
    "create_time",
    "modify_time",
    "displayable",
)


@dataclass(frozen=True)
class FilePart:
    """One file of a multipart body."""

    filename: str
    content_type: str
    data: bytes


# ---------------------------------------------------------------------- multipart


def _disposition(header_block: bytes) -> tuple[str | None, str | None, str]:
    """(name, filename, content type) from the headers of one multipart part."""
    message = Message()
    for line in header_block.decode("utf-8", "replace").split("\r\n"):
        key, sep, value = line.partition(":")
        if sep:
            message[key.strip()] = value.strip()
    name = message.get_param("name", header="content-disposition")
    filename = message.get_param("filename", header="content-disposition")
    return (
        None if name is None else str(name),
        None if filename is None else str(filename),
        message.get_content_type(),
    )


def parse_multipart(content_type: str, raw: bytes) -> JSON:
    """A `multipart/form-data` body as {field: str | FilePart}; 40002 on a malformed body."""
    message = Message()
    message["content-type"] = content_type
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise param_error("body", "multipart/form-data without a boundary.")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = raw.split(delimiter)
    if len(chunks) < 3 or not chunks[-1].startswith(b"--"):
        raise param_error("body", "Malformed multipart/form-data body.")
    out: JSON = {}
    for chunk in chunks[1:-1]:
        part = chunk[2:] if chunk.startswith(b"\r\n") else chunk
        part = part[:-2] if part.endswith(b"\r\n") else part
        head, sep, data = part.partition(b"\r\n\r\n")
        if not sep:
            raise param_error("body", "Malformed multipart/form-data part.")
        name, filename, ctype = _disposition(head)
        if name is None:
            raise param_error("body", "A multipart part has no name.")
        if filename is not None:
            out[name] = FilePart(filename, ctype, data)
        else:
            out[name] = data.decode("utf-8", "replace")
    return out


# ---------------------------------------------------------------------- media headers


def video_format(data: bytes) -> str | None:
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return "mov" if data[8:12] == b"qt  " else "mp4"
    if len(data) >= 8 and data[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mov"
    if data[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "mpeg"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"AVI ":
        return "avi"
    return None


def mp4_facts(data: bytes) -> tuple[int | None, int | None, float | None]:
    """(width, height, duration) from the `tkhd` and `mvhd` boxes of an MP4/MOV, where present."""
    width = height = None
    duration = None
    at = data.find(b"mvhd")
    if at >= 4 and len(data) >= at + 32:
        version = data[at + 4]
        try:
            if version == 1:
                timescale, length = struct.unpack(">IQ", data[at + 24 : at + 36])
            else:
                timescale, length = struct.unpack(">II", data[at + 16 : at + 24])
            if timescale:
                duration = round(length / timescale, 3)
        except struct.error:
            duration = None
    start = 0
    while True:
        at = data.find(b"tkhd", start)
        if at < 4:
            break
        size = struct.unpack(">I", data[at - 4 : at])[0]
        end = at - 4 + size
        if size >= 92 and end <= len(data):
            w, h = struct.unpack(">II", data[end - 8 : end])
            if w and h:
                width, height = w >> 16, h >> 16
                break
        start = at + 4
    return width, height, duration


_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_facts(data: bytes) -> tuple[str, int, int] | None:
    """(format, width, height) of a PNG or JPEG, or None if the bytes are neither."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24 and data[12:16] == b"IHDR":
        width, height = struct.unpack(">II", data[16:24])
        return "png", width, height
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD9)):
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _JPEG_SOF:
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return "jpeg", width, height
        i += 2 + length
    return None


# ---------------------------------------------------------------------- store helpers


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def processing_delay(store: Store) -> float:
    return float(store.meta_get(DELAY_KEY) or 0.0)


def _next_upload(store: Store, kind: str) -> tuple[str, str]:
    key = f"next_upload_{kind}"
    with store.lock:
        n = int(store.meta_get(key) or 1)
        store.meta_set(key, str(n + 1))
    return f"{UPLOAD_ID_PREFIX[kind]}{n:016d}", str(MATERIAL_BASE[kind] + n)


def _advertiser_files(store: Store, kind: str, advertiser_id: str) -> list[JSON]:
    return store.assets(kind, advertiser_id) + store.assets(PENDING[kind], advertiser_id)


def _name_owner(store: Store, kind: str, advertiser_id: str, file_name: str) -> JSON | None:
    for item in _advertiser_files(store, kind, advertiser_id):
        if item.get("file_name") == file_name:
            return item
    return None


def promote_ready(store: Store) -> None:
    """Move pending uploads whose processing delay has passed into the library (called by the app
    before every TikTok request, so ad create sees them as soon as TikTok would)."""
    if getattr(store, _PENDING_FLAG, None) is False:
        return  # nothing pending: no query on the hot path of every request
    now = store.now_str()
    with store.lock:
        rows = store.conn.execute(
            "SELECT kind, id, advertiser_id, data FROM assets WHERE kind IN (?, ?)",
            (PENDING[VIDEO], PENDING[IMAGE]),
        ).fetchall()
        left = 0
        for kind, asset_id, advertiser_id, raw in rows:
            data = json.loads(raw)
            if str(data.get("_ready_at", "")) > now:
                left += 1
                continue
            final = VIDEO if kind == PENDING[VIDEO] else IMAGE
            data.pop("_ready_at", None)
            store.put_assets(final, str(advertiser_id), [(str(asset_id), data)])
            store.conn.execute("DELETE FROM assets WHERE kind = ? AND id = ?", (kind, asset_id))
        setattr(store, _PENDING_FLAG, left > 0)


def _store_upload(store: Store, kind: str, advertiser_id: str, asset_id: str, doc: JSON) -> bool:
    """Store an upload; return whether it is still processing."""
    delay = processing_delay(store)
    if delay <= 0:
        store.put_assets(kind, advertiser_id, [(asset_id, doc)])
        return False
    ready = store.now() + dt.timedelta(seconds=delay)
    doc = {**doc, "_ready_at": ready.strftime("%Y-%m-%d %H:%M:%S")}
    store.put_assets(PENDING[kind], advertiser_id, [(asset_id, doc)])
    setattr(store, _PENDING_FLAG, True)
    return True


# ---------------------------------------------------------------------- uploads


def _flag(value: Any, path: str) -> bool:
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise param_error(path, "Not a valid boolean.")


def _file_name(raw: JSON, part: FilePart, store: Store, kind: str, advertiser_id: str) -> str:
    name = raw.get("file_name")
    if name is None or name == "":
        # Default: the original file name, cut to 100 characters (D:1737587322856449).
        name = part.filename[:100]
    if not isinstance(name, str):
        raise param_error("file_name", "Not a valid string")
    if not 1 <= len(name) <= 100:
        raise param_error("file_name", "Length must be between 1 and 100.")
    owner = _name_owner(store, kind, advertiser_id, name)
    if owner is not None:
        # Duplicate names are documented as an error; its code and message are NOT FOUND in the
        # reference: 40002 on file_name, the emulator's wording.
        raise param_error(
            "file_name",
            f"A {kind} named {name!r} already exists in this ad account (material_id "
            f"{owner.get('material_id')}). Rename the file and upload it again.",
        )
    return name


def _signed_file(raw: JSON, file_key: str, signature_key: str) -> tuple[FilePart, str]:
    part = raw.get(file_key)
    if part is None:
        raise param_error(file_key, schema.REQUIRED)
    if not isinstance(part, FilePart):
        raise param_error(file_key, "Must be a file in a multipart/form-data body.")
    signature = raw.get(signature_key)
    if signature is None or signature == "":
        raise param_error(signature_key, schema.REQUIRED)
    if not isinstance(signature, str):
        raise param_error(signature_key, "Not a valid string")
    md5 = hashlib.md5(part.data).hexdigest()
    if signature.lower() != md5:
        # The check is documented ("used for server verification"); its error is NOT FOUND: 40002.
        raise param_error(signature_key, f"Does not match the MD5 of {file_key} ({md5}).")
    return part, md5


def _upload_type(raw: JSON, allowed: tuple[str, ...]) -> str:
    value = raw.get("upload_type") or "UPLOAD_BY_FILE"
    if value not in allowed:
        raise param_error("upload_type", f"Must be one of: {', '.join(allowed)}.")
    if value in ("UPLOAD_BY_URL", "UPLOAD_BY_FILE_ID"):
        # The emulator fetches nothing and holds no file repository.
        raise param_error("upload_type", f"{value} is not supported by the emulator; use UPLOAD_BY_FILE.")
    return str(value)


def _video_view(doc: JSON, processing: bool) -> JSON:
    if processing:
        return {"video_id": doc["video_id"]}
    return {k: doc.get(k) for k in VIDEO_KEYS}


def _image_view(doc: JSON, processing: bool) -> JSON:
    if processing:
        return {"image_id": doc["image_id"]}
    return {k: doc.get(k) for k in IMAGE_KEYS}


def video_upload(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    upload_type = _upload_type(raw, VIDEO_UPLOAD_TYPES)
    for key in ("is_third_party", "flaw_detect", "auto_fix_enabled", "auto_bind_enabled"):
        # The emulator cannot inspect a video, so it detects no flaw and fixes nothing.
        _flag(raw.get(key), key)
    if upload_type == "UPLOAD_BY_VIDEO_ID":
        video_id = raw.get("video_id")
        if not video_id:
            raise param_error("video_id", schema.REQUIRED)
        # D:1737587322856449: uploading by video id returns the same id.
        pending = store.asset(PENDING[VIDEO], str(video_id), adv_id)
        found = pending or store.asset(VIDEO, str(video_id), adv_id)
        if found is None:
            raise param_error("video_id", f"Video does not exist. video_id {video_id}.")
        return [_video_view(found, pending is not None)]
    part, md5 = _signed_file(raw, "video_file", "video_signature")
    fmt = video_format(part.data)
    if fmt is None:
        raise param_error("video_file", "Unsupported video format. Use .mp4, .mov, .mpeg or .avi.")
    if len(part.data) > MAX_VIDEO_BYTES:
        raise param_error("video_file", "The video file must not be larger than 500 MB.")
    name = _file_name(raw, part, store, VIDEO, adv_id)
    width, height, duration = mp4_facts(part.data) if fmt in ("mp4", "mov") else (None, None, None)
    now = store.now()
    with store.transaction():
        video_id, material_id = _next_upload(store, VIDEO)
        doc: JSON = {
            "video_id": video_id,
            "video_cover_url": f"https://emulator.invalid/video/{video_id}/cover.jpg",
            "format": fmt,
            "preview_url": f"https://emulator.invalid/video/{video_id}/preview.mp4",
            "preview_url_expire_time": (now + dt.timedelta(hours=6)).strftime("%Y-%m-%d %H:%M:%S"),
            "duration": duration,
            "height": height,
            "width": width,
            "bit_rate": None if not duration else round(len(part.data) * 8 / duration),
            "signature": md5,
            "size": len(part.data),
            "material_id": material_id,
            "allowed_placements": ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"],
            "allow_download": True,
            "file_name": name,
            "create_time": _iso(now),
            "modify_time": _iso(now),
            "displayable": True,
            "_material_source": "UPLOADED_TO_TIKTOK_ADS_MANAGER",
        }
        processing = _store_upload(store, VIDEO, adv_id, video_id, doc)
    # D:1737587322856449: "an array, instead of an object ... contains only one object".
    return [_video_view(doc, processing)]


def image_upload(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    _upload_type(raw, IMAGE_UPLOAD_TYPES)
    part, md5 = _signed_file(raw, "image_file", "image_signature")
    facts = image_facts(part.data)
    if facts is None:
        raise param_error("image_file", "Unsupported image format. Use JPG, JPEG or PNG.")
    fmt, width, height = facts
    if len(part.data) > MAX_IMAGE_BYTES:
        raise param_error("image_file", "The image file must not be larger than 50 MB.")
    if width * height > MAX_IMAGE_PIXELS:
        raise param_error(
            "image_file",
            f"The image has {width} x {height} = {width * height} pixels; at most {MAX_IMAGE_PIXELS} "
            "(1440 x 2560) are allowed.",
        )
    name = _file_name(raw, part, store, IMAGE, adv_id)
    now = store.now()
    with store.transaction():
        image_id, material_id = _next_upload(store, IMAGE)
        doc: JSON = {
            "image_id": image_id,
            "material_id": material_id,
            "is_carousel_usable": True,
            "width": width,
            "format": fmt,
            "image_url": f"https://emulator.invalid/image/{image_id}.{'png' if fmt == 'png' else 'jpg'}",
            "height": height,
            "signature": md5,
            "size": len(part.data),
            "file_name": name,
            "create_time": _iso(now),
            "modify_time": _iso(now),
            "displayable": True,
        }
        processing = _store_upload(store, IMAGE, adv_id, image_id, doc)
    return _image_view(doc, processing)  # D:1739067433456642: an object


# ---------------------------------------------------------------------- info and search


def video_info(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    video_ids = query.array("video_ids", required=True)
    assert video_ids is not None
    if not 1 <= len(video_ids) <= 60:
        raise param_error("video_ids", "Must contain between 1 and 60 items.")
    out = []
    for video_id in video_ids:
        video = store.asset(VIDEO, str(video_id), adv_id)
        if video is not None:
            out.append(objects.public(video))
        elif store.asset(PENDING[VIDEO], str(video_id), adv_id) is not None:
            out.append({"video_id": str(video_id)})  # still processing: only the id
    return {"list": out}


def image_info(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    image_ids = query.array("image_ids", required=True)
    assert image_ids is not None
    if not 1 <= len(image_ids) <= 100:
        raise param_error("image_ids", "Must contain between 1 and 100 items.")
    out = []
    for image_id in image_ids:
        image = store.asset(IMAGE, str(image_id), adv_id)
        if image is not None:
            out.append(objects.public(image))
        elif store.asset(PENDING[IMAGE], str(image_id), adv_id) is not None:
            out.append({"image_id": str(image_id)})
    return {"list": out}


def _search_page(rows: list[JSON], query: Query) -> JSON:
    page, page_size = query.paging(100, default_page_size=20)
    rows.sort(key=lambda r: (str(r.get("modify_time") or ""), str(r.get("_id"))), reverse=True)
    rows = rows[:SEARCH_LIMIT]
    chosen = rows[(page - 1) * page_size : page * page_size]
    return {
        "list": [{k: v for k, v in r.items() if k != "_id"} for r in chosen],
        "page_info": page_info(page, page_size, len(rows)),
    }


def _filter_keys(filtering: JSON, allowed: set[str], deprecated: frozenset[str] = frozenset()) -> None:
    for key in filtering:
        if key in deprecated:
            # v1.2 filters the v1.3 page lists as deprecated (D:1740050472224769): refused (strict).
            raise param_error(f"filtering.{key}", "Deprecated in v1.3.")
        if key not in allowed:
            raise param_error(f"filtering.{key}", "Unknown field.")


def _ids(filtering: JSON, key: str, limit: int) -> list[str] | None:
    value = filtering.get(key)
    if value is None:
        return None
    if not isinstance(value, list):
        raise param_error(f"filtering.{key}", "Field must be set to array")
    if len(value) > limit:
        raise param_error(f"filtering.{key}", f"Must contain at most {limit} items.")
    return [str(v) for v in value]


def video_search(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    filtering = query.object("filtering") or {}
    _filter_keys(
        filtering,
        {"video_ids", "material_ids", "video_name", "video_material_sources"},
        frozenset({"width", "height", "ratio", "displayable"}),
    )
    video_ids = _ids(filtering, "video_ids", 100)
    material_ids = _ids(filtering, "material_ids", 20)
    name = filtering.get("video_name")
    if name is not None and not isinstance(name, str):
        raise param_error("filtering.video_name", "Not a valid string")
    sources = _ids(filtering, "video_material_sources", len(VIDEO_SOURCES))
    for i, source in enumerate(sources or []):
        if source not in VIDEO_SOURCES:
            raise param_error(f"filtering.video_material_sources[{i}]", "Not a valid video material source.")
    videos = store.assets(VIDEO, str(advertiser["advertiser_id"]))  # processing uploads are not listed
    if video_ids is not None:
        videos = [v for v in videos if v.get("video_id") in video_ids]
    if material_ids is not None:
        videos = [v for v in videos if str(v.get("material_id")) in material_ids]
    if name is not None:
        videos = [v for v in videos if name.lower() in str(v.get("file_name") or "").lower()]
    if sources is not None:
        videos = [v for v in videos if v.get("_material_source", "UPLOADED_TO_TIKTOK_ADS_MANAGER") in sources]
    if video_ids is None:
        # D:1740050472224769: without a video_ids filter, a video uploaded several times appears once,
        # with one valid id. The emulator keeps the first upload (the oldest id).
        first: dict[str, JSON] = {}
        for video in sorted(videos, key=lambda v: str(v.get("video_id"))):
            signature = video.get("signature")
            key = str(signature) if signature else f"id:{video.get('video_id')}"
            first.setdefault(key, video)
        videos = list(first.values())
    rows = [{**{k: v.get(k) for k in VIDEO_KEYS}, "_id": v.get("video_id")} for v in videos]
    return _search_page(rows, query)


def _number(filtering: JSON, key: str) -> float | None:
    value = filtering.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise param_error(f"filtering.{key}", "Not a valid number.")
    return float(value)


def image_search(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    filtering = query.object("filtering") or {}
    _filter_keys(filtering, {"image_ids", "material_ids", "width", "height", "ratio", "displayable"})
    image_ids = _ids(filtering, "image_ids", 100)
    material_ids = _ids(filtering, "material_ids", 100)
    width, height = _number(filtering, "width"), _number(filtering, "height")
    ratios = filtering.get("ratio")
    if ratios is not None and (
        not isinstance(ratios, list)
        or any(isinstance(r, bool) or not isinstance(r, int | float) for r in ratios)
    ):
        raise param_error("filtering.ratio", "Must be an array of numbers.")
    displayable = filtering.get("displayable")
    if displayable is not None and not isinstance(displayable, bool):
        raise param_error("filtering.displayable", "Not a valid boolean.")
    images = store.assets(IMAGE, str(advertiser["advertiser_id"]))
    if image_ids is not None:
        images = [i for i in images if i.get("image_id") in image_ids]
    if material_ids is not None:
        images = [i for i in images if str(i.get("material_id")) in material_ids]
    if width is not None:
        images = [i for i in images if i.get("width") == width]
    if height is not None:
        images = [i for i in images if i.get("height") == height]
    if ratios:
        # "Use 1.7 to search for images with aspect ratio between 1.65-1.75" (D:1740052016789506).
        images = [
            i
            for i in images
            if i.get("width")
            and i.get("height")
            and any(abs(i["width"] / i["height"] - float(r)) <= 0.05 for r in ratios)
        ]
    if displayable:
        images = [i for i in images if i.get("displayable", True)]
    # MD5 dedupe of repeated image uploads is NOT FOUND in the reference: every upload is its own row.
    rows = [{**{k: i.get(k) for k in IMAGE_KEYS}, "_id": i.get("image_id")} for i in images]
    return _search_page(rows, query)


def name_check(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])

    def one(file_name: Any, file_type: Any, path: str) -> JSON:
        if not isinstance(file_name, str) or not file_name:
            raise param_error(f"{path}file_name", schema.REQUIRED)
        kind = {"VIDEO": VIDEO, "IMAGE": IMAGE}.get(str(file_type or "VIDEO"))
        if kind is None:
            raise param_error(f"{path}file_type", "Must be one of: VIDEO, IMAGE.")
        owner = _name_owner(store, kind, adv_id, file_name)
        if owner is None:
            return {"duplicate": False}
        return {"duplicate": True, "duplicate_material_id": str(owner.get("material_id"))}

    files = query.array("files")
    if files is not None:
        if not 1 <= len(files) <= 20:
            raise param_error("files", "Must contain between 1 and 20 items.")
        results = []
        for i, item in enumerate(files):
            if not isinstance(item, dict):
                raise param_error(f"files[{i}]", "Field must be set to object")
            result = one(item.get("file_name"), item.get("file_type"), f"files[{i}].")
            results.append({"file_name": item["file_name"], **result})
        return {"batch_results": results}
    return one(query.text("file_name"), query.text("file_type"), "")


ROUTES: dict[tuple[str, str], Handler] = {
    ("POST", "file/video/ad/upload/"): video_upload,
    ("POST", "file/image/ad/upload/"): image_upload,
    ("GET", "file/video/ad/search/"): video_search,
    ("GET", "file/image/ad/search/"): image_search,
    ("GET", "file/video/ad/info/"): video_info,
    ("GET", "file/image/ad/info/"): image_info,
    ("GET", "file/name/check/"): name_check,
}


def set_processing_delay(store: Store, seconds: float) -> None:
    if seconds < 0:
        raise ValueError("processing_delay_s must be >= 0")
    store.meta_set(DELAY_KEY, repr(float(seconds)) if seconds else None)
