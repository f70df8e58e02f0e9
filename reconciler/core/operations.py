"""Step 6: the plan's changes as typed operations, one class per TikTok mutation.

Pure data. An operation knows its endpoint and the body it sends; a parent (or a
status target) is a ``Ref``: either the live id the plan saw, or the id of the
create operation of the same plan that makes it, so a new ad under a live ad
group, a new ad group under a live campaign and a whole new tree are one case.

Every consumer reads the same operation: apply ``match``es on its type, explain
renders it, drift reports it, the guardrails and the spend model judge it. The
``action`` label is for display and the saved plan's readability; nothing
dispatches on it. ``reason`` and ``notes`` are for display only, never drive apply.

The closed set of types is ``OPERATION_TYPES``; a saved plan naming anything else
(a "delete", say) is refused when it is read (see ``from_json``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

from reconciler.core.addresses import Address, Kind
from reconciler.core.diff import FieldChange
from reconciler.core.kinds import KindSpec, spec
from reconciler.core.media import file_name as media_file_name

Status = Literal["ENABLE", "DISABLE"]
STATUSES: tuple[Status, ...] = ("ENABLE", "DISABLE")


@dataclass(frozen=True)
class Verdict:
    """A guardrail's word on an operation."""

    rule: str
    level: Literal["block", "warn", "ok"]
    message: str
    overridden: bool = False
    numbers: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.level == "block" and not self.overridden

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "overridden": self.overridden,
            "numbers": self.numbers,
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Verdict:
        level = d["level"]
        if level not in ("block", "warn", "ok"):
            raise ValueError(f"unknown verdict level {level!r}")
        return cls(d["rule"], level, d["message"], bool(d.get("overridden")), dict(d.get("numbers", {})))


@dataclass(frozen=True)
class Ref:
    """A parent or a status target: live (its id is known) or made by an earlier create
    of this plan (its id is known once that create has run)."""

    live_id: str | None = None
    created_by: str | None = None  # the op id of the create that makes it

    def __post_init__(self) -> None:
        if (self.live_id is None) == (self.created_by is None):
            raise ValueError("a Ref is either live or created by this plan")

    def to_json(self) -> dict[str, str]:
        return {"live_id": self.live_id} if self.live_id is not None else {"created_by": str(self.created_by)}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Ref:
        live, made = d.get("live_id"), d.get("created_by")
        return cls(live_id=str(live) if live is not None else None, created_by=str(made) if made else None)


@dataclass(frozen=True)
class Target:
    """One object of a (possibly batched) status change."""

    address: Address
    ref: Ref

    @property
    def remote_id(self) -> str | None:
        return self.ref.live_id

    def to_json(self) -> dict[str, Any]:
        return {"address_key": self.address.key(), **self.ref.to_json()}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Target:
        return cls(Address.parse_key(d["address_key"]), Ref.from_json(d))


