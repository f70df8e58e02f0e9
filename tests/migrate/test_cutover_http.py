"""The cutover end to end: real `smartplus` processes against the HTTP emulator's demo account.

import (the two manual demo campaigns become upgraded manifests with migrate_from) -> plan (the
creates, the enables, then the two pauses, with their spend) -> apply -> plan (no changes). The
manual campaigns end disabled, their upgraded twins enabled, with the same budgets and targeting.
Then a manual campaign re-enabled behind the tool's back is drift, and the next plan pauses it again.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.emulator import create_app
from reconciler.emulator.server import BackgroundServer

from ..conftest import ADVERTISER, NOW

EVERGREEN, RETARGETING = "1870000000000000001", "1870000000000000002"
PORTFOLIO = "7400000000000000001"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    app = create_app(db=str(tmp_path / "emu.db"), seed="demo", now=NOW)
    with BackgroundServer(app) as url:
        yield url


def cli(url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIKTOK_")}
    env.update(
        TIKTOK_API_BASE_URL=url + "/open_api/v1.3/",
        TIKTOK_ACCESS_TOKEN="demo-token",
        SMARTPLUS_LOCK_DIR=str(tmp / "locks"),
        NO_COLOR="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "reconciler", *args], env=env, capture_output=True, text=True, timeout=120
    )


def api(url: str, path: str, **params: Any) -> list[dict[str, Any]]:
    with httpx.Client(base_url=url + "/open_api/v1.3/", headers={"Access-Token": "demo-token"}) as c:
        q = {"advertiser_id": ADVERTISER, "page_size": 1000}
        q.update({k: json.dumps(v) if isinstance(v, dict | list) else v for k, v in params.items()})
        body = c.get(path, params=q).json()
        assert body["code"] == 0, body
        return list(body["data"]["list"])


def post(url: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
    with httpx.Client(base_url=url + "/open_api/v1.3/", headers={"Access-Token": "demo-token"}) as c:
        r = c.post(path, json={"advertiser_id": ADVERTISER, **body}).json()
        assert r["code"] == 0, r
        return dict(r["data"])


def manual_status(url: str) -> dict[str, str]:
    rows = api(url, "campaign/get/", filtering={"campaign_automation_type": "MANUAL"})
    return {r["campaign_id"]: r["operation_status"] for r in rows}


def test_import_plan_apply_cutover_then_nothing(server: str, tmp_path: Path) -> None:
    out = tmp_path / "manifests"
    r = cli(
        server, tmp_path, "import", "--advertiser", ADVERTISER, "-o", str(out), "--cta-portfolio", PORTFOLIO
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "manual-evergreen-us-upgraded.yaml",
        "manual-retargeting-ca-upgraded.yaml",
    ]
    text = (out / "manual-evergreen-us-upgraded.yaml").read_text()
    assert f'migrate_from:\n  campaign_id: "{EVERGREEN}"' in text

    plan_file = tmp_path / "plan.json"
    r = cli(server, tmp_path, "plan", str(out), "-o", str(plan_file))
    assert r.returncode == 0, r.stdout + r.stderr
    plan = json.loads(plan_file.read_text())
    ops = plan["changes"]
    kinds = [(o["type"], o["kind"]) for o in ops]
    assert kinds.count(("create_campaign", "campaign")) == 2
    assert kinds.count(("create_adgroup", "adgroup")) == 3
    assert kinds.count(("create_ad", "ad")) == 3
    pauses = [o for o in ops if o["type"] == "pause_manual_campaign"]
    assert sorted(o["manual_id"] for o in pauses) == [EVERGREEN, RETARGETING]
    assert [o["endpoint"] for o in pauses] == ["campaign/status/update/"] * 2
    # Only after every enable: the pauses are the plan's last steps.
    enable_campaigns = max(
        i for i, o in enumerate(ops) if o["type"] == "set_status" and o["kind"] == "campaign"
    )
    assert all(ops.index(p) > enable_campaigns for p in pauses)
    assert sorted(o["spend_delta"] for o in pauses) == [-300.0, -80.0]
    assert plan["spend"] == {"before": 380.0, "after": 380.0}  # 300 + 80 move, nothing doubles
    assert "Maximum daily spend: 380.00 -> 380.00 (+0.00)" in r.stdout
    assert "daily spend -300.00" in r.stdout and "daily spend +380.00" in r.stdout
    calendar = [
        n for n in plan["notes"] if n["kind"] == "warning" and "day(s) left until 2026-12-31" in n["message"]
    ]
    assert sorted(n["remote_id"] for n in calendar) == [EVERGREEN, RETARGETING]
    assert all("32 day(s) left" in n["message"] for n in calendar)  # by the emulator's clock, 2026-11-29

    r = cli(server, tmp_path, "apply", str(plan_file), "--log", "")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Apply complete" in r.stdout

    r = cli(server, tmp_path, "plan", str(out), "--detailed-exitcode")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "No changes" in r.stdout

    assert manual_status(server) == {EVERGREEN: "DISABLE", RETARGETING: "DISABLE"}
    twins = {c["campaign_name"]: c for c in api(server, "smart_plus/campaign/get/")}
    evergreen, retargeting = (
        twins["Manual Evergreen US (upgraded)"],
        twins["Manual Retargeting CA (upgraded)"],
    )
    assert evergreen["operation_status"] == retargeting["operation_status"] == "ENABLE"
    assert (evergreen["budget_optimize_on"], evergreen["budget"]) == (True, 300)
    assert retargeting["budget_optimize_on"] is False

    # Targeting and budgets as the manual ad groups had them.
    manual_groups = {
        g["adgroup_name"]: g for g in api(server, "adgroup/get/") if g["campaign_automation_type"] == "MANUAL"
    }
    new_groups = {g["adgroup_name"]: g for g in api(server, "smart_plus/adgroup/get/")}
    assert sorted(new_groups) == sorted(manual_groups)
    for name, old in manual_groups.items():
        spec = new_groups[name]["targeting_spec"]
        assert spec["location_ids"] == old["location_ids"], name
        for key in ("age_groups", "languages", "audience_ids", "operating_systems"):
            if old[key]:  # unset: TikTok's defaults (under AUTOMATIC, every adult age)
                assert spec.get(key) == old[key], (name, key)
        if old["gender"] != "GENDER_UNLIMITED":
            assert spec["gender"] == old["gender"]
    cart = new_groups["Retargeting CA - Cart abandoners"]
    assert (cart["budget"], cart["targeting_optimization_mode"]) == (80, "MANUAL")
    assert new_groups["Evergreen US - Broad"]["targeting_optimization_mode"] == "AUTOMATIC"
    ads = api(server, "smart_plus/ad/get/", page_size=100)
    assert sorted(len(a["creative_list"]) for a in ads) == [1, 2, 2]  # five manual ads, five creatives
    assert all(a["ad_configuration"]["call_to_action_id"] == PORTFOLIO for a in ads)

    # Re-enabled behind the tool's back while its replacement runs: drift, and the plan pauses it again.
    post(server, "campaign/status/update/", {"campaign_ids": [EVERGREEN], "operation_status": "ENABLE"})
    r = cli(server, tmp_path, "drift", str(out))
    assert r.returncode == 2, r.stdout + r.stderr
    assert (
        f'manual campaign["Manual Evergreen US"] ({EVERGREEN}): operation_status: live "ENABLE", manifest "DISABLE"'
        in r.stdout
    )
    again = tmp_path / "again.json"
    r = cli(server, tmp_path, "plan", str(out), "-o", str(again))
    assert r.returncode == 0, r.stdout + r.stderr
    (op,) = json.loads(again.read_text())["changes"]
    assert (op["type"], op["manual_id"], op["spend_delta"]) == ("pause_manual_campaign", EVERGREEN, -300.0)
    assert "re-enabled behind the tool's back" in op["reason"]
    r = cli(server, tmp_path, "apply", str(again), "--log", "")
    assert r.returncode == 0, r.stdout + r.stderr
    assert manual_status(server)[EVERGREEN] == "DISABLE"
    assert cli(server, tmp_path, "drift", str(out)).returncode == 0
