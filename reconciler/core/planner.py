"""Step 6: desired x live -> an ordered Plan.

Pure: building the plan has no side effects, and "now" is passed in.

Order (spec 6): parents before children; within a level, by address. New
objects are created DISABLED and enabled in final status steps (ads, then ad
groups, then campaigns), so a half-applied plan spends nothing new. Status
changes are batched, up to 20 ids per call (TikTok's limit). A field the
update endpoint does not accept becomes a ``replace``, blocked unless the
address is given to ``--replace``; the plan never deletes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from reconciler.core import targeting
from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import FieldChange, diff_fields
from reconciler.core.live import DesiredObject, LiveAccount, LiveObject, Matching, match
from reconciler.core.manifests import Manifest
from reconciler.core.plan import Change, LiveRecord, Note, Plan, Target, Verdict
from reconciler.core.resources import TOOL_KEYS, AdGroup, Campaign

STATUS_BATCH = 20
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DAILY_MODES = frozenset({"BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"})

# What each update endpoint accepts (SmartPlus*UpdateBody in the official SDK,
# shared/reference/smart-plus-fields.md). Any other field is immutable here.
UPDATABLE: dict[Kind, frozenset[str]] = {
    "campaign": frozenset({"campaign_name", "budget", "po_number"}),
    "adgroup": frozenset(
        {
            "adgroup_name",
            "bid_price",
            "budget",
            "comment_disabled",
            "conversion_bid_price",
            "dayparting",
            "min_budget",
            "pacing",
            "roas_bid",
            "schedule_end_time",
            "schedule_start_time",
            "schedule_type",
            "share_disabled",
            "suggestion_audience_enabled",
            "targeting_optimization_mode",
            "targeting_spec",
        }
    ),
    "ad": frozenset(
        {
            "ad_name",
            "ad_configuration",
            "ad_text_list",
            "call_to_action_list",
            "creative_list",
            "deeplink_list",
            "landing_page_url_list",
            "page_list",
        }
    ),
}
NOT_DIFFED = frozenset({"operation_status"})  # handled by status changes


@dataclass(frozen=True)
class PlanOptions:
    now: datetime
    digest: str
    tool_version: str
    ttl_hours: float = 24.0
    replace: Sequence[str] = ()
    overrides: Sequence[str] = ()
    inputs: dict[str, Any] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)


# A guardrail hook: (ordered changes, context) -> verdicts per change id. Kept as a
# parameter so the planner stays independent of the rules themselves.
Guard = Callable[[list[Change], "PlanContext"], dict[str, list[Verdict]]]


@dataclass(frozen=True)
class PlanContext:
    matching: Matching
    live: LiveAccount
    now: datetime
    desired: dict[Address, DesiredObject]
    spend_before: float = 0.0
    spend_after: float = 0.0


def managed_fields(d: DesiredObject) -> dict[str, Any]:
    """The fields the manifest writes (recursively), minus the tool's own keys."""
    data = d.spec.model_dump(exclude_unset=True, exclude=set(TOOL_KEYS))
    return {k: v for k, v in data.items() if v is not None}


def create_body(d: DesiredObject) -> dict[str, Any]:
    body = d.spec.model_dump(exclude_none=True, exclude=set(TOOL_KEYS))
    body["operation_status"] = "DISABLE"  # enabled in the final status step
    return body


def desired_status(d: DesiredObject) -> str:
    # TikTok's default on create is ENABLE (api-behavior.md section 3).
    return d.spec.operation_status or "ENABLE"


def make_plan(
    manifests: list[Manifest],
    live: LiveAccount,
    options: PlanOptions,
    guards: Sequence[Guard] = (),
) -> Plan:
    return finish(draft(manifests, live, options), guards)


@dataclass
class Draft:
    """The ordered changes before guardrails: lets the caller read exactly the facts the
    guardrails of *these* changes need (no budget change, no spend report) and then finish."""

    changes: list[Change]
    ctx: PlanContext
    manifests: list[Manifest]
    options: PlanOptions
    touched: set[Address]
    notes: list[Note]


