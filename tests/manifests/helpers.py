"""A small valid manifest to build test cases from."""

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
              identity_type: CUSTOMIZED_USER
              identity_id: "7200000000000000001"
        ad_text_list: [{{ad_text: "Hello"}}]
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
