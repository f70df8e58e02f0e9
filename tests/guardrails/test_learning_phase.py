"""learning-phase: no delivery-affecting edit within 7 days of an ad group's launch (create_time).

The phase is [create_time, create_time + 7 days): day 6 (up to 6 days 23:59:59) blocks, day 7 passes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from reconciler.core.guardrails import Facts
from reconciler.core.live import LiveAccount
from reconciler.core.plan import Change, Plan, Verdict

from .helpers import (
    CAMPAIGN,
    NOW,
    adgroup_doc,
    campaign_doc,
    live_of,
    long_ago,
    no_cbo_doc,
    only,
    plan_of,
    verdicts,
)

RULE = "learning-phase"
SPENT = Facts(spend_read=frozenset({"1800000000000000001", "1810000000000000001", "1810000000000000002"}))


def budget_cut(age: timedelta) -> tuple[list[tuple[Change, Verdict]], Plan]:
    """The demo-like campaign launched ``age`` ago, its budget cut from 500 to 400."""
    plan = plan_of(campaign_doc(budget=400), live_of(campaign_doc(), created=NOW - age), facts=SPENT)
    return verdicts(plan, RULE), plan


@pytest.mark.parametrize(
    ("age", "blocked", "days"),
    [
        (timedelta(days=3), True, 3),
        (timedelta(days=6), True, 6),
        (timedelta(days=7) - timedelta(seconds=1), True, 6),  # day 6, last second
        (timedelta(days=7), False, None),  # day 7: the phase is over
        (timedelta(days=8), False, None),
    ],
)
def test_cbo_campaign_budget_change_boundaries(age: timedelta, blocked: bool, days: int | None) -> None:
    found, plan = budget_cut(age)
    if not blocked:
        assert found == []
        assert not plan.blocked
        return
    ((change, v),) = found
    assert change.action == "update" and change.kind == "campaign"
    assert v.level == "block" and v.blocking
    assert v.numbers["days_since_launch"] == days
    assert v.numbers["limit_days"] == 7
    assert v.numbers["learning_ends_at"] == (NOW - age + timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    assert len(v.numbers["adgroups_in_learning"]) == 2
    assert "--override 'learning-phase:campaign[\"Spring Sale US\"]'" in v.message
    assert "add learning-phase to guardrails.overrides in the campaign manifest" in v.message


def test_one_young_adgroup_blocks_the_campaign_budget() -> None:
    applied = campaign_doc()
    live = live_of(
        applied, created=long_ago(), adgroup_created={"US broad 25+": NOW - timedelta(days=2, hours=1)}
    )
    _, v = only(plan_of(campaign_doc(budget=600), live, facts=SPENT), RULE)
    assert v.numbers["adgroups_in_learning"] == [f'{CAMPAIGN}.adgroup["US broad 25+"]']
    assert v.numbers["days_since_launch"] == 2
    assert v.numbers["hours_since_launch"] == 49.0


def test_disabled_adgroups_do_not_count() -> None:
    applied = campaign_doc()
    live = live_of(applied, created=long_ago(), adgroup_created={"US broad 25+": NOW - timedelta(days=1)})
    live = edit_adgroups(live, lambda row: {**row, "operation_status": "DISABLE"}, "1810000000000000002")
    desired = campaign_doc(budget=600)
    desired["adgroups"][1]["operation_status"] = "DISABLE"
    assert verdicts(plan_of(desired, live, facts=SPENT), RULE) == []


def test_campaign_budget_without_cbo_caps_the_adgroups_too() -> None:
    applied = no_cbo_doc(budget_mode="BUDGET_MODE_DAY", budget=1000)
    desired = copy.deepcopy(applied)
    desired["budget"] = 900
    _, v = only(plan_of(desired, live_of(applied, created=NOW - timedelta(days=1)), facts=SPENT), RULE)
    assert v.blocking


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("targeting_spec", {"location_ids": ["6252001", "2635167"], "spc_audience_age": "OVER_EIGHTEEN"}),
        ("schedule_start_time", "2026-12-05 00:00:00"),
        ("budget", 300),
    ],
)
def test_adgroup_edits_in_learning_block(field: str, value: object) -> None:
    applied = no_cbo_doc()
    desired = copy.deepcopy(applied)
    desired["adgroups"][0][field] = value
    change, v = only(plan_of(desired, live_of(applied, created=NOW - timedelta(days=4)), facts=SPENT), RULE)
    assert change.kind == "adgroup" and str(change.address).endswith('adgroup["US broad 18+"]')
    assert field in v.message and v.numbers["days_since_launch"] == 4


def test_a_rename_is_not_a_delivery_edit() -> None:
    applied = campaign_doc()
    desired = copy.deepcopy(applied)
    desired["adgroups"][0]["adgroup_name"] = "US broad 18+"  # same name: nothing
    desired["adgroups"][0]["ads"][0]["ad_name"] = "renamed ad"
    desired["adgroups"][0]["ads"][0]["id"] = "1820000000000001001"
    plan = plan_of(desired, live_of(applied, created=NOW - timedelta(days=1)))
    assert [c.action for c in plan.changes] == ["update"]
    assert [f.path for f in plan.changes[0].fields] == ["ad_name"]
    assert verdicts(plan, RULE) == []


def test_creative_change_and_new_ad_in_a_learning_adgroup_block() -> None:
    applied = campaign_doc()
    desired = copy.deepcopy(applied)
    desired["adgroups"][0]["ads"][0]["ad_text_list"] = [{"ad_text": "Winter sale"}]
    new_ad = copy.deepcopy(desired["adgroups"][1]["ads"][0])
    new_ad["ad_name"] = "second ad"
    desired["adgroups"][1]["ads"].append(new_ad)
    plan = plan_of(desired, live_of(applied, created=NOW - timedelta(days=5)))
    found = {(c.action, c.address.ad): v for c, v in verdicts(plan, RULE)}
    assert set(found) == {("update", "US broad 18+ video 1"), ("create", "second ad")}
    assert "adding a new ad" in found[("create", "second ad")].message
    assert all(v.blocking for v in found.values())


def test_a_new_adgroup_and_its_ads_are_not_in_anybodys_learning_phase() -> None:
    applied = campaign_doc()
    desired = copy.deepcopy(applied)
    desired["adgroups"].append(adgroup_doc("US new"))
    plan = plan_of(desired, live_of(applied, created=NOW - timedelta(days=1)))
    assert {c.action for c in plan.changes} == {"create", "set_status"}
    assert verdicts(plan, RULE) == []


def test_status_changes_are_never_blocked() -> None:
    applied = campaign_doc()
    desired = copy.deepcopy(applied)
    desired["adgroups"][0]["operation_status"] = "DISABLE"
    plan = plan_of(desired, live_of(applied, created=NOW - timedelta(hours=2)))
    assert [c.action for c in plan.changes] == ["set_status"]
    assert verdicts(plan, RULE) == []


def test_unknown_launch_time_warns() -> None:
    applied = campaign_doc()
    live = edit_adgroups(
        live_of(applied, created=long_ago()), lambda row: {k: v for k, v in row.items() if k != "create_time"}
    )
    _, v = only(plan_of(campaign_doc(budget=450), live, facts=SPENT), RULE)
    assert v.level == "warn" and not v.blocking
    assert "unknown" in v.message


def test_launch_in_the_future_counts_as_just_launched() -> None:
    # Clock skew between this machine and TikTok: still inside the phase.
    found, _ = budget_cut(timedelta(hours=-1))
    ((_, v),) = found
    assert v.blocking and v.numbers["days_since_launch"] == 0


def edit_adgroups(
    live: LiveAccount, edit: Callable[[dict[str, Any]], dict[str, Any]], *ids: str
) -> LiveAccount:
    """The account with these ad groups' rows (all, without ids) edited: live objects hold their
    rows packed (core.live), so a test builds the account anew rather than changing a row."""
    return LiveAccount.from_rows(
        [c.row for c in live.campaigns.values()],
        [edit(g.row) if not ids or g.id in ids else g.row for g in live.adgroups.values()],
        [a.row for a in live.ads.values()],
    )
