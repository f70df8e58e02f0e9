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
import math
import re
from collections.abc import Callable
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import (
    accounts,
    budget,
    creative,
    files_api,
    manual,
    materials,
    report,
    review,
    review_state,
    smart_plus,
)
from .knobs import Knobs, Stats
from .seed import load_seed
from .store import Store
from .wire import (
    JSON,
    MSG_SYS_ERROR,
    MSG_SYS_TIMEOUT,
    MSG_TOO_MANY,
    PERMISSION_ERROR,
    REQUEST_FREQUENCY_LIMITED,
    REQUEST_TOO_FREQUENT,
    ROUTE_NOT_FOUND,
    SYS_ERROR,
    SYS_TIMEOUT,
    TIME_FMT,
    TOO_MANY_REQUESTS_BL,
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
    **creative.ROUTES,
    **review.ROUTES,
    **budget.ROUTES,
    **materials.ROUTES,
}
# Rate-limit fault kinds answered in TikTok's envelope: code and message. The messages of 40132 and
# 61000 are NOT FOUND in the reference (only the SDK's names): the emulator's wording.
RATE_FAULTS = {
    "throttle": (REQUEST_TOO_FREQUENT, MSG_TOO_MANY),
    "throttle40132": (REQUEST_FREQUENCY_LIMITED, "Request frequency limited. Please retry in some time."),
    "throttle61000": (TOO_MANY_REQUESTS_BL, "Too many requests. Please retry in some time."),
}
# An HTTP 429 from a gateway: a plain-text body, no envelope (its exact text is NOT FOUND).
HTTP_429_BODY = "Too Many Requests"


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
    # CTA recommendations are one of TikTok's "Creative tools" and portfolios sit beside them.
    ("creative/", "creative_management"),
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
    if fault in RATE_FAULTS:
        code, message = RATE_FAULTS[fault]
        emu.stats.record(stat_path, str(code))
        return emu.answer(code, message, {})
    if fault == "http429":
        emu.stats.record(stat_path, "http429")
        return PlainTextResponse(HTTP_429_BODY, status_code=429)
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
#
# Every admin body is checked in full before anything changes (issue 12): a bad value answers HTTP 400
# naming it and leaves the clock, the database and the knobs as they were.


class AdminError(ValueError):
    """A refused admin request (HTTP 400 with this message)."""


def _admin_error(message: str) -> JSONResponse:
    return JSONResponse({"ok": False, "error": message}, status_code=400)


