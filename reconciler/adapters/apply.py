"""Step 7: apply a saved, reviewed plan: exactly that plan, or refuse.

I/O edge. In order:

1. refuse a plan that is of an unknown format, expired, made from other
   manifests, or has blocked changes (``check_plan``);
2. refuse a stale plan: re-read, in bulk by id, exactly the objects the plan
   touches and compare their fingerprints; name every changed field;
3. run the changes: creates, updates and replaces as soon as their parent is
   done (independent branches run concurrently within the rate limit), then
   the status batches in plan order; new ids flow to children;
4. re-read what was touched and compare with the manifests.

A journal beside the plan (``PLAN.json.journal``, JSON Lines, fsynced)
records each change before and after it runs, so that running ``apply
PLAN.json`` again after any interruption continues where it stopped and never
repeats a finished change. Creates carry deterministic ``request_id``s derived
from the plan and the address, and before any retry (and on resume) the object
is looked up by name first, so a create whose answer was lost is adopted, not
duplicated.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from reconciler.adapters import fetch
from reconciler.adapters.api import TikTokClient
from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import diff_fields
from reconciler.core.live import ID_FIELD, NAME_FIELD, DesiredObject, desired_objects, fingerprint
from reconciler.core.manifests import Manifest
from reconciler.core.plan import FORMAT_VERSION, Change, Plan
from reconciler.core.planner import NOT_DIFFED, TIME_FORMAT, managed_fields
from reconciler.errors import ApiError, ApplyError, PlanError, SmartplusError

CREATE_PATH: dict[Kind, str] = {
    "campaign": "smart_plus/campaign/create/",
    "adgroup": "smart_plus/adgroup/create/",
    "ad": "smart_plus/ad/create/",
}
UPDATE_PATH: dict[Kind, str] = {
    "campaign": "smart_plus/campaign/update/",
    "adgroup": "smart_plus/adgroup/update/",
    "ad": "smart_plus/ad/update/",
}
STATUS_PATH: dict[Kind, str] = {
    "campaign": "smart_plus/campaign/status/update/",
    "adgroup": "smart_plus/adgroup/status/update/",
    "ad": "smart_plus/ad/status/update/",
}
STATUS_IDS: dict[Kind, str] = {
    "campaign": "campaign_ids",
    "adgroup": "adgroup_ids",
    "ad": "smart_plus_ad_ids",
}
PARENT_KEY: dict[Kind, str | None] = {"campaign": None, "adgroup": "campaign_id", "ad": "adgroup_id"}
DUPLICATE_REQUEST = 40050
CREATE_ATTEMPTS = 8

Progress = Callable[[str], None]


# ---- refusals ------------------------------------------------------------------------------------


def check_plan(plan: Plan, *, digest: str, now: datetime) -> None:
    if plan.format_version != FORMAT_VERSION:
        raise PlanError(
            f"plan format version {plan.format_version} is not supported (this smartplus reads {FORMAT_VERSION})",
            hint="make the plan again with this version of smartplus",
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
            f"the plan has {len(blocked)} change(s) blocked by guardrails",
            detail="\n".join(
                f"{c.address}: {v.rule}: {v.message}" for c in blocked for v in c.verdicts if v.blocking
            ),
            hint="re-plan with --override RULE[:ADDRESS] if the risk is accepted",
        )


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
        seen = {str(r[ID_FIELD[kind]]): r for r in rows}
        for rid, key in sorted(ids.items(), key=lambda kv: kv[1]):
            rec = plan.live[key]
            addr = str(Address.parse_key(key))
            row = seen.get(rid)
            if row is None:
                problems.append(f"{addr} ({rid}): no longer exists (deleted?)")
                continue
            if fingerprint(row) == rec.fingerprint:
                continue
            now_fields = {k: v for k, v in row.items() if k not in ("secondary_status", "modify_time")}
            changed = sorted(
                k for k in set(now_fields) | set(rec.fields) if now_fields.get(k) != rec.fields.get(k)
            )
            for k in changed:
                problems.append(
                    f"{addr} ({rid}): {k} was {_j(rec.fields.get(k))}, is now {_j(now_fields.get(k))}"
                )
    if problems:
        raise PlanError(
            "the plan is stale: objects it touches changed in the account since it was made",
            detail="\n".join(problems),
            hint="run `smartplus plan -o PLAN.json` again and review the new plan",
        )


def _j(v: Any) -> str:
    return json.dumps(v, sort_keys=True, default=str)


# ---- the journal ---------------------------------------------------------------------------------


class Journal:
    """Append-only JSON Lines beside the plan; every line is fsynced before we go on."""

    def __init__(self, path: Path, plan_id: str) -> None:
        self.path = path
        self.plan_id = plan_id
        self.started: set[str] = set()
        self.done: dict[str, dict[str, Any]] = {}
        self.ids: dict[str, str] = {}  # address key -> remote id of what this plan created
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
                    for k, v in (entry.get("ids") or {}).items():
                        self.ids[k] = v
                elif entry["event"] == "created":
                    self.ids[entry["address_key"]] = entry["remote_id"]
        self._fh = open(path, "a", encoding="utf-8")  # noqa: SIM115 (kept open for the whole apply)
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
        self.ids[address_key] = remote_id
        self._write(
            {"event": "created", "change": change_id, "address_key": address_key, "remote_id": remote_id}
        )

    def finish(self, change_id: str, ids: dict[str, str] | None = None) -> None:
        entry: dict[str, Any] = {"event": "done", "change": change_id}
        if ids:
            entry["ids"] = ids
            self.ids.update(ids)
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
    ids: dict[str, str] = field(default_factory=dict)
    verify_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.not_attempted and not self.verify_problems


def _message(exc: SmartplusError) -> str:
    return exc.summary + (f" ({'; '.join(exc.detail.splitlines())})" if exc.detail else "")


def request_id(plan: Plan, address: Address) -> str:
    """A 64-bit integer as a string, the same for the same plan and address."""
    h = hashlib.sha256(f"{plan.plan_id}:{address.key()}".encode()).digest()
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
        # Remote ids known before applying: what the plan saw live.
        self.ids: dict[str, str] = {k: r.remote_id for k, r in plan.live.items()}
        for c in plan.changes:
            if c.remote_id:
                self.ids[c.address.key()] = c.remote_id
            for t in c.targets:
                if t.remote_id:
                    self.ids[t.address.key()] = t.remote_id
        self.ids.update(journal.ids)

    def _say(self, c: Change, what: str) -> None:
        n = len(self.plan.changes)
        self.progress(f"[{c.id}/{n:04d}] {c.action} {c.address}: {what}")

    async def run(self) -> ApplyResult:
        structural = [c for c in self.plan.changes if c.action in ("create", "update", "replace")]
        statuses = [c for c in self.plan.changes if c.action in ("set_status", "disable")]
        events = {c.id: asyncio.Event() for c in self.plan.changes}

        async def run_one(c: Change) -> None:
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

        await asyncio.gather(*(run_one(c) for c in structural))
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
        self.result.ids = dict(self.ids)
        return self.result

    def _failed_ids(self) -> set[str]:
        return {cid for cid, _ in self.result.failed} | set(self.result.not_attempted)

    async def _execute(self, c: Change) -> None:
        if c.id in self.journal.done:
            self.result.skipped.append(c.id)
            return
        resumed = c.id in self.journal.started
        self.journal.start(c.id)
        if c.action == "create":
            rid = await self._create(c, resumed)
            self.journal.finish(c.id, {c.address.key(): rid})
            self._say(c, f"created {rid}")
        elif c.action == "update":
            body = {"advertiser_id": c.address.advertiser_id, ID_FIELD[c.kind]: self._id(c.address), **c.body}
            await self.client.post(UPDATE_PATH[c.kind], body)
            self.journal.finish(c.id)
            self._say(c, "updated " + ", ".join(f.path for f in c.fields))
        elif c.action == "replace":
            rid = await self._replace(c, resumed)
            self.journal.finish(c.id, {c.address.key(): rid})
            self._say(c, f"replaced by {rid}")
        else:
            await self._set_status(c)
            self.journal.finish(c.id)
            self._say(c, f"{c.status} {len(c.targets)} object(s)")
        self.result.done.append(c.id)

    def _id(self, address: Address) -> str:
        rid = self.ids.get(address.key())
        if rid is None:
            raise ApplyError(f"{address}: no remote id known (its create did not finish)")
        return rid

    # -- create, with lookup before any retry --

    async def _create(self, c: Change, resumed: bool) -> str:
        body = {**c.body, "advertiser_id": c.address.advertiser_id}
        parent_key = PARENT_KEY[c.kind]
        parent_id: str | None = None
        if parent_key is not None and c.parent is not None:
            parent_id = self._id(c.parent)
            body[parent_key] = parent_id
        if c.kind in ("campaign", "adgroup"):
            body["request_id"] = request_id(self.plan, c.address)
        existing = self.journal.ids.get(c.address.key())
        if existing:
            return existing
        if resumed:
            found = await self._lookup(c, parent_id)
            if found is not None:
                self._adopt(c, found)
                return found
        attempt = 0
        while True:
            attempt += 1
            try:
                data = await self.client.post(CREATE_PATH[c.kind], body, retry=False)
                rid = str(data[ID_FIELD[c.kind]])
                self._adopt(c, rid)
                return rid
            except ApiError as exc:
                duplicate = exc.info.code == DUPLICATE_REQUEST
                if not (exc.retryable or duplicate) or attempt >= CREATE_ATTEMPTS:
                    raise
                # The create may have happened (a lost answer): look before trying again.
                found = await self._lookup(c, parent_id)
                if found is not None:
                    self._adopt(c, found)
                    return found
                if duplicate:
                    raise ApplyError(
                        f"{c.address}: TikTok says the create request was already used, but no such object exists",
                        detail=exc.summary,
                    ) from exc
                self.client.stats.retries += 1
                await self.client.sleep(self.client.backoff(attempt))

    def _adopt(self, c: Change, rid: str) -> None:
        self.ids[c.address.key()] = rid
        self.journal.created(c.id, c.address.key(), rid)

    async def _lookup(self, c: Change, parent_id: str | None) -> str | None:
        name = c.body[NAME_FIELD[c.kind]]
        adv = c.address.advertiser_id
        params: dict[str, Any] = {"advertiser_id": adv}
        if c.kind == "campaign":
            params["filtering"] = {"campaign_name": name}
        elif c.kind == "adgroup":
            params["filtering"] = {"campaign_ids": [parent_id], "adgroup_name": name}
        else:
            params["filtering"] = {"adgroup_ids": [parent_id]}
        rows = await self.client.get_all(fetch.ENDPOINT[c.kind], params, fetch.PAGE_SIZE[c.kind])
        hits = [r for r in rows if r.get(NAME_FIELD[c.kind]) == name]
        if c.kind == "campaign" and c.action == "replace" and c.remote_id:
            hits = [r for r in hits if str(r["campaign_id"]) != c.remote_id]
        if len(hits) > 1:
            ids = ", ".join(sorted(str(r[ID_FIELD[c.kind]]) for r in hits))
            raise ApplyError(f"{c.address}: {len(hits)} live {c.kind}s are named {name!r} ({ids})")
        return str(hits[0][ID_FIELD[c.kind]]) if hits else None

    async def _replace(self, c: Change, resumed: bool) -> str:
        """Rename and disable the old object (never delete it), then create the new one."""
        assert c.remote_id is not None
        old_name = f"{c.body[NAME_FIELD[c.kind]]} (replaced {self.plan.plan_id[:8]})"[:512]
        await self.client.post(
            UPDATE_PATH[c.kind],
            {
                "advertiser_id": c.address.advertiser_id,
                ID_FIELD[c.kind]: c.remote_id,
                NAME_FIELD[c.kind]: old_name,
            },
        )
        await self._status_call(c.kind, c.address.advertiser_id, [c.remote_id], "DISABLE")
        return await self._create(c, resumed=True)

    async def _set_status(self, c: Change) -> None:
        ids = [self._id(t.address) for t in c.targets]
        assert c.status is not None
        await self._status_call(c.kind, c.address.advertiser_id, ids, c.status)

    async def _status_call(self, kind: Kind, advertiser_id: str, ids: list[str], status: str) -> None:
        data = await self.client.post(
            STATUS_PATH[kind],
            {"advertiser_id": advertiser_id, STATUS_IDS[kind]: ids, "operation_status": status},
        )
        errors = data.get("error_list") or []
        if errors:
            detail = "\n".join(
                f"{e.get(ID_FIELD[kind]) or e.get('campaign_id') or e.get('adgroup_id')}: {e.get('error_message')}"
                for e in errors
            )
            raise ApplyError(f"{status} failed for {len(errors)} of {len(ids)} {kind}(s)", detail=detail)


# ---- verification --------------------------------------------------------------------------------


async def verify(
    client: TikTokClient, plan: Plan, manifests: Sequence[Manifest], ids: dict[str, str]
) -> list[str]:
    """Re-read what the plan touched; anything that still differs from the manifests is a problem."""
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
        seen = {str(r[ID_FIELD[kind]]): r for r in rows}
        for rid, key in sorted(m.items(), key=lambda kv: kv[1]):
            d = desired[key]
            row = seen.get(rid)
            if row is None:
                problems.append(f"{d.address} ({rid}): not found after apply")
                continue
            problems.extend(_verify_one(d, rid, row, plan))
    return problems


def _verify_one(d: DesiredObject, rid: str, row: dict[str, Any], plan: Plan) -> list[str]:
    want = {k: v for k, v in managed_fields(d).items() if k not in NOT_DIFFED}
    out = [
        f"{d.address} ({rid}): {f.path} is {_j(f.before)}, the manifest says {_j(f.after)}"
        for f in diff_fields(want, row)
    ]
    created = any(c.address == d.address and c.action in ("create", "replace") for c in plan.changes)
    status = d.spec.operation_status or ("ENABLE" if created else None)
    if status is not None and row.get("operation_status") != status:
        out.append(
            f"{d.address} ({rid}): operation_status is {row.get('operation_status')}, should be {status}"
        )
    return out


async def apply_plan(
    client: TikTokClient,
    plan: Plan,
    manifests: Sequence[Manifest],
    *,
    journal_path: Path,
    progress: Progress | None = None,
) -> ApplyResult:
    journal = Journal(journal_path, plan.plan_id)
    try:
        skip = set()
        if journal.resuming:
            # Objects an earlier run already changed differ from the plan's fingerprints by design.
            for c in plan.changes:
                if c.id in journal.started or c.id in journal.done:
                    skip.add(c.address.key())
                    skip.update(t.address.key() for t in c.targets)
        await check_stale(client, plan, skip)
        applier = Applier(client, plan, journal, progress)
        result = await applier.run()
        if result.failed:
            return result
        result.verify_problems = await verify(client, plan, manifests, result.ids)
        return result
    finally:
        journal.close()
