"""Shared fixtures: the emulator in process, and a small driver for the pipeline.

Tests talk to the emulator through the same client and transport that
`--emulator` uses; nothing of our own is mocked.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from reconciler import pipeline
from reconciler.adapters.api import TikTokClient
from reconciler.adapters.connect import EMULATOR_CLOCK_URL
from reconciler.adapters.files import LoadedManifests
from reconciler.core.plan import Plan
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.settings import EMULATOR_BASE_URL, Secret

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "manifests" / "demo"
NOW = "2026-11-29 12:00:00"
ADVERTISER = "7000000000000000001"
T = TypeVar("T")


@pytest.fixture(autouse=True, scope="session")
def _own_apply_locks(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apply locks live in one folder per machine user; this test run keeps its own, so that
    another test run on the machine (another checkout, a CI job) does not hold ours."""
    import os

    old = os.environ.get("SMARTPLUS_LOCK_DIR")
    os.environ["SMARTPLUS_LOCK_DIR"] = str(tmp_path_factory.mktemp("locks"))
    yield
    if old is None:
        os.environ.pop("SMARTPLUS_LOCK_DIR", None)
    else:
        os.environ["SMARTPLUS_LOCK_DIR"] = old


@dataclass
class World:
    """One emulator and helpers to run the pipeline against it."""

    app: Any
    tmp: Path

    def client(self, rate_limit: float = 0.0, **kw: Any) -> TikTokClient:
        kw.setdefault("backoff_base", 0.001)
        kw.setdefault("backoff_cap", 0.01)
        return TikTokClient(
            EMULATOR_BASE_URL,
            Secret("demo-token"),
            transport=EmulatorTransport(self.app),
            rate_limit=rate_limit,
            **kw,
        )

    def run(self, fn: Callable[[TikTokClient], Awaitable[T]], **kw: Any) -> T:
        async def go() -> T:
            async with self.client(**kw) as c:
                return await fn(c)

        return asyncio.run(go())

    def load(self, paths: list[str] | None = None, **kw: Any) -> LoadedManifests:
        return pipeline.load_desired([str(p) for p in (paths or [self.manifests])], **kw)

    @property
    def manifests(self) -> Path:
        return self.tmp / "manifests"

    def plan(self, paths: list[str] | None = None, **kw: Any) -> Plan:
        loaded = self.load(paths)
        req = pipeline.PlanRequest([str(p) for p in (paths or [self.manifests])], **kw)
        return self.run(lambda c: pipeline.make_plan(c, loaded, req))

    def apply(self, plan: Plan, paths: list[str] | None = None, plan_path: Path | None = None) -> Any:
        loaded = self.load(paths)
        return self.run(
            lambda c: pipeline.apply_saved(c, plan, loaded, plan_path=plan_path or self.tmp / "plan.json")
        )

    def advance(self, days: float) -> None:
        """Move the emulator's clock (and so the planner's "now") forward."""
        self.run(lambda c: c._http.post(EMULATOR_CLOCK_URL, json={"advance_days": days}))

    def get(self, path: str, **params: Any) -> Any:
        return self.run(lambda c: c.get(path, {"advertiser_id": ADVERTISER, **params}))

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.run(lambda c: c.post(path, {"advertiser_id": ADVERTISER, **body}))


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    shutil.copytree(DEMO, tmp_path / "manifests")
    yield World(app=create_app(db=":memory:", seed="demo", now=NOW), tmp=tmp_path)


def saved_plan_text(data: dict[str, Any]) -> str:
    """What ``Plan.json_chunks`` (and a saved plan file) must hold for ``data``, its ``to_json()``,
    as one ``json.dumps``: compact, one line, each operation with sorted keys (the text its
    section hash is over, written as sealed)."""
    if "changes" in data:
        data = {**data, "changes": [json.loads(json.dumps(c, sort_keys=True)) for c in data["changes"]]}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False) + "\n"
