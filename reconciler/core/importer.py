"""``smartplus import``: live rows -> manifest documents and their YAML text.

Pure (no I/O; "now" is passed in). Three jobs:

1. **Upgraded Smart+ campaigns** (``/smart_plus/{campaign,adgroup,ad}/get/`` rows) become one manifest
   document per campaign, with an ``id:`` pin on every object, TikTok's field names, and only the
   fields the manifest format knows (``core/resources.py``): the document is built by walking the
   models, so server-managed fields (other ids, times, ``secondary_status``, ``ad_material_id``,
   ``material_name``, ``brand_safety_type``, ``skip_learning_phase``, parent names, ...) never appear.
   Fields whose live value is what TikTok fills in when the field is left out (``DEFAULTS``) are left
   out too, so the file says only what somebody chose; a field left out is not managed, so ``plan``
   right after the import shows no changes.
2. **Legacy Smart+ campaigns** (``/campaign/spc/get/`` rows, one flat object per campaign with a
   single ad group) become an *upgraded* manifest under a new name: one campaign, one ad group, one
   ad, the settings carried over, with a YAML comment block that says what changed and the manual
   step (pause the legacy campaign in Ads Manager: its API closed on 2026-06-30).
3. **YAML text and file names**: block-style YAML in the models' field order, and unique slugified
   file names.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
import types
import typing
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from reconciler.core import manifests, rules, targeting
from reconciler.core.diff import equal
from reconciler.core.resources import TOOL_KEYS, Ad, AdGroup, Campaign, CreativeInfo
from reconciler.errors import Location, Problem

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
ALL_PLACEMENTS = ("PLACEMENT_TIKTOK", "PLACEMENT_PANGLE", "PLACEMENT_GLOBAL_APP_BUNDLE")
AGE_GROUPS_18 = ("AGE_18_24", "AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
AGE_GROUPS_25 = ("AGE_25_34", "AGE_35_44", "AGE_45_54", "AGE_55_100")
DAYPARTING_ALL = "1" * 336
LEGACY_SUFFIX = " (upgraded)"
SPARK_IDENTITIES = frozenset({"AUTH_CODE", "TT_USER", "BC_AUTH_TT"})
ANY: Any = object()  # a Default whose every value is TikTok's own (under its condition)


@dataclass(frozen=True)
class Default:
    """A value TikTok fills in when ``path`` is left out of the create body.

    ``scope`` is where ``path`` starts: ``campaign``, ``adgroup``, ``ad`` or ``creative_info`` (each
    ``creative_list[].creative_info`` of an ad). ``when`` restricts the default to rows whose other
    fields have these values (a dotted path; ``campaign.`` reads the parent campaign's row; a tuple
    value means "any of these"). A field whose live value equals its default is not written."""

    scope: str
    path: str
    value: Any
    when: Mapping[str, Any] = field(default_factory=dict)


# What TikTok fills in for a field left out of /smart_plus/{campaign,adgroup,ad}/create/. Found by
# creating minimal objects in the emulator and reading them back (tests/importer/test_defaults.py
# re-checks every entry), which follows TikTok's documented example answers and defaults:
# api-behavior.md section 3 (budget_optimize_on defaults to true; DYNAMIC_DAILY with CBO, INFINITE
# without; REGULAR_CAMPAIGN; AUTOMATIC targeting; dark_post_status OFF; aigc NOT_DECLARED) and
# section 4 (automatic placement = PLACEMENT_TYPE_AUTOMATIC with all three placements; CBO ad groups
# answer BUDGET_MODE_INFINITE and budget 0; spc_audience_age OVER_EIGHTEEN; TRAFFIC_LANDING_PAGE_VIEW
# defaults its event to LANDING_PAGE_VIEW), and the docs' example create answers (attribution
# windows, dayparting all day, identity_authorized_bc_id "0", empty file_name).
DEFAULTS: tuple[Default, ...] = (
    # campaign
    Default("campaign", "operation_status", "ENABLE"),
    Default("campaign", "budget_optimize_on", True),
    Default("campaign", "budget_mode", "BUDGET_MODE_DYNAMIC_DAILY_BUDGET", {"budget_optimize_on": True}),
    Default("campaign", "budget_mode", "BUDGET_MODE_INFINITE", {"budget_optimize_on": False}),
    Default("campaign", "budget", 0, {"budget_mode": "BUDGET_MODE_INFINITE"}),
    Default("campaign", "campaign_type", "REGULAR_CAMPAIGN"),
    Default("campaign", "sales_destination", "WEBSITE"),
    # ad group
    Default("adgroup", "operation_status", "ENABLE"),
    Default("adgroup", "budget_mode", "BUDGET_MODE_INFINITE", {"campaign.budget_optimize_on": True}),
    Default("adgroup", "budget", 0, {"campaign.budget_optimize_on": True}),
    # Automatic placement is placement_type and placements left out. TikTok then answers
    # PLACEMENT_TYPE_AUTOMATIC with the placements it actually uses: all three, or fewer (no Global App
    # Bundle without its allowlist; TikTok's /campaign/spc/ docs), so under AUTOMATIC any list is its own.
    Default("adgroup", "placement_type", "PLACEMENT_TYPE_AUTOMATIC"),
    Default("adgroup", "placements", ANY, {"placement_type": "PLACEMENT_TYPE_AUTOMATIC"}),
    Default("adgroup", "targeting_optimization_mode", "AUTOMATIC"),
    Default("adgroup", "bid_type", "BID_TYPE_NO_BID"),
    Default("adgroup", "conversion_bid_price", 0),
    Default(
        "adgroup",
        "optimization_event",
        "LANDING_PAGE_VIEW",
        {"optimization_goal": "TRAFFIC_LANDING_PAGE_VIEW"},
    ),
    # Click and view windows are set as a pair, and engaged view only with both (rules.py
    # attribution-windows): dropped together, and only when no engaged-view window is kept.
    Default(
        "adgroup",
        "click_attribution_window",
        "SEVEN_DAYS",
        {
            "optimization_goal": ("CONVERT", "VALUE"),
            "view_attribution_window": "ONE_DAY",
            "engaged_view_attribution_window": (None, "OFF"),
        },
    ),
    Default(
        "adgroup",
        "view_attribution_window",
        "ONE_DAY",
        {
            "optimization_goal": ("CONVERT", "VALUE"),
            "click_attribution_window": "SEVEN_DAYS",
            "engaged_view_attribution_window": (None, "OFF"),
        },
    ),
    Default("adgroup", "attribution_event_count", "EVERY", {"optimization_goal": ("CONVERT", "VALUE")}),
    Default("adgroup", "dayparting", DAYPARTING_ALL),
    Default("adgroup", "comment_disabled", False),
    Default("adgroup", "share_disabled", False),
    Default("adgroup", "video_download_disabled", False),
    Default("adgroup", "product_source", "UNSET"),
    Default("adgroup", "promotion_website_type", "UNSET"),
    Default("adgroup", "targeting_spec.spc_audience_age", "OVER_EIGHTEEN"),
    Default(
        "adgroup",
        "targeting_spec.age_groups",
        AGE_GROUPS_18,
        {"targeting_spec.spc_audience_age": "OVER_EIGHTEEN"},
    ),
    Default(
        "adgroup",
        "targeting_spec.age_groups",
        AGE_GROUPS_25,
        {"targeting_spec.spc_audience_age": "OVER_TWENTY_FIVE"},
    ),
    Default("adgroup", "targeting_spec.gender", "GENDER_UNLIMITED"),
    Default("adgroup", "targeting_spec.spending_power", "ALL"),
    # ad
    Default("ad", "operation_status", "ENABLE"),
    Default("ad", "ad_configuration.dark_post_status", "OFF"),
    Default("creative_info", "identity_authorized_bc_id", "0"),
    Default("creative_info", "aigc_disclosure_type", "NOT_DECLARED"),
    Default("creative_info", "video_info.file_name", ""),
)

# Written even when equal to the default: whether an object runs, and whether the campaign holds the
# budget (CBO), are what a reader of the file looks for first (and a later pause shows as drift).
ALWAYS_WRITTEN: dict[str, frozenset[str]] = {
    "campaign": frozenset({"operation_status", "budget_optimize_on"}),
    "adgroup": frozenset({"operation_status", "bid_type"}),  # bid_type: required in a manifest
    "ad": frozenset({"operation_status"}),
    "creative_info": frozenset(),
}


@dataclass
class ImportedCampaign:
    """One manifest document, ready to write."""

    name: str
    campaign_id: str | None  # None for a legacy campaign's upgraded copy (it does not exist yet)
    document: dict[str, Any]
    comments: list[str] = field(default_factory=list)
    legacy_id: str | None = None
    # The YAML of ``document`` as validated by ``check_document`` (dumped once: ``to_yaml`` reuses
    # it). None until then, or after ``document`` is changed by hand (then ``to_yaml`` dumps).
    body: str | None = None


@dataclass
class ImportResult:
    campaigns: list[ImportedCampaign] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (campaign id, why)
    warnings: list[str] = field(default_factory=list)


# ---- walking the models ------------------------------------------------------------------------


def _model_in(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """(the model inside ``X | None`` or ``list[X] | None``, whether it is a list)."""
    args: tuple[Any, ...] = (annotation,)
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        args = typing.get_args(annotation)
    for arg in args:
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg, False
        if typing.get_origin(arg) is list:
            (inner,) = typing.get_args(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner, True
    return None, False


_FIELDS: dict[type[BaseModel], list[tuple[str, type[BaseModel] | None, bool]]] = {}


def _fields(model: type[BaseModel]) -> list[tuple[str, type[BaseModel] | None, bool]]:
    """(name, inner model, is a list) of each field ``extract`` writes, once per model."""
    found = _FIELDS.get(model)
    if found is None:
        found = [
            (name, *_model_in(info.annotation))
            for name, info in model.model_fields.items()
            if name not in TOOL_KEYS
        ]
        _FIELDS[model] = found
    return found


def extract(model: type[BaseModel], row: Mapping[str, Any]) -> dict[str, Any]:
    """The part of ``row`` that ``model`` knows, in the model's field order (tool keys excluded)."""
    out: dict[str, Any] = {}
    for name, inner, is_list in _fields(model):
        value = row.get(name)
        if value is None:
            continue
        if inner is not None and is_list and isinstance(value, list):
            out[name] = [extract(inner, v) if isinstance(v, Mapping) else v for v in value]
        elif inner is not None and isinstance(value, Mapping):
            out[name] = extract(inner, value)
        else:
            out[name] = _plain(value)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _get(row: Mapping[str, Any], path: str) -> Any:
    cur: Any = row
    for part in path.split("."):
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(part)
    return cur


