"""Ad review endpoints: `/smart_plus/ad/review_info/`, `/smart_plus/material/review_info/`,
`/smart_plus/ad/appeal/`, and the admin decision behind `POST /_emulator/review`.

Reads and writes the ads' review records (see `review_state`). Shapes are those of D:1843317465695233
(ad review info), D:1843317474334722 (material review info) and D:1843317522553106 (appeal), with the
SDK YAML for names and limits; `pop_resp_nullvalue` is false on these endpoints, so the documented
nulls are kept (an approved entry has `passed_locations: null`, `appeal_reject_reasons: null`).

NOT FOUND, strict readings (docs/emulator.md):
- `review_status` of an ad still in its first review: none of ALL_AVAILABLE / PART_AVAILABLE /
  UNAVAILABLE ("has been reviewed") applies, so it is null; during a re-review it keeps the result of
  the last finished review (ALL_AVAILABLE).
- An unknown or deleted ad or material id is refused (40002 naming it), not left out.
- `lang` changes nothing: the reasons are the ones an admin gave.
- Rejecting some creatives of an ad leaves the ad ALL_AVAILABLE (`AD_STATUS_REVIEW_PARTIALLY_APPROVED`)
  and those creatives UNAVAILABLE; rejecting the ad rejects every creative with the same reasons.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import review_state, schema
from .smart_plus import authorize
from .store import Row, Store
from .wire import JSON, Query, param_error

LANGS = (
    "ar", "cs-CZ", "de", "en", "es", "fr", "id", "it", "ja", "ko", "ms", "pl-PL", "pt-BR", "ru", "sv-SE",
    "th", "tr", "vi", "zh",
)  # fmt: skip
MAX_IDS = 100


def _ids(query: Query, name: str) -> list[str]:
    raw = query.array(name, required=True)
    assert raw is not None
    if not 1 <= len(raw) <= MAX_IDS:
        raise param_error(name, f"Must contain between 1 and {MAX_IDS} items.")
    out = []
    for i, value in enumerate(raw):
        if not schema.is_id(value):
            raise param_error(f"{name}[{i}]", "Not a valid ID. IDs are strings of a 64-bit integer.")
        out.append(str(value))
    return out


def _settings(query: Query) -> tuple[bool, bool]:
    lang = query.text("lang")
    if lang is not None and lang not in LANGS:
        raise param_error("lang", f"Must be one of: {', '.join(LANGS)}.")
    extra = query.object("extra_info_setting") or {}
    for key in extra:
        if key not in ("include_reject_info", "include_violation_frame"):
            raise param_error(f"extra_info_setting.{key}", "Unknown field.")
    reject = extra.get("include_reject_info", False)
    frames = extra.get("include_violation_frame", False)
    for key, value in (("include_reject_info", reject), ("include_violation_frame", frames)):
        if not isinstance(value, bool):
            raise param_error(f"extra_info_setting.{key}", "Not a valid boolean.")
    if frames and not reject:
        raise param_error(
            "extra_info_setting.include_violation_frame", "Can only be true when include_reject_info is true."
        )
    query.object("context_info")  # accepted (the SDK sends it), checked for shape only
    return bool(reject), bool(frames)


def _record(row: Row, now: dt.datetime) -> JSON:
    """The ad's review record, or the one an ad without a record implicitly has."""
    review = review_state.record(row.data)
    if review is not None:
        return review
    created = dt.datetime.strptime(row.create_time, "%Y-%m-%d %H:%M:%S")
    pending = now < created + dt.timedelta(seconds=review_state.DEFAULT_DELAY_S)
    return {
        "state": "PENDING" if pending else "APPROVED",
        "approved_before": False,
        "reasons": [],
        "suggestion": "",
        "rejected_materials": {},
        "appeal_status": "NOT_APPEALED",
        "appeal_reject_reasons": None,
        "image_ids": {},
    }


