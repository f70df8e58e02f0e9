"""Step 6: guardrails: changes + live facts + "now" (passed in) -> verdicts (spec section 7).

Pure: every rule is a function of the ordered changes, the plan context (the
matching, the live rows, ``now``, the desired objects, the plan's daily spend
before and after) and the ``Facts`` that ``adapters/facts.py`` read (today's
spend, pixels). Nothing here does I/O or reads a clock.

Rules (each verdict carries the rule, the numbers behind it, a message a person
can act on, and how to override it):

- ``learning-phase``: no delivery-affecting edit (budget, bid, targeting,
  optimization, schedule, creatives, new ads) to an ad group within 7 days of
  its launch. Launch is the ad group's ``create_time``: TikTok's rows carry no
  "enabled at" time (``modify_time`` moves on any edit), so a later enable
  cannot be told apart from any other edit. The scheduled start is not used
  either (strict reading: an ad group whose start is in the future is still
  treated as launched at creation). The phase covers ``[create_time,
  create_time + 7 days)``: 6 days 23:59:59 after creation blocks, 7 days passes.
  A campaign budget change affects every enabled ad group of the campaign
  (under CBO it is their budget; without CBO it caps them): it is blocked if
  any of them is in its learning phase. Status changes are never blocked:
  pausing must always be possible.
- ``bid-step``: a bid (``bid_price``, ``conversion_bid_price``, ``roas_bid``)
  moves at most 15% from its live value per change (exact decimal arithmetic:
  15% passes, 15.01% blocks), and not within 2 days of the ad group's last
  change (its ``modify_time``, whatever changed then).
- ``budget-floor``: a daily budget below 10x ``guardrails.historical_cpa`` is
  blocked (exactly 10x passes); below 30x it is a warning when the budget
  funds cost cap (``BID_TYPE_CUSTOM``) or minimum ROAS (``VO_MIN_ROAS``)
  bidding. Lifetime budgets have no daily figure and are not checked.
- ``budget-spend``: a budget update below 105% of today's spend is blocked
  (exactly 105% passes); TikTok refuses it anyway. Unknown spend is a warning
  when the budget goes down.
- ``spend-increase``: the plan raises the maximum daily spend by more than
  ``--max-spend-increase`` (whole plan) or a campaign's
  ``guardrails.max_spend_increase`` (that campaign): blocked, on the changes
  that add spend. Exactly the limit passes.
- ``deprecated-endpoint``: ``DEPRECATIONS`` is TikTok's shutdown calendar;
  ``check_endpoint(path, now)`` says whether an endpoint still works. The
  planner only uses ``/smart_plus/`` endpoints, which are not retired; changes
  to a legacy Smart+ campaign are blocked from 2026-06-30.
- ``pixel``: a ``CONVERT``/``VALUE`` ad group needs its pixel to exist and its
  optimization event set up on it; ``TRAFFIC_LANDING_PAGE_VIEW`` needs browser
  (Pixel) events, since the Events API alone cannot measure landing page views.

Unknown facts (the API did not answer) never block: the rule says so in a
warning. Overrides: ``--override RULE`` or ``--override RULE:ADDRESS`` (an
address covers its ad groups and ads, see ``Address.matches``), and per
campaign ``guardrails.overrides: [RULE, ...]`` (or ``RULE:ADDRESS``) in the
manifest. An overridden verdict is kept with ``overridden=True``: shown, not
blocking.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any, Literal

from reconciler.core.addresses import Address
from reconciler.core.live import LiveObject, Matching
from reconciler.core.plan import Change, Verdict
from reconciler.core.planner import Guard, PlanContext, SpendModel
from reconciler.core.resources import AdGroup, Campaign

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

# TikTok's recommendations (shared/reference/000_8d238938b26117eb.txt) and documented rules
# (shared/reference/api-behavior.md section 4).
LEARNING_DAYS = 7
BID_STEP_MAX_PCT = Decimal(15)
BID_MIN_INTERVAL_DAYS = 2
CPA_FLOOR_MULTIPLE = Decimal(10)
CPA_TARGET_MULTIPLE = Decimal(30)
SPEND_FLOOR_RATIO = Decimal("1.05")
DEPRECATION_WARNING_DAYS = 30

BID_FIELDS = ("bid_price", "conversion_bid_price", "roas_bid")
DAILY_MODES = frozenset({"BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"})
DEFAULT_CAMPAIGN_MODE = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"  # TikTok's default with CBO on
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
LEARNING_GOALS = frozenset({"CONVERT", "VALUE"})  # goals that need a pixel event
LANDING_PAGE_GOAL = "TRAFFIC_LANDING_PAGE_VIEW"
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


# ---- facts ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PixelEvent:
    """One event of a pixel: from ``/pixel/list/`` (``events[]``) and, when read,
    its counts over ``Facts.pixel_window`` from ``/pixel/event/stats/``."""

    event_type: str  # the pixel event type / code (SHOPPING, PAGE_VIEW, ...)
    optimization_event: str | None = None  # the optimization_event it serves; None: not optimizable
    name: str = ""
    browser_count: int | None = None  # browser (Pixel) events in the window; None: unknown
    server_count: int | None = None  # server (Events API) events in the window; None: unknown
    deprecated: bool = False


@dataclass(frozen=True)
class PixelFacts:
    pixel_id: str
    advertiser_id: str
    name: str = ""
    events: tuple[PixelEvent, ...] = ()
    stats_known: bool = False  # the event counts were read
    activity_status: str | None = None

    def browser_total(self) -> int:
        return sum(e.browser_count or 0 for e in self.events)

    def server_total(self) -> int:
        return sum(e.server_count or 0 for e in self.events)


@dataclass(frozen=True)
class Facts:
    """What the account says beyond the objects themselves."""

    spend_today: dict[str, float] = field(default_factory=dict)  # remote id -> today's spend
    # Remote ids whose spend was asked for: one of them absent from spend_today spent nothing today.
    spend_read: frozenset[str] = frozenset()
    spend_day: str | None = None  # the reporting day ("YYYY-MM-DD", advertiser time zone)
    pixels: dict[str, PixelFacts] = field(default_factory=dict)  # pixel id -> pixel
    pixel_advertisers: frozenset[str] = frozenset()  # advertisers whose pixels were listed
    pixel_window: tuple[str, str] | None = None  # date range of the event counts (UTC days)
    # Why a kind of fact is unknown ("spend", "pixels", "pixel_stats" -> the API's answer).
    unknown: dict[str, str] = field(default_factory=dict)

    def spend_of(self, remote_id: str) -> float | None:
        if remote_id in self.spend_today:
            return self.spend_today[remote_id]
        if remote_id in self.spend_read:
            return 0.0
        return None

    def pixels_of(self, advertiser_id: str) -> list[PixelFacts]:
        return [p for p in self.pixels.values() if p.advertiser_id == advertiser_id]


@dataclass(frozen=True)
class GuardSettings:
    overrides: Sequence[str] = ()  # --override RULE[:ADDRESS]
    max_spend_increase: float | None = None  # --max-spend-increase; None: unlimited


# ---- deprecation calendar ------------------------------------------------------------------------


@dataclass(frozen=True)
class Deprecation:
    """A TikTok endpoint and the day it stops working (from 00:00:00 UTC that day)."""

    endpoint: str  # path under /open_api/v1.3/, e.g. "campaign/spc/create/"
    shutdown: date
    what: str
    instead: str
    legacy_only: bool = False  # retired for legacy Smart+ campaigns only

    @property
    def shutdown_at(self) -> datetime:
        return datetime(self.shutdown.year, self.shutdown.month, self.shutdown.day)


# The brief's calendar (spec section 1; api-behavior.md section 6, third-party, unverified). A date
# is the first day the endpoint no longer works, the reading the emulator uses too.
DEPRECATIONS: tuple[Deprecation, ...] = (
    Deprecation(
        "campaign/spc/create/",
        date(2026, 3, 31),
        "legacy Smart+ campaign creation",
        "/smart_plus/campaign/create/, /smart_plus/adgroup/create/, /smart_plus/ad/create/",
    ),
    Deprecation(
        "campaign/spc/update/",
        date(2026, 6, 30),
        "legacy Smart+ campaign updates",
        "`smartplus import` the campaign as an upgraded manifest; make what the API cannot do in Ads Manager",
    ),
    Deprecation(
        "campaign/status/update/",
        date(2026, 6, 30),
        "status changes of legacy Smart+ campaigns",
        "Ads Manager, or an upgraded campaign (/smart_plus/campaign/status/update/)",
        legacy_only=True,
    ),
    Deprecation(
        "campaign/create/",
        date(2026, 12, 31),
        "campaign creation through the Manual Campaign Management API",
        "/smart_plus/campaign/create/",
    ),
)


def normalize_endpoint(path: str) -> str:
    """``https://host/open_api/v1.3/campaign/create`` or ``/campaign/create/`` -> ``campaign/create/``."""
    p = path.split("?", 1)[0]
    if "://" in p:
        p = p.split("://", 1)[1]
        p = p.split("/", 1)[1] if "/" in p else ""
    p = p.strip("/")
    for prefix in ("open_api/v1.3/", "v1.3/"):
        if p.startswith(prefix):
            p = p[len(prefix) :]
    return p + "/" if p else ""


