"""Guardrails: what every rule shares. The rule names, the settings, a finding, overrides,
and the ``Checker`` that gives each rule the plan's context (its operations, the matching,
the live rows, "now", the facts) and turns a rule's findings into verdicts.

Pure: nothing here does I/O or reads a clock.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from reconciler.core.addresses import Address
from reconciler.core.live import LiveObject
from reconciler.core.operations import Op, Verdict
from reconciler.core.resources import AdGroup, Campaign, read_time

if TYPE_CHECKING:
    from reconciler.core.guardrails.facts import Facts
    from reconciler.core.planner import PlanContext

LEARNING_PHASE = "learning-phase"
BID_STEP = "bid-step"
BUDGET_FLOOR = "budget-floor"
BUDGET_SPEND = "budget-spend"
SPEND_INCREASE = "spend-increase"
DEPRECATED_ENDPOINT = "deprecated-endpoint"
PIXEL = "pixel"
RULES: tuple[str, ...] = (
    LEARNING_PHASE,
    BID_STEP,
    BUDGET_FLOOR,
    BUDGET_SPEND,
    SPEND_INCREASE,
    DEPRECATED_ENDPOINT,
    PIXEL,
)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DAILY_MODES = frozenset({"BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"})
DEFAULT_CAMPAIGN_MODE = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"  # TikTok's default with CBO on


@dataclass(frozen=True)
class GuardSettings:
    overrides: Sequence[str] = ()  # --override RULE[:ADDRESS]
    max_spend_increase: float | None = None  # --max-spend-increase; None: unlimited


@dataclass(frozen=True)
class Finding:
    rule: str
    level: Literal["block", "warn"]
    message: str
    numbers: dict[str, Any]
    subjects: tuple[Address, ...] = ()  # what an override must cover; default: the operation's addresses
    hint_address: Address | None = None  # the address shown in the override hint


@dataclass(frozen=True)
class Override:
    rule: str
    address: str | None

    @classmethod
    def parse(cls, text: str) -> Override:
        rule, sep, address = text.partition(":")
        return cls(rule.strip(), (address.strip() or None) if sep else None)

    def covers(self, rule: str, subjects: Iterable[Address]) -> bool:
        if self.rule != rule:
            return False
        return self.address is None or all(a.matches(self.address) for a in subjects)


class Checker:
    """The plan's context, shared by the rules, and the way findings become verdicts."""

    def __init__(self, ops: list[Op], ctx: PlanContext, facts: Facts, settings: GuardSettings) -> None:
        self.ops = ops
        self.ctx = ctx
        self.now = naive(ctx.now)
        self.facts = facts
        self.settings = settings
        self.cli_overrides = [Override.parse(o) for o in settings.overrides]
        # Created (or re-created) in this plan: their children are new too.
        self.new = {op.address for op in ops if op.creates}
        # Live id -> address, made when a message first names a live object (61,000 entries at
        # 5x, most plans name a few).
        self._addr_of: dict[str, Address] | None = None
        self._campaign_overrides: dict[Address, list[Override]] = {}  # parsed once per campaign
        # A rule's findings by what decides them (learning_phase: the change and its ad groups),
        # and the verdicts made of them: the ads of one ad group with the same change share one
        # finding and one verdict, not a message and numbers each (50,000 changed ads held
        # 50,000 copies of ~10,000 texts).
        self.memo: dict[Any, list[Finding]] = {}
        self._verdicts: dict[tuple[int, bool, Address | None], tuple[Finding, Verdict]] = {}
        self._legacy: dict[Address, LiveObject | None] = {}

    # ---- overrides and the final verdict --------------------------------------------------------

    def verdict(self, op: Op, f: Finding) -> Verdict:
        subjects = f.subjects or addresses(op)
        overridden = self._overridden(f.rule, subjects)
        hint_at = f.hint_address or op.address if f.level == "block" and not overridden else None
        # The verdict's text depends on the finding, the override and the address in the hint
        # alone: one verdict for each of those (the finding kept with it, so its id stays its own).
        key = (id(f), overridden, hint_at)
        known = self._verdicts.get(key)
        if known is not None and known[0] is f:
            return known[1]
        message = f.message
        if hint_at is not None:
            message += f". {self._hint(f.rule, hint_at)}"
        elif overridden:
            message += " (overridden)"
        v = Verdict(f.rule, f.level, message, overridden=overridden, numbers=f.numbers)
        self._verdicts[key] = (f, v)
        return v

    def _overridden(self, rule: str, subjects: tuple[Address, ...]) -> bool:
        if any(o.covers(rule, subjects) for o in self.cli_overrides):
            return True
        campaigns = {a.campaign_address() for a in subjects}
        if not campaigns:
            return False
        for ca in campaigns:
            overrides = self._campaign_overrides.get(ca)
            if overrides is None:
                d = self.ctx.desired.get(ca)
                g = d.campaign.guardrails if d is not None else None
                overrides = [Override.parse(o) for o in (g.overrides if g is not None else [])]
                self._campaign_overrides[ca] = overrides
            inside = tuple(a for a in subjects if a.campaign_address() == ca)
            if not any(o.covers(rule, inside) for o in overrides):
                return False
        return True

    @staticmethod
    def _hint(rule: str, address: Address) -> str:
        flag = shlex.quote(f"{rule}:{address}")
        return f"To accept the risk: --override {flag}, or add {rule} to guardrails.overrides in the campaign manifest"

    # ---- helpers --------------------------------------------------------------------------------

    def live_of(self, op: Op) -> LiveObject | None:
        if op.remote_id is None:
            return None
        return self.ctx.live.get(op.kind, op.remote_id)

    def live_at(self, address: Address | None) -> LiveObject | None:
        return self.ctx.matching.matched.get(address) if address is not None else None

    def legacy_campaign(self, address: Address) -> LiveObject | None:
        """The live campaign at ``address`` if it is a legacy Smart+ one: asked once per campaign
        (every operation asks it; a live row is made into a dict to read it)."""
        if address not in self._legacy:
            obj = self.ctx.matching.matched.get(address)
            self._legacy[address] = obj if obj is not None and is_legacy(obj.row) else None
        return self._legacy[address]

    def campaign_spec(self, address: Address) -> Campaign | None:
        d = self.ctx.desired.get(address.campaign_address())
        return d.campaign if d is not None else None

    @property
    def addr_of(self) -> dict[str, Address]:
        if self._addr_of is None:
            self._addr_of = {o.id: a for a, o in self.ctx.matching.matched.items()}
            for a, o in self.ctx.matching.orphans:
                self._addr_of.setdefault(o.id, a)
        return self._addr_of

    def address_of(self, obj: LiveObject) -> str:
        a = self.addr_of.get(obj.id)
        return str(a) if a is not None else f"{obj.kind} {obj.id}"

    def enabled_adgroups(self, campaign_id: str | None) -> list[LiveObject]:
        if campaign_id is None:
            return []
        return [
            g
            for g in self.ctx.live.children.get(campaign_id, [])
            if g.kind == "adgroup" and g.status == "ENABLE"
        ]