@dataclass(frozen=True, kw_only=True)
class Operation:
    """What every operation has: where, why (display), what differs, and the verdicts."""

    id: str = ""  # stable within a plan: "0001", ...
    address: Address
    fields: tuple[FieldChange, ...] = ()
    reason: str = ""
    spend_delta: float = 0.0
    verdicts: tuple[Verdict, ...] = ()
    notes: tuple[str, ...] = ()

    action: ClassVar[str]  # the display label
    type_name: ClassVar[str]  # the tag in the saved plan

    @property
    def kind(self) -> Kind:
        return self.address.kind

    @property
    def spec(self) -> KindSpec:
        return spec(self.kind)

    @property
    def remote_id(self) -> str | None:
        """The live object this operation changes, if it changes one."""
        return None

    @property
    def targets(self) -> tuple[Target, ...]:
        return ()

    @property
    def status(self) -> str | None:
        return None

    @property
    def refs(self) -> tuple[Ref, ...]:
        return ()

    @property
    def depends_on(self) -> tuple[str, ...]:
        """Creates of this plan that must finish first: derived from the refs."""
        return tuple(dict.fromkeys(r.created_by for r in self.refs if r.created_by is not None))

    @property
    def blocked(self) -> bool:
        return any(v.blocking for v in self.verdicts)

    @property
    def creates(self) -> bool:
        """Makes a new object whose id later operations may need."""
        return False

    def with_id(self, op_id: str) -> Operation:
        return replace(self, id=op_id)

    # -- saved plan --

    def to_json(self, verdict_index: Callable[[Verdict], int] | None = None) -> dict[str, Any]:
        """The operation as saved. With ``verdict_index``, its verdicts are named by their place
        in the plan's table of verdicts (``plan.Plan.verdict_table``): the ads of one ad group
        share a verdict, written once, not once per ad (about 700 bytes each)."""
        shown = str(self.address)  # once: the key is the advertiser and this (Address.key)
        d: dict[str, Any] = {
            "id": self.id,
            "type": self.type_name,
            "action": self.action,
            "kind": self.kind,
            "address": shown,
            "address_key": f"{self.address.advertiser_id}/{shown}",
        }
        d.update(self._own_json())
        if self.fields:
            d["fields"] = [f.to_json() for f in self.fields]
        d["reason"] = self.reason
        delta = float(round(self.spend_delta, 2))
        d["spend_delta"] = int(delta) if delta.is_integer() else delta  # 0, not 0.0: see plan._hash
        if self.verdicts:
            d["verdicts"] = (
                [v.to_json() for v in self.verdicts]
                if verdict_index is None
                else [verdict_index(v) for v in self.verdicts]
            )
        d["blocked"] = self.blocked
        if self.depends_on:
            d["depends_on"] = list(self.depends_on)
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    def _own_json(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def _common(d: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "id": str(d["id"]),
            "address": Address.parse_key(d["address_key"]),
            "fields": tuple(FieldChange.from_json(f) for f in d.get("fields", [])),
            "reason": str(d.get("reason", "")),
            "spend_delta": float(d.get("spend_delta", 0.0)),
            # Read already (the plan's table of verdicts), or a verdict's own JSON.
            "verdicts": tuple(
                v if isinstance(v, Verdict) else Verdict.from_json(v) for v in d.get("verdicts", [])
            ),
            "notes": tuple(str(n) for n in d.get("notes", [])),
        }


# ---- creates ----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _Create(Operation):
    body: dict[str, Any]  # the create body without advertiser, parent id and request_id
    action: ClassVar[str] = "create"

    @property
    def creates(self) -> bool:
        return True

    @property
    def endpoint(self) -> str:
        return self.spec.create

    @property
    def name(self) -> str:
        return str(self.body[self.spec.name_field])

    def _own_json(self) -> dict[str, Any]:
        return {"body": self.body}


@dataclass(frozen=True, kw_only=True)
class CreateCampaign(_Create):
    type_name: ClassVar[str] = "create_campaign"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CreateCampaign:
        return cls(**cls._common(d), body=dict(d["body"]))


@dataclass(frozen=True, kw_only=True)
class _CreateChild(_Create):
    parent: Ref

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.parent,)

    def _own_json(self) -> dict[str, Any]:
        return {"parent": self.parent.to_json(), "body": self.body}


@dataclass(frozen=True, kw_only=True)
class CreateAdGroup(_CreateChild):
    type_name: ClassVar[str] = "create_adgroup"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CreateAdGroup:
        return cls(**cls._common(d), parent=Ref.from_json(d["parent"]), body=dict(d["body"]))


@dataclass(frozen=True, kw_only=True)
class CreateAd(_CreateChild):
    # The dynamic-CTA portfolio an ad with `cta_portfolio: recommended` uses: apply puts its id in
    # ad_configuration.call_to_action_id (a portfolio the account has, or one this plan creates).
    cta: Ref | None = None
    # The creative files this plan uploads (`file:` in the manifest): where in the body each
    # upload's id goes ("creative_list.0.creative_info.video_info.video_id") and the upload.
    media: tuple[tuple[str, Ref], ...] = ()
    type_name: ClassVar[str] = "create_ad"

    @property
    def refs(self) -> tuple[Ref, ...]:
        own = (self.parent,) if self.cta is None else (self.parent, self.cta)
        return own + tuple(r for _, r in self.media)

    def _own_json(self) -> dict[str, Any]:
        d = super()._own_json()
        if self.cta is not None:
            d["cta"] = self.cta.to_json()
        if self.media:
            d["media"] = [{"at": at, **r.to_json()} for at, r in self.media]
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CreateAd:
        cta = Ref.from_json(d["cta"]) if d.get("cta") else None
        media = tuple((str(m["at"]), Ref.from_json(m)) for m in d.get("media") or [])
        for at, _ in media:
            if not MEDIA_AT.fullmatch(at):
                raise ValueError(f"a creative file's id goes into a video_id or web_uri, not {at!r}")
        return cls(
            **cls._common(d), parent=Ref.from_json(d["parent"]), body=dict(d["body"]), cta=cta, media=media
        )


