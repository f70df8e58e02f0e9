"""Step 6: desired x live -> ordered typed operations -> (guardrails) -> the Plan.

Pure: building the plan has no side effects, and "now" is passed in (the API
server's clock, see ``adapters.api.TikTokClient.now``).

The flow runs one way: ``draft`` matches manifests to live objects and turns
every difference into an operation (``core.operations``), in order, with the
spend effect of each; the caller reads the facts those operations need; then
``finish`` asks the guardrails for their verdicts and builds the Plan once.

Order (spec 6): parents before children; within a level, by address. New
objects are created DISABLED and enabled in final status steps (ads, then ad
groups, then campaigns), so a half-applied plan spends nothing new. A parent is
a ``Ref``: the live id, or the create of this plan that makes it. Status is
always managed: left out of a manifest, ``operation_status`` means ENABLE.
Status changes are batched, up to 20 ids per call (TikTok's limit). A field the
update endpoint does not accept becomes a ``replace``, blocked unless the
address is given to ``--replace``; the plan never deletes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from reconciler.core import migrate, targeting
from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import FieldChange, diff_fields
from reconciler.core.kinds import STATUS_BATCH, spec
from reconciler.core.live import (
    DesiredObject,
    LiveAccount,
    LiveObject,
    Matching,
    desired_objects,
    fingerprint,
    match,
)
from reconciler.core.manifests import Manifest
from reconciler.core.media import MediaChoice, MediaKey, has_files, shown_path
from reconciler.core.operations import (
    CreateAd,
    CreateAdGroup,
    CreateCampaign,
    CreatePortfolio,
    DisableOrphans,
    Op,
    PauseManualCampaign,
    Ref,
    Replace,
    SetStatus,
    Status,
    Target,
    Update,
    UploadMedia,
    Verdict,
    with_spend,
    with_verdicts,
)
from reconciler.core.plan import LiveRecord, Note, Plan
from reconciler.core.resources import TOOL_KEYS, Ad, AdGroup
from reconciler.core.spend import SpendModel
from reconciler.errors import PlanError

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

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

# The United States (location id 6252001): once an ad group targets it, its update cannot take it
# out (the ad group update doc, api-behavior.md; smart-plus-current.md: "once the US is targeted
# it can't be removed"). The docs also let US ids be swapped for other US ids, but which location
# ids lie in the US is NOT FOUND here; the strict reading, as the emulator's: the country id.
US_LOCATION = "6252001"


def update_refusals(kind: Kind, diffs: Sequence[FieldChange], live_row: dict[str, Any]) -> dict[str, str]:
    """The changes of updatable fields that the update endpoint still refuses, by path, each with
    why: they need a replace, as a field the endpoint does not take."""
    if kind != "adgroup":
        return {}
    out: dict[str, str] = {}
    for c in diffs:
        if c.path != "targeting_spec":
            continue
        if US_LOCATION in _locations(live_row.get("targeting_spec")) and US_LOCATION not in _locations(
            c.after
        ):
            out[c.path] = f"the update endpoint cannot remove the United States location ({US_LOCATION})"
    return out


def _locations(spec: Any) -> set[str]:
    ids = spec.get("location_ids") if isinstance(spec, dict) else None
    return {str(x) for x in ids} if isinstance(ids, list) else set()


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
    target: dict[str, Any] = field(default_factory=dict)  # the API endpoint (see adapters.connect)
    # Per advertiser, the dynamic-CTA portfolio for ads with `cta_portfolio: recommended`.
    cta: Mapping[str, CtaChoice] = field(default_factory=dict)
    # The creative files (`file:`) the manifests name, per (advertiser, path): read by the adapters;
    # those the account holds are already ids in the manifests (core.media.resolve).
    media: Mapping[MediaKey, MediaChoice] = field(default_factory=dict)


@dataclass(frozen=True)
class CtaChoice:
    """What TikTok recommends as a dynamic CTA for an advertiser's web ads, and the portfolio of
    that content its ads already use, if any (then it is reused, not created again)."""

    content: tuple[dict[str, Any], ...]  # [{asset_content, asset_ids}] from /creative/cta/recommend/
    existing: str | None = None  # a creative_portfolio_id of the same content


# A guardrail hook: (ordered operations, context) -> verdicts per operation id. Kept as a
# parameter so the planner stays independent of the rules themselves.
Guard = Callable[[list[Op], "PlanContext"], dict[str, list[Verdict]]]


@dataclass(frozen=True)
class PlanContext:
    matching: Matching
    live: LiveAccount
    now: datetime
    desired: dict[Address, DesiredObject]
    spend_before: float = 0.0
    spend_after: float = 0.0
    # Maximum daily spend per managed campaign, before and after the plan.
    campaign_spend: dict[Address, tuple[float, float]] = field(default_factory=dict)


def managed_fields(d: DesiredObject) -> dict[str, Any]:
    """The fields the manifest writes (recursively), minus the tool's own keys."""
    data = d.spec.model_dump(exclude_unset=True, exclude=set(TOOL_KEYS))
    return {k: v for k, v in data.items() if v is not None}


