"""Guardrail ``bid-step``: a bid (``bid_price``, ``conversion_bid_price``, ``roas_bid``) moves at
most 15% from its live value per change (exact decimal arithmetic: 15% passes, 15.01% blocks),
and not within 2 days of the ad group's last change (its ``modify_time``, whatever changed then).

Pure.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from reconciler.core.guardrails.base import (
    BID_STEP,
    Checker,
    Finding,
    decimal,
    fmt_time,
    hours,
    num,
    parse_time,
)
from reconciler.core.operations import Op, Update

BID_STEP_MAX_PCT = Decimal(15)
BID_MIN_INTERVAL_DAYS = 2
BID_FIELDS = ("bid_price", "conversion_bid_price", "roas_bid")


def check(ch: Checker, op: Op) -> list[Finding]:
    if not isinstance(op, Update) or op.kind != "adgroup":
        return []
    bids = [f for f in op.fields if f.path in BID_FIELDS]
    if not bids:
        return []
    out: list[Finding] = []
    for f in bids:
        before, after = decimal(f.before), decimal(f.after)
        if before is None or after is None or before <= 0:
            continue  # no current bid to step from
        pct = abs(after - before) / before * 100
        if pct > BID_STEP_MAX_PCT:
            step = before * BID_STEP_MAX_PCT / 100
            bound = before + step if after > before else before - step
            out.append(
                Finding(
                    BID_STEP,
                    "block",
                    f"{f.path} {num(before)} -> {num(after)} moves {num(pct.quantize(Decimal('0.01')))}%; "
                    f"TikTok recommends bid steps of at most {num(BID_STEP_MAX_PCT)}% per change: "
                    f"go to {num(bound.quantize(Decimal('0.01')))} now and step again later",
                    {
                        "field": f.path,
                        "before": float(before),
                        "after": float(after),
                        "change_pct": float(pct.quantize(Decimal("0.01"))),
                        "limit_pct": float(BID_STEP_MAX_PCT),
                    },
                )
            )
    g = ch.live_of(op)
    last = parse_time(g.row.get("modify_time")) if g is not None else None
    if last is not None:
        since = ch.now - last
        limit = timedelta(days=BID_MIN_INTERVAL_DAYS)
        if since < limit:
            out.append(
                Finding(
                    BID_STEP,
                    "block",
                    f"the ad group was last changed {hours(since)} hour(s) ago ({fmt_time(last)} UTC); TikTok "
                    f"recommends at most one bid change every {BID_MIN_INTERVAL_DAYS} days. "
                    f"Wait until {fmt_time(last + limit)} UTC",
                    {
                        "hours_since_last_change": round(since.total_seconds() / 3600, 1),
                        "limit_days": BID_MIN_INTERVAL_DAYS,
                        "last_change_at": fmt_time(last),
                    },
                )
            )
    return out
