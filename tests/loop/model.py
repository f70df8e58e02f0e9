"""A model of the manifests the loop test edits, and the YAML it writes for them.

The model is plain data: campaigns holding ad groups holding ads, each with the managed
fields the stateful test changes. `write` turns it into one plain YAML manifest per
campaign (no templates), in the product's shape (product.md 4.2). The creative block of an
ad is built by `creative_block` alone, so that a change of TikTok's creative model is a
change of one function.
"""

from __future__ import annotations

import copy
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ADVERTISER = "7000000000000000001"
PIXEL = "7100000000000000001"
TT_IDENTITY = "7200000000000000002"  # the demo seed's TT_USER identity (Spark ads)
CTA_PORTFOLIO = "7400000000000000001"
START_TIME = "2027-12-01 00:00:00"
US, DE = "6252001", "2921044"
AGES = ("OVER_EIGHTEEN", "OVER_TWENTY_FIVE")


def video_id(n: int) -> str:
    return f"v1000000000000000{n}"


def cover_id(n: int) -> str:
    return f"i1000000000000000{n}"


MUSIC = "m10000000000000001"  # the demo seed's music track (a carousel needs one)


def creative_block(video: int, text: str, landing: str, carousel: int | None = None) -> dict[str, Any]:
    """The creative fields of one ad: a Spark (TT_USER) single video with its cover and a dynamic
    CTA, TikTok's current model for the TikTok placement (product.md 4.2). This validates on
    today's models and emulator as it is. With ``carousel``, a second creative of another shape:
    a carousel of two images (n and the next) with music (creatives of two shapes in one ad are
    compared each on its own keys)."""
    creatives: list[dict[str, Any]] = [
        {
            "creative_info": {
                "ad_format": "SINGLE_VIDEO",
                "video_info": {"video_id": video_id(video)},
                "image_info": [{"web_uri": cover_id(video)}],
                "identity_type": "TT_USER",
                "identity_id": TT_IDENTITY,
            }
        }
    ]
    if carousel is not None:
        creatives.append(
            {
                "creative_info": {
                    "ad_format": "CAROUSEL_ADS",
                    "image_info": [{"web_uri": cover_id(carousel)}, {"web_uri": cover_id(carousel % 9 + 1)}],
                    "music_info": {"music_id": MUSIC},
                    "identity_type": "TT_USER",
                    "identity_id": TT_IDENTITY,
                }
            }
        )
    return {
        "creative_list": creatives,
        "ad_text_list": [{"ad_text": text}],
        "ad_configuration": {"call_to_action_id": CTA_PORTFOLIO},
        "landing_page_url_list": [{"landing_page_url": landing}],
    }


@dataclass
class Ad:
    uid: int
    name: str
    video: int
    text: str
    landing: str
    status: str | None = None  # None: operation_status left out of the manifest
    pin: str | None = None
    carousel: int | None = None  # a second creative, a carousel (creative_block)


@dataclass
class AdGroup:
    uid: int
    name: str
    age: str
    locations: list[str]
    budget: int | None  # CBO off only
    bid: float | None  # BID_TYPE_CUSTOM (cost cap) only
    ads: list[Ad] = field(default_factory=list)
    status: str | None = None
    pin: str | None = None


@dataclass
class Campaign:
    uid: int
    name: str
    cbo: bool
    budget: int | None  # CBO on only
    bid_type: str  # BID_TYPE_NO_BID or BID_TYPE_CUSTOM; the same for all its ad groups
    prune: bool
    adgroups: list[AdGroup] = field(default_factory=list)
    status: str | None = None
    pin: str | None = None


@dataclass
class Model:
    campaigns: list[Campaign] = field(default_factory=list)

    def copy(self) -> Model:
        return copy.deepcopy(self)

    # ---- addresses as the tool prints them -----------------------------------------------------

    def objects(self) -> list[tuple[str, str, Any, str | None]]:
        """(kind, address, object, parent address) of every declared object, parents first."""
        out: list[tuple[str, str, Any, str | None]] = []
        for c in self.campaigns:
            ca = campaign_address(c.name)
            out.append(("campaign", ca, c, None))
            for g in c.adgroups:
                ga = child_address(ca, "adgroup", g.name)
                out.append(("adgroup", ga, g, ca))
                for a in g.ads:
                    out.append(("ad", child_address(ga, "ad", a.name), a, ga))
        return out

    def find(self, uid: int) -> tuple[str, str, Any, str | None]:
        return next(o for o in self.objects() if o[2].uid == uid)

    def has(self, uid: int) -> bool:
        return any(o[2].uid == uid for o in self.objects())


def campaign_address(name: str) -> str:
    return f"campaign[{_q(name)}]"


def child_address(parent: str, kind: str, name: str) -> str:
    return f"{parent}.{kind}[{_q(name)}]"


def _q(name: str) -> str:
    import json

    return json.dumps(name, ensure_ascii=False)


# ---- YAML ----------------------------------------------------------------------------------------


def campaign_doc(c: Campaign) -> dict[str, Any]:
    doc: dict[str, Any] = {"advertiser_id": ADVERTISER}
    if c.pin:
        doc["id"] = c.pin
    doc.update(
        {
            "campaign_name": c.name,
            "objective_type": "WEB_CONVERSIONS",
            "budget_optimize_on": c.cbo,
        }
    )
    if c.cbo:
        doc["budget_mode"] = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
        doc["budget"] = c.budget
    if c.status is not None:
        doc["operation_status"] = c.status
    if c.prune:
        doc["prune"] = True
    doc["adgroups"] = [adgroup_doc(c, g) for g in c.adgroups]
    return doc


def adgroup_doc(c: Campaign, g: AdGroup) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if g.pin:
        doc["id"] = g.pin
    doc.update(
        {
            "adgroup_name": g.name,
            "promotion_type": "WEBSITE",
            "optimization_goal": "CONVERT",
            "optimization_event": "SHOPPING",
            "pixel_id": PIXEL,
            "billing_event": "OCPM",
            "bid_type": c.bid_type,
        }
    )
    if c.bid_type == "BID_TYPE_CUSTOM":
        doc["conversion_bid_price"] = g.bid
    if not c.cbo:
        doc["budget_mode"] = "BUDGET_MODE_DYNAMIC_DAILY_BUDGET"
        doc["budget"] = g.budget
    doc.update(
        {
            "schedule_type": "SCHEDULE_FROM_NOW",
            "schedule_start_time": START_TIME,
            "targeting_optimization_mode": "AUTOMATIC",
            "targeting_spec": {"location_ids": list(g.locations), "spc_audience_age": g.age},
        }
    )
    if g.status is not None:
        doc["operation_status"] = g.status
    doc["ads"] = [ad_doc(a) for a in g.ads]
    return doc


def ad_doc(a: Ad) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if a.pin:
        doc["id"] = a.pin
    doc["ad_name"] = a.name
    doc.update(creative_block(a.video, a.text, a.landing, a.carousel))
    if a.status is not None:
        doc["operation_status"] = a.status
    return doc


def write(model: Model, folder: Path) -> Path:
    """One YAML file per campaign, in a folder emptied first."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for c in model.campaigns:
        text = yaml.safe_dump(campaign_doc(c), sort_keys=False, allow_unicode=True)
        (folder / f"campaign-{c.uid}.yaml").write_text(text)
    return folder
