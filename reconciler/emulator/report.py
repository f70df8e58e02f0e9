"""`GET /report/integrated/get/`: today's (or a day range's) spend of campaigns and ad groups.

Reads the store. Only what smartplus's guardrails and a user's checks need: report_type BASIC,
data_level AUCTION_CAMPAIGN or AUCTION_ADGROUP, dimensions [campaign_id | adgroup_id] (optionally
with stat_time_day), metrics containing "spend", start_date/end_date, and filtering by ids in
TikTok's v1.3 form `[{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": "[...]"}]`.
Rows have TikTok's shape `{"dimensions": {...}, "metrics": {"spend": "12.34"}}`: metric values are
strings (api-behavior.md section 5 notes reports return strings, "-" when there is no data). The
spend itself is what `POST /_emulator/spend` set. Everything else of the reporting API is NOT
emulated and answers 40002 naming the parameter.

Also the Smart+ material reports (`/smart_plus/material_report/overview/` and `/breakdown/`), below.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from .smart_plus import authorize
from .store import Store
from .wire import JSON, Query, page_info, param_error

LEVELS = {"AUCTION_CAMPAIGN": ("campaign", "campaign_id"), "AUCTION_ADGROUP": ("adgroup", "adgroup_id")}
FILTER_FIELDS = {"campaign_ids": "campaign", "adgroup_ids": "adgroup"}


def _date(query: Query, name: str) -> dt.date:
    raw = query.text(name, required=True)
    assert raw is not None
    try:
        return dt.datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise param_error(name, "Must be a date in the format YYYY-MM-DD.") from None


def _filter_ids(query: Query) -> dict[str, list[str]]:
    raw = query.array("filtering")
    out: dict[str, list[str]] = {}
    for i, item in enumerate(raw or []):
        if not isinstance(item, dict):
            raise param_error(f"filtering.{i}", "Must be an object.")
        field = item.get("field_name")
        if field not in FILTER_FIELDS:
            raise param_error(f"filtering.{i}.field_name", f"Must be one of: {', '.join(FILTER_FIELDS)}.")
        if item.get("filter_type") != "IN":
            raise param_error(f"filtering.{i}.filter_type", "Must be IN.")
        value = item.get("filter_value")
        try:
            ids = json.loads(value) if isinstance(value, str) else value
        except ValueError:
            ids = None
        if not isinstance(ids, list) or not all(isinstance(x, str | int) for x in ids):
            raise param_error(f"filtering.{i}.filter_value", "Must be a JSON array of IDs.")
        if len(ids) > 100:
            raise param_error(f"filtering.{i}.filter_value", "Too many IDs: at most 100.")
        out[str(field)] = [str(x) for x in ids]
    return out


def report_integrated_get(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    if query.text("report_type", required=True) != "BASIC":
        raise param_error("report_type", "Only BASIC is emulated.")
    level = query.text("data_level", required=True)
    if level not in LEVELS:
        raise param_error("data_level", f"Must be one of: {', '.join(LEVELS)} (others are not emulated).")
    kind, id_field = LEVELS[level]
    dimensions = query.array("dimensions", required=True) or []
    if id_field not in dimensions or not set(dimensions) <= {id_field, "stat_time_day"}:
        raise param_error("dimensions", f"Must be [{id_field!r}] or [{id_field!r}, 'stat_time_day'].")
    metrics = query.array("metrics") or ["spend"]
    if not set(metrics) <= {"spend"}:
        raise param_error("metrics", "Only spend is emulated.")
    start, end = _date(query, "start_date"), _date(query, "end_date")
    if end < start or (end - start).days > 30:
        raise param_error("end_date", "Must be on or after start_date, at most 30 days later.")
    page, page_size = query.paging(1000)
    filters = _filter_ids(query)
    rows = store.select(
        kind,
        advertiser["advertiser_id"],
        ids=filters.get(f"{kind}_ids"),
        campaign_ids=filters.get("campaign_ids") if kind == "adgroup" else None,
    )
    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    items: list[JSON] = []
    for row in rows:
        amounts = []
        for day in days:
            key = day.strftime("%Y-%m-%d")
            spent = (
                store.campaign_spend(row.id, key) if kind == "campaign" else store.spend(kind, row.id, key)
            )
            amounts.append((key, spent or 0.0))
        if "stat_time_day" in dimensions:
            for key, spent in amounts:
                items.append(
                    {
                        "dimensions": {id_field: row.id, "stat_time_day": f"{key} 00:00:00"},
                        "metrics": {"spend": f"{spent:.2f}"},
                    }
                )
        else:
            total = sum(s for _, s in amounts)
            items.append({"dimensions": {id_field: row.id}, "metrics": {"spend": f"{total:.2f}"}})
    page_items = items[(page - 1) * page_size : page * page_size]
    return {"list": page_items, "page_info": page_info(page, page_size, len(items))}


ROUTES: dict[tuple[str, str], Any] = {("GET", "report/integrated/get/"): report_integrated_get}


# ---------------------------------------------------------------------- Smart+ material reports
#
# `GET /smart_plus/material_report/overview/` and `/breakdown/` (Y:smart_plus_material_report_*).
# The emulator keeps spend per ad group and day only; a creative's spend is its ad group's spend shared
# evenly among the ad group's enabled creatives (the emulator's model, not TikTok's). Only the `spend`
# metric and the id dimensions are emulated; the row shape (`{dimensions, metrics}` with string values)
# is that of /report/integrated/get/, since the answer's shape (`list` <- `newStats`) is NOT FOUND.

OVERVIEW_DIMENSIONS = ("advertiser_id", "campaign_id", "adgroup_id", "smart_plus_ad_id", "main_material_id")
OVERVIEW_ALL = (
    *OVERVIEW_DIMENSIONS,
    "ad_text_entity_id",
    "call_to_action_entity_id",
    "interactive_add_on_entity_id",
)
BREAKDOWN_ALL = (
    "main_material_id",
    "stat_time_day",
    "ad_text_entity_id",
    "call_to_action_entity_id",
    "interactive_add_on_entity_id",
    "stat_time_hour",
    "stat_time_week",
    "stat_time_month",
)
MATERIAL_FILTERS = {
    "campaign_ids": "campaign_id",
    "adgroup_ids": "adgroup_id",
    "smart_plus_ad_ids": "smart_plus_ad_id",
    "main_material_ids": "main_material_id",
}
MATERIAL_TYPES = (
    "CAROUSEL_NON_SPARK_ADS",
    "CAROUSEL_SPARK_ADS",
    "CATALOG_CAROUSEL",
    "CATALOG_MULTI_SHOW",
    "CATALOG_VIDEO",
    "CATALOG_VIDEO_TEMPLATE",
    "SINGLE_IMAGE_NON_SPARK_ADS",
    "VIDEO_NON_SPARK_ADS",
    "VIDEO_SPARK_ADS",
)
SPARK_IDENTITIES = ("AUTH_CODE", "TT_USER", "BC_AUTH_TT")


def _material_type(creative: JSON) -> str:
    info = creative.get("creative_info") or {}
    spark = info.get("identity_type") in SPARK_IDENTITIES or bool(info.get("tiktok_item_id"))
    carousel = info.get("ad_format") == "CAROUSEL_ADS"
    return f"{'CAROUSEL' if carousel else 'VIDEO'}_{'SPARK' if spark else 'NON_SPARK'}_ADS"


def _material_filters(query: Query) -> tuple[dict[str, set[str]], set[str] | None]:
    filtering = query.object("filtering") or {}
    ids: dict[str, set[str]] = {}
    types: set[str] | None = None
    for key, value in filtering.items():
        if key == "main_material_types":
            if (
                not isinstance(value, list)
                or not 1 <= len(value) <= 9
                or not set(value) <= set(MATERIAL_TYPES)
            ):
                raise param_error(
                    "filtering.main_material_types", f"Must be 1-9 of: {', '.join(MATERIAL_TYPES)}."
                )
            types = {str(v) for v in value}
        elif key in MATERIAL_FILTERS:
            limit = 400 if key == "main_material_ids" else 200
            if not isinstance(value, list) or not 1 <= len(value) <= limit:
                raise param_error(f"filtering.{key}", f"Must be an array of 1-{limit} IDs.")
            ids[MATERIAL_FILTERS[key]] = {str(v) for v in value}
        elif key in ("ad_text_entity_ids", "call_to_action_entity_ids", "interactive_add_on_entity_ids"):
            raise param_error(f"filtering.{key}", "Not emulated.")
        else:
            raise param_error(f"filtering.{key}", "Unknown field.")
    return ids, types


def _material_rows(store: Store, advertiser_id: str, query: Query) -> list[JSON]:
    """One entry per creative of the advertiser's live ads: its ids and its ad group."""
    ids, types = _material_filters(query)
    out: list[JSON] = []
    for ad in store.select("ad", advertiser_id, deleted=False):
        for creative in ad.data.get("creative_list") or []:
            row = {
                "advertiser_id": advertiser_id,
                "campaign_id": ad.campaign_id,
                "adgroup_id": ad.adgroup_id,
                "smart_plus_ad_id": ad.id,
                "main_material_id": str(creative.get("ad_material_id")),
                "_enabled": creative.get("material_operation_status", "ENABLE") == "ENABLE"
                and ad.operation_status == "ENABLE",
                "_type": _material_type(creative),
            }
            if all(row[field] in wanted for field, wanted in ids.items()) and (
                types is None or row["_type"] in types
            ):
                out.append(row)
    return out


