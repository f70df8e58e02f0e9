"""Validate 10,000 objects (200 campaigns x 10 ad groups x 4 ads) and print the wall time.

Figures, not a timed test (spec 9). The campaigns are written as 200 plain YAML
files and, separately, rendered from one template that emits 200 documents, so
that both paths of ``adapters.files.load`` (read + parse + validate + rules)
are measured. Target: <= 1 s of CPU for the 10,000 objects (issue 15), the median of the runs.

    .venv/bin/python bench/validate_scale.py [--campaigns 200 --adgroups 10 --ads 4]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from _common import median_range

from reconciler.adapters.files import load

AD = """\
      - ad_name: "ad {a}"
        creative_list:
          - creative_info:
              ad_format: SINGLE_VIDEO
              video_info: {{video_id: "v1000000000000000{v}"}}
              image_info: [{{web_uri: "i1000000000000000{v}"}}]
              identity_type: TT_USER
              identity_id: "7200000000000000002"
        ad_text_list: [{{ad_text: "Sale {a}"}}, {{ad_text: "Free shipping"}}]
        ad_configuration: {{call_to_action_id: "7400000000000000001"}}
        landing_page_url_list: [{{landing_page_url: "https://shop.example.com/{c}/{g}/{a}"}}]
"""
ADGROUP = """\
  - adgroup_name: "group {g}"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    billing_event: OCPM
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_optimization_mode: AUTOMATIC
    targeting_spec:
      location_ids: ["6252001"]
      spc_audience_age: OVER_EIGHTEEN
      languages: ["en"]
    ads:
"""
CAMPAIGN = """\
advertiser_id: "7000000000000000001"
campaign_name: "Bench {c}"
objective_type: WEB_CONVERSIONS
budget_optimize_on: true
budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET
budget: 1000
adgroups:
"""

TEMPLATE = """\
{% for c in range(campaigns) %}
---
advertiser_id: "7000000000000000001"
campaign_name: "Bench {{ c }}"
objective_type: WEB_CONVERSIONS
budget_optimize_on: true
budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET
budget: 1000
adgroups:
{% for g in range(adgroups) %}
  - adgroup_name: "group {{ g }}"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    billing_event: OCPM
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_optimization_mode: AUTOMATIC
    targeting_spec:
      location_ids: ["6252001"]
      spc_audience_age: OVER_EIGHTEEN
      languages: ["en"]
    ads:
{% for a in range(ads) %}
      - ad_name: "ad {{ a }}"
        creative_list:
          - creative_info:
              ad_format: SINGLE_VIDEO
              video_info: {video_id: "v1000000000000000{{ a % 9 + 1 }}"}
              image_info: [{web_uri: "i1000000000000000{{ a % 9 + 1 }}"}]
              identity_type: TT_USER
              identity_id: "7200000000000000002"
        ad_text_list: [{ad_text: "Sale {{ a }}"}, {ad_text: "Free shipping"}]
        ad_configuration: {call_to_action_id: "7400000000000000001"}
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/{{ c }}/{{ g }}/{{ a }}"}]
{% endfor %}
{% endfor %}
{% endfor %}
"""


def plain(c: int, adgroups: int, ads: int) -> str:
    parts = [CAMPAIGN.format(c=c)]
    for g in range(adgroups):
        parts.append(ADGROUP.format(g=g))
        parts.extend(AD.format(a=a, v=a % 9 + 1, c=c, g=g) for a in range(ads))
    return "".join(parts)


def timed(paths: list[str], sets: list[str]) -> tuple[float, int, float]:
    start_cpu = time.process_time()
    start = time.perf_counter()
    loaded = load(paths, sets=sets)
    wall = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    objects = sum(
        1 + len(c.campaign.adgroups) + sum(len(g.ads) for g in c.campaign.adgroups) for c in loaded.manifests
    )
    return wall, objects, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--campaigns", type=int, default=200)
    ap.add_argument("--adgroups", type=int, default=10)
    ap.add_argument("--ads", type=int, default=4)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        for c in range(args.campaigns):
            (root / "plain" / f"c{c:04d}.yaml").write_text(
                plain(c, args.adgroups, args.ads), encoding="utf-8"
            )
        (root / "tpl").mkdir()
        (root / "tpl" / "bench.yaml.j2").write_text(TEMPLATE, encoding="utf-8")
        sets = [f"campaigns={args.campaigns}", f"adgroups={args.adgroups}", f"ads={args.ads}"]
        target = args.campaigns * (1 + args.adgroups * (1 + args.ads))
        print(
            f"validate: {args.campaigns} campaigns x {args.adgroups} ad groups x {args.ads} ads = {target:,} objects"
        )
        for label, paths, s in (
            ("plain YAML files", [str(root / "plain")], []),
            ("one template", [str(root / "tpl")], sets),
        ):
            runs = [timed(paths, s) for _ in range(args.repeat)]
            assert all(r[1] == target for r in runs), runs
            walls, cpus = [r[0] for r in runs], [r[2] for r in runs]
            print(
                f"  {label:17s} wall {median_range(walls)} s, CPU {median_range(cpus)} s "
                f"(median (range) of {len(runs)})  target CPU <= 1 s: "
                f"{'met' if statistics.median(cpus) <= 1 else 'MISSED'}"
            )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
