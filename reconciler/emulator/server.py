"""The emulator over real HTTP: uvicorn, with connections that can be dropped on purpose.

I/O: sockets. uvicorn's h11 protocol is subclassed only to hand the app an `emulator.abort` callable
in the ASGI scope extensions, so that `drop`, `timeout` and `lost` faults close the TCP connection
without an answer, as a failing network does.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import create_app


class AbortableH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        inner: ASGIApp = self.app
        protocol = self

        def abort() -> None:
            transport = getattr(protocol, "transport", None)
            if transport is not None:
                transport.abort()

        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            extensions = dict(scope.get("extensions") or {})
            extensions["emulator.abort"] = abort
            scope["extensions"] = extensions
            await inner(scope, receive, send)

        self.app = app


def make_config(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 8765, log_level: str = "warning"
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=AbortableH11Protocol,
        log_level=log_level,
        lifespan="off",
        date_header=False,  # the app's own Date header tells the emulator's clock
    )


def banner(app: Starlette, host: str, port: int, db: str) -> str:
    """What `smartplus emulator serve` prints on start: where it listens, and the seed's accounts.

    The tokens are the emulator's seeded ones (`demo-token`, ...), printed on purpose so another
    project's CI can use them; no real token ever reaches the emulator's store.
    """
    emu = app.state.emulator
    shown_host = f"[{host}]" if ":" in host else host
    root = f"http://{shown_host}:{port}"
    lines = [
        "TikTok Business API emulator (Smart+ Web Conversions)",
        f"  base URL    {root}/open_api/v1.3/",
        f"  health      {root}/_emulator/health",
        f"  database    {db}  (seed: {emu.store.meta_get('seed') or emu.seed or 'none'})",
        f"  clock       {emu.store.now_str()} UTC",
    ]
    with emu.store.lock:
        advertisers = [
            json.loads(r[0]) for r in emu.store.conn.execute("SELECT data FROM advertisers ORDER BY id")
        ]
        tokens = [
            (str(r[0]), json.loads(r[1]))
            for r in emu.store.conn.execute("SELECT token, advertiser_ids FROM tokens ORDER BY token")
        ]
    if advertisers:
        lines.append("  advertisers")
        for adv in advertisers:
            adv_id = str(adv["advertiser_id"])
            owners = ", ".join(t for t, ids in tokens if adv_id in ids) or "no token"
            allow = (
                "Smart+ allowlisted" if adv.get("_smart_plus_allowlisted") else "not allowlisted for Smart+"
            )
            lines.append(f"    {adv_id}  {adv.get('name', '')}  ({allow}; token: {owners})")
        first = next((t for t, ids in tokens if ids), None)
        if first is not None:
            lines.append(
                f"  try         curl -H 'Access-Token: {first}' '{root}/open_api/v1.3/advertiser/info/?advertiser_ids=[\"{advertisers[0]['advertiser_id']}\"]'"
            )
            lines.append(
                f"  smartplus   TIKTOK_API_BASE_URL={root}/open_api/v1.3/ TIKTOK_ACCESS_TOKEN={first} smartplus plan ..."
            )
    else:
        lines.append("  advertisers none (empty database, no tokens)")
    return "\n".join(lines)


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    db: str = ":memory:",
    seed: str | None = "demo",
    latency_ms: int = 0,
    rate_limit: float | None = None,
    faults: str | None = None,
) -> None:
    """Run the emulator as an HTTP server until interrupted (`smartplus emulator serve`), after printing
    the start banner (base URL, health path, the seed's advertisers and tokens)."""
    app = create_app(db, seed, latency_ms=latency_ms, rate_limit=rate_limit, faults=faults)
    print(banner(app, host, port, db), flush=True)
    uvicorn.Server(make_config(app, host, port, log_level="info")).run()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class BackgroundServer:
    """uvicorn in a daemon thread on a free loopback port, for tests: `with BackgroundServer(app) as url:`."""

    def __init__(self, app: ASGIApp, host: str = "127.0.0.1", port: int | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.server = uvicorn.Server(make_config(app, host, self.port))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("emulator server did not start")
            time.sleep(0.01)
        return self.url

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