def _reject_info(reasons: list[str], suggestion: str, content: JSON, frames: bool) -> JSON:
    info: JSON = {
        "reasons": list(reasons),
        "suggestion": suggestion,
        "specification": "; ".join(reasons),
        "forbidden_ages": None,
        "forbidden_locations": None,
        "forbidden_placements": None,
        "content_info": content,
    }
    if frames:
        info["violation_frames"] = []
        info["video_violation_frames"] = []
    return info


def _text_content(row: Row) -> JSON:
    texts = row.data.get("ad_text_list") or []
    return {"content_type": "ModeString", "text_content": str(texts[0].get("ad_text", "")) if texts else ""}


def _materials(row: Row, review: JSON) -> list[tuple[str, JSON]]:
    """(review-level ad_material_id, content_info) for each creative; carousel images one by one."""
    out: list[tuple[str, JSON]] = []
    images_by_creative = review.get("image_ids") or {}
    for creative in row.data.get("creative_list") or []:
        material_id = str(creative.get("ad_material_id"))
        info = creative.get("creative_info") or {}
        images = info.get("image_info") or []
        image_ids = images_by_creative.get(material_id)
        if info.get("ad_format") == "CAROUSEL_ADS" and images and image_ids:
            for image, image_level in zip(images, image_ids, strict=False):
                out.append(
                    (
                        str(image_level),
                        {"content_type": "ModeImage", "image_content": {"image_id": image.get("web_uri")}},
                    )
                )
        elif info.get("tiktok_item_id"):
            # A Spark Pull post is no library video or image: only its kind is named.
            kind = "ModePhotoPost" if info.get("ad_format") == "CAROUSEL_ADS" else "ModeVideo"
            out.append((material_id, {"content_type": kind}))
        else:
            video = (info.get("video_info") or {}).get("video_id")
            out.append((material_id, {"content_type": "ModeVideo", "video_content": {"video_id": video}}))
    return out


def _parent_of(review: JSON, material_id: str) -> str:
    """The creative-level id a review-level id belongs to (itself unless it is a carousel image)."""
    for creative_id, images in (review.get("image_ids") or {}).items():
        if material_id in images:
            return str(creative_id)
    return material_id


def _material_entry(
    row: Row, review: JSON, state: str, material_id: str, content: JSON, reject: bool, frames: bool
) -> JSON:
    rejected = review.get("rejected_materials") or {}
    hit = rejected.get(material_id) or rejected.get(_parent_of(review, material_id))
    if state == "PENDING" and not review.get("approved_before"):
        status, info = None, None
    elif state == "REJECTED" or hit:
        reasons = hit["reasons"] if hit else review.get("reasons") or []
        suggestion = hit.get("suggestion", "") if hit else review.get("suggestion", "")
        status = "UNAVAILABLE"
        info = [_reject_info(reasons, suggestion, content, frames)] if reject else None
    else:
        status, info = "ALL_AVAILABLE", None
    return {
        "ad_material_id": material_id,
        "smart_plus_ad_id": row.id,
        "review_status": status,
        "passed_locations": [] if status == "UNAVAILABLE" else None,
        "reject_info": info,
    }


def _ad_entry(row: Row, review: JSON, state: str, reject: bool, frames: bool) -> JSON:
    if state == "PENDING":
        status = "ALL_AVAILABLE" if review.get("approved_before") else None
    else:
        status = "UNAVAILABLE" if state == "REJECTED" else "ALL_AVAILABLE"
    info: list[JSON] | None = []
    if state == "REJECTED":
        reasons = list(review.get("reasons") or [])
        info = (
            [_reject_info(reasons, str(review.get("suggestion", "")), _text_content(row), frames)]
            if reject
            else None
        )
    return {
        "smart_plus_ad_id": row.id,
        "review_status": status,
        "passed_locations": [] if status == "UNAVAILABLE" else None,
        "appeal_status": review.get("appeal_status", "NOT_APPEALED"),
        "appeal_reject_reasons": review.get("appeal_reject_reasons"),
        "reject_info": info,
    }


