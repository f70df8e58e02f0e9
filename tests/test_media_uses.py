"""``media.check`` passes over the creatives that name their upload by id alone without reading
them, and still speaks of every other one: an image or a video with neither its id nor a file,
wherever it stands among the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.adapters import media
from reconciler.core import manifests

TEXT = """\
advertiser_id: "7000000000000000001"
campaign_name: "c"
objective_type: WEB_CONVERSIONS
adgroups:
  - adgroup_name: "g"
    optimization_goal: CONVERT
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {location_ids: ["6252001"]}
    ads:
      - ad_name: "a"
        creative_list:
          - creative_info: {ad_format: CAROUSEL_ADS, image_info: [@IMAGES@]}
          - creative_info: {ad_format: SINGLE_VIDEO, video_info: @VIDEO@, image_info: [{web_uri: "i1"}]}
"""


@pytest.mark.parametrize(
    ("images", "video", "expected"),
    [
        ('{web_uri: "i1"}, {web_uri: "i2"}', '{video_id: "v1"}', []),
        ('{web_uri: "i1"}, {}', '{video_id: "v1"}', [("required", "creative_list[0].creative_info.image_info[1].web_uri")]),
        ('{}, {web_uri: "i2"}', "{}", [
            ("required", "creative_list[0].creative_info.image_info[0].web_uri"),
            ("required", "creative_list[1].creative_info.video_info.video_id"),
        ]),
        ('{web_uri: "i1", file: x.png}', '{video_id: "v1"}', [("creative-source", "creative_list[0].creative_info.image_info[0]")]),
        ('{web_uri: "i1"}', '{video_id: "v1", file: x.mp4}', [("creative-source", "creative_list[1].creative_info.video_info")]),
    ],
)  # fmt: skip
def test_every_creative_without_exactly_one_source_is_named(
    tmp_path: Path, images: str, video: str, expected: list[tuple[str, str]]
) -> None:
    ms, problems = manifests.load_campaigns(
        TEXT.replace("@IMAGES@", images).replace("@VIDEO@", video), "f.yaml"
    )
    assert problems == [] and len(ms) == 1
    uses, found = media.check(ms, [tmp_path])
    assert uses == []
    prefix = "adgroups[0].ads[0]."
    assert [(p.rule, (p.location.path or "").removeprefix(prefix)) for p in found] == expected
