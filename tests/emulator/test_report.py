"""`/report/integrated/get/`: the spend the admin path set, in TikTok's report shape."""

from __future__ import annotations

import json

from .helpers import NOW, Api


def report_params(level: str, id_field: str, ids: list[str]) -> dict[str, object]:
    day = NOW[:10]
    return {
        "advertiser_id": "7000000000000000001",
        "report_type": "BASIC",
        "data_level": level,
        "dimensions": [id_field],
        "metrics": ["spend"],
        "start_date": day,
        "end_date": day,
        "filtering": [{"field_name": f"{id_field}s", "filter_type": "IN", "filter_value": json.dumps(ids)}],
    }


def test_spend_report_by_campaign_and_adgroup(api: Api) -> None:
    campaign = api.campaign()
    adgroup = api.adgroup(campaign["campaign_id"])
    cid, gid = campaign["campaign_id"], adgroup["adgroup_id"]
    assert api.admin("spend", {"adgroup_id": gid, "today": 42.5})["ok"]

    out = api.get("report/integrated/get/", **report_params("AUCTION_ADGROUP", "adgroup_id", [gid]))
    assert out["code"] == 0, out
    assert out["data"]["list"] == [{"dimensions": {"adgroup_id": gid}, "metrics": {"spend": "42.50"}}]
    # A campaign without its own figure spends what its ad groups spend.
    out = api.get("report/integrated/get/", **report_params("AUCTION_CAMPAIGN", "campaign_id", [cid]))
    assert out["data"]["list"] == [{"dimensions": {"campaign_id": cid}, "metrics": {"spend": "42.50"}}]
    assert out["data"]["page_info"]["total_number"] == 1


def test_spend_report_rejects_what_is_not_emulated(api: Api) -> None:
    bad = api.get("report/integrated/get/", **report_params("AUCTION_AD", "ad_id", []))
    assert bad["code"] == 40002 and bad["message"].startswith("data_level: "), bad
    params = report_params("AUCTION_CAMPAIGN", "campaign_id", [])
    params["metrics"] = ["impressions"]
    bad = api.get("report/integrated/get/", **params)
    assert bad["code"] == 40002 and bad["message"].startswith("metrics: "), bad
