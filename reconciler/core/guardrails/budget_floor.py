"""Guardrail ``budget-floor``: a daily budget below 10x ``guardrails.historical_cpa`` is blocked
(exactly 10x passes); below 30x it is a warning when the budget funds cost cap
(``BID_TYPE_CUSTOM``) or minimum ROAS (``VO_MIN_ROAS``) bidding. Lifetime budgets have no
daily figure and are not checked.

Pure.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Any

from reconciler.core.guardrails.base import (
    BUDGET_FLOOR,
    DAILY_MODES,
    DEFAULT_CAMPAIGN_MODE,
    Checker,
    Finding,
    cost_cap,
    decimal,
    num,
)
from reconciler.core.operations import Op, Update
from reconciler.core.resources import AdGroup, Campaign

CPA_FLOOR_MULTIPLE = Decimal(10)
CPA_TARGET_MULTIPLE = Decimal(30)


def daily_budget(ch: Checker, op: Op) -> tuple[Decimal, bool] | None:
    """(the daily budget the change sets, whether it funds cost cap / min ROAS bidding)."""
    d = ch.ctx.desired.get(op.address)
    if d is None or op.kind == "ad":
        return None
    campaign = d.campaign
    budget: Any = None
    if op.creates:
        budget = d.spec.budget if isinstance(d.spec, Campaign | AdGroup) else None
    elif isinstance(op, Update):
        f = next((f for f in op.fields if f.path == "budget"), None)
        budget = f.after if f is not None else None
    value = decimal(budget)
    if value is None:
        return None
    live = ch.live_of(op)
    if isinstance(d.spec, Campaign):
        mode = d.spec.budget_mode or (live.row.get("budget_mode") if live else None) or DEFAULT_CAMPAIGN_MODE
        if not campaign.cbo or mode not in DAILY_MODES:
            return None
        return value, any(cost_cap(g) for g in campaign.adgroups)
    if isinstance(d.spec, AdGroup):
        mode = d.spec.budget_mode or (live.row.get("budget_mode") if live else None)
        if campaign.cbo or mode not in DAILY_MODES:
            return None
        return value, cost_cap(d.spec)
    return None


def check(ch: Checker, op: Op) -> list[Finding]:
    campaign = ch.campaign_spec(op.address)
    g = campaign.guardrails if campaign is not None else None
    cpa = decimal(g.historical_cpa) if g is not None else None
    if cpa is None or cpa <= 0:
        return []
    found = daily_budget(ch, op)
    if found is None:
        return []
    budget, cost_cap = found
    floor, target = cpa * CPA_FLOOR_MULTIPLE, cpa * CPA_TARGET_MULTIPLE
    numbers: dict[str, Any] = {
        "daily_budget": float(budget),
        "historical_cpa": float(cpa),
        "multiple": float((budget / cpa).quantize(Decimal("0.01"), rounding=ROUND_DOWN)),
        "min_multiple": float(CPA_FLOOR_MULTIPLE),
        "minimum_budget": float(floor),
    }
    if budget < floor:
        return [
            Finding(
                BUDGET_FLOOR,
                "block",
                f"daily budget {num(budget)} is {numbers['multiple']}x the historical CPA ({num(cpa)}); "
                f"TikTok recommends at least {num(CPA_FLOOR_MULTIPLE)}x, so the budget cannot buy enough "
                f"conversions to learn. Raise it to at least {num(floor)} (or update guardrails.historical_cpa)",
                numbers,
            )
        ]
    if cost_cap and budget < target:
        numbers |= {"target_multiple": float(CPA_TARGET_MULTIPLE), "target_budget": float(target)}
        return [
            Finding(
                BUDGET_FLOOR,
                "warn",
                f"daily budget {num(budget)} is {numbers['multiple']}x the historical CPA ({num(cpa)}); with "
                f"cost cap or minimum ROAS bidding TikTok recommends {num(CPA_TARGET_MULTIPLE)}x "
                f"({num(target)})",
                numbers,
            )
        ]
    return []
