"""Guardrail ``pixel``: a ``CONVERT``/``VALUE`` ad group needs its pixel to exist and its
optimization event set up on it; ``TRAFFIC_LANDING_PAGE_VIEW`` needs browser (Pixel) events,
since the Events API alone cannot measure landing page views.

Pure. Unknown facts (the API did not answer) never block: the rule says so in a warning.
"""

from __future__ import annotations

from typing import Any

from reconciler.core.guardrails.base import PIXEL, Checker, Finding
from reconciler.core.operations import Op
from reconciler.core.resources import AdGroup

LEARNING_GOALS = frozenset({"CONVERT", "VALUE"})  # goals that need a pixel event
LANDING_PAGE_GOAL = "TRAFFIC_LANDING_PAGE_VIEW"


def check(ch: Checker, op: Op) -> list[Finding]:
    if op.kind != "adgroup" or not op.creates:
        return []
    d = ch.ctx.desired.get(op.address)
    if d is None or not isinstance(d.spec, AdGroup):
        return []
    g = d.spec
    adv = op.address.advertiser_id
    if g.optimization_goal in LEARNING_GOALS:
        return _pixel_event(ch, g, adv)
    if g.optimization_goal == LANDING_PAGE_GOAL:
        return _pixel_browser(ch, g, adv)
    return []


def _pixels_unknown(ch: Checker, adv: str) -> list[Finding]:
    why = ch.facts.unknown.get("pixels", "not read")
    return [
        Finding(
            PIXEL,
            "warn",
            f"the pixels of advertiser {adv} are unknown ({why}): check the pixel and its events in Events "
            "Manager (or `smartplus doctor`)",
            {"advertiser_id": adv},
        )
    ]


def _pixel_event(ch: Checker, g: AdGroup, adv: str) -> list[Finding]:
    if g.pixel_id is None or g.optimization_event is None:
        return []  # a validation error (rules.py), not a guardrail
    if adv not in ch.facts.pixel_advertisers:
        return _pixels_unknown(ch, adv)
    p = ch.facts.pixels.get(g.pixel_id)
    numbers: dict[str, Any] = {"pixel_id": g.pixel_id, "optimization_event": g.optimization_event}
    if p is None or p.advertiser_id != adv:
        known = sorted(x.pixel_id for x in ch.facts.pixels_of(adv))
        return [
            Finding(
                PIXEL,
                "block",
                f"pixel {g.pixel_id} does not exist in advertiser {adv}"
                + (f" (its pixels: {', '.join(known)})" if known else " (it has no pixel)")
                + ": create it in Events Manager or fix pixel_id",
                numbers | {"pixels": known},
            )
        ]
    events = [e for e in p.events if e.optimization_event == g.optimization_event and not e.deprecated]
    if not events:
        set_up = sorted({e.optimization_event for e in p.events if e.optimization_event})
        return [
            Finding(
                PIXEL,
                "block",
                f"the optimization event {g.optimization_event} is not set up on pixel {g.pixel_id}"
                + (f" (set up: {', '.join(set_up)})" if set_up else " (no optimizable event is set up)")
                + ": add the event in Events Manager or pick one that is set up",
                numbers | {"events_set_up": set_up},
            )
        ]
    if p.stats_known:
        browser = sum(e.browser_count or 0 for e in events)
        server = sum(e.server_count or 0 for e in events)
        if browser + server == 0:
            window = ch.facts.pixel_window
            return [
                Finding(
                    PIXEL,
                    "warn",
                    f"the event {g.optimization_event} is set up on pixel {g.pixel_id} but received no "
                    "events"
                    + (f" from {window[0]} to {window[1]}" if window else "")
                    + ": check that the site fires it",
                    numbers | {"browser_events": 0, "server_events": 0, "window": list(window or ())},
                )
            ]
    return []


def _pixel_browser(ch: Checker, g: AdGroup, adv: str) -> list[Finding]:
    if adv not in ch.facts.pixel_advertisers:
        return _pixels_unknown(ch, adv)
    pixels = ch.facts.pixels_of(adv)
    if g.pixel_id is not None:
        pixels = [p for p in pixels if p.pixel_id == g.pixel_id]
    window = ch.facts.pixel_window
    if not pixels:
        return [
            Finding(
                PIXEL,
                "block",
                f"{LANDING_PAGE_GOAL} needs the TikTok Pixel on the landing page (browser events), and "
                f"advertiser {adv} has no pixel"
                + (f" {g.pixel_id}" if g.pixel_id else "")
                + ": install the Pixel, or optimize for CLICK",
                {"advertiser_id": adv, "pixels": 0},
            )
        ]
    if not all(p.stats_known for p in pixels):
        why = ch.facts.unknown.get("pixel_stats", "not read")
        return [
            Finding(
                PIXEL,
                "warn",
                f"{LANDING_PAGE_GOAL} needs browser (Pixel) events, and the pixels' event counts are unknown "
                f"({why}): check in Events Manager that the Pixel fires on the landing page",
                {"advertiser_id": adv, "pixels": [p.pixel_id for p in pixels]},
            )
        ]
    browser = sum(p.browser_total() for p in pixels)
    server = sum(p.server_total() for p in pixels)
    if browser == 0:
        return [
            Finding(
                PIXEL,
                "block",
                f"{LANDING_PAGE_GOAL} needs browser (Pixel) events, and the pixels of advertiser {adv} "
                f"received none"
                + (f" from {window[0]} to {window[1]}" if window else "")
                + f" ({server} server events): the Events API alone cannot measure landing page views. "
                "Install the Pixel on the landing page, or optimize for CLICK",
                {
                    "advertiser_id": adv,
                    "browser_events": 0,
                    "server_events": server,
                    "window": list(window or ()),
                },
            )
        ]
    return []
