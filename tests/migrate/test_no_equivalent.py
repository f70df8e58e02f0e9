"""One test per mapping row with no Smart+ equivalent: the manual step is written at the top of the
imported file and is a manual_step note of the plan (while the manual campaign runs)."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.migrate import NO_EQUIVALENT

from ..conftest import World
from .helpers import import_manual, make_manual, set_fields

# A value somebody set (not TikTok's default) for every row of core.migrate.NO_EQUIVALENT.
VALUES: dict[str, dict[str, Any]] = {
    "virtual_objective_type": {"virtual_objective_type": "SALES"},
    "frequency": {"frequency": 3, "frequency_schedule": 7},
    "rf_purchased_type": {"rf_purchased_type": "FIXED_PRICE"},
    "bid_display_mode": {"bid_display_mode": "CPM"},
    "deep_cpa_bid": {"deep_cpa_bid": 5.5},
    "scheduled_budget": {"scheduled_budget": 50},
    "creative_material_mode": {"creative_material_mode": "DYNAMIC"},
    "statistic_type": {"statistic_type": "EVERY_ONE"},
    "inventory_filter_enabled": {"inventory_filter_enabled": True},
    "brand_safety_type": {"brand_safety_type": "STANDARD_INVENTORY"},
    "blocked_pangle_app_ids": {"blocked_pangle_app_ids": ["6000000000000000001"]},
    "pacing": {"pacing": "PACING_MODE_FAST"},
    "included_custom_actions": {"included_custom_actions": [{"code": "VIDEO_VIEW", "days": 7}]},
    "category_exclusion_ids": {"category_exclusion_ids": ["1"]},
    "tracking_pixel_id": {"tracking_pixel_id": "7100000000000000001"},
    "tracking_offline_event_set_ids": {"tracking_offline_event_set_ids": ["123"]},
    "video_view_tracking_url": {"video_view_tracking_url": "https://track.example.com/view"},
    "viewability_postbid_partner": {"viewability_postbid_partner": "IAS"},
    "creative_authorized": {"creative_authorized": True},
    "promotional_music_disabled": {"promotional_music_disabled": False},
    "item_duet_status": {"item_duet_status": "ENABLE"},
    "display_name": {
        "identity_type": "CUSTOMIZED_USER",
        "identity_id": "7200000000000000001",
        "display_name": "Demo Shop",
    },
    "is_aco": {"is_aco": True},
    "card_id": {"card_id": "7500000000000000001"},
    "page_id": {"page_id": "7600000000000000001"},
    "disclaimer_type": {"disclaimer_type": "TEXT", "disclaimer_text": {"text": "Terms apply"}},
}


# Custom Identity (and so a display name) is open to ad groups off the TikTok placement only
# (reference 0.1): that probe's ad group delivers to Pangle alone.
ADGROUP_OF: dict[str, dict[str, Any]] = {
    "display_name": {"placement_type": "PLACEMENT_TYPE_NORMAL", "placements": ["PLACEMENT_PANGLE"]},
}


def test_every_row_has_a_probe() -> None:
    assert sorted(VALUES) == sorted(r.field for r in NO_EQUIVALENT)


@pytest.mark.parametrize("rule", NO_EQUIVALENT, ids=lambda r: f"{r.level}.{r.field}")
def test_no_equivalent_is_a_manual_step(world: World, rule: Any) -> None:
    ids = make_manual(world)
    if rule.field in ADGROUP_OF:
        set_fields(world, "adgroup", ids["adgroup"], ADGROUP_OF[rule.field])
    set_fields(world, rule.level, ids[rule.level], VALUES[rule.field])
    out = world.tmp / "imported"
    result, texts = import_manual(world, out, (ids["campaign"],))
    assert result.skipped == [], result.skipped
    (text,) = texts.values()
    header = [line for line in text.splitlines() if line.startswith("#")]
    hits = [line for line in header if f"): {rule.field} = " in line and rule.step in line]
    assert len(hits) == 1, "\n".join(header)
    assert f"({ids[rule.level]})" in hits[0]

    plan = world.plan([str(out)])
    steps = [n for n in plan.notes if n.kind == "manual_step"]
    assert [n.remote_id for n in steps if rule.step in n.message] == [ids[rule.level]], steps
    # Nothing else is a step: the probe campaign sets nothing else without an equivalent.
    others = [n for n in steps if rule.step not in n.message]
    assert others == [], others


def test_no_step_for_defaults(world: World) -> None:
    ids = make_manual(world)
    out = world.tmp / "imported"
    _result, texts = import_manual(world, out, (ids["campaign"],))
    (text,) = texts.values()
    assert "# Manual steps: none (every set field maps)." in text
    assert [n for n in world.plan([str(out)]).notes if n.kind == "manual_step"] == []


def test_once_cut_over_the_steps_are_gone(world: World) -> None:
    ids = make_manual(world)
    set_fields(world, "adgroup", ids["adgroup"], {"frequency": 3})
    out = world.tmp / "imported"
    import_manual(world, out, (ids["campaign"],))
    plan = world.plan([str(out)])
    assert [n.remote_id for n in plan.notes if n.kind == "manual_step"] == [ids["adgroup"]]
    assert world.apply(plan, [str(out)]).ok
    again = world.plan([str(out)])
    assert again.changes == []
    assert [n for n in again.notes if n.kind == "manual_step"] == []
