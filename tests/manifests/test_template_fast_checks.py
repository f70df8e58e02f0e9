"""The cheaper checks of common template operations (``templates._Environment.call_binop`` on two
ints, a printf format with one scalar, the clock read on every 16th value) still stop what the
full checks stopped."""

from __future__ import annotations

import time

import pytest

from reconciler.core import templates
from reconciler.errors import ManifestError


def problems(text: str, limits: templates.Limits | None = None) -> list[str]:
    env = templates.make_environment({"t.yaml.j2": text})
    with pytest.raises(ManifestError) as info:
        templates.render_template(env, "t.yaml.j2", {}, limits=limits)
    return [f"{p.rule}: {p.message}" for p in info.value.problems]


def test_adding_ints_in_a_loop_stops_at_the_digit_limit() -> None:
    text = "{% set ns = namespace(n=1) %}{% for i in range(20000) %}{% set ns.n = ns.n + ns.n %}{% endfor %}"
    (only,) = problems(text)
    assert only.startswith("template-limit:") and "digits, over the limit" in only


def test_a_printf_width_on_one_scalar_is_still_refused() -> None:
    for arg in ("1", "1.5", "'x'"):
        (only,) = problems("x: {{ '%999999999d' % " + arg + " }}\n".replace("d' % '", "s' % '"))
        assert "a formatted field" in only, only


def test_small_int_arithmetic_renders_as_before() -> None:
    env = templates.make_environment({"t.yaml.j2": "{{ (7 - 1) % 4 + 1 }} {{ '%04d' % 7 }} {{ 2 + 3 }}"})
    assert templates.render_template(env, "t.yaml.j2", {}) == "3 0007 5"


def test_the_clock_still_stops_a_render_of_values_alone() -> None:
    # One loop of many printed values: the clock is read in the loop and on every 16th value.
    limits = templates.Limits(max_seconds=0.05, clock=time.monotonic)
    text = "{% for j in range(1000) %}{% for i in range(1000) %}{{ i % 7 }}{{ '%d' % i }}{% endfor %}{% endfor %}"
    started = time.monotonic()
    (only,) = problems(text, limits)
    assert "longer than" in only and time.monotonic() - started < 5


def test_a_formatted_string_over_the_value_limit_is_refused() -> None:
    text = "{% set s = 'a' * 1000 %}{% set t = 'x%s' % s %}x: 1\n"  # built, never printed
    (only,) = problems(text, templates.Limits(max_value_chars=1000))
    assert "1,001 characters, over the limit" in only, only


@pytest.mark.parametrize("value", ["'%s' % v", "v"])
def test_printed_values_count_against_the_output_limit(value: str) -> None:
    text = (
        "{% set v = 'abcdefghij' %}{% set n = 1234567890 %}{% for i in range(200) %}{{ "
        + value
        + " }}{% endfor %}"
    )
    (only,) = problems(text, templates.Limits(max_output_chars=1000))
    assert "produces more than 1,000 characters" in only, only


def test_a_printed_list_built_by_an_operator_is_still_sized() -> None:
    # `+` of two lists: no number written beside it, so the printed value is checked as before.
    text = "{% set s = 'a' * 600 %}x: {{ [s] + [s] }}\n"
    (only,) = problems(text, templates.Limits(max_value_chars=1000))
    assert "a list or mapping, printed," in only, only


@pytest.mark.parametrize("expr", ["x + 1", "1 + x", "x + 1.5"])
def test_adding_a_number_to_a_list_is_a_template_error(expr: str) -> None:
    (only,) = problems("{% set x = [1] %}v: {{ " + expr + " }}\n")
    assert only.startswith("template-error: TypeError"), only
