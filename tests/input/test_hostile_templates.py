"""Hostile templates: each a located ``template-limit`` error, exit 1, no hang, bounded memory.

The first group runs the real command line in a subprocess with a 1.5 GB address-space
ceiling and a timeout; the rest renders in process (faster), each case checked for its
own message so that a case refused for the wrong reason does not pass."""

from __future__ import annotations

import time
from pathlib import Path

import jinja2.sandbox
import pytest

from reconciler.core import templates
from reconciler.errors import ManifestError, Problem

from .run import smartplus

# Each of these hung, took gigabytes or ended in "internal error" before (issue 12).
CLI_CASES = {
    "huge-power": ("budget: {{ 9 ** (9 ** 9) }}\n", "digits, over the limit"),
    "huge-repeat": ("name: {{ 'a' * 4000000000 }}\n", "4,000,000,000 characters"),
    "nested-ranges": (
        "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n",
        "loop iterations",
    ),
    "doubling-concat": (
        "{% set ns = namespace(s='a' * 1000000) %}\n"
        "{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}\n",
        "characters, over the limit",
    ),
    "format-width": ("x: {{ '%999999999d' % 1 }}\n", "a formatted field"),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_refuses_hostile_template(tmp_path: Path, case: str) -> None:
    text, expected = CLI_CASES[case]
    lines = text.splitlines()
    line = next(i for i, ln in enumerate(lines, start=1) if "{{" in ln or "for" in ln)
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "evil.yaml.j2").write_text(text)
    for command in ("validate", "render"):
        started = time.monotonic()
        r = smartplus(command, "m", cwd=tmp_path)
        assert r.code == 1, r.text
        assert "m/evil.yaml.j2:" in r.err and "template-limit" in r.err, r.err
        assert expected in r.err, r.err
        assert f"evil.yaml.j2:{line}:" in r.err or case == "doubling-concat", r.err
        assert time.monotonic() - started < 30


def render(text: str, limits: templates.Limits | None = None) -> list[Problem]:
    env = templates.make_environment({"t.yaml.j2": text})
    with pytest.raises(ManifestError) as info:
        templates.render_template(env, "t.yaml.j2", {}, limits=limits)
    return info.value.problems


IN_PROCESS = {
    "center-filter": ("{{ 'a' | center(10000000000) }}", "10,000,000,000 characters"),
    "center-method": ("{{ 'a'.center(1000000000) }}", "1,000,000,000 characters"),
    "ljust-method": ("{{ 'a'.ljust(1000000000) }}", "1,000,000,000 characters"),
    "zfill-method": ("{{ '1'.zfill(1000000000) }}", "1,000,000,000 characters"),
    "expandtabs": ("{{ ('\t' * 100000).expandtabs(100000) }}", "characters, over the limit"),
    "printf-star": ("{{ '%*d' % (1000000000, 1) }}", "a formatted field"),
    "format-method": ("{{ '{:>1000000000}'.format(1) }}", "a formatted field"),
    "format-nested": ("{{ '{:>{w}}'.format(1, w=1000000000) }}", "a formatted field"),
    "format-filter": ("{{ '%1000000000d' | format(1) }}", "a formatted field"),
    "plus-doubling": (
        "{% set ns = namespace(s='a' * 1000000) %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
        "characters, over the limit",
    ),
    "set-block-doubling": (
        "{% set ns = namespace(s='a' * 1000000) %}{% for i in range(60) %}"
        "{% set x %}{{ ns.s }}{{ ns.s }}{% endset %}{% set ns.s = x %}{% endfor %}",
        "characters, over the limit",
    ),
    # 100 billion characters: refused before it is built (built, it would be "out of memory").
    "replace-filter": ("{{ ('a' * 1000000) | replace('a', 'a' * 100000) }}", "100,000,000,000 characters"),
    "replace-method": ("{{ ('a' * 1000000).replace('a', 'a' * 100000) }}", "100,000,000,000 characters"),
    "join-filter": ("{{ (['a' * 1000000] * 100) | join }}", "a list with strings"),
    "join-method": ("{{ ''.join(['a' * 1000000] * 100) }}", "a list with strings"),
    "list-repeat": ("{{ (range(100000) | list) * 100000 }}", "items, over the limit"),
    "batch-fill": ("{{ [1] | batch(1000000000, 'x') | list }}", "items, over the limit"),
    "slice-count": ("{{ [1] | slice(1000000000) | list }}", "items, over the limit"),
    "indent-width": ("{{ ('a\\n' * 1000000) | indent(1000) }}", "characters, over the limit"),
    "int-squaring": (
        "{% set ns = namespace(n=10) %}{% for i in range(100) %}{% set ns.n = ns.n * ns.n %}{% endfor %}",
        "digits, over the limit",
    ),
    "literal-text-in-loops": (
        "{% for i in range(10000) %}{% for j in range(100) %}" + "x" * 1000 + "{% endfor %}{% endfor %}",
        "characters of text",
    ),
    "literal-text-captured": (
        "{% for i in range(1000) %}{% set x %}{% for j in range(1000) %}{{ 'x' * 1000 }}"
        "{% endfor %}{% endset %}{% endfor %}",
        "characters of text",
    ),
    # A gigabyte once printed, from nested lists that share one string (each level small).
    "nested-lists-printed": ("{{ [[['a' * 1000000] * 10] * 10] * 10 }}", "a list or mapping, printed,"),
    "nested-lists-concat": ("{{ 'x' ~ [[['a' * 1000000] * 10] * 10] * 10 }}", "printed,"),
    "nested-lists-to_yaml": ("{{ ([[['a' * 1000000] * 10] * 10] * 10) | to_yaml }}", "printed,"),
    "nested-lists-tojson": ("{{ ([[['a' * 1000000] * 10] * 10] * 10) | tojson }}", "printed,"),
    "nested-lists-percent": ("{{ '%s' % ([[['a' * 1000000] * 10] * 10] * 10,) }}", "printed,"),
    "nested-lists-format": ("{{ '{}'.format([[['a' * 1000000] * 10] * 10] * 10) }}", "printed,"),
    "nested-lists-join": ("{{ ([[['a' * 1000000] * 10] * 10] * 10) | join }}", "printed,"),
    "recursive-loop": (
        "{% for x in range(3) recursive %}{% if loop.depth < 5 %}{{ loop(range(100000)) }}{% endif %}{% endfor %}",
        "loop iterations",
    ),
}


