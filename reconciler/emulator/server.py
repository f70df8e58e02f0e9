"""The emulator over real HTTP: uvicorn, with connections that can be dropped on purpose.

I/O: sockets. uvicorn's h11 protocol is subclassed only to hand the app an `emulator.abort` callable
in the ASGI scope extensions, so that `drop`, `timeout` and `lost` faults close the TCP connection
without an answer, as a failing network does.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

import uvicorn
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


def serve(
    host: str = "127.0.0.1",
    port: int = 8765,
    db: str = ":memory:",
    seed: str | None = "demo",
    latency_ms: int = 0,
    rate_limit: float | None = None,
    faults: str | None = None,
) -> None:
    """Run the emulator as an HTTP server until interrupted (`smartplus emulator serve`)."""
    app = create_app(db, seed, latency_ms=latency_ms, rate_limit=rate_limit, faults=faults)
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