def draft(manifests: list[Manifest], live: LiveAccount, options: PlanOptions) -> Draft:
    matching = match(manifests, live)
    by_addr = {d.address: d for d in matching.desired}
    level_changes: dict[int, list[Change]] = defaultdict(list)
    status_targets: dict[tuple[str, Kind, str], list[Target]] = defaultdict(list)
    touched: set[Address] = set()
    notes: list[Note] = []
    new: set[Address] = set()  # created (or re-created) in this plan
    replaced: set[Address] = set()

    for d in sorted(matching.desired, key=lambda d: (d.address.depth, d.address)):
        parent = d.address.parent()
        obj = matching.matched.get(d.address)
        if parent is not None and parent in new:
            obj = None  # the parent is created anew: so is every child
        if obj is None:
            new.add(d.address)
            level_changes[d.address.depth].append(
                Change(
                    id="",
                    action="create",
                    kind=d.kind,
                    address=d.address,
                    parent=parent,
                    body=create_body(d),
                    fields=tuple(FieldChange(k, None, v) for k, v in sorted(managed_fields(d).items())),
                    reason=f"no live {d.kind} named {d.address.ad or d.address.adgroup or d.address.campaign!r}",
                )
            )
            if desired_status(d) == "ENABLE":
                status_targets[(d.address.advertiser_id, d.kind, "ENABLE")].append(Target(d.address, None))
            continue

        want = {k: v for k, v in managed_fields(d).items() if k not in NOT_DIFFED}
        changes = diff_fields(want, obj.row)
        immutable = [c for c in changes if c.path not in UPDATABLE[d.kind]]
        mutable = [c for c in changes if c.path in UPDATABLE[d.kind]]
        if immutable:
            touched.add(d.address)
            new.add(d.address)
            replaced.add(d.address)
            allowed = any(d.address.matches(p) for p in options.replace)
            level_changes[d.address.depth].append(
                Change(
                    id="",
                    action="replace",
                    kind=d.kind,
                    address=d.address,
                    remote_id=obj.id,
                    parent=parent,
                    body=create_body(d),
                    fields=tuple(changes),
                    reason=(
                        "the update endpoint cannot change "
                        + ", ".join(c.path for c in immutable)
                        + ": the live object is renamed and disabled (never deleted) and a new one created"
                    ),
                    verdicts=(
                        Verdict(
                            "replace",
                            "block",
                            f"replacing {d.address} needs --replace '{d.address}'",
                            overridden=allowed,
                        ),
                    ),
                )
            )
            if desired_status(d) == "ENABLE":
                status_targets[(d.address.advertiser_id, d.kind, "ENABLE")].append(Target(d.address, None))
            continue
        if mutable:
            touched.add(d.address)
            level_changes[d.address.depth].append(
                Change(
                    id="",
                    action="update",
                    kind=d.kind,
                    address=d.address,
                    remote_id=obj.id,
                    parent=parent,
                    fields=tuple(mutable),
                    body={c.path: want[c.path] for c in mutable},
                    reason="live values differ from the manifest",
                )
            )
        if d.spec.operation_status is not None and d.spec.operation_status != obj.status:
            touched.add(d.address)
            status_targets[(d.address.advertiser_id, d.kind, d.spec.operation_status)].append(
                Target(d.address, obj.id)
            )

    # Orphans: reported always; disabled (never deleted) under `prune: true`.
    disable_targets: dict[tuple[str, Kind], list[Target]] = defaultdict(list)
    for addr, obj in sorted(matching.orphans, key=lambda x: x[0]):
        campaign = by_addr[addr.campaign_address()].campaign
        parent = addr.parent()
        if parent in replaced:
            continue  # the whole old parent is disabled by its replace
        if campaign.prune and obj.status == "ENABLE":
            touched.add(addr)
            disable_targets[(addr.advertiser_id, obj.kind)].append(Target(addr, obj.id))
            msg = "not in any manifest; disabled because the campaign has prune: true"
        else:
            msg = "not in any manifest" + ("" if campaign.prune else " (set prune: true to disable it)")
        notes.append(Note("orphan", str(addr), obj.id, f"{obj.kind} {msg}"))
    for c in matching.unmanaged:
        notes.append(
            Note("unmanaged", f"campaign[{json.dumps(c.name)}]", c.id, "no manifest names this campaign")
        )
    notes.extend(legacy_steps(live, by_addr, options.now))

    # Order and number the changes.
    ordered: list[Change] = []
    for depth in sorted(level_changes):
        ordered.extend(sorted(level_changes[depth], key=lambda c: c.address))
    for (_adv, kind), targets in sorted(
        disable_targets.items(), key=lambda kv: (kv[0][0], -_depth(kv[0][1]))
    ):
        for batch in _batches(targets):
            ordered.append(
                Change(
                    id="",
                    action="disable",
                    kind=kind,
                    address=batch[0].address,
                    status="DISABLE",
                    targets=tuple(batch),
                    reason="orphan under prune: true",
                )
            )
    # Disables before enables; enables from the leaves up so spend starts last.
    status_order = sorted(
        status_targets.items(),
        key=lambda kv: (
            kv[0][2] == "ENABLE",
            kv[0][0],
            -_depth(kv[0][1]) if kv[0][2] == "ENABLE" else _depth(kv[0][1]),
        ),
    )
    for (_adv, kind, status), targets in status_order:
        for batch in _batches(sorted(targets, key=lambda t: t.address)):
            ordered.append(
                Change(
                    id="",
                    action="set_status",
                    kind=kind,
                    address=batch[0].address,
                    status=status,
                    targets=tuple(batch),
                    reason="enable what this plan created"
                    if all(t.remote_id is None for t in batch)
                    else f"operation_status {status} in the manifest",
                )
            )

    ordered = [_with_targeting_notes(c, by_addr) for c in _number(ordered)]
    spend = SpendModel(matching, live, ordered)
    ordered = [replace(c, spend_delta=spend.delta(c)) for c in ordered]
    ctx = PlanContext(
        matching=matching,
        live=live,
        now=options.now,
        desired=by_addr,
        spend_before=spend.before,
        spend_after=spend.after,
    )
    return Draft(ordered, ctx, manifests, options, touched, notes)


