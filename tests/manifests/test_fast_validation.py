"""The fast path of valid manifests (``manifests.load_valid_fast``: yaml_rs without the walk of
its result, equal sub-values validated once and shared) against the reference path it stands in
for (``manifests.load_campaigns_reference``: the walked fast YAML or PyYAML, every document
validated whole). Wherever the fast path answers, the campaigns are the reference's (values,
types and the fields written); wherever the text has a problem, the fast path stands aside, so
every problem comes from the reference with its file, line and path."""

from __future__ import annotations

import copy
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from reconciler.core import manifests, yaml_fast
from reconciler.core.manifests import load_campaigns_and_partials, load_campaigns_reference, load_valid_fast

ROOT = Path(__file__).resolve().parents[2]
needs_yaml_rs = pytest.mark.skipif(not yaml_fast.available(), reason="yaml_rs is not installed")


def written(obj: Any) -> Any:
    """A model tree as (type, fields written, values), so that a field written with its default
    and a field left out differ, and so do 1, 1.0 and True."""
    if isinstance(obj, BaseModel):
        return (type(obj).__name__, sorted(obj.model_fields_set), {k: written(v) for k, v in obj})
    if isinstance(obj, list):
        return [written(x) for x in obj]
    return (type(obj).__name__, obj)


def agree(text: str) -> bool:
    """The property; True when the fast path answered."""
    got = load_campaigns_and_partials(text, "f.yaml")
    ref = load_campaigns_reference(text, "f.yaml")
    assert got[2] == ref[2], (text, got[2], ref[2])  # the problems, located
    assert [(p.manifest.document, p.removed) for p in got[1]] == [
        (p.manifest.document, p.removed) for p in ref[1]
    ]
    assert [(m.file, m.document) for m in got[0]] == [(m.file, m.document) for m in ref[0]]
    for m, r in zip(got[0], ref[0], strict=True):
        assert written(m.campaign) == written(r.campaign), text
        assert m.campaign == r.campaign
    return load_valid_fast(text, "f.yaml") is not None


def scale_text(c: int, g: int, a: int) -> str:
    from reconciler.adapters.files import render

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _common import write_scale_manifests
    finally:
        sys.path.pop(0)
    with tempfile.TemporaryDirectory() as tmp:
        return render([str(write_scale_manifests(Path(tmp), c, g, a))]).rendered[0].text


BASE = """\
advertiser_id: "7000000000000000001"
campaign_name: "Spring"
objective_type: WEB_CONVERSIONS
budget_optimize_on: true
budget_mode: BUDGET_MODE_DYNAMIC_DAILY_BUDGET
budget: 1000
guardrails: {historical_cpa: 12.5, overrides: ["min-budget:adgroups[0]"]}
adgroups:
  - adgroup_name: "g1"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {location_ids: ["6252001"], spc_audience_age: OVER_EIGHTEEN, device_price_ranges: [1, 2]}
    ads:
      - ad_name: "a1"
        creative_list:
          - creative_info: {ad_format: SINGLE_VIDEO, video_info: {video_id: "v1"}, image_info: [{web_uri: "i1"}], identity_type: TT_USER, identity_id: "7200000000000000002"}
        ad_text_list: [{ad_text: "Sale"}, {ad_text: "Free shipping"}]
        ad_configuration: {call_to_action_id: "7400000000000000001"}
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]
      - ad_name: "a2"
        creative_list:
          - creative_info: {ad_format: SINGLE_VIDEO, video_info: {video_id: "v1"}, image_info: [{web_uri: "i1"}], identity_type: TT_USER, identity_id: "7200000000000000002"}
        ad_text_list: [{ad_text: "Sale"}, {ad_text: "Free shipping"}]
        ad_configuration: {call_to_action_id: "7400000000000000001"}
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]
  - adgroup_name: "g2"
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    bid_type: BID_TYPE_NO_BID
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {location_ids: ["6252001"], spc_audience_age: OVER_EIGHTEEN, device_price_ranges: [1, 2]}
    ads:
      - ad_name: "a1"
        creative_list:
          - creative_info: {ad_format: SINGLE_VIDEO, video_info: {video_id: "v1"}, image_info: [{web_uri: "i1"}], identity_type: TT_USER, identity_id: "7200000000000000002"}
        ad_text_list: [{ad_text: "Sale"}, {ad_text: "Free shipping"}]
        ad_configuration: {call_to_action_id: "7400000000000000001"}
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/"}]
"""