# Where an upload's id may go in an ad's body: nowhere else (a saved plan is data, not code).
MEDIA_AT = re.compile(
    r"creative_list\.[0-9]+\.creative_info\.(video_info\.video_id|image_info\.[0-9]+\.web_uri)"
)


@dataclass(frozen=True, kw_only=True)
class UploadMedia(Operation):
    """A creative file of the manifests (``file:``) that the account does not hold yet (no file of
    its MD5 ``signature`` in ``/file/video/ad/search/`` or ``/file/image/ad/search/``): one upload
    per distinct content and advertiser, before the ads that use it (their ``media`` Refs). The
    ``file_name`` comes from the content hash, so a retry or a second runner cannot make a second
    copy under another name. Create-only, never deleted. The address is the first ad that uses it
    (a file belongs to the advertiser's library, not to a campaign)."""

    media_kind: Literal["video", "image"]
    md5: str
    size: int
    paths: tuple[str, ...]  # the files (same content) as the manifests name them
    used_by: tuple[str, ...] = ()  # the ads (display)
    action: ClassVar[str] = "upload"
    type_name: ClassVar[str] = "upload_media"

    def __post_init__(self) -> None:
        if self.media_kind not in ("video", "image") or not re.fullmatch(r"[0-9a-f]{32}", self.md5):
            raise ValueError("an upload is a video or an image with the MD5 of its content")
        if not self.paths:
            raise ValueError("an upload names its file")

    @property
    def endpoint(self) -> str:
        return f"file/{self.media_kind}/ad/upload/"

    @property
    def file_name(self) -> str:
        return media_file_name(self.media_kind, self.md5)

    def _own_json(self) -> dict[str, Any]:
        return {
            "endpoint": self.endpoint,
            "media_kind": self.media_kind,
            "md5": self.md5,
            "size": self.size,
            "file_name": self.file_name,
            "paths": list(self.paths),
            "used_by": list(self.used_by),
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> UploadMedia:
        return cls(
            **cls._common(d),
            media_kind=d["media_kind"],
            md5=str(d["md5"]),
            size=int(d["size"]),
            paths=tuple(str(p) for p in d["paths"]),
            used_by=tuple(str(a) for a in d.get("used_by") or []),
        )


@dataclass(frozen=True, kw_only=True)
class CreatePortfolio(Operation):
    """A dynamic-CTA creative portfolio (``/creative/portfolio/create/``, D:1739091950439426) from
    TikTok's recommendation (``/creative/cta/recommend/``, read at plan time), for the new ads that
    ask for one (``cta_portfolio: recommended``). Create-only: never updated, never deleted; the
    plan reuses a portfolio of the same content that the account's ads already use. The address
    is the first ad that needs it (a portfolio belongs to the advertiser, not to a campaign)."""

    content: tuple[dict[str, Any], ...]  # [{asset_content, asset_ids}], as recommended
    action: ClassVar[str] = "create_portfolio"
    type_name: ClassVar[str] = "create_portfolio"
    endpoint: ClassVar[str] = "creative/portfolio/create/"

    def request_body(self) -> dict[str, Any]:
        return {
            "advertiser_id": self.address.advertiser_id,
            "creative_portfolio_type": "CTA",
            "portfolio_content": [dict(c) for c in self.content],
        }

    def _own_json(self) -> dict[str, Any]:
        return {"endpoint": self.endpoint, "content": [dict(c) for c in self.content]}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> CreatePortfolio:
        content = tuple(dict(c) for c in d["content"])
        if not content or any(set(c) != {"asset_content", "asset_ids"} for c in content):
            raise ValueError("a CTA portfolio holds [{asset_content, asset_ids}] items")
        return cls(**cls._common(d), content=content)


Create = CreateCampaign | CreateAdGroup | CreateAd


# ---- in-place changes -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Update(Operation):
    """``smart_plus/<kind>/update/`` with only the fields that differ."""

    live_id: str
    body: dict[str, Any]  # the changed fields, sent whole (TikTok replaces a field whole)
    action: ClassVar[str] = "update"
    type_name: ClassVar[str] = "update"

    @property
    def remote_id(self) -> str:
        return self.live_id

    @property
    def endpoint(self) -> str:
        return self.spec.update

    def _own_json(self) -> dict[str, Any]:
        return {"remote_id": self.live_id, "body": self.body}

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Update:
        return cls(**cls._common(d), live_id=str(d["remote_id"]), body=dict(d["body"]))


@dataclass(frozen=True, kw_only=True)
class Replace(Operation):
    """An immutable field changed: rename the live object to ``<name> (replaced <plan>)``
    and disable it (never delete it), then create the new one. Blocked unless ``--replace``."""

    live_id: str
    parent: Ref | None
    body: dict[str, Any]  # the create body of the new object
    action: ClassVar[str] = "replace"
    type_name: ClassVar[str] = "replace"

    @property
    def remote_id(self) -> str:
        return self.live_id

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.parent,) if self.parent is not None else ()

    @property
    def creates(self) -> bool:
        return True

    @property
    def name(self) -> str:
        return str(self.body[self.spec.name_field])

    def _own_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"remote_id": self.live_id, "body": self.body}
        if self.parent is not None:
            d["parent"] = self.parent.to_json()
        return d

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> Replace:
        parent = Ref.from_json(d["parent"]) if d.get("parent") else None
        return cls(**cls._common(d), live_id=str(d["remote_id"]), parent=parent, body=dict(d["body"]))


