"""Comparing while the account is read (``planner.Ahead``, issue 15): ``load_and_plan`` compares
each live object with its likely desired pair as its page comes back, and the draft takes a
comparison only for the very pair it matched. The plan must be the plan made without it, on an
account with changes, pins and renames; and a wrong, late or failing guess must cost the
comparison alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reconciler import pipeline
from reconciler.adapters.api import TikTokClient
from reconciler.core import planner
from reconciler.core.live import LiveObject, RowPacker
from reconciler.core.plan import Plan

from .conftest import World
from .test_plan_memory import changed_scale


def _both(world: World, folder: Path, **kw: Any) -> tuple[Plan, Plan]:
    """The plan as `smartplus plan` makes it (load_and_plan), and as make_plan alone makes it."""
    req = pipeline.PlanRequest([str(folder)], **kw)

    async def go(c: TikTokClient) -> Plan:
        _, plan = await pipeline.load_and_plan(c, req)
        return plan

    return world.run(go), world.plan([str(folder)], **kw)


def _same_plan(a: Plan, b: Plan) -> None:
    assert [op.to_json(a._verdict_index()) for op in a.changes] == [
        op.to_json(b._verdict_index()) for op in b.changes
    ]
    assert a.verdict_table() == b.verdict_table()
    assert a.live == b.live and a.notes == b.notes


def test_the_plan_compared_while_reading_is_the_plan(tmp_path: Path) -> None:
    world, d = changed_scale(tmp_path, 3, 2, 4)  # every ad's text changed
    values = d / "scale.values.yaml"
    values.write_text(values.read_text().replace("budget: 500", "budget: 650"))  # and every budget
    ahead, alone = _both(world, d)
    assert len(ahead.changes) == len(alone.changes) >= 27
    _same_plan(ahead, alone)
    # Every matched object was compared while reading: 3 campaigns, 6 ad groups, 24 ads.
    assert ahead.stats["compared_while_reading"] == 33
    assert "compared_while_reading" not in alone.stats


def test_a_pinned_and_renamed_campaign_is_compared_by_its_pin(world: World) -> None:
    assert world.apply(world.plan()).ok
    live = world.get("smart_plus/campaign/get/")["list"]
    (cid,) = [c["campaign_id"] for c in live if c["campaign_name"] == "Spring Sale US"]
    template = world.manifests / "spring-sale.yaml.j2"
    text = template.read_text()
    old = 'campaign_name: {{ ("Spring Sale " ~ market) | quote }}\n'
    assert old in text
    template.write_text(text.replace(old, f'campaign_name: "Spring Sale renamed"\nid: "{cid}"\n'))
    ahead, alone = _both(world, world.manifests)
    _same_plan(ahead, alone)
    assert [(c.action, c.address.campaign) for c in ahead.changes] == [("update", "Spring Sale renamed")]
    assert ahead.stats["compared_while_reading"] == 7  # the campaign (by its pin), 2 ad groups, 4 ads


def _packed(kind: str, rows: list[dict[str, Any]]) -> list[LiveObject]:
    return RowPacker().pack_page(kind, rows)  # type: ignore[arg-type]


def test_wrong_late_and_failing_guesses_cost_the_comparison_only(tmp_path: Path) -> None:
    _, d = changed_scale(tmp_path, 1, 1, 2)
    desired = planner.prepare(pipeline.load_desired([str(d)]).manifests)
    campaign, group, ad1, ad2 = desired.objects
    adv = campaign.address.advertiser_id
    c_row = {"campaign_id": "c1", "campaign_name": campaign.address.campaign, "advertiser_id": adv}
    g_row = {
        "adgroup_id": "g1",
        "campaign_id": "c1",
        "adgroup_name": group.address.adgroup,
        "advertiser_id": adv,
    }
    a_row = {"smart_plus_ad_id": "a1", "adgroup_id": "g1", "ad_name": ad1.address.ad, "advertiser_id": adv}

    (ad,) = _packed("ad", [a_row])
    (g,) = _packed("adgroup", [g_row])

    def fed() -> planner.Ahead:
        ahead = planner.Ahead()
        ahead.add(_packed("campaign", [c_row]))  # before the desired side is built: kept for later
        ahead.start(desired)
        ahead.add([ad])  # before its ad group's page: it waits for it
        assert ahead.take(ad1, ad) is None
        ahead.add([g])
        return ahead

    ahead = fed()
    got = ahead.take(ad1, ad)
    diffs, fields = planner.compare(ad1, ad)
    assert got is not None and got[0] == diffs
    assert got[1] == {c.path: fields[c.path] for c in diffs}  # the changed fields' values alone
    assert got[0] and got[2] == planner.live_record(ad, ad1)  # changed: its record made too
    assert ahead.take(ad1, ad) is None  # taken once
    assert ahead.hits == 1
    wrong = fed()
    assert wrong.take(ad2, ad) is None  # not the pair it guessed: the draft compares it itself
    assert wrong.hits == 0

    broken = planner.Ahead()
    broken.start(desired)
    # A live object whose row cannot be made (keys and values of different lengths).
    bad = LiveObject("adgroup", "g2", group.address.adgroup or "", adv, "c1", "ENABLE", ("a",), ())
    broken.add([*_packed("campaign", [c_row]), bad, g])
    assert broken.failed
    assert broken.take(group, bad) is None and broken.take(group, g) is None