@needs_yaml_rs
def test_valid_manifests_take_the_fast_path_and_share_equal_values() -> None:
    assert agree(BASE)
    text = scale_text(3, 2, 3)
    assert agree(text)
    fast = load_valid_fast(BASE, "f.yaml")
    assert fast is not None
    g1, g2 = fast[0].campaign.adgroups
    assert g1.ads[0].creative_list is not g1.ads[1].creative_list  # lists are the models' own
    assert g1.ads[0].creative_list[0] is g2.ads[0].creative_list[0]  # one model for equal values
    assert g1.targeting_spec is g2.targeting_spec


def _replace_last(text: str, old: str, new: str) -> str:
    head, sep, tail = text.rpartition(old)
    assert sep, old
    return head + new + tail


@needs_yaml_rs
@pytest.mark.parametrize(
    ("old", "new"),
    [
        # Equal by == to the value the first ad group shares, not by type: the last must still fail.
        ("device_price_ranges: [1, 2]}", "device_price_ranges: [1, 2.0]}"),
        ("device_price_ranges: [1, 2]}", "device_price_ranges: [1, true]}"),
        ('identity_id: "7200000000000000002"}', "identity_id: 7200000000000000002}"),
        # Nulls: reported by the reference path, taken for "left out" by the models.
        ("budget: 1000", "budget: ~"),
        ("budget: 1000", "budget:"),
        ("historical_cpa: 12.5", "historical_cpa: null"),
        ('{video_id: "v1"}', "{video_id: }"),
        ('{video_id: "v1"}', "{video_id}"),
        ('"7400000000000000001"}', '"7400000000000000001", identity_id: NULL}'),
        ('ad_name: "a1"', "ad_name: a1\n        operation_status: ~"),
        ("optimization_goal: CONVERT", "optimization_goal: CONVERT\n    placements:"),
        # Keys that are not strings (and a key written twice, for the reference).
        ('"7400000000000000001"}', '"7400000000000000001", 1: x}'),
        ('ad_name: "a1"', "ad_name: a1\n        1: x"),
        ('ad_name: "a1"', "ad_name: a1\n        'ad_name': b"),
        ("budget: 1000", "budget: 1000\n1: 2"),
        # Shapes and values the models refuse.
        ('pixel_id: "7100000000000000001"', "pixel_id: 7100000000000000001"),
        ('ad_text: "Sale"', "ad_text: ''"),
        ("adgroups:\n", "adgroups:\n  - ~\n"),
        ("    ads:\n", "    ads:\n      - ~\n"),
        ('[{web_uri: "i1"}]', "[{web_uri: i1}, ~]"),
        ('[{web_uri: "i1"}]', "[{web_uri: i1}, [x]]"),
    ],
)
def test_any_problem_leaves_the_fast_path(old: str, new: str) -> None:
    text = _replace_last(BASE, old, new)
    assert not agree(text), text
    assert load_campaigns_and_partials(text, "f.yaml")[2], text  # and the problem is given


# ---- generated: any value anywhere, in and out of the models ------------------------------------

ODD = st.sampled_from(
    [
        None,
        0,
        1,
        1.0,
        -0.0,
        True,
        False,
        "",
        "x",
        "1",
        "7000000000000000001",
        [],
        {},
        [None],
        {"a": None},
        {1: "x"},
    ]
)


def _paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for k, v in data.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out.extend(_paths(v, (*prefix, i)))
    return out


BASE_DATA = yaml.safe_load(BASE)
PATHS = _paths(BASE_DATA)[1:]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    data = copy.deepcopy(BASE_DATA)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        cur = data
        try:
            for p in path[:-1]:
                cur = cur[p]
            kind = draw(st.sampled_from(["set", "drop", "add"]))
            if kind == "set":
                cur[path[-1]] = draw(ODD)
            elif kind == "drop" and isinstance(cur, dict):
                del cur[path[-1]]
            elif isinstance(cur, dict):
                cur[draw(st.sampled_from(["extra", 1, "budget", "id"]))] = draw(ODD)
        except (KeyError, IndexError, TypeError):
            continue
    style = draw(st.sampled_from([None, True, False]))
    return yaml.safe_dump(data, default_flow_style=style, sort_keys=False, width=10_000)


