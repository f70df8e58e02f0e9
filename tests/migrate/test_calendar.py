"""The calendar: doctor and plan count the days left to 2026-12-31 by the API server's clock and
list the advertiser's enabled manual Web Conversions campaigns."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.emulator import create_app

from ..conftest import ADVERTISER, NOW, World

EVERGREEN, RETARGETING = "1870000000000000001", "1870000000000000002"


def doctor(db: str) -> str:
    old = os.environ.get("TIKTOK_ACCESS_TOKEN")
    os.environ["TIKTOK_ACCESS_TOKEN"] = "demo-token"
    try:
        r = CliRunner().invoke(
            main, ["doctor", "--advertiser", ADVERTISER, "--emulator", "--emulator-db", db]
        )
    finally:
        if old is None:
            os.environ.pop("TIKTOK_ACCESS_TOKEN", None)
        else:
            os.environ["TIKTOK_ACCESS_TOKEN"] = old
    assert r.exit_code == 0, r.output
    return r.output


def test_doctor_counts_the_days_by_the_server_clock(tmp_path: Path) -> None:
    db = str(tmp_path / "emu.db")
    world = World(app=create_app(db=db, seed="demo", now=NOW), tmp=tmp_path)  # 2026-11-29 12:00
    out = doctor(db)
    line = next(x for x in out.splitlines() if "manual campaign calendar" in x)
    assert line.startswith("PASS  manual campaign calendar: 2 enabled manual Web Conversions campaign(s)")
    assert "32 day(s) left until 2026-12-31" in line
    assert (
        f'"Manual Evergreen US" ({EVERGREEN})' in line and f'"Manual Retargeting CA" ({RETARGETING})' in line
    )

    world.advance(10)
    world.post("campaign/status/update/", {"campaign_ids": [RETARGETING], "operation_status": "DISABLE"})
    line = next(x for x in doctor(db).splitlines() if "manual campaign calendar" in x)
    assert "1 enabled manual" in line and "22 day(s) left" in line and RETARGETING not in line


def test_plan_lists_the_enabled_manual_campaigns(world: World) -> None:
    plan = world.plan()  # the demo manifests: no migrate_from
    notes = {n.remote_id: n for n in plan.notes if n.kind == "warning" and "day(s) left" in n.message}
    assert sorted(notes) == [EVERGREEN, RETARGETING]
    assert notes[EVERGREEN].address == 'manual campaign["Manual Evergreen US"]'
    assert "32 day(s) left until 2026-12-31" in notes[EVERGREEN].message
    assert "`smartplus import` converts it" in notes[EVERGREEN].message
    assert all(c.kind != "campaign" or "Manual" not in str(c.address) for c in plan.changes)

    world.advance(40)  # past the date: 0 days left, still listed while they run
    late = [n for n in world.plan().notes if n.kind == "warning" and "day(s) left" in n.message]
    assert len(late) == 2 and all("0 day(s) left" in n.message for n in late)
