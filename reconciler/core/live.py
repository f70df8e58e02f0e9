"""Step 4: raw API rows -> the live account, and the identity rule that matches
manifest objects to live ones (spec 4.3).

Pure. There is no state file: a campaign is identified by (advertiser_id,
campaign_name), an ad group by its campaign and ``adgroup_name``, an ad by its
ad group and ``ad_name``; an ``id:`` pin overrides the name. Deleted objects
are never read, so they never match. Two live objects that match one manifest
object is an error naming both ids: guessing would risk editing the wrong one.
"""

from __future__ import annotations

import hashlib
import json
import marshal
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from reconciler.core.addresses import Address, Kind
from reconciler.core.kinds import KindSpec, spec
from reconciler.core.manifests import Manifest, PathT
from reconciler.core.resources import Ad, AdGroup, Campaign
from reconciler.errors import IdentityError

# Fields that change without anybody editing the object (delivery, review, bookkeeping):
# they are never compared and never part of a fingerprint.
VOLATILE = frozenset({"secondary_status", "modify_time", "request_id"})


@dataclass(frozen=True, slots=True)
class LiveObject:
    """One live object, held compactly: a large account holds tens of thousands of them at once
    (issue 15). The row is kept whole (every field the read selected: apply re-reads the objects
    and compares fingerprints of whole rows), as a tuple of values beside a key tuple that the
    rows of one shape share; strings and repeated nested values are shared between objects
    (``RowPacker``)."""

    kind: Kind
    id: str
    name: str
    advertiser_id: str
    parent_id: str | None
    status: str = field(compare=False)
    keys: tuple[str, ...] = field(compare=False, repr=False)
    values: tuple[Any, ...] = field(compare=False, repr=False)

    @property
    def row(self) -> dict[str, Any]:
        """The row as read: a new dict at each call (one C-level zip, about a microsecond). Its
        nested values are shared with other objects' rows: read them, never change them."""
        return dict(zip(self.keys, self.values, strict=True))

    def get(self, key: str, default: Any = None) -> Any:
        """One field of the row, without building the row."""
        try:
            return self.values[self.keys.index(key)]
        except ValueError:
            return default

    def fingerprint(self) -> str:
        return fingerprint(self.row)

    def stable_fields(self) -> dict[str, Any]:
        return {k: v for k, v in sorted(zip(self.keys, self.values, strict=True)) if k not in VOLATILE}


DELETED = frozenset({"STATUS_DELETE", "CAMPAIGN_STATUS_DELETE", "ADGROUP_STATUS_DELETE", "AD_STATUS_DELETE"})


def is_deleted(row: dict[str, Any]) -> bool:
    """TikTok hides deleted objects unless asked for them; if one comes back anyway
    (a filter asking for all statuses), it is still not part of the account."""
    return row.get("operation_status") == "DELETE" or row.get("secondary_status") in DELETED


def fingerprint(row: dict[str, Any]) -> str:
    stable = {k: v for k, v in row.items() if k not in VOLATILE}
    text = json.dumps(stable, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:32]


def make_object(kind: Kind, row: dict[str, Any]) -> LiveObject:
    return RowPacker().pack(kind, row)


# After this many tries, a top-level key whose nested values were shared less than a quarter of
# the time is tried no more: its values are unique (an ad's creatives), and the memo only grows.
_SHARE_TRIES = 64
_NESTED = (dict, list)  # numbers, booleans and null are left as they are: small, common ones shared