def _shares(store: Store, advertiser_id: str) -> dict[str, int]:
    """Enabled creatives per ad group, over all of the advertiser's live ads (the spend is shared by them)."""
    counts: dict[str, int] = {}
    for ad in store.select("ad", advertiser_id, deleted=False):
        if ad.operation_status != "ENABLE":
            continue
        enabled = sum(
            1
            for c in ad.data.get("creative_list") or []
            if c.get("material_operation_status", "ENABLE") == "ENABLE"
        )
        counts[ad.adgroup_id or ""] = counts.get(ad.adgroup_id or "", 0) + enabled
    return counts


def _lifetime_spend(store: Store, adgroup_id: str) -> float:
    with store.lock:
        row = store.conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM spend WHERE kind = 'adgroup' AND id = ?", (adgroup_id,)
        ).fetchone()
    return float(row[0])


def _metrics(query: Query) -> None:
    metrics = query.array("metrics") or ["spend"]
    if not set(metrics) <= {"spend"}:
        raise param_error("metrics", "Only spend is emulated.")
    sort_field = query.text("sort_field") or "spend"
    if sort_field != "spend":
        raise param_error("sort_field", "Only spend is emulated.")
    if (query.text("sort_type") or "DESC") not in ("ASC", "DESC"):
        raise param_error("sort_type", "Must be one of: ASC, DESC.")