def _live_ad(store: Store, advertiser_id: str, ad_id: str, path: str) -> Row:
    row = store.get("ad", ad_id)
    if row is None or row.advertiser_id != advertiser_id or row.deleted:
        raise param_error(path, f"Ad does not exist. smart_plus_ad_id {ad_id}.")
    return row


def ad_review_info(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=True)
    adv_id = str(advertiser["advertiser_id"])
    ids = _ids(query, "smart_plus_ad_ids")
    reject, frames = _settings(query)
    now = store.now()
    ads, materials = [], []
    for i, ad_id in enumerate(dict.fromkeys(ids)):
        row = _live_ad(store, adv_id, ad_id, f"smart_plus_ad_ids[{i}]")
        review = _record(row, now)
        state = review_state.effective(review, now)
        ads.append(_ad_entry(row, review, state, reject, frames))
        for material_id, content in _materials(row, review):
            materials.append(_material_entry(row, review, state, material_id, content, reject, frames))
    return {"smart_plus_ad_review_infos": ads, "material_review_infos": materials}


def material_review_info(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=True)
    adv_id = str(advertiser["advertiser_id"])
    ids = _ids(query, "ad_material_ids")
    reject, frames = _settings(query)
    now = store.now()
    # Review-level material id -> (ad row, its record, content). A scan of the advertiser's live ads:
    # the emulator keeps no index from materials to ads.
    index: dict[str, tuple[Row, JSON, JSON]] = {}
    for row in store.select("ad", adv_id, deleted=False):
        review = _record(row, now)
        for material_id, content in _materials(row, review):
            index[material_id] = (row, review, content)
    out = []
    for i, material_id in enumerate(dict.fromkeys(ids)):
        found = index.get(material_id)
        if found is None:
            raise param_error(
                f"ad_material_ids[{i}]", f"Material does not exist. ad_material_id {material_id}."
            )
        row, review, content = found
        state = review_state.effective(review, now)
        out.append(_material_entry(row, review, state, material_id, content, reject, frames))
    return {"material_review_infos": out}