def _delete(doc: dict[str, Any], path: str) -> None:
    *parents, last = path.split(".")
    cur: Any = doc
    for part in parents:
        cur = cur.get(part) if isinstance(cur, dict) else None
    if isinstance(cur, dict):
        cur.pop(last, None)


_same = equal  # the diff's own rule: a default is dropped when it equals the live value


def _applies(d: Default, row: Mapping[str, Any], campaign: Mapping[str, Any]) -> bool:
    for path, want in d.when.items():
        have = _get(campaign, path[len("campaign.") :]) if path.startswith("campaign.") else _get(row, path)
        if isinstance(want, tuple) and not isinstance(have, list):
            if have not in want:
                return False
        elif not _same(_plain(have), _plain(want)):
            return False
    return True


def strip_defaults(
    scope: str, doc: dict[str, Any], row: Mapping[str, Any], campaign: Mapping[str, Any]
) -> dict[str, Any]:
    """Drop from ``doc`` the fields whose live value (in ``row``) is TikTok's default. Conditions are
    read on the live row, before anything is dropped, so pairs (placement_type + placements) go
    together."""
    drop = [
        d.path
        for d in DEFAULTS
        if d.scope == scope
        and d.path not in ALWAYS_WRITTEN[scope]
        and _get(row, d.path) is not None
        and (d.value is ANY or _same(_plain(_get(row, d.path)), _plain(d.value)))
        and _applies(d, row, campaign)
    ]
    for path in drop:
        _delete(doc, path)
    return doc


