"""Helpers of the migration tests: manual campaigns made through the emulator's manual API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from reconciler.adapters import importer as reader
from reconciler.commands.import_cmd import render_all
from reconciler.core import importer

from ..conftest import ADVERTISER, NOW, World

NOW_DT = dt.datetime.strptime(NOW, "%Y-%m-%d %H:%M:%S")
PIXEL = "7100000000000000001"
TT_USER = "7200000000000000002"


def make_manual(world: World, name: str = "Manual Probe") -> dict[str, str]:
    """One manual Web Conversions campaign (CBO daily 100), one ad group, one Spark video ad."""
    cid = world.post(
        "campaign/create/",
        {
            "campaign_name": name,
            "objective_type": "WEB_CONVERSIONS",
            "budget_optimize_on": True,
            "budget_mode": "BUDGET_MODE_DAY",
            "budget": 100,
        },
    )["campaign_id"]
    gid = world.post(
        "adgroup/create/",
        {
            "campaign_id": cid,
            "adgroup_name": f"{name} group",
            "promotion_type": "WEBSITE",
            "optimization_goal": "CONVERT",
            "optimization_event": "SHOPPING",
            "pixel_id": PIXEL,
            "billing_event": "OCPM",
            "bid_type": "BID_TYPE_NO_BID",
            "schedule_type": "SCHEDULE_FROM_NOW",
            "schedule_start_time": "2026-12-05 00:00:00",
            "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
            "location_ids": ["6252001"],
            "auto_targeting_enabled": True,
        },
    )["adgroup_id"]
    ad = world.post(
        "ad/create/",
        {
            "adgroup_id": gid,
            "creatives": [
                {
                    "ad_name": f"{name} ad",
                    "ad_format": "SINGLE_VIDEO",
                    "identity_type": "TT_USER",
                    "identity_id": TT_USER,
                    "video_id": "v10000000000000006",
                    "image_ids": ["i10000000000000006"],
                    "ad_text": "A probe",
                    "call_to_action_id": "7400000000000000001",
                    "landing_page_url": "https://shop.example.com/probe",
                }
            ],
        },
    )
    return {"campaign": str(cid), "adgroup": str(gid), "ad": str(ad["ad_ids"][0])}


def set_fields(world: World, kind: str, object_id: str, values: dict[str, Any]) -> None:
    """Set fields on a stored manual row that the manual create endpoints do not take (TikTok
    sets them through Ads Manager or other endpoints); the manual get endpoints return them."""
    store = world.app.state.emulator.store
    row = store.get(f"manual_{kind}", object_id)
    assert row is not None, (kind, object_id)
    row.data.update(values)
    store.save(row)


def import_manual(
    world: World, out: Path, campaign_ids: tuple[str, ...] = (), cta_portfolio: str | None = None
) -> tuple[importer.ImportResult, dict[str, str]]:
    """`smartplus import` as the command does it (read, convert, write): -> result, file texts."""
    rows = world.run(lambda c: reader.read_account(c, ADVERTISER, campaign_ids, legacy=False))
    result = render_all(rows, NOW_DT, cta_portfolio)
    out.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    for name, item in zip(importer.file_names(result.campaigns), result.campaigns, strict=True):
        texts[name] = importer.to_yaml(item)
        (out / name).write_text(texts[name], encoding="utf-8")
    return result, texts
