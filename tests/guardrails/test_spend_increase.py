"""spend-increase: a plan raising the maximum daily spend by more than --max-spend-increase (or a
campaign's guardrails.max_spend_increase) is blocked, on the changes that add spend."""

from __future__ import annotations

import copy

import pytest

from reconciler.core.guardrails import Facts

from .helpers import CAMPAIGN_ID, NAME, adgroup_doc, campaign_doc, live_of, long_ago, only, plan_of, verdicts

RULE = "spend-increase"
NO_SPEND = Facts(spend_read=frozenset({CAMPAIGN_ID}))


@pytest.mark.parametrize(("budget", "blocked"), [(600, False), (600.01, True), (450, False)])
def test_plan_limit_boundary(budget: float, blocked: bool) -> None:
    plan = plan_of(
        campaign_doc(budget=budget),
        live_of(campaign_doc(), created=long_ago()),
        facts=NO_SPEND,
        max_spend_increase=100,
    )
    found = verdicts(plan, RULE)
    if not blocked:
        assert found == []
        return
    ((change, v),) = found
    assert change.action == "update" and v.blocking
    assert v.numbers == {
        "spend_before": 500.0,
        "spend_after": 600.01,
        "increase": 100.01,
        "max_increase": 100,
        "change_delta": 100.01,
        "scope": "plan",
    }


def test_new_campaign_blocks_on_the_enabling_step() -> None:
    plan = plan_of(campaign_doc(), max_spend_increase=0)
    ((change, v),) = verdicts(plan, RULE)
    assert change.action == "set_status" and change.kind == "campaign" and change.spend_delta == 500
    assert v.numbers["increase"] == 500.0
    assert plan.blocked == [change]


def test_campaign_limit_from_the_manifest() -> None:
    applied = campaign_doc()
    desired = campaign_doc(budget=560, guardrails={"historical_cpa": 12.5, "max_spend_increase": 50})
    (_, v) = only(plan_of(desired, live_of(applied, created=long_ago()), facts=NO_SPEND), RULE)
    assert v.numbers["scope"] == "campaign" and v.numbers["increase"] == 60.0 and v.blocking
    assert f"--override 'spend-increase:campaign[\"{NAME}\"]'" in v.message
    ok = campaign_doc(budget=550, guardrails={"max_spend_increase": 50})
    assert verdicts(plan_of(ok, live_of(applied, created=long_ago()), facts=NO_SPEND), RULE) == []


def test_unlimited_by_default_and_decreases_never_count() -> None:
    assert verdicts(plan_of(campaign_doc(budget=5000)), RULE) == []
    plan = plan_of(
        campaign_doc(budget=100), live_of(campaign_doc(), created=long_ago()), max_spend_increase=0
    )
    assert verdicts(plan, RULE) == []


def test_enabling_a_new_adgroup_without_cbo() -> None:
    applied = campaign_doc(budget_optimize_on=False, budget_mode="BUDGET_MODE_INFINITE")
    applied.pop("budget")
    for g in applied["adgroups"]:
        g.update(budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=100)
    desired = copy.deepcopy(applied)
    desired["adgroups"].append(
        adgroup_doc("US new", budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=100)
    )
    plan = plan_of(desired, live_of(applied, created=long_ago()), max_spend_increase=99.99)
    ((change, v),) = verdicts(plan, RULE)
    assert change.action == "set_status" and change.kind == "adgroup"
    assert v.numbers["spend_before"] == 200 and v.numbers["spend_after"] == 300
