"""Creatives as files: the ``file:`` tool key of ``video_info`` and ``image_info`` items, checked.

I/O edge of validate (reconciler/core never reads a file). A ``file:`` is a path relative to the
manifest file that names it, and its real path (symlinks resolved) must lie inside one of the
manifest folders, as an ``{% include %}`` must. The file must be a regular file (opened without
blocking and checked with fstat after opening, as manifests are), of an allowed type, checked both
by its extension and by its first bytes, and of an allowed size:

- videos: mp4, mov, mpeg, avi (D:1737587322856449), up to 500 MB (TikTok says "recommended";
  the strict reading is taken: a larger file is refused here rather than by TikTok mid-apply);
- images: jpg, jpeg, png (D:1739067433456642), up to 50 MB and 3,686,400 pixels, the dimensions
  read from the PNG IHDR chunk or the JPEG SOF marker.

Each distinct file is read once, streamed through MD5 (TikTok's ``signature``, the key of the
plan's upload operations) and SHA-256 (the manifest digest covers the files' content, so a
creative changed after review makes a saved plan stale).
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import posixpath
import stat
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from reconciler.core.manifests import Manifest, PathT
from reconciler.core.media import MediaChoice, MediaKey, MediaKind
from reconciler.errors import ApplyError, Problem

if TYPE_CHECKING:  # validate imports this module: no HTTP client for it
    from reconciler.adapters.api import TikTokClient

VIDEO_SUFFIXES = (".mp4", ".mov", ".mpeg", ".mpg", ".avi")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
MAX_VIDEO_BYTES = 500 * 1024 * 1024
MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_IMAGE_PIXELS = 3_686_400
# Enough of the head of a file to find its type and (for a JPEG) its SOF marker in practice.
HEAD_BYTES = 256 * 1024


@dataclass(frozen=True)
class MediaFile:
    """One distinct creative file, as read at validate time."""

    kind: MediaKind
    path: str  # as shown: the manifest's folder joined with the file: value
    md5: str  # hex; TikTok's signature
    sha256: str
    size: int
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class MediaUse:
    """Where a manifest names a file: its manifest, the path of the ``file`` key, the file."""

    manifest: Manifest
    path: PathT
    media: MediaFile


class _Refused(Exception):
    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message


def _uses(m: Manifest) -> Iterator[tuple[PathT, MediaKind, object]]:
    """(path of the info object, kind, the info object) of every video_info / image_info item
    that ``check`` has something to say about: one with a ``file:``, or with neither a file nor
    an id. An item with its id alone (nearly all of a large account) is passed over without its
    path being built (issue 15)."""
    for i, g in enumerate(m.campaign.adgroups):
        for j, ad in enumerate(g.ads):
            for k, cr in enumerate(ad.creative_list or ()):
                info = cr.creative_info
                video, images = info.video_info, info.image_info
                if video is not None and (video.file is not None or video.video_id is None):
                    yield (
                        ("adgroups", i, "ads", j, "creative_list", k, "creative_info", "video_info"),
                        "video",
                        video,
                    )
                if images:
                    for n, img in enumerate(images):
                        if img.file is not None or img.web_uri is None:
                            base = ("adgroups", i, "ads", j, "creative_list", k, "creative_info")
                            yield (*base, "image_info", n), "image", img


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "mp4"  # ISO base media: mp4 and QuickTime mov alike
    if len(head) >= 8 and head[4:8] in (b"moov", b"mdat", b"wide", b"free"):
        return "mp4"  # an old QuickTime file without ftyp
    if head.startswith((b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")):
        return "mpeg"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    return None


def png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    w, h = struct.unpack(">II", head[16:24])
    return int(w), int(h)


# SOF markers (baseline, progressive, lossless...): C0-CF but C4 (DHT), C8 (JPG), CC (DAC).
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def jpeg_size(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length
            i += 2
            continue
        (length,) = struct.unpack(">H", head[i + 2 : i + 4])
        if marker in _SOF:
            if i + 9 > len(head):
                return None
            h, w = struct.unpack(">HH", head[i + 5 : i + 9])
            return int(w), int(h)
        if marker == 0xDA:  # start of scan before any SOF
            return None
        i += 2 + length
    return None


def _read(real: str, kind: MediaKind, suffix: str) -> tuple[str, str, int, bytes]:
    """Stream a regular file through MD5 and SHA-256: (md5, sha256, size, head)."""
    limit = MAX_VIDEO_BYTES if kind == "video" else MAX_IMAGE_BYTES
    fd = os.open(real, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise _Refused("media-file", "not a regular file: not read")
        if st.st_size > limit:
            raise _Refused(
                "media-size",
                f"a {kind} file is at most {limit // (1024 * 1024)} MB, this one is {st.st_size:,} bytes",
            )
        md5, sha = hashlib.md5(usedforsecurity=False), hashlib.sha256()
        head = b""
        size = 0
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # a file that grows while read
                raise _Refused("media-size", f"a {kind} file is at most {limit // (1024 * 1024)} MB")
            if len(head) < HEAD_BYTES:
                head += chunk[: HEAD_BYTES - len(head)]
            md5.update(chunk)
            sha.update(chunk)
        return md5.hexdigest(), sha.hexdigest(), size, head
    finally:
        os.close(fd)


def _inspect(real: str, shown: str, kind: MediaKind) -> MediaFile:
    suffix = Path(real).suffix.lower()
    allowed = VIDEO_SUFFIXES if kind == "video" else IMAGE_SUFFIXES
    if suffix not in allowed:
        names = ", ".join(s[1:] for s in allowed)
        raise _Refused("media-type", f"a {kind} file is one of {names}; {shown!r} is not")
    if not os.path.exists(real):
        raise _Refused("media-file", f"no such file: {shown}")
    md5, sha, size, head = _read(real, kind, suffix)
    sniffed = _sniff(head)
    want = {"video": ("mp4", "mpeg", "avi"), "image": ("png", "jpeg")}[kind]
    if sniffed not in want:
        raise _Refused("media-type", f"{shown} does not hold a {kind} ({suffix[1:]}) by its first bytes")
    width = height = None
    if kind == "image":
        dims = png_size(head) if sniffed == "png" else jpeg_size(head)
        if dims is None:
            raise _Refused("media-type", f"{shown}: the image's dimensions could not be read from its header")
        width, height = dims
        if width * height > MAX_IMAGE_PIXELS:
            raise _Refused(
                "media-size",
                f"an image is at most {MAX_IMAGE_PIXELS:,} pixels, {shown} is {width}x{height} "
                f"({width * height:,})",
            )
    return MediaFile(kind, shown, md5, sha, size, width, height)


def check(manifests: Sequence[Manifest], roots: Sequence[Path]) -> tuple[list[MediaUse], list[Problem]]:
    """Every ``file:`` of the manifests, checked; each distinct real file read once."""
    real_roots = [os.path.realpath(r) for r in roots]
    seen: dict[tuple[str, MediaKind], MediaFile | _Refused] = {}
    uses: list[MediaUse] = []
    problems: list[Problem] = []
    for m in manifests:
        folder = posixpath.dirname(m.file)
        for path, kind, info in _uses(m):
            id_key = "video_id" if kind == "video" else "web_uri"
            has_id = getattr(info, id_key) is not None
            file = getattr(info, "file", None)
            if has_id and file is not None:
                problems.append(
                    Problem(
                        m.locate(path),
                        "creative-source",
                        f"{id_key} (an uploaded {kind}'s id) and file (a {kind} file to upload) exclude "
                        "each other: set one",
                    )
                )
                continue
            if not has_id and file is None:
                # As the model said when video_id / web_uri alone was required.
                problems.append(
                    Problem(
                        m.locate((*path, id_key)),
                        "required",
                        f"required: {id_key} (an uploaded {kind}'s id) or file (a {kind} file to upload)",
                    )
                )
                continue
            if file is None:
                continue
            fpath = (*path, "file")
            if "\0" in file or posixpath.isabs(file):
                problems.append(
                    Problem(m.locate(fpath), "media-path", "a file: is a path relative to the manifest")
                )
                continue
            shown = posixpath.normpath(posixpath.join(folder, file))
            real = os.path.realpath(shown)
            if not any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in real_roots):
                problems.append(
                    Problem(
                        m.locate(fpath),
                        "media-path",
                        f"{file!r} lies outside the manifest folders ({', '.join(str(r) for r in roots)})",
                    )
                )
                continue
            found = seen.get((real, kind))
            if found is None:
                try:
                    found = _inspect(real, shown, kind)
                except _Refused as exc:
                    found = exc
                except OSError as exc:
                    found = _Refused("media-file", f"{shown}: {exc.strerror or exc}")
                seen[(real, kind)] = found
            if isinstance(found, _Refused):
                problems.append(Problem(m.locate(fpath), found.rule, found.message))
            elif found.kind != kind:
                problems.append(
                    Problem(m.locate(fpath), "media-type", f"{shown} is a {found.kind}, not a {kind}")
                )
            else:
                uses.append(MediaUse(m, path, found))
    return uses, problems


# ---- the account's library, by signature ---------------------------------------------------------

SEARCH = {"video": "file/video/ad/search/", "image": "file/image/ad/search/"}
INFO = {"video": "file/video/ad/info/", "image": "file/image/ad/info/"}
ID_FIELD = {"video": "video_id", "image": "image_id"}
SEARCH_PAGE = 100


async def library(client: TikTokClient, advertiser_id: str, kind: MediaKind) -> dict[str, str]:
    """MD5 signature -> id of every processed file of a kind in the advertiser's library, read in
    pages of 100 (the search lists no file still processing). Without a filter a video uploaded
    several times is listed once (D:1740050472224769); for images several rows may share a
    signature: the smallest id is kept, so that every plan picks the same one."""
    rows = await client.get_all(SEARCH[kind], {"advertiser_id": advertiser_id}, SEARCH_PAGE)
    out: dict[str, str] = {}
    for r in rows:
        sig, rid = r.get("signature"), r.get(ID_FIELD[kind])
        if not sig or rid is None:
            continue
        key = str(sig).lower()
        if key not in out or (len(str(rid)), str(rid)) < (len(out[key]), out[key]):
            out[key] = str(rid)
    return out


async def media_choices(client: TikTokClient, uses: Sequence[MediaUse]) -> dict[MediaKey, MediaChoice]:
    """Every `file:` of the manifests per (advertiser, path), with the id of the account's file of
    the same content if there is one: one library read per advertiser and kind that has files."""
    wanted = sorted({(u.manifest.campaign.advertiser_id, u.media.kind) for u in uses})
    libraries = dict(
        zip(wanted, await asyncio.gather(*(library(client, adv, kind) for adv, kind in wanted)), strict=True)
    )
    out: dict[MediaKey, MediaChoice] = {}
    for u in uses:
        adv = u.manifest.campaign.advertiser_id
        f = u.media
        out[(adv, f.path)] = MediaChoice(f.kind, f.md5, f.size, f.path, libraries[(adv, f.kind)].get(f.md5))
    return out


def read_checked(path: str, kind: MediaKind, md5: str) -> bytes:
    """The bytes to upload, re-read at apply time; refused if the content is not the reviewed one
    (the manifest digest makes that a stale plan first; this guards the window after the check)."""
    limit = MAX_VIDEO_BYTES if kind == "video" else MAX_IMAGE_BYTES
    from reconciler.adapters.files import read_regular  # files imports this module

    data = read_regular(path, limit)
    if hashlib.md5(data, usedforsecurity=False).hexdigest() != md5:
        raise ApplyError(f"{path}: the file changed since the plan was made (its MD5 differs)")
    return data
