"""``resources.read_time`` reads TikTok's time shape without strptime; it must read exactly what
``strptime(value, TIME_FORMAT)`` reads (the validators, the rules and the learning phase use it)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.guardrails.base import parse_time
from reconciler.core.resources import TIME_FORMAT, read_time

CHARS = st.sampled_from(list("0123456789- :+TZ.x"))


def strptime(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIME_FORMAT)
    except ValueError:
        return None


@settings(max_examples=3000, deadline=None)
@given(
    st.one_of(
        st.text(CHARS, min_size=19, max_size=19),
        st.datetimes().map(lambda d: d.strftime(TIME_FORMAT)),
        st.text(CHARS, max_size=25),
    )
)
def test_read_time_reads_what_strptime_reads(value: str) -> None:
    assert read_time(value) == strptime(value)


def test_the_guardrails_also_read_iso_8601() -> None:
    assert parse_time("2026-01-01T00:00:00Z") == dt.datetime(2026, 1, 1)
    assert parse_time("2026-01-01 00:00:00") == dt.datetime(2026, 1, 1)
    assert read_time("2026-01-01 00:00+01") is None and strptime("2026-01-01 00:00+01") is None