def _drop_empty(value: Any, keep: frozenset[str] = frozenset()) -> Any:
    """Empty lists, objects and strings carry nothing: TikTok answers them for a field left out."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            v = _drop_empty(v)
            if k in keep or v not in ([], {}, "", None):
                out[k] = v
        return out
    if isinstance(value, list):
        return [_drop_empty(v) for v in value]
    return value


# ---- upgraded campaigns ------------------------------------------------------------------------

REQUIRED_KEEP: dict[str, frozenset[str]] = {
    "campaign": frozenset(),
    "adgroup": frozenset({"targeting_spec"}),
    "ad": frozenset(),
}


def campaign_document(
    campaign: Mapping[str, Any], adgroups: Sequence[Mapping[str, Any]], ads: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    """A manifest document for one live upgraded campaign, its ad groups and its ads."""
    doc: dict[str, Any] = {"id": str(campaign["campaign_id"])}
    doc.update(strip_defaults("campaign", extract(Campaign, campaign), campaign, campaign))
    doc = _drop_empty(doc, REQUIRED_KEEP["campaign"])
    by_group: dict[str, list[Mapping[str, Any]]] = {}
    for ad in ads:
        by_group.setdefault(str(ad.get("adgroup_id")), []).append(ad)
    groups: list[dict[str, Any]] = []
    for g in sorted(adgroups, key=_created_order("adgroup_id")):
        gdoc: dict[str, Any] = {"id": str(g["adgroup_id"])}
        gdoc.update(strip_defaults("adgroup", extract(AdGroup, g), g, campaign))
        gdoc = _drop_empty(gdoc, REQUIRED_KEEP["adgroup"])
        ad_docs = []
        for a in sorted(by_group.get(str(g["adgroup_id"]), []), key=_created_order("smart_plus_ad_id")):
            adoc: dict[str, Any] = {"id": str(a["smart_plus_ad_id"])}
            adoc.update(strip_defaults("ad", extract(Ad, a), a, campaign))
            for item, live_item in zip(
                adoc.get("creative_list") or [], a.get("creative_list") or [], strict=False
            ):
                info = item.get("creative_info")
                if isinstance(info, dict):
                    strip_defaults("creative_info", info, live_item.get("creative_info") or {}, campaign)
            ad_docs.append(_drop_empty(adoc, REQUIRED_KEEP["ad"]))
        gdoc["ads"] = ad_docs
        groups.append(gdoc)
    doc["adgroups"] = groups
    return doc


def _created_order(id_key: str) -> Any:
    def key(row: Mapping[str, Any]) -> tuple[str, int]:
        rid = str(row.get(id_key, "0"))
        return (str(row.get("create_time", "")), int(rid) if rid.isdigit() else 0)

    return key


def _dedupe_names(items: list[dict[str, Any]], key: str, where: str, warnings: list[str]) -> None:
    seen: dict[str, int] = {}
    for item in items:
        name = str(item.get(key, ""))
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            new = f"{name} ({seen[name]})"
            warnings.append(
                f"{where}: two live objects are named {name!r}; {item.get('id')} is written as {new!r} "
                "(names are unique in a manifest), so `plan` will rename it"
            )
            item[key] = new


def import_campaigns(
    campaigns: Iterable[Mapping[str, Any]],
    adgroups: Iterable[Mapping[str, Any]],
    ads: Iterable[Mapping[str, Any]],
) -> ImportResult:
    """Every live upgraded campaign -> one validated manifest document (or a reason it was skipped)."""
    result = ImportResult()
    groups_of: dict[str, list[Mapping[str, Any]]] = {}
    for g in adgroups:
        groups_of.setdefault(str(g.get("campaign_id")), []).append(g)
    ads_of: dict[str, list[Mapping[str, Any]]] = {}
    for a in ads:
        ads_of.setdefault(str(a.get("campaign_id")), []).append(a)
    names: dict[str, int] = {}
    for c in sorted(campaigns, key=_created_order("campaign_id")):
        cid = str(c["campaign_id"])
        if c.get("objective_type") != "WEB_CONVERSIONS":
            result.skipped.append(
                (cid, f"objective_type {c.get('objective_type')}: smartplus manages Web Conversions only")
            )
            continue
        doc = campaign_document(c, groups_of.get(cid, []), ads_of.get(cid, []))
        where = f"campaign {cid}"
        name = str(doc.get("campaign_name", ""))
        names[name] = names.get(name, 0) + 1
        if names[name] > 1:
            doc["campaign_name"] = f"{name} ({names[name]})"
            result.warnings.append(
                f"{where}: another live campaign is named {name!r}; this one is written as "
                f"{doc['campaign_name']!r} (names are unique per advertiser), so `plan` will rename it"
            )
        _dedupe_names(doc["adgroups"], "adgroup_name", where, result.warnings)
        for g in doc["adgroups"]:
            _dedupe_names(g["ads"], "ad_name", f"{where} ad group {g['id']}", result.warnings)
        problem, body = validate_document(doc, result.warnings, f"campaign {cid} ({c.get('campaign_name')})")
        if problem:
            result.skipped.append((cid, problem))
            continue
        result.campaigns.append(
            ImportedCampaign(
                name=str(doc.get("campaign_name", cid)),
                campaign_id=cid,
                document=doc,
                comments=[
                    f"Imported by `smartplus import` from advertiser {c.get('advertiser_id')}, campaign {cid}.",
                    "`id:` pins tie each object to its live counterpart; fields left out keep TikTok's defaults.",
                ],
                body=body,
            )
        )
    return result


# Rules of the manifest format that a live object may break because TikTok accepted what smartplus
# refuses on the strict reading (core/targeting.py): the field is left out of the file (so it is not
# managed and its live value stays), and the import says so.
DROPPABLE_RULES = frozenset({"targeting-manual-only", "targeting-suggestions"})


IMPORT_FILE = "<import>"


def document_problems(doc: Mapping[str, Any]) -> list[Problem]:
    """What ``validate`` would say about this document (models, cross-field rules).

    The dict is validated as it is rather than parsed back from its YAML: ``dump_document``
    writes text that reads back as exactly this dict (tests/importer/test_yaml.py), so the
    file says what was validated, and the document is dumped once, after it validates."""
    try:
        campaign = Campaign.model_validate(doc)
    except ValidationError as exc:
        return manifests.validation_problems(exc, {}, IMPORT_FILE)
    except (RecursionError, ValueError, TypeError) as exc:
        return [Problem(Location(file=IMPORT_FILE), "document-shape", f"{type(exc).__name__}: {exc}")]
    return rules.check([manifests.Manifest(campaign=campaign, file=IMPORT_FILE, document=0)])


def _path_keys(path: str) -> list[str | int]:
    return [int(t) if t.isdigit() else t for t in re.findall(r"[^.\[\]]+", path)]


def _pop_path(doc: dict[str, Any], keys: Sequence[str | int]) -> Any:
    cur: Any = doc
    for k in keys[:-1]:
        cur = cur[k]
    return cur.pop(keys[-1], None) if isinstance(cur, dict) else None


def check_document(doc: dict[str, Any], warnings: list[str] | None = None, where: str = "") -> str | None:
    """None if ``doc`` validates (after leaving out the fields of ``DROPPABLE_RULES``, each with a
    warning), else the first problem, said briefly."""
    return validate_document(doc, warnings, where)[0]


def validate_document(
    doc: dict[str, Any], warnings: list[str] | None = None, where: str = ""
) -> tuple[str | None, str]:
    """-> (None, the document's YAML) or (the first problem, said briefly; "")."""
    for _ in range(100):
        problems = document_problems(doc)
        if not problems:
            return None, dump_document(doc)
        hard = [p for p in problems if p.rule not in DROPPABLE_RULES or not p.location.path]
        if hard:
            p = hard[0]
            more = f" (and {len(hard) - 1} more)" if len(hard) > 1 else ""
            return (
                f"does not fit the manifest format: {p.location.path or ''}: {p.rule}: {p.message}{more}",
                "",
            )
        for p in problems:
            assert p.location.path is not None
            value = _pop_path(doc, _path_keys(p.location.path))
            if warnings is not None:
                warnings.append(
                    f"{where}: {p.location.path} = {value!r} left out (not managed; its live value stays): "
                    f"{p.message}"
                )
    return "does not fit the manifest format", ""


def cross_document_problems(items: Sequence[ImportedCampaign]) -> list[str]:
    """What ``validate`` checks across files (``rules.check``: campaign names unique per
    advertiser, an id pinned once), for documents each already validated alone, so that the
    files need not be validated a second time together."""
    out: list[str] = []
    names: dict[tuple[str, str], str] = {}
    pins: dict[tuple[str, str, str], str] = {}
    for item in items:
        doc = item.document
        adv, name = str(doc.get("advertiser_id")), str(doc.get("campaign_name"))
        if (adv, name) in names:
            out.append(f"campaign name {name!r} of advertiser {adv} written twice ({names[adv, name]})")
        names.setdefault((adv, name), item.name)
        objects: list[tuple[str, Mapping[str, Any]]] = [("campaign", doc)]
        for g in doc.get("adgroups") or []:
            objects.append(("adgroup", g))
            objects.extend(("ad", a) for a in g.get("ads") or [])
        for kind, obj in objects:
            if obj.get("id") is None:
                continue
            pin = (adv, kind, str(obj["id"]))
            if pin in pins:
                out.append(f"{kind} id {pin[2]} pinned twice ({pins[pin]}, {item.name})")
            pins.setdefault(pin, item.name)
    return out


# ---- legacy Smart+ -----------------------------------------------------------------------------

# Legacy spc_audience_age values ("18+", "25+", api-behavior.md 6 and the docs' /campaign/spc/ example)
# -> the upgraded enum.
LEGACY_AGE = {"18+": "OVER_EIGHTEEN", "25+": "OVER_TWENTY_FIVE"}
# Flat legacy fields carried over to the upgraded ad group's targeting_spec.
LEGACY_TARGETING = (
    "location_ids",
    "languages",
    "gender",
    "age_groups",
    "zipcode_ids",
    "excluded_audience_ids",
    "audience_ids",
    "blocked_pangle_app_ids",
    "interest_category_ids",
    "operating_systems",
)
# Flat legacy fields carried over to the ad group unchanged (same name and meaning upgraded).
LEGACY_ADGROUP = (
    "promotion_type",
    "optimization_goal",
    "optimization_event",
    "pixel_id",
    "billing_event",
    "bid_type",
    "bid_price",
    "conversion_bid_price",
    "roas_bid",
    "deep_bid_type",
    "vbo_window",
    "schedule_type",
    "schedule_start_time",
    "schedule_end_time",
    "dayparting",
    "placement_type",
    "placements",
    "click_attribution_window",
    "view_attribution_window",
    "engaged_view_attribution_window",
    "attribution_event_count",
    "comment_disabled",
    "share_disabled",
    "video_download_disabled",
    "deep_funnel_optimization_status",
    "deep_funnel_event_source",
    "deep_funnel_event_source_id",
    "deep_funnel_optimization_event",
)
# Legacy budget modes -> the upgraded campaign's (CBO on takes DYNAMIC_DAILY or TOTAL only).
LEGACY_BUDGET_MODE = {
    "BUDGET_MODE_DAY": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
    "BUDGET_MODE_DYNAMIC_DAILY_BUDGET": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
    "BUDGET_MODE_TOTAL": "BUDGET_MODE_TOTAL",
}


def _creative_from_media(media: Mapping[str, Any], row: Mapping[str, Any]) -> dict[str, Any]:
    info: dict[str, Any] = {}
    if media.get("image_info") and not media.get("video_info"):  # a video's image_info is its cover
        info["ad_format"] = "CAROUSEL_ADS"
    else:
        info["ad_format"] = "SINGLE_VIDEO"
    for key in ("video_info", "image_info", "music_info", "tiktok_item_id", "aigc_disclosure_type"):
        if media.get(key) not in (None, [], {}, ""):
            info[key] = _plain(media[key])
    identity_type = media.get("identity_type") or row.get("identity_type")
    identity_id = media.get("identity_id") or row.get("identity_id")
    if identity_type:
        info["identity_type"] = identity_type
    if identity_id:
        info["identity_id"] = str(identity_id)
    bc = media.get("identity_authorized_bc_id")
    if bc not in (None, "", "0"):
        info["identity_authorized_bc_id"] = str(bc)
    out = extract(CreativeInfo, info)
    strip_defaults("creative_info", out, out, {})
    return {"creative_info": _drop_empty(out)}


def _future_start(value: Any, now: dt.datetime) -> tuple[str, bool]:
    """The legacy start time, or the next full hour when it is in the past (TikTok takes a start at
    most 12 hours in the past, api-behavior.md 3)."""
    try:
        start = dt.datetime.strptime(str(value), TIME_FORMAT)
    except ValueError:
        start = now - dt.timedelta(days=1)
    if start >= now:
        return start.strftime(TIME_FORMAT), False
    nxt = now.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)
    return nxt.strftime(TIME_FORMAT), True