async def _admin_body(request: Request, allowed: frozenset[str] | None = None) -> JSON:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise AdminError("body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise AdminError("body must be a JSON object")
    if allowed is not None:
        unknown = set(parsed) - allowed
        if unknown:
            raise AdminError(
                f"unknown keys: {', '.join(sorted(unknown))}; expected {', '.join(sorted(allowed))}"
            )
    return parsed


def _number(name: str, value: Any, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AdminError(f"{name}: expected a finite number, got {value!r}")
    if not low <= value <= high:
        raise AdminError(f"{name}: must be between {low:g} and {high:g}, got {value!r}")
    return float(value)


def _object_id(name: str, value: Any) -> str:
    if (
        isinstance(value, bool)
        or not isinstance(value, str | int)
        or not str(value).isdigit()
        or len(str(value)) > 19
    ):
        raise AdminError(f"{name}: expected an id (a string of digits), got {value!r}")
    return str(value)


# The clock stays within these years whatever is asked, so no later read can overflow.
CLOCK_MIN = dt.datetime(2000, 1, 1)
CLOCK_MAX = dt.datetime(2200, 1, 1)
MAX_ADVANCE_DAYS = 36_500.0


async def _clock(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    if request.method == "GET":
        return JSONResponse({"ok": True, "now": emu.store.now_str()})
    try:
        body = await _admin_body(request, frozenset({"now", "advance_days"}))
        if len(body) != 1:
            raise AdminError('expected {"now": "YYYY-MM-DD HH:MM:SS"} or {"advance_days": N}')
        if "now" in body:
            value = body["now"]
            moment = dt.datetime.strptime(value, TIME_FMT) if isinstance(value, str) else None
            if moment is None:
                raise AdminError(f"now: expected 'YYYY-MM-DD HH:MM:SS', got {value!r}")
            if not CLOCK_MIN <= moment < CLOCK_MAX:
                raise AdminError(f"now: must be between {CLOCK_MIN:%Y-%m-%d} and {CLOCK_MAX:%Y-%m-%d}")
            emu.store.set_clock(value)
        else:
            days = _number("advance_days", body["advance_days"], -MAX_ADVANCE_DAYS, MAX_ADVANCE_DAYS)
            target = emu.store.now() + dt.timedelta(days=days)
            if not CLOCK_MIN <= target < CLOCK_MAX:
                raise AdminError(
                    f"advance_days: the clock would reach {target:%Y-%m-%d}, outside "
                    f"{CLOCK_MIN:%Y-%m-%d}..{CLOCK_MAX:%Y-%m-%d}"
                )
            emu.store.advance_days(days)
    except AdminError as error:
        return _admin_error(str(error))
    except ValueError as error:  # strptime
        return _admin_error(f"now: {error}")
    return JSONResponse({"ok": True, "now": emu.store.now_str()})


async def _spend(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request, frozenset({"adgroup_id", "campaign_id", "today"}))
        kinds = [k for k in ("adgroup", "campaign") if f"{k}_id" in body]
        if len(kinds) != 1 or "today" not in body:
            raise AdminError('expected {"adgroup_id" or "campaign_id": ..., "today": X}')
        kind = kinds[0]
        object_id = _object_id(f"{kind}_id", body[f"{kind}_id"])
        today = _number("today", body["today"], 0, 1e12)
        if emu.store.get(kind, object_id) is None:
            raise AdminError(f"{kind} {object_id} does not exist")
    except AdminError as error:
        return _admin_error(str(error))
    day = emu.store.now().strftime("%Y-%m-%d")
    emu.store.set_spend(kind, object_id, day, today)
    return JSONResponse({"ok": True, f"{kind}_id": object_id, "day": day, "today": today})


async def _stats(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    return JSONResponse(emu.stats.snapshot())


async def _health(request: Request) -> Response:
    """`GET /_emulator/health`: for CI jobs that wait for the server (no database write)."""
    emu: Emulator = request.app.state.emulator
    with emu.store.lock:
        advertisers = int(emu.store.conn.execute("SELECT COUNT(*) FROM advertisers").fetchone()[0])
    return JSONResponse(
        {
            "ok": True,
            "service": "tiktok-business-api-emulator",
            "api_base": API_PREFIX,
            "seed": emu.store.meta_get("seed") or emu.seed,
            "now": emu.store.now_str(),
            "advertisers": advertisers,
        }
    )


# Seeds the reset accepts (checked before the wipe). `scale:CxGxA` within TikTok's own limits: at most
# 30 ad groups per campaign and 30 ads per ad group, and at most 100,000 ads in all (about 15 s to load).
_SCALE_SEED = re.compile(r"^scale:(\d{1,6})x(\d{1,3})x(\d{1,3})$")
MAX_SCALE_ADS = 100_000


def check_seed(seed: Any) -> str | None:
    """The seed name if `reset` and `create_app` can load it; AdminError (a ValueError) otherwise."""
    if seed is None:
        return None
    if seed == "demo":
        return "demo"
    if isinstance(seed, str):
        match = _SCALE_SEED.match(seed)
        if match is not None:
            campaigns, adgroups, ads = (int(g) for g in match.groups())
            if (
                campaigns >= 1
                and 1 <= adgroups <= 30
                and 1 <= ads <= 30
                and campaigns * adgroups * ads <= MAX_SCALE_ADS
            ):
                return seed
            raise AdminError(
                f"seed {seed!r}: C>=1, G 1-30, A 1-30 and at most {MAX_SCALE_ADS:,} ads (C x G x A) in all"
            )
    raise AdminError(f"unknown seed {seed!r}: expected 'demo', 'scale:CxGxA' or null")


async def _reset(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request, frozenset({"seed"}))
        seed = check_seed(body.get("seed", emu.seed))
    except AdminError as error:
        return _admin_error(str(error))
    emu.reset(seed)
    return JSONResponse({"ok": True, "seed": seed})


CONFIG_KEYS = frozenset(
    {"latency_ms", "rate_limit", "faults", "fault_seed", "timeout_sleep_s", "review_delay_s"}
)


async def _config(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    if request.method == "POST":
        try:
            body = await _admin_body(request, CONFIG_KEYS)
            faults = body.get("faults")
            if faults is not None and not isinstance(faults, str):
                raise AdminError(f'faults: expected a string "kind=p,...", got {faults!r}')
            delay = body.get("review_delay_s")
            if "review_delay_s" in body:
                delay = _number("review_delay_s", delay, 0, 365 * 86400)
            emu.knobs.configure(
                latency_ms=body.get("latency_ms"),
                rate_limit=body.get("rate_limit"),
                clear_rate_limit="rate_limit" in body and body["rate_limit"] is None,
                faults=faults if faults is not None else ("" if "faults" in body else None),
                fault_seed=body.get("fault_seed"),
                timeout_sleep_s=body.get("timeout_sleep_s"),
            )
            # After configure: it checks all its values before changing any, so a refusal above leaves
            # the delay as it was too.
            if delay is not None:
                emu.store.meta_set(review_state.META_DELAY, repr(delay))
        except ValueError as error:
            return _admin_error(str(error))
    return JSONResponse(
        {"ok": True, **emu.knobs.describe(), "review_delay_s": review_state.delay_s(emu.store)}
    )


async def _review(request: Request) -> Response:
    """`POST /_emulator/review`: approve, reject (with reasons), hold or re-open an ad's review."""
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
        with emu.store.transaction():
            result = review.decide(emu.store, body)
    except ValueError as error:
        return _admin_error(str(error))
    return JSONResponse({"ok": True, **result})


async def _legacy_campaign(request: Request) -> Response:
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(request)
        if "advertiser_id" not in body or "campaign_name" not in body:
            raise AdminError('expected at least "advertiser_id" and "campaign_name"')
        advertiser_id = _object_id("advertiser_id", body["advertiser_id"])
        if emu.store.advertiser(advertiser_id) is None:
            raise AdminError(f"advertiser {advertiser_id} does not exist")
        name = body["campaign_name"]
        if not isinstance(name, str) or not 1 <= len(name) <= 512:
            raise AdminError("campaign_name: expected a string of 1-512 characters")
        if body.get("operation_status", "ENABLE") not in ("ENABLE", "DISABLE"):
            raise AdminError("operation_status: expected ENABLE or DISABLE")
        if "budget" in body:
            _number("budget", body["budget"], 0, 1e12)
        # The other fields are stored as given: a legacy campaign stands for whatever TikTok holds
        # (importer tests insert whole /campaign/spc/create/ bodies).
    except AdminError as error:
        return _admin_error(str(error))
    body.setdefault("objective_type", "WEB_CONVERSIONS")
    with emu.store.transaction():
        obj = accounts.insert_legacy(emu.store, body)
    return JSONResponse({"ok": True, "campaign": obj})


async def _token(request: Request) -> Response:
    """Create or change a token: {"token", "advertiser_ids", "scopes": [...] | null}."""
    emu: Emulator = request.app.state.emulator
    known_scopes = sorted({scope for _, scope in SCOPES})
    try:
        body = await _admin_body(request, frozenset({"token", "advertiser_ids", "scopes"}))
        token = body.get("token")
        if not isinstance(token, str) or not 1 <= len(token) <= 512 or not token.isprintable():
            raise AdminError('expected "token": a printable string of 1-512 characters')
        advertiser_ids: list[str] | None = None
        if "advertiser_ids" in body:
            raw_ids = body["advertiser_ids"]
            if not isinstance(raw_ids, list):
                raise AdminError("advertiser_ids: expected a list of advertiser ids")
            advertiser_ids = [_object_id(f"advertiser_ids[{i}]", a) for i, a in enumerate(raw_ids)]
        elif emu.store.token_advertisers(token) is None:
            raise AdminError(f'token {token!r} does not exist yet: give its "advertiser_ids"')
        scopes = body.get("scopes")
        if scopes is not None and not (
            isinstance(scopes, list)
            and all(isinstance(s, str) for s in scopes)
            and set(scopes) <= set(known_scopes)
        ):
            raise AdminError(f"scopes: a list of {known_scopes}, or null")
    except AdminError as error:
        return _admin_error(str(error))
    if advertiser_ids is not None:
        emu.store.put_token(token, advertiser_ids)
    emu.store.put_token_scopes(token, scopes)
    # The answer does not repeat the token: admin answers end up in CI logs.
    return JSONResponse({"ok": True, "scopes": scopes})


async def _pixel(request: Request) -> Response:
    """Change the demo pixel: {"pixel_id", "activity_status"?, "counts"?: {EVENT: [browser, server]}}."""
    emu: Emulator = request.app.state.emulator
    try:
        body = await _admin_body(
            request, frozenset({"pixel_id", "activity_status", "counts", "remove_events"})
        )
        pixel_id = _object_id("pixel_id", body.get("pixel_id", ""))
        status = body.get("activity_status")
        if "activity_status" in body and (not isinstance(status, str) or not status.isupper()):
            raise AdminError("activity_status: expected an upper-case status such as ACTIVE or INACTIVE")
        counts = body.get("counts") or {}
        if not isinstance(counts, dict):
            raise AdminError("counts: expected {EVENT: [browser, server]}")
        checked: dict[str, list[int]] = {}
        for event, pair in counts.items():
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 10**9 for n in pair)
            ):
                raise AdminError(f"counts.{event}: expected [browser, server], two whole numbers 0-1e9")
            checked[str(event)] = [int(pair[0]), int(pair[1])]
        gone = body.get("remove_events") or []
        if not isinstance(gone, list) or not all(isinstance(e, str) for e in gone):
            raise AdminError("remove_events: expected a list of event names")
    except AdminError as error:
        return _admin_error(str(error))
    with emu.store.lock:
        row = emu.store.conn.execute(
            "SELECT advertiser_id, data FROM assets WHERE kind = 'pixel' AND id = ?", (pixel_id,)
        ).fetchone()
    if row is None:
        return _admin_error(f"no pixel {pixel_id}")
    advertiser_id, data = str(row[0]), json.loads(row[1])
    if "activity_status" in body:
        data["activity_status"] = str(status)
    for event, pair in checked.items():
        data.setdefault("_daily_counts", {})[event] = pair
    if gone:
        data["events"] = [e for e in data.get("events", []) if e.get("optimization_event") not in set(gone)]
        data["_daily_counts"] = {k: v for k, v in data.get("_daily_counts", {}).items() if k not in set(gone)}
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
    check_seed(seed)  # before the database is opened or created
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
            Route("/_emulator/health", _health, methods=["GET"]),
            Route("/_emulator/review", _review, methods=["POST"]),
            Route("/open_api/v1.3/{path:path}", _api, methods=["GET", "POST"]),
        ],
    )
    app.state.emulator = emulator
    return app
