"""Guardrails: TikTok's calendar of endpoint shutdowns, and what it says of an endpoint at a time.

Pure: "now" is passed in (the API server's clock). Dates are from the current reference
(shared/reference/smart-plus-current.md section 6, D:1853452461203458): a date is the first
day the endpoint no longer works, the reading the emulator uses too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from reconciler.core.guardrails.base import DEPRECATED_ENDPOINT, ceil_days, naive
from reconciler.core.operations import Verdict

DEPRECATION_WARNING_DAYS = 30


@dataclass(frozen=True)
class Deprecation:
    """A TikTok endpoint and the day it stops working (from 00:00:00 UTC that day)."""

    endpoint: str  # path under /open_api/v1.3/, e.g. "campaign/spc/create/"
    shutdown: date
    what: str
    instead: str
    legacy_only: bool = False  # retired for legacy Smart+ campaigns only

    @property
    def shutdown_at(self) -> datetime:
        return datetime(self.shutdown.year, self.shutdown.month, self.shutdown.day)


DEPRECATIONS: tuple[Deprecation, ...] = (
    Deprecation(
        "campaign/spc/create/",
        date(2026, 3, 31),
        "legacy Smart+ campaign creation",
        "/smart_plus/campaign/create/, /smart_plus/adgroup/create/, /smart_plus/ad/create/",
    ),
    Deprecation(
        "campaign/spc/update/",
        date(2026, 6, 30),
        "legacy Smart+ campaign updates",
        "`smartplus import` the campaign as an upgraded manifest; make what the API cannot do in Ads Manager",
    ),
    Deprecation(
        "campaign/status/update/",
        date(2026, 6, 30),
        "status changes of legacy Smart+ campaigns",
        "Ads Manager, or an upgraded campaign (/smart_plus/campaign/status/update/)",
        legacy_only=True,
    ),
    Deprecation(
        "campaign/create/",
        date(2026, 12, 31),
        "campaign creation through the Manual Campaign Management API",
        "/smart_plus/campaign/create/",
    ),
)


def normalize_endpoint(path: str) -> str:
    """``https://host/open_api/v1.3/campaign/create`` or ``/campaign/create/`` -> ``campaign/create/``."""
    p = path.split("?", 1)[0]
    if "://" in p:
        p = p.split("://", 1)[1]
        p = p.split("/", 1)[1] if "/" in p else ""
    p = p.strip("/")
    for prefix in ("open_api/v1.3/", "v1.3/"):
        if p.startswith(prefix):
            p = p[len(prefix) :]
    return p + "/" if p else ""


def deprecation_of(path: str, *, legacy_smart_plus: bool = False) -> Deprecation | None:
    ep = normalize_endpoint(path)
    for d in DEPRECATIONS:
        if d.endpoint == ep and (legacy_smart_plus or not d.legacy_only):
            return d
    return None


def endpoint_usable(path: str, now: datetime, *, legacy_smart_plus: bool = False) -> bool:
    """Whether TikTok still serves ``path`` at ``now`` (naive UTC)."""
    d = deprecation_of(path, legacy_smart_plus=legacy_smart_plus)
    return d is None or naive(now) < d.shutdown_at


def check_endpoint(path: str, now: datetime, *, legacy_smart_plus: bool = False) -> Verdict:
    """The ``deprecated-endpoint`` verdict for one endpoint at ``now``: ``block`` from its
    shutdown day, ``warn`` within 30 days before it, ``ok`` otherwise (for apply and doctor)."""
    ep = normalize_endpoint(path)
    d = deprecation_of(ep, legacy_smart_plus=legacy_smart_plus)
    if d is None:
        return Verdict(
            DEPRECATED_ENDPOINT, "ok", f"/{ep} has no announced shutdown", numbers={"endpoint": ep}
        )
    now = naive(now)
    left = d.shutdown_at - now
    numbers: dict[str, Any] = {
        "endpoint": ep,
        "shutdown": d.shutdown.isoformat(),
        "days_left": max(0, ceil_days(left)),
    }
    if now >= d.shutdown_at:
        return Verdict(
            DEPRECATED_ENDPOINT,
            "block",
            f"/{ep} ({d.what}) stopped working on {d.shutdown.isoformat()}; use {d.instead}",
            numbers=numbers,
        )
    if left <= timedelta(days=DEPRECATION_WARNING_DAYS):
        return Verdict(
            DEPRECATED_ENDPOINT,
            "warn",
            f"/{ep} ({d.what}) stops working on {d.shutdown.isoformat()}, in {numbers['days_left']} day(s); "
            f"move to {d.instead}",
            numbers=numbers,
        )
    return Verdict(
        DEPRECATED_ENDPOINT,
        "ok",
        f"/{ep} works until {d.shutdown.isoformat()} ({d.what})",
        numbers=numbers,
    )
