"""deprecated-endpoint: TikTok's shutdown calendar, at its boundaries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reconciler.core.guardrails import (
    DEPRECATIONS,
    check_endpoint,
    deprecation_of,
    endpoint_usable,
    normalize_endpoint,
)

from .helpers import campaign_doc, live_of, only, plan_of, verdicts

RULE = "deprecated-endpoint"


def test_the_calendar_is_data() -> None:
    assert {(d.endpoint, d.shutdown) for d in DEPRECATIONS} == {
        ("campaign/spc/create/", date(2026, 3, 31)),
        ("campaign/spc/update/", date(2026, 6, 30)),
        ("campaign/status/update/", date(2026, 6, 30)),  # for legacy Smart+ campaigns only
        ("campaign/create/", date(2026, 12, 31)),
    }


@pytest.mark.parametrize(
    ("path", "last_good", "first_bad"),
    [
        ("/campaign/spc/create/", datetime(2026, 3, 30, 23, 59, 59), datetime(2026, 3, 31)),
        ("campaign/spc/update", datetime(2026, 6, 29, 23, 59, 59), datetime(2026, 6, 30)),
        ("/open_api/v1.3/campaign/create/", datetime(2026, 12, 30, 23, 59, 59), datetime(2026, 12, 31)),
    ],
)
def test_shutdown_boundaries(path: str, last_good: datetime, first_bad: datetime) -> None:
    assert endpoint_usable(path, last_good)
    assert not endpoint_usable(path, first_bad)
    before, after = check_endpoint(path, last_good), check_endpoint(path, first_bad)
    assert before.level == "warn" and before.numbers["days_left"] == 1
    assert after.level == "block" and after.numbers["days_left"] == 0
    assert after.rule == RULE and "stopped working on" in after.message
    assert after.numbers["shutdown"] == first_bad.date().isoformat()


def test_warning_window_is_thirty_days() -> None:
    assert check_endpoint("campaign/create/", datetime(2026, 11, 30, 23, 59, 59)).level == "ok"
    v = check_endpoint("campaign/create/", datetime(2026, 12, 1))
    assert v.level == "warn" and v.numbers["days_left"] == 30


def test_smart_plus_endpoints_have_no_shutdown() -> None:
    for ep in ("smart_plus/campaign/create/", "smart_plus/adgroup/update/", "smart_plus/ad/status/update/"):
        assert endpoint_usable(ep, datetime(2030, 1, 1))
        assert check_endpoint(ep, datetime(2030, 1, 1)).level == "ok"


def test_manual_status_update_is_retired_for_legacy_campaigns_only() -> None:
    when = datetime(2026, 7, 1)
    assert endpoint_usable("campaign/status/update/", when)
    assert not endpoint_usable("campaign/status/update/", when, legacy_smart_plus=True)


def test_normalize_endpoint() -> None:
    assert normalize_endpoint("https://business-api.tiktok.com/open_api/v1.3/campaign/spc/create/?x=1") == (
        "campaign/spc/create/"
    )
    assert normalize_endpoint("campaign/create") == "campaign/create/"
    assert deprecation_of("campaign/get/") is None


def test_plans_use_live_endpoints_only() -> None:
    assert verdicts(plan_of(campaign_doc()), RULE) == []


@pytest.mark.parametrize(
    ("now", "level"), [(datetime(2026, 6, 29, 23, 59, 59), "warn"), (datetime(2026, 6, 30), "block")]
)
def test_changes_to_a_legacy_campaign(now: datetime, level: str) -> None:
    live = live_of(
        campaign_doc(), created=datetime(2026, 1, 1), extra={"campaign_automation_type": "SMART_PLUS"}
    )
    plan = plan_of(campaign_doc(budget=520), live, now=now)
    (_, v) = only(plan, RULE)
    assert v.level == level
    assert "legacy Smart+ campaign" in v.message and "smartplus import" in v.message
