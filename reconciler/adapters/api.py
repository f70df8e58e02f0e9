"""The TikTok Business API client, on httpx.

I/O edge. What it does for every caller:

- wire format: ``Access-Token`` header, JSON bodies, and on GET every list or
  object parameter (``fields``, ``filtering``, id arrays) JSON-encoded in the
  query string, as TikTok and its SDK do;
- the envelope: TikTok answers business errors with HTTP 200 and a non-zero
  ``code``, so errors are mapped from the body's ``code``, not the status;
- one client-side token bucket for all requests (``RateLimiter``): it paces a
  little under the configured rate (95%, default 10 per second), so that a
  server limit of that rate is not hit when the network bunches requests up, and
  a rate-limit answer lowers it for the rest of the run;
- retries, with exponential backoff and full jitter, of what is retryable only:
  the rate-limit answers (HTTP 429 whatever its body, codes 40100, 40132 and
  61000), 50000, 50002, 51xxx, HTTP 5xx, timeouts, dropped connections. Writes
  that are not idempotent (creates) are not retried here: apply decides, after
  looking the object up (a lost answer may hide a success);
- the token never appears in errors or stats.

The client takes an httpx transport, so the emulator runs in process
(``EmulatorTransport``) or over the network with the same code.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import httpx

from reconciler.errors import ApiError, ApiErrorInfo, AuthError, TransportError
from reconciler.settings import Secret

T = TypeVar("T")  # what ``get_each`` makes of a page's rows

# TikTok's rate-limit codes (api-behavior.md 2: REQUEST_TOO_FREQUENT, REQUEST_FREQUENCY_LIMITED,
# TOO_MANY_REQUESTS_BL). Its numeric limits and whether it ever answers HTTP 429 are NOT FOUND; a
# 429 from a gateway in front of it is treated as one more rate-limit answer, whatever its body.
RATE_LIMIT_CODES = frozenset({40100, 40132, 61000})
RETRYABLE_CODES = RATE_LIMIT_CODES | {50000, 50002}
AUTH_CODES = frozenset({40001, 40102, 40104, 40105, 40113, 40118, 40125, 40130})
HTTP_TOO_MANY_REQUESTS = 429


def is_retryable_code(code: int) -> bool:
    return code in RETRYABLE_CODES or 51000 <= code <= 51999


class RateLimited(ApiError):
    """A rate-limit answer (HTTP 429, or code 40100, 40132 or 61000): always retryable."""

    def __init__(self, info: ApiErrorInfo, retry_after: float | None = None) -> None:
        super().__init__(info, retryable=True)
        self.retry_after = retry_after


class RateLimiter:
    """A token bucket shared by every request of one client.

    It refills at ``headroom`` (95%) of the configured rate and holds at most ``burst`` tokens
    (half a second of the rate: a server's bucket is never emptied by us alone, and keeps room
    for requests the network delivers bunched up). Tokens are taken when a request really
    leaves, one waiter at a time, so requests that were held up (the event loop busy parsing)
    do not leave together afterwards.

    ``slow_down()`` is called on every rate-limit answer: the rate drops by a tenth (at most once
    per second, since requests in flight together answer together) down to a tenth of the
    configured rate, the burst to one, and the bucket empties, for the rest of the run. TikTok's
    numeric limits are NOT FOUND, so the configured rate is a guess that the server corrects; a
    tenth, not more, because a busy server (or machine) also answers 40100 to a client that kept
    its pace, when it handles late requests that arrived evenly (bench/plan_scale.py at 5x)."""

    HEADROOM = 0.95
    DECREASE = 0.9
    FLOOR = 0.1  # of the configured rate

    def __init__(
        self,
        rate: float,
        clock: Callable[[], float] = time.monotonic,
        *,
        headroom: float = HEADROOM,
        burst: float | None = None,
    ) -> None:
        self.configured = rate
        self.rate = rate * headroom if rate > 0 else 0.0
        self.burst = max(1.0, self.rate / 2) if burst is None else max(1.0, burst)
        self.floor = rate * self.FLOOR
        self.decreases = 0
        self._tokens = self.burst
        self._stamp: float | None = None
        self._last_decrease = -1e9
        self._lock = asyncio.Lock()
        self._clock = clock

    @property
    def interval(self) -> float:
        return 1.0 / self.rate if self.rate > 0 else 0.0

    def _refill(self, now: float) -> None:
        if self._stamp is not None:
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self) -> None:
        if self.rate <= 0:
            return
        async with self._lock:  # asyncio.Lock is FIFO: requests leave in the order they asked
            while True:
                self._refill(self._clock())
                if self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                await asyncio.sleep((1.0 - self._tokens) / self.rate)

    def slow_down(self) -> None:
        """A rate-limit answer came back: send less for the rest of the run."""
        if self.rate <= 0:
            return
        now = self._clock()
        self._refill(now)
        self._tokens = min(self._tokens, 0.0)  # the server's bucket is empty: wait a full interval
        self.burst = 1.0
        if now - self._last_decrease >= 1.0:
            self._last_decrease = now
            self.rate = max(self.floor, self.rate * self.DECREASE)
            self.decreases += 1


@dataclass
class Stats:
    calls: Counter[str] = field(default_factory=Counter)
    codes: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    throttled: int = 0  # rate-limit answers received (HTTP 429, 40100, 40132, 61000)
    rate_decreases: int = 0  # times the client lowered its rate after one

    def to_json(self) -> dict[str, Any]:
        return {
            "api_calls": sum(self.calls.values()),
            "calls_per_endpoint": dict(sorted(self.calls.items())),
            "answer_codes": dict(sorted(self.codes.items())),
            "retries": self.retries,
            "throttled": self.throttled,
            "rate_decreases": self.rate_decreases,
        }


RETRY_AFTER_CAP = 60.0  # seconds: a longer Retry-After is not waited out inside one request


def _retry_after(value: str | None) -> float | None:
    """The seconds of a ``Retry-After`` header (whether TikTok sends one is NOT FOUND; a gateway
    may). The HTTP-date form is not honoured: the back-off applies instead."""
    if not value:
        return None
    try:
        seconds = float(value.strip())
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


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


@dataclass(frozen=True)
class Multipart:
    """A `multipart/form-data` body: text fields and files ({field: (filename, bytes)})."""

    fields: dict[str, str]
    files: dict[str, tuple[str, bytes]]

    def encode(self) -> tuple[str, bytes]:
        # The boundary must not occur in the content: derived from it, and checked.
        digest = hashlib.sha256(b"".join(data for _, data in self.files.values())).hexdigest()
        boundary = f"smartplus-{digest[:32]}"
        parts: list[bytes] = []
        for name, value in self.fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, data) in self.files.items():
            if boundary.encode() in data:
                raise ValueError(
                    "multipart boundary found in the file"
                )  # a SHA-256 prefix: never in practice
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                "Content-Type: application/octet-stream\r\n\r\n"
            )
            parts.append(head.encode() + data + b"\r\n")
        parts.append(f"--{boundary}--\r\n".encode())
        return f"multipart/form-data; boundary={boundary}", b"".join(parts)


class TikTokClient:
    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        rate_limit: float = 10.0,
        timeout: float = 30.0,
        rate_burst: float | None = None,
        max_attempts: int = 8,
        backoff_base: float = 0.2,
        backoff_cap: float = 5.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.token = token
        # Where this client points, as a saved plan records it (apply refuses another target).
        self.target: dict[str, str] = {"base_url": base_url}
        self.limiter = RateLimiter(rate_limit, burst=rate_burst)
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
            elif isinstance(body, Multipart):
                content_type, content = body.encode()
                resp = await self._http.post(path, content=content, headers={"Content-Type": content_type})
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
        # httpx's Response and its stream refer to each other: left so, every answer (a page of
        # 100 ads is 330 KB) waits for the cycle collector, which the plan runs rarely
        # (pipeline.tune_gc): 50 MB more at the peak of a 61,000-object plan. An empty stream
        # breaks the cycle, and the answer goes when this call returns.
        resp.stream = httpx.ByteStream(b"")
        if resp.status_code == HTTP_TOO_MANY_REQUESTS:
            # Whatever the body says (JSON envelope, text or HTML from a gateway): too many requests.
            self.stats.codes["http429"] += 1
            raise RateLimited(
                ApiErrorInfo(-1, "HTTP 429 Too Many Requests", endpoint=endpoint),
                retry_after=_retry_after(resp.headers.get("retry-after")),
            )
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
        info = ApiErrorInfo(
            code=code,
            message=self.token.scrub(str(envelope.get("message", ""))),
            request_id=envelope.get("request_id"),
            endpoint=endpoint,
        )
        if code in AUTH_CODES:
            raise AuthError(info)
        if code in RATE_LIMIT_CODES:
            raise RateLimited(info)
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
            except RateLimited as exc:
                self.stats.throttled += 1
                before = self.limiter.rate
                self.limiter.slow_down()
                if self.limiter.rate < before:
                    self.stats.rate_decreases += 1
                # Even a rate-limited create goes back to its caller when ``retry`` is off: whether
                # TikTok could have made it anyway is NOT FOUND, and apply looks it up first.
                if not retry or attempt >= self.max_attempts:
                    raise
                self.stats.retries += 1
                wait = self.backoff(attempt)
                if exc.retry_after is not None:
                    wait = max(wait, min(exc.retry_after, RETRY_AFTER_CAP))
                await self.sleep(wait)
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

    async def post_multipart(
        self, path: str, fields: dict[str, str], files: dict[str, tuple[str, bytes]], *, retry: bool = True
    ) -> Any:
        """A `multipart/form-data` POST (the file uploads), with the same pacing, retries and
        rate-limit handling as every other call."""
        return await self.request("POST", path, body=Multipart(fields, files), retry=retry)

    async def get_all(self, path: str, params: dict[str, Any], page_size: int) -> list[dict[str, Any]]:
        """Every page of a list endpoint: the first page tells how many there are,
        the rest are fetched concurrently (the rate limiter paces them)."""
        return await self.get_each(path, params, page_size, list)

    async def get_each(
        self,
        path: str,
        params: dict[str, Any],
        page_size: int,
        each: Callable[[list[dict[str, Any]]], list[T]],
    ) -> list[T]:
        """As ``get_all``, but each page's rows go through ``each`` as soon as that page arrives,
        and the decoded page is dropped then: a large account is held only in the form ``each``
        makes of it (``core.live``'s compact objects), never as all its raw pages at once."""
        first = await self.get(path, {**params, "page": 1, "page_size": page_size})
        total_page = int((first.get("page_info") or {}).get("total_page", 1) or 1)
        out = each(first.get("list", []))
        del first
        if total_page > 1:

            async def page(p: int) -> list[T]:
                return each(
                    (await self.get(path, {**params, "page": p, "page_size": page_size})).get("list", [])
                )

            for part in await asyncio.gather(*(page(p) for p in range(2, total_page + 1))):
                out.extend(part)
        return out
