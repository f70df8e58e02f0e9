"""A small valid manifest to build test cases from: a CBO campaign with one Spark Push ad."""

from __future__ import annotations

from pathlib import Path

BASE = """\
advertiser_id: "7000000000000000001"
campaign_name: {name}
objective_type: WEB_CONVERSIONS
budget_optimize_on: true
budget: {budget}
adgroups:
  - adgroup_name: "G1"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec:
      location_ids: ["6252001"]
    ads:
      - ad_name: "A1"
        creative_list:
          - creative_info:
              ad_format: SINGLE_VIDEO
              video_info: {{video_id: "v10000000000000001"}}
              image_info: [{{web_uri: "i10000000000000001"}}]
              identity_type: TT_USER
              identity_id: "7200000000000000002"
        ad_text_list: [{{ad_text: "Hello"}}]
        ad_configuration: {{call_to_action_id: "7400000000000000001"}}
        landing_page_url_list: [{{landing_page_url: "https://shop.example.com/"}}]
"""


def manifest(name: str = '"Case"', budget: str = "100") -> str:
    return BASE.format(name=name, budget=budget)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root
