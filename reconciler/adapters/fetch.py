"""Step 4 (I/O half): read the live account with the fewest calls paging allows.

For each advertiser: every Smart+ campaign (1,000 per page, one call for most
accounts); then the ad groups and ads of the *managed* campaigns only, with
``filtering.campaign_ids`` in chunks of 100 (TikTok's id-filter limit), at the
largest page sizes (1,000 ad groups, 100 ads). All of it runs concurrently
within the client's rate limit. ``core.live`` turns the rows into the account.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel

from reconciler.adapters import manual
from reconciler.adapters.api import TikTokClient
from reconciler.core.addresses import Kind
from reconciler.core.kinds import ID_FILTER_MAX, spec
from reconciler.core.live import LiveAccount, LiveObject, RowPacker
from reconciler.core.manifests import Manifest
from reconciler.core.migrate import is_manual_web
from reconciler.core.resources import TOOL_KEYS, Ad, AdGroup, Campaign

T = TypeVar("T")

# `fields` selection: what the manifest format can manage, plus what identity, guardrails,
# spend and fingerprints need. The same list for plan and apply, so fingerprints compare.
_EXTRA: dict[Kind, tuple[str, ...]] = {
    "campaign": ("campaign_id", "advertiser_id", "create_time", "modify_time", "secondary_status"),
    "adgroup": (
        "adgroup_id",
        "campaign_id",
        "advertiser_id",
        "create_time",
        "modify_time",
        "secondary_status",
    ),
    "ad": (
        "smart_plus_ad_id",
        "adgroup_id",
        "campaign_id",
        "advertiser_id",
        "create_time",
        "modify_time",
        "secondary_status",
    ),
}
_MODEL: dict[Kind, type[BaseModel]] = {"campaign": Campaign, "adgroup": AdGroup, "ad": Ad}


def fields_for(kind: Kind) -> list[str]:
    names = [n for n in _MODEL[kind].model_fields if n not in TOOL_KEYS]
    return sorted(set(names) | set(_EXTRA[kind]) | {"operation_status"})


def chunks(ids: Sequence[str], size: int = ID_FILTER_MAX) -> list[list[str]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


async def read_campaigns(client: TikTokClient, advertiser_id: str) -> list[dict[str, Any]]:
    k = spec("campaign")
    return await client.get_all(
        k.get, {"advertiser_id": advertiser_id, "fields": fields_for("campaign")}, k.page_size
    )


async def read_children(
    client: TikTokClient, kind: Kind, advertiser_id: str, campaign_ids: Sequence[str]
) -> list[dict[str, Any]]:
    return await read_children_each(client, kind, advertiser_id, campaign_ids, list)


async def read_children_each(
    client: TikTokClient,
    kind: Kind,
    advertiser_id: str,
    campaign_ids: Sequence[str],
    each: Callable[[list[dict[str, Any]]], list[T]],
) -> list[T]:
    """The ad groups or ads of these campaigns, each page through ``each`` as it arrives."""
    k = spec(kind)
    parts = await asyncio.gather(
        *(
            client.get_each(
                k.get,
                {
                    "advertiser_id": advertiser_id,
                    "filtering": {"campaign_ids": chunk},
                    "fields": fields_for(kind),
                },
                k.page_size,
                each,
            )
            for chunk in chunks(sorted(campaign_ids))
        )
    )
    return [item for part in parts for item in part]


async def read_by_ids(
    client: TikTokClient, kind: Kind, advertiser_id: str, ids: Iterable[str]
) -> list[dict[str, Any]]:
    """Exactly these objects, in bulk (id filters of up to 100)."""
    k = spec(kind)
    parts = await asyncio.gather(
        *(
            client.get_all(
                k.get,
                {
                    "advertiser_id": advertiser_id,
                    "filtering": {k.id_filter: chunk},
                    "fields": fields_for(kind),
                },
                k.page_size,
            )
            for chunk in chunks(sorted(set(ids)))
        )
    )
    return [row for part in parts for row in part]


Identity = tuple[str, str, str | None]  # (advertiser_id, campaign_name, id pin)


def identities_of(manifests: Iterable[Manifest]) -> set[Identity]:
    return {(m.campaign.advertiser_id, m.campaign.campaign_name, m.campaign.id) for m in manifests}


def managed_campaign_ids(
    idents: set[Identity], advertiser_id: str, campaigns: list[dict[str, Any]]
) -> list[str]:
    names = {name for adv, name, _pin in idents if adv == advertiser_id}
    pins = {pin for adv, _name, pin in idents if adv == advertiser_id and pin}
    return [
        str(c["campaign_id"])
        for c in campaigns
        if c.get("campaign_name") in names or str(c["campaign_id"]) in pins
    ]


LEGACY_FIELDS = [
    "campaign_id",
    "campaign_name",
    "advertiser_id",
    "operation_status",
    "budget",
    "budget_mode",
    "campaign_automation_type",
]
# What the plan needs of manual campaigns too: the calendar, the cutover, its spend and manual steps.
OTHER_FIELDS = [
    *LEGACY_FIELDS,
    "objective_type",
    "is_smart_performance_campaign",
    "budget_optimize_on",
    "virtual_objective_type",
    "special_industries",
]


async def read_other(
    client: TikTokClient, advertiser_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """-> (legacy Smart+ rows, manual Web Conversions rows), from one listing of the manual
    `/campaign/get/` (1,000 a page: one call for most accounts). The upgraded endpoints list
    neither. Legacy campaigns (`campaign_automation_type: SMART_PLUS`) are never changed through
    the API (their endpoints are retired); the plan lists the steps only Ads Manager can do.
    Manual ones are what `migrate_from` cuts over and what the calendar notes list. Unfiltered,
    because one filter cannot ask for both types; the upgraded rows it also lists are dropped."""
    rows = await client.get_all(
        "campaign/get/", {"advertiser_id": advertiser_id, "fields": OTHER_FIELDS}, 1000
    )
    legacy = [
        r
        for r in rows
        if r.get("campaign_automation_type") == "SMART_PLUS" or r.get("is_smart_performance_campaign") is True
    ]
    return legacy, [r for r in rows if is_manual_web(r)]


async def read_legacy(client: TikTokClient, advertiser_id: str) -> list[dict[str, Any]]:
    """Legacy Smart+ campaigns (see ``read_other``)."""
    return (await read_other(client, advertiser_id))[0]


async def fetch_live(client: TikTokClient, manifests: list[Manifest], *, legacy: bool = True) -> LiveAccount:
    return await fetch_for(client, identities_of(manifests), legacy=legacy)


async def fetch_for(
    client: TikTokClient,
    idents: set[Identity],
    *,
    legacy: bool = True,
    manual_children: bool = True,
    seen: Callable[[list[LiveObject]], None] | None = None,
) -> LiveAccount:
    """The account as far as these campaigns need it: every campaign of their advertisers,
    and the ad groups and ads of the campaigns they name. ``manual_children=False`` leaves out
    the ad groups and ads of the manual campaigns, which only a ``migrate_from`` cutover reads
    (two calls per advertiser that has enabled manual campaigns). ``seen`` is given each page
    of live objects as soon as it is packed (``planner.Ahead`` compares them meanwhile)."""
    advertisers = sorted({adv for adv, _name, _pin in idents})
    Rows = list[dict[str, Any]]

    async def others(adv: str) -> tuple[Rows, Rows, manual.ManualRows]:
        old, manual_rows = await read_other(client, adv)
        # The ad groups and ads of the enabled manual campaigns: a cutover's spend and manual steps
        # need them (which campaigns a manifest migrates from is not known before parsing).
        running = [str(r["campaign_id"]) for r in manual_rows if r.get("operation_status") == "ENABLE"]
        if not running or not manual_children:
            return old, manual_rows, manual.ManualRows()
        groups, ads = await asyncio.gather(
            manual.read_children(client, "adgroup", adv, running),
            manual.read_children(client, "ad", adv, running),
        )
        return old, manual_rows, manual.ManualRows([], groups, ads)

    # Each page of ad groups or ads is packed into compact live objects as it comes back
    # (core.live.RowPacker) and dropped, so the raw rows of a large account are never all held at
    # once (issue 15). The account indexes them in the order of old: every advertiser's campaigns,
    # then their ad groups, then their ads.
    packer = RowPacker()
    Objects = list[LiveObject]

    def pack(kind: Kind) -> Callable[[Rows], Objects]:
        def packed(rows: Rows) -> Objects:
            objects = packer.pack_page(kind, rows)
            if seen is not None:
                seen(objects)
            return objects

        return packed

    async def one(adv: str) -> tuple[Objects, Objects, Objects, tuple[Rows, Rows, manual.ManualRows]]:
        if legacy:
            campaigns, other = await asyncio.gather(read_campaigns(client, adv), others(adv))
        else:
            campaigns, other = await read_campaigns(client, adv), ([], [], manual.ManualRows())
        ids = managed_campaign_ids(idents, adv, campaigns)
        packed = pack("campaign")(campaigns)
        del campaigns
        if not ids:
            return packed, [], [], other
        adgroups, ads = await asyncio.gather(
            read_children_each(client, "adgroup", adv, ids, pack("adgroup")),
            read_children_each(client, "ad", adv, ids, pack("ad")),
        )
        return packed, adgroups, ads, other

    results = await asyncio.gather(*(one(a) for a in advertisers))
    account = LiveAccount()
    for objects in [r[0] for r in results] + [r[1] for r in results] + [r[2] for r in results]:
        account.add(objects)
    account.legacy = [r for res in results for r in res[3][0]]
    account.manual = [r for res in results for r in res[3][1]]
    account.manual_adgroups = [r for res in results for r in res[3][2].adgroups]
    account.manual_ads = [r for res in results for r in res[3][2].ads]
    return account
