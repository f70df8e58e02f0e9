"""Review health: ads in review or rejected are reported beside drift, with TikTok's reasons,
and never change a plan, a drift signature or an exit code."""

from __future__ import annotations

from reconciler.core import drift
from reconciler.core.operations import Update

from .conftest import World


def applied(world: World) -> None:
    assert world.apply(world.plan(), plan_path=world.tmp / "first.json").ok


def test_new_ads_in_review_are_one_note_per_campaign_and_nothing_to_do(world: World) -> None:
    applied(world)
    plan = world.plan()
    assert plan.changes == []
    [note] = [n for n in plan.notes if n.kind == "health"]
    assert note.address == 'campaign["Spring Sale US"]' and note.message.startswith("4 ads in review")
    report = drift.drift_report(plan)
    assert report["drift"] is False and report["signature"] is None
    assert [h["address"] for h in report["health"]] == ['campaign["Spring Sale US"]']


def test_a_rejected_ad_is_named_with_tiktoks_reasons_in_plan_drift_and_doctor(world: World) -> None:
    from reconciler.adapters.doctor import run_doctor

    applied(world)
    world.advance(1)  # review over: approved
    assert [n for n in world.plan().notes if n.kind == "health"] == []
    ads = world.get("smart_plus/ad/get/")["list"]
    rejected = next(a for a in ads if a["ad_name"] == "broad 18+ video 2")
    r = world.run(
        lambda c: c._http.post(
            "http://emulator/_emulator/review",
            json={
                "smart_plus_ad_id": rejected["smart_plus_ad_id"],
                "decision": "reject",
                "reasons": ["Misleading claim in the ad text"],
                "suggestion": "Remove the price claim",
            },
        )
    )
    assert r.status_code == 200, r.text
    plan = world.plan()
    assert plan.changes == []  # a rejection is not drift: nothing to apply fixes it
    [note] = [n for n in plan.notes if n.kind == "health"]
    assert note.remote_id == rejected["smart_plus_ad_id"]
    assert "Misleading claim in the ad text" in note.message and "Remove the price claim" in note.message
    report = drift.drift_report(plan)
    assert report["items"] == [] and report["health"][0]["remote_id"] == rejected["smart_plus_ad_id"]
    assert "Misleading claim" in "\n".join(drift.drift_text(report))

    loaded = world.load()
    checks = world.run(lambda c: run_doctor(c, loaded.manifests, []))
    failing = [c for c in checks if not c.ok and c.name.startswith("ad review")]
    assert len(failing) == 1 and "Misleading claim in the ad text" in failing[0].detail

    # Editing the ad's text sends it to review again; apply does not count the re-review as a failure.
    world.advance(8)
    template = world.manifests / "spring-sale.values.yaml"
    template.write_text(template.read_text().replace("Spring sale: 30% off everything", "Spring sale"))
    plan = world.plan()
    assert {type(c) for c in plan.changes} == {Update}
    result = world.apply(plan, plan_path=world.tmp / "second.json")
    assert result.ok, (result.failed, result.verify_problems)
    assert any("in review" in n.message for n in world.plan().notes if n.kind == "health")