@dataclass(frozen=True)
class Desired:
    """The manifests' side of a plan, which needs no live account: the desired objects, in
    manifest order and parents first, and which ads have a ``file:`` creative.
    ``pipeline.load_and_plan`` builds it in the worker thread that parses the manifests, while
    the account is read (the reads are paced, the CPU idle), so it is not part of the time
    between the last read and the plan. The fields each object compares are not kept here: held
    for every object at once they are 1.8 KB each (100 MB at 61,000 objects), where the draft
    builds them one at a time."""

    manifests: tuple[Manifest, ...]
    objects: list[DesiredObject]
    order: list[DesiredObject]  # parents before children, siblings by address
    with_files: frozenset[Address]  # ads with a `file:` creative (core.media)

    def fits(self, manifests: Sequence[Manifest]) -> bool:
        """Built from these very manifests (media resolution makes new ones when it changes any)."""
        return len(manifests) == len(self.manifests) and all(
            a is b for a, b in zip(manifests, self.manifests, strict=True)
        )


def compare(d: DesiredObject, obj: LiveObject) -> tuple[list[FieldChange], dict[str, Any]]:
    """A matched object's field changes, and the fields it compares (what its update sends)."""
    want = {k: v for k, v in managed_fields(d).items() if k not in NOT_DIFFED}
    return diff_fields(want, obj.row), want


