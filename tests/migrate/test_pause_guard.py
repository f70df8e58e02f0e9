"""Apply pauses a manual campaign only once its replacement reads back ENABLE (the emulator in
process), and a saved plan keeps the pause step as typed data."""

from __future__ import annotations

from reconciler.core import operations
from reconciler.core.plan import Plan

from ..conftest import World
from .helpers import import_manual, make_manual


def manual_status(world: World, campaign_id: str) -> str:
    rows = world.get("campaign/get/", filtering={"campaign_ids": [campaign_id]})["list"]
    return str(rows[0]["operation_status"])


def test_no_pause_unless_the_replacement_is_enabled(world: World) -> None:
    ids = make_manual(world)
    out = world.tmp / "imported"
    import_manual(world, out, (ids["campaign"],))
    assert world.apply(world.plan([str(out)]), [str(out)], plan_path=world.tmp / "first.json").ok
    assert manual_status(world, ids["campaign"]) == "DISABLE"

    # The manual campaign is turned back on; the plan pauses it again, with the live replacement.
    world.post("campaign/status/update/", {"campaign_ids": [ids["campaign"]], "operation_status": "ENABLE"})
    plan = world.plan([str(out)])
    (op,) = plan.changes
    assert isinstance(op, operations.PauseManualCampaign) and op.replacement.live_id is not None
    assert "re-enabled behind the tool's back" in op.reason

    # ...but before apply, someone pauses the replacement: the manual campaign must keep running.
    world.post(
        "smart_plus/campaign/status/update/",
        {"campaign_ids": [op.replacement.live_id], "operation_status": "DISABLE"},
    )
    result = world.apply(plan, [str(out)], plan_path=world.tmp / "second.json")
    assert not result.ok
    ((failed_id, message),) = result.failed
    assert failed_id == op.id
    assert "not paused" in message and "DISABLE, not ENABLE" in message
    assert manual_status(world, ids["campaign"]) == "ENABLE"


def test_saved_plan_round_trip(world: World) -> None:
    ids = make_manual(world)
    out = world.tmp / "imported"
    import_manual(world, out, (ids["campaign"],))
    plan = world.plan([str(out)])
    again = Plan.from_json(plan.to_json())
    assert again.compute_hash() == plan.content_hash
    (pause,) = [c for c in again.changes if isinstance(c, operations.PauseManualCampaign)]
    assert pause.manual_id == ids["campaign"] and pause.replacement.created_by is not None
    assert pause.request_body() == {
        "advertiser_id": pause.address.advertiser_id,
        "campaign_ids": [ids["campaign"]],
        "operation_status": "DISABLE",
    }
