"""TikTok's ad group update cannot remove the United States location (smart-plus-current.md:
"once the US is targeted it can't be removed"; the update doc, api-behavior.md). A manifest that
drops it from a live ad group is planned as a replace (blocked until --replace), never as an
update that apply would send and TikTok refuse halfway through a plan."""

from __future__ import annotations

from reconciler.core.operations import Replace, Update

from .conftest import World

CAMPAIGN = 'campaign["Spring Sale US"]'
AG18 = f'{CAMPAIGN}.adgroup["US broad 18+"]'
GB = "2635167"  # a location id of another country


def live_adgroup(world: World) -> dict[str, object]:
    groups = world.get("smart_plus/adgroup/get/")["list"]
    return next(
        g for g in groups if g["adgroup_name"] == "US broad 18+" and g["operation_status"] == "ENABLE"
    )


def set_locations(world: World, ids: str) -> None:
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace('location_ids: ["6252001"]', f"location_ids: {ids}"))


def test_dropping_the_us_location_is_a_replace_not_an_update(world: World) -> None:
    assert world.apply(world.plan()).ok
    world.advance(8)
    set_locations(world, f'["{GB}"]')
    plan = world.plan()
    replaces = [c for c in plan.changes if isinstance(c, Replace) and str(c.address) == AG18]
    assert len(replaces) == 1, plan.changes
    assert not [c for c in plan.changes if isinstance(c, Update) and str(c.address) == AG18]
    assert "cannot remove the United States location (6252001)" in replaces[0].reason
    assert replaces[0] in plan.blocked, "a replace needs --replace"
    # With --replace (both ad groups take the template's locations): one apply converges, the
    # old ad groups disabled, new ones targeting GB.
    assert len([c for c in plan.changes if isinstance(c, Replace)]) == 2
    plan = world.plan(replace=[CAMPAIGN])
    assert world.apply(plan, plan_path=world.tmp / "replace.json").ok
    assert live_adgroup(world)["targeting_spec"]["location_ids"] == [GB]  # type: ignore[index]
    assert world.plan().changes == []


def test_adding_a_location_beside_the_us_is_still_an_update(world: World) -> None:
    assert world.apply(world.plan()).ok
    world.advance(8)
    set_locations(world, f'["6252001", "{GB}"]')
    plan = world.plan()
    assert [type(c) for c in plan.changes if str(c.address) == AG18] == [Update], plan.changes
    assert world.apply(plan, plan_path=world.tmp / "update.json").ok
    assert sorted(live_adgroup(world)["targeting_spec"]["location_ids"]) == sorted(["6252001", GB])  # type: ignore[index]