class Ahead:
    """``compare`` worked out while the account is still being read, for the draft to take.

    The reads are paced by the rate limit, so the process waits on them for seconds while the
    manifests are already parsed; comparing each matched object was most of the time between the
    last read and the plan. ``start`` is given the desired side once it is built; ``add`` each
    page of live objects as it is packed. Each live object is paired with the desired object
    the identity rule will most likely give it (its pin, else its name under its parent's
    pair), and compared. The draft still matches every object itself (``live.match``) and
    takes a comparison only for the very pair it matched (``take``): a wrong or missing guess
    costs the comparison, never a wrong plan. The work is done in slices on the event loop
    (``SLICE`` objects per page read), so no request waits long for it."""

    SLICE = 500

    def __init__(self) -> None:
        self._pending: list[LiveObject] = []
        self._desired: dict[object, DesiredObject] | None = None
        self._guess: dict[str, DesiredObject] = {}  # live campaign / ad group id -> its likely pair
        self._done: dict[
            int, tuple[DesiredObject, LiveObject, list[FieldChange], dict[str, Any] | None, LiveRecord | None]
        ] = {}
        self.hits = 0
        self.failed = False

    def start(self, desired: Desired) -> None:
        """The desired side: pinned objects by (kind, id); the others by (advertiser, name) for
        campaigns and by (id of the parent's desired object, name) for children."""
        index: dict[object, DesiredObject] = {}
        by_addr = {d.address: d for d in desired.objects}
        for d in desired.objects:
            if d.spec.id is not None:
                index[(d.kind, d.spec.id)] = d  # a pinned object is matched by its pin alone
                continue
            parent = d.address.parent()
            if parent is None:
                index[(d.address.advertiser_id, d.address.campaign)] = d
            elif (up := by_addr.get(parent)) is not None:
                index[(id(up), d.address.ad or d.address.adgroup)] = d
        self._desired = index
        self.run()

    def add(self, objects: Sequence[LiveObject]) -> None:
        self._pending.extend(objects)
        self.run()

    def run(self, budget: int = SLICE) -> None:
        """Pair and compare up to ``budget`` pending objects whose parent has been seen."""
        index = self._desired
        if index is None or self.failed or not self._pending:
            return
        waiting: list[LiveObject] = []
        pending, self._pending = self._pending, waiting
        pending.sort(key=_depth_of)  # parents first: a child waits only for a page not yet read
        try:
            for n, obj in enumerate(pending):
                if n >= budget:
                    waiting.extend(pending[n:])
                    break
                if obj.parent_id is None:
                    d = index.get((obj.kind, obj.id)) or index.get((obj.advertiser_id, obj.name))
                else:
                    up = self._guess.get(obj.parent_id)
                    if up is None:
                        waiting.append(obj)  # its parent's page has not come yet
                        continue
                    d = index.get((obj.kind, obj.id)) or index.get((id(up), obj.name))
                if d is None or d.kind != obj.kind:
                    continue
                if obj.kind != "ad":
                    self._guess[obj.id] = d
                diffs, want = compare(d, obj)
                # A changed object is touched: its record too (it walks and hashes the whole row).
                # Of its fields, only the changed ones are kept (what an update sends): a whole
                # ad's fields held for 50,000 changed ads until the draft took them were 100 MB.
                record = live_record(obj, d) if diffs else None
                sent = {c.path: want[c.path] for c in diffs} if diffs else None
                self._done[id(obj)] = (d, obj, diffs, sent, record)
        except Exception:  # the draft compares it again, and says what is wrong
            self.failed = True
            self._pending.clear()

    def take(
        self, d: DesiredObject, obj: LiveObject
    ) -> tuple[list[FieldChange], dict[str, Any], LiveRecord | None] | None:
        """The comparison of this very pair, if it was made (and forgotten: taken once): its
        changes, the desired values of the changed fields (of ``compare``'s fields, those alone),
        and the live record of a changed object (``live_record(obj, d)``)."""
        got = self._done.pop(id(obj), None)
        if got is None or got[0] is not d or got[1] is not obj:
            return None
        self.hits += 1
        _, _, diffs, want, record = got
        return diffs, ({} if want is None else want), record


def live_record(obj: LiveObject, want: DesiredObject | None) -> LiveRecord:
    """What the plan keeps of a live object it touches: the fingerprint of the whole row and,
    to name what changed if apply finds the object stale, the values the manifest manages and
    the status (a plan of 50,000 changes held every touched row whole)."""
    keep = {"operation_status", *(want.spec.model_fields_set - TOOL_KEYS if want else ())}
    stable = obj.stable_fields()
    seen = {k: v for k, v in stable.items() if k in keep}
    # fingerprint(stable) is obj.fingerprint(): the volatile keys are already out.
    return LiveRecord(obj.kind, obj.id, fingerprint(stable), seen)


def _depth_of(obj: LiveObject) -> int:
    return _depth(obj.kind)


def prepare(manifests: Sequence[Manifest]) -> Desired:
    objects = desired_objects(manifests)
    order = sorted(objects, key=lambda d: (d.address.depth, d.address.sort_key()))
    with_files = frozenset(d.address for d in objects if isinstance(d.spec, Ad) and has_files(d.spec))
    return Desired(tuple(manifests), objects, order, with_files)


def create_body(d: DesiredObject) -> dict[str, Any]:
    body = d.spec.model_dump(exclude_none=True, exclude=set(TOOL_KEYS))
    body["operation_status"] = "DISABLE"  # enabled in the final status step
    return body


def desired_status(d: DesiredObject) -> Status:
    """Status is always managed (spec 4.3): left out, it means ENABLE, TikTok's create
    default and what the tool sets after creating, so a pause in Ads Manager is drift."""
    return "DISABLE" if d.spec.operation_status == "DISABLE" else "ENABLE"


def make_plan(
    manifests: list[Manifest],
    live: LiveAccount,
    options: PlanOptions,
    guards: Sequence[Guard] = (),
) -> Plan:
    return finish(draft(manifests, live, options), guards)


