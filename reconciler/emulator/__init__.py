"""TikTok Business API v1.3 emulator (Smart+ Web Conversions): an ASGI app + SQLite store + knobs.

`create_app(...)` builds the app, `EmulatorTransport(app)` runs it in process behind httpx,
`serve(...)` runs it over HTTP with uvicorn. See docs/emulator.md.
"""

from __future__ import annotations

from .app import create_app
from .server import BackgroundServer, serve
from .transport import EmulatorTransport

__all__ = ["BackgroundServer", "EmulatorTransport", "create_app", "serve"]
