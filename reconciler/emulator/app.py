"""The emulator as an ASGI application: TikTok's paths under `/open_api/v1.3/`, admin under `/_emulator/`.

I/O: SQLite through the store, the clock, asyncio sleeps. Each TikTok request goes through the knobs
in this order: the rate limit (40100), one drawn fault, the latency, then the handler. Network faults
(`drop`, `timeout`, `lost`) cannot be expressed as an answer: over uvicorn the connection is aborted
(see `server.py`, which hands the app an `emulator.abort` callable in the scope extensions); in process
the answer carries an `x-emulator-fault` header that `EmulatorTransport` turns into an httpx exception.
Admin requests are neither rate-limited nor faulted, and are not counted in the stats.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import accounts, files_api, manual, report, smart_plus
from .knobs import Knobs, Stats
from .seed import load_seed
from .store import Store
from .wire import (
    JSON,
    MSG_SYS_ERROR,
    MSG_SYS_TIMEOUT,
    MSG_TOO_MANY,
    PERMISSION_ERROR,
    REQUEST_TOO_FREQUENT,
    ROUTE_NOT_FOUND,
    SYS_ERROR,
    SYS_TIMEOUT,
    TIME_FMT,
    ApiError,
    Query,
    envelope,
    new_request_id,
    param_error,
)

log = logging.getLogger(__name__)
API_PREFIX = "/open_api/v1.3/"
FAULT_HEADER = "x-emulator-fault"
ROUTES: dict[tuple[str, str], smart_plus.Handler] = {
    **smart_plus.ROUTES,
    **accounts.ROUTES,
    **report.ROUTES,
    **manual.ROUTES,
    **files_api.ROUTES,
}


class Emulator:
    """State shared by the routes of one app: the store, the knobs, the stats and the seed."""

    def __init__(self, store: Store, seed: str | None, knobs: Knobs, now: str | None) -> None:
        self.store = store
        self.seed = seed
        self.knobs = knobs
        self.stats = Stats()
        self.fixed_now = now

    def reset(self, seed: str | None) -> None:
        with self.store.lock:
            self.store.wipe()
            if self.fixed_now is not None:
                self.store.set_clock(self.fixed_now)
            load_seed(self.store, seed)
        self.stats.reset()

    def request_id(self) -> str:
        return new_request_id(self.store.now().replace(tzinfo=dt.UTC))

    def answer(self, code: int, message: str, data: Any) -> JSONResponse:
        return JSONResponse(envelope(code, message, data, self.request_id()))


def _abort_hook(request: Request) -> Callable[[], None] | None:
    extensions = request.scope.get("extensions") or {}
    hook = extensions.get("emulator.abort")
    return hook if callable(hook) else None


async def _network_fault(emu: Emulator, request: Request, kind: str) -> Response:
    """Drop the connection (uvicorn) or mark the answer for EmulatorTransport (in process)."""
    hook = _abort_hook(request)
    if hook is not None:
        if kind == "timeout":
            await asyncio.sleep(emu.knobs.timeout_sleep_s)
        hook()
    return Response(b"", status_code=200, headers={FAULT_HEADER: kind})


def _run_handler(
    emu: Emulator, method: str, path: str, query: Query, body: JSON | None, token: str | None
) -> Any:
    handler = ROUTES.get((method, path))
    if handler is None:
        # Unknown route: 40400 ROUTE_NOT_FOUND (SDK constant) in a 200 answer; the real HTTP status and
        # message are NOT FOUND in the reference.
        raise ApiError(ROUTE_NOT_FOUND, f"Route not found: {method} {API_PREFIX}{path}")
    _check_scope(emu, method, path, token)
    files_api.promote_ready(emu.store)  # uploads whose processing delay has passed become usable
    return handler(emu.store, token, query, body)


# The developer app permissions the brief names (Ads Management > Upgraded Smart Plus Ads,
# Reporting > Upgraded Smart+ Report, Creative Management > Creative tool), by path prefix.
# Which TikTok scope guards which endpoint is NOT FOUND in the reference beyond these names:
# this mapping is the emulator's reading of them.
SCOPES: tuple[tuple[str, str], ...] = (
    ("smart_plus/material_report/", "reporting"),
    ("report/", "reporting"),
    ("smart_plus/", "ads_management"),
    ("file/", "creative_management"),
)


def _check_scope(emu: Emulator, method: str, path: str, token: str | None) -> None:
    if not token:
        return  # the handler answers 40104
    granted = emu.store.token_scopes(token)
    if granted is None:
        return
    for prefix, scope in SCOPES:
        if path.startswith(prefix):
            if scope not in granted:
                # Verbatim from a recorded TikTok answer (fixtures: nango reports, 40001).
                raise ApiError(
                    PERMISSION_ERROR,
                    f"Permission error: The access token lacks the required scope for endpoint "
                    f"'{API_PREFIX}{path}(method={method})'. Please first check if the request method is "
                    "correct then ask the user to generate a new access token and reauthorize your API App "
                    "with the necessary API scopes.",
                )
            return


async def _api(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    path = request.path_params["path"]
    if not path.endswith("/"):
        path += "/"
    stat_path = API_PREFIX + path
    knobs = emu.knobs
    if knobs.throttled():
        emu.stats.record(stat_path, str(REQUEST_TOO_FREQUENT))
        return emu.answer(REQUEST_TOO_FREQUENT, MSG_TOO_MANY, {})
    fault = knobs.draw_fault()
    if fault == "throttle":
        emu.stats.record(stat_path, str(REQUEST_TOO_FREQUENT))
        return emu.answer(REQUEST_TOO_FREQUENT, MSG_TOO_MANY, {})
    if fault in ("error50000", "error50002"):
        code, message = (
            (SYS_ERROR, MSG_SYS_ERROR) if fault == "error50000" else (SYS_TIMEOUT, MSG_SYS_TIMEOUT)
        )
        emu.stats.record(stat_path, str(code))
        return emu.answer(code, message, {})
    if fault in ("timeout", "drop"):
        emu.stats.record(stat_path, fault)
        return await _network_fault(emu, request, fault)
    if knobs.latency_ms > 0:
        await asyncio.sleep(knobs.latency_ms / 1000)
    token = request.headers.get("access-token")
    query = Query(dict(request.query_params))
    body: JSON | None = None
    try:
        content_type = request.headers.get("content-type", "")
        if request.method == "POST" and content_type.lower().startswith("multipart/form-data"):
            # Uploads by file (/file/*/ad/upload/) are multipart; their parts become the body's keys.
            body = files_api.parse_multipart(content_type, await request.body())
        elif request.method == "POST":
            raw = await request.body()
            if raw.strip():
                try:
                    parsed = json.loads(raw)
                except ValueError:
                    raise param_error("body", "Not valid JSON.") from None
                if not isinstance(parsed, dict):
                    raise param_error("body", "Request body must be a JSON object.")
                body = parsed
        data = _run_handler(emu, request.method, path, query, body, token)
        code, message = 0, "OK"
    except ApiError as error:
        code, message, data = error.code, error.message, {}
    except Exception:  # an emulator bug must still answer in TikTok's envelope
        log.exception("emulator: unexpected error on %s %s", request.method, stat_path)
        code, message, data = SYS_ERROR, MSG_SYS_ERROR, {}
    if fault == "lost":
        # The write (if any) is committed; only the answer is lost.
        emu.stats.record(stat_path, "lost")
        return await _network_fault(emu, request, "lost")
    emu.stats.record(stat_path, str(code))
    return emu.answer(code, message, data)


# ---------------------------------------------------------------------- admin


def _admin_error(message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=400)


async def _admin_body(request: Request) -> JSON:
    raw = await request.body()
    if not raw.strip():
        return {}
    parsed = json.loads(raw)
    if not isinstance(parsed, dict):
        raise ValueError("body must be a JSON object")
    return parsed


async def _clock(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    if request.method == "GET":
        return JSONResponse({"ok": True, "now": emu.store.now_str()})
    try:
        body = await _admin_body(request)
        if "now" in body:
            emu.store.set_clock(str(body["now"]))
        elif "advance_days" in body:
            emu.store.advance_days(float(body["advance_days"]))
        else:
            return _admin_error('expected {"now": "YYYY-MM-DD HH:MM:SS"} or {"advance_days": N}')
    except ValueError as error:
        return _admin_error(str(error))
    return JSONResponse({"ok": True, "now": emu.store.now_str()})


async def _spend(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
        today = float(body["today"])
    except (ValueError, KeyError, TypeError) as error:
        return _admin_error(f'expected {{"adgroup_id" or "campaign_id": ..., "today": X}}: {error}')
    day = emu.store.now().strftime("%Y-%m-%d")
    for kind in ("adgroup", "campaign"):
        object_id = body.get(f"{kind}_id")
        if object_id is not None:
            if emu.store.get(kind, str(object_id)) is None:
                return _admin_error(f"{kind} {object_id} does not exist")
            emu.store.set_spend(kind, str(object_id), day, today)
            return JSONResponse({"ok": True, f"{kind}_id": str(object_id), "day": day, "today": today})
    return _admin_error('expected "adgroup_id" or "campaign_id"')


async def _stats(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    return JSONResponse(emu.stats.snapshot())


async def _reset(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
        seed = body.get("seed", emu.seed)
        emu.reset(None if seed is None else str(seed))
    except ValueError as error:
        return _admin_error(str(error))
    return JSONResponse({"ok": True, "seed": seed})


async def _config(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    if request.method == "POST":
        try:
            body = await _admin_body(request)
            unknown = set(body) - {"latency_ms", "rate_limit", "faults", "fault_seed", "timeout_sleep_s"}
            if unknown:
                return _admin_error(f"unknown keys: {', '.join(sorted(unknown))}")
            emu.knobs.configure(
                latency_ms=body.get("latency_ms"),
                rate_limit=body.get("rate_limit"),
                clear_rate_limit="rate_limit" in body and body["rate_limit"] is None,
                faults=body.get("faults")
                if body.get("faults") is not None
                else ("" if "faults" in body else None),
                fault_seed=body.get("fault_seed"),
                timeout_sleep_s=body.get("timeout_sleep_s"),
            )
        except (ValueError, TypeError) as error:
            return _admin_error(str(error))
    return JSONResponse({"ok": True, **emu.knobs.describe()})


async def _legacy_campaign(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
    except ValueError as error:
        return _admin_error(str(error))
    if "advertiser_id" not in body or "campaign_name" not in body:
        return _admin_error('expected at least "advertiser_id" and "campaign_name"')
    body.setdefault("objective_type", "WEB_CONVERSIONS")
    with emu.store.transaction():
        obj = accounts.insert_legacy(emu.store, body)
    return JSONResponse({"ok": True, "campaign": obj})


async def _token(request: Request) -> Response:
    """Create or change a token: {"token", "advertiser_ids", "scopes": [...] | null}."""
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
    except ValueError as error:
        return _admin_error(str(error))
    token = body.get("token")
    if not isinstance(token, str) or not token:
        return _admin_error('expected "token"')
    if "advertiser_ids" in body:
        emu.store.put_token(token, [str(a) for a in body["advertiser_ids"]])
    scopes = body.get("scopes")
    if scopes is not None and not (
        isinstance(scopes, list) and set(scopes) <= {scope for _, scope in SCOPES}
    ):
        return _admin_error(f"scopes: a list of {sorted({scope for _, scope in SCOPES})}, or null")
    emu.store.put_token_scopes(token, scopes)
    return JSONResponse({"ok": True, "token": token, "scopes": scopes})


async def _pixel(request: Request) -> Response:
    """Change the demo pixel: {"pixel_id", "activity_status"?, "counts"?: {EVENT: [browser, server]}}."""
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
    except ValueError as error:
        return _admin_error(str(error))
    pixel_id = str(body.get("pixel_id", ""))
    with emu.store.lock:
        row = emu.store.conn.execute(
            "SELECT advertiser_id, data FROM assets WHERE kind = 'pixel' AND id = ?", (pixel_id,)
        ).fetchone()
    if row is None:
        return _admin_error(f"no pixel {pixel_id}")
    advertiser_id, data = str(row[0]), json.loads(row[1])
    if "activity_status" in body:
        data["activity_status"] = str(body["activity_status"])
    for event, pair in (body.get("counts") or {}).items():
        data.setdefault("_daily_counts", {})[str(event)] = [int(pair[0]), int(pair[1])]
    if body.get("remove_events"):
        gone = set(body["remove_events"])
        data["events"] = [e for e in data.get("events", []) if e.get("optimization_event") not in gone]
        data["_daily_counts"] = {k: v for k, v in data.get("_daily_counts", {}).items() if k not in gone}
    emu.store.put_assets("pixel", advertiser_id, [(pixel_id, data)])
    return JSONResponse({"ok": True})


class ClockDateHeader:
    """Every answer's HTTP `Date` header tells the emulator's clock, as TikTok's tells its own:
    clients take "now" (guardrails, plan times, the deprecation calendar) from it, so moving the
    emulator's clock (`POST /_emulator/clock`) moves theirs, in process and over HTTP alike."""

    def __init__(self, app: ASGIApp, now: Callable[[], dt.datetime]) -> None:
        self.app = app
        self.now = now

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_date(message: Message) -> None:
            if message["type"] == "http.response.start":
                stamp = email.utils.format_datetime(self.now().replace(tzinfo=dt.UTC), usegmt=True)
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"date"]
                message = {**message, "headers": [*headers, (b"date", stamp.encode("latin-1"))]}
            await send(message)

        await self.app(scope, receive, send_with_date)