# ---- shared helpers ------------------------------------------------------------------------------


def addresses(op: Op) -> tuple[Address, ...]:
    return (op.address, *(t.address for t in op.targets if t.address != op.address))


def cost_cap(g: AdGroup) -> bool:
    return g.bid_type == "BID_TYPE_CUSTOM" or g.deep_bid_type == "VO_MIN_ROAS"


def is_legacy(row: dict[str, Any]) -> bool:
    return (
        row.get("campaign_automation_type") == "SMART_PLUS"
        or row.get("is_smart_performance_campaign") is True
    )


def parse_time(value: Any) -> datetime | None:
    """TikTok's object times: "YYYY-MM-DD HH:MM:SS" (UTC); ISO 8601 ("...T...Z") also read."""
    if not isinstance(value, str) or not value:
        return None
    t = read_time(value)  # TikTok's shape, fast (one read per changed ad)
    if t is not None:
        return t
    try:
        return naive(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def fmt_time(t: datetime) -> str:
    return t.strftime(TIME_FORMAT)


def naive(t: datetime) -> datetime:
    """Naive UTC (the planner's convention)."""
    if t.tzinfo is None:
        return t
    return (t - (t.utcoffset() or timedelta(0))).replace(tzinfo=None)


def ceil_days(d: timedelta) -> int:
    return -((-int(d.total_seconds())) // 86400)


def hours(d: timedelta) -> str:
    return f"{d.total_seconds() / 3600:.1f}"


def decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return None


def num(d: Decimal) -> str:
    return format(d.normalize(), "f")


def money(x: float) -> str:
    return f"{x:,.2f}"