@needs_yaml_rs
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_fast_path_agrees_on_mutated_manifests(text: str) -> None:
    agree(text)


@needs_yaml_rs
def test_every_manifest_in_the_repository_agrees() -> None:
    from reconciler.adapters.files import render

    fast = 0
    texts = []
    for folder in ("manifests", "tests/cases", "tests/manifests/invalid"):
        for path in sorted((ROOT / folder).rglob("*.yaml")):
            texts.append(path.read_text(encoding="utf-8"))
    for folder in ("manifests",):
        texts.extend(r.text for r in render([str(ROOT / folder)]).rendered)
    for text in texts:
        fast += agree(text)
    assert fast >= 5, fast


def test_the_shared_values_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifests, "_SHARED_MAX", 2)
    manifests._SHARED.clear()
    if yaml_fast.available():
        assert agree(BASE)
        assert agree(BASE.replace('"Sale"', '"Sale 2"'))
    for spec in manifests._SHARED.values():
        assert len(spec.combos) <= 2 and len(spec.values) <= 2


@pytest.mark.parametrize("code", range(128))
def test_an_ascii_name_is_refused_exactly_for_a_control_character(code: int) -> None:
    """Names take a regex-free path when they are printable ASCII: every ASCII character gives
    what the full check gives (control characters refused, the rest taken)."""
    from pydantic import ValidationError

    from reconciler.core.resources import _FORBIDDEN_RE, Campaign

    name = f"a{chr(code)}b"
    data = {"advertiser_id": "1", "campaign_name": name, "objective_type": "WEB_CONVERSIONS"}
    if _FORBIDDEN_RE.search(name):
        with pytest.raises(ValidationError) as info:
            Campaign.model_validate(data)
        assert [e["type"] for e in info.value.errors()] == ["control-character"]
    else:
        assert Campaign.model_validate(data).campaign_name == name


def test_a_load_keeps_no_shared_values_behind(tmp_path: Path) -> None:
    from reconciler.adapters import files
    from reconciler.errors import ManifestError

    (tmp_path / "c.yaml").write_text(scale_text(2, 2, 2))
    loaded = files.load([str(tmp_path)])
    assert len(loaded.manifests) == 2 and manifests._SHARED == {}
    (tmp_path / "c.yaml").write_text(BASE)  # with problems (found by the rules): the same
    with pytest.raises(ManifestError):
        files.load([str(tmp_path)])
    assert manifests._SHARED == {}


def _distinct_ads(campaigns: int) -> str:
    """Campaigns whose every ad has its own creative, texts and landing page: nothing to share."""
    docs = []
    for c in range(campaigns):
        doc = BASE.replace('campaign_name: "Spring"', f'campaign_name: "Spring {c}"')
        doc = doc.replace('"min-budget:adgroups[0]"', '"x"')
        for old in ('video_id: "v1"', 'ad_text: "Sale"', 'landing_page_url: "https://shop.example.com/"'):
            parts = doc.split(old)
            doc = parts[0] + "".join(f'{old[:-1]}-{c}-{k}"{p}' for k, p in enumerate(parts[1:]))
        docs.append(doc)
    return "---\n".join(docs)


@needs_yaml_rs
def test_where_sharing_does_not_pay_campaigns_are_validated_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(manifests, "SHARING_TRIAL", 4)
    manifests.forget_shared()
    text = _distinct_ads(6)
    assert agree(text)
    assert not manifests._sharing_pays()  # the later campaigns were validated whole
    # ... with the same checks: a null or a non-string key in a later campaign leaves the fast path.
    for bad in ("budget: ~", "1: x"):
        manifests.forget_shared()
        head, _sep, tail = text.rpartition("budget: 1000")
        broken = head + bad + "\n" + tail if bad == "1: x" else head + bad + tail
        assert not agree(broken), bad
        assert load_campaigns_and_partials(broken, "f.yaml")[2]
