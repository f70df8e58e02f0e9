"""A one-ad manifest whose creative is files (video + cover), and tiny valid media files."""

from __future__ import annotations

from pathlib import Path

from tests.emulator.test_files_api import jpeg, mp4, png

__all__ = ["jpeg", "manifest", "mp4", "png", "write_campaign"]


def manifest(
    campaign: str = "Files test", video: str = "creatives/ugc-3.mp4", cover: str = "creatives/ugc-3-cover.png"
) -> str:
    return f"""advertiser_id: "7000000000000000001"
campaign_name: "{campaign}"
objective_type: WEB_CONVERSIONS
budget_optimize_on: false
operation_status: ENABLE
adgroups:
  - adgroup_name: "Purchases"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    billing_event: OCPM
    bid_type: BID_TYPE_NO_BID
    budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET
    budget: 80
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_optimization_mode: MANUAL
    targeting_spec:
      location_ids: ["6252001"]
    ads:
      - ad_name: "UGC 3"
        creative_list:
          - creative_info:
              ad_format: SINGLE_VIDEO
              video_info: {{file: {video}}}
              image_info: [{{file: {cover}}}]
              identity_type: TT_USER
              identity_id: "7200000000000000002"
        ad_text_list: [{{ad_text: "New season"}}]
        landing_page_url_list: [{{landing_page_url: "https://shop.example.com/new"}}]
        ad_configuration: {{call_to_action_id: "7400000000000000001"}}
"""


def write_campaign(folder: Path, name: str = "files.yaml", **kw: str) -> Path:
    """The manifest and its two creatives (written once) in `folder`."""
    creatives = folder / "creatives"
    creatives.mkdir(parents=True, exist_ok=True)
    if not (creatives / "ugc-3.mp4").exists():
        (creatives / "ugc-3.mp4").write_bytes(mp4(b"ugc-3"))
        (creatives / "ugc-3-cover.png").write_bytes(png(720, 1280, b"ugc-3"))
    path = folder / name
    path.write_text(manifest(**kw))
    return path
