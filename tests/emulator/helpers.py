"""Shared helpers of the emulator tests: an app with a fixed clock, a small sync client, valid bodies."""

from __future__ import annotations

import itertools
import json
from typing import Any

from starlette.applications import Starlette
from starlette.testclient import TestClient

NOW = "2026-11-29 00:00:00"
ADV = "7000000000000000001"
ADV2 = "7000000000000000002"
PIXEL = "7100000000000000001"
ID_CUSTOM = "7200000000000000001"
ID_TT = "7200000000000000002"
PORTFOLIO = "7400000000000000001"
MUSIC = "m10000000000000001"
BASE = "/open_api/v1.3/"
_request_ids = itertools.count(1000)


def next_request_id() -> str:
    return str(next(_request_ids))


class Api:
    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.client = TestClient(app)

    def get(self, path: str, token: str | None = "demo-token", **params: Any) -> dict[str, Any]:
        query = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in params.items()}
        headers = {"Access-Token": token} if token is not None else {}
        response = self.client.get(BASE + path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def post(self, path: str, body: dict[str, Any], token: str | None = "demo-token") -> dict[str, Any]:
        headers = {"Access-Token": token} if token is not None else {}
        response = self.client.post(BASE + path, json=body, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def admin(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        if body is None:
            response = self.client.get("/_emulator/" + path)
        else:
            response = self.client.post("/_emulator/" + path, json=body)
        return dict(response.json())

    # --- convenience -----------------------------------------------------------------
    def ok(self, answer: dict[str, Any]) -> dict[str, Any]:
        assert answer["code"] == 0, answer
        return dict(answer["data"])

    def campaign(self, **overrides: Any) -> dict[str, Any]:
        return self.ok(self.post("smart_plus/campaign/create/", campaign_body(**overrides)))

    def adgroup(self, campaign_id: str, **overrides: Any) -> dict[str, Any]:
        return self.ok(self.post("smart_plus/adgroup/create/", adgroup_body(campaign_id, **overrides)))

    def ad(self, adgroup_id: str, **overrides: Any) -> dict[str, Any]:
        return self.ok(self.post("smart_plus/ad/create/", ad_body(adgroup_id, **overrides)))


def campaign_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "advertiser_id": ADV,
        "campaign_name": "Spring Sale US",
        "objective_type": "WEB_CONVERSIONS",
        "sales_destination": "WEBSITE",
        "budget_optimize_on": True,
        "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        "budget": 500,
        "request_id": next_request_id(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def adgroup_body(campaign_id: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "advertiser_id": ADV,
        "campaign_id": campaign_id,
        "adgroup_name": "US broad 18+",
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": PIXEL,
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": "2026-12-01 00:00:00",
        "targeting_optimization_mode": "AUTOMATIC",
        "targeting_spec": {"location_ids": ["6252001"], "spc_audience_age": "OVER_EIGHTEEN"},
        "request_id": next_request_id(),
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def video_creative(n: int = 1, identity: str = ID_TT, identity_type: str = "TT_USER") -> dict[str, Any]:
    """A single video with its cover (image n is the cover of video n); Spark Push by default."""
    return {
        "creative_info": {
            "ad_format": "SINGLE_VIDEO",
            "video_info": {"video_id": f"v1000000000000000{n}"},
            "image_info": [{"web_uri": f"i1000000000000000{n}"}],
            "identity_type": identity_type,
            "identity_id": identity,
        }
    }


def pull_creative(n: int = 1, identity: str = ID_TT, identity_type: str = "TT_USER") -> dict[str, Any]:
    """Spark Pull of the demo TikTok post n."""
    return {
        "creative_info": {
            "ad_format": "SINGLE_VIDEO",
            "tiktok_item_id": f"730000000000000000{n}",
            "identity_type": identity_type,
            "identity_id": identity,
        }
    }


def carousel_creative(images: int = 3, music: bool = True, spark: bool = True) -> dict[str, Any]:
    info: dict[str, Any] = {
        "ad_format": "CAROUSEL_ADS",
        "image_info": [{"web_uri": f"i1000000000000000{1 + i % 9}"} for i in range(images)],
    }
    if spark:
        info.update(identity_type="TT_USER", identity_id=ID_TT)
    if music:
        info["music_info"] = {"music_id": MUSIC}
    return {"creative_info": info}


def non_spark_creative(n: int = 1) -> dict[str, Any]:
    """A non-Spark video: no identity in creative_info (it goes in ad_configuration)."""
    return {
        "creative_info": {
            "ad_format": "SINGLE_VIDEO",
            "video_info": {"video_id": f"v1000000000000000{n}"},
            "image_info": [{"web_uri": f"i1000000000000000{n}"}],
        }
    }


NON_SPARK_CONFIG = {"identity_type": "CUSTOMIZED_USER", "identity_id": ID_CUSTOM}


def ad_body(adgroup_id: str, **overrides: Any) -> dict[str, Any]:
    """A Spark Push video with its cover and the demo CTA portfolio: valid on automatic placement."""
    body: dict[str, Any] = {
        "advertiser_id": ADV,
        "adgroup_id": adgroup_id,
        "ad_name": "UGC video 1",
        "creative_list": [video_creative(1)],
        "ad_text_list": [{"ad_text": "Spring sale: 30% off everything"}],
        "ad_configuration": {"call_to_action_id": PORTFOLIO},
        "landing_page_url_list": [{"landing_page_url": "https://shop.example.com/spring"}],
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


def non_spark_ad_body(adgroup_id: str, **overrides: Any) -> dict[str, Any]:
    """A non-Spark ad (Custom Identity in ad_configuration, a CTA list): for Pangle/GAB-only ad groups."""
    body: dict[str, Any] = {
        "creative_list": [non_spark_creative(1)],
        "ad_configuration": dict(NON_SPARK_CONFIG),
        "call_to_action_list": [{"call_to_action": "SHOP_NOW"}],
    }
    body.update(overrides)
    return ad_body(adgroup_id, **body)


def assert_error(answer: dict[str, Any], code: int, message: str) -> None:
    assert answer["code"] == code, answer
    assert answer["message"] == message, answer
    assert answer["data"] == {}