@dataclass
class Draft:
    """The ordered operations before guardrails: lets the caller read exactly the facts the
    guardrails of *these* operations need (no budget change, no spend report), then finish.
    Building it has no side effects."""

    changes: list[Op]
    ctx: PlanContext
    manifests: list[Manifest]
    options: PlanOptions
    touched: set[Address]
    notes: list[Note]
    # Live records made while the account was read (Ahead): address -> (the live object and the
    # desired object they were made for, the record); finish uses one only for that very pair.
    records: dict[Address, tuple[LiveObject, DesiredObject, LiveRecord]] = field(default_factory=dict)


@dataclass
class _Builder:
    """Numbers operations in their final order, and remembers which create makes which
    address, so that children and status targets reference it."""

    ops: list[Op] = field(default_factory=list)
    made_by: dict[Address, str] = field(default_factory=dict)

    def next_id(self) -> str:
        return f"{len(self.ops) + 1:04d}"

    def add(self, op: Op) -> None:
        self.ops.append(op)
        if op.creates:
            self.made_by[op.address] = op.id

    def ref(self, address: Address, live_id: str | None) -> Ref:
        made = self.made_by.get(address)
        if made is not None:
            return Ref(created_by=made)
        if live_id is None:
            raise AssertionError(f"{address}: neither live nor created by this plan")
        return Ref(live_id=live_id)