def legacy_to_manifest(
    row: Mapping[str, Any], *, now: dt.datetime, new_name: str | None = None
) -> ImportedCampaign:
    """One legacy Smart+ campaign (a ``/campaign/spc/get/`` row) -> an upgraded manifest: one campaign
    (CBO, the legacy budget), one ad group (optimization, bidding, schedule, placements, targeting),
    one ad (media, texts, CTAs, landing page), written DISABLED under a new name, with no ``id:`` pins
    (the objects are created by ``apply``), and comments that say what changed."""
    legacy_id = str(row.get("campaign_id", ""))
    old_name = str(row.get("campaign_name") or legacy_id)
    name = new_name or old_name + LEGACY_SUFFIX
    changes: list[str] = []

    legacy_mode = str(row.get("budget_mode") or "BUDGET_MODE_DAY")
    budget_mode = LEGACY_BUDGET_MODE.get(legacy_mode, "BUDGET_MODE_DYNAMIC_DAILY_BUDGET")
    if budget_mode != legacy_mode:
        changes.append(
            f"budget_mode {legacy_mode} -> {budget_mode} (an upgraded CBO campaign has no daily mode)"
        )
    campaign: dict[str, Any] = {
        "advertiser_id": str(row["advertiser_id"]),
        "campaign_name": name,
        "objective_type": row.get("objective_type") or "WEB_CONVERSIONS",
        "operation_status": "DISABLE",
        "budget_optimize_on": True,
        "budget_mode": budget_mode,
        "budget": row.get("budget"),
    }
    for key in ("special_industries", "campaign_type", "sales_destination"):
        if row.get(key) not in (None, []):
            campaign[key] = _plain(row[key])
    if campaign.get("sales_destination") not in (None, "WEBSITE"):
        changes.append(
            f"sales_destination {campaign['sales_destination']} dropped (upgraded web: WEBSITE only)"
        )
        campaign.pop("sales_destination")
    strip_defaults("campaign", campaign, dict(campaign), campaign)

    group: dict[str, Any] = {"adgroup_name": str(row.get("adgroup_name") or old_name)}
    for key in LEGACY_ADGROUP:
        if row.get(key) not in (None, [], ""):
            group[key] = _plain(row[key])
    start, moved = _future_start(row.get("schedule_start_time"), now)
    if moved:
        changes.append(
            f"schedule_start_time {row.get('schedule_start_time')} is past -> {start} "
            "(TikTok refuses a start more than 12 hours back)"
        )
    group["schedule_start_time"] = start
    group.setdefault("schedule_type", "SCHEDULE_FROM_NOW")
    if group.get("schedule_type") == "SCHEDULE_FROM_NOW":
        group.pop("schedule_end_time", None)
    spec: dict[str, Any] = {k: _plain(row[k]) for k in LEGACY_TARGETING if row.get(k) not in (None, [])}
    age = row.get("spc_audience_age")
    if age is not None:
        spec["spc_audience_age"] = LEGACY_AGE.get(str(age), str(age))
    elif row.get("exclude_age_under_eighteen"):
        spec["spc_audience_age"] = "OVER_EIGHTEEN"
    group["targeting_spec"] = spec
    strip_defaults("adgroup", group, copy.deepcopy(group), {"budget_optimize_on": True})
    # Legacy targeting was applied as written: MANUAL keeps that meaning when a field is one that
    # AUTOMATIC targeting treats as neither a control nor a suggestion (core/targeting.py).
    manual = [k for k in spec if targeting.role(k, "AUTOMATIC") != "control"]
    if manual:
        group["targeting_optimization_mode"] = "MANUAL"
        changes.append(
            f"targeting_optimization_mode MANUAL (legacy targeting on {', '.join(sorted(manual))})"
        )

    creatives = [
        _creative_from_media(m.get("media_info") or {}, row)
        for m in row.get("media_info_list") or []
        if isinstance(m, Mapping)
    ]
    ad: dict[str, Any] = {"ad_name": str(row.get("ad_name") or old_name), "creative_list": creatives}
    titles = [
        {"ad_text": t["title"]}
        for t in row.get("title_list") or []
        if isinstance(t, Mapping) and t.get("title")
    ]
    all_pull = bool(creatives) and all(c["creative_info"].get("tiktok_item_id") for c in creatives)
    if titles and all_pull:
        # rules.py pull-ad-text: a TikTok post carries its own caption (D:1847839781968897).
        changes.append("title_list dropped: every creative is a TikTok post, which has its own caption")
    elif titles:
        ad["ad_text_list"] = titles
        changes.append("title_list -> ad_text_list")
    ctas = [
        {"call_to_action": c["call_to_action"]}
        for c in row.get("call_to_action_list") or []
        if isinstance(c, Mapping) and c.get("call_to_action")
    ]
    spark = any(
        c["creative_info"].get("identity_type") in SPARK_IDENTITIES
        or c["creative_info"].get("tiktok_item_id")
        for c in creatives
    )
    if spark and row.get("call_to_action_id"):
        ad["ad_configuration"] = {"call_to_action_id": str(row["call_to_action_id"])}
    if ctas and spark:
        # Upgraded Spark ads on TikTok placements take a CTA portfolio, not a list (DOC:1843317390059522).
        changes.append(
            "call_to_action_list dropped: Spark ads take ad_configuration.call_to_action_id"
            + ("" if row.get("call_to_action_id") else " (make a CTA portfolio in Ads Manager and set it)")
        )
    elif ctas:
        ad["call_to_action_list"] = ctas
    urls = [
        {"landing_page_url": u["landing_page_url"]}
        for u in row.get("landing_page_urls") or []
        if isinstance(u, Mapping) and u.get("landing_page_url")
    ]
    if urls:
        ad["landing_page_url_list"] = urls[:1]
        changes.append("landing_page_urls -> landing_page_url_list")
        if len(urls) > 1:
            changes.append(f"{len(urls) - 1} further landing page URL(s) dropped (an upgraded ad takes one)")
    changes.append("media_info_list -> creative_list (ad_format from the media: video or carousel)")

    doc: dict[str, Any] = extract(Campaign, campaign)
    gdoc = extract(AdGroup, group)
    gdoc["ads"] = [extract(Ad, ad)]
    doc["adgroups"] = [gdoc]
    doc = _drop_empty(doc, REQUIRED_KEEP["adgroup"])
    comments = [
        f"Migrated by `smartplus import` from LEGACY Smart+ campaign {legacy_id} ({old_name!r}).",
        "Legacy Smart+ campaigns cannot be changed through the API since 2026-06-30; this is an upgraded",
        "Smart+ campaign (one campaign, one ad group, one ad) with the legacy settings carried over.",
        "What changed:",
        f"  - new name {name!r} (the legacy campaign keeps its name; names identify campaigns)",
        "  - no id: pins: `smartplus apply` creates these objects",
        "  - written with operation_status: DISABLE, so the two never spend at the same time",
        *(f"  - {c}" for c in changes),
        "Manual steps:",
        "  1. Review, plan and apply this file (it creates the campaign disabled).",
        f"  2. In TikTok Ads Manager, pause (turn off) legacy campaign {legacy_id}: the API cannot.",
        "  3. Set operation_status: ENABLE here (campaign), plan and apply.",
    ]
    return ImportedCampaign(name=name, campaign_id=None, document=doc, comments=comments, legacy_id=legacy_id)


