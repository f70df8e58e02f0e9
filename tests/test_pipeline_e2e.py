"""render -> plan -> apply -> plan again, against the emulator in process."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.core.plan import Plan

from .conftest import ADVERTISER, World


def set_budget(manifests: Path, budget: int) -> None:
    values = manifests / "spring-sale.values.yaml"
    values.write_text(re.sub(r"^budget: .*$", f"budget: {budget}", values.read_text(), flags=re.M))


def test_plan_apply_plan_again_is_empty(world: World) -> None:
    first = world.plan()
    counts = first.counts()
    assert counts["create"] == 7  # 1 campaign, 2 ad groups, 4 ads
    assert counts["set_status"] == 0  # enabling what the plan creates is part of each create
    assert [c.action for c in first.changes][:7] == ["create"] * 7
    # Parents before children, and every create is disabled-first.
    kinds = [c.kind for c in first.changes if c.action == "create"]
    assert kinds == ["campaign", "adgroup", "adgroup", "ad", "ad", "ad", "ad"]
    assert all(c.body["operation_status"] == "DISABLE" for c in first.changes if c.action == "create")
    assert first.spend_before == 0 and first.spend_after == 500

    result = world.apply(first)
    assert result.ok, (result.failed, result.verify_problems)
    assert len(result.done) == len(first.changes)

    again = world.plan()
    assert again.changes == [], [c.to_json() for c in again.changes]
    assert again.spend_before == 500 == again.spend_after

    live = world.get("smart_plus/campaign/get/")["list"]
    assert [(c["campaign_name"], c["operation_status"]) for c in live] == [("Spring Sale US", "ENABLE")]
    ads = world.get("smart_plus/ad/get/", page_size=100)["list"]
    assert len(ads) == 4 and {a["operation_status"] for a in ads} == {"ENABLE"}


def test_budget_change_is_a_one_field_update(world: World) -> None:
    assert world.apply(world.plan()).ok
    world.advance(8)  # after the learning phase: a budget edit is not blocked
    set_budget(world.manifests, 650)
    plan = world.plan()
    assert len(plan.changes) == 1
    change = plan.changes[0]
    assert change.action == "update" and change.kind == "campaign"
    assert [(f.path, f.before, f.after) for f in change.fields] == [("budget", 500, 650)]
    assert change.body == {"budget": 650.0}
    assert change.spend_delta == 150
    # Reads ask only for the fields smartplus can manage (`fields` selection): no server-only keys.
    seen = plan.live[change.address.key()].fields
    assert "budget" in seen and "smart_plus_adgroup_mode" not in seen
    assert world.apply(plan, plan_path=world.tmp / "p2.json").ok
    assert world.plan().changes == []
    assert world.get("smart_plus/campaign/get/")["list"][0]["budget"] == 650


def test_plan_json_round_trips(world: World) -> None:
    plan = world.plan()
    data = plan.to_json()
    again = Plan.from_json(json.loads(json.dumps(data)))
    assert again.to_json() == data
    assert "demo-token" not in json.dumps(data)


def test_cli_demo_flow(tmp_path: Path, world: World) -> None:
    """The commands `make demo` runs, through the CLI, with a file-backed emulator."""
    runner = CliRunner()
    db = str(tmp_path / "emu.db")
    m = str(world.manifests)
    plan_file = str(tmp_path / "plan.json")
    conn = ["--emulator", "--emulator-db", db]

    r = runner.invoke(main, ["render", m])
    assert r.exit_code == 0, r.output
    assert 'campaign_name: "Spring Sale US"' in r.output

    r = runner.invoke(main, ["plan", m, *conn, "-o", plan_file, "--detailed-exitcode"])
    assert r.exit_code == 2, r.output
    assert "7 to create" in r.output

    r = runner.invoke(main, ["show", plan_file, "--format", "markdown"])
    assert r.exit_code == 0 and "### smartplus plan" in r.output

    log = tmp_path / "apply-log.jsonl"
    r = runner.invoke(main, ["apply", plan_file, *conn, "--log", str(log)])
    assert r.exit_code == 0, r.output
    assert "Apply complete" in r.output
    [entry] = [json.loads(line) for line in log.read_text().splitlines()]
    assert entry["ok"] is True and entry["plan_id"] == json.loads(Path(plan_file).read_text())["plan_id"]
    assert [c["outcome"] for c in entry["changes"]] == ["done"] * 10
    assert entry["who"] and "demo-token" not in log.read_text()

    r = runner.invoke(main, ["plan", m, *conn, "--detailed-exitcode"])
    assert r.exit_code == 0, r.output
    assert "No changes" in r.output

    # Applying the same plan again does nothing twice: the journal says it is done.
    r = runner.invoke(main, ["apply", plan_file, *conn, "--log", str(log)])
    assert r.exit_code == 0, r.output
    assert "already applied" in r.output
    assert [c["outcome"] for c in json.loads(log.read_text().splitlines()[1])["changes"]] == [
        "already_done"
    ] * 10
    assert ADVERTISER in Path(plan_file).read_text()


def test_unknown_override_rule_is_an_error(world: World, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        main,
        [
            "plan",
            str(world.manifests),
            "--emulator",
            "--emulator-db",
            str(tmp_path / "e.db"),
            "--override",
            "learning",
        ],
    )
    assert r.exit_code == 1
    assert "unknown guardrail 'learning'" in r.output and "learning-phase" in r.output


def test_an_ad_with_creatives_of_two_shapes_converges(world: World) -> None:
    """One ad with two creatives that differ in shape (a single video with its cover, a carousel
    with its music): after the apply the next plan is empty. The diff used to give each creative
    the keys of both (the carousel ``video_info: null``) and planned an update after every apply."""
    template = world.manifests / "spring-sale.yaml.j2"
    text = template.read_text()
    one = "              identity_id: {{ identity_id | quote }}\n"
    second = (
        "          - creative_info:\n"
        "              ad_format: CAROUSEL_ADS\n"
        '              image_info: [{web_uri: "i10000000000000001"}, {web_uri: "i10000000000000002"}]\n'
        '              music_info: {music_id: "m10000000000000001"}\n'
        "              identity_type: TT_USER\n"
        "              identity_id: {{ identity_id | quote }}\n"
    )
    assert text.count(one) == 1
    template.write_text(text.replace(one, one + second))
    first = world.plan()
    ads = [c for c in first.changes if c.kind == "ad" and c.action == "create"]
    assert len(ads) == 4 and all(len(c.body["creative_list"]) == 2 for c in ads)
    result = world.apply(first)
    assert result.ok, (result.failed, result.verify_problems)
    again = world.plan()
    assert again.changes == [], [c.to_json() for c in again.changes]
