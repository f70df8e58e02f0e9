"""The plan's section hash skips the number walk when the text has no integral float: the result
must be the hash of the canonical form (integral floats as ints) for every value."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.plan import _canonical, _hash

JSONISH = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**22), 10**22),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([500.0, -0.0, 1e20, 1e-7, 0.5, 10.0]),
        st.text(max_size=8),
        st.sampled_from(["v1.0", "500.0", "1e5", "x"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=4), inner, max_size=4)
    ),
    max_leaves=15,
)


def reference(value: Any) -> str:
    text = json.dumps(
        _canonical(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()


@settings(max_examples=500, deadline=None)
@given(JSONISH)
def test_hash_is_the_hash_of_the_canonical_form(value: Any) -> None:
    assert _hash(value) == reference(value)


def test_spellings_of_one_number_hash_alike() -> None:
    assert _hash({"budget": 500}) == _hash({"budget": 500.0})
    assert _hash([1e20]) == _hash([10**20])
    assert _hash({"budget": 500}) != _hash({"budget": 500.5})