@pytest.mark.parametrize("case", sorted(IN_PROCESS))
def test_render_refuses(case: str) -> None:
    text, expected = IN_PROCESS[case]
    # Smaller budgets where the real ones only cost time: the check is the same code.
    limits = templates.Limits(max_iterations=200_000) if case == "recursive-loop" else None
    (p,) = render(text, limits)
    assert p.rule == "template-limit", p
    assert expected in p.message, p
    assert p.location.file == "t.yaml.j2" and p.location.line == 1, p


def test_lipsum_is_not_available() -> None:
    (p,) = render("{{ lipsum(1000000000) }}")
    assert p.rule == "template-undefined" and "lipsum" in p.message


def test_time_limit_stops_a_render_between_steps() -> None:
    # A million iterations (under the iteration limit) with a clock: stopped by time.
    limits = templates.Limits(max_seconds=0.05, clock=time.monotonic)
    started = time.monotonic()
    (p,) = render(
        "{% for i in range(1000) %}\n{% for j in range(1000) %}{{ i * j }}{% endfor %}\n{% endfor %}\n",
        limits,
    )
    assert p.rule == "template-limit" and "longer than 0.05 s" in p.message, p
    assert p.location.line in (1, 2), p
    assert time.monotonic() - started < 5


def test_iteration_limit_is_exact() -> None:
    limits = templates.Limits(max_iterations=10)
    env = templates.make_environment({"t.yaml.j2": "{% for i in range(10) %}{{ i }}{% endfor %}"})
    assert templates.render_template(env, "t.yaml.j2", {}, limits=limits) == "0123456789"
    (p,) = render("{% for i in range(11) %}{{ i }}{% endfor %}", limits)
    assert "more than 10 loop iterations" in p.message


def test_budget_is_per_render() -> None:
    # The same environment renders many files: each starts with a fresh budget.
    limits = templates.Limits(max_iterations=10)
    env = templates.make_environment({"t.yaml.j2": "{% for i in range(8) %}{{ i }}{% endfor %}"})
    for _ in range(3):
        assert templates.render_template(env, "t.yaml.j2", {}, limits=limits) == "01234567"


def test_ordinary_templates_render_the_same() -> None:
    text = (
        "{% for m in markets %}---\nname: {{ 'Sale %s' % m | upper }}\nbudget: {{ 100 * loop.index }}\n"
        "code: {{ '%04d' % loop.index }} {{ '{:>6}'.format(m) }} {{ m ~ '-x' }}\n"
        "{% for g in range(2) %}  - {{ (m ~ g) | center(8) }} {{ [m, g] | join(',') }}\n{% endfor %}"
        "{% endfor %}"
    )
    values = {"markets": ["us", "de"]}
    env = templates.make_environment({"t.yaml.j2": text})
    got = templates.render_template(env, "t.yaml.j2", values)
    # The same template in Jinja's plain sandbox, without the bounds: the bounds change nothing.
    plain = jinja2.sandbox.ImmutableSandboxedEnvironment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    assert got == plain.from_string(text).render(**values)
    assert got.startswith("---\nname: Sale US\nbudget: 100\ncode: 0001     us us-x\n")


def test_bench_scale_template_renders_within_the_limits() -> None:
    # The 5x bench account (1000 x 10 x 5 = 50,000 ads) must stay well inside the limits.
    text = (Path(__file__).resolve().parents[2] / "bench" / "scale.yaml.j2").read_text()
    env = templates.make_environment({"s.yaml.j2": text})
    values = {"campaigns": 1000, "adgroups": 10, "ads": 5, "budget": 100, "start_time": "2027-01-01 00:00:00"}
    out = templates.render_template(env, "s.yaml.j2", values)
    assert out.count("ad_name:") == 50_000


def test_macro_per_ad_at_5x_stays_within_the_limits() -> None:
    # An agency template that renders each ad through a macro: the macro's text is counted
    # once as its body prints it, not again as the macro's result.
    text = (Path(__file__).resolve().parents[2] / "bench" / "scale.yaml.j2").read_text()
    head, ad = text.split("{% for a in range(1, ads + 1) %}\n")
    body, tail = ad.split("{% endfor %}\n", 1)
    macro = "{% macro ad(c, g, a) %}\n" + body + "{% endmacro %}\n"
    loop = "{% for a in range(1, ads + 1) %}\n{{ ad(c, g, a) }}{% endfor %}\n"
    env = templates.make_environment({"s.yaml.j2": macro + head + loop + tail})
    values = {"campaigns": 1000, "adgroups": 10, "ads": 5, "budget": 100, "start_time": "2027-01-01 00:00:00"}
    out = templates.render_template(env, "s.yaml.j2", values)
    assert out.count("ad_name:") == 50_000
    assert env.budget.chars < 2 * len(out)  # type: ignore[attr-defined]