def import_legacy(
    rows: Iterable[Mapping[str, Any]], *, now: dt.datetime, taken_names: Iterable[str] = ()
) -> ImportResult:
    """Legacy rows -> upgraded manifests; one whose new name is already a live campaign is reported as
    already migrated instead (importing the upgraded one pins it)."""
    result = ImportResult()
    taken = set(taken_names)
    for row in rows:
        item = legacy_to_manifest(row, now=now)
        lid = str(item.legacy_id)
        if item.name in taken:
            result.skipped.append((lid, f"legacy Smart+ campaign already migrated as {item.name!r}"))
            continue
        problem, item.body = validate_document(item.document, result.warnings, f"legacy campaign {lid}")
        if problem:
            result.skipped.append((lid, f"legacy Smart+ campaign {problem}"))
            continue
        taken.add(item.name)
        result.campaigns.append(item)
    return result


def import_account(
    campaigns: Iterable[Mapping[str, Any]],
    adgroups: Iterable[Mapping[str, Any]],
    ads: Iterable[Mapping[str, Any]],
    legacy: Iterable[Mapping[str, Any]] = (),
    *,
    now: dt.datetime,
    live_names: Iterable[str] = (),
    notes: Iterable[str] = (),
) -> ImportResult:
    """Everything ``smartplus import`` converts, in one place: the upgraded campaigns first, then
    the legacy ones (whose new names must not be taken by any live campaign), each document
    validated once; ``notes`` (what the reader could not read) become warnings."""
    campaigns = list(campaigns)
    result = import_campaigns(campaigns, adgroups, ads)
    taken = set(live_names) | {str(c.get("campaign_name")) for c in campaigns}
    migrated = import_legacy(legacy, now=now, taken_names=taken)
    result.campaigns.extend(migrated.campaigns)
    result.skipped.extend(migrated.skipped)
    result.warnings.extend(migrated.warnings)
    result.warnings.extend(notes)
    return result


