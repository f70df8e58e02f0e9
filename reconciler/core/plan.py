"""Step 6: the plan as data. Action, Change, Plan; to_json / from_json.

Pure. A Change is an address, an action from a small closed set, the field
changes (before/after) and the request it will send. ``reason`` is for display
only and never drives apply. The saved plan carries what it was computed
against (manifest digest, live fingerprints of every object it touches) so that
apply can refuse a stale plan; it never holds a token or any secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import FieldChange

FORMAT_VERSION = 1

Action = Literal["create", "update", "set_status", "replace", "disable"]
ACTIONS: tuple[Action, ...] = ("create", "update", "set_status", "replace", "disable")


@dataclass(frozen=True)
class Target:
    """One object of a (possibly batched) status change."""

    address: Address
    remote_id: str | None  # None: created earlier in this plan; apply fills it in


@dataclass(frozen=True)
class Verdict:
    """A guardrail's word on a change."""

    rule: str
    level: Literal["block", "warn", "ok"]
    message: str
    overridden: bool = False
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.level == "block" and not self.overridden


@dataclass(frozen=True)
class Change:
    id: str  # stable within a plan: "0001", ...
    action: Action
    kind: Kind
    address: Address
    remote_id: str | None = None
    parent: Address | None = None
    fields: tuple[FieldChange, ...] = ()
    body: dict[str, Any] = field(default_factory=dict)  # create/update body, without parent ids
    status: str | None = None  # ENABLE/DISABLE for set_status and disable
    targets: tuple[Target, ...] = ()  # set_status/disable: the batch
    reason: str = ""
    spend_delta: float = 0.0
    verdicts: tuple[Verdict, ...] = ()
    depends_on: tuple[str, ...] = ()  # ids of changes that must finish first
    notes: tuple[str, ...] = ()  # for display only (what targeting fields mean, ...); never drives apply

    @property
    def blocked(self) -> bool:
        return any(v.blocking for v in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "id": self.id,
            "action": self.action,
            "kind": self.kind,
            "address": str(self.address),
            "advertiser_id": self.address.advertiser_id,
            "address_key": self.address.key(),
            "remote_id": self.remote_id,
        }
        if self.parent is not None:
            d["parent"] = self.parent.key()
        if self.fields:
            d["fields"] = [f.to_json() for f in self.fields]
        if self.body:
            d["body"] = self.body
        if self.status is not None:
            d["status"] = self.status
        if self.targets:
            d["targets"] = [{"address_key": t.address.key(), "remote_id": t.remote_id} for t in self.targets]
        d["reason"] = self.reason
        d["spend_delta"] = round(self.spend_delta, 2)
        if self.verdicts:
            d["verdicts"] = [
                {
                    "rule": v.rule,
                    "level": v.level,
                    "message": v.message,
                    "overridden": v.overridden,
                    "numbers": v.numbers,
                }
                for v in self.verdicts
            ]
        d["blocked"] = self.blocked
        if self.depends_on:
            d["depends_on"] = list(self.depends_on)
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Change:
        return cls(
            id=d["id"],
            action=d["action"],
            kind=d["kind"],
            address=Address.parse_key(d["address_key"]),
            remote_id=d.get("remote_id"),
            parent=Address.parse_key(d["parent"]) if d.get("parent") else None,
            fields=tuple(FieldChange.from_json(f) for f in d.get("fields", [])),
            body=d.get("body", {}),
            status=d.get("status"),
            targets=tuple(
                Target(Address.parse_key(t["address_key"]), t.get("remote_id")) for t in d.get("targets", [])
            ),
            reason=d.get("reason", ""),
            spend_delta=float(d.get("spend_delta", 0.0)),
            verdicts=tuple(
                Verdict(v["rule"], v["level"], v["message"], bool(v.get("overridden")), v.get("numbers", {}))
                for v in d.get("verdicts", [])
            ),
            depends_on=tuple(d.get("depends_on", [])),
            notes=tuple(d.get("notes", [])),
        )


