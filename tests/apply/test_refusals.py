"""apply refuses what was not reviewed, and says why; failures stop and report."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from reconciler import pipeline
from reconciler.cli import main
from reconciler.errors import PlanError

from ..conftest import World
from ..test_pipeline_e2e import set_budget


def applied_world(world: World) -> None:
    """The demo applied, and its learning phase over (so guardrails stay out of the way)."""
    assert world.apply(world.plan(), plan_path=world.tmp / "first.json").ok
    world.advance(8)


def test_expired_plan_is_refused(world: World) -> None:
    plan = world.plan()
    world.advance(1 + 1 / 86400)  # 24 hours and a second later
    with pytest.raises(PlanError, match="expired at 2026-11-30 12:00:00"):
        world.apply(plan)


def test_plan_from_other_manifests_is_refused(world: World) -> None:
    plan = world.plan()
    set_budget(world.manifests, 777)
    with pytest.raises(PlanError, match="not the ones this plan was made from"):
        world.apply(plan)


def test_unknown_format_version_is_refused(world: World) -> None:
    plan = world.plan()
    plan.format_version = 99
    with pytest.raises(PlanError, match="format version 99"):
        world.apply(plan)


def test_stale_plan_names_object_and_field(world: World) -> None:
    applied_world(world)
    set_budget(world.manifests, 650)
    plan = world.plan()
    campaign_id = plan.changes[0].remote_id
    # Behind the tool's back, someone edits the campaign the plan touches.
    world.post("smart_plus/campaign/update/", {"campaign_id": campaign_id, "budget": 800})
    with pytest.raises(PlanError) as info:
        world.apply(plan)
    text = info.value.render()
    assert "stale" in text
    assert f'campaign["Spring Sale US"] ({campaign_id}): budget was 500' in text and "is now 800" in text
    # Nothing was changed by the refused apply.
    assert world.get("smart_plus/campaign/get/")["list"][0]["budget"] == 800


def test_stale_plan_in_a_field_the_manifest_leaves_alone(world: World) -> None:
    """The plan keeps the values of the managed fields only; a change elsewhere in the row still
    makes it stale (the fingerprint covers the whole row), and the refusal says so."""
    applied_world(world)
    set_budget(world.manifests, 650)
    plan = world.plan()
    campaign_id = plan.changes[0].remote_id
    assert "po_number" not in plan.live[plan.changes[0].address.key()].fields
    world.post("smart_plus/campaign/update/", {"campaign_id": campaign_id, "po_number": "PO-42"})
    with pytest.raises(PlanError) as info:
        world.apply(plan)
    text = info.value.render()
    assert "stale" in text and f"({campaign_id}): changed in a field the manifest does not manage" in text
    assert world.get("smart_plus/campaign/get/")["list"][0]["budget"] == 500  # nothing applied


def test_blocked_plan_is_refused(world: World) -> None:
    applied_world(world)
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(
        values.read_text().replace('start_time: "2027-12-01 00:00:00"', 'start_time: "2027-12-01 00:00:00"')
    )
    plan = world.plan()
    # A replace is blocked unless --replace: make one by changing an immutable field.
    template = world.manifests / "spring-sale.yaml.j2"
    template.write_text(
        template.read_text().replace("optimization_event: SHOPPING", "optimization_event: ON_WEB_CART")
    )
    plan = world.plan()
    assert plan.blocked and {c.action for c in plan.blocked} == {"replace"}
    with pytest.raises(PlanError, match="blocked"):
        world.apply(plan)


def test_cli_exit_codes_for_refusals(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    conn = ["--emulator", "--emulator-db", str(tmp_path / "emu.db")]
    plan_file = tmp_path / "plan.json"
    r = runner.invoke(main, ["plan", str(world.manifests), *conn, "-o", str(plan_file)])
    assert r.exit_code == 0, r.output
    set_budget(world.manifests, 701)
    r = runner.invoke(main, ["apply", str(plan_file), *conn, "--log", str(tmp_path / "log.jsonl")])
    assert r.exit_code == 1
    assert "not the ones this plan was made from" in r.output
    assert "Traceback" not in r.output
    # A file that is not a plan.
    (tmp_path / "junk.json").write_text("{}")
    r = runner.invoke(main, ["apply", str(tmp_path / "junk.json"), *conn, "--log", ""])
    assert r.exit_code == 1 and "not a smartplus plan" in r.output


def test_first_non_retryable_error_stops_and_reports(world: World) -> None:
    applied_world(world)
    set_budget(world.manifests, 650)
    plan = world.plan()
    # Make the update invalid for TikTok (a budget below the minimum), as a hand-edited plan would.
    bad = replace(plan.changes[0], body={"budget": 1})
    plan.changes[0] = bad
    plan.seal()  # a consistent plan (hash included) whose update TikTok refuses
    result = world.apply(plan)
    assert not result.ok
    assert [cid for cid, _ in result.failed] == ["0001"]
    assert "40002" in result.failed[0][1]


def test_partial_status_failure_names_the_ids(world: World) -> None:
    applied_world(world)
    template = world.manifests / "spring-sale.yaml.j2"
    template.write_text(template.read_text().replace("operation_status: ENABLE", "operation_status: DISABLE"))
    plan = world.plan()
    [change] = plan.changes
    assert change.action == "set_status" and change.status == "DISABLE"
    # The campaign disappears before apply (deleted in Ads Manager): TikTok reports it in error_list.
    world.post(
        "smart_plus/campaign/status/update/",
        {"campaign_ids": [change.targets[0].remote_id], "operation_status": "DELETE"},
    )
    plan.live.clear()  # skip the stale check to reach the status call
    plan.seal()
    result = world.apply(plan)
    assert not result.ok
    assert [cid for cid, _ in result.failed] == [change.id]
    assert change.targets[0].remote_id in result.failed[0][1]


def test_journal_with_a_torn_last_line_resumes(world: World) -> None:
    """kill -9 can cut the journal's last line in half: the intact lines still count."""
    plan = world.plan()
    plan_path = world.tmp / "torn.json"
    journal = pipeline.journal_path(plan_path)
    journal.write_text(json.dumps({"event": "open", "plan_id": plan.plan_id}) + '\n{"event": "st')
    assert world.apply(plan, plan_path=plan_path).ok


def test_journal_of_another_plan_is_refused(world: World) -> None:
    plan = world.plan()
    plan_path = world.tmp / "other.json"
    pipeline.journal_path(plan_path).write_text(
        json.dumps({"event": "open", "plan_id": "somethingelse"}) + "\n"
    )
    with pytest.raises(PlanError, match="belongs to another plan"):
        world.apply(plan, plan_path=plan_path)