def draft(
    manifests: list[Manifest],
    live: LiveAccount,
    options: PlanOptions,
    prepared: Desired | None = None,
    ahead: Ahead | None = None,
) -> Draft:
    """The operations before guardrails; ``prepared`` is ``prepare(manifests)`` if the caller built
    it beforehand (it is built here when it was built from other manifests), ``ahead`` the
    comparisons made while the account was read (any it lacks are made here)."""
    desired = prepared if prepared is not None and prepared.fits(manifests) else prepare(manifests)
    matching = match(manifests, live, desired.objects)
    by_addr = {d.address: d for d in matching.desired}
    touched: set[Address] = set()
    records: dict[Address, tuple[LiveObject, DesiredObject, LiveRecord]] = {}
    notes: list[Note] = []
    new: set[Address] = set()  # created (or re-created) in this plan
    replaced: set[Address] = set()
    b = _Builder()
    # Status changes, by advertiser, kind and status: (address, live id; None when this plan creates it).
    status: dict[tuple[str, Kind, Status], list[tuple[Address, str | None]]] = defaultdict(list)

    portfolio_of: dict[str, Ref] = {}

    def cta_ref(d: DesiredObject) -> Ref | None:
        """The portfolio of an ad that asks for a recommended dynamic CTA: reused, or created once
        per advertiser by an operation placed before the first ad that needs it."""
        if not isinstance(d.spec, Ad) or d.spec.cta_portfolio is None:
            return None
        adv = d.address.advertiser_id
        if adv not in portfolio_of:
            choice = options.cta.get(adv)
            if choice is None:
                raise PlanError(
                    f"{d.address}: cta_portfolio: recommended, but TikTok's CTA recommendation was not read",
                    hint="plan through `smartplus plan`, which reads it",
                )
            if choice.existing is not None:
                portfolio_of[adv] = Ref(live_id=choice.existing)
            else:
                op = CreatePortfolio(
                    id=b.next_id(),
                    address=d.address,
                    content=choice.content,
                    reason="a dynamic CTA portfolio from TikTok's recommendation, for the new ads with "
                    "cta_portfolio: recommended (no ad of this advertiser uses one of this content yet)",
                )
                b.add(op)
                portfolio_of[adv] = Ref(created_by=op.id)
        return portfolio_of[adv]

    upload_at: dict[tuple[str, str, str], int] = {}  # (advertiser, kind, md5) -> index in b.ops

    def media_refs(d: DesiredObject, body: dict[str, Any]) -> tuple[tuple[str, Ref], ...]:
        """A new ad's `file:` creatives: each file's upload (one per content and advertiser, placed
        before the first ad that needs it), and the `file` keys taken out of the body."""
        if not isinstance(d.spec, Ad) or not has_files(d.spec):
            return ()
        adv = d.address.advertiser_id
        out: list[tuple[str, Ref]] = []
        for k, cr in enumerate(body.get("creative_list") or []):
            info = cr["creative_info"]
            slots: list[tuple[dict[str, Any], str, str]] = []
            if isinstance(info.get("video_info"), dict):
                slots.append(
                    (info["video_info"], "video_id", f"creative_list.{k}.creative_info.video_info.video_id")
                )
            for n, img in enumerate(info.get("image_info") or []):
                slots.append((img, "web_uri", f"creative_list.{k}.creative_info.image_info.{n}.web_uri"))
            for slot, _id_key, at in slots:
                file = slot.pop("file", None)
                if file is None:
                    continue
                path = shown_path(d.manifest.file, file)
                choice = options.media.get((adv, path))
                if choice is None:
                    raise PlanError(
                        f"{d.address}: the creative file {path} was not read",
                        hint="plan through `smartplus plan`, which reads the files and the account's library",
                    )
                key = (adv, choice.kind, choice.md5)
                if key not in upload_at:
                    op = UploadMedia(
                        id=b.next_id(),
                        address=d.address,
                        media_kind=choice.kind,
                        md5=choice.md5,
                        size=choice.size,
                        paths=(path,),
                        reason=f"{choice.kind} {path}, {choice.size:,} bytes: no {choice.kind} of this "
                        f"content (MD5 {choice.md5}) in the account",
                    )
                    upload_at[key] = len(b.ops)
                    b.add(op)
                i = upload_at[key]
                up = b.ops[i]
                assert isinstance(up, UploadMedia)
                used_by = tuple(dict.fromkeys((*up.used_by, str(d.address))))
                paths = tuple(dict.fromkeys((*up.paths, path)))
                b.ops[i] = replace(
                    up,
                    paths=paths,
                    used_by=used_by,
                    notes=(
                        *(f"same content: {p}" for p in paths[1:]),
                        *(f"used by {a}" for a in used_by),
                    ),
                )
                out.append((at, Ref(created_by=up.id)))
        return tuple(out)

    def parent_ref(addr: Address) -> Ref | None:
        parent = addr.parent()
        if parent is None:
            return None
        obj = matching.matched.get(parent)
        return b.ref(parent, obj.id if obj is not None else None)

    # Parents before children: creates, replaces and updates of a level come before the next.
    for d in desired.order:
        addr = d.address
        parent = addr.parent()
        obj = matching.matched.get(addr)
        if parent is not None and parent in new:
            obj = None  # the parent is created anew: so is every child
        want_status = desired_status(d)
        if obj is None:
            new.add(addr)
            cta = cta_ref(d)
            body = create_body(d)
            refs = media_refs(d, body)
            b.add(_create(b.next_id(), d, parent_ref(addr), cta, body=body, media=refs))
            if want_status == "ENABLE":
                status[(addr.advertiser_id, d.kind, "ENABLE")].append((addr, None))
            continue

        if addr in desired.with_files:
            # A live ad whose creative is now a file the account does not hold: a new upload for
            # a live ad's creative is not planned yet (core.media resolved the files it holds).
            raise PlanError(
                f"{d.address}: a creative file of this live ad is not in the account yet; changing a "
                "live ad's creative to a new file is not supported",
                hint="give the new creative to a new ad (a new ad_name)",
            )
        got = ahead.take(d, obj) if ahead is not None else None
        diffs, want = (got[0], got[1]) if got is not None else compare(d, obj)
        if got is not None and got[2] is not None:
            records[addr] = (obj, d, got[2])
        refused = update_refusals(d.kind, diffs, obj.row) if diffs else {}
        immutable = [c for c in diffs if c.path not in UPDATABLE[d.kind] or c.path in refused]
        mutable = [c for c in diffs if c.path in UPDATABLE[d.kind] and c.path not in refused]
        if immutable:
            cannot = [refused[c.path] for c in immutable if c.path in refused]
            fixed = [c.path for c in immutable if c.path not in refused]
            if fixed:
                cannot.insert(0, "the update endpoint cannot change " + ", ".join(fixed))
            touched.add(addr)
            new.add(addr)
            replaced.add(addr)
            allowed = any(addr.matches(p) for p in options.replace)
            b.add(
                Replace(
                    id=b.next_id(),
                    address=addr,
                    live_id=obj.id,
                    parent=parent_ref(addr),
                    body=keep_live_cta(d, create_body(d), obj.row, create=True),
                    fields=tuple(diffs),
                    reason=(
                        "; ".join(cannot)
                        + ": the live object is renamed and disabled (never deleted) and a new one created"
                    ),
                    verdicts=(
                        Verdict(
                            "replace",
                            "block",
                            f"replacing {addr} needs --replace '{addr}'",
                            overridden=allowed,
                        ),
                    ),
                )
            )
            if want_status == "ENABLE":
                status[(addr.advertiser_id, d.kind, "ENABLE")].append((addr, None))
            continue
        if mutable:
            touched.add(addr)
            b.add(
                Update(
                    id=b.next_id(),
                    address=addr,
                    live_id=obj.id,
                    fields=tuple(mutable),
                    body=keep_live_cta(d, {c.path: want[c.path] for c in mutable}, obj.row),
                    reason="live values differ from the manifest",
                )
            )
        # Status is always managed: left out of the manifest it means ENABLE (spec 4.3).
        if obj.status != want_status:
            touched.add(addr)
            status[(addr.advertiser_id, d.kind, want_status)].append((addr, obj.id))

    # Orphans: reported always; disabled (never deleted) under `prune: true`.
    orphans: dict[tuple[str, Kind], list[Target]] = defaultdict(list)
    for addr, obj in sorted(matching.orphans, key=lambda x: x[0].sort_key()):
        campaign = by_addr[addr.campaign_address()].campaign
        if addr.parent() in replaced:
            continue  # the whole old parent is disabled by its replace
        if campaign.prune and obj.status == "ENABLE":
            touched.add(addr)
            orphans[(addr.advertiser_id, obj.kind)].append(Target(addr, Ref(live_id=obj.id)))
            msg = "not in any manifest; disabled because the campaign has prune: true"
        else:
            msg = "not in any manifest" + ("" if campaign.prune else " (set prune: true to disable it)")
        notes.append(Note("orphan", str(addr), obj.id, f"{obj.kind} {msg}"))
    for c in matching.unmanaged:
        notes.append(
            Note("unmanaged", f"campaign[{json.dumps(c.name)}]", c.id, "no manifest names this campaign")
        )
    notes.extend(legacy_steps(live, by_addr, options.now))

    for _key, targets in sorted(orphans.items(), key=lambda kv: (kv[0][0], -_depth(kv[0][1]))):
        for batch in _batches(targets):
            b.add(
                DisableOrphans(
                    id=b.next_id(),
                    address=batch[0].address,
                    batch=tuple(batch),
                    to_status="DISABLE",
                    reason="orphan under prune: true",
                )
            )

    # Disables before enables; enables from the leaves up, so spending starts last.
    def order(key: tuple[str, Kind, Status]) -> tuple[bool, str, int]:
        adv, kind, st = key
        return (st == "ENABLE", adv, -_depth(kind) if st == "ENABLE" else _depth(kind))

    for key in sorted(status, key=order):
        targets = [Target(a, b.ref(a, rid)) for a, rid in sorted(status[key], key=_by_address)]
        st = key[2]
        for batch in _batches(targets):
            why = (
                "enable what this plan created"
                if all(t.ref.created_by for t in batch)
                else f"the manifests want operation_status {st} (left out, it means ENABLE)"
            )
            b.add(
                SetStatus(
                    id=b.next_id(), address=batch[0].address, batch=tuple(batch), to_status=st, reason=why
                )
            )

    notes.extend(cutover(b, matching, live, options.now))

    ops = [_with_targeting_notes(op, by_addr) for op in b.ops]
    spend = SpendModel(matching, live)
    ops = [with_spend(op, delta) if (delta := spend.play(op)) else op for op in ops]
    ctx = PlanContext(
        matching=matching,
        live=live,
        now=options.now,
        desired=by_addr,
        spend_before=spend.before,
        spend_after=spend.total(),
        campaign_spend={
            a: (spend.before_by_campaign.get(a, 0.0), after) for a, after in spend.by_campaign().items()
        },
    )
    return Draft(ops, ctx, manifests, options, touched, notes, records)


