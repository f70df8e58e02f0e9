"""Guardrails end to end: the demo applied on the emulator, its clock moved, the manifests edited.

The planner's "now" is the emulator's clock (see World.client), so moving the clock moves the plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from reconciler.cli import main
from reconciler.core.plan import Plan
from reconciler.emulator import create_app
from reconciler.errors import PlanError

from ..conftest import World
from ..test_pipeline_e2e import set_budget

CAMPAIGN = 'campaign["Spring Sale US"]'


def applied(world: World) -> None:
    assert world.apply(world.plan(), plan_path=world.tmp / "first.json").ok


def verdict(plan: Plan, rule: str) -> Any:
    found = [v for c in plan.changes for v in c.verdicts if v.rule == rule]
    assert len(found) == 1, [c.to_json() for c in plan.changes]
    return found[0]


def live_budget(world: World) -> float:
    return float(world.get("smart_plus/campaign/get/")["list"][0]["budget"])


def test_first_demo_plan_is_not_blocked(world: World) -> None:
    plan = world.plan()
    assert plan.blocked == []
    assert all(v.level == "warn" for c in plan.changes for v in c.verdicts)


def test_budget_cut_in_the_learning_phase_is_blocked(world: World) -> None:
    applied(world)
    world.advance(3)
    set_budget(world.manifests, 400)
    plan = world.plan()
    (change,) = plan.changes
    assert change.action == "update" and change.blocked and plan.blocked == [change]
    v = verdict(plan, "learning-phase")
    assert v.blocking
    assert v.numbers["days_since_launch"] == 3 and v.numbers["limit_days"] == 7
    assert v.numbers["launched_at"] == "2026-11-29 12:00:00"
    assert v.numbers["learning_ends_at"] == "2026-12-06 12:00:00"
    with pytest.raises(PlanError, match="blocked by guardrails"):
        world.apply(plan, plan_path=world.tmp / "cut.json")
    assert live_budget(world) == 500


def test_override_from_the_command_line(world: World) -> None:
    applied(world)
    world.advance(3)
    set_budget(world.manifests, 400)
    plan = world.plan(overrides=["learning-phase"])
    assert plan.blocked == [] and plan.overrides == ["learning-phase"]
    v = verdict(plan, "learning-phase")
    assert v.overridden and v.level == "block"
    assert world.apply(plan, plan_path=world.tmp / "cut.json").ok
    assert live_budget(world) == 400


def test_override_in_the_manifest(world: World) -> None:
    applied(world)
    world.advance(3)
    set_budget(world.manifests, 400)
    template = world.manifests / "spring-sale.yaml.j2"
    text = template.read_text()
    template.write_text(text.replace("guardrails:\n", "guardrails:\n  overrides: [learning-phase]\n", 1))
    plan = world.plan()
    assert plan.blocked == [] and verdict(plan, "learning-phase").overridden
    assert world.apply(plan, plan_path=world.tmp / "cut.json").ok


def test_after_the_learning_phase_the_cut_passes(world: World) -> None:
    applied(world)
    world.advance(8)
    set_budget(world.manifests, 400)
    plan = world.plan()
    assert plan.blocked == []
    assert not [v for c in plan.changes for v in c.verdicts if v.rule == "learning-phase"]
    assert world.apply(plan, plan_path=world.tmp / "cut.json").ok
    assert live_budget(world) == 400


def test_budget_below_todays_spend_is_blocked(world: World) -> None:
    applied(world)
    world.advance(8)
    campaign = world.get("smart_plus/campaign/get/")["list"][0]["campaign_id"]
    r = TestClient(world.app).post("/_emulator/spend", json={"campaign_id": campaign, "today": 390})
    assert r.json()["ok"]
    set_budget(world.manifests, 400)  # 105% of 390 is 409.50
    plan = world.plan()
    v = verdict(plan, "budget-spend")
    assert v.blocking and v.numbers["spend_today"] == 390 and v.numbers["minimum_budget"] == 409.5
    set_budget(world.manifests, 410)
    assert world.plan().blocked == []


def test_max_spend_increase(world: World) -> None:
    plan = world.plan(max_spend_increase=100)
    v = verdict(plan, "spend-increase")
    assert v.blocking and v.numbers["increase"] == 500 and v.numbers["max_increase"] == 100
    assert world.plan(max_spend_increase=500).blocked == []


def test_pixel_that_does_not_exist(world: World) -> None:
    applied(world)
    world.advance(8)
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(
        re.sub(r"^pixel_id: .*$", 'pixel_id: "7100000000000000009"', values.read_text(), flags=re.M)
    )
    plan = world.plan(replace=[CAMPAIGN])
    pixel = [v for c in plan.changes for v in c.verdicts if v.rule == "pixel"]
    assert len(pixel) == 2 and all(v.blocking for v in pixel)
    assert "pixel 7100000000000000009 does not exist" in pixel[0].message


def test_cli_plan_exits_3_and_apply_refuses(tmp_path: Path, world: World) -> None:
    runner = CliRunner()
    db = str(tmp_path / "emu.db")
    m = str(world.manifests)
    conn = ["--emulator", "--emulator-db", db]
    first, cut, accepted = (str(tmp_path / n) for n in ("first.json", "cut.json", "accepted.json"))
    r = runner.invoke(main, ["plan", m, *conn, "-o", first])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["apply", first, *conn])
    assert r.exit_code == 0, r.output
    clock = TestClient(create_app(db=db)).post("/_emulator/clock", json={"advance_days": 3})
    assert clock.json()["ok"]

    set_budget(world.manifests, 400)
    r = runner.invoke(main, ["plan", m, *conn, "-o", cut])
    assert r.exit_code == 3, r.output
    assert "[BLOCKED] learning-phase" in r.output
    assert "--override" in r.output
    saved = json.loads(Path(cut).read_text())
    assert saved["summary"]["blocked"] == 1
    assert saved["verdicts"][saved["changes"][0]["verdicts"][0]]["rule"] == "learning-phase"

    r = runner.invoke(main, ["apply", cut, *conn])
    assert r.exit_code == 1, r.output
    assert "blocked by guardrails" in r.output

    r = runner.invoke(
        main, ["plan", m, *conn, "-o", accepted, "--override", "learning-phase", "--detailed-exitcode"]
    )
    assert r.exit_code == 2, r.output
    assert "[overridden] learning-phase" in r.output
    r = runner.invoke(main, ["apply", accepted, *conn])
    assert r.exit_code == 0, r.output
