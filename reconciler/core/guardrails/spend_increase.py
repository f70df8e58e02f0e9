"""Guardrail ``spend-increase``: the plan raises the maximum daily spend by more than
``--max-spend-increase`` (whole plan) or a campaign's ``guardrails.max_spend_increase`` (that
campaign): blocked, on the operations that add spend. Exactly the limit passes.

Pure. The figures come from the spend model (``core.spend``) through the plan context.
"""

from __future__ import annotations

from reconciler.core.addresses import Address
from reconciler.core.guardrails.base import SPEND_INCREASE, Checker, Finding, addresses, money
from reconciler.core.operations import Op


def findings(ch: Checker) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    ctx = ch.ctx
    limit = ch.settings.max_spend_increase
    if limit is not None:
        increase = ctx.spend_after - ctx.spend_before
        if increase > limit + 1e-9:
            adding = [c for c in ch.ops if c.spend_delta > 0] or ch.ops[:1]
            for c in adding:
                out.setdefault(c.id, []).append(
                    Finding(
                        SPEND_INCREASE,
                        "block",
                        f"the plan raises the maximum daily spend by {money(increase)} "
                        f"({money(ctx.spend_before)} -> {money(ctx.spend_after)}), more than "
                        f"--max-spend-increase {money(limit)}; this change adds {money(c.spend_delta)}",
                        {
                            "spend_before": round(ctx.spend_before, 2),
                            "spend_after": round(ctx.spend_after, 2),
                            "increase": round(increase, 2),
                            "max_increase": limit,
                            "change_delta": round(c.spend_delta, 2),
                            "scope": "plan",
                        },
                    )
                )
    limits = {
        d.address: d.campaign.guardrails.max_spend_increase
        for d in ctx.matching.desired
        if d.kind == "campaign"
        and d.campaign.guardrails is not None
        and d.campaign.guardrails.max_spend_increase is not None
    }
    spends = ctx.campaign_spend
    by_campaign: dict[Address, list[tuple[Op, tuple[Address, ...]]]] = {}
    for c in ch.ops:
        if c.spend_delta <= 0:
            continue
        for ca in dict.fromkeys(a.campaign_address() for a in addresses(c)):
            inside = tuple(a for a in addresses(c) if a.campaign_address() == ca)
            by_campaign.setdefault(ca, []).append((c, inside))
    for ca, climit in sorted(limits.items()):
        assert climit is not None
        before, after = spends.get(ca, (0.0, 0.0))
        increase = after - before
        if increase <= climit + 1e-9:
            continue
        for c, inside in by_campaign.get(ca, []):
            out.setdefault(c.id, []).append(
                Finding(
                    SPEND_INCREASE,
                    "block",
                    f"the plan raises the maximum daily spend of {ca} by {money(increase)} "
                    f"({money(before)} -> {money(after)}), more than its guardrails.max_spend_increase "
                    f"{money(climit)}",
                    {
                        "spend_before": round(before, 2),
                        "spend_after": round(after, 2),
                        "increase": round(increase, 2),
                        "max_increase": climit,
                        "change_delta": round(c.spend_delta, 2),
                        "scope": "campaign",
                    },
                    subjects=inside,
                    hint_address=ca,
                )
            )
    return out
