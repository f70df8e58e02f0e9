"""Guardrail ``budget-spend``: a budget update below 105% of today's spend is blocked (exactly
105% passes); TikTok refuses it anyway. Unknown spend is a warning when the budget goes down.

Pure.
"""

from __future__ import annotations

from decimal import Decimal

from reconciler.core.guardrails.base import BUDGET_SPEND, Checker, Finding, decimal, num
from reconciler.core.operations import Op, Update

SPEND_FLOOR_RATIO = Decimal("1.05")


def check(ch: Checker, op: Op) -> list[Finding]:
    if not isinstance(op, Update) or op.kind == "ad":
        return []
    f = next((f for f in op.fields if f.path == "budget"), None)
    if f is None:
        return []
    new = decimal(f.after)
    if new is None:
        return []
    old = decimal(f.before)
    spend = ch.facts.spend_of(op.remote_id)
    if spend is None:
        if old is not None and new >= old:
            return []  # an increase cannot fall under today's spend
        why = ch.facts.unknown.get("spend", "not read")
        return [
            Finding(
                BUDGET_SPEND,
                "warn",
                f"today's spend of this {op.kind} is unknown ({why}); TikTok refuses a budget below "
                f"105% of today's spend: check the spend in Ads Manager before applying",
                {"new_budget": float(new), "spend_today": None, "min_ratio_pct": 105},
            )
        ]
    spent = decimal(spend) or Decimal(0)
    minimum = spent * SPEND_FLOOR_RATIO
    if new < minimum:
        return [
            Finding(
                BUDGET_SPEND,
                "block",
                f"new budget {num(new)} is below 105% of today's spend ({num(spent)} spent"
                + (f" on {ch.facts.spend_day}" if ch.facts.spend_day else "")
                + f", so at least {num(minimum.quantize(Decimal('0.01')))}); TikTok refuses it. "
                "Cut the budget tomorrow, or to at least that amount today",
                {
                    "new_budget": float(new),
                    "spend_today": float(spent),
                    "minimum_budget": float(minimum.quantize(Decimal("0.01"))),
                    "min_ratio_pct": 105,
                },
            )
        ]
    return []
