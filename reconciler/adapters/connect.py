"""Build the API client: a real TikTok base URL, or the embedded emulator.

I/O edge. ``--emulator`` runs the emulator's ASGI app in this process through
an httpx transport, with its state in a SQLite file (``.smartplus/emulator.db``
by default, seeded with the ``demo`` account when new), so the same client code
runs against TikTok and against the emulator.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from reconciler.adapters.api import TikTokClient
from reconciler.errors import SmartplusError
from reconciler.settings import DEFAULT_EMULATOR_DB, Settings

EMULATOR_CLOCK_URL = "http://emulator/_emulator/clock"


def emulator_transport(db: str = DEFAULT_EMULATOR_DB, seed: str | None = "demo") -> httpx.AsyncBaseTransport:
    from reconciler.emulator import EmulatorTransport, create_app

    if db != ":memory:":
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    return EmulatorTransport(create_app(db=db, seed=seed))


def open_client(
    *,
    emulator: bool,
    emulator_db: str = DEFAULT_EMULATOR_DB,
    rate_limit: float | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> TikTokClient:
    settings = Settings.from_env(rate_limit=rate_limit, emulator=emulator)
    if emulator and transport is None:
        transport = emulator_transport(emulator_db)
    if not settings.token:
        raise SmartplusError(
            "TIKTOK_ACCESS_TOKEN is not set",
            hint="export TIKTOK_ACCESS_TOKEN=... (or use --emulator to run against the embedded emulator)",
        )
    client = TikTokClient(
        settings.base_url, settings.token, transport=transport, rate_limit=settings.rate_limit
    )
    if emulator:
        client.target = {
            "emulator": str(Path(emulator_db).resolve()) if emulator_db != ":memory:" else emulator_db
        }
    return client