def ad_appeal(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=True)
    adv_id = str(advertiser["advertiser_id"])
    for key in raw:
        if key not in ("advertiser_id", "smart_plus_ad_id", "appeal_reason", "attachment_list"):
            raise param_error(key, "Unknown field.")
    ad_id = raw.get("smart_plus_ad_id")
    if ad_id is None:
        raise param_error("smart_plus_ad_id", schema.REQUIRED)
    if not schema.is_id(ad_id):
        raise param_error("smart_plus_ad_id", "Not a valid ID. IDs are strings of a 64-bit integer.")
    reason = raw.get("appeal_reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 512):
        raise param_error("appeal_reason", "Must be a string of at most 512 characters.")
    attachments = raw.get("attachment_list")
    if attachments is not None and (
        not isinstance(attachments, list)
        or len(attachments) > 100
        or not all(isinstance(a, str) for a in attachments)
    ):
        raise param_error("attachment_list", "Must be an array of at most 100 links.")
    row = _live_ad(store, adv_id, str(ad_id), "smart_plus_ad_id")
    now = store.now()
    review = review_state.record(row.data)
    if review is None or not (
        review_state.effective(review, now) == "REJECTED" or review.get("rejected_materials")
    ):
        # Which ads may be appealed, and the error otherwise, are NOT FOUND: only a rejection can be.
        raise param_error("smart_plus_ad_id", f"Ad {row.id} has no rejection to appeal.")
    if review.get("appeal_status") == "APPEALING":
        raise param_error("smart_plus_ad_id", f"Ad {row.id} already has an appeal in progress.")
    review["appeal_status"] = "APPEALING"
    review["appeal_reject_reasons"] = None
    store.save(row)
    return {}


# ---------------------------------------------------------------------- admin


def decide(store: Store, body: JSON) -> JSON:
    """`POST /_emulator/review`: approve, reject (with reasons), hold or re-open an ad's review.

    Body: {"smart_plus_ad_id", "decision": "approve" | "reject" | "hold" | "pending",
    "reasons": [str, ...] (reject), "suggestion": str, "ad_material_ids": [...] (reject some creatives)}.
    Every field is checked before anything changes; ValueError names the bad one.
    """
    allowed = {"smart_plus_ad_id", "decision", "reasons", "suggestion", "ad_material_ids"}
    unknown = set(body) - allowed
    if unknown:
        raise ValueError(f"unknown keys: {', '.join(sorted(unknown))}")
    ad_id = body.get("smart_plus_ad_id")
    if not isinstance(ad_id, str) or not schema.is_id(ad_id):
        raise ValueError('"smart_plus_ad_id": expected the id of an ad, as a string')
    decision = body.get("decision")
    if decision not in ("approve", "reject", "hold", "pending"):
        raise ValueError('"decision": expected "approve", "reject", "hold" or "pending"')
    reasons = body.get("reasons")
    if decision == "reject":
        if (
            not isinstance(reasons, list)
            or not 1 <= len(reasons) <= 20
            or not all(isinstance(r, str) and 0 < len(r) <= 500 for r in reasons)
        ):
            raise ValueError('"reasons": expected 1-20 non-empty strings of at most 500 characters')
    elif reasons is not None or body.get("ad_material_ids") is not None:
        raise ValueError('"reasons" and "ad_material_ids" go with "decision": "reject" only')
    suggestion = body.get("suggestion", "")
    if not isinstance(suggestion, str) or len(suggestion) > 500:
        raise ValueError('"suggestion": expected a string of at most 500 characters')
    row = store.get("ad", ad_id)
    if row is None or row.deleted:
        raise ValueError(f"ad {ad_id} does not exist")
    now = store.now()
    review = review_state.record(row.data)
    if review is None:
        review = _record(row, now)
        review.setdefault("since", row.create_time)
        review["until"] = None
        row.data[review_state.KEY] = review
    review_state.settle(review, now)
    materials = body.get("ad_material_ids")
    if materials is not None:
        known = {m for m, _ in _materials(row, review)} | set(review_state.material_ids(row.data))
        if not isinstance(materials, list) or not materials or not all(isinstance(m, str) for m in materials):
            raise ValueError('"ad_material_ids": expected a non-empty list of the ad\'s ad_material_ids')
        for material_id in materials:
            if material_id not in known:
                raise ValueError(f"ad_material_id {material_id} is not a creative of ad {ad_id}")
    appealing = review.get("appeal_status") == "APPEALING"
    if decision == "approve":
        review.update(
            state="APPROVED", approved_before=True, reasons=[], suggestion="", rejected_materials={}
        )
        if appealing:
            review["appeal_status"] = "APPEAL_SUCCESSFUL"
    elif decision == "reject":
        assert isinstance(reasons, list)
        rejected = dict(review.get("rejected_materials") or {})
        for material_id in materials or []:
            rejected[material_id] = {"reasons": list(reasons), "suggestion": suggestion}
        review_ids = [m for m, _ in _materials(row, review)]
        covered = all(m in rejected or _parent_of(review, m) in rejected for m in review_ids)
        if materials and not covered:
            review.update(state="APPROVED", rejected_materials=rejected)
        else:
            review.update(
                state="REJECTED", reasons=list(reasons), suggestion=suggestion, rejected_materials={}
            )
        if appealing:
            review["appeal_status"] = "APPEAL_FAILED"
            review["appeal_reject_reasons"] = list(reasons)
    elif decision == "hold":
        review.update(state="PENDING", until=None)
    else:  # pending: review again from now, approved after the delay unless decided otherwise
        until = now + dt.timedelta(seconds=review_state.delay_s(store))
        review.update(state="PENDING", until=until.strftime("%Y-%m-%d %H:%M:%S"))
    store.save(row)
    return {"smart_plus_ad_id": ad_id, "state": review["state"], "appeal_status": review["appeal_status"]}


ROUTES = {
    ("GET", "smart_plus/ad/review_info/"): ad_review_info,
    ("GET", "smart_plus/material/review_info/"): material_review_info,
    ("POST", "smart_plus/ad/appeal/"): ad_appeal,
}