# ---- status -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class _StatusBatch(Operation):
    batch: tuple[Target, ...]
    to_status: Status

    def __post_init__(self) -> None:
        if not self.batch:
            raise ValueError("a status operation needs at least one target")
        if any(t.address.kind != self.address.kind for t in self.batch):
            raise ValueError("a status batch is of one kind")

    @property
    def targets(self) -> tuple[Target, ...]:
        return self.batch

    @property
    def status(self) -> str:
        return self.to_status

    @property
    def refs(self) -> tuple[Ref, ...]:
        return tuple(t.ref for t in self.batch)

    @property
    def endpoint(self) -> str:
        return self.spec.status

    def _own_json(self) -> dict[str, Any]:
        return {"status": self.to_status, "targets": [t.to_json() for t in self.batch]}

    @staticmethod
    def _status(d: Mapping[str, Any]) -> Status:
        s = d["status"]
        if s not in STATUSES:
            raise ValueError(f"status {s!r} is not one of {', '.join(STATUSES)} (the plan never deletes)")
        return s  # type: ignore[no-any-return]


@dataclass(frozen=True, kw_only=True)
class SetStatus(_StatusBatch):
    """ENABLE or DISABLE up to 20 objects of one kind in one call."""

    action: ClassVar[str] = "set_status"
    type_name: ClassVar[str] = "set_status"

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> SetStatus:
        return cls(
            **cls._common(d),
            batch=tuple(Target.from_json(t) for t in d["targets"]),
            to_status=cls._status(d),
        )


@dataclass(frozen=True, kw_only=True)
class DisableOrphans(_StatusBatch):
    """Live objects no manifest declares, in a campaign with ``prune: true``: disabled, never deleted."""

    action: ClassVar[str] = "disable"
    type_name: ClassVar[str] = "disable_orphans"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.to_status != "DISABLE" or any(t.ref.live_id is None for t in self.batch):
            raise ValueError("orphans are live objects, and are only disabled")

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> DisableOrphans:
        return cls(
            **cls._common(d),
            batch=tuple(Target.from_json(t) for t in d["targets"]),
            to_status=cls._status(d),
        )