def keep_live_cta(
    d: DesiredObject, body: dict[str, Any], row: dict[str, Any], *, create: bool = False
) -> dict[str, Any]:
    """TikTok's ad update replaces ``ad_configuration`` whole: when the manifest leaves
    ``call_to_action_id`` out (a ``cta_portfolio`` ad, or an unmanaged CTA), the live one is sent
    along, so an edit of another ad_configuration field does not drop the ad's dynamic CTA."""
    if d.kind != "ad":
        return body
    live_cta = (row.get("ad_configuration") or {}).get("call_to_action_id")
    if not live_cta:
        return body
    wants_recommended = isinstance(d.spec, Ad) and d.spec.cta_portfolio is not None
    if "ad_configuration" not in body and not (create and wants_recommended):
        return body
    config = dict(body.get("ad_configuration") or {})
    if "call_to_action_id" not in config and "call_to_action_list" not in body:
        config["call_to_action_id"] = live_cta
        return {**body, "ad_configuration": config}
    return body


def _create(
    op_id: str,
    d: DesiredObject,
    parent: Ref | None,
    cta: Ref | None = None,
    *,
    body: dict[str, Any] | None = None,
    media: tuple[tuple[str, Ref], ...] = (),
) -> Op:
    common: dict[str, Any] = {
        "id": op_id,
        "address": d.address,
        "body": create_body(d) if body is None else body,
        "fields": tuple(FieldChange(k, None, v) for k, v in sorted(managed_fields(d).items())),
        "reason": f"no live {d.kind} named {d.address.ad or d.address.adgroup or d.address.campaign!r}",
    }
    if d.kind == "campaign":
        return CreateCampaign(**common)
    assert parent is not None
    if d.kind == "adgroup":
        return CreateAdGroup(**common, parent=parent)
    return CreateAd(**common, parent=parent, cta=cta, media=media)


