"""Test support for the loop tests: the CLI in process, and "Ads Manager" on a file-backed emulator.

The CLI's `--emulator --emulator-db FILE` opens its own emulator app on FILE; an
`AdsManager` opens another app on the same FILE and changes the account through
TikTok's API exactly as a person in Ads Manager would (nothing of ours in between).
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from reconciler.adapters.api import TikTokClient
from reconciler.cli import main
from reconciler.emulator import EmulatorTransport, create_app
from reconciler.settings import EMULATOR_BASE_URL, Secret

ADVERTISER = "7000000000000000001"


def cli(*args: str) -> Result:
    """Run `smartplus ARGS` in process; the result keeps stdout and stderr apart."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@dataclass
class AdsManager:
    """Out-of-band edits on the emulator db the CLI uses."""

    db: Path

    def _run(self, method: str, path: str, payload: dict[str, Any]) -> Any:
        async def go() -> Any:
            app = create_app(db=str(self.db))
            async with TikTokClient(
                EMULATOR_BASE_URL, Secret("demo-token"), transport=EmulatorTransport(app), rate_limit=0
            ) as c:
                body = {"advertiser_id": ADVERTISER, **payload}
                if method == "LIST":
                    return await c.get_all(path, body, int(body.pop("page_size")))
                return await (c.get(path, body) if method == "GET" else c.post(path, body))

        return asyncio.run(go())

    def get(self, path: str, **params: Any) -> Any:
        return self._run("GET", path, params)

    def post(self, path: str, **body: Any) -> Any:
        return self._run("POST", path, body)

    def campaigns(self) -> list[dict[str, Any]]:
        return list(self._run("LIST", "smart_plus/campaign/get/", {"page_size": 1000}))

    def adgroups(self) -> list[dict[str, Any]]:
        return list(self._run("LIST", "smart_plus/adgroup/get/", {"page_size": 1000}))

    def ads(self) -> list[dict[str, Any]]:
        return list(self._run("LIST", "smart_plus/ad/get/", {"page_size": 100}))


def duplicates(campaigns: list[Any], adgroups: list[Any], ads: list[Any]) -> list[str]:
    """Two live objects with one name under one parent is a duplicate."""
    found: list[str] = []
    for rows, parent, name in (
        (campaigns, "advertiser_id", "campaign_name"),
        (adgroups, "campaign_id", "adgroup_name"),
        (ads, "adgroup_id", "ad_name"),
    ):
        counts = Counter((r.get(parent), r.get(name)) for r in rows)
        found.extend(f"{name}={n!r} under {p}" for (p, n), k in counts.items() if k > 1)
    return found


def drift_keys(report: dict[str, Any]) -> set[tuple[str, str, str | None]]:
    return {(i["type"], i["address"], i["field"]) for i in report["items"]}


def json_out(result: Result) -> Any:
    return json.loads(result.stdout)