def deprecation_of(path: str, *, legacy_smart_plus: bool = False) -> Deprecation | None:
    ep = normalize_endpoint(path)
    for d in DEPRECATIONS:
        if d.endpoint == ep and (legacy_smart_plus or not d.legacy_only):
            return d
    return None


def endpoint_usable(path: str, now: datetime, *, legacy_smart_plus: bool = False) -> bool:
    """Whether TikTok still serves ``path`` at ``now`` (naive UTC)."""
    d = deprecation_of(path, legacy_smart_plus=legacy_smart_plus)
    return d is None or _naive(now) < d.shutdown_at


def check_endpoint(path: str, now: datetime, *, legacy_smart_plus: bool = False) -> Verdict:
    """The ``deprecated-endpoint`` verdict for one endpoint at ``now``: ``block`` from its
    shutdown day, ``warn`` within 30 days before it, ``ok`` otherwise (for apply and doctor)."""
    ep = normalize_endpoint(path)
    d = deprecation_of(ep, legacy_smart_plus=legacy_smart_plus)
    if d is None:
        return Verdict(
            DEPRECATED_ENDPOINT, "ok", f"/{ep} has no announced shutdown", numbers={"endpoint": ep}
        )
    now = _naive(now)
    left = d.shutdown_at - now
    numbers: dict[str, Any] = {
        "endpoint": ep,
        "shutdown": d.shutdown.isoformat(),
        "days_left": max(0, _ceil_days(left)),
    }
    if now >= d.shutdown_at:
        return Verdict(
            DEPRECATED_ENDPOINT,
            "block",
            f"/{ep} ({d.what}) stopped working on {d.shutdown.isoformat()}; use {d.instead}",
            numbers=numbers,
        )
    if left <= timedelta(days=DEPRECATION_WARNING_DAYS):
        return Verdict(
            DEPRECATED_ENDPOINT,
            "warn",
            f"/{ep} ({d.what}) stops working on {d.shutdown.isoformat()}, in {numbers['days_left']} day(s); "
            f"move to {d.instead}",
            numbers=numbers,
        )
    return Verdict(
        DEPRECATED_ENDPOINT,
        "ok",
        f"/{ep} works until {d.shutdown.isoformat()} ({d.what})",
        numbers=numbers,
    )


