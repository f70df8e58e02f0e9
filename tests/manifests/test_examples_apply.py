"""The examples are valid against the emulator's demo account: they plan without a blocked
change, apply without a failure, and plan again to no changes."""

from __future__ import annotations

from pathlib import Path

from ..conftest import World

EXAMPLES = Path(__file__).resolve().parents[2] / "manifests" / "examples"


def test_examples_apply_on_the_demo_account(world: World) -> None:
    paths = [str(EXAMPLES)]
    plan = world.plan(paths)
    assert plan.changes and not [c for c in plan.changes if getattr(c, "blocked", False)]
    result = world.apply(plan, paths)
    assert result.ok, (result.failed, result.verify_problems)
    again = world.plan(paths)
    assert again.changes == [], [c.to_json() for c in again.changes]
