"""Property tests: whatever the input, the loader answers with manifests or a ManifestError,
never another exception (a crash would print a traceback instead of file:line: path: rule)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.adapters.files import load
from reconciler.errors import ManifestError, Problem

from .helpers import manifest

BASE: dict[str, Any] = yaml.safe_load(manifest())

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["WEB_CONVERSIONS", "CONVERT", "OCPM", "CPC", "BUDGET_MODE_TOTAL", "TT_USER", "MANUAL"]),
    st.sampled_from(["7000000000000000001", "2027-12-01 00:00:00", "https://x.example/", "", "0"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


def paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(doc, dict):
        for k, v in doc.items():
            out.extend(paths(v, (*prefix, k)))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            out.extend(paths(v, (*prefix, i)))
    return out


ALL_PATHS = [p for p in paths(BASE) if p]
FIELD_NAMES = sorted({p[-1] for p in ALL_PATHS if isinstance(p[-1], str)})


def mutate(doc: Any, path: tuple[Any, ...], value: Any, action: str, key: str) -> Any:
    import copy

    doc = copy.deepcopy(doc)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "set":
        parent[last] = value
    elif action == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[key] = value
    return doc


def check(text: str, name: str = "c.yaml") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / name).write_text(text, encoding="utf-8")
        try:
            load([str(Path(tmp) / name)])
        except ManifestError as exc:
            assert exc.problems
            assert all(isinstance(p, Problem) and p.rule and p.message for p in exc.problems)
            for p in exc.problems:
                str(p)


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    check(text)


@FUZZ
@given(
    st.sampled_from(ALL_PATHS),
    values,
    st.sampled_from(["set", "delete", "add"]),
    st.one_of(st.sampled_from(FIELD_NAMES), st.text(max_size=10)),
)
def test_random_field_values(path: tuple[Any, ...], value: Any, action: str, key: str) -> None:
    doc = mutate(BASE, path, value, action, key)
    check(yaml.safe_dump(doc, allow_unicode=True))


yaml_tokens = st.sampled_from(
    [
        ": ",
        "- ",
        "\n",
        "  ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!!python/object ",
        "---\n",
        "'",
        '"',
        "adgroups",
        "ads",
        "budget",
        "1e999",
        "0x1F",
        "2027-13-45",
        "~",
        "? ",
        "|\n",
        ">-\n",
        "%YAML 1.1\n",
        "\t",
    ]
)


@FUZZ
@given(st.lists(yaml_tokens, max_size=40))
def test_random_yaml_ish(tokens: list[str]) -> None:
    check("".join(tokens))


template_tokens = st.sampled_from(
    [
        "{{ x }}",
        "{{ y.z }}",
        "{% if x %}",
        "{% endif %}",
        "{% for i in x %}",
        "{% endfor %}",
        "{% include 'c.yaml.j2' %}",
        "{% include '../x' %}",
        "{% import '_m.j2' as m %}",
        "{{ 1/0 }}",
        "{{ x | int }}",
        "{{ ''.__class__ }}",
        "{#",
        "#}",
        "\n",
        "a: ",
        "- ",
        "{{ x | to_yaml }}",
        "{{ x | quote }}",
        "{% raw %}",
        "{% endraw %}",
        "{{ range(10**9) | list }}",
    ]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(template_tokens, max_size=12))
def test_random_templates(tokens: list[str]) -> None:
    check("".join(tokens), name="c.yaml.j2")
