"""Read manual (Manual Campaign Management API) Web Conversions campaigns, ad groups and ads.

I/O edge; ``core.migrate`` converts and judges. Bulk reads only: one ``/campaign/get/`` per
advertiser (filtered to ``campaign_automation_type: MANUAL`` and ``objective_type:
WEB_CONVERSIONS``, 1,000 a page), then ``/adgroup/get/`` and ``/ad/get/`` with ``filtering.campaign_ids``
in chunks of 100, 1,000 a page (reference 7.1; api-behavior.md 1). The filters are documented; the
rows are checked again (``core.migrate.is_manual_web``) in case an API ignores one. Manual rows keep
explicit nulls; no ``fields`` selection is sent, because the manual steps look at fields the
upgraded endpoints do not have.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.adapters.api import TikTokClient
from reconciler.core.kinds import ID_FILTER_MAX
from reconciler.core.migrate import is_manual_web

PAGE_SIZE = 1000  # the manual get endpoints: 1-1000
Rows = list[dict[str, Any]]


def chunks(ids: Sequence[str], size: int = ID_FILTER_MAX) -> list[list[str]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


@dataclass
class ManualRows:
    campaigns: Rows = field(default_factory=list)
    adgroups: Rows = field(default_factory=list)
    ads: Rows = field(default_factory=list)


async def read_campaigns(client: TikTokClient, advertiser_id: str, campaign_ids: Sequence[str] = ()) -> Rows:
    """The advertiser's manual Web Conversions campaigns (or only ``campaign_ids``), deleted ones never."""
    filtering: dict[str, Any] = {"campaign_automation_type": "MANUAL", "objective_type": "WEB_CONVERSIONS"}
    if campaign_ids:
        parts = await asyncio.gather(
            *(
                client.get_all(
                    "campaign/get/",
                    {"advertiser_id": advertiser_id, "filtering": {**filtering, "campaign_ids": chunk}},
                    PAGE_SIZE,
                )
                for chunk in chunks(sorted(set(campaign_ids)))
            )
        )
        rows = [r for part in parts for r in part]
    else:
        rows = await client.get_all(
            "campaign/get/", {"advertiser_id": advertiser_id, "filtering": filtering}, PAGE_SIZE
        )
    return [r for r in rows if is_manual_web(r)]


async def read_children(
    client: TikTokClient, kind: str, advertiser_id: str, campaign_ids: Sequence[str]
) -> Rows:
    """Manual ad groups (``kind`` "adgroup") or ads ("ad") of these manual campaigns."""
    path = f"{kind}/get/"
    parts = await asyncio.gather(
        *(
            client.get_all(
                path, {"advertiser_id": advertiser_id, "filtering": {"campaign_ids": chunk}}, PAGE_SIZE
            )
            for chunk in chunks(sorted(set(campaign_ids)))
        )
    )
    # /adgroup/get/ and /ad/get/ list upgraded objects too (D:1854103649826817): keep the manual ones.
    return [r for part in parts for r in part if r.get("campaign_automation_type", "MANUAL") == "MANUAL"]


async def read_manual(
    client: TikTokClient,
    advertiser_id: str,
    campaign_ids: Sequence[str] = (),
    *,
    children_of: Sequence[str] | None = None,
) -> ManualRows:
    """Manual campaigns, and the ad groups and ads of ``children_of`` (default: all of them)."""
    campaigns = await read_campaigns(client, advertiser_id, campaign_ids)
    ids = [str(c["campaign_id"]) for c in campaigns]
    if children_of is not None:
        ids = [i for i in ids if i in set(children_of)]
    if not ids:
        return ManualRows(campaigns=campaigns)
    adgroups, ads = await asyncio.gather(
        read_children(client, "adgroup", advertiser_id, ids), read_children(client, "ad", advertiser_id, ids)
    )
    return ManualRows(campaigns, adgroups, ads)
