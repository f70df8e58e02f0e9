"""Read the facts guardrails need (today's spend, pixels and their events). I/O edge.

For each advertiser, concurrently within the client's rate limit:

- the advertiser's time zone (``/advertiser/info/``, one call for all
  advertisers): TikTok's reports count days in the advertiser's time zone, so
  "today" is ``now`` there (UTC when the time zone is unknown);
- today's spend of the live campaigns and of their ad groups
  (``/report/integrated/get/``, ``report_type=BASIC``, ``data_level``
  ``AUCTION_CAMPAIGN`` / ``AUCTION_ADGROUP``, ``dimensions`` ``["campaign_id"]``
  / ``["adgroup_id"]``, ``metrics=["spend"]``, ``start_date = end_date =
  today``), filtered by ``campaign_ids`` at both levels (100 ids per filter,
  TikTok's limit; 1,000 rows per page);
- the pixels (``/pixel/list/``, 20 per page, TikTok's limit) and their event
  counts over the last 7 UTC days (``/pixel/event/stats/``, 10 pixels per call,
  ``pixel_ids`` and ``date_range`` JSON-encoded).

None of it is fatal: an endpoint that is missing (40400), out of the token's
scope (40001, 40130) or failing leaves that fact unknown, with the API's
answer in ``Facts.unknown``, and the rules that need it say so in a warning.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reconciler.adapters.api import TikTokClient
from reconciler.core.guardrails import Facts, PixelEvent, PixelFacts
from reconciler.core.live import LiveAccount
from reconciler.core.manifests import Manifest
from reconciler.core.planner import CtaChoice
from reconciler.errors import ApiError, ApiErrorInfo

REPORT = "report/integrated/get/"
PIXEL_LIST = "pixel/list/"
PIXEL_STATS = "pixel/event/stats/"
ADVERTISER_INFO = "advertiser/info/"
REPORT_PAGE_SIZE = 1000
REPORT_ID_FILTER_MAX = 100
PIXEL_PAGE_SIZE = 20  # YML:pixel_list: 1-20
PIXEL_STATS_MAX_IDS = 10  # BUBUBA: at most 10 pixel_ids
PIXEL_WINDOW_DAYS = 7
ADVERTISER_INFO_MAX = 100


def _why(endpoint: str, exc: ApiError) -> str:
    return f"/{endpoint} answered {exc.info.code}: {exc.info.message}"


def _chunks(ids: Sequence[str], size: int) -> list[list[str]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def parse_spend(value: Any) -> float:
    """A report metric: a number, a numeric string, or "-" (no data)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ""))
        except ValueError:
            return 0.0
    return 0.0


async def fetch_facts(
    client: TikTokClient,
    live: LiveAccount,
    now: datetime,
    *,
    manifests: Sequence[Manifest] | None = None,
    spend_of: Collection[str] | None = None,
    pixels_of: Collection[str] | None = None,
) -> Facts:
    """The facts for a plan made at ``now`` (naive UTC). With ``manifests``, the advertisers
    come from them (so pixels are read before the first campaign exists) and only the
    managed campaigns' spend is read; without, from the live campaigns.

    ``spend_of`` (campaign ids) and ``pixels_of`` (advertiser ids) narrow the reads to what
    the plan's changes need: a plan without a budget change reads no spend report."""
    advertisers = sorted(
        {c.advertiser_id for c in live.campaigns.values()}
        | ({m.campaign.advertiser_id for m in manifests} if manifests else set())
    )
    if not advertisers:
        return Facts()
    campaigns = _campaign_ids(live, advertisers, manifests)
    if spend_of is not None:
        campaigns = {adv: [c for c in ids if c in spend_of] for adv, ids in campaigns.items()}
    pixel_advertisers = advertisers if pixels_of is None else [a for a in advertisers if a in pixels_of]
    unknown: dict[str, str] = {}
    zones = await _time_zones(client, [a for a in advertisers if campaigns.get(a)], unknown)
    today_utc = now.date()
    days = {adv: _local_day(now, zones.get(adv)) for adv in advertisers}
    window = ((today_utc - timedelta(days=PIXEL_WINDOW_DAYS - 1)).isoformat(), today_utc.isoformat())

    spend_parts, pixel_parts = await asyncio.gather(
        asyncio.gather(
            *(_spend(client, adv, campaigns[adv], days[adv], live, unknown) for adv in advertisers)
        ),
        asyncio.gather(*(_pixels(client, adv, window, unknown) for adv in pixel_advertisers)),
    )
    spend_today: dict[str, float] = {}
    spend_read: set[str] = set()
    for part in spend_parts:
        if part is not None:
            spend_today.update(part[0])
            spend_read.update(part[1])
    pixels: dict[str, PixelFacts] = {}
    listed: set[str] = set()
    for adv, found in zip(pixel_advertisers, pixel_parts, strict=True):
        if found is not None:
            listed.add(adv)
            pixels.update({p.pixel_id: p for p in found})
    day_values = sorted(set(days.values()))
    return Facts(
        spend_today=spend_today,
        spend_read=frozenset(spend_read),
        spend_day=day_values[0].isoformat() if len(day_values) == 1 else None,
        pixels=pixels,
        pixel_advertisers=frozenset(listed),
        pixel_window=window,
        unknown=unknown,
    )


