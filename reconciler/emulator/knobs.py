"""Test and benchmark knobs: latency, a server-side rate limit, injected faults, request statistics.

No I/O. TikTok's numeric rate limits are NOT FOUND in the reference, so the limit is whatever
`--rate-limit QPS` says: a token bucket refilled at QPS per second holding at most QPS tokens (burst
1x QPS); a request without a token is answered 40100. Faults are drawn from a seedable random
generator so tests are reproducible.

Rate-limit faults: `throttle` answers 40100 (the code every third-party client meets), `throttle40132`
and `throttle61000` the two other rate-limit codes the SDK defines (REQUEST_FREQUENCY_LIMITED,
TOO_MANY_REQUESTS_BL; api-behavior.md section 2), and `http429` a real HTTP 429 with a plain-text body,
as a gateway in front of the API could send (whether TikTok itself ever does is NOT FOUND; the strict
reading is that a client must survive it).
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

# New kinds go at the end: the draw walks this order, so a fixed fault_seed keeps its old sequence.
FAULT_KINDS = (
    "error50000",
    "error50002",
    "timeout",
    "drop",
    "lost",
    "throttle",
    "throttle40132",
    "throttle61000",
    "http429",
)


def parse_faults(spec: str | None) -> dict[str, float]:
    """`kind=probability,...` -> {kind: probability}; ValueError on a bad spec."""
    out: dict[str, float] = {}
    if not spec:
        return out
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        kind, sep, value = part.partition("=")
        kind = kind.strip()
        if not sep or kind not in FAULT_KINDS:
            raise ValueError(
                f"bad fault {part!r}: expected kind=probability with kind in {', '.join(FAULT_KINDS)}"
            )
        try:
            probability = float(value)
        except ValueError:
            raise ValueError(f"bad fault {part!r}: probability must be a number") from None
        if not 0.0 <= probability <= 1.0:  # also refuses nan
            raise ValueError(f"bad fault {part!r}: probability must be between 0 and 1")
        out[kind] = probability
    if sum(out.values()) > 1.0 + 1e-9:
        raise ValueError("fault probabilities add up to more than 1")
    return out


def _number(name: str, value: object, low: float, high: float, *, whole: bool = False) -> float:
    """A finite number within [low, high] (an integer if `whole`); booleans and strings are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number, got {value!r}")
    if whole and not (isinstance(value, int) or float(value).is_integer()):
        raise ValueError(f"{name}: expected a whole number, got {value!r}")
    if not math.isfinite(value) or not low <= value <= high:
        raise ValueError(f"{name}: must be between {low:g} and {high:g}, got {value!r}")
    return float(value)


class TokenBucket:
    def __init__(self, qps: float) -> None:
        self.qps = qps
        self.capacity = max(1.0, qps)
        self.tokens = self.capacity
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.qps)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            return False


@dataclass
class Knobs:
    latency_ms: int = 0
    rate_limit: float | None = None
    faults: dict[str, float] = field(default_factory=dict)
    fault_seed: int | None = None
    timeout_sleep_s: float = 30.0
    bucket: TokenBucket | None = None
    rng: random.Random = field(default_factory=random.Random)

    def __post_init__(self) -> None:
        self.configure(rate_limit=self.rate_limit, fault_seed=self.fault_seed)

    def configure(
        self,
        *,
        latency_ms: object = None,
        rate_limit: object = None,
        faults: str | None = None,
        fault_seed: object = None,
        timeout_sleep_s: object = None,
        clear_rate_limit: bool = False,
    ) -> None:
        """Change the knobs; every value is checked before any is changed (ValueError names the bad one)."""
        latency = (
            None if latency_ms is None else int(_number("latency_ms", latency_ms, 0, 600_000, whole=True))
        )
        qps = None if rate_limit is None else _number("rate_limit", rate_limit, 0, 1_000_000)
        parsed = None if faults is None else parse_faults(faults)
        seed = (
            None
            if fault_seed is None
            else int(_number("fault_seed", fault_seed, -(2**63), 2**63, whole=True))
        )
        sleep = None if timeout_sleep_s is None else _number("timeout_sleep_s", timeout_sleep_s, 0, 3600)
        if latency is not None:
            self.latency_ms = latency
        if clear_rate_limit:
            self.rate_limit, self.bucket = None, None
        elif qps is not None:
            self.rate_limit = qps
            self.bucket = TokenBucket(qps) if qps > 0 else None
        if parsed is not None:
            self.faults = parsed
        if seed is not None:
            self.fault_seed = seed
            self.rng = random.Random(seed)
        if sleep is not None:
            self.timeout_sleep_s = sleep

    def throttled(self) -> bool:
        return self.bucket is not None and not self.bucket.take()

    def draw_fault(self) -> str | None:
        if not self.faults:
            return None
        roll = self.rng.random()
        total = 0.0
        for kind in FAULT_KINDS:
            total += self.faults.get(kind, 0.0)
            if roll < total:
                return kind
        return None

    def describe(self) -> dict[str, object]:
        return {
            "latency_ms": self.latency_ms,
            "rate_limit": self.rate_limit,
            "faults": dict(self.faults),
            "fault_seed": self.fault_seed,
            "timeout_sleep_s": self.timeout_sleep_s,
        }


@dataclass
class Stats:
    by_path: Counter[str] = field(default_factory=Counter)
    by_code: Counter[str] = field(default_factory=Counter)
    by_path_code: dict[str, Counter[str]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, path: str, code: str) -> None:
        with self.lock:
            self.by_path[path] += 1
            self.by_code[code] += 1
            self.by_path_code.setdefault(path, Counter())[code] += 1

    def reset(self) -> None:
        with self.lock:
            self.by_path.clear()
            self.by_code.clear()
            self.by_path_code.clear()

    def snapshot(self) -> dict[str, object]:
        with self.lock:
            return {
                "total": sum(self.by_path.values()),
                "by_path": dict(self.by_path),
                "by_code": dict(self.by_code),
                "by_path_code": {p: dict(c) for p, c in self.by_path_code.items()},
            }
