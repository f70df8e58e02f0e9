"""import -> plan shows no changes, for varied live campaigns (the emulator in process)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from reconciler.adapters import files
from reconciler.adapters import importer as reader
from reconciler.commands.import_cmd import import_cmd, render_all
from reconciler.core import importer
from reconciler.emulator import create_app

from ..conftest import ADVERTISER, NOW, World
from . import seed

NOW_DT = dt.datetime.strptime(NOW, "%Y-%m-%d %H:%M:%S")


def import_to(world: World, out: Path, campaign_ids: tuple[str, ...] = ()) -> importer.ImportResult:
    # The demo seed's manual campaigns are converted (and cut over) in tests/migrate.
    rows = world.run(lambda c: reader.read_account(c, ADVERTISER, campaign_ids, manual=False))
    result = render_all(rows, NOW_DT)
    out.mkdir(parents=True, exist_ok=True)
    for name, item in zip(importer.file_names(result.campaigns), result.campaigns, strict=True):
        (out / name).write_text(importer.to_yaml(item), encoding="utf-8")
    return result


def upgraded_only(result: importer.ImportResult, out: Path) -> None:
    for name, item in zip(importer.file_names(result.campaigns), result.campaigns, strict=True):
        if item.legacy_id:
            (out / name).unlink()


def test_import_then_plan_shows_no_changes(world: World) -> None:
    # The demo campaign applied by smartplus itself, plus four created through the API.
    assert world.apply(world.plan()).ok
    ids = seed.seed_varied(world)
    out = world.tmp / "imported"
    result = import_to(world, out)
    assert result.skipped == []
    # The seed sets fields that do not fit the targeting mode (smart_audience_enabled and gender under
    # AUTOMATIC): TikTok ignores them, and the emulator, like TikTok, does not store them, so the
    # import has nothing to leave out and nothing to warn about.
    assert result.warnings == [], result.warnings
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "cost-cap-cbo.yaml",
        "no-cbo-manual.yaml",
        "paused.yaml",
        "spark-tt-user.yaml",
        "spring-sale-us.yaml",
    ]

    loaded = files.load([str(out)])
    assert len(loaded.manifests) == 5
    assert sum(len(m.campaign.adgroups) for m in loaded.manifests) == 2 + 2 + 1 + 1 + 1
    assert sum(len(g.ads) for m in loaded.manifests for g in m.campaign.adgroups) == 4 + 3 + 1 + 2 + 1

    plan = world.plan([str(out)])
    assert plan.changes == [], [c.to_json() for c in plan.changes]
    assert [n for n in plan.notes if n.kind in ("orphan", "unmanaged")] == []

    # Every object carries its pin.
    by_name = {m.campaign.campaign_name: m.campaign for m in loaded.manifests}
    assert by_name["No CBO / Manual"].id == ids["nocbo"]
    for m in loaded.manifests:
        assert m.campaign.id
        for g in m.campaign.adgroups:
            assert g.id and all(a.id for a in g.ads)


def test_imported_fields(world: World) -> None:
    seed.seed_varied(world)
    out = world.tmp / "imported"
    import_to(world, out)
    nocbo = yaml.safe_load((out / "no-cbo-manual.yaml").read_text())
    # CBO off: the campaign's INFINITE / 0 are defaults; the ad groups keep their budgets.
    assert "budget" not in nocbo and "budget_mode" not in nocbo
    assert nocbo["budget_optimize_on"] is False
    women, lpv = nocbo["adgroups"]
    assert (women["budget_mode"], women["budget"]) == ("BUDGET_MODE_DYNAMIC_DAILY_BUDGET", 60)
    assert women["placement_type"] == "PLACEMENT_TYPE_NORMAL" and women["placements"] == ["PLACEMENT_TIKTOK"]
    assert women["targeting_optimization_mode"] == "MANUAL"
    assert women["targeting_spec"]["age_groups"] == ["AGE_25_34", "AGE_35_44"]
    # Server-managed and default fields are gone.
    for key in (
        "create_time",
        "modify_time",
        "secondary_status",
        "campaign_id",
        "adgroup_id",
        "pacing",
        "skip_learning_phase",
        "dayparting",
        "click_attribution_window",
        "conversion_bid_price",
        "placement_type",
    ):
        assert key not in lpv, key
    assert lpv["bid_type"] == "BID_TYPE_NO_BID"  # TikTok's default, but required in a manifest
    assert "optimization_event" not in lpv  # LANDING_PAGE_VIEW is the goal's default
    assert lpv["targeting_spec"] == {"location_ids": ["6252001"], "spc_audience_age": "OVER_TWENTY_FIVE"}
    carousel = women["ads"][0]
    info = carousel["creative_list"][0]["creative_info"]
    assert info["ad_format"] == "CAROUSEL_ADS" and len(info["image_info"]) == 3
    assert info["music_info"] == {"music_id": "m10000000000000001"}
    assert "identity_authorized_bc_id" not in info and "material_name" not in info
    assert "ad_material_id" not in carousel["creative_list"][0]
    assert women["ads"][1]["operation_status"] == "DISABLE"

    spark = yaml.safe_load((out / "spark-tt-user.yaml").read_text())
    pulled = spark["adgroups"][0]["ads"][0]
    assert pulled["creative_list"][0]["creative_info"]["tiktok_item_id"] == "7300000000000000001"
    assert pulled["ad_configuration"] == {"call_to_action_id": "7400000000000000001"}

    costcap = yaml.safe_load((out / "cost-cap-cbo.yaml").read_text())
    assert "budget_mode" not in costcap  # DYNAMIC_DAILY is the CBO default
    group = costcap["adgroups"][0]
    assert (group["bid_type"], group["conversion_bid_price"]) == ("BID_TYPE_CUSTOM", 12.5)
    assert "budget" not in group and "budget_mode" not in group  # CBO: INFINITE / 0
    assert group["view_attribution_window"] == "OFF"  # quoted: a bare OFF would read as false
    assert (out / "paused.yaml").read_text().count("operation_status: DISABLE") == 1


def test_only_given_campaigns(world: World) -> None:
    ids = seed.seed_varied(world)
    out = world.tmp / "some"
    result = import_to(world, out, (ids["spark"], ids["paused"]))
    assert sorted(c.name for c in result.campaigns) == ["Paused", "Spark TT_USER"]
    plan = world.plan([str(out)])
    assert plan.changes == []


def test_a_later_change_shows_in_the_plan(world: World) -> None:
    ids = seed.seed_varied(world)
    out = world.tmp / "imported"
    import_to(world, out)
    world.post("smart_plus/campaign/update/", {"campaign_id": ids["costcap"], "budget": 300})
    plan = world.plan([str(out)])
    assert [(c.action, [(f.path, f.before, f.after) for f in c.fields]) for c in plan.changes] == [
        ("update", [("budget", 300, 250)])
    ]


def test_legacy_campaign_becomes_an_upgraded_manifest(world: World) -> None:
    legacy_id = seed.seed_legacy(world)
    out = world.tmp / "legacy"
    result = import_to(world, out)
    assert [c.legacy_id for c in result.campaigns] == [legacy_id]
    text = (out / "legacy-smart-us-upgraded.yaml").read_text()
    assert f"pause (turn off) legacy campaign {legacy_id}" in text
    plan = world.plan([str(out)])
    assert [(c.action, c.kind) for c in plan.changes if c.action == "create"] == [
        ("create", "campaign"),
        ("create", "adgroup"),
        ("create", "ad"),
    ]
    # Created disabled-first; the campaign stays disabled (operation_status: DISABLE in the file).
    assert world.apply(plan, [str(out)]).ok
    live = world.get("smart_plus/campaign/get/")["list"]
    assert [(c["campaign_name"], c["operation_status"]) for c in live] == [
        ("Legacy Smart+ US (upgraded)", "DISABLE")
    ]
    # Importing again: the legacy one is reported as migrated; the upgraded one is pinned.
    again = world.tmp / "again"
    result = import_to(world, again)
    assert [c.campaign_id for c in result.campaigns] == [live[0]["campaign_id"]]
    assert result.skipped == [
        (legacy_id, "legacy Smart+ campaign already migrated as 'Legacy Smart+ US (upgraded)'")
    ]
    assert world.plan([str(again)]).changes == []


def test_only_a_legacy_campaign(world: World) -> None:
    seed.seed_varied(world)
    legacy_id = seed.seed_legacy(world)
    out = world.tmp / "one"
    result = import_to(world, out, (legacy_id,))
    assert [(c.legacy_id, c.name) for c in result.campaigns] == [(legacy_id, "Legacy Smart+ US (upgraded)")]
    # Its new name is checked against every live campaign, not only the imported ones.
    seed.campaign(world, "Legacy Smart+ US (upgraded)", budget=100)
    result = import_to(world, world.tmp / "two", (legacy_id,))
    assert result.campaigns == [] and "already migrated" in result.skipped[0][1]


def test_cli_import_writes_files_that_plan_clean(tmp_path: Path) -> None:
    db = tmp_path / "emu.db"
    app = create_app(db=str(db), seed="demo", now=NOW)
    world = World(app=app, tmp=tmp_path)
    seed.seed_varied(world)
    runner = CliRunner()
    conn = ["--emulator", "--emulator-db", str(db), "--rate-limit", "1000", "--no-manual"]
    out = tmp_path / "out"

    r = runner.invoke(import_cmd, ["--advertiser", ADVERTISER, "-o", str(out), *conn])
    assert r.exit_code == 0, r.output
    assert len(list(out.glob("*.yaml"))) == 4
    assert world.plan([str(out)]).changes == []

    # Existing files are not overwritten: new names are chosen, unless --force.
    r = runner.invoke(import_cmd, ["--advertiser", ADVERTISER, "-o", str(out), *conn])
    assert r.exit_code == 0 and len(list(out.glob("*.yaml"))) == 8
    r = runner.invoke(import_cmd, ["--advertiser", ADVERTISER, "-o", str(out), "--force", *conn])
    assert r.exit_code == 0 and len(list(out.glob("*.yaml"))) == 8

    # stdout: documents separated by ---, loadable as one file.
    r = runner.invoke(import_cmd, ["--advertiser", ADVERTISER, *conn])
    assert r.exit_code == 0
    single = tmp_path / "single"
    single.mkdir()
    (single / "all.yaml").write_text(r.stdout)
    assert len(files.load([str(single)]).manifests) == 4

    r = runner.invoke(import_cmd, ["--advertiser", ADVERTISER, "--campaign", "1899999999999999999", *conn])
    assert r.exit_code == 1 and "no live Smart+ campaign 1899999999999999999" in r.output


def test_cli_import_of_an_empty_account_is_an_error(tmp_path: Path) -> None:
    db = str(tmp_path / "emu.db")
    r = CliRunner().invoke(
        import_cmd, ["--advertiser", ADVERTISER, "--no-manual", "--emulator", "--emulator-db", db]
    )
    assert r.exit_code == 1
    assert "has no Smart+ campaign to import" in r.output and "Traceback" not in r.output


def test_each_document_is_validated_once_and_dumped_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No second pass through temp files: the import validates and dumps each document once
    (validation again only for a document that had a field left out), and writes what it dumped."""
    db = tmp_path / "emu.db"
    world = World(app=create_app(db=str(db), seed="demo", now=NOW), tmp=tmp_path)
    seed.seed_varied(world)
    calls = {"dump": 0, "validate": 0}
    real_dump, real_problems = importer.dump_document, importer.document_problems

    def dump(doc: Any) -> str:
        calls["dump"] += 1
        return real_dump(doc)

    def problems(doc: Any) -> Any:
        calls["validate"] += 1
        return real_problems(doc)

    monkeypatch.setattr(importer, "dump_document", dump)
    monkeypatch.setattr(importer, "document_problems", problems)
    monkeypatch.setattr(files, "load", None)  # no validation of the written files through files.load
    out = tmp_path / "out"
    conn = ["--emulator", "--emulator-db", str(db), "--rate-limit", "1000"]
    r = CliRunner().invoke(import_cmd, ["--advertiser", ADVERTISER, "--no-manual", "-o", str(out), *conn])
    assert r.exit_code == 0, r.output
    written = sorted(out.glob("*.yaml"))
    assert len(written) == 4
    assert calls["dump"] == 4
    # Once more for each document that had refused targeting fields left out (one warning per field).
    # (The emulator, like TikTok, no longer stores targeting fields outside their mode, so the
    # demo seed usually has none: the count is whatever the warnings say.)
    warned = {line.split(":")[1] for line in r.output.splitlines() if "left out" in line}
    assert calls["validate"] == 4 + len(warned)
    monkeypatch.undo()
    assert world.plan([str(out)]).changes == []


def test_cli_import_moves_a_past_start_by_the_servers_clock(tmp_path: Path) -> None:
    """A legacy start time in the future by this machine's clock but in the past by the API's
    (a skewed runner; the emulator's clock set ahead) is moved to the server's next hour: the
    plan, the apply and TikTok all go by the server's clock, so the import does too."""
    db = tmp_path / "emu.db"
    server_now = "2027-10-01 00:00:00"
    world = World(app=create_app(db=str(db), seed="demo", now=server_now), tmp=tmp_path)
    seed.admin(
        world,
        "/_emulator/legacy_campaign",
        {**seed.legacy_row(), "schedule_start_time": "2027-06-01 00:00:00"},
    )
    out = tmp_path / "out"
    conn = ["--emulator", "--emulator-db", str(db), "--rate-limit", "1000", "--no-manual"]
    r = CliRunner().invoke(import_cmd, ["--advertiser", ADVERTISER, "-o", str(out), *conn])
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load((out / "legacy-smart-us-upgraded.yaml").read_text())
    starts = {g["schedule_start_time"] for g in doc["adgroups"]}
    assert starts == {"2027-10-01 01:00:00"}, starts