def _campaign_ids(
    live: LiveAccount, advertisers: Iterable[str], manifests: Sequence[Manifest] | None
) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for adv in advertisers:
        rows = live.campaigns_of(adv)
        if manifests:
            names = {m.campaign.campaign_name for m in manifests if m.campaign.advertiser_id == adv}
            pins = {m.campaign.id for m in manifests if m.campaign.advertiser_id == adv and m.campaign.id}
            rows = [c for c in rows if c.name in names or c.id in pins]
        out[adv] = sorted(c.id for c in rows)
    return out


async def _time_zones(
    client: TikTokClient, advertisers: list[str], unknown: dict[str, str]
) -> dict[str, str]:
    zones: dict[str, str] = {}
    for chunk in _chunks(advertisers, ADVERTISER_INFO_MAX):
        try:
            data = await client.get(
                ADVERTISER_INFO, {"advertiser_ids": chunk, "fields": ["advertiser_id", "timezone"]}
            )
        except ApiError as exc:
            unknown.setdefault("time_zone", _why(ADVERTISER_INFO, exc) + "; today is the UTC day")
            continue
        for row in data.get("list") or []:
            if isinstance(row, dict) and row.get("timezone"):
                zones[str(row.get("advertiser_id"))] = str(row["timezone"])
    return zones


def _local_day(now: datetime, zone: str | None) -> date:
    if zone:
        try:
            return now.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)).date()
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return now.date()


async def _spend(
    client: TikTokClient,
    advertiser_id: str,
    campaign_ids: list[str],
    day: date,
    live: LiveAccount,
    unknown: dict[str, str],
) -> tuple[dict[str, float], set[str]] | None:
    if not campaign_ids:
        return {}, set()
    levels = (("AUCTION_CAMPAIGN", "campaign_id"), ("AUCTION_ADGROUP", "adgroup_id"))
    calls = [
        _report(client, advertiser_id, level, dim, chunk, day)
        for level, dim in levels
        for chunk in _chunks(campaign_ids, REPORT_ID_FILTER_MAX)
    ]
    parts = await asyncio.gather(*calls, return_exceptions=True)
    spend: dict[str, float] = {}
    for part in parts:
        if isinstance(part, ApiError):
            unknown["spend"] = _why(REPORT, part)
            return None
        if isinstance(part, BaseException):
            raise part
        spend.update(part)
    read = set(campaign_ids)
    for cid in campaign_ids:
        read.update(g.id for g in live.children.get(cid, []) if g.kind == "adgroup")
    return spend, read


async def _report(
    client: TikTokClient, advertiser_id: str, level: str, dimension: str, campaign_ids: list[str], day: date
) -> dict[str, float]:
    params = {
        "advertiser_id": advertiser_id,
        "report_type": "BASIC",
        "data_level": level,
        "dimensions": [dimension],
        "metrics": ["spend"],
        "start_date": day.isoformat(),
        "end_date": day.isoformat(),
        "filtering": [
            {
                "field_name": "campaign_ids",
                "filter_type": "IN",
                "filter_value": json.dumps(campaign_ids, separators=(",", ":")),
            }
        ],
    }
    rows = await client.get_all(REPORT, params, REPORT_PAGE_SIZE)
    out: dict[str, float] = {}
    for row in rows:
        dims = row.get("dimensions") or {}
        metrics = row.get("metrics") or {}
        key = dims.get(dimension) if isinstance(dims, dict) else None
        if key is None:
            continue
        out[str(key)] = out.get(str(key), 0.0) + parse_spend(
            metrics.get("spend") if isinstance(metrics, dict) else None
        )
    return out


