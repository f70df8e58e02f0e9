"""Read what ``smartplus import`` converts: upgraded Smart+ campaigns with their ad groups and ads,
and legacy Smart+ campaigns.

I/O edge; ``core.importer`` does the converting. Upgraded objects are read in bulk as ``plan`` reads
them (``adapters.fetch``). Legacy Smart+ campaigns are listed by the manual ``/campaign/get/`` with
``filtering.campaign_automation_type = SMART_PLUS`` (api-behavior.md 6), then read in full with
``/campaign/spc/get/``, which takes at most 100 ``campaign_ids`` and cannot list (same section).
An account or API without the legacy endpoints is not an error: the import says so and goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from reconciler.adapters import fetch
from reconciler.adapters import manual as manual_api
from reconciler.adapters.api import TikTokClient
from reconciler.errors import ApiError, AuthError, SmartplusError

LEGACY_LIST = "campaign/get/"
LEGACY_GET = "campaign/spc/get/"
LEGACY_PAGE_SIZE = 1000  # /campaign/get/: 1-1000 (api-behavior.md 1)


@dataclass
class AccountRows:
    campaigns: list[dict[str, Any]] = field(default_factory=list)
    adgroups: list[dict[str, Any]] = field(default_factory=list)
    ads: list[dict[str, Any]] = field(default_factory=list)
    legacy: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Names of every live upgraded campaign of the advertiser (not only the imported ones), so that a
    # legacy campaign's new name is checked against all of them.
    live_names: set[str] = field(default_factory=set)
    manual: manual_api.ManualRows = field(default_factory=manual_api.ManualRows)  # manual Web Conversions


async def read_legacy(
    client: TikTokClient, advertiser_id: str, campaign_ids: Sequence[str] = ()
) -> tuple[list[dict[str, Any]], list[str]]:
    """-> (legacy Smart+ rows from /campaign/spc/get/, notes)."""
    filtering: dict[str, Any] = {"campaign_automation_type": "SMART_PLUS"}
    if campaign_ids:
        filtering["campaign_ids"] = list(campaign_ids)
    try:
        listed = await client.get_all(
            LEGACY_LIST, {"advertiser_id": advertiser_id, "filtering": filtering}, LEGACY_PAGE_SIZE
        )
    except AuthError:
        raise
    except ApiError as exc:
        return [], [
            f"legacy Smart+ campaigns not read: {LEGACY_LIST} answered {exc.info.code} {exc.info.message}"
        ]
    # The filter is documented; checking the rows too costs nothing if an API ignores it.
    ids = sorted(
        {
            str(r["campaign_id"])
            for r in listed
            if r.get("campaign_automation_type") == "SMART_PLUS"
            or r.get("is_smart_performance_campaign") is True
        }
    )
    if not ids:
        return [], []
    try:
        parts = await asyncio.gather(
            *(
                client.get(LEGACY_GET, {"advertiser_id": advertiser_id, "campaign_ids": chunk})
                for chunk in fetch.chunks(ids)
            )
        )
    except AuthError:
        raise
    except ApiError as exc:
        return [], [
            f"legacy Smart+ campaigns not read: {LEGACY_GET} answered {exc.info.code} {exc.info.message}"
        ]
    return [row for part in parts for row in part.get("list", [])], []


async def read_account(
    client: TikTokClient,
    advertiser_id: str,
    campaign_ids: Sequence[str] = (),
    *,
    legacy: bool = True,
    manual: bool = True,
) -> AccountRows:
    """All of the advertiser's Smart+ campaigns (or exactly ``campaign_ids``), their ad groups and ads,
    and its legacy Smart+ campaigns. An id that is neither is an error naming it."""
    if campaign_ids:
        campaigns = await fetch.read_by_ids(client, "campaign", advertiser_id, campaign_ids)
    else:
        campaigns = await fetch.read_campaigns(client, advertiser_id)
    rows = AccountRows(campaigns=campaigns)
    ids = [str(c["campaign_id"]) for c in campaigns]
    tasks: list[Any] = []
    if ids:
        tasks += [
            fetch.read_children(client, "adgroup", advertiser_id, ids),
            fetch.read_children(client, "ad", advertiser_id, ids),
        ]
    missing = sorted(set(campaign_ids) - set(ids))
    want_legacy = legacy and (not campaign_ids or missing)
    if tasks:
        rows.adgroups, rows.ads = await asyncio.gather(*tasks)
    if want_legacy:
        rows.legacy, rows.notes = await read_legacy(client, advertiser_id, missing if campaign_ids else ())
    if manual and (not campaign_ids or missing):
        # Manual Web Conversions campaigns are converted too (core.migrate), read in bulk.
        try:
            rows.manual = await manual_api.read_manual(client, advertiser_id, missing if campaign_ids else ())
        except AuthError:
            raise
        except ApiError as exc:
            rows.notes.append(
                f"manual campaigns not read: {exc.info.endpoint} answered {exc.info.code} {exc.info.message}"
            )
    rows.live_names = {str(c.get("campaign_name")) for c in campaigns}
    if rows.manual.campaigns and campaign_ids:
        rows.live_names |= {
            str(c.get("campaign_name")) for c in await fetch.read_campaigns(client, advertiser_id)
        }
    if rows.legacy and campaign_ids:
        rows.live_names |= {
            str(c.get("campaign_name")) for c in await fetch.read_campaigns(client, advertiser_id)
        }
    if campaign_ids:
        found = set(ids) | {str(r.get("campaign_id")) for r in rows.legacy + rows.manual.campaigns}
        unknown = sorted(set(campaign_ids) - found)
        if unknown:
            raise SmartplusError(
                f"no live Smart+ campaign {', '.join(unknown)} for advertiser {advertiser_id}",
                hint="check the ids (deleted campaigns are not imported); without --campaign every campaign is",
            )
    return rows