class RowPacker:
    """Turns rows into ``LiveObject``s, sharing what repeats between rows: the key tuple of each
    row shape, strings (enums, the advertiser, campaign and ad group ids of child rows, timestamps,
    a dayparting mask), and nested values that are alike (a targeting spec, an ad configuration,
    empty lists). One packer per read of the account; its memos go with it.

    Nested values are matched by their ``marshal`` bytes, not by ``==``: ``{"budget": 500}``
    equals ``{"budget": 500.0}`` and ``True == 1``, but they serialise differently, and
    fingerprints are computed from the serialised row. ``marshal`` keeps JSON's types apart and
    round-trips exactly (equal bytes, equal values), at 2-4 times the speed of ``repr``."""

    def __init__(self) -> None:
        self._shapes: dict[tuple[str, ...], tuple[str, ...]] = {}
        self._strings: dict[str, str] = {}
        self._nested: dict[bytes, Any] = {}
        self._tries: dict[str, list[int]] = {}  # key -> [tries, hits]

    def pack_page(self, kind: Kind, rows: Iterable[dict[str, Any]]) -> list[LiveObject]:
        """The live objects of one page of rows; deleted ones never count (spec 4.3)."""
        k = spec(kind)
        return [self.pack(kind, row, k) for row in rows if not is_deleted(row)]

    def pack(self, kind: Kind, row: dict[str, Any], k: KindSpec | None = None) -> LiveObject:
        k = k or spec(kind)
        keys = tuple(row)
        keys = self._shapes.setdefault(keys, keys)
        strings, nested = self._strings, self._nested_value
        # Inline, not a call per value: this runs for every field of every row of the account.
        values = tuple(
            [
                strings.setdefault(v, v) if type(v) is str else nested(key, v) if type(v) in _NESTED else v
                for key, v in row.items()
            ]
        )
        parent = row.get(k.parent_field) if k.parent_field else None
        return LiveObject(
            kind,
            str(row[k.id_field]),
            str(row.get(k.name_field, "")),
            str(row.get("advertiser_id", "")),
            None if parent is None else str(parent),
            str(row.get("operation_status", "ENABLE")),
            keys,
            values,
        )

    def _nested_value(self, key: str, value: Any) -> Any:
        tries = self._tries.get(key)
        if tries is None:
            tries = self._tries[key] = [0, 0]
        elif tries[0] >= _SHARE_TRIES and tries[1] * 4 < tries[0]:
            return value
        tries[0] += 1
        shared = self._nested.setdefault(marshal.dumps(value), value)
        if shared is not value:
            tries[1] += 1
        return shared


@dataclass
class LiveAccount:
    """Everything read from the account, indexed by id and by parent."""

    campaigns: dict[str, LiveObject] = field(default_factory=dict)
    adgroups: dict[str, LiveObject] = field(default_factory=dict)
    ads: dict[str, LiveObject] = field(default_factory=dict)
    children: dict[str, list[LiveObject]] = field(default_factory=lambda: defaultdict(list))
    legacy: list[dict[str, Any]] = field(default_factory=list)  # legacy Smart+ campaign rows
    # Manual (Manual Campaign Management API) rows: the advertisers' manual campaigns, and the ad
    # groups and ads of those a manifest migrates from (``migrate_from``; core.migrate).
    manual: list[dict[str, Any]] = field(default_factory=list)
    manual_adgroups: list[dict[str, Any]] = field(default_factory=list)
    manual_ads: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_rows(
        cls,
        campaigns: Iterable[dict[str, Any]],
        adgroups: Iterable[dict[str, Any]] = (),
        ads: Iterable[dict[str, Any]] = (),
    ) -> LiveAccount:
        acc = cls()
        packer = RowPacker()
        for kind, rows in (("campaign", campaigns), ("adgroup", adgroups), ("ad", ads)):
            acc.add(packer.pack_page(kind, rows))  # type: ignore[arg-type]
        return acc

    def add(self, objects: Iterable[LiveObject]) -> None:
        """Index live objects (of any kind): by id, and under their parent."""
        index = {"campaign": self.campaigns, "adgroup": self.adgroups, "ad": self.ads}
        for obj in objects:
            index[obj.kind][obj.id] = obj
            if obj.parent_id is not None:
                self.children[obj.parent_id].append(obj)

    def get(self, kind: Kind, remote_id: str) -> LiveObject | None:
        return {"campaign": self.campaigns, "adgroup": self.adgroups, "ad": self.ads}[kind].get(remote_id)

    def campaigns_of(self, advertiser_id: str) -> list[LiveObject]:
        return [c for c in self.campaigns.values() if c.advertiser_id == advertiser_id]


Spec = Campaign | AdGroup | Ad


@dataclass(frozen=True, slots=True)  # slots: one per manifest object, tens of thousands at once
class DesiredObject:
    """One manifest object at its address, with where it was written."""

    address: Address
    kind: Kind
    spec: Spec
    manifest: Manifest
    path: PathT
    campaign: Campaign


@dataclass
class Matching:
    """The result of the identity rule."""

    desired: list[DesiredObject]
    matched: dict[Address, LiveObject]
    orphans: list[tuple[Address, LiveObject]]  # live children of managed objects nobody declares
    unmanaged: list[LiveObject]  # live campaigns no manifest names


