"""Handlers of the endpoints around Smart+: pixels, identities, advertiser info, and the legacy Smart+
(`/campaign/spc/*`) endpoints (the manual `/campaign/*` ones are in `manual`, the files in `files_api`).

Reads the store (the legacy create writes). The legacy endpoints answer by TikTok's deprecation
calendar, read against the emulator's clock: `/campaign/spc/create/` is refused from 2026-03-31, the
legacy update and status endpoints from 2026-06-30. The code and message of a retired endpoint are
NOT FOUND in the reference: the emulator answers 41001 (the SDK's INTERFACE_OFFLINE) with its own text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from . import objects, schema
from .smart_plus import Handler, _fields, _id_filter, _project, authorize
from .store import Row, Store
from .wire import INTERFACE_OFFLINE, JSON, ApiError, Query, page_info, param_error

LEGACY_CREATE_END = dt.datetime(2026, 3, 31)
LEGACY_UPDATE_END = dt.datetime(2026, 6, 30)


def _page(items: list[JSON], page: int, page_size: int) -> tuple[list[JSON], JSON]:
    return items[(page - 1) * page_size : page * page_size], page_info(page, page_size, len(items))


def pixel_list(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    page, page_size = query.paging(20)  # YML:pixel_list: page_size 1-20
    filtering = query.object("filtering") or {}
    order_by = query.text("order_by") or "EARLIEST_CREATE"
    if order_by not in ("EARLIEST_CREATE", "LATEST_CREATE"):
        raise param_error("order_by", "Must be one of: EARLIEST_CREATE, LATEST_CREATE.")
    pixels = [objects.public(p) for p in store.assets("pixel", advertiser["advertiser_id"])]
    if query.text("pixel_id"):
        pixels = [p for p in pixels if p["pixel_id"] == query.text("pixel_id")]
    if query.text("code"):
        pixels = [p for p in pixels if p["pixel_code"] == query.text("code")]
    if query.text("name"):
        needle = str(query.text("name")).lower()
        pixels = [p for p in pixels if needle in str(p["pixel_name"]).lower()]
    if filtering.get("available_for_catalog_only"):
        pixels = []
    pixels.sort(key=lambda p: str(p["create_time"]), reverse=order_by == "LATEST_CREATE")
    items, info = _page(pixels, page, page_size)
    return {"pixels": items, "page_info": info}


def pixel_event_stats(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    pixel_ids = query.array("pixel_ids", required=True)
    assert pixel_ids is not None
    if not 1 <= len(pixel_ids) <= 10:
        raise param_error("pixel_ids", "Must contain between 1 and 10 items.")
    date_range = query.object("date_range", required=True)
    assert date_range is not None
    days = []
    for key in ("start_date", "end_date"):
        value = date_range.get(key)
        if value is None:
            raise param_error(f"date_range.{key}", schema.REQUIRED)
        try:
            days.append(dt.datetime.strptime(str(value), "%Y-%m-%d"))
        except ValueError:
            raise param_error(f"date_range.{key}", "Not a valid date. Use YYYY-MM-DD.") from None
    span = (days[1] - days[0]).days + 1
    if span < 1:
        raise param_error("date_range.end_date", "Must not be earlier than start_date.")
    if span > 30:
        raise param_error("date_range", "The date range must be at most 30 days.")
    out = []
    for i, pixel_id in enumerate(pixel_ids):
        pixel = store.asset("pixel", str(pixel_id), advertiser["advertiser_id"])
        if pixel is None:
            raise param_error(f"pixel_ids[{i}]", f"Pixel does not exist. pixel_id {pixel_id}.")
        stats = []
        for event_type, (browser, server) in (pixel.get("_daily_counts") or {}).items():
            b, s = int(browser) * span, int(server) * span
            stats.append(
                {
                    "pixel_event_type": event_type,
                    "attributed_count": (b + s) // 10,
                    "preview_count": 0,
                    "total_count": b + s,
                    "browser_event_total_count": b,
                    "server_event_total_count": s,
                }
            )
        out.append({"pixel_id": str(pixel_id), "statistics": stats})
    return {"list": out}


def identity_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    # page_size range of /identity/get/ is NOT FOUND in the reference: 1-100, default 10 (choice).
    page, page_size = query.paging(100)
    identity_type = query.text("identity_type")
    if identity_type is not None and identity_type not in schema.IDENTITY_TYPES:
        raise param_error("identity_type", f"Must be one of: {', '.join(schema.IDENTITY_TYPES)}.")
    identities = store.assets("identity", advertiser["advertiser_id"])
    if identity_type is not None:
        identities = [i for i in identities if i["identity_type"] == identity_type]
    items, info = _page(identities, page, page_size)
    # The response key of /identity/get/ is NOT FOUND in the reference; TikTok's docs use identity_list.
    return {"identity_list": items, "page_info": info}


def advertiser_info(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    ids = query.array("advertiser_ids", required=True)
    assert ids is not None
    fields = _fields(query)
    out = []
    for advertiser_id in ids:
        advertiser = authorize(store, token, advertiser_id, smart_plus=False)
        out.append(_project(objects.public(advertiser), fields))
    return {"list": out}


# ---------------------------------------------------------------------- legacy Smart+ (SPC)


def _offline(until: dt.datetime, now: dt.datetime, endpoint: str) -> None:
    if now >= until:
        raise ApiError(
            INTERFACE_OFFLINE,
            f"{endpoint} is no longer available since {until:%Y-%m-%d}. "
            "Use the Upgraded Smart+ API (/smart_plus/campaign/create/ and related endpoints).",
        )


LEGACY_REQUIRED = (
    "advertiser_id",
    "objective_type",
    "campaign_name",
    "promotion_type",
    "optimization_goal",
    "billing_event",
    "location_ids",
    "budget",
    "schedule_type",
    "schedule_start_time",
    "media_info_list",
)


def insert_legacy(store: Store, body: JSON) -> JSON:
    now = store.now_str()
    campaign_id = store.next_id("legacy_campaign")
    obj: JSON = {k: v for k, v in body.items() if v is not None}
    obj.update(
        {
            "campaign_id": campaign_id,
            "adgroup_id": str(int(campaign_id) + 1),
            "operation_status": obj.get("operation_status", "ENABLE"),
            "budget_mode": obj.get("budget_mode", "BUDGET_MODE_DAY"),
            "spc_type": obj.get("spc_type", "WEB_ALL_IN_ONE"),
            "create_time": now,
            "modify_time": now,
        }
    )
    obj["advertiser_id"] = str(obj["advertiser_id"])
    row = Row(
        kind="legacy_campaign",
        id=campaign_id,
        advertiser_id=obj["advertiser_id"],
        campaign_id=None,
        adgroup_id=None,
        operation_status=str(obj["operation_status"]),
        deleted=False,
        self_deleted=False,
        create_time=now,
        modify_time=now,
        data=obj,
    )
    store.insert_objects([row])
    return obj


def spc_create(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    authorize(store, token, raw.get("advertiser_id"), smart_plus=True)
    _offline(LEGACY_CREATE_END, store.now(), "/campaign/spc/create/")
    for key in LEGACY_REQUIRED:
        if raw.get(key) is None:
            raise param_error(key, schema.REQUIRED)
    return insert_legacy(store, raw)


def spc_update(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    authorize(store, token, raw.get("advertiser_id"), smart_plus=True)
    _offline(LEGACY_UPDATE_END, store.now(), "/campaign/spc/update/")
    campaign_id = str(raw.get("campaign_id") or "")
    row = store.get("legacy_campaign", campaign_id)
    if row is None or row.advertiser_id != str(raw["advertiser_id"]) or row.deleted:
        raise param_error("campaign_id", f"Campaign does not exist. campaign_id {campaign_id}.")
    for key, value in raw.items():
        if key not in ("advertiser_id", "campaign_id") and value is not None:
            row.data[key] = value
    row.modify_time = store.now_str()
    row.data["modify_time"] = row.modify_time
    store.save(row)
    return dict(row.data)


def spc_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=True)
    ids = query.array("campaign_ids", required=True)
    assert ids is not None
    ids = _id_filter({"campaign_ids": ids}, "campaign_ids") or []
    rows = store.select("legacy_campaign", advertiser["advertiser_id"], ids=ids, deleted=False)
    return {"list": [dict(r.data, operation_status=r.operation_status) for r in rows]}


ROUTES: dict[tuple[str, str], Handler] = {
    ("GET", "pixel/list/"): pixel_list,
    ("GET", "pixel/event/stats/"): pixel_event_stats,
    ("GET", "identity/get/"): identity_get,
    ("GET", "advertiser/info/"): advertiser_info,
    ("POST", "campaign/spc/create/"): spc_create,
    ("POST", "campaign/spc/update/"): spc_update,
    ("GET", "campaign/spc/get/"): spc_get,
}
