"""Step 6: the maximum daily spend of the managed campaigns, before, after, and per operation.

Pure. A campaign spends when it is enabled: with CBO, its daily budget; without, the
daily budgets of its enabled ad groups (capped by a daily campaign budget, if any).
Lifetime budgets (BUDGET_MODE_TOTAL) have no daily maximum and count as 0 here.

The model starts from the live account and plays the plan's operations in order, so an
operation's effect is the change it makes to the total at its place in the plan: the
effects add up to "after - before" exactly, and enabling an ad group and then its
campaign is counted once (on whichever step starts the spending), never twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reconciler.core.addresses import Address
from reconciler.core.live import LiveAccount, Matching
from reconciler.core.operations import (
    CreateAd,
    CreateAdGroup,
    CreateCampaign,
    DisableOrphans,
    Op,
    PauseManualCampaign,
    Replace,
    SetStatus,
    Update,
)

DAILY_MODES = frozenset({"BUDGET_MODE_DAY", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"})
DEFAULT_CAMPAIGN_MODE = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"  # TikTok's default with CBO on


def _num(v: Any) -> float:
    try:
        return float(v or 0)
    except (TypeError, ValueError):
        return 0.0


@dataclass
class _Group:
    status: str
    budget: float
    mode: str | None


@dataclass
class _Campaign:
    address: Address
    status: str
    cbo: bool
    budget: float
    mode: str | None
    groups: dict[str, _Group] = field(default_factory=dict)  # by live id, or "new:<address key>"

    def spend(self) -> float:
        if self.status != "ENABLE":
            return 0.0
        if self.cbo:
            return self.budget if (self.mode or DEFAULT_CAMPAIGN_MODE) in DAILY_MODES else 0.0
        total = sum(g.budget for g in self.groups.values() if g.status == "ENABLE" and g.mode in DAILY_MODES)
        if self.mode == "BUDGET_MODE_DAY" and self.budget:
            total = min(total, self.budget)
        return total


class SpendModel:
    def __init__(self, matching: Matching, live: LiveAccount) -> None:
        self.campaigns: dict[str, _Campaign] = {}  # by live id, or "new:<address key>"
        self._campaign_key: dict[Address, str] = {}
        self._group_key: dict[Address, tuple[str, str]] = {}
        for addr, obj in matching.matched.items():
            if obj.kind != "campaign":
                continue
            c = _Campaign(
                address=addr,
                status=obj.status,
                cbo=obj.row.get("budget_optimize_on", True) is not False,
                budget=_num(obj.row.get("budget")),
                mode=obj.row.get("budget_mode"),
            )
            for g in live.children.get(obj.id, []):
                if g.kind == "adgroup":
                    c.groups[g.id] = _Group(g.status, _num(g.row.get("budget")), g.row.get("budget_mode"))
            self.campaigns[obj.id] = c
            self._campaign_key[addr] = obj.id
        for addr, obj in [*matching.matched.items(), *matching.orphans]:
            if obj.kind == "adgroup" and obj.parent_id in self.campaigns:
                self._group_key[addr] = (obj.parent_id, obj.id)
        self._add_manual(matching, live)
        # The spend, before the operation being played, of each campaign it touches: its effect
        # is their change alone, so playing a plan costs its length, not length x campaigns.
        self._was: dict[str, float] = {}
        self.before = self.total()
        self.before_by_campaign = self.by_campaign()

    def _add_manual(self, matching: Matching, live: LiveAccount) -> None:
        """The manual campaigns the manifests migrate from (``migrate_from``) spend until the
        cutover pauses them: they are part of "before", and the pause takes them out."""
        wanted = {
            d.campaign.migrate_from.campaign_id
            for d in matching.desired
            if d.kind == "campaign" and d.campaign.migrate_from is not None
        }
        for row in live.manual:
            mid = str(row.get("campaign_id"))
            if mid not in wanted:
                continue
            c = _Campaign(
                address=Address(str(row.get("advertiser_id")), str(row.get("campaign_name"))),
                status=str(row.get("operation_status", "ENABLE")),
                cbo=row.get("budget_optimize_on") is True,  # a manual row says it only when on
                budget=_num(row.get("budget")),
                mode=row.get("budget_mode"),
            )
            for g in live.manual_adgroups:
                if str(g.get("campaign_id")) == mid:
                    c.groups[str(g.get("adgroup_id"))] = _Group(
                        str(g.get("operation_status", "ENABLE")), _num(g.get("budget")), g.get("budget_mode")
                    )
            self.campaigns["manual:" + mid] = c

    def total(self) -> float:
        return sum(c.spend() for c in self.campaigns.values())

    def by_campaign(self) -> dict[Address, float]:
        """Spend per campaign address (a replaced campaign: the old one and its successor)."""
        out: dict[Address, float] = {}
        for c in self.campaigns.values():
            out[c.address] = out.get(c.address, 0.0) + c.spend()
        return out

    def play(self, op: Op) -> float:
        """Apply one operation to the model; its effect on the maximum daily spend."""
        self._was = {}
        self._apply(op)
        return sum((self.campaigns[key].spend() - was for key, was in self._was.items()), 0.0)

    def _touch(self, key: str) -> None:
        """Called before a change to campaign ``key`` (or to one of its ad groups)."""
        if key not in self._was:
            c = self.campaigns.get(key)
            self._was[key] = c.spend() if c is not None else 0.0

    def _apply(self, op: Op) -> None:
        addr = op.address
        match op:
            case CreateCampaign(body=body):
                self._new_campaign(addr, body)
            case CreateAdGroup(body=body):
                self._new_group(addr, body)
            case CreateAd():
                pass
            case Update(body=body) if "budget" in body:
                if op.kind == "campaign" and addr in self._campaign_key:
                    self._touch(self._campaign_key[addr])
                    self.campaigns[self._campaign_key[addr]].budget = _num(body["budget"])
                elif op.kind == "adgroup":
                    g = self._group(addr)
                    if g is not None:
                        g.budget = _num(body["budget"])
            case Update():
                pass
            case Replace(body=body):
                self._set_status(addr, "DISABLE")  # the old one, renamed and disabled
                if op.kind == "campaign":
                    self._new_campaign(addr, body)
                elif op.kind == "adgroup":
                    self._new_group(addr, body)
            case SetStatus(batch=batch, to_status=status) | DisableOrphans(batch=batch, to_status=status):
                for t in batch:
                    self._set_status(t.address, status)
            case PauseManualCampaign(manual_id=manual_id):
                paused = self.campaigns.get("manual:" + manual_id)
                if paused is not None:
                    self._touch("manual:" + manual_id)
                    paused.status = "DISABLE"

    def _new_campaign(self, addr: Address, body: dict[str, Any]) -> None:
        key = "new:" + addr.key()
        self._touch(key)
        self.campaigns[key] = _Campaign(
            address=addr,
            status=str(body.get("operation_status", "ENABLE")),
            cbo=body.get("budget_optimize_on", True) is not False,
            budget=_num(body.get("budget")),
            mode=body.get("budget_mode"),
        )
        self._campaign_key[addr] = key

    def _new_group(self, addr: Address, body: dict[str, Any]) -> None:
        campaign_key = self._campaign_key.get(addr.campaign_address())
        if campaign_key is None:
            return
        key = "new:" + addr.key()
        self._touch(campaign_key)
        self.campaigns[campaign_key].groups[key] = _Group(
            str(body.get("operation_status", "ENABLE")), _num(body.get("budget")), body.get("budget_mode")
        )
        self._group_key[addr] = (campaign_key, key)

    def _group(self, addr: Address) -> _Group | None:
        where = self._group_key.get(addr)
        if where is None:
            return None
        self._touch(where[0])  # every caller changes the ad group it asks for
        return self.campaigns[where[0]].groups.get(where[1])

    def _set_status(self, addr: Address, status: str) -> None:
        if addr.kind == "campaign":
            key = self._campaign_key.get(addr)
            if key is not None:
                self._touch(key)
                self.campaigns[key].status = status
        elif addr.kind == "adgroup":
            g = self._group(addr)
            if g is not None:
                g.status = status
