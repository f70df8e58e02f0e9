"""Legacy Smart+ campaigns: listed as manual steps for Ads Manager, never as API calls."""

from __future__ import annotations

from reconciler.core import explain

from .conftest import ADVERTISER, World


def test_running_legacy_campaign_is_a_manual_step(world: World) -> None:
    legacy = {"advertiser_id": ADVERTISER, "campaign_name": "Spring Sale", "budget": 300}
    r = world.run(lambda c: c._http.post("http://emulator/_emulator/legacy_campaign", json=legacy))
    assert r.json()["ok"]
    plan = world.plan()
    steps = [n for n in plan.notes if n.kind == "manual_step"]
    assert len(steps) == 1
    assert steps[0].address == 'legacy campaign["Spring Sale"]'
    assert "pause it in Ads Manager" in steps[0].message and "retired since 2026-06-30" in steps[0].message
    assert '"Spring Sale US"' in steps[0].message  # the upgraded successor by name
    assert all("legacy" not in str(c.address) for c in plan.changes)
    assert plan.summary()["manual_steps"] == 1
    text = "\n".join(line for _, line in explain.text_lines(plan))
    assert "! manual step: legacy campaign" in text
    assert "manual step" in explain.markdown(plan)
    # The read costs one call per advertiser, on the manual /campaign/get/.
    assert plan.stats["calls_per_endpoint"]["/campaign/get/"] == 1
