"""Manual Web Conversions campaigns -> upgraded Smart+ manifests, and what has no equivalent.

Pure. TikTok stops ``/campaign/create/`` (the Manual Campaign Management API) on 2026-12-31
(shared/reference/smart-plus-current.md section 6). ``convert`` turns one manual campaign (its
``/campaign/get/``, ``/adgroup/get/`` and ``/ad/get/`` rows) into an upgraded Smart+ manifest named
``<manual name> (upgraded)`` with the tool key ``migrate_from: {campaign_id}``, following the
reference's mapping table (section 7.2; TikTok publishes none, so the table is itself an inference
from the field docs). What has no Smart+ equivalent becomes a ``ManualStep``: written at the top of
the file by ``import``, and, recomputed from the same live rows by ``manual_steps``, in the notes of
every plan until the cutover is done. The planner pauses the manual campaign (``/campaign/status/
update/``) only after its upgraded twin is enabled (core.planner, adapters.apply).

Choices where the reference is silent (docs/migrate-from-manual.md lists them):
- A value that is TikTok's default (``bid_display_mode: CPMV``, ``creative_material_mode: CUSTOM``,
  ``promotional_music_disabled: true``, ``PACING_MODE_SMOOTH``, zeros, empty lists, nulls) carries
  nothing, so it makes no step; only a value someone set does.
- Manual ads of one ad group that share landing page, CTA, identity, UTM and tracking become one
  Smart+ ad (one creative each, at most 50; at most 5 distinct texts, else a further ad).
- A static ``call_to_action`` on a Spark ad on the TikTok placement (automatic included) cannot be a
  ``call_to_action_list`` there: it becomes the dynamic CTA portfolio given to ``import
  --cta-portfolio``, or, without one, a manual step (the ad is valid without a CTA).
- Only enabled manual ads become creatives (disabled ones are listed in the comments); an ad group
  whose ads are all disabled keeps them all, under a disabled Smart+ ad.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reconciler.core.importer import ImportedCampaign, ImportResult, check_document

UPGRADED_SUFFIX = " (upgraded)"
MANUAL_CREATE_END = dt.date(2026, 12, 31)  # /campaign/create/ stops (reference section 6)
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SPARK_IDENTITIES = frozenset({"AUTH_CODE", "TT_USER", "BC_AUTH_TT"})
ALL_DAY = "1" * 336
MAX_CREATIVES = 50  # creative_list per Smart+ ad (reference 7.2, Y 31)
MAX_TEXTS = 5  # ad_text_list per Smart+ ad

# Top-level manual ad group targeting -> targeting_spec.<same name> (reference 7.2).
TARGETING = (
    "location_ids",
    "zipcode_ids",
    "age_groups",
    "gender",
    "languages",
    "interest_category_ids",
    "interest_keyword_ids",
    "audience_ids",
    "excluded_audience_ids",
    "operating_systems",
    "network_types",
    "device_price_ranges",
    "device_model_ids",
    "carrier_ids",
    "isp_ids",
    "household_income",
    "spending_power",
    "smart_audience_enabled",
    "smart_interest_behavior_enabled",
    "actions",
)
# Targeting values that mean "no restriction": carried as nothing.
TARGETING_DEFAULTS: dict[str, Any] = {"gender": "GENDER_UNLIMITED", "spending_power": "ALL"}
# Ad group fields of the same name and meaning on Smart+ (reference 7.2).
SAME_NAME = (
    "promotion_type",
    "optimization_goal",
    "optimization_event",
    "pixel_id",
    "custom_conversion_id",
    "billing_event",
    "bid_type",
    "deep_bid_type",
    "click_attribution_window",
    "view_attribution_window",
    "engaged_view_attribution_window",
    "attribution_event_count",
)
MONEY = ("bid_price", "conversion_bid_price", "roas_bid")  # 0 on a manual row means unset
FLAGS = ("comment_disabled", "share_disabled", "video_download_disabled")  # false is the default


@dataclass(frozen=True)
class NoEquivalent:
    """A mapping row with no Smart+ equivalent: when ``applies`` to a row, a manual step."""

    level: str  # campaign | adgroup | ad
    field: str
    applies: Any  # (row) -> bool
    step: str


def _set(v: Any) -> bool:
    return v not in (None, "", [], {}, 0, False, "UNSET")


def _field(name: str, default: Any = None) -> Any:
    return lambda row: _set(row.get(name)) and row.get(name) != default


# The reference's "No Smart+ equivalent" list (section 7.2), plus the ad group's pacing FAST and the
# targeting fields targeting_spec has no key for (an inference from the same field docs).
NO_EQUIVALENT: tuple[NoEquivalent, ...] = (
    NoEquivalent(
        "campaign",
        "virtual_objective_type",
        _field("virtual_objective_type"),
        "Smart+ has no virtual objective: check the upgraded campaign's optimization goal does the same job",
    ),
    NoEquivalent(
        "adgroup",
        "frequency",
        lambda r: _set(r.get("frequency")) or _set(r.get("frequency_schedule")),
        "Smart+ has no frequency cap: the cap is dropped; watch frequency in reporting",
    ),
    NoEquivalent(
        "adgroup",
        "rf_purchased_type",
        _field("rf_purchased_type"),
        "reach & frequency buying has no Smart+ form: buy it in Ads Manager if you still need it",
    ),
    NoEquivalent(
        "adgroup",
        "bid_display_mode",
        _field("bid_display_mode", "CPMV"),
        "Smart+ has no bid display mode: bids are shown the Smart+ way",
    ),
    NoEquivalent(
        "adgroup",
        "deep_cpa_bid",
        _field("deep_cpa_bid"),
        "Smart+ has no deep CPA bid: set a cost cap (bid_type BID_TYPE_CUSTOM, conversion_bid_price) if needed",
    ),
    NoEquivalent(
        "adgroup",
        "scheduled_budget",
        _field("scheduled_budget"),
        "the scheduled budget is not carried: set it in Ads Manager (the Smart+ budget/update form is allowlisted)",
    ),
    NoEquivalent(
        "adgroup",
        "creative_material_mode",
        _field("creative_material_mode", "CUSTOM"),
        "Smart+ combines creatives itself: the manual creative mode is dropped",
    ),
    NoEquivalent(
        "adgroup",
        "statistic_type",
        lambda r: _set(r.get("statistic_type")) or _set(r.get("conversion_window")),
        "legacy statistic type / conversion window have no Smart+ field: use the attribution windows",
    ),
    NoEquivalent(
        "adgroup",
        "inventory_filter_enabled",
        _field("inventory_filter_enabled"),
        "brand safety is account-level in Smart+: set the inventory filter in Ads Manager's account settings",
    ),
    NoEquivalent(
        "adgroup",
        "brand_safety_type",
        _field("brand_safety_type", "NO_BRAND_SAFETY"),
        "brand safety is account-level in Smart+: set it in Ads Manager's account settings",
    ),
    NoEquivalent(
        "adgroup",
        "blocked_pangle_app_ids",
        _field("blocked_pangle_app_ids"),
        "the Pangle block list is disabled for Smart+ web campaigns: the block list is dropped",
    ),
    NoEquivalent(
        "adgroup",
        "pacing",
        _field("pacing", "PACING_MODE_SMOOTH"),
        "Smart+ paces smoothly only: accelerated delivery (PACING_MODE_FAST) is dropped",
    ),
    NoEquivalent(
        "adgroup",
        "included_custom_actions",
        lambda r: _set(r.get("included_custom_actions")) or _set(r.get("excluded_custom_actions")),
        "targeting_spec has no custom actions: rebuild them as a custom audience (audience_ids) in Ads Manager",
    ),
    NoEquivalent(
        "adgroup",
        "category_exclusion_ids",
        _field("category_exclusion_ids"),
        "targeting_spec has no content category exclusions: set them account-wide in Ads Manager",
    ),
    NoEquivalent(
        "ad",
        "tracking_pixel_id",
        _field("tracking_pixel_id"),
        "Smart+ ads have no tracking pixel of their own: the ad group's pixel_id tracks and optimizes",
    ),
    NoEquivalent(
        "ad",
        "tracking_offline_event_set_ids",
        _field("tracking_offline_event_set_ids"),
        "Smart+ ads track no offline event sets: offline measurement is lost unless set up account-wide",
    ),
    NoEquivalent(
        "ad",
        "video_view_tracking_url",
        _field("video_view_tracking_url"),
        "Smart+ ads have no video view tracking URL: only impression and click tracking URLs carry over",
    ),
    NoEquivalent(
        "ad",
        "viewability_postbid_partner",
        lambda r: (
            r.get("viewability_postbid_partner") not in (None, "", "UNSET")
            or r.get("brand_safety_postbid_partner") not in (None, "", "UNSET")
        ),
        "Smart+ ads take no post-bid viewability / brand safety partner: set up measurement with the partner",
    ),
    NoEquivalent(
        "ad",
        "creative_authorized",
        _field("creative_authorized"),
        "Smart+ ads have no creative authorization flag: authorize posts through Spark codes instead",
    ),
    NoEquivalent(
        "ad",
        "promotional_music_disabled",
        lambda r: r.get("promotional_music_disabled") is False,
        "Smart+ ads have no promotional music switch: TikTok decides on music",
    ),
    NoEquivalent(
        "ad",
        "item_duet_status",
        lambda r: _set(r.get("item_duet_status")) or _set(r.get("item_stitch_status")),
        "Smart+ ads have no duet / stitch setting: set it on the TikTok post itself",
    ),
    NoEquivalent(
        "ad",
        "display_name",
        lambda r: (
            r.get("identity_type") == "CUSTOMIZED_USER"
            and (_set(r.get("display_name")) or _set(r.get("avatar_icon_web_uri")))
        ),
        "the Custom Identity profile (display name, avatar) has no Smart+ field: the ad needs a Spark identity",
    ),
    NoEquivalent(
        "ad",
        "is_aco",
        _field("is_aco"),
        "automated creative optimization is what Smart+ does itself: the ACO setting is dropped",
    ),
    NoEquivalent(
        "ad",
        "card_id",
        _field("card_id"),
        "interactive add-ons (card_id) are not supported for Smart+ web: the card is dropped",
    ),
    NoEquivalent(
        "ad",
        "page_id",
        _field("page_id"),
        "Smart+ web ads take no instant page (page_list unset): the ad goes to its landing page",
    ),
    NoEquivalent(
        "ad",
        "disclaimer_type",
        lambda r: _set(r.get("disclaimer_type")) or _set(r.get("disclaimer_text")),
        "the manifest format has no disclaimer: add it to the upgraded ad in Ads Manager (immutable once set)",
    ),
)


@dataclass(frozen=True)
class ManualStep:
    """Something the upgraded campaign cannot carry: for the file's header and the plan's notes."""

    where: str  # e.g. 'ad group "Evergreen US - Broad"'
    remote_id: str
    field: str
    value: Any
    text: str

    def line(self) -> str:
        return f"{self.where} ({self.remote_id}): {self.field} = {_show(self.value)}: {self.text}"


def _show(v: Any) -> str:
    s = repr(v)
    return s if len(s) <= 60 else s[:57] + "..."


def manual_steps(
    campaign: Mapping[str, Any],
    adgroups: Sequence[Mapping[str, Any]],
    ads: Sequence[Mapping[str, Any]],
    *,
    cta_portfolio: str | None = None,
) -> list[ManualStep]:
    """Every value of this manual campaign that has no Smart+ equivalent, in mapping-table order."""
    cid = str(campaign.get("campaign_id"))
    groups = [g for g in adgroups if str(g.get("campaign_id")) == cid]
    gids = {str(g.get("adgroup_id")) for g in groups}
    rows: dict[str, list[tuple[str, str, Mapping[str, Any]]]] = {
        "campaign": [(f"campaign {_q(campaign.get('campaign_name'))}", cid, campaign)],
        "adgroup": [(f"ad group {_q(g.get('adgroup_name'))}", str(g.get("adgroup_id")), g) for g in groups],
        "ad": [
            (f"ad {_q(a.get('ad_name'))}", str(a.get("ad_id")), a)
            for a in ads
            if str(a.get("adgroup_id")) in gids
        ],
    }
    out: list[ManualStep] = []
    for rule in NO_EQUIVALENT:
        for where, rid, row in rows[rule.level]:
            if rule.applies(row):
                out.append(ManualStep(where, rid, rule.field, row.get(rule.field), rule.step))
    for where, rid, row in rows["ad"]:
        group = next(g for g in groups if str(g.get("adgroup_id")) == str(row.get("adgroup_id")))
        if row.get("identity_type") == "CUSTOMIZED_USER" and _tiktok_placement(group):
            out.append(
                ManualStep(
                    where,
                    rid,
                    "identity_type",
                    "CUSTOMIZED_USER",
                    "Custom Identity ads are no longer supported on the TikTok placement: authorize a "
                    "TikTok account (Spark) and set creative_info.identity_type/identity_id",
                )
            )
    return out


def _q(v: Any) -> str:
    return '"' + str(v) + '"'


def _tiktok_placement(group: Mapping[str, Any]) -> bool:
    if group.get("placement_type") != "PLACEMENT_TYPE_NORMAL":
        return True  # automatic placement includes TikTok
    return "PLACEMENT_TIKTOK" in (group.get("placements") or [])


def _spark(ad: Mapping[str, Any]) -> bool:
    return ad.get("identity_type") in SPARK_IDENTITIES or _set(ad.get("tiktok_item_id"))


def _static_cta_lost(ad: Mapping[str, Any], group: Mapping[str, Any]) -> bool:
    return (
        _spark(ad)
        and _tiktok_placement(group)
        and _set(ad.get("call_to_action"))
        and not _set(ad.get("call_to_action_id"))
    )


# ---- the manifest ------------------------------------------------------------------------------


def _future_start(value: Any, now: dt.datetime) -> tuple[str, bool]:
    """The manual start, or the next full hour when it is past (TikTok takes a start at most 12 hours
    in the past, reference 7.2)."""
    try:
        start = dt.datetime.strptime(str(value), TIME_FORMAT)
    except ValueError:
        start = now - dt.timedelta(days=1)
    if start >= now:
        return start.strftime(TIME_FORMAT), False
    nxt = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return nxt.strftime(TIME_FORMAT), True


def _campaign(row: Mapping[str, Any], name: str, changes: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "advertiser_id": str(row["advertiser_id"]),
        "campaign_name": name,
        "objective_type": "WEB_CONVERSIONS",
        "sales_destination": "WEBSITE",
        "migrate_from": {"campaign_id": str(row["campaign_id"])},
    }
    if row.get("operation_status") == "DISABLE":
        out["operation_status"] = "DISABLE"
    mode = str(row.get("budget_mode") or "BUDGET_MODE_INFINITE")
    if row.get("budget_optimize_on") is True:
        out["budget_optimize_on"] = True
        if mode == "BUDGET_MODE_TOTAL":
            out["budget_mode"] = "BUDGET_MODE_TOTAL"
        else:
            out["budget_mode"] = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
            if mode != "BUDGET_MODE_DYNAMIC_DAILY_BUDGET":
                changes.append(
                    f"campaign budget_mode {mode} -> BUDGET_MODE_DYNAMIC_DAILY_BUDGET (Smart+ CBO has no "
                    "strict daily cap; TikTok may spend up to 125% of it on a given day)"
                )
        out["budget"] = row.get("budget")
    else:
        out["budget_optimize_on"] = False
        if mode in ("BUDGET_MODE_DAY", "BUDGET_MODE_TOTAL") and _set(row.get("budget")):
            out["budget_mode"] = mode
            out["budget"] = row.get("budget")
    if row.get("special_industries"):
        out["special_industries"] = list(row["special_industries"])
    if row.get("objective_type") != "WEB_CONVERSIONS":
        changes.append(f"objective_type {row.get('objective_type')} -> WEB_CONVERSIONS")
    return out


def _adgroup(row: Mapping[str, Any], *, cbo: bool, now: dt.datetime, changes: list[str]) -> dict[str, Any]:
    name = str(row.get("adgroup_name"))
    out: dict[str, Any] = {"adgroup_name": name}
    if row.get("operation_status") == "DISABLE":
        out["operation_status"] = "DISABLE"
    for key in SAME_NAME:
        if _set(row.get(key)):
            out[key] = copy.deepcopy(row[key])
    for key in MONEY:
        if _set(row.get(key)):
            out[key] = row[key]
    if not cbo:
        mode = str(row.get("budget_mode") or "")
        if mode == "BUDGET_MODE_DAY":
            out["budget_mode"] = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
            changes.append(
                f"ad group {name!r}: budget_mode BUDGET_MODE_DAY -> BUDGET_MODE_DYNAMIC_DAILY_BUDGET "
                "(no exact equivalent: up to 125% on a given day)"
            )
        elif mode in ("BUDGET_MODE_TOTAL", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"):
            out["budget_mode"] = mode
        if "budget_mode" in out:
            out["budget"] = row.get("budget")
    schedule = str(row.get("schedule_type") or "SCHEDULE_FROM_NOW")
    if out.get("budget_mode") == "BUDGET_MODE_TOTAL":
        schedule = "SCHEDULE_START_END"
    out["schedule_type"] = schedule
    start, moved = _future_start(row.get("schedule_start_time"), now)
    if moved:
        changes.append(
            f"ad group {name!r}: schedule_start_time {row.get('schedule_start_time')} is past -> {start} "
            "(TikTok refuses a start more than 12 hours back)"
        )
    out["schedule_start_time"] = start
    if schedule == "SCHEDULE_START_END" and _set(row.get("schedule_end_time")):
        out["schedule_end_time"] = row["schedule_end_time"]
    if _set(row.get("dayparting")) and row.get("dayparting") != ALL_DAY:
        out["dayparting"] = row["dayparting"]
    placement = row.get("placement_type") or "PLACEMENT_TYPE_AUTOMATIC"
    out["placement_type"] = placement
    if placement == "PLACEMENT_TYPE_NORMAL":
        out["placements"] = list(row.get("placements") or [])
    for key in FLAGS:
        if row.get(key) is True:
            out[key] = True
    spec: dict[str, Any] = {}
    for key in TARGETING:
        v = row.get(key)
        if _set(v) and TARGETING_DEFAULTS.get(key) != v:
            spec[key] = copy.deepcopy(v)
    if row.get("auto_targeting_enabled") is True:
        out["targeting_optimization_mode"] = "AUTOMATIC"
    else:
        # Manual targeting was applied as written: MANUAL keeps that meaning (in AUTOMATIC mode most
        # of these fields would be suggestions or dropped, reference 7.2).
        out["targeting_optimization_mode"] = "MANUAL"
    out["targeting_spec"] = spec
    return out


def _creative(ad: Mapping[str, Any]) -> dict[str, Any]:
    fmt = ad.get("ad_format") or "SINGLE_VIDEO"
    info: dict[str, Any] = {"ad_format": "CAROUSEL_ADS" if fmt == "CAROUSEL_ADS" else "SINGLE_VIDEO"}
    images = [str(i) for i in ad.get("image_ids") or []]
    if _set(ad.get("tiktok_item_id")):
        info["tiktok_item_id"] = str(ad["tiktok_item_id"])
    elif info["ad_format"] == "CAROUSEL_ADS":
        info["image_info"] = [{"web_uri": i} for i in images]
        if _set(ad.get("music_id")):
            info["music_info"] = {"music_id": str(ad["music_id"])}
    else:
        info["video_info"] = {"video_id": str(ad.get("video_id"))}
        if images:
            info["image_info"] = [{"web_uri": images[0]}]  # the cover
    if ad.get("identity_type") in SPARK_IDENTITIES and _set(ad.get("identity_id")):
        info["identity_type"] = ad["identity_type"]
        info["identity_id"] = str(ad["identity_id"])
        if _set(ad.get("identity_authorized_bc_id")):
            info["identity_authorized_bc_id"] = str(ad["identity_authorized_bc_id"])
    return {"creative_info": info}


def _ad_key(ad: Mapping[str, Any]) -> str:
    """Manual ads that can share one Smart+ ad (reference 7.2: by landing URL, CTA and identity)."""
    return json.dumps(
        [
            ad.get(k)
            for k in (
                "landing_page_url",
                "call_to_action",
                "call_to_action_id",
                "identity_type",
                "identity_id",
                "utm_params",
                "impression_tracking_url",
                "click_tracking_url",
                "tracking_app_id",
                "deeplink",
                "dark_post_status",
            )
        ],
        sort_keys=True,
        default=str,
    )


def _ads(
    group: Mapping[str, Any], ads: list[Mapping[str, Any]], cta_portfolio: str | None, changes: list[str]
) -> list[dict[str, Any]]:
    enabled = [a for a in ads if a.get("operation_status") != "DISABLE"]
    left_out = [a for a in ads if a.get("operation_status") == "DISABLE"] if enabled else []
    for a in left_out:
        changes.append(f"manual ad {a.get('ad_name')!r} ({a.get('ad_id')}) is disabled: left out")
    chosen = enabled or ads
    buckets: dict[str, list[Mapping[str, Any]]] = {}
    for a in sorted(chosen, key=lambda a: str(a.get("ad_id"))):
        buckets.setdefault(_ad_key(a), []).append(a)
    parts: list[list[Mapping[str, Any]]] = []
    for members in buckets.values():
        part: list[Mapping[str, Any]] = []
        texts: set[str] = set()
        for a in members:
            text = str(a.get("ad_text") or "")
            if len(part) >= MAX_CREATIVES or (text and text not in texts and len(texts) >= MAX_TEXTS):
                parts.append(part)
                part, texts = [], set()
            part.append(a)
            if text:
                texts.add(text)
        parts.append(part)
    out: list[dict[str, Any]] = []
    names: set[str] = set()
    for part in parts:
        first = part[0]
        name = str(first.get("ad_name")) if len(part) == 1 else f"{group.get('adgroup_name')} ads"
        base, n = name, 1
        while name in names:
            n += 1
            name = f"{base} {n}"
        names.add(name)
        ad: dict[str, Any] = {"ad_name": name}
        if not enabled:
            ad["operation_status"] = "DISABLE"
        ad["creative_list"] = [_creative(a) for a in part]
        texts_list = list(dict.fromkeys(str(a["ad_text"]) for a in part if _set(a.get("ad_text"))))
        if texts_list:
            ad["ad_text_list"] = [{"ad_text": t} for t in texts_list]
        config: dict[str, Any] = {}
        spark = _spark(first)
        if first.get("identity_type") == "CUSTOMIZED_USER" and _set(first.get("identity_id")):
            # Valid only off the TikTok placement (or for accounts from before the 2026-01-15
            # change); on it, ``manual_steps`` asks for a Spark identity (reference 6 and 7.2).
            config["identity_type"] = "CUSTOMIZED_USER"
            config["identity_id"] = str(first["identity_id"])
        if _set(first.get("call_to_action_id")):
            config["call_to_action_id"] = str(first["call_to_action_id"])
        elif spark and _tiktok_placement(group):
            # A Spark ad on the TikTok placement takes a dynamic CTA (reference 0.2): the portfolio
            # given with --cta-portfolio, or one the plan builds from TikTok's recommendation.
            was = (
                f"call_to_action {first['call_to_action']}" if _set(first.get("call_to_action")) else "no CTA"
            )
            if cta_portfolio:
                config["call_to_action_id"] = cta_portfolio
                changes.append(f"ad {name!r}: {was} -> dynamic CTA portfolio {cta_portfolio}")
            else:
                ad["cta_portfolio"] = "recommended"
                changes.append(
                    f"ad {name!r}: {was} -> a dynamic CTA from TikTok's recommendation (cta_portfolio: "
                    "recommended; the plan creates the portfolio, or reuses one of the same content)"
                )
        elif _set(first.get("call_to_action")):
            ad["call_to_action_list"] = [{"call_to_action": first["call_to_action"]}]
        if _set(first.get("landing_page_url")):
            ad["landing_page_url_list"] = [{"landing_page_url": first["landing_page_url"]}]
        if _set(first.get("utm_params")):
            config["utm_params"] = [
                {"key": str(p["key"]), "value": str(p["value"])} for p in first["utm_params"]
            ]
        tracking = {
            k: first[k]
            for k in ("impression_tracking_url", "click_tracking_url", "tracking_app_id")
            if _set(first.get(k))
        }
        if tracking:
            config["tracking_info"] = tracking
        if first.get("dark_post_status") == "OFF" and spark:
            config["dark_post_status"] = "OFF"  # ON is TikTok's default since 2026-01-27
        if _set(first.get("deeplink")):
            link: dict[str, Any] = {"deeplink": first["deeplink"]}
            if _set(first.get("deeplink_type")):
                link["deeplink_type"] = first["deeplink_type"]
            ad["deeplink_list"] = [link]
        if config:
            ad["ad_configuration"] = config
        if len(part) > 1:
            ids = ", ".join(str(a.get("ad_id")) for a in part)
            changes.append(f"ad {name!r}: {len(part)} manual ads ({ids}) -> one Smart+ ad, one creative each")
        out.append(ad)
    return out


def convert(
    campaign: Mapping[str, Any],
    adgroups: Sequence[Mapping[str, Any]],
    ads: Sequence[Mapping[str, Any]],
    *,
    now: dt.datetime,
    cta_portfolio: str | None = None,
    new_name: str | None = None,
) -> ImportedCampaign:
    """One manual Web Conversions campaign -> its upgraded Smart+ manifest, with the comments."""
    cid = str(campaign["campaign_id"])
    old_name = str(campaign.get("campaign_name") or cid)
    name = new_name or old_name + UPGRADED_SUFFIX
    changes: list[str] = []
    doc = _campaign(campaign, name, changes)
    cbo = doc["budget_optimize_on"] is True
    groups = sorted(
        (g for g in adgroups if str(g.get("campaign_id")) == cid), key=lambda g: str(g.get("adgroup_id"))
    )
    docs: list[dict[str, Any]] = []
    for g in groups:
        gdoc = _adgroup(g, cbo=cbo, now=now, changes=changes)
        mine = [a for a in ads if str(a.get("adgroup_id")) == str(g.get("adgroup_id"))]
        gdoc["ads"] = _ads(g, mine, cta_portfolio, changes)
        docs.append(gdoc)
    doc["adgroups"] = docs
    steps = manual_steps(campaign, adgroups, ads, cta_portfolio=cta_portfolio)
    days = (MANUAL_CREATE_END - now.date()).days
    comments = [
        f"Converted by `smartplus import` from MANUAL Web Conversions campaign {cid} ({old_name!r}).",
        f"TikTok stops /campaign/create/ (Manual Campaign Management API) on {MANUAL_CREATE_END}"
        + (f", {days} day(s) from now." if days > 0 else "."),
        "Cutover (one reviewed plan): `smartplus plan` creates this campaign disabled, enables it, and only",
        f"then pauses manual campaign {cid} through /campaign/status/update/ (migrate_from below).",
        "See docs/migrate-from-manual.md.",
        "What changed:",
        f"  - new name {name!r} (the manual campaign keeps its name; names identify campaigns)",
        "  - reporting history does not carry over: Smart+ objects get new ids",
        *(f"  - {c}" for c in changes),
        "Manual steps (no Smart+ equivalent):" if steps else "Manual steps: none (every set field maps).",
        *(f"  {i}. {s.line()}" for i, s in enumerate(steps, start=1)),
    ]
    return ImportedCampaign(name=name, campaign_id=None, document=doc, comments=comments, legacy_id=None)


def is_manual_web(row: Mapping[str, Any]) -> bool:
    """A manual (not Smart+) Web Conversions campaign row of ``/campaign/get/``."""
    return (
        row.get("campaign_automation_type", "MANUAL") == "MANUAL"
        and row.get("is_smart_performance_campaign") is not True
        and row.get("objective_type") == "WEB_CONVERSIONS"
    )


def import_manual(
    campaigns: Iterable[Mapping[str, Any]],
    adgroups: Sequence[Mapping[str, Any]],
    ads: Sequence[Mapping[str, Any]],
    *,
    now: dt.datetime,
    taken_names: Iterable[str] = (),
    migrated_from: Iterable[str] = (),
    cta_portfolio: str | None = None,
) -> ImportResult:
    """Manual rows -> upgraded manifests. A manual campaign an upgraded campaign of the account already
    migrates from (or whose new name is taken) is reported as already converted instead."""
    result = ImportResult()
    taken = set(taken_names)
    done = set(migrated_from)
    for row in campaigns:
        if not is_manual_web(row):
            continue
        item = convert(row, adgroups, ads, now=now, cta_portfolio=cta_portfolio)
        cid = str(row["campaign_id"])
        if item.name in taken or cid in done:
            # Not an error (import exits 0): the upgraded twin is imported like any upgraded campaign.
            result.warnings.append(f"manual campaign {cid} already converted as {item.name!r}")
            continue
        problem = check_document(item.document, result.warnings, f"manual campaign {cid}")
        if problem:
            result.skipped.append((cid, f"manual campaign {problem}"))
            continue
        taken.add(item.name)
        result.campaigns.append(item)
    return result


def days_left(now: dt.datetime) -> int:
    """Whole days from ``now`` (the API server's clock) to 2026-12-31, never below 0."""
    return max(0, (MANUAL_CREATE_END - now.date()).days)
