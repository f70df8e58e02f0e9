"""kill -9 in the middle of `smartplus apply`, then `smartplus apply` again.

Real processes and a real HTTP server: the emulator runs as `smartplus emulator
serve` with latency, the apply runs as a subprocess and is killed with SIGKILL
once the journal shows some finished changes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from .faults import write_manifests

ROOT = Path(__file__).resolve().parent.parent.parent
SMARTPLUS = [sys.executable, "-m", "reconciler"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not come up")


def done_count(journal: Path) -> int:
    if not journal.exists():
        return 0
    return sum(1 for line in journal.read_text().splitlines() if '"event": "done"' in line)


def test_sigkill_mid_apply_then_resume(tmp_path: Path) -> None:
    manifests = write_manifests(tmp_path / "manifests", ["US", "DE", "FR"])
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
            "60",
            "--db",
            str(tmp_path / "emu.db"),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "TIKTOK_ACCESS_TOKEN": "demo-token",
        "TIKTOK_API_BASE_URL": f"{base}/open_api/v1.3/",
        "NO_COLOR": "1",
    }
    try:
        wait_for(f"{base}/_emulator/stats")
        plan_file = tmp_path / "plan.json"
        r = subprocess.run(
            [*SMARTPLUS, "plan", str(manifests), "-o", str(plan_file)],
            env=env,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stderr
        n_changes = len(json.loads(plan_file.read_text())["changes"])
        journal = tmp_path / "plan.json.journal"

        apply = subprocess.Popen(
            [*SMARTPLUS, "apply", str(plan_file), "--rate-limit", "20", "--log", str(tmp_path / "log.jsonl")],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 60
        while done_count(journal) < 5 and apply.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert apply.poll() is None, "apply finished before it could be killed"
        apply.send_signal(signal.SIGKILL)
        apply.wait()
        killed_at = done_count(journal)
        assert 5 <= killed_at < n_changes

        r = subprocess.run(
            [*SMARTPLUS, "apply", str(plan_file), "--log", str(tmp_path / "log.jsonl")],
            env=env,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stdout + r.stderr
        assert "already applied by an earlier run" in r.stdout
        assert "Apply complete" in r.stdout

        r = subprocess.run(
            [*SMARTPLUS, "plan", str(manifests), "--detailed-exitcode"],
            env=env,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0, r.stdout + r.stderr

        headers = {"Access-Token": "demo-token"}
        params = {"advertiser_id": "7000000000000000001", "page_size": "100"}
        for kind in ("campaign", "adgroup", "ad"):
            rows = httpx.get(
                f"{base}/open_api/v1.3/smart_plus/{kind}/get/", params=params, headers=headers
            ).json()
            names = [
                (row.get("campaign_id"), row.get("adgroup_id"), row[f"{kind}_name"])
                for row in rows["data"]["list"]
            ]
            assert len(names) == len(set(names)), f"duplicate {kind}s: {names}"
        assert len(rows["data"]["list"]) == 12  # 3 campaigns x 2 ad groups x 2 ads, no more
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)
