"""Request ids come from what is created (so two applies of one change cannot both succeed), and
an earlier object made with the same request, renamed or deleted since, does not block a new one.

Found by bench/loop_soak.py: after a pinned rename (or a replace and back), creating a campaign
of the old name and body again ended in "TikTok says the create request was already used, but
no such object exists"."""

from __future__ import annotations

from ..conftest import World


def test_a_campaign_renamed_in_ads_manager_is_created_again_under_its_old_name(world: World) -> None:
    first = world.plan()
    assert world.apply(first, plan_path=world.tmp / "1.json").ok
    [campaign] = world.get("smart_plus/campaign/get/")["list"]
    world.post(
        "smart_plus/campaign/update/",
        {"campaign_id": campaign["campaign_id"], "campaign_name": "Spring Sale US (archived)"},
    )
    again = world.plan()
    assert [c.action for c in again.changes].count("create") == 7  # the same bodies as the first plan
    result = world.apply(again, plan_path=world.tmp / "2.json")
    assert result.ok, (result.failed, result.verify_problems)
    names = sorted(c["campaign_name"] for c in world.get("smart_plus/campaign/get/")["list"])
    assert names == ["Spring Sale US", "Spring Sale US (archived)"]
    assert world.plan().changes == []
