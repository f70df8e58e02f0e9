"""Guardrails: the facts about the account beyond its objects (today's spend, pixels and
their events), and which of them a plan's operations need.

Pure data. ``adapters/facts.py`` reads them, and reads only what ``facts_needed`` names:
a plan without a budget change reads no spend, one that creates or changes no ad group
lists no pixels.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from reconciler.core.live import Matching
from reconciler.core.operations import CreateAdGroup, Op, Replace, Update


@dataclass(frozen=True)
class PixelEvent:
    """One event of a pixel: from ``/pixel/list/`` (``events[]``) and, when read,
    its counts over ``Facts.pixel_window`` from ``/pixel/event/stats/``."""

    event_type: str  # the pixel event type / code (SHOPPING, PAGE_VIEW, ...)
    optimization_event: str | None = None  # the optimization_event it serves; None: not optimizable
    name: str = ""
    browser_count: int | None = None  # browser (Pixel) events in the window; None: unknown
    server_count: int | None = None  # server (Events API) events in the window; None: unknown
    deprecated: bool = False


@dataclass(frozen=True)
class PixelFacts:
    pixel_id: str
    advertiser_id: str
    name: str = ""
    events: tuple[PixelEvent, ...] = ()
    stats_known: bool = False  # the event counts were read
    activity_status: str | None = None

    def browser_total(self) -> int:
        return sum(e.browser_count or 0 for e in self.events)

    def server_total(self) -> int:
        return sum(e.server_count or 0 for e in self.events)


@dataclass(frozen=True)
class Facts:
    """What the account says beyond the objects themselves."""

    spend_today: dict[str, float] = field(default_factory=dict)  # remote id -> today's spend
    # Remote ids whose spend was asked for: one of them absent from spend_today spent nothing today.
    spend_read: frozenset[str] = frozenset()
    spend_day: str | None = None  # the reporting day ("YYYY-MM-DD", advertiser time zone)
    pixels: dict[str, PixelFacts] = field(default_factory=dict)  # pixel id -> pixel
    pixel_advertisers: frozenset[str] = frozenset()  # advertisers whose pixels were listed
    pixel_window: tuple[str, str] | None = None  # date range of the event counts (UTC days)
    # Why a kind of fact is unknown ("spend", "pixels", "pixel_stats" -> the API's answer).
    unknown: dict[str, str] = field(default_factory=dict)

    def spend_of(self, remote_id: str) -> float | None:
        if remote_id in self.spend_today:
            return self.spend_today[remote_id]
        if remote_id in self.spend_read:
            return 0.0
        return None

    def pixels_of(self, advertiser_id: str) -> list[PixelFacts]:
        return [p for p in self.pixels.values() if p.advertiser_id == advertiser_id]


def facts_needed(ops: Iterable[Op], matching: Matching) -> tuple[set[str], set[str]]:
    """The campaigns whose spend and the advertisers whose pixels the guardrails of these
    operations need: a budget change needs today's spend; an ad group created or changed
    needs its pixel's events."""
    spend_of: set[str] = set()
    pixels_of: set[str] = set()
    for op in ops:
        if isinstance(op, Update) and "budget" in op.body:
            campaign = matching.matched.get(op.address.campaign_address())
            if campaign is not None:
                spend_of.add(campaign.id)
        if op.kind == "adgroup" and isinstance(op, CreateAdGroup | Update | Replace):
            pixels_of.add(op.address.advertiser_id)
    return spend_of, pixels_of