def finish(d: Draft, guards: Sequence[Guard] = ()) -> Plan:
    ordered, ctx, options, matching = d.changes, d.ctx, d.options, d.ctx.matching
    for guard in guards:
        verdicts = guard(ordered, ctx)
        ordered = [replace(c, verdicts=c.verdicts + tuple(verdicts.get(c.id, ()))) for c in ordered]

    live_records: dict[str, LiveRecord] = {}
    for addr in sorted(d.touched):
        obj = matching.matched[addr] if addr in matching.matched else _orphan(matching, addr)
        if obj is not None:
            live_records[addr.key()] = LiveRecord(obj.kind, obj.id, obj.fingerprint(), obj.stable_fields())

    advertisers = sorted({m.campaign.advertiser_id for m in d.manifests})
    plan = Plan(
        changes=ordered,
        manifest_digest=options.digest,
        advertiser_ids=advertisers,
        created_at=options.now.strftime(TIME_FORMAT),
        expires_at=(options.now + timedelta(hours=options.ttl_hours)).strftime(TIME_FORMAT),
        tool_version=options.tool_version,
        live=live_records,
        notes=d.notes,
        overrides=list(options.overrides),
        replace=list(options.replace),
        inputs=dict(options.inputs),
        stats=dict(options.stats),
        spend_before=ctx.spend_before,
        spend_after=ctx.spend_after,
    )
    plan.plan_id = plan_id(plan)
    return plan


LEGACY_UPDATE_END = datetime(2026, 6, 30)


