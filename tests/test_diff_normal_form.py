"""The diff's equality rule (``core.diff.normal``) against an independent oracle: deepdiff, set to the
same rule (order ignored, numbers by value to 6 decimal places). The diff no longer calls deepdiff,
so the two must agree on every pair of values the manifests and TikTok's answers can hold.

deepdiff's ``ignore_order`` compares lists as sets (a repeated item is no difference unless
``report_repetition``), and with ``number_format_notation="f"`` it rounds numbers to 6 decimals: the
rule of the normal form. The one case the oracle does not share is a boolean against a number (the
models type every field, so it never arises); the strategies keep booleans out of number positions.
"""

from __future__ import annotations

from typing import Any

from deepdiff import DeepDiff
from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.diff import diff_fields, equal, normal, same

KEYS = st.sampled_from(["a", "b", "ad_text", "location_ids", "budget"])
NUMBERS = st.one_of(
    st.integers(-3, 3),
    st.integers(-(10**12), 10**12),
    st.sampled_from([0.1, 0.2, 0.30000000000000004, 500, 500.0, 1_500_000_000, 1_500_000_100, -0.0]),
    st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
)
SCALARS = st.one_of(st.none(), st.booleans(), st.sampled_from(["", "x", "y", "500", "6252001"]), NUMBERS)


def values(depth: int = 3) -> st.SearchStrategy[Any]:
    return st.recursive(
        SCALARS,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
        max_leaves=12,
    )


def oracle(a: Any, b: Any) -> bool:
    return not DeepDiff(
        a,
        b,
        ignore_order=True,
        ignore_numeric_type_changes=True,
        significant_digits=6,
        number_format_notation="f",
    )


def mixes_bool_and_number(a: Any, b: Any) -> bool:
    """A boolean where the other side has a number, at any depth (the case the oracle types
    differently; see the module docstring)."""
    if isinstance(a, bool) != isinstance(b, bool) and all(isinstance(x, int | float) for x in (a, b)):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return any(mixes_bool_and_number(a[k], b[k]) for k in a.keys() & b.keys())
    if isinstance(a, list) and isinstance(b, list):
        return any(mixes_bool_and_number(x, y) for x in a for y in b)
    return False


def near(value: Any, data: st.DataObject) -> Any:
    """The value, or one close to it: reordered, a number nudged, an item repeated."""

    def nudge(v: Any) -> Any:
        if isinstance(v, bool) or v is None or isinstance(v, str):
            return v
        if isinstance(v, int | float):
            return data.draw(st.sampled_from([v, float(v), v + 1e-9, v + 1e-5, v + 1, -v]))
        if isinstance(v, dict):
            return {k: nudge(x) for k, x in v.items()}
        items = [nudge(x) for x in v]
        items = data.draw(st.permutations(items)) if items else items
        if items and data.draw(st.booleans()):
            items = [*items, items[0]]
        return items

    return nudge(value)


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_equal_agrees_with_deepdiff(data: st.DataObject) -> None:
    a = data.draw(values())
    b = near(a, data) if data.draw(st.booleans()) else data.draw(values())
    if mixes_bool_and_number(a, b):
        return
    if a is None or b is None:
        assert equal(a, b) == (a is None and b is None)
        return
    assert equal(a, b) == oracle(a, b), (a, b)
    assert equal(a, b) == equal(b, a)


def test_cases_that_matter() -> None:
    # TikTok echoes numbers as floats and lists in its own order: no change.
    assert equal({"budget": 500}, {"budget": 500.0})
    assert equal(["6252001", "2077456"], ["2077456", "6252001"])
    assert equal([{"ad_text": "a"}, {"ad_text": "b"}], [{"ad_text": "b"}, {"ad_text": "a"}])
    # A change of 100 in a budget of 1.5 billion (IDR, VND) is a change: an absolute rounding,
    # where a 7-significant-digit rule (the diff's old deepdiff setting) saw none.
    assert not equal(1_500_000_000, 1_500_000_100)
    assert not equal(1_234_567.10, 1_234_567.20)
    assert not equal({}, [])
    assert not equal("500", 500)
    assert not equal([], None)
    assert normal([1, 1]) == normal([1])


def test_diff_fields_names_the_changed_fields_only() -> None:
    live = {"budget": 500.0, "location_ids": ["2", "1"], "extra": "server-added", "name": "x"}
    desired = {"budget": 500, "location_ids": ["1", "2", "3"], "name": "x"}
    changes = diff_fields(desired, live)
    assert [(c.path, c.before, c.after) for c in changes] == [("location_ids", ["2", "1"], ["1", "2", "3"])]