async def _files(request: Request) -> Response:
    """The processing delay of uploads: {"processing_delay_s": N} (emulator clock; 0 = none)."""
    emu: Emulator = request.app.state.emulator
    if request.method == "POST":
        try:
            body = await _admin_body(request)
            if set(body) != {"processing_delay_s"}:
                return _admin_error('expected {"processing_delay_s": N}')
            files_api.set_processing_delay(emu.store, float(body["processing_delay_s"]))
        except (ValueError, TypeError) as error:
            return _admin_error(str(error))
    return JSONResponse({"ok": True, "processing_delay_s": files_api.processing_delay(emu.store)})


def create_app(
    db: str = ":memory:",
    seed: str | None = "demo",
    *,
    latency_ms: int = 0,
    rate_limit: float | None = None,
    faults: str | None = None,
    now: str | None = None,
    fault_seed: int | None = None,
    timeout_sleep_s: float = 30.0,
) -> Starlette:
    """Build the emulator app. A file `db` that already holds state is reused (the seed is loaded only
    into an empty db). `now` fixes the clock ("YYYY-MM-DD HH:MM:SS"); default: real UTC time, or the
    clock saved in the db by `POST /_emulator/clock`."""
    if now is not None:
        dt.datetime.strptime(now, TIME_FMT)
    store = Store(db)
    knobs = Knobs(latency_ms=latency_ms, faults={}, fault_seed=fault_seed, timeout_sleep_s=timeout_sleep_s)
    knobs.configure(rate_limit=rate_limit, faults=faults)
    emulator = Emulator(store, seed, knobs, now)
    if now is not None:
        store.set_clock(now)
    if store.is_empty():
        load_seed(store, seed)
    app = Starlette(
        middleware=[Middleware(ClockDateHeader, now=store.now)],
        routes=[
            Route("/_emulator/clock", _clock, methods=["GET", "POST"]),
            Route("/_emulator/spend", _spend, methods=["POST"]),
            Route("/_emulator/stats", _stats, methods=["GET"]),
            Route("/_emulator/reset", _reset, methods=["POST"]),
            Route("/_emulator/config", _config, methods=["GET", "POST"]),
            Route("/_emulator/token", _token, methods=["POST"]),
            Route("/_emulator/pixel", _pixel, methods=["POST"]),
            Route("/_emulator/legacy_campaign", _legacy_campaign, methods=["POST"]),
            Route("/_emulator/files", _files, methods=["GET", "POST"]),
            Route("/open_api/v1.3/{path:path}", _api, methods=["GET", "POST"]),
        ],
    )
    app.state.emulator = emulator
    return app
