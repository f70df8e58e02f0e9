"""Test and benchmark knobs: latency, a server-side rate limit, injected faults, request statistics.

No I/O. TikTok's numeric rate limits are NOT FOUND in the reference, so the limit is whatever
`--rate-limit QPS` says: a token bucket refilled at QPS per second holding at most QPS tokens (burst
1x QPS); a request without a token is answered 40100. Faults are drawn from a seedable random
generator so tests are reproducible.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

FAULT_KINDS = ("error50000", "error50002", "timeout", "drop", "lost", "throttle")


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
        probability = float(value)
        if not 0.0 <= probability <= 1.0:
            raise ValueError(f"bad fault {part!r}: probability must be between 0 and 1")
        out[kind] = probability
    if sum(out.values()) > 1.0 + 1e-9:
        raise ValueError("fault probabilities add up to more than 1")
    return out


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
        latency_ms: int | None = None,
        rate_limit: float | None = None,
        faults: str | None = None,
        fault_seed: int | None = None,
        timeout_sleep_s: float | None = None,
        clear_rate_limit: bool = False,
    ) -> None:
        if latency_ms is not None:
            self.latency_ms = max(0, int(latency_ms))
        if clear_rate_limit:
            self.rate_limit, self.bucket = None, None
        elif rate_limit is not None:
            self.rate_limit = float(rate_limit)
            self.bucket = TokenBucket(self.rate_limit) if self.rate_limit > 0 else None
        if faults is not None:
            self.faults = parse_faults(faults)
        if fault_seed is not None:
            self.fault_seed = fault_seed
            self.rng = random.Random(fault_seed)
        if timeout_sleep_s is not None:
            self.timeout_sleep_s = float(timeout_sleep_s)

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
