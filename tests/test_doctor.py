"""`smartplus doctor` against the emulator: one test per failure it can detect."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result

from reconciler.cli import main
from reconciler.emulator import create_app

from .conftest import DEMO, NOW


class Doctor:
    def __init__(self, tmp: Path) -> None:
        self.db = str(tmp / "emu.db")
        self.app = create_app(db=self.db, seed="demo", now=NOW)
        self.manifests = tmp / "manifests"
        self.manifests.mkdir()
        self.values = (DEMO / "spring-sale.values.yaml").read_text()
        (self.manifests / "spring-sale.yaml.j2").write_text((DEMO / "spring-sale.yaml.j2").read_text())
        self.set_values(self.values)

    def set_values(self, text: str) -> None:
        (self.manifests / "spring-sale.values.yaml").write_text(text)

    def post(self, path: str, body: dict[str, Any]) -> None:
        async def go() -> None:
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=self.app), base_url="http://emulator"
            ) as c:
                r = await c.post(path, json=body)
                assert r.json().get("ok"), r.text

        asyncio.run(go())

    def run(self, *extra: str, token: str | None = None) -> Result:
        old = os.environ.get("TIKTOK_ACCESS_TOKEN")
        if token is not None:
            os.environ["TIKTOK_ACCESS_TOKEN"] = token
        try:
            return CliRunner().invoke(
                main, ["doctor", str(self.manifests), "--emulator", "--emulator-db", self.db, *extra]
            )
        finally:
            if old is None:
                os.environ.pop("TIKTOK_ACCESS_TOKEN", None)
            else:
                os.environ["TIKTOK_ACCESS_TOKEN"] = old


@pytest.fixture
def doc(tmp_path: Path) -> Iterator[Doctor]:
    yield Doctor(tmp_path)


def fails(r: Result) -> list[str]:
    return re.findall(r"^FAIL  ([^:]+):", r.output, flags=re.M)


def test_everything_passes_on_the_demo_account(doc: Doctor) -> None:
    r = doc.run()
    assert r.exit_code == 0, r.output
    assert fails(r) == []
    assert "pixel 7100000000000000001 event SHOPPING: last 7 days: browser 840, server 560" in r.output


def test_wrong_token(doc: Doctor) -> None:
    r = doc.run(token="not-a-token")
    assert r.exit_code == 1
    assert fails(r) == ["token"]
    assert "not-a-token" not in r.output


def test_advertiser_not_allowlisted(doc: Doctor) -> None:
    doc.set_values(
        doc.values.replace('advertiser_id: "7000000000000000001"', 'advertiser_id: "7000000000000000002"')
    )
    r = doc.run(token="demo-token-2")
    assert r.exit_code == 1
    assert "Smart+ allowlisting" in fails(r)
    assert "allowlist the advertiser" in r.output


def test_token_without_access_to_the_advertiser(doc: Doctor) -> None:
    r = doc.run(token="demo-token-2")
    assert r.exit_code == 1
    assert fails(r) == ["advertiser 7000000000000000001"]


@pytest.mark.parametrize(
    ("scopes", "missing"),
    [
        (["ads_management", "creative_management"], "permission Reporting > Upgraded Smart+ Report"),
        (["reporting", "creative_management"], "permission Ads Management > Upgraded Smart Plus Ads"),
        (["ads_management", "reporting"], "permission Creative Management > Creative tool"),
    ],
)
def test_missing_app_permission(doc: Doctor, scopes: list[str], missing: str) -> None:
    doc.post(
        "/_emulator/token", {"token": "narrow", "advertiser_ids": ["7000000000000000001"], "scopes": scopes}
    )
    r = doc.run(token="narrow")
    assert r.exit_code == 1
    assert fails(r) == [missing]


def test_unknown_video_and_identity(doc: Doctor) -> None:
    doc.set_values(
        doc.values.replace('"v10000000000000004"', '"v10000000000000099"').replace(
            'identity_id: "7200000000000000002"', 'identity_id: "7200000000000000009"'
        )
    )
    r = doc.run()
    assert r.exit_code == 1
    assert sorted(fails(r)) == ["identity 7200000000000000009", "videos"]
    assert "v10000000000000099" in r.output


def test_pixel_missing_inactive_event_not_set_up_or_silent(doc: Doctor) -> None:
    doc.set_values(doc.values.replace('pixel_id: "7100000000000000001"', 'pixel_id: "7100000000000000404"'))
    r = doc.run()
    assert fails(r) == ["pixel 7100000000000000404"] and "not found" in r.output
    doc.set_values(doc.values)

    doc.post("/_emulator/pixel", {"pixel_id": "7100000000000000001", "counts": {"SHOPPING": [0, 0]}})
    r = doc.run()
    assert (
        fails(r) == ["pixel 7100000000000000001 event SHOPPING"]
        and "no events in the last 7 days" in r.output
    )

    doc.post("/_emulator/pixel", {"pixel_id": "7100000000000000001", "activity_status": "NO_RECENT_ACTIVITY"})
    assert "pixel 7100000000000000001" in fails(doc.run())

    doc.post("/_emulator/pixel", {"pixel_id": "7100000000000000001", "remove_events": ["SHOPPING"]})
    r = doc.run()
    assert "not set up on the pixel" in r.output