# The endpoints a change is applied with (adapters/apply.py uses the /smart_plus/ ones only).
def endpoints_of(change: Change) -> list[str]:
    kind = change.kind
    if change.action == "create":
        return [f"smart_plus/{kind}/create/"]
    if change.action == "update":
        return [f"smart_plus/{kind}/update/"]
    if change.action == "replace":
        return [f"smart_plus/{kind}/create/", f"smart_plus/{kind}/status/update/"]
    return [f"smart_plus/{kind}/status/update/"]


# ---- the guard -----------------------------------------------------------------------------------


def make_guard(facts: Facts, settings: GuardSettings) -> Guard:
    def guard(changes: list[Change], ctx: PlanContext) -> dict[str, list[Verdict]]:
        return evaluate(changes, ctx, facts, settings)

    return guard


def evaluate(
    changes: list[Change], ctx: PlanContext, facts: Facts, settings: GuardSettings
) -> dict[str, list[Verdict]]:
    """Every rule over the plan: change id -> its verdicts (warnings and blocks only)."""
    checker = _Checker(changes, ctx, facts, settings)
    out: dict[str, list[Verdict]] = {}
    for change in changes:
        found: list[_Finding] = []
        found += checker.learning_phase(change)
        found += checker.bid_step(change)
        found += checker.budget_floor(change)
        found += checker.budget_spend(change)
        found += checker.deprecated(change)
        found += checker.pixel(change)
        found += checker.spend_increase(change)
        verdicts = [checker.finish(change, f) for f in found]
        if verdicts:
            out[change.id] = verdicts
    return out


@dataclass(frozen=True)
class _Finding:
    rule: str
    level: Literal["block", "warn"]
    message: str
    numbers: dict[str, Any]
    subjects: tuple[Address, ...] = ()  # what an override must cover; default: the change's addresses
    hint_address: Address | None = None  # the address shown in the override hint


@dataclass(frozen=True)
class _Override:
    rule: str
    address: str | None

    @classmethod
    def parse(cls, text: str) -> _Override:
        rule, sep, address = text.partition(":")
        return cls(rule.strip(), (address.strip() or None) if sep else None)

    def covers(self, rule: str, subjects: Iterable[Address]) -> bool:
        if self.rule != rule:
            return False
        return self.address is None or all(a.matches(self.address) for a in subjects)


