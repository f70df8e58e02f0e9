"""The compact live account (issue 15): rows packed page by page into ``LiveObject``s must read
back exactly as TikTok (the emulator) sent them, keep every field the planner, guardrails,
spend and fingerprints read, fingerprint alike, and share what repeats between rows."""

from __future__ import annotations

from typing import Any

from reconciler.adapters import fetch
from reconciler.adapters.api import TikTokClient
from reconciler.core.addresses import Kind
from reconciler.core.live import LiveAccount, LiveObject, RowPacker, fingerprint
from reconciler.emulator import create_app

from .conftest import ADVERTISER, NOW, World

SEED = "scale:3x4x30"  # 360 ads: four pages of 100, so the ads come back in several pages

# What the plan reads of a live row beyond the manifest's own fields (fetch._EXTRA): guardrails
# (create_time, modify_time, budget_mode), health (secondary_status), spend (budget,
# budget_optimize_on), the CTA kept on update (ad_configuration), identity and status.
READ_BY_THE_PLAN: dict[Kind, tuple[str, ...]] = {
    "campaign": ("campaign_id", "campaign_name", "budget", "budget_mode", "budget_optimize_on"),
    "adgroup": ("adgroup_id", "campaign_id", "create_time", "modify_time", "budget", "budget_mode"),
    "ad": ("smart_plus_ad_id", "adgroup_id", "ad_configuration", "secondary_status", "creative_list"),
}


def scale_world(tmp_path: Any) -> World:
    return World(app=create_app(db=":memory:", seed=SEED, now=NOW), tmp=tmp_path)


def raw_and_packed(world: World) -> tuple[dict[Kind, list[dict[str, Any]]], LiveAccount]:
    async def go(c: TikTokClient) -> tuple[dict[Kind, list[dict[str, Any]]], LiveAccount]:
        campaigns = await fetch.read_campaigns(c, ADVERTISER)
        ids = [str(r["campaign_id"]) for r in campaigns]
        raw: dict[Kind, list[dict[str, Any]]] = {
            "campaign": campaigns,
            "adgroup": await fetch.read_children(c, "adgroup", ADVERTISER, ids),
            "ad": await fetch.read_children(c, "ad", ADVERTISER, ids),
        }
        idents = {(ADVERTISER, str(r["campaign_name"]), None) for r in campaigns}
        return raw, await fetch.fetch_for(c, idents, legacy=False)

    return world.run(go)


def objects_of(live: LiveAccount, kind: Kind) -> dict[str, LiveObject]:
    return {"campaign": live.campaigns, "adgroup": live.adgroups, "ad": live.ads}[kind]


def test_rows_read_back_whole_and_fingerprint_alike(tmp_path: Any) -> None:
    raw, live = raw_and_packed(scale_world(tmp_path))
    assert [len(raw[k]) for k in ("campaign", "adgroup", "ad")] == [3, 12, 360]
    for kind, rows in raw.items():
        objects = objects_of(live, kind)
        assert len(objects) == len(rows)
        for row in rows:
            obj = objects[
                str(row[{"campaign": "campaign_id", "adgroup": "adgroup_id", "ad": "smart_plus_ad_id"}[kind]])
            ]
            assert obj.row == row
            assert list(obj.row) == list(row)  # the order of the keys too
            # Plan and apply compare these: apply fingerprints the raw rows it re-reads.
            assert obj.fingerprint() == fingerprint(row)
            assert obj.stable_fields() == {
                k: v
                for k, v in sorted(row.items())
                if k not in {"secondary_status", "modify_time", "request_id"}
            }
            assert obj.status == row["operation_status"]
            for key in READ_BY_THE_PLAN[kind]:
                assert key in obj.row, f"{kind}.{key} is read by the plan and must be kept"
                assert obj.get(key) == row[key]
    # Children are indexed under their parent, in the order the pages gave them.
    group = next(iter(live.adgroups.values()))
    assert [a.id for a in live.children[group.id]] == [
        str(r["smart_plus_ad_id"]) for r in raw["ad"] if r["adgroup_id"] == group.id
    ]


def test_what_repeats_is_shared(tmp_path: Any) -> None:
    _, live = raw_and_packed(scale_world(tmp_path))
    ads = list(live.ads.values())
    first, other = ads[0], ads[-1]
    # Strings that repeat between rows: one object for all of them.
    assert first.get("advertiser_id") is other.get("advertiser_id")
    assert first.get("operation_status") is other.get("operation_status")
    # Alike nested values: one object.
    assert first.get("ad_configuration") == other.get("ad_configuration")
    assert first.get("ad_configuration") is other.get("ad_configuration")
    assert first.get("landing_page_url_list") is other.get("landing_page_url_list")
    assert first.keys is other.keys
    groups = list(live.adgroups.values())
    assert groups[0].get("targeting_spec") is groups[-1].get("targeting_spec")
    # What differs stays apart.
    assert first.get("creative_list") != other.get("creative_list")


def test_alike_is_not_equal_numbers_of_another_type() -> None:
    """500 == 500.0 and True == 1 in Python, but they serialise differently: a shared value of the
    other type would change the row, and its fingerprint."""
    packer = RowPacker()
    rows = [
        {"campaign_id": "1", "campaign_name": "a", "budget_spec": {"v": 500}, "flags": [True]},
        {"campaign_id": "2", "campaign_name": "b", "budget_spec": {"v": 500.0}, "flags": [1]},
        {"campaign_id": "3", "campaign_name": "c", "budget_spec": {"v": 500}, "flags": [True]},
    ]
    objs = packer.pack_page("campaign", [dict(r) for r in rows])
    for obj, row in zip(objs, rows, strict=True):
        assert obj.fingerprint() == fingerprint(row)
        assert repr(obj.row) == repr(row)
    assert objs[0].get("budget_spec") is objs[2].get("budget_spec")
    assert objs[0].get("budget_spec") is not objs[1].get("budget_spec")


def test_deleted_rows_never_count() -> None:
    rows = [
        {"campaign_id": "1", "campaign_name": "a", "operation_status": "ENABLE"},
        {"campaign_id": "2", "campaign_name": "b", "secondary_status": "CAMPAIGN_STATUS_DELETE"},
    ]
    live = LiveAccount.from_rows(rows)
    assert list(live.campaigns) == ["1"]


def test_pages_are_packed_as_they_arrive(tmp_path: Any) -> None:
    """get_each hands each page to its converter (so the raw pages need not all be held), and the
    pages' results come back in page order."""
    world = scale_world(tmp_path)
    seen: list[int] = []

    def each(rows: list[dict[str, Any]]) -> list[str]:
        seen.append(len(rows))
        return [str(r["smart_plus_ad_id"]) for r in rows]

    async def go(c: TikTokClient) -> tuple[list[str], list[dict[str, Any]]]:
        params = {"advertiser_id": ADVERTISER, "fields": ["smart_plus_ad_id"]}
        got = await c.get_each("smart_plus/ad/get/", params, 100, each)
        pages = [
            await c.get("smart_plus/ad/get/", {**params, "page": p, "page_size": 100}) for p in range(1, 5)
        ]
        return got, [r for page in pages for r in page["list"]]

    ids, rows = world.run(go)
    assert sorted(seen) == [60, 100, 100, 100]
    assert ids == [str(r["smart_plus_ad_id"]) for r in rows]  # page by page, in page order
    assert len(set(ids)) == 360