def render_files(items: Sequence[ImportedCampaign], taken: Iterable[str] = ()) -> dict[str, str]:
    """File name -> text for every imported campaign (names unique among themselves and ``taken``).
    Raises ValueError if the documents clash with each other (a name or a pin twice), which
    ``plan`` would refuse."""
    clashes = cross_document_problems(items)
    if clashes:
        raise ValueError("; ".join(clashes))
    return {name: to_yaml(item) for name, item in zip(file_names(items, taken), items, strict=True)}


# ---- YAML and file names -----------------------------------------------------------------------


# The C emitter (libyaml) where PyYAML has it: the pure-Python one costs about 30 us per scalar,
# seconds for an account. Both get the same nodes (``_node``), so the two write the same text
# (``_indent_sequences`` gives libyaml's output the Python dumper's list indentation);
# tests/importer/test_yaml.py holds them to it. No line width: a long text stays on its line.
_CDumper: Any = getattr(yaml, "CSafeDumper", None)
WIDTH = 1_000_000_000
_STR_TAG = "tag:yaml.org,2002:str"


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)  # lists indented under their key, as in the docs


_RESOLVER: Any = yaml.resolver.Resolver()


class _Nowhere:
    """The analyzer below never writes; an emitter still wants a stream (core does no I/O)."""

    def write(self, _text: str) -> None:
        raise AssertionError("the scalar analyzer does not write")