async def _pixels(
    client: TikTokClient, advertiser_id: str, window: tuple[str, str], unknown: dict[str, str]
) -> list[PixelFacts] | None:
    try:
        rows = await _pixel_rows(client, advertiser_id)
    except ApiError as exc:
        unknown["pixels"] = _why(PIXEL_LIST, exc)
        return None
    rows = [r for r in rows if r.get("pixel_id") is not None]
    ids = [str(r["pixel_id"]) for r in rows]
    parts = await asyncio.gather(
        *(_pixel_stats(client, advertiser_id, chunk, window) for chunk in _chunks(ids, PIXEL_STATS_MAX_IDS)),
        return_exceptions=True,
    )
    stats: dict[str, dict[str, tuple[int, int]]] = {}
    failed: ApiError | None = None
    for part in parts:
        if isinstance(part, ApiError):
            failed = part
        elif isinstance(part, BaseException):
            raise part
        else:
            stats.update(part)
    if failed is not None:
        unknown["pixel_stats"] = _why(PIXEL_STATS, failed)
    return [
        _pixel_facts(advertiser_id, r, None if failed is not None else stats.get(str(r["pixel_id"]), {}))
        for r in rows
    ]


async def _pixel_rows(client: TikTokClient, advertiser_id: str) -> list[dict[str, Any]]:
    params: dict[str, Any] = {"advertiser_id": advertiser_id, "page_size": PIXEL_PAGE_SIZE}
    first = await client.get(PIXEL_LIST, {**params, "page": 1})
    rows = [r for r in first.get("pixels") or [] if isinstance(r, dict)]
    total_page = int((first.get("page_info") or {}).get("total_page", 1) or 1)
    if total_page > 1:
        pages = await asyncio.gather(
            *(client.get(PIXEL_LIST, {**params, "page": p}) for p in range(2, total_page + 1))
        )
        for page in pages:
            rows.extend(r for r in page.get("pixels") or [] if isinstance(r, dict))
    return rows


async def _pixel_stats(
    client: TikTokClient, advertiser_id: str, pixel_ids: list[str], window: tuple[str, str]
) -> dict[str, dict[str, tuple[int, int]]]:
    data = await client.get(
        PIXEL_STATS,
        {
            "advertiser_id": advertiser_id,
            "pixel_ids": pixel_ids,
            "date_range": {"start_date": window[0], "end_date": window[1]},
        },
    )
    out: dict[str, dict[str, tuple[int, int]]] = {}
    for item in data.get("list") or []:
        if not isinstance(item, dict):
            continue
        counts: dict[str, tuple[int, int]] = {}
        for s in item.get("statistics") or []:
            if not isinstance(s, dict):
                continue
            key = s.get("pixel_event_type") or s.get("custom_event_type")
            if not key:
                continue
            b, srv = (
                int(parse_spend(s.get("browser_event_total_count"))),
                int(parse_spend(s.get("server_event_total_count"))),
            )
            prev = counts.get(str(key), (0, 0))
            counts[str(key)] = (prev[0] + b, prev[1] + srv)
        out[str(item.get("pixel_id"))] = counts
    return out


def _pixel_facts(
    advertiser_id: str, row: dict[str, Any], counts: dict[str, tuple[int, int]] | None
) -> PixelFacts:
    """Merge a ``/pixel/list/`` row and its counts. How the stats' ``pixel_event_type`` maps to the
    pixel's events is NOT FOUND in the reference: a count belongs to the event whose
    ``event_type``, ``event_code`` or ``optimization_event`` it names."""
    events: list[PixelEvent] = []
    used: set[str] = set()
    for e in row.get("events") or []:
        if not isinstance(e, dict):
            continue
        names = [
            str(e[k])
            for k in ("event_type", "event_code", "optimization_event", "custom_event_type")
            if e.get(k)
        ]
        browser: int | None = None
        server: int | None = None
        if counts is not None:
            browser = server = 0
            for n in dict.fromkeys(names):
                if n in counts and n not in used:
                    used.add(n)
                    browser += counts[n][0]
                    server += counts[n][1]
        events.append(
            PixelEvent(
                event_type=names[0] if names else "",
                optimization_event=str(e["optimization_event"]) if e.get("optimization_event") else None,
                name=str(e.get("name") or ""),
                browser_count=browser,
                server_count=server,
                deprecated=bool(e.get("deprecated")),
            )
        )
    if counts is not None:
        for key, (b, s) in sorted(counts.items()):
            if key not in used:
                events.append(PixelEvent(event_type=key, browser_count=b, server_count=s))
    return PixelFacts(
        pixel_id=str(row["pixel_id"]),
        advertiser_id=advertiser_id,
        name=str(row.get("pixel_name") or ""),
        events=tuple(events),
        stats_known=counts is not None,
        activity_status=str(row["activity_status"]) if row.get("activity_status") else None,
    )


