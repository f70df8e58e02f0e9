"""`smartplus doctor`: why can this account not run Smart+ (yet)?

I/O edge. Each check asks TikTok one question and turns the answer into one
line, pass or fail, with what to do. What the API cannot reveal is not
claimed: app permissions are only seen through the 40001 "lacks the required
scope" answers of the endpoints each permission guards, and a pixel's events
through its event list and its browser/server counts of the last 7 days.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reconciler.adapters import fetch, manual
from reconciler.adapters.api import TikTokClient
from reconciler.adapters.facts import review_reasons
from reconciler.core import health, migrate
from reconciler.core.live import match
from reconciler.core.manifests import Manifest
from reconciler.errors import ApiError

SCOPE_HINT = {
    "smart_plus": "Ads Management > Upgraded Smart Plus Ads",
    "report": "Reporting > Upgraded Smart+ Report",
    "file": "Creative Management > Creative tool",
}
SPARK = {"AUTH_CODE", "TT_USER", "BC_AUTH_TT"}


@dataclass(frozen=True)
class Check:
    ok: bool
    name: str
    detail: str
    fix: str = ""

    def line(self) -> str:
        head = f"{'PASS' if self.ok else 'FAIL'}  {self.name}: {self.detail}"
        return head if self.ok or not self.fix else f"{head}\n      -> {self.fix}"


@dataclass
class Needs:
    """What the manifests of one advertiser use."""

    pixels: dict[str, set[str]]  # pixel id -> optimization events (or LANDING_PAGE_VIEW)
    identities: dict[str, str]  # identity id -> type
    videos: set[str]


def needs_of(manifests: Sequence[Manifest], advertiser_id: str) -> Needs:
    n = Needs({}, {}, set())
    for m in manifests:
        c = m.campaign
        if c.advertiser_id != advertiser_id:
            continue
        for g in c.adgroups:
            if g.pixel_id:
                events = n.pixels.setdefault(g.pixel_id, set())
                if g.optimization_event:
                    events.add(g.optimization_event)
            for ad in g.ads:
                for cr in ad.creative_list or []:
                    info = cr.creative_info
                    if info.identity_id and info.identity_type:
                        n.identities[info.identity_id] = info.identity_type
                    if info.video_info is not None and info.video_info.video_id is not None:
                        n.videos.add(info.video_info.video_id)
    return n


def _scope_denied(exc: ApiError) -> bool:
    return exc.info.code == 40001 and "scope" in exc.info.message


async def check_advertiser(
    client: TikTokClient, advertiser_id: str, manifests: Sequence[Manifest], now: datetime
) -> list[Check]:
    out: list[Check] = []
    adv = advertiser_id
    try:
        data = await client.get("advertiser/info/", {"advertiser_ids": [adv]})
        info = (data.get("list") or [{}])[0]
        out.append(
            Check(
                True, f"advertiser {adv}", f"reachable ({info.get('name', '?')}, {info.get('currency', '?')})"
            )
        )
    except ApiError as exc:
        if exc.info.code in (40102, 40104, 40105):
            return [
                Check(False, "token", exc.info.message, "set TIKTOK_ACCESS_TOKEN to a valid, unexpired token")
            ]
        fix = "authorize the app for this advertiser (an admin or operator of the account)"
        return [Check(False, f"advertiser {adv}", f"{exc.info.code} {exc.info.message}", fix)]

    try:
        await client.get("smart_plus/campaign/get/", {"advertiser_id": adv, "page_size": 1})
        out.append(Check(True, "Smart+ allowlisting", "the upgraded Smart+ API answers"))
        out.append(Check(True, f"permission {SCOPE_HINT['smart_plus']}", "granted"))
    except ApiError as exc:
        if exc.info.code == 40118:
            out.append(
                Check(
                    False,
                    "Smart+ allowlisting",
                    exc.info.message,
                    "ask your TikTok sales representative to allowlist the advertiser for Upgraded Smart+",
                )
            )
        elif _scope_denied(exc):
            out.append(
                Check(
                    False,
                    f"permission {SCOPE_HINT['smart_plus']}",
                    "missing",
                    "add it to the developer app, then re-authorize",
                )
            )
        else:
            out.append(Check(False, "Smart+ API", f"{exc.info.code} {exc.info.message}"))

    day = now.strftime("%Y-%m-%d")
    try:
        await client.get(
            "report/integrated/get/",
            {
                "advertiser_id": adv,
                "report_type": "BASIC",
                "data_level": "AUCTION_CAMPAIGN",
                "dimensions": ["campaign_id"],
                "metrics": ["spend"],
                "start_date": day,
                "end_date": day,
                "page_size": 1,
            },
        )
        out.append(Check(True, f"permission {SCOPE_HINT['report']}", "granted"))
    except ApiError as exc:
        if _scope_denied(exc):
            out.append(
                Check(
                    False,
                    f"permission {SCOPE_HINT['report']}",
                    "missing",
                    "add it to the developer app, then re-authorize",
                )
            )
        else:
            out.append(Check(False, "reporting", f"{exc.info.code} {exc.info.message}"))

    needs = needs_of(manifests, adv)
    out.extend(await _check_videos(client, adv, needs))
    out.extend(await _check_identities(client, adv, needs))
    out.extend(await _check_pixels(client, adv, needs, now))
    out.extend(await _check_manual_calendar(client, adv, now))
    return out


async def _check_manual_calendar(client: TikTokClient, adv: str, now: datetime) -> list[Check]:
    """Enabled manual Web Conversions campaigns, and the days left (by the API server's clock)
    until TikTok stops manual campaign creation on 2026-12-31. Information, never a failure: the
    campaigns keep running; what stops is creating new ones."""
    try:
        rows = await manual.read_campaigns(client, adv)
    except ApiError as exc:
        return [Check(True, "manual campaign calendar", f"not read ({exc.info.code} {exc.info.message})")]
    running = sorted(
        (r for r in rows if r.get("operation_status") == "ENABLE"), key=lambda r: str(r.get("campaign_id"))
    )
    left = migrate.days_left(now)
    if not running:
        return [Check(True, "manual campaign calendar", "no enabled manual Web Conversions campaign")]
    names = ", ".join(f"{json.dumps(str(r.get('campaign_name')))} ({r.get('campaign_id')})" for r in running)
    return [
        Check(
            True,
            "manual campaign calendar",
            f"{len(running)} enabled manual Web Conversions campaign(s), {left} day(s) left until "
            f"{migrate.MANUAL_CREATE_END} (TikTok stops /campaign/create/): {names}; "
            f"`smartplus import --advertiser {adv}` converts them, the next plan cuts them over",
        )
    ]


async def _check_videos(client: TikTokClient, adv: str, needs: Needs) -> list[Check]:
    if not needs.videos:
        return []
    wanted = sorted(needs.videos)
    try:
        found: set[str] = set()
        for i in range(0, len(wanted), 60):
            data = await client.get(
                "file/video/ad/info/", {"advertiser_id": adv, "video_ids": wanted[i : i + 60]}
            )
            found |= {str(v.get("video_id")) for v in data.get("list", [])}
    except ApiError as exc:
        if _scope_denied(exc):
            return [
                Check(
                    False,
                    f"permission {SCOPE_HINT['file']}",
                    "missing",
                    "add it to the developer app, then re-authorize",
                )
            ]
        return [Check(False, "videos", f"{exc.info.code} {exc.info.message}")]
    missing = [v for v in wanted if v not in found]
    checks = [Check(True, f"permission {SCOPE_HINT['file']}", "granted")]
    if missing:
        checks.append(
            Check(
                False,
                "videos",
                f"{len(missing)} of {len(wanted)} not in the ad account: {', '.join(missing)}",
                "upload them to the ad account's library, or fix the video_id",
            )
        )
    else:
        checks.append(Check(True, "videos", f"all {len(wanted)} exist"))
    return checks


async def _check_identities(client: TikTokClient, adv: str, needs: Needs) -> list[Check]:
    if not needs.identities:
        return []
    found: dict[str, str] = {}
    try:
        for itype in sorted(set(needs.identities.values())):
            rows = await _all_identities(client, adv, itype)
            found.update({str(r.get("identity_id")): str(r.get("identity_type")) for r in rows})
    except ApiError as exc:
        return [Check(False, "identities", f"{exc.info.code} {exc.info.message}")]
    out = []
    for iid, itype in sorted(needs.identities.items()):
        if iid not in found:
            out.append(
                Check(
                    False,
                    f"identity {iid}",
                    f"no {itype} identity with this id",
                    "create or authorize it (Spark ads: TT_USER, BC_AUTH_TT or AUTH_CODE)",
                )
            )
        else:
            out.append(Check(True, f"identity {iid}", f"{itype} exists"))
    return out


async def _all_identities(client: TikTokClient, adv: str, itype: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    page = 1
    while True:
        data = await client.get(
            "identity/get/", {"advertiser_id": adv, "identity_type": itype, "page": page, "page_size": 100}
        )
        rows.extend(data.get("identity_list", []) or data.get("list", []))
        if page >= int((data.get("page_info") or {}).get("total_page", 1) or 1):
            return rows
        page += 1


async def _check_pixels(client: TikTokClient, adv: str, needs: Needs, now: datetime) -> list[Check]:
    out: list[Check] = []
    for pixel_id, events in sorted(needs.pixels.items()):
        try:
            data = await client.get(
                "pixel/list/", {"advertiser_id": adv, "pixel_id": pixel_id, "page_size": 20}
            )
        except ApiError as exc:
            out.append(Check(False, f"pixel {pixel_id}", f"{exc.info.code} {exc.info.message}"))
            continue
        pixels = [p for p in data.get("pixels", []) if str(p.get("pixel_id")) == pixel_id]
        if not pixels:
            out.append(
                Check(
                    False,
                    f"pixel {pixel_id}",
                    "not found in the ad account",
                    "create the pixel in Events Manager, or fix pixel_id",
                )
            )
            continue
        pixel = pixels[0]
        status = pixel.get("activity_status")
        out.append(
            Check(
                status == "ACTIVE",
                f"pixel {pixel_id}",
                f"activity_status {status}",
                ""
                if status == "ACTIVE"
                else "install the pixel (or the Events API) on the site and check it fires",
            )
        )
        configured = {
            str(e.get("optimization_event")) for e in pixel.get("events", []) if e.get("optimization_event")
        }
        start = (now - timedelta(days=6)).strftime("%Y-%m-%d")  # 7 days, today included
        try:
            stats = await client.get(
                "pixel/event/stats/",
                {
                    "advertiser_id": adv,
                    "pixel_ids": [pixel_id],
                    "date_range": {"start_date": start, "end_date": now.strftime("%Y-%m-%d")},
                },
            )
            counts = {
                str(s.get("pixel_event_type") or s.get("custom_event_type")): (
                    int(s.get("browser_event_total_count") or 0),
                    int(s.get("server_event_total_count") or 0),
                )
                for row in stats.get("list", [])
                for s in row.get("statistics", [])
            }
        except ApiError as exc:
            out.append(Check(False, f"pixel {pixel_id} events", f"{exc.info.code} {exc.info.message}"))
            continue
        for event in sorted(events):
            b, s = counts.get(event, (0, 0))
            if event not in configured:
                out.append(
                    Check(
                        False,
                        f"pixel {pixel_id} event {event}",
                        "not set up on the pixel",
                        f"add the {event} event to the pixel in Events Manager",
                    )
                )
            elif b + s == 0:
                out.append(
                    Check(
                        False,
                        f"pixel {pixel_id} event {event}",
                        "no events in the last 7 days (browser 0, server 0)",
                        "check the event fires on the site (Pixel) or is sent (Events API)",
                    )
                )
            else:
                out.append(
                    Check(True, f"pixel {pixel_id} event {event}", f"last 7 days: browser {b}, server {s}")
                )
    return out


async def run_doctor(
    client: TikTokClient, manifests: Sequence[Manifest], advertisers: Sequence[str]
) -> list[Check]:
    now = await client.now()
    if not client.token:
        return [Check(False, "token", "TIKTOK_ACCESS_TOKEN is not set", "export TIKTOK_ACCESS_TOKEN=...")]
    ids = sorted(set(advertisers) | {m.campaign.advertiser_id for m in manifests})
    checks: list[Check] = []
    for adv in ids:
        found = await check_advertiser(client, adv, manifests, now)
        checks.extend(found)
        # The ads can be read only when the advertiser, Smart+ and the app's permissions are fine.
        if all(c.ok for c in found if c.name.startswith(("advertiser", "token", "Smart+", "permission"))):
            checks.extend(await check_reviews(client, adv, manifests))
    return checks


async def check_reviews(
    client: TikTokClient, advertiser_id: str, manifests: Sequence[Manifest]
) -> list[Check]:
    """Rejected ads of the managed campaigns, with TikTok's reasons (ads in review are fine)."""
    mine = [m for m in manifests if m.campaign.advertiser_id == advertiser_id]
    if not mine:
        return []
    try:
        live = await fetch.fetch_live(client, mine, legacy=False)
    except ApiError as exc:
        return [Check(False, "ad review", f"could not read the ads ({exc.info.code} {exc.info.message})")]
    matching = match(mine, live)
    rejected = health.rejected_ids(matching)
    if not rejected:
        return [Check(True, "ad review", "no managed ad is rejected")]
    reasons = await review_reasons(client, advertiser_id, rejected)
    notes = [n for n in health.notes(matching, reasons) if n.remote_id in set(rejected)]
    return [
        Check(
            False,
            f"ad review {n.address}",
            n.message.split(". Fix", 1)[0],
            "fix the creative or text in the manifest, then plan and apply",
        )
        for n in notes
    ]
