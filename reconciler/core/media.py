"""Creatives as files (the ``file:`` tool key): what the plan knows of each, and the manifests with
the files already in the account replaced by their ids.

Pure. The adapters read the files (reconciler/adapters/media.py) and the account's library (by MD5
``signature``); here a file is a key, ``(advertiser_id, path)``, with its content's MD5 and, when
the account holds that content already, its id. A file whose id is known is written into the
manifest as ``video_id`` / ``web_uri``, so the diff and drift compare ids and never see ``file:``;
a file not in the account yet stays, and the planner makes it an upload operation.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from reconciler.core.manifests import Manifest
from reconciler.core.resources import Ad, ImageInfo, VideoInfo

MediaKind = Literal["video", "image"]


@dataclass(frozen=True)
class MediaChoice:
    """One file named by a manifest of an advertiser, as the plan sees it."""

    kind: MediaKind
    md5: str  # TikTok's signature
    size: int
    path: str
    existing: str | None = None  # the id of a file of this content in the account


MediaKey = tuple[str, str]  # (advertiser_id, shown path)


def shown_path(manifest_file: str, file: str) -> str:
    """The path of a ``file:`` as shown and keyed: relative to its manifest's folder."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(manifest_file), file))


def file_name(kind: MediaKind, md5: str) -> str:
    """The upload's ``file_name``: from the content alone, so a retry, a resumed apply or a second
    runner cannot make a second copy under another name (TikTok refuses a name used twice)."""
    return f"smartplus-{kind}-{md5}"


def _video(v: VideoInfo, ids: Mapping[str, str]) -> VideoInfo:
    if v.file is None or v.file not in ids:
        return v
    extra = {"file_name": v.file_name} if v.file_name is not None else {}
    return VideoInfo(video_id=ids[v.file], **extra)


def _image(i: ImageInfo, ids: Mapping[str, str]) -> ImageInfo:
    if i.file is None or i.file not in ids:
        return i
    return ImageInfo(web_uri=ids[i.file])


def _ad(ad: Ad, ids: Mapping[str, str]) -> Ad:
    if not ad.creative_list:
        return ad
    out = []
    for cr in ad.creative_list:
        info = cr.creative_info
        update: dict[str, object] = {}
        if info.video_info is not None:
            update["video_info"] = _video(info.video_info, ids)
        if info.image_info:
            update["image_info"] = [_image(i, ids) for i in info.image_info]
        out.append(cr.model_copy(update={"creative_info": info.model_copy(update=update)}))
    return ad.model_copy(update={"creative_list": out})


def resolve(manifests: Sequence[Manifest], choices: Mapping[MediaKey, MediaChoice]) -> list[Manifest]:
    """The manifests with every ``file:`` whose content the account holds replaced by its id."""
    out: list[Manifest] = []
    for m in manifests:
        adv = m.campaign.advertiser_id
        # by the file: value as written in this manifest
        ids: dict[str, str] = {}
        for g in m.campaign.adgroups:
            for ad in g.ads:
                for cr in ad.creative_list or []:
                    info = cr.creative_info
                    files = [info.video_info.file] if info.video_info is not None else []
                    files += [i.file for i in info.image_info or []]
                    for f in files:
                        if f is None:
                            continue
                        choice = choices.get((adv, shown_path(m.file, f)))
                        if choice is not None and choice.existing is not None:
                            ids[f] = choice.existing
        if not ids:
            out.append(m)
            continue
        groups = [g.model_copy(update={"ads": [_ad(a, ids) for a in g.ads]}) for g in m.campaign.adgroups]
        out.append(replace(m, campaign=m.campaign.model_copy(update={"adgroups": groups})))
    return out


def has_files(ad: Ad) -> bool:
    for cr in ad.creative_list or []:
        info = cr.creative_info
        if info.video_info is not None and info.video_info.file is not None:
            return True
        if any(i.file is not None for i in info.image_info or []):
            return True
    return False
