"""`POST /smart_plus/adgroup/budget/update/`: the budgets of up to 20 ad groups in one call.

Reads and writes the store. Body (D:1843314914438466; reference 0.17 and 2.5): `advertiser_id` and
either `budget` = [{adgroup_id, budget}] (at most 20, takes effect at once) or `scheduled_budget`
(allowlist only). Each budget obeys the rules of an ad group budget on `/smart_plus/adgroup/update/`
(CBO off only, the currency's precision, the minimum per day or per scheduled day for TOTAL, below
10,000,000, at least 105% of today's spend, above the ad group's bids). The answer is `data: {}` with
no per-item error list, so the call is all or nothing: every item is checked first and nothing
changes if one fails (strict reading).
"""

from __future__ import annotations

import json
from typing import Any

from . import schema
from .smart_plus import (
    ADGROUP_MIN_DAILY_BUDGET,
    MAX_BUDGET,
    _check_bids_below_budget,
    _check_budget_vs_spend,
    _check_precision,
    _fmt_amount,
    _ratio,
    _scheduled_days,
    authorize,
)
from .store import Row, Store
from .wire import JSON, NOT_IN_WHITELIST, ApiError, Query, param_error

MAX_ITEMS = 20


def _items(raw: Any) -> list[Any]:
    # The doc example sends the array as a JSON string; the typed form is an array. Both are read.
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise param_error("budget", "Field must be set to array") from None
    if not isinstance(raw, list):
        raise param_error("budget", "Field must be set to array")
    if not 1 <= len(raw) <= MAX_ITEMS:
        raise param_error("budget", f"Must contain between 1 and {MAX_ITEMS} items.")
    return raw


def adgroup_budget_update(store: Store, token: str | None, query: Query, body: JSON | None) -> Any:
    raw = body or {}
    advertiser = authorize(store, token, raw.get("advertiser_id"), smart_plus=True)
    adv_id = str(advertiser["advertiser_id"])
    for key in raw:
        if key not in ("advertiser_id", "budget", "scheduled_budget"):
            raise param_error(key, "Unknown field.")
    if "scheduled_budget" in raw:
        if "budget" in raw:
            raise param_error("scheduled_budget", "Pass either budget or scheduled_budget, not both.")
        # Allowlist-only feature; no demo advertiser is on that allowlist (the code is the SDK's
        # NOT_IN_WHITELIST; the message is the emulator's wording).
        raise ApiError(NOT_IN_WHITELIST, f"Advertiser {adv_id} is not in the allowlist of scheduled_budget.")
    if "budget" not in raw:
        raise param_error("budget", schema.REQUIRED)
    items = _items(raw["budget"])
    ratio = _ratio(advertiser)
    today = store.now().strftime("%Y-%m-%d")
    changes: list[tuple[Row, float]] = []
    seen: set[str] = set()
    for i, item in enumerate(items):
        path = f"budget[{i}]"
        if not isinstance(item, dict):
            raise param_error(path, "Must be an object.")
        for key in item:
            if key not in ("adgroup_id", "budget"):
                raise param_error(f"{path}.{key}", "Unknown field.")
        adgroup_id = item.get("adgroup_id")
        if adgroup_id is None:
            raise param_error(f"{path}.adgroup_id", schema.REQUIRED)
        if not schema.is_id(adgroup_id):
            raise param_error(f"{path}.adgroup_id", "Not a valid ID. IDs are strings of a 64-bit integer.")
        adgroup_id = str(adgroup_id)
        if adgroup_id in seen:
            raise param_error(f"{path}.adgroup_id", f"Adgroup {adgroup_id} appears more than once.")
        seen.add(adgroup_id)
        value = item.get("budget")
        if value is None:
            raise param_error(f"{path}.budget", schema.REQUIRED)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise param_error(f"{path}.budget", "Not a valid number.")
        row = store.get("adgroup", adgroup_id)
        if row is None or row.advertiser_id != adv_id or row.deleted:
            raise param_error(f"{path}.adgroup_id", f"Adgroup does not exist. adgroup_id {adgroup_id}.")
        campaign = store.get("campaign", row.campaign_id or "")
        if campaign is None or campaign.deleted:
            raise param_error(f"{path}.adgroup_id", f"Adgroup does not exist. adgroup_id {adgroup_id}.")
        if campaign.data.get("budget_optimize_on", True):
            raise param_error(f"{path}.budget", "Not supported when budget_optimize_on is true.")
        _check_precision(float(value), advertiser, f"{path}.budget")
        days = _scheduled_days(row.data) if row.data.get("budget_mode") == "BUDGET_MODE_TOTAL" else 1
        low, high = ADGROUP_MIN_DAILY_BUDGET * ratio * days, MAX_BUDGET * ratio
        if not low <= float(value) < high:
            raise param_error(
                f"{path}.budget",
                f"Ad group budget must be at least {_fmt_amount(low)} and below {_fmt_amount(high)}.",
            )
        _check_budget_vs_spend(
            float(value), store.spend("adgroup", adgroup_id, today) or 0.0, f"{path}.budget"
        )
        # The bids must stay below the new budget, as on /smart_plus/adgroup/update/.
        _check_bids_below_budget({**row.data, "budget": value}, campaign, False, f"{path}.")
        changes.append((row, value))
    now = store.now_str()
    with store.transaction():
        for row, value in changes:
            row.data["budget"] = value
            row.data["modify_time"] = now
            row.modify_time = now
            store.save(row)
    return {}


ROUTES = {("POST", "smart_plus/adgroup/budget/update/"): adgroup_budget_update}