@dataclass(frozen=True)
class LiveRecord:
    """What the plan saw of one object it touches: apply re-reads and compares."""

    kind: Kind
    remote_id: str
    fingerprint: str
    fields: dict[str, Any]


@dataclass(frozen=True)
class Note:
    """Something the plan reports without acting on it (orphans, unmanaged, manual steps)."""

    kind: Literal["orphan", "unmanaged", "manual_step", "warning"]
    address: str
    remote_id: str | None
    message: str


@dataclass
class Plan:
    changes: list[Change]
    manifest_digest: str
    advertiser_ids: list[str]
    created_at: str  # "YYYY-MM-DD HH:MM:SS" UTC
    expires_at: str
    tool_version: str
    live: dict[str, LiveRecord] = field(default_factory=dict)  # address key -> record
    notes: list[Note] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    replace: list[str] = field(default_factory=list)
    inputs: dict[str, Any] = field(default_factory=dict)  # paths, values, sets the plan was made from
    stats: dict[str, Any] = field(default_factory=dict)
    spend_before: float = 0.0
    spend_after: float = 0.0
    plan_id: str = ""
    format_version: int = FORMAT_VERSION

    @property
    def blocked(self) -> list[Change]:
        return [c for c in self.changes if c.blocked]

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {a: 0 for a in ACTIONS}
        for c in self.changes:
            out[c.action] += max(1, len(c.targets)) if c.action in ("set_status", "disable") else 1
        return out

    def summary(self) -> dict[str, Any]:
        return {
            "counts": self.counts(),
            "blocked": len(self.blocked),
            "daily_spend_before": round(self.spend_before, 2),
            "daily_spend_after": round(self.spend_after, 2),
            "orphans": sum(1 for n in self.notes if n.kind == "orphan"),
            "manual_steps": sum(1 for n in self.notes if n.kind == "manual_step"),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "tool_version": self.tool_version,
            "plan_id": self.plan_id,
            "created_at": self.created_at,
            "expires_at": self.expires_at,
            "manifest_digest": self.manifest_digest,
            "advertiser_ids": self.advertiser_ids,
            "inputs": self.inputs,
            "overrides": self.overrides,
            "replace": self.replace,
            "summary": self.summary(),
            "changes": [c.to_json() for c in self.changes],
            "notes": [
                {"kind": n.kind, "address": n.address, "remote_id": n.remote_id, "message": n.message}
                for n in self.notes
            ],
            "live": {
                k: {
                    "kind": r.kind,
                    "remote_id": r.remote_id,
                    "fingerprint": r.fingerprint,
                    "fields": r.fields,
                }
                for k, r in sorted(self.live.items())
            },
            "stats": self.stats,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Plan:
        return cls(
            format_version=int(d["format_version"]),
            tool_version=d.get("tool_version", ""),
            plan_id=d.get("plan_id", ""),
            created_at=d["created_at"],
            expires_at=d["expires_at"],
            manifest_digest=d["manifest_digest"],
            advertiser_ids=list(d.get("advertiser_ids", [])),
            inputs=d.get("inputs", {}),
            overrides=list(d.get("overrides", [])),
            replace=list(d.get("replace", [])),
            changes=[Change.from_json(c) for c in d.get("changes", [])],
            notes=[
                Note(n["kind"], n["address"], n.get("remote_id"), n["message"]) for n in d.get("notes", [])
            ],
            live={
                k: LiveRecord(v["kind"], v["remote_id"], v["fingerprint"], v.get("fields", {}))
                for k, v in d.get("live", {}).items()
            },
            stats=d.get("stats", {}),
            spend_before=float(d.get("summary", {}).get("daily_spend_before", 0.0)),
            spend_after=float(d.get("summary", {}).get("daily_spend_after", 0.0)),
        )