_ANALYZER: Any = yaml.emitter.Emitter(stream=_Nowhere(), allow_unicode=True)


@functools.lru_cache(maxsize=1 << 16)
def _quoted(value: str) -> bool:
    """Whether ``value`` is written double-quoted: ids and numbers-to-be (a leading digit), and
    anything a plain scalar would not give back as this string (``OFF``, ``null``, ``a: b``,
    times, leading spaces, ...): YAML's own implicit resolver and plain-scalar analysis decide,
    as a ``yaml.safe_load`` of the value would, without parsing it."""
    if not value or "\n" in value or value[:1].isdigit():
        return True
    if _RESOLVER.resolve(yaml.ScalarNode, value, (True, False)) != _STR_TAG:
        return True
    return not _ANALYZER.analyze_scalar(value).allow_block_plain


_MAP_TAG, _SEQ_TAG = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_BOOL_TAG, _INT_TAG = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"
_FLOAT_TAG, _NULL_TAG = "tag:yaml.org,2002:float", "tag:yaml.org,2002:null"


def _float(value: float) -> str:
    """As PyYAML's SafeRepresenter writes a float."""
    if value != value:
        return ".nan"
    if value in (float("inf"), float("-inf")):
        return ".inf" if value > 0 else "-.inf"
    text = repr(value).lower()
    return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text


