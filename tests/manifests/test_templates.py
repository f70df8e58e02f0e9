"""Templates: values, --set, includes inside the manifest folders only, error locations,
and the map from rendered lines back to template lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconciler.adapters.files import deep_merge, load, parse_set, read_values
from reconciler.core import templates
from reconciler.errors import ManifestError, Problem

from .helpers import manifest, write


def problems(paths: list[str], *values: str, sets: tuple[str, ...] = ()) -> list[Problem]:
    with pytest.raises(ManifestError) as info:
        load(paths, values, sets)
    return info.value.problems


# ---- values ---------------------------------------------------------------------------------------


def test_deep_merge_later_wins_and_mappings_merge() -> None:
    a = {"x": 1, "m": {"a": 1, "b": {"c": 1}}, "l": [1, 2]}
    b = {"x": 2, "m": {"b": {"d": 2}}, "l": [3]}
    assert deep_merge(a, b) == {"x": 2, "m": {"a": 1, "b": {"c": 1, "d": 2}}, "l": [3]}
    assert a["m"]["b"] == {"c": 1}  # inputs untouched


def test_parse_set_nests_and_types_values() -> None:
    assert parse_set("a.b.c=5") == {"a": {"b": {"c": 5}}}
    assert parse_set("name=Spring Sale") == {"name": "Spring Sale"}
    assert parse_set('id="007"') == {"id": "007"}
    assert parse_set("flag=true") == {"flag": True}
    assert parse_set("empty=") == {"empty": ""}
    assert parse_set("list=[1, 2]") == {"list": [1, 2]}
    assert parse_set("odd=[unclosed") == {"odd": "[unclosed"}


@pytest.mark.parametrize("bad", ["novalue", "=5", "a..b=1", ".a=1"])
def test_parse_set_refuses_bad_syntax(bad: str) -> None:
    with pytest.raises(ManifestError) as info:
        parse_set(bad)
    assert info.value.problems[0].rule == "set-syntax"


def test_read_values_order(tmp_path: Path) -> None:
    write(tmp_path, {"a.yaml": "x: 1\ny: {p: 1, q: 1}\n", "b.yaml": "x: 2\ny: {q: 2}\n"})
    got = read_values([str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")], ["y.q=3", "z=4"])
    assert got == {"x": 2, "y": {"p": 1, "q": 3}, "z": 4}


def test_values_file_must_be_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, {"v.yaml": "- 1\n", "m/x.yaml": manifest()})
    ps = problems([str(tmp_path / "m")], str(tmp_path / "v.yaml"))
    assert [p.rule for p in ps] == ["values-file"]


def test_own_values_then_values_files_then_set(tmp_path: Path) -> None:
    tpl = manifest(name='"{{ name }}"', budget="{{ budget }}")
    write(
        tmp_path,
        {
            "m/c.yaml.j2": tpl,
            "m/c.values.yaml": "name: Own\nbudget: 100\n",
            "v.yaml": "budget: 200\n",
        },
    )
    m = str(tmp_path / "m")
    c = load([m]).manifests[0].campaign
    assert (c.campaign_name, c.budget) == ("Own", 100)
    c = load([m], [str(tmp_path / "v.yaml")]).manifests[0].campaign
    assert (c.campaign_name, c.budget) == ("Own", 200)
    c = load([m], [str(tmp_path / "v.yaml")], ["budget=300", "name=Set"]).manifests[0].campaign
    assert (c.campaign_name, c.budget) == ("Set", 300)


def test_values_files_are_not_manifests(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/c.yaml": manifest(),
            "m/c.values.yaml": "not: a campaign\n",
            "m/values.yaml": "x: 1\n",
            "m/values/prod.yaml": "x: 2\n",
            "m/_partial.yaml": "y: 1\n",
        },
    )
    loaded = load([str(tmp_path / "m")])
    assert [r.file for r in loaded.rendered] == [f"{tmp_path}/m/c.yaml"]


# ---- errors name the template file and line --------------------------------------------------------


def test_undefined_variable_names_template_and_line(tmp_path: Path) -> None:
    tpl = manifest(name='"{{ name }}"', budget="{{ budgett }}")
    write(tmp_path, {"m/c.yaml.j2": tpl, "m/c.values.yaml": "name: X\nbudget: 1\n"})
    [p] = problems([str(tmp_path / "m")])
    assert p.rule == "template-undefined"
    assert p.location.file == f"{tmp_path}/m/c.yaml.j2"
    assert p.location.line == 5
    assert "budgett" in p.message


def test_undefined_in_an_included_template_names_that_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/c.yaml.j2": "# header\n{% include '_part.j2' %}\n",
            "m/_part.j2": "a: 1\nb: {{ missing }}\n",
        },
    )
    [p] = problems([str(tmp_path / "m")])
    assert (p.rule, p.location.file, p.location.line) == ("template-undefined", f"{tmp_path}/m/_part.j2", 2)


def test_syntax_error_names_template_and_line(tmp_path: Path) -> None:
    write(tmp_path, {"m/c.yaml.j2": "a: 1\nb: 2\n{% for x in %}\n{% endfor %}\n"})
    [p] = problems([str(tmp_path / "m")])
    assert (p.rule, p.location.file, p.location.line) == ("template-syntax", f"{tmp_path}/m/c.yaml.j2", 3)


def test_sandbox_blocks_python_internals(tmp_path: Path) -> None:
    write(tmp_path, {"m/c.yaml.j2": "a: {{ ''.__class__.__mro__ }}\n"})
    [p] = problems([str(tmp_path / "m")])
    assert p.rule in ("template-sandbox", "template-undefined")


def test_runtime_error_in_template_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, {"m/c.yaml.j2": "a: 1\nb: {{ 1 / 0 }}\n", "m/d.yaml.j2": "{% include 'd.yaml.j2' %}\n"})
    ps = problems([str(tmp_path / "m")])
    assert [(p.rule, p.location.line) for p in ps] == [("template-error", 2), ("template-error", None)]


# ---- includes and imports ---------------------------------------------------------------------------


def test_include_beside_relative_and_from_root(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/sub/c.yaml.j2": "{% include '_head.j2' %}\n{% include './_ads.j2' %}\n{% include 'shared/_tail.j2' %}\n",
            "m/sub/_head.j2": 'advertiser_id: "7000000000000000001"\ncampaign_name: "Inc"\n',
            "m/sub/_ads.j2": "objective_type: WEB_CONVERSIONS\n",
            "m/shared/_tail.j2": "budget: 100\n",
        },
    )
    c = load([str(tmp_path / "m")]).manifests[0].campaign
    assert (c.campaign_name, c.budget) == ("Inc", 100)


def test_import_macros(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/_macros.j2": "{% macro name(market) %}{{ ('Sale ' ~ market) | quote }}{% endmacro %}\n",
            "m/c.yaml.j2": "{% import '_macros.j2' as mac %}\n"
            + manifest(name="{{ mac.name('US') }}").replace("{{", "{{ '{{' }}", 0),
        },
    )
    assert load([str(tmp_path / "m")]).manifests[0].campaign.campaign_name == "Sale US"


@pytest.mark.parametrize(
    "target", ["../secret.j2", "../../etc/passwd", "/etc/passwd", "./../secret.j2", "sub/../../secret.j2"]
)
def test_include_cannot_leave_the_manifest_folders(tmp_path: Path, target: str) -> None:
    write(tmp_path, {"secret.j2": "campaign_name: leaked\n", "m/c.yaml.j2": f"{{% include '{target}' %}}\n"})
    [p] = problems([str(tmp_path / "m")])
    assert p.rule == "template-include"
    assert p.location.file == f"{tmp_path}/m/c.yaml.j2" and p.location.line == 1


def test_a_template_may_emit_several_documents(tmp_path: Path) -> None:
    tpl = "{% for m in markets %}\n---\n" + manifest(name='"Sale {{ m }}"') + "{% endfor %}\n"
    write(tmp_path, {"m/c.yaml.j2": tpl, "m/c.values.yaml": "markets: [US, GB, DE]\n"})
    loaded = load([str(tmp_path / "m")])
    assert [m.campaign.campaign_name for m in loaded.manifests] == ["Sale US", "Sale GB", "Sale DE"]
    assert [m.document for m in loaded.manifests] == [0, 1, 2]


# ---- rendered lines -> template lines --------------------------------------------------------------

LOOP_TEMPLATE = """\
# header comment
advertiser_id: "7000000000000000001"
campaign_name: "Loop"
objective_type: WEB_CONVERSIONS
budget: {{ budget }}
adgroups:
{% for g in groups %}
  - adgroup_name: {{ g | quote }}
    optimization_goal: CONVERT
    optimization_event: SHOPPING
    pixel_id: "7100000000000000001"
    billing_event: {{ billing }}
    schedule_type: SCHEDULE_FROM_NOW
    schedule_start_time: "2027-12-01 00:00:00"
    targeting_spec: {location_ids: ["6252001"]}
    bid_type: BID_TYPE_NO_BID
{% endfor %}
"""


def test_errors_name_rendered_and_template_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"m/c.yaml.j2": LOOP_TEMPLATE, "m/c.values.yaml": "budget: 100\nbilling: OCPX\ngroups: [a, b]\n"},
    )
    ps = problems([str(tmp_path / "m")])
    got = [(p.location.path, p.location.line, p.location.template_line, p.rule) for p in ps]
    # Rendered: the loop body (template lines 8-16) is lines 7-15, then 16-24; billing_event stands
    # on rendered lines 11 and 20, both from template line 12.
    assert got == [
        ("adgroups[0].billing_event", 11, 12, "enum"),
        ("adgroups[1].billing_event", 20, 12, "enum"),
    ]
    assert all(p.location.template == f"{tmp_path}/m/c.yaml.j2" for p in ps)
    assert str(ps[0]).startswith(f"{tmp_path}/m/c.yaml.j2:11 (template {tmp_path}/m/c.yaml.j2:12): ")


def test_rule_problems_carry_template_lines(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"m/c.yaml.j2": LOOP_TEMPLATE, "m/c.values.yaml": "budget: 10\nbilling: OCPM\ngroups: [a, a]\n"},
    )
    ps = problems([str(tmp_path / "m")])
    got = sorted((p.rule, p.location.line, p.location.template_line) for p in ps)
    assert got == [("min-budget", 5, 5), ("unique-name", 16, 8)]


def test_template_lines_point_into_included_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m/c.yaml.j2": manifest().split("adgroups:")[0] + "adgroups:\n{% include '_group.j2' %}\n",
            "m/_group.j2": LOOP_TEMPLATE.split("{% for g in groups %}\n")[1]
            .split("{% endfor %}")[0]
            .replace("{{ g | quote }}", '"G"')
            .replace("{{ billing }}", "CPM"),
        },
    )
    [p] = problems([str(tmp_path / "m")])
    assert p.rule == "enum"
    assert (p.location.template, p.location.template_line) == (f"{tmp_path}/m/_group.j2", 5)
    assert p.location.line == 11


def test_multi_line_values_keep_the_line_of_their_expression() -> None:
    files = {"t.j2": "a: 1\nb: |\n{{ text | indent(2, true) }}\nc: 3\n"}
    env = templates.make_environment(files)
    values = {"text": "one\ntwo\nthree"}
    out = templates.render_template(env, "t.j2", values)
    assert out == "a: 1\nb: |\n  one\n  two\n  three\nc: 3\n"
    smap = templates.source_map(files, "t.j2", values, out)
    assert [smap.lookup(n) for n in range(1, 7)] == [
        ("t.j2", 1),
        ("t.j2", 2),
        ("t.j2", 3),
        ("t.j2", 3),
        ("t.j2", 3),
        ("t.j2", 4),
    ]


def test_no_template_line_rather_than_a_wrong_one() -> None:
    # The template inspects captured text: markers would change its output, so the map gives up.
    files = {"t.j2": "{% set x %}abc{% endset %}\n{% if x == 'abc' %}a: 1\n{% else %}a: 2\n{% endif %}\n"}
    env = templates.make_environment(files)
    out = templates.render_template(env, "t.j2", {})
    smap = templates.source_map(files, "t.j2", {}, out)
    assert smap.lookup(1) is None


# ---- files --------------------------------------------------------------------------------------


def test_missing_path_and_bad_encoding(tmp_path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load([str(tmp_path / "nope")])
    assert [p.rule for p in info.value.problems] == ["no-such-path"]
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "c.yaml").write_bytes(b"campaign_name: \xff\xfe\n")
    [p] = problems([str(tmp_path / "m")])
    assert (p.rule, p.location.file) == ("encoding", f"{tmp_path}/m/c.yaml")


def test_rendered_text_and_digest_are_stable(tmp_path: Path) -> None:
    write(tmp_path, {"m/c.yaml.j2": manifest(name='"{{ n }}"'), "m/c.values.yaml": "n: A\n"})
    a = load([str(tmp_path / "m")])
    b = load([str(tmp_path / "m")])
    assert a.digest == b.digest and a.rendered[0].template
    assert 'campaign_name: "A"' in a.rendered[0].text
    c = load([str(tmp_path / "m")], sets=["n=B"])
    assert c.digest != a.digest


def test_symlink_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"outside/secret.j2": "campaign_name: leaked\n", "m/c.yaml.j2": "{% include '_link.j2' %}\n"},
    )
    (tmp_path / "m" / "_link.j2").symlink_to(tmp_path / "outside" / "secret.j2")
    [p] = problems([str(tmp_path / "m")])
    assert p.rule == "template-include"


def test_one_file_does_not_read_its_whole_folder(tmp_path: Path) -> None:
    write(tmp_path, {"m/c.yaml": manifest(), "m/other/junk.yaml": "campaign_name: [\n"})
    (tmp_path / "m" / "binary.yaml").write_bytes(b"\xff\xfe")
    assert len(load([str(tmp_path / "m" / "c.yaml")]).manifests) == 1


def test_template_lines_point_into_macros(tmp_path: Path) -> None:
    base = manifest()
    write(
        tmp_path,
        {
            "m/_macros.j2": "{% macro billing(value) %}\n    billing_event: {{ value }}\n{% endmacro %}\n",
            "m/c.yaml.j2": "{% import '_macros.j2' as mac %}\n"
            + base.replace(
                "    optimization_goal: CONVERT\n", "    optimization_goal: CONVERT\n{{ mac.billing('CPX') }}"
            ),
        },
    )
    [p] = problems([str(tmp_path / "m")])
    assert (p.rule, p.location.path) == ("enum", "adgroups[0].billing_event")
    assert (p.location.template, p.location.template_line) == (f"{tmp_path}/m/_macros.j2", 2)
