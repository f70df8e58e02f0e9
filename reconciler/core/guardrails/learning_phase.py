"""Guardrail ``learning-phase``: no delivery-affecting edit (budget, bid, targeting,
optimization, schedule, creatives, new ads) to an ad group within 7 days of its launch.

Pure. Launch is the ad group's ``create_time``: TikTok's rows carry no "enabled at" time
(``modify_time`` moves on any edit), so a later enable cannot be told apart from any other
edit. The phase covers ``[create_time, create_time + 7 days)``: 6 days 23:59:59 after
creation blocks, 7 days passes. A campaign budget change affects every delivering ad group
of the campaign (under CBO it is their budget; without CBO it caps them).

The rule guards delivery only: an ad group that is disabled, or whose campaign is, is not
delivering and has not launched, so edits to it pass. That is what lets a re-plan after a
failed half-apply (objects created disabled seconds ago) finish the job. Status changes are
never blocked: pausing must always be possible.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from reconciler.core.guardrails.base import LEARNING_PHASE, Checker, Finding, fmt_time, parse_time
from reconciler.core.live import LiveObject
from reconciler.core.operations import CreateAd, Op, Replace, Update

LEARNING_DAYS = 7
# Fields whose change does not touch delivery; every other updatable field does.
NOT_DELIVERY = frozenset(
    {
        "campaign_name",
        "po_number",
        "adgroup_name",
        "ad_name",
        "comment_disabled",
        "share_disabled",
        "video_download_disabled",
    }
)


def delivering(ch: Checker, g: LiveObject) -> bool:
    """Enabled, in an enabled campaign: only then has it launched into its learning phase."""
    if g.status != "ENABLE":
        return False
    campaign = ch.ctx.live.get("campaign", g.parent_id) if g.parent_id is not None else None
    return campaign is None or campaign.status == "ENABLE"


def affected_adgroups(ch: Checker, op: Op) -> tuple[str, list[LiveObject]]:
    """What the operation does to delivery, and the delivering live ad groups it affects."""
    what, groups = _affected(ch, op)
    return what, [g for g in groups if g is not None and g.kind == "adgroup" and delivering(ch, g)]


def _affected(ch: Checker, op: Op) -> tuple[str, list[LiveObject | None]]:
    match op:
        case Update(fields=fields):
            paths = [f.path for f in fields if f.path not in NOT_DELIVERY]
            if not paths:
                return "", []
            what = "changing " + ", ".join(paths)
            if op.kind == "campaign":
                return what, list(ch.enabled_adgroups(op.remote_id))
            if op.kind == "adgroup":
                return what, [ch.live_of(op)]
            return what + " of an ad", [ch.live_at(op.address.parent())]
        case CreateAd(parent=parent) if parent.live_id is not None:
            return "adding a new ad", [ch.ctx.live.get("adgroup", parent.live_id)]
        case Replace():
            if op.kind == "campaign":
                return "replacing the campaign", list(ch.enabled_adgroups(op.remote_id))
            if op.kind == "adgroup":
                return "replacing the ad group", [ch.live_of(op)]
            above = op.address.parent()
            if above is None or above in ch.new:
                return "", []
            return "replacing an ad", [ch.live_at(above)]
    return "", []


def check(ch: Checker, op: Op) -> list[Finding]:
    what, groups = affected_adgroups(ch, op)
    if not groups:
        return []
    # The findings depend on what changes and on the ad groups alone: the ads of one ad group
    # with the same change share them (see Checker.memo).
    key = (LEARNING_PHASE, what, tuple(g.id for g in groups))
    known = ch.memo.get(key)
    if known is None:
        known = ch.memo[key] = _findings(ch, what, groups)
    return known


def _findings(ch: Checker, what: str, groups: list[LiveObject]) -> list[Finding]:
    limit = timedelta(days=LEARNING_DAYS)
    learning: list[tuple[LiveObject, datetime]] = []
    unknown: list[LiveObject] = []
    for g in groups:
        launched = parse_time(g.row.get("create_time"))
        if launched is None:
            unknown.append(g)
        elif ch.now - launched < limit:
            learning.append((g, launched))
    out: list[Finding] = []
    if learning:
        g, launched = max(learning, key=lambda x: x[1])  # the youngest
        elapsed = ch.now - launched
        ends = launched + limit
        names = [ch.address_of(x) for x, _ in sorted(learning, key=lambda x: ch.address_of(x[0]))]
        days = max(0, elapsed.days)
        who = (
            f"ad group {names[0]} launched"
            if len(names) == 1
            else f"{len(names)} of its ad groups are in their learning phase ({', '.join(names)}); the youngest launched"
        )
        out.append(
            Finding(
                LEARNING_PHASE,
                "block",
                f"{what} affects delivery while {who} {days} day(s) ago ({fmt_time(launched)} UTC): TikTok "
                f"recommends no edits for {LEARNING_DAYS} days after launch. Wait until {fmt_time(ends)} UTC",
                {
                    "days_since_launch": days,
                    "hours_since_launch": round(elapsed.total_seconds() / 3600, 1),
                    "limit_days": LEARNING_DAYS,
                    "launched_at": fmt_time(launched),
                    "learning_ends_at": fmt_time(ends),
                    "adgroups_in_learning": names,
                },
            )
        )
    if unknown:
        out.append(
            Finding(
                LEARNING_PHASE,
                "warn",
                f"{what} affects delivery, and the launch time of "
                + ", ".join(ch.address_of(g) for g in unknown)
                + " is unknown (no create_time): check it is past its 7-day learning phase",
                {"limit_days": LEARNING_DAYS, "adgroups_unknown": [ch.address_of(g) for g in unknown]},
            )
        )
    return out
