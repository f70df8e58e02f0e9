"""Overrides: --override RULE[:ADDRESS] and guardrails.overrides in the manifest. An overridden
block stays in the plan (shown) but does not block."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from reconciler.core.guardrails import RULES, Facts
from reconciler.core.plan import Plan

from .helpers import CAMPAIGN, CAMPAIGN_ID, NOW, campaign_doc, live_of, plan_of, verdicts

SPENT = Facts(spend_read=frozenset({CAMPAIGN_ID}))


def young_budget_cut(overrides: tuple[str, ...] = (), manifest_overrides: list[str] | None = None) -> Plan:
    doc = campaign_doc(budget=400)
    if manifest_overrides is not None:
        doc["guardrails"] = {"historical_cpa": 12.5, "overrides": manifest_overrides}
    return plan_of(
        doc, live_of(campaign_doc(), created=NOW - timedelta(days=3)), facts=SPENT, overrides=overrides
    )


@pytest.mark.parametrize(
    "overrides",
    [
        ("learning-phase",),
        (f"learning-phase:{CAMPAIGN}",),
        (f"learning-phase:7000000000000000001/{CAMPAIGN}",),  # the address key
        ("bid-step", "learning-phase"),
    ],
)
def test_cli_overrides(overrides: tuple[str, ...]) -> None:
    plan = young_budget_cut(overrides)
    ((change, v),) = verdicts(plan, "learning-phase")
    assert v.level == "block" and v.overridden and not v.blocking
    assert not change.blocked and plan.blocked == []
    assert v.message.endswith("(overridden)")


@pytest.mark.parametrize(
    "overrides",
    [
        ("bid-step",),
        ('learning-phase:campaign["Another campaign"]',),
        (f'learning-phase:{CAMPAIGN}.adgroup["US broad 18+"]',),  # names a child, not the campaign change
        ("learning",),
    ],
)
def test_overrides_that_do_not_cover(overrides: tuple[str, ...]) -> None:
    plan = young_budget_cut(overrides)
    assert len(plan.blocked) == 1


def test_manifest_overrides() -> None:
    plan = young_budget_cut(manifest_overrides=["learning-phase"])
    assert plan.blocked == []
    ((_, v),) = verdicts(plan, "learning-phase")
    assert v.overridden
    assert len(young_budget_cut(manifest_overrides=["budget-floor"]).blocked) == 1


def test_a_campaign_override_covers_its_adgroups_and_ads() -> None:
    applied = campaign_doc()
    desired = campaign_doc()
    desired["adgroups"][0]["ads"][0]["ad_text_list"] = [{"ad_text": "New text"}]
    live = live_of(applied, created=NOW - timedelta(days=1))
    assert len(plan_of(desired, live).blocked) == 1
    assert plan_of(desired, live, overrides=(f"learning-phase:{CAMPAIGN}",)).blocked == []
    group = f'{CAMPAIGN}.adgroup["US broad 18+"]'
    assert plan_of(desired, live, overrides=(f"learning-phase:{group}",)).blocked == []


def test_verdicts_survive_the_plan_file() -> None:
    plan = young_budget_cut(("learning-phase",))
    data = json.loads(json.dumps(plan.to_json()))
    again = Plan.from_json(data)
    assert again.changes[0].verdicts == plan.changes[0].verdicts
    v = data["verdicts"][data["changes"][0]["verdicts"][0]]  # named by its place in the plan's table
    assert v["rule"] == "learning-phase" and v["overridden"] is True
    assert v["numbers"]["days_since_launch"] == 3 and v["numbers"]["limit_days"] == 7


def test_rule_names() -> None:
    assert RULES == (
        "learning-phase",
        "bid-step",
        "budget-floor",
        "budget-spend",
        "spend-increase",
        "deprecated-endpoint",
        "pixel",
    )