REVIEW_INFO = "smart_plus/ad/review_info/"
REVIEW_IDS_MAX = 100  # smart_plus_ad_ids: at most 100 (D:1843317465695233)


async def review_reasons(
    client: TikTokClient, advertiser_id: str, ad_ids: Sequence[str]
) -> dict[str, list[str]]:
    """TikTok's reasons for rejected ads, in calls of 100 ids. A failed read leaves them out
    (the note then points at Ads Manager): review health never blocks a plan."""
    from reconciler.core import health

    infos: list[dict[str, Any]] = []
    for chunk in _chunks(list(ad_ids), REVIEW_IDS_MAX):
        try:
            data = await client.get(
                REVIEW_INFO,
                {
                    "advertiser_id": advertiser_id,
                    "smart_plus_ad_ids": chunk,
                    "extra_info_setting": {"include_reject_info": True},
                },
            )
        except ApiError:
            continue
        infos.extend(data.get("smart_plus_ad_review_infos") or [])
    return health.reasons_of(infos)


CTA_RECOMMEND = "creative/cta/recommend/"
PORTFOLIO_GET = "creative/portfolio/get/"
PORTFOLIOS_COMPARED = 20  # at most this many distinct live portfolios are read to find a match


def _content_key(content: Sequence[Any]) -> frozenset[tuple[str, tuple[str, ...]]]:
    return frozenset(
        (str(c.get("asset_content")), tuple(sorted(str(i) for i in c.get("asset_ids") or [])))
        for c in content
        if isinstance(c, dict)
    )


async def cta_choices(
    client: TikTokClient, manifests: Sequence[Manifest], live: LiveAccount
) -> dict[str, CtaChoice]:
    """For each advertiser whose manifests have an ad with `cta_portfolio: recommended`: TikTok's
    recommended dynamic CTA for web ads (one call), and a portfolio of that content which the
    advertiser's managed ads already use (one portfolio/get per distinct id, at most 20), so that
    runs and ads share one portfolio instead of creating one each time. Nothing is read when no
    manifest asks (D:1740307296329730, D:1739091950439426)."""
    wanted = sorted(
        {
            m.campaign.advertiser_id
            for m in manifests
            for g in m.campaign.adgroups
            for ad in g.ads
            if ad.cta_portfolio is not None
        }
    )
    out: dict[str, CtaChoice] = {}
    for adv in wanted:
        data = await client.get(
            CTA_RECOMMEND,
            {
                "advertiser_id": adv,
                "new_version": True,
                "objective_type": "WEB_CONVERSIONS",
                "promotion_type": "WEBSITE",
            },
        )
        content = tuple(
            {"asset_content": str(a["asset_content"]), "asset_ids": [str(i) for i in a["asset_ids"]]}
            for a in data.get("recommend_assets") or []
        )
        if not content:
            raise ApiError(
                ApiErrorInfo(
                    -1, f"TikTok recommended no dynamic CTA for advertiser {adv}", endpoint=CTA_RECOMMEND
                )
            )
        used = sorted(
            {
                str(cid)
                for o in live.ads.values()
                if o.advertiser_id == adv
                and (cid := (o.row.get("ad_configuration") or {}).get("call_to_action_id"))
            }
        )[:PORTFOLIOS_COMPARED]
        existing: str | None = None
        for cid in used:
            try:
                p = await client.get(PORTFOLIO_GET, {"advertiser_id": adv, "creative_portfolio_id": cid})
            except ApiError:
                continue
            if _content_key(p.get("portfolio_content") or []) == _content_key(content):
                existing = cid
                break
        out[adv] = CtaChoice(content=content, existing=existing)
    return out
