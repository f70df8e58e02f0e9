"""`GET /report/integrated/get/`: today's (or a day range's) spend of campaigns and ad groups.

Reads the store. Only what smartplus's guardrails and a user's checks need: report_type BASIC,
data_level AUCTION_CAMPAIGN or AUCTION_ADGROUP, dimensions [campaign_id | adgroup_id] (optionally
with stat_time_day), metrics containing "spend", start_date/end_date, and filtering by ids in
TikTok's v1.3 form `[{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": "[...]"}]`.
Rows have TikTok's shape `{"dimensions": {...}, "metrics": {"spend": "12.34"}}`: metric values are
strings (api-behavior.md section 5 notes reports return strings, "-" when there is no data). The
spend itself is what `POST /_emulator/spend` set. Everything else of the reporting API is NOT
emulated and answers 40002 naming the parameter.
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


ROUTES = {("GET", "report/integrated/get/"): report_integrated_get}