def _node(value: Any) -> yaml.Node:
    """The YAML node of a document made of dicts, lists and scalars. Built here rather than by
    PyYAML's representer, whose type dispatch and alias bookkeeping cost as much as libyaml's
    whole emitting; the same nodes go to either emitter."""
    if isinstance(value, str):
        return yaml.ScalarNode(_STR_TAG, value, style='"' if _quoted(value) else None)
    if isinstance(value, bool):
        return yaml.ScalarNode(_BOOL_TAG, "true" if value else "false")
    if value is None:
        return yaml.ScalarNode(_NULL_TAG, "null")
    if isinstance(value, int):
        return yaml.ScalarNode(_INT_TAG, str(value))
    if isinstance(value, float):
        return yaml.ScalarNode(_FLOAT_TAG, _float(value))
    if isinstance(value, Mapping):
        return yaml.MappingNode(
            _MAP_TAG, [(_node(str(k)), _node(v)) for k, v in value.items()], flow_style=False
        )
    if isinstance(value, list | tuple):
        return yaml.SequenceNode(_SEQ_TAG, [_node(v) for v in value], flow_style=False)
    raise TypeError(f"cannot write a {type(value).__name__} in a manifest")


if _CDumper is not None:

    class _FastDumper(_CDumper):  # type: ignore[misc]
        """libyaml's emitter; it asks the (Python, regex) resolver about every scalar, and a
        manifest repeats the same values thousands of times, so the answers are kept."""

        _memo: typing.ClassVar[dict[tuple[Any, ...], str]] = {}

        def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
            if kind is not yaml.ScalarNode:
                return str(super().resolve(kind, value, implicit))
            key = (value, implicit)
            tag = self._memo.get(key)
            if tag is None:
                tag = str(super().resolve(kind, value, implicit))
                if len(self._memo) > 200_000:
                    self._memo.clear()
                self._memo[key] = tag
            return tag


def _emit(dumper_class: Any, doc: Mapping[str, Any]) -> str:
    return str(yaml.serialize(_node(doc), Dumper=dumper_class, allow_unicode=True, width=WIDTH))


_SEQ_ITEM = re.compile(r"^( *)((?:- )*)")


def _indent_sequences(text: str) -> str:
    """libyaml writes a list that is a mapping's value at the key's own indentation
    (``key:\n- a``); indent it by two (``key:\n  - a``), with everything inside it. Line-based,
    which is exact for block-style output without multi-line scalars (``WIDTH`` keeps every
    scalar on one line, and texts with a line break are double-quoted, escapes included)."""
    out: list[str] = []
    open_at: list[int] = []  # the (original) column of each list being shifted
    key_col = -1  # the column of the key that ends the previous line with ":", else -1
    for line in text.splitlines(keepends=True):
        m = _SEQ_ITEM.match(line)
        assert m is not None
        col = len(m.group(1))
        item = line.startswith("- ", col) or line[col:].rstrip("\n") == "-"
        while open_at and (col < open_at[-1] or (col == open_at[-1] and not item)):
            open_at.pop()
        if item and col == key_col:
            open_at.append(col)
        out.append(" " * (2 * len(open_at)) + line if open_at else line)
        stripped = line.rstrip()
        key_col = col + len(m.group(2)) if stripped.endswith(":") else -1
    return "".join(out)


def dump_document(doc: Mapping[str, Any]) -> str:
    """Block-style YAML of one document, keys in the models' order."""
    if _CDumper is not None:
        text = _emit(_FastDumper, doc)
        # libyaml escapes characters beyond the BMP (emoji: "\U0001F389"); the Python emitter
        # writes them as they are, which a person can read. Rare, so that document is redone.
        if "\\U" not in text:
            return _indent_sequences(text)
    return dump_document_python(doc)


def dump_document_python(doc: Mapping[str, Any]) -> str:
    """The same with the pure-Python emitter (where libyaml is missing)."""
    return _emit(_Dumper, doc)


def to_yaml(item: ImportedCampaign) -> str:
    header = "".join(f"# {line}".rstrip() + "\n" for line in item.comments)
    return header + (item.body if item.body is not None else dump_document(item.document))


def slugify(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80].strip("-")


def file_names(items: Sequence[ImportedCampaign], taken: Iterable[str] = ()) -> list[str]:
    """A unique ``<slug>.yaml`` per campaign (``campaign-<id>`` when the name has no letters)."""
    used = {t.lower() for t in taken}
    out: list[str] = []
    for item in items:
        base = slugify(item.name) or f"campaign-{item.campaign_id or item.legacy_id}"
        candidate, n = f"{base}.yaml", 1
        while candidate.lower() in used:
            n += 1
            candidate = f"{base}-{n}.yaml"
        used.add(candidate.lower())
        out.append(candidate)
    return out
