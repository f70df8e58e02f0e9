"""Models, rules across files, targeting roles, the JSON Schema and the examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from reconciler.adapters.files import load
from reconciler.core import schema, targeting
from reconciler.core.manifests import load_campaigns
from reconciler.core.resources import TOOL_KEYS, AdGroup, Campaign
from reconciler.core.rules import RULES
from reconciler.errors import ManifestError

from .helpers import manifest, write

ROOT = Path(__file__).resolve().parents[2]


def campaign(text: str) -> Campaign:
    ms, ps = load_campaigns(text, "x.yaml")
    assert not ps, [str(p) for p in ps]
    return ms[0].campaign


# ---- the repository's manifests -------------------------------------------------------------------


def test_all_manifests_validate_without_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    loaded = load(["manifests/"])
    names = {m.campaign.campaign_name for m in loaded.manifests}
    assert {"Spring Sale US", "Evergreen US", "Evergreen GB", "Evergreen DE", "Funnel test US"} <= names
    assert {"Holiday lookbook US", "Holiday lookbook CA", "Creator boost US", "Pangle reach US"} <= names


def test_examples_cover_what_they_promise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    by_name = {m.campaign.campaign_name: m.campaign for m in load(["manifests/examples/"]).manifests}
    markets = [by_name[f"Evergreen {m}"] for m in ("US", "GB", "DE")]
    assert all(c.cbo and all(g.targeting_mode == "AUTOMATIC" for g in c.adgroups) for c in markets)
    funnel = by_name["Funnel test US"]
    assert not funnel.cbo and all(g.targeting_mode == "MANUAL" for g in funnel.adgroups)
    assert len({g.optimization_event for g in funnel.adgroups}) == 3
    carousel = by_name["Holiday lookbook US"].adgroups[0].ads[0].creative_list or []
    assert carousel[0].creative_info.ad_format == "CAROUSEL_ADS"
    assert (
        carousel[0].creative_info.music_info is not None
        and carousel[0].creative_info.identity_type == "TT_USER"
    )
    pull = by_name["Creator boost US"].adgroups[0].ads[0].creative_list or []
    assert {c.creative_info.identity_type for c in pull} == {"TT_USER"}
    assert all(c.creative_info.tiktok_item_id for c in pull)
    pangle = by_name["Pangle reach US"].adgroups[0]
    assert pangle.placements == ["PLACEMENT_PANGLE"] and not pangle.tiktok_placement
    conf = pangle.ads[0].ad_configuration
    assert conf is not None and conf.identity_type == "CUSTOMIZED_USER"
    # Every other ad of the examples is a Spark ad with a dynamic CTA (TikTok's current model).
    for c in by_name.values():
        for g in c.adgroups:
            for ad in g.ads:
                if g.tiktok_placement:
                    assert ad.ad_configuration is not None and ad.ad_configuration.call_to_action_id
                    assert not ad.call_to_action_list


def test_schema_file_is_fresh() -> None:
    on_disk = (ROOT / "schemas" / "manifest.schema.json").read_text(encoding="utf-8")
    assert on_disk == schema.render(), "schemas/manifest.schema.json is stale: run `make schemas`"


def test_schema_accepts_the_examples_shape() -> None:
    s = schema.manifest_schema()
    assert s["additionalProperties"] is False
    assert set(s["required"]) == {"advertiser_id", "campaign_name", "objective_type"}
    assert "adgroups" in s["properties"]
    json.dumps(s)


def test_docs_rules_table_matches_rules() -> None:
    text = (ROOT / "docs" / "manifests.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, flags=re.M))
    assert documented == set(RULES)


# ---- models ---------------------------------------------------------------------------------------


def test_fields_set_are_what_the_manifest_wrote() -> None:
    c = campaign(manifest())
    g = c.adgroups[0]
    assert "billing_event" not in g.model_fields_set and g.billing_event == "OCPM"
    written = g.model_dump(exclude_unset=True, exclude=set(TOOL_KEYS))
    assert "billing_event" not in written and "promotion_type" not in written
    body = g.model_dump(exclude_none=True, exclude=set(TOOL_KEYS))
    assert body["promotion_type"] == "WEBSITE" and body["billing_event"] == "OCPM"
    assert "ads" not in body and "id" not in body


def test_models_are_frozen() -> None:
    c = campaign(manifest())
    with pytest.raises(Exception):  # noqa: B017 - pydantic's ValidationError for frozen instances
        c.budget = 5  # type: ignore[misc]


def test_cbo_default_is_on() -> None:
    data = yaml.safe_load(manifest())
    del data["budget_optimize_on"]
    assert Campaign.model_validate(data).cbo


def test_unknown_field_suggestion_at_every_level() -> None:
    text = manifest().replace("ad_format:", "ad_formt:").replace("location_ids:", "location_idz:")
    _, ps = load_campaigns(text, "x.yaml")
    msgs = {p.location.path: p.message for p in ps if p.rule == "unknown-field"}
    assert "did you mean 'ad_format'" in msgs["adgroups[0].ads[0].creative_list[0].creative_info.ad_formt"]
    assert "did you mean 'location_ids'" in msgs["adgroups[0].targeting_spec.location_idz"]


def test_nan_and_inf_are_refused() -> None:
    for bad in (".nan", ".inf"):
        _, ps = load_campaigns(manifest(budget=bad), "x.yaml")
        assert [p.rule for p in ps] == ["value"]


# ---- messages that must name both sides ------------------------------------------------------------


def test_cbo_uniformity_names_field_and_both_adgroups(tmp_path: Path) -> None:
    text = manifest()
    second = text.split("adgroups:\n")[1].replace('"G1"', '"G2"').replace("SHOPPING", "FORM")
    write(tmp_path, {"c.yaml": text + second})
    with pytest.raises(ManifestError) as info:
        load([str(tmp_path / "c.yaml")])
    [p] = info.value.problems
    assert p.rule == "cbo-uniformity" and p.location.path == "adgroups[1].optimization_event"
    assert "optimization_event" in p.message and "'G1'" in p.message and "'G2'" in p.message


def test_names_and_pins_are_unique_across_files(tmp_path: Path) -> None:
    pinned = manifest().replace('campaign_name: "Case"', 'id: "1700000000000000001"\ncampaign_name: "Case"')
    write(tmp_path, {"m/a.yaml": pinned, "m/b.yaml": pinned})
    with pytest.raises(ManifestError) as info:
        load([str(tmp_path / "m")])
    got = [(p.location.file, p.location.line, p.rule) for p in info.value.problems]
    b = f"{tmp_path}/m/b.yaml"
    assert got == [(b, 2, "duplicate-id"), (b, 3, "unique-name")]
    assert f"{tmp_path}/m/a.yaml:2" in info.value.problems[0].message


def test_all_problems_of_all_files_at_once(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/a.yaml": manifest(budget="10"),
            "m/b.yaml": manifest(name='"B"').replace("WEB_CONVERSIONS", "TRAFFIC"),
            "m/c.yaml": "a: [\n",
        },
    )
    with pytest.raises(ManifestError) as info:
        load([str(tmp_path / "m")])
    assert [p.rule for p in info.value.problems] == ["min-budget", "enum", "yaml-syntax"]


# ---- targeting roles -------------------------------------------------------------------------------


def adgroup(mode: str | None, **spec: object) -> AdGroup:
    data = yaml.safe_load(manifest())["adgroups"][0]
    data["targeting_spec"] = {"location_ids": ["6252001"], **spec}
    if mode is not None:
        data["targeting_optimization_mode"] = mode
    return AdGroup.model_validate(data)


def test_classify_automatic() -> None:
    g = adgroup(
        None,
        spc_audience_age="OVER_EIGHTEEN",
        languages=["en"],
        excluded_audience_ids=["1"],
        interest_category_ids=["2"],
        audience_ids=["3"],
        actions=[{"action_category_ids": ["4"]}],
        gender="GENDER_FEMALE",
    )
    assert targeting.classify(g) == [
        ("targeting_spec.actions", "suggestion"),
        ("targeting_spec.audience_ids", "suggestion"),
        ("targeting_spec.excluded_audience_ids", "control"),
        ("targeting_spec.gender", "suggestion"),
        ("targeting_spec.interest_category_ids", "suggestion"),
        ("targeting_spec.languages", "control"),
        ("targeting_spec.location_ids", "control"),
        ("targeting_spec.spc_audience_age", "control"),
    ]


def test_classify_manual_is_all_manual() -> None:
    g = adgroup("MANUAL", age_groups=["AGE_18_24"], interest_category_ids=["2"])
    assert {r for _, r in targeting.classify(g)} == {"manual"}
    assert len(targeting.explain(g)) == 3


def test_suggestions_with_their_switch_are_valid(tmp_path: Path) -> None:
    text = manifest().replace(
        '      location_ids: ["6252001"]\n',
        '      location_ids: ["6252001"]\n      interest_category_ids: ["25105"]\n',
    )
    text = text.replace(
        "    targeting_spec:\n", "    suggestion_audience_enabled: true\n    targeting_spec:\n"
    )
    write(tmp_path, {"c.yaml": text})
    assert load([str(tmp_path / "c.yaml")]).manifests