def desired_objects(manifests: Iterable[Manifest]) -> list[DesiredObject]:
    out: list[DesiredObject] = []
    for m in manifests:
        c = m.campaign
        ca = Address(c.advertiser_id, c.campaign_name)
        out.append(DesiredObject(ca, "campaign", c, m, (), c))
        for i, g in enumerate(c.adgroups):
            ga = ca.child(g.adgroup_name)
            out.append(DesiredObject(ga, "adgroup", g, m, ("adgroups", i), c))
            for j, ad in enumerate(g.ads):
                out.append(DesiredObject(ga.child(ad.ad_name), "ad", ad, m, ("adgroups", i, "ads", j), c))
    return out


def match(
    manifests: list[Manifest], live: LiveAccount, desired: list[DesiredObject] | None = None
) -> Matching:
    """The identity rule; ``desired`` is ``desired_objects(manifests)`` when the caller has it."""
    desired = desired_objects(manifests) if desired is None else desired
    matched: dict[Address, LiveObject] = {}
    orphans: list[tuple[Address, LiveObject]] = []
    claimed: set[str] = set()
    # An advertiser's campaigns by name, in their order, built when first searched: they are
    # the candidates of every one of its manifest campaigns, and scanning them for each was
    # quadratic (1,000 campaigns: a million name comparisons). A parent's children, a few, are
    # scanned.
    named: dict[str, dict[str, list[LiveObject]]] = {}

    def campaigns_named(adv: str, name: str) -> list[LiveObject]:
        index = named.get(adv)
        if index is None:
            index = named[adv] = {}
            for o in campaigns_of[adv]:
                index.setdefault(o.name, []).append(o)
        return index.get(name, [])

    def pick(d: DesiredObject, candidates: list[LiveObject] | None) -> LiveObject | None:
        """``candidates``: the parent's live children; None for a campaign (its advertiser's)."""
        pin = d.spec.id
        if pin is not None:
            obj = live.get(d.kind, pin)
            if obj is None or (d.kind == "campaign" and obj.advertiser_id != d.address.advertiser_id):
                raise IdentityError(
                    f"{d.address}: pinned id {pin} is not a live {d.kind} of this "
                    + ("advertiser" if d.kind == "campaign" else "parent"),
                    location=d.manifest.locate((*d.path, "id")),
                    hint="remove the id: pin to create the object, or pin an id that exists",
                )
            return obj
        name = d.address.ad or d.address.adgroup or d.address.campaign
        if candidates is None:
            found = [o for o in campaigns_named(d.address.advertiser_id, name) if o.id not in claimed]
        else:
            found = [o for o in candidates if o.name == name and o.id not in claimed]
        if len(found) > 1:
            ids = ", ".join(sorted(o.id for o in found))
            raise IdentityError(
                f"{d.address}: {len(found)} live {d.kind}s are named {name!r} ({ids})",
                location=d.manifest.locate(d.path),
                hint=f"pin the one to manage with `id: <{d.kind} id>` in the manifest",
            )
        return found[0] if found else None

    # Pins first, so a pinned object is never also claimed by name.
    for d in desired:
        if d.spec.id is not None:
            claimed.add(d.spec.id)

    campaigns_of: dict[str, list[LiveObject]] = {}  # per advertiser, listed once (not per campaign)
    for d in desired:
        parent = d.address.parent()
        if parent is None:
            adv = d.address.advertiser_id
            if adv not in campaigns_of:
                campaigns_of[adv] = live.campaigns_of(adv)
            candidates = None
        else:
            parent_live = matched.get(parent)
            if parent_live is None:
                continue  # parent is new: every child is new too
            candidates = live.children.get(parent_live.id, [])
        obj = pick(d, candidates)
        if obj is not None:
            if parent is not None and obj.parent_id != matched[parent].id:
                raise IdentityError(
                    f"{d.address}: pinned id {obj.id} belongs to another parent ({obj.parent_id})",
                    location=d.manifest.locate((*d.path, "id")),
                )
            matched[d.address] = obj
            claimed.add(obj.id)

    managed_ids = {o.id for o in matched.values()}
    addr_by_id = {o.id: a for a, o in matched.items()}
    for d in desired:
        if d.kind == "ad":
            continue
        obj = matched.get(d.address)
        if obj is None:
            continue
        for child in live.children.get(obj.id, []):
            if child.id not in managed_ids:
                orphans.append((addr_by_id[obj.id].child(child.name or child.id), child))
    unmanaged = [
        c
        for adv in sorted({d.address.advertiser_id for d in desired})
        for c in live.campaigns_of(adv)
        if c.id not in managed_ids
    ]
    return Matching(desired=desired, matched=matched, orphans=orphans, unmanaged=unmanaged)
