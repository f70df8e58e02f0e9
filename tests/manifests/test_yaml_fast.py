"""The fast YAML path (``reconciler.core.yaml_fast``, yaml_rs behind a gate) against the PyYAML
path it stands in for: wherever the fast path answers, its documents are the PyYAML path's,
value for value and type for type, with the same first lines, and the PyYAML path has no
problem with the text. Generated documents in and out of the subset, and every manifest,
example and golden case of the repository."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.core import manifests, yaml_fast
from reconciler.core.manifests import MAX_NODES, parse_documents, parse_documents_pyyaml

ROOT = Path(__file__).resolve().parents[2]

needs_yaml_rs = pytest.mark.skipif(not yaml_fast.available(), reason="yaml_rs is not installed")


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1 is not True, 1.0 is not 1, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            same(k, k2) and same(a[k], b[k2]) for k, k2 in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    return bool(a == b)


def check(text: str) -> bool:
    """The property; True when the fast path answered (so that tests can say it was used)."""
    fast = yaml_fast.load_fast(text, MAX_NODES)
    if fast is None:
        return False
    docs, problems = parse_documents_pyyaml(text, "f.yaml", lines=False)
    assert problems == [], (text, fast, problems)
    assert len(docs) == len(fast), (text, fast, docs)
    for (data, first), (ref, _lines, ref_first) in zip(fast, docs, strict=True):
        assert same(data, ref), (text, data, ref)
        assert first == ref_first, (text, first, ref_first)
    return True


# ---- generated documents -----------------------------------------------------------------------

NUMBERISH = [
    "0", "00", "017", "-017", "+017", "0o17", "0o8", "0O17", "0x1F", "0x1f", "0X1F", "-0x1F", "+0o7",
    "0b101", "0B1", "1_000", "_1", "1_", "1__0", "0x_1F", "1e3", "1E3", "1e+3", "1e-3", "1.e3", ".5",
    "-.5", "+.5", "1.", "1.5", "-1.5e-10", "1e400", "-1e400", ".e3", "1e", "e3", ".", "-", "+", "-0",
    "-0.0", "+0.0", "0.1_0", "1e1_0", "_.5", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".iNf", "-.INF",
    ".nan", ".NaN", ".NAN", ".nAn", "-.nan", "+.nan", "inf", "nan", "NaN", "Infinity",
    "12345678901234567890123", "-9223372036854775809", "9223372036854775808", "0xFFFFFFFFFFFFFFFFFFFF",
    "1,000", "1:30", "1:30:00", "2026-01-01", "2026-01-01 00:00:00", "2026-01-01T00:00:00Z",
]  # fmt: skip
WORDS = [
    "true", "True", "TRUE", "tRue", "false", "False", "FALSE", "yes", "No", "on", "OFF", "y", "n",
    "~", "null", "Null", "NULL", "nUll", "", "a", "WEB_CONVERSIONS", "ad_text", "x y", "Free shipping!",
    "Fish & chips", "50% off", "a#b", "a #b", "https://shop.example.com/?a=1&b=2", "a:b", "::1", "-x",
    "?x", ":x", "a*b", "a!b", "<<", "@x", "`x", "|x", "a|b", ">x", "%x", "é", "日本", "😀", "a'b",
    'a"b', "- x", "---", "...", "a  b", "[x", "x]", "{x", "x}", "a, b",
]  # fmt: skip
PLAIN = st.sampled_from(NUMBERISH + WORDS)


def double_quoted(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


SCALAR_TEXT = st.text(alphabet=st.sampled_from(list("ab1_ .:-#!&*?,[]{}'\"\\\té\n")), max_size=8)
SCALAR = st.one_of(
    PLAIN,
    PLAIN.map(double_quoted),
    PLAIN.map(lambda s: "'" + s.replace("'", "''") + "'"),
    SCALAR_TEXT.map(double_quoted),
    SCALAR_TEXT.map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.sampled_from(['"a\\tb"', '"\\u00e9"', '"\\x41"', '"\\/"', '"a\\\nb"', '"a\n  b"', "'a\n\n  b'"]),
    st.sampled_from(["!!str 1", "!!int 3", "!!float 1", "!foo x", "!!python/name:os.system x", "&a 1", "*a"]),
    st.sampled_from(["|\n  a\n  b\n", "|-\n  a\n", ">\n  a\n  b\n\n", ">+\n  a\n\n", "|2\n   a\n"]),
)
KEY = st.one_of(
    st.sampled_from(["a", "b", "ad_text", "1", "true", "null", "~", "1_0", "0x1", '"a"', "'a'", '"1"']),
    st.sampled_from(["[a, b]", "{a: 1}", "? a", "<<", "a b", "a:b", "-a"]),
)


@st.composite
def flow(draw: st.DrawFn, depth: int = 0) -> str:
    if depth > 2 or draw(st.booleans()):
        return draw(SCALAR.filter(lambda s: "\n" not in s))
    if draw(st.booleans()):
        items = draw(st.lists(flow(depth + 1), max_size=3))
        return "[" + ", ".join(items) + "]"
    pairs = draw(st.lists(st.tuples(KEY, flow(depth + 1)), max_size=3))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


@st.composite
def block(draw: st.DrawFn, indent: int = 0, depth: int = 0) -> str:
    pad = " " * indent
    kind = draw(st.sampled_from(["map", "seq", "flow"] if depth < 3 else ["flow"]))
    if kind == "flow":
        return pad + draw(flow()) + "\n"
    out = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.integers(0, 5)) == 0:
            out.append(pad + draw(st.sampled_from(["# c", "", "#", "  # c"])) + "\n")
        inline = draw(st.booleans())
        head = pad + (draw(KEY) + ":" if kind == "map" else "-")
        if inline:
            value = draw(SCALAR) if draw(st.booleans()) else draw(flow())
            value = value.replace("\n", "\n" + pad + "  ")
            comment = draw(st.sampled_from(["", " # c", "#c"]))
            out.append(f"{head} {value}{comment}\n" if value else head + "\n")
        else:
            step = draw(st.sampled_from([0, 1, 2, 4])) if kind == "map" else 2
            out.append(head + "\n")
            out.append(draw(block(indent + step, depth + 1)))
    return "".join(out)


@st.composite
def stream(draw: st.DrawFn) -> str:
    docs = []
    for i in range(draw(st.integers(1, 3))):
        marker = draw(
            st.sampled_from(["---\n", "--- ", "--- # c\n", "---\n\n", ""] if i == 0 else ["---\n", "--- "])
        )
        body = draw(
            st.one_of(block(), st.just(""), st.just("# only a comment\n"), SCALAR.map(lambda s: s + "\n"))
        )
        docs.append(marker + body)
    text = "".join(docs)
    tail = draw(st.sampled_from(["", "", "\n", "...\n", "\t", "\r\n", "\ufeff"]))
    return draw(st.sampled_from([text + tail, tail + text, text.rstrip("\n")]))


@needs_yaml_rs
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stream())
def test_fast_path_agrees_on_generated_documents(text: str) -> None:
    check(text)


@needs_yaml_rs
@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab01_.:-+ \n#!&*?,[]{}'\"|>~xeE")), max_size=40))
def test_fast_path_agrees_on_character_soup(text: str) -> None:
    check(text)


@needs_yaml_rs
@pytest.mark.parametrize("word", NUMBERISH + WORDS)
@pytest.mark.parametrize("form", ["a: {}\n", "- {}\n", "[{}]\n", "{{k: {}}}\n", "{}: v\n", "---\n{}\n"])
def test_fast_path_agrees_on_every_listed_scalar(word: str, form: str) -> None:
    check(form.format(word))


# Shapes found by hand (multi-line plain and flow scalars, odd keys, document markers, float
# edges, long keys: PyYAML refuses simple keys past 1,024 characters).
SHAPES = [
    "a: " + "k" * 1100 + "\n",
    "k" * 1100 + ": v\n",
    "{" + "k" * 1100 + ": v}\n",
    '"' + "k" * 1100 + '": v\n',
    "a: b\n  c\n\n  d\n",
    "a: b\nc\n",
    "- a\n  b\n- c\n",
    "a:\n  b\n  c\n",
    "a: [a,\n  b]\n",
    "a: {x: 1,\n  y: 2}\n",
    "a: [a,\nb]\n",
    "a : b\n",
    '{"a":b}\n',
    "{a:b}\n",
    "[a:b]\n",
    "[a: b]\n",
    "{a: }\n",
    "{a}\n",
    "[a, ]\n",
    "[, a]\n",
    "[a,, b]\n",
    "- # c\n  a\n",
    "--- a\n",
    "--- a\nb\n",
    "--- a: 1\n",
    "---a\n",
    "a#b: c\n",
    "a: b#c\n",
    "a: b #c\n",
    "😀: x\n",
    "a: 😀\n",
    "a:\n- b\n- c\n",
    "a:\n - b\n",
    "  a: 1\n b: 2\n",
    "a: 1\n  b: 2\n",
    "- a: 1\n  b: 2\n- c\n",
    "a: 'x''y'\n",
    "a: 'x\n  y'\n",
    'a: "x\n\n  y"\n',
    'a: "x  \n  y"\n',
    "a: x\n  # c\n  y\n",
    "[a, b]\n",
    "- [a, b]: c\n",
    "a: -\n",
    "a: - b\n",
    "- -\n",
    "a: ---\n",
    "a: ...\n",
    "a:  \n",
    "a: b\n\n\n",
    "\n\n---\n\n",
    "# c\n",
    "a: b\n# c",
    "a",
    "a: 'b'c\n",
    'a: "b"c\n',
    "a: [b]c\n",
    "a: {b: 1} c\n",
    "a: [b] # c\n",
    "a: x: y\n",
    "- a: b: c\n",
    "key: value with: colon\n",
    "a: http://x:80/y\n",
    "a: 1.0\nb: 1.10\nc: 100000000000000000000.5\n",
    "a: 0.1e-400\n",
    "a: 1e-400\n",
    "a: 4.9e-324\n",
    "a: 2.2250738585072014e-308\n",
    "a: 179769313486231570814527423731704356798070567525844996598917476803157260780028538760589558632766878171540458953514382464234321326889464182768467546703537516986049910576551282076245490090389328944075868508455133942304583236903222948165808559332123348274797826204144723168738177180919299881250404026184124858368\n",
    "a: 0.30000000000000004\n",
    "a: 1.7976931348623159e308\n",
    "a: 123456789.123456789e-5\n",
    "a:\n  - b\n  -\n  - c\n",
    "? a\n",
    "a: b\n  c: d\n",
    "a:\n  b: 1\n c: 2\n",
    "---\n--- \n---\n",
    "x\n---\ny\n",
    "---\na: 1\n---\n",
    "--- [a,\n---\n]\n",
    'a: "b\n---\nc"\n',
]


@needs_yaml_rs
@pytest.mark.parametrize("text", SHAPES)
def test_fast_path_agrees_on_shapes_found_by_hand(text: str) -> None:
    check(text)


# ---- the gate: what must stay fast, and what must not --------------------------------------------

REALISTIC = """\
---
advertiser_id: "7000000000000000001"
campaign_name: "Winter sale!"   # a comment
budget: 500
budget_optimize_on: true
adgroups:
  - adgroup_name: Group 1
    targeting_spec: {location_ids: ["6252001"], spc_audience_age: OVER_EIGHTEEN}
    ads:
      - ad_name: Ad 1
        ad_text_list: [{ad_text: "Free shipping! Fish & chips"}, {ad_text: Buy now! 50% off}]
        landing_page_url_list: [{landing_page_url: "https://shop.example.com/?a=1&b=2#top"}]
