"""Two `smartplus apply` processes at once never duplicate anything.

Real processes against the HTTP emulator with latency: on the same plan file, on two copies
of it, on two copies as two CI runners would hold them (no shared disk, so no shared lock),
and on two plans made separately for one new campaign. In every run each object stands once,
and the process that loses is refused (or finds nothing left to do); a plan afterwards is empty.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from reconciler.emulator import create_app
from reconciler.emulator.server import BackgroundServer

from ..conftest import DEMO

ADV = "7000000000000000001"
LATENCY_MS = 30


def smartplus(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "reconciler", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(p: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = p.communicate(timeout=120)
    return p.returncode, out


def names(url: str) -> dict[str, Counter[str]]:
    """Live objects by kind: how often each (parent, name) stands."""
    out: dict[str, Counter[str]] = {}
    with httpx.Client(base_url=url + "/open_api/v1.3/", headers={"Access-Token": "demo-token"}) as c:
        for kind, path, name, parent in (
            ("campaign", "smart_plus/campaign/get/", "campaign_name", None),
            ("adgroup", "smart_plus/adgroup/get/", "adgroup_name", "campaign_id"),
            ("ad", "smart_plus/ad/get/", "ad_name", "adgroup_id"),
        ):
            rows: list[dict[str, Any]] = []
            page = 1
            while True:
                data = c.get(path, params={"advertiser_id": ADV, "page": page, "page_size": 100}).json()[
                    "data"
                ]
                rows += data["list"]
                if page >= data["page_info"]["total_page"]:
                    break
                page += 1
            out[kind] = Counter(f"{r.get(parent) if parent else ''}/{r[name]}" for r in rows)
    return out


@pytest.fixture
def server(tmp_path: Path) -> Any:
    app = create_app(db=str(tmp_path / "emu.db"), seed="demo", latency_ms=LATENCY_MS)
    with BackgroundServer(app) as url:
        yield url


def env_for(url: str, lock_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIKTOK_")}
    env.update(
        TIKTOK_API_BASE_URL=url + "/open_api/v1.3/",
        TIKTOK_ACCESS_TOKEN="demo-token",
        SMARTPLUS_LOCK_DIR=str(lock_dir),
        NO_COLOR="1",
    )
    return env


HOWS = ("same-file", "two-copies", "two-runners", "two-plans")


@dataclass
class Race:
    how: str
    duplicates: dict[str, dict[str, int]]
    codes: tuple[int, int]
    outputs: tuple[str, str]
    campaigns: int
    ads: int
    converged: bool
    final: str


def race(server: str, tmp_path: Path, how: str) -> Race:
    """Two `smartplus apply` processes started together, then one more plan (and apply if the
    winner stopped) to see that the account converges."""
    manifests = tmp_path / "manifests"
    shutil.copytree(DEMO, manifests)
    lock_a, lock_b = tmp_path / "locks-a", tmp_path / "locks-b"
    env_a = env_for(server, lock_a)
    # Two runners share no disk, so no lock: only the account can keep them apart.
    env_b = env_for(server, lock_b if how in ("two-runners", "two-plans") else lock_a)
    plan_a = tmp_path / "a" / "plan.json"
    plan_a.parent.mkdir()
    assert finish(smartplus(env_a, "plan", str(manifests), "-o", str(plan_a)))[0] == 0
    if how == "same-file":
        plan_b = plan_a
    elif how == "two-plans":
        plan_b = tmp_path / "b" / "plan.json"
        plan_b.parent.mkdir()
        assert finish(smartplus(env_b, "plan", str(manifests), "-o", str(plan_b)))[0] == 0
    else:
        plan_b = tmp_path / "b" / "plan.json"
        plan_b.parent.mkdir()
        shutil.copy(plan_a, plan_b)

    a = smartplus(env_a, "apply", str(plan_a), "--log", "")
    b = smartplus(env_b, "apply", str(plan_b), "--log", "")
    (code_a, out_a), (code_b, out_b) = finish(a), finish(b)
    seen = names(server)
    dups = {kind: {k: n for k, n in counts.items() if n > 1} for kind, counts in seen.items()}
    final = tmp_path / "final.json"
    code, out = finish(smartplus(env_a, "plan", str(manifests), "-o", str(final), "--detailed-exitcode"))
    if code == 2:
        finish(smartplus(env_a, "apply", str(final), "--log", ""))
        code, out = finish(smartplus(env_a, "plan", str(manifests), "--detailed-exitcode"))
    return Race(
        how,
        {k: v for k, v in dups.items() if v},
        (code_a, code_b),
        (out_a, out_b),
        sum(seen["campaign"].values()),
        sum(seen["ad"].values()),
        code == 0,
        out,
    )


@pytest.mark.parametrize("how", HOWS)
def test_two_applies_at_once_never_duplicate(server: str, tmp_path: Path, how: str) -> None:
    r = race(server, tmp_path, how)
    out_a, out_b = r.outputs
    assert not r.duplicates, f"{how}: duplicated {r.duplicates}\nA: {out_a}\nB: {out_b}"
    assert r.campaigns == 1 and r.ads == 4
    assert "Traceback" not in out_a + out_b
    assert sorted(r.codes) in ([0, 0], [0, 1]), f"A {r.codes[0]}: {out_a}\nB {r.codes[1]}: {out_b}"
    if 1 in r.codes:
        loser = out_a if r.codes[0] == 1 else out_b
        assert any(
            why in loser
            for why in ("locked by another apply", "stale", "another apply is creating", "TikTok already had")
        ), loser
    # Whoever lost, the account converges: one more plan (and apply, if the winner stopped) is empty.
    assert r.converged, r.final