def _sorted_page(query: Query, items: list[tuple[float, JSON]]) -> Any:
    page, page_size = query.paging(100)
    descending = (query.text("sort_type") or "DESC") == "DESC"
    items.sort(key=lambda pair: pair[0], reverse=descending)
    rows = [row for _, row in items]
    return {
        "list": rows[(page - 1) * page_size : page * page_size],
        "page_info": page_info(page, page_size, len(rows)),
    }


def material_report_overview(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    dimensions = query.array("dimensions", required=True) or []
    if not dimensions:
        raise param_error("dimensions", "Must contain at least 1 item.")
    for i, name in enumerate(dimensions):
        if name not in OVERVIEW_ALL:
            raise param_error(f"dimensions[{i}]", f"Must be one of: {', '.join(OVERVIEW_ALL)}.")
        if name not in OVERVIEW_DIMENSIONS:
            raise param_error(f"dimensions[{i}]", f"Emulated values: {', '.join(OVERVIEW_DIMENSIONS)}.")
    _metrics(query)
    lifetime = query.text("query_lifetime") == "true"
    days: list[str] = []
    if not lifetime:
        start, end = _date(query, "start_date"), _date(query, "end_date")
        if end < start or (end - start).days > 365:
            raise param_error("end_date", "Must be on or after start_date, at most 365 days later.")
        days = [(start + dt.timedelta(days=n)).strftime("%Y-%m-%d") for n in range((end - start).days + 1)]
    shares = _shares(store, adv_id)
    groups: dict[tuple[str, ...], float] = {}
    per_adgroup: dict[str, float] = {}
    for row in _material_rows(store, adv_id, query):
        adgroup_id = str(row["adgroup_id"])
        if adgroup_id not in per_adgroup:
            per_adgroup[adgroup_id] = (
                _lifetime_spend(store, adgroup_id)
                if lifetime
                else sum(store.spend("adgroup", adgroup_id, day) or 0.0 for day in days)
            )
        share = (
            per_adgroup[adgroup_id] / shares[adgroup_id]
            if row["_enabled"] and shares.get(adgroup_id)
            else 0.0
        )
        key = tuple(str(row[d]) for d in dimensions)
        groups[key] = groups.get(key, 0.0) + share
    items = [
        (spent, {"dimensions": dict(zip(dimensions, key, strict=True)), "metrics": {"spend": f"{spent:.2f}"}})
        for key, spent in groups.items()
    ]
    return _sorted_page(query, items)


def material_report_breakdown(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    advertiser = authorize(store, token, query.text("advertiser_id"), smart_plus=False)
    adv_id = str(advertiser["advertiser_id"])
    dimensions = query.array("dimensions", required=True) or []
    for i, name in enumerate(dimensions):
        if name not in BREAKDOWN_ALL:
            raise param_error(f"dimensions[{i}]", f"Must be one of: {', '.join(BREAKDOWN_ALL)}.")
    if "main_material_id" not in dimensions or not set(dimensions) <= {"main_material_id", "stat_time_day"}:
        raise param_error(
            "dimensions", "Emulated: ['main_material_id'] or ['main_material_id', 'stat_time_day']."
        )
    _metrics(query)
    start, end = _date(query, "start_date"), _date(query, "end_date")
    if end < start or (end - start).days > 365:
        raise param_error("end_date", "Must be on or after start_date, at most 365 days later.")
    days = [(start + dt.timedelta(days=n)).strftime("%Y-%m-%d") for n in range((end - start).days + 1)]
    shares = _shares(store, adv_id)
    items: list[tuple[float, JSON]] = []
    for row in _material_rows(store, adv_id, query):
        adgroup_id = str(row["adgroup_id"])
        daily = [
            (
                day,
                (store.spend("adgroup", adgroup_id, day) or 0.0) / shares[adgroup_id]
                if row["_enabled"] and shares.get(adgroup_id)
                else 0.0,
            )
            for day in days
        ]
        if "stat_time_day" in dimensions:
            for day, spent in daily:
                dims = {"main_material_id": row["main_material_id"], "stat_time_day": f"{day} 00:00:00"}
                items.append((spent, {"dimensions": dims, "metrics": {"spend": f"{spent:.2f}"}}))
        else:
            total = sum(s for _, s in daily)
            dims = {"main_material_id": row["main_material_id"]}
            items.append((total, {"dimensions": dims, "metrics": {"spend": f"{total:.2f}"}}))
    return _sorted_page(query, items)


ROUTES[("GET", "smart_plus/material_report/overview/")] = material_report_overview
ROUTES[("GET", "smart_plus/material_report/breakdown/")] = material_report_breakdown
