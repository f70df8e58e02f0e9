"""A harness shared by the fault property test and bench/fault_soak.py.

It runs the real pipeline (plan, apply, resume) against an emulator in
process whose faults are injected by the emulator itself (errors 50000/50002,
timeouts, dropped connections, writes whose answer is lost, 40100), plus
crashes of our own process, simulated by a transport that raises a
``BaseException`` at a chosen request, so nothing of ours can catch it: what
survives is only what the journal wrote, exactly as after ``kill -9``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from reconciler import pipeline
from reconciler.adapters.api import TikTokClient
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.errors import SmartplusError
from reconciler.settings import EMULATOR_BASE_URL, Secret

ROOT = Path(__file__).resolve().parent.parent.parent
ADVERTISER = "7000000000000000001"
NOW = "2026-11-29 12:00:00"


KINDS_DEFAULT = ("error50000", "error50002", "timeout", "drop", "lost", "throttle")


class Crash(BaseException):
    """Our process dies here (not an Exception: nothing in the tool catches it)."""


class CrashingTransport(httpx.AsyncBaseTransport):
    """Forwards to the emulator; at request number ``crash_at`` (1-based) the
    request reaches the server (its write happens) and then the process dies."""

    def __init__(self, inner: httpx.AsyncBaseTransport, crash_at: int | None) -> None:
        self.inner = inner
        self.crash_at = crash_at
        self.count = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.count += 1
        if self.crash_at is not None and self.count == self.crash_at:
            with contextlib.suppress(httpx.HTTPError):
                await self.inner.handle_async_request(request)
            raise Crash(f"crash at request {self.count}")
        return await self.inner.handle_async_request(request)


def write_manifests(dest: Path, markets: list[str], ads_per_group: int = 2) -> Path:
    """Several campaigns from the demo template (one per market)."""
    dest.mkdir(parents=True, exist_ok=True)
    template = (ROOT / "manifests" / "demo" / "spring-sale.yaml.j2").read_text()
    base = (ROOT / "manifests" / "demo" / "spring-sale.values.yaml").read_text()
    for market in markets:
        (dest / f"{market}.yaml.j2").write_text(template)
        videos = json.dumps([f"v1000000000000000{i}" for i in range(1, ads_per_group + 1)])
        values = base.replace("market: US", f"market: {market}")
        values = values.replace('videos: ["v10000000000000001", "v10000000000000002"]', f"videos: {videos}")
        values = values.replace('videos: ["v10000000000000003", "v10000000000000004"]', f"videos: {videos}")
        (dest / f"{market}.values.yaml").write_text(values)
    return dest


@dataclass
class Outcome:
    runs: int = 0  # apply invocations (1 + resumes)
    crashes: int = 0
    failures: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    duplicates: list[str] = field(default_factory=list)
    remaining_changes: int = 0
    calls: int = 0
    error: str | None = None


def _client(app: Any, crash_at: int | None) -> TikTokClient:
    transport = CrashingTransport(EmulatorTransport(app), crash_at)
    return TikTokClient(
        EMULATOR_BASE_URL,
        Secret("demo-token"),
        transport=transport,
        rate_limit=0,
        backoff_base=0.0005,
        backoff_cap=0.002,
        max_attempts=4,
    )


async def _post_admin(app: Any, path: str, body: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://emulator") as c:
        r = await c.post(path, json=body)
        return r.json()


async def converge(
    workdir: Path,
    manifests: Path,
    *,
    faults: str,
    fault_seed: int,
    crash_points: list[int],
    max_runs: int = 30,
) -> Outcome:
    """Plan once (cleanly), then apply under faults, resuming after every failure or crash,
    until apply succeeds; then check the account against the manifests."""
    app = create_app(db=":memory:", seed="demo", now=NOW)
    out = Outcome()
    loaded = pipeline.load_desired([str(manifests)])
    req = pipeline.PlanRequest([str(manifests)])
    plan_path = workdir / "plan.json"
    journal = pipeline.journal_path(plan_path)
    if journal.exists():
        journal.unlink()
    async with _client(app, None) as c:
        plan = await pipeline.make_plan(c, loaded, req)
    await _post_admin(app, "/_emulator/config", {"faults": faults, "fault_seed": fault_seed})
    crashes = list(crash_points)
    while out.runs < max_runs:
        out.runs += 1
        crash_at = crashes.pop(0) if crashes else None
        client = _client(app, crash_at)
        try:
            result = await pipeline.apply_saved(client, plan, loaded, plan_path=plan_path)
        except Crash:
            out.crashes += 1
            continue
        except Exception:  # a refused or failed apply: run it again, as a user would
            out.failures += 1
            continue
        finally:
            out.calls += sum(client.stats.calls.values())
            await client.aclose()
        if result.ok:
            break
        out.failures += 1
    await _post_admin(app, "/_emulator/config", {"faults": ""})
    async with _client(app, None) as c:
        stats = await c._http.get("http://emulator/_emulator/stats")
        out.faults.update(_fault_counts(stats.json()))
        out.duplicates = await find_duplicates(c)
        try:
            again = await pipeline.make_plan(c, loaded, req)
            out.remaining_changes = len(again.changes)
        except SmartplusError as exc:  # two live objects with one name: duplicates, reported above
            out.remaining_changes = -1
            out.error = exc.summary
    return out


FAULT_CODES = {
    "40100": "throttle",
    "50000": "error50000",
    "50002": "error50002",
    "timeout": "timeout",
    "drop": "drop",
    "lost": "lost",
}


def _fault_counts(stats: dict[str, Any]) -> dict[str, int]:
    """The emulator counts answers by code; injected faults have codes of their own."""
    by_code = stats.get("by_code", {})
    return {name: int(by_code[code]) for code, name in FAULT_CODES.items() if code in by_code}


async def find_duplicates(c: TikTokClient) -> list[str]:
    """Two live objects with the same name under the same parent is a duplicate."""
    dups: list[str] = []
    camps = await c.get_all("smart_plus/campaign/get/", {"advertiser_id": ADVERTISER}, 1000)
    groups = await c.get_all("smart_plus/adgroup/get/", {"advertiser_id": ADVERTISER}, 1000)
    ads = await c.get_all("smart_plus/ad/get/", {"advertiser_id": ADVERTISER}, 100)
    for rows, parent, name in (
        (camps, "advertiser_id", "campaign_name"),
        (groups, "campaign_id", "adgroup_name"),
        (ads, "adgroup_id", "ad_name"),
    ):
        counts = Counter((r.get(parent), r.get(name)) for r in rows)
        dups.extend(f"{name}={n!r} under {p}" for (p, n), k in counts.items() if k > 1)
    return dups


def run(workdir: Path, manifests: Path, **kw: Any) -> Outcome:
    return asyncio.run(converge(workdir, manifests, **kw))


def fresh_dir(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
