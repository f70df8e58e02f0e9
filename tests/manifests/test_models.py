"""Models, rules across files, targeting roles, the JSON Schema and the examples."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

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


# ---- the schema documents, and agrees with validate ------------------------------------------------


def _properties(s: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    out = [("Campaign", f, p) for f, p in s["properties"].items()]
    for name, model in s["$defs"].items():
        out += [(name, f, p) for f, p in model.get("properties", {}).items()]
    return out


def test_every_schema_field_has_a_description() -> None:
    s = schema.manifest_schema()
    missing = [f"{m}.{f}" for m, f, p in _properties(s) if len(p.get("description", "")) < 20]
    assert not missing, missing
    # ... and DESCRIPTIONS names no field the models do not have (a typo would never show).
    known = {(m, f) for m, f, _ in _properties(s)}
    extra = {(m, f) for m, fs in schema.DESCRIPTIONS.items() for f in fs} - known
    assert not extra, extra


def test_no_schema_field_is_nullable() -> None:
    text = json.dumps(schema.manifest_schema())
    assert '"null"' not in text and '"default": null' not in text


def test_schema_carries_every_count_limit() -> None:
    s = schema.manifest_schema()
    props = {(m, f): p for m, f, p in _properties(s)}
    assert props["Ad", "creative_list"]["maxItems"] == 50 and props["Ad", "creative_list"]["minItems"] == 1
    assert props["CreativeInfo", "image_info"]["maxItems"] == 35
    assert props["Ad", "ad_text_list"]["maxItems"] == 5
    assert props["Ad", "call_to_action_list"]["maxItems"] == 3
    assert props["Ad", "landing_page_url_list"]["maxItems"] == 1
    assert props["AdConfiguration", "utm_params"]["maxItems"] == 14
    assert props["TargetingSpec", "operating_systems"]["maxItems"] == 1
    assert props["Campaign", "adgroups"]["maxItems"] == 30 and props["AdGroup", "ads"]["maxItems"] == 30
    assert props["AdText", "ad_text"]["maxLength"] == 100


def test_templates_carry_no_modeline_and_plain_manifests_one_that_resolves() -> None:
    for path in (ROOT / "manifests").rglob("*.yaml.j2"):
        assert "yaml-language-server" not in path.read_text(encoding="utf-8"), path
    plain = list((ROOT / "manifests").rglob("*.yaml"))
    with_line = [p for p in plain if not p.name.endswith(".values.yaml")]
    assert with_line
    for path in with_line:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("$schema=", 1)[1]).resolve()
        assert target == (ROOT / "schemas" / "manifest.schema.json").resolve(), path


def test_yaml_11_booleans_are_strings_here_and_the_schema_agrees() -> None:
    from reconciler.core.manifests import safe_load

    for word in ("yes", "No", "ON", "off"):
        assert safe_load(f"a: {word}") == {"a": word}
    assert safe_load("a: true\nb: False") == {"a": True, "b": False}
    # YAML 1.2 core, not 1.1: leading zero decimal, 0o octal, no sexagesimal or underscores, 1e3 a float,
    # no implicit timestamps.
    assert safe_load("a: 017\nb: 0o17\nc: 1:30\nd: 1_000\ne: 1e3\nf: 2027-12-01 00:00:00") == {
        "a": 17,
        "b": 15,
        "c": "1:30",
        "d": "1_000",
        "e": 1000.0,
        "f": "2027-12-01 00:00:00",
    }
    # The schema says boolean, so a JSON Schema validator refuses the string 'yes', as validate does.
    assert schema.manifest_schema()["properties"]["budget_optimize_on"]["type"] == "boolean"
    _, ps = load_campaigns(
        manifest().replace("budget_optimize_on: true", "budget_optimize_on: yes"), "x.yaml"
    )
    assert [(p.rule, p.location.path) for p in ps] == [("type", "budget_optimize_on")]
    assert "YAML 1.1 boolean" in ps[0].message and "true or false" in ps[0].message


def test_values_files_and_set_read_yaml_12(tmp_path: Path) -> None:
    from reconciler.adapters.files import parse_set

    assert parse_set("flag=yes") == {"flag": "yes"}
    assert parse_set("flag=true") == {"flag": True}
    text = manifest().replace("budget_optimize_on: true", "budget_optimize_on: {{ cbo }}")
    write(tmp_path, {"m/c.yaml.j2": text, "m/c.values.yaml": "cbo: on\n"})
    with pytest.raises(ManifestError) as exc:
        load([str(tmp_path / "m")])
    assert [p.rule for p in exc.value.problems] == ["type"]


def test_null_is_refused_where_a_field_is_optional() -> None:
    _, ps = load_campaigns(
        manifest().replace("    pixel_id:", "    custom_conversion_id:\n    pixel_id:"), "x.yaml"
    )
    assert [(p.rule, p.location.path, p.location.line) for p in ps] == [
        ("type", "adgroups[0].custom_conversion_id", 10)
    ]


def test_cta_portfolio_is_a_tool_key_never_sent() -> None:
    text = manifest().replace('        ad_configuration: {call_to_action_id: "7400000000000000001"}\n', "")
    text = text.replace(
        '      - ad_name: "A1"\n', '      - ad_name: "A1"\n        cta_portfolio: recommended\n'
    )
    c = campaign(text)
    ad = c.adgroups[0].ads[0]
    assert ad.cta_portfolio == "recommended" and "cta_portfolio" in TOOL_KEYS
    assert "cta_portfolio" not in ad.model_dump(exclude_none=True, exclude=set(TOOL_KEYS))


def test_sales_destination_is_always_sent() -> None:
    c = campaign(manifest())
    assert "sales_destination" not in c.model_fields_set
    assert c.model_dump(exclude_none=True, exclude=set(TOOL_KEYS))["sales_destination"] == "WEBSITE"


@pytest.mark.parametrize("bad", ["\\u2028", "\\u202e", "\\x00", "\\r", "\\x85", "\\t"])
def test_names_and_texts_refuse_line_breaks_and_controls(bad: str) -> None:
    # YAML double-quoted escapes: the loaded strings hold the characters themselves.
    for before, after, rule in (
        ('campaign_name: "Case"', f'campaign_name: "Ca{bad}se"', "control-character"),
        ('{ad_text: "Hello"}', f'{{ad_text: "Hel{bad}lo"}}', "control-character"),
        ('video_id: "v10000000000000001"', f'video_id: "v1{bad}"', "control-character"),
    ):
        _, ps = load_campaigns(manifest().replace(before, after), "x.yaml")
        assert [p.rule for p in ps] == [rule], (after, [str(p) for p in ps])


def test_a_huge_ad_text_is_one_short_error() -> None:
    text = manifest().replace('{ad_text: "Hello"}', '{ad_text: "' + "x" * 10_000_000 + '"}')
    _, ps = load_campaigns(text, "x.yaml")
    assert [p.rule for p in ps] == ["text-length"]
    assert "at most 100 characters, this one has 10000000" in ps[0].message and len(ps[0].message) < 200
