"""The ad rules that read every creative at once (Spark, Spark Push, all TikTok posts), on the
combinations the golden cases do not hold: each rule given, and not given, where it should be."""

from __future__ import annotations

import pytest

from reconciler.core import manifests, rules

HEAD = """\
advertiser_id: "7000000000000000001"
campaign_name: "c"
objective_type: WEB_CONVERSIONS
budget_optimize_on: true
budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET
budget: 1000
adgroups:
  - adgroup_name: "g"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {location_ids: ["6252001"]}
    ads:
      - ad_name: "a"
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]
        ad_configuration: {call_to_action_id: "7400000000000000001"DARK}
"""
PUSH = (
    '{creative_info: {ad_format: SINGLE_VIDEO, video_info: {video_id: "v1"}, image_info: [{web_uri: "i1"}], '
    'identity_type: TT_USER, identity_id: "7200000000000000002"}}'
)
PULL = '{creative_info: {ad_format: SINGLE_VIDEO, tiktok_item_id: "7300000000000000001", identity_type: AUTH_CODE, identity_id: "7200000000000000002"}}'


def rule_ids(creatives: list[str], *, dark: bool, texts: bool) -> list[str]:
    text = HEAD.replace("DARK", ", dark_post_status: ON" if dark else "")
    text += f"        creative_list: [{', '.join(creatives)}]\n"
    if texts:
        text += '        ad_text_list: [{ad_text: "Sale"}, {ad_text: "More"}]\n'
    ms, problems = manifests.load_campaigns(text, "f.yaml")
    assert problems == [] and len(ms) == 1, problems
    return sorted(p.rule for p in rules.check(ms))


@pytest.mark.parametrize(
    ("creatives", "dark", "texts", "expected"),
    [
        ([PUSH], True, True, []),  # Spark Push takes dark_post_status
        ([PULL], True, False, ["dark-post"]),  # a TikTok post is no push
        ([PULL, PUSH], True, True, []),  # one push creative is enough
        ([PULL], False, False, []),  # every creative a post: no ad text needed
        ([PULL], False, True, ["pull-ad-text"]),
        ([PULL, PUSH], False, False, ["ad-text-required"]),  # not every creative is a post
        ([PUSH], False, False, ["ad-text-required"]),
    ],
)
def test_the_creatives_of_an_ad_decide_its_rules(
    creatives: list[str], dark: bool, texts: bool, expected: list[str]
) -> None:
    assert rule_ids(creatives, dark=dark, texts=texts) == expected


def test_a_repeated_ad_text_is_found_from_two_texts_on() -> None:
    text = HEAD.replace("DARK", "") + f"        creative_list: [{PUSH}]\n"
    text += '        ad_text_list: [{ad_text: "Sale"}, {ad_text: "Sale"}]\n'
    ms, problems = manifests.load_campaigns(text, "f.yaml")
    assert problems == []
    found = rules.check(ms)
    assert [(p.rule, p.location.path) for p in found] == [
        ("duplicate-item", "adgroups[0].ads[0].ad_text_list[1].ad_text")
    ]
