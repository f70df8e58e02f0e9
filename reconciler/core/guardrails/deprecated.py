"""Guardrail ``deprecated-endpoint``: nothing is planned against an endpoint past its shutdown
(``calendar.DEPRECATIONS``); a change to a legacy Smart+ campaign is blocked from 2026-06-30.

Pure. The planner only uses ``/smart_plus/`` endpoints, which are not retired.
"""

from __future__ import annotations

import functools
from datetime import datetime

from reconciler.core.guardrails.base import DEPRECATED_ENDPOINT, Checker, Finding
from reconciler.core.guardrails.calendar import check_endpoint
from reconciler.core.operations import Op, Replace, Verdict


def endpoints_of(op: Op) -> list[str]:
    """The endpoints an operation is applied with (each operation knows its own)."""
    if isinstance(op, Replace):
        return [op.spec.create, op.spec.update, op.spec.status]
    endpoint = getattr(op, "endpoint", None)
    return [endpoint] if isinstance(endpoint, str) else []


@functools.lru_cache(maxsize=256)
def _endpoint_verdict(endpoint: str, now: datetime) -> Verdict:
    """One verdict per endpoint and plan clock (a plan has thousands of operations on a handful of
    endpoints). Callers copy ``numbers``; the cached verdict is never changed."""
    return check_endpoint(endpoint, now)


def check(ch: Checker, op: Op) -> list[Finding]:
    out: list[Finding] = []
    for ep in endpoints_of(op):
        v = _endpoint_verdict(ep, ch.now)
        if v.level != "ok":
            out.append(Finding(DEPRECATED_ENDPOINT, v.level, v.message, dict(v.numbers)))
    # A legacy Smart+ campaign is changed through the legacy endpoints only.
    if ch.legacy_campaign(op.address.campaign_address()) is not None:
        v = check_endpoint("campaign/spc/update/", ch.now, legacy_smart_plus=True)
        if v.level == "block":
            out.append(
                Finding(
                    DEPRECATED_ENDPOINT,
                    "block",
                    f"{op.address.campaign_address()} is a legacy Smart+ campaign: the API can no longer "
                    f"change it since {v.numbers['shutdown']}. Run `smartplus import` to turn it into an "
                    "upgraded manifest and make the steps the API cannot do in Ads Manager",
                    dict(v.numbers),
                )
            )
        else:
            out.append(
                Finding(
                    DEPRECATED_ENDPOINT,
                    "warn",
                    f"{op.address.campaign_address()} is a legacy Smart+ campaign; the legacy update "
                    f"endpoints stop on {v.numbers['shutdown']}: migrate it with `smartplus import`",
                    dict(v.numbers),
                )
            )
    return out
