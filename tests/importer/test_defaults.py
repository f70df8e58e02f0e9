"""Every entry of core.importer.DEFAULTS is what the emulator (after TikTok's docs) fills in: minimal
objects are created and read back, and each default must be found on them."""

from __future__ import annotations

from typing import Any

from reconciler.core import importer
from reconciler.core.diff import equal

from ..conftest import World
from . import seed


def _get(row: Any, path: str) -> Any:
    for part in path.split("."):
        row = row.get(part) if isinstance(row, dict) else None
    return row


def test_every_default_is_what_tiktok_fills_in(world: World) -> None:
    cbo = seed.campaign(world, "min CBO", budget=100)
    nocbo = seed.campaign(world, "min no CBO", budget_optimize_on=False)
    g_cbo = seed.adgroup(world, cbo, "min")
    lpv = seed.campaign(world, "min LPV", budget=100)
    seed.adgroup(
        world,
        lpv,
        "min LPV",
        optimization_goal="TRAFFIC_LANDING_PAGE_VIEW",
        optimization_event=None,
        pixel_id=None,
        targeting_spec={"location_ids": ["6252001"], "spc_audience_age": "OVER_TWENTY_FIVE"},
    )
    seed.adgroup(world, nocbo, "min", budget_mode="BUDGET_MODE_DYNAMIC_DAILY_BUDGET", budget=50)
    seed.ad(world, g_cbo, "min")
    campaigns = {c["campaign_id"]: c for c in world.get("smart_plus/campaign/get/")["list"]}
    groups = world.get("smart_plus/adgroup/get/")["list"]
    ads = world.get("smart_plus/ad/get/")["list"]
    infos = [c["creative_info"] for a in ads for c in a["creative_list"]]

    rows_of = {
        "campaign": [(c, c) for c in campaigns.values()],
        "adgroup": [(g, campaigns[g["campaign_id"]]) for g in groups],
        "ad": [(a, campaigns[a["campaign_id"]]) for a in ads],
        "creative_info": [(i, {}) for i in infos],
    }
    unseen = []
    for d in importer.DEFAULTS:
        applicable = [row for row, campaign in rows_of[d.scope] if importer._applies(d, row, campaign)]
        if d.value is importer.ANY:
            continue
        if d.path in ("ad_configuration.dark_post_status", "aigc_disclosure_type"):
            continue  # documented defaults (api-behavior.md 3) that the emulator does not echo
        if not any(
            equal(_get(row, d.path), list(d.value) if isinstance(d.value, tuple) else d.value)
            for row in applicable
        ):
            unseen.append((d.scope, d.path, d.value, [_get(r, d.path) for r in applicable]))
    assert unseen == []
