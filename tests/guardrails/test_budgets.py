"""budget-floor (10x the historical CPA; 30x warning for cost cap / minimum ROAS) and budget-spend
(a new budget of at least 105% of today's spend)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from reconciler.core.guardrails import Facts

from .helpers import CAMPAIGN_ID, campaign_doc, live_of, long_ago, no_cbo_doc, only, plan_of, verdicts

FLOOR = "budget-floor"
SPEND = "budget-spend"
NO_SPEND = Facts(spend_read=frozenset({CAMPAIGN_ID, "1810000000000000001", "1810000000000000002"}))


def with_bidding(doc: dict[str, Any], **fields: Any) -> dict[str, Any]:
    for g in doc["adgroups"]:
        g.update(fields)
    return doc


# ---- budget-floor ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "level"),
    [(125, None), (124.99, "block"), (1000, None)],  # historical CPA 12.5: 10x is 125
)
def test_floor_on_a_campaign_budget_update(budget: float, level: str | None) -> None:
    plan = plan_of(campaign_doc(budget=budget), live_of(campaign_doc(), created=long_ago()), facts=NO_SPEND)
    found = verdicts(plan, FLOOR)
    if level is None:
        assert found == []
        return
    ((change, v),) = found
    assert change.action == "update" and v.level == level
    assert v.numbers == {
        "daily_budget": budget,
        "historical_cpa": 12.5,
        "multiple": 9.99,  # 9.9992, rounded down so that it never reads as 10
        "min_multiple": 10.0,
        "minimum_budget": 125.0,
    }
    assert "at least 125" in v.message


def test_floor_on_a_new_campaign() -> None:
    (change, v) = only(plan_of(campaign_doc(budget=100)), FLOOR)
    assert change.action == "create" and change.kind == "campaign" and v.blocking
    assert v.numbers["multiple"] == 8.0


@pytest.mark.parametrize(
    ("bidding", "budget", "level"),
    [
        ({"bid_type": "BID_TYPE_CUSTOM", "conversion_bid_price": 10}, 375, None),  # exactly 30x
        ({"bid_type": "BID_TYPE_CUSTOM", "conversion_bid_price": 10}, 374.99, "warn"),
        ({"deep_bid_type": "VO_MIN_ROAS", "roas_bid": 2, "optimization_goal": "VALUE"}, 200, "warn"),
        ({"bid_type": "BID_TYPE_NO_BID"}, 200, None),  # no cost cap: only 10x applies
        ({"bid_type": "BID_TYPE_CUSTOM", "conversion_bid_price": 10}, 100, "block"),
    ],
)
def test_cost_cap_and_min_roas_want_thirty_times(
    bidding: dict[str, Any], budget: float, level: str | None
) -> None:
    applied = with_bidding(campaign_doc(), **bidding)
    desired = with_bidding(campaign_doc(budget=budget), **bidding)
    found = verdicts(plan_of(desired, live_of(applied, created=long_ago()), facts=NO_SPEND), FLOOR)
    assert [v.level for _, v in found] == ([level] if level else [])
    if level == "warn":
        v = found[0][1]
        assert v.numbers["target_multiple"] == 30.0 and v.numbers["target_budget"] == 375.0
        assert not v.blocking


def test_floor_on_adgroup_budgets_without_cbo() -> None:
    applied = no_cbo_doc(adgroup_budget=200)
    desired = copy.deepcopy(applied)
    desired["adgroups"][1]["budget"] = 120
    (change, v) = only(plan_of(desired, live_of(applied, created=long_ago()), facts=NO_SPEND), FLOOR)
    assert change.kind == "adgroup" and change.address.adgroup == "US broad 25+" and v.blocking


def test_no_historical_cpa_no_floor_and_lifetime_budgets_are_not_daily() -> None:
    doc = campaign_doc(budget=60)
    doc["guardrails"] = {}
    assert verdicts(plan_of(doc), FLOOR) == []
    lifetime = campaign_doc(budget=60, budget_mode="BUDGET_MODE_TOTAL")
    assert verdicts(plan_of(lifetime), FLOOR) == []


# ---- budget-spend ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "blocked"),
    [(105, False), (104.99, True), (420, False)],  # 105% of 100 spent today
)
def test_budget_cut_below_105_percent_of_todays_spend(budget: float, blocked: bool) -> None:
    facts = Facts(spend_today={CAMPAIGN_ID: 100.0}, spend_day="2026-11-29")
    doc = campaign_doc(budget=budget, guardrails={})
    found = verdicts(plan_of(doc, live_of(campaign_doc(), created=long_ago()), facts=facts), SPEND)
    if not blocked:
        assert found == []
        return
    ((_, v),) = found
    assert v.blocking
    assert v.numbers == {
        "new_budget": 104.99,
        "spend_today": 100.0,
        "minimum_budget": 105.0,
        "min_ratio_pct": 105,
    }
    assert "on 2026-11-29" in v.message


def test_adgroup_budget_uses_the_adgroup_spend() -> None:
    applied = no_cbo_doc(adgroup_budget=200)
    desired = copy.deepcopy(applied)
    desired["adgroups"][0]["budget"] = 150
    facts = Facts(spend_today={"1810000000000000001": 190.0})
    (change, v) = only(plan_of(desired, live_of(applied, created=long_ago()), facts=facts), SPEND)
    assert change.remote_id == "1810000000000000001" and v.numbers["minimum_budget"] == 199.5


def test_read_but_absent_means_nothing_spent() -> None:
    doc = campaign_doc(budget=60, guardrails={})
    assert verdicts(plan_of(doc, live_of(campaign_doc(), created=long_ago()), facts=NO_SPEND), SPEND) == []


def test_unknown_spend_warns_on_a_cut_only() -> None:
    facts = Facts(unknown={"spend": "/report/integrated/get/ answered 40400: Route not found"})
    live = live_of(campaign_doc(), created=long_ago())
    (_, v) = only(plan_of(campaign_doc(budget=300), live, facts=facts), SPEND)
    assert v.level == "warn" and not v.blocking
    assert "40400" in v.message and v.numbers["spend_today"] is None
    assert verdicts(plan_of(campaign_doc(budget=700), live, facts=facts), SPEND) == []