@dataclass(frozen=True, kw_only=True)
class PauseManualCampaign(Operation):
    """The cutover's last step (``migrate_from``): DISABLE a manual (Manual Campaign Management API)
    campaign through the manual ``/campaign/status/update/``, once its upgraded replacement is
    enabled. Apply reads the replacement back first and pauses nothing unless it is ENABLE, so a
    failure in between leaves both campaigns visible and the journal resumes here. The address is
    the manual campaign's (its advertiser and name); it is never a Smart+ object."""

    manual_id: str
    replacement: Ref  # the upgraded campaign: live, or made by this plan's create
    action: ClassVar[str] = "set_status"  # shown as a status change of one campaign
    type_name: ClassVar[str] = "pause_manual_campaign"
    endpoint: ClassVar[str] = "campaign/status/update/"

    @property
    def remote_id(self) -> str:
        return self.manual_id

    @property
    def targets(self) -> tuple[Target, ...]:
        return (Target(self.address, Ref(live_id=self.manual_id)),)

    @property
    def status(self) -> str:
        return "DISABLE"

    @property
    def refs(self) -> tuple[Ref, ...]:
        return (self.replacement,)

    def request_body(self) -> dict[str, Any]:
        return {
            "advertiser_id": self.address.advertiser_id,
            "campaign_ids": [self.manual_id],
            "operation_status": "DISABLE",
        }

    def _own_json(self) -> dict[str, Any]:
        return {
            "status": "DISABLE",
            "endpoint": self.endpoint,
            "manual_id": self.manual_id,
            "replacement": self.replacement.to_json(),
            "targets": [t.to_json() for t in self.targets],
        }

    @classmethod
    def from_json(cls, d: Mapping[str, Any]) -> PauseManualCampaign:
        if d.get("status", "DISABLE") != "DISABLE":
            raise ValueError("a manual campaign is only paused (DISABLE)")
        return cls(
            **cls._common(d), manual_id=str(d["manual_id"]), replacement=Ref.from_json(d["replacement"])
        )


Op = (
    CreateCampaign
    | CreateAdGroup
    | CreateAd
    | Update
    | Replace
    | SetStatus
    | DisableOrphans
    | PauseManualCampaign
    | CreatePortfolio
    | UploadMedia
)

OPERATION_TYPES: dict[str, type[Op]] = {
    t.type_name: t
    for t in (
        CreateCampaign,
        CreateAdGroup,
        CreateAd,
        Update,
        Replace,
        SetStatus,
        DisableOrphans,
        PauseManualCampaign,
        CreatePortfolio,
        UploadMedia,
    )
}


def create_type(kind: Kind) -> type[CreateCampaign] | type[CreateAdGroup] | type[CreateAd]:
    return {"campaign": CreateCampaign, "adgroup": CreateAdGroup, "ad": CreateAd}[kind]


def from_json(d: Mapping[str, Any]) -> Op:
    """One operation of a saved plan; anything outside the closed set is refused."""
    tag = d.get("type")
    cls = OPERATION_TYPES.get(str(tag))
    if cls is None:
        raise ValueError(
            f"operation {d.get('id')!r}: unknown type {tag!r} (smartplus applies only: "
            + ", ".join(OPERATION_TYPES)
            + ")"
        )
    op = cls.from_json(d)
    expected = _CREATE_KIND.get(cls.type_name)
    if expected is not None and op.kind != expected:
        raise ValueError(f"operation {op.id}: a {cls.type_name} at a {op.kind} address")
    return op


_CREATE_KIND: dict[str, Kind] = {
    CreateCampaign.type_name: "campaign",
    CreateAdGroup.type_name: "adgroup",
    CreateAd.type_name: "ad",
}


def with_verdicts(op: Op, verdicts: tuple[Verdict, ...]) -> Op:
    return replace(op, verdicts=op.verdicts + verdicts)


def with_spend(op: Op, delta: float) -> Op:
    return replace(op, spend_delta=delta)
