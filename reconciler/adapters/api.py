"""The TikTok Business API client, on httpx.

I/O edge. What it does for every caller:

- wire format: ``Access-Token`` header, JSON bodies, and on GET every list or
  object parameter (``fields``, ``filtering``, id arrays) JSON-encoded in the
  query string, as TikTok and its SDK do;
- the envelope: TikTok answers business errors with HTTP 200 and a non-zero
  ``code``, so errors are mapped from the body's ``code``, not the status;
- one client-side token bucket for all requests (default 10 per second),
  spacing requests evenly so that a server limit of the same rate is never hit;
- retries, with exponential backoff and full jitter, of what is retryable only
  (40100, 40132, 61000, 50000, 50002, 51xxx, HTTP 5xx, timeouts, dropped
  connections). Writes that are not idempotent (creates) are not retried here:
  apply decides, after looking the object up (a lost answer may hide a success);
- the token never appears in errors or stats.

The client takes an httpx transport, so the emulator runs in process
(``EmulatorTransport``) or over the network with the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from reconciler.errors import ApiError, ApiErrorInfo, AuthError, TransportError
from reconciler.settings import Secret

RETRYABLE_CODES = frozenset({40100, 40132, 61000, 50000, 50002})
AUTH_CODES = frozenset({40001, 40102, 40104, 40105, 40113, 40118, 40125, 40130})


def is_retryable_code(code: int) -> bool:
    return code in RETRYABLE_CODES or 51000 <= code <= 51999


class RateLimiter:
    """A token bucket with a burst of one: requests leave evenly spaced, 1/rate apart."""

    def __init__(self, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()
        self._clock = clock

    async def acquire(self) -> None:
        if self.interval == 0:
            return
        async with self._lock:
            now = self._clock()
            wait = self._next - now
            self._next = max(now, self._next) + self.interval
        if wait > 0:
            await asyncio.sleep(wait)


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    throttled: int = 0  # 40100 answers received

    def to_json(self) -> dict[str, Any]:
        return {
            "api_calls": sum(self.calls.values()),
            "calls_per_endpoint": dict(sorted(self.calls.items())),
            "answer_codes": dict(sorted(self.codes.items())),
            "retries": self.retries,
            "throttled": self.throttled,
        }


def encode_params(params: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in params.items():
        if v is None:
            continue
        if isinstance(v, list | tuple | dict):
            out[k] = json.dumps(v, separators=(",", ":"))
        elif isinstance(v, bool):
            out[k] = "true" if v else "false"
        else:
            out[k] = str(v)
    return out


class TikTokClient:
    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit: float = 10.0,
        timeout: float = 30.0,
        max_attempts: int = 8,
        backoff_base: float = 0.2,
        backoff_cap: float = 5.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.token = token
        # Where this client points, as a saved plan records it (apply refuses another target).
        self.target: dict[str, str] = {"base_url": base_url}
        self.limiter = RateLimiter(rate_limit)
        self.max_attempts = max_attempts
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.stats = Stats()
        self._server_date: tuple[datetime, float] | None = None  # (server's Date, monotonic then)
        self._http = httpx.AsyncClient(
            base_url=base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"Access-Token": token.reveal(), "Content-Type": "application/json"},
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )

    async def now(self) -> datetime:
        """UTC now, naive, by the API server's clock: the `Date` header of its latest answer,
        plus the time elapsed here since (a skewed CI runner must not open the learning phase
        early, and the emulator's settable clock must move every client's "now"). With no
        answer yet, one cheap request to the base URL asks for the header; a server that sends
        none leaves this machine's clock."""
        for _attempt in range(3):
            if self._server_date is not None:
                break
            with contextlib.suppress(httpx.HTTPError):
                self._saw_date(await self._http.get(""))
        if self._server_date is None:
            return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        at, seen = self._server_date
        return (at + timedelta(seconds=time.monotonic() - seen)).replace(microsecond=0)

    def _saw_date(self, resp: httpx.Response) -> None:
        value = resp.headers.get("date")
        if not value:
            return
        try:
            at = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return
        if at.tzinfo is not None:
            at = at.astimezone(UTC).replace(tzinfo=None)
        self._server_date = (at, time.monotonic())

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> TikTokClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- one request --------------------------------------------------------------------------

    async def _once(self, method: str, path: str, params: dict[str, Any] | None, body: Any) -> Any:
        await self.limiter.acquire()
        endpoint = "/" + path.strip("/") + "/"
        self.stats.calls[endpoint] += 1
        try:
            if method == "GET":
                resp = await self._http.get(path, params=encode_params(params or {}))
            else:
                resp = await self._http.post(path, content=json.dumps(body, separators=(",", ":")))
        except httpx.TimeoutException as exc:
            self.stats.codes["timeout"] += 1
            raise TransportError(
                ApiErrorInfo(-1, f"timed out ({type(exc).__name__})", endpoint=endpoint), retryable=True
            ) from None
        except httpx.TransportError as exc:
            self.stats.codes["transport"] += 1
            msg = self.token.scrub(str(exc) or type(exc).__name__)
            raise TransportError(
                ApiErrorInfo(-1, f"connection failed: {msg}", endpoint=endpoint), retryable=True
            ) from None
        self._saw_date(resp)
        if resp.status_code >= 500:
            self.stats.codes[f"http{resp.status_code}"] += 1
            raise TransportError(
                ApiErrorInfo(-1, f"HTTP {resp.status_code} from the API gateway", endpoint=endpoint),
                retryable=True,
            )
        try:
            envelope = resp.json()
        except ValueError:
            self.stats.codes[f"http{resp.status_code}"] += 1
            raise ApiError(
                ApiErrorInfo(-1, f"HTTP {resp.status_code} with a body that is not JSON", endpoint=endpoint)
            ) from None
        if not isinstance(envelope, dict) or "code" not in envelope:
            raise ApiError(
                ApiErrorInfo(-1, f"HTTP {resp.status_code}: not a TikTok envelope", endpoint=endpoint)
            )
        code = int(envelope.get("code", -1))
        self.stats.codes[str(code)] += 1
        if code in (0, 20001):
            return envelope.get("data") or {}
        if code == 40100:
            self.stats.throttled += 1
        info = ApiErrorInfo(
            code=code,
            message=self.token.scrub(str(envelope.get("message", ""))),
            request_id=envelope.get("request_id"),
            endpoint=endpoint,
        )
        if code in AUTH_CODES:
            raise AuthError(info)
        raise ApiError(info, retryable=is_retryable_code(code))

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
        retry: bool = True,
    ) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._once(method, path, params, body)
            except ApiError as exc:
                if not (retry and exc.retryable) or attempt >= self.max_attempts:
                    raise
                self.stats.retries += 1
                await self.sleep(self.backoff(attempt))

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base * 2^attempt)]."""
        return self.rng.uniform(0, min(self.backoff_cap, self.backoff_base * 2**attempt))

    async def get(self, path: str, params: dict[str, Any]) -> Any:
        return await self.request("GET", path, params=params)

    async def post(self, path: str, body: dict[str, Any], *, retry: bool = True) -> Any:
        return await self.request("POST", path, body=body, retry=retry)

    async def get_all(self, path: str, params: dict[str, Any], page_size: int) -> list[dict[str, Any]]:
        """Every page of a list endpoint: the first page tells how many there are,
        the rest are fetched concurrently (the rate limiter paces them)."""
        first = await self.get(path, {**params, "page": 1, "page_size": page_size})
        rows: list[dict[str, Any]] = list(first.get("list", []))
        total_page = int((first.get("page_info") or {}).get("total_page", 1) or 1)
        if total_page > 1:
            pages = await asyncio.gather(
                *(
                    self.get(path, {**params, "page": p, "page_size": page_size})
                    for p in range(2, total_page + 1)
                )
            )
            for page in pages:
                rows.extend(page.get("list", []))
        return rows
