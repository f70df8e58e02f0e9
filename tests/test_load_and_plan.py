"""Reading the account while the manifests parse: same plan, and never a wrong one."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler import pipeline
from reconciler.adapters import files
from reconciler.errors import ManifestError

from .conftest import ADVERTISER, World


def plan_both_ways(world: World) -> tuple[object, object]:
    req = pipeline.PlanRequest([str(world.manifests)])
    loaded = world.load()
    sequential = world.run(lambda c: pipeline.make_plan(c, loaded, req))
    overlapped = world.run(lambda c: pipeline.load_and_plan(c, req))[1]
    return sequential, overlapped


def test_guess_reads_the_named_campaigns(world: World) -> None:
    guess = files.identities(files.render([str(world.manifests)]))
    assert guess == {(ADVERTISER, "Spring Sale US", None)}


def test_overlapped_plan_equals_sequential_plan(world: World) -> None:
    assert world.apply(world.plan()).ok
    world.advance(8)
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 550"))
    seq, over = plan_both_ways(world)
    assert [c.to_json() for c in over.changes] == [c.to_json() for c in seq.changes]  # type: ignore[attr-defined]
    assert len(over.changes) == 1  # type: ignore[attr-defined]


def test_a_wrong_guess_is_corrected(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert world.apply(world.plan()).ok
    monkeypatch.setattr(files, "identities", lambda rs: {(ADVERTISER, "Some other campaign", None)})
    _, plan = world.run(lambda c: pipeline.load_and_plan(c, pipeline.PlanRequest([str(world.manifests)])))
    assert plan.changes == []  # the real campaign was read after all: nothing to create


def test_flow_style_manifests_are_not_guessed(tmp_path: Path) -> None:
    (tmp_path / "c.yaml").write_text(
        '{advertiser_id: "1", campaign_name: x, objective_type: WEB_CONVERSIONS}\n'
    )
    assert files.identities(files.render([str(tmp_path)])) == set()


def test_broken_manifests_fail_and_stop_the_reads(world: World) -> None:
    (world.manifests / "broken.yaml").write_text("advertiser_id: '7000000000000000001'\ncampaign_name: [\n")
    with pytest.raises(ManifestError):
        world.run(lambda c: pipeline.load_and_plan(c, pipeline.PlanRequest([str(world.manifests)])))


def test_manual_children_are_read_for_a_cutover_only(world: World) -> None:
    """The demo account has enabled manual campaigns: their ad groups and ads (`/adgroup/get/`,
    `/ad/get/`) are read when a manifest migrates from one (the full read does), and not by a plan
    whose text never says migrate_from; the manual campaigns are still listed either way."""
    req = pipeline.PlanRequest([str(world.manifests)])
    full = world.run(lambda c: pipeline.make_plan(c, world.load(), req))
    assert {"/adgroup/get/", "/ad/get/"} <= set(full.stats["calls_per_endpoint"])
    _, plan = world.run(lambda c: pipeline.load_and_plan(c, req))
    calls = plan.stats["calls_per_endpoint"]
    assert "/adgroup/get/" not in calls and "/ad/get/" not in calls
    assert "/campaign/get/" in calls
    assert [c.to_json() for c in plan.changes] == [c.to_json() for c in full.changes]
    assert plan.notes == full.notes


def test_the_desired_side_built_while_reading_is_used_only_for_its_own_manifests(world: World) -> None:
    """load_and_plan builds the plan's desired side (planner.prepare) in the parsing thread. The
    draft takes it only for the very manifests it was built from: given another set's, it plans
    these manifests' changes (media resolution makes new manifests when it changes any)."""
    from reconciler.core import planner

    assert world.apply(world.plan()).ok
    world.advance(8)
    before = world.load()
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 550"))
    after = world.load()
    stale = planner.prepare(before.manifests)
    assert stale.fits(before.manifests) and not stale.fits(after.manifests)
    req = pipeline.PlanRequest([str(world.manifests)])
    plan = world.run(lambda c: pipeline.make_plan(c, after, req, prepared=stale))
    assert [(c.action, [f.path for f in c.fields]) for c in plan.changes] == [("update", ["budget"])]
    fresh = world.run(lambda c: pipeline.make_plan(c, after, req, prepared=planner.prepare(after.manifests)))
    assert [c.to_json() for c in fresh.changes] == [c.to_json() for c in plan.changes]
