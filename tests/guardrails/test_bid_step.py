"""bid-step: a bid moves at most 15% per change (exact decimals: 15% passes, 15.01% blocks), and not
within 2 days of the ad group's last change (modify_time)."""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

import pytest

from reconciler.core.plan import Plan

from .helpers import NOW, campaign_doc, live_of, long_ago, plan_of, verdicts

RULE = "bid-step"


def cost_cap(bid: float, field: str = "conversion_bid_price") -> dict[str, Any]:
    doc = campaign_doc()
    for g in doc["adgroups"]:
        g["bid_type"] = "BID_TYPE_CUSTOM"
        g[field] = bid
    return doc


def rebid(
    before: float, after: float, *, modified: datetime | None = None, field: str = "conversion_bid_price"
) -> Plan:
    live = live_of(cost_cap(before, field), created=long_ago(), modified=modified or long_ago())
    return plan_of(cost_cap(after, field), live)


@pytest.mark.parametrize(
    ("before", "after", "blocked"),
    [
        (10, 11.5, False),  # +15.00%
        (10, 11.501, True),  # +15.01%
        (10, 8.5, False),  # -15.00%
        (10, 8.499, True),  # -15.01%
        (0.1, 0.115, False),  # exact decimals, no float drift
        (20, 20.5, False),
    ],
)
def test_step_size_boundaries(before: float, after: float, blocked: bool) -> None:
    plan = rebid(before, after)
    assert [c.kind for c in plan.changes] == ["adgroup", "adgroup"]
    found = verdicts(plan, RULE)
    if not blocked:
        assert found == []
        return
    assert len(found) == 2  # each ad group's change
    _, v = found[0]
    assert v.blocking
    assert v.numbers["field"] == "conversion_bid_price"
    assert v.numbers["change_pct"] == 15.01
    assert v.numbers["limit_pct"] == 15
    assert v.numbers["before"] == before and v.numbers["after"] == after


@pytest.mark.parametrize("field", ["bid_price", "conversion_bid_price", "roas_bid"])
def test_every_bid_field_is_checked(field: str) -> None:
    (_, v), *_ = verdicts(rebid(4, 5, field=field), RULE)
    assert v.numbers["field"] == field and v.numbers["change_pct"] == 25.0
    assert "go to 4.6 now" in v.message


@pytest.mark.parametrize(
    ("since", "blocked"),
    [
        (timedelta(days=2) - timedelta(seconds=1), True),
        (timedelta(days=2), False),
        (timedelta(hours=5), True),
    ],
)
def test_not_within_two_days_of_the_last_change(since: timedelta, blocked: bool) -> None:
    plan = rebid(10, 11, modified=NOW - since)
    found = verdicts(plan, RULE)
    if not blocked:
        assert found == []
        return
    assert len(found) == 2
    _, v = found[0]
    assert v.blocking and v.numbers["limit_days"] == 2
    assert v.numbers["last_change_at"] == (NOW - since).strftime("%Y-%m-%d %H:%M:%S")
    assert "Wait until" in v.message


def test_both_problems_are_reported() -> None:
    plan = rebid(10, 13, modified=NOW - timedelta(hours=1))
    change = plan.changes[0]
    assert [v.rule for v in change.verdicts] == [RULE, RULE]
    assert change.blocked


def test_other_adgroup_edits_are_not_bid_steps() -> None:
    applied = cost_cap(10)
    desired = copy.deepcopy(applied)
    # (beside the US: taking the US out is a replace, not an update)
    desired["adgroups"][0]["targeting_spec"]["location_ids"] = ["6252001", "2635167"]
    plan = plan_of(desired, live_of(applied, created=long_ago(), modified=NOW - timedelta(hours=1)))
    assert len(plan.changes) == 1
    assert verdicts(plan, RULE) == []
