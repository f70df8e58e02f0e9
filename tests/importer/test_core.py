"""core.importer without the emulator: legacy conversion, defaults, YAML and file names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from reconciler.adapters import files
from reconciler.core import importer

from .seed import legacy_row

NOW = dt.datetime(2026, 11, 29, 12, 0, 0)


def docs_example_row() -> dict[str, Any]:
    """A /campaign/spc/get/ row shaped like TikTok's documented answer (api-behavior.md 6): flat fields,
    explicit nulls, spc_audience_age "18+", media_info_list with ad_material_id, the identity at the top,
    landing_page_urls with extra keys."""
    return {
        "advertiser_id": "7000000000000000001",
        "campaign_id": "1790000000000000009",
        "campaign_name": "Legacy Web All-in-one",
        "objective_type": "WEB_CONVERSIONS",
        "is_smart_performance_campaign": True,
        "spc_type": "WEB_ALL_IN_ONE",
        "operation_status": "ENABLE",
        "campaign_secondary_status": "CAMPAIGN_STATUS_ENABLE",
        "adgroup_secondary_status": "ADGROUP_STATUS_DELIVERY_OK",
        "sales_destination": "WEBSITE",
        "campaign_type": "REGULAR_CAMPAIGN",
        "promotion_type": "WEBSITE",
        "optimization_goal": "CONVERT",
        "optimization_event": "SHOPPING",
        "pixel_id": "7100000000000000001",
        "bid_type": "BID_TYPE_CUSTOM",
        "conversion_bid_price": 1.2,
        "roas_bid": None,
        "deep_bid_type": None,
        "billing_event": "OCPM",
        "budget_mode": "BUDGET_MODE_DYNAMIC_DAILY_BUDGET",
        "budget": 300,
        "scheduled_budget": 0,
        "schedule_type": "SCHEDULE_START_END",
        "schedule_start_time": "2027-01-01 00:00:00",
        "schedule_end_time": "2027-03-01 00:00:00",
        "dayparting": "1" * 336,
        "location_ids": ["6252001"],
        "languages": [],
        "gender": "GENDER_UNLIMITED",
        "spc_audience_age": "18+",
        "exclude_age_under_eighteen": True,
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
        "placements": ["PLACEMENT_TIKTOK", "PLACEMENT_PANGLE"],
        "click_attribution_window": "SEVEN_DAYS",
        "view_attribution_window": "ONE_DAY",
        "engaged_view_attribution_window": "ONE_DAY",
        "attribution_event_count": "EVERY",
        "comment_disabled": False,
        "share_disabled": False,
        "video_download_disabled": False,
        "skip_learning_phase": True,
        "brand_safety_type": "EXPANDED_INVENTORY",
        "identity_type": "TT_USER",
        "identity_id": "7200000000000000002",
        "media_info_list": [
            {
                "media_info": {
                    "aigc_disclosure_type": None,
                    "identity_type": "TT_USER",
                    "image_info": [{"web_uri": "i10000000000000008"}],
                    "tiktok_item_id": None,
                    "identity_authorized_bc_id": "0",
                    "music_info": None,
                    "identity_id": "7200000000000000002",
                    "video_info": {"video_id": "v10000000000000008", "file_name": ""},
                },
                "ad_material_id": "1",
                "material_operation_status": "ENABLE",
            },
            {
                "media_info": {
                    "image_info": [{"web_uri": "i10000000000000001"}, {"web_uri": "i10000000000000002"}],
                    "music_info": {"music_id": "m10000000000000001"},
                },
                "ad_material_id": "2",
                "material_operation_status": "ENABLE",
            },
        ],
        "title_list": [{"title": "All in one"}],
        "call_to_action_list": [{"call_to_action": "LEARN_MORE"}],
        "call_to_action_id": "7400000000000000001",
        "landing_page_urls": [
            {"tiktok_item_id": None, "landing_page_url": "https://shop.example.com/a", "video_id": None},
            {"tiktok_item_id": None, "landing_page_url": "https://shop.example.com/b", "video_id": None},
        ],
        "create_time": "2025-10-01 10:00:00",
        "modify_time": "2025-10-02 10:00:00",
    }


def test_legacy_docs_row_converts_to_one_campaign_one_adgroup_one_ad() -> None:
    item = importer.legacy_to_manifest(docs_example_row(), now=NOW)
    assert item.campaign_id is None and item.legacy_id == "1790000000000000009"
    doc = item.document
    assert doc["campaign_name"] == "Legacy Web All-in-one (upgraded)"
    assert (doc["operation_status"], doc["budget_optimize_on"], doc["budget"]) == ("DISABLE", True, 300)
    assert "budget_mode" not in doc  # DYNAMIC_DAILY: the CBO default
    assert "campaign_type" not in doc and "sales_destination" not in doc  # defaults too
    assert "id" not in doc and "campaign_id" not in doc
    (group,) = doc["adgroups"]
    assert (group["bid_type"], group["conversion_bid_price"]) == ("BID_TYPE_CUSTOM", 1.2)
    assert (group["schedule_type"], group["schedule_end_time"]) == (
        "SCHEDULE_START_END",
        "2027-03-01 00:00:00",
    )
    assert group["schedule_start_time"] == "2027-01-01 00:00:00"  # in the future: kept
    # Automatic placement: TikTok's answer (two placements here) is its own choice, not carried over.
    assert "placements" not in group and "placement_type" not in group
    # Engaged view is kept, so click and view stay with it (they are set as a pair, engaged view only
    # with both), though they are TikTok's defaults.
    assert (
        group["click_attribution_window"],
        group["view_attribution_window"],
        group["engaged_view_attribution_window"],
    ) == ("SEVEN_DAYS", "ONE_DAY", "ONE_DAY")
    # "18+" is OVER_EIGHTEEN, the default; GENDER_UNLIMITED too: both left out. Automatic targeting.
    assert group["targeting_spec"] == {"location_ids": ["6252001"]}
    assert "targeting_optimization_mode" not in group
    for gone in ("dayparting", "skip_learning_phase", "brand_safety_type"):
        assert gone not in group
    (ad,) = group["ads"]
    video, carousel = ad["creative_list"]
    assert video == {
        "creative_info": {
            "ad_format": "SINGLE_VIDEO",
            "identity_id": "7200000000000000002",
            "identity_type": "TT_USER",
            "image_info": [{"web_uri": "i10000000000000008"}],
            "video_info": {"video_id": "v10000000000000008"},
        }
    }
    info = carousel["creative_info"]
    assert info["ad_format"] == "CAROUSEL_ADS" and len(info["image_info"]) == 2
    assert info["identity_type"] == "TT_USER"  # the campaign-level identity, carried down
    assert ad["ad_text_list"] == [{"ad_text": "All in one"}]
    # A Spark ad on automatic placement: the dynamic CTA, not the standard list.
    assert ad["ad_configuration"] == {"call_to_action_id": "7400000000000000001"}
    assert "call_to_action_list" not in ad
    assert ad["landing_page_url_list"] == [{"landing_page_url": "https://shop.example.com/a"}]
    text = "\n".join(item.comments)
    assert "1 further landing page URL(s) dropped" in text
    assert "pause (turn off) legacy campaign 1790000000000000009" in text
    assert importer.check_document(doc) is None


def test_legacy_conversion_changes_what_must_change() -> None:
    row = legacy_row()
    row.update(campaign_id="1790000000000000001", age_groups=["AGE_25_34"], gender="GENDER_FEMALE")
    item = importer.legacy_to_manifest(row, now=NOW, new_name="Legacy US v2")
    doc = item.document
    assert doc["campaign_name"] == "Legacy US v2"
    assert "budget_mode" not in doc  # legacy BUDGET_MODE_DAY -> DYNAMIC_DAILY, the CBO default
    group = doc["adgroups"][0]
    assert group["schedule_start_time"] == "2026-11-29 13:00:00"  # past start moved to the next hour
    assert group["targeting_optimization_mode"] == "MANUAL"  # age groups and gender apply as written
    assert group["targeting_spec"]["gender"] == "GENDER_FEMALE"
    text = "\n".join(item.comments)
    assert "budget_mode BUDGET_MODE_DAY -> BUDGET_MODE_DYNAMIC_DAILY_BUDGET" in text
    assert "schedule_start_time 2026-02-01 00:00:00 is past" in text
    assert "targeting_optimization_mode MANUAL" in text
    assert importer.check_document(doc) is None


def test_legacy_already_migrated_and_unfit_rows_are_skipped() -> None:
    ok = legacy_row("A")
    ok["campaign_id"] = "1"
    broken = legacy_row("B")
    broken.update(campaign_id="2", optimization_goal="INSTALL")
    result = importer.import_legacy([ok, broken], now=NOW, taken_names=["A (upgraded)"])
    assert result.campaigns == []
    assert result.skipped[0] == ("1", "legacy Smart+ campaign already migrated as 'A (upgraded)'")
    assert result.skipped[1][0] == "2" and "optimization_goal" in result.skipped[1][1]


def test_legacy_yaml_loads(tmp_path: Path) -> None:
    item = importer.legacy_to_manifest(docs_example_row(), now=NOW)
    (tmp_path / "legacy.yaml").write_text(importer.to_yaml(item))
    (m,) = files.load([str(tmp_path)]).manifests
    assert m.campaign.campaign_name == "Legacy Web All-in-one (upgraded)"
    assert (tmp_path / "legacy.yaml").read_text().startswith("# Migrated by `smartplus import`")


def test_strip_defaults_pairs_and_conditions() -> None:
    row = {
        "placement_type": "PLACEMENT_TYPE_AUTOMATIC",
        "placements": ["PLACEMENT_PANGLE", "PLACEMENT_TIKTOK", "PLACEMENT_GLOBAL_APP_BUNDLE"],
        "budget_mode": "BUDGET_MODE_INFINITE",
        "budget": 0,
        "optimization_goal": "CLICK",
        "click_attribution_window": "SEVEN_DAYS",
        "targeting_spec": {"spc_audience_age": "OVER_TWENTY_FIVE", "age_groups": importer.AGE_GROUPS_18},
    }
    doc = yaml.safe_load(yaml.safe_dump(row))
    importer.strip_defaults("adgroup", doc, row, {"budget_optimize_on": False})
    # Automatic placement, whatever TikTok answers for placements, is left out; CBO off keeps the ad group budget fields; the
    # attribution default is for CONVERT/VALUE only; the age groups are not the 25+ default.
    assert "placement_type" not in doc and "placements" not in doc
    assert doc["budget_mode"] == "BUDGET_MODE_INFINITE" and doc["budget"] == 0
    assert doc["click_attribution_window"] == "SEVEN_DAYS"
    assert doc["targeting_spec"] == {
        "spc_audience_age": "OVER_TWENTY_FIVE",
        "age_groups": list(importer.AGE_GROUPS_18),
    }


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["Spring Sale US", "spring sale us", "Été 2026 — FR", "🔥🔥", ""], None),
    ],
)
def test_file_names_are_slugs_and_unique(names: list[str], expected: None) -> None:
    items = [
        importer.ImportedCampaign(name=n, campaign_id=str(100 + i), document={}) for i, n in enumerate(names)
    ]
    assert importer.file_names(items, taken=["spring-sale-us.yaml"]) == [
        "spring-sale-us-2.yaml",
        "spring-sale-us-3.yaml",
        "ete-2026-fr.yaml",
        "campaign-103.yaml",
        "campaign-104.yaml",
    ]


def test_yaml_quotes_what_yaml_would_misread() -> None:
    item = importer.ImportedCampaign(
        name="x",
        campaign_id="1",
        document={
            "a": "7000000000000000001",
            "b": "OFF",
            "c": "2027-01-01 00:00:00",
            "d": "a: b",
            "e": "ENABLE",
        },
        comments=["hello"],
    )
    text = importer.to_yaml(item)
    assert text.startswith("# hello\n")
    assert yaml.safe_load(text) == item.document
    assert 'a: "7000000000000000001"' in text and "e: ENABLE" in text


def test_duplicate_live_names_are_made_unique_with_a_warning() -> None:
    def campaign(cid: str) -> dict[str, Any]:
        return {
            "campaign_id": cid,
            "advertiser_id": "7000000000000000001",
            "campaign_name": "Same",
            "objective_type": "WEB_CONVERSIONS",
            "budget_optimize_on": True,
            "budget": 100,
            "create_time": "2026-01-01 00:00:00",
        }

    def group(gid: str) -> dict[str, Any]:
        return {
            "adgroup_id": gid,
            "campaign_id": "1",
            "adgroup_name": "G",
            "optimization_goal": "CLICK",
            "billing_event": "CPC",
            "bid_type": "BID_TYPE_NO_BID",
            "schedule_type": "SCHEDULE_FROM_NOW",
            "schedule_start_time": "2027-01-01 00:00:00",
            "targeting_spec": {"location_ids": ["6252001"]},
        }

    other = {"campaign_id": "3", "campaign_name": "Reach", "objective_type": "REACH"}
    result = importer.import_campaigns([campaign("1"), campaign("2"), other], [group("11"), group("12")], [])
    assert [c.name for c in result.campaigns] == ["Same", "Same (2)"]
    assert [g["adgroup_name"] for g in result.campaigns[0].document["adgroups"]] == ["G", "G (2)"]
    assert len(result.warnings) == 2 and all("will rename it" in w for w in result.warnings)
    assert result.skipped == [("3", "objective_type REACH: smartplus manages Web Conversions only")]


def test_legacy_spark_ad_takes_the_cta_portfolio() -> None:
    row = legacy_row()
    row.update(
        campaign_id="5",
        identity_type=None,
        identity_id=None,
        call_to_action_id="7400000000000000001",
        media_info_list=[
            {
                "media_info": {
                    "tiktok_item_id": "7300000000000000001",
                    "identity_type": "TT_USER",
                    "identity_id": "7200000000000000002",
                }
            }
        ],
    )
    item = importer.legacy_to_manifest(row, now=NOW)
    (ad,) = item.document["adgroups"][0]["ads"]
    assert ad["ad_configuration"] == {"call_to_action_id": "7400000000000000001"}
    assert "call_to_action_list" not in ad
    assert ad["creative_list"] == [
        {
            "creative_info": {
                "ad_format": "SINGLE_VIDEO",
                "identity_id": "7200000000000000002",
                "identity_type": "TT_USER",
                "tiktok_item_id": "7300000000000000001",
            }
        }
    ]
    assert any("call_to_action_list dropped" in line for line in item.comments)
    assert importer.check_document(item.document) is None
