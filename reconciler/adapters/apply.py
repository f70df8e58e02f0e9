"""Step 7: apply a saved, reviewed plan: exactly that plan, once at a time, or refuse.

I/O edge. In order:

1. refuse a plan that is of an unknown format, was edited after it was made
   (its content hash), was made against another API endpoint, has expired, was
   made from other manifests, or has blocked operations (``check_plan``);
2. lock the advertisers it touches (``lock``): a second apply on this machine is
   refused at once, naming who holds the lock, or waits with ``--lock-timeout``;
3. refuse a stale plan: re-read, in bulk by id, exactly the objects the plan
   touches and compare their fingerprints, naming every changed field; and read
   the children of every live parent the plan creates under, once per parent, so
   that an object that appeared since the plan (another runner's apply) is refused
   as stale, never duplicated;
4. run the operations (a ``match`` on their type): creates, updates and replaces
   as soon as the creates they reference are done (independent branches run
   concurrently within the rate limit), then the status batches in plan order;
   new ids flow to the operations that reference their create;
5. re-read what was touched and compare with the manifests, duplicates included.

A journal beside the plan (``PLAN.json.journal``, JSON Lines, fsynced, 0600)
records each operation before and after it runs, so that running ``apply
PLAN.json`` again after any interruption continues where it stopped and never
repeats a finished operation. Creates carry deterministic ``request_id``s derived
from the plan and the address, and before any retry (and on resume) the object
is looked up by name first, so a create whose answer was lost is adopted, not
duplicated.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import fcntl
import hashlib
import json
import os
import posixpath
import socket
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler.adapters import fetch, files, media
from reconciler.adapters.api import TikTokClient
from reconciler.core import media as core_media
from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import diff_fields
from reconciler.core.kinds import STATUS_BATCH, spec
from reconciler.core.live import DesiredObject, desired_objects, fingerprint
from reconciler.core.manifests import Manifest
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
    Update,
    UploadMedia,
)
from reconciler.core.plan import FORMAT_VERSION, Plan
from reconciler.core.planner import NOT_DIFFED, TIME_FORMAT, desired_status, managed_fields
from reconciler.errors import ApiError, ApplyError, PlanError, SmartplusError

DUPLICATE_REQUEST = 40050
CREATE_ATTEMPTS = 8

Progress = Callable[[str], None]


# ---- refusals ------------------------------------------------------------------------------------


def check_plan(plan: Plan, *, digest: str, now: datetime, target: dict[str, Any]) -> None:
    if plan.format_version != FORMAT_VERSION:
        raise PlanError(
            f"plan format version {plan.format_version} is not supported (this smartplus reads {FORMAT_VERSION})",
            hint="make the plan again with this version of smartplus",
        )
    check_integrity(plan)
    if plan.target != target:
        raise PlanError(
            f"the plan was made against {describe_target(plan.target)}, not {describe_target(target)}",
            hint="apply it with the same connection it was planned with (--emulator / --emulator-db, "
            "TIKTOK_API_BASE_URL), or plan again against this one and review that plan",
        )
    if now.strftime(TIME_FORMAT) >= plan.expires_at:
        raise PlanError(
            f"the plan expired at {plan.expires_at} UTC",
            hint="run `smartplus plan -o PLAN.json` again and review the new plan",
        )
    if plan.manifest_digest != digest:
        raise PlanError(
            "the manifests on disk are not the ones this plan was made from",
            detail=f"plan: {plan.manifest_digest}\ndisk: {digest}",
            hint="run `smartplus plan -o PLAN.json` again on the current manifests and review it",
        )
    blocked = plan.blocked
    if blocked:
        raise PlanError(
            f"the plan has {len(blocked)} operation(s) blocked by guardrails",
            detail="\n".join(
                f"{c.address}: {v.rule}: {v.message}" for c in blocked for v in c.verdicts if v.blocking
            ),
            hint="re-plan with --override RULE[:ADDRESS] if the risk is accepted",
        )


def check_integrity(plan: Plan) -> None:
    """The content hash over everything that drives apply must be the one the plan was sealed
    with: a plan edited after review (a budget, an expiry, a target, an operation) is refused
    before any call. The per-section hashes name what was edited."""
    if (
        plan.content_hash
        and plan.compute_hash() == plan.content_hash
        and plan.plan_id == plan.content_hash[:16]
    ):
        return
    now = plan.section_hashes()
    saved = plan.saved_section_hashes
    edited = sorted(k for k in set(now) | set(saved) if now.get(k) != saved.get(k))
    raise PlanError(
        "the plan file was changed after it was made (its content hash does not match)",
        detail=("edited: " + ", ".join(edited)) if edited and saved else "",
        hint="apply only the plan that was reviewed; run `smartplus plan -o PLAN.json` again if it must change",
    )


def describe_target(target: dict[str, Any]) -> str:
    if "emulator" in target:
        return f"the embedded emulator ({target['emulator']})"
    if "base_url" in target:
        return str(target["base_url"])
    return "an unknown endpoint"


async def check_stale(client: TikTokClient, plan: Plan, skip: set[str]) -> None:
    """Re-read exactly the objects the plan touches (in bulk) and compare fingerprints."""
    wanted: dict[tuple[str, Kind], dict[str, str]] = {}
    for key, rec in plan.live.items():
        if key in skip:
            continue
        adv = Address.parse_key(key).advertiser_id
        wanted.setdefault((adv, rec.kind), {})[rec.remote_id] = key
    if not wanted:
        return
    results = await asyncio.gather(
        *(fetch.read_by_ids(client, kind, adv, ids) for (adv, kind), ids in wanted.items())
    )
    problems: list[str] = []
    for ((_adv, kind), ids), rows in zip(wanted.items(), results, strict=True):
        seen = {str(r[spec(kind).id_field]): r for r in rows}
        for rid, key in sorted(ids.items(), key=lambda kv: kv[1]):
            rec = plan.live[key]
            addr = str(Address.parse_key(key))
            row = seen.get(rid)
            if row is None:
                problems.append(f"{addr} ({rid}): no longer exists (deleted?)")
                continue
            if fingerprint(row) == rec.fingerprint:
                continue
            # The plan kept the values of the fields its manifest manages (and the status); the
            # fingerprint covers the rest of the row too.
            changed = sorted(k for k in rec.fields if row.get(k) != rec.fields.get(k))
            for k in changed:
                problems.append(f"{addr} ({rid}): {k} was {_j(rec.fields.get(k))}, is now {_j(row.get(k))}")
            if not changed:
                problems.append(
                    f"{addr} ({rid}): changed in a field the manifest does not manage (the live "
                    "object's fingerprint differs from the plan's)"
                )
    if problems:
        raise PlanError(
            "the plan is stale: objects it touches changed in the account since it was made",
            detail="\n".join(problems),
            hint="run `smartplus plan -o PLAN.json` again and review the new plan",
        )


async def check_new_names(client: TikTokClient, plan: Plan, skip: set[str]) -> None:
    """Before creating under a live parent, read that parent's children once: an object of a
    name this plan creates that appeared since the plan (another runner applying the same
    change, an edit in Ads Manager) makes the plan stale. Creates the journal says this apply
    already started are resumed by lookup instead (skip)."""
    under: dict[tuple[str, Kind, str | None], dict[str, Op]] = {}
    for op in plan.changes:
        if op.id in skip or not isinstance(op, CreateCampaign | CreateAdGroup | CreateAd):
            continue
        parent = op.parent.live_id if isinstance(op, CreateAdGroup | CreateAd) else None
        if isinstance(op, CreateAdGroup | CreateAd) and parent is None:
            continue  # under a parent this plan creates: nobody else can have children there
        under.setdefault((op.address.advertiser_id, op.kind, parent), {})[op.name] = op
    if not under:
        return

    async def read(adv: str, kind: Kind, parent: str | None) -> list[dict[str, Any]]:
        k = spec(kind)
        params: dict[str, Any] = {"advertiser_id": adv, "fields": [k.id_field, k.name_field]}
        if parent is not None:
            params["filtering"] = {spec("campaign" if kind == "adgroup" else "adgroup").id_filter: [parent]}
        return await client.get_all(k.get, params, k.page_size)

    keys = list(under)
    results = await asyncio.gather(*(read(*key) for key in keys))
    problems: list[str] = []
    for key, rows in zip(keys, results, strict=True):
        k = spec(key[1])
        for row in rows:
            clash = under[key].get(str(row.get(k.name_field)))
            if clash is not None:
                problems.append(
                    f"{clash.address}: a {clash.kind} of that name appeared ({row.get(k.id_field)})"
                )
    if problems:
        raise PlanError(
            "the plan is stale: objects it would create already exist in the account",
            detail="\n".join(sorted(set(problems))),
            hint="another apply (or an edit in Ads Manager) made them since this plan: "
            "run `smartplus plan -o PLAN.json` again and review the new plan",
        )


def _j(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


# ---- once at a time ------------------------------------------------------------------------------


def lock_dir() -> Path:
    """One folder per user and machine: every apply on this machine, whatever folder its
    plan is in, takes its locks there (like Terraform's state lock, for the account)."""
    base = os.environ.get("SMARTPLUS_LOCK_DIR") or os.path.join(
        tempfile.gettempdir(), f"smartplus-locks-{os.getuid()}"
    )
    p = Path(base)
    p.mkdir(mode=0o700, parents=True, exist_ok=True)
    return p


@contextlib.contextmanager
def lock(plan: Plan, *, timeout: float = 0.0, directory: Path | None = None) -> Iterator[None]:
    """Hold an exclusive lock per advertiser (of this API target) for the whole apply. A second
    apply is refused at once, naming the holder, or waits up to ``timeout`` seconds."""
    where = directory or lock_dir()
    target = hashlib.sha256(json.dumps(plan.target, sort_keys=True).encode()).hexdigest()[:12]
    handles: list[Any] = []
    try:
        for adv in sorted(set(plan.advertiser_ids)):
            path = where / f"{target}-{adv}.lock"
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            fh = os.fdopen(fd, "r+", encoding="utf-8")
            deadline = time.monotonic() + max(0.0, timeout)
            while True:
                try:
                    fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        fh.seek(0)
                        holder = fh.read().strip() or "another smartplus apply"
                        fh.close()
                        raise PlanError(
                            f"advertiser {adv} is locked by another apply: {holder}",
                            hint="wait for it to finish, or pass --lock-timeout SECONDS to wait",
                        ) from None
                    time.sleep(0.1)
            fh.seek(0)
            fh.truncate()
            fh.write(
                f"pid {os.getpid()} on {socket.gethostname()}, plan {plan.plan_id}, "
                f"since {datetime.now().strftime(TIME_FORMAT)}\n"
            )
            fh.flush()
            handles.append(fh)
        yield
    finally:
        for fh in handles:
            with contextlib.suppress(OSError):
                fh.seek(0)
                fh.truncate()
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
            fh.close()


# ---- the journal ---------------------------------------------------------------------------------


class Journal:
    """Append-only JSON Lines beside the plan (0600); every line is fsynced before we go on."""

    def __init__(self, path: Path, plan_id: str) -> None:
        self.path = path
        self.plan_id = plan_id
        self.started: set[str] = set()
        self.done: dict[str, dict[str, Any]] = {}
        self.made: dict[str, str] = {}  # op id of a create -> the remote id it made
        if path.exists():
            lines = path.read_text(encoding="utf-8").splitlines()
            for n, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except ValueError:
                    # A last line cut by a crash mid-write: everything before it is intact.
                    if n == len(lines):
                        break
                    raise PlanError(f"journal {path} is corrupt at line {n}") from None
                if entry.get("event") == "open":
                    if entry.get("plan_id") != plan_id:
                        raise PlanError(
                            f"journal {path} belongs to another plan ({entry.get('plan_id')})",
                            hint="move the old journal away, or apply the plan it belongs to",
                        )
                    continue
                cid = entry["change"]
                if entry["event"] == "start":
                    self.started.add(cid)
                elif entry["event"] == "done":
                    self.done[cid] = entry
                    if entry.get("remote_id"):
                        self.made[cid] = str(entry["remote_id"])
                elif entry["event"] == "created":
                    self.made[cid] = str(entry["remote_id"])
        self._fh = files.open_private(path)
        if not self.started and not self.done:
            self._write({"event": "open", "plan_id": plan_id})

    @property
    def resuming(self) -> bool:
        return bool(self.started or self.done)

    def _write(self, entry: dict[str, Any]) -> None:
        self._fh.write(json.dumps(entry, sort_keys=True) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def start(self, change_id: str) -> None:
        self.started.add(change_id)
        self._write({"event": "start", "change": change_id})

    def created(self, change_id: str, address_key: str, remote_id: str) -> None:
        self.made[change_id] = remote_id
        self._write(
            {"event": "created", "change": change_id, "address_key": address_key, "remote_id": remote_id}
        )

    def finish(self, change_id: str, remote_id: str | None = None) -> None:
        entry: dict[str, Any] = {"event": "done", "change": change_id}
        if remote_id:
            entry["remote_id"] = remote_id
            self.made[change_id] = remote_id
        self.done[change_id] = entry
        self._write(entry)

    def close(self) -> None:
        self._fh.close()


# ---- execution -----------------------------------------------------------------------------------


@dataclass
class ApplyResult:
    done: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # finished by an earlier run (journal)
    failed: list[tuple[str, str]] = field(default_factory=list)
    not_attempted: list[str] = field(default_factory=list)
    ids: dict[str, str] = field(default_factory=dict)  # address key -> remote id
    verify_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted and not self.verify_problems


BUDGET_BATCH = "smart_plus/adgroup/budget/update/"
# Polls of a file still processing (full-jitter back-off, capped by the client's backoff_cap).
PROCESSING_ATTEMPTS = 40


def with_media(body: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """An ad's create body with the uploads' ids at their places ("creative_list.0.creative_info.
    video_info.video_id"; the places are checked when the plan is read)."""
    out = copy.deepcopy(body)
    for at, rid in ids.items():
        *path, last = at.split(".")
        node: Any = out
        for step in path:
            node = node[int(step)] if step.isdigit() else node[step]
        node[last] = rid
    return out


def budget_batches(ops: Sequence[Op]) -> list[list[Update]]:
    """Ad group updates that change the budget alone, grouped per advertiser into calls of up to
    20 for `/smart_plus/adgroup/budget/update/` (D:1843314914438466): the plan keeps one operation
    per ad group (each reviewed and judged by the guardrails on its own), and apply sends them in
    as few calls as TikTok allows. A single one goes through the ordinary update."""
    by_adv: dict[str, list[Update]] = {}
    for op in ops:
        if isinstance(op, Update) and op.kind == "adgroup" and set(op.body) == {"budget"}:
            by_adv.setdefault(op.address.advertiser_id, []).append(op)
    out: list[list[Update]] = []
    for _adv, group in sorted(by_adv.items()):
        if len(group) < 2:
            continue
        out.extend(group[i : i + STATUS_BATCH] for i in range(0, len(group), STATUS_BATCH))
    return out


def _message(exc: SmartplusError) -> str:
    return exc.summary + (f" ({'; '.join(exc.detail.splitlines())})" if exc.detail else "")


def request_id(
    plan: Plan,
    op: CreateCampaign | CreateAdGroup | CreateAd | Replace,
    parent_id: str | None = None,
    *,
    generation: str | None = None,
) -> str:
    """A 64-bit integer as a string, from what is created and where (the target, the address, the
    body, the parent's live id, and for a replace the id of the object it replaces), not from the
    plan: so a resumed apply, a retry after a lost answer, a second runner applying a copy of the
    plan and a second plan for the same new object all send the same id, and TikTok lets only
    one of them succeed ("If you retry requests with the same request ID multiple times, then
    only one will succeed", D:1843312852800706). The parent's and the replaced object's ids
    keep a later generation apart: an ad group re-created under a new campaign, or a campaign
    replaced back to an earlier body, is a new request."""
    replaced = op.live_id if isinstance(op, Replace) else None
    key = json.dumps(
        [plan.target, op.address.key(), op.body, parent_id, replaced, generation], sort_keys=True, default=str
    )
    h = hashlib.sha256(key.encode()).digest()
    return str(int.from_bytes(h[:8], "big") & ((1 << 63) - 1))


class Applier:
    def __init__(
        self, client: TikTokClient, plan: Plan, journal: Journal, progress: Progress | None = None
    ) -> None:
        self.client = client
        self.plan = plan
        self.journal = journal
        self.progress = progress or (lambda _msg: None)
        self.result = ApplyResult()
        self.stop = False

    def _say(self, c: Op, what: str) -> None:
        n = len(self.plan.changes)
        self.progress(f"[{c.id}/{n:04d}] {c.action} {c.address}: {what}")

    def resolve(self, ref: Ref) -> str:
        if ref.live_id is not None:
            return ref.live_id
        assert ref.created_by is not None
        rid = self.journal.made.get(ref.created_by)
        if rid is None:
            raise ApplyError(f"operation {ref.created_by} has not created its object (it did not finish)")
        return rid

    async def run(self) -> ApplyResult:
        batches = budget_batches(self.plan.changes)
        batched = {c.id for batch in batches for c in batch}
        structural = [c for c in self.plan.changes if not c.targets and c.id not in batched]
        statuses = [c for c in self.plan.changes if c.targets]
        events = {c.id: asyncio.Event() for c in self.plan.changes}

        async def run_batch(batch: list[Update]) -> None:
            todo = [c for c in batch if c.id not in self.journal.done]
            self.result.skipped.extend(c.id for c in batch if c.id in self.journal.done)
            try:
                if todo and not self.stop:
                    for c in todo:
                        self.journal.start(c.id)
                    adv = todo[0].address.advertiser_id
                    items = [{"adgroup_id": c.live_id, "budget": c.body["budget"]} for c in todo]
                    await self.client.post(BUDGET_BATCH, {"advertiser_id": adv, "budget": items})
                    for c in todo:
                        self.journal.finish(c.id)
                        self.result.done.append(c.id)
                        self._say(c, f"updated budget (one call for {len(todo)} ad group(s))")
                elif todo:
                    self.result.not_attempted.extend(c.id for c in todo)
            except SmartplusError as exc:
                self.stop = True
                for c in todo:
                    self.result.failed.append((c.id, _message(exc)))
                self._say(todo[0], f"FAILED: {_message(exc)}")
            finally:
                for c in batch:
                    events[c.id].set()

        async def run_one(c: Op) -> None:
            for dep in c.depends_on:
                if dep in events:
                    await events[dep].wait()
            if self.stop or any(d in self._failed_ids() for d in c.depends_on):
                self.result.not_attempted.append(c.id)
                events[c.id].set()
                return
            try:
                await self._execute(c)
            except SmartplusError as exc:
                self.stop = True
                self.result.failed.append((c.id, _message(exc)))
                self._say(c, f"FAILED: {_message(exc)}")
            finally:
                events[c.id].set()

        await asyncio.gather(*(run_one(c) for c in structural), *(run_batch(b) for b in batches))
        for c in statuses:
            if self.stop:
                self.result.not_attempted.append(c.id)
                continue
            try:
                await self._execute(c)
            except SmartplusError as exc:
                self.stop = True
                self.result.failed.append((c.id, _message(exc)))
                self._say(c, f"FAILED: {_message(exc)}")
        self.result.ids = self.ids()
        return self.result

    def ids(self) -> dict[str, str]:
        """Address key -> remote id, for everything the plan saw or made."""
        out = {k: r.remote_id for k, r in self.plan.live.items()}
        for c in self.plan.changes:
            if c.remote_id:
                out[c.address.key()] = c.remote_id
            for t in c.targets:
                if t.remote_id:
                    out[t.address.key()] = t.remote_id
            if c.creates and c.id in self.journal.made:
                out[c.address.key()] = self.journal.made[c.id]
        return out

    def _failed_ids(self) -> set[str]:
        return {cid for cid, _ in self.result.failed} | set(self.result.not_attempted)

    async def _execute(self, c: Op) -> None:
        if c.id in self.journal.done:
            self.result.skipped.append(c.id)
            return
        resumed = c.id in self.journal.started
        self.journal.start(c.id)
        adv = c.address.advertiser_id
        match c:
            case CreateCampaign() | CreateAdGroup() | CreateAd():
                rid = await self._create(c, resumed)
                self.journal.finish(c.id, rid)
                self._say(c, f"created {rid}")
            case UploadMedia():
                rid = await self._upload(c, resumed)
                self.journal.finish(c.id, rid)
                self._say(c, f"uploaded {c.media_kind} {rid} ({c.size:,} bytes)")
            case CreatePortfolio():
                data = await self.client.post(c.endpoint, c.request_body(), retry=False)
                rid = str(data["creative_portfolio_id"])
                self.journal.finish(c.id, rid)
                self._say(c, f"created CTA portfolio {rid}")
            case Update(live_id=live_id, body=body):
                await self.client.post(c.endpoint, {"advertiser_id": adv, c.spec.id_field: live_id, **body})
                self.journal.finish(c.id)
                self._say(c, "updated " + ", ".join(f.path for f in c.fields))
            case Replace():
                rid = await self._replace(c, resumed)
                self.journal.finish(c.id, rid)
                self._say(c, f"replaced by {rid}")
            case SetStatus(batch=batch, to_status=status) | DisableOrphans(batch=batch, to_status=status):
                ids = [self.resolve(t.ref) for t in batch]
                await self._status_call(c.kind, adv, ids, status)
                self.journal.finish(c.id)
                self._say(c, f"{status} {len(batch)} object(s)")
            case PauseManualCampaign():
                await self._pause_manual(c)
                self.journal.finish(c.id)
                self._say(c, f"paused manual campaign {c.manual_id}")
        self.result.done.append(c.id)

    # -- create, with lookup before any retry --

    async def _create(self, c: CreateCampaign | CreateAdGroup | CreateAd | Replace, resumed: bool) -> str:
        existing = self.journal.made.get(c.id)
        if existing:
            return existing
        k = c.spec
        body = {**c.body, "advertiser_id": c.address.advertiser_id}
        parent_id: str | None = None
        parent = c.parent if isinstance(c, CreateAdGroup | CreateAd | Replace) else None
        if parent is not None and k.parent_field is not None:
            parent_id = self.resolve(parent)
            body[k.parent_field] = parent_id
        if isinstance(c, CreateAd) and c.cta is not None:
            body["ad_configuration"] = {
                **(body.get("ad_configuration") or {}),
                "call_to_action_id": self.resolve(c.cta),
            }
        if isinstance(c, CreateAd) and c.media:
            body = with_media(body, {at: self.resolve(ref) for at, ref in c.media})
        if c.kind in ("campaign", "adgroup"):
            body["request_id"] = request_id(self.plan, c, parent_id)
        if resumed:
            found = await self._lookup(c, parent_id)
            if found is not None:
                self._adopt(c, found)
                return found
        attempt = 0
        while True:
            attempt += 1
            try:
                data = await self.client.post(k.create, body, retry=False)
                rid = str(data[k.id_field])
                self._adopt(c, rid)
                return rid
            except ApiError as exc:
                duplicate = exc.info.code == DUPLICATE_REQUEST
                if not (exc.retryable or duplicate) or attempt >= CREATE_ATTEMPTS:
                    raise
                # The create may have happened (a lost answer, or another apply): look first.
                found = await self._lookup(c, parent_id)
                if found is not None:
                    if duplicate and attempt == 1 and not resumed:
                        # Our very first try of this request id, TikTok has seen it, and the object
                        # stands: another apply is creating this very object right now. Adopting
                        # it would race that apply's children.
                        raise ApplyError(
                            f"{c.address}: another apply is creating the same object (TikTok already "
                            f"had this create's request_id, and {c.kind} {found} stands)",
                            detail=exc.summary,
                            hint="let the other apply finish, then `smartplus plan` shows what is left",
                        ) from exc
                    self._adopt(c, found)
                    return found
                if duplicate:
                    # No object of that name: an earlier one was made with this very request and
                    # renamed or deleted since (a pinned rename, a replace and back). A new request.
                    body["request_id"] = request_id(self.plan, c, parent_id, generation=self.plan.plan_id)
                    continue
                self.client.stats.retries += 1
                await self.client.sleep(self.client.backoff(attempt))

    # -- creative files --

    async def _upload(self, c: UploadMedia, resumed: bool) -> str:
        """One creative file into the advertiser's library, at most once: the id is journalled as
        soon as TikTok gives it (a crash after that resumes on it), a resumed apply first looks the
        content up by signature, and the file_name comes from the content hash, so a retry or a
        second runner is refused as a duplicate name and then adopts the file found by signature."""
        adv, kind = c.address.advertiser_id, c.media_kind
        made = self.journal.made.get(c.id)
        if made is None and resumed:
            made = (await media.library(self.client, adv, kind)).get(c.md5)
            if made is not None:
                self._adopt(c, made)
        if made is not None:
            await self._processed(c, made)
            return made
        data = media.read_checked(c.paths[0], kind, c.md5)
        fields = {
            "advertiser_id": adv,
            "upload_type": "UPLOAD_BY_FILE",
            "file_name": c.file_name,
            f"{kind}_signature": c.md5,
        }
        files = {f"{kind}_file": (posixpath.basename(c.paths[0]), data)}
        try:
            answer = await self.client.post_multipart(c.endpoint, fields, files)
        except ApiError as exc:
            # TikTok refuses a file_name the advertiser already has; its code and wording are NOT
            # FOUND (the emulator answers 40002 on file_name): a refusal naming file_name is read as
            # "this content is there already" (the name is the content's hash) and looked up.
            if exc.info.code != 40002 or "file_name" not in exc.info.message:
                raise
            found = await self._by_signature(c)
            if found is None:
                raise ApplyError(
                    f"{c.address}: TikTok refused the upload's file_name {c.file_name!r} as taken, but no "
                    f"{kind} of MD5 {c.md5} is in the library",
                    detail=exc.summary,
                ) from exc
            self._adopt(c, found)
            return found
        row = answer[0] if isinstance(answer, list) else answer
        rid = str(row[media.ID_FIELD[kind]])
        self._adopt(c, rid)
        if "signature" not in row:  # the answer holds only the id: still processing
            await self._processed(c, rid)
        return rid

    async def _by_signature(self, c: UploadMedia) -> str | None:
        """The library's file of this content, waiting with back-off: another runner's upload of
        the same name may still be processing (the search lists processed files only)."""
        for attempt in range(1, PROCESSING_ATTEMPTS + 1):
            found = (await media.library(self.client, c.address.advertiser_id, c.media_kind)).get(c.md5)
            if found is not None:
                return found
            await self.client.sleep(self.client.backoff(attempt))
        return None

    async def _processed(self, c: UploadMedia, rid: str) -> None:
        """Wait, with back-off, until the file's info holds more than its id (processing done):
        an ad create with a file still processing is refused."""
        kind = c.media_kind
        for attempt in range(1, PROCESSING_ATTEMPTS + 1):
            data = await self.client.get(
                media.INFO[kind], {"advertiser_id": c.address.advertiser_id, f"{kind}_ids": [rid]}
            )
            rows = [r for r in data.get("list") or [] if str(r.get(media.ID_FIELD[kind])) == rid]
            if rows and "signature" in rows[0]:
                if str(rows[0]["signature"]).lower() != c.md5:
                    raise ApplyError(f"{c.address}: {kind} {rid} does not hold the content of {c.paths[0]}")
                return
            if not rows:
                raise ApplyError(f"{c.address}: {kind} {rid} is not in the advertiser's library")
            await self.client.sleep(self.client.backoff(attempt))
        raise ApplyError(
            f"{c.address}: {kind} {rid} is still processing",
            hint="apply again later: the upload is journalled, it is not uploaded twice",
        )

    def _adopt(self, c: Op, rid: str) -> None:
        self.journal.created(c.id, c.address.key(), rid)

    async def _lookup(
        self, c: CreateCampaign | CreateAdGroup | CreateAd | Replace, parent_id: str | None
    ) -> str | None:
        k = c.spec
        name = c.name
        params: dict[str, Any] = {
            "advertiser_id": c.address.advertiser_id,
            "fields": [k.id_field, k.name_field],
        }
        if c.kind == "campaign":
            params["filtering"] = {"campaign_name": name}
        elif c.kind == "adgroup":
            params["filtering"] = {"campaign_ids": [parent_id], "adgroup_name": name}
        else:
            params["filtering"] = {"adgroup_ids": [parent_id]}
        rows = await self.client.get_all(k.get, params, k.page_size)
        hits = [r for r in rows if r.get(k.name_field) == name]
        if isinstance(c, Replace):
            hits = [r for r in hits if str(r[k.id_field]) != c.live_id]
        if len(hits) > 1:
            ids = ", ".join(sorted(str(r[k.id_field]) for r in hits))
            raise ApplyError(f"{c.address}: {len(hits)} live {c.kind}s are named {name!r} ({ids})")
        return str(hits[0][k.id_field]) if hits else None

    async def _replace(self, c: Replace, resumed: bool) -> str:
        """Rename and disable the old object (never delete it), then create the new one."""
        k = c.spec
        old_name = f"{c.name} (replaced {self.plan.plan_id[:8]})"[:512]
        await self.client.post(
            k.update,
            {"advertiser_id": c.address.advertiser_id, k.id_field: c.live_id, k.name_field: old_name},
        )
        await self._status_call(c.kind, c.address.advertiser_id, [c.live_id], "DISABLE")
        return await self._create(c, resumed=True)

    async def _pause_manual(self, c: PauseManualCampaign) -> None:
        """The cutover's pause: only once the replacement is read back ENABLE, so the manual
        campaign never stops before its upgraded twin runs. A refusal here stops the apply with
        both campaigns visible; `apply` again resumes at this step (the journal)."""
        new_id = self.resolve(c.replacement)
        rows = await fetch.read_by_ids(self.client, "campaign", c.address.advertiser_id, [new_id])
        status = rows[0].get("operation_status") if rows else None
        if status != "ENABLE":
            raise ApplyError(
                f"{c.address}: not paused: its replacement campaign {new_id} is "
                + (f"{status}, not ENABLE" if rows else "not found")
                + "; the manual campaign keeps running",
                hint="enable the replacement (plan and apply again), then the cutover pauses the manual campaign",
            )
        data = await self.client.post(c.endpoint, c.request_body())
        errors = data.get("error_list") or []
        if errors:
            raise ApplyError(
                f"{c.address}: pausing manual campaign {c.manual_id} failed",
                detail="\n".join(str(e.get("error_message")) for e in errors),
            )

    async def _status_call(self, kind: Kind, advertiser_id: str, ids: list[str], status: str) -> None:
        if status not in ("ENABLE", "DISABLE"):
            raise ApplyError(f"refusing operation_status {status!r}: smartplus only enables and disables")
        k = spec(kind)
        data = await self.client.post(
            k.status, {"advertiser_id": advertiser_id, k.status_ids: ids, "operation_status": status}
        )
        errors = data.get("error_list") or []
        if errors:
            detail = "\n".join(
                f"{e.get(k.id_field) or e.get('campaign_id') or e.get('adgroup_id')}: {e.get('error_message')}"
                for e in errors
            )
            raise ApplyError(f"{status} failed for {len(errors)} of {len(ids)} {kind}(s)", detail=detail)


# ---- verification --------------------------------------------------------------------------------


async def verify(
    client: TikTokClient, plan: Plan, manifests: Sequence[Manifest], ids: dict[str, str]
) -> list[str]:
    """Re-read what the plan touched; anything that still differs from the manifests is a
    problem, and so is a second live object of the same name under a parent it touched."""
    desired = {d.address.key(): d for d in desired_objects(manifests)}
    touched: set[str] = set()
    for c in plan.changes:
        touched.add(c.address.key())
        touched.update(t.address.key() for t in c.targets)
    wanted: dict[tuple[str, Kind], dict[str, str]] = {}
    for key in touched:
        if key in ids and key in desired:
            d = desired[key]
            wanted.setdefault((d.address.advertiser_id, d.kind), {})[ids[key]] = key
    results = await asyncio.gather(
        *(fetch.read_by_ids(client, kind, adv, m) for (adv, kind), m in wanted.items())
    )
    problems: list[str] = []
    for ((_adv, kind), m), rows in zip(wanted.items(), results, strict=True):
        seen = {str(r[spec(kind).id_field]): r for r in rows}
        for rid, key in sorted(m.items(), key=lambda kv: kv[1]):
            d = desired[key]
            row = seen.get(rid)
            if row is None:
                problems.append(f"{d.address} ({rid}): not found after apply")
                continue
            problems.extend(_verify_one(d, rid, row))
    problems.extend(await _duplicates(client, plan, ids))
    return problems


def _verify_one(d: DesiredObject, rid: str, row: dict[str, Any]) -> list[str]:
    want = {k: v for k, v in managed_fields(d).items() if k not in NOT_DIFFED}
    out = [
        f"{d.address} ({rid}): {f.path} is {_j(f.before)}, the manifest says {_j(f.after)}"
        for f in diff_fields(want, row)
    ]
    status = desired_status(d)
    if row.get("operation_status") != status:
        out.append(
            f"{d.address} ({rid}): operation_status is {row.get('operation_status')}, should be {status}"
        )
    return out


async def _duplicates(client: TikTokClient, plan: Plan, ids: dict[str, str]) -> list[str]:
    """Names this plan created that stand twice under their parent (a racing apply elsewhere)."""
    parents: dict[tuple[str, Kind, str | None], set[str]] = {}
    for c in plan.changes:
        if not c.creates:
            continue
        parent = c.address.parent()
        pid = ids.get(parent.key()) if parent is not None else None
        if parent is not None and pid is None:
            continue
        name = getattr(c, "name", None)
        if isinstance(name, str):
            parents.setdefault((c.address.advertiser_id, c.kind, pid), set()).add(name)
    out: list[str] = []
    for (adv, kind, pid), names in sorted(
        parents.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
    ):
        k = spec(kind)
        params: dict[str, Any] = {"advertiser_id": adv, "fields": [k.id_field, k.name_field]}
        if pid is not None:
            params["filtering"] = {spec("campaign" if kind == "adgroup" else "adgroup").id_filter: [pid]}
        rows = await client.get_all(k.get, params, k.page_size)
        count: dict[str, list[str]] = {}
        for r in rows:
            n = str(r.get(k.name_field))
            if n in names:
                count.setdefault(n, []).append(str(r.get(k.id_field)))
        for n, found in sorted(count.items()):
            if len(found) > 1:
                out.append(
                    f"{kind} {n!r} stands {len(found)} times ({', '.join(sorted(found))}): a duplicate"
                )
    return out


async def apply_plan(
    client: TikTokClient,
    plan: Plan,
    manifests: Sequence[Manifest],
    *,
    journal_path: Path,
    progress: Progress | None = None,
    media_uses: Sequence[media.MediaUse] = (),
) -> ApplyResult:
    journal = Journal(journal_path, plan.plan_id)
    try:
        skip_live: set[str] = set()
        skip_ops: set[str] = set()
        if journal.resuming:
            # Objects an earlier run already changed differ from the plan's fingerprints by design.
            for c in plan.changes:
                if c.id in journal.started or c.id in journal.done:
                    skip_ops.add(c.id)
                    skip_live.add(c.address.key())
                    skip_live.update(t.address.key() for t in c.targets)
        await check_stale(client, plan, skip_live)
        await check_new_names(client, plan, skip_ops)
        applier = Applier(client, plan, journal, progress)
        result = await applier.run()
        if result.failed:
            return result
        if media_uses:
            # Verify compares ids: every `file:` is now a file of the library (uploaded or found).
            manifests = core_media.resolve(manifests, await media.media_choices(client, media_uses))
        result.verify_problems = await verify(client, plan, manifests, result.ids)
        return result
    finally:
        journal.close()
