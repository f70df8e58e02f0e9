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


GROUP = """\
  - adgroup_name: "{name}"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {{location_ids: ["6252001"]}}
{placement}    ads:
"""
CUSTOM_AD = """\
      - ad_name: "{name}"
        creative_list: [{{creative_info: {{ad_format: SINGLE_VIDEO, video_info: {{video_id: "v1"}}, image_info: [{{web_uri: "i1"}}]}}}}]
        ad_configuration: {{identity_type: CUSTOMIZED_USER, identity_id: "7200000000000000009"}}
        landing_page_url_list: [{{landing_page_url: "https://shop.example.com/"}}]
"""
PANGLE = "    placement_type: PLACEMENT_TYPE_NORMAL\n    placements: [PLACEMENT_PANGLE]\n"


def test_equal_ads_get_each_their_problems_by_their_own_ad_group() -> None:
    """Ads made of the same values (one object each, on the fast path) are checked once per
    placement: the custom-identity ads are refused on automatic placement only, and every ad
    without ad texts is told so at its own path, as when each ad is read on its own."""
    text = HEAD.split("adgroups:\n")[0] + "adgroups:\n"
    for gi, placement in enumerate(["", PANGLE, "", PANGLE]):
        text += GROUP.format(name=f"g{gi}", placement=placement)
        text += "".join(CUSTOM_AD.format(name=f"a{k}") for k in range(2))
    fast = manifests.load_valid_fast(text, "f.yaml")
    assert fast is not None  # the fast path: the ads share their values
    ref, _partials, problems = manifests.load_campaigns_reference(text, "f.yaml")
    assert problems == []
    got = [(p.rule, p.location.path, p.location.line) for p in rules.check(fast)]
    want = [(p.rule, p.location.path, p.location.line) for p in rules.check(ref)]
    assert got == want
    assert sorted({(r, path.split(".ads")[0]) for r, path, _ in got if r == "custom-identity-placement"}) == [
        ("custom-identity-placement", "adgroups[0]"),
        ("custom-identity-placement", "adgroups[2]"),
    ]
    assert sum(r == "ad-text-required" for r, _, _ in got) == 8


def test_ads_that_differ_in_one_value_are_checked_each() -> None:
    text = HEAD.replace("DARK", "").split("      - ad_name")[0]
    two_covers = PUSH.replace('[{web_uri: "i1"}]', '[{web_uri: "i1"}, {web_uri: "i2"}]')
    for k, creative in enumerate([PUSH, two_covers, PUSH, two_covers]):
        text += (
            f'      - ad_name: "a{k}"\n'
            f"        creative_list: [{creative}]\n"
            '        ad_text_list: [{ad_text: "Sale"}]\n'
            '        ad_configuration: {call_to_action_id: "7400000000000000001"}\n'
            '        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]\n'
        )
    fast = manifests.load_valid_fast(text, "f.yaml")
    assert fast is not None
    assert [(p.rule, p.location.path) for p in rules.check(fast)] == [
        ("video-cover", f"adgroups[0].ads[{k}].creative_list[0].creative_info.image_info") for k in (1, 3)
    ]


@pytest.mark.parametrize("where", ["campaign", "adgroup", "ad"])
def test_an_id_pinned_twice_is_found_at_every_level(where: str) -> None:
    """Only the objects with an ``id:`` are looked at for pins; one pinned twice is refused at
    the second place, whichever level it stands at."""
    text = (
        HEAD.replace("DARK", "")
        + f"        creative_list: [{PUSH}]\n"
        + '        ad_text_list: [{ad_text: "S"}]\n'
    )
    head, groups = text.split("adgroups:\n")
    group2 = groups.replace('adgroup_name: "g"', 'adgroup_name: "g2"')
    pin = '"7300000000000000077"'
    if where == "campaign":
        other = head.replace('campaign_name: "c"', 'campaign_name: "c2"')
        text = f"id: {pin}\n{head}adgroups:\n{groups}---\nid: {pin}\n{other}adgroups:\n{groups}"
        expected = [("duplicate-id", "id")]
    elif where == "adgroup":
        key = "    ads:\n"
        g1, g2 = (g.replace(key, f"    id: {pin}\n{key}") for g in (groups, group2))
        text = f"{head}adgroups:\n{g1}{g2}"
        expected = [("duplicate-id", "adgroups[1].id")]
    else:
        key = "      - ad_name:"
        g1, g2 = (g.replace(key, f"      - id: {pin}\n        ad_name:") for g in (groups, group2))
        text = f"{head}adgroups:\n{g1}{g2}"
        expected = [("duplicate-id", "adgroups[1].ads[0].id")]
    ms, problems = manifests.load_campaigns(text, "f.yaml")
    assert problems == [] and ms, problems
    assert [(p.rule, p.location.path) for p in rules.check(ms) if p.rule == "duplicate-id"] == expected


def test_spark_and_non_spark_ads_in_one_ad_group_are_found() -> None:
    text = HEAD.split("adgroups:\n")[0] + "adgroups:\n" + GROUP.format(name="g", placement=PANGLE)
    text += (
        '      - ad_name: "spark"\n'
        f"        creative_list: [{PUSH}]\n"
        '        ad_text_list: [{ad_text: "S"}]\n'
        '        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]\n'
    )
    text += CUSTOM_AD.format(name="plain")
    ms, problems = manifests.load_campaigns(text, "f.yaml")
    assert problems == [] and ms
    found = [(p.location.path, p.message) for p in rules.check(ms) if p.rule == "spark-mixing"]
    assert found == [
        (
            "adgroups[0].ads[1]",
            "Spark ad 'spark' (ad group 'g') and non-Spark ad 'plain' (ad group 'g') cannot share a campaign",
        )
    ]
