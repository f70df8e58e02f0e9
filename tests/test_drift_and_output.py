"""Drift against the emulator, the Markdown size limit, and the token's secrecy."""

from __future__ import annotations

import json
import os
from pathlib import Path

from click.testing import CliRunner

from reconciler.cli import main
from reconciler.core import drift, explain
from reconciler.core.addresses import Address
from reconciler.core.diff import FieldChange
from reconciler.core.operations import DisableOrphans, Ref, Target, Update
from reconciler.core.plan import Plan

from .conftest import World


def test_drift_reports_exactly_what_changed_behind_our_back(world: World) -> None:
    assert world.apply(world.plan()).ok
    assert drift.drift_report(world.plan())["drift"] is False

    campaign = world.get("smart_plus/campaign/get/")["list"][0]
    groups = world.get("smart_plus/adgroup/get/")["list"]
    by_name = {g["adgroup_name"]: g for g in groups}
    # 1. a budget edit, 2. a status change, 3. a new ad group nobody declared
    world.post("smart_plus/campaign/update/", {"campaign_id": campaign["campaign_id"], "budget": 900})
    world.post(
        "smart_plus/adgroup/status/update/",
        {"adgroup_ids": [by_name["US broad 25+"]["adgroup_id"]], "operation_status": "DISABLE"},
    )
    body = {k: v for k, v in by_name["US broad 18+"].items() if k in ADGROUP_CREATE_KEYS}
    body.update(
        {
            "adgroup_name": "made in Ads Manager",
            "request_id": "424242",
            "targeting_spec": {"location_ids": ["6252001"]},
        }
    )
    new = world.post("smart_plus/adgroup/create/", body)

    report = drift.drift_report(world.plan())
    got = sorted((i["type"], i["address"], i["field"], i["live"], i["desired"]) for i in report["items"])
    # Exactly these three, nothing else. The ad group's manifest leaves operation_status out,
    # which means ENABLE (product.md 4.3): the pause is drift.
    assert got == [
        ("changed", 'campaign["Spring Sale US"]', "budget", 900, 500),
        (
            "changed",
            'campaign["Spring Sale US"].adgroup["US broad 25+"]',
            "operation_status",
            "DISABLE",
            "ENABLE",
        ),
        ("orphan", 'campaign["Spring Sale US"].adgroup["made in Ads Manager"]', None, "exists", None),
    ]
    assert report["drift"] is True
    assert {i["remote_id"] for i in report["items"] if i["type"] == "orphan"} == {new["adgroup_id"]}

    # The same drift twice gives the same signatures: a nightly job raises it once.
    again = drift.drift_report(world.plan())
    assert again["signature"] == report["signature"]
    assert [i["signature"] for i in again["items"]] == [i["signature"] for i in report["items"]]
    # A different value is new drift.
    world.post("smart_plus/campaign/update/", {"campaign_id": campaign["campaign_id"], "budget": 950})
    third = drift.drift_report(world.plan())
    assert third["signature"] != report["signature"]


ADGROUP_CREATE_KEYS = {
    "campaign_id",
    "promotion_type",
    "optimization_goal",
    "optimization_event",
    "pixel_id",
    "billing_event",
    "bid_type",
    "schedule_type",
    "schedule_start_time",
    "targeting_optimization_mode",
    "targeting_spec",
}


def test_drift_cli_exit_code_and_unmanaged(world: World, tmp_path: Path) -> None:
    runner = CliRunner()
    conn = ["--emulator", "--emulator-db", str(tmp_path / "emu.db")]
    m = str(world.manifests)
    r = runner.invoke(main, ["drift", m, *conn, "--format", "json"])
    assert r.exit_code == 2  # nothing applied yet: everything is missing
    report = json.loads(r.output)
    assert [i["type"] for i in report["items"]] == ["missing"]
    r = runner.invoke(main, ["apply", "--auto-approve", m, *conn, "--log", str(tmp_path / "log.jsonl")])
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["drift", m, *conn, "--all"])
    assert r.exit_code == 0, r.output
    assert "No drift" in r.output


def big_plan(n_campaigns: int) -> Plan:
    changes = []
    for i in range(n_campaigns):
        addr = Address("7000000000000000001", f"Campaign {i:04d} " + "x" * 40)
        changes.append(
            Update(
                id=f"{i:04d}",
                address=addr,
                live_id=str(1800000000000000000 + i),
                body={f"field_{k}": "b" * 50 for k in range(5)},
                fields=tuple(FieldChange(f"field_{k}", "a" * 50, "b" * 50) for k in range(5)),
            )
        )
    changes.append(
        DisableOrphans(
            id="9999",
            address=Address("7000000000000000001", "Last", "orphan"),
            batch=(
                Target(Address("7000000000000000001", "Last", "orphan"), Ref(live_id="1810000000000000009")),
            ),
            to_status="DISABLE",
        )
    )
    return Plan(
        changes, "sha256:x", ["7000000000000000001"], "2026-11-29 12:00:00", "2026-11-30 12:00:00", "t"
    )


def test_markdown_stays_under_githubs_limit_and_says_it_cut() -> None:
    small = explain.markdown(big_plan(3))
    assert small.startswith(explain.PLAN_MARKER)
    assert "✂️" not in small
    huge = explain.markdown(big_plan(2000))
    assert len(huge) < explain.GITHUB_LIMIT
    assert "cut to stay under GitHub's" in huge
    # Summary first; destructive changes in the first screen.
    assert huge.index("| action | count |") < 600
    assert huge.index("Blocked and destructive changes") < 2000
    # The overview cannot hold 2,001 campaigns: it says how many more there are.
    assert "Campaign 0000" in huge and "more campaigns not in this table" in huge


def test_token_never_appears_in_output_plan_or_errors(world: World, tmp_path: Path) -> None:
    secret = "tok-ZXCV-very-secret-123"
    env = {"TIKTOK_ACCESS_TOKEN": secret, "TIKTOK_API_BASE_URL": "http://127.0.0.1:9/open_api/v1.3/"}
    runner = CliRunner()
    old = dict(os.environ)
    try:
        os.environ.update(env)
        r = runner.invoke(
            main, ["plan", str(world.manifests), "-o", str(tmp_path / "p.json"), "--rate-limit", "1000"]
        )
    finally:
        os.environ.clear()
        os.environ.update(old)
    assert r.exit_code == 1  # nothing listens on port 9
    assert secret not in r.output
    assert "connection failed" in r.output
    assert not (tmp_path / "p.json").exists()
    # With the emulator and a wrong token: TikTok's 40105, and still no token in the message.
    os.environ["TIKTOK_ACCESS_TOKEN"] = secret
    try:
        r = runner.invoke(
            main, ["plan", str(world.manifests), "--emulator", "--emulator-db", str(tmp_path / "e.db")]
        )
    finally:
        del os.environ["TIKTOK_ACCESS_TOKEN"]
    assert r.exit_code == 1 and "40105" in r.output and secret not in r.output