def legacy_steps(live: LiveAccount, desired: dict[Address, DesiredObject], now: datetime) -> list[Note]:
    """Legacy Smart+ campaigns still running in a managed advertiser: what only Ads Manager
    can do about them. Never API calls: TikTok retired the legacy update and status endpoints
    on 2026-06-30 (before that date they would still answer, but smartplus manages only the
    upgraded objects either way)."""
    advertisers = {a.advertiser_id for a in desired}
    names = {a.campaign for a in desired if a.kind == "campaign"}
    notes: list[Note] = []
    for row in sorted(live.legacy, key=lambda r: str(r.get("campaign_id"))):
        if str(row.get("advertiser_id")) not in advertisers or row.get("operation_status") != "ENABLE":
            continue
        name = str(row.get("campaign_name", ""))
        successor = next((n for n in sorted(names) if n != name and n.startswith(name)), None)
        after = (
            f" once {json.dumps(successor)} is live"
            if successor
            else " once its upgraded replacement is live"
        )
        how = (
            "in Ads Manager (the legacy update and status endpoints are retired since 2026-06-30)"
            if now >= LEGACY_UPDATE_END
            else "in Ads Manager"
        )
        notes.append(
            Note(
                "manual_step",
                f"legacy campaign[{json.dumps(name)}]",
                str(row.get("campaign_id")),
                f"legacy Smart+ campaign still running: pause it {how}{after}; "
                "`smartplus import` converts it into an upgraded manifest",
            )
        )
    return notes


def _with_targeting_notes(c: Change, desired: dict[Address, DesiredObject]) -> Change:
    """Under automatic targeting, say which targeting fields are guaranteed controls and
    which are only suggestions (spec 4.4), where a change sets targeting."""
    if c.kind != "adgroup" or c.action not in ("create", "update", "replace"):
        return c
    if not any(f.path == "targeting_spec" for f in c.fields):
        return c
    d = desired.get(c.address)
    if d is None or not isinstance(d.spec, AdGroup):
        return c
    return replace(c, notes=c.notes + tuple(targeting.explain(d.spec)))


def _orphan(matching: Matching, addr: Address) -> LiveObject | None:
    for a, obj in matching.orphans:
        if a == addr:
            return obj
    return None


def _depth(kind: Kind) -> int:
    return {"campaign": 0, "adgroup": 1, "ad": 2}[kind]


def _batches(targets: list[Target]) -> Iterable[list[Target]]:
    for i in range(0, len(targets), STATUS_BATCH):
        yield targets[i : i + STATUS_BATCH]


def _number(changes: list[Change]) -> list[Change]:
    ids: dict[Address, str] = {}
    out: list[Change] = []
    for i, c in enumerate(changes, start=1):
        cid = f"{i:04d}"
        deps: list[str] = []
        if c.parent is not None and c.parent in ids:
            deps.append(ids[c.parent])
        for t in c.targets:
            if t.remote_id is None and t.address in ids:
                deps.append(ids[t.address])
        if c.action in ("create", "replace"):
            ids[c.address] = cid
        out.append(replace(c, id=cid, depends_on=tuple(dict.fromkeys(deps))))
    return out


