"""The defects of issue 11, each exactly as it was reported, end to end.

Each test runs what a user ran (the CLI in process, or the public pipeline) against the
emulator, and asserts what the product contract promises. They are red on the code the
issue was filed against; each docstring says what that code did.

Guardrails: the emulator here runs on the real UTC clock (no fixed `now`), so that the
CLI -- which against `--emulator` reads the machine's clock today -- and the emulator agree;
edits made seconds after a create are in the learning phase, so the tests that are not
about the learning phase pass `--override learning-phase` (or advance the emulator's clock
where they drive the pipeline with the emulator's clock).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from reconciler.emulator.app import TIME_FMT

from ..conftest import DEMO, World
from .support import AdsManager, cli, drift_keys, duplicates, json_out

CAMPAIGN = 'campaign["Spring Sale US"]'
AG18 = f'{CAMPAIGN}.adgroup["US broad 18+"]'
AG25 = f'{CAMPAIGN}.adgroup["US broad 25+"]'


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Path, list[str], AdsManager]]:
    """The demo manifests in a temp folder, a file-backed emulator, and the demo applied."""
    monkeypatch.chdir(tmp_path)  # `apply --auto-approve` saves its plan under ./.smartplus
    m = tmp_path / "manifests"
    shutil.copytree(DEMO, m)
    db = tmp_path / "emu.db"
    conn = ["--emulator", "--emulator-db", str(db)]
    r = cli("apply", "--auto-approve", str(m), *conn, "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output
    yield m, conn, AdsManager(db)


def top_field(field: str | None) -> str | None:
    """`ad_text_list[0].ad_text` -> `ad_text_list`: the managed field a drift item is about."""
    return None if field is None else re.split(r"[.\[]", field, maxsplit=1)[0]


def drift_fields(report: dict[str, object]) -> set[tuple[str, str, str | None]]:
    return {(t, a, top_field(f)) for t, a, f in drift_keys(report)}  # type: ignore[arg-type]


def set_values(manifests: Path, **kv: str) -> None:
    values = manifests / "spring-sale.values.yaml"
    text = values.read_text()
    for key, value in kv.items():
        text, n = re.subn(rf"^{key}: .*$", f"{key}: {value}", text, flags=re.M)
        assert n == 1, key
    values.write_text(text)


# ---- 1. a campaign budget and an ad text in one plan ------------------------------------------------


def test_budget_and_ad_text_in_one_plan_plans_applies_and_converges(
    demo: tuple[Path, list[str], AdsManager], tmp_path: Path
) -> None:
    """Reported: `plan manifests/demo --set budget=600 --set 'headline=New text'` on the demo state
    ended in `internal error: TypeError: '<' not supported between 'NoneType' and 'str'`
    (core/planner.py, `sorted(d.touched)`)."""
    m, conn, am = demo
    sets = ["--set", "budget=600", "--set", "headline=New text"]
    out = str(tmp_path / "plan.json")
    r = cli("plan", str(m), *sets, *conn, "--override", "learning-phase", "-o", out)
    assert r.exit_code == 0, r.output
    assert "internal error" not in r.output
    before = {a["ad_name"]: a for a in am.ads()}
    r = cli("apply", out, *conn, "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output
    # Exactly the budget and the four ads' text changed, nothing else.
    after = {a["ad_name"]: a for a in am.ads()}
    volatile = {"ad_text_list", "modify_time"}
    assert {n: {k: v for k, v in a.items() if k not in volatile} for n, a in after.items()} == {
        n: {k: v for k, v in a.items() if k not in volatile} for n, a in before.items()
    }
    r = cli("plan", str(m), *sets, *conn, "--detailed-exitcode")
    assert r.exit_code == 0, r.output  # converged in one apply
    assert am.campaigns()[0]["budget"] == 600
    assert {a["ad_text_list"][0]["ad_text"] for a in am.ads()} == {"New text"}


# ---- 2. drift after Ads Manager changed a campaign and one of its children --------------------------


def test_drift_of_a_campaign_and_its_child_exits_2_and_names_both(
    demo: tuple[Path, list[str], AdsManager],
) -> None:
    """Reported: `drift` crashed (the same TypeError) when Ads Manager changed a campaign and one of
    its children, so the nightly job exited 1 instead of 2."""
    m, conn, am = demo
    campaign = am.campaigns()[0]
    ad = next(a for a in am.ads() if a["ad_name"] == "broad 18+ video 1")
    am.post("smart_plus/campaign/update/", campaign_id=campaign["campaign_id"], budget=900)
    am.post(
        "smart_plus/ad/update/",
        smart_plus_ad_id=ad["smart_plus_ad_id"],
        ad_text_list=[{"ad_text": "Edited in Ads Manager"}],
    )
    r = cli("drift", str(m), *conn, "--format", "json")
    assert r.exit_code == 2, r.output
    report = json_out(r)
    assert drift_fields(report) == {
        ("changed", CAMPAIGN, "budget"),
        ("changed", f'{AG18}.ad["broad 18+ video 1"]', "ad_text_list"),
    }


# ---- 3. a new ad under a live ad group, a new ad group under a live campaign -------------------------


def test_add_an_ad_to_a_live_adgroup(world: World) -> None:
    """Reported: planned fine, then apply failed with `no remote id known (its create did not
    finish)`, 0 calls made."""
    assert world.apply(world.plan()).ok
    world.advance(8)
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(
        values.read_text().replace(
            'videos: ["v10000000000000001", "v10000000000000002"]',
            'videos: ["v10000000000000001", "v10000000000000002", "v10000000000000005"]',
        )
    )
    plan = world.plan()
    assert [(c.action, str(c.address)) for c in plan.changes if c.action == "create"] == [
        ("create", f'{AG18}.ad["broad 18+ video 3"]')
    ]
    result = world.apply(plan, plan_path=world.tmp / "second.json")
    assert result.ok, (result.failed, result.not_attempted, result.verify_problems)
    assert world.plan().changes == []
    ads = world.get("smart_plus/ad/get/", page_size=100)["list"]
    assert sorted(a["ad_name"] for a in ads if a["operation_status"] == "ENABLE") == [
        "broad 18+ video 1",
        "broad 18+ video 2",
        "broad 18+ video 3",
        "broad 25+ video 1",
        "broad 25+ video 2",
    ]


def test_add_an_adgroup_to_a_live_campaign(world: World) -> None:
    """Reported: as above, for a new ad group (with its ads) under a live campaign."""
    assert world.apply(world.plan()).ok
    world.advance(8)
    values = world.manifests / "spring-sale.values.yaml"
    values.write_text(
        values.read_text()
        + '  - name: broad 18+ b\n    min_age: OVER_EIGHTEEN\n    videos: ["v10000000000000006"]\n'
    )
    plan = world.plan()
    assert sorted(str(c.address) for c in plan.changes if c.action == "create") == [
        f'{CAMPAIGN}.adgroup["US broad 18+ b"]',
        f'{CAMPAIGN}.adgroup["US broad 18+ b"].ad["broad 18+ b video 1"]',
    ]
    result = world.apply(plan, plan_path=world.tmp / "second.json")
    assert result.ok, (result.failed, result.not_attempted, result.verify_problems)
    assert world.plan().changes == []
    groups = world.get("smart_plus/adgroup/get/")["list"]
    assert sorted((g["adgroup_name"], g["operation_status"]) for g in groups) == [
        ("US broad 18+", "ENABLE"),
        ("US broad 18+ b", "ENABLE"),
        ("US broad 25+", "ENABLE"),
    ]


# ---- 4. a pause in Ads Manager is drift, and the next plan re-enables -------------------------------


def test_pause_in_ads_manager_is_drift_and_the_next_plan_enables(
    demo: tuple[Path, list[str], AdsManager], tmp_path: Path
) -> None:
    """Reported: pausing an ad or ad group in Ads Manager was not drift when the manifest does not
    spell `operation_status` (the demo's ad groups and ads do not), although the tool enables every
    object it creates."""
    m, conn, am = demo
    group = next(g for g in am.adgroups() if g["adgroup_name"] == "US broad 25+")
    ad = next(a for a in am.ads() if a["ad_name"] == "broad 18+ video 2")
    am.post(
        "smart_plus/adgroup/status/update/", adgroup_ids=[group["adgroup_id"]], operation_status="DISABLE"
    )
    am.post(
        "smart_plus/ad/status/update/", smart_plus_ad_ids=[ad["smart_plus_ad_id"]], operation_status="DISABLE"
    )

    r = cli("drift", str(m), *conn, "--format", "json")
    assert r.exit_code == 2, r.output
    report = json_out(r)
    assert drift_fields(report) == {
        ("changed", AG25, "operation_status"),
        ("changed", f'{AG18}.ad["broad 18+ video 2"]', "operation_status"),
    }
    assert {(i["live"], i["desired"]) for i in report["items"]} == {("DISABLE", "ENABLE")}

    out = str(tmp_path / "plan.json")
    r = cli("plan", str(m), *conn, "-o", out)  # status changes are never blocked by guardrails
    assert r.exit_code == 0, r.output
    r = cli("apply", out, *conn, "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output
    assert {g["operation_status"] for g in am.adgroups()} == {"ENABLE"}
    assert {a["operation_status"] for a in am.ads()} == {"ENABLE"}
    r = cli("plan", str(m), *conn, "--detailed-exitcode")
    assert r.exit_code == 0, r.output


# ---- 5. recovery after a failed half-apply ----------------------------------------------------------


def test_replan_after_a_failed_half_apply_is_not_blocked_and_enables_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reported: after a half-apply that failed on a mistyped `video_id`, the re-plan was blocked by
    `learning-phase` for ad groups created disabled seconds ago (never delivered), and would have
    left the earlier ad groups and ads disabled for good."""
    monkeypatch.chdir(tmp_path)
    m = tmp_path / "manifests"
    shutil.copytree(DEMO, m)
    conn = ["--emulator", "--emulator-db", str(tmp_path / "emu.db")]
    am = AdsManager(tmp_path / "emu.db")
    values = m / "spring-sale.values.yaml"
    good = values.read_text()
    values.write_text(good.replace('"v10000000000000004"', '"v10000000000000044"'))  # the typo
    r = cli("apply", "--auto-approve", str(m), *conn, "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 1, r.output
    assert "v10000000000000044" in r.output
    assert len(am.adgroups()) == 2  # the half that was applied: created, still disabled

    values.write_text(good)
    out = str(tmp_path / "plan.json")
    r = cli("plan", str(m), *conn, "-o", out)
    assert r.exit_code == 0, r.output  # 3 = blocked by a guardrail
    assert "learning-phase" not in r.output
    r = cli("apply", out, *conn, "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output
    assert [c["operation_status"] for c in am.campaigns()] == ["ENABLE"]
    assert sorted((g["adgroup_name"], g["operation_status"]) for g in am.adgroups()) == [
        ("US broad 18+", "ENABLE"),
        ("US broad 25+", "ENABLE"),
    ]
    ads = am.ads()
    assert len(ads) == 4 and {a["operation_status"] for a in ads} == {"ENABLE"}
    assert duplicates(am.campaigns(), am.adgroups(), ads) == []
    r = cli("plan", str(m), *conn, "--detailed-exitcode")
    assert r.exit_code == 0, r.output


# ---- 6. validate reports every error at once ---------------------------------------------------------


def test_validate_reports_field_errors_and_cross_object_rules_in_one_run(tmp_path: Path) -> None:
    """Reported: `validate` reported field errors first and the cross-object rules (a CONVERT ad
    group without `pixel_id`) only in a later run."""
    m = tmp_path / "manifests"
    shutil.copytree(DEMO, m)
    template = m / "spring-sale.yaml.j2"
    text = template.read_text()
    # A field error on the campaign (an unknown enum value) ...
    text = text.replace("budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET", "budget_mode: BUDGET_MODE_NOPE")
    # ... and a CONVERT ad group without pixel_id (a cross-field rule), in the same file.
    text = text.replace("    pixel_id: {{ pixel_id | quote }}\n", "")
    template.write_text(text)
    r = cli("validate", str(m))
    assert r.exit_code == 1, r.output
    assert "BUDGET_MODE_NOPE" in r.output or "budget_mode" in r.output, r.output
    assert "pixel_id" in r.output, r.output
    assert "traceback" not in r.output.lower()


# ---- 7. guardrails see the emulator's clock over HTTP ------------------------------------------------


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`smartplus emulator serve` in a subprocess, on the real clock, on a free port."""
    from reconciler.emulator.server import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reconciler.cli", "emulator", "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/_emulator/clock", timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("emulator serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_guardrails_follow_the_emulator_clock_over_http(
    served: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reported: against `smartplus emulator serve`, `POST /_emulator/clock {"advance_days": 8}`
    still said "launched 0 day(s) ago": the plan's "now" was the machine's clock, not the API's."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TIKTOK_ACCESS_TOKEN", "demo-token")
    monkeypatch.setenv("TIKTOK_API_BASE_URL", served + "/open_api/v1.3/")
    m = tmp_path / "manifests"
    shutil.copytree(DEMO, m)
    r = cli("apply", "--auto-approve", str(m), "--log", str(tmp_path / "log.jsonl"))
    assert r.exit_code == 0, r.output

    # Seconds after launch, a budget edit is in the learning phase: blocked.
    r = cli("plan", str(m), "--set", "budget=550", "--format", "json")
    assert r.exit_code == 3, r.output
    assert "learning-phase" in r.output

    clock = httpx.post(served + "/_emulator/clock", json={"advance_days": 8}).json()
    r = cli("plan", str(m), "--set", "budget=550", "--format", "json")
    assert r.exit_code == 0, r.output  # day 8: past the 7-day learning phase
    plan = json_out(r)
    # The plan's "now" is the API server's (8 days ahead of this machine), to the second or so.
    made = dt.datetime.strptime(plan["created_at"], TIME_FMT)
    assert abs((made - dt.datetime.strptime(clock["now"], TIME_FMT)).total_seconds()) < 60, plan["created_at"]
    assert "launched 0 day(s) ago" not in r.output


def test_the_emulator_date_header_follows_its_clock(served: str) -> None:
    """The premise of the fix: the API's `Date` header is the emulator's settable clock."""
    from email.utils import parsedate_to_datetime

    clock = httpx.post(served + "/_emulator/clock", json={"advance_days": 8}).json()
    r = httpx.get(
        served + "/open_api/v1.3/smart_plus/campaign/get/",
        params={"advertiser_id": "7000000000000000001"},
        headers={"Access-Token": "demo-token"},
    )
    date = parsedate_to_datetime(r.headers["date"]).replace(tzinfo=None)
    want = dt.datetime.strptime(clock["now"], TIME_FMT)
    assert abs((date - want).total_seconds()) < 5, (r.headers["date"], clock["now"])