def shaped_like(want: Any, data: st.DataObject) -> Any:
    """A live value for ``want``: its shape with server-added keys, items repeated or dropped, numbers
    echoed as floats, sometimes another value altogether (so both answers of ``same`` are drawn)."""
    if data.draw(st.integers(0, 9)) == 0:
        return data.draw(values())
    if isinstance(want, dict):
        out = {k: shaped_like(v, data) for k, v in want.items() if data.draw(st.integers(0, 9)) > 0}
        if data.draw(st.booleans()):
            out["server_added"] = data.draw(SCALARS)
        return out
    if isinstance(want, list):
        items = [shaped_like(v, data) for v in want]
        if items and data.draw(st.booleans()):
            items = data.draw(st.permutations([*items, items[0]]))
        return items
    return near(want, data)


def reference(live: Any, want: Any) -> bool:
    """The rule of ``diff.same`` written plainly, slowly, without its shortcuts: projections are
    built and compared by normal form, lists of objects matched item by item."""
    if isinstance(want, dict):
        return isinstance(live, dict) and all(reference(live.get(k), v) for k, v in want.items())
    if isinstance(want, list) and any(isinstance(w, dict) for w in want):
        if not isinstance(live, list):
            return False
        return all(any(reference(x, w) for x in live) for w in want) and all(
            any(reference(x, w) for w in want) for x in live
        )
    if live is None or want is None:
        return live is None and want is None
    return bool(normal(live) == normal(want))


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_same_agrees_with_the_reference(data: st.DataObject) -> None:
    """The diff's rule, with its shortcuts (plain equality first, scalars inline, one item), decides
    what the plain reference decides, on live values shaped like the desired ones."""
    want = data.draw(values())
    live = shaped_like(want, data)
    assert same(live, want) == reference(live, want), (live, want)
    assert same(want, want)  # a value always equals itself (the old merged-shape rule did not)


def test_same_cases() -> None:
    one = [{"ad_text": "a"}]
    assert same([{"ad_text": "a", "id": "1"}], one)
    assert not same([], one)  # a set of one is not the empty set
    assert same([{"ad_text": "a"}, {"ad_text": "a", "x": 1}], one)
    assert not same([{"ad_text": "a"}, {"ad_text": "b"}], one)
    assert same({"budget": 500.0, "extra": 1}, {"budget": 500})
    assert not same({"budget": 500.0}, {"budget": 500, "mode": "X"})
    assert same(["2", "1"], ["1", "2"])
    assert not same(None, {"a": 1})


def test_an_ad_mixing_a_video_and_a_carousel_has_no_change() -> None:
    """Creatives of different shapes in one ad: each is compared on its own keys. With one merged
    shape the carousel got ``video_info: null`` and the ad showed a change after every apply."""
    want = {
        "creative_list": [
            {"creative_info": {"ad_format": "SINGLE_VIDEO", "video_info": {"video_id": "v1"}}},
            {
                "creative_info": {
                    "ad_format": "CAROUSEL_ADS",
                    "image_info": [{"web_uri": "i1"}, {"web_uri": "i2"}],
                }
            },
        ]
    }
    live = {
        "creative_list": [
            {
                "ad_material_id": "2",
                "creative_info": {
                    "ad_format": "CAROUSEL_ADS",
                    "identity_type": "TT_USER",
                    "image_info": [{"web_uri": "i2"}, {"web_uri": "i1"}],
                },
            },
            {
                "ad_material_id": "1",
                "creative_info": {
                    "ad_format": "SINGLE_VIDEO",
                    "identity_type": "TT_USER",
                    "video_info": {"video_id": "v1", "file_name": ""},
                    "image_info": [{"web_uri": "cover"}],
                },
            },
        ]
    }
    assert diff_fields(want, live) == []
    live["creative_list"][0]["creative_info"]["image_info"] = [{"web_uri": "i3"}]
    (change,) = diff_fields(want, live)
    assert change.path == "creative_list"
    # Shown on the keys of the item each one stands for: the video as the desired video, the
    # changed carousel on the keys of both.
    assert change.before[1] == want["creative_list"][0]
    assert change.before[0]["creative_info"]["image_info"] == [{"web_uri": "i3"}]
