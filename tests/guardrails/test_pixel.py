"""pixel: CONVERT/VALUE need their pixel and optimization event; TRAFFIC_LANDING_PAGE_VIEW needs
browser (Pixel) events. Unknown pixels warn, never block."""

from __future__ import annotations

from typing import Any

import pytest

from reconciler.core.guardrails import Facts, PixelEvent, PixelFacts

from .helpers import ADV, PIXEL, adgroup_doc, campaign_doc, plan_of, verdicts

RULE = "pixel"
WINDOW = ("2026-11-23", "2026-11-29")


def facts(*events: PixelEvent, stats: bool = True, pixel: str = PIXEL, advertiser: str = ADV) -> Facts:
    return Facts(
        pixels={pixel: PixelFacts(pixel, advertiser, "Demo", tuple(events), stats_known=stats)},
        pixel_advertisers=frozenset({ADV}),
        pixel_window=WINDOW,
    )


SHOPPING = PixelEvent("SHOPPING", "SHOPPING", "Complete Payment", browser_count=840, server_count=560)
PAGE_VIEW = PixelEvent("PAGE_VIEW", None, "Page View", browser_count=105000, server_count=0)


def one_adgroup(**fields: Any) -> dict[str, Any]:
    return campaign_doc(adgroups=[adgroup_doc("US broad 18+", **fields)])


def levels(doc: dict[str, Any], f: Facts) -> list[tuple[str, str]]:
    return [(v.level, v.message) for _, v in verdicts(plan_of(doc, facts=f), RULE)]


def test_pixel_and_event_set_up_pass() -> None:
    assert levels(one_adgroup(), facts(SHOPPING, PAGE_VIEW)) == []


def test_missing_pixel_blocks() -> None:
    ((level, message),) = levels(one_adgroup(pixel_id="7100000000000000009"), facts(SHOPPING))
    assert level == "block"
    assert "pixel 7100000000000000009 does not exist" in message and PIXEL in message


def test_another_advertisers_pixel_blocks() -> None:
    ((level, _),) = levels(one_adgroup(), facts(SHOPPING, advertiser="7000000000000000002"))
    assert level == "block"


def test_event_not_set_up_blocks() -> None:
    ((level, message),) = levels(one_adgroup(optimization_event="FORM"), facts(SHOPPING, PAGE_VIEW))
    assert level == "block"
    assert "FORM is not set up" in message and "set up: SHOPPING" in message


def test_deprecated_event_does_not_count() -> None:
    old = PixelEvent("SHOPPING", "SHOPPING", deprecated=True)
    assert levels(one_adgroup(), facts(old))[0][0] == "block"


def test_event_without_traffic_warns() -> None:
    quiet = PixelEvent("SHOPPING", "SHOPPING", browser_count=0, server_count=0)
    ((level, message),) = levels(one_adgroup(), facts(quiet))
    assert level == "warn" and "received no events from 2026-11-23 to 2026-11-29" in message


def test_value_goal_needs_its_event_too() -> None:
    doc = one_adgroup(optimization_goal="VALUE", optimization_event="SHOPPING")
    assert levels(doc, facts(SHOPPING)) == []
    assert levels(doc, facts(PAGE_VIEW))[0][0] == "block"


def test_unknown_pixels_warn() -> None:
    f = Facts(unknown={"pixels": "/pixel/list/ answered 40001: no permission"})
    ((level, message),) = levels(one_adgroup(), f)
    assert level == "warn" and "40001" in message


def lpv(**fields: Any) -> dict[str, Any]:
    fields = {
        "optimization_goal": "TRAFFIC_LANDING_PAGE_VIEW",
        "optimization_event": None,
        "pixel_id": None,
        **fields,
    }
    return one_adgroup(**fields)


def test_landing_page_views_with_browser_events_pass() -> None:
    assert levels(lpv(), facts(SHOPPING, PAGE_VIEW)) == []


def test_landing_page_views_with_server_events_only_block() -> None:
    server_only = PixelEvent("SHOPPING", "SHOPPING", browser_count=0, server_count=900)
    plan = plan_of(lpv(), facts=facts(server_only))
    ((_, v),) = verdicts(plan, RULE)
    assert v.blocking
    assert v.numbers == {
        "advertiser_id": ADV,
        "browser_events": 0,
        "server_events": 900,
        "window": list(WINDOW),
    }
    assert "Events API alone cannot measure landing page views" in v.message


def test_landing_page_views_without_any_pixel_block() -> None:
    f = Facts(pixel_advertisers=frozenset({ADV}))
    ((level, message),) = levels(lpv(), f)
    assert level == "block" and "has no pixel" in message


@pytest.mark.parametrize("f", [facts(PAGE_VIEW, stats=False), Facts()])
def test_landing_page_views_with_unknown_counts_warn(f: Facts) -> None:
    ((level, _),) = levels(lpv(), f)
    assert level == "warn"


def test_click_needs_nothing() -> None:
    assert (
        levels(one_adgroup(optimization_goal="CLICK", optimization_event=None, pixel_id=None), Facts()) == []
    )
