"""In-process transport: the emulator app behind httpx, with its network faults as real httpx errors.

No network. Wraps `httpx.ASGITransport`; an answer marked with the `x-emulator-fault` header becomes
the exception a client would see on a real connection: `drop` and `lost` (the write is committed, the
answer lost) -> `httpx.RemoteProtocolError`, `timeout` -> `httpx.ReadTimeout`.
"""

from __future__ import annotations

import httpx
from starlette.types import ASGIApp

from .app import FAULT_HEADER


class EmulatorTransport(httpx.AsyncBaseTransport):
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._inner = httpx.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        fault = response.headers.get(FAULT_HEADER)
        if fault is None:
            return response
        await response.aclose()
        if fault == "timeout":
            raise httpx.ReadTimeout("emulator: read timed out (injected fault)", request=request)
        raise httpx.RemoteProtocolError(
            f"emulator: server disconnected without sending a response (injected fault: {fault})",
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()
