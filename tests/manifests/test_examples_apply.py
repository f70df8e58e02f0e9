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


def test_the_readme_manifest_is_one_tiktok_accepts(world: World) -> None:
    """The README's manifest example validates, applies against the emulator (which enforces
    TikTok's current creative model for every account) and converges."""
    readme = (EXAMPLES.parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Manifests\n", 1)[1].split("```yaml\n", 1)[1].split("```\n", 1)[0]
    path = world.tmp / "readme" / "readme.yaml"
    path.parent.mkdir()
    path.write_text(block, encoding="utf-8")
    paths = [str(path.parent)]
    plan = world.plan(paths)
    assert "create" in [c.action for c in plan.changes if c.kind == "ad"]
    result = world.apply(plan, paths)
    assert result.ok, (result.failed, result.verify_problems)
    assert world.plan(paths).changes == []