class _Checker:
    def __init__(
        self, changes: list[Change], ctx: PlanContext, facts: Facts, settings: GuardSettings
    ) -> None:
        self.changes = changes
        self.ctx = ctx
        self.now = _naive(ctx.now)
        self.facts = facts
        self.settings = settings
        self.cli_overrides = [_Override.parse(o) for o in settings.overrides]
        # Created (or re-created) in this plan: their children are new too.
        self.new = {c.address for c in changes if c.action in ("create", "replace")}
        self.addr_of: dict[str, Address] = {o.id: a for a, o in ctx.matching.matched.items()}
        for a, o in ctx.matching.orphans:
            self.addr_of.setdefault(o.id, a)
        self._spend_increase = self._spend_increase_findings()

    # ---- overrides and the final verdict --------------------------------------------------------

    def finish(self, change: Change, f: _Finding) -> Verdict:
        subjects = f.subjects or _addresses(change)
        overridden = self._overridden(f.rule, subjects)
        message = f.message
        if f.level == "block" and not overridden:
            message += f". {self._hint(f.rule, f.hint_address or change.address)}"
        elif overridden:
            message += " (overridden)"
        return Verdict(f.rule, f.level, message, overridden=overridden, numbers=f.numbers)

    def _overridden(self, rule: str, subjects: tuple[Address, ...]) -> bool:
        if any(o.covers(rule, subjects) for o in self.cli_overrides):
            return True
        campaigns = {a.campaign_address() for a in subjects}
        if not campaigns:
            return False
        for ca in campaigns:
            d = self.ctx.desired.get(ca)
            g = d.campaign.guardrails if d is not None else None
            overrides = [_Override.parse(o) for o in (g.overrides if g is not None else [])]
            inside = tuple(a for a in subjects if a.campaign_address() == ca)
            if not any(o.covers(rule, inside) for o in overrides):
                return False
        return True

    @staticmethod
    def _hint(rule: str, address: Address) -> str:
        flag = shlex.quote(f"{rule}:{address}")
        return f"To accept the risk: --override {flag}, or add {rule} to guardrails.overrides in the campaign manifest"

    # ---- helpers --------------------------------------------------------------------------------

    def live_of(self, change: Change) -> LiveObject | None:
        if change.remote_id is None:
            return None
        return self.ctx.live.get(change.kind, change.remote_id)

    def campaign_spec(self, address: Address) -> Campaign | None:
        d = self.ctx.desired.get(address.campaign_address())
        return d.campaign if d is not None else None

    def address_of(self, obj: LiveObject) -> str:
        a = self.addr_of.get(obj.id)
        return str(a) if a is not None else f"{obj.kind} {obj.id}"

    # ---- learning-phase -------------------------------------------------------------------------

    def _affected_adgroups(self, change: Change) -> tuple[str, list[LiveObject]]:
        """What the change does to delivery, and the live ad groups it affects."""
        live = self.ctx.live
        matched = self.ctx.matching.matched
        if change.action == "update":
            paths = [f.path for f in change.fields if f.path not in NOT_DELIVERY]
            if not paths:
                return "", []
            what = "changing " + ", ".join(paths)
            if change.kind == "campaign":
                return what, self._campaign_adgroups(change.remote_id)
            if change.kind == "adgroup":
                g = self.live_of(change)
                return what, [g] if g is not None else []
            parent = change.address.parent()
            g = matched.get(parent) if parent is not None else None
            return what + " of an ad", [g] if g is not None and g.kind == "adgroup" else []
        if change.action == "create" and change.kind == "ad":
            parent = change.parent or change.address.parent()
            if parent is None or parent in self.new:
                return "", []
            g = matched.get(parent)
            return "adding a new ad", [g] if g is not None and g.kind == "adgroup" else []
        if change.action == "replace":
            if change.kind == "campaign":
                return "replacing the campaign", self._campaign_adgroups(change.remote_id)
            if change.kind == "adgroup":
                g = live.get("adgroup", change.remote_id) if change.remote_id else None
                return "replacing the ad group", [g] if g is not None else []
            parent = change.address.parent()
            if parent is None or parent in self.new:
                return "", []
            g = matched.get(parent)
            return "replacing an ad", [g] if g is not None and g.kind == "adgroup" else []
        return "", []

    def _campaign_adgroups(self, campaign_id: str | None) -> list[LiveObject]:
        if campaign_id is None:
            return []
        return [
            g
            for g in self.ctx.live.children.get(campaign_id, [])
            if g.kind == "adgroup" and g.status == "ENABLE"
        ]

    def learning_phase(self, change: Change) -> list[_Finding]:
        what, groups = self._affected_adgroups(change)
        if not groups:
            return []
        limit = timedelta(days=LEARNING_DAYS)
        learning: list[tuple[LiveObject, datetime]] = []
        unknown: list[LiveObject] = []
        for g in groups:
            launched = parse_time(g.row.get("create_time"))
            if launched is None:
                unknown.append(g)
            elif self.now - launched < limit:
                learning.append((g, launched))
        out: list[_Finding] = []
        if learning:
            g, launched = max(learning, key=lambda x: x[1])  # the youngest
            elapsed = self.now - launched
            ends = launched + limit
            names = [self.address_of(x) for x, _ in sorted(learning, key=lambda x: self.address_of(x[0]))]
            days = max(0, elapsed.days)
            who = (
                f"ad group {names[0]} launched"
                if len(names) == 1
                else f"{len(names)} of its ad groups are in their learning phase ({', '.join(names)}); the youngest launched"
            )
            out.append(
                _Finding(
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
                _Finding(
                    LEARNING_PHASE,
                    "warn",
                    f"{what} affects delivery, and the launch time of "
                    + ", ".join(self.address_of(g) for g in unknown)
                    + " is unknown (no create_time): check it is past its 7-day learning phase",
                    {"limit_days": LEARNING_DAYS, "adgroups_unknown": [self.address_of(g) for g in unknown]},
                )
            )
        return out

    # ---- bid-step -------------------------------------------------------------------------------

    def bid_step(self, change: Change) -> list[_Finding]:
        if change.action != "update" or change.kind != "adgroup":
            return []
        bids = [f for f in change.fields if f.path in BID_FIELDS]
        if not bids:
            return []
        out: list[_Finding] = []
        for f in bids:
            before, after = _decimal(f.before), _decimal(f.after)
            if before is None or after is None or before <= 0:
                continue  # no current bid to step from
            pct = abs(after - before) / before * 100
            if pct > BID_STEP_MAX_PCT:
                step = before * BID_STEP_MAX_PCT / 100
                bound = before + step if after > before else before - step
                out.append(
                    _Finding(
                        BID_STEP,
                        "block",
                        f"{f.path} {_num(before)} -> {_num(after)} moves {_num(pct.quantize(Decimal('0.01')))}%; "
                        f"TikTok recommends bid steps of at most {_num(BID_STEP_MAX_PCT)}% per change: "
                        f"go to {_num(bound.quantize(Decimal('0.01')))} now and step again later",
                        {
                            "field": f.path,
                            "before": float(before),
                            "after": float(after),
                            "change_pct": float(pct.quantize(Decimal("0.01"))),
                            "limit_pct": float(BID_STEP_MAX_PCT),
                        },
                    )
                )
        g = self.live_of(change)
        last = parse_time(g.row.get("modify_time")) if g is not None else None
        if last is not None:
            since = self.now - last
            limit = timedelta(days=BID_MIN_INTERVAL_DAYS)
            if since < limit:
                out.append(
                    _Finding(
                        BID_STEP,
                        "block",
                        f"the ad group was last changed {_hours(since)} hour(s) ago ({fmt_time(last)} UTC); TikTok "
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

    # ---- budget-floor ---------------------------------------------------------------------------

    def _daily_budget(self, change: Change) -> tuple[Decimal, bool] | None:
        """(the daily budget the change sets, whether it funds cost cap / min ROAS bidding)."""
        d = self.ctx.desired.get(change.address)
        if d is None or change.kind == "ad":
            return None
        campaign = d.campaign
        budget: Any = None
        if change.action in ("create", "replace"):
            budget = d.spec.budget if isinstance(d.spec, Campaign | AdGroup) else None
        elif change.action == "update":
            f = next((f for f in change.fields if f.path == "budget"), None)
            budget = f.after if f is not None else None
        value = _decimal(budget)
        if value is None:
            return None
        live = self.live_of(change)
        if isinstance(d.spec, Campaign):
            mode = (
                d.spec.budget_mode or (live.row.get("budget_mode") if live else None) or DEFAULT_CAMPAIGN_MODE
            )
            if not campaign.cbo or mode not in DAILY_MODES:
                return None
            return value, any(_cost_cap(g) for g in campaign.adgroups)
        if isinstance(d.spec, AdGroup):
            mode = d.spec.budget_mode or (live.row.get("budget_mode") if live else None)
            if campaign.cbo or mode not in DAILY_MODES:
                return None
            return value, _cost_cap(d.spec)
        return None

    def budget_floor(self, change: Change) -> list[_Finding]:
        campaign = self.campaign_spec(change.address)
        g = campaign.guardrails if campaign is not None else None
        cpa = _decimal(g.historical_cpa) if g is not None else None
        if cpa is None or cpa <= 0:
            return []
        found = self._daily_budget(change)
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
                _Finding(
                    BUDGET_FLOOR,
                    "block",
                    f"daily budget {_num(budget)} is {numbers['multiple']}x the historical CPA ({_num(cpa)}); "
                    f"TikTok recommends at least {_num(CPA_FLOOR_MULTIPLE)}x, so the budget cannot buy enough "
                    f"conversions to learn. Raise it to at least {_num(floor)} (or update guardrails.historical_cpa)",
                    numbers,
                )
            ]
        if cost_cap and budget < target:
            numbers |= {"target_multiple": float(CPA_TARGET_MULTIPLE), "target_budget": float(target)}
            return [
                _Finding(
                    BUDGET_FLOOR,
                    "warn",
                    f"daily budget {_num(budget)} is {numbers['multiple']}x the historical CPA ({_num(cpa)}); with "
                    f"cost cap or minimum ROAS bidding TikTok recommends {_num(CPA_TARGET_MULTIPLE)}x "
                    f"({_num(target)})",
                    numbers,
                )
            ]
        return []

    # ---- budget-spend ---------------------------------------------------------------------------

    def budget_spend(self, change: Change) -> list[_Finding]:
        if change.action != "update" or change.remote_id is None or change.kind == "ad":
            return []
        f = next((f for f in change.fields if f.path == "budget"), None)
        if f is None:
            return []
        new = _decimal(f.after)
        if new is None:
            return []
        old = _decimal(f.before)
        spend = self.facts.spend_of(change.remote_id)
        if spend is None:
            if old is not None and new >= old:
                return []  # an increase cannot fall under today's spend
            why = self.facts.unknown.get("spend", "not read")
            return [
                _Finding(
                    BUDGET_SPEND,
                    "warn",
                    f"today's spend of this {change.kind} is unknown ({why}); TikTok refuses a budget below "
                    f"105% of today's spend: check the spend in Ads Manager before applying",
                    {"new_budget": float(new), "spend_today": None, "min_ratio_pct": 105},
                )
            ]
        spent = _decimal(spend) or Decimal(0)
        minimum = spent * SPEND_FLOOR_RATIO
        if new < minimum:
            return [
                _Finding(
                    BUDGET_SPEND,
                    "block",
                    f"new budget {_num(new)} is below 105% of today's spend ({_num(spent)} spent"
                    + (f" on {self.facts.spend_day}" if self.facts.spend_day else "")
                    + f", so at least {_num(minimum.quantize(Decimal('0.01')))}); TikTok refuses it. "
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

    # ---- spend-increase -------------------------------------------------------------------------

    def _spend_increase_findings(self) -> dict[str, list[_Finding]]:
        out: dict[str, list[_Finding]] = {}
        ctx = self.ctx
        limit = self.settings.max_spend_increase
        if limit is not None:
            increase = ctx.spend_after - ctx.spend_before
            if increase > limit + 1e-9:
                adding = [c for c in self.changes if c.spend_delta > 0] or self.changes[:1]
                for c in adding:
                    out.setdefault(c.id, []).append(
                        _Finding(
                            SPEND_INCREASE,
                            "block",
                            f"the plan raises the maximum daily spend by {_money(increase)} "
                            f"({_money(ctx.spend_before)} -> {_money(ctx.spend_after)}), more than "
                            f"--max-spend-increase {_money(limit)}; this change adds {_money(c.spend_delta)}",
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
        spends = _campaign_spends(ctx.matching, ctx, set(limits)) if limits else {}
        by_campaign: dict[Address, list[tuple[Change, tuple[Address, ...]]]] = {}
        for c in self.changes:
            if c.spend_delta <= 0:
                continue
            for ca in dict.fromkeys(a.campaign_address() for a in _addresses(c)):
                inside = tuple(a for a in _addresses(c) if a.campaign_address() == ca)
                by_campaign.setdefault(ca, []).append((c, inside))
        for ca, climit in sorted(limits.items()):
            assert climit is not None
            before, after = spends[ca]
            increase = after - before
            if increase <= climit + 1e-9:
                continue
            for c, inside in by_campaign.get(ca, []):
                out.setdefault(c.id, []).append(
                    _Finding(
                        SPEND_INCREASE,
                        "block",
                        f"the plan raises the maximum daily spend of {ca} by {_money(increase)} "
                        f"({_money(before)} -> {_money(after)}), more than its guardrails.max_spend_increase "
                        f"{_money(climit)}",
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

    def spend_increase(self, change: Change) -> list[_Finding]:
        return self._spend_increase.get(change.id, [])

    # ---- deprecated-endpoint --------------------------------------------------------------------

    def deprecated(self, change: Change) -> list[_Finding]:
        out: list[_Finding] = []
        for ep in endpoints_of(change):
            v = check_endpoint(ep, self.now)
            if v.level != "ok":
                out.append(_Finding(DEPRECATED_ENDPOINT, v.level, v.message, dict(v.numbers)))
        # A legacy Smart+ campaign is changed through the legacy endpoints only.
        campaign = self.ctx.matching.matched.get(change.address.campaign_address())
        if campaign is not None and _is_legacy(campaign.row):
            v = check_endpoint("campaign/spc/update/", self.now, legacy_smart_plus=True)
            if v.level == "block":
                out.append(
                    _Finding(
                        DEPRECATED_ENDPOINT,
                        "block",
                        f"{change.address.campaign_address()} is a legacy Smart+ campaign: the API can no longer "
                        f"change it since {v.numbers['shutdown']}. Run `smartplus import` to turn it into an "
                        "upgraded manifest and make the steps the API cannot do in Ads Manager",
                        dict(v.numbers),
                    )
                )
            else:
                out.append(
                    _Finding(
                        DEPRECATED_ENDPOINT,
                        "warn",
                        f"{change.address.campaign_address()} is a legacy Smart+ campaign; the legacy update "
                        f"endpoints stop on {v.numbers['shutdown']}: migrate it with `smartplus import`",
                        dict(v.numbers),
                    )
                )
        return out

    # ---- pixel ----------------------------------------------------------------------------------

    def pixel(self, change: Change) -> list[_Finding]:
        if change.kind != "adgroup" or change.action not in ("create", "replace"):
            return []
        d = self.ctx.desired.get(change.address)
        if d is None or not isinstance(d.spec, AdGroup):
            return []
        g = d.spec
        adv = change.address.advertiser_id
        if g.optimization_goal in LEARNING_GOALS:
            return self._pixel_event(g, adv)
        if g.optimization_goal == LANDING_PAGE_GOAL:
            return self._pixel_browser(g, adv)
        return []

    def _pixels_unknown(self, adv: str) -> list[_Finding]:
        why = self.facts.unknown.get("pixels", "not read")
        return [
            _Finding(
                PIXEL,
                "warn",
                f"the pixels of advertiser {adv} are unknown ({why}): check the pixel and its events in Events "
                "Manager (or `smartplus doctor`)",
                {"advertiser_id": adv},
            )
        ]

    def _pixel_event(self, g: AdGroup, adv: str) -> list[_Finding]:
        if g.pixel_id is None or g.optimization_event is None:
            return []  # a validation error (rules.py), not a guardrail
        if adv not in self.facts.pixel_advertisers:
            return self._pixels_unknown(adv)
        p = self.facts.pixels.get(g.pixel_id)
        numbers: dict[str, Any] = {"pixel_id": g.pixel_id, "optimization_event": g.optimization_event}
        if p is None or p.advertiser_id != adv:
            known = sorted(x.pixel_id for x in self.facts.pixels_of(adv))
            return [
                _Finding(
                    PIXEL,
                    "block",
                    f"pixel {g.pixel_id} does not exist in advertiser {adv}"
                    + (f" (its pixels: {', '.join(known)})" if known else " (it has no pixel)")
                    + ": create it in Events Manager or fix pixel_id",
                    numbers | {"pixels": known},
                )
            ]
        events = [e for e in p.events if e.optimization_event == g.optimization_event and not e.deprecated]
        if not events:
            set_up = sorted({e.optimization_event for e in p.events if e.optimization_event})
            return [
                _Finding(
                    PIXEL,
                    "block",
                    f"the optimization event {g.optimization_event} is not set up on pixel {g.pixel_id}"
                    + (f" (set up: {', '.join(set_up)})" if set_up else " (no optimizable event is set up)")
                    + ": add the event in Events Manager or pick one that is set up",
                    numbers | {"events_set_up": set_up},
                )
            ]
        if p.stats_known:
            browser = sum(e.browser_count or 0 for e in events)
            server = sum(e.server_count or 0 for e in events)
            if browser + server == 0:
                window = self.facts.pixel_window
                return [
                    _Finding(
                        PIXEL,
                        "warn",
                        f"the event {g.optimization_event} is set up on pixel {g.pixel_id} but received no "
                        "events"
                        + (f" from {window[0]} to {window[1]}" if window else "")
                        + ": check that the site fires it",
                        numbers | {"browser_events": 0, "server_events": 0, "window": list(window or ())},
                    )
                ]
        return []

    def _pixel_browser(self, g: AdGroup, adv: str) -> list[_Finding]:
        if adv not in self.facts.pixel_advertisers:
            return self._pixels_unknown(adv)
        pixels = self.facts.pixels_of(adv)
        if g.pixel_id is not None:
            pixels = [p for p in pixels if p.pixel_id == g.pixel_id]
        window = self.facts.pixel_window
        if not pixels:
            return [
                _Finding(
                    PIXEL,
                    "block",
                    f"{LANDING_PAGE_GOAL} needs the TikTok Pixel on the landing page (browser events), and "
                    f"advertiser {adv} has no pixel"
                    + (f" {g.pixel_id}" if g.pixel_id else "")
                    + ": install the Pixel, or optimize for CLICK",
                    {"advertiser_id": adv, "pixels": 0},
                )
            ]
        if not all(p.stats_known for p in pixels):
            why = self.facts.unknown.get("pixel_stats", "not read")
            return [
                _Finding(
                    PIXEL,
                    "warn",
                    f"{LANDING_PAGE_GOAL} needs browser (Pixel) events, and the pixels' event counts are unknown "
                    f"({why}): check in Events Manager that the Pixel fires on the landing page",
                    {"advertiser_id": adv, "pixels": [p.pixel_id for p in pixels]},
                )
            ]
        browser = sum(p.browser_total() for p in pixels)
        server = sum(p.server_total() for p in pixels)
        if browser == 0:
            return [
                _Finding(
                    PIXEL,
                    "block",
                    f"{LANDING_PAGE_GOAL} needs browser (Pixel) events, and the pixels of advertiser {adv} "
                    f"received none"
                    + (f" from {window[0]} to {window[1]}" if window else "")
                    + f" ({server} server events): the Events API alone cannot measure landing page views. "
                    "Install the Pixel on the landing page, or optimize for CLICK",
                    {
                        "advertiser_id": adv,
                        "browser_events": 0,
                        "server_events": server,
                        "window": list(window or ()),
                    },
                )
            ]
        return []


# ---- shared helpers ------------------------------------------------------------------------------


def campaign_spend(matching: Matching, ctx: PlanContext, campaign: Address) -> tuple[float, float]:
    """One campaign's maximum daily spend before and after the plan (the plan summary's model)."""
    return _campaign_spends(matching, ctx, {campaign})[campaign]


def _campaign_spends(
    matching: Matching, ctx: PlanContext, campaigns: set[Address]
) -> dict[Address, tuple[float, float]]:
    parts: dict[Address, Matching] = {ca: Matching([], {}, [], []) for ca in campaigns}
    for d in matching.desired:
        part = parts.get(d.address.campaign_address())
        if part is not None:
            part.desired.append(d)
    for a, o in matching.matched.items():
        part = parts.get(a.campaign_address())
        if part is not None:
            part.matched[a] = o
    for a, o in matching.orphans:
        part = parts.get(a.campaign_address())
        if part is not None:
            part.orphans.append((a, o))
    out: dict[Address, tuple[float, float]] = {}
    for ca, part in parts.items():
        model = SpendModel(part, ctx.live, [])
        out[ca] = (model.before, model.after)
    return out


def _addresses(change: Change) -> tuple[Address, ...]:
    return (change.address, *(t.address for t in change.targets if t.address != change.address))


def _cost_cap(g: AdGroup) -> bool:
    return g.bid_type == "BID_TYPE_CUSTOM" or g.deep_bid_type == "VO_MIN_ROAS"


def _is_legacy(row: dict[str, Any]) -> bool:
    return (
        row.get("campaign_automation_type") == "SMART_PLUS"
        or row.get("is_smart_performance_campaign") is True
    )


def parse_time(value: Any) -> datetime | None:
    """TikTok's object times: "YYYY-MM-DD HH:MM:SS" (UTC); ISO 8601 ("...T...Z") also read."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        pass
    try:
        return _naive(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def fmt_time(t: datetime) -> str:
    return t.strftime(TIME_FORMAT)


def _naive(t: datetime) -> datetime:
    """Naive UTC (the planner's convention)."""
    if t.tzinfo is None:
        return t
    return (t - (t.utcoffset() or timedelta(0))).replace(tzinfo=None)


def _ceil_days(d: timedelta) -> int:
    return -((-int(d.total_seconds())) // 86400)


def _hours(d: timedelta) -> str:
    return f"{d.total_seconds() / 3600:.1f}"


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        try:
            return Decimal(str(value))
        except ArithmeticError:
            return None
    return None


def _num(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text


def _money(x: float) -> str:
    return f"{x:,.2f}"
