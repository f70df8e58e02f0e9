"""Build manifests, live rows and plans directly, so every rule is tested at its boundaries
without the emulator: the planner is pure, and so are the guardrails."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from reconciler.core.guardrails import Facts, GuardSettings, make_guard
from reconciler.core.live import LiveAccount
from reconciler.core.manifests import Manifest
from reconciler.core.plan import Change, Plan, Verdict
from reconciler.core.planner import PlanOptions, make_plan
from reconciler.core.resources import Campaign

ADV = "7000000000000000001"
PIXEL = "7100000000000000001"
NOW = datetime(2026, 11, 29, 12, 0, 0)
CAMPAIGN_ID = "1800000000000000001"
NAME = "Spring Sale US"
CAMPAIGN = f'campaign["{NAME}"]'
TIME = "%Y-%m-%d %H:%M:%S"


def ts(t: datetime) -> str:
    return t.strftime(TIME)


def adgroup_doc(name: str, **over: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "adgroup_name": name,
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": PIXEL,
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": "2026-11-01 00:00:00",
        "targeting_optimization_mode": "AUTOMATIC",
        "targeting_spec": {"location_ids": ["6252001"], "spc_audience_age": "OVER_EIGHTEEN"},
        "ads": [
            {
                "ad_name": f"{name} video 1",
                "creative_list": [
                    {
                        "creative_info": {
                            "ad_format": "SINGLE_VIDEO",
                            "video_info": {"video_id": "v10000000000000001"},
                            "image_info": [{"web_uri": "i10000000000000001"}],
                            "identity_type": "TT_USER",
                            "identity_id": "7200000000000000002",
                        }
                    }
                ],
                "ad_text_list": [{"ad_text": "Spring sale"}],
                "ad_configuration": {"call_to_action_id": "7400000000000000001"},
            }
        ],
    }
    doc.update(over)
    return doc


def campaign_doc(**over: Any) -> dict[str, Any]:
    """A CBO campaign with two ad groups (one ad each), historical CPA 12.5."""
    doc: dict[str, Any] = {
        "advertiser_id": ADV,
        "campaign_name": NAME,
        "objective_type": "WEB_CONVERSIONS",
        "budget_optimize_on": True,
        "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        "budget": 500,
        "operation_status": "ENABLE",
        "guardrails": {"historical_cpa": 12.5},
        "adgroups": [adgroup_doc("US broad 18+"), adgroup_doc("US broad 25+")],
    }
    doc.update(over)
    return doc


def no_cbo_doc(adgroup_budget: float = 200, **over: Any) -> dict[str, Any]:
    """CBO off: each ad group has its own daily budget; the campaign none (unless given)."""
    doc = campaign_doc(budget_optimize_on=False, budget_mode="BUDGET_MODE_INFINITE")
    doc.pop("budget")
    doc.update(over)
    for g in doc["adgroups"]:
        g["budget_mode"] = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
        g["budget"] = adgroup_budget
    return doc


def manifest(doc: dict[str, Any]) -> Manifest:
    return Manifest(campaign=Campaign.model_validate(doc), file="test.yaml", document=0)


def live_of(
    doc: dict[str, Any],
    *,
    created: datetime,
    modified: datetime | None = None,
    adgroup_created: dict[str, datetime] | None = None,
    extra: dict[str, Any] | None = None,
) -> LiveAccount:
    """The live account as if ``doc`` had been applied: rows carry the manifest's fields, ids
    and times (``created`` for every object unless ``adgroup_created`` names an ad group)."""
    doc = copy.deepcopy(doc)
    modified = modified or created
    groups = doc.pop("adgroups")
    for key in ("guardrails", "prune", "id"):
        doc.pop(key, None)
    crow = {**doc, "campaign_id": CAMPAIGN_ID, "create_time": ts(created), "modify_time": ts(modified)}
    crow.update(extra or {})
    grows: list[dict[str, Any]] = []
    arows: list[dict[str, Any]] = []
    for i, g in enumerate(groups, start=1):
        ads = g.pop("ads")
        gid = f"181000000000000000{i}"
        gcreated = (adgroup_created or {}).get(g["adgroup_name"], created)
        row = {
            **g,
            "adgroup_id": gid,
            "campaign_id": CAMPAIGN_ID,
            "advertiser_id": ADV,
            "operation_status": "ENABLE",
            "create_time": ts(gcreated),
            "modify_time": ts(max(gcreated, modified)),
        }
        if doc.get("budget_optimize_on", True):
            row.update(budget_mode="BUDGET_MODE_INFINITE", budget=0)
        grows.append(row)
        for j, ad in enumerate(ads, start=1):
            arows.append(
                {
                    **ad,
                    "smart_plus_ad_id": f"18200000000000{i:02d}{j:03d}",
                    "adgroup_id": gid,
                    "advertiser_id": ADV,
                    "operation_status": "ENABLE",
                    "create_time": ts(gcreated),
                    "modify_time": ts(max(gcreated, modified)),
                }
            )
    return LiveAccount.from_rows([crow], grows, arows)


def plan_of(
    doc: dict[str, Any] | list[dict[str, Any]],
    live: LiveAccount | None = None,
    *,
    now: datetime = NOW,
    facts: Facts | None = None,
    overrides: tuple[str, ...] = (),
    max_spend_increase: float | None = None,
) -> Plan:
    docs = doc if isinstance(doc, list) else [doc]
    settings = GuardSettings(overrides=overrides, max_spend_increase=max_spend_increase)
    guard = make_guard(facts if facts is not None else Facts(), settings)
    options = PlanOptions(now=now, digest="sha256:test", tool_version="test", overrides=overrides)
    return make_plan([manifest(d) for d in docs], live or LiveAccount.from_rows([]), options, guards=[guard])


def verdicts(plan: Plan, rule: str) -> list[tuple[Change, Verdict]]:
    return [(c, v) for c in plan.changes for v in c.verdicts if v.rule == rule]


def only(plan: Plan, rule: str) -> tuple[Change, Verdict]:
    found = verdicts(plan, rule)
    assert len(found) == 1, [(c.address, v) for c, v in found]
    return found[0]


def long_ago() -> datetime:
    """Launched well before NOW: past the learning phase and the bid interval."""
    return NOW - timedelta(days=30)
