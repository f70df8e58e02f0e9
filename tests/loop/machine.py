"""The reconcile loop as a state machine (issue 11), shared by tests/loop/test_loop_machine.py
and bench/loop_soak.py.

One emulator in process (the demo seed, a fixed clock) and the public pipeline
(`load_desired`, `make_plan`, `apply_saved`) on YAML manifests the machine writes to a temp
folder from a `Model`. Rules:

- `edit`: one to three random edits of the manifests at every level: add or remove ad groups
  and ads; change a budget, a cost-cap bid, the targeting (age, locations; taking the US out
  of a live ad group is a replace, allowed with `--replace`), an ad's text,
  landing page, video or second creative (a carousel: a creative of another shape); rename
  (with an `id:` pin once the object is live); pause, resume
  or leave `operation_status` out; CBO on/off (an immutable field: planned as a replace,
  allowed with `--replace`; per-ad-group budgets when off).
- `ads_manager`: a change through TikTok's API as a person in Ads Manager makes it: a budget,
  a status, an ad's text, a new ad group in a managed campaign.
- `apply`: plan, save (the saved plan must round-trip through JSON), apply the plan read back
  from JSON; optionally the process dies at a random request (only what the journal wrote
  survives, tests/apply/faults.py) and the same plan is applied again.

Checks: after `apply`, the one apply converged (`ok`) and the next plan is empty, every live
object's `operation_status` is what the manifest says (left out: ENABLE); after every step,
drift against the manifests last applied names exactly the out-of-band changes made since
(plus the orphans: live children of declared objects that no manifest declares), no two live
objects share a name under one parent, and no object ever seen is gone.

Guardrails: the emulator's clock moves 8 days forward before every plan, so the 7-day
learning phase of earlier steps never blocks; bid edits are random, so `bid-step` is
overridden. Every other guardrail stays on: a blocked plan fails the run.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import shutil
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from reconciler import pipeline
from reconciler.adapters.api import TikTokClient
from reconciler.adapters.connect import EMULATOR_CLOCK_URL
from reconciler.core import drift
from reconciler.core.plan import Plan
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.settings import EMULATOR_BASE_URL, Secret

from ..apply.faults import Crash, CrashingTransport
from .model import (
    ADVERTISER,
    AGES,
    DE,
    US,
    Ad,
    AdGroup,
    Campaign,
    Model,
    campaign_address,
    child_address,
    write,
)
from .support import duplicates

NOW = "2026-11-29 12:00:00"

# Known defects to look past (bench/loop_soak.py --look-past), so that a long run can find
# the bugs behind them. Empty in tests: there every defect fails the run.
#   add-under-live    no new ad under a live ad group, no new ad group under a live campaign
#   status-unmanaged  operation_status left out of a manifest means "not managed" (today's code)
LOOK_PAST: set[str] = set()
STATS: Counter[str] = Counter()  # examples and steps run in this process (bench/loop_soak.py)
OVERRIDES = ("bid-step",)
KIND_OF = {"campaign": "campaign", "adgroup": "adgroup", "ad": "ad"}
ID_FIELD = {"campaign": "campaign_id", "adgroup": "adgroup_id", "ad": "smart_plus_ad_id"}
NAME_FIELD = {"campaign": "campaign_name", "adgroup": "adgroup_name", "ad": "ad_name"}
PARENT_FIELD = {"campaign": "advertiser_id", "adgroup": "campaign_id", "ad": "adgroup_id"}
TEXTS = ("Spring sale: 30% off", "New season, new favourites", "Free returns for 60 days", "Last chance")
LANDINGS = ("https://shop.example.com/spring", "https://shop.example.com/new", "https://shop.example.com/x")
STATUSES = (None, "ENABLE", "DISABLE")
ADGROUP_CREATE_KEYS = (
    "campaign_id",
    "promotion_type",
    "optimization_goal",
    "optimization_event",
    "pixel_id",
    "billing_event",
    "bid_type",
    "conversion_bid_price",
    "budget_mode",
    "budget",
    "schedule_type",
    "schedule_start_time",
    "targeting_optimization_mode",
    "targeting_spec",
)


def top_field(field: str | None) -> str | None:
    return None if field is None else re.split(r"[.\[]", field, maxsplit=1)[0]


class Harness:
    """The emulator and the pipeline calls, each run to completion in its own event loop."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.app = create_app(db=":memory:", seed="demo", now=NOW)
        self.plans = itertools.count(1)
        self.api_calls = 0

    def client(self, crash_at: int | None = None) -> TikTokClient:
        return TikTokClient(
            EMULATOR_BASE_URL,
            Secret("demo-token"),
            transport=CrashingTransport(EmulatorTransport(self.app), crash_at),
            rate_limit=0,
            backoff_base=0.0005,
            backoff_cap=0.002,
        )

    def _run(self, fn: Any, crash_at: int | None = None) -> Any:
        async def go() -> Any:
            c = self.client(crash_at)
            try:
                return await fn(c)
            finally:
                self.api_calls += sum(c.stats.calls.values())
                await c.aclose()

        return asyncio.run(go())

    def plan(self, folder: Path, replace: tuple[str, ...] = ()) -> Plan:
        # As `smartplus plan` does: parse while reading, compare while reading (planner.Ahead).
        req = pipeline.PlanRequest([str(folder)], replace=replace, overrides=OVERRIDES)

        async def go(c: TikTokClient) -> Plan:
            _, plan = await pipeline.load_and_plan(c, req)
            return plan

        return self._run(go)  # type: ignore[no-any-return]

    def apply(self, plan: Plan, folder: Path, plan_path: Path, crash_at: int | None = None) -> Any:
        loaded = pipeline.load_desired([str(folder)])
        return self._run(lambda c: pipeline.apply_saved(c, plan, loaded, plan_path=plan_path), crash_at)

    def drift(self, folder: Path) -> dict[str, Any]:
        return drift.drift_report(self.plan(folder))

    def advance(self, days: float) -> None:
        self._run(lambda c: c._http.post(EMULATOR_CLOCK_URL, json={"advance_days": days}))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self._run(lambda c: c.post(path, {"advertiser_id": ADVERTISER, **body}))

    def live(self) -> dict[str, list[dict[str, Any]]]:
        """Ground truth: every live (not deleted) object, read from the emulator's API."""

        async def go(c: TikTokClient) -> dict[str, list[dict[str, Any]]]:
            q = {"advertiser_id": ADVERTISER}
            return {
                "campaign": await c.get_all("smart_plus/campaign/get/", q, 1000),
                "adgroup": await c.get_all("smart_plus/adgroup/get/", q, 1000),
                "ad": await c.get_all("smart_plus/ad/get/", q, 100),
            }

        return self._run(go)  # type: ignore[no-any-return]


class LoopMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="smartplus-loop-"))
        self.h = Harness(self.tmp)
        self.uids = itertools.count(1)
        self.desired = Model()
        self.applied = Model()  # what the account was last converged to
        self.ids: dict[int, str] = {}  # model uid -> remote id, as of the last converge
        self.oob: set[tuple[str, str, str | None]] = set()  # expected drift from Ads Manager
        self.live_status: dict[int, str] = {}  # live status set in Ads Manager since the last apply
        self.oob_n = itertools.count(1)
        self.replace: set[int] = set()  # campaigns whose CBO flipped: --replace
        self.seen: set[tuple[str, str]] = set()
        self.steps: list[str] = []
        STATS["examples"] += 1

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # ---- building blocks ------------------------------------------------------------------------

    def new_ad(self, data: st.DataObject) -> Ad:
        uid = next(self.uids)
        return Ad(
            uid,
            f"ad {uid}",
            video=data.draw(st.integers(1, 9), label="video"),
            text=data.draw(st.sampled_from(TEXTS), label="text"),
            landing=data.draw(st.sampled_from(LANDINGS), label="landing"),
            status=data.draw(st.sampled_from(STATUSES), label="status"),
            carousel=data.draw(st.one_of(st.none(), st.none(), st.integers(1, 9)), label="carousel"),
        )

    def new_adgroup(self, data: st.DataObject, c: Campaign) -> AdGroup:
        uid = next(self.uids)
        g = AdGroup(
            uid,
            f"adgroup {uid}",
            age=data.draw(st.sampled_from(AGES), label="age"),
            locations=data.draw(st.sampled_from([[US], [US, DE], [DE]]), label="locations"),
            budget=None if c.cbo else data.draw(st.integers(5, 40), label="budget") * 10,
            bid=data.draw(st.sampled_from([12.5, 15.0, 18.5, 30.0]), label="bid"),
            status=data.draw(st.sampled_from(STATUSES), label="status"),
        )
        g.ads = [self.new_ad(data) for _ in range(data.draw(st.integers(1, 2), label="n_ads"))]
        return g

    def new_campaign(self, data: st.DataObject) -> Campaign:
        uid = next(self.uids)
        cbo = data.draw(st.booleans(), label="cbo")
        c = Campaign(
            uid,
            f"campaign {uid}",
            cbo=cbo,
            budget=data.draw(st.integers(10, 100), label="budget") * 10 if cbo else None,
            bid_type="BID_TYPE_NO_BID"
            if cbo
            else data.draw(st.sampled_from(["BID_TYPE_NO_BID", "BID_TYPE_CUSTOM"])),
            prune=data.draw(st.booleans(), label="prune"),
            status=data.draw(st.sampled_from([None, "ENABLE"]), label="status"),
        )
        c.adgroups = [
            self.new_adgroup(data, c) for _ in range(data.draw(st.integers(1, 2), label="n_groups"))
        ]
        return c

    def note(self, text: str) -> None:
        self.steps.append(text)

    def step(self) -> None:
        STATS["steps"] += 1

    # ---- rules ------------------------------------------------------------------------------------

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self.step()
        self.desired.campaigns = [self.new_campaign(data)]
        self.note("start")
        self.converge(crash_at=None)

    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        self.step()
        for _ in range(data.draw(st.integers(1, 3), label="n_edits")):
            op = data.draw(st.sampled_from(EDITS), label="edit")
            getattr(self, "edit_" + op)(data)

    def _pick(self, data: st.DataObject, kind: str) -> tuple[str, str, Any, str | None]:
        objs = [o for o in self.desired.objects() if o[0] == kind]
        return data.draw(st.sampled_from(objs), label=kind)

    def _campaign_of(self, uid: int) -> Campaign:
        for c in self.desired.campaigns:
            if c.uid == uid or any(g.uid == uid or any(a.uid == uid for a in g.ads) for g in c.adgroups):
                return c
        raise KeyError(uid)

    def edit_add_campaign(self, data: st.DataObject) -> None:
        if len(self.desired.campaigns) < 2:
            self.desired.campaigns.append(self.new_campaign(data))
            self.note("add campaign")

    def edit_add_adgroup(self, data: st.DataObject) -> None:
        _, addr, c, _ = self._pick(data, "campaign")
        if "add-under-live" in LOOK_PAST and c.uid in self.ids:
            return
        if len(c.adgroups) < 4:
            c.adgroups.append(self.new_adgroup(data, c))
            self.note(f"add adgroup to {addr}")

    def edit_remove_adgroup(self, data: st.DataObject) -> None:
        _, addr, g, _ = self._pick(data, "adgroup")
        c = self._campaign_of(g.uid)
        if len(c.adgroups) > 1:
            c.adgroups.remove(g)
            self.note(f"remove {addr}")

    def edit_add_ad(self, data: st.DataObject) -> None:
        _, addr, g, _ = self._pick(data, "adgroup")
        if "add-under-live" in LOOK_PAST and g.uid in self.ids:
            return
        if len(g.ads) < 3:
            g.ads.append(self.new_ad(data))
            self.note(f"add ad to {addr}")

    def edit_remove_ad(self, data: st.DataObject) -> None:
        _, addr, a, parent = self._pick(data, "ad")
        g = next(o[2] for o in self.desired.objects() if o[1] == parent)
        if len(g.ads) > 1:
            g.ads.remove(a)
            self.note(f"remove {addr}")

    def edit_budget(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(["campaign", "adgroup"]), label="budget of")
        _, addr, obj, _ = self._pick(data, kind)
        c = self._campaign_of(obj.uid)
        if (kind == "campaign") == c.cbo:
            obj.budget = data.draw(st.integers(5, 100), label="budget") * 10
            self.note(f"budget of {addr} = {obj.budget}")

    def edit_bid(self, data: st.DataObject) -> None:
        _, addr, g, _ = self._pick(data, "adgroup")
        if self._campaign_of(g.uid).bid_type == "BID_TYPE_CUSTOM":
            g.bid = data.draw(st.sampled_from([10.0, 12.5, 15.0, 18.5, 30.0]), label="bid")
            self.note(f"bid of {addr} = {g.bid}")

    def edit_targeting(self, data: st.DataObject) -> None:
        _, addr, g, _ = self._pick(data, "adgroup")
        if data.draw(st.booleans(), label="age or locations"):
            g.age = data.draw(st.sampled_from(AGES), label="age")
        else:
            locations = data.draw(st.sampled_from([[US], [US, DE], [DE]]), label="locations")
            if US not in locations and self._has_us_live(g.uid) and self._pinned_in(g):
                return  # dropping the US replaces the ad group: pins under it would be stale
            g.locations = locations
        self.note(f"targeting of {addr} = {g.age} {g.locations}")

    def _has_us_live(self, uid: int) -> bool:
        """The ad group is live and targets the US there: TikTok's update cannot take it out."""
        live = next((o[2] for o in self.applied.objects() if o[0] == "adgroup" and o[2].uid == uid), None)
        return uid in self.ids and live is not None and US in live.locations

    def _pinned_in(self, g: AdGroup) -> bool:
        return g.pin is not None or any(a.pin is not None for a in g.ads)

    def _us_dropped(self) -> set[int]:
        """Live ad groups whose manifest drops the US: each is planned as a replace."""
        return {
            g.uid
            for c in self.desired.campaigns
            for g in c.adgroups
            if US not in g.locations and self._has_us_live(g.uid)
        }

    def edit_ad_text(self, data: st.DataObject) -> None:
        _, addr, a, _ = self._pick(data, "ad")
        a.text = data.draw(st.sampled_from(TEXTS), label="text")
        self.note(f"text of {addr} = {a.text!r}")

    def edit_landing(self, data: st.DataObject) -> None:
        _, addr, a, _ = self._pick(data, "ad")
        a.landing = data.draw(st.sampled_from(LANDINGS), label="landing")
        self.note(f"landing of {addr} = {a.landing}")

    def edit_video(self, data: st.DataObject) -> None:
        _, addr, a, _ = self._pick(data, "ad")
        a.video = data.draw(st.integers(1, 9), label="video")
        self.note(f"video of {addr} = {a.video}")

    def edit_carousel(self, data: st.DataObject) -> None:
        _, addr, a, _ = self._pick(data, "ad")
        a.carousel = data.draw(st.one_of(st.none(), st.integers(1, 9)), label="carousel")
        self.note(f"carousel of {addr} = {a.carousel}")

    def edit_rename(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(["campaign", "adgroup", "ad"]), label="rename")
        _, addr, obj, _ = self._pick(data, kind)
        replaced = self._us_dropped()
        group = obj if kind == "adgroup" else next((g for g in self._groups() if obj in g.ads), None)
        if (
            obj.uid in self.ids
            and self._campaign_of(obj.uid).uid not in self.replace
            and (group is None or group.uid not in replaced)
        ):
            # Live: pin it, or the rename is a create plus an orphan. (Under a campaign being
            # replaced every object is created anew: a pin to the old one would be stale.)
            obj.pin = self.ids[obj.uid]
        obj.name = f"{kind} {obj.uid} renamed {next(self.uids)}"
        self.note(f"rename {addr} -> {obj.name!r} (pin {obj.pin})")

    def _groups(self) -> list[AdGroup]:
        return [g for c in self.desired.campaigns for g in c.adgroups]

    def edit_status(self, data: st.DataObject) -> None:
        kind = data.draw(st.sampled_from(["campaign", "adgroup", "ad"]), label="status of")
        _, addr, obj, _ = self._pick(data, kind)
        obj.status = data.draw(st.sampled_from(STATUSES), label="status")
        self.note(f"operation_status of {addr} = {obj.status}")

    def edit_cbo(self, data: st.DataObject) -> None:
        _, addr, c, _ = self._pick(data, "campaign")
        pinned = [o for o in self.desired.objects() if o[2].pin and self._campaign_of(o[2].uid) is c]
        if pinned:
            return  # a replace creates new objects: pins to the old ones would be stale
        c.cbo = not c.cbo
        c.budget = data.draw(st.integers(10, 100), label="budget") * 10 if c.cbo else None
        for g in c.adgroups:
            g.budget = None if c.cbo else data.draw(st.integers(5, 40), label="budget") * 10
        live = next((a for a in self.applied.campaigns if a.uid == c.uid), None)
        if live is not None and live.cbo == c.cbo:
            c.bid_type = live.bid_type  # flipped back: the campaign is not replaced after all
            self.replace.discard(c.uid)
        else:
            c.bid_type = "BID_TYPE_NO_BID"
            if c.uid in self.ids:
                self.replace.add(c.uid)
        self.note(f"CBO of {addr} = {c.cbo}")

    # ---- Ads Manager ------------------------------------------------------------------------------

    def _applied_live(self, kind: str) -> list[tuple[str, str, Any, str | None]]:
        return [o for o in self.applied.objects() if o[0] == kind and o[2].uid in self.ids]

    @rule(data=st.data())
    def ads_manager(self, data: st.DataObject) -> None:
        self.step()
        op = data.draw(st.sampled_from(["budget", "status", "text", "new_adgroup"]), label="ads manager")
        getattr(self, "oob_" + op)(data)
        self.check_drift()

    def oob_budget(self, data: st.DataObject) -> None:
        choices = [o for o in self._applied_live("campaign") if o[2].cbo] + [
            o for o in self._applied_live("adgroup") if not self._applied_campaign(o[2].uid).cbo
        ]
        if not choices:
            return
        kind, addr, obj, _ = data.draw(st.sampled_from(choices), label="budget of")
        value = data.draw(st.integers(5, 100).filter(lambda v: v * 10 != obj.budget), label="budget") * 10
        self.h.post(f"smart_plus/{kind}/update/", {ID_FIELD[kind]: self.ids[obj.uid], "budget": value})
        self.oob.add(("changed", addr, "budget"))
        self.note(f"Ads Manager: budget of {addr} = {value}")

    def oob_status(self, data: st.DataObject) -> None:
        choices = [o for k in ("campaign", "adgroup", "ad") for o in self._applied_live(k)]
        if "status-unmanaged" in LOOK_PAST:
            choices = [o for o in choices if o[2].status is not None]
            if not choices:
                return
        kind, addr, obj, _ = data.draw(st.sampled_from(choices), label="status of")
        want = obj.status or "ENABLE"  # left out of the manifest: ENABLE (product.md 4.3)
        live = self.live_status.get(obj.uid, want)
        new = "DISABLE" if live == "ENABLE" else "ENABLE"
        ids_key = {"campaign": "campaign_ids", "adgroup": "adgroup_ids", "ad": "smart_plus_ad_ids"}[kind]
        self.h.post(
            f"smart_plus/{kind}/status/update/", {ids_key: [self.ids[obj.uid]], "operation_status": new}
        )
        self.live_status[obj.uid] = new
        if new == want:
            self.oob.discard(("changed", addr, "operation_status"))
        else:
            self.oob.add(("changed", addr, "operation_status"))
        self.note(f"Ads Manager: operation_status of {addr} = {new}")

    def oob_text(self, data: st.DataObject) -> None:
        choices = self._applied_live("ad")
        _, addr, a, _ = data.draw(st.sampled_from(choices), label="text of")
        text = f"Edited in Ads Manager {next(self.oob_n)}"
        self.h.post(
            "smart_plus/ad/update/",
            {"smart_plus_ad_id": self.ids[a.uid], "ad_text_list": [{"ad_text": text}]},
        )
        self.oob.add(("changed", addr, "ad_text_list"))
        self.note(f"Ads Manager: text of {addr} = {text!r}")

    def oob_new_adgroup(self, data: st.DataObject) -> None:
        groups = self._applied_live("adgroup")
        if not groups:
            return
        _, _, g, parent = data.draw(st.sampled_from(groups), label="sibling")
        live = {r["adgroup_id"]: r for r in self.h.live()["adgroup"]}
        sibling = live[self.ids[g.uid]]
        body = {k: sibling[k] for k in ADGROUP_CREATE_KEYS if sibling.get(k) is not None}
        if self._applied_campaign(g.uid).cbo:
            body.pop("budget", None)  # reads show the ad group's share; create refuses it under CBO
            body.pop("budget_mode", None)
        name = f"made in Ads Manager {next(self.oob_n)}"
        # targeting_spec as written, not as read: reads add response-only keys (brand_safety_type).
        body["targeting_spec"] = {"location_ids": list(g.locations), "spc_audience_age": g.age}
        body.update({"adgroup_name": name, "request_id": str(900000 + next(self.oob_n))})
        self.h.post("smart_plus/adgroup/create/", body)
        self.note(f"Ads Manager: new ad group {name!r} in {parent}")
        # Its drift item is an orphan: expected from the ground truth (see expected_orphans).

    def _applied_campaign(self, uid: int) -> Campaign:
        for c in self.applied.campaigns:
            if c.uid == uid or any(g.uid == uid or any(a.uid == uid for a in g.ads) for g in c.adgroups):
                return c
        raise KeyError(uid)

    # ---- plan and apply ---------------------------------------------------------------------------

    @rule(crash=st.one_of(st.none(), st.integers(2, 8)))
    def apply(self, crash: int | None) -> None:
        self.step()
        self.converge(crash_at=crash)

    def converge(self, crash_at: int | None) -> None:
        work = write(self.desired, self.tmp / "work")
        self.h.advance(8)  # past the learning phase of earlier steps
        # --replace: the campaigns whose CBO flipped, and those with an ad group that drops the US
        # (the campaign's address covers its ad groups).
        dropped = self._us_dropped()
        replace = tuple(
            campaign_address(c.name)
            for c in self.desired.campaigns
            if c.uid in self.replace or any(g.uid in dropped for g in c.adgroups)
        )
        plan = self.h.plan(work, replace)
        self.note(f"plan: {plan.counts()}" + (f", crash at request {crash_at}" if crash_at else ""))
        assert not plan.blocked, [
            (str(c.address), [(v.rule, v.message) for v in c.verdicts if not v.overridden])
            for c in plan.blocked
        ]
        # Each operation's spend effect is its change to the total: the effects add up to the
        # plan's "after - before" (the spend model plays only the campaigns an operation touches).
        effects = sum(c.spend_delta for c in plan.changes)
        assert abs(effects - (plan.spend_after - plan.spend_before)) < 1e-6, (
            effects,
            plan.spend_before,
            plan.spend_after,
        )
        # The saved plan round-trips, and what is applied is the plan read back.
        data = json.loads(json.dumps(plan.to_json()))
        saved = Plan.from_json(data)
        assert saved.to_json() == data
        n = next(self.h.plans)
        plan_path = self.tmp / f"plan-{n}.json"
        plan_path.write_text(json.dumps(data))
        if plan.changes:
            try:
                result = self.h.apply(saved, work, plan_path, crash_at=crash_at)
            except Crash:
                self.note("crashed; apply again")
                result = self.h.apply(Plan.from_json(json.loads(plan_path.read_text())), work, plan_path)
            assert result.ok, (result.failed, result.not_attempted, result.verify_problems)
        again = self.h.plan(work)
        assert again.changes == [], [(c.action, str(c.address), c.reason) for c in again.changes]
        self.applied = self.desired.copy()
        self.oob.clear()
        self.live_status.clear()
        self.replace.clear()
        self.learn_ids()
        self.check_statuses()
        self.check_drift()

    def learn_ids(self) -> None:
        """Find each declared object in the account by its parent and name (no duplicates: unique)."""
        live = self.h.live()
        by_parent_name = {
            (k, str(r[PARENT_FIELD[k]]), r[NAME_FIELD[k]]): str(r[ID_FIELD[k]]) for k in live for r in live[k]
        }
        ids: dict[int, str] = {}
        for kind, addr, obj, parent in self.applied.objects():
            parent_id = ADVERTISER if parent is None else ids[self.applied_uid(parent)]
            key = (kind, parent_id, obj.name)
            assert key in by_parent_name, f"{addr} is not live after apply"
            ids[obj.uid] = by_parent_name[key]
        self.ids = ids

    def applied_uid(self, address: str) -> int:
        return next(o[2].uid for o in self.applied.objects() if o[1] == address)

    def check_statuses(self) -> None:
        live = self.h.live()
        status = {str(r[ID_FIELD[k]]): r["operation_status"] for k in live for r in live[k]}
        objs = self.applied.objects()
        if "status-unmanaged" in LOOK_PAST:
            objs = [o for o in objs if o[2].status is not None]
        got = {addr: status[self.ids[obj.uid]] for _, addr, obj, _ in objs}
        want = {addr: obj.status or "ENABLE" for _, addr, obj, _ in objs}
        assert got == want

    def expected_orphans(self) -> set[tuple[str, str, str | None]]:
        """Live children of declared (live) objects that no manifest declares: orphans, by definition."""
        live = self.h.live()
        declared = {
            self.ids[obj.uid]: addr for _, addr, obj, _ in self.applied.objects() if obj.uid in self.ids
        }
        declared_ids = set(declared)
        out: set[tuple[str, str, str | None]] = set()
        for kind in ("adgroup", "ad"):
            for r in live[kind]:
                parent = str(r[PARENT_FIELD[kind]])
                if parent in declared_ids and str(r[ID_FIELD[kind]]) not in declared_ids:
                    out.add(("orphan", child_address(declared[parent], kind, r[NAME_FIELD[kind]]), None))
        return out

    def check_drift(self) -> None:
        if not self.applied.campaigns:
            return
        report = self.h.drift(write(self.applied, self.tmp / "applied"))
        got = {(i["type"], i["address"], top_field(i["field"])) for i in report["items"]}
        want = self.oob | self.expected_orphans()
        assert got == want, {
            "unexpected": sorted(got - want, key=str),
            "missing": sorted(want - got, key=str),
        }

    # ---- always -----------------------------------------------------------------------------------

    @invariant()
    def no_duplicate_and_nothing_deleted(self) -> None:
        live = self.h.live()
        assert duplicates(live["campaign"], live["adgroup"], live["ad"]) == []
        now = {(k, str(r[ID_FIELD[k]])) for k in live for r in live[k]}
        assert self.seen <= now, f"gone: {sorted(self.seen - now)}"
        self.seen |= now


EDITS = (
    "add_campaign",
    "add_adgroup",
    "remove_adgroup",
    "add_ad",
    "remove_ad",
    "budget",
    "bid",
    "targeting",
    "ad_text",
    "landing",
    "video",
    "carousel",
    "rename",
    "status",
    "cbo",
)
