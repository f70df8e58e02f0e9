"""kill -9 of `smartplus apply` between the enable of the upgraded campaign and the pause of the
manual one, then `smartplus apply` again: both campaigns run in between (visible, nothing lost), the
resumed apply creates nothing twice, and the manual campaign is paused exactly once.

Real processes: `smartplus emulator serve` with latency, the apply killed with SIGKILL as soon as the
journal records the start of the pause step (before its read-back of the replacement has answered).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from ..apply.test_sigkill import ROOT, free_port, wait_for
from ..conftest import ADVERTISER

SMARTPLUS = [sys.executable, "-m", "reconciler"]
EVERGREEN = "1870000000000000001"


def events(journal: Path) -> list[dict[str, Any]]:
    if not journal.exists():
        return []
    out = []
    for line in journal.read_text().splitlines():
        with contextlib.suppress(ValueError):  # a line being written
            out.append(json.loads(line))
    return out


def test_sigkill_between_enable_and_pause_then_resume(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *SMARTPLUS,
            "emulator",
            "serve",
            "--port",
            str(port),
            "--latency-ms",
            "150",
            "--db",
            str(tmp_path / "emu.db"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("TIKTOK_")},
        "TIKTOK_ACCESS_TOKEN": "demo-token",
        "TIKTOK_API_BASE_URL": f"{base}/open_api/v1.3/",
        "SMARTPLUS_LOCK_DIR": str(tmp_path / "locks"),
        "NO_COLOR": "1",
    }
    http = httpx.Client(base_url=f"{base}/open_api/v1.3/", headers={"Access-Token": "demo-token"}, timeout=10)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*SMARTPLUS, *args], env=env, capture_output=True, text=True, timeout=120)

    def manual_status() -> str:
        q = {"advertiser_id": ADVERTISER, "filtering": json.dumps({"campaign_ids": [EVERGREEN]})}
        return str(http.get("campaign/get/", params=q).json()["data"]["list"][0]["operation_status"])

    def twins() -> list[dict[str, Any]]:
        rows = http.get("smart_plus/campaign/get/", params={"advertiser_id": ADVERTISER}).json()["data"][
            "list"
        ]
        return [r for r in rows if r["campaign_name"] == "Manual Evergreen US (upgraded)"]

    try:
        wait_for(f"{base}/_emulator/stats")
        out = tmp_path / "manifests"
        r = run("import", "--advertiser", ADVERTISER, "--campaign", EVERGREEN, "-o", str(out))
        assert r.returncode == 0, r.stdout + r.stderr
        plan_file = tmp_path / "plan.json"
        r = run("plan", str(out), "-o", str(plan_file))
        assert r.returncode == 0, r.stdout + r.stderr
        ops = json.loads(plan_file.read_text())["changes"]
        (pause,) = [o["id"] for o in ops if o["type"] == "pause_manual_campaign"]
        (enable,) = [o["id"] for o in ops if o["type"] == "set_status" and o["kind"] == "campaign"]
        journal = tmp_path / "plan.json.journal"

        apply = subprocess.Popen(
            [*SMARTPLUS, "apply", str(plan_file), "--log", ""],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 90
        while apply.poll() is None and time.monotonic() < deadline:
            if any(e.get("event") == "start" and e.get("change") == pause for e in events(journal)):
                break
            time.sleep(0.005)
        assert apply.poll() is None, "apply finished before it could be killed"
        apply.send_signal(signal.SIGKILL)
        apply.wait()
        seen = events(journal)
        assert {"event": "done", "change": enable} in [
            {k: e.get(k) for k in ("event", "change")} for e in seen
        ]
        assert not any(e.get("event") == "done" and e.get("change") == pause for e in seen)

        # In between, both are visible: the upgraded twin runs, the manual campaign was not paused.
        (twin,) = twins()
        assert twin["operation_status"] == "ENABLE"
        assert manual_status() == "ENABLE"
        r = run("plan", str(out))
        assert r.returncode == 0 and 'campaign["Manual Evergreen US"]' in r.stdout, r.stdout + r.stderr

        r = run("apply", str(plan_file), "--log", "")
        assert r.returncode == 0, r.stdout + r.stderr
        assert "already applied by an earlier run" in r.stdout
        assert "Apply complete" in r.stdout

        assert manual_status() == "DISABLE"
        assert [t["campaign_id"] for t in twins()] == [twin["campaign_id"]]  # no duplicate
        stats = httpx.get(f"{base}/_emulator/stats").json()["by_path_code"]
        assert stats["/open_api/v1.3/campaign/status/update/"] == {"0": 1}  # paused once
        assert sum(stats["/open_api/v1.3/smart_plus/campaign/create/"].values()) == 1
        r = run("plan", str(out), "--detailed-exitcode")
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        http.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
