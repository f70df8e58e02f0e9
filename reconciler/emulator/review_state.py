"""Ad review as a state machine: the record kept in an ad's stored document under `_review`.

Reads the store only for the clock-free settings (the review delay) and hands out image-level material
ids; no HTTP. The review endpoints (`review.py`), the ad handlers (`smart_plus.py`: create starts a
review, update restarts it) and the ad renderer (`objects.py`: `secondary_status`) share these calls.

States (reference section 5; D:1843317390059522, D:1843317378982914, D:1843317465695233):

- PENDING: a new ad, or an edited one. `secondary_status` is `AD_STATUS_AUDIT`, or
  `AD_STATUS_DELIVERY_AND_REAUDIT` when an earlier version was approved (it keeps delivering while the
  edit is reviewed). At `until` (start + the review delay, by the emulator's clock) it becomes APPROVED
  by itself; an admin `hold` clears `until` so it waits for an admin decision.
- APPROVED: delivers (the schedule statuses apply). If some creatives were rejected, the ad is
  `AD_STATUS_REVIEW_PARTIALLY_APPROVED`.
- REJECTED: `AD_STATUS_AUDIT_DENY`, with the reasons review_info returns. An edit re-reviews it.

How long TikTok's review takes and the order of its transitions are NOT FOUND: the delay is the
emulator's (one hour by default, `review_delay_s` in `/_emulator/config`), and an ad is approved unless
an admin rejects it (`POST /_emulator/review`). An ad stored without a record (older databases, the
`scale` seed) is reviewed for one hour after its creation, as before this state machine existed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .store import Store
from .wire import JSON, TIME_FMT

KEY = "_review"
DEFAULT_DELAY_S = 3600.0
META_DELAY = "review_delay_s"
# Fields whose change does not send an ad back to review: its name only (NOT FOUND which edits
# re-review; strict reading: every other change does).
NOT_REVIEWED = frozenset({"ad_name", "modify_time", KEY})


def delay_s(store: Store) -> float:
    raw = store.meta_get(META_DELAY)
    return DEFAULT_DELAY_S if raw is None else float(raw)


def _fmt(moment: dt.datetime) -> str:
    return moment.strftime(TIME_FMT)


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, TIME_FMT)
    except ValueError:
        return None


def _image_ids(store: Store, creatives: list[JSON], old: dict[str, list[str]]) -> dict[str, list[str]]:
    """Image-level ad_material_ids of carousel creatives (review_info names each carousel image)."""
    out: dict[str, list[str]] = {}
    for creative in creatives:
        info = creative.get("creative_info") or {}
        images = info.get("image_info") or []
        if info.get("ad_format") != "CAROUSEL_ADS" or not images:
            continue
        material_id = str(creative.get("ad_material_id"))
        kept = old.get(material_id)
        out[material_id] = (
            kept if kept and len(kept) == len(images) else store.next_ids("material", len(images))
        )
    return out


def start(store: Store, ad: JSON, now: str) -> None:
    """A new ad goes to review (sets `ad["_review"]`)."""
    moment = dt.datetime.strptime(now, TIME_FMT)
    ad[KEY] = {
        "state": "PENDING",
        "since": now,
        "until": _fmt(moment + dt.timedelta(seconds=delay_s(store))),
        "approved_before": False,
        "reasons": [],
        "suggestion": "",
        "rejected_materials": {},
        "appeal_status": "NOT_APPEALED",
        "appeal_reject_reasons": None,
        "image_ids": _image_ids(store, ad.get("creative_list") or [], {}),
    }


def record(ad: JSON) -> JSON | None:
    value = ad.get(KEY)
    return value if isinstance(value, dict) else None


def effective(review: JSON, now: dt.datetime) -> str:
    """PENDING, APPROVED or REJECTED at `now` (a pending review past its `until` is approved)."""
    state = str(review.get("state"))
    if state == "PENDING":
        until = _parse(review.get("until"))
        if until is not None and now >= until:
            return "APPROVED"
    return state


def settle(review: JSON, now: dt.datetime) -> None:
    """Write the effective state back, so an admin decision starts from what a client saw."""
    if review.get("state") == "PENDING" and effective(review, now) == "APPROVED":
        review["state"] = "APPROVED"
        review["approved_before"] = True


def restart(store: Store, old: JSON, new: JSON, now: str) -> None:
    """An edit: re-review unless only the name changed (sets `new["_review"]`)."""
    review = record(old)
    moment = dt.datetime.strptime(now, TIME_FMT)
    changed = {k for k in set(old) | set(new) if k not in NOT_REVIEWED and old.get(k) != new.get(k)}
    if review is not None and not changed:
        new[KEY] = review
        return
    if review is None:
        created = _parse(old.get("create_time"))
        was_approved = created is not None and moment >= created + dt.timedelta(seconds=DEFAULT_DELAY_S)
        old_images: dict[str, list[str]] = {}
    else:
        state = effective(review, moment)
        was_approved = state == "APPROVED" or bool(review.get("approved_before") and state == "PENDING")
        old_images = dict(review.get("image_ids") or {})
    start(store, new, now)
    new[KEY]["approved_before"] = was_approved
    new[KEY]["image_ids"] = _image_ids(store, new.get("creative_list") or [], old_images)


def material_ids(ad: JSON) -> list[str]:
    return [str(c.get("ad_material_id")) for c in ad.get("creative_list") or []]


def secondary(ad: JSON, create_time: str, now: dt.datetime) -> str | None:
    """The review part of `secondary_status`, or None when review does not hold the ad back."""
    review = record(ad)
    if review is None:
        created = _parse(create_time)
        if created is not None and now < created + dt.timedelta(seconds=DEFAULT_DELAY_S):
            return "AD_STATUS_AUDIT"
        return None
    state = effective(review, now)
    if state == "PENDING":
        return "AD_STATUS_DELIVERY_AND_REAUDIT" if review.get("approved_before") else "AD_STATUS_AUDIT"
    if state == "REJECTED":
        return "AD_STATUS_AUDIT_DENY"
    if review.get("rejected_materials"):
        return "AD_STATUS_REVIEW_PARTIALLY_APPROVED"
    return None