def finish(d: Draft, guards: Sequence[Guard] = ()) -> Plan:
    """Verdicts of the guardrails on the draft's operations, then the Plan, built once."""
    found: dict[str, list[Verdict]] = {}
    for n, guard in enumerate(guards):
        said = guard(d.changes, d.ctx)
        if n == 0:
            found = said  # the first guard's answer, not copied (50,000 entries at 5x)
            continue
        found = dict(found) if n == 1 else found  # never change a guard's answer in place
        for op_id, vs in said.items():
            found[op_id] = found[op_id] + vs if op_id in found else vs  # (the guard's lists may be shared)
    # Copied only when a rule had a word, in place: a plan of 50,000 changes held both copies.
    ordered = d.changes
    for i, op in enumerate(ordered):
        if got := found.get(op.id):
            ordered[i] = with_verdicts(op, tuple(got))
    del found
    ctx, options, matching = d.ctx, d.options, d.ctx.matching

    live_records: dict[str, LiveRecord] = {}
    orphans = dict(matching.orphans)
    made = d.records
    for addr in sorted(d.touched, key=Address.sort_key):
        obj = matching.matched.get(addr) or orphans.get(addr)
        if obj is not None:
            want = ctx.desired.get(addr)
            pre = made.get(addr)  # made while reading (Ahead), for this very object and manifest
            mine = pre is not None and pre[0] is obj and pre[1] is want
            live_records[addr.key()] = pre[2] if pre is not None and mine else live_record(obj, want)

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
        target=dict(options.target),
        spend_before=ctx.spend_before,
        spend_after=ctx.spend_after,
    )
    plan.seal()
    return plan