def plan_id(plan: Plan) -> str:
    body = json.dumps(
        {
            "digest": plan.manifest_digest,
            "created": plan.created_at,
            "changes": [c.to_json() for c in plan.changes],
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


class SpendModel:
    """Maximum daily spend of the managed campaigns before and after the plan.

    A campaign spends when it is enabled: with CBO, its daily budget; without,
    the daily budgets of its enabled ad groups. Lifetime budgets
    (BUDGET_MODE_TOTAL) have no daily maximum and count as 0 here.
    """

    def __init__(self, matching: Matching, live: LiveAccount, changes: list[Change]) -> None:
        self.matching = matching
        self.live = live
        by_addr = {d.address: d for d in matching.desired}
        # before: the live managed campaigns as they are
        self.before = sum(self._campaign_spend(_live_view(c, live)) for c in self._managed_live())
        # after: the desired state applied (statuses the plan sets included)
        after = 0.0
        for d in matching.desired:
            if d.kind == "campaign":
                after += self._campaign_spend(_desired_view(d, by_addr, matching, live))
        self.after = after
        self._by_addr = by_addr

    def _managed_live(self) -> list[LiveObject]:
        return [o for o in self.matching.matched.values() if o.kind == "campaign"]

    @staticmethod
    def _campaign_spend(view: dict[str, Any]) -> float:
        if view["status"] != "ENABLE":
            return 0.0
        if view["cbo"]:
            return float(view["budget"] or 0) if view["budget_mode"] in DAILY_MODES else 0.0
        total = sum(
            float(g["budget"] or 0)
            for g in view["adgroups"]
            if g["status"] == "ENABLE" and g["budget_mode"] in DAILY_MODES
        )
        if view["budget_mode"] == "BUDGET_MODE_DAY" and view["budget"]:
            total = min(total, float(view["budget"]))
        return total

    def delta(self, c: Change) -> float:
        if c.action == "update" and any(f.path == "budget" for f in c.fields):
            f = next(f for f in c.fields if f.path == "budget")
            d = self._by_addr.get(c.address)
            if d is not None and self._spends(d):
                return float(f.after or 0) - float(f.before or 0)
            return 0.0
        if c.action in ("set_status", "disable"):
            total = 0.0
            for t in c.targets:
                d = self._by_addr.get(t.address)
                budget = self._own_daily_budget(t.address, d)
                total += budget if c.status == "ENABLE" else -budget
            return total
        return 0.0

    def _spends(self, d: DesiredObject) -> bool:
        if d.kind == "campaign":
            assert isinstance(d.spec, Campaign)
            return d.spec.cbo
        if d.kind == "adgroup":
            return not d.campaign.cbo
        return False

    def _own_daily_budget(self, addr: Address, d: DesiredObject | None) -> float:
        if d is not None:
            if d.kind == "campaign":
                assert isinstance(d.spec, Campaign)
                if d.spec.cbo:
                    return (
                        float(d.spec.budget or 0)
                        if (d.spec.budget_mode or "BUDGET_MODE_DYNAMIC_DAILY_BUDGET") in DAILY_MODES
                        else 0.0
                    )
                return sum(float(g.budget or 0) for g in d.spec.adgroups if g.budget_mode in DAILY_MODES)
            if d.kind == "adgroup" and not d.campaign.cbo:
                assert isinstance(d.spec, AdGroup)
                return float(d.spec.budget or 0) if d.spec.budget_mode in DAILY_MODES else 0.0
            return 0.0
        obj = next((o for a, o in self.matching.orphans if a == addr), None)
        if obj is not None and obj.kind == "adgroup" and obj.row.get("budget_mode") in DAILY_MODES:
            return float(obj.row.get("budget") or 0)
        return 0.0


def _live_view(c: LiveObject, live: LiveAccount) -> dict[str, Any]:
    return {
        "status": c.status,
        "cbo": c.row.get("budget_optimize_on", True) is not False,
        "budget": c.row.get("budget"),
        "budget_mode": c.row.get("budget_mode"),
        "adgroups": [
            {"status": g.status, "budget": g.row.get("budget"), "budget_mode": g.row.get("budget_mode")}
            for g in live.children.get(c.id, [])
            if g.kind == "adgroup"
        ],
    }


def _desired_view(
    d: DesiredObject, by_addr: dict[Address, DesiredObject], matching: Matching, live: LiveAccount
) -> dict[str, Any]:
    """The campaign as it will be after the plan: desired values over live ones."""
    assert isinstance(d.spec, Campaign)
    c = d.spec
    obj = matching.matched.get(d.address)
    base = _live_view(obj, live) if obj is not None else {"status": "ENABLE", "adgroups": []}
    status = c.operation_status or (base["status"] if obj is not None else "ENABLE")
    groups: list[dict[str, Any]] = []
    for g in c.adgroups:
        ga = d.address.child(g.adgroup_name)
        gobj = matching.matched.get(ga)
        gstatus = g.operation_status or (gobj.status if gobj is not None else "ENABLE")
        groups.append(
            {
                "status": gstatus,
                "budget": g.budget if g.budget is not None else (gobj.row.get("budget") if gobj else None),
                "budget_mode": g.budget_mode or (gobj.row.get("budget_mode") if gobj else None),
            }
        )
    if obj is not None:
        for _orphan_addr, o in matching.orphans:
            if o.kind == "adgroup" and o.parent_id == obj.id:
                status_after = "DISABLE" if c.prune else o.status
                groups.append(
                    {
                        "status": status_after,
                        "budget": o.row.get("budget"),
                        "budget_mode": o.row.get("budget_mode"),
                    }
                )
    return {
        "status": status,
        "cbo": c.cbo,
        "budget": c.budget if c.budget is not None else base.get("budget"),
        "budget_mode": c.budget_mode or base.get("budget_mode") or "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        "adgroups": groups,
    }