"""


@needs_yaml_rs
def test_a_realistic_manifest_with_bangs_and_ampersands_stays_on_the_fast_path() -> None:
    assert yaml_fast.gate(REALISTIC)
    assert check(REALISTIC)


HAND_OVER = [
    "a: 1_000\n", "a: [_1]\n", "a: 0X1F\n", "a: -0x1F\n", "a: .iNf\n", "a: !foo x\n", "&a x\n", "a: *nope\n",
    "<<: {a: 1}\n", "a: |\n  x\n", "a:\tb\n", "a: b\r\n", "- - - a\n", "a: b\n...\n", "...\n", "? a\n",
    ":a\n", "a: " + "[" * 5000 + "]" * 5000 + "\n", " " * 70 + "k: 1\n", "x: 1_\n", "_1: x\n", "-0o17: x\n",
]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(stream(), st.sampled_from([*HAND_OVER, REALISTIC])), min_size=1, max_size=5),
    st.randoms(),
)
def test_the_gate_is_a_property_of_each_line(texts: list[str], rnd: Any) -> None:
    """``gate`` reads a large text's distinct lines only, in any order: the same answer as on
    the whole text, whichever line comes first."""
    text = "\n".join(texts)
    lines = text.split("\n")
    rnd.shuffle(lines)
    assert yaml_fast.gate_whole(text) == yaml_fast.gate_whole("\n".join(dict.fromkeys(lines)))


def test_a_large_text_is_gated_on_its_distinct_lines() -> None:
    big = REALISTIC * (yaml_fast.DISTINCT_LINES_FROM // len(REALISTIC) + 1)
    assert len(big) >= yaml_fast.DISTINCT_LINES_FROM and yaml_fast.gate(big)
    for bad in HAND_OVER:
        assert not yaml_fast.gate_whole(bad), bad
        assert not yaml_fast.gate(big + bad) and not yaml_fast.gate(bad + big), bad


@needs_yaml_rs
@pytest.mark.parametrize(
    "text",
    [
        "a: 1_000\n",  # yaml_rs: 1000
        "a: [_1]\n",
        "a: 0X1F\n",
        "a: -0x1F\n",
        "a: .iNf\n",
        "a: !foo x\n",  # yaml_rs: the string "x"
        "a: !!python/name:os.system x\n",
        "a: *nope\n",  # yaml_rs: None
        "[a, b]: 1\n",  # yaml_rs: a tuple key
        "1: a\n'1': b\n",  # one key written twice, for us
        "a:\n",  # a null value: ours reports it
        "a: &x 1\nb: *x\n",
        "<<: {a: 1}\n",
        "a: |\n  x\n",
        "a:\tb\n",
        "a: b\r\n",
        "\ufeffa: b\n",
        'a: "\\x41"\n',
        "- - - a\n",
        "a: b\n...\n",
        "a: " + "[" * 5000 + "]" * 5000 + "\n",
        "".join(" " * i + "k:\n" for i in range(70)) + " " * 70 + "k: 1\n",
    ],
)
def test_outside_the_subset_the_gate_hands_over_to_pyyaml(text: str) -> None:
    assert yaml_fast.load_fast(text, MAX_NODES) is None


def test_deep_and_huge_documents_never_reach_yaml_rs(monkeypatch: pytest.MonkeyPatch) -> None:
    """yaml_rs overflows its stack (and kills the process) on ~15,000 nested block sequences,
    and takes tens of seconds on 100,000 flow brackets: the gate must refuse them unread."""

    calls: list[str] = []

    class Spy:
        def loads(self, text: str, **_k: object) -> object:
            calls.append(text)  # (an exception here would be taken for a refusal of yaml_rs)
            return {}

    monkeypatch.setattr(yaml_fast, "_yaml_rs", Spy())
    assert yaml_fast.load_fast("a: b\n", MAX_NODES) == [({}, 1)] and calls  # the spy is wired
    calls.clear()
    for text in ("- " * 20_000 + "a\n", "a: " + "[" * 100_000 + "]" * 100_000 + "\n"):
        assert yaml_fast.load_fast(text, MAX_NODES) is None
        assert calls == []
        _docs, problems = parse_documents(text, "f.yaml", lines=False)
        assert [p.rule for p in problems] == ["yaml-syntax"]


@needs_yaml_rs
def test_too_many_nodes_go_to_pyyaml_which_says_so() -> None:
    text = "a: [" + ", ".join(["1"] * 60) + "]\n"
    assert yaml_fast.load_fast(text, 50) is None
    assert yaml_fast.load_fast(text, 100) is not None


def test_without_yaml_rs_everything_takes_the_pyyaml_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yaml_fast, "_yaml_rs", yaml_fast._UNSET)  # not imported yet
    monkeypatch.setitem(sys.modules, "yaml_rs", None)  # so `import yaml_rs` raises ImportError
    assert not yaml_fast.available()
    assert yaml_fast.load_fast(REALISTIC, MAX_NODES) is None
    docs, problems = parse_documents(REALISTIC, "f.yaml", lines=False)
    assert problems == [] and docs[0][0]["budget"] == 500


# ---- every manifest of the repository ----------------------------------------------------------


def _repo_texts() -> list[tuple[str, str]]:
    from reconciler.adapters.files import render

    out: list[tuple[str, str]] = []
    for folder in ("manifests", "docs", "tests/cases", "tests/manifests/invalid"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".yaml", ".yml") and path.is_file():
                out.append((str(path.relative_to(ROOT)), path.read_text(encoding="utf-8")))
    for md in [*sorted((ROOT / "docs").rglob("*.md")), ROOT / "README.md"]:
        parts = md.read_text(encoding="utf-8").split("```yaml\n")
        for n, part in enumerate(parts[1:]):
            out.append((f"{md.relative_to(ROOT)}#{n}", part.split("```", 1)[0]))
    import tempfile

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from _common import write_scale_manifests
    finally:
        sys.path.pop(0)
    with tempfile.TemporaryDirectory() as tmp:
        work = write_scale_manifests(Path(tmp), 3, 2, 2)
        for r in render([str(work)]).rendered:
            out.append(("bench/scale.yaml.j2", r.text))
    return out


REPO = _repo_texts()


@needs_yaml_rs
def test_every_manifest_in_the_repository_gives_the_same_data() -> None:
    fast = 0
    for name, text in REPO:
        try:
            fast += check(text)
        except AssertionError as exc:
            raise AssertionError(name) from exc
    assert fast >= len(REPO) // 2, f"only {fast} of {len(REPO)} texts took the fast path"


def test_parse_documents_is_the_pyyaml_path_with_lines() -> None:
    """lines=True (values files, LazyLines) always takes PyYAML: line maps come from there."""
    docs, problems = parse_documents(REALISTIC, "f.yaml", lines=True)
    ref = parse_documents_pyyaml(REALISTIC, "f.yaml", lines=True)
    assert (docs, problems) == ref and docs[0][1][("budget",)] == 4
    assert manifests.parse_documents(REALISTIC, "f.yaml", lines=False)[0][0][1] == {}


def test_equal_strings_are_one_object() -> None:
    """The manifest models keep the strings they are given: equal values share one object
    (a 61,000-object plan repeats its enums, ids and URLs tens of thousands of times)."""
    text = "".join(
        f'---\nadvertiser_id: "7000000000000000001"\ncampaign_name: c{i}\nlist: [WEB_CONVERSIONS, x{i}]\n'
        for i in range(3)
    )
    fast = yaml_fast.load_fast(text, 1000)
    assert fast is not None
    docs = [d for d, _ in fast]
    assert docs[0]["advertiser_id"] is docs[2]["advertiser_id"]
    assert docs[0]["list"][0] is docs[1]["list"][0]
    assert docs == [d for d, _, _ in parse_documents_pyyaml(text, "f", lines=False)[0]]