def cutover(b: _Builder, matching: Matching, live: LiveAccount, now: datetime) -> list[Note]:
    """``migrate_from``: pause each manual campaign once its upgraded replacement is enabled (the
    last steps of the plan, after every enable), with its manual steps as notes while it runs; and
    the calendar: every enabled manual Web Conversions campaign of a managed advertiser, with the
    days left (by ``now``, the API server's clock) until TikTok stops manual campaign creation."""
    notes: list[Note] = []
    manual = {str(r.get("campaign_id")): r for r in live.manual}
    migrating: dict[str, DesiredObject] = {}
    for d in sorted(matching.desired, key=lambda d: d.address.sort_key()):
        if d.kind != "campaign" or d.campaign.migrate_from is None:
            continue
        mid = d.campaign.migrate_from.campaign_id
        row = manual.get(mid)
        where = f"campaign[{json.dumps(d.address.campaign)}]"
        if row is None or str(row.get("advertiser_id")) != d.address.advertiser_id:
            notes.append(
                Note(
                    "warning",
                    where,
                    mid,
                    f"migrate_from: {mid} is not a manual Web Conversions campaign of advertiser "
                    f"{d.address.advertiser_id} (deleted, or a typo?): nothing to pause",
                )
            )
            continue
        migrating[mid] = d
        if row.get("operation_status") != "ENABLE":
            continue  # cut over (or paused by hand): nothing to do
        name = str(row.get("campaign_name"))
        manual_addr = Address(d.address.advertiser_id, name)
        portfolio = next(
            (
                ad.ad_configuration.call_to_action_id
                for g in d.campaign.adgroups
                for ad in g.ads
                if ad.ad_configuration is not None and ad.ad_configuration.call_to_action_id
            ),
            None,
        )
        for step in migrate.manual_steps(row, live.manual_adgroups, live.manual_ads, cta_portfolio=portfolio):
            notes.append(
                Note("manual_step", f"manual campaign[{json.dumps(name)}]", step.remote_id, step.line())
            )
        if desired_status(d) != "ENABLE":
            notes.append(
                Note(
                    "manual_step",
                    f"manual campaign[{json.dumps(name)}]",
                    mid,
                    f"keeps running: its replacement {where} is disabled in the manifest; the cutover "
                    "pauses it once the replacement is enabled",
                )
            )
            continue
        live_new = matching.matched.get(d.address)
        running = live_new is not None and live_new.status == "ENABLE" and d.address not in b.made_by
        b.add(
            PauseManualCampaign(
                id=b.next_id(),
                address=manual_addr,
                manual_id=mid,
                replacement=b.ref(d.address, live_new.id if live_new is not None else None),
                reason=(
                    f"re-enabled behind the tool's back while its replacement {where} runs"
                    if running
                    else f"cutover: its replacement {where} is enabled first"
                ),
            )
        )
    managed = {d.address.advertiser_id for d in matching.desired}
    left = migrate.days_left(now)
    for row in sorted(live.manual, key=lambda r: str(r.get("campaign_id"))):
        if str(row.get("advertiser_id")) not in managed or row.get("operation_status") != "ENABLE":
            continue
        mid = str(row.get("campaign_id"))
        twin = migrating.get(mid)
        then = (
            f"this plan cuts it over to campaign[{json.dumps(twin.address.campaign)}]"
            if twin is not None and desired_status(twin) == "ENABLE"
            else "`smartplus import` converts it into an upgraded manifest (migrate_from)"
        )
        notes.append(
            Note(
                "warning",
                f"manual campaign[{json.dumps(str(row.get('campaign_name')))}]",
                mid,
                f"manual Web Conversions campaign still enabled: {left} day(s) left until "
                f"{migrate.MANUAL_CREATE_END} (TikTok stops /campaign/create/); {then}",
            )
        )
    return notes


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


def _with_targeting_notes(c: Op, desired: dict[Address, DesiredObject]) -> Op:
    """Under automatic targeting, say which targeting fields are guaranteed controls and
    which are only suggestions (spec 4.4), where a change sets targeting."""
    if c.kind != "adgroup" or not isinstance(c, CreateAdGroup | Update | Replace):
        return c
    if not any(f.path == "targeting_spec" for f in c.fields):
        return c
    d = desired.get(c.address)
    if d is None or not isinstance(d.spec, AdGroup):
        return c
    return replace(c, notes=c.notes + tuple(targeting.explain(d.spec)))


def _by_address(item: tuple[Address, str | None]) -> tuple[tuple[str, str, int, str, int, str], str]:
    return item[0].sort_key(), item[1] or ""


def _depth(kind: Kind) -> int:
    return spec(kind).depth


def _batches(targets: list[Target]) -> Iterable[list[Target]]:
    for i in range(0, len(targets), STATUS_BATCH):
        yield targets[i : i + STATUS_BATCH]
