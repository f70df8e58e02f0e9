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

from reconciler.core.diff import diff_fields, equal, normal

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
